//! Bytes as a SIP message: the scanner, every accessor, and stream framing.
//! Checks that spans lie inside the message, that a framed message lies
//! inside its buffer, and that the one-walk readers (`look_and_scan` for
//! datagrams, `frame_and_scan` for streams) agree with the two-step ones.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipdiag::sip::{self, Framing, HeaderName, Message};

/// What the scanner read of a message: its spans and header spans.
fn shape(msg: &Message) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?}",
        msg.start_line_span(),
        msg.message_span(),
        msg.body_span(),
        msg.headers(),
        msg.anomalies()
    )
}

fuzz_target!(|data: &[u8]| {
    let looks = sip::looks_like_sip(data);
    let (looked, scanned) = sip::look_and_scan(data);
    assert_eq!(looked, looks);
    if let Some(scanned) = &scanned {
        let parsed = Message::parse(data).expect("a scanned datagram parses");
        assert_eq!(shape(scanned), shape(&parsed));
    }
    let framing = sip::frame_message(data);
    match framing {
        Framing::Complete { skip, len } | Framing::NoContentLength { skip, len } => {
            assert!(skip.checked_add(len).is_some_and(|end| end <= data.len()));
            if let (_, Some(scanned)) = sip::frame_and_scan(data) {
                let framed = &data[skip..skip + len];
                let parsed = Message::parse(framed).expect("a framed, scanned message parses");
                assert_eq!(shape(&scanned), shape(&parsed));
            }
        }
        Framing::Incomplete | Framing::NotSip => {}
    }
    assert_eq!(sip::frame_and_scan(data).0, framing);
    let Some(msg) = Message::parse(data) else {
        return;
    };
    let raw_len = msg.raw().len();
    for span in [msg.start_line_span(), msg.message_span(), msg.body_span()] {
        assert!(span.end as usize <= raw_len && span.start <= span.end);
    }
    let _ = (msg.start_line(), msg.start_line_text(), msg.is_request());
    let _ = (
        msg.method(),
        msg.status(),
        msg.reason_phrase(),
        msg.request_uri(),
    );
    for h in msg.headers() {
        assert!(h.name_span.end as usize <= raw_len && h.value_span.end as usize <= raw_len);
        let _ = (msg.header_value(h), msg.header_name_text(h));
        let _ = msg.header_named(&msg.header_name_text(h));
    }
    for name in HeaderName::ALL {
        let _ = (msg.header(name), msg.header_all(name), msg.tokens(name));
        let _ = msg.auth(name).iter().map(|a| a.param("realm")).count();
    }
    let _ = (
        msg.call_id(),
        msg.cseq(),
        msg.via_count(),
        msg.from(),
        msg.to(),
    );
    if let Some(via) = msg.top_via() {
        let _ = via.sent_by();
    }
    for via in msg.vias() {
        let _ = via.sent_by();
    }
    let _ = (
        msg.contacts(),
        msg.max_forwards(),
        msg.session_expires(),
        msg.min_se(),
    );
    let _ = (
        msg.expires(),
        msg.min_expires(),
        msg.retry_after(),
        msg.warnings(),
    );
    let _ = (msg.reasons(), msg.rseq(), msg.rack(), msg.content_length());
    let _ = (msg.content_type(), msg.body(), msg.sdp_body());
    if let Some(Ok(sdp)) = msg.sdp() {
        for m in &sdp.media {
            let _ = (m.effective_direction(&sdp), m.effective_connection(&sdp));
        }
    }
    for a in msg.anomalies() {
        let _ = a.describe();
    }
});
