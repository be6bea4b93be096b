//! TCP segments through the reassembly stage. The input is a list of
//! segments, each an 8-byte header (flags, direction, sequence number, data
//! length) and its data; two directions of one connection. Every message the
//! stage emits is scanned, and must lie within what was fed.
//!
//! The end of the input is the end of the capture: `finish` flushes what is
//! left, and every reassembly event is rendered.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use libfuzzer_sys::fuzz_target;
use sipdiag::capture::{FrameNo, Timestamp};
use sipdiag::decode::{Decoded, Packet, TcpInfo, Transport};
use sipdiag::reassembly::{Reassembler, SipBytes};
use sipdiag::sip::Message;

const HEADER: usize = 8;

fuzz_target!(|data: &[u8]| {
    let a = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 5060);
    let b = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 5060);
    let mut reassembler = Reassembler::new();
    let mut rest = data;
    let mut frame = 0u32;
    let fed: usize = data.len();
    let mut emitted = 0usize;
    while rest.len() >= HEADER {
        let (head, tail) = rest.split_at(HEADER);
        let flags = head[0];
        let forward = head[1] & 1 == 0;
        let seq = u32::from_be_bytes([head[2], head[3], head[4], head[5]]);
        let len = usize::from(u16::from_be_bytes([head[6], head[7]])).min(tail.len());
        let (payload, after) = tail.split_at(len);
        rest = after;
        frame += 1;
        let (src, dst) = if forward { (a, b) } else { (b, a) };
        let packet = Packet {
            src,
            dst,
            transport: Transport::Tcp(TcpInfo {
                seq,
                ack: 0,
                syn: flags & 0x02 != 0,
                fin: flags & 0x01 != 0,
                rst: flags & 0x04 != 0,
                psh: flags & 0x08 != 0,
                has_ack: flags & 0x10 != 0,
            }),
            payload,
            vlan: None,
            truncated: flags & 0x80 != 0,
            lie: None,
        };
        let ts = Timestamp {
            secs: i64::from(frame),
            nanos: 0,
        };
        let mut emit = |bytes: SipBytes<'_>| {
            emitted = emitted.saturating_add(bytes.bytes.len());
            if let Some(msg) = Message::parse(bytes.bytes) {
                let _ = (msg.call_id(), msg.cseq(), msg.top_via());
            }
        };
        reassembler.push(FrameNo(frame), ts, &Decoded::Packet(packet), &mut emit);
    }
    reassembler.finish(&mut |bytes: SipBytes<'_>| {
        emitted = emitted.saturating_add(bytes.bytes.len());
    });
    for event in reassembler.events() {
        let _ = format!("{event:?}");
    }
    // Reassembly never makes up bytes: retransmitted data is emitted once.
    assert!(emitted <= fed, "emitted {emitted} bytes out of {fed} fed");
    let _ = reassembler.stats();
});
