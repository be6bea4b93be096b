//! The text report: per call a ladder of its messages and its diagnostics in
//! the rustc style, then a summary per capture. Colour comes from the
//! `colored` crate, switched on or off once by the CLI.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};

use super::Report;
use super::escape;
use crate::analysis::{CallSink, InputAnalysis, InputSummary};
use crate::correlate::{Call, Outcome, Record};
use crate::rules::{Diagnostic, Evidence, START_LINE, Severity};

/// The text report, written as the analysis releases each call.
pub struct TextReport<'w> {
    w: &'w mut dyn Write,
    /// Flush after every call (live capture: show each call as it ends).
    flush_each_call: bool,
    /// Only findings and the summary: no ladders, no calls without findings.
    quiet: bool,
    inputs: usize,
}

impl<'w> TextReport<'w> {
    pub fn new(w: &'w mut dyn Write) -> TextReport<'w> {
        TextReport {
            w,
            flush_each_call: false,
            quiet: false,
            inputs: 0,
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

impl CallSink for TextReport<'_> {
    fn call(&mut self, _: &str, n: u64, call: &Call, diagnostics: &[Diagnostic]) -> io::Result<()> {
        if self.quiet {
            for d in diagnostics {
                writeln!(self.w)?;
                write_diagnostic(self.w, d)?;
            }
        } else {
            writeln!(self.w)?;
            write_call_block(self.w, n, call, diagnostics)?;
        }
        if self.flush_each_call {
            self.w.flush()?;
        }
        Ok(())
    }
}

impl Report for TextReport<'_> {
    fn begin(&mut self, _: &[String]) -> io::Result<()> {
        Ok(())
    }

    fn begin_input(&mut self, name: &str) -> io::Result<()> {
        if self.inputs > 0 {
            writeln!(self.w)?;
        }
        self.inputs += 1;
        writeln!(self.w, "{} {}", "capture".bold(), escape(name).bold())
    }

    fn end_input(&mut self, summary: &InputSummary) -> io::Result<()> {
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
        Ok(())
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
    write_call(w, n, call)?;
    for d in diagnostics {
        writeln!(w)?;
        write_diagnostic(w, d)?;
    }
    Ok(())
}

fn write_call(w: &mut dyn Write, n: u64, call: &Call) -> io::Result<()> {
    let outcome = call.outcome();
    writeln!(
        w,
        "{} Call-ID {}",
        format!("call {n}").bold(),
        escape(&call.call_id)
    )?;
    let from = call
        .from()
        .map(|a| a.uri)
        .unwrap_or_else(|| "?".to_string());
    let to = call.to().map(|a| a.uri).unwrap_or_else(|| "?".to_string());
    let mut timing = String::new();
    if let Some(pdd) = call.post_dial_delay() {
        timing.push_str(&format!("   post-dial delay {}", millis(pdd)));
    }
    if let Some(setup) = call.setup_time() {
        timing.push_str(&format!("   setup {}", millis(setup)));
    }
    writeln!(
        w,
        "  {} → {}   outcome: {}{timing}",
        escape(&from),
        escape(&to),
        outcome_text(call, outcome)
    )?;
    let start = call.records.first().map(|r| r.ts);
    for record in &call.records {
        let offset = start.map_or(0.0, |s| record.ts.duration_since(s).as_secs_f64());
        let line = record.msg.start_line_text();
        let line = if record.msg.is_request() {
            escape(&line).bold()
        } else {
            status_colour(record, escape(&line).into_owned())
        };
        writeln!(
            w,
            "  {:>6}  {}  +{:<9.6}  {} → {}  {}  {}{}",
            record.frame.0,
            record.ts,
            offset,
            record.src,
            record.dst,
            record.transport.as_str(),
            line,
            if record.retransmission {
                " (retransmission)".dimmed().to_string()
            } else if record.frames.len() > 1 {
                let frames: Vec<String> = record.frames.iter().map(|f| f.0.to_string()).collect();
                format!(" (frames {})", frames.join(", "))
                    .dimmed()
                    .to_string()
            } else {
                String::new()
            }
        )?;
    }
    if call.dropped_messages > 0 {
        writeln!(
            w,
            "  … {} more messages not kept (call table limit)",
            call.dropped_messages
        )?;
    }
    Ok(())
}

fn outcome_text(call: &Call, outcome: Outcome) -> String {
    let reason = |code: u16| {
        call.records
            .iter()
            .find(|r| r.status().is_some_and(|s| s.0 == code))
            .and_then(|r| r.msg.reason_phrase().map(|p| escape(&p).into_owned()))
            .unwrap_or_default()
    };
    match outcome.status() {
        Some(s) => format!("{} ({} {})", outcome.as_str(), s.0, reason(s.0)),
        None => outcome.as_str().to_string(),
    }
}

fn status_colour(record: &Record, line: String) -> ColoredString {
    match record.status().map(|s| s.0 / 100) {
        Some(2) => line.green(),
        Some(1) | Some(3) => line.normal(),
        _ => line.red(),
    }
}

fn severity_label(severity: Severity, id: &str) -> ColoredString {
    let label = format!("{severity}[{id}]");
    match severity {
        Severity::Error => label.red().bold(),
        Severity::Warning => label.yellow().bold(),
        Severity::Info => label.cyan().bold(),
    }
}

/// One diagnostic in the rustc style.
pub fn write_diagnostic(w: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    writeln!(
        w,
        "{}: {}",
        severity_label(d.severity, d.rule.id),
        escape(&d.message).bold()
    )?;
    let arrow = "-->".blue().bold();
    match (d.src, d.dst) {
        (Some(src), Some(dst)) => writeln!(w, "  {arrow} frame {}, {src} → {dst}", d.frame)?,
        _ if d.frame.0 == 0 => writeln!(w, "  {arrow} whole capture")?,
        _ => writeln!(w, "  {arrow} frame {}", d.frame)?,
    }
    let bar = "|".blue().bold();
    writeln!(w, "   {bar}")?;
    for e in &d.evidence {
        match e {
            Evidence::Header {
                frame,
                header,
                value,
            } if header == START_LINE => {
                writeln!(w, "   {bar} frame {:<5} {}", frame.0, escape(value))?
            }
            Evidence::Header {
                frame,
                header,
                value,
            } => writeln!(
                w,
                "   {bar} frame {:<5} {}: {}",
                frame.0,
                escape(header),
                escape(value)
            )?,
            Evidence::Note { frame, note } => writeln!(
                w,
                "   {bar} frame {:<5} {} {}",
                frame.0,
                "note:".dimmed(),
                escape(note)
            )?,
        }
    }
    writeln!(w, "   {bar}")?;
    let eq = "=".blue().bold();
    if !d.why.is_empty() {
        writeln!(w, "   {eq} {} {}", "why:".bold(), escape(&d.why))?;
    }
    if let Some(fix) = &d.fix {
        writeln!(w, "   {eq} {} {}", "fix:".green().bold(), escape(fix))?;
    }
    writeln!(
        w,
        "   {eq} {} sipdiag explain {}",
        "explain:".bold(),
        d.rule.id
    )?;
    if let Some(status) = d.status {
        writeln!(w, "   {eq} {} sipdiag explain {}", "code:".bold(), status.0)?;
    }
    Ok(())
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
fn millis(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

/// "1 call", "2 calls".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
