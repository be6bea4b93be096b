//! Capture-wide rules: what the capture lacks or hides, from the reassembly
//! stage's events (TCP gaps, missing IP fragments, streams without
//! Content-Length, encrypted signalling, limits reached).

use super::{CaptureScope, Check, Diagnostic, Evidence, Rule, Severity};
use crate::capture::FrameNo;
use crate::reassembly::ReassemblyEvent;

pub(super) const STREAM_GAP: Rule = Rule {
    id: "SD3010",
    name: "stream-gap",
    default_severity: Severity::Warning,
    summary: "bytes of a TCP, WebSocket or SCTP stream are missing from the capture, or do not belong to it",
    explanation: "\
What it checks
  TCP streams with a hole that was never filled (a segment the capture lost: decided when
  the peer acknowledged past it, when later data is far ahead, at FIN/RST or at the end of
  the capture), streams that end in the middle of a SIP message, overlapping segments whose
  bytes differ from the first copy, segments far beyond the receive window that the stream
  went on without (ignored, RFC 9293 §3.10.7.4), WebSocket framing errors, and SCTP user
  messages that never completed or ordered SCTP messages that never came.

Why it matters
  The messages in a hole are missing from the analysis: a call can look unanswered, or a
  response can look as if it has no request, only because the capture dropped the bytes.
  sipdiag resynchronises at the next SIP start line and goes on.

Example
  tcp 10.0.0.1:5060 → 10.0.0.2:40000: 1380 bytes missing after frame 7; resynchronised at frame 9

How to fix
  Capture closer to the endpoint, with a larger capture buffer (`tcpdump -B 65536`) and
  without a snaplen; check the capture host's drop counters (`tcpdump` prints them at exit).

References
  RFC 3261 §18.3, RFC 9293 §3.10",
    check: Check::Capture(check_gaps),
};

pub(super) const NO_CONTENT_LENGTH: Rule = Rule {
    id: "SD3011",
    name: "stream-without-content-length",
    default_severity: Severity::Error,
    summary: "a SIP message on a stream transport has no Content-Length",
    explanation: "\
What it checks
  SIP messages carried over TCP (or another stream transport) without a Content-Length
  header.

Why it matters
  On a stream, Content-Length is the only way to tell where one message ends and the next
  begins, so RFC 3261 §18.3 makes it mandatory there (§20.14). A peer that omits it makes
  the receiver guess: bodies get cut, or the next message is read as part of the body.

Example
  INVITE over TCP with an SDP body and no Content-Length header

How to fix
  Fix the sender so that it always writes Content-Length on TCP, TLS and WebSocket
  (`Content-Length: 0` when there is no body).

References
  RFC 3261 §18.3, RFC 3261 §20.14",
    check: Check::Capture(check_no_content_length),
};

pub(super) const FRAGMENTS_MISSING: Rule = Rule {
    id: "SD3012",
    name: "fragments-missing",
    default_severity: Severity::Warning,
    summary: "an IP datagram is missing fragments, so the SIP message in it is lost",
    explanation: "\
What it checks
  IP datagrams (IPv4 or IPv6) of which some fragments were captured but not all, within
  the reassembly timeout.

Why it matters
  A large SIP message over UDP (an INVITE with a big SDP, many Via or Record-Route headers)
  is fragmented by IP. If one fragment is lost, the whole message is; if the capture was
  filtered by port (`udp port 5060`), every fragment after the first is dropped because it
  has no UDP header, and the INVITE vanishes from the capture.

Example
  fragments of 127.0.0.1 → 127.0.0.1 id 0x1234: 2 of 4 captured

How to fix
  Capture without a port-only filter (add `or (ip[6:2] & 0x3fff != 0)` for IPv4 fragments),
  or switch the signalling to TCP for messages larger than the path MTU (RFC 3261 §18.1.1).

References
  RFC 791 §3.2, RFC 8200 §4.5, RFC 3261 §18.1.1",
    check: Check::Capture(check_fragments),
};

pub(super) const ENCRYPTED: Rule = Rule {
    id: "SD3013",
    name: "encrypted-signalling",
    default_severity: Severity::Info,
    summary: "signalling was seen on a flow but is encrypted (TLS) and cannot be analysed",
    explanation: "\
What it checks
  Flows that carry TLS records (or use port 5061) and no readable SIP.

Why it matters
  SIP over TLS is invisible to a packet capture: the calls on that flow are missing from the
  analysis, however many packets the capture holds.

Example
  tls 10.0.0.1:40000 → 10.0.0.2:5061: 42 segments, encrypted

How to fix
  Capture on the SBC or proxy after decryption (many offer a decrypted trace or HEP export),
  or, in a lab, switch the trunk to TCP or UDP while you troubleshoot.

References
  RFC 3261 §26.2, RFC 5630 §3",
    check: Check::Capture(check_encrypted),
};

pub(super) const LIMIT_REACHED: Rule = Rule {
    id: "SD3014",
    name: "capture-limit-reached",
    default_severity: Severity::Warning,
    summary: "a table or buffer limit was reached: part of the capture was not fully analysed",
    explanation: "\
What it checks
  Every bound sipdiag keeps to hold memory constant on any input: bytes buffered per TCP
  flow, TCP flows, IP datagrams being reassembled, open calls. When one is reached, what was
  dropped or released early is reported here.

Why it matters
  A capture with more concurrent flows or calls than the limits (or a hostile one) is still
  analysed, but the findings near the limit may be incomplete: a call released early is
  reported before its end.

Example
  call table full: 5000 calls released before they ended

How to fix
  For the call table, raise `--max-open-calls` (50 000 by default; each open call holds its
  messages in memory). Otherwise split the capture by time or by host (`editcap -i`,
  `tshark -Y`), or analyse it on the interface that carries fewer calls.

References
  RFC 3261 §17",
    check: Check::Capture(check_limits),
};

fn from_event(rule: &'static Rule, event: &ReassemblyEvent, fix: &str) -> Diagnostic {
    Diagnostic {
        rule,
        severity: rule.default_severity,
        call_id: String::new(),
        frame: event.frame(),
        src: None,
        dst: None,
        status: None,
        message: event.to_string(),
        why: rule.summary.into(),
        fix: Some(fix.to_string().into()),
        evidence: vec![Evidence::note(event.frame(), event.to_string())],
    }
}

fn each(
    scope: &CaptureScope<'_>,
    out: &mut Vec<Diagnostic>,
    rule: &'static Rule,
    kinds: &[&str],
    fix: &str,
) {
    for event in scope.events.iter().filter(|e| kinds.contains(&e.kind())) {
        out.push(from_event(rule, event, fix));
    }
}

/// The events [`STREAM_GAP`] reports.
const GAP_KINDS: &[&str] = &[
    "tcp-gap",
    "tcp-incomplete",
    "websocket-error",
    "tcp-overlap-conflict",
    "tcp-out-of-window",
    "sctp-incomplete",
    "sctp-gap",
];

/// Of those, the ones where bytes came that the stream could not take.
const FOREIGN_SEGMENT_KINDS: &[&str] = &["tcp-overlap-conflict", "tcp-out-of-window"];

fn check_gaps(scope: &CaptureScope<'_>, out: &mut Vec<Diagnostic>) {
    for event in scope
        .events
        .iter()
        .filter(|e| GAP_KINDS.contains(&e.kind()))
    {
        let fix = if FOREIGN_SEGMENT_KINDS.contains(&event.kind()) {
            "look for what rewrites or injects segments on the path (a middlebox, a NIC offload, captures of two hosts merged); the stream was read without the foreign bytes"
        } else {
            "capture closer to the endpoint, with a larger buffer and no snaplen; messages in the gap are missing from the analysis"
        };
        out.push(from_event(&STREAM_GAP, event, fix));
    }
}

fn check_no_content_length(scope: &CaptureScope<'_>, out: &mut Vec<Diagnostic>) {
    each(
        scope,
        out,
        &NO_CONTENT_LENGTH,
        &["no-content-length"],
        "make the sender write Content-Length on every message it sends over a stream transport (RFC 3261 §18.3)",
    );
}

fn check_fragments(scope: &CaptureScope<'_>, out: &mut Vec<Diagnostic>) {
    each(
        scope,
        out,
        &FRAGMENTS_MISSING,
        &["fragments-incomplete"],
        "capture without a port-only filter so that non-first fragments are kept, or send large messages over TCP (RFC 3261 §18.1.1)",
    );
    each(
        scope,
        out,
        &FRAGMENTS_MISSING,
        &["fragment-beyond-maximum", "datagram-undecodable"],
        "the fragments do not make a valid datagram (corrupt or hostile traffic); find the sender with the addresses and IP identification given",
    );
}

fn check_encrypted(scope: &CaptureScope<'_>, out: &mut Vec<Diagnostic>) {
    each(
        scope,
        out,
        &ENCRYPTED,
        &["encrypted"],
        "capture the decrypted signalling on the SBC or proxy, or use TCP/UDP in the lab",
    );
}

fn check_limits(scope: &CaptureScope<'_>, out: &mut Vec<Diagnostic>) {
    const OTHER_KINDS: &[&str] = &[
        "no-content-length",
        "fragments-incomplete",
        "fragment-beyond-maximum",
        "datagram-undecodable",
        "encrypted",
    ];
    let reported_elsewhere = |kind: &str| GAP_KINDS.contains(&kind) || OTHER_KINDS.contains(&kind);
    for event in scope
        .events
        .iter()
        .filter(|e| !reported_elsewhere(e.kind()))
    {
        out.push(from_event(
            &LIMIT_REACHED,
            event,
            "split the capture (editcap -i, tshark -Y) so that less is open at once",
        ));
    }
    if scope.calls_released_early > 0 {
        let note = format!(
            "call table full: {} calls released before they ended (at most {} open at once)",
            scope.calls_released_early, scope.max_open_calls
        );
        out.push(Diagnostic {
            rule: &LIMIT_REACHED,
            severity: LIMIT_REACHED.default_severity,
            call_id: String::new(),
            frame: FrameNo(0),
            src: None,
            dst: None,
            status: None,
            message: note.clone(),
            why: LIMIT_REACHED.summary.into(),
            fix: Some(format!(
                "raise --max-open-calls above {} (memory grows with it), or split the capture by time or host so that fewer calls are open at once",
                scope.max_open_calls
            ).into()),
            evidence: vec![Evidence::note(FrameNo(0), note)],
        });
    }
}
