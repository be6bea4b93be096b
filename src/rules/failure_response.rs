//! SD1000 failure-response: every other 4xx, 5xx and 6xx, explained from the knowledge base.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, meaning, request_missing,
};
use crate::correlate::Record;
use crate::sip::HeaderName;

/// Codes with a rule of their own.
const OWN_RULES: &[u16] = &[
    401, 405, 407, 408, 415, 420, 422, 423, 480, 481, 482, 483, 486, 488, 491, 501, 503, 600, 603,
    606,
];

pub(super) const RULE: Rule = Rule {
    id: "SD1000",
    name: "failure-response",
    default_severity: Severity::Error,
    summary: "a 4xx/5xx/6xx response without a rule of its own, explained from the knowledge base",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every final failure response (4xx, 5xx, 6xx) that no more specific rule covers. It ties
  the response to its request, quotes the headers that explain the code (Retry-After,
  Warning, Reason, WWW-Authenticate, Min-Expires, Accept ...) and gives the knowledge base's
  meaning and fix for the code.

Why it matters
  Not every failure is a fault: a 487 follows the caller's own CANCEL and is how a
  cancelled call ends. The rule grades it so that CI fails on real problems only. Codes
  with more context have rules of their own (401/407, 408, 415, 423, 480/486/503/600/603,
  481, 482/483, 488/606, 491 ...).

Severity
  info for 487 after a CANCEL of the same INVITE; error otherwise.

Example
  INVITE → 404 Not Found

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
        // A 403 to a request with credentials after a challenge is SD0401's finding.
        if status.0 == 403 && answers_credentials(scope, response) {
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
    d.fix = entry.and_then(|e| e.fix.first()).map(|&f| f.into());

    if code == 487 {
        // The CANCEL carries the INVITE's branch (RFC 3261 §9.1): tie it to this INVITE.
        let cancel = scope
            .call
            .cancel_of(response.tx)
            .and_then(|(_, request)| request);
        match cancel {
            Some(cancel) => {
                d.severity = Severity::Info;
                d.evidence.push(Evidence::note(
                    cancel.frame,
                    format!(
                        "the caller cancelled this INVITE: {}",
                        cancel.msg.start_line_text()
                    ),
                ));
                d.message.push_str(" after the caller's CANCEL");
                d.fix = None;
            }
            None => d.evidence.push(Evidence::note(
                response.frame,
                "no CANCEL of this INVITE is in the capture",
            )),
        }
    }
    d
}

/// Does `response` answer a request that carries credentials?
fn answers_credentials(scope: &Scope<'_>, response: &Record) -> bool {
    scope.call.request_for(response).is_some_and(|r| {
        !r.msg.auth(HeaderName::Authorization).is_empty()
            || !r.msg.auth(HeaderName::ProxyAuthorization).is_empty()
    })
}
