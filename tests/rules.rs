//! Rule tests over the fixtures of `fixtures/generate-calls.sh`: each capture is analysed by the
//! library and the findings (rule id, severity, call, frame) are compared exactly, so a rule that
//! fires where it must not fails the test as surely as one that stays silent.

use std::path::Path;
use std::time::Duration;

use sipdiag::analysis::{InputAnalysis, analyze};
use sipdiag::capture::FileSource;
use sipdiag::correlate::{DialogState, Outcome};
use sipdiag::rules::{Evidence, RULES, Severity};
use sipdiag::sip::StatusCode;

use Severity::{Error, Info, Warning};

fn run(name: &str) -> InputAnalysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let mut source = FileSource::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let analysis = analyze(name.to_string(), &mut source);
    assert!(
        analysis.read_error.is_none(),
        "{name}: {:?}",
        analysis.read_error
    );
    analysis
}

/// `(rule, severity, call index, frame)` of every finding, in report order; checks on the way
/// that each finding names the Call-ID of the call it is filed under.
fn findings(a: &InputAnalysis) -> Vec<(&'static str, Severity, usize, u32)> {
    let mut out = Vec::new();
    for (i, diagnostics) in a.diagnostics.iter().enumerate() {
        for d in diagnostics {
            assert_eq!(d.call_id, a.calls()[i].call_id, "{}: {}", a.name, d.rule.id);
            out.push((d.rule.id, d.severity, i, d.frame.0));
        }
    }
    out
}

fn finding<'a>(a: &'a InputAnalysis, rule: &str) -> &'a sipdiag::rules::Diagnostic {
    a.all_diagnostics()
        .find(|d| d.rule.id == rule)
        .unwrap_or_else(|| panic!("{}: no {rule}", a.name))
}

/// The notes of a finding, as `(frame, text)`.
fn notes(d: &sipdiag::rules::Diagnostic) -> Vec<(u32, String)> {
    d.evidence
        .iter()
        .filter_map(|e| match e {
            Evidence::Note { frame, note } => Some((frame.0, note.to_string())),
            Evidence::Header { .. } => None,
        })
        .collect()
}

fn has_note(d: &sipdiag::rules::Diagnostic, frame: u32, text: &str) -> bool {
    notes(d)
        .iter()
        .any(|(f, n)| *f == frame && n.contains(text))
}

#[test]
fn basic_call_has_no_finding() {
    let a = run("basic-call.pcap");
    assert_eq!(findings(&a), vec![]);
    let call = &a.calls()[0];
    assert_eq!(call.outcome(), Outcome::Answered(StatusCode(200)));
    let (first, _) = call.span().expect("span");
    let ringing = call
        .records
        .iter()
        .find(|r| r.status() == Some(StatusCode(180)))
        .expect("180");
    assert_eq!(
        call.post_dial_delay(),
        Some(ringing.ts.duration_since(first))
    );
    let answer = call
        .records
        .iter()
        .find(|r| r.status() == Some(StatusCode(200)))
        .expect("200");
    assert_eq!(call.setup_time(), Some(answer.ts.duration_since(first)));
    // The callee pauses 50 ms (sipp -d) between 180 and 200.
    assert!(call.setup_time() >= Some(Duration::from_millis(50)));
    let dialogs = call.dialogs();
    assert_eq!(dialogs.len(), 1);
    assert_eq!(dialogs[0].state, DialogState::Confirmed);
    assert_eq!(dialogs[0].created_frame.0, 3);
    assert_eq!(dialogs[0].confirmed_frame.map(|f| f.0), Some(4));
    assert_eq!(call.transactions[0].ack_2xx, Some(4));
}

#[test]
fn sd0488_not_acceptable_with_warning_305() {
    let a = run("488-warning-305.pcap");
    assert_eq!(findings(&a), vec![("SD0488", Error, 0, 2)]);
    let d = finding(&a, "SD0488");
    assert!(
        d.message
            .contains("warning 305 \"Incompatible media format\""),
        "{}",
        d.message
    );
    assert!(has_note(
        d,
        1,
        "offer m=audio 6100 RTP/AVP: PCMU/8000, PCMA/8000, telephone-event/8000"
    ));
}

#[test]
fn sd4001_answer_without_common_codec() {
    let a = run("200-no-common-codec.pcap");
    assert_eq!(findings(&a), vec![("SD4001", Error, 0, 2)]);
    let d = finding(&a, "SD4001");
    assert!(has_note(d, 2, "common codecs for m=audio: {}"));
    assert!(has_note(d, 2, "answer m=audio: G729/8000"));
}

#[test]
fn sd0415_against_accept() {
    let a = run("415-accept.pcap");
    assert_eq!(findings(&a), vec![("SD0415", Error, 0, 2)]);
    let d = finding(&a, "SD0415");
    assert!(
        d.message
            .contains("accepts `text/plain`, `message/cpim`, the request sent text/html"),
        "{}",
        d.message
    );
}

#[test]
fn sd0423_recovered_register_is_a_warning() {
    let a = run("423-register.pcap");
    assert_eq!(findings(&a), vec![("SD0423", Warning, 0, 2)]);
    let d = finding(&a, "SD0423");
    assert!(
        d.message.starts_with(
            "423 Interval Too Brief: Expires 60 is below the server's Min-Expires 3600"
        )
    );
    assert_eq!(a.calls()[0].outcome(), Outcome::Completed(StatusCode(200)));
}

#[test]
fn sd0300_redirect_lists_contact_targets() {
    let a = run("302-redirect.pcap");
    assert_eq!(findings(&a), vec![("SD0300", Info, 0, 2)]);
    let d = finding(&a, "SD0300");
    assert!(
        d.message
            .ends_with("to sip:carol@127.0.0.1:5090, sip:carol@voicemail.example;transport=tcp"),
        "{}",
        d.message
    );
}

#[test]
fn sd0482_too_many_hops_shows_max_forwards_and_vias() {
    let a = run("483-max-forwards.pcap");
    assert_eq!(findings(&a), vec![("SD0482", Error, 0, 2)]);
    let d = finding(&a, "SD0482");
    assert!(
        d.message.contains("Max-Forwards 0 after 3 hops"),
        "{}",
        d.message
    );
    assert!(has_note(
        d,
        1,
        "Via path (3 entries): 127.0.0.1:5061 ← 192.0.2.10:5060 ← 192.0.2.20:5060"
    ));
}

#[test]
fn sd1405_sd1420_sd1422_missing_explanation_headers() {
    let a = run("405-no-allow.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD0501", Error, 0, 2), ("SD1405", Warning, 0, 2)]
    );
    let a = run("420-no-unsupported.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD0420", Error, 0, 2), ("SD1420", Warning, 0, 2)]
    );
    let a = run("422-no-min-se.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD0422", Error, 0, 2), ("SD1422", Warning, 0, 2)]
    );
}

#[test]
fn sd0481_bye_with_a_stale_tag() {
    let a = run("481-bye-wrong-tag.pcap");
    assert_eq!(findings(&a), vec![("SD0481", Error, 0, 5)]);
    let d = finding(&a, "SD0481");
    assert!(has_note(d, 4, "To tag=stale-tag-1"));
    assert!(d.message.ends_with("its tags match no dialog of the call"));
}

#[test]
fn sd0491_request_pending_then_retry() {
    let a = run("491-request-pending.pcap");
    assert_eq!(findings(&a), vec![("SD0491", Info, 0, 5)]);
    let d = finding(&a, "SD0491");
    let retry = notes(d)
        .into_iter()
        .find(|(_, n)| n.starts_with("retried after"))
        .expect("retry note");
    assert_eq!(retry.0, 7);
    assert!(retry.1.starts_with("retried after 2.5"), "{}", retry.1);
}

#[test]
fn sd0401_authentication_outcomes() {
    let a = run("auth-ok.pcap");
    assert_eq!(findings(&a), vec![("SD0401", Info, 0, 2)]);
    assert_eq!(a.calls()[0].outcome(), Outcome::Completed(StatusCode(200)));

    let a = run("auth-rechallenged.pcap");
    assert_eq!(findings(&a), vec![("SD0401", Error, 0, 2)]);
    let d = finding(&a, "SD0401");
    assert!(d.message.contains("realm \"sipdiag.test\""));
    assert!(d.message.contains("stale=FALSE"));
    assert!(has_note(d, 4, "the server repeats nonce 4f9a1c02b7e8d5a3"));
    assert!(has_note(d, 3, "the client reuses nonce 4f9a1c02b7e8d5a3"));

    let a = run("auth-forbidden.pcap");
    assert_eq!(findings(&a), vec![("SD0401", Error, 0, 2)]);
    assert!(
        finding(&a, "SD0401")
            .message
            .ends_with("refused with 403 Forbidden")
    );
}

#[test]
fn cancel_then_487_is_info() {
    let a = run("cancel-487.pcap");
    assert_eq!(findings(&a), vec![("SD1000", Info, 0, 6)]);
    let call = &a.calls()[0];
    assert_eq!(call.outcome(), Outcome::Cancelled);
    let (cancel_tx, cancel) = call.cancel_of(0).expect("CANCEL tied to the INVITE");
    assert_eq!(cancel.map(|r| r.frame.0), Some(4));
    assert_eq!(call.transactions[cancel_tx].cancels, Some(0));
    assert!(has_note(
        finding(&a, "SD1000"),
        4,
        "the caller cancelled this INVITE"
    ));
}

#[test]
fn sd0408_lists_the_transmissions() {
    let a = run("408-request-timeout.pcap");
    assert_eq!(findings(&a), vec![("SD0408", Error, 0, 3)]);
    let d = finding(&a, "SD0408");
    assert!(has_note(d, 1, "INVITE sent 1 time: +0.000 s (frame 1)"));
}

#[test]
fn sd0183_sd0184_sd4002_reliable_early_media() {
    let a = run("183-reliable-early-media.pcap");
    assert_eq!(
        findings(&a),
        vec![
            ("SD0183", Warning, 0, 3),
            ("SD0184", Warning, 0, 54),
            ("SD4002", Error, 0, 54)
        ]
    );
    let d = finding(&a, "SD0183");
    assert!(d.message.ends_with("sent reliably but never PRACKed"));
    assert!(has_note(
        d,
        4,
        "early media flowed: RTP 127.0.0.1:6000 → 127.0.0.1:6100: 100 packets, payload types [8], frames 4–105"
    ));
    let d = finding(&a, "SD0184");
    assert!(d.message.ends_with("port 6000 → 6002, codecs PCMA/8000, telephone-event/8000 → PCMU/8000, telephone-event/8000"), "{}", d.message);
    let d = finding(&a, "SD4002");
    assert!(has_note(
        d,
        54,
        "no RTP to 127.0.0.1:6002 after the answer: the caller sent nothing"
    ));
    assert_eq!(a.correlated.media.flows().len(), 1);
}

#[test]
fn two_way_rtp_is_not_one_way_media() {
    let a = run("rtp-two-way.pcap");
    assert_eq!(findings(&a), vec![]);
    let flows: Vec<(String, String, u64)> = a
        .correlated
        .media
        .flows()
        .iter()
        .map(|f| (f.src.to_string(), f.dst.to_string(), f.packets))
        .collect();
    assert_eq!(
        flows,
        vec![
            (
                "127.0.0.1:6100".to_string(),
                "127.0.0.1:6000".to_string(),
                50
            ),
            (
                "127.0.0.1:6000".to_string(),
                "127.0.0.1:6100".to_string(),
                50
            ),
        ]
    );
}

#[test]
fn sd0480_unavailable_callees_graded_by_code_and_q850_cause() {
    let a = run("unavailable.pcap");
    assert_eq!(
        findings(&a),
        vec![
            ("SD0480", Info, 0, 3),
            ("SD0480", Warning, 1, 7),
            ("SD0480", Error, 2, 11),
            ("SD0480", Info, 3, 15),
        ]
    );
    let messages: Vec<&str> = a.all_diagnostics().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages[0],
        "486 Busy Here in answer to INVITE, Q.850 cause 17 (user busy), retry after 60 s"
    );
    assert!(messages[1].contains(
        "Q.850 cause 19 (no answer from user (user alerted)), retry after 300 s (in a meeting)"
    ));
    assert!(messages[2].contains("Q.850 cause 34 (no circuit/channel available)"));
    assert!(messages[3].ends_with("Q.850 cause 21 (call rejected)"));
    let outcomes: Vec<Outcome> = a.calls().iter().map(|c| c.outcome()).collect();
    assert_eq!(
        outcomes,
        [486, 480, 503, 603].map(|c| Outcome::Rejected(StatusCode(c)))
    );
}

#[test]
fn timers_too_short_to_tell_are_info() {
    let a = run("timers-short.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD2001", Info, 0, 1), ("SD2002", Info, 1, 3)]
    );
    let d = finding(&a, "SD2001");
    assert!(has_note(
        d,
        1,
        "INVITE sent 3 times: +0.000 s (frame 1), +0.50"
    ));
    assert_eq!(a.calls()[0].outcome(), Outcome::Unanswered);
    assert_eq!(a.calls()[0].transactions[0].request_retransmissions, 2);
    assert_eq!(a.calls()[1].transactions[0].response_retransmissions, 2);
}

#[test]
fn interleaved_calls_keep_their_own_findings() {
    let a = run("interleaved-calls.pcap");
    assert_eq!(
        findings(&a),
        vec![
            ("SD0480", Info, 1, 8),
            ("SD1000", Info, 2, 15),
            ("SD0401", Info, 3, 18)
        ]
    );
    let outcomes: Vec<&str> = a.calls().iter().map(|c| c.outcome().as_str()).collect();
    assert_eq!(
        outcomes,
        vec!["answered", "rejected", "cancelled", "completed"]
    );
    // Each call's ladder holds only its own frames.
    let frames: Vec<Vec<u32>> = a
        .calls()
        .iter()
        .map(|c| c.records.iter().map(|r| r.frame.0).collect())
        .collect();
    assert_eq!(
        frames,
        vec![
            vec![1, 2, 3, 4, 5, 21, 22],
            vec![6, 7, 8, 9],
            vec![10, 11, 12, 13, 14, 15, 16],
            vec![17, 18, 19, 20],
        ]
    );
}

#[test]
fn sd3002_one_direction_only() {
    let a = run("one-direction.pcap");
    assert_eq!(findings(&a), vec![("SD3002", Warning, 0, 1)]);
    // The negative: a capture with both directions.
    assert!(
        findings(&run("basic-call.pcap"))
            .iter()
            .all(|f| f.0 != "SD3002")
    );
}

#[test]
fn sd3001_sd3003_capture_starts_mid_call() {
    let a = run("mid-call.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD3001", Warning, 0, 1), ("SD3003", Warning, 0, 1)]
    );
    assert_eq!(a.calls()[0].outcome(), Outcome::Answered(StatusCode(200)));
}

#[test]
fn sd3004_snaplen_truncation() {
    let a = run("snaplen.pcap");
    assert_eq!(findings(&a), vec![("SD3004", Warning, 0, 1)]);
    assert!(finding(&a, "SD3004").message.ends_with("(frames 1, 4, 6)"));
}

#[test]
fn sd2001_sd2002_timers_expired_in_a_long_capture() {
    let a = run("timers-long.pcap");
    assert_eq!(
        findings(&a),
        vec![("SD2001", Error, 0, 1), ("SD2002", Error, 1, 3)]
    );
    let d = finding(&a, "SD2001");
    assert!(
        d.message.ends_with("within 64×T1 = 32 s (timer B expired)"),
        "{}",
        d.message
    );
    assert!(has_note(
        d,
        1,
        "INVITE sent 6 times: +0.000 s (frame 1), +0.50"
    ));
    let d = finding(&a, "SD2002");
    assert!(has_note(d, 3, "the 200 was retransmitted 9 times"));
    // With T1 = 1 s, 64×T1 is 64 s: the same capture is too short to tell.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/timers-long.pcap");
    let mut source = FileSource::open(&path).expect("open");
    let options = sipdiag::analysis::Options {
        timers: sipdiag::correlate::Timers {
            t1: Duration::from_secs(1),
        },
        ..Default::default()
    };
    let a = sipdiag::analysis::analyze_with("timers-long.pcap".into(), &mut source, &options);
    let severities: Vec<(&str, Severity)> = a
        .all_diagnostics()
        .map(|d| (d.rule.id, d.severity))
        .collect();
    assert_eq!(severities, vec![("SD2001", Info), ("SD2002", Info)]);
}

#[test]
fn sd2003_sd2004_sd2005_malformed_message() {
    let a = run("malformed-message.pcap");
    assert_eq!(
        findings(&a),
        vec![
            ("SD2001", Info, 0, 1),
            ("SD2004", Error, 0, 1),
            ("SD2005", Error, 0, 1),
            ("SD2003", Error, 0, 2),
        ]
    );
    assert!(
        finding(&a, "SD2004")
            .message
            .ends_with("lacks Max-Forwards")
    );
    assert!(finding(&a, "SD2005").message.ends_with(
        "Content-Length declares 5 bytes but 42 follow the headers: 37 bytes are ignored"
    ));
    assert_eq!(
        finding(&a, "SD2003").message,
        "SIP/2.0 200 OK answers the MESSAGE of frame 1 with CSeq method OPTIONS"
    );
    assert!(has_note(
        finding(&a, "SD2001"),
        2,
        "CSeq method OPTIONS: the client cannot match it"
    ));
    // Negatives: well-formed messages.
    for name in ["basic-call.pcap", "auth-ok.pcap", "interleaved-calls.pcap"] {
        assert!(
            findings(&run(name))
                .iter()
                .all(|f| !["SD2003", "SD2004", "SD2005"].contains(&f.0)),
            "{name}"
        );
    }
}

#[test]
fn sd2006_malformed_header_section() {
    let a = run("broken/10000-headers.pcap");
    let d = finding(&a, "SD2006");
    assert_eq!((d.severity, d.frame.0), (Warning, 1));
    assert_eq!(
        d.message,
        "INVITE sip:bob@192.0.2.2 SIP/2.0: more than 1000 header lines: 9007 extra ones were not analysed"
    );
    // A UDP length 20 bytes short cuts the last header line and the blank line.
    let a = run("broken/udp-length-lies.pcap");
    let d = finding(&a, "SD2006");
    assert_eq!((d.severity, d.frame.0), (Warning, 3));
    assert_eq!(
        d.message,
        "OPTIONS sip:bob@192.0.2.2 SIP/2.0: header line without a colon at byte 260 (and 1 more problem)"
    );
    assert!(has_note(d, 3, "header line without a colon at byte 260"));
    assert!(has_note(d, 3, "headers not terminated by an empty line"));
    // Missing headers and Content-Length have rules of their own (SD2004, SD2005).
    assert!(
        run("malformed-message.pcap")
            .all_diagnostics()
            .all(|d| d.rule.id != "SD2006")
    );
}

/// Each rule against a capture that must not trigger it: the same situation done right, or a
/// call without the situation at all.
#[test]
fn negatives() {
    let table: &[(&str, &str)] = &[
        ("SD0183", "basic-call.pcap"),
        ("SD0184", "basic-call.pcap"),
        ("SD0300", "basic-call.pcap"),
        ("SD0401", "423-register.pcap"),
        ("SD0408", "timers-long.pcap"),
        ("SD0415", "malformed-message.pcap"),
        ("SD0420", "basic-call.pcap"),
        ("SD0422", "basic-call.pcap"),
        ("SD0423", "auth-ok.pcap"),
        ("SD0480", "cancel-487.pcap"),
        ("SD0481", "basic-call.pcap"),
        ("SD0482", "basic-call.pcap"),
        ("SD0488", "200-no-common-codec.pcap"),
        ("SD0491", "481-bye-wrong-tag.pcap"),
        ("SD0501", "415-accept.pcap"),
        ("SD1000", "unavailable.pcap"),
        ("SD1405", "415-accept.pcap"),
        ("SD1420", "basic-call.pcap"),
        ("SD1422", "basic-call.pcap"),
        ("SD2001", "one-direction.pcap"),
        ("SD2002", "basic-call.pcap"),
        ("SD2003", "auth-ok.pcap"),
        ("SD2004", "basic-call.pcap"),
        ("SD2005", "snaplen.pcap"),
        // Its messages are cut by the snaplen (no blank line): the capture's fault.
        ("SD2006", "snaplen.pcap"),
        ("SD3001", "basic-call.pcap"),
        ("SD3002", "timers-short.pcap"),
        ("SD3003", "one-direction.pcap"),
        ("SD3004", "basic-call.pcap"),
        ("SD3010", "basic-call.pcap"),
        ("SD3011", "basic-call.pcap"),
        ("SD3012", "basic-call.pcap"),
        ("SD3013", "basic-call.pcap"),
        ("SD3014", "basic-call.pcap"),
        ("SD4001", "488-warning-305.pcap"),
        ("SD4002", "rtp-two-way.pcap"),
        // Unmet `--expect` expectations; without expectations it never fires (tests/ci_outputs.rs
        // covers it with expectations).
        ("SD9000", "basic-call.pcap"),
    ];
    assert_eq!(table.len(), RULES.len(), "one negative per rule");
    for (rule, fixture) in table {
        let a = run(fixture);
        assert!(
            a.all_diagnostics().all(|d| d.rule.id != *rule),
            "{rule} fires on {fixture}"
        );
    }
}

/// Every rule meets the registry's conventions.
#[test]
fn registry_conventions() {
    let mut ids = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for rule in RULES {
        let id = rule.id.as_bytes();
        assert!(
            id.len() == 6 && id.starts_with(b"SD") && id[2..].iter().all(u8::is_ascii_digit),
            "{}: id must match ^SD\\d{{4}}$",
            rule.id
        );
        assert!(ids.insert(rule.id), "{} twice", rule.id);
        assert!(names.insert(rule.name), "{} twice", rule.name);
        assert!(
            !rule.name.is_empty()
                && rule.name.split('-').all(|p| !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{}: name {} is not kebab-case",
            rule.id,
            rule.name
        );
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}",
            rule.id
        );
        let first = rule.summary.chars().next().unwrap_or(' ');
        assert!(
            !first.is_ascii_uppercase(),
            "{}: summary starts with an upper-case letter",
            rule.id
        );
        for section in [
            "What it checks",
            "Why it matters",
            "Example",
            "How to fix",
            "References",
        ] {
            assert!(
                rule.explanation.lines().any(|l| l == section),
                "{}: explanation lacks the section {section}",
                rule.id
            );
        }
    }
}

/// Every rule id appears in a fixture test of this file (besides the registry test).
#[test]
fn every_rule_has_a_fixture_test() {
    let source = include_str!("rules.rs");
    for rule in RULES {
        let quoted = format!("(\"{}\",", rule.id);
        assert!(source.contains(&quoted), "{} has no fixture test", rule.id);
    }
}

/// Capture-wide findings from the reassembly stage: each on the transport
/// fixture that shows it, about the whole capture (no Call-ID).
#[test]
fn sd3010_to_sd3013_capture_findings() {
    for (fixture, rule, severity, frame) in [
        (
            "transport/crafted-tcp-lost-segment.pcap",
            "SD3010",
            Warning,
            4,
        ),
        (
            "transport/crafted-tcp-no-content-length.pcap",
            "SD3011",
            Error,
            5,
        ),
        (
            "transport/crafted-udp-fragment-missing.pcap",
            "SD3012",
            Warning,
            1,
        ),
        ("transport/crafted-tls-5061.pcap", "SD3013", Info, 4),
    ] {
        let a = run(fixture);
        let found: Vec<_> = a
            .capture_diagnostics
            .iter()
            .map(|d| (d.rule.id, d.severity, d.frame.0, d.call_id.as_str()))
            .collect();
        assert_eq!(found, vec![(rule, severity, frame, "")], "{fixture}");
    }
    let a = run("transport/crafted-tcp-lost-segment.pcap");
    assert_eq!(
        a.capture_diagnostics[0].message,
        "tcp 10.0.0.1:40000 → 10.0.0.2:5060: 638 bytes missing after frame 4 (sequence numbers 1401..2039); resynchronised at frame 8"
    );
}

/// SD3014: with room for one open call, the interleaved calls are released
/// early, reported once with the limit and how to raise it.
#[test]
fn sd3014_call_table_full_names_the_limit() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/interleaved-calls.pcap");
    let run = |limit: usize| {
        let mut source = FileSource::open(&path).unwrap();
        let options = sipdiag::analysis::Options {
            max_open_calls: sipdiag::correlate::OpenCallLimit(limit),
            ..Default::default()
        };
        sipdiag::analysis::analyze_with("interleaved-calls.pcap".into(), &mut source, &options)
    };
    let a = run(1);
    let limits: Vec<_> = a
        .all_diagnostics()
        .filter(|d| d.rule.id == "SD3014")
        .collect();
    assert_eq!(limits.len(), 1);
    assert_eq!(
        limits[0].message,
        "call table full: 4 calls released before they ended (at most 1 open at once)"
    );
    assert!(
        limits[0]
            .fix
            .as_deref()
            .is_some_and(|f| f.starts_with("raise --max-open-calls above 1 "))
    );
    // Two open at once: fewer released early; the default: none.
    let two = run(2);
    let released = |a: &sipdiag::analysis::InputAnalysis| {
        a.all_diagnostics()
            .filter(|d| d.rule.id == "SD3014")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        released(&two),
        vec!["call table full: 3 calls released before they ended (at most 2 open at once)"]
    );
    assert!(released(&run(sipdiag::correlate::MAX_OPEN_CALLS)).is_empty());
}

/// SD3014: a TCP flow that buffers more than the per-flow cap (256 KiB) of
/// one unfinished message. The capture is built here: one 300 000-byte body
/// announced by Content-Length, in 1400-byte segments.
#[test]
fn sd3014_flow_buffer_limit() {
    use etherparse::PacketBuilder;
    let mut pcap = Vec::new();
    pcap.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    pcap.extend_from_slice(&2u16.to_le_bytes());
    pcap.extend_from_slice(&4u16.to_le_bytes());
    pcap.extend_from_slice(&[0; 8]);
    pcap.extend_from_slice(&65_535u32.to_le_bytes());
    pcap.extend_from_slice(&1u32.to_le_bytes());
    let head = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bK-big\r\nFrom: <sip:alice@10.0.0.1>;tag=a\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: big@10.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: text/plain\r\nContent-Length: 300000\r\n\r\n";
    let mut stream = head.as_bytes().to_vec();
    stream.resize(stream.len() + 300_000, b'x');
    let mut seq = 1u32;
    for (i, chunk) in stream.chunks(1400).enumerate() {
        let builder = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(40_000, 5060, seq, 65_535)
            .ack(1);
        let mut frame = Vec::new();
        builder.write(&mut frame, chunk).unwrap();
        pcap.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        pcap.extend_from_slice(&(i as u32).to_le_bytes());
        pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        pcap.extend_from_slice(&frame);
        seq = seq.wrapping_add(chunk.len() as u32);
    }
    let mut source =
        FileSource::from_reader("big.pcap".into(), Box::new(std::io::Cursor::new(pcap))).unwrap();
    let a = sipdiag::analysis::analyze("big.pcap".into(), &mut source);
    let found: Vec<_> = a
        .capture_diagnostics
        .iter()
        .map(|d| (d.rule.id, d.severity))
        .collect();
    assert!(found.contains(&("SD3014", Warning)), "{found:?}");
    let d = a
        .capture_diagnostics
        .iter()
        .find(|d| d.rule.id == "SD3014")
        .unwrap();
    assert!(
        d.message.contains("10.0.0.1:40000 → 10.0.0.2:5060"),
        "{}",
        d.message
    );
}

/// SCTP messages lost (fragments never completed, ordered messages never seen) are
/// stream gaps (SD3010), not limits (SD3014).
#[test]
fn sctp_losses_are_stream_gaps() {
    use sipdiag::reassembly::{Flow, ReassemblyEvent};
    let flow = Flow {
        src: "10.0.0.1:5060".parse().unwrap(),
        dst: "10.0.0.2:5060".parse().unwrap(),
    };
    let events = [
        ReassemblyEvent::SctpIncomplete {
            flow,
            frames: vec![sipdiag::capture::FrameNo(3)],
            bytes: 40,
        },
        ReassemblyEvent::SctpGap {
            flow,
            stream: 0,
            missing: 1..2,
            frame: sipdiag::capture::FrameNo(9),
            delivered: 1,
        },
    ];
    let found: Vec<_> = sipdiag::rules::check_capture(&sipdiag::rules::CaptureScope {
        events: &events,
        calls_released_early: 0,
        max_open_calls: 50_000,
    })
    .iter()
    .map(|d| (d.rule.id, d.frame.0))
    .collect();
    assert_eq!(found, vec![("SD3010", 3), ("SD3010", 9)]);
}
