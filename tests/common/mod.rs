//! Helpers shared by the CLI tests: run the built binary hermetically and read
//! its JSON Lines output into the typed schema.

#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use sipdiag::report::json::{CallJson, DiagnosticJson, Line, SummaryJson};

/// The path of a shipped fixture.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The binary with colour and pager variables cleared.
pub fn sipdiag() -> Command {
    let mut cmd = Command::cargo_bin("sipdiag").expect("binary builds");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// A JSON Lines report, parsed into the typed schema.
#[derive(Debug)]
pub struct JsonRun {
    pub lines: Vec<Line>,
    pub exit: i32,
}

impl JsonRun {
    pub fn calls(&self) -> Vec<&CallJson> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                Line::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    pub fn diagnostics(&self) -> Vec<&DiagnosticJson> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                Line::Diagnostic(d) => Some(d),
                _ => None,
            })
            .collect()
    }

    pub fn summary(&self) -> &SummaryJson {
        self.lines
            .iter()
            .find_map(|l| match l {
                Line::Summary(s) => Some(s),
                _ => None,
            })
            .expect("a summary line")
    }

    /// (frame, method or status) of every message of every call, by frame.
    pub fn messages(&self) -> Vec<(u32, String)> {
        let mut all: Vec<(u32, String)> = self
            .calls()
            .iter()
            .flat_map(|c| c.messages.iter())
            .map(|m| {
                let what = match (&m.method, m.status) {
                    (Some(method), _) => method.clone(),
                    (None, Some(status)) => status.to_string(),
                    (None, None) => "?".to_string(),
                };
                (m.frame, what)
            })
            .collect();
        all.sort();
        all
    }

    /// (rule, severity, frame, status) of every diagnostic.
    pub fn findings(&self) -> Vec<(String, String, u32, Option<u16>)> {
        self.diagnostics()
            .iter()
            .map(|d| {
                (
                    d.rule.clone(),
                    d.severity.as_str().to_string(),
                    d.frame,
                    d.status,
                )
            })
            .collect()
    }
}

/// Runs `sipdiag --format json` with extra arguments; every line must parse.
pub fn json_run(args: &[&str]) -> JsonRun {
    let out = sipdiag()
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 JSON");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str::<Line>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    JsonRun {
        lines,
        exit: out.status.code().expect("exit code"),
    }
}

/// Runs `sipdiag --format json FIXTURE`.
pub fn json(fixture_name: &str) -> JsonRun {
    let path = fixture(fixture_name);
    json_run(&[path.to_str().expect("UTF-8 path")])
}

/// Runs the text report without colour; returns stdout and the exit code.
pub fn text(args: &[&str]) -> (String, i32) {
    let out = sipdiag()
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs");
    (
        String::from_utf8(out.stdout).expect("UTF-8 text"),
        out.status.code().expect("exit code"),
    )
}

pub fn m(frame: u32, what: &str) -> (u32, String) {
    (frame, what.to_string())
}

pub fn f(
    rule: &str,
    severity: &str,
    frame: u32,
    status: Option<u16>,
) -> (String, String, u32, Option<u16>) {
    (rule.to_string(), severity.to_string(), frame, status)
}
