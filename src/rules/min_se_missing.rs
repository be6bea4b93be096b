//! SD1422 min-se-missing: a 422 without the Min-SE header RFC 4028 requires

use super::{Diagnostic, Evidence, Rule, Scope, Severity, request_and_response, responses_in};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD1422",
    name: "min-se-missing",
    default_severity: Severity::Warning,
    summary: "422 Session Interval Too Small without Min-SE: the client cannot tell which interval to ask for",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 422 response: it must carry Min-SE (RFC 4028 §6: a 422 must carry Min-SE with the smallest session interval the server accepts). The rule reports a 422 without it.

Why it matters
  Without Min-SE the client can only guess a larger Session-Expires, and may fail again.

Example
  INVITE Session-Expires: 60 → 422 Session Interval Too Small (no Min-SE)

How to fix
  Make the server send Min-SE in its 422; meanwhile configure the client's session interval\n  to 1800 s (the RFC 4028 recommendation).

References
  RFC 4028 §5, RFC 4028 §6";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[422]) {
        if !response.msg.header_all(HeaderName::MinSE).is_empty() {
            continue;
        }
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = "RFC 4028 §6: a 422 must carry Min-SE with the smallest session interval the server accepts".into();
        request_and_response(&mut d, scope.call, response);
        d.evidence.push(Evidence::note(
            response.frame,
            "the 422 has no Min-SE header",
        ));
        d.message = format!(
            "422 from {} without Min-SE: it does not say which session interval it accepts",
            response.src
        );
        d.fix = Some("the server must send Min-SE with its 422 (RFC 4028 §6); meanwhile use Session-Expires: 1800 on the client".into());
        out.push(d);
    }
}
