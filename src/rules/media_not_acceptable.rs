//! SD0488 media-not-acceptable: 488/606 with the offer's codecs, the Warning code and what the peer has.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, format_names, meaning, request_and_response,
    responses_in, status_text,
};
use crate::sip::HeaderName;

pub(super) const RULE: Rule = Rule {
    id: "SD0488",
    name: "media-not-acceptable",
    default_severity: Severity::Error,
    summary: "488/606: the peer accepts none of the offered media; shows the offer and the Warning code",
    explanation: EXPLANATION,
    check: super::Check::Failure(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 488 Not Acceptable Here and 606 Not Acceptable. It lists the codecs of the request's
  SDP offer per media line, reads the Warning header (3xx warning codes name the media
  problem: 304 media type not available, 305 incompatible media format, 306 attribute not
  understood, 307 session description parameter not understood), and when the response
  carries an SDP of its own (RFC 3261 §21.4.26 allows the callee to say what it supports),
  shows the intersection by codec name and clock rate, which is empty.

Why it matters
  No common codec means no call: the callee, a gateway or an SBC could not find anything in
  the offer it can send or receive. The usual causes are codec lists that were trimmed on one
  side (G.729 only against G.711 only), SRTP against RTP (`RTP/SAVP` vs `RTP/AVP`), or
  video or T.38 lines the peer refuses.

Example
  INVITE  m=audio 6100 RTP/AVP 0 8 101
  488     Warning: 305 gw.example \"Incompatible media format\"

How to fix
  Add a codec both sides support (G.711 PCMU/PCMA is the common ground) to the caller's offer
  or to the callee's allowed list; align SRTP settings; enable transcoding on the SBC.

References
  RFC 3261 §20.43, RFC 3261 §21.4.26, RFC 3261 §21.6.4, RFC 3264 §6";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_in(scope.call, &[488, 606]) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = response.status().map(meaning).unwrap_or_default();
        let request = request_and_response(&mut d, scope.call, response);
        let offer = request
            .and_then(|r| r.msg.sdp_ref())
            .and_then(|s| s.as_ref().ok());
        let mut offered = Vec::new();
        if let (Some(offer), Some(req)) = (offer, request) {
            for m in &offer.media {
                let names = format_names(&m.formats);
                offered.push(format!("{} {}", m.kind, names));
                d.evidence.push(Evidence::note(
                    req.frame,
                    format!("offer m={} {} {}: {}", m.kind, m.port, m.proto, names),
                ));
            }
        } else if request.is_some() {
            d.evidence.push(Evidence::note(
                response.frame,
                "the request carries no SDP offer (offer in a later message?)",
            ));
        }
        d.evidence
            .extend(Evidence::headers(response, HeaderName::Warning));
        let warnings = response.msg.warnings();
        let media_warning = warnings.iter().find(|w| (300..=399).contains(&w.code));
        if let Some(Ok(answer)) = response.msg.sdp_ref() {
            for m in &answer.media {
                d.evidence.push(Evidence::note(
                    response.frame,
                    format!(
                        "the peer supports m={}: {}",
                        m.kind,
                        format_names(&m.formats)
                    ),
                ));
                if let Some(o) = offer.and_then(|o| o.media.iter().find(|om| om.kind == m.kind)) {
                    let common = format_names(crate::sip::common_formats(o, m));
                    d.evidence.push(Evidence::note(
                        response.frame,
                        format!("common codecs for m={}: {{{common}}}", m.kind),
                    ));
                }
            }
        }
        d.message = status_text(response);
        match media_warning {
            Some(w) => d.message.push_str(&format!(
                ": warning {} \"{}\" from {}",
                w.code, w.text, w.agent
            )),
            None if warnings.is_empty() => {
                d.evidence.push(Evidence::note(
                    response.frame,
                    "no Warning header says which part of the offer was refused",
                ));
            }
            None => {}
        }
        if !offered.is_empty() {
            d.message
                .push_str(&format!("; offered {}", offered.join("; ")));
        }
        d.fix = Some(match media_warning.map(|w| w.code) {
            Some(304) => "the peer does not take this media type: remove or disable the refused m= line (port 0)".into(),
            Some(306) | Some(307) => "an SDP attribute or parameter is not understood: remove it from the offer".into(),
            _ => "offer a codec the peer supports (G.711 PCMU/PCMA as common ground), align RTP/SRTP profiles, or transcode on the SBC".into(),
        });
        out.push(d);
    }
}
