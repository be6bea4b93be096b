//! The text report: per call a ladder of its messages and its diagnostics in
//! the rustc style, then a summary per capture. Colour comes from the
//! `colored` crate, switched on or off once by the CLI.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use colored::{ColoredString, Colorize};

use super::Report;
use super::escape;
use super::render;
use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use crate::capture::{FrameNo, Timestamp};
use crate::correlate::{Call, Outcome, Record};
use crate::decimal;
use crate::reassembly::Transport;
use crate::rules::{Diagnostic, Evidence, START_LINE, Severity};

/// The text report, written as the analysis releases each call.
pub struct TextReport<'w> {
    w: &'w mut dyn Write,
    /// Flush after every call (live capture: show each call as it ends).
    flush_each_call: bool,
    /// Only findings and the summary: no ladders, no calls without findings.
    quiet: bool,
    inputs: usize,
    /// The calls rendered and not written yet: written with one call once
    /// they reach [`render::BATCH`] bytes (or at once with `flush_each_call`), and
    /// before anything else is written.
    buf: Vec<u8>,
    /// The address pairs written so far, kept from call to call.
    texts: Texts,
}

impl<'w> TextReport<'w> {
    pub fn new(w: &'w mut dyn Write) -> TextReport<'w> {
        TextReport {
            w,
            flush_each_call: false,
            quiet: false,
            inputs: 0,
            buf: Vec::new(),
            texts: Texts::new(),
        }
    }
}

impl TextReport<'_> {
    /// Writes only the findings and the summary.
    pub fn quiet(mut self, on: bool) -> Self {
        self.quiet = on;
        self
    }

    /// Flushes the output after every call.
    pub fn flush_each_call(mut self, on: bool) -> Self {
        self.flush_each_call = on;
        self
    }
}

impl TextReport<'_> {
    /// Writes the calls rendered so far (see [`render::write_pending`]).
    fn write_pending(&mut self) -> io::Result<()> {
        render::write_pending(self.w, &mut self.buf)
    }
}

impl Drop for TextReport<'_> {
    /// The calls rendered before an error ended the run are written, as
    /// they were when each call was written at once.
    fn drop(&mut self) {
        let _ = self.write_pending();
    }
}

impl CallSink for TextReport<'_> {
    fn call(&mut self, _: &str, n: u64, call: &Call, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let mut out = Out::new(&mut self.buf, &mut self.texts);
        if self.quiet {
            for d in diagnostics {
                out.str("\n");
                render_diagnostic(&mut out, d);
            }
        } else {
            out.str("\n");
            render_call_and_diagnostics(&mut out, n, call, diagnostics);
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

impl Report for TextReport<'_> {
    fn begin(&mut self, _: &[String]) -> io::Result<()> {
        Ok(())
    }

    fn begin_input(&mut self, name: &str) -> io::Result<()> {
        self.write_pending()?;
        if self.inputs > 0 {
            writeln!(self.w)?;
        }
        self.inputs += 1;
        writeln!(self.w, "{} {}", "capture".bold(), escape(name).bold())
    }

    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()> {
        self.write_pending()?;
        let w = &mut *self.w;
        for (title, list) in [
            ("capture findings", &summary.capture_diagnostics),
            ("expectations not met", &summary.expectations),
        ] {
            if list.is_empty() {
                continue;
            }
            writeln!(w)?;
            writeln!(w, "{}", title.bold())?;
            for d in list {
                writeln!(w)?;
                write_diagnostic(w, d)?;
            }
        }
        writeln!(w)?;
        write_summary(w, summary)
    }

    fn end(&mut self) -> io::Result<()> {
        self.write_pending()
    }
}

/// Writes the whole report for analysed captures (calls already collected).
pub fn write(w: &mut dyn Write, inputs: &[InputAnalysis]) -> io::Result<()> {
    super::replay(&mut TextReport::new(w), inputs)
}

/// One call: its ladder, then its diagnostics.
pub fn write_call_block(
    w: &mut dyn Write,
    n: u64,
    call: &Call,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    let mut buf = Vec::new();
    render_call_block(&mut buf, n, call, diagnostics);
    w.write_all(&buf)
}

/// [`write_call_block`] appended to a buffer: the report renders each block
/// into one reused buffer and writes it with one call (no `core::fmt` and no
/// trip through the writer per piece; see `report::render`).
pub fn render_call_block(buf: &mut Vec<u8>, n: u64, call: &Call, diagnostics: &[Diagnostic]) {
    render_call_block_with(buf, &mut Texts::new(), n, call, diagnostics);
}

/// [`render_call_block`] with the caller's [`Texts`],
/// kept from call to call: a new table costs a 5 kB fill and misses on every
/// address pair.
pub(crate) fn render_call_block_with(
    buf: &mut Vec<u8>,
    texts: &mut Texts,
    n: u64,
    call: &Call,
    diagnostics: &[Diagnostic],
) {
    render_call_and_diagnostics(&mut Out::new(buf, texts), n, call, diagnostics);
}

/// [`render_call_block_with`] with the URIs of the From and To of the
/// call's first request ([`Call::from_uri`], [`Call::to_uri`]) that the
/// caller read already (JUnit names its test cases with them).
pub(crate) fn render_call_block_with_parties(
    buf: &mut Vec<u8>,
    texts: &mut Texts,
    n: u64,
    call: &Call,
    parties: (Option<&str>, Option<&str>),
    diagnostics: &[Diagnostic],
) {
    let out = &mut Out::new(buf, texts);
    render_call_with_parties(out, n, call, parties);
    render_diagnostics(out, diagnostics);
}

fn render_call_and_diagnostics(out: &mut Out<'_>, n: u64, call: &Call, diagnostics: &[Diagnostic]) {
    render_call(out, n, call);
    render_diagnostics(out, diagnostics);
}

fn render_diagnostics(out: &mut Out<'_>, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        out.str("\n");
        render_diagnostic(out, d);
    }
}

/// What the text report keeps from call to call: the address texts, and the
/// fixed texts of diagnostics known to need no escape.
pub(crate) struct Texts {
    routes: render::RouteTexts,
    statics: PlainStatics,
}

impl Texts {
    pub(crate) fn new() -> Texts {
        Texts {
            routes: render::RouteTexts::new(" → "),
            statics: PlainStatics::new(),
        }
    }
}

/// Whether each fixed text of diagnostics is left as it is by [`escape`]
/// (nearly all are): checked once, not for every finding.
struct PlainStatics(render::StaticTexts<bool>);

impl PlainStatics {
    fn new() -> PlainStatics {
        PlainStatics(render::StaticTexts::new())
    }

    /// `push_escaped(out, text)`, without the check when `text` is a fixed
    /// text known to need no escape.
    #[allow(
        clippy::ptr_arg,
        reason = "whether the text is borrowed, and for how long, is the point"
    )]
    fn push(&mut self, out: &mut Vec<u8>, text: &Cow<'static, str>) {
        match *text {
            Cow::Borrowed(text)
                if *self
                    .0
                    .get(text, |text| matches!(escape(text), Cow::Borrowed(_))) =>
            {
                out.extend_from_slice(text.as_bytes());
            }
            _ => super::push_escaped(out, text),
        }
    }
}

/// A buffer being rendered into, and whether colour is on (read once from
/// `colored`'s switch, which the CLI sets once).
struct Out<'b> {
    buf: &'b mut Vec<u8>,
    colour: bool,
    texts: &'b mut Texts,
}

impl<'b> Out<'b> {
    fn new(buf: &'b mut Vec<u8>, texts: &'b mut Texts) -> Out<'b> {
        Out {
            buf,
            colour: colored::control::SHOULD_COLORIZE.should_colorize(),
            texts,
        }
    }

    fn str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn escaped(&mut self, s: &str) {
        super::push_escaped(self.buf, s);
    }

    fn u64(&mut self, n: u64) {
        render::push_u64(self.buf, n);
    }

    /// `s` in a `colored` style, exactly as `colored` writes it; `s` alone
    /// when colour is off (the common case: files, pipes, CI). Inlined: most
    /// `s` are constants, copied without a call.
    #[inline]
    fn styled(&mut self, s: &str, style: fn(&str) -> ColoredString) {
        if self.colour {
            let _ = write!(self.buf, "{}", style(s));
        } else {
            self.str(s);
        }
    }

    fn escaped_styled(&mut self, s: &str, style: fn(&str) -> ColoredString) {
        if self.colour {
            self.styled(&escape(s), style);
        } else {
            self.escaped(s);
        }
    }
}

fn bold(s: &str) -> ColoredString {
    s.bold()
}

fn dimmed(s: &str) -> ColoredString {
    s.dimmed()
}

fn blue_bold(s: &str) -> ColoredString {
    s.blue().bold()
}

/// The first request of the call, or its first message: where
/// [`Call::from`] and [`Call::to`] look, borrowed instead of cloned.
fn first_message(call: &Call) -> Option<&Record> {
    call.records
        .iter()
        .find(|r| r.msg.is_request())
        .or(call.records.first())
}

fn render_call(out: &mut Out<'_>, n: u64, call: &Call) {
    let first = first_message(call);
    let from = first.and_then(|r| r.msg.from_uri());
    let to = first.and_then(|r| r.msg.to_uri());
    render_call_with_parties(out, n, call, (from.as_deref(), to.as_deref()));
}

/// [`render_call`] with the URIs of From and To read already.
fn render_call_with_parties(
    out: &mut Out<'_>,
    n: u64,
    call: &Call,
    (from, to): (Option<&str>, Option<&str>),
) {
    let outcome = call.outcome();
    if out.colour {
        out.styled(&format!("call {n}"), bold);
    } else {
        out.str("call ");
        out.u64(n);
    }
    out.str(" Call-ID ");
    out.escaped(&call.call_id);
    out.str("\n  ");
    match from {
        Some(from) => out.escaped(from),
        None => out.str("?"),
    }
    out.str(" → ");
    match to {
        Some(to) => out.escaped(to),
        None => out.str("?"),
    }
    out.str("   outcome: ");
    render_outcome(out, call, outcome);
    if let Some(pdd) = call.post_dial_delay() {
        out.str("   post-dial delay ");
        render_millis(out, pdd);
    }
    if let Some(setup) = call.setup_time() {
        out.str("   setup ");
        render_millis(out, setup);
    }
    out.str("\n");
    let start = call.records.first().map(|r| r.ts);
    let mut clock = render::Clock::new();
    for record in &call.records {
        render_ladder_columns(out.buf, &mut clock, record.frame, record.ts, start);
        out.texts.routes.push(out.buf, record.src, record.dst);
        render::push_padded(out.buf, transport_column(record.transport));
        let msg = &record.msg;
        let span = msg.start_line_span();
        // Printable ASCII bytes are their text, with nothing to escape;
        // checked and copied out of the message as a fixed block when it can.
        let plain = !out.colour
            && render::push_printable_window(out.buf, msg.raw(), span.start as usize, span.len());
        if !plain {
            let style = if msg.is_request() {
                bold
            } else {
                status_style(record)
            };
            out.escaped_styled(&msg.start_line_text(), style);
        }
        if record.retransmission {
            out.styled(" (retransmission)", dimmed);
        } else if record.frames.len() > 1 {
            render_frames(out, &record.frames);
        }
        out.str("\n");
    }
    if call.dropped_messages > 0 {
        out.str("  … ");
        out.u64(call.dropped_messages);
        out.str(" more messages not kept (call table limit)\n");
    }
}

/// `  {transport}  `, one constant piece per transport, appended as a fixed
/// copy.
fn transport_column(transport: Transport) -> &'static ([u8; 8], usize) {
    const UDP: ([u8; 8], usize) = render::padded("  UDP  ");
    const TCP: ([u8; 8], usize) = render::padded("  TCP  ");
    const WS: ([u8; 8], usize) = render::padded("  WS  ");
    const SCTP: ([u8; 8], usize) = render::padded("  SCTP  ");
    match transport {
        Transport::Udp => &UDP,
        Transport::Tcp => &TCP,
        Transport::Ws => &WS,
        Transport::Sctp => &SCTP,
    }
}

/// The nanoseconds from `start` to `ts` (0 when `ts` is earlier), when they
/// fit an `i64` (always, but for hostile timestamps more than 292 years
/// apart): no 128-bit division.
fn offset_nanos(ts: Timestamp, start: Timestamp) -> Option<u64> {
    let nanos = ts
        .secs
        .checked_sub(start.secs)?
        .checked_mul(1_000_000_000)?
        .checked_add(i64::from(ts.nanos) - i64::from(start.nanos))?;
    Some(nanos.max(0).unsigned_abs())
}

/// `  {frame:>6}  {time of day}  +{offset:<9.6}  `: the fixed-width columns
/// that start a ladder line, `offset` being the time since `start` (the
/// call's first message). Assembled on the stack and appended in one piece
/// when the offset fits its column (below 100 s: nearly always) and the
/// frame number has at most eight digits.
fn render_ladder_columns(
    buf: &mut Vec<u8>,
    clock: &mut render::Clock,
    frame: FrameNo,
    ts: Timestamp,
    start: Option<Timestamp>,
) {
    let offset = start.map_or(Some(0), |s| offset_nanos(ts, s));
    let Some(offset) = offset.and_then(render::secs6_field_of_nanos) else {
        let offset = start.map_or(Duration::ZERO, |s| ts.duration_since(s));
        buf.extend_from_slice(b"  ");
        render::push_right_aligned(buf, u64::from(frame.0), 6);
        buf.extend_from_slice(b"  ");
        buf.extend_from_slice(&clock.time_of_day(ts));
        buf.extend_from_slice(b"  +");
        render::push_secs_left_aligned(buf, offset, 6, 9);
        buf.extend_from_slice(b"  ");
        return;
    };
    // The frame number right-aligned in ten columns (a `u32` has at most
    // ten digits) after the indent; the line starts as many columns before
    // the frame column as the number needs beyond six.
    let (frame_field, width) = decimal::right_aligned_u32(frame.0);
    let width = width.max(6);
    let mut head = [b' '; 43];
    head[2..12].copy_from_slice(&frame_field);
    head[14..29].copy_from_slice(&clock.time_of_day(ts));
    head[31] = b'+';
    head[32..41].copy_from_slice(&offset);
    if width == 6 {
        // A constant length: copied without a call to `memcpy`.
        buf.extend_from_slice(&head[4..]);
    } else {
        buf.extend_from_slice(
            head.get(10usize.saturating_sub(width)..)
                .unwrap_or_default(),
        );
    }
}

/// ` (frames 3, 4, 5)`, dimmed.
fn render_frames(out: &mut Out<'_>, frames: &[FrameNo]) {
    let mut text = Vec::with_capacity(16 + 8 * frames.len());
    text.extend_from_slice(b" (frames ");
    for (i, f) in frames.iter().enumerate() {
        if i > 0 {
            text.extend_from_slice(b", ");
        }
        render::push_u64(&mut text, u64::from(f.0));
    }
    text.push(b')');
    // Only ASCII digits and punctuation were written.
    out.styled(&String::from_utf8_lossy(&text), dimmed);
}

/// `completed (200 OK)`, `cancelled`.
fn render_outcome(out: &mut Out<'_>, call: &Call, outcome: Outcome) {
    out.str(outcome.as_str());
    let Some(status) = outcome.status() else {
        return;
    };
    out.str(" (");
    out.u64(u64::from(status.0));
    out.str(" ");
    let reason = call
        .records
        .iter()
        .find(|r| r.status() == Some(status))
        .and_then(|r| r.msg.reason_phrase());
    if let Some(reason) = reason {
        out.escaped(&reason);
    }
    out.str(")");
}

fn status_style(record: &Record) -> fn(&str) -> ColoredString {
    match record.status().map(|s| s.0 / 100) {
        Some(2) => |s| s.green(),
        Some(1) | Some(3) => |s| s.normal(),
        _ => |s| s.red(),
    }
}

fn severity_style(severity: Severity) -> fn(&str) -> ColoredString {
    match severity {
        Severity::Error => |s| s.red().bold(),
        Severity::Warning => |s| s.yellow().bold(),
        Severity::Info => |s| s.cyan().bold(),
    }
}

/// One diagnostic in the rustc style.
pub fn write_diagnostic(w: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    let mut buf = Vec::new();
    render_diagnostic(&mut Out::new(&mut buf, &mut Texts::new()), d);
    w.write_all(&buf)
}

/// [`write_diagnostic`] appended to a buffer, with the caller's address
/// texts ([`Texts`]).
pub(crate) fn render_diagnostic_with(buf: &mut Vec<u8>, texts: &mut Texts, d: &Diagnostic) {
    render_diagnostic(&mut Out::new(buf, texts), d);
}

fn render_diagnostic(out: &mut Out<'_>, d: &Diagnostic) {
    if out.colour {
        render_diagnostic_styled(out, d);
    } else {
        render_diagnostic_plain(out.buf, out.texts, d);
    }
}

/// [`render_diagnostic`] without colour (files, pipes, CI: nearly every
/// run). The same text as [`render_diagnostic_styled`] with colour off, but
/// the constant text around the values merged into a few pieces of fixed
/// length (inline stores, no call to `memcpy`), each line starting with the
/// newline that ends the one before: a diagnostic is some 40 pieces in the
/// styled spelling, ~15 here.
fn render_diagnostic_plain(buf: &mut Vec<u8>, texts: &mut Texts, d: &Diagnostic) {
    // `error[SD0183]: `: every rule id has six characters, copied as an
    // array; another length would be written piece by piece.
    let id = <[u8; 6]>::try_from(d.rule.id.as_bytes()).ok();
    render::push_padded(buf, severity_open(d.severity));
    match id {
        Some([a, b, c, e, f, g]) => buf.extend_from_slice(&[a, b, c, e, f, g, b']', b':', b' ']),
        None => {
            buf.extend_from_slice(d.rule.id.as_bytes());
            buf.extend_from_slice(b"]: ");
        }
    }
    super::push_escaped(buf, &d.message);
    match (d.src, d.dst) {
        (Some(src), Some(dst)) => {
            push_frame_line(buf, d.frame.0, b", ");
            texts.routes.push(buf, src, dst);
        }
        _ if d.frame.0 == 0 => buf.extend_from_slice(b"\n  --> whole capture"),
        _ => push_frame_line(buf, d.frame.0, b""),
    }
    buf.extend_from_slice(b"\n   |");
    for e in &d.evidence {
        match e {
            Evidence::Header {
                frame,
                header,
                value,
            } => {
                push_evidence_head(buf, *frame);
                if header != START_LINE {
                    texts.statics.push(buf, header);
                    buf.extend_from_slice(b": ");
                }
                super::push_escaped(buf, value);
            }
            Evidence::Note { frame, note } => {
                push_evidence_head(buf, *frame);
                buf.extend_from_slice(b"note: ");
                texts.statics.push(buf, note);
            }
        }
    }
    buf.extend_from_slice(b"\n   |");
    if !d.why.is_empty() {
        buf.extend_from_slice(b"\n   = why: ");
        texts.statics.push(buf, &d.why);
    }
    if let Some(fix) = &d.fix {
        buf.extend_from_slice(b"\n   = fix: ");
        texts.statics.push(buf, fix);
    }
    const EXPLAIN: &[u8; 31] = b"\n   = explain: sipdiag explain ";
    match id {
        Some(id) => {
            let mut line = [0; 37];
            line[..31].copy_from_slice(EXPLAIN);
            line[31..].copy_from_slice(&id);
            buf.extend_from_slice(&line);
        }
        None => {
            buf.extend_from_slice(EXPLAIN);
            buf.extend_from_slice(d.rule.id.as_bytes());
        }
    }
    if let Some(status) = d.status {
        buf.extend_from_slice(b"\n   = code: sipdiag explain ");
        render::push_u64(buf, u64::from(status.0));
    }
    buf.push(b'\n');
}

/// `error[`, `warning[`, `info[`.
fn severity_open(severity: Severity) -> &'static ([u8; 8], usize) {
    const ERROR: ([u8; 8], usize) = render::padded("error[");
    const WARNING: ([u8; 8], usize) = render::padded("warning[");
    const INFO: ([u8; 8], usize) = render::padded("info[");
    match severity {
        Severity::Error => &ERROR,
        Severity::Warning => &WARNING,
        Severity::Info => &INFO,
    }
}

/// `\n  --> frame {frame}{after}` (`after` at most 2 bytes), assembled on
/// the stack and appended in one piece.
#[inline]
fn push_frame_line(buf: &mut Vec<u8>, frame: u32, after: &[u8]) {
    const HEAD: &[u8; 13] = b"\n  --> frame ";
    let (field, len) = decimal::left_aligned_u32(frame);
    let mut line = [0; 32];
    line[..13].copy_from_slice(HEAD);
    line[13..23].copy_from_slice(&field);
    let end = 13 + len;
    let Some(to) = line.get_mut(end..end + after.len()) else {
        return;
    };
    to.copy_from_slice(after);
    render::push_prefix(buf, &line, end + after.len());
}

/// `\n   | frame {frame:<5} `: the start of an evidence line, in one piece.
#[inline]
fn push_evidence_head(buf: &mut Vec<u8>, frame: FrameNo) {
    const HEAD: &[u8; 12] = b"\n   | frame ";
    // The frame number left-aligned in five columns, then a space: at
    // most ten digits and the space after the twelve bytes of the head.
    let (field, len) = decimal::left_aligned_u32(frame.0);
    let mut line = [b' '; 24];
    line[..12].copy_from_slice(HEAD);
    line[12..22].copy_from_slice(&field);
    render::push_prefix(buf, &line, len.max(5) + 13);
}

/// [`render_diagnostic`] with colour, piece by piece through `colored`.
fn render_diagnostic_styled(out: &mut Out<'_>, d: &Diagnostic) {
    if out.colour {
        out.styled(
            &format!("{}[{}]", d.severity, d.rule.id),
            severity_style(d.severity),
        );
    } else {
        out.str(d.severity.as_str());
        out.str("[");
        out.str(d.rule.id);
        out.str("]");
    }
    out.str(": ");
    out.escaped_styled(&d.message, bold);
    out.str("\n  ");
    out.styled("-->", blue_bold);
    match (d.src, d.dst) {
        (Some(src), Some(dst)) => {
            out.str(" frame ");
            out.u64(u64::from(d.frame.0));
            out.str(", ");
            out.texts.routes.push(out.buf, src, dst);
        }
        _ if d.frame.0 == 0 => out.str(" whole capture"),
        _ => {
            out.str(" frame ");
            out.u64(u64::from(d.frame.0));
        }
    }
    out.str("\n");
    let bar = |out: &mut Out<'_>| {
        out.str("   ");
        out.styled("|", blue_bold);
    };
    bar(out);
    out.str("\n");
    for e in &d.evidence {
        bar(out);
        let (Evidence::Header { frame, .. } | Evidence::Note { frame, .. }) = e;
        out.str(" frame ");
        render::push_left_aligned(out.buf, u64::from(frame.0), 5);
        out.str(" ");
        match e {
            Evidence::Header { header, value, .. } if header == START_LINE => out.escaped(value),
            Evidence::Header { header, value, .. } => {
                out.escaped(header);
                out.str(": ");
                out.escaped(value);
            }
            Evidence::Note { note, .. } => {
                out.styled("note:", dimmed);
                out.str(" ");
                out.escaped(note);
            }
        }
        out.str("\n");
    }
    bar(out);
    out.str("\n");
    let eq = |out: &mut Out<'_>| {
        out.str("   ");
        out.styled("=", blue_bold);
        out.str(" ");
    };
    if !d.why.is_empty() {
        eq(out);
        out.styled("why:", bold);
        out.str(" ");
        out.escaped(&d.why);
        out.str("\n");
    }
    if let Some(fix) = &d.fix {
        eq(out);
        out.styled("fix:", |s| s.green().bold());
        out.str(" ");
        out.escaped(fix);
        out.str("\n");
    }
    eq(out);
    out.styled("explain:", bold);
    out.str(" sipdiag explain ");
    out.str(d.rule.id);
    out.str("\n");
    if let Some(status) = d.status {
        eq(out);
        out.styled("code:", bold);
        out.str(" sipdiag explain ");
        out.u64(u64::from(status.0));
        out.str("\n");
    }
}

fn write_summary(w: &mut dyn Write, input: &InputSummary) -> io::Result<()> {
    let s = &input.stats;
    let outcomes: Vec<String> = s.outcomes.iter().map(|(n, c)| format!("{c} {n}")).collect();
    writeln!(
        w,
        "{} {}, {} ({}), {}{}",
        "summary:".bold(),
        count(s.frames, "frame", "frames"),
        count(s.sip_messages, "SIP message", "SIP messages"),
        count(s.retransmissions, "retransmission", "retransmissions"),
        count(s.calls, "call", "calls"),
        if outcomes.is_empty() {
            String::new()
        } else {
            format!(" ({})", outcomes.join(", "))
        }
    )?;
    if s.calls_hidden > 0 {
        writeln!(
            w,
            "  calls not shown (--call/--problems): {}",
            s.calls_hidden
        )?;
    }
    if !s.responses.is_empty() {
        let codes: Vec<String> = s
            .responses
            .iter()
            .map(|(c, n)| format!("{c}×{n}"))
            .collect();
        writeln!(w, "  responses: {}", codes.join(" "))?;
    }
    if let (Some(min), Some(p50), Some(p95), Some(max)) = (
        s.pdd.min(),
        s.pdd.percentile(50),
        s.pdd.percentile(95),
        s.pdd.max(),
    ) {
        writeln!(
            w,
            "  post-dial delay: {} (min {min} ms, median {p50} ms, p95 {p95} ms, max {max} ms)",
            count(s.pdd.count() as u64, "call", "calls"),
        )?;
    }
    writeln!(
        w,
        "  findings: {}, {}, {} info",
        count(s.count(Severity::Error), "error", "errors"),
        count(s.count(Severity::Warning), "warning", "warnings"),
        s.count(Severity::Info)
    )?;
    if s.malformed_messages > 0 {
        writeln!(w, "  malformed SIP messages: {}", s.malformed_messages)?;
    }
    if s.truncated_frames > 0 {
        writeln!(
            w,
            "  frames cut short by the snaplen: {}",
            s.truncated_frames
        )?;
    }
    let r = &s.reassembly;
    if r.tcp_segments_with_data > 0 {
        writeln!(
            w,
            "  TCP: {} segments with data in {} streams ({} retransmitted, {} out of order, {} gaps, {} bytes missing), {} SIP messages, {} over WebSocket",
            r.tcp_segments_with_data,
            r.tcp_streams,
            r.tcp_retransmitted_segments,
            r.tcp_out_of_order_segments,
            r.tcp_gaps,
            r.tcp_missing_bytes,
            r.tcp_messages,
            r.ws_messages
        )?;
    }
    if r.ip_fragments > 0 {
        writeln!(
            w,
            "  IP fragments: {} (first: frame {}), {} datagrams reassembled, {} incomplete",
            r.ip_fragments,
            r.first_fragment_frame.map_or(0, |f| f.0),
            r.ip_datagrams_reassembled,
            r.ip_datagrams_incomplete
        )?;
    }
    if r.tcp_overlap_conflicts > 0 {
        writeln!(
            w,
            "  TCP overlaps whose bytes differ from the first copy: {}",
            r.tcp_overlap_conflicts
        )?;
    }
    if r.tcp_out_of_window_segments > 0 {
        writeln!(
            w,
            "  TCP segments far beyond the receive window that the stream went on without (ignored): {}",
            r.tcp_out_of_window_segments
        )?;
    }
    if r.sctp_data_chunks > 0 {
        writeln!(
            w,
            "  SCTP: {} DATA chunks ({} duplicates), {} SIP messages, {} gaps",
            r.sctp_data_chunks, r.sctp_duplicate_chunks, r.sctp_messages, r.sctp_gaps
        )?;
    }
    if r.tls_flows > 0 {
        writeln!(w, "  TLS flows (encrypted, not analysed): {}", r.tls_flows)?;
    }
    writeln!(w, "  decode issues: {}", s.decode_issues)?;
    for issue in &input.decode_issues {
        writeln!(w, "    {}", escape(&issue.to_string()))?;
    }
    if s.decode_issues > input.decode_issues.len() as u64 {
        writeln!(
            w,
            "    … {} more not listed",
            s.decode_issues - input.decode_issues.len() as u64
        )?;
    }
    if let Some(e) = &input.read_error {
        writeln!(
            w,
            "  {} {}",
            "capture incomplete:".yellow().bold(),
            escape(e)
        )?;
    }
    Ok(())
}

/// "0.4 ms", "12.0 ms", "1.250 s".
fn render_millis(out: &mut Out<'_>, d: Duration) {
    // Below one second (nearly every delay): the tenths of a millisecond
    // rounded by hand, which is what `{:.1}` of the f64 writes but for an
    // exact tie (left to `push_millis`, which hands it to `core::fmt`).
    let nanos = d.subsec_nanos();
    let (tenths, rest) = (nanos / 100_000, nanos % 100_000);
    if d.as_secs() == 0 && rest != 50_000 {
        let tenths = tenths + u32::from(rest > 50_000);
        out.u64(u64::from(tenths / 10));
        let tenth = b'0' + (tenths % 10) as u8;
        out.buf.extend_from_slice(&[b'.', tenth, b' ', b'm', b's']);
        return;
    }
    // From one second on (the setup time of most answered calls): the
    // thousandths rounded by hand the same way, below 2^22 s (where the f64
    // is exact enough, see `render::push_secs`) and but for a tie.
    let (millis, rest) = (nanos / 1_000_000, nanos % 1_000_000);
    if d.as_secs() > 0 && d.as_secs() < 1 << 22 && rest != 500_000 {
        let millis = millis + u32::from(rest > 500_000);
        // 999.5 ms and more round up into the next second.
        let (secs, millis) = (d.as_secs() + u64::from(millis / 1000), millis % 1000);
        out.u64(secs);
        let [tens, ones] = decimal::pair((millis % 100) as u8);
        let hundreds = b'0' + (millis / 100) as u8;
        out.buf
            .extend_from_slice(&[b'.', hundreds, tens, ones, b' ', b's']);
        return;
    }
    if d.as_millis() < 1000 {
        render::push_millis(out.buf, d, 1);
        out.str(" ms");
    } else {
        render::push_secs(out.buf, d, 3);
        out.str(" s");
    }
}

/// "1 call", "2 calls".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_columns_are_the_names_padded() {
        for t in [
            Transport::Udp,
            Transport::Tcp,
            Transport::Ws,
            Transport::Sctp,
        ] {
            let (text, len) = transport_column(t);
            assert_eq!(&text[..*len], format!("  {}  ", t.as_str()).as_bytes());
        }
    }

    /// The merged colourless pieces write what the styled spelling writes
    /// with colour off: frames of every width, every severity, addresses or
    /// not, whole-capture findings, escapes, ids of another length.
    #[test]
    fn plain_diagnostics_match_the_styled_spelling() {
        use crate::capture::FrameNo;
        use crate::rules::RULES;
        use crate::sip::StatusCode;
        use std::borrow::Cow;
        static ODD_ID: crate::rules::Rule = crate::rules::Rule {
            id: "SD12345",
            ..RULES[0]
        };
        let src = "10.0.0.1:5060".parse().ok();
        let dst = "[2001:db8::1]:5061".parse().ok();
        let mut cases = Vec::new();
        for (i, frame) in [0u32, 7, 12_345, 99_999, 100_000, u32::MAX]
            .into_iter()
            .enumerate()
        {
            for rule in [&RULES[0], &RULES[RULES.len() - 1], &ODD_ID] {
                for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                    let mut d = crate::rules::Diagnostic {
                        rule,
                        severity,
                        call_id: "c".into(),
                        frame: FrameNo(frame),
                        src: if i % 2 == 0 { src } else { None },
                        dst: if i % 3 == 0 { dst } else { None },
                        status: (i % 2 == 1).then_some(StatusCode(183)),
                        message: format!("message {i} with \u{1b}[2J"),
                        why: Cow::Borrowed(if i == 2 { "" } else { "why \"§\"" }),
                        fix: (i % 2 == 0).then_some(Cow::Borrowed("fix it")),
                        evidence: Vec::new(),
                    };
                    for f in [0, frame, frame / 3] {
                        d.evidence.push(Evidence::Header {
                            frame: FrameNo(f),
                            header: Cow::Borrowed(START_LINE),
                            value: "SIP/2.0 183 Session Progress".into(),
                        });
                        d.evidence.push(Evidence::Header {
                            frame: FrameNo(f),
                            header: Cow::Borrowed("Require"),
                            value: "100rel\r".into(),
                        });
                        d.evidence.push(Evidence::note(FrameNo(f), "a note"));
                    }
                    cases.push(d);
                }
            }
        }
        for d in &cases {
            let mut texts = Texts::new();
            let (mut plain, mut styled) = (Vec::new(), Vec::new());
            render_diagnostic_plain(&mut plain, &mut texts, d);
            render_diagnostic_styled(
                &mut Out {
                    buf: &mut styled,
                    colour: false,
                    texts: &mut texts,
                },
                d,
            );
            assert_eq!(
                String::from_utf8(plain).unwrap(),
                String::from_utf8(styled).unwrap()
            );
        }
    }

    /// The hand-rounded delays are what `core::fmt` writes, ties and the
    /// carry into a whole second included.
    #[test]
    fn millis_as_core_fmt_writes_them() {
        let mut cases = vec![0, 1, 49_999, 50_000, 50_001, 150_000, 250_000, 999_949_999];
        cases.extend([
            999_950_000,
            999_950_001,
            999_999_999,
            1_000_000_000,
            1_250_000_000,
        ]);
        cases.extend((0..2000).map(|i| i * 499_979));
        // Seconds: thousandths, ties, the carry into the next second, the
        // edge of the hand-rounded range.
        cases.extend((0..3000).map(|i| 1_000_000_000 + i * 3_333_331));
        cases.extend([1_000_500_000, 1_999_500_000, 1_999_499_999, 9_999_999_999]);
        cases.extend([((1 << 22) - 1) * 1_000_000_000 + 999_999_999]);
        cases.extend([(1 << 22) * 1_000_000_000 + 123_456_789]);
        for nanos in cases {
            let d = Duration::from_nanos(nanos);
            let expected = if d.as_millis() < 1000 {
                format!("{:.1} ms", d.as_secs_f64() * 1000.0)
            } else {
                format!("{:.3} s", d.as_secs_f64())
            };
            let mut buf = Vec::new();
            render_millis(&mut Out::new(&mut buf, &mut Texts::new()), d);
            assert_eq!(String::from_utf8(buf).unwrap(), expected, "{nanos}");
        }
    }
}
