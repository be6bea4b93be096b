//! JSON Lines report: one `{"type": ..., "data": {...}}` object per line,
//! `begin`, then per capture its `call` lines each followed by its
//! `diagnostic` lines, the capture's unmet expectations and its `summary`,
//! and last `end`.
//!
//! The schema — every type and field, with examples — is documented in one
//! place, `docs/json-lines.md`; keep it in step with the types below. These
//! types are the schema; they are kept apart from the analysis types so that a
//! refactor there cannot change the output by accident.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::{Report, render};
use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use crate::capture::Timestamp;
use crate::correlate::{Call, Record};
use crate::reassembly::Transport;
use crate::rules::{Diagnostic, Evidence, Severity};
use crate::sip::Method;

/// Bumped whenever a field is removed, renamed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
pub enum Line {
    Begin(Begin),
    Call(CallJson),
    Diagnostic(DiagnosticJson),
    Summary(SummaryJson),
    End(End),
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Begin {
    pub schema_version: u32,
    pub version: String,
    pub inputs: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct CallJson {
    pub input: String,
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub outcome: String,
    pub status: Option<u16>,
    pub post_dial_delay_ms: Option<u64>,
    pub setup_time_ms: Option<u64>,
    pub messages: Vec<MessageJson>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct MessageJson {
    pub frame: u32,
    pub time: String,
    pub src: String,
    pub dst: String,
    pub transport: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    pub cseq: Option<String>,
    pub retransmission: bool,
    /// Every frame the message spans, when it spans more than one.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub frames: Vec<u32>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct DiagnosticJson {
    pub input: String,
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    pub call_id: String,
    pub frame: u32,
    pub src: Option<String>,
    pub dst: Option<String>,
    pub message: String,
    pub why: String,
    pub fix: Option<String>,
    pub evidence: Vec<EvidenceJson>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum EvidenceJson {
    Header {
        frame: u32,
        header: String,
        value: String,
    },
    Note {
        frame: u32,
        note: String,
    },
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Findings {
    pub error: u64,
    pub warning: u64,
    pub info: u64,
}

/// Post-dial delay statistics over the calls that have one (RFC 6076 §4.1).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct PddJson {
    pub calls: u64,
    pub min_ms: u32,
    pub median_ms: u32,
    pub p95_ms: u32,
    pub max_ms: u32,
    pub mean_ms: u32,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct SummaryJson {
    pub input: String,
    pub frames: u64,
    pub sip_messages: u64,
    pub retransmissions: u64,
    pub calls: u64,
    pub calls_hidden: u64,
    pub outcomes: BTreeMap<String, u64>,
    pub responses: BTreeMap<String, u64>,
    pub post_dial_delay: Option<PddJson>,
    pub findings: Findings,
    pub malformed_messages: u64,
    pub truncated_frames: u64,
    pub decode_issues: u64,
    pub calls_released_early: u64,
    pub transport: TransportJson,
    pub read_error: Option<String>,
}

/// What the reassembly stage saw.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TransportJson {
    pub tcp_streams: u64,
    pub tcp_segments: u64,
    pub tcp_retransmitted_segments: u64,
    pub tcp_out_of_order_segments: u64,
    pub tcp_gaps: u64,
    pub tcp_missing_bytes: u64,
    pub tcp_overlap_conflicts: u64,
    pub tcp_out_of_window_segments: u64,
    pub tcp_messages: u64,
    pub ws_messages: u64,
    pub sctp_messages: u64,
    pub tls_flows: u64,
    pub ip_fragments: u64,
    pub ip_datagrams_reassembled: u64,
    pub ip_datagrams_incomplete: u64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct End {
    pub findings: Findings,
}

/// The JSON Lines report, written as the analysis releases each call.
pub struct JsonReport<'w> {
    w: &'w mut dyn Write,
    /// Flush after every call (live capture: show each call as it ends).
    flush_each_call: bool,
    total: Findings,
    /// The lines of the calls rendered and not written yet: written with
    /// one call once they reach [`render::BATCH`] bytes (or at once with
    /// `flush_each_call`), and before anything else is written.
    buf: Vec<u8>,
    /// `{src}","dst":"{dst}` of the address pairs written so far.
    routes: render::RouteTexts,
    /// The date of the last day written.
    dates: render::Dates,
    /// The input name as a JSON string, written on every line.
    input: QuotedInput,
    /// The fixed texts of diagnostics as JSON strings.
    statics: StaticTexts,
}

/// The JSON string of the input name, escaped once per capture instead of
/// once per line.
#[derive(Default)]
struct QuotedInput {
    name: String,
    json: Vec<u8>,
}

impl QuotedInput {
    /// `"{input}"`, escaped.
    fn get(&mut self, input: &str) -> &[u8] {
        if self.json.is_empty() || self.name != input {
            self.name.clear();
            self.name.push_str(input);
            self.json.clear();
            push_str(&mut self.json, input);
        }
        &self.json
    }
}

/// The fixed texts of diagnostics as JSON strings, escaped once (many a why
/// holds quotes).
struct StaticTexts(render::StaticTexts<Vec<u8>>);

impl StaticTexts {
    fn new() -> StaticTexts {
        StaticTexts(render::StaticTexts::new())
    }

    /// `push_str(out, text)`, from the cache when `text` is a fixed text.
    #[allow(
        clippy::ptr_arg,
        reason = "whether the text is borrowed, and for how long, is the point"
    )]
    fn push(&mut self, out: &mut Vec<u8>, text: &Cow<'static, str>) {
        match *text {
            Cow::Borrowed(text) => out.extend_from_slice(self.0.get(text, |text| {
                let mut json = Vec::new();
                push_str(&mut json, text);
                json
            })),
            Cow::Owned(ref text) => push_str(out, text),
        }
    }
}

impl<'w> JsonReport<'w> {
    pub fn new(w: &'w mut dyn Write) -> JsonReport<'w> {
        JsonReport {
            w,
            flush_each_call: false,
            total: Findings::default(),
            buf: Vec::new(),
            routes: render::RouteTexts::new(SRC_TO_DST),
            dates: render::Dates::default(),
            input: QuotedInput::default(),
            statics: StaticTexts::new(),
        }
    }
}

impl JsonReport<'_> {
    /// Flushes the output after every call.
    pub fn flush_each_call(mut self, on: bool) -> Self {
        self.flush_each_call = on;
        self
    }

    /// Writes the lines rendered so far (see [`render::write_pending`]).
    fn write_pending(&mut self) -> io::Result<()> {
        render::write_pending(self.w, &mut self.buf)
    }
}

impl Drop for JsonReport<'_> {
    /// The calls rendered before an error ended the run are written, as
    /// they were when each call was written at once.
    fn drop(&mut self) {
        let _ = self.write_pending();
    }
}

impl CallSink for JsonReport<'_> {
    fn call(
        &mut self,
        input: &str,
        _: u64,
        call: &Call,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        let input = self.input.get(input);
        let texts = (&mut self.routes, &mut self.dates);
        render_call_line(&mut self.buf, texts, input, call);
        for d in diagnostics {
            let texts = (&mut self.routes, &mut self.statics);
            render_diagnostic_line(&mut self.buf, texts, input, d);
        }
        if self.flush_each_call {
            self.write_pending()?;
            self.w.flush()?;
        } else if self.buf.len() >= render::BATCH {
            self.write_pending()?;
        }
        Ok(())
    }
}

impl Report for JsonReport<'_> {
    fn begin(&mut self, inputs: &[String]) -> io::Result<()> {
        emit(
            self.w,
            &Line::Begin(Begin {
                schema_version: SCHEMA_VERSION,
                version: env!("CARGO_PKG_VERSION").to_string(),
                inputs: inputs.to_vec(),
            }),
        )
    }

    fn begin_input(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()> {
        self.write_pending()?;
        for d in summary
            .capture_diagnostics
            .iter()
            .chain(&summary.expectations)
        {
            let input = self.input.get(&summary.name);
            let texts = (&mut self.routes, &mut self.statics);
            render_diagnostic_line(&mut self.buf, texts, input, d);
        }
        self.write_pending()?;
        let summary = summary_json(summary);
        self.total.error += summary.findings.error;
        self.total.warning += summary.findings.warning;
        self.total.info += summary.findings.info;
        emit(self.w, &Line::Summary(summary))
    }

    fn end(&mut self) -> io::Result<()> {
        self.write_pending()?;
        let total = std::mem::take(&mut self.total);
        emit(self.w, &Line::End(End { findings: total }))
    }
}

/// Writes the whole report for analysed captures (calls already collected).
pub fn write(w: &mut dyn Write, inputs: &[InputAnalysis]) -> io::Result<()> {
    super::replay(&mut JsonReport::new(w), inputs)
}

fn emit(w: &mut dyn Write, line: &Line) -> io::Result<()> {
    serde_json::to_writer(&mut *w, line).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

/// The `call` line of a call as a value (the report writes the same bytes
/// without building it).
pub fn call_json(input: &str, call: &Call) -> CallJson {
    let outcome = call.outcome();
    CallJson {
        input: input.to_string(),
        call_id: call.call_id.clone(),
        from: call.from().map(|a| a.uri),
        to: call.to().map(|a| a.uri),
        outcome: outcome.as_str().to_string(),
        status: outcome.status().map(|s| s.0),
        post_dial_delay_ms: call
            .post_dial_delay()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        setup_time_ms: call
            .setup_time()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        messages: call.records.iter().map(message_json).collect(),
    }
}

/// One message of a `call` line.
pub fn message_json(r: &Record) -> MessageJson {
    MessageJson {
        frame: r.frame.0,
        time: rfc3339(r.ts),
        src: r.src.to_string(),
        dst: r.dst.to_string(),
        transport: r.transport.as_str().to_string(),
        method: r.msg.method().map(|m| m.as_str().to_string()),
        status: r.status().map(|s| s.0),
        cseq: r
            .msg
            .cseq()
            .map(|c| format!("{} {}", c.seq, c.method.as_str())),
        retransmission: r.retransmission,
        frames: r.frames.iter().map(|f| f.0).collect(),
    }
}

/// The `diagnostic` line of a finding as a value (the report writes the same
/// bytes without building it).
pub fn diagnostic_json(input: &str, d: &Diagnostic) -> DiagnosticJson {
    DiagnosticJson {
        input: input.to_string(),
        rule: d.rule.id.to_string(),
        name: d.rule.name.to_string(),
        severity: d.severity,
        status: d.status.map(|s| s.0),
        call_id: d.call_id.clone(),
        frame: d.frame.0,
        src: d.src.map(|a| a.to_string()),
        dst: d.dst.map(|a| a.to_string()),
        message: d.message.clone(),
        why: d.why.to_string(),
        fix: d.fix.as_deref().map(str::to_string),
        evidence: d
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::Header {
                    frame,
                    header,
                    value,
                } => EvidenceJson::Header {
                    frame: frame.0,
                    header: header.to_string(),
                    value: value.clone(),
                },
                Evidence::Note { frame, note } => EvidenceJson::Note {
                    frame: frame.0,
                    note: note.to_string(),
                },
            })
            .collect(),
    }
}

fn summary_json(input: &InputSummary) -> SummaryJson {
    let s = &input.stats;
    SummaryJson {
        input: input.name.clone(),
        frames: s.frames,
        sip_messages: s.sip_messages,
        retransmissions: s.retransmissions,
        calls: s.calls,
        calls_hidden: s.calls_hidden,
        outcomes: s
            .outcomes
            .iter()
            .map(|(o, n)| (o.to_string(), *n))
            .collect(),
        responses: s
            .responses
            .iter()
            .map(|(c, n)| (c.to_string(), *n))
            .collect(),
        post_dial_delay: (s.pdd.count() > 0).then(|| PddJson {
            calls: s.pdd.count() as u64,
            min_ms: s.pdd.min().unwrap_or(0),
            median_ms: s.pdd.percentile(50).unwrap_or(0),
            p95_ms: s.pdd.percentile(95).unwrap_or(0),
            max_ms: s.pdd.max().unwrap_or(0),
            mean_ms: s.pdd.mean().unwrap_or(0),
        }),
        findings: Findings {
            error: s.count(Severity::Error),
            warning: s.count(Severity::Warning),
            info: s.count(Severity::Info),
        },
        malformed_messages: s.malformed_messages,
        truncated_frames: s.truncated_frames,
        decode_issues: s.decode_issues,
        calls_released_early: s.calls_released_early,
        transport: {
            let r = &s.reassembly;
            TransportJson {
                tcp_streams: r.tcp_streams,
                tcp_segments: r.tcp_segments_with_data,
                tcp_retransmitted_segments: r.tcp_retransmitted_segments,
                tcp_out_of_order_segments: r.tcp_out_of_order_segments,
                tcp_gaps: r.tcp_gaps,
                tcp_missing_bytes: r.tcp_missing_bytes,
                tcp_overlap_conflicts: r.tcp_overlap_conflicts,
                tcp_out_of_window_segments: r.tcp_out_of_window_segments,
                tcp_messages: r.tcp_messages,
                ws_messages: r.ws_messages,
                sctp_messages: r.sctp_messages,
                tls_flows: r.tls_flows,
                ip_fragments: r.ip_fragments,
                ip_datagrams_reassembled: r.ip_datagrams_reassembled,
                ip_datagrams_incomplete: r.ip_datagrams_incomplete,
            }
        },
        read_error: input.read_error.clone(),
    }
}

// The `call` and `diagnostic` lines, one or more per call, are written by
// hand: building the owned types above and serializing them through serde cost
// more than the rest of the report (an allocation per field, `core::fmt` for
// times and addresses). The test `hand_written_lines_match_the_schema_types`
// holds them byte for byte to what serde writes for the types above, so the
// types stay the schema.

/// [`Line::Call`] of `call_json(input, call)`, with its line end; `input`
/// is the input name as a JSON string ([`QuotedInput`]).
fn render_call_line(
    out: &mut Vec<u8>,
    (routes, dates): (&mut render::RouteTexts, &mut render::Dates),
    input: &[u8],
    call: &Call,
) {
    let outcome = call.outcome();
    out.extend_from_slice(br#"{"type":"call","data":{"input":"#);
    out.extend_from_slice(input);
    out.extend_from_slice(br#","call_id":"#);
    push_str(out, &call.call_id);
    // `Call::from` and `Call::to`, borrowed instead of cloned.
    let first = call
        .records
        .iter()
        .find(|r| r.msg.is_request())
        .or(call.records.first());
    out.extend_from_slice(br#","from":"#);
    push_opt_str(out, first.and_then(|r| r.msg.from_uri()).as_deref());
    out.extend_from_slice(br#","to":"#);
    push_opt_str(out, first.and_then(|r| r.msg.to_uri()).as_deref());
    out.extend_from_slice(br#","outcome":"#);
    push_plain_str(out, outcome.as_str());
    out.extend_from_slice(br#","status":"#);
    push_opt_u64(out, outcome.status().map(|s| u64::from(s.0)));
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    out.extend_from_slice(br#","post_dial_delay_ms":"#);
    push_opt_u64(out, call.post_dial_delay().map(millis));
    out.extend_from_slice(br#","setup_time_ms":"#);
    push_opt_u64(out, call.setup_time().map(millis));
    out.extend_from_slice(br#","messages":["#);
    for (i, r) in call.records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        render_message(out, routes, dates, r);
    }
    out.extend_from_slice(b"]}}\n");
}

/// `message_json(r)`.
fn render_message(
    out: &mut Vec<u8>,
    routes: &mut render::RouteTexts,
    dates: &mut render::Dates,
    r: &Record,
) {
    out.extend_from_slice(br#"{"frame":"#);
    render::push_u64(out, u64::from(r.frame.0));
    // Times and addresses are digits and punctuation: nothing to escape.
    out.extend_from_slice(br#","time":""#);
    render::push_rfc3339(out, r.ts, dates);
    out.extend_from_slice(br#"","src":""#);
    routes.push(out, r.src, r.dst);
    // The constant pieces of a message, which differ in length, as fixed
    // copies ([`render::padded`]): a call to `memcpy` each otherwise.
    const UDP: ([u8; 24], usize) = render::padded(r#"","transport":"UDP""#);
    const TCP: ([u8; 24], usize) = render::padded(r#"","transport":"TCP""#);
    const WS: ([u8; 24], usize) = render::padded(r#"","transport":"WS""#);
    const SCTP: ([u8; 24], usize) = render::padded(r#"","transport":"SCTP""#);
    render::push_padded(
        out,
        match r.transport {
            Transport::Udp => &UDP,
            Transport::Tcp => &TCP,
            Transport::Ws => &WS,
            Transport::Sctp => &SCTP,
        },
    );
    if let Some(method) = r.msg.method() {
        match standard_method(method) {
            Some(i) => render::push_padded(out, &METHOD_FIELDS[i]),
            None => {
                out.extend_from_slice(br#","method":"#);
                push_method(out, method);
            }
        }
    }
    if let Some(status) = r.status() {
        out.extend_from_slice(br#","status":"#);
        render::push_u64(out, u64::from(status.0));
    }
    out.extend_from_slice(br#","cseq":"#);
    match r.msg.cseq() {
        Some(c) => {
            out.push(b'"');
            render::push_u64(out, u64::from(c.seq));
            match standard_method(&c.method) {
                Some(i) => render::push_padded(out, &CSEQ_METHODS[i]),
                None => {
                    out.push(b' ');
                    push_str_contents(out, c.method.as_str());
                    out.push(b'"');
                }
            }
        }
        None => out.extend_from_slice(b"null"),
    }
    const RETRANSMISSION: ([u8; 24], usize) = render::padded(r#","retransmission":true"#);
    const FIRST: ([u8; 24], usize) = render::padded(r#","retransmission":false"#);
    render::push_padded(
        out,
        if r.retransmission {
            &RETRANSMISSION
        } else {
            &FIRST
        },
    );
    if !r.frames.is_empty() {
        out.extend_from_slice(br#","frames":["#);
        for (i, f) in r.frames.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            render::push_u64(out, u64::from(f.0));
        }
        out.push(b']');
    }
    out.push(b'}');
}

/// The standard methods, in the order of [`standard_method`].
const METHODS: [&str; 14] = Method::STANDARD;

/// The index of a standard method in [`METHODS`]; `None` for an extension.
fn standard_method(method: &Method) -> Option<usize> {
    Some(match method {
        Method::Invite => 0,
        Method::Ack => 1,
        Method::Bye => 2,
        Method::Cancel => 3,
        Method::Register => 4,
        Method::Options => 5,
        Method::Info => 6,
        Method::Update => 7,
        Method::Prack => 8,
        Method::Subscribe => 9,
        Method::Notify => 10,
        Method::Refer => 11,
        Method::Message => 12,
        Method::Publish => 13,
        Method::Other(_) => return None,
    })
}

/// `,"method":"{method}"` of each of [`METHODS`].
static METHOD_FIELDS: [([u8; 24], usize); 14] = method_texts(br#","method":""#, b"\"");

/// ` {method}"`, the end of a `cseq` value, of each of [`METHODS`].
static CSEQ_METHODS: [([u8; 24], usize); 14] = method_texts(b" ", b"\"");

/// `{before}{method}{after}` of each of [`METHODS`], [`render::padded`].
const fn method_texts(before: &[u8], after: &[u8]) -> [([u8; 24], usize); 14] {
    let mut texts = [([0; 24], 0); 14];
    let mut m = 0;
    while m < METHODS.len() {
        let (text, len) = &mut texts[m];
        let mut i = 0;
        while i < before.len() {
            text[*len] = before[i];
            *len += 1;
            i += 1;
        }
        let name = METHODS[m].as_bytes();
        let mut i = 0;
        while i < name.len() {
            text[*len] = name[i];
            *len += 1;
            i += 1;
        }
        let mut i = 0;
        while i < after.len() {
            text[*len] = after[i];
            *len += 1;
            i += 1;
        }
        m += 1;
    }
    texts
}

/// [`Line::Diagnostic`] of `diagnostic_json(input, d)`, with its line end;
/// `input` as in [`render_call_line`].
fn render_diagnostic_line(
    out: &mut Vec<u8>,
    (routes, statics): (&mut render::RouteTexts, &mut StaticTexts),
    input: &[u8],
    d: &Diagnostic,
) {
    out.extend_from_slice(br#"{"type":"diagnostic","data":{"input":"#);
    out.extend_from_slice(input);
    out.extend_from_slice(br#","rule":"#);
    push_plain_str(out, d.rule.id);
    out.extend_from_slice(br#","name":"#);
    push_plain_str(out, d.rule.name);
    out.extend_from_slice(br#","severity":"#);
    push_plain_str(out, d.severity.as_str());
    if let Some(status) = d.status {
        out.extend_from_slice(br#","status":"#);
        render::push_u64(out, u64::from(status.0));
    }
    out.extend_from_slice(br#","call_id":"#);
    push_str(out, &d.call_id);
    out.extend_from_slice(br#","frame":"#);
    render::push_u64(out, u64::from(d.frame.0));
    if let (Some(src), Some(dst)) = (d.src, d.dst) {
        out.extend_from_slice(br#","src":""#);
        routes.push(out, src, dst);
        out.push(b'"');
    } else {
        for (key, addr) in [(br#","src":"#, d.src), (br#","dst":"#, d.dst)] {
            out.extend_from_slice(key);
            match addr {
                Some(a) => {
                    out.push(b'"');
                    render::push_socket_addr(out, a);
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null"),
            }
        }
    }
    out.extend_from_slice(br#","message":"#);
    push_str(out, &d.message);
    out.extend_from_slice(br#","why":"#);
    statics.push(out, &d.why);
    out.extend_from_slice(br#","fix":"#);
    match &d.fix {
        Some(fix) => statics.push(out, fix),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(br#","evidence":["#);
    for (i, e) in d.evidence.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match e {
            Evidence::Header {
                frame,
                header,
                value,
            } => {
                out.extend_from_slice(br#"{"frame":"#);
                render::push_u64(out, u64::from(frame.0));
                out.extend_from_slice(br#","header":"#);
                statics.push(out, header);
                out.extend_from_slice(br#","value":"#);
                push_str(out, value);
            }
            Evidence::Note { frame, note } => {
                out.extend_from_slice(br#"{"frame":"#);
                render::push_u64(out, u64::from(frame.0));
                out.extend_from_slice(br#","note":"#);
                statics.push(out, note);
            }
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}}\n");
}

/// What separates the source and destination addresses in the lines:
/// `"src":"{src}","dst":"{dst}"`.
const SRC_TO_DST: &str = r#"","dst":""#;

/// A JSON string as serde_json writes it.
fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_str_contents(out, s);
    out.push(b'"');
}

/// The inside of a JSON string as serde_json writes it: `"` and `\` escaped,
/// control characters below 0x20 as `\b \t \n \f \r` or `\u00xx`; DEL and
/// everything else as it is.
///
/// One pass: eight bytes at a time, and in a word that holds a byte to
/// escape the lowest flagged byte of [`escape_flags`] is that byte, so the
/// scan jumps to it (the why and evidence texts of diagnostics carry quotes
/// in most lines). Runs between escapes are copied whole; `start` is the
/// first byte not copied yet, `i` the first not checked yet.
fn push_str_contents(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    loop {
        if bytes
            .get(i..i + BLOCK)
            .and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
            .is_some_and(block_is_plain)
        {
            i += BLOCK;
            continue;
        }
        if i < bytes.len() && i + BLOCK > bytes.len() && tail_is_plain(bytes, i) {
            break;
        }
        let at = match bytes.get(i..i + 8) {
            Some(word) => {
                let flags = escape_flags(word);
                if flags == 0 {
                    i += 8;
                    continue;
                }
                i + (flags.trailing_zeros() / 8) as usize
            }
            None if i >= bytes.len() => break,
            // The tail, shorter than a word: the string's last eight bytes,
            // those before `i` (checked already) replaced by spaces, which
            // are plain and cannot start a borrow.
            None => match bytes.len().checked_sub(8).and_then(|from| {
                let last = <[u8; 8]>::try_from(bytes.get(from..)?).ok()?;
                Some((from, u64::from_le_bytes(last)))
            }) {
                Some((from, last)) => {
                    let checked = 8 * i.saturating_sub(from).min(7);
                    let spaces = u64::from_ne_bytes([b' '; 8]);
                    let keep = u64::MAX << checked;
                    let flags = escape_flags_u64(last & keep | spaces & !keep);
                    if flags == 0 {
                        break;
                    }
                    from + (flags.trailing_zeros() / 8) as usize
                }
                // A string shorter than a word: byte by byte.
                None => match bytes
                    .get(i..)
                    .and_then(|tail| tail.iter().position(|&b| needs_escape(b)))
                {
                    Some(n) => i + n,
                    None => break,
                },
            },
        };
        let Some(&b) = bytes.get(at) else { break };
        out.extend_from_slice(bytes.get(start..at).unwrap_or_default());
        push_escape(out, b);
        (start, i) = (at + 1, at + 1);
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

/// Bytes checked at once by [`block_is_plain`].
const BLOCK: usize = 32;

/// Nothing to escape in `bytes[from..]`, shorter than a block, checked as
/// one block (most strings end without an escape; word by word, the tail
/// cost about as much as the blocks before it): the string's last block,
/// which overlaps bytes already checked, or for a string shorter than a
/// block its bytes padded with spaces. False may also mean that a byte
/// before `from` was one to escape (already written): the caller then
/// checks the tail word by word.
fn tail_is_plain(bytes: &[u8], from: usize) -> bool {
    match bytes.len().checked_sub(BLOCK) {
        Some(last) => bytes
            .get(last..)
            .and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
            .is_some_and(block_is_plain),
        None => {
            let mut padded = [b' '; BLOCK];
            let tail = bytes.get(from..).unwrap_or_default();
            match padded.get_mut(..tail.len()) {
                Some(to) => to.copy_from_slice(tail),
                None => return false,
            }
            block_is_plain(&padded)
        }
    }
}

/// Nothing to escape in `block`: a fold over a fixed length without early
/// exit, which the compiler turns into a few vector compares (long texts —
/// the why and evidence of diagnostics — go by at a few instructions per
/// block).
fn block_is_plain(block: &[u8; BLOCK]) -> bool {
    // Flags as bytes, not `bool`s: this spelling compiles to compares and
    // ors of whole vectors (the `bool` fold did not, measured).
    let flags = block.iter().fold(0u8, |flags, &b| {
        flags | u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\')
    });
    flags == 0
}

/// The escape of a byte that [`needs_escape`].
#[cold]
fn push_escape(out: &mut Vec<u8>, b: u8) {
    let escaped: &[u8] = match b {
        b'"' => br#"\""#,
        b'\\' => br"\\",
        b'\x08' => br"\b",
        b'\t' => br"\t",
        b'\n' => br"\n",
        b'\x0c' => br"\f",
        b'\r' => br"\r",
        _ => &[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4 & 0xf)],
            HEX[usize::from(b & 0xf)],
        ],
    };
    out.extend_from_slice(escaped);
}

/// A control character below 0x20, `"` or `\`.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// A string known to need no escape (names from the crate's own tables:
/// transports, methods, outcomes, rule ids and names, severities), quoted
/// without the check. The tests hold every such table to [`is_plain`].
fn push_plain_str(out: &mut Vec<u8>, s: &str) {
    debug_assert!(is_plain(s.as_bytes()), "{s:?}");
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// A method name: the standard ones from the crate's table as they are,
/// an extension method (captured text) escaped.
fn push_method(out: &mut Vec<u8>, method: &Method) {
    match method {
        Method::Other(_) => push_str(out, method.as_str()),
        _ => push_plain_str(out, method.as_str()),
    }
}

/// Nothing to escape in `bytes`: [`escape_flags`] for each eight, then
/// byte by byte.
fn is_plain(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    // `|` without early exit: no branch per word.
    let flags = words.by_ref().fold(0, |f, w| f | escape_flags(w));
    flags == 0 && !words.remainder().iter().any(|&b| needs_escape(b))
}

const HEX: [u8; 16] = *b"0123456789abcdef";

/// The high bit of each byte of `word` to escape (0 for a word without any;
/// `word` must be eight bytes long, any other length is flagged): a control
/// character below 0x20, `"` or `\`. Tested as one `u64` (little-endian):
/// a borrow can flag a byte above a flagged one, never below, so the lowest
/// flagged byte is exact.
fn escape_flags(word: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(word) {
        Ok(word) => escape_flags_u64(u64::from_le_bytes(word)),
        Err(_) => HIGH,
    }
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// [`escape_flags`] of a word read little-endian.
fn escape_flags_u64(w: u64) -> u64 {
    // Some byte of `v` is zero (a borrow starts only at a zero byte).
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v;
    // Below 0x20: borrows when 0x20 is subtracted, high bit clear.
    let flagged = w.wrapping_sub(ONES * 0x20) & !w
        | has_zero(w ^ (ONES * u64::from(b'"')))
        | has_zero(w ^ (ONES * u64::from(b'\\')));
    flagged & HIGH
}

fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_opt_u64(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => render::push_u64(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// `2024-11-21T14:25:03.123456789Z`: UTC, nanoseconds.
pub fn rfc3339(ts: Timestamp) -> String {
    let days = ts.secs.div_euclid(86_400);
    let secs_of_day = ts.secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        ts.nanos
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod method_table_tests {
    use super::*;

    #[test]
    fn method_tables_match_the_method_names() {
        for (i, name) in METHODS.iter().enumerate() {
            let method = Method::parse(name);
            assert_eq!(method.as_str(), *name);
            assert_eq!(standard_method(&method), Some(i));
            let (text, len) = &METHOD_FIELDS[i];
            assert_eq!(&text[..*len], format!(r#","method":"{name}""#).as_bytes());
            let (text, len) = &CSEQ_METHODS[i];
            assert_eq!(&text[..*len], format!(r#" {name}""#).as_bytes());
        }
        assert_eq!(standard_method(&Method::parse("FOO")), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Outcome;

    fn serde_line(line: &Line) -> Vec<u8> {
        let mut out = serde_json::to_vec(line).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn hand_written_lines_match_the_schema_types() {
        let (mut calls, mut diagnostics) = (0, 0);
        let mut routes = render::RouteTexts::new(SRC_TO_DST);
        let mut dates = render::Dates::default();
        let mut quoted = QuotedInput::default();
        let mut statics = StaticTexts::new();
        for input in crate::test_fixtures::analyses() {
            let name = format!("{}\u{1b}\"odd\\name\tü", input.name);
            let quoted = quoted.get(&name).to_vec();
            for (call, found) in input.calls().iter().zip(&input.diagnostics) {
                let mut out = Vec::new();
                render_call_line(&mut out, (&mut routes, &mut dates), &quoted, call);
                let expected = serde_line(&Line::Call(call_json(&name, call)));
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&expected)
                );
                calls += 1;
                for d in found.iter().chain(&input.summary.capture_diagnostics) {
                    let mut out = Vec::new();
                    render_diagnostic_line(&mut out, (&mut routes, &mut statics), &quoted, d);
                    let expected = serde_line(&Line::Diagnostic(diagnostic_json(&name, d)));
                    assert_eq!(
                        String::from_utf8_lossy(&out),
                        String::from_utf8_lossy(&expected)
                    );
                    diagnostics += 1;
                }
            }
        }
        assert!(
            calls > 50 && diagnostics > 50,
            "{calls} calls, {diagnostics} diagnostics"
        );
    }

    /// Fixed texts come out of the cache as `push_str` writes them, also
    /// when they evict each other and for owned texts of the same content.
    #[test]
    fn static_texts_are_escaped_once_and_right() {
        static TEXTS: [&str; 6] = ["plain", "a \"quoted\" why", "", "tab\there", "\\", "ü"];
        let mut statics = StaticTexts::new();
        for round in 0..3 {
            let rules = crate::rules::RULES.iter();
            for text in TEXTS
                .iter()
                .chain(rules.flat_map(|r| [&r.summary, &r.explanation]))
            {
                let mut expected = Vec::new();
                push_str(&mut expected, text);
                for cow in [Cow::Borrowed(*text), Cow::Owned(text.to_string())] {
                    let mut out = b"x".to_vec();
                    statics.push(&mut out, &cow);
                    assert_eq!(out[1..], expected[..], "{text:?} round {round}");
                }
            }
        }
        let mut out = Vec::new();
        statics.push(&mut out, &Cow::Borrowed("say \"hi\"\n"));
        assert_eq!(out, br#""say \"hi\"\n""#);
    }

    /// Strings of every length over two blocks, plain and with an escape
    /// at every position, as serde_json writes them.
    #[test]
    fn strings_are_written_as_serde_json_does() {
        for len in 0..=2 * BLOCK + 9 {
            let plain: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let mut out = Vec::new();
            push_str(&mut out, &plain);
            assert_eq!(out, format!("\"{plain}\"").into_bytes());
            for at in 0..len {
                for special in [b'"', b'\\', b'\n', 0x1f] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[at] = special;
                    let s = String::from_utf8(bytes).unwrap();
                    let mut out = Vec::new();
                    push_str(&mut out, &s);
                    assert_eq!(out, serde_json::to_string(&s).unwrap().into_bytes());
                }
            }
        }
    }

    #[test]
    fn plain_check_is_exact() {
        let naive = |b: &[u8]| b.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
        for len in 1..=19 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for fill in [0x20, 0xff, b'!', b'#', b'['] {
                        let mut bytes = vec![fill; len];
                        bytes[at] = b;
                        assert_eq!(is_plain(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("ü€\u{85}\u{202e}😀");
        for s in [
            &*all,
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c\n",
            "\u{7f}",
            "\u{1f}x",
        ] {
            let mut out = Vec::new();
            push_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    /// Every length up to three blocks, an escape at every position (alone
    /// and after another escape, whose borrow must not flag its neighbour),
    /// against serde_json.
    #[test]
    fn escapes_at_every_position_as_serde_json_does() {
        for len in 0..=100 {
            for at in 0..len {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                    for fill in ['a', '#', ']', '!', 'ü'] {
                        let mut chars: Vec<char> = vec![fill; len];
                        chars[at] = special;
                        if at + 1 < len {
                            chars[at + 1] = '#';
                        }
                        if at > 0 {
                            chars[at - 1] = '"';
                        }
                        let s: String = chars.into_iter().collect();
                        let mut out = Vec::new();
                        push_str(&mut out, &s);
                        assert_eq!(
                            String::from_utf8(out).unwrap(),
                            serde_json::to_string(&s).unwrap()
                        );
                    }
                }
            }
        }
    }

    /// The names written without the escape check need none.
    #[test]
    fn fixed_names_are_plain() {
        let mut names: Vec<&str> = Outcome::NAMES.to_vec();
        for rule in crate::rules::RULES {
            names.extend([rule.id, rule.name]);
        }
        names.extend([Severity::Info, Severity::Warning, Severity::Error].map(Severity::as_str));
        names.extend(
            [
                Transport::Udp,
                Transport::Tcp,
                Transport::Ws,
                Transport::Sctp,
            ]
            .map(Transport::as_str),
        );
        for m in Method::STANDARD {
            let method = Method::parse(m);
            assert!(!matches!(method, Method::Other(_)), "{m}");
            assert_eq!(method.as_str(), m);
            names.push(m);
        }
        for name in names {
            assert!(is_plain(name.as_bytes()), "{name:?}");
        }
    }

    #[test]
    fn formats_rfc3339_times() {
        let ts = Timestamp {
            secs: 1_732_199_103,
            nanos: 123_456_000,
        };
        assert_eq!(rfc3339(ts), "2024-11-21T14:25:03.123456000Z");
        assert_eq!(
            rfc3339(Timestamp { secs: 0, nanos: 0 }),
            "1970-01-01T00:00:00.000000000Z"
        );
        assert_eq!(
            rfc3339(Timestamp {
                secs: 951_782_400,
                nanos: 1
            }),
            "2000-02-29T00:00:00.000000001Z"
        );
    }
}
