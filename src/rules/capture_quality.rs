//! SD3001–SD3004: what the capture itself lacks (requests, a direction, the call's start,
//! bytes cut by the snaplen), so that a missing message is not mistaken for a fault of the peers.

use super::{Diagnostic, Evidence, Rule, Scope, Severity, one_direction_only};
use crate::correlate::{Record, lacks_to_tag};
use crate::sip::Method;

pub(super) const REQUEST_NOT_CAPTURED: Rule = Rule {
    id: "SD3001",
    name: "request-not-captured",
    default_severity: Severity::Warning,
    summary: "responses whose request is not in the capture",
    explanation: "\
What it checks
  Responses that no captured request matches (same Via branch, sent-by and CSeq method,
  RFC 3261 §17.1.3). One finding per call lists every such response.

Why it matters
  Without the request sipdiag cannot compare what was asked with what was answered (Require
  against Unsupported, the offer against the answer). The request went another way (an
  interface or VLAN not captured, a capture filter), was sent before the capture started,
  or the response answers a request of another leg of a B2BUA.

Example
  SIP/2.0 200 OK (CSeq: 1 INVITE) with no INVITE in the capture

How to fix
  Capture on the interface that carries both directions (or on both legs of an SBC), start
  the capture before the call, and widen the capture filter (any port: SIP is not always on 5060).

References
  RFC 3261 §17.1.3, RFC 3261 §18.1.2",
    check: super::Check::Call(check_request_missing),
};

pub(super) const ONE_DIRECTION: Rule = Rule {
    id: "SD3002",
    name: "one-direction-only",
    default_severity: Severity::Warning,
    summary: "only one direction of the call's SIP traffic is in the capture",
    explanation: "\
What it checks
  Calls with several messages that all travel in the same direction: nothing the other
  side sent was captured.

Why it matters
  Every request then looks unanswered and every answer unrequested; timer findings about the
  call are unreliable. Usually the capture was taken with a filter on one address or port, on
  a span port that mirrors one direction only, or the other side's traffic takes another
  path (asymmetric routing, a different interface or source port).

Example
  INVITE, ACK, BYE from 127.0.0.1:5061 and nothing from 127.0.0.1:5060

How to fix
  Capture both directions: filter on the host rather than on the source, mirror both
  directions of the port, or capture on the SIP server itself.

References
  RFC 3261 §18.2.2, RFC 3581 §4",
    check: super::Check::Call(check_one_direction),
};

pub(super) const MID_CALL: Rule = Rule {
    id: "SD3003",
    name: "capture-starts-mid-call",
    default_severity: Severity::Warning,
    summary: "the capture starts after the call began: its first message is a response or an in-dialog request",
    explanation: "\
What it checks
  Calls whose first captured message is a response, or a request sent inside a dialog (a
  To tag is present), so the INVITE (or the request that opened the exchange) is missing.

Why it matters
  The offer, the requested extensions and the early responses are not in the capture, so
  the diagnosis of the call is partial; the outcome and setup times cannot be measured.

Example
  First message: SIP/2.0 200 OK (CSeq: 1 INVITE)

How to fix
  Start the capture before the call is placed, or keep a ring buffer running (tcpdump -C/-W,
  dumpcap -b) so the start of a problem call is kept.

References
  RFC 3261 §12.1, RFC 3261 §17",
    check: super::Check::Call(check_mid_call),
};

pub(super) const TRUNCATED: Rule = Rule {
    id: "SD3004",
    name: "message-truncated",
    default_severity: Severity::Warning,
    summary: "messages cut short by the capture's snaplen",
    explanation: "\
What it checks
  Messages whose frames the capture cut at its snapshot length (the captured length is
  shorter than the frame's original length).

Why it matters
  The end of the message (often the SDP body, sometimes headers) is missing: codecs, media
  addresses and late headers cannot be checked, and Content-Length always looks wrong. A
  message cut before its Call-ID cannot even be tied to a call.

Example
  tcpdump -s 400: an INVITE of 900 bytes keeps its first 400 bytes

How to fix
  Capture full packets: `tcpdump -s 0` (the default in recent versions), `dumpcap -s 0`,
  or in Wireshark set no limit on the packet size.

References
  RFC 3261 §18.3",
    check: super::Check::Call(check_truncated),
};

fn frames(records: &[&Record]) -> String {
    records
        .iter()
        .map(|r| r.frame.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_request_missing(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let orphans: Vec<&Record> = call
        .records
        .iter()
        .filter(|r| {
            !r.retransmission
                && !r.msg.is_request()
                && call.request_for(r).is_none()
                && call.same_branch_request(r.tx).is_none()
        })
        .collect();
    let Some(first) = orphans.first() else {
        return;
    };
    let mut d = Diagnostic::about(&REQUEST_NOT_CAPTURED, scope, first);
    d.status = None;
    d.why = "responses are matched to their requests by Via branch, sent-by and CSeq method (RFC 3261 §17.1.3)".into();
    for r in &orphans {
        d.evidence.push(Evidence::start_line(r));
    }
    d.message = format!(
        "{} response{} without {} request in the capture (frame{} {})",
        orphans.len(),
        if orphans.len() == 1 { "" } else { "s" },
        if orphans.len() == 1 { "its" } else { "their" },
        if orphans.len() == 1 { "" } else { "s" },
        frames(&orphans)
    );
    d.fix = Some(
        "capture where both directions and every leg pass, from before the call starts".into(),
    );
    out.push(d);
}

fn check_one_direction(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    if !one_direction_only(call) {
        return;
    }
    let kept: Vec<&Record> = call.records.iter().filter(|r| !r.retransmission).collect();
    let Some(first) = kept.first() else {
        return;
    };
    let mut d = Diagnostic::about(&ONE_DIRECTION, scope, first);
    d.status = None;
    d.why = "a SIP exchange always has messages in both directions; the capture lacks one".into();
    for r in &kept {
        d.evidence.push(Evidence::start_line(r));
    }
    d.message = format!(
        "only {} → {} is in the capture ({} messages, none from {})",
        first.src,
        first.dst,
        kept.len(),
        first.dst
    );
    d.fix = Some(
        format!(
            "capture both directions: filter on host {} rather than on a source address or port",
            first.dst.ip()
        )
        .into(),
    );
    out.push(d);
}

fn check_mid_call(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let Some(first) = call.records.first() else {
        return;
    };
    let in_dialog = first.msg.is_request()
        && first.msg.method() != Some(&Method::Cancel)
        && !lacks_to_tag(&first.msg);
    if first.msg.is_request() && !in_dialog {
        return;
    }
    let mut d = Diagnostic::about(&MID_CALL, scope, first);
    d.status = None;
    d.why = "the messages that opened the call were sent before the capture started".into();
    d.evidence.push(Evidence::start_line(first));
    if let Some(cseq) = first.msg.cseq() {
        d.evidence.push(Evidence::note(
            first.frame,
            format!("CSeq {} {}", cseq.seq, cseq.method),
        ));
    }
    d.message = if in_dialog {
        format!(
            "the call's first captured message is an in-dialog {}: the capture starts after the call began",
            first.msg.method().map_or("request", |m| m.as_str())
        )
    } else {
        format!(
            "the call's first captured message is a response ({}): the capture starts after the call began",
            first.msg.start_line_text()
        )
    };
    d.fix = Some("start the capture before the call, or keep a ring buffer running".into());
    out.push(d);
}

fn check_truncated(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let cut: Vec<&Record> = call.records.iter().filter(|r| r.truncated).collect();
    let Some(first) = cut.first() else {
        return;
    };
    let mut d = Diagnostic::about(&TRUNCATED, scope, first);
    d.status = None;
    d.why =
        "the capture's snapshot length cut these frames; the end of each message is missing".into();
    for r in &cut {
        d.evidence.push(Evidence::note(
            r.frame,
            format!(
                "{}: {} bytes captured",
                r.msg.start_line_text(),
                r.msg.raw().len()
            ),
        ));
    }
    d.message = format!(
        "{} message{} cut short by the capture's snaplen (frame{} {})",
        cut.len(),
        if cut.len() == 1 { "" } else { "s" },
        if cut.len() == 1 { "" } else { "s" },
        frames(&cut)
    );
    d.fix = Some("capture full packets (tcpdump -s 0)".into());
    out.push(d);
}
