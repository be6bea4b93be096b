//! Micro-benchmark of the frame decoder, `sipdiag::decode::decode`, on real frames.
//!
//! `cargo bench --bench frame_decoder`. Throughput is reported in bytes of
//! captured frame data and in frames.

mod common;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use sipdiag::decode::{self, Decoded};

fn main() {
    divan::main();
}

/// Captures with different link layers and transports: Ethernet + UDP,
/// Ethernet + TCP (MSS-sized segments), Linux cooked v2 (`tcpdump -i any`),
/// IPv4 fragments, IPv6.
const CAPTURES: &[&str] = &[
    "basic-call.pcap",
    "transport/tcp-big-call.pcap",
    "501-info-update-any.pcap",
    "transport/udp-fragmented.pcap",
    "clean-call-ipv6.pcap",
];

#[divan::bench(args = CAPTURES)]
fn decode_frames(bencher: Bencher, capture: &str) {
    let frames = common::frames(capture);
    let bytes: usize = frames.iter().map(|f| f.data.len()).sum();
    let refs: Vec<_> = frames.iter().map(common::OwnedFrame::as_ref).collect();
    bencher
        .counter(BytesCount::new(bytes))
        .counter(ItemsCount::new(refs.len()))
        .bench(|| {
            let mut payload = 0usize;
            for frame in &refs {
                match decode::decode(black_box(frame)) {
                    Ok(Decoded::Packet(p)) => payload += p.payload.len(),
                    Ok(Decoded::Fragment(f)) => payload += f.payload.len(),
                    _ => {}
                }
            }
            payload
        });
}
