//! SD0184 early-media-answer-changed and SD4002 one-way-media: the SDP of early media against
//! the final answer, and the RTP flows of the call against the SDP addresses.

use std::net::SocketAddr;

use super::{Diagnostic, Evidence, Rule, Scope, Severity, format_names};
use crate::correlate::{Call, Correlated, MediaFlow, Record, same_to_tag};
use crate::sip::{Direction, Method, Sdp};

pub(super) const ANSWER_CHANGED: Rule = Rule {
    id: "SD0184",
    name: "early-media-answer-changed",
    default_severity: Severity::Warning,
    summary: "the SDP of a 18x differs from the 2xx answer (codec, address or port)",
    explanation: "\
What it checks
  Calls where a provisional response (180/183) carried SDP and the 2xx of the same INVITE
  and dialog carried a different one: another media address, port or codec list.

Why it matters
  The SDP in the first reliable or unreliable provisional response is the answer to the
  INVITE's offer; the 2xx must repeat it (RFC 3261 §13.2.1, RFC 3262 §5) unless a new
  offer/answer (PRACK or UPDATE with SDP) changed it. A caller that keeps the early answer
  sends media to the old port or in the old codec after the call is answered: one-way or no
  audio right after answer, typical of gateways that switch from an announcement server to
  the real callee.

Example
  183  m=audio 6000 RTP/AVP 8   (PCMA)
  200  m=audio 6002 RTP/AVP 0   (PCMU)

How to fix
  Make the callee side repeat the early answer in the 2xx, or change the session with an
  UPDATE or re-INVITE (a new offer); if the caller cannot follow a changed answer, send the
  early media from the same address, port and codec as the final media.

References
  RFC 3261 §13.2.1, RFC 3262 §5, RFC 3264 §8, RFC 3311 §5.1, RFC 3960 §3",
    check: super::Check::Call(check_answer_changed),
};

pub(super) const ONE_WAY: Rule = Rule {
    id: "SD4002",
    name: "one-way-media",
    default_severity: Severity::Error,
    summary: "one-way audio: RTP flowed in one direction only after the call was answered",
    explanation: "\
What it checks
  Answered calls whose RTP is in the capture: the flows sent to the callee's SDP address
  (from the caller) and to the caller's SDP address (from the callee) after the 2xx. When
  one direction carries packets and the other none, although both SDPs are `sendrecv`, the
  call has one-way audio.

Why it matters
  One-way audio is the most common complaint about a call that \"connected fine\". The
  missing direction is sent to an address the sender cannot reach (a private address behind
  NAT in SDP, a firewall pinhole never opened), or not sent at all (a codec the sender
  cannot produce, a directional attribute).

Example
  200 OK answer c=203.0.113.5 m=audio 6000; RTP 192.0.2.7:6100 → 203.0.113.5:6000, nothing back

How to fix
  Check the SDP addresses against NAT (use the public address, or let an SBC fix media
  latching), open the firewall for the RTP port range, and check that both sides support the
  negotiated codec.

References
  RFC 3264 §5.1, RFC 3264 §6.1, RFC 3550 §5.1, RFC 4961 §3",
    check: super::Check::Call(check_one_way),
};

/// The address media for the SDP's first audio (or first) stream must be sent to.
fn media_target(sdp: &Sdp) -> Option<(SocketAddr, Direction)> {
    let m = sdp
        .media
        .iter()
        .find(|m| m.kind == "audio" && m.port != 0)
        .or_else(|| sdp.media.iter().find(|m| m.port != 0))?;
    let ip = m.effective_connection(sdp)?;
    Some((SocketAddr::new(ip, m.port), m.effective_direction(sdp)))
}

fn describe_flow(f: &MediaFlow) -> String {
    format!(
        "RTP {} → {}: {} packets, payload types {:?}, frames {}–{}",
        f.src, f.dst, f.packets, f.payload_types, f.first_frame, f.last_frame
    )
}

/// Flows sent to `to`, overlapping the window.
fn flows_to(
    capture: &Correlated,
    to: SocketAddr,
    from: crate::capture::Timestamp,
    until: Option<crate::capture::Timestamp>,
) -> Vec<&MediaFlow> {
    capture
        .media
        .to(to)
        .filter(|f| f.overlaps(from, until))
        .collect()
}

/// Evidence about RTP during early media, for SD0183: flows to the caller's
/// offer address between the 18x and the final response.
pub(super) fn early_media_notes(
    call: &Call,
    capture: &Correlated,
    response: &Record,
) -> Vec<Evidence> {
    let mut notes = Vec::new();
    if capture.media.is_empty() {
        return notes;
    }
    let Some(request) = call.request_for(response) else {
        return notes;
    };
    let Some((caller, _)) = request
        .msg
        .sdp_ref()
        .and_then(|s| s.as_ref().ok())
        .and_then(media_target)
    else {
        return notes;
    };
    let end = call.final_response(response.tx).map(|f| f.ts);
    let flows = flows_to(capture, caller, response.ts, end);
    if flows.is_empty() {
        notes.push(Evidence::note(
            response.frame,
            format!("no RTP to the caller's address {caller} during early media"),
        ));
    }
    for f in flows {
        notes.push(Evidence::note(
            f.first_frame,
            format!("early media flowed: {}", describe_flow(f)),
        ));
    }
    notes
}

fn check_answer_changed(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    for (tx, t) in call.initial_invites() {
        let Some(fin) = call
            .final_response(tx)
            .filter(|f| f.status().is_some_and(|s| s.is_success()))
        else {
            continue;
        };
        // Cheap checks first: most answered calls have no early SDP at all,
        // and then neither SDP needs to be looked at. A provisional response
        // without a body (100, most 180s) carries no SDP: it is passed over
        // before its To header is compared or its Content-Type read.
        let early = t
            .responses
            .iter()
            .filter_map(|&i| call.records.get(i))
            .find(|r| {
                !r.retransmission
                    && r.status().is_some_and(|s| s.is_provisional())
                    && !r.msg.body().is_empty()
                    && same_to_tag(&r.msg, &fin.msg)
                    && r.msg.sdp_ref().is_some_and(|s| s.is_ok())
            });
        let Some(early) = early else {
            continue;
        };
        let Some(Ok(final_sdp)) = fin.msg.sdp_ref() else {
            continue;
        };
        let Some(Ok(early_sdp)) = early.msg.sdp_ref() else {
            continue;
        };
        // A PRACK or UPDATE with SDP in between is a new offer/answer.
        let renegotiated = call.records.iter().any(|r| {
            r.frame > early.frame
                && r.frame < fin.frame
                && matches!(r.msg.method(), Some(Method::Prack | Method::Update))
                && r.msg.has_sdp()
        });
        if renegotiated {
            continue;
        }
        let mut changes = Vec::new();
        for (i, fm) in final_sdp.media.iter().enumerate() {
            let Some(em) = early_sdp.media.get(i) else {
                changes.push(format!("m={} added", fm.kind));
                continue;
            };
            let (ea, fa) = (
                em.effective_connection(early_sdp),
                fm.effective_connection(final_sdp),
            );
            if ea != fa {
                changes.push(format!(
                    "address {} → {}",
                    ea.map_or("none".to_string(), |a| a.to_string()),
                    fa.map_or("none".to_string(), |a| a.to_string())
                ));
            }
            if em.port != fm.port {
                changes.push(format!("port {} → {}", em.port, fm.port));
            }
            let same = em.formats.len() == fm.formats.len()
                && em
                    .formats
                    .iter()
                    .zip(&fm.formats)
                    .all(|(a, b)| a.same_codec(b));
            if !same {
                changes.push(format!(
                    "codecs {} → {}",
                    format_names(&em.formats),
                    format_names(&fm.formats)
                ));
            }
        }
        if changes.is_empty() {
            continue;
        }
        let mut d = Diagnostic::about(&ANSWER_CHANGED, scope, fin);
        d.why = "the first SDP answer (here in the provisional response) is the answer; the 2xx must repeat it unless a new offer/answer took place (RFC 3261 §13.2.1, RFC 3262 §5)".into();
        d.evidence.push(Evidence::start_line(early));
        d.evidence.push(Evidence::note(
            early.frame,
            format!("early answer: {}", summary(early_sdp)),
        ));
        d.evidence.push(Evidence::start_line(fin));
        d.evidence.push(Evidence::note(
            fin.frame,
            format!("final answer: {}", summary(final_sdp)),
        ));
        d.message = format!(
            "the {} answer differs from the {}'s early-media SDP: {}",
            fin.status().map_or(200, |s| s.0),
            early.status().map_or(183, |s| s.0),
            changes.join(", ")
        );
        d.fix = Some("repeat the early answer in the 2xx, or change the session with UPDATE/re-INVITE (a new offer)".into());
        out.push(d);
    }
}

fn summary(sdp: &Sdp) -> String {
    sdp.media
        .iter()
        .map(|m| {
            format!(
                "m={} {}:{} {} ({})",
                m.kind,
                m.effective_connection(sdp)
                    .map_or("?".to_string(), |a| a.to_string()),
                m.port,
                format_names(&m.formats),
                m.effective_direction(sdp).as_str()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn check_one_way(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let call = scope.call;
    let capture = scope.capture;
    if capture.media.is_empty() {
        return;
    }
    for (tx, _) in call.initial_invites() {
        let Some(fin) = call
            .final_response(tx)
            .filter(|f| f.status().is_some_and(|s| s.is_success()))
        else {
            continue;
        };
        let Some(request) = call.request_of(tx) else {
            continue;
        };
        let (Some(Ok(offer)), Some(Ok(answer))) = (request.msg.sdp_ref(), fin.msg.sdp_ref()) else {
            continue;
        };
        let (Some((caller, cdir)), Some((callee, adir))) =
            (media_target(offer), media_target(answer))
        else {
            continue;
        };
        if cdir != Direction::SendRecv || adir != Direction::SendRecv {
            continue;
        }
        let end = call
            .records
            .iter()
            .find(|r| r.frame > fin.frame && r.msg.method() == Some(&Method::Bye))
            .map(|r| r.ts);
        let to_callee = flows_to(capture, callee, fin.ts, end);
        let to_caller = flows_to(capture, caller, fin.ts, end);
        let (sending, silent, silent_target, silent_side) =
            match (to_callee.is_empty(), to_caller.is_empty()) {
                (false, true) => (&to_callee, fin.src, caller, "callee"),
                (true, false) => (&to_caller, request.src, callee, "caller"),
                _ => continue,
            };
        let mut d = Diagnostic::about(&ONE_WAY, scope, fin);
        d.status = None;
        d.why = "both SDPs are sendrecv, so RTP must flow both ways after the answer".into();
        d.evidence.push(Evidence::note(
            request.frame,
            format!("caller's SDP: media to {caller}"),
        ));
        d.evidence.push(Evidence::note(
            fin.frame,
            format!("callee's SDP: media to {callee}"),
        ));
        for f in sending.iter() {
            d.evidence
                .push(Evidence::note(f.first_frame, describe_flow(f)));
        }
        d.evidence.push(Evidence::note(
            fin.frame,
            format!("no RTP to {silent_target} after the answer: the {silent_side} sent nothing"),
        ));
        d.message = format!(
            "one-way media: RTP reached {} but nothing was sent to {silent_target} (the {silent_side} at {silent} is silent)",
            if silent_side == "callee" {
                callee
            } else {
                caller
            },
        );
        d.fix = Some(format!(
            "check why the {silent_side} does not send RTP to {silent_target}: NAT (private address in SDP), firewall, or codec support"
        ).into());
        out.push(d);
    }
}
