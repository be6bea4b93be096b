//! SD0481 no-such-dialog: 481 Call/Transaction Does Not Exist against the dialogs of the call.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, meaning, request_and_response, responses_in,
};
use crate::sip::StatusCode;

pub(super) const RULE: Rule = Rule {
    id: "SD0481",
    name: "no-such-dialog",
    default_severity: Severity::Error,
    summary: "481: the peer knows no dialog or transaction for the request; compares its tags with the call's dialogs",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 481 Call/Transaction Does Not Exist. It compares the request's Call-ID, From tag and
  To tag with the dialogs sipdiag saw established in the call, and for CANCEL with the
  INVITE transaction it should cancel.

Why it matters
  The peer has no state for the request: a BYE or re-INVITE with a wrong or stale To tag
  (an SBC that rewrites tags, a forked call answered on another branch), a request sent
  after the peer already ended the call (session timer expiry, a lost BYE), or a peer that
  restarted. The call may stay up on one side.

Example
  INVITE → 200 (To tag 1234) → ACK → BYE (To tag stale-tag-1) → 481

How to fix
  Send in-dialog requests with the tags of the 2xx that established the dialog; check SBCs
  and B2BUAs that rewrite tags; look for an earlier BYE or timeout that ended the dialog.

References
  RFC 3261 §12.2.2, RFC 3261 §15.1.2, RFC 3261 §21.4.19";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let mut responses = responses_in(scope.call, &[481]).peekable();
    if responses.peek().is_none() {
        return;
    }
    // Only a call with a 481 needs its dialogs (building them parses From and To).
    let dialogs = scope.call.dialogs();
    for response in responses {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(481));
        let request = request_and_response(&mut d, scope.call, response);
        let method = request
            .and_then(|r| r.msg.method().map(|m| m.as_str().to_string()))
            .unwrap_or_else(|| "request".to_string());
        d.message = format!("481 Call/Transaction Does Not Exist for {method}");
        if let Some(r) = request {
            let from = r
                .msg
                .from_ref()
                .and_then(|f| f.tag.as_deref())
                .unwrap_or_default();
            let to = r
                .msg
                .to_ref()
                .and_then(|t| t.tag.as_deref())
                .unwrap_or_default();
            d.evidence.push(Evidence::note(
                r.frame,
                format!(
                    "request tags: From tag={from}, To tag={}",
                    if to.is_empty() { "(none)" } else { to }
                ),
            ));
            let known = dialogs.iter().find(|dl| {
                (dl.local_tag == from && dl.remote_tag == to)
                    || (dl.local_tag == to && dl.remote_tag == from)
            });
            match known {
                Some(dl) => d.evidence.push(Evidence::note(
                    dl.created_frame,
                    format!("the request's tags match a {} dialog of this call: the peer lost its state or the dialog had ended", dl.state.as_str()),
                )),
                None if !dialogs.is_empty() => {
                    for dl in &dialogs {
                        d.evidence.push(Evidence::note(
                            dl.created_frame,
                            format!("dialog of this call: From tag={}, To tag={} ({})", dl.local_tag, dl.remote_tag, dl.state.as_str()),
                        ));
                    }
                    d.message.push_str(": its tags match no dialog of the call");
                    d.fix = Some(format!(
                        "send the {method} with the dialog's tags (To tag={}) as established by the 2xx",
                        dialogs.iter().map(|dl| dl.remote_tag.as_str()).collect::<Vec<_>>().join(" or ")
                    ).into());
                }
                None => d.evidence.push(Evidence::note(
                    r.frame,
                    "no dialog of this call is in the capture",
                )),
            }
        }
        if d.fix.is_none() {
            d.fix = Some("look for an earlier BYE, CANCEL or timeout that ended the dialog, and for SBCs rewriting tags".into());
        }
        out.push(d);
    }
}
