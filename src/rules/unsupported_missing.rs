//! SD1420 unsupported-missing: a 420 without the Unsupported header RFC 3261 requires

use super::{Diagnostic, Evidence, Rule, Scope, Severity, request_and_response, responses_in};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD1420",
    name: "unsupported-missing",
    default_severity: Severity::Warning,
    summary: "420 Bad Extension without Unsupported: the client cannot tell which option tag to drop",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 420 response: it must carry Unsupported (RFC 3261 §8.2.2.3: a 420 must list the refused option tags in Unsupported). The rule reports a 420 without it.

Why it matters
  The client required one or more extensions; without Unsupported it cannot tell which one\n  the server refused, so it cannot retry without just that tag.

Example
  INVITE Require: 100rel → 420 Bad Extension (no Unsupported)

How to fix
  Make the server list the refused tags in Unsupported; meanwhile move the client's Require\n  tags to Supported.

References
  RFC 3261 §8.2.2.3, RFC 3261 §20.40, RFC 3261 §21.4.15";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[420]) {
        if !response.msg.header_all(HeaderName::Unsupported).is_empty() {
            continue;
        }
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = "RFC 3261 §8.2.2.3: a 420 must list the refused option tags in Unsupported".into();
        request_and_response(&mut d, scope.call, response);
        d.evidence.push(Evidence::note(
            response.frame,
            "the 420 has no Unsupported header",
        ));
        d.message = format!(
            "420 from {} without Unsupported: it does not say which option tag it refuses",
            response.src
        );
        d.fix = Some("the server must list the refused option tags in Unsupported (RFC 3261 §8.2.2.3); meanwhile move the client's Require tags to Supported".into());
        out.push(d);
    }
}
