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
    /// The call's text report: UTF-8 by construction (see [`push_xml_bytes`]).
    system_out: Option<Vec<u8>>,
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
    /// Each call's text is rendered here first, then copied out at its
    /// length (no growth of a new buffer per call).
    scratch: Vec<u8>,
    /// The address pairs written so far, kept from call to call.
    texts: text::Texts,
}

impl<'w> JunitReport<'w> {
    pub fn new(w: &'w mut dyn Write, fail_on: Option<Severity>) -> JunitReport<'w> {
        JunitReport {
            w,
            fail_on,
            suites: Vec::new(),
            cases: Vec::new(),
            scratch: Vec::new(),
            texts: text::Texts::new(),
        }
    }

    fn failing(&self, d: &Diagnostic) -> bool {
        self.fail_on.is_some_and(|t| d.severity >= t)
    }
}

impl CallSink for JunitReport<'_> {
    fn call(&mut self, _: &str, n: u64, call: &Call, diagnostics: &[Diagnostic]) -> io::Result<()> {
        // From and To read once, for the name and the ladder.
        let (from, to) = (call.from_uri(), call.to_uri());
        let parties = (from.as_deref(), to.as_deref());
        self.scratch.clear();
        text::render_call_block_with_parties(
            &mut self.scratch,
            &mut self.texts,
            n,
            call,
            parties,
            diagnostics,
        );
        let system_out = self.scratch.clone();
        let failures = diagnostics
            .iter()
            .filter(|d| self.failing(d))
            .cloned()
            .collect();
        self.cases.push(PendingCase {
            call_id: call.call_id.clone(),
            name: case_name(call, parties),
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
            // Every call, and the capture and expectations cases.
            cases: Vec::with_capacity(self.cases.len() + 2),
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
                failure: failure(&case.failures, &mut self.texts),
                system_out: Some(case.system_out),
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
                    failure: failure(&failures, &mut self.texts),
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
        // The document is about the size of its texts: one allocation
        // instead of a dozen growths that copy megabytes.
        let mut out = Vec::with_capacity(estimated_len(&self.suites));
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

/// `{call_id}: {from} → {to}`, escaped. Escaping works character by
/// character, so the pieces are escaped one by one (the printable ones
/// without a copy) instead of formatting the name and escaping the whole,
/// whose arrow sent every name down the slow path.
fn case_name(call: &Call, (from, to): (Option<&str>, Option<&str>)) -> String {
    let pieces = [
        super::escape(&call.call_id),
        Cow::Borrowed(": "),
        super::escape(from.unwrap_or("?")),
        Cow::Borrowed(" → "),
        super::escape(to.unwrap_or("?")),
    ];
    let mut name = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in &pieces {
        name.push_str(piece);
    }
    name
}

/// About the length of the document: its texts and a few hundred bytes of
/// markup per test case.
fn estimated_len(suites: &[Suite]) -> usize {
    let case_len = |c: &Case| {
        300 + c.name.len()
            + c.classname.len()
            + c.system_out.as_ref().map_or(0, Vec::len)
            + c.failure
                .as_ref()
                .map_or(0, |f| f.message.len() + f.ty.len() + f.description.len())
    };
    suites
        .iter()
        .flat_map(|s| &s.cases)
        .map(case_len)
        .sum::<usize>()
        + 1000
}

/// No failure, or one failure naming every failing finding.
fn failure(failures: &[Diagnostic], texts: &mut text::Texts) -> Option<Failure> {
    let first = failures.first()?;
    let mut body = Vec::new();
    for (i, d) in failures.iter().enumerate() {
        if i > 0 {
            body.push(b'\n');
        }
        text::render_diagnostic_with(&mut body, texts, d);
    }
    let mut ids: Vec<&str> = failures.iter().map(|d| d.rule.id).collect();
    ids.dedup();
    let message = if failures.len() == 1 {
        first.message.clone()
    } else {
        format!("{} (and {} more)", first.message, failures.len() - 1)
    };
    Some(Failure {
        message: super::escape(&message).into_owned(),
        ty: ids.join(" "),
        description: utf8_lossy(body),
    })
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
        out.extend_from_slice(b"\n            <system-out>");
        push_xml_bytes(out, text);
        out.extend_from_slice(b"</system-out>");
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
    push_xml_bytes(out, s.as_bytes());
}

/// [`push_xml_text`] of text held as bytes, as `String::from_utf8_lossy`
/// reads them. The text report writes UTF-8 by construction (string
/// pieces, ASCII digits and punctuation, start lines only when they are
/// printable ASCII), so its output is written as it is: checking the whole
/// ladder of every call for valid UTF-8 cost a tenth of the JUnit run. The
/// rare text with a character that cleaning removes goes through the lossy
/// conversion.
fn push_xml_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    let start = out.len();
    if push_xml_text_uncleaned(out, bytes) {
        return;
    }
    // A character that cleaning removes (never in our colourless text):
    // start over on the cleaned string.
    out.truncate(start);
    let text = String::from_utf8_lossy(bytes);
    let cleaned = clean(&text);
    let mut blocks = cleaned.as_bytes().chunks_exact(BLOCK);
    for block in &mut blocks {
        push_xml_escaped(out, block);
    }
    push_xml_escaped(out, blocks.remainder());
}

/// `bytes` escaped, checked on the way for what [`clean`] would remove:
/// false as soon as there is such a character (`out` then holds part of
/// the text). One pass over 32-byte blocks: a block without a special or
/// candidate byte (nearly all of a ladder) is copied whole; the check is a
/// fold over a fixed length without early exit, so that it compiles to a
/// few vector compares. The last, shorter block is checked padded with
/// spaces.
fn push_xml_text_uncleaned(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut at = 0;
    for block in &mut blocks {
        let flags = <&[u8; BLOCK]>::try_from(block).map_or(SPECIAL | CANDIDATE, block_flags);
        if !push_block(out, bytes, at, block, flags) {
            return false;
        }
        at += BLOCK;
    }
    let rest = blocks.remainder();
    let mut padded = [b' '; BLOCK];
    if let Some(to) = padded.get_mut(..rest.len()) {
        to.copy_from_slice(rest);
    }
    push_block(out, bytes, at, rest, block_flags(&padded))
}

/// Bytes checked at once by [`block_flags`].
const BLOCK: usize = 32;

/// A byte of a block that XML escapes.
const SPECIAL: u8 = 1;
/// A byte of a block that may start a character [`clean`] removes.
const CANDIDATE: u8 = 2;

/// [`SPECIAL`] and [`CANDIDATE`] of the bytes of `block`.
fn block_flags(block: &[u8; BLOCK]) -> u8 {
    // Flags as bytes, not `bool`s, and one fold per flag: this spelling
    // compiles to compares and ors of whole vectors (one fold for both did
    // not vectorize, measured).
    let special = block.iter().fold(0u8, |flags, &b| {
        flags
            | u8::from(b == b'&')
            | u8::from(b == b'<')
            | u8::from(b == b'>')
            | u8::from(b == b'\'')
            | u8::from(b == b'"')
    });
    let candidate = block.iter().fold(0u8, |flags, &b| {
        flags | (u8::from(b < 0x20) & u8::from(b != b'\n')) | u8::from(b == 0xc2)
    });
    (u8::from(special != 0) * SPECIAL) | (u8::from(candidate != 0) * CANDIDATE)
}

/// Appends `block` (at `at` in `bytes`) by its `flags`; false when it holds
/// a character [`clean`] removes.
fn push_block(out: &mut Vec<u8>, bytes: &[u8], at: usize, block: &[u8], flags: u8) -> bool {
    if flags & CANDIDATE != 0 && has_cleaned_char(bytes, at, block) {
        return false;
    }
    if flags & SPECIAL != 0 {
        push_xml_escaped(out, block);
    } else {
        out.extend_from_slice(block);
    }
    true
}

/// `bytes` with `& < > ' "` escaped; the runs between them copied whole.
fn push_xml_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\'' => b"&apos;",
            b'"' => b"&quot;",
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
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
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut at = 0;
    for block in &mut blocks {
        let candidate = <&[u8; BLOCK]>::try_from(block).map_or(true, |b| {
            b.iter().fold(0u8, |flags, &b| {
                flags | u8::from(b < 0x20 && b != b'\n') | u8::from(b == 0xc2)
            }) != 0
        });
        if candidate && has_cleaned_char(bytes, at, block) {
            return true;
        }
        at += BLOCK;
    }
    has_cleaned_char(bytes, at, blocks.remainder())
}

/// Whether `block`, which starts at `at` in `bytes`, holds a control
/// character other than `\n` (a C1 control's second byte may lie after it).
fn has_cleaned_char(bytes: &[u8], at: usize, block: &[u8]) -> bool {
    block.iter().enumerate().any(|(j, &b)| match b {
        0xc2 => bytes
            .get(at + j + 1)
            .is_some_and(|next| (0x80..=0x9f).contains(next)),
        b => b < 0x20 && b != b'\n',
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::FileSource;
    use quick_junit::{NonSuccessKind, Report as QuickReport, TestCase, TestCaseStatus, TestSuite};

    /// The document quick-junit 0.8 writes for the same suites, as the
    /// report wrote it before.
    fn quick_junit_xml(suites: &[Suite]) -> Vec<u8> {
        let mut report = QuickReport::new("sipdiag");
        for s in suites {
            let mut suite = TestSuite::new(s.name.as_str());
            for c in &s.cases {
                let status = match &c.failure {
                    None => TestCaseStatus::success(),
                    Some(f) => {
                        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                        status
                            .set_message(f.message.as_str())
                            .set_type(f.ty.as_str())
                            .set_description(f.description.as_str());
                        status
                    }
                };
                let mut tc = TestCase::new(c.name.as_str(), status);
                tc.set_classname(c.classname.as_str());
                if let Some(out) = &c.system_out {
                    tc.set_system_out_lossy(out);
                }
                suite.add_test_case(tc);
            }
            if let Some(err) = &s.system_err {
                suite.set_system_err(err.as_str());
            }
            report.add_test_suite(suite);
        }
        let mut out = Vec::new();
        report.serialize(&mut out).unwrap();
        out
    }

    fn ours(suites: &[Suite]) -> Vec<u8> {
        let mut out = Vec::new();
        write_xml(&mut out, suites);
        out
    }

    /// Every fixture capture (`fixtures/**/*.pcap*`), at every `--fail-on`:
    /// our XML is quick-junit's, one capture per document and all in one.
    #[test]
    fn hand_written_xml_matches_quick_junit_on_every_fixture() {
        let inputs = crate::test_fixtures::analyses();
        let (mut cases, mut failing) = (0, 0);
        for fail_on in [
            None,
            Some(Severity::Info),
            Some(Severity::Warning),
            Some(Severity::Error),
        ] {
            for group in inputs.chunks(1).chain([&inputs[..]]) {
                let mut sink = Vec::new();
                let mut report = JunitReport::new(&mut sink, fail_on);
                super::super::replay(&mut report, group).unwrap();
                let suites = std::mem::take(&mut report.suites);
                let expected = quick_junit_xml(&suites);
                assert_eq!(
                    String::from_utf8_lossy(&ours(&suites)),
                    String::from_utf8_lossy(&expected),
                    "{} --fail-on {fail_on:?}",
                    group[0].name
                );
                // What the report writes: the document and one newline.
                let mut sink = Vec::new();
                write(&mut sink, group, fail_on).unwrap();
                assert_eq!(sink, [&expected[..], b"\n"].concat());
                cases += suites.iter().map(|s| s.cases.len()).sum::<usize>();
                failing += suites.iter().map(Suite::failures).sum::<usize>();
            }
        }
        assert!(
            cases > 400 && failing > 100,
            "{cases} cases, {failing} failing"
        );
    }

    /// Strings that hostile SIP text (or an odd file name) could bring, in
    /// every place a string goes: quick-junit's result, byte for byte.
    #[test]
    fn hostile_strings_match_quick_junit() {
        let hostile = [
            "",
            "plain",
            "a & b < c > d ' e \" f",
            "]]> <![CDATA[ x ]]>",
            "&amp; &#0; &lt;",
            "tab\there cr\r\nlf\n",
            "nul\0 bell\u{7} vt\u{b} ff\u{c} us\u{1f} del\u{7f}",
            "c1 \u{80} \u{85} \u{9b}31m \u{9f} nbsp\u{a0} § ±",
            "ünïcödé → ☎ 😀 \u{202e}bidi \u{fffe} \u{ffff} \u{fdd0}",
            "\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7} \u{1b}P dcs \u{1b}\\ after",
            "esc at end \u{1b}",
            "\u{1b}[\n in csi \u{1b}(B \u{1b}ü \u{1b}[1;2\u{85}x",
            "\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\ \u{18}can \u{1a}sub",
        ];
        for (i, s) in hostile.iter().enumerate() {
            let s = s.to_string();
            let other = hostile[(i + 1) % hostile.len()].to_string();
            let suites = [
                Suite {
                    name: s.clone(),
                    cases: vec![
                        Case {
                            name: s.clone(),
                            classname: other.clone(),
                            failure: Some(Failure {
                                message: s.clone(),
                                ty: other.clone(),
                                description: s.clone(),
                            }),
                            system_out: Some(s.clone().into_bytes()),
                        },
                        Case {
                            name: other.clone(),
                            classname: s.clone(),
                            failure: None,
                            system_out: None,
                        },
                    ],
                    system_err: Some(s.clone()),
                },
                Suite {
                    name: other.clone(),
                    ..Suite::default()
                },
                Suite {
                    name: s.clone(),
                    cases: Vec::new(),
                    system_err: Some(other.clone()),
                },
            ];
            assert_eq!(
                String::from_utf8_lossy(&ours(&suites)),
                String::from_utf8_lossy(&quick_junit_xml(&suites)),
                "{s:?}"
            );
        }
        // Long strings: special bytes on both sides of the 32-byte blocks.
        for at in 0..70 {
            for special in ["&", "\"", "\u{85}", "§", "\t", "\u{1b}[1m"] {
                let mut s = "x".repeat(at);
                s.push_str(special);
                s.push_str(&"y".repeat(70 - at));
                let suites = [Suite {
                    name: s.clone(),
                    cases: Vec::new(),
                    system_err: Some(s.clone()),
                }];
                assert_eq!(ours(&suites), quick_junit_xml(&suites), "{s:?}");
            }
        }
        assert_eq!(ours(&[]), quick_junit_xml(&[]));
    }

    /// `case_name` escapes its pieces one by one: the same text as escaping
    /// the formatted name, since `escape` works character by character.
    #[test]
    fn escaping_pieces_is_escaping_the_whole() {
        let pieces = [
            "cid@host",
            "sip:a@b",
            "",
            "\u{1b}[2J",
            "ünï\r\n",
            "\u{85}\u{202e}x",
            "?",
        ];
        for a in pieces {
            for b in pieces {
                let whole = super::super::escape(&format!("{a}: {b} → {a}")).into_owned();
                let parts = [
                    super::super::escape(a),
                    Cow::Borrowed(": "),
                    super::super::escape(b),
                    Cow::Borrowed(" → "),
                    super::super::escape(a),
                ]
                .concat();
                assert_eq!(parts, whole, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn xml_text_is_cleaned_and_escaped() {
        let text = |s: &str| {
            let mut out = Vec::new();
            push_xml_text(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text("a&b<c>d'e\"f"), "a&amp;b&lt;c&gt;d&apos;e&quot;f");
        assert_eq!(text("]]>"), "]]&gt;");
        assert_eq!(text("tab\tcr\r\nnul\0del\u{7f}"), "tabcr\nnuldel\u{7f}");
        assert_eq!(text("c1\u{85}\u{9f}§\u{a0}"), "c1§\u{a0}");
        assert_eq!(text("\u{1b}[1;31mred\u{1b}[0m → ok"), "red → ok");
        assert_eq!(text("ünïcödé ☎"), "ünïcödé ☎");
        assert!(matches!(clean("call 1 § 3 → ü\n"), Cow::Borrowed(_)));
        assert!(!needs_cleaning("§ ± \n ü".as_bytes()));
        assert!(needs_cleaning("x\u{85}".as_bytes()));
        assert!(needs_cleaning(
            &[b'x'; 40]
                .iter()
                .copied()
                .chain([0xc2, 0x80])
                .collect::<Vec<_>>()
        ));
        // 0xC2 at the end of a 32-byte block, its second byte in the next.
        let mut s = "x".repeat(31);
        s.push('\u{9b}');
        assert!(needs_cleaning(s.as_bytes()));
    }

    /// Every wire value in a call's text goes through `report::escape`, so
    /// the system-out of a call never takes the ANSI parser: checked on
    /// every fixture (the crafted and broken ones included).
    #[test]
    fn fixture_system_out_needs_no_cleaning() {
        for p in crate::test_fixtures::captures() {
            let Ok(mut source) = FileSource::open(&p) else {
                continue;
            };
            let input = crate::analysis::analyze(p.display().to_string(), &mut source);
            let mut sink = Vec::new();
            let mut report = JunitReport::new(&mut sink, Some(Severity::Info));
            super::super::replay(&mut report, std::slice::from_ref(&input)).unwrap();
            for case in report.suites.iter().flat_map(|s| &s.cases) {
                let out = case.system_out.as_deref().unwrap_or_default();
                let desc = case.failure.as_ref().map_or("", |f| &f.description);
                // Written as it is (`push_xml_bytes`): UTF-8 by construction.
                assert!(std::str::from_utf8(out).is_ok(), "{}", p.display());
                assert!(!needs_cleaning(out), "{}: {out:?}", p.display());
                assert!(
                    !needs_cleaning(desc.as_bytes()),
                    "{}: {desc:?}",
                    p.display()
                );
                assert!(!needs_cleaning(case.name.as_bytes()), "{}", p.display());
            }
        }
    }
}
