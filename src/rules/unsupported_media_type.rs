//! SD0415 unsupported-media-type: the request's Content-Type against the response's Accept.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, contains_token, meaning, quoted_list,
    request_and_response, responses_in,
};
use crate::sip::{HeaderName, StatusCode};

pub(super) const RULE: Rule = Rule {
    id: "SD0415",
    name: "unsupported-media-type",
    default_severity: Severity::Error,
    summary: "415 Unsupported Media Type: the body's Content-Type against the peer's Accept",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 415 Unsupported Media Type. It compares the request's Content-Type (and
  Content-Encoding) with the Accept, Accept-Encoding and Accept-Language headers of the
  response, which RFC 3261 §21.4.13 asks the server to include.

Why it matters
  The peer cannot read the body: an instant message in text/html to a device that takes
  only text/plain, an INFO with a DTMF body type the peer does not know, a multipart body
  where only application/sdp is expected.

Example
  MESSAGE  Content-Type: text/html
  415      Accept: text/plain, message/cpim

How to fix
  Send the body in one of the types the response accepts, or leave the body out.

References
  RFC 3261 §8.2.3, RFC 3261 §20.1, RFC 3261 §21.4.13";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[415]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(415));
        let request = request_and_response(&mut d, scope.call, response);
        let sent = request.and_then(|r| r.msg.content_type());
        if let Some(r) = request {
            d.evidence
                .extend(Evidence::headers(r, HeaderName::ContentType));
        }
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Accept));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::AcceptEncoding));
        let accept = response.msg.tokens(HeaderName::Accept);
        let accept_types: Vec<String> = accept
            .iter()
            .map(|a| a.split(';').next().unwrap_or("").trim().to_string())
            .collect();
        let sent_text = sent.clone().unwrap_or_else(|| "no body type".to_string());
        if accept.is_empty() {
            d.evidence.push(Evidence::note(
                response.frame,
                "the 415 has no Accept header (RFC 3261 §21.4.13 asks for one)",
            ));
            d.message = format!(
                "415 Unsupported Media Type: {} cannot read {sent_text} and does not say what it accepts",
                response.src
            );
            d.fix = Some("send the body as text/plain or application/sdp, or ask the peer's vendor which types it accepts".into());
        } else {
            d.message = format!(
                "415 Unsupported Media Type: {} accepts {}, the request sent {sent_text}",
                response.src,
                quoted_list(&accept_types)
            );
            if sent
                .as_deref()
                .is_some_and(|s| contains_token(&accept_types, s))
            {
                d.evidence.push(Evidence::note(
                    response.frame,
                    format!("Accept lists {sent_text}: the refusal is about the encoding or a parameter, not the type"),
                ));
            }
            d.fix = Some(format!("send the body as {}", quoted_list(&accept_types)).into());
        }
        out.push(d);
    }
}
