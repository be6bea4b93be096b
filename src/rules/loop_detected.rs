//! SD0482 loop-or-too-many-hops: 482 Loop Detected and 483 Too Many Hops with Max-Forwards and Via.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, meaning, request_and_response, responses_in,
    status_text,
};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD0482",
    name: "loop-or-too-many-hops",
    default_severity: Severity::Error,
    summary: "482/483: the request looped or ran out of Max-Forwards; shows Max-Forwards and the Via path",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 482 Loop Detected and 483 Too Many Hops. It shows the request's Max-Forwards and
  its Via path (how many hops it crossed, and any sent-by that appears twice: a loop).

Why it matters
  Each proxy decrements Max-Forwards (70 at the start) and adds a Via. A request that
  reaches 0 was either routed in a circle between proxies (a routing loop) or started with
  a too small value. Loops usually come from two servers that each route the number to the
  other, or from a proxy that routes a request back to itself.

Example
  INVITE  Max-Forwards: 0, Via: 127.0.0.1:5061, 192.0.2.10:5060, 192.0.2.20:5060
  483     Too Many Hops

How to fix
  Follow the Via path to find the servers routing in a circle and fix their routes; make
  clients start with Max-Forwards: 70 (RFC 3261 §8.1.1.6).

References
  RFC 3261 §8.1.1.6, RFC 3261 §16.3, RFC 3261 §16.6, RFC 3261 §21.4.20, RFC 3261 §21.4.21";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[482, 483]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = response.status().map(meaning).unwrap_or_default();
        let request = request_and_response(&mut d, scope.call, response);
        d.message = status_text(response);
        if let Some(r) = request {
            d.evidence
                .extend(Evidence::headers(r, HeaderName::MaxForwards));
            let vias = r.msg.vias();
            let path: Vec<String> = vias.iter().map(|v| v.sent_by()).collect();
            d.evidence.push(Evidence::note(
                r.frame,
                format!("Via path ({} entries): {}", path.len(), path.join(" ← ")),
            ));
            let repeated: Vec<&String> = path
                .iter()
                .enumerate()
                .filter(|(i, p)| path.iter().skip(i + 1).any(|q| q == *p))
                .map(|(_, p)| p)
                .collect();
            match r.msg.max_forwards() {
                Some(mf) => d.message.push_str(&format!(
                    ": the request arrived with Max-Forwards {mf} after {} hops",
                    path.len()
                )),
                None => d.message.push_str(": the request carries no Max-Forwards"),
            }
            if !repeated.is_empty() {
                let list: Vec<&str> = repeated.iter().map(|s| s.as_str()).collect();
                d.evidence.push(Evidence::note(
                    r.frame,
                    format!(
                        "{} appears more than once in Via: a routing loop",
                        list.join(", ")
                    ),
                ));
                d.message.push_str("; the Via path loops");
            }
            d.fix = Some(
                if r.msg.max_forwards().is_some_and(|m| m < 10) && path.len() < 10 {
                    "the request started with a too small Max-Forwards: clients must send Max-Forwards: 70 (RFC 3261 §8.1.1.6)".into()
                } else {
                    "follow the Via path to the servers that route the request in a circle and fix their routing".into()
                },
            );
        }
        out.push(d);
    }
}
