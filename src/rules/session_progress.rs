//! SD0183 session-progress: early media or not, and how the answer compares with the offer.

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, format_names, meaning, push_decimal,
    push_format_names, push_ip, responses_with,
};
use crate::correlate::Record;
use crate::sip::{HeaderName, Media, Method, Sdp, StatusCode, common_formats};

pub(super) const RULE: Rule = Rule {
    id: "SD0183",
    name: "session-progress",
    default_severity: Severity::Info,
    summary: "183 Session Progress: early media or not, codecs and direction against the offer",
    explanation: EXPLANATION,
    check: super::Check::Call(check),
};

const EXPLANATION: &str = "\
What it checks
  Every 183 Session Progress. With an SDP body the callee (or a gateway on its behalf) opens
  early media: the rule shows the answer's codecs and direction against the INVITE's offer,
  and whether any codec is common. Without SDP there is no early media and the caller
  should play its own ringback. A 183 sent reliably (Require: 100rel with RSeq) must be
  acknowledged with PRACK; the rule says whether it was.

Why it matters
  183 with SDP is how PSTN gateways play announcements and ringback tones before answer.
  When the caller hears silence, the cause is usually there: an answer with no codec in
  common with the offer, a direction that blocks the caller (`inactive`, or `sendonly`
  from the caller's side), a reliable 183 never PRACKed, or a 183 without SDP to a phone
  that waits for early media instead of generating ringback.

Example
  INVITE  m=audio 6000 RTP/AVP 0 8 101
  183     m=audio 7000 RTP/AVP 8 101, a=sendonly   → early media in PCMA, callee to caller

How to fix
  Nothing, when early media is intended and the codecs match. Otherwise: align the codec
  lists; make the gateway send SDP in 183 if the caller expects network ringback, or make
  the caller generate local ringback on 183 without SDP; PRACK reliable provisional
  responses (RFC 3262).

References
  RFC 3261 §21.1.5, RFC 3262 §3, RFC 3264 §6, RFC 3960 §3, RFC 5009 §3";

fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    for response in responses_with(scope.call, 183) {
        let mut d = Diagnostic::about(&RULE, scope, response);
        d.why = meaning(StatusCode(183));
        let request = scope.call.request_for(response);
        if let Some(request) = request {
            d.evidence.push(Evidence::start_line(request));
        }
        d.evidence.push(Evidence::start_line(response));

        match response.msg.sdp_ref() {
            Some(Ok(answer)) => early_media(&mut d, request, response, answer),
            Some(Err(e)) => {
                d.severity = Severity::Warning;
                d.message = "183 Session Progress with an SDP body that does not parse".to_string();
                d.evidence
                    .push(Evidence::note(response.frame, format!("SDP error: {e}")));
                d.fix = Some("fix the SDP the callee side sends in 183 (RFC 4566 syntax)".into());
            }
            None => {
                d.message =
                    "183 Session Progress without SDP: no early media, the caller should play local ringback"
                        .to_string();
                d.evidence
                    .extend(Evidence::headers(response, HeaderName::ContentLength));
                d.fix = Some(
                    "if the caller hears silence, make it generate local ringback on a 183 without SDP, or have the callee side send 180 Ringing (or SDP for network ringback)".into(),
                );
            }
        }
        reliability(scope, &mut d, response);
        if response.msg.sdp_ref().is_some() {
            d.evidence.extend(super::media_flow::early_media_notes(
                scope.call,
                scope.capture,
                response,
            ));
        }
        out.push(d);
    }
}

fn early_media(d: &mut Diagnostic, request: Option<&Record>, response: &Record, answer: &Sdp) {
    let offer = request
        .and_then(|r| r.msg.sdp_ref())
        .and_then(|s| s.as_ref().ok());
    // The streams that are not disabled, for the message: `audio PCMA/8000 (sendonly); ...`.
    // The texts are written piece by piece: every 183 with SDP gets them.
    let mut streams = String::with_capacity(64);
    let mut no_common = false;
    for (i, media) in answer.media.iter().enumerate() {
        let codecs = format_names(&media.formats);
        let direction = media.effective_direction(answer);
        let offered = offer.and_then(|o| {
            o.media
                .get(i)
                .or_else(|| o.media.iter().find(|m| m.kind == media.kind))
        });
        if let (Some(o), Some(req)) = (offered, request) {
            let mut note = String::with_capacity(128);
            note.push_str("offer m=");
            push_stream(
                &mut note,
                o,
                o.connection.or(offer.and_then(|s| s.connection)),
                &format_names(&o.formats),
                offer.map_or("sendrecv", |s| o.effective_direction(s).as_str()),
            );
            d.evidence.push(Evidence::note(req.frame, note));
            d.evidence
                .push(answer_note(response, answer, media, &codecs, direction));
            let common = common_formats(o, media);
            if !common.is_empty() {
                let mut note = String::with_capacity(64);
                note.push_str("codecs in common: ");
                push_format_names(&mut note, common);
                d.evidence.push(Evidence::note(response.frame, note));
            } else if media.port != 0 {
                no_common = true;
                let mut note = String::from("no codec in common with the offer for m=");
                note.push_str(&media.kind);
                d.evidence.push(Evidence::note(response.frame, note));
            }
        }
        if offered.is_none() || request.is_none() {
            d.evidence
                .push(answer_note(response, answer, media, &codecs, direction));
        }
        if media.port != 0 {
            if !streams.is_empty() {
                streams.push_str("; ");
            }
            streams.push_str(&media.kind);
            streams.push(' ');
            streams.push_str(&codecs);
            streams.push_str(" (");
            streams.push_str(direction.as_str());
            streams.push(')');
        }
    }
    if offer.is_none() {
        d.evidence.push(Evidence::note(
            response.frame,
            "the INVITE's SDP offer is not in the capture (offer in a later message, or request missing)",
        ));
    }
    d.message = String::with_capacity(128);
    d.message
        .push_str("183 Session Progress with SDP: early media ");
    if streams.is_empty() {
        d.message.push_str("with every stream disabled (port 0)");
    } else {
        d.message.push_str(&streams);
    }
    if no_common {
        d.severity = Severity::Warning;
        d.message.push_str("; no codec in common with the offer");
        d.fix = Some(
            "align the codec lists: the early-media answer must use a payload format from the offer (RFC 3264 §6.1)".into(),
        );
    }
}

/// Appends `{kind} {target}: {codecs} ({direction})`, the target being
/// `192.0.2.7:6000`, or `port 6000` when the SDP has no address.
fn push_stream(
    out: &mut String,
    media: &Media,
    address: Option<std::net::IpAddr>,
    codecs: &str,
    direction: &str,
) {
    out.push_str(&media.kind);
    out.push(' ');
    match address {
        Some(ip) => {
            push_ip(out, ip);
            out.push(':');
        }
        None => out.push_str("port "),
    }
    push_decimal(out, media.port.into());
    out.push_str(": ");
    out.push_str(codecs);
    out.push_str(" (");
    out.push_str(direction);
    out.push(')');
}

/// `answer m=audio 192.0.2.7:6000: PCMA/8000 (sendonly)`.
fn answer_note(
    response: &Record,
    answer: &Sdp,
    media: &Media,
    codecs: &str,
    direction: crate::sip::Direction,
) -> Evidence {
    let mut note = String::with_capacity(128);
    note.push_str("answer m=");
    push_stream(
        &mut note,
        media,
        media.connection.or(answer.connection),
        codecs,
        direction.as_str(),
    );
    Evidence::note(response.frame, note)
}

/// A reliable 183 (Require: 100rel and RSeq) should be acknowledged with PRACK.
fn reliability(scope: &Scope<'_>, d: &mut Diagnostic, response: &Record) {
    // RSeq first: most 183s have none, and then Require need not be split.
    let Some(rseq) = response.msg.rseq() else {
        return;
    };
    let reliable = response
        .msg
        .tokens(HeaderName::Require)
        .iter()
        .any(|t| t.eq_ignore_ascii_case("100rel"));
    if !reliable {
        return;
    }
    d.evidence
        .extend(Evidence::headers(response, HeaderName::Require));
    d.evidence
        .extend(Evidence::headers(response, HeaderName::RSeq));
    let prack = scope.call.records.iter().find(|r| {
        r.msg.method() == Some(&Method::Prack) && r.msg.rack().is_some_and(|a| a.rseq == rseq)
    });
    match prack {
        Some(p) => d.evidence.push(Evidence::note(
            p.frame,
            format!("PRACK for RSeq {rseq} sent"),
        )),
        None => {
            d.severity = d.severity.max(Severity::Warning);
            d.evidence.push(Evidence::note(
                response.frame,
                format!("reliable 183 (RSeq {rseq}) never acknowledged with PRACK"),
            ));
            d.message.push_str("; sent reliably but never PRACKed");
            d.fix = Some(
                "the caller must answer a reliable provisional response with PRACK (RFC 3262 §4), or the callee should not require 100rel".into(),
            );
        }
    }
}
