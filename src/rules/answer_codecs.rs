//! SD4001 answer-without-common-codec: a 2xx whose SDP answer shares no codec with the offer.

use super::{Diagnostic, Evidence, Rule, Scope, Severity, format_names, has_common_format};
use crate::sip::Method;

pub(super) const RULE: Rule = Rule {
    id: "SD4001",
    name: "answer-without-common-codec",
    default_severity: Severity::Error,
    summary: "a 2xx to INVITE whose SDP answer shares no codec with the offer",
    explanation: EXPLANATION,
    check: super::Check::Call(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 2xx answering an INVITE with an SDP body. For each media line of the answer that is
  not rejected (port 0), it intersects its payload formats with the offer's by encoding name
  and clock rate (payload type numbers may differ for dynamic types) and reports a line whose
  intersection is empty.

Why it matters
  The call is answered but cannot carry media: the caller hears silence, or drops the call
  after sending BYE with a 488-style reason. An answer must pick from the offer
  (RFC 3264 §6.1); a peer that answers with its own list instead is broken or misconfigured,
  often a gateway with a fixed codec.

Example
  INVITE  m=audio 6100 RTP/AVP 0 8 101   (PCMU, PCMA, telephone-event)
  200 OK  m=audio 6000 RTP/AVP 18        (G729)   → common codecs: {}

How to fix
  Make the answerer choose a codec from the offer, or add the answerer's codec to the
  offer; if neither is possible, transcode on an SBC.

References
  RFC 3264 §5.1, RFC 3264 §6.1, RFC 4566 §5.14";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    for response in call.records.iter().filter(|r| {
        !r.retransmission
            && r.status().is_some_and(|s| s.is_success())
            && call
                .transactions
                .get(r.tx)
                .is_some_and(|t| t.method == Method::Invite)
    }) {
        let Some(Ok(answer)) = response.msg.sdp_ref() else {
            continue;
        };
        let Some(request) = call.request_for(response) else {
            continue;
        };
        let Some(Ok(offer)) = request.msg.sdp_ref() else {
            continue;
        };
        for (i, m) in answer.media.iter().enumerate() {
            if m.port == 0 {
                continue;
            }
            let Some(o) = offer
                .media
                .get(i)
                .filter(|o| o.kind == m.kind)
                .or_else(|| offer.media.iter().find(|o| o.kind == m.kind))
            else {
                continue;
            };
            if has_common_format(o, m) {
                continue;
            }
            let offered = format_names(&o.formats);
            let answered = format_names(&m.formats);
            let mut d = Diagnostic::about(&RULE, scope, response);
            d.why = "an SDP answer must use formats from the offer (RFC 3264 §6.1); without a common codec no media can flow".into();
            d.evidence.push(Evidence::start_line(request));
            d.evidence.push(Evidence::note(
                request.frame,
                format!("offer m={}: {}", o.kind, offered),
            ));
            d.evidence.push(Evidence::start_line(response));
            d.evidence.push(Evidence::note(
                response.frame,
                format!("answer m={}: {}", m.kind, answered),
            ));
            d.evidence.push(Evidence::note(
                response.frame,
                format!("common codecs for m={}: {{}}", m.kind),
            ));
            d.message = format!(
                "the {} answer for m={} shares no codec with the offer: offered {}, answered {}",
                response.status().map_or(200, |s| s.0),
                m.kind,
                offered,
                answered
            );
            d.fix = Some(format!(
                "make {} answer with a codec from the offer ({}), or add {} to the caller's offer",
                response.src, offered, answered
            ).into());
            out.push(d);
        }
    }
}
