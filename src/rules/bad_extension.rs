//! SD0420 bad-extension: the request's Require against the response's Unsupported.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, contains_token, describe,
    meaning, next_attempt, quoted_list, request_missing, responses_with,
};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD0420",
    name: "bad-extension",
    default_severity: Severity::Error,
    summary: "420 Bad Extension: the request required an option tag the server does not support",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 420 Bad Extension response. It compares the option tags the request listed in
  Require and Proxy-Require with the tags the response lists in Unsupported, and looks for
  a retry of the request later in the same call.

Why it matters
  A tag in Require is a demand: the server must either support the extension or reject the
  whole request with 420 (RFC 3261 §8.2.2.3). A call that requires `100rel` (reliable
  provisional responses, RFC 3262) or `timer` (session timers, RFC 4028) towards a peer
  that lacks them fails before it rings. A client that recovers by retrying without the tag
  loses a round trip; one that does not, loses the call. A 420 without Unsupported leaves
  the client guessing which tag to drop.

Example
  INVITE   Require: 100rel, timer
  420      Unsupported: 100rel
  The peer accepts `timer` but not `100rel`.

How to fix
  Drop the refused tag from Require (or Proxy-Require). If the feature is optional, list it
  in Supported instead: the peer then uses it only if it can. Keep the tags the peer did not
  refuse. A server sending 420 must list the refused tags in Unsupported.

Severity
  error when the call did not recover; warning when a retry without the tag succeeded.

References
  RFC 3261 §8.2.2.3, RFC 3261 §20.32, RFC 3261 §21.4.15, RFC 3262 §3, RFC 4028 §9";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_with(scope.call, 420) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(crate::sip::StatusCode(420));
        let unsupported = response.msg.tokens(HeaderName::Unsupported);
        let method = answered_method(scope.call, response);
        let peer = response.src;

        let Some(request) = scope.call.request_for(response) else {
            d.evidence.push(request_missing(response));
            d.evidence
                .extend(Evidence::headers(response, HeaderName::Unsupported));
            d.message = if unsupported.is_empty() {
                format!("420 Bad Extension from {peer} without Unsupported")
            } else {
                format!(
                    "420 Bad Extension: {peer} does not support {}",
                    quoted_list(&unsupported)
                )
            };
            d.fix = Some(
                format!(
                    "remove {} from the {method}'s Require and Proxy-Require",
                    if unsupported.is_empty() {
                        "the refused option tags".into()
                    } else {
                        quoted_list(&unsupported)
                    }
                )
                .into(),
            );
            out.push(d);
            continue;
        };

        let require = request.msg.tokens(HeaderName::Require);
        let proxy_require = request.msg.tokens(HeaderName::ProxyRequire);
        d.evidence.push(Evidence::start_line(request));
        d.evidence
            .extend(Evidence::headers(request, HeaderName::Require));
        d.evidence
            .extend(Evidence::headers(request, HeaderName::ProxyRequire));
        d.evidence.push(Evidence::start_line(response));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Unsupported));

        let required: Vec<&String> = require.iter().chain(proxy_require.iter()).collect();
        if unsupported.is_empty() {
            d.message = format!(
                "420 Bad Extension from {peer} without Unsupported: it does not say which of {} it refuses",
                if required.is_empty() {
                    "the request's option tags".to_string()
                } else {
                    quoted_list(&required)
                }
            );
            d.fix = Some(if required.is_empty() {
                "the request carries no Require or Proxy-Require: fix the server, which must list refused tags in Unsupported".into()
            } else {
                format!(
                    "retry with fewer required tags (move {} from Require to Supported); the server must list refused tags in Unsupported",
                    quoted_list(&required)
                )
                .into()
            });
        } else {
            let refused_required: Vec<&String> = required
                .iter()
                .copied()
                .filter(|t| contains_token(&unsupported, t))
                .collect();
            let kept: Vec<&String> = required
                .iter()
                .copied()
                .filter(|t| !contains_token(&unsupported, t))
                .collect();
            let refused = if refused_required.is_empty() {
                unsupported.iter().collect::<Vec<_>>()
            } else {
                refused_required.clone()
            };
            d.message = format!(
                "420 Bad Extension: {peer} does not support {}, required by the {method}",
                quoted_list(&refused)
            );
            if refused_required.is_empty() {
                d.evidence.push(Evidence::note(
                    response.frame,
                    format!(
                        "Unsupported lists {} although the request did not require it",
                        quoted_list(&unsupported)
                    ),
                ));
            }
            let from_proxy_require = refused.iter().any(|t| contains_token(&proxy_require, t));
            let from_require = refused.iter().any(|t| contains_token(&require, t));
            let header = match (from_require, from_proxy_require) {
                (true, true) => "Require and Proxy-Require",
                (false, true) => "Proxy-Require",
                _ => "Require",
            };
            let mut fix = format!(
                "drop {} from {header} (list it in Supported instead if the feature is optional)",
                quoted_list(&refused)
            );
            if !kept.is_empty() {
                fix.push_str(&format!(
                    "; keep {}, which the peer accepts",
                    quoted_list(&kept)
                ));
            }
            d.fix = Some(fix.into());
        }

        match next_attempt(scope.call, response) {
            Some(attempt) => {
                let retry = attempt.request;
                let still: Vec<String> = retry
                    .msg
                    .tokens(HeaderName::Require)
                    .into_iter()
                    .chain(retry.msg.tokens(HeaderName::ProxyRequire))
                    .filter(|t| contains_token(&unsupported, t))
                    .collect();
                d.evidence.push(Evidence::start_line(retry));
                d.evidence
                    .extend(Evidence::headers(retry, HeaderName::Require));
                let final_status = attempt.final_response.and_then(|r| r.status());
                let note = if !still.is_empty() {
                    format!("the retry still requires {}", quoted_list(&still))
                } else {
                    match attempt.final_response {
                        Some(f) => {
                            format!("the retry without the refused tags got {}", describe(f))
                        }
                        None => "the retry has no final response in the capture".to_string(),
                    }
                };
                d.evidence.push(Evidence::note(retry.frame, note));
                if still.is_empty() && final_status.is_some_and(|s| s.is_success()) {
                    d.severity = Severity::Warning;
                    d.message.push_str("; recovered by a retry");
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
