//! SD0480 callee-unavailable: 480/486/503/600/603 with Retry-After and Reason (Q.850 cause).

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, meaning, push_decimal,
    push_status_text, q850, request_and_response, responses_in,
};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD0480",
    name: "callee-unavailable",
    default_severity: Severity::Warning,
    summary: "480/486/503/600/603: the callee is busy, absent, declined or the service is down",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 480 Temporarily Unavailable, 486 Busy Here, 503 Service Unavailable, 600 Busy
  Everywhere and 603 Decline. It quotes Retry-After (when the caller may try again) and
  Reason, naming the ITU-T Q.850 cause a gateway mapped from the PSTN (17 user busy,
  19 no answer, 21 call rejected, 34 no circuit available, 41 temporary failure ...).

Why it matters
  Busy and decline are decisions of a person: normal call outcomes. A 480 usually means the
  callee is not registered or did not answer; a 503 that the server or a trunk behind it is
  overloaded or down. The Q.850 cause tells which: a 486 with cause 34 (no circuit) is a
  capacity problem, not a busy callee.

Severity
  info for 486, 600 and 603 with a normal cause (or none); warning for 480; error for 503
  and for any response whose Reason names a network or resource failure (cause 32 and above).

Example
  486 Busy Here   Retry-After: 60   Reason: Q.850;cause=17;text=\"User busy\"

How to fix
  Nothing for a busy or declining callee. For 480 check the callee's registration; for 503
  and network causes check the trunk, the gateway's capacity and Retry-After before retrying.

References
  RFC 3261 §20.33, RFC 3261 §21.4.18, RFC 3261 §21.4.24, RFC 3261 §21.5.4, RFC 3261 §21.6.1,
  RFC 3261 §21.6.2, RFC 3326 §2, RFC 3398 §8.2.6.1, ITU-T Q.850";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[480, 486, 503, 600, 603]) {
        let code = response.status().map_or(0, |s| s.0);
        let mut d = Diagnostic::about(&RULE, scope, response);
        // The usual evidence at once (two start lines, Retry-After or
        // Reason, the Q.850 cause): growing the list step by step costs more.
        d.evidence.reserve_exact(5);
        d.why = response.status().map(meaning).unwrap_or_default();
        let method = answered_method(scope.call, response);
        request_and_response(&mut d, scope.call, response);
        d.evidence
            .extend(Evidence::headers(response, HeaderName::RetryAfter));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Reason));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Warning));
        d.severity = match code {
            486 | 600 | 603 => Severity::Info,
            480 => Severity::Warning,
            _ => Severity::Error,
        };
        // Written piece by piece: every such response gets this message.
        d.message = String::with_capacity(96);
        push_status_text(&mut d.message, response);
        d.message.push_str(" in answer to ");
        d.message.push_str(method);
        let mut abnormal = false;
        for reason in response.msg.reasons() {
            if !reason.protocol.eq_ignore_ascii_case("Q.850") {
                continue;
            }
            let Some(cause) = reason.cause else {
                continue;
            };
            let name = q850::name(cause).unwrap_or("unknown cause");
            // `Q.850 cause 17` written once, for the note and the message.
            let mut note = String::with_capacity(48);
            note.push_str("Q.850 cause ");
            push_decimal(&mut note, cause.into());
            d.message.push_str(", ");
            d.message.push_str(&note);
            d.message.push_str(" (");
            d.message.push_str(name);
            d.message.push(')');
            note.push_str(": ");
            note.push_str(name);
            d.evidence.push(Evidence::note(response.frame, note));
            if q850::is_network_failure(cause) {
                abnormal = true;
            }
        }
        if let Some(ra) = response.msg.retry_after() {
            d.message.push_str(", retry after ");
            push_decimal(&mut d.message, ra.seconds.into());
            d.message.push_str(" s");
            if let Some(c) = &ra.comment {
                d.message.push_str(" (");
                d.message.push_str(c);
                d.message.push(')');
            }
        }
        if abnormal {
            d.severity = Severity::Error;
            d.message.push_str(
                "; the cause is a network or resource failure, not the callee's decision",
            );
        }
        d.fix = match (code, abnormal) {
            (_, true) | (503, _) => Some(
                "check the trunk or gateway behind this server (capacity, circuits, its own upstream) and honour Retry-After before retrying".into(),
            ),
            (480, _) => Some(
                "check that the callee is registered and reachable; retry after the Retry-After interval".into(),
            ),
            _ => None,
        };
        out.push(d);
    }
}
