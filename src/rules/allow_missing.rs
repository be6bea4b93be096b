//! SD1405 allow-missing: a 405 without the Allow header RFC 3261 requires

use super::{Diagnostic, Evidence, Rule, Scope, Severity, request_and_response, responses_in};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD1405",
    name: "allow-missing",
    default_severity: Severity::Warning,
    summary: "405 Method Not Allowed without Allow: the client cannot learn which methods to use",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 405 response: it must carry Allow (RFC 3261 §21.4.6: a 405 must list the methods the target allows in Allow). The rule reports a 405 without it.

Why it matters
  Without Allow the client cannot tell which method would work (re-INVITE instead of UPDATE, RFC 4733\n  DTMF instead of INFO) and has to guess or give up.

Example
  MESSAGE → 405 Method Not Allowed (no Allow)

How to fix
  Make the server add Allow to its 405 responses; until then, send OPTIONS to learn its methods.

References
  RFC 3261 §20.5, RFC 3261 §21.4.6";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[405]) {
        if !response.msg.header_all(HeaderName::Allow).is_empty() {
            continue;
        }
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = "RFC 3261 §21.4.6: a 405 must list the methods the target allows in Allow".into();
        request_and_response(&mut d, scope.call, response);
        d.evidence.push(Evidence::note(
            response.frame,
            "the 405 has no Allow header",
        ));
        d.message = format!(
            "405 from {} without Allow: it does not say which methods it allows",
            response.src
        );
        d.fix = Some("the server must list its methods in Allow (RFC 3261 §21.4.6); send it OPTIONS to learn them meanwhile".into());
        out.push(d);
    }
}
