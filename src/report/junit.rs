//! JUnit XML report, for CI pages (GitLab, Jenkins, GitHub Actions reporters).
//!
//! One test suite per capture, one test case per call, named from its Call-ID
//! and From → To. A call fails when it has findings at or above `--fail-on`:
//! the failure's message is the first such finding, its type the rule ids, and
//! its body the colourless text rendering of those findings. Every test case's
//! system-out holds the call's ladder and all its diagnostics. Unmet
//! expectations that are not about one call form a test case `expectations`.
//! Nothing time-dependent is written, so the same capture gives the same XML.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::text;
use crate::analysis::InputAnalysis;
use crate::correlate::Call;
use crate::rules::{Diagnostic, Severity};

/// Writes one JUnit report for every analysed capture.
pub fn write(
    w: &mut dyn Write,
    inputs: &[InputAnalysis],
    fail_on: Option<Severity>,
) -> io::Result<()> {
    let mut report = Report::new("sipdiag");
    for input in inputs {
        report.add_test_suite(suite(input, fail_on)?);
    }
    report.serialize(&mut *w).map_err(io::Error::other)?;
    writeln!(w)
}

fn failing(d: &Diagnostic, fail_on: Option<Severity>) -> bool {
    fail_on.is_some_and(|t| d.severity >= t)
}

fn suite(input: &InputAnalysis, fail_on: Option<Severity>) -> io::Result<TestSuite> {
    let mut suite = TestSuite::new(input.name.as_str());
    let calls = input.calls();
    for (i, (call, diagnostics)) in calls.iter().zip(&input.diagnostics).enumerate() {
        let expected: Vec<Diagnostic> = input
            .expectations
            .iter()
            .filter(|d| d.call_id == call.call_id)
            .cloned()
            .collect();
        let mut all: Vec<Diagnostic> = diagnostics.to_vec();
        all.extend(expected);
        let mut out = Vec::new();
        text::write_call_block(&mut out, i + 1, calls.len(), call, &all)?;
        let mut case = TestCase::new(case_name(call), status(&all, fail_on)?);
        case.set_classname(input.name.as_str());
        case.set_system_out_lossy(&out);
        suite.add_test_case(case);
    }
    let orphans: Vec<Diagnostic> = input
        .expectations
        .iter()
        .filter(|d| !calls.iter().any(|c| c.call_id == d.call_id))
        .cloned()
        .collect();
    if !orphans.is_empty() {
        let mut case = TestCase::new("expectations", status(&orphans, fail_on)?);
        case.set_classname(input.name.as_str());
        suite.add_test_case(case);
    }
    if let Some(e) = &input.read_error {
        suite.set_system_err(format!("capture incomplete: {}", super::escape(e)));
    }
    Ok(suite)
}

fn case_name(call: &Call) -> String {
    let from = call
        .from()
        .map(|a| a.uri)
        .unwrap_or_else(|| "?".to_string());
    let to = call.to().map(|a| a.uri).unwrap_or_else(|| "?".to_string());
    super::escape(&format!("{}: {from} → {to}", call.call_id)).into_owned()
}

fn status(diagnostics: &[Diagnostic], fail_on: Option<Severity>) -> io::Result<TestCaseStatus> {
    let failures: Vec<&Diagnostic> = diagnostics.iter().filter(|d| failing(d, fail_on)).collect();
    let Some(first) = failures.first() else {
        return Ok(TestCaseStatus::success());
    };
    let mut body = Vec::new();
    for (i, d) in failures.iter().enumerate() {
        if i > 0 {
            writeln!(body)?;
        }
        text::write_diagnostic(&mut body, d)?;
    }
    let mut ids: Vec<&str> = failures.iter().map(|d| d.rule.id).collect();
    ids.dedup();
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = if failures.len() == 1 {
        first.message.clone()
    } else {
        format!("{} (and {} more)", first.message, failures.len() - 1)
    };
    status
        .set_message(super::escape(&message).into_owned())
        .set_type(ids.join(" "))
        .set_description(String::from_utf8_lossy(&body).into_owned());
    Ok(status)
}
