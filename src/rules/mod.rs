//! Rules: pure functions of a correlated call that emit diagnostics with evidence.
//!
//! Every rule has a stable id that is never reused (`SD0420`), a kebab-case
//! name (`bad-extension`), a default severity, a one-line summary and a long
//! explanation (what it checks, why it matters, an example, how to fix,
//! references) that `sipdiag explain <id>` prints. Rules read the knowledge
//! base for what a response code means; they never restate it.

mod bad_extension;
pub mod expectation;
mod failure_response;
mod method_not_allowed;
pub mod policy;
mod session_interval;
mod session_progress;

use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::capture::FrameNo;
use crate::correlate::{Call, Correlated, Record};
use crate::sip::{HeaderName, StatusCode};

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule looks at: one call, and the capture around it.
pub struct Scope<'a> {
    pub call: &'a Call,
    pub capture: &'a Correlated,
}

/// A registered rule.
pub struct Rule {
    /// Stable id, never reused: `SD` and four digits.
    pub id: &'static str,
    /// Kebab-case name, usable wherever the id is.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, lowercase, no final period.
    pub summary: &'static str,
    /// What it checks, why it matters, an example, how to fix, references.
    pub explanation: &'static str,
    pub check: fn(&Scope<'_>, &mut Vec<Diagnostic>),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rule({} {})", self.id, self.name)
    }
}

/// Every rule, in id order.
pub static RULES: &[Rule] = &[
    session_progress::RULE,
    bad_extension::RULE,
    session_interval::RULE,
    method_not_allowed::RULE,
    failure_response::RULE,
    expectation::RULE,
];

/// Finds a rule by id (case-insensitive) or name.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// A frame-numbered fact behind a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// A header (or the start line, as header `start-line`) exactly as captured.
    Header {
        frame: FrameNo,
        header: String,
        value: String,
    },
    /// A fact the rule derived, or what is missing.
    Note { frame: FrameNo, note: String },
}

impl Evidence {
    pub fn frame(&self) -> FrameNo {
        match self {
            Evidence::Header { frame, .. } | Evidence::Note { frame, .. } => *frame,
        }
    }

    /// The start line of a record.
    pub fn start_line(record: &Record) -> Evidence {
        Evidence::Header {
            frame: record.frame,
            header: START_LINE.to_string(),
            value: record.msg.start_line_text().into_owned(),
        }
    }

    /// Every instance of a header in a record, or nothing.
    pub fn headers(record: &Record, name: HeaderName) -> impl Iterator<Item = Evidence> + '_ {
        record
            .msg
            .header_all(name)
            .into_iter()
            .map(move |value| Evidence::Header {
                frame: record.frame,
                header: name.canonical().to_string(),
                value: value.into_owned(),
            })
    }

    pub fn note(frame: FrameNo, note: impl Into<String>) -> Evidence {
        Evidence::Note {
            frame,
            note: note.into(),
        }
    }
}

/// The header name evidence uses for a start line.
pub const START_LINE: &str = "start-line";

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub call_id: String,
    /// The frame the finding is about (usually the response).
    pub frame: FrameNo,
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    /// The status code when the finding is about a response.
    pub status: Option<StatusCode>,
    /// One line: what happened in this call.
    pub message: String,
    /// What the code or the condition means (from the knowledge base).
    pub why: String,
    /// The concrete change that fixes it, when there is one.
    pub fix: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl Diagnostic {
    /// A diagnostic about `record`, with the rule's default severity.
    fn about(rule: &'static Rule, scope: &Scope<'_>, record: &Record) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity,
            call_id: scope.call.call_id.clone(),
            frame: record.frame,
            src: Some(record.src),
            dst: Some(record.dst),
            status: record.status(),
            message: String::new(),
            why: String::new(),
            fix: None,
            evidence: Vec::new(),
        }
    }
}

/// Runs every rule over one call; results sorted by frame, then rule id.
pub fn check_call(call: &Call, capture: &Correlated) -> Vec<Diagnostic> {
    let scope = Scope { call, capture };
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(&scope, &mut out);
    }
    out.sort_by(|a, b| a.frame.cmp(&b.frame).then(a.rule.id.cmp(b.rule.id)));
    out
}

/// Responses of a call with the given status, retransmissions skipped.
fn responses_with(call: &Call, code: u16) -> impl Iterator<Item = &Record> {
    call.records
        .iter()
        .filter(move |r| !r.retransmission && r.status().is_some_and(|s| s.0 == code))
}

/// What the knowledge base says a code means, in one paragraph.
fn meaning(code: StatusCode) -> String {
    match crate::kb::resolve(code.0) {
        Some(r) if r.exact => r.entry.meaning.to_string(),
        Some(r) => format!(
            "{} is not a registered code; it is handled as {} {}: {}",
            code.0, r.entry.code, r.entry.reason, r.entry.meaning
        ),
        None => format!("{} is outside the SIP status-code range", code.0),
    }
}

/// Formats tags as `` `a`, `b` ``.
fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Case-insensitive membership for option tags and methods.
fn contains_token<S: AsRef<str>>(list: &[S], token: &str) -> bool {
    list.iter().any(|t| t.as_ref().eq_ignore_ascii_case(token))
}

/// A later attempt of the same request (a retry after a failure), as captured.
struct Attempt<'a> {
    request: &'a Record,
    final_response: Option<&'a Record>,
}

/// The first retry of `record`'s transaction: the next transaction with the
/// same method and a higher CSeq, whose request was captured.
fn next_attempt<'a>(call: &'a Call, record: &Record) -> Option<Attempt<'a>> {
    call.later_attempts(record.tx).find_map(|(tx, _)| {
        Some(Attempt {
            request: call.request_of(tx)?,
            final_response: call.final_response(tx),
        })
    })
}

/// "SIP/2.0 200 OK (frame 9)".
fn describe(record: &Record) -> String {
    format!("{} (frame {})", record.msg.start_line_text(), record.frame)
}

/// The method a response answers: its request's, else its CSeq's.
fn answered_method(call: &Call, response: &Record) -> String {
    call.request_for(response)
        .and_then(|r| r.msg.method().map(|m| m.as_str().to_string()))
        .or_else(|| response.msg.cseq().map(|c| c.method.as_str().to_string()))
        .unwrap_or_else(|| "request".to_string())
}

/// Notes that the request of a response is missing from the capture.
fn request_missing(response: &Record) -> Evidence {
    Evidence::note(
        response.frame,
        "the request this response answers is not in the capture",
    )
}
