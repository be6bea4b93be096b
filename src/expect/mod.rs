//! Expectations about a recorded call flow (`--expect FILE`), checked against
//! an analysed capture. Each unmet expectation becomes an `SD9000` diagnostic
//! with evidence, so it is reported and counted like any other finding.
//!
//! The file is TOML:
//!
//! ```toml
//! calls = 2                  # how many calls the capture must hold
//! no_codes = [503]           # response codes that must not appear in any call
//!
//! [[call]]                   # one table per call to check
//! index = 1                  # select by order (1-based) ...
//! call_id = "abc@host"       # ... or by Call-ID ...
//! from_user = "alice"        # ... or by the user part of From / To
//! to_user = "bob"
//! final = 200                # the final status code behind the call's outcome
//! outcome = "answered"       # answered, rejected, cancelled, unanswered, ...
//! methods = ["PRACK"]        # methods that must appear in the call
//! no_methods = ["UPDATE"]    # methods that must not appear
//! no_codes = [420, 422]      # response codes that must not appear
//! max_pdd_ms = 3000          # longest post-dial delay (INVITE to first 18x)
//! ```
//!
//! A selector may combine fields; all must match. Without any selector a
//! `[[call]]` table selects the call at its own position in the file.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::analysis::InputAnalysis;
use crate::capture::FrameNo;
use crate::correlate::Call;
use crate::rules::{Diagnostic, Evidence, Severity, expectation};

/// An expectations file, as written.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    pub calls: Option<usize>,
    #[serde(default)]
    pub no_codes: Vec<u16>,
    #[serde(default, rename = "call")]
    pub call: Vec<CallExpectation>,
}

/// What one call must show.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CallExpectation {
    pub index: Option<usize>,
    pub call_id: Option<String>,
    pub from_user: Option<String>,
    pub to_user: Option<String>,
    #[serde(rename = "final")]
    pub final_status: Option<u16>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub no_methods: Vec<String>,
    #[serde(default)]
    pub no_codes: Vec<u16>,
    pub max_pdd_ms: Option<u64>,
}

/// A settings file (expectations, `sipdiag.toml`) that cannot be used: one
/// line, with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for FileError {}

const OUTCOMES: &[&str] = &crate::correlate::Outcome::NAMES;

impl Expectations {
    /// Reads and validates an expectations file.
    pub fn load(path: &Path) -> Result<Expectations, FileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            path: name.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the expectations file: {e}"),
        })?;
        Expectations::parse(&name, &text)
    }

    /// Parses and validates expectations; `name` is used in errors.
    pub fn parse(name: &str, text: &str) -> Result<Expectations, FileError> {
        let at = |offset: usize, message: String| {
            let (line, column) = line_column(text, offset);
            FileError {
                path: name.to_string(),
                line,
                column,
                message,
            }
        };
        let parsed: Expectations = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(offset, one_line(e.message()))
        })?;
        for (i, call) in parsed.call.iter().enumerate() {
            let locate = || find_table(text, i);
            if let Some(outcome) = &call.outcome {
                if !OUTCOMES.contains(&outcome.as_str()) {
                    return Err(at(
                        locate(),
                        format!(
                            "unknown outcome '{}', expected one of: {}",
                            outcome.escape_debug(),
                            OUTCOMES.join(", ")
                        ),
                    ));
                }
            }
            if call.index == Some(0) {
                return Err(at(locate(), "index counts from 1".to_string()));
            }
            for code in call
                .final_status
                .iter()
                .chain(&call.no_codes)
                .chain(&parsed.no_codes)
            {
                if !(100..=699).contains(code) {
                    return Err(at(
                        locate(),
                        format!("{code} is not a SIP status code (100-699)"),
                    ));
                }
            }
        }
        Ok(parsed)
    }

    /// A checker that is shown the calls one by one, as the analysis
    /// releases them, and keeps only what the expectations need.
    pub fn checker(&self) -> Checker<'_> {
        Checker {
            expectations: self,
            calls: 0,
            call_notes: Vec::new(),
            found: Vec::new(),
            per_call: self.call.iter().map(|_| (0, Vec::new())).collect(),
        }
    }

    /// Checks every call of an analysed capture at once.
    pub fn check(&self, input: &InputAnalysis) -> Vec<Diagnostic> {
        let mut checker = self.checker();
        for call in input.calls() {
            checker.observe(call);
        }
        checker.finish()
    }
}

/// Most calls listed as evidence when the number of calls is wrong.
const MAX_CALL_NOTES: usize = 100;

/// Checks expectations on calls as they come (see [`Expectations::checker`]).
pub struct Checker<'a> {
    expectations: &'a Expectations,
    calls: usize,
    call_notes: Vec<(FrameNo, String)>,
    /// Unmet expectations about single calls, in the order found.
    found: Vec<Diagnostic>,
    /// Per `[[call]]` table: how many calls it selected, and the unmet
    /// expectations of the (first) call it selected.
    per_call: Vec<(usize, Vec<Diagnostic>)>,
}

impl Checker<'_> {
    /// Looks at the next call, numbered in the order calls are shown (1-based).
    pub fn observe(&mut self, call: &Call) {
        self.calls += 1;
        let index = self.calls - 1;
        if self.call_notes.len() < MAX_CALL_NOTES {
            if let Some(first) = call.records.first() {
                self.call_notes
                    .push((first.frame, format!("call {}", call.call_id)));
            }
        }
        check_codes(call, &self.expectations.no_codes, "", &mut self.found);
        for (position, expected) in self.expectations.call.iter().enumerate() {
            if !expected.selects(position, index, call) {
                continue;
            }
            if let Some((matches, unmet)) = self.per_call.get_mut(position) {
                *matches += 1;
                if *matches == 1 {
                    expected.check_call(call, unmet);
                }
            }
        }
    }

    /// The unmet expectations, once every call was observed.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(n) = self.expectations.calls {
            if self.calls != n {
                let mut d = failure(
                    "",
                    FrameNo(0),
                    format!("expected {n} calls, the capture holds {}", self.calls),
                );
                for (frame, note) in self.call_notes {
                    d.evidence.push(Evidence::note(frame, note));
                }
                out.push(d);
            }
        }
        out.extend(self.found);
        for (position, (matches, unmet)) in self.per_call.into_iter().enumerate() {
            let Some(expected) = self.expectations.call.get(position) else {
                continue;
            };
            match matches {
                0 => out.push(failure(
                    "",
                    FrameNo(0),
                    format!("no call matches {}", expected.selector(position)),
                )),
                1 => out.extend(unmet),
                many => out.push(failure(
                    "",
                    FrameNo(0),
                    format!(
                        "{many} calls match {}: add call_id, from_user or to_user to pick one",
                        expected.selector(position)
                    ),
                )),
            }
        }
        out
    }
}

impl CallExpectation {
    fn has_selector(&self) -> bool {
        self.index.is_some()
            || self.call_id.is_some()
            || self.from_user.is_some()
            || self.to_user.is_some()
    }

    fn selects(&self, position: usize, index: usize, call: &Call) -> bool {
        let wanted_index = self
            .index
            .or((!self.has_selector()).then_some(position + 1));
        wanted_index.is_none_or(|i| i == index + 1)
            && self.call_id.as_ref().is_none_or(|id| *id == call.call_id)
            && self.from_user.as_ref().is_none_or(|u| {
                call.from()
                    .is_some_and(|a| user_of(&a.uri) == Some(u.as_str()))
            })
            && self.to_user.as_ref().is_none_or(|u| {
                call.to()
                    .is_some_and(|a| user_of(&a.uri) == Some(u.as_str()))
            })
    }

    fn selector(&self, position: usize) -> String {
        let mut parts = Vec::new();
        if let Some(i) = self
            .index
            .or((!self.has_selector()).then_some(position + 1))
        {
            parts.push(format!("index {i}"));
        }
        if let Some(id) = &self.call_id {
            parts.push(format!("Call-ID {id}"));
        }
        if let Some(u) = &self.from_user {
            parts.push(format!("from user {u}"));
        }
        if let Some(u) = &self.to_user {
            parts.push(format!("to user {u}"));
        }
        format!("[[call]] #{} ({})", position + 1, parts.join(", "))
    }

    fn check_call(&self, call: &Call, out: &mut Vec<Diagnostic>) {
        let outcome = call.outcome();
        let last_frame = call.records.last().map_or(FrameNo(0), |r| r.frame);
        let final_frame = outcome
            .status()
            .and_then(|s| call.records.iter().find(|r| r.status() == Some(s)))
            .map_or(last_frame, |r| r.frame);
        if let Some(want) = self.final_status {
            if outcome.status().map(|s| s.0) != Some(want) {
                let got = match outcome.status() {
                    Some(s) => format!("ended with {}", s.0),
                    None => format!("ended without a final status ({})", outcome.as_str()),
                };
                let mut d = failure(
                    &call.call_id,
                    final_frame,
                    format!("call {} {got}, expected {want}", call.call_id),
                );
                if let Some(r) = call.records.iter().find(|r| r.frame == final_frame) {
                    d.evidence.push(Evidence::start_line(r));
                }
                out.push(d);
            }
        }
        if let Some(want) = &self.outcome {
            if outcome.as_str() != want {
                out.push(failure(
                    &call.call_id,
                    final_frame,
                    format!(
                        "call {} is {}, expected {want}",
                        call.call_id,
                        outcome.as_str()
                    ),
                ));
            }
        }
        for method in &self.methods {
            if !call
                .records
                .iter()
                .any(|r| r.msg.method().is_some_and(|m| m.as_str() == method))
            {
                out.push(failure(
                    &call.call_id,
                    last_frame,
                    format!("call {} has no {method} request", call.call_id),
                ));
            }
        }
        for method in &self.no_methods {
            if let Some(r) = call
                .records
                .iter()
                .find(|r| r.msg.method().is_some_and(|m| m.as_str() == method))
            {
                let mut d = failure(
                    &call.call_id,
                    r.frame,
                    format!("call {} has a {method} request", call.call_id),
                );
                d.evidence.push(Evidence::start_line(r));
                out.push(d);
            }
        }
        if let Some(max) = self.max_pdd_ms {
            match call.post_dial_delay() {
                Some(pdd) if pdd.as_millis() > u128::from(max) => out.push(failure(
                    &call.call_id,
                    call.records.first().map_or(last_frame, |r| r.frame),
                    format!(
                        "call {} has a post-dial delay of {} ms, more than {max} ms",
                        call.call_id,
                        pdd.as_millis()
                    ),
                )),
                Some(_) => {}
                None => out.push(failure(
                    &call.call_id,
                    last_frame,
                    format!(
                        "call {} has no answer to an INVITE to measure the post-dial delay from",
                        call.call_id
                    ),
                )),
            }
        }
        check_codes(call, &self.no_codes, &call.call_id, out);
    }
}

/// Responses with a forbidden code: one finding per code, quoting every frame.
fn check_codes(call: &Call, codes: &[u16], call_id: &str, out: &mut Vec<Diagnostic>) {
    for code in codes {
        let hits: Vec<_> = call
            .records
            .iter()
            .filter(|r| !r.retransmission && r.status().is_some_and(|s| s.0 == *code))
            .collect();
        if let Some(first) = hits.first() {
            let mut d = failure(
                &call.call_id,
                first.frame,
                format!("call {} has a {code} response", call.call_id),
            );
            if call_id.is_empty() {
                d.call_id = call.call_id.clone();
            }
            d.status = first.status();
            d.src = Some(first.src);
            d.dst = Some(first.dst);
            d.evidence
                .extend(hits.iter().map(|r| Evidence::start_line(r)));
            out.push(d);
        }
    }
}

fn failure(call_id: &str, frame: FrameNo, message: String) -> Diagnostic {
    Diagnostic {
        rule: &expectation::RULE,
        severity: Severity::Error,
        call_id: call_id.to_string(),
        frame,
        src: None,
        dst: None,
        status: None,
        message,
        why: "the expectations file states what this recorded flow must show".into(),
        fix: Some(
            "fix the regression in the system under test, or update the expectations if the flow changed on purpose".into(),
        ),
        evidence: Vec::new(),
    }
}

/// The user part of a SIP or tel URI: `sip:alice@host` → `alice`.
fn user_of(uri: &str) -> Option<&str> {
    let rest = uri.split_once(':').map_or(uri, |(_, r)| r);
    let user = rest
        .split_once('@')
        .map_or(if uri.starts_with("tel:") { rest } else { "" }, |(u, _)| u);
    let user = user.split(';').next().unwrap_or("");
    (!user.is_empty()).then_some(user)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Byte offset of the `i`-th `[[call]]` table, for error positions.
fn find_table(text: &str, i: usize) -> usize {
    text.match_indices("[[call]]").nth(i).map_or(0, |(o, _)| o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field() {
        let e = Expectations::parse(
            "e.toml",
            "calls = 2\nno_codes = [503]\n[[call]]\nindex = 1\nfinal = 200\noutcome = \"answered\"\nmethods = [\"PRACK\"]\nno_methods = [\"UPDATE\"]\nno_codes = [420]\nmax_pdd_ms = 3000\n[[call]]\nfrom_user = \"alice\"\n",
        )
        .unwrap();
        assert_eq!(e.calls, Some(2));
        assert_eq!(e.no_codes, vec![503]);
        assert_eq!(e.call.len(), 2);
        assert_eq!(e.call[0].final_status, Some(200));
        assert_eq!(e.call[0].methods, vec!["PRACK"]);
        assert_eq!(e.call[0].max_pdd_ms, Some(3000));
        assert_eq!(e.call[1].from_user.as_deref(), Some("alice"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = Expectations::parse("e.toml", "calls = 1\n[[call]]\nfinnal = 200\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("unknown field `finnal`"), "{err}");
        assert!(err.to_string().starts_with("e.toml:3:1: "));
        let err = Expectations::parse("e.toml", "calls = \"two\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 9));
        let err = Expectations::parse("e.toml", "[[call]]\nfinal = 999\n").unwrap_err();
        assert_eq!(err.message, "999 is not a SIP status code (100-699)");
        assert_eq!(err.line, 1);
        let err = Expectations::parse("e.toml", "calls = 1\n\n[[call]]\noutcome = \"won\"\n")
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.starts_with("unknown outcome 'won'"));
    }

    #[test]
    fn user_parts() {
        assert_eq!(user_of("sip:alice@example.com"), Some("alice"));
        assert_eq!(user_of("sips:bob;x=1@h"), Some("bob"));
        assert_eq!(user_of("tel:+15551234;phone-context=x"), Some("+15551234"));
        assert_eq!(user_of("sip:example.com"), None);
    }
}
