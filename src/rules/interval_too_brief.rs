//! SD0423 interval-too-brief: the request's Expires against the response's Min-Expires.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, describe, meaning, next_attempt,
    request_and_response, responses_in,
};
use crate::sip::{HeaderName, StatusCode};

pub(super) const RULE: Rule = Rule {
    id: "SD0423",
    name: "interval-too-brief",
    default_severity: Severity::Error,
    summary: "423 Interval Too Brief: Expires below the registrar's Min-Expires",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 423 Interval Too Brief. It compares the Expires of the request (the header, or the
  expires parameter of the Contact) with the response's Min-Expires and follows the retry:
  did it ask for at least Min-Expires, and did it succeed?

Why it matters
  A registrar (or a notifier, for SUBSCRIBE) refuses refresh intervals shorter than it wants
  to handle. A client that keeps its short interval never registers and cannot receive calls.

Example
  REGISTER  Expires: 60
  423       Min-Expires: 3600
  REGISTER  Expires: 3600  → 200 OK

How to fix
  Raise the client's registration (or subscription) interval to at least Min-Expires, or make
  it honour Min-Expires from a 423 as RFC 3261 §10.2.8 requires. A 423 must carry Min-Expires.

Severity
  error when the client did not recover; warning when a retry with a long enough interval
  succeeded.

References
  RFC 3261 §10.2.8, RFC 3261 §10.3, RFC 3261 §20.23, RFC 3261 §21.4.17, RFC 6665 §4.1.2.1";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[423]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(423));
        let method = answered_method(scope.call, response);
        let request = request_and_response(&mut d, scope.call, response);
        if let Some(r) = request {
            d.evidence.extend(Evidence::headers(r, HeaderName::Expires));
        }
        d.evidence
            .extend(Evidence::headers(response, HeaderName::MinExpires));
        let asked = request.and_then(|r| r.msg.expires());
        let min = response.msg.min_expires();
        d.message = match (asked, min) {
            (Some(e), Some(m)) => {
                format!("423 Interval Too Brief: Expires {e} is below the server's Min-Expires {m}")
            }
            (None, Some(m)) => {
                format!("423 Interval Too Brief: the server wants Expires of at least {m}")
            }
            (_, None) => {
                d.evidence.push(Evidence::note(
                    response.frame,
                    "the 423 has no Min-Expires header (RFC 3261 §21.4.17 requires it)",
                ));
                format!(
                    "423 Interval Too Brief from {} without Min-Expires",
                    response.src
                )
            }
        };
        d.fix = Some(match min {
            Some(m) => format!(
                "send the {method} with Expires: {m} or more (RFC 3261 §10.2.8), or raise the client's configured interval to {m}"
            ).into(),
            None => {
                format!("retry the {method} with a longer Expires; the server must say Min-Expires")
                    .into()
            }
        });
        match next_attempt(scope.call, response) {
            Some(attempt) => {
                let retry = attempt.request;
                d.evidence.push(Evidence::start_line(retry));
                d.evidence
                    .extend(Evidence::headers(retry, HeaderName::Expires));
                let long_enough = match (retry.msg.expires(), min) {
                    (Some(e), Some(m)) => e >= m,
                    _ => true,
                };
                let ok = attempt
                    .final_response
                    .and_then(|r| r.status())
                    .is_some_and(|s| s.is_success());
                if let Some(f) = attempt.final_response {
                    d.evidence.push(Evidence::note(
                        f.frame,
                        format!("the retry got {}", describe(f)),
                    ));
                }
                if long_enough && ok {
                    d.severity = Severity::Warning;
                    d.message.push_str("; recovered by a retry");
                } else if !long_enough {
                    d.message.push_str("; the retry is still too brief");
                }
            }
            None => d.evidence.push(Evidence::note(
                response.frame,
                format!("no retry of the {method} follows in the capture"),
            )),
        }
        out.push(d);
    }
}
