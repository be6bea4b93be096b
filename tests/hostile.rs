//! Broken and hostile captures (fixtures/broken/, see its README): for each,
//! the exact exit code, counts and messages of a run, in text and JSON, under
//! a timeout; and proof that nothing a capture carries can drive a terminal.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::sipdiag;
use sipdiag::report::json::{EvidenceJson, Line, SummaryJson};

/// Generous for a debug build on a shared machine; a hang fails the test.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The path of a broken capture, relative to the crate root (the directory
/// the binary runs in), so that messages name it exactly.
fn broken(name: &str) -> String {
    format!("fixtures/broken/{name}")
}

struct Run {
    exit: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = sipdiag()
        .args(args)
        .timeout(TIMEOUT)
        .output()
        .expect("sipdiag runs");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    Run {
        exit: out
            .status
            .code()
            .expect("sipdiag exited, not killed by the timeout"),
        stdout: out.stdout,
        stderr,
    }
}

fn json_lines(stdout: &[u8]) -> Vec<Line> {
    std::str::from_utf8(stdout)
        .expect("JSON output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn summary(lines: &[Line]) -> &SummaryJson {
    lines
        .iter()
        .find_map(|l| match l {
            Line::Summary(s) => Some(s),
            _ => None,
        })
        .expect("a summary line")
}

/// (Call-ID, [(frame, method or status)]) of every call, in report order.
fn calls(lines: &[Line]) -> Vec<(String, Vec<(u32, String)>)> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::Call(c) => Some((
                c.call_id.clone(),
                c.messages
                    .iter()
                    .map(|m| {
                        let what = match (&m.method, m.status) {
                            (Some(method), _) => method.clone(),
                            (None, Some(status)) => status.to_string(),
                            (None, None) => "?".to_string(),
                        };
                        (m.frame, what)
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// Raw terminal control bytes in `out`: C0 controls but `\n`, DEL, and the C1
/// controls as UTF-8 encodes them (`C2 80` to `C2 9F`), with their offsets.
fn raw_controls(out: &[u8]) -> Vec<(usize, u8)> {
    let mut found = Vec::new();
    for (i, &b) in out.iter().enumerate() {
        let c1 = b == 0xc2 && out.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
        if (b < 0x20 && b != b'\n') || b == 0x7f || c1 {
            found.push((i, b));
        }
    }
    found
}

/// What a run over one broken capture must give.
struct Case {
    file: &'static str,
    exit: i32,
    frames: u64,
    sip_messages: u64,
    calls: u64,
    malformed: u64,
    truncated_frames: u64,
    decode_issues: u64,
    /// The `read_error` of the summary, exactly.
    read_error: Option<&'static str>,
    /// Every call: Call-ID and its messages (frame, method or status).
    flows: &'static [(&'static str, &'static [(u32, &'static str)])],
    /// Every diagnostic as (frame, rule id), sorted.
    findings: &'static [(u32, &'static str)],
}

const CLEAN_CALL: &[(u32, &str)] = &[
    (1, "INVITE"),
    (2, "100"),
    (3, "180"),
    (4, "200"),
    (5, "ACK"),
    (6, "BYE"),
    (7, "200"),
];

const CASES: &[Case] = &[
    Case {
        // Frame 5's record ends 100 bytes into its data: frames 1-4 are
        // analysed, the error names the byte where frame 5's record starts.
        file: "truncated-mid-record.pcap",
        exit: 0,
        frames: 4,
        sip_messages: 4,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: Some(
            "the capture could not be read past frame 4: the capture ends in the middle of a record at byte 2191, after frame 4",
        ),
        flows: &[(
            "1-2654@127.0.0.1",
            &[(1, "INVITE"), (2, "100"), (3, "180"), (4, "200")],
        )],
        findings: &[(4, "SD2002")],
    },
    Case {
        file: "truncated-mid-header.pcap",
        exit: 0,
        frames: 2,
        sip_messages: 2,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: Some(
            "the capture could not be read past frame 2: the capture ends in the middle of a record at byte 1106, after frame 2",
        ),
        flows: &[("1-2654@127.0.0.1", &[(1, "INVITE"), (2, "100")])],
        findings: &[(1, "SD2001")],
    },
    Case {
        // The file header's snaplen (128) is below the records' lengths:
        // the records are trusted, nothing is lost.
        file: "record-over-snaplen.pcap",
        exit: 0,
        frames: 7,
        sip_messages: 7,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[("1-2654@127.0.0.1", CLEAN_CALL)],
        findings: &[],
    },
    Case {
        // 8 empty records are frames of their own (numbered as Wireshark
        // does) and decode issues; the last claims 60 bytes on the wire.
        file: "zero-length-records.pcap",
        exit: 0,
        frames: 15,
        sip_messages: 7,
        calls: 1,
        malformed: 0,
        truncated_frames: 1,
        decode_issues: 8,
        read_error: None,
        flows: &[(
            "1-2654@127.0.0.1",
            &[
                (2, "INVITE"),
                (4, "100"),
                (6, "180"),
                (8, "200"),
                (10, "ACK"),
                (12, "BYE"),
                (14, "200"),
            ],
        )],
        findings: &[],
    },
    Case {
        // A pcap file header, then text: a capture that breaks at once.
        // Not exit 2: the file is a capture, just a broken one.
        file: "garbage-after-header.pcap",
        exit: 0,
        frames: 0,
        sip_messages: 0,
        calls: 0,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: Some(
            "the capture could not be read past frame 0: the record at byte 24 claims 544501630 bytes, more than the limit of 16777216 bytes (corrupt capture?)",
        ),
        flows: &[],
        findings: &[],
    },
    Case {
        file: "pcapng-unknown-blocks.pcapng",
        exit: 0,
        frames: 8,
        sip_messages: 8,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[(
            "1-3412@127.0.0.1",
            &[
                (1, "INVITE"),
                (2, "420"),
                (3, "ACK"),
                (4, "INVITE"),
                (5, "200"),
                (6, "ACK"),
                (7, "BYE"),
                (8, "200"),
            ],
        )],
        findings: &[(2, "SD0420")],
    },
    Case {
        // Frame 3 claims 4 294 967 040 bytes: refused without buffering it.
        file: "huge-caplen.pcap",
        exit: 0,
        frames: 2,
        sip_messages: 2,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: Some(
            "the capture could not be read past frame 2: the record at byte 1106 claims 4294967056 bytes, more than the limit of 16777216 bytes (corrupt capture?)",
        ),
        flows: &[("1-2654@127.0.0.1", &[(1, "INVITE"), (2, "100")])],
        findings: &[(1, "SD2001")],
    },
    Case {
        // The capture kept every frame whole, so each length field that
        // disagrees with the bytes is a decode issue, and what is there is
        // read (not SD3004: the snaplen cut nothing). Frame 1: UDP length
        // 4000 on a short packet; frame 2: UDP length 3, below the UDP header
        // (ignored); frame 3: UDP length 20 bytes short of the IP payload,
        // which cuts the message (the rest is taken for padding, as stacks
        // leave it; malformed: a partial last line and no blank line, SD2006).
        file: "udp-length-lies.pcap",
        exit: 0,
        frames: 3,
        sip_messages: 3,
        calls: 2,
        malformed: 1,
        truncated_frames: 0,
        decode_issues: 2,
        read_error: None,
        flows: &[
            ("udp-length-lies", &[(1, "OPTIONS"), (2, "200")]),
            ("udp-length-short", &[(3, "OPTIONS")]),
        ],
        findings: &[(3, "SD2001"), (3, "SD2006")],
    },
    Case {
        // Frame 1: IP total length 65535 (the packet is read as captured, a
        // decode issue names the lie; no SD3004, the snaplen cut nothing);
        // frame 2: total length 28, which leaves the UDP datagram no payload
        // (its message cannot be read: a decode issue says so); frame 3:
        // total length 10, below the IPv4 header (ignored, the packet is
        // read, a decode issue); frame 4: a correct packet.
        file: "ip-total-length-lies.pcap",
        exit: 0,
        frames: 4,
        sip_messages: 3,
        calls: 3,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 3,
        read_error: None,
        flows: &[
            ("ip-length-0", &[(1, "OPTIONS")]),
            ("ip-length-2", &[(3, "OPTIONS")]),
            ("ip-length-3", &[(4, "OPTIONS")]),
        ],
        findings: &[(1, "SD2001"), (3, "SD2001"), (4, "SD2001")],
    },
    Case {
        // The segment 2^31 - 200 bytes ahead (frame 6) waits apart; the
        // stream goes on without it (frame 7, the second INVITE, follows the
        // first after a 65-byte hole), so it is ignored: an SD3010 at frame 6.
        // The hole after frame 4 is decided at the end (SD3010 at frame 4),
        // frame 8 is a retransmission. The server's one segment at a wild
        // sequence number is contradicted by nothing: a 305 414 895-byte gap
        // before it (SD3010 at frame 9). The INVITE has no answer: SD2001.
        file: "tcp-gaps-wild-seq.pcap",
        exit: 0,
        frames: 11,
        sip_messages: 1,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[("tcp-gap-2", &[(7, "INVITE")])],
        findings: &[(4, "SD3010"), (6, "SD3010"), (7, "SD2001"), (9, "SD3010")],
    },
    Case {
        // The INVITE keeps its first 1 000 headers (sip::MAX_HEADERS) and its
        // Content-Length; the dropped ones make it malformed (SD2006).
        file: "10000-headers.pcap",
        exit: 0,
        frames: 2,
        sip_messages: 2,
        calls: 1,
        malformed: 1,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[("many-headers", &[(1, "INVITE"), (2, "486")])],
        findings: &[(1, "SD2006"), (2, "SD0480"), (2, "SD2002")],
    },
    Case {
        file: "long-header-line.pcap",
        exit: 0,
        frames: 1,
        sip_messages: 1,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[("long-line", &[(1, "OPTIONS")])],
        findings: &[(1, "SD2001")],
    },
    Case {
        // Content-Length 2^32 does not fit in 32 bits (bad Content-Length);
        // 2^32 - 1 is more than follows (Content-Length too large): two
        // SD2005 errors, exit 1.
        file: "content-length-4294967296.pcap",
        exit: 1,
        frames: 2,
        sip_messages: 2,
        calls: 2,
        malformed: 2,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[
            ("content-length-2-32", &[(1, "INVITE")]),
            ("content-length-max", &[(2, "INVITE")]),
        ],
        findings: &[(1, "SD2001"), (1, "SD2005"), (2, "SD2001"), (2, "SD2005")],
    },
    Case {
        file: "nested-multipart.pcap",
        exit: 0,
        frames: 1,
        sip_messages: 1,
        calls: 1,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[("nested-multipart", &[(1, "INVITE")])],
        findings: &[(1, "SD2001")],
    },
    Case {
        // The unrecovered 420 is an error finding: exit 1.
        file: "control-characters.pcap",
        exit: 1,
        frames: 4,
        sip_messages: 4,
        calls: 2,
        malformed: 0,
        truncated_frames: 0,
        decode_issues: 0,
        read_error: None,
        flows: &[
            (
                "ctl-\u{1b}[2J\u{1b}]0;owned\u{7}-\u{8}\u{8}-\u{7f}-\u{9b}31m-end",
                &[(1, "INVITE"), (2, "420")],
            ),
            (
                "bad-utf8-\u{fffd}\u{fffd}-\u{fffd}(-end",
                &[(3, "OPTIONS"), (4, "200")],
            ),
        ],
        findings: &[(2, "SD0420"), (2, "SD2002")],
    },
];

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn check_case(case: &Case, path: &str) {
    let name = case.file;
    // Text, as a person sees it.
    let text = run(&["--color", "never", path]);
    assert_eq!(text.exit, case.exit, "{name}: {}", text.stderr);
    match case.read_error {
        Some(e) => assert_eq!(
            text.stderr,
            format!("sipdiag: warning: {path}: {e}\n"),
            "{name}"
        ),
        None => assert_eq!(text.stderr, "", "{name}"),
    }
    let stdout = String::from_utf8(text.stdout.clone()).expect("text output is UTF-8");
    let summary_line = format!(
        "summary: {}, {} ",
        plural(case.frames, "frame", "frames"),
        plural(case.sip_messages, "SIP message", "SIP messages")
    );
    assert!(stdout.contains(&summary_line), "{name}: {stdout}");
    if let Some(e) = case.read_error {
        assert!(
            stdout.contains(&format!("  capture incomplete: {e}\n")),
            "{name}: {stdout}"
        );
    }
    assert_eq!(raw_controls(&text.stdout), vec![], "{name}");

    // JSON, as a machine reads it.
    let json = run(&["--format", "json", path]);
    assert_eq!(json.exit, case.exit, "{name}");
    assert_eq!(json.stderr, text.stderr, "{name}");
    let lines = json_lines(&json.stdout);
    let s = summary(&lines);
    assert_eq!(
        (
            s.frames,
            s.sip_messages,
            s.calls,
            s.malformed_messages,
            s.truncated_frames,
            s.decode_issues,
            s.read_error.as_deref(),
        ),
        (
            case.frames,
            case.sip_messages,
            case.calls,
            case.malformed,
            case.truncated_frames,
            case.decode_issues,
            case.read_error,
        ),
        "{name}"
    );
    let expected: Vec<(String, Vec<(u32, String)>)> = case
        .flows
        .iter()
        .map(|(id, msgs)| {
            (
                id.to_string(),
                msgs.iter().map(|(f, w)| (*f, w.to_string())).collect(),
            )
        })
        .collect();
    assert_eq!(calls(&lines), expected, "{name}");
    assert_eq!(findings(&lines), case.findings, "{name}");
}

/// Every diagnostic as (frame, rule id), sorted.
fn findings(lines: &[Line]) -> Vec<(u32, &str)> {
    let mut all: Vec<(u32, &str)> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Diagnostic(d) => Some((d.frame, d.rule.as_str())),
            _ => None,
        })
        .collect();
    all.sort();
    all
}

#[test]
fn every_broken_capture_gives_its_exact_result() {
    for case in CASES {
        check_case(case, &broken(case.file));
    }
    // Every committed capture of the folder has a case (wrong-magic.pcap has
    // its own test).
    let mut on_disk: Vec<String> = std::fs::read_dir(common::fixture("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    on_disk.sort();
    let mut covered: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    covered.push("wrong-magic.pcap".to_string());
    covered.sort();
    assert_eq!(on_disk, covered);
}

#[test]
fn tcp_gaps_and_wild_sequence_numbers_are_counted() {
    let r = run(&["--format", "json", &broken("tcp-gaps-wild-seq.pcap")]);
    let lines = json_lines(&r.stdout);
    let t = &summary(&lines).transport;
    assert_eq!(
        (
            t.tcp_streams,
            t.tcp_gaps,
            t.tcp_missing_bytes,
            t.tcp_retransmitted_segments,
            t.tcp_out_of_window_segments,
            t.tcp_messages
        ),
        (2, 2, 65 + 305_414_895, 1, 1, 1)
    );
    let text = run(&["--color", "never", &broken("tcp-gaps-wild-seq.pcap")]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains(
            "\n  TCP segments far beyond the receive window that the stream went on without (ignored): 1\n"
        )
    );
}

#[test]
fn a_file_with_a_wrong_magic_number_is_not_a_capture() {
    let path = broken("wrong-magic.pcap");
    for args in [
        vec!["--color", "never", path.as_str()],
        vec!["--format", "json", path.as_str()],
    ] {
        let r = run(&args);
        assert_eq!(r.exit, 2);
        assert_eq!(
            r.stderr,
            format!(
                "sipdiag: error: cannot read capture {path}: not a pcap or pcapng capture: it starts with bytes d4 c3 b2 00\n"
            )
        );
        assert!(r.stdout.is_empty());
    }
}

// The bytes fixtures/broken/make_broken.py puts in control-characters.pcap.
const CALL_ID_CTRL: &[u8] = b"ctl-\x1b[2J\x1b]0;owned\x07-\x08\x08-\x7f-\xc2\x9b31m-end";
const REASON_CTRL: &[u8] = b"Bad \x1b[5mExtension\x07";
const UNSUPPORTED_CTRL: &[u8] = b"foo\x1b[8m, bar\x00baz";
const CALL_ID_BAD_UTF8: &[u8] = b"bad-utf8-\xff\xfe-\xc3\x28-end";

#[test]
fn text_output_escapes_every_control_character_from_the_capture() {
    let r = run(&["--color", "never", &broken("control-characters.pcap")]);
    assert_eq!(r.exit, 1);
    assert_eq!(raw_controls(&r.stdout), vec![]);
    let stdout = String::from_utf8(r.stdout).unwrap();
    // The values are there, escaped: the test cannot pass by dropping them.
    for shown in [
        r"call 1 Call-ID ctl-\x1b[2J\x1b]0;owned\x07-\x08\x08-\x7f-\u{9b}31m-end",
        r"outcome: rejected (420 Bad \x1b[5mExtension\x07)",
        r"| frame 2     Unsupported: foo\x1b[8m, bar\x00baz",
        r"| frame 1     Require: foo\x1b[8m, bar\x00baz",
        "call 2 Call-ID bad-utf8-\u{fffd}\u{fffd}-\u{fffd}(-end",
    ] {
        assert!(stdout.contains(shown), "{shown} not in:\n{stdout}");
    }
}

#[test]
fn json_output_keeps_wire_values_exactly() {
    let r = run(&["--format", "json", &broken("control-characters.pcap")]);
    assert_eq!(r.exit, 1);
    let lines = json_lines(&r.stdout);
    let ids: Vec<String> = calls(&lines).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        vec![
            std::str::from_utf8(CALL_ID_CTRL).unwrap().to_string(),
            // Invalid UTF-8 becomes U+FFFD, one per maximal invalid sequence.
            String::from_utf8_lossy(CALL_ID_BAD_UTF8).into_owned(),
        ]
    );
    let diagnostic = lines
        .iter()
        .find_map(|l| match l {
            Line::Diagnostic(d) => Some(d),
            _ => None,
        })
        .expect("the 420 diagnostic");
    assert_eq!(diagnostic.call_id.as_bytes(), CALL_ID_CTRL);
    let header = |frame: u32, name: &str| {
        diagnostic.evidence.iter().find_map(|e| match e {
            EvidenceJson::Header {
                frame: f,
                header,
                value,
            } if *f == frame && header == name => Some(value.clone()),
            _ => None,
        })
    };
    assert_eq!(
        header(2, "Unsupported").as_deref().map(str::as_bytes),
        Some(UNSUPPORTED_CTRL)
    );
    assert_eq!(
        header(1, "Require").as_deref().map(str::as_bytes),
        Some(UNSUPPORTED_CTRL)
    );
    let mut status_line = b"SIP/2.0 420 ".to_vec();
    status_line.extend_from_slice(REASON_CTRL);
    assert_eq!(
        header(2, "start-line").as_deref().map(str::as_bytes),
        Some(status_line.as_slice())
    );
}

#[test]
fn no_capture_in_the_repository_puts_a_control_byte_on_stdout() {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in [common::fixture(""), common::fixture("broken")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str());
            if matches!(ext, Some("pcap" | "pcapng")) {
                paths.push(path);
            }
        }
    }
    assert!(paths.len() >= 30, "{paths:?}");
    let args: Vec<&Path> = paths
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| !p.ends_with("wrong-magic.pcap"))
        .collect();
    let out = sipdiag()
        .args(["--color", "never", "--fail-on", "never"])
        .args(&args)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.is_empty());
    assert_eq!(raw_controls(&out.stdout), vec![]);
}

/// A pcap of Ethernet/IPv4/TCP frames, 192.0.2.1:40000 → 192.0.2.2:5060,
/// carrying `stream` in segments of `mss` bytes from sequence number 1.
fn tcp_capture(stream: &[u8], mss: usize) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    for v in [
        0xa1b2_c3d4u32.to_le_bytes().as_slice(),
        &2u16.to_le_bytes(),
        &4u16.to_le_bytes(),
    ] {
        out.extend_from_slice(v);
    }
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let mut frames = 0;
    for (i, chunk) in stream.chunks(mss).enumerate() {
        let seq = 1 + (i * mss) as u32;
        let mut frame = Vec::new();
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
        let total = (20 + 20 + chunk.len()) as u16;
        frame.extend_from_slice(&[0x45, 0]);
        frame.extend_from_slice(&total.to_be_bytes());
        frame.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
        frame.extend_from_slice(&40_000u16.to_be_bytes());
        frame.extend_from_slice(&5060u16.to_be_bytes());
        frame.extend_from_slice(&seq.to_be_bytes());
        frame.extend_from_slice(&1u32.to_be_bytes());
        frame.extend_from_slice(&[0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        frame.extend_from_slice(chunk);
        out.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        out.extend_from_slice(&(i as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
        frames += 1;
    }
    (out, frames)
}

#[test]
fn a_one_megabyte_header_line_over_tcp() {
    // Only a stream can carry a 1 MB header line; the capture is built here
    // rather than committed.
    let mut msg = b"OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\n\
Via: SIP/2.0/TCP 192.0.2.1:40000;branch=z9hG4bK-mb\r\n\
Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.1>;tag=a\r\nTo: <sip:bob@192.0.2.2>\r\n\
Call-ID: one-megabyte\r\nCSeq: 1 OPTIONS\r\nSubject: "
        .to_vec();
    msg.resize(msg.len() + (1 << 20), b'A');
    msg.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
    let (pcap, frames) = tcp_capture(&msg, 1460);
    assert_eq!(frames, 719);
    let dir = std::env::temp_dir().join(format!("sipdiag-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("one-megabyte-line.pcap");
    std::fs::write(&path, &pcap).unwrap();
    let r = run(&["--format", "json", path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(r.exit, 0);
    assert_eq!(r.stderr, "");
    let lines = json_lines(&r.stdout);
    let s = summary(&lines);
    // The stream buffer holds 256 KiB: the message is dropped when the
    // buffer passes it, at frame 180, and the drop is reported (SD3014).
    assert_eq!(
        (
            s.frames,
            s.sip_messages,
            s.decode_issues,
            s.transport.tcp_segments
        ),
        (frames, 0, 0, frames)
    );
    let drops: Vec<(u32, String, String)> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Diagnostic(d) => Some((d.frame, d.rule.clone(), d.message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        drops,
        vec![(
            180,
            "SD3014".to_string(),
            "tcp 192.0.2.1:40000 → 192.0.2.2:5060: more than 262144 bytes buffered at frame 180; dropped, resynchronising at the next SIP message".to_string()
        )]
    );
}
