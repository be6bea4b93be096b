//! SD2003 cseq-method-mismatch: a response whose CSeq method is not its request's method.

use super::{Diagnostic, Evidence, Rule, Scope, Severity};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD2003",
    name: "cseq-method-mismatch",
    default_severity: Severity::Error,
    summary: "a response whose CSeq method differs from the method of the request it answers",
    explanation: EXPLANATION,
    check: super::Check::Call(check),
};

const EXPLANATION: &str = "\
What it checks
  Responses that carry the branch and sent-by of a captured request but a CSeq whose method
  differs from that request's method. RFC 3261 §8.2.6.2 makes a response copy CSeq from
  its request; clients match responses to transactions by branch and CSeq method
  (RFC 3261 §17.1.3), so such a response matches no transaction.

Why it matters
  The client discards the response and keeps retransmitting its request until it times out:
  a request that was answered still fails. This is a bug in the responding server, an SBC
  or an ALG rewriting headers.

Example
  MESSAGE (CSeq: 1 MESSAGE) → 200 OK (CSeq: 1 OPTIONS)

How to fix
  Fix the server (or the middlebox) so that it copies CSeq from the request unchanged.

References
  RFC 3261 §8.2.6.2, RFC 3261 §17.1.3, RFC 3261 §20.16";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    for response in call
        .records
        .iter()
        .filter(|r| !r.retransmission && !r.msg.is_request())
    {
        let Some(other) = call.same_branch_request(response.tx) else {
            continue;
        };
        let Some(request) = call.request_of(other) else {
            continue;
        };
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = "a response copies CSeq from its request (RFC 3261 §8.2.6.2); the client matches it by CSeq method and discards this one".into();
        d.evidence.push(Evidence::start_line(request));
        d.evidence
            .extend(Evidence::headers(request, HeaderName::CSeq));
        d.evidence.push(Evidence::start_line(response));
        d.evidence
            .extend(Evidence::headers(response, HeaderName::CSeq));
        let req_method = request.msg.method().map_or("?", |m| m.as_str()).to_string();
        let resp_method = response
            .msg
            .cseq()
            .map(|c| c.method.as_str().to_string())
            .unwrap_or_default();
        d.message = format!(
            "{} answers the {req_method} of frame {} with CSeq method {resp_method}",
            response.msg.start_line_text(),
            request.frame
        );
        d.fix = Some(
            format!(
                "make {} copy CSeq from the request unchanged (here `{} {req_method}`)",
                response.src,
                request.msg.cseq().map_or(0, |c| c.seq)
            )
            .into(),
        );
        out.push(d);
    }
}
