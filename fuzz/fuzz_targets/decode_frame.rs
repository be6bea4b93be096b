//! A frame's bytes under a link type chosen by the first input byte (low four
//! bits pick one of the decoded link types or an unknown one; the top bit
//! marks the frame as cut by a snap length). Checks that every borrowed
//! payload lies inside the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::capture::{FrameNo, FrameRef, Linktype, Timestamp};
use sipdiag::decode::{self, Decoded};

const LINKTYPES: [Linktype; 11] = [
    Linktype::NULL,
    Linktype::ETHERNET,
    Linktype::RAW_12,
    Linktype::RAW_14,
    Linktype::RAW,
    Linktype::LOOP,
    Linktype::LINUX_SLL,
    Linktype::IPV4,
    Linktype::IPV6,
    Linktype::LINUX_SLL2,
    Linktype(147),
];

fn inside(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    inner.is_empty() || (i >= o && i + inner.len() <= o + outer.len())
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else {
        return;
    };
    let linktype = LINKTYPES[usize::from(selector & 0x0f) % LINKTYPES.len()];
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let orig_len = if selector & 0x80 != 0 {
        len.saturating_add(1000)
    } else {
        len
    };
    let frame = FrameRef {
        number: FrameNo(1),
        ts: Timestamp::default(),
        linktype,
        data,
        orig_len,
    };
    match decode::decode(&frame) {
        Ok(Decoded::Packet(p)) => {
            assert!(inside(data, p.payload), "payload outside the frame");
            let _ = format!("{p:?}");
        }
        Ok(Decoded::Fragment(f)) => {
            assert!(
                inside(data, f.payload),
                "fragment payload outside the frame"
            );
            let _ = f.byte_offset();
            let _ = format!("{f:?}");
        }
        Ok(Decoded::Sctp(p)) => {
            assert!(inside(data, p.chunks), "SCTP chunks outside the frame");
            for chunk in p.data_chunks() {
                let _ = format!("{chunk:?}");
            }
        }
        Ok(Decoded::Skipped(s)) => {
            let _ = format!("{s:?}");
        }
        Err(issue) => {
            assert!(issue.offset <= data.len(), "issue offset beyond the frame");
            let _ = issue.to_string();
        }
    }
});
