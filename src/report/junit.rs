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
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};

use super::{Report, text};
use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use crate::correlate::Call;
use crate::rules::{Diagnostic, Severity};

/// One test case as the XML carries it, its strings before XML cleaning and
/// escaping (see [`push_xml_text`]): a success when `failure` is `None`.
#[derive(Debug, Clone)]
struct Case<'a> {
    name: Cow<'a, str>,
    classname: Cow<'a, str>,
    failure: Option<Cow<'a, Failure>>,
    /// The call's text report: UTF-8 by construction (see [`push_xml_bytes`]).
    system_out: Option<Cow<'a, [u8]>>,
}

/// The `<failure>` of a test case.
#[derive(Debug, Clone)]
struct Failure {
    message: String,
    ty: String,
    description: String,
}

/// The JUnit report. The document opens with the totals, so nothing can be
/// written before the last capture ends. Meanwhile the calls' test cases
/// wait in a [`Spill`] (in memory up to [`SPILL_AT`] bytes, then in an
/// unnamed temporary file) and only their counts stay in memory: a capture
/// of any size is reported in bounded memory.
pub struct JunitReport<'w> {
    w: &'w mut dyn Write,
    fail_on: Option<Severity>,
    suites: Vec<SuiteIndex>,
    spill: Spill,
    /// The address pairs written so far, kept from call to call.
    texts: text::Texts,
}

/// What stays in memory of one capture's test suite.
#[derive(Debug, Default)]
struct SuiteIndex {
    name: String,
    /// Where its first call's record starts in the spill.
    first: u64,
    /// Its calls' test cases (records in the spill).
    calls: u64,
    /// How many of them fail.
    failing_calls: u64,
    /// Calls whose failure unmet expectations extended: the call's index
    /// in the suite (ascending) and the whole failure.
    extended: Vec<(u64, Failure)>,
    /// The `capture` and `expectations` test cases (failing ones only).
    extra: Vec<(&'static str, Failure)>,
    system_err: Option<String>,
}

impl SuiteIndex {
    fn tests(&self) -> u64 {
        self.calls + self.extra.len() as u64
    }

    fn failures(&self) -> u64 {
        self.failing_calls + self.extra.len() as u64
    }
}

impl<'w> JunitReport<'w> {
    pub fn new(w: &'w mut dyn Write, fail_on: Option<Severity>) -> JunitReport<'w> {
        JunitReport {
            w,
            fail_on,
            suites: Vec::new(),
            spill: Spill::default(),
            texts: text::Texts::new(),
        }
    }

    /// Adds the failing unmet `expectations` to the test cases they are
    /// about (the first call with the expectation's Call-ID) and returns
    /// those about no call. The suite's records are read back only when
    /// there is such an expectation.
    fn extend_with<'d>(
        &mut self,
        expectations: Vec<&'d Diagnostic>,
    ) -> io::Result<Vec<&'d Diagnostic>> {
        let Some(suite) = self.suites.last_mut() else {
            return Ok(expectations);
        };
        let mut pending = expectations;
        let mut records = self.spill.records(suite.first)?;
        for n in 0..suite.calls {
            if pending.is_empty() {
                break;
            }
            let record = records.next()?;
            let (this, rest): (Vec<&Diagnostic>, Vec<&Diagnostic>) = pending
                .into_iter()
                .partition(|d| d.call_id.as_bytes() == record.call_id);
            pending = rest;
            if this.is_empty() {
                continue;
            }
            suite.failing_calls += u64::from(record.failure.is_none());
            if let Some(failure) = failure_with(record.failure, &this, &mut self.texts) {
                suite.extended.push((n, failure));
            }
        }
        Ok(pending)
    }
}

impl CallSink for JunitReport<'_> {
    fn call(&mut self, _: &str, n: u64, call: &Call, diagnostics: &[Diagnostic]) -> io::Result<()> {
        // From and To read once, for the name and the ladder.
        let (from, to) = (call.from_uri(), call.to_uri());
        let parties = (from.as_deref(), to.as_deref());
        let failure = FailureParts::of(&failing(diagnostics, self.fail_on), &mut self.texts);
        // The record is written straight into the spill, the call's text
        // rendered in place.
        let out = self.spill.open_record();
        put(out, call.call_id.as_bytes());
        put(out, case_name(call, parties).as_bytes());
        match &failure {
            None => out.extend_from_slice(&0u64.to_le_bytes()),
            Some(f) => {
                out.extend_from_slice(&f.count.to_le_bytes());
                put(out, f.first_message.as_bytes());
                put(out, f.ty.as_bytes());
                put(out, &f.description);
            }
        }
        let text = open_field(out);
        text::render_call_block_with_parties(out, &mut self.texts, n, call, parties, diagnostics);
        close_field(out, text);
        self.spill.close_record()?;
        if let Some(suite) = self.suites.last_mut() {
            suite.calls += 1;
            suite.failing_calls += u64::from(failure.is_some());
        }
        Ok(())
    }
}

impl Report for JunitReport<'_> {
    fn begin(&mut self, _: &[String]) -> io::Result<()> {
        Ok(())
    }

    fn begin_input(&mut self, name: &str) -> io::Result<()> {
        self.suites.push(SuiteIndex {
            name: name.to_owned(),
            first: self.spill.len(),
            ..SuiteIndex::default()
        });
        Ok(())
    }

    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()> {
        let fail_on = self.fail_on;
        let (capture, expectations) = (
            failing(&summary.capture_diagnostics, fail_on),
            failing(&summary.expectations, fail_on),
        );
        let orphans = self.extend_with(expectations)?;
        let mut extra = Vec::new();
        for (name, failures) in [("capture", capture), ("expectations", orphans)] {
            if let Some(failure) = failure_with(None, &failures, &mut self.texts) {
                extra.push((name, failure));
            }
        }
        if let Some(suite) = self.suites.last_mut() {
            // The summary names the suite (as `begin_input` did).
            suite.name.clone_from(&summary.name);
            suite.extra = extra;
            suite.system_err = summary
                .read_error
                .as_ref()
                .map(|e| format!("capture incomplete: {}", super::escape(e)));
        }
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        let mut out = Vec::with_capacity(2 * WRITE_AT);
        let tests = self.suites.iter().map(SuiteIndex::tests).sum();
        let failures = self.suites.iter().map(SuiteIndex::failures).sum();
        write_head(&mut out, tests, failures);
        for suite in &self.suites {
            let empty = suite.tests() == 0 && suite.system_err.is_none();
            write_suite_open(
                &mut out,
                &suite.name,
                suite.tests(),
                suite.failures(),
                empty,
            );
            if empty {
                continue;
            }
            for_each_case(&mut self.spill, suite, |case| {
                write_case(&mut out, case);
                if out.len() >= WRITE_AT {
                    self.w.write_all(&out)?;
                    out.clear();
                }
                Ok(())
            })?;
            write_suite_close(&mut out, suite.system_err.as_deref());
        }
        out.extend_from_slice(b"\n</testsuites>\n\n");
        self.w.write_all(&out)
    }
}

/// The findings at or above `fail_on`.
fn failing(diagnostics: &[Diagnostic], fail_on: Option<Severity>) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| fail_on.is_some_and(|t| d.severity >= t))
        .collect()
}

/// Calls `f` with every test case of `suite`, in order: the calls' (read
/// back from the spill), then the `capture` and `expectations` ones.
fn for_each_case(
    spill: &mut Spill,
    suite: &SuiteIndex,
    mut f: impl FnMut(&Case<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut extended = suite.extended.iter().peekable();
    let mut records = spill.records(suite.first)?;
    for n in 0..suite.calls {
        let record = records.next()?;
        let failure = match extended.next_if(|(at, _)| *at == n) {
            Some((_, failure)) => Some(Cow::Borrowed(failure)),
            None => record.failure.map(|f| Cow::Owned(f.into_failure())),
        };
        f(&Case {
            name: Cow::Borrowed(record.name),
            classname: Cow::Borrowed(&suite.name),
            failure,
            system_out: Some(Cow::Borrowed(record.system_out)),
        })?;
    }
    for (name, failure) in &suite.extra {
        f(&Case {
            name: Cow::Borrowed(name),
            classname: Cow::Borrowed(&suite.name),
            failure: Some(Cow::Borrowed(failure)),
            system_out: None,
        })?;
    }
    Ok(())
}

/// The document is written in pieces of about this size.
const WRITE_AT: usize = 1 << 16;

/// Writes one JUnit report for analysed captures (calls already collected).
pub fn write(
    w: &mut dyn Write,
    inputs: &[InputAnalysis],
    fail_on: Option<Severity>,
) -> io::Result<()> {
    super::replay(&mut JunitReport::new(w, fail_on), inputs)
}

/// The calls' test cases, as records one after the other: in memory until
/// they reach [`SPILL_AT`] bytes, then appended to an unnamed temporary file
/// (`tempfile`: in `$TMPDIR`, gone once closed).
///
/// A record is its length (u64, little-endian) and its fields, each a
/// length and bytes: the Call-ID, the test case's name, the failure (the
/// count of findings, 0 for none, then the first one's message, the rule
/// ids and the findings' text), and the call's text.
#[derive(Debug)]
struct Spill {
    file: Option<File>,
    on_disk: u64,
    memory: Vec<u8>,
    /// Where the record being written starts in `memory`.
    open: usize,
    /// [`SPILL_AT`] (smaller in tests, to write the file).
    limit: usize,
}

impl Default for Spill {
    fn default() -> Spill {
        Spill {
            file: None,
            on_disk: 0,
            memory: Vec::new(),
            open: 0,
            limit: SPILL_AT,
        }
    }
}

/// Bytes of records kept in memory before they go to the temporary file.
const SPILL_AT: usize = 4 << 20;

impl Spill {
    fn len(&self) -> u64 {
        self.on_disk + self.memory.len() as u64
    }

    /// Starts a record: its fields are appended to the buffer returned.
    fn open_record(&mut self) -> &mut Vec<u8> {
        self.open = open_field(&mut self.memory);
        &mut self.memory
    }

    /// Ends the record [`Spill::open_record`] started; moves the records
    /// to the temporary file when there are [`SPILL_AT`] bytes of them.
    fn close_record(&mut self) -> io::Result<()> {
        close_field(&mut self.memory, self.open);
        if self.memory.len() < self.limit {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile().map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot create a temporary file for the JUnit report: {e}"),
                )
            })?),
        };
        // Reading back moves the position: records go to the end.
        file.seek(SeekFrom::End(0))?;
        file.write_all(&self.memory)?;
        self.on_disk += self.memory.len() as u64;
        self.memory.clear();
        Ok(())
    }

    /// The records from byte `from` on.
    fn records(&mut self, from: u64) -> io::Result<Records<'_>> {
        let len = self.len();
        let on_disk: Box<dyn Read + '_> = match &mut self.file {
            Some(file) if from < self.on_disk => {
                file.seek(SeekFrom::Start(from))?;
                Box::new(BufReader::with_capacity(WRITE_AT, file).take(self.on_disk - from))
            }
            _ => Box::new(io::empty()),
        };
        let skip = usize::try_from(from.saturating_sub(self.on_disk)).unwrap_or(usize::MAX);
        Ok(Records {
            from: on_disk.chain(self.memory.get(skip..).unwrap_or_default()),
            record: Vec::new(),
            len,
        })
    }
}

/// Reads records back from a [`Spill`], one at a time into one buffer.
struct Records<'s> {
    from: io::Chain<Box<dyn Read + 's>, &'s [u8]>,
    record: Vec<u8>,
    /// The spill's length: no record is longer.
    len: u64,
}

/// A record read back (see [`Spill`]).
struct Record<'r> {
    call_id: &'r [u8],
    /// Escaped (see [`case_name`]).
    name: &'r str,
    failure: Option<FailureParts>,
    system_out: &'r [u8],
}

impl Records<'_> {
    fn next(&mut self) -> io::Result<Record<'_>> {
        let len = take_u64(&mut self.from)?;
        if len > self.len {
            return Err(spill_damaged());
        }
        self.record.resize(len as usize, 0);
        self.from.read_exact(&mut self.record)?;
        let mut rest = &self.record[..];
        let call_id = field(&mut rest)?;
        let name = text_field(&mut rest)?;
        let failure = match take_u64(&mut rest)? {
            0 => None,
            count => Some(FailureParts {
                count,
                first_message: text_field(&mut rest)?.to_owned(),
                ty: text_field(&mut rest)?.to_owned(),
                description: field(&mut rest)?.to_vec(),
            }),
        };
        Ok(Record {
            call_id,
            name,
            failure,
            system_out: field(&mut rest)?,
        })
    }
}

fn spill_damaged() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "the JUnit report's temporary file does not read back as written",
    )
}

/// Appends `bytes` as a field: their length, then them.
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Starts a field whose bytes are appended next: returns where its length
/// goes ([`close_field`] writes it).
fn open_field(out: &mut Vec<u8>) -> usize {
    out.extend_from_slice(&[0; 8]);
    out.len() - 8
}

fn close_field(out: &mut [u8], at: usize) {
    let len = out.len().saturating_sub(at + 8) as u64;
    if let Some(slot) = out.get_mut(at..at + 8) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
}

fn take_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut n = [0; 8];
    r.read_exact(&mut n)?;
    Ok(u64::from_le_bytes(n))
}

/// The next field of a record.
fn field<'r>(rest: &mut &'r [u8]) -> io::Result<&'r [u8]> {
    let len = usize::try_from(take_u64(rest)?).map_err(|_| spill_damaged())?;
    let (bytes, after) = rest.split_at_checked(len).ok_or_else(spill_damaged)?;
    *rest = after;
    Ok(bytes)
}

fn text_field<'r>(rest: &mut &'r [u8]) -> io::Result<&'r str> {
    std::str::from_utf8(field(rest)?).map_err(|_| spill_damaged())
}

/// A test case's failure before its message is escaped: what a case's own
/// failing findings give, to which unmet expectations may add more.
#[derive(Debug)]
struct FailureParts {
    /// How many findings the failure names (never 0).
    count: u64,
    first_message: String,
    /// The rule ids, consecutive repeats dropped, joined by spaces.
    ty: String,
    /// The findings' text renderings, separated by newlines.
    description: Vec<u8>,
}

impl FailureParts {
    /// The parts of `failures` (none when it is empty).
    fn of(failures: &[&Diagnostic], texts: &mut text::Texts) -> Option<FailureParts> {
        let first = failures.first()?;
        let mut parts = FailureParts {
            count: 0,
            first_message: first.message.clone(),
            ty: String::new(),
            description: Vec::new(),
        };
        parts.extend(failures, texts);
        Some(parts)
    }

    /// Adds `failures` after the ones already named.
    fn extend(&mut self, failures: &[&Diagnostic], texts: &mut text::Texts) {
        for d in failures {
            if self.count > 0 {
                self.description.push(b'\n');
            }
            text::render_diagnostic_with(&mut self.description, texts, d);
            if self.count == 0 || self.ty.rsplit(' ').next() != Some(d.rule.id) {
                if self.count > 0 {
                    self.ty.push(' ');
                }
                self.ty.push_str(d.rule.id);
            }
            self.count += 1;
        }
    }

    fn into_failure(self) -> Failure {
        let message = if self.count == 1 {
            self.first_message
        } else {
            format!("{} (and {} more)", self.first_message, self.count - 1)
        };
        Failure {
            message: super::escape(&message).into_owned(),
            ty: self.ty,
            description: utf8_lossy(self.description),
        }
    }
}

/// The failure of `parts` extended with `more`: none when both are empty.
fn failure_with(
    parts: Option<FailureParts>,
    more: &[&Diagnostic],
    texts: &mut text::Texts,
) -> Option<Failure> {
    let parts = match parts {
        Some(mut parts) => {
            parts.extend(more, texts);
            parts
        }
        None => FailureParts::of(more, texts)?,
    };
    Some(parts.into_failure())
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

/// The XML declaration and the opening `<testsuites>` with the totals.
fn write_head(out: &mut Vec<u8>, tests: u64, failures: u64) {
    out.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sipdiag\"",
    );
    push_count(out, "tests", tests);
    push_count(out, "skipped", 0);
    push_count(out, "failures", failures);
    push_count(out, "errors", 0);
    out.push(b'>');
}

/// The opening `<testsuite>`; a suite without children (`empty`) is one
/// empty element.
fn write_suite_open(out: &mut Vec<u8>, name: &str, tests: u64, failures: u64, empty: bool) {
    out.extend_from_slice(b"\n    <testsuite");
    push_attribute(out, "name", name);
    push_count(out, "tests", tests);
    push_count(out, "skipped", 0);
    push_count(out, "errors", 0);
    push_count(out, "failures", failures);
    out.extend_from_slice(if empty { b"/>" } else { b">" });
}

fn write_suite_close(out: &mut Vec<u8>, system_err: Option<&str>) {
    if let Some(err) = system_err {
        push_element(out, b"\n        <system-err>", err, b"</system-err>");
    }
    out.extend_from_slice(b"\n    </testsuite>");
}

fn write_case(out: &mut Vec<u8>, case: &Case<'_>) {
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

fn push_count(out: &mut Vec<u8>, key: &str, n: u64) {
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
                let mut tc = TestCase::new(c.name.as_ref(), status);
                tc.set_classname(c.classname.as_ref());
                if let Some(out) = &c.system_out {
                    tc.set_system_out_lossy(out.as_ref());
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

    /// The document written from `suites` by the pieces the report uses.
    fn ours(suites: &[Suite]) -> Vec<u8> {
        let mut out = Vec::new();
        let tests = suites.iter().map(|s| s.cases.len() as u64).sum();
        write_head(&mut out, tests, suites.iter().map(Suite::failures).sum());
        for suite in suites {
            let empty = suite.cases.is_empty() && suite.system_err.is_none();
            let failures = suite.failures();
            write_suite_open(
                &mut out,
                &suite.name,
                suite.cases.len() as u64,
                failures,
                empty,
            );
            if !empty {
                suite
                    .cases
                    .iter()
                    .for_each(|case| write_case(&mut out, case));
                write_suite_close(&mut out, suite.system_err.as_deref());
            }
        }
        out.extend_from_slice(b"\n</testsuites>\n");
        out
    }

    /// One test suite as the XML carries it, for the differential tests.
    #[derive(Debug, Default)]
    struct Suite {
        name: String,
        cases: Vec<Case<'static>>,
        system_err: Option<String>,
    }

    impl Suite {
        fn failures(&self) -> u64 {
            self.cases.iter().filter(|c| c.failure.is_some()).count() as u64
        }
    }

    /// The suites the report holds, its calls' test cases read back.
    fn suites(report: &mut JunitReport<'_>) -> Vec<Suite> {
        let mut suites = Vec::new();
        for index in &report.suites {
            let mut cases = Vec::new();
            for_each_case(&mut report.spill, index, |case| {
                cases.push(Case {
                    name: Cow::Owned(case.name.to_string()),
                    classname: Cow::Owned(case.classname.to_string()),
                    failure: case.failure.clone().map(|f| Cow::Owned(f.into_owned())),
                    system_out: case.system_out.clone().map(|o| Cow::Owned(o.into_owned())),
                });
                Ok(())
            })
            .unwrap();
            suites.push(Suite {
                name: index.name.clone(),
                cases,
                system_err: index.system_err.clone(),
            });
        }
        suites
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
                let suites = suites(&mut report);
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
                failing += suites.iter().map(Suite::failures).sum::<u64>();
            }
        }
        assert!(
            cases > 400 && failing > 100,
            "{cases} cases, {failing} failing"
        );
    }

    /// Records moved to the temporary file read back as they were kept in
    /// memory: every fixture, each with an unmet expectation about one of
    /// its calls and one about none, spilled after every record and never.
    #[test]
    fn spilled_records_read_back_as_kept() {
        let mut inputs = crate::test_fixtures::analyses();
        let mut with_expectations = 0;
        for input in &mut inputs {
            let Some(about_call) = input.diagnostics.iter().flatten().next().cloned() else {
                continue;
            };
            let mut about_none = about_call.clone();
            about_none.call_id = "no such call".to_owned();
            input.summary.expectations.extend([about_call, about_none]);
            with_expectations += 1;
        }
        assert!(with_expectations > 40, "{with_expectations}");
        for fail_on in [None, Some(Severity::Info), Some(Severity::Error)] {
            let mut kept = Vec::new();
            write(&mut kept, &inputs, fail_on).unwrap();
            let mut spilled = Vec::new();
            let mut report = JunitReport::new(&mut spilled, fail_on);
            report.spill.limit = 1;
            super::super::replay(&mut report, &inputs).unwrap();
            assert!(report.spill.file.is_some() && report.spill.memory.is_empty());
            assert_eq!(report.spill.on_disk, report.spill.len());
            drop(report);
            assert_eq!(
                String::from_utf8(spilled).unwrap(),
                String::from_utf8(kept.clone()).unwrap()
            );
            // Every finding is at least info: each capture given expectations
            // has the case of the one about no call.
            let orphan_cases = String::from_utf8(kept)
                .unwrap()
                .matches("<testcase name=\"expectations\"")
                .count();
            match fail_on {
                None => assert_eq!(orphan_cases, 0),
                Some(Severity::Info) => assert_eq!(orphan_cases, with_expectations),
                Some(_) => {}
            }
        }
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
                            name: Cow::Owned(s.clone()),
                            classname: Cow::Owned(other.clone()),
                            failure: Some(Cow::Owned(Failure {
                                message: s.clone(),
                                ty: other.clone(),
                                description: s.clone(),
                            })),
                            system_out: Some(Cow::Owned(s.clone().into_bytes())),
                        },
                        Case {
                            name: Cow::Owned(other.clone()),
                            classname: Cow::Owned(s.clone()),
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
            for case in suites(&mut report).iter().flat_map(|s| &s.cases) {
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
