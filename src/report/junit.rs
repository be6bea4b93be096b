//! JUnit XML report, for CI pages (GitLab, Jenkins, GitHub Actions reporters).
//!
//! One test suite per capture, one test case per call, named from its Call-ID
//! and From → To. A call fails when it has findings at or above `--fail-on`:
//! the failure's message is the first such finding, its type the rule ids, and
//! its body the colourless text rendering of those findings. Every test case's
//! system-out holds the call's ladder and all its diagnostics. Findings about
//! the whole capture form a test case `capture`; unmet expectations that are not
//! about one call, a test case `expectations`. Nothing time-dependent is
//! written, so the same capture gives the same XML.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report as JunitXml, TestCase, TestCaseStatus, TestSuite};

use super::{Report, text};
use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use crate::correlate::Call;
use crate::rules::{Diagnostic, Severity};

/// A call's test case, kept until its capture ends (expectations may add to it).
struct PendingCase {
    call_id: String,
    name: String,
    system_out: Vec<u8>,
    failures: Vec<Diagnostic>,
}

/// The JUnit report: test cases are gathered per capture and the XML is
/// written at the end.
pub struct JunitReport<'w> {
    w: &'w mut dyn Write,
    fail_on: Option<Severity>,
    xml: JunitXml,
    cases: Vec<PendingCase>,
}

impl<'w> JunitReport<'w> {
    pub fn new(w: &'w mut dyn Write, fail_on: Option<Severity>) -> JunitReport<'w> {
        JunitReport {
            w,
            fail_on,
            xml: JunitXml::new("sipdiag"),
            cases: Vec::new(),
        }
    }

    fn failing(&self, d: &Diagnostic) -> bool {
        self.fail_on.is_some_and(|t| d.severity >= t)
    }
}

impl CallSink for JunitReport<'_> {
    fn call(&mut self, _: &str, n: u64, call: &Call, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let mut system_out = Vec::new();
        text::render_call_block(&mut system_out, n, call, diagnostics);
        let failures = diagnostics
            .iter()
            .filter(|d| self.failing(d))
            .cloned()
            .collect();
        self.cases.push(PendingCase {
            call_id: call.call_id.clone(),
            name: case_name(call),
            system_out,
            failures,
        });
        Ok(())
    }
}

impl Report for JunitReport<'_> {
    fn begin(&mut self, _: &[String]) -> io::Result<()> {
        Ok(())
    }

    fn begin_input(&mut self, _: &str) -> io::Result<()> {
        self.cases.clear();
        Ok(())
    }

    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()> {
        let mut suite = TestSuite::new(summary.name.as_str());
        let mut orphans = Vec::new();
        for d in &summary.expectations {
            if !self.failing(d) {
                continue;
            }
            match self.cases.iter_mut().find(|c| c.call_id == d.call_id) {
                Some(case) => case.failures.push(d.clone()),
                None => orphans.push(d.clone()),
            }
        }
        for case in std::mem::take(&mut self.cases) {
            let mut tc = TestCase::new(case.name, status(&case.failures)?);
            tc.set_classname(summary.name.as_str());
            tc.set_system_out_lossy(&case.system_out);
            suite.add_test_case(tc);
        }
        let capture: Vec<Diagnostic> = summary
            .capture_diagnostics
            .iter()
            .filter(|d| self.failing(d))
            .cloned()
            .collect();
        for (name, failures) in [("capture", capture), ("expectations", orphans)] {
            if !failures.is_empty() {
                let mut tc = TestCase::new(name, status(&failures)?);
                tc.set_classname(summary.name.as_str());
                suite.add_test_case(tc);
            }
        }
        if let Some(e) = &summary.read_error {
            suite.set_system_err(format!("capture incomplete: {}", super::escape(e)));
        }
        self.xml.add_test_suite(suite);
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        self.xml.serialize(&mut *self.w).map_err(io::Error::other)?;
        writeln!(self.w)
    }
}

/// Writes one JUnit report for analysed captures (calls already collected).
pub fn write(
    w: &mut dyn Write,
    inputs: &[InputAnalysis],
    fail_on: Option<Severity>,
) -> io::Result<()> {
    super::replay(&mut JunitReport::new(w, fail_on), inputs)
}

fn case_name(call: &Call) -> String {
    let from = call.from_uri().unwrap_or(Cow::Borrowed("?"));
    let to = call.to_uri().unwrap_or(Cow::Borrowed("?"));
    super::escape(&format!("{}: {from} → {to}", call.call_id)).into_owned()
}

/// Success, or one failure naming every failing finding.
fn status(failures: &[Diagnostic]) -> io::Result<TestCaseStatus> {
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
