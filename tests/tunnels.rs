//! SIP inside tunnels and captures from real networks: every fixture in
//! `fixtures/tunnels/` (made by `make_tunnels.py` from the real call in
//! `fixtures/clean-call.pcap`; provenance in `fixtures/README.md`) yields the
//! same seven messages as the plain call, in the frames tshark shows them in,
//! and the call is answered.

use std::net::SocketAddr;
use std::path::PathBuf;

use sipdiag::analysis::{InputAnalysis, analyze};
use sipdiag::capture::{FileSource, FrameNo};
use sipdiag::correlate::Outcome;
use sipdiag::sip::StatusCode;

/// The call as SIPp placed it: each message by its method or status code.
const CALL: [&str; 7] = ["INVITE", "100", "180", "200", "ACK", "BYE", "200"];
const ALL_FRAMES: [u32; 7] = [1, 2, 3, 4, 5, 6, 7];
const UAC: &str = "127.0.0.1:5061";
const UAS: &str = "127.0.0.1:5060";

struct Fixture {
    name: &'static str,
    /// Every frame in the file (`tshark -r F | wc -l`).
    frames: u64,
    /// The frames of the seven SIP messages (`tshark -r F -Y sip`).
    sip_frames: [u32; 7],
    /// The addresses of the SIP peers inside the tunnel.
    uac: &'static str,
    uas: &'static str,
}

const fn plain(name: &'static str) -> Fixture {
    Fixture {
        name,
        frames: 7,
        sip_frames: ALL_FRAMES,
        uac: UAC,
        uas: UAS,
    }
}

const FIXTURES: &[Fixture] = &[
    plain("ipip.pcap"),
    plain("ip4in6.pcap"),
    Fixture {
        uac: "[2001:db8:1::a0a]:5061",
        uas: "[2001:db8:1::b0b]:5060",
        ..plain("ip6in4.pcap")
    },
    plain("gre.pcap"),
    Fixture {
        uac: "[2001:db8:1::a0a]:5061",
        uas: "[2001:db8:1::b0b]:5060",
        ..plain("gre-key-seq.pcap")
    },
    plain("erspan1.pcap"),
    plain("erspan2.pcap"),
    plain("erspan3.pcap"),
    plain("mpls.pcap"),
    plain("vxlan.pcap"),
    // Two short RTP-like frames padded to 60 bytes sit at frames 3 and 7.
    Fixture {
        frames: 9,
        sip_frames: [1, 2, 4, 5, 6, 8, 9],
        ..plain("padded.pcap")
    },
    plain("multi-if.pcapng"),
];

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tunnels")
        .join(name)
}

fn run(name: &str) -> InputAnalysis {
    let mut source = FileSource::open(&path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    analyze(name.to_string(), &mut source)
}

#[test]
fn every_tunnel_fixture_yields_the_call() {
    for f in FIXTURES {
        let name = f.name;
        let a = run(name);
        assert_eq!(a.read_error, None, "{name}");
        assert_eq!(a.decode_issues, Vec::new(), "{name}");
        assert_eq!(a.stats.frames, f.frames, "{name}");
        assert_eq!(a.stats.sip_messages, 7, "{name}");
        // Padding or a trailer taken for payload would break Content-Length.
        assert_eq!(a.stats.malformed_messages, 0, "{name}");
        assert_eq!(a.stats.retransmissions, 0, "{name}");
        assert_eq!(a.calls().len(), 1, "{name}");
        let call = &a.calls()[0];
        assert_eq!(call.outcome(), Outcome::Answered(StatusCode::OK), "{name}");
        let seen: Vec<(u32, String)> = call
            .records
            .iter()
            .map(|r| {
                let label = match r.msg.method() {
                    Some(m) => m.to_string(),
                    None => r.status().map_or_else(String::new, |s| s.0.to_string()),
                };
                (r.frame.0, label)
            })
            .collect();
        let expected: Vec<(u32, String)> = f
            .sip_frames
            .iter()
            .zip(CALL)
            .map(|(&frame, label)| (frame, label.to_string()))
            .collect();
        assert_eq!(seen, expected, "{name}");
        let uac: SocketAddr = f.uac.parse().unwrap();
        let uas: SocketAddr = f.uas.parse().unwrap();
        for r in &call.records {
            let expected = if r.msg.is_request() {
                (uac, uas)
            } else {
                (uas, uac)
            };
            assert_eq!((r.src, r.dst), expected, "{name} frame {}", r.frame);
            assert!(!r.truncated, "{name} frame {}", r.frame);
        }
    }
}

/// The short frames of padded.pcap are UDP datagrams that are not SIP: their
/// padding is not taken for payload.
#[test]
fn padded_short_frames_are_other_udp() {
    let a = run("padded.pcap");
    assert_eq!(a.stats.reassembly.udp_other, 2);
    let frames: Vec<FrameNo> = a.calls()[0].records.iter().map(|r| r.frame).collect();
    assert!(!frames.contains(&FrameNo(3)) && !frames.contains(&FrameNo(7)));
}

/// The binary reads a tunnelled capture like a plain one.
#[test]
fn the_binary_reads_vxlan() {
    let assert = assert_cmd::Command::cargo_bin("sipdiag")
        .unwrap()
        .arg("--color")
        .arg("never")
        .arg(path("vxlan.pcap"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .assert()
        .code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        out.contains("INVITE sip:bob@127.0.0.1:5060 SIP/2.0"),
        "{out}"
    );
    assert!(out.contains("7 frames, 7 SIP messages"), "{out}");
}

/// multi-if.pcapng has three interfaces of different link types (and
/// timestamp resolutions); its frames alternate between them, and the times
/// are those of the original call.
#[test]
fn pcapng_with_three_link_types() {
    use sipdiag::capture::{FrameSource, Linktype};
    let mut source = FileSource::open(&path("multi-if.pcapng")).unwrap();
    let mut seen = Vec::new();
    while let Some(frame) = source.next_frame().unwrap() {
        seen.push((frame.number.0, frame.linktype, frame.ts.nanos));
    }
    let (eth, sll2, raw) = (Linktype::ETHERNET, Linktype::LINUX_SLL2, Linktype::RAW);
    assert_eq!(
        seen,
        vec![
            (1, eth, 294_734_000),
            (2, sll2, 294_880_000),
            (3, raw, 296_060_000),
            (4, eth, 297_224_000),
            (5, sll2, 297_287_000),
            (6, raw, 350_841_000),
            (7, eth, 350_900_000),
        ]
    );
}

/// Parity with tshark's recorded reading (`fixtures/tunnels/oracle.sh`):
/// the same frames, methods, status codes and CSeqs, file by file.
#[test]
fn same_messages_as_tshark() {
    for f in FIXTURES {
        let name = f.name;
        let oracle = name.strip_suffix(".pcap").unwrap_or(name);
        let oracle = path(&format!("expected/{oracle}.tshark.tsv"));
        let text = std::fs::read_to_string(&oracle).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tshark: Vec<String> = text
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                assert_eq!(fields.len(), 6, "{name}: {line}");
                format!("{} {}{} {}", fields[0], fields[3], fields[4], fields[5])
            })
            .collect();
        let a = run(name);
        let ours: Vec<String> = a
            .calls()
            .iter()
            .flat_map(|c| &c.records)
            .map(|r| {
                let label = match r.msg.method() {
                    Some(m) => m.to_string(),
                    None => r.status().map_or_else(String::new, |s| s.0.to_string()),
                };
                let cseq = r
                    .msg
                    .cseq()
                    .map_or_else(String::new, |c| format!("{} {}", c.seq, c.method));
                format!("{} {label} {cseq}", r.frame)
            })
            .collect();
        assert_eq!(ours, tshark, "{name}");
    }
}
