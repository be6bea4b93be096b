//! SD2002 ack-missing: a final response to INVITE never acknowledged (64×T1).

use super::{Diagnostic, Evidence, Rule, Scope, Severity, one_direction_only, seconds};
use crate::sip::Method;

pub(super) const RULE: Rule = Rule {
    id: "SD2002",
    name: "ack-missing",
    default_severity: Severity::Error,
    summary: "a final response to INVITE never acknowledged with ACK within 64×T1",
    explanation: EXPLANATION,
    check: super::Check::Call(check),
};

const EXPLANATION: &str = "\
What it checks
  Every final response to an INVITE. A 2xx must be acknowledged by an ACK of its own
  (RFC 3261 §13.2.2.4), which the callee waits for while retransmitting the 2xx for 64×T1
  (RFC 3261 §13.3.1.4); a 3xx–6xx by an ACK in the INVITE transaction, waited for by
  timer H (64×T1, RFC 3261 §17.2.1). The rule reports a final response without ACK when the
  capture runs at least 64×T1 past it, and says when the capture ends too early to tell.

Why it matters
  A 2xx never ACKed makes the callee end the call after 32 s with a BYE: the classic
  \"call drops after 32 seconds\". The ACK is usually lost on its way: sent to the wrong
  address (Contact or Record-Route not reachable through NAT), or dropped by a firewall or
  an SBC.

Severity
  error when the capture runs past 64×T1 without the ACK; info when it ends earlier. A
  capture with only one direction of the call is reported by SD3002 instead.

Example
  INVITE → 200 OK, 200 OK (+0.5 s), 200 OK (+1.5 s) … no ACK; BYE from the callee at +32 s

How to fix
  Make the caller send the ACK to the 2xx's Contact through the Record-Route path; fix the
  Contact the callee sends (a private address behind NAT); check SBC and firewall rules.

References
  RFC 3261 §13.2.2.4, RFC 3261 §13.3.1.4, RFC 3261 §17.1.1.3, RFC 3261 §17.2.1";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let timeout = scope.capture.timers.transaction_timeout();
    // SD3002 reports a capture with one direction only.
    if one_direction_only(call) {
        return;
    }
    for (tx, t) in call.transactions.iter().enumerate() {
        if t.method != Method::Invite {
            continue;
        }
        let Some(fin) = call.final_response(tx) else {
            continue;
        };
        let success = fin.status().is_some_and(|s| s.is_success());
        if (success && t.ack_2xx.is_some()) || (!success && t.ack.is_some()) {
            continue;
        }
        // A 2xx ACK that the 2xx-matching could not tie (new CSeq or branch) still counts.
        if success
            && call.records.iter().any(|r| {
                r.frame > fin.frame
                    && r.msg.method() == Some(&Method::Ack)
                    && r.msg.cseq().is_some_and(|c| c.seq == t.cseq)
            })
        {
            continue;
        }
        let mut d = Diagnostic::about(&RULE, scope, fin);
        if let Some(r) = call.request_of(tx) {
            d.evidence.push(Evidence::start_line(r));
        }
        d.evidence.push(Evidence::start_line(fin));
        let copies: Vec<String> = t
            .responses
            .iter()
            .filter_map(|&i| call.records.get(i))
            .filter(|r| r.retransmission && r.status() == fin.status())
            .map(|r| {
                format!(
                    "+{:.3} s (frame {})",
                    r.ts.duration_since(fin.ts).as_secs_f64(),
                    r.frame
                )
            })
            .collect();
        if !copies.is_empty() {
            d.evidence.push(Evidence::note(
                fin.frame,
                format!(
                    "the {} was retransmitted {} times: {}",
                    fin.status().map_or(0, |s| s.0),
                    copies.len(),
                    copies.join(", ")
                ),
            ));
        }
        if let Some(bye) = call
            .records
            .iter()
            .find(|r| r.frame > fin.frame && r.msg.method() == Some(&Method::Bye))
        {
            d.evidence.push(Evidence::note(
                bye.frame,
                format!(
                    "BYE from {} {} after the {}",
                    bye.src,
                    seconds(bye.ts.duration_since(fin.ts)),
                    fin.status().map_or(0, |s| s.0)
                ),
            ));
        }
        let after = scope.capture.captured_after(fin.ts);
        let code = fin.status().map_or(0, |s| s.0);
        d.why = format!(
            "the callee waits 64×T1 = {} for the ACK of its final response, then gives up (RFC 3261 §13.3.1.4, §17.2.1 timer H)",
            seconds(timeout)
        )
        .into();
        if after >= timeout {
            d.message = format!(
                "the {code} to INVITE was never acknowledged: no ACK within 64×T1 = {}",
                seconds(timeout)
            );
            d.evidence.push(Evidence::note(
                fin.frame,
                format!("the capture runs {} after the {code}", seconds(after)),
            ));
            d.fix = Some(if success {
                format!(
                    "make {} send the ACK to the 2xx's Contact ({}) through its Record-Route path; check NAT, SBC and firewall on that path",
                    fin.dst,
                    fin.msg
                        .contacts()
                        .first()
                        .map_or_else(|| "none given".into(), |c| c.uri.clone())
                )
                .into()
            } else {
                format!(
                    "make {} acknowledge the {code} (RFC 3261 §17.1.1.3)",
                    fin.dst
                )
                .into()
            });
        } else {
            d.severity = Severity::Info;
            d.message = format!(
                "no ACK for the {code} to INVITE, but the capture ends {} after it, before 64×T1 = {}: too early to tell",
                seconds(after),
                seconds(timeout)
            );
        }
        out.push(d);
    }
}
