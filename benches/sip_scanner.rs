//! Micro-benchmark of the SIP scanner: `sipdiag::sip::Message::parse` and the
//! accessors every message goes through (`call_id`, `cseq`, the top Via's
//! branch and sent-by, the From and To tags), and `Sdp::parse`, on real
//! messages from the test captures.
//!
//! `cargo bench --bench sip_scanner`. Throughput is reported in bytes of SIP
//! message and in messages.

mod common;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use sipdiag::decode::{self, Decoded};
use sipdiag::sip::{Message, Sdp, looks_like_sip};

fn main() {
    divan::main();
}

/// Calls with SDP offers and answers, 183 early media, a 422 retry with
/// Session-Expires/Min-SE, REGISTER with a digest challenge, and a capture
/// taken with `tcpdump -i any`.
const CAPTURES: &[&str] = &[
    "basic-call.pcap",
    "183-sdp.pcap",
    "422-retry-ok.pcap",
    "auth-ok.pcap",
    "interleaved-calls.pcap",
];

/// The SIP messages (UDP payloads that look like SIP) of a capture.
fn messages(capture: &str) -> Vec<Vec<u8>> {
    let frames = common::frames(capture);
    let mut out = Vec::new();
    for f in &frames {
        if let Ok(Decoded::Packet(p)) = decode::decode(&f.as_ref()) {
            if looks_like_sip(p.payload) {
                out.push(p.payload.to_vec());
            }
        }
    }
    assert!(!out.is_empty(), "{capture}: no SIP message");
    out
}

fn counters(msgs: &[Vec<u8>]) -> (BytesCount, ItemsCount) {
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    (BytesCount::new(bytes), ItemsCount::new(msgs.len()))
}

/// `Message::parse` alone: start line, header spans, body.
#[divan::bench(args = CAPTURES)]
fn parse(bencher: Bencher, capture: &str) {
    let msgs = messages(capture);
    let (bytes, items) = counters(&msgs);
    bencher.counter(bytes).counter(items).bench(|| {
        let mut headers = 0usize;
        for m in &msgs {
            if let Some(msg) = Message::parse(black_box(m)) {
                headers += msg.headers().len();
            }
        }
        headers
    });
}

/// `Message::parse` then what correlation reads from every message.
#[divan::bench(args = CAPTURES)]
fn parse_and_read_keys(bencher: Bencher, capture: &str) {
    let msgs = messages(capture);
    let (bytes, items) = counters(&msgs);
    bencher.counter(bytes).counter(items).bench(|| {
        let mut n = 0usize;
        for m in &msgs {
            if let Some(msg) = Message::parse(black_box(m)) {
                n += msg.call_id().map_or(0, |c| c.len());
                n += msg.cseq().map_or(0, |c| c.seq as usize);
                n += msg.top_via_branch().map_or(1, str::len);
                n += msg.top_via_sent_by().map_or(0, str::len);
                n += msg.from_tag().map_or(0, str::len) + msg.to_tag().map_or(0, str::len);
            }
        }
        n
    });
}

/// `Sdp::parse` on the SDP bodies of a capture.
#[divan::bench(args = ["basic-call.pcap", "183-sdp.pcap"])]
fn parse_sdp(bencher: Bencher, capture: &str) {
    let bodies: Vec<Vec<u8>> = messages(capture)
        .iter()
        .filter_map(|m| Some(Message::parse(m)?.sdp_body()?.to_vec()))
        .collect();
    assert!(!bodies.is_empty(), "{capture}: no SDP body");
    let (bytes, items) = counters(&bodies);
    bencher.counter(bytes).counter(items).bench(|| {
        bodies
            .iter()
            .filter_map(|b| Sdp::parse(black_box(b)).ok())
            .map(|s| s.media.len())
            .sum::<usize>()
    });
}
