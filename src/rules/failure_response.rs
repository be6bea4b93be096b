//! SD1000 failure-response: every other 4xx, 5xx and 6xx, explained from the knowledge base.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, describe, meaning, next_attempt,
    request_missing,
};
use crate::correlate::Record;
use crate::sip::{HeaderName, Method};

/// Codes with a rule of their own.
const OWN_RULES: &[u16] = &[405, 420, 422, 501];

pub(super) const RULE: Rule = Rule {
    id: "SD1000",
    name: "failure-response",
    default_severity: Severity::Error,
    summary: "a 4xx/5xx/6xx response without a rule of its own, explained from the knowledge base",
    explanation: EXPLANATION,
    check,
};

const EXPLANATION: &str = "\
What it checks
  Every final failure response (4xx, 5xx, 6xx) that no more specific rule covers. It ties
  the response to its request, quotes the headers that explain the code (Retry-After,
  Warning, Reason, WWW-Authenticate, Min-Expires, Accept ...) and gives the knowledge base's
  meaning and fix for the code.

Why it matters
  Not every failure is a fault: a 401 answered by an authenticated retry is how digest
  authentication works, a 486 Busy Here is a normal call outcome, and a 487 follows the
  caller's own CANCEL. The rule grades them so that CI fails on real problems only.

Severity
  info for 401/407 followed by a successful retry, for 487 after a CANCEL, and for 486,
  600 and 603; error otherwise.

Example
  REGISTER → 401 Unauthorized (WWW-Authenticate) → REGISTER with Authorization → 200 OK

How to fix
  See the fix printed with the finding and `sipdiag explain <code>`.

References
  RFC 3261 §8.1.3.5, RFC 3261 §21.4, RFC 3261 §21.5, RFC 3261 §21.6, RFC 3326 §2";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in scope.call.records.iter().filter(|r| !r.retransmission) {
        let Some(status) = response.status() else {
            continue;
        };
        if !(400..=699).contains(&status.0) || OWN_RULES.contains(&status.0) {
            continue;
        }
        out.push(diagnose(scope, response));
    }
}

fn diagnose(scope: &Scope<'_>, response: &Record) -> Diagnostic {
    let mut d = Diagnostic::about(&RULE, scope, response);
    let code = response.status().map_or(0, |s| s.0);
    d.why = response.status().map(meaning).unwrap_or_default();
    let method = answered_method(scope.call, response);
    let request = scope.call.request_for(response);
    match request {
        Some(r) => d.evidence.push(Evidence::start_line(r)),
        None => d.evidence.push(request_missing(response)),
    }
    d.evidence.push(Evidence::start_line(response));
    let entry = crate::kb::resolve(code).map(|r| r.entry);
    if let Some(entry) = entry {
        for name in entry.headers {
            let header = HeaderName::from_wire(name.as_bytes());
            if header == HeaderName::Other {
                continue;
            }
            d.evidence.extend(Evidence::headers(response, header));
            if let Some(r) = request {
                if matches!(
                    header,
                    HeaderName::Require
                        | HeaderName::ProxyRequire
                        | HeaderName::Expires
                        | HeaderName::ContentType
                        | HeaderName::MaxForwards
                ) {
                    d.evidence.extend(Evidence::headers(r, header));
                }
            }
        }
    }
    let reason = response
        .msg
        .reason_phrase()
        .map(|r| r.into_owned())
        .unwrap_or_default();
    d.message = format!("{code} {reason} in answer to {method}");
    d.fix = entry.and_then(|e| e.fix.first()).map(|f| f.to_string());

    match code {
        401 | 407 => match next_attempt(scope.call, response) {
            Some(attempt) => {
                let answered = attempt
                    .final_response
                    .and_then(|r| r.status())
                    .is_some_and(|s| s.is_success());
                let note = match attempt.final_response {
                    Some(f) => format!("the authenticated retry got {}", describe(f)),
                    None => {
                        "the authenticated retry has no final response in the capture".to_string()
                    }
                };
                d.evidence.push(Evidence::note(attempt.request.frame, note));
                if answered {
                    d.severity = Severity::Info;
                    d.message
                        .push_str("; the authenticated retry succeeded (normal digest challenge)");
                    d.fix = None;
                }
            }
            None => d.evidence.push(Evidence::note(
                response.frame,
                "the challenge was not answered in the capture",
            )),
        },
        487 => {
            if let Some(cancel) = scope
                .call
                .records
                .iter()
                .find(|r| r.msg.method() == Some(&Method::Cancel))
            {
                d.severity = Severity::Info;
                d.evidence
                    .push(Evidence::note(cancel.frame, "the caller sent CANCEL"));
                d.message.push_str(" after the caller's CANCEL");
                d.fix = None;
            }
        }
        486 | 600 | 603 => {
            d.severity = Severity::Info;
            d.message.push_str(" (a normal call outcome)");
        }
        _ => {}
    }
    d
}
