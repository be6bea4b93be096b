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

/// One test suite as the XML carries it: the strings before XML cleaning
/// and escaping (see [`push_xml_text`]).
#[derive(Debug, Default)]
struct Suite {
    name: String,
    cases: Vec<Case>,
    system_err: Option<String>,
}

/// One test case: a success when `failure` is `None`.
#[derive(Debug)]
struct Case {
    name: String,
    classname: String,
    failure: Option<Failure>,
    system_out: Option<String>,
}

/// The `<failure>` of a test case.
#[derive(Debug)]
struct Failure {
    message: String,
    ty: String,
    description: String,
}

/// The JUnit report: test cases are gathered per capture and the XML is
/// written at the end (the totals open the document).
pub struct JunitReport<'w> {
    w: &'w mut dyn Write,
    fail_on: Option<Severity>,
    suites: Vec<Suite>,
    cases: Vec<PendingCase>,
}

impl<'w> JunitReport<'w> {
    pub fn new(w: &'w mut dyn Write, fail_on: Option<Severity>) -> JunitReport<'w> {
        JunitReport {
            w,
            fail_on,
            suites: Vec::new(),
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
        let mut suite = Suite {
            name: summary.name.clone(),
            ..Suite::default()
        };
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
            suite.cases.push(Case {
                name: case.name,
                classname: summary.name.clone(),
                failure: failure(&case.failures)?,
                system_out: Some(utf8_lossy(case.system_out)),
            });
        }
        let capture: Vec<Diagnostic> = summary
            .capture_diagnostics
            .iter()
            .filter(|d| self.failing(d))
            .cloned()
            .collect();
        for (name, failures) in [("capture", capture), ("expectations", orphans)] {
            if !failures.is_empty() {
                suite.cases.push(Case {
                    name: name.to_owned(),
                    classname: summary.name.clone(),
                    failure: failure(&failures)?,
                    system_out: None,
                });
            }
        }
        if let Some(e) = &summary.read_error {
            suite.system_err = Some(format!("capture incomplete: {}", super::escape(e)));
        }
        self.suites.push(suite);
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        let mut out = Vec::new();
        write_xml(&mut out, &self.suites);
        self.w.write_all(&out)?;
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

/// No failure, or one failure naming every failing finding.
fn failure(failures: &[Diagnostic]) -> io::Result<Option<Failure>> {
    let Some(first) = failures.first() else {
        return Ok(None);
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
    let message = if failures.len() == 1 {
        first.message.clone()
    } else {
        format!("{} (and {} more)", first.message, failures.len() - 1)
    };
    Ok(Some(Failure {
        message: super::escape(&message).into_owned(),
        ty: ids.join(" "),
        description: utf8_lossy(body),
    }))
}

/// The bytes as text, invalid UTF-8 replaced (as `String::from_utf8_lossy`)
/// without a copy in the usual, valid case.
fn utf8_lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

// The XML, written by hand: byte for byte what quick-junit 0.8 writes (its
// serializer over quick-xml 0.41 with a 4-space indent), which we used before.
// quick-junit cleans every string when it is stored (`XmlString::new`) by
// running an ANSI-escape parser over it, which cost 4x the whole analysis on
// our colourless text; here the same cleaning runs only on the rare string
// that has a control character (see `clean`). The differential tests below
// build both documents.

/// The whole document (without the newline the report adds after it).
fn write_xml(out: &mut Vec<u8>, suites: &[Suite]) {
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    out.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sipdiag\"",
    );
    push_count(out, "tests", tests);
    push_count(out, "skipped", 0);
    push_count(out, "failures", failures);
    push_count(out, "errors", 0);
    out.push(b'>');
    for suite in suites {
        write_suite(out, suite);
    }
    out.extend_from_slice(b"\n</testsuites>\n");
}

impl Suite {
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_some()).count()
    }
}

fn write_suite(out: &mut Vec<u8>, suite: &Suite) {
    out.extend_from_slice(b"\n    <testsuite");
    push_attribute(out, "name", &suite.name);
    push_count(out, "tests", suite.cases.len());
    push_count(out, "skipped", 0);
    push_count(out, "errors", 0);
    push_count(out, "failures", suite.failures());
    // A suite without children is one empty element.
    if suite.cases.is_empty() && suite.system_err.is_none() {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    for case in &suite.cases {
        write_case(out, case);
    }
    if let Some(err) = &suite.system_err {
        push_element(out, b"\n        <system-err>", err, b"</system-err>");
    }
    out.extend_from_slice(b"\n    </testsuite>");
}

fn write_case(out: &mut Vec<u8>, case: &Case) {
    out.extend_from_slice(b"\n        <testcase");
    push_attribute(out, "name", &case.name);
    push_attribute(out, "classname", &case.classname);
    if case.failure.is_none() && case.system_out.is_none() {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    if let Some(f) = &case.failure {
        out.extend_from_slice(b"\n            <failure");
        push_attribute(out, "message", &f.message);
        push_attribute(out, "type", &f.ty);
        push_element(out, b">", &f.description, b"</failure>");
    }
    if let Some(text) = &case.system_out {
        push_element(out, b"\n            <system-out>", text, b"</system-out>");
    }
    out.extend_from_slice(b"\n        </testcase>");
}

fn push_element(out: &mut Vec<u8>, open: &[u8], text: &str, close: &[u8]) {
    out.extend_from_slice(open);
    push_xml_text(out, text);
    out.extend_from_slice(close);
}

fn push_attribute(out: &mut Vec<u8>, key: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"=\"");
    push_xml_text(out, value);
    out.push(b'"');
}

fn push_count(out: &mut Vec<u8>, key: &str, n: usize) {
    out.push(b' ');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"=\"");
    out.extend_from_slice(n.to_string().as_bytes());
    out.push(b'"');
}

/// Appends `s` as quick-junit writes a string, in text and attributes alike:
/// cleaned (see [`clean`]), then `& < > ' "` escaped.
fn push_xml_text(out: &mut Vec<u8>, s: &str) {
    let s = clean(s);
    let bytes = s.as_bytes();
    // Blocks without a special byte (nearly all of a ladder) are copied whole;
    // the fold has no early exit so that it compiles to vector code.
    let mut blocks = bytes.chunks(32);
    for block in &mut blocks {
        if !block.iter().fold(false, |any, &b| any | is_xml_special(b)) {
            out.extend_from_slice(block);
            continue;
        }
        for &b in block {
            match b {
                b'&' => out.extend_from_slice(b"&amp;"),
                b'<' => out.extend_from_slice(b"&lt;"),
                b'>' => out.extend_from_slice(b"&gt;"),
                b'\'' => out.extend_from_slice(b"&apos;"),
                b'"' => out.extend_from_slice(b"&quot;"),
                b => out.push(b),
            }
        }
    }
}

fn is_xml_special(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'\'' | b'"')
}

/// What quick-junit's `XmlString::new` keeps of `s`: the text that an ANSI
/// escape parser (`strip-ansi-escapes`, over `vte`) prints, without the
/// control characters XML 1.0 does not allow. That parser prints every
/// character but C0 controls (it keeps `\n`, drops `\t` and `\r`) and C1
/// controls (U+0080..=U+009F), until an ESC starts a sequence. So a string
/// with none of those, which is every string of our colourless reports whose
/// wire values went through [`super::escape`], comes back unchanged; only the
/// rest pays for the parser.
fn clean(s: &str) -> Cow<'_, str> {
    if !needs_cleaning(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    let stripped = strip_ansi_escapes::strip_str(s);
    Cow::Owned(stripped.replace(
        |c| matches!(c, '\x00'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f'),
        "",
    ))
}

/// Whether `bytes` hold a control character other than `\n`: a byte below
/// 0x20, or a C1 control (U+0080..=U+009F: 0xC2 then 0x80..=0x9F).
fn needs_cleaning(bytes: &[u8]) -> bool {
    // Blocks are checked for a candidate byte without early exit (vector
    // code); only a block with one (0xC2 also leads `§`, common in our text)
    // is looked at byte by byte.
    bytes.chunks(32).enumerate().any(|(i, block)| {
        let candidate = block.iter().fold(false, |any, &b| {
            any | (b < 0x20 && b != b'\n') | (b == 0xc2)
        });
        candidate
            && block.iter().enumerate().any(|(j, &b)| match b {
                0xc2 => bytes
                    .get(i * 32 + j + 1)
                    .is_some_and(|next| (0x80..=0x9f).contains(next)),
                b => b < 0x20 && b != b'\n',
            })
    })
}
