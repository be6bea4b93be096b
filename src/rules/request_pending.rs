//! SD0491 request-pending: 491 glare, the crossing request and the retry back-off.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, describe, meaning, next_attempt,
    request_and_response, responses_in,
};
use crate::sip::{Method, StatusCode};

pub(super) const RULE: Rule = Rule {
    id: "SD0491",
    name: "request-pending",
    default_severity: Severity::Warning,
    summary: "491 Request Pending: re-INVITE or UPDATE glare, with the crossing request and the retry",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 491 Request Pending. It looks for the other side's offer that was pending at the
  same time (an INVITE or UPDATE in the same call, in the other direction, without a final
  response before the refused request), and for the retry: RFC 3261 §14.1 makes the side that
  owns the Call-ID wait 2.1–4 s and the other side 0–2 s before trying again.

Why it matters
  Glare happens when both ends modify the session at once (hold and transfer, or two
  session refreshes). Both requests fail; if neither retries, the change (hold, codec switch,
  refresh) never happens and a session timer may later tear the call down.

Severity
  warning; info when a later retry of the same method succeeded.

Example
  re-INVITE (hold) → 491 → ACK … 2.5 s … re-INVITE → 200 OK

How to fix
  Make both sides retry after the RFC 3261 §14.1 back-off; avoid sending offers while one is
  pending (RFC 3261 §14.2, RFC 3311 §5.1).

References
  RFC 3261 §14.1, RFC 3261 §14.2, RFC 3261 §21.4.27, RFC 3311 §5.2";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    for response in responses_in(call, &[491]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(491));
        let request = request_and_response(&mut d, call, response);
        let method = request
            .and_then(|r| r.msg.method().cloned())
            .unwrap_or(Method::Invite);
        d.message = format!("491 Request Pending for {method}");
        if let Some(r) = request {
            let crossing = call.records.iter().find(|o| {
                !o.retransmission
                    && o.src == r.dst
                    && matches!(o.msg.method(), Some(Method::Invite | Method::Update))
                    && o.frame < response.frame
                    && call.final_response(o.tx).is_none_or(|f| f.frame > r.frame)
            });
            match crossing {
                Some(o) => {
                    d.evidence.push(Evidence::note(
                        o.frame,
                        format!(
                            "the peer's own {} was pending at the same time (glare)",
                            o.msg.start_line_text()
                        ),
                    ));
                    d.message
                        .push_str(": both sides sent an offer at once (glare)");
                }
                None => d.evidence.push(Evidence::note(
                    response.frame,
                    "the peer's pending request is not in the capture (it may be on another leg)",
                )),
            }
        }
        match next_attempt(call, response) {
            Some(a) => {
                let wait = a.request.ts.duration_since(response.ts);
                d.evidence.push(Evidence::note(
                    a.request.frame,
                    format!("retried after {:.3} s", wait.as_secs_f64()),
                ));
                let ok = a
                    .final_response
                    .and_then(|f| f.status())
                    .is_some_and(|s| s.is_success());
                if let Some(f) = a.final_response {
                    d.evidence.push(Evidence::note(
                        f.frame,
                        format!("the retry got {}", describe(f)),
                    ));
                }
                if ok {
                    d.severity = Severity::Info;
                    d.message.push_str("; the retry succeeded");
                }
            }
            None => {
                d.evidence.push(Evidence::note(
                    response.frame,
                    format!("no retry of the {method} follows in the capture"),
                ));
                d.fix = Some(format!(
                    "retry the {method} after a random 2.1–4 s (Call-ID owner) or 0–2 s (other side), RFC 3261 §14.1"
                ).into());
            }
        }
        out.push(d);
    }
}
