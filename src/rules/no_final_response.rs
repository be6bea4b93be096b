//! SD2001 no-final-response: a request without a final response (timer B/F, 64×T1).

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, one_direction_only, seconds, transmission_notes,
};
use crate::sip::Method;

pub(super) const RULE: Rule = Rule {
    id: "SD2001",
    name: "no-final-response",
    default_severity: Severity::Error,
    summary: "a request got no final response within 64×T1 (timer B/F); lists its transmissions",
    explanation: EXPLANATION,
    check: super::Check::Call(check),
};

const EXPLANATION: &str = "\
What it checks
  Every request (other than ACK) that has no final response in the capture. It lists each
  transmission with its time offset and compares how long the capture ran after the first
  one with 64×T1 (timer B for INVITE, timer F for other requests: 32 s with the default
  T1 = 500 ms; sipdiag's T1 is configurable). An INVITE that got a provisional response is no
  longer bound by timer B and is reported as still ringing.

Why it matters
  A request without any answer for 64×T1 has failed: the client gives up (a call attempt
  shows `timeout`, a registration lapses). The peer is down, unreachable, or its answers do
  not come back (wrong Via/rport handling, NAT, a firewall dropping one direction).

Severity
  error when the capture runs past 64×T1 without a final response; info when the capture
  ends earlier (too early to tell) or the INVITE was still ringing. A capture with only one
  direction of the call is reported by SD3002 instead.

Example
  INVITE sent at +0.000, +0.500, +1.500, +3.500, +7.500, +15.500, +31.500 s; no response

How to fix
  Check that the peer is up and listening on the address, port and transport used; check
  that its responses can come back (Via sent-by, rport, NAT, firewall); send OPTIONS to test.

References
  RFC 3261 §17.1.1.2, RFC 3261 §17.1.2.2, RFC 3261 §18.2.2, RFC 3581 §4";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let timeout = scope.capture.timers.transaction_timeout();
    // SD3002 reports a capture with one direction only; every request of it would look unanswered.
    if one_direction_only(call) {
        return;
    }
    for (tx, t) in call.transactions.iter().enumerate() {
        if t.method == Method::Ack {
            continue;
        }
        let Some(request) = call.request_of(tx) else {
            continue;
        };
        if call.final_response(tx).is_some() {
            continue;
        }
        // A CANCELled INVITE is judged by the CANCEL rules, not by timer B.
        if t.cancelled_by.is_some() {
            continue;
        }
        let mut d = Diagnostic::about(&RULE, scope, request);
        d.status = None;
        d.evidence.push(Evidence::start_line(request));
        d.evidence.extend(transmission_notes(call, tx));
        // A response with this request's branch but another CSeq method (SD2003).
        if let Some(stray) = call
            .records
            .iter()
            .find(|r| !r.msg.is_request() && call.same_branch_request(r.tx) == Some(tx))
        {
            d.evidence.push(Evidence::note(
                stray.frame,
                format!(
                    "{} carries this request's branch but CSeq method {}: the client cannot match it",
                    stray.msg.start_line_text(),
                    stray.msg.cseq().map_or(String::new(), |c| c.method.as_str().to_string())
                ),
            ));
        }
        let after = scope.capture.captured_after(request.ts);
        let method = request
            .msg
            .method()
            .map_or("request", |m| m.as_str())
            .to_string();
        let provisional = t
            .responses
            .iter()
            .filter_map(|&i| call.records.get(i))
            .rfind(|r| r.status().is_some_and(|s| s.is_provisional()));
        d.why = format!(
            "a client transaction gives up after 64×T1 = {} without a final response (RFC 3261 §17.1.1.2 timer B, §17.1.2.2 timer F)",
            seconds(timeout)
        )
        .into();
        if let Some(p) = provisional.filter(|_| t.method == Method::Invite) {
            d.severity = Severity::Info;
            d.evidence.push(Evidence::note(
                p.frame,
                format!("last provisional response: {}", p.msg.start_line_text()),
            ));
            d.message = format!(
                "the {method} got {} but no final response in the capture ({} after the request)",
                p.status().map_or(0, |s| s.0),
                seconds(after)
            );
        } else if after >= timeout {
            d.message = format!(
                "the {method} got no final response within 64×T1 = {} (timer {} expired)",
                seconds(timeout),
                if t.method == Method::Invite { "B" } else { "F" }
            );
            d.evidence.push(Evidence::note(
                request.frame,
                format!(
                    "the capture runs {} after the first transmission",
                    seconds(after)
                ),
            ));
            d.fix = Some(format!(
                "check that {} is up and reachable on {} and that its responses can come back (Via, rport, NAT, firewall)",
                request.dst,
                request.transport.as_str()
            ).into());
        } else {
            d.severity = Severity::Info;
            d.message = format!(
                "the {method} has no final response, but the capture ends {} after it, before 64×T1 = {}: too early to tell",
                seconds(after),
                seconds(timeout)
            );
        }
        out.push(d);
    }
}
