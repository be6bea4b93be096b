//! Rules: pure functions of a correlated call that emit diagnostics with evidence.
//!
//! Every rule has a stable id that is never reused (`SD0420`), a kebab-case
//! name (`bad-extension`), a default severity, a one-line summary and a long
//! explanation (what it checks, why it matters, an example, how to fix,
//! references) that `sipdiag explain <id>` prints. Rules read the knowledge
//! base for what a response code means; they never restate it.

mod ack_missing;
mod allow_missing;
mod answer_codecs;
mod authentication;
mod bad_extension;
mod callee_unavailable;
mod capture_events;
mod capture_quality;
mod cseq_mismatch;
pub mod expectation;
mod failure_response;
mod interval_too_brief;
mod loop_detected;
mod malformed;
mod media_flow;
mod media_not_acceptable;
mod method_not_allowed;
mod min_se_missing;
mod no_final_response;
mod no_such_transaction;
pub mod policy;
pub mod q850;
mod redirection;
mod request_pending;
mod request_timeout;
mod session_interval;
mod session_progress;
mod unsupported_media_type;
mod unsupported_missing;

use crate::decimal::push_decimal;
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use crate::capture::FrameNo;
use crate::correlate::{Call, Correlated, Record};
use crate::sip::{Format, HeaderName, Media, StatusCode};

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
    pub check: Check,
}

/// What a rule looks at.
#[derive(Clone, Copy)]
pub enum Check {
    /// One call at a time, when it is finished.
    Call(fn(&Scope<'_>, &mut Vec<Diagnostic>)),
    /// One finished call, only when it holds a response with a status of 300
    /// or more (a redirect or a failure): the rules about such responses.
    /// Most calls have none, and skip these rules after one look at their
    /// status codes.
    Failure(fn(&Scope<'_>, &mut Vec<Diagnostic>)),
    /// The capture as a whole, at its end (what it lacks or hides).
    Capture(fn(&CaptureScope<'_>, &mut Vec<Diagnostic>)),
    /// Raised by another stage (expectations, `--expect`).
    External,
}

/// What a capture-wide rule looks at.
pub struct CaptureScope<'a> {
    pub events: &'a [crate::reassembly::ReassemblyEvent],
    /// Calls released before they finished because the call table was full.
    pub calls_released_early: u64,
    /// The size of that table (`--max-open-calls`).
    pub max_open_calls: usize,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rule({} {})", self.id, self.name)
    }
}

/// Every rule, in id order.
pub static RULES: &[Rule] = &[
    session_progress::RULE,
    media_flow::ANSWER_CHANGED,
    redirection::RULE,
    authentication::RULE,
    request_timeout::RULE,
    unsupported_media_type::RULE,
    bad_extension::RULE,
    session_interval::RULE,
    interval_too_brief::RULE,
    callee_unavailable::RULE,
    no_such_transaction::RULE,
    loop_detected::RULE,
    media_not_acceptable::RULE,
    request_pending::RULE,
    method_not_allowed::RULE,
    failure_response::RULE,
    allow_missing::RULE,
    unsupported_missing::RULE,
    min_se_missing::RULE,
    no_final_response::RULE,
    ack_missing::RULE,
    cseq_mismatch::RULE,
    malformed::MISSING_HEADER,
    malformed::CONTENT_LENGTH,
    malformed::HEADER_SECTION,
    capture_quality::REQUEST_NOT_CAPTURED,
    capture_quality::ONE_DIRECTION,
    capture_quality::MID_CALL,
    capture_quality::TRUNCATED,
    capture_events::STREAM_GAP,
    capture_events::NO_CONTENT_LENGTH,
    capture_events::FRAGMENTS_MISSING,
    capture_events::ENCRYPTED,
    capture_events::LIMIT_REACHED,
    answer_codecs::RULE,
    media_flow::ONE_WAY,
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
        /// A header's canonical name: static, so not copied per evidence line.
        header: Cow<'static, str>,
        value: String,
    },
    /// A fact the rule derived, or what is missing: a fixed text is borrowed,
    /// not copied into every diagnostic.
    Note {
        frame: FrameNo,
        note: Cow<'static, str>,
    },
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
            header: Cow::Borrowed(START_LINE),
            value: record.msg.start_line_text().into_owned(),
        }
    }

    /// Every instance of a header in a record, or nothing.
    pub fn headers(record: &Record, name: HeaderName) -> impl Iterator<Item = Evidence> + '_ {
        record
            .msg
            .header_values(name)
            .map(move |value| Evidence::Header {
                frame: record.frame,
                header: Cow::Borrowed(name.canonical()),
                value: value.into_owned(),
            })
    }

    pub fn note(frame: FrameNo, note: impl Into<Cow<'static, str>>) -> Evidence {
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
    /// What the code or the condition means (from the knowledge base):
    /// borrowed when it is the knowledge base's or a fixed text.
    pub why: Cow<'static, str>,
    /// The concrete change that fixes it, when there is one (borrowed when
    /// it is a fixed text).
    pub fix: Option<Cow<'static, str>>,
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
            why: Cow::Borrowed(""),
            fix: None,
            evidence: Vec::new(),
        }
    }
}

/// Runs every rule over one call; results sorted by frame, then rule id.
pub fn check_call(call: &Call, capture: &Correlated) -> Vec<Diagnostic> {
    let scope = Scope { call, capture };
    let mut out = Vec::new();
    let has_failure = call
        .records
        .iter()
        .any(|r| r.status().is_some_and(|s| s.0 >= 300));
    for rule in RULES {
        match rule.check {
            Check::Call(check) => check(&scope, &mut out),
            Check::Failure(check) if has_failure => check(&scope, &mut out),
            _ => {}
        }
    }
    // Evidence reads in capture order; within a frame, in the rule's order.
    for d in &mut out {
        d.evidence.sort_by_key(Evidence::frame);
    }
    out.sort_by(|a, b| a.frame.cmp(&b.frame).then(a.rule.id.cmp(b.rule.id)));
    out
}

/// Runs every capture-wide rule; results sorted by frame, then rule id.
pub fn check_capture(scope: &CaptureScope<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if let Check::Capture(check) = rule.check {
            check(scope, &mut out);
        }
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

/// What the knowledge base says a code means, in one paragraph (borrowed
/// from it for a registered code).
fn meaning(code: StatusCode) -> Cow<'static, str> {
    match crate::kb::resolve(code.0) {
        Some(r) if r.exact => Cow::Borrowed(r.entry.meaning),
        Some(r) => Cow::Owned(format!(
            "{} is not a registered code; it is handled as {} {}: {}",
            code.0, r.entry.code, r.entry.reason, r.entry.meaning
        )),
        None => Cow::Owned(format!("{} is outside the SIP status-code range", code.0)),
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

/// Media format names joined by `, ` (`PCMU/8000, telephone-event/8000`),
/// written into one string: evidence lists many of them, and a `Vec` of
/// [`Format::name`] strings joined afterwards costs an allocation per name.
fn format_names<'a>(formats: impl IntoIterator<Item = &'a Format>) -> String {
    // Room for a few names: growing a string step by step costs more.
    let mut out = String::with_capacity(64);
    push_format_names(&mut out, formats);
    out
}

/// Appends [`format_names`] to `out`.
fn push_format_names<'a>(out: &mut String, formats: impl IntoIterator<Item = &'a Format>) {
    for (i, f) in formats.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_format_name(out, f);
    }
}

/// Appends [`Format::name`] to `out` without an intermediate string.
fn push_format_name(out: &mut String, f: &Format) {
    match (&f.encoding, f.clock_rate, f.channels) {
        (Some(enc), Some(clock), channels) => {
            out.push_str(enc);
            out.push('/');
            push_clock_rate(out, clock);
            if let Some(ch) = channels.filter(|&ch| ch > 1) {
                out.push('/');
                push_decimal(out, ch.into());
            }
        }
        (Some(enc), None, _) => out.push_str(enc),
        (None, _, _) => match f.pt {
            Some(pt) => {
                out.push_str("pt ");
                push_decimal(out, pt.into());
            }
            None => out.push_str("unknown format"),
        },
    }
}

/// Appends a clock rate: the usual ones from literals (nearly every format
/// of every SDP runs at one of them; one copy instead of a digit at a time),
/// any other in digits.
fn push_clock_rate(out: &mut String, clock: u32) {
    match clock {
        8000 => out.push_str("8000"),
        16000 => out.push_str("16000"),
        48000 => out.push_str("48000"),
        90000 => out.push_str("90000"),
        other => push_decimal(out, other.into()),
    }
}

/// Appends an address as `Display` writes it: IPv4 by hand (see
/// [`push_decimal`]), IPv6 through `Display`.
fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_decimal(out, octet.into());
            }
        }
        IpAddr::V6(_) => {
            use fmt::Write;
            // Writing into a String cannot fail.
            let _ = write!(out, "{ip}");
        }
    }
}

/// Whether two media lines share a codec: [`crate::sip::common_formats`] is
/// not empty, without collecting it.
fn has_common_format(offer: &Media, answer: &Media) -> bool {
    offer
        .formats
        .iter()
        .any(|f| answer.formats.iter().any(|g| f.same_codec(g)))
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
    let mut out = String::with_capacity(48);
    push_describe(&mut out, record);
    out
}

/// Appends [`describe`] to `out`.
fn push_describe(out: &mut String, record: &Record) {
    out.push_str(&record.msg.start_line_text());
    out.push_str(" (frame ");
    push_decimal(out, record.frame.0.into());
    out.push(')');
}

/// The method a response answers: its request's, else its CSeq's; borrowed,
/// since [`authentication`] compares it for every earlier challenge.
fn answered_method<'a>(call: &'a Call, response: &'a Record) -> &'a str {
    call.request_for(response)
        .and_then(|r| r.msg.method())
        .or_else(|| response.msg.cseq_ref().map(|c| &c.method))
        .map_or("request", |m| m.as_str())
}

/// Notes that the request of a response is missing from the capture.
fn request_missing(response: &Record) -> Evidence {
    Evidence::note(
        response.frame,
        "the request this response answers is not in the capture",
    )
}

/// Pushes the request's start line (or a note that it is missing) and the
/// response's start line; returns the request.
fn request_and_response<'a>(
    d: &mut Diagnostic,
    call: &'a Call,
    response: &Record,
) -> Option<&'a Record> {
    let request = call.request_for(response);
    match request {
        Some(r) => d.evidence.push(Evidence::start_line(r)),
        None => d.evidence.push(request_missing(response)),
    }
    d.evidence.push(Evidence::start_line(response));
    request
}

/// Final responses of a call with one of `codes`, retransmissions skipped.
fn responses_in<'a>(call: &'a Call, codes: &'a [u16]) -> impl Iterator<Item = &'a Record> + 'a {
    call.records
        .iter()
        .filter(move |r| !r.retransmission && r.status().is_some_and(|s| codes.contains(&s.0)))
}

/// The reason phrase of a response, or its code.
fn status_text(record: &Record) -> String {
    let mut out = String::with_capacity(32);
    push_status_text(&mut out, record);
    out
}

/// Appends [`status_text`] to `out`.
fn push_status_text(out: &mut String, record: &Record) {
    match (record.status(), record.msg.reason_phrase()) {
        (Some(s), reason) => {
            push_decimal(out, s.0.into());
            if let Some(r) = reason {
                out.push(' ');
                out.push_str(&r);
            }
        }
        _ => out.push_str(&record.msg.start_line_text()),
    }
}

/// `+1.234 s` after `from`, for transmission lists.
fn offset(from: crate::capture::Timestamp, to: crate::capture::Timestamp) -> String {
    format!("+{:.3} s", to.duration_since(from).as_secs_f64())
}

/// Whether the capture holds only one direction of a call: at least two
/// distinct messages (retransmissions aside), all sent the same way. A lone
/// request retransmitted without answer is not "one direction": it is unanswered.
fn one_direction_only(call: &Call) -> bool {
    // Both directions is the common answer and usually decided by the second record.
    !both_directions(call) && call.records.iter().filter(|r| !r.retransmission).count() >= 2
}

/// Whether a call has messages in both directions between its first two peers.
fn both_directions(call: &Call) -> bool {
    let Some(first) = call.records.first() else {
        return false;
    };
    call.records
        .iter()
        .any(|r| r.src == first.dst || r.dst == first.src)
}

/// Notes listing every transmission of a transaction's request with its time
/// offset from the first: `sent 3 times: +0.000 s (frame 1), +0.500 s (frame 2) ...`.
fn transmission_notes(call: &Call, tx: usize) -> Option<Evidence> {
    let sent: Vec<&Record> = call.transmissions(tx).collect();
    let first = sent.first()?;
    let list: Vec<String> = sent
        .iter()
        .map(|r| format!("{} (frame {})", offset(first.ts, r.ts), r.frame))
        .collect();
    Some(Evidence::note(
        first.frame,
        format!(
            "{} sent {} time{}: {}",
            first.msg.method().map_or("request", |m| m.as_str()),
            sent.len(),
            if sent.len() == 1 { "" } else { "s" },
            list.join(", ")
        ),
    ))
}

/// `32 s` or `1.5 s`.
fn seconds(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.3} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(pt: Option<u8>, enc: Option<&str>, clock: Option<u32>, ch: Option<u8>) -> Format {
        Format {
            pt,
            encoding: enc.map(|e| e.to_string().into()),
            clock_rate: clock,
            channels: ch,
        }
    }

    fn media(formats: Vec<Format>) -> Media {
        Media {
            kind: "audio".into(),
            port: 6000,
            proto: "RTP/AVP".into(),
            formats,
            connection: None,
            direction: None,
        }
    }

    #[test]
    fn format_names_spell_every_format_as_format_name_does() {
        let formats = [
            format(Some(111), Some("opus"), Some(48000), Some(2)),
            format(Some(0), Some("PCMU"), Some(8000), Some(1)),
            format(Some(8), Some("PCMA"), Some(8000), None),
            format(None, Some("t38"), None, None),
            format(Some(96), None, None, None),
            format(None, None, None, None),
        ];
        let expected = "opus/48000/2, PCMU/8000, PCMA/8000, t38, pt 96, unknown format";
        assert_eq!(format_names(&formats), expected);
        let joined: Vec<String> = formats.iter().map(Format::name).collect();
        assert_eq!(joined.join(", "), expected);
        assert_eq!(format_names(&[]), "");
    }

    #[test]
    fn push_decimal_and_push_ip_write_what_display_writes() {
        for n in [
            0,
            7,
            10,
            99,
            8000,
            48000,
            65535,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
        for ip in [
            "0.0.0.0",
            "10.0.0.1",
            "192.168.255.254",
            "2001:db8::1",
            "::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            let mut out = String::new();
            push_ip(&mut out, ip);
            assert_eq!(out, ip.to_string());
        }
    }

    #[test]
    fn has_common_format_agrees_with_common_formats() {
        let offer = media(vec![
            format(Some(0), Some("PCMU"), Some(8000), None),
            format(Some(101), Some("telephone-event"), Some(8000), None),
        ]);
        let same_codec_other_pt = media(vec![format(
            Some(100),
            Some("Telephone-Event"),
            Some(8000),
            None,
        )]);
        let other = media(vec![format(Some(18), Some("G729"), Some(8000), None)]);
        let empty = media(vec![]);
        for answer in [&same_codec_other_pt, &other, &empty] {
            assert_eq!(
                has_common_format(&offer, answer),
                !crate::sip::common_formats(&offer, answer).is_empty()
            );
        }
        assert!(has_common_format(&offer, &same_codec_other_pt));
        assert!(!has_common_format(&offer, &other));
        assert!(!has_common_format(&offer, &empty));
    }

    #[test]
    fn failure_rules_are_the_rules_about_3xx_to_6xx_responses() {
        // Check::Failure rules are skipped for calls without a status >= 300:
        // each must be about such responses only.
        let failure: Vec<&str> = RULES
            .iter()
            .filter(|r| matches!(r.check, Check::Failure(_)))
            .map(|r| r.id)
            .collect();
        assert_eq!(
            failure,
            [
                "SD0300", "SD0401", "SD0408", "SD0415", "SD0420", "SD0422", "SD0423", "SD0480",
                "SD0481", "SD0482", "SD0488", "SD0491", "SD0501", "SD1000", "SD1405", "SD1420",
                "SD1422",
            ]
        );
    }
}
