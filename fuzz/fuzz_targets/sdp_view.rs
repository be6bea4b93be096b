//! Bytes as an SDP body: the parser and every accessor of what it yields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::sip::{Sdp, common_formats, static_payload};

fuzz_target!(|data: &[u8]| {
    let sdp = match Sdp::parse(data) {
        Ok(sdp) => sdp,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = (
        &sdp.origin_address,
        sdp.connection,
        sdp.direction,
        &sdp.skipped_lines,
    );
    for m in &sdp.media {
        let _ = (
            m.effective_direction(&sdp).as_str(),
            m.effective_connection(&sdp),
        );
        for f in &m.formats {
            let _ = f.name();
            assert!(f.same_codec(f) || f.pt.is_none() && f.encoding.is_none());
            if let Some(pt) = f.pt {
                let _ = static_payload(pt);
            }
        }
        for other in &sdp.media {
            let common = common_formats(m, other);
            assert!(common.len() <= m.formats.len());
        }
    }
});
