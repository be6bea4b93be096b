//! `sipdiag live` on a real interface: a network namespace made by this test,
//! SIPp UAC/UAS producing a 420 call and a 422 call inside it, and
//! `sipdiag live -i lo` capturing in that namespace. The findings must arrive
//! while the capture is still running (each call is reported when it ends),
//! and the exit code follows the file-mode rules.
//!
//! Needs root (network namespaces, capture), `ip` and SIPp; without them the
//! test says why and passes without running. Every process it starts is
//! stopped and the namespace deleted, also when an assertion fails.

#![cfg(feature = "live")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sipdiag::report::json::Line;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Deletes the namespace and kills the children when dropped.
struct Lab {
    ns: String,
    children: Vec<Child>,
    dir: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let ns = format!("sipdiag-live-{}", std::process::id());
        let dir = std::env::temp_dir().join(&ns);
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("ip")
            .args(["netns", "add", &ns])
            .status()
            .unwrap();
        assert!(ok.success(), "ip netns add");
        let lab = Lab {
            ns,
            children: Vec::new(),
            dir,
        };
        assert!(
            lab.exec(&["ip", "link", "set", "lo", "up"])
                .status()
                .unwrap()
                .success()
        );
        lab
    }

    fn exec(&self, argv: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns])
            .args(argv)
            .current_dir(&self.dir);
        cmd
    }

    fn sipp(&self, scenario: &Path, port: &str, media_port: &str, remote: Option<&str>) -> Command {
        let scenario = scenario.to_str().unwrap();
        let mut argv = vec![
            "timeout",
            "30",
            "sipp",
            "-nostdin",
            "-t",
            "u1",
            "-m",
            "1",
            "-timeout",
            "15s",
            "-timeout_error",
            "-sf",
            scenario,
            "-i",
            "127.0.0.1",
            "-p",
            port,
            "-mi",
            "127.0.0.1",
            "-mp",
            media_port,
            "-s",
            "bob",
            "-d",
            "50",
        ];
        if let Some(r) = remote {
            argv.push(r);
        }
        let mut cmd = self.exec(&argv);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Plays one scenario pair (UAS in the background, UAC in the foreground).
fn play(lab: &mut Lab, flow: &str) {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios");
    let uas = lab
        .sipp(
            &scenarios.join(format!("{flow}-uas.xml")),
            "5060",
            "6000",
            None,
        )
        .spawn()
        .unwrap();
    lab.children.push(uas);
    std::thread::sleep(Duration::from_millis(500));
    let uac = lab
        .sipp(
            &scenarios.join(format!("{flow}-uac.xml")),
            "5061",
            "6100",
            Some("127.0.0.1:5060"),
        )
        .status()
        .unwrap();
    assert!(uac.success(), "SIPp UAC {flow}");
    if let Some(mut uas) = lab.children.pop() {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && uas.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = uas.kill();
        let _ = uas.wait();
    }
}

#[test]
fn live_capture_reports_calls_while_it_runs() {
    if !is_root() {
        eprintln!("skipped: live capture in a network namespace needs root");
        return;
    }
    for tool in ["ip", "sipp", "timeout"] {
        if !have(tool) {
            eprintln!(
                "skipped: `{tool}` is not installed (Debian: iproute2, sip-tester, coreutils)"
            );
            return;
        }
    }
    let mut lab = Lab::new();
    let bin = assert_cmd::cargo::cargo_bin("sipdiag");
    let pcap = lab.dir.join("live.pcap");
    // T1 = 100 ms: a call is reported 64×T1 = 6.4 s after its last message.
    let mut sipdiag = lab
        .exec(&[
            bin.to_str().unwrap(),
            "live",
            "-i",
            "lo",
            "--duration",
            "60",
            "--t1",
            "100",
            "--format",
            "json",
            "-w",
            pcap.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = sipdiag.stdout.take().unwrap();
    let started = Instant::now();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send((started.elapsed(), line)).is_err() {
                break;
            }
        }
    });
    lab.children.push(sipdiag);
    std::thread::sleep(Duration::from_secs(1));

    play(&mut lab, "420-unrecovered");
    play(&mut lab, "422-retry-too-small");

    // Both findings must come while the capture still runs (it would stop at 60 s).
    let mut rules_seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while rules_seen.len() < 2 && Instant::now() < deadline {
        let Ok((at, line)) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        if let Ok(Line::Diagnostic(d)) = serde_json::from_str::<Line>(&line) {
            assert!(at < Duration::from_secs(40), "{} arrived at {at:?}", d.rule);
            rules_seen.push((d.rule.clone(), d.severity.as_str().to_string(), d.status));
        }
    }
    assert_eq!(
        rules_seen,
        vec![
            ("SD0420".to_string(), "error".to_string(), Some(420)),
            ("SD0422".to_string(), "error".to_string(), Some(422)),
        ]
    );
    // SIGTERM (as from a service manager) ends the capture: the open calls
    // are flushed, the summary printed, and the exit code follows the findings.
    let mut sipdiag = lab.children.pop().unwrap();
    let stopped = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &sipdiag.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = sipdiag.wait().unwrap();
    assert!(stopped.elapsed() < Duration::from_secs(5), "stops promptly");
    assert_eq!(status.code(), Some(1), "error findings: exit 1");
    // The rest of the report: the second 422 of the retry, the summary and the
    // end. Read to the end of the pipe (the reader thread hangs up there): the
    // lines may still be in the pipe when the process has exited.
    let rest: Vec<Line> = std::iter::from_fn(|| rx.recv_timeout(Duration::from_secs(10)).ok())
        .filter_map(|(_, l)| serde_json::from_str(&l).ok())
        .collect();
    let summary = rest
        .iter()
        .find_map(|l| match l {
            Line::Summary(s) => Some(s),
            _ => None,
        })
        .expect("summary");
    assert_eq!(summary.calls, 2);
    assert_eq!(summary.input, "live:lo");
    assert!(matches!(rest.last(), Some(Line::End(_))));
    // -w saved what was captured: the same calls from the file.
    let out = Command::new(&bin)
        .args(["--format", "json", pcap.to_str().unwrap()])
        .output()
        .unwrap();
    let calls = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with(r#"{"type":"call""#))
        .count();
    assert_eq!(calls, 2);
}
