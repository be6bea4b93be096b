//! SD0501 method-not-supported: a 405 or 501 against the peer's Allow list.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, answered_method, contains_token, meaning,
    request_missing, responses_with,
};
use crate::sip::{HeaderName, StatusCode};

pub(super) const RULE: Rule = Rule {
    id: "SD0501",
    name: "method-not-supported",
    default_severity: Severity::Error,
    summary: "405/501: the peer refused the request's method; compares it with the peer's Allow",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 405 Method Not Allowed and 501 Not Implemented response. It names the refused method
  and the methods the peer allows: from the response's Allow header, or else from the last
  Allow header the same peer (address and port) sent earlier in the capture, for instance
  in its answer to OPTIONS or in its 200 OK to the INVITE.

Why it matters
  501 means the server does not implement the method at all; 405 means it knows the method
  but does not allow it for this target, and must then list what it allows (RFC 3261
  §21.4.6). Both usually show a feature mismatch between two products: DTMF sent as SIP
  INFO to a peer that expects RFC 4733 telephone-events, UPDATE sent to a peer that only
  understands re-INVITE, MESSAGE to a device that does not take instant messages.

Example
  INFO (DTMF)  → 501 Not Implemented, Allow: INVITE, ACK, BYE, CANCEL, OPTIONS

How to fix
  Use a method the peer allows, or the usual alternative: DTMF as RFC 4733 telephone-event
  in RTP instead of INFO; a re-INVITE instead of UPDATE; drop `100rel` instead of relying on
  PRACK. Check the peer's Allow (send it OPTIONS) before enabling a feature towards it.
  A server sending 405 must include Allow.

References
  RFC 3261 §20.5, RFC 3261 §21.4.6, RFC 3261 §21.5.2, RFC 3311 §5.1, RFC 4733 §2, RFC 6086 §4";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for code in [405, 501] {
        for response in responses_with(scope.call, code) {
            out.push(diagnose(scope, response, code));
        }
    }
}

fn diagnose(scope: &Scope<'_>, response: &crate::correlate::Record, code: u16) -> Diagnostic {
    let mut d = Diagnostic::about(&RULE, scope, response);
    d.why = meaning(StatusCode(code));
    let method = answered_method(scope.call, response);
    let peer = response.src;
    match scope.call.request_for(response) {
        Some(request) => d.evidence.push(Evidence::start_line(request)),
        None => d.evidence.push(request_missing(response)),
    }
    d.evidence.push(Evidence::start_line(response));

    let own_allow = response.msg.tokens(HeaderName::Allow);
    let allow: Vec<String> = if own_allow.is_empty() {
        match scope.capture.allow_before(peer, response.frame) {
            Some(seen) => {
                d.evidence.push(Evidence::Header {
                    frame: seen.frame,
                    header: HeaderName::Allow.canonical().into(),
                    value: seen.methods.join(", "),
                });
                d.evidence.push(Evidence::note(
                    seen.frame,
                    format!("{peer} listed its methods earlier, in {}", seen.start_line),
                ));
                seen.methods.clone()
            }
            None => Vec::new(),
        }
    } else {
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Allow));
        own_allow
    };

    d.message = match code {
        405 => format!("405 Method Not Allowed: {peer} does not allow {method} here"),
        _ => format!("501 Not Implemented: {peer} does not implement {method}"),
    };
    if contains_token(&allow, method) {
        d.evidence.push(Evidence::note(
            response.frame,
            format!("Allow lists {method} although the peer refused it"),
        ));
    }
    d.fix = Some(alternative(method, &allow).into());
    d
}

/// The usual replacement for a refused method, given what the peer allows.
fn alternative(method: &str, allow: &[String]) -> String {
    let allowed = if allow.is_empty() {
        "the peer's Allow list is not in the capture: send it OPTIONS to learn it".to_string()
    } else {
        format!("the peer allows {}", allow.join(", "))
    };
    let upper = method.to_ascii_uppercase();
    match upper.as_str() {
        "INFO" => format!(
            "send DTMF as RFC 4733 telephone-event in RTP (offer `telephone-event/8000` in the SDP) instead of SIP INFO; {allowed}"
        ),
        "UPDATE" if allow.is_empty() || contains_token(allow, "INVITE") => format!(
            "change the session with a re-INVITE instead of UPDATE, and send UPDATE only to peers that list it in Allow (RFC 3311 §5.1); {allowed}"
        ),
        "PRACK" => format!(
            "stop relying on reliable provisional responses towards this peer: drop `100rel` from Require; {allowed}"
        ),
        "MESSAGE" => format!(
            "do not send instant messages to this target, or route them to a server that accepts MESSAGE (RFC 3428); {allowed}"
        ),
        "REFER" => format!(
            "the peer cannot be asked to transfer: transfer on the controller's side (re-INVITE towards the new target) or disable blind/attended transfer towards it; {allowed}"
        ),
        "SUBSCRIBE" | "NOTIFY" | "PUBLISH" => format!(
            "disable the event package (presence, dialog, message-summary) towards this peer; {allowed}"
        ),
        _ if allow.is_empty() => format!("do not send {method} to this peer; {allowed}"),
        _ => format!(
            "use one of the methods the peer allows instead of {method}: {}",
            allow.join(", ")
        ),
    }
}
