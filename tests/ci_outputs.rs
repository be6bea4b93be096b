//! The CI-facing outputs: JSON Lines round trip, JUnit XML, severity control,
//! settings file, expectations, `-o`, determinism and rendering snapshots.

mod common;

use common::{fixture, json_run, sipdiag};
use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
use sipdiag::report::json::Line;

fn all_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "fixtures present: {names:?}");
    names
}

fn path(name: &str) -> String {
    fixture(name).to_str().unwrap().to_string()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sipdiag-ci-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn json_lines_round_trip_on_every_fixture() {
    for name in all_fixtures() {
        let out = sipdiag()
            .args(["--format", "json", &path(&name)])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() >= 3, "{name}");
        for line in &lines {
            let typed: Line =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}: {e}: {line}"));
            assert_eq!(
                serde_json::to_string(&typed).unwrap(),
                *line,
                "{name}: lossless round trip"
            );
        }
        match serde_json::from_str::<Line>(lines[0]).unwrap() {
            Line::Begin(b) => {
                assert_eq!(b.schema_version, sipdiag::report::json::SCHEMA_VERSION);
                assert_eq!(b.inputs, vec![path(&name)]);
            }
            other => panic!("{name}: first line {other:?}"),
        }
        assert!(matches!(
            serde_json::from_str::<Line>(lines[lines.len() - 1]).unwrap(),
            Line::End(_)
        ));
    }
}

#[test]
fn junit_has_a_suite_per_capture_and_a_case_per_call() {
    let out = sipdiag()
        .args([
            "--format",
            "junit",
            &path("interleaved.pcap"),
            &path("420-unrecovered.pcap"),
            &path("clean-call.pcap"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let report = Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.name.as_ref().map(|n| n.as_str()), Some("sipdiag"));
    let suites: Vec<(&str, usize, usize)> = report
        .test_suites
        .iter()
        .map(|s| (s.name.as_str(), s.test_cases.len(), s.failures))
        .collect();
    assert_eq!(
        suites,
        vec![
            (path("interleaved.pcap").as_str(), 3, 0),
            (path("420-unrecovered.pcap").as_str(), 1, 1),
            (path("clean-call.pcap").as_str(), 1, 0),
        ]
    );
    let case = &report.test_suites[1].test_cases[0];
    assert!(
        case.name
            .as_str()
            .ends_with(": sip:alice@127.0.0.1:5061 → sip:bob@127.0.0.1:5060")
    );
    match &case.status {
        TestCaseStatus::NonSuccess {
            kind,
            message,
            ty,
            description,
            ..
        } => {
            assert_eq!(*kind, NonSuccessKind::Failure);
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "420 Bad Extension: 127.0.0.1:5060 does not support `100rel`, required by the INVITE"
            );
            assert_eq!(ty.as_ref().unwrap().as_str(), "SD0420");
            let body = description.as_ref().unwrap().as_str();
            assert!(body.starts_with("error[SD0420]: "), "{body}");
            assert!(body.contains("frame 2     Unsupported: 100rel"), "{body}");
            assert!(!body.contains('\u{1b}'), "no colour in JUnit");
        }
        other => panic!("{other:?}"),
    }
    // Warnings do not fail a case at the default threshold, but do at --fail-on warning.
    assert!(matches!(
        report.test_suites[0].test_cases[1].status,
        TestCaseStatus::Success { .. }
    ));
    let out = sipdiag()
        .args([
            "--format",
            "junit",
            "--fail-on",
            "warning",
            &path("interleaved.pcap"),
        ])
        .output()
        .unwrap();
    let report = Report::deserialize_from_str(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
    assert_eq!(report.test_suites[0].failures, 2);
}

#[test]
fn severity_overrides_and_fail_on_matrix() {
    let warn = path("420-retry-ok.pcap");
    let err = path("420-unrecovered.pcap");
    let cases: &[(&[&str], &str, i32)] = &[
        (&[], &err, 1),
        (&["--allow", "SD0420"], &err, 0),
        (&["--allow", "bad-extension"], &err, 0),
        (&["--warn", "SD0420"], &err, 0),
        (&["--warn", "SD0420", "--fail-on", "warning"], &err, 1),
        (&["--deny", "SD0420"], &warn, 1),
        (&["--deny", "SD0420", "--allow", "SD0420"], &warn, 0),
        (&["--allow", "SD0420", "--deny", "SD0420"], &warn, 1),
        (&["--deny", "SD0420", "--fail-on", "never"], &warn, 0),
        (&["--fail-on", "warning"], &warn, 1),
    ];
    for (args, file, code) in cases {
        sipdiag().args(*args).arg(file).assert().code(*code);
    }
    // The override changes the reported severity too.
    let run = json_run(&["--deny", "bad-extension", &warn]);
    assert_eq!(run.findings()[0].1, "error");
    let run = json_run(&["--allow", "SD0420", &err]);
    assert!(run.findings().is_empty());
    assert_eq!(run.summary().findings.error, 0);
}

#[test]
fn settings_file_and_command_line_precedence() {
    let dir = scratch("config");
    std::fs::write(
        dir.join("sipdiag.toml"),
        "fail_on = \"warning\"\nallow = [\"SD0183\"]\n",
    )
    .unwrap();
    let warn = path("420-retry-ok.pcap");
    let info = path("183-sdp.pcap");
    // Picked up from the working directory.
    sipdiag().current_dir(&dir).arg(&warn).assert().code(1);
    sipdiag()
        .current_dir(&dir)
        .args(["--fail-on", "error", &warn])
        .assert()
        .code(0);
    sipdiag()
        .current_dir(&dir)
        .args(["--fail-on", "info", &info])
        .assert()
        .code(0);
    sipdiag()
        .current_dir(&dir)
        .args(["--fail-on", "info", "--warn", "SD0183", &info])
        .assert()
        .code(1);
    // --config names another file; errors name the line and column.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "fail_on = \"warning\"\ndeny = [\"no-such-rule\"]\n").unwrap();
    let out = sipdiag()
        .args(["--config", bad.to_str().unwrap(), &warn])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unknown rule 'no-such-rule'"), "{stderr}");
    std::fs::write(&bad, "fail_on = \"sometimes\"\n").unwrap();
    let out = sipdiag()
        .args(["--config", bad.to_str().unwrap(), &warn])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("sipdiag: error: {}:1:11: ", bad.display())),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn expectations_that_pass_and_that_fail() {
    let dir = scratch("expect");
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "calls = 3\nno_codes = [503]\n[[call]]\nindex = 2\nfinal = 200\nmethods = [\"ACK\", \"BYE\"]\nno_methods = [\"PRACK\"]\nmax_pdd_ms = 1000\n[[call]]\nindex = 3\noutcome = \"answered\"\n",
    )
    .unwrap();
    let capture = path("interleaved.pcap");
    sipdiag()
        .args(["--expect", good.to_str().unwrap(), &capture])
        .assert()
        .code(0);

    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "calls = 2\n[[call]]\nindex = 2\nfinal = 486\nmethods = [\"PRACK\"]\nno_codes = [420]\n[[call]]\nindex = 1\nmax_pdd_ms = 0\n[[call]]\nfrom_user = \"nobody\"\n",
    )
    .unwrap();
    let run = json_run(&["--expect", bad.to_str().unwrap(), &capture]);
    assert_eq!(run.exit, 1);
    let messages: Vec<(String, u32)> = run
        .diagnostics()
        .iter()
        .filter(|d| d.rule == "SD9000")
        .map(|d| (d.message.clone(), d.frame))
        .collect();
    let call1 = run.calls()[0].call_id.clone();
    let call2 = run.calls()[1].call_id.clone();
    // Frame 1 INVITE to frame 3 180 Ringing of the first call (frame 2 is 100 Trying).
    let times: Vec<&str> = run.calls()[0]
        .messages
        .iter()
        .map(|m| m.time.as_str())
        .collect();
    // "2024-11-21T14:42:31.482597000Z": nanoseconds within the minute.
    let nanos = |t: &str| -> i64 {
        let (secs, frac) = t[17..t.len() - 1].split_once('.').unwrap();
        secs.parse::<i64>().unwrap() * 1_000_000_000 + frac.parse::<i64>().unwrap()
    };
    let pdd1 = (nanos(times[2]) - nanos(times[0])) / 1_000_000;
    assert_eq!(
        messages,
        vec![
            ("expected 2 calls, the capture holds 3".to_string(), 0),
            (format!("call {call2} ended with 200, expected 486"), 15),
            (format!("call {call2} has no PRACK request"), 21),
            (format!("call {call2} has a 420 response"), 7),
            (
                format!("call {call1} has a post-dial delay of {pdd1} ms, more than 0 ms"),
                1
            ),
            (
                "no call matches [[call]] #3 (from user nobody)".to_string(),
                0
            ),
        ]
    );

    // A missing or invalid expectations file is a run error naming the position.
    let out = sipdiag()
        .args(["--expect", "no-such.toml", &capture])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&bad, "[[call]]\nindex = 1\nfinall = 200\n").unwrap();
    let out = sipdiag()
        .args(["--expect", bad.to_str().unwrap(), &capture])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "sipdiag: error: {}:3:1: unknown field `finall`",
            bad.display()
        )),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Unmet expectations in JUnit: one about a call extends that call's
/// failure (message, type and body), the ones about no call form the
/// `expectations` test case.
#[test]
fn junit_expectations_join_their_calls_failures() {
    let dir = scratch("junit-expect");
    let expect = dir.join("expect.toml");
    std::fs::write(
        &expect,
        "calls = 2\n[[call]]\nindex = 1\nfinal = 200\nmethods = [\"BYE\"]\n",
    )
    .unwrap();
    let out = sipdiag()
        .args(["--format", "junit", "--expect", expect.to_str().unwrap()])
        .arg(path("420-unrecovered.pcap"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = Report::deserialize_from_str(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
    assert_eq!((report.tests, report.failures), (2, 2));
    let cases = &report.test_suites[0].test_cases;
    let failure = |i: usize| match &cases[i].status {
        TestCaseStatus::NonSuccess {
            message,
            ty,
            description,
            ..
        } => (
            cases[i].name.to_string(),
            message.as_ref().unwrap().to_string(),
            ty.as_ref().unwrap().to_string(),
            description.as_ref().unwrap().to_string(),
        ),
        other => panic!("{other:?}"),
    };
    let (name, message, ty, body) = failure(0);
    assert!(name.starts_with("1-3496@127.0.0.1: "), "{name}");
    assert_eq!(
        message,
        "420 Bad Extension: 127.0.0.1:5060 does not support `100rel`, required by the INVITE (and 2 more)"
    );
    assert_eq!(ty, "SD0420 SD9000");
    let firsts: Vec<&str> = body.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(
        firsts,
        [
            "error[SD0420]: 420 Bad Extension: 127.0.0.1:5060 does not support `100rel`, required by the INVITE",
            "error[SD9000]: call 1-3496@127.0.0.1 ended with 420, expected 200",
            "error[SD9000]: call 1-3496@127.0.0.1 has no BYE request",
        ]
    );
    let (name, message, ty, _) = failure(1);
    assert_eq!(
        (name.as_str(), message.as_str(), ty.as_str()),
        (
            "expectations",
            "expected 2 calls, the capture holds 1",
            "SD9000"
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_file_holds_one_report_for_several_captures() {
    let dir = scratch("output");
    let report = dir.join("report.jsonl");
    let out = sipdiag()
        .args([
            "--format",
            "json",
            "-o",
            report.to_str().unwrap(),
            &path("clean-call.pcap"),
            &path("405-message.pcap"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&report).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| match serde_json::from_str::<Line>(l).unwrap() {
            Line::Begin(_) => "begin",
            Line::Call(_) => "call",
            Line::Diagnostic(_) => "diagnostic",
            Line::Summary(_) => "summary",
            Line::End(_) => "end",
        })
        .map(str::to_string)
        .collect();
    assert_eq!(
        types,
        vec![
            "begin",
            "call",
            "summary",
            "call",
            "diagnostic",
            "summary",
            "end"
        ]
    );
    // A text report written to a file is never coloured.
    let txt = dir.join("report.txt");
    sipdiag()
        .args([
            "--color",
            "always",
            "-o",
            txt.to_str().unwrap(),
            &path("405-message.pcap"),
        ])
        .assert()
        .code(1);
    assert!(!std::fs::read_to_string(&txt).unwrap().contains('\u{1b}'));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_capture_gives_byte_identical_reports() {
    for format in ["json", "junit", "text"] {
        let run = || {
            sipdiag()
                .args([
                    "--color",
                    "never",
                    "--format",
                    format,
                    &path("interleaved.pcap"),
                    &path("422-retry-too-small.pcap"),
                ])
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run(), run(), "{format}");
    }
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let file = path("420-unrecovered.pcap");
    let coloured = sipdiag()
        .args(["--color", "always", &file])
        .output()
        .unwrap()
        .stdout;
    assert!(coloured.contains(&0x1b));
    let auto = sipdiag().args([&file]).output().unwrap().stdout;
    assert!(!auto.contains(&0x1b), "not a terminal: no colour");
    let json = sipdiag()
        .args(["--color", "always", "--format", "json", &file])
        .output()
        .unwrap()
        .stdout;
    assert!(!json.contains(&0x1b), "never colour inside JSON");
}

/// Snapshots of the renderings: a change to the text or JUnit output shows up
/// as a reviewed diff. Time-of-day columns come from the capture, so they are stable.
#[test]
fn rendering_snapshots() {
    for name in [
        "420-retry-ok.pcap",
        "422-retry-too-small.pcap",
        "501-allow-from-options.pcap",
        "183-sdp.pcap",
    ] {
        let out = sipdiag()
            .args(["--color", "never", &format!("fixtures/{name}")])
            .output()
            .unwrap();
        insta::assert_snapshot!(
            format!("text-{name}"),
            String::from_utf8(out.stdout).unwrap()
        );
    }
    let out = sipdiag()
        .args([
            "--format",
            "junit",
            "fixtures/interleaved.pcap",
            "fixtures/405-message.pcap",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "junit-interleaved-405",
        String::from_utf8(out.stdout).unwrap()
    );
}
