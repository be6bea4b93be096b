//! Every SIP message of the transport fixtures (fixtures/transport/): SIP over TCP
//! (segmented, reordered, retransmitted, wrapped, mid-stream, lost), fragmented UDP over
//! IPv4 and IPv6, WebSocket, TLS and SCTP. The message lists are asserted exactly, as the
//! `call` lines of the JSON report give them; the capture-quality events through the library.
//! fixtures/README.md compares these lists with what tshark 4.0 finds.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sipdiag::analysis::{InputAnalysis, analyze};
use sipdiag::capture::FileSource;
use sipdiag::report::json::Line;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/transport")
        .join(name)
}

/// `frame:method-or-status` of every message of every call, in report order, with the
/// transport of each message, from `sipdiag --format json`.
fn messages(name: &str) -> (Vec<String>, Vec<String>) {
    let out = Command::cargo_bin("sipdiag")
        .unwrap()
        .env_remove("NO_COLOR")
        .args(["--format", "json", "--color", "never", "--fail-on", "never"])
        .arg(fixture(name))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut list = Vec::new();
    let mut transports = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        if let Line::Call(call) = serde_json::from_str::<Line>(line).unwrap() {
            for m in call.messages {
                let what = match (m.method, m.status) {
                    (Some(method), _) => method,
                    (None, Some(status)) => status.to_string(),
                    (None, None) => "?".to_string(),
                };
                let rtx = if m.retransmission {
                    " (retransmission)"
                } else {
                    ""
                };
                list.push(format!("{}:{what}{rtx}", m.frame));
                if !transports.contains(&m.transport) {
                    transports.push(m.transport);
                }
            }
        }
    }
    (list, transports)
}

fn analysis(name: &str) -> InputAnalysis {
    let mut source = FileSource::open(&fixture(name)).unwrap();
    analyze(name.to_string(), &mut source)
}

/// The events as their Display text.
fn events(name: &str) -> Vec<String> {
    analysis(name)
        .capture_events
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn assert_messages(name: &str, want: &[&str], transport: &str) {
    let (got, transports) = messages(name);
    assert_eq!(got, want, "{name}");
    let want_transports: Vec<String> = if want.is_empty() {
        Vec::new()
    } else {
        vec![transport.to_string()]
    };
    assert_eq!(transports, want_transports, "{name}");
}

const CALL: [&str; 7] = ["INVITE", "100", "180", "200", "ACK", "BYE", "200"];

fn call_at(frames: [u32; 7]) -> Vec<String> {
    frames
        .iter()
        .zip(CALL)
        .map(|(f, m)| format!("{f}:{m}"))
        .collect()
}

fn check(name: &str, frames: [u32; 7], transport: &str) {
    let want = call_at(frames);
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    assert_messages(name, &want, transport);
}

// ---------------------------------------------------------------- real peers (SIPp)

#[test]
fn tcp_big_call_invite_over_four_segments() {
    // The 4780-byte INVITE comes in four MSS-sized segments (frames 4, 6, 8, 10): it is
    // attributed to frame 10, which completes it.
    check("tcp-big-call.pcap", [10, 12, 14, 16, 18, 20, 22], "TCP");
    let a = analysis("tcp-big-call.pcap");
    assert_eq!(a.stats.reassembly.tcp_segments_with_data, 10);
    assert_eq!(a.stats.reassembly.tcp_messages, 7);
    assert!(a.capture_events.is_empty());
}

#[test]
fn tcp_big_call_frames_spanned() {
    let s = spans("tcp-big-call.pcap");
    assert_eq!(s[0], (10, vec![4, 6, 8, 10]));
    assert!(s[1..].iter().all(|(_, f)| f.is_empty()));
}

#[test]
fn tcp_420_retry() {
    assert_messages(
        "tcp-420-retry-ok.pcap",
        &[
            "4:INVITE",
            "6:420",
            "8:ACK",
            "10:INVITE",
            "12:200",
            "13:ACK",
            "15:BYE",
            "17:200",
        ],
        "TCP",
    );
    assert!(events("tcp-420-retry-ok.pcap").is_empty());
}

#[test]
fn udp_fragmented_ipv4_and_ipv6() {
    for name in ["udp-fragmented.pcap", "udp-fragmented-ipv6.pcap"] {
        // The INVITE is rebuilt from the fragments in frames 1-4, attributed to frame 4.
        check(name, [4, 5, 6, 7, 8, 9, 10], "UDP");
        assert_eq!(spans(name)[0], (4, vec![1, 2, 3, 4]), "{name}");
        assert!(spans(name)[1..].iter().all(|(_, f)| f.is_empty()), "{name}");
        let a = analysis(name);
        assert_eq!(a.stats.reassembly.ip_fragments, 4, "{name}");
        assert_eq!(a.stats.reassembly.ip_datagrams_reassembled, 1, "{name}");
        assert!(a.capture_events.is_empty(), "{name}");
    }
}

// ---------------------------------------------------------------- crafted

/// `(frame, frames)` of every message of the capture's calls, in report order:
/// `frames` is what `Record::frames` keeps (empty for a message that came whole
/// in its frame).
fn spans(name: &str) -> Vec<(u32, Vec<u32>)> {
    analysis(name)
        .correlated
        .calls
        .iter()
        .flat_map(|c| c.records.iter())
        .map(|r| (r.frame.0, r.frames.iter().map(|f| f.0).collect()))
        .collect()
}

#[test]
fn tcp_out_of_order() {
    // tshark 4.0 with default settings loses the INVITE (frames 4, 6, 5 hold its bytes in
    // the order 1, 3, 2) and the ACK; sipdiag attributes the INVITE to frame 6, which fills
    // the hole. The BYE's segment (frame 10) arrives before the ACK's (frame 11): the BYE
    // is readable only once frame 11 fills the hole, so both are attributed to frame 11
    // (as tshark with out-of-order reassembly does), in stream order.
    check(
        "crafted-tcp-out-of-order.pcap",
        [6, 7, 8, 9, 11, 11, 12],
        "TCP",
    );
    let a = analysis("crafted-tcp-out-of-order.pcap");
    assert_eq!(a.stats.reassembly.tcp_out_of_order_segments, 2);
    assert!(a.capture_events.is_empty());
    // The frames each message spans: the INVITE's three segments; the BYE's bytes
    // came in frame 10 though it is attributed to frame 11.
    assert_eq!(
        spans("crafted-tcp-out-of-order.pcap"),
        vec![
            (6, vec![4, 5, 6]),
            (7, vec![]),
            (8, vec![]),
            (9, vec![]),
            (11, vec![]),
            (11, vec![10]),
            (12, vec![]),
        ]
    );
}

#[test]
fn tcp_retransmission_and_overlap() {
    // Frame 6 repeats frame 5 (100 Trying): dropped at the stream level, not a second
    // message. Frame 8 overlaps the end of frame 7 and completes the 180 and the 200.
    check(
        "crafted-tcp-retransmission-overlap.pcap",
        [4, 5, 8, 8, 9, 10, 11],
        "TCP",
    );
    let r = analysis("crafted-tcp-retransmission-overlap.pcap")
        .stats
        .reassembly;
    assert_eq!(r.tcp_retransmitted_segments, 1);
    assert_eq!(r.tcp_overlapping_segments, 1);
}

#[test]
fn tcp_sequence_numbers_wrap() {
    // The INVITE's second segment (frame 4) wraps past 2^32 and arrives before its first
    // (frame 5); the BYE (frame 9) arrives before the ACK (frame 10) that makes it readable.
    check("crafted-tcp-seq-wrap.pcap", [5, 6, 7, 8, 10, 10, 11], "TCP");
    assert!(events("crafted-tcp-seq-wrap.pcap").is_empty());
    assert_eq!(
        spans("crafted-tcp-seq-wrap.pcap"),
        vec![
            (5, vec![4, 5]),
            (6, vec![]),
            (7, vec![]),
            (8, vec![]),
            (10, vec![]),
            (10, vec![9]),
            (11, vec![]),
        ]
    );
}

#[test]
fn tcp_keepalives_between_messages() {
    check(
        "crafted-tcp-keepalive.pcap",
        [6, 7, 8, 9, 12, 15, 16],
        "TCP",
    );
    let r = analysis("crafted-tcp-keepalive.pcap").stats.reassembly;
    assert_eq!(r.tcp_keepalives, 6);
}

#[test]
fn tcp_two_messages_in_one_segment() {
    check("crafted-tcp-two-in-one.pcap", [4, 5, 5, 6, 7, 7, 8], "TCP");
}

#[test]
fn tcp_capture_starting_mid_stream() {
    // Frame 1 is the tail of a message whose start was not captured: skipped, the stream
    // resynchronises on the INVITE's start line.
    check("crafted-tcp-midstream.pcap", [2, 3, 4, 5, 6, 7, 8], "TCP");
    assert!(events("crafted-tcp-midstream.pcap").is_empty());
}

#[test]
fn tcp_lost_segment_is_reported() {
    // The INVITE's second segment was not captured; B's 100 Trying acknowledges it, so the
    // hole is decided when the next data (the ACK, frame 8) arrives beyond it.
    assert_messages(
        "crafted-tcp-lost-segment.pcap",
        &["5:100", "6:180", "7:200", "8:ACK", "9:BYE", "10:200"],
        "TCP",
    );
    assert_eq!(
        events("crafted-tcp-lost-segment.pcap"),
        vec![
            "tcp 10.0.0.1:40000 → 10.0.0.2:5060: 638 bytes missing after frame 4 (sequence numbers 1401..2039); resynchronised at frame 8"
        ]
    );
    let a = analysis("crafted-tcp-lost-segment.pcap");
    assert_eq!(a.capture_events[0].kind(), "tcp-gap");
    assert_eq!(a.capture_events[0].frame().0, 4);
}

#[test]
fn tcp_message_without_content_length_is_reported() {
    check(
        "crafted-tcp-no-content-length.pcap",
        [4, 5, 6, 7, 8, 9, 10],
        "TCP",
    );
    assert_eq!(
        events("crafted-tcp-no-content-length.pcap"),
        vec![
            "tcp 10.0.0.2:5060 → 10.0.0.1:40000: SIP message in frame 5 has no valid Content-Length, mandatory on streams (RFC 3261 §18.3); its body cannot be delimited"
        ]
    );
}

#[test]
fn udp_fragments_out_of_order() {
    check(
        "crafted-udp-fragments-out-of-order.pcap",
        [3, 4, 5, 6, 7, 8, 9],
        "UDP",
    );
    assert!(events("crafted-udp-fragments-out-of-order.pcap").is_empty());
}

#[test]
fn udp_missing_fragment_is_reported() {
    // Only the INVITE's first fragment is in the capture (as a "port 5060" filter keeps it).
    assert_messages(
        "crafted-udp-fragment-missing.pcap",
        &["2:100", "3:180", "4:200", "5:ACK", "6:BYE", "7:200"],
        "UDP",
    );
    assert_eq!(
        events("crafted-udp-fragment-missing.pcap"),
        vec![
            "ipv4 10.0.0.1 → 10.0.0.2 id 16962: datagram never completed, 1480 bytes (last fragment missing) in frame 1; a capture filter on ports keeps only first fragments (non-first ones carry no port)"
        ]
    );
}

#[test]
fn gre_tunnel_whose_outer_packet_is_fragmented() {
    // A UDP call inside GRE between 192.0.2.1 and 192.0.2.2; the INVITE's outer packet
    // (3 523 bytes of GRE payload) travels in three IPv4 fragments (frames 1-3). The rebuilt datagram is
    // opened as a tunnel and the inner packet takes the UDP path.
    check("crafted-gre-fragmented.pcap", [3, 4, 5, 6, 7, 8, 9], "UDP");
    let a = analysis("crafted-gre-fragmented.pcap");
    assert_eq!(a.stats.reassembly.ip_fragments, 3);
    assert_eq!(a.stats.reassembly.ip_datagrams_reassembled, 1);
    assert!(a.capture_events.is_empty());
    assert!(a.decode_issues.is_empty());
    let invite = &a.correlated.calls[0].records[0];
    assert_eq!(invite.src.to_string(), "10.0.0.1:5060");
    assert_eq!(invite.dst.to_string(), "10.0.0.2:5060");
    assert_eq!(
        invite.frames.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn websocket_masked_and_fragmented() {
    // The INVITE comes in two WebSocket frames (binary, then continuation; frames 6-8),
    // the first split over two TCP segments; client frames are masked.
    check("crafted-websocket.pcap", [8, 9, 10, 11, 12, 13, 14], "WS");
    let r = analysis("crafted-websocket.pcap").stats.reassembly;
    assert_eq!(r.ws_messages, 7);
}

#[test]
fn tls_flow_is_reported_as_encrypted() {
    assert_messages("crafted-tls-5061.pcap", &[], "");
    assert_eq!(
        events("crafted-tls-5061.pcap"),
        vec![
            "tls 10.0.0.1:40000 → 10.0.0.2:5061: SIP signalling seen but encrypted (8 segments from frame 4); it cannot be analysed"
        ]
    );
}

#[test]
fn sctp_data_chunks() {
    // The INVITE is one user message in two DATA chunks (frames 1, 2); 100 and 180 are
    // bundled in frame 4; frame 6 retransmits the 200's chunk (same TSN): dropped.
    check("crafted-sctp.pcap", [2, 4, 4, 5, 7, 8, 9], "SCTP");
    assert_eq!(spans("crafted-sctp.pcap")[0], (2, vec![1, 2]));
    let r = analysis("crafted-sctp.pcap").stats.reassembly;
    assert_eq!(r.sctp_data_chunks, 9);
    assert_eq!(r.sctp_duplicate_chunks, 1);
    assert_eq!(r.sctp_messages, 7);
}
