//! CLI behaviour on every shipped fixture: the exact messages found, the
//! findings (rule, severity, frame, status), the quoted header values and the
//! exit codes; and the run-level errors.

mod common;

use common::{f, fixture, json, m, sipdiag, text};
use sipdiag::report::json::{EvidenceJson, Line};

/// SIP messages `tshark -r FILE -Y sip | wc -l` reports for each fixture
/// (tshark 4.0.17). sipdiag must find the same messages; on a non-standard
/// port it finds them where tshark, by default, does not.
const TSHARK_SIP_COUNTS: &[(&str, u64)] = &[
    ("183-no-sdp.pcap", 7),
    ("183-sdp.pcap", 7),
    ("405-message.pcap", 2),
    ("420-retry-ok.pcap", 8),
    ("420-retry-ok.pcapng", 8),
    ("420-unrecovered.pcap", 3),
    ("422-retry-ok.pcap", 8),
    ("422-retry-too-small.pcap", 6),
    ("501-allow-from-options.pcap", 10),
    ("501-info-update-any.pcap", 9),
    ("501-info-update.pcap", 9),
    ("clean-call-ipv6.pcap", 7),
    // tshark decodes UDP 5072 as another protocol: 0 without `-d udp.port==5072,sip`, 7 with it.
    ("clean-call-port-5072.pcap", 0),
    ("clean-call.pcap", 7),
    ("interleaved.pcap", 23),
];

#[test]
fn finds_every_sip_message_tshark_finds() {
    for (name, tshark) in TSHARK_SIP_COUNTS {
        let run = json(name);
        let expected = if *name == "clean-call-port-5072.pcap" {
            7
        } else {
            *tshark
        };
        assert_eq!(run.summary().sip_messages, expected, "{name}");
        assert_eq!(run.messages().len() as u64, expected, "{name}");
    }
}

/// Evidence values quoted for `header` at `frame`.
fn header_values(
    d: &sipdiag::report::json::DiagnosticJson,
    frame: u32,
    header: &str,
) -> Vec<String> {
    d.evidence
        .iter()
        .filter_map(|e| match e {
            EvidenceJson::Header {
                frame: fr,
                header: h,
                value,
            } if *fr == frame && h == header => Some(value.clone()),
            _ => None,
        })
        .collect()
}

fn notes(d: &sipdiag::report::json::DiagnosticJson) -> Vec<(u32, String)> {
    d.evidence
        .iter()
        .filter_map(|e| match e {
            EvidenceJson::Note { frame, note } => Some((*frame, note.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn clean_call_has_no_finding() {
    for name in [
        "clean-call.pcap",
        "clean-call-ipv6.pcap",
        "clean-call-port-5072.pcap",
    ] {
        let run = json(name);
        assert_eq!(run.exit, 0, "{name}");
        assert_eq!(
            run.messages(),
            vec![
                m(1, "INVITE"),
                m(2, "100"),
                m(3, "180"),
                m(4, "200"),
                m(5, "ACK"),
                m(6, "BYE"),
                m(7, "200")
            ],
            "{name}"
        );
        assert!(run.findings().is_empty(), "{name}: {:?}", run.findings());
        let calls = run.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].outcome, "answered");
        assert_eq!(calls[0].status, Some(200));
    }
    let v6 = json("clean-call-ipv6.pcap");
    assert_eq!(v6.calls()[0].messages[0].src, "[::1]:5061");
    assert_eq!(v6.calls()[0].messages[0].transport, "UDP");
}

#[test]
fn bad_extension_recovered_is_a_warning_quoting_require_and_unsupported() {
    for name in ["420-retry-ok.pcap", "420-retry-ok.pcapng"] {
        let run = json(name);
        assert_eq!(run.exit, 0, "{name}: a warning does not fail by default");
        assert_eq!(
            run.messages(),
            vec![
                m(1, "INVITE"),
                m(2, "420"),
                m(3, "ACK"),
                m(4, "INVITE"),
                m(5, "200"),
                m(6, "ACK"),
                m(7, "BYE"),
                m(8, "200")
            ]
        );
        assert_eq!(run.findings(), vec![f("SD0420", "warning", 2, Some(420))]);
        let d = run.diagnostics()[0];
        assert_eq!(d.call_id, run.calls()[0].call_id);
        assert_eq!(header_values(d, 1, "Require"), vec!["100rel, timer"]);
        assert_eq!(header_values(d, 2, "Unsupported"), vec!["100rel"]);
        assert_eq!(header_values(d, 4, "Require"), vec!["timer"]);
        let fix = d.fix.as_deref().unwrap();
        assert!(fix.starts_with("drop `100rel` from Require"), "{fix}");
        assert!(
            fix.contains("keep `timer`, which the peer accepts"),
            "{fix}"
        );
        assert!(
            notes(d).contains(&(
                4,
                "the retry without the refused tags got SIP/2.0 200 OK (frame 5)".to_string()
            )),
            "{:?}",
            notes(d)
        );
    }
}

#[test]
fn bad_extension_unrecovered_is_an_error_and_fails_the_run() {
    let run = json("420-unrecovered.pcap");
    assert_eq!(run.exit, 1);
    assert_eq!(run.findings(), vec![f("SD0420", "error", 2, Some(420))]);
    let d = run.diagnostics()[0];
    assert_eq!(header_values(d, 1, "Require"), vec!["100rel"]);
    assert_eq!(header_values(d, 2, "Unsupported"), vec!["100rel"]);
    assert_eq!(run.calls()[0].outcome, "rejected");
    assert_eq!(run.calls()[0].status, Some(420));
}

#[test]
fn session_interval_recovered_by_a_large_enough_retry() {
    let run = json("422-retry-ok.pcap");
    assert_eq!(run.exit, 0);
    assert_eq!(run.findings(), vec![f("SD0422", "warning", 2, Some(422))]);
    let d = run.diagnostics()[0];
    assert_eq!(
        d.message,
        "422 Session Interval Too Small: Session-Expires 60 is below the peer's Min-SE 1800; recovered by a retry"
    );
    assert_eq!(header_values(d, 1, "Session-Expires"), vec!["60"]);
    assert_eq!(header_values(d, 2, "Min-SE"), vec!["1800"]);
    assert_eq!(header_values(d, 4, "Session-Expires"), vec!["1800"]);
    assert_eq!(header_values(d, 4, "Min-SE"), vec!["1800"]);
    assert!(
        d.fix
            .as_deref()
            .unwrap()
            .contains("Session-Expires of at least 1800 and Min-SE: 1800")
    );
}

#[test]
fn session_interval_retry_still_too_small() {
    let run = json("422-retry-too-small.pcap");
    assert_eq!(run.exit, 1);
    assert_eq!(
        run.findings(),
        vec![
            f("SD0422", "error", 2, Some(422)),
            f("SD0422", "error", 5, Some(422))
        ]
    );
    let first = run.diagnostics()[0];
    assert_eq!(header_values(first, 4, "Session-Expires"), vec!["900"]);
    let n = notes(first);
    assert!(
        n.contains(&(
            4,
            "the retry's Session-Expires 900 is still below Min-SE 1800".to_string()
        )),
        "{n:?}"
    );
    assert!(
        n.contains(&(
            5,
            "the retry got SIP/2.0 422 Session Interval Too Small (frame 5)".to_string()
        )),
        "{n:?}"
    );
    assert!(first.message.ends_with("the retry is still too small"));
}

#[test]
fn not_implemented_info_and_update_quote_allow_and_propose_alternatives() {
    for name in ["501-info-update.pcap", "501-info-update-any.pcap"] {
        let run = json(name);
        assert_eq!(run.exit, 1, "{name}");
        assert_eq!(
            run.findings(),
            vec![
                f("SD0501", "error", 5, Some(501)),
                f("SD0501", "error", 7, Some(501))
            ],
            "{name}"
        );
        let d = run.diagnostics();
        assert_eq!(
            d[0].message,
            "501 Not Implemented: 127.0.0.1:5060 does not implement INFO"
        );
        assert_eq!(
            header_values(d[0], 5, "Allow"),
            vec!["INVITE, ACK, BYE, CANCEL, OPTIONS"]
        );
        assert!(
            d[0].fix
                .as_deref()
                .unwrap()
                .contains("RFC 4733 telephone-event")
        );
        assert_eq!(
            d[1].message,
            "501 Not Implemented: 127.0.0.1:5060 does not implement UPDATE"
        );
        assert!(
            d[1].fix
                .as_deref()
                .unwrap()
                .starts_with("change the session with a re-INVITE")
        );
    }
}

#[test]
fn not_implemented_takes_allow_from_an_earlier_options_answer() {
    let run = json("501-allow-from-options.pcap");
    assert_eq!(run.calls().len(), 2);
    assert_eq!(run.calls()[0].outcome, "completed");
    assert_eq!(run.findings(), vec![f("SD0501", "error", 8, Some(501))]);
    let d = run.diagnostics()[0];
    assert_eq!(d.call_id, run.calls()[1].call_id);
    assert!(
        header_values(d, 8, "Allow").is_empty(),
        "the 501 itself has no Allow"
    );
    assert_eq!(
        header_values(d, 2, "Allow"),
        vec!["INVITE, ACK, BYE, CANCEL, OPTIONS"]
    );
}

#[test]
fn method_not_allowed_message() {
    let run = json("405-message.pcap");
    assert_eq!(run.exit, 1);
    assert_eq!(run.messages(), vec![m(1, "MESSAGE"), m(2, "405")]);
    assert_eq!(run.findings(), vec![f("SD0501", "error", 2, Some(405))]);
    let d = run.diagnostics()[0];
    assert_eq!(
        d.message,
        "405 Method Not Allowed: 127.0.0.1:5060 does not allow MESSAGE here"
    );
    assert_eq!(
        header_values(d, 2, "Allow"),
        vec!["INVITE, ACK, BYE, CANCEL, OPTIONS"]
    );
    assert_eq!(run.calls()[0].outcome, "failed");
}

#[test]
fn session_progress_with_and_without_sdp() {
    let run = json("183-sdp.pcap");
    assert_eq!(run.exit, 0);
    assert_eq!(run.findings(), vec![f("SD0183", "info", 3, Some(183))]);
    let d = run.diagnostics()[0];
    assert_eq!(
        d.message,
        "183 Session Progress with SDP: early media audio PCMA/8000, telephone-event/8000 (sendonly)"
    );
    let n = notes(d);
    assert!(
        n.iter().any(|(fr, t)| *fr == 1
            && t.starts_with("offer m=audio")
            && t.contains("PCMU/8000, PCMA/8000, telephone-event/8000")),
        "{n:?}"
    );
    assert!(
        n.contains(&(
            3,
            "codecs in common: PCMA/8000, telephone-event/8000".to_string()
        )),
        "{n:?}"
    );

    let run = json("183-no-sdp.pcap");
    assert_eq!(run.findings(), vec![f("SD0183", "info", 2, Some(183))]);
    assert_eq!(
        run.diagnostics()[0].message,
        "183 Session Progress without SDP: no early media, the caller should play local ringback"
    );
}

#[test]
fn interleaved_calls_keep_their_own_findings() {
    let run = json("interleaved.pcap");
    let calls = run.calls();
    assert_eq!(calls.len(), 3);
    let frames: Vec<Vec<u32>> = calls
        .iter()
        .map(|c| c.messages.iter().map(|m| m.frame).collect())
        .collect();
    assert_eq!(frames[0], vec![1, 2, 3, 4, 5, 12, 13]);
    assert_eq!(frames[1], vec![6, 7, 8, 14, 15, 16, 20, 21]);
    assert_eq!(frames[2], vec![9, 10, 11, 17, 18, 19, 22, 23]);
    assert_eq!(
        run.findings(),
        vec![
            f("SD0420", "warning", 7, Some(420)),
            f("SD0422", "warning", 10, Some(422))
        ]
    );
    let d = run.diagnostics();
    assert_eq!(d[0].call_id, calls[1].call_id);
    assert_eq!(d[1].call_id, calls[2].call_id);
}

#[test]
fn text_report_quotes_wire_values_with_frames_and_points_to_explain() {
    let path = fixture("420-retry-ok.pcap");
    let (out, code) = text(&[path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("warning[SD0420]: 420 Bad Extension: 127.0.0.1:5060 does not support `100rel`, required by the INVITE; recovered by a retry"), "{out}");
    assert!(out.contains("  --> frame 2, 127.0.0.1:5060 → 127.0.0.1:5061\n"));
    assert!(out.contains("   | frame 1     Require: 100rel, timer\n"));
    assert!(out.contains("   | frame 2     Unsupported: 100rel\n"));
    assert!(out.contains("   = explain: sipdiag explain SD0420\n"));
    assert!(out.contains("   = code: sipdiag explain 420\n"));
    assert!(
        out.contains("summary: 8 frames, 8 SIP messages (0 retransmissions), 1 call (1 answered)")
    );
    assert!(!out.contains('\u{1b}'), "no colour with --color never");
}

#[test]
fn fail_on_threshold_decides_the_exit_code() {
    let warn = fixture("420-retry-ok.pcap");
    let warn = warn.to_str().unwrap();
    let info = fixture("183-sdp.pcap");
    let info = info.to_str().unwrap();
    for (file, fail_on, code) in [
        (warn, "error", 0),
        (warn, "warning", 1),
        (warn, "info", 1),
        (warn, "never", 0),
        (info, "warning", 0),
        (info, "info", 1),
    ] {
        sipdiag()
            .args(["--fail-on", fail_on, file])
            .assert()
            .code(code);
    }
}

#[test]
fn run_errors_are_one_line_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("sipdiag-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    let text_file = dir.join("notes.pcap");
    std::fs::write(&text_file, b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["no-such-file.pcap".into()], "No such file"),
        (vec![empty.display().to_string()], "empty"),
        (
            vec![text_file.display().to_string()],
            "not a pcap or pcapng capture",
        ),
        (vec![dir.display().to_string()], "is a directory"),
        (
            vec!["--bogus".into(), "x.pcap".into()],
            "unexpected argument '--bogus'",
        ),
        (
            vec!["--format".into(), "xml".into(), "x.pcap".into()],
            "invalid value 'xml'",
        ),
        (
            vec!["explain".into(), "abc".into()],
            "'abc' is neither a SIP response code",
        ),
        (
            vec!["explain".into(), "999".into()],
            "'999' is neither a SIP response code",
        ),
        (vec![], "required"),
        (
            vec!["--max-open-calls".into(), "0".into(), "x.pcap".into()],
            "0 is not in 1..=1000000",
        ),
    ];
    for (args, needle) in cases {
        let out = sipdiag().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("sipdiag: error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reads_a_capture_from_standard_input() {
    let bytes = std::fs::read(fixture("420-unrecovered.pcap")).unwrap();
    let out = sipdiag()
        .args(["--format", "json", "-"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let first: Line = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    match first {
        Line::Begin(b) => assert_eq!(b.inputs, vec!["-"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn closed_output_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // Enough copies of a capture that the report outgrows the pipe buffer.
    let path = fixture("interleaved.pcap");
    let args: Vec<&std::path::Path> = std::iter::repeat_n(path.as_path(), 400).collect();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sipdiag"))
        .args(["--color", "never", "--fail-on", "never"])
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn explain_and_rules() {
    let (out, code) = text(&["explain", "422"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("422 Session Interval Too Small"));
    assert!(out.contains("Min-SE"));
    let (out, code) = text(&["explain", "183", "420"]);
    assert_eq!(code, 0);
    assert!(out.contains("183 Session Progress") && out.contains("420 Bad Extension"));
    let (out, _) = text(&["rules"]);
    for id in ["SD0183", "SD0420", "SD0422", "SD0501", "SD1000", "SD9000"] {
        assert!(out.contains(id), "{id} listed");
    }
    let (out, code) = text(&["explain", "bad-extension"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("SD0420 bad-extension (error by default)"));
    let out = sipdiag()
        .args(["explain", "--format", "json", "420"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], 420);
    assert_eq!(v["reason"], "Bad Extension");
}

#[test]
fn a_message_spanning_several_frames_lists_them() {
    // The INVITE of this SIPp call over TCP is 4780 bytes: four segments.
    let run = json("transport/tcp-big-call.pcap");
    let invite = run.calls()[0]
        .messages
        .iter()
        .find(|m| m.method.as_deref() == Some("INVITE"))
        .expect("INVITE");
    assert_eq!((invite.frame, invite.transport.as_str()), (10, "TCP"));
    assert_eq!(invite.frames, vec![4, 6, 8, 10]);
    let run = json("transport/udp-fragmented.pcap");
    let invite = &run.calls()[0].messages[0];
    assert_eq!(invite.frames, vec![1, 2, 3, 4]);
    assert_eq!(run.summary().transport.ip_datagrams_reassembled, 1);
}

#[test]
fn quiet_prints_findings_and_summary_only() {
    let path = fixture("interleaved.pcap");
    let (out, code) = text(&["-q", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!out.contains("Call-ID"), "no call ladders: {out}");
    assert_eq!(out.matches("warning[SD04").count(), 2, "{out}");
    assert!(
        out.contains(
            "summary: 23 frames, 23 SIP messages (0 retransmissions), 3 calls (3 answered)"
        )
    );
}
