//! SD0422 session-interval-too-small: the request's Session-Expires against the response's Min-SE.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, describe, meaning, next_attempt,
    request_missing, responses_with,
};
use crate::sip::{HeaderName, StatusCode};

pub(super) const RULE: Rule = Rule {
    id: "SD0422",
    name: "session-interval-too-small",
    default_severity: Severity::Error,
    summary: "422 Session Interval Too Small: Session-Expires below the peer's Min-SE",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 422 Session Interval Too Small response. It compares the request's Session-Expires
  with the response's Min-SE, and follows the retry the client should send: was its
  Session-Expires at least Min-SE, did it carry Min-SE, and did it succeed?

Why it matters
  Session timers (RFC 4028) make both ends refresh a call within an interval so that a
  crashed peer does not leave a call hanging forever. A server refuses intervals shorter
  than it can afford to process, answering 422 with the smallest value it accepts in Min-SE.
  A client that retries with a value still below Min-SE fails again; one that never retries
  loses the call.

Example
  INVITE   Session-Expires: 60
  422      Min-SE: 1800
  INVITE   Session-Expires: 1800, Min-SE: 1800  → 200 OK

How to fix
  Configure the client's session interval to at least the peer's Min-SE, or make it honour
  Min-SE from a 422: retry with Session-Expires ≥ Min-SE and send Min-SE with that value
  (RFC 4028 §7.4). A server that sends 422 must include Min-SE (RFC 4028 §6).

Severity
  error when the call did not recover; warning when a retry with a large enough interval
  succeeded.

References
  RFC 4028 §4, RFC 4028 §5, RFC 4028 §6, RFC 4028 §7.3, RFC 4028 §7.4, RFC 4028 §8.1";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_with(scope.call, 422) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(422));
        let min_se = response.msg.min_se();
        let method = answered_method(scope.call, response);
        let request = scope.call.request_for(response);

        match request {
            Some(request) => {
                d.evidence.push(Evidence::start_line(request));
                d.evidence
                    .extend(Evidence::headers(request, HeaderName::SessionExpires));
                d.evidence
                    .extend(Evidence::headers(request, HeaderName::MinSE));
            }
            None => d.evidence.push(request_missing(response)),
        }
        d.evidence.push(Evidence::start_line(response));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::MinSE));

        let asked = request
            .and_then(|r| r.msg.session_expires())
            .map(|s| s.delta);
        d.message = match (asked, min_se) {
            (Some(se), Some(min)) => format!(
                "422 Session Interval Too Small: Session-Expires {se} is below the peer's Min-SE {min}"
            ),
            (None, Some(min)) => format!(
                "422 Session Interval Too Small: the peer wants a session interval of at least {min}"
            ),
            (_, None) => {
                format!(
                    "422 Session Interval Too Small from {} without Min-SE: it does not say which interval it accepts",
                    response.src
                )
            }
        };
        if let (Some(se), Some(min)) = (asked, min_se) {
            if se >= min {
                d.evidence.push(Evidence::note(
                    response.frame,
                    format!(
                        "Session-Expires {se} already meets Min-SE {min}: the 422 is unjustified"
                    ),
                ));
            }
        }
        d.fix = Some(match min_se {
            Some(min) => format!(
                "retry the {method} with Session-Expires of at least {min} and Min-SE: {min} (RFC 4028 §7.4), or raise the client's configured session interval to {min}"
            ).into(),
            None => format!(
                "the server must send Min-SE with its 422 (RFC 4028 §6); until it does, retry the {method} with a larger Session-Expires (1800 is the RFC 4028 recommendation)"
            ).into(),
        });

        match next_attempt(scope.call, response) {
            Some(attempt) => {
                let retry = attempt.request;
                d.evidence.push(Evidence::start_line(retry));
                d.evidence
                    .extend(Evidence::headers(retry, HeaderName::SessionExpires));
                d.evidence
                    .extend(Evidence::headers(retry, HeaderName::MinSE));
                let retry_se = retry.msg.session_expires().map(|s| s.delta);
                let large_enough = match (retry_se, min_se) {
                    (Some(se), Some(min)) => {
                        let note = if se >= min {
                            format!("the retry's Session-Expires {se} meets Min-SE {min}")
                        } else {
                            format!("the retry's Session-Expires {se} is still below Min-SE {min}")
                        };
                        d.evidence.push(Evidence::note(retry.frame, note));
                        se >= min
                    }
                    (None, _) => {
                        d.evidence.push(Evidence::note(
                            retry.frame,
                            "the retry carries no Session-Expires (session timer dropped)",
                        ));
                        true
                    }
                    (Some(se), None) => asked.is_none_or(|first| se > first),
                };
                if retry_se.is_some() && retry.msg.min_se().is_none() {
                    d.evidence.push(Evidence::note(
                        retry.frame,
                        "the retry carries no Min-SE (RFC 4028 §7.4 asks for the value from the 422)",
                    ));
                }
                match attempt.final_response {
                    Some(f) => d.evidence.push(Evidence::note(
                        f.frame,
                        format!("the retry got {}", describe(f)),
                    )),
                    None => d.evidence.push(Evidence::note(
                        retry.frame,
                        "the retry has no final response in the capture",
                    )),
                }
                let succeeded = attempt
                    .final_response
                    .and_then(|r| r.status())
                    .is_some_and(|s| s.is_success());
                if large_enough && succeeded {
                    d.severity = Severity::Warning;
                    d.message.push_str("; recovered by a retry");
                } else if !large_enough {
                    d.message.push_str("; the retry is still too small");
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
