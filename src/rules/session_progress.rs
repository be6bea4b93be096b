//! SD0183 session-progress: early media or not, and how the answer compares with the offer.

use std::net::{IpAddr, Ipv4Addr, SocketAddrV4};

use super::{
    Diagnostic, Evidence, Rule, Scope, Severity, meaning, push_decimal, push_format_name,
    push_format_names, push_ip, responses_with,
};
use crate::correlate::Record;
use crate::decimal::socket_addr_v4;
use crate::sip::{Format, HeaderName, Media, Method, Sdp, StatusCode, common_formats};

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
        // The usual evidence at once (two start lines, the offer, the answer
        // and the common codecs): growing the list step by step costs more.
        d.evidence.reserve_exact(6);
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
    // The message names the streams that are not disabled: `audio
    // PCMA/8000 (sendonly); ...`, written into it piece by piece (every 183
    // with SDP gets it), the codec names copied from the answer's note.
    let mut message = String::with_capacity(128);
    message.push_str("183 Session Progress with SDP: early media ");
    let streams_start = message.len();
    let mut no_common = false;
    for (i, media) in answer.media.iter().enumerate() {
        let direction = media.effective_direction(answer);
        let (answer_note, codecs) = answer_note(answer, media, direction);
        if media.port != 0 {
            if message.len() > streams_start {
                message.push_str("; ");
            }
            message.push_str(&media.kind);
            message.push(' ');
            message.push_str(answer_note.get(codecs).unwrap_or_default());
            message.push_str(" (");
            message.push_str(direction.as_str());
            message.push(')');
        }
        let answer_note = Evidence::note(response.frame, answer_note);
        let offered = offer.and_then(|o| {
            o.media
                .get(i)
                .or_else(|| o.media.iter().find(|m| m.kind == media.kind))
        });
        let (Some(o), Some(req)) = (offered, request) else {
            d.evidence.push(answer_note);
            continue;
        };
        let mut note = String::with_capacity(128);
        note.push_str("offer m=");
        let mut offered_names = None;
        push_stream(
            &mut note,
            o,
            o.connection.or(offer.and_then(|s| s.connection)),
            |out| offered_names = Some(NameSpans::push(out, &o.formats)),
            offer.map_or("sendrecv", |s| o.effective_direction(s).as_str()),
        );
        // The codecs in common copied from the offer's note, before it is
        // handed over.
        let common = offered_names.and_then(|names| common_codecs_note(o, media, &names, &note));
        d.evidence.push(Evidence::note(req.frame, note));
        d.evidence.push(answer_note);
        if let Some(note) = common {
            d.evidence.push(Evidence::note(response.frame, note));
        } else if media.port != 0 {
            no_common = true;
            let mut note = String::from("no codec in common with the offer for m=");
            note.push_str(&media.kind);
            d.evidence.push(Evidence::note(response.frame, note));
        }
    }
    if offer.is_none() {
        d.evidence.push(Evidence::note(
            response.frame,
            "the INVITE's SDP offer is not in the capture (offer in a later message, or request missing)",
        ));
    }
    if message.len() == streams_start {
        message.push_str("with every stream disabled (port 0)");
    }
    d.message = message;
    if no_common {
        d.severity = Severity::Warning;
        d.message.push_str("; no codec in common with the offer");
        d.fix = Some(
            "align the codec lists: the early-media answer must use a payload format from the offer (RFC 3264 §6.1)".into(),
        );
    }
}

/// Where [`format_names`] of a list was written into a text, and where each
/// name ends in it (for lists of at most [`NameSpans::MAX`] formats; `None`
/// for longer ones): the offer's names, written once into the offer's note,
/// from which the codecs in common are copied instead of written again.
struct NameSpans {
    start: usize,
    end: usize,
    ends: Option<[u32; NameSpans::MAX]>,
}

impl NameSpans {
    const MAX: usize = 16;

    /// Appends [`format_names`] of `formats` to `out`.
    fn push(out: &mut String, formats: &[Format]) -> NameSpans {
        let start = out.len();
        let mut ends = (formats.len() <= Self::MAX).then_some([0; Self::MAX]);
        for (i, f) in formats.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_format_name(out, f);
            if let Some(end) = ends.as_mut().and_then(|e| e.get_mut(i)) {
                *end = u32::try_from(out.len()).unwrap_or(u32::MAX);
            }
        }
        NameSpans {
            start,
            end: out.len(),
            ends,
        }
    }

    /// All the names, in `text` (the one they were written into).
    fn all<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or_default()
    }

    /// The name of the `i`th format, in `text`.
    fn name<'t>(&self, text: &'t str, i: usize) -> Option<&'t str> {
        let ends = self.ends.as_ref()?;
        let end = *ends.get(i)? as usize;
        // Each name but the first starts after the `, ` that ends the one before.
        let start = match i.checked_sub(1) {
            Some(before) => *ends.get(before)? as usize + 2,
            None => self.start,
        };
        text.get(start..end)
    }
}

/// `codecs in common: PCMA/8000, telephone-event/8000`: the offer's formats
/// that the answer has too ([`common_formats`]), named as the offer names
/// them; `None` when there are none.
fn common_codecs_note(
    offer: &Media,
    answer: &Media,
    offered: &NameSpans,
    text: &str,
) -> Option<String> {
    const HEAD: &str = "codecs in common: ";
    let mut note = String::with_capacity(HEAD.len() + offered.all(text).len());
    note.push_str(HEAD);
    if offered.ends.is_none() {
        // A long list: named again.
        let common = common_formats(offer, answer);
        if common.is_empty() {
            return None;
        }
        push_format_names(&mut note, common);
        return Some(note);
    }
    for (i, f) in offer.formats.iter().enumerate() {
        if !answer.formats.iter().any(|g| f.same_codec(g)) {
            continue;
        }
        if note.len() > HEAD.len() {
            note.push_str(", ");
        }
        note.push_str(offered.name(text, i).unwrap_or_default());
    }
    (note.len() > HEAD.len()).then_some(note)
}

/// Appends `{kind} {target}: {codecs} ({direction})`, the target being
/// `192.0.2.7:6000`, or `port 6000` when the SDP has no address; `codecs`
/// writes the codec names.
fn push_stream(
    out: &mut String,
    media: &Media,
    address: Option<std::net::IpAddr>,
    codecs: impl FnOnce(&mut String),
    direction: &str,
) {
    out.push_str(&media.kind);
    out.push(' ');
    match address {
        Some(IpAddr::V4(ip)) => push_ipv4_port(out, ip, media.port),
        Some(ip) => {
            push_ip(out, ip);
            out.push(':');
            push_decimal(out, media.port.into());
        }
        None => {
            out.push_str("port ");
            push_decimal(out, media.port.into());
        }
    }
    out.push_str(": ");
    codecs(out);
    out.push_str(" (");
    out.push_str(direction);
    out.push(')');
}

/// `{ip}:{port}`, as `SocketAddrV4` writes it, appended in one piece (a
/// push per digit and dot cost several times more; every 183 with SDP
/// writes two addresses).
fn push_ipv4_port(out: &mut String, ip: Ipv4Addr, port: u16) {
    let (text, len) = socket_addr_v4(SocketAddrV4::new(ip, port));
    // Digits, dots and a colon: always UTF-8.
    out.push_str(std::str::from_utf8(text.get(..len).unwrap_or_default()).unwrap_or_default());
}

/// `answer m=audio 192.0.2.7:6000: PCMA/8000 (sendonly)`, and where the
/// codec names are in it (the message copies them).
fn answer_note(
    answer: &Sdp,
    media: &Media,
    direction: crate::sip::Direction,
) -> (String, std::ops::Range<usize>) {
    let mut note = String::with_capacity(128);
    note.push_str("answer m=");
    let mut codecs = 0..0;
    push_stream(
        &mut note,
        media,
        media.connection.or(answer.connection),
        |out| {
            codecs.start = out.len();
            push_format_names(out, &media.formats);
            codecs.end = out.len();
        },
        direction.as_str(),
    );
    (note, codecs)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::format_names;
    use std::borrow::Cow;

    #[test]
    fn socket_addresses_as_display_writes_them() {
        for (a, port) in [
            ([0, 0, 0, 0], 0),
            ([255, 255, 255, 255], 65535),
            ([10, 0, 0, 1], 5060),
            ([192, 168, 1, 20], 10),
            ([1, 22, 100, 9], 100),
            ([100, 10, 99, 101], 9),
            ([127, 0, 1, 2], 20000),
            ([127, 0, 1, 2], 10001),
        ] {
            let addr = std::net::SocketAddrV4::new(Ipv4Addr::from(a), port);
            let mut out = String::from("x");
            push_ipv4_port(&mut out, *addr.ip(), port);
            assert_eq!(out, format!("x{addr}"));
        }
        for port in (0..=u16::MAX).step_by(7) {
            let mut out = String::new();
            push_ipv4_port(&mut out, Ipv4Addr::new(1, 2, 3, 4), port);
            assert_eq!(out, format!("1.2.3.4:{port}"));
        }
    }

    fn format(pt: u8, encoding: &'static str, clock_rate: u32) -> Format {
        Format {
            pt: Some(pt),
            encoding: Some(Cow::Borrowed(encoding)),
            clock_rate: Some(clock_rate),
            channels: None,
        }
    }

    fn media(formats: Vec<Format>) -> Media {
        Media {
            kind: Cow::Borrowed("audio"),
            port: 6000,
            proto: Cow::Borrowed("RTP/AVP"),
            formats,
            connection: None,
            direction: None,
        }
    }

    /// The note copied from the offer's names says what naming the common
    /// formats again says, for short lists (copied) and long ones (named).
    #[test]
    fn common_codecs_as_named_again() {
        let offer_formats = |n: u8| -> Vec<Format> {
            (0..n)
                .map(|i| match i % 4 {
                    0 => format(0, "PCMU", 8000),
                    1 => format(8, "PCMA", 8000),
                    2 => format(96 + i, "opus", 48000),
                    _ => format(101, "telephone-event", 8000),
                })
                .collect()
        };
        let answers = [
            vec![],
            vec![format(8, "pcma", 8000)],
            vec![
                format(0, "PCMU", 8000),
                format(101, "telephone-event", 8000),
            ],
            vec![format(9, "G722", 8000)],
            vec![format(111, "opus", 48000), format(8, "PCMA", 8000)],
        ];
        for n in [0, 1, 3, 4, 15, 16, 17, 40] {
            let offer = media(offer_formats(n));
            let mut text = String::from("offer: ");
            let names = NameSpans::push(&mut text, &offer.formats);
            assert_eq!(names.all(&text), format_names(&offer.formats));
            assert_eq!(names.ends.is_some(), n <= 16);
            for answer in &answers {
                let answer = media(answer.clone());
                let common = common_formats(&offer, &answer);
                let expected = (!common.is_empty())
                    .then(|| format!("codecs in common: {}", format_names(common)));
                assert_eq!(
                    common_codecs_note(&offer, &answer, &names, &text),
                    expected,
                    "{n}"
                );
            }
        }
    }
}
