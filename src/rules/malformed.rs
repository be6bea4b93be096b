//! SD2004 missing-mandatory-header, SD2005 content-length-mismatch and SD2006
//! malformed-header-section: anomalies the scanner recorded.

use super::{Diagnostic, Evidence, Rule, Scope, Severity};
use crate::correlate::Record;
use crate::sip::{Anomaly, HeaderName};

pub(super) const MISSING_HEADER: Rule = Rule {
    id: "SD2004",
    name: "missing-mandatory-header",
    default_severity: Severity::Error,
    summary: "a message lacks a header every request or response must carry",
    explanation: MISSING_EXPLANATION,
    check: super::Check::Call(check_missing),
};

const MISSING_EXPLANATION: &str = "\
What it checks
  Every message for the headers RFC 3261 §8.1.1 makes mandatory: To, From, CSeq, Call-ID and
  Via on every message, Max-Forwards on requests.

Why it matters
  A strict peer rejects such a message with 400 Bad Request or drops it silently; a lenient
  one may process it wrongly (no Max-Forwards means no loop protection). It is a bug in the
  sender or in a middlebox that strips headers.

Example
  MESSAGE sip:bob@example SIP/2.0 without Max-Forwards

How to fix
  Fix the sender (or the SBC/ALG rewriting the message) so that it includes the header.

References
  RFC 3261 §8.1.1, RFC 3261 §8.1.1.6, RFC 3261 §20";

pub(super) const CONTENT_LENGTH: Rule = Rule {
    id: "SD2005",
    name: "content-length-mismatch",
    default_severity: Severity::Error,
    summary: "a message whose Content-Length disagrees with the body that follows its headers",
    explanation: LENGTH_EXPLANATION,
    check: super::Check::Call(check_length),
};

const LENGTH_EXPLANATION: &str = "\
What it checks
  Every message whose Content-Length announces more bytes than follow the headers, or fewer
  (over UDP the datagram ends the message, RFC 3261 §18.3), or is not a number.

Why it matters
  A receiver reads exactly Content-Length bytes of body: too small cuts the SDP (missing
  media lines, broken codecs), too large makes a UDP receiver discard the message and a
  TCP receiver wait for bytes that never come, desynchronising the stream. Middleboxes that
  rewrite SDP (ALGs, SBCs) without fixing Content-Length are the usual cause. A message cut
  by the capture's snaplen is reported by the capture rules instead.

Example
  MESSAGE with Content-Length: 5 and a 41-byte body

How to fix
  Fix the sender or the middlebox that rewrote the body so that Content-Length counts the
  body's bytes exactly; disable SIP ALGs on routers.

References
  RFC 3261 §18.3, RFC 3261 §20.14";

pub(super) const HEADER_SECTION: Rule = Rule {
    id: "SD2006",
    name: "malformed-header-section",
    default_severity: Severity::Warning,
    summary: "a message whose start line or header lines break the SIP grammar",
    explanation: SECTION_EXPLANATION,
    check: super::Check::Call(check_section),
};

const SECTION_EXPLANATION: &str = "\
What it checks
  Every message for what the scanner had to step over: a start line that bends the grammar
  (extra spaces, a lower-case SIP/2.0, no reason phrase), a header line without a colon or
  with an empty name, a folded line with no header before it, a header that may appear only
  once appearing twice, no empty line after the headers, more than 1 000 header lines, and
  more than 32 malformed lines. Missing mandatory headers (SD2004) and a wrong
  Content-Length (SD2005) have rules of their own; messages cut by the capture are left to
  the capture rules.

Why it matters
  A SIP message is a start line, header lines of the form name \":\" value, and an empty line
  before the body (RFC 3261 §7, §7.3). A strict peer answers a message it cannot parse with
  400 Bad Request or drops it, so the call fails with no response at all; a lenient one may
  read the headers differently from the sender (which of two From headers counts?). Over UDP
  a missing empty line usually means the datagram was cut; over TCP it desynchronises the
  stream.

Example
  INVITE with a line \"X-Trace 42\" (no colon) and two Call-ID headers

How to fix
  Fix the sender, or the SBC/ALG that rewrites its headers, so that every header line is
  name: value, single-instance headers appear once, and the header section ends with an
  empty line. A message with thousands of header lines is hostile or broken: find its source.

References
  RFC 3261 §7, RFC 3261 §7.1, RFC 3261 §7.2, RFC 3261 §7.3, RFC 3261 §7.3.1, RFC 3261 §20";

/// The call's messages whose anomalies are the sender's: first copies (a
/// retransmission repeats them), not cut by the capture (a cut message lacks
/// its end through no fault of the sender's).
fn whole_first_copies<'a>(scope: &'a Scope<'_>) -> impl Iterator<Item = &'a Record> + 'a {
    scope
        .call
        .records
        .iter()
        .filter(|r| !r.retransmission && !r.truncated)
}

/// The anomalies [`HEADER_SECTION`] reports (the others have rules of their own).
fn breaks_header_section(anomaly: &Anomaly) -> bool {
    matches!(
        anomaly,
        Anomaly::BadStartLine { .. }
            | Anomaly::HeaderWithoutColon { .. }
            | Anomaly::EmptyHeaderName { .. }
            | Anomaly::ContinuationWithoutHeader { .. }
            | Anomaly::NoBlankLine
            | Anomaly::DuplicateHeader(_)
            | Anomaly::TooManyHeaders { .. }
            | Anomaly::TooManyAnomalies { .. }
    )
}

fn check_section(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for record in whole_first_copies(scope) {
        let mut found = record
            .msg
            .anomalies()
            .iter()
            .filter(|a| breaks_header_section(a));
        let Some(first) = found.next() else {
            continue;
        };
        let mut d = Diagnostic::about(&HEADER_SECTION, scope, record);
        d.why = "a SIP message is a start line, name: value header lines and an empty line (RFC 3261 §7, §7.3); a strict peer rejects it with 400 or drops it".into();
        d.evidence.push(Evidence::start_line(record));
        let first = first.describe();
        d.evidence.push(Evidence::note(record.frame, first.clone()));
        let mut more = 0usize;
        for a in found {
            d.evidence.push(Evidence::note(record.frame, a.describe()));
            more += 1;
        }
        d.message = match more {
            0 => format!("{}: {first}", record.msg.start_line_text()),
            n => format!(
                "{}: {first} (and {n} more problem{})",
                record.msg.start_line_text(),
                if n == 1 { "" } else { "s" }
            ),
        };
        d.fix = Some(
            format!(
                "make {} (or the middlebox rewriting its headers) send well-formed header lines",
                record.src
            )
            .into(),
        );
        out.push(d);
    }
}

fn check_missing(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for record in whole_first_copies(scope) {
        let missing: Vec<HeaderName> = record
            .msg
            .anomalies()
            .iter()
            .filter_map(|a| match a {
                Anomaly::MissingHeader(h) => Some(*h),
                _ => None,
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let names: Vec<&str> = missing.iter().map(|h| h.canonical()).collect();
        let mut d = Diagnostic::about(&MISSING_HEADER, scope, record);
        d.why = "RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via (and Max-Forwards on requests) are mandatory".into();
        d.evidence.push(Evidence::start_line(record));
        for n in &names {
            d.evidence.push(Evidence::note(
                record.frame,
                format!("mandatory {n} header is missing"),
            ));
        }
        d.message = format!(
            "{} lacks {}",
            record.msg.start_line_text(),
            names.join(", ")
        );
        d.fix = Some(format!("make {} send {}", record.src, names.join(", ")).into());
        out.push(d);
    }
}

fn check_length(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for record in whole_first_copies(scope) {
        for a in record.msg.anomalies() {
            let text = match a {
                Anomaly::ContentLengthTooLarge {
                    declared,
                    available,
                } => format!(
                    "Content-Length declares {declared} bytes but only {available} follow the headers"
                ),
                Anomaly::ContentLengthTooSmall {
                    declared,
                    available,
                } => format!(
                    "Content-Length declares {declared} bytes but {available} follow the headers: {} bytes are ignored",
                    available.saturating_sub(*declared)
                ),
                Anomaly::BadContentLength { .. } => {
                    "Content-Length is not a valid number".to_string()
                }
                _ => continue,
            };
            let mut d = Diagnostic::about(&CONTENT_LENGTH, scope, record);
            d.why =
                "a receiver reads exactly Content-Length bytes of body (RFC 3261 §18.3, §20.14)"
                    .into();
            d.evidence.push(Evidence::start_line(record));
            d.evidence
                .extend(Evidence::headers(record, HeaderName::ContentLength));
            d.evidence.push(Evidence::note(record.frame, text.clone()));
            d.message = format!("{}: {text}", record.msg.start_line_text());
            d.fix = Some(format!(
                "make {} (or the middlebox rewriting its body) send a Content-Length equal to the body's size",
                record.src
            ).into());
            out.push(d);
        }
    }
}
