//! SD0408 request-timeout: a 408 response, with every transmission of the request.

use super::{
    Diagnostic, Rule, Scope, Severity, meaning, request_and_response, responses_in, seconds,
    transmission_notes,
};
use crate::sip::StatusCode;

pub(super) const RULE: Rule = Rule {
    id: "SD0408",
    name: "request-timeout",
    default_severity: Severity::Error,
    summary: "408 Request Timeout: a server or proxy gave up waiting; lists the request's transmissions",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 408 Request Timeout. It lists every transmission of the request (first copy and
  retransmissions, with time offsets) and how long after the first one the 408 came.

Why it matters
  A proxy sends 408 when the next hop never answered within timer B or F (64×T1, 32 s with
  T1 = 500 ms) or its own timer C; a registrar or UAS when it could not complete the request
  in time. The next hop is down, unreachable (firewall, NAT binding, wrong port or
  transport), or too slow.

Example
  INVITE → 100 Trying … 32 s … 408 Request Timeout

How to fix
  Check that the next hop is up and reachable on the address, port and transport the proxy
  uses (try OPTIONS); check firewalls and NAT keep-alives; look at the proxy's routing.

References
  RFC 3261 §16.7, RFC 3261 §16.8, RFC 3261 §17.1.1.2, RFC 3261 §17.1.2.2, RFC 3261 §21.4.9";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[408]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(408));
        let request = request_and_response(&mut d, scope.call, response);
        d.evidence
            .extend(transmission_notes(scope.call, response.tx));
        d.message = match request {
            Some(r) => format!(
                "408 Request Timeout from {} {} after the {}",
                response.src,
                seconds(response.ts.duration_since(r.ts)),
                r.msg.method().map_or("request", |m| m.as_str())
            ),
            None => format!("408 Request Timeout from {}", response.src),
        };
        d.fix = Some("check that the next hop behind the server is up and reachable (address, port, transport, firewall, NAT)".into());
        out.push(d);
    }
}
