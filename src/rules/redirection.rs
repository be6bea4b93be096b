//! SD0300 redirection: 3xx responses with their Contact targets, and whether the caller followed.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, meaning, request_and_response, status_text,
};
use crate::sip::{HeaderName, Method};

pub(super) const RULE: Rule = Rule {
    id: "SD0300",
    name: "redirection",
    default_severity: Severity::Info,
    summary: "3xx redirection: the Contact targets and whether the caller tried them",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 3xx response. It lists the Contact targets (with their q-values) the redirect server
  returned and looks for a new INVITE of the same call towards one of them.

Why it matters
  A redirect hands the routing decision back to the caller: the call only proceeds if the
  caller (or its proxy) sends a new request to one of the targets. Many phones and SBCs do
  not follow redirects, or follow only the first target; a 3xx without Contact leaves
  nothing to follow.

Severity
  info; warning when the 3xx has no Contact.

Example
  INVITE → 302 Moved Temporarily, Contact: <sip:carol@192.0.2.5>;q=0.9, <sip:vm@example>;q=0.1

How to fix
  Enable redirect handling on the caller (or let a proxy recurse on 3xx), or have the server
  proxy the call instead of redirecting.

References
  RFC 3261 §8.1.3.4, RFC 3261 §16.7, RFC 3261 §21.3";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    for response in call
        .records
        .iter()
        .filter(|r| !r.retransmission && r.status().is_some_and(|s| (300..=399).contains(&s.0)))
    {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = response.status().map(meaning).unwrap_or_default();
        request_and_response(&mut d, call, response);
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Contact));
        let targets: Vec<String> = response
            .msg
            .contacts()
            .iter()
            .map(|c| c.uri.clone())
            .collect();
        if targets.is_empty() {
            d.severity = Severity::Warning;
            d.message = format!(
                "{} without Contact: nothing to redirect to",
                status_text(response)
            );
            d.evidence.push(Evidence::note(
                response.frame,
                "the redirect has no Contact header",
            ));
            d.fix = Some(
                "the redirect server must list the new targets in Contact (RFC 3261 §21.3)".into(),
            );
            out.push(d);
            continue;
        }
        d.message = format!("{} to {}", status_text(response), targets.join(", "));
        let followed = call.records.iter().find(|r| {
            r.frame > response.frame
                && r.msg.method() == Some(&Method::Invite)
                && r.msg.request_uri().is_some_and(|u| {
                    targets
                        .iter()
                        .any(|t| t.split(';').next() == Some(u.split(';').next().unwrap_or("")))
                })
        });
        match followed {
            Some(r) => d.evidence.push(Evidence::note(
                r.frame,
                format!("the caller followed: {}", r.msg.start_line_text()),
            )),
            None => {
                d.evidence.push(Evidence::note(
                    response.frame,
                    "no INVITE to a Contact target follows in this call (a new call with another Call-ID may)",
                ));
                d.fix = Some("if the call should reach the target, enable redirect handling on the caller or let a proxy recurse on 3xx".into());
            }
        }
        out.push(d);
    }
}
