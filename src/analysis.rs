//! Wires the pipeline stages together for one capture: frames are decoded,
//! SIP messages are found and parsed, correlated into calls, and every call is
//! checked by the rules.

use std::collections::BTreeMap;

use crate::capture::{CaptureError, FrameSource, Timestamp};
use crate::correlate::{Call, Correlated, Correlator, Timers};
use crate::decode::{self, DecodeIssue};
use crate::expect::Expectations;
use crate::reassembly::{Reassembler, ReassemblyEvent, ReassemblyStats, SipBytes};
use crate::rules::policy::Policy;
use crate::rules::{self, Diagnostic, Severity};
use crate::sip::Message;

/// Most decode issues kept per capture; beyond it they are only counted.
pub const MAX_DECODE_ISSUES: usize = 1_000;

/// Counters for the summary.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub frames: u64,
    /// Frames cut short by the capture's snaplen.
    pub truncated_frames: u64,
    /// Candidate payloads that started like SIP and parsed as SIP messages.
    pub sip_messages: u64,
    /// SIP messages that were copies of an earlier one (retransmissions).
    pub retransmissions: u64,
    /// SIP messages with anomalies (missing headers, Content-Length mismatch ...).
    pub malformed_messages: u64,
    pub decode_issues: u64,
    pub reassembly: ReassemblyStats,
    /// Non-retransmitted responses by status code.
    pub responses: BTreeMap<u16, u64>,
    pub first_ts: Option<Timestamp>,
    pub last_ts: Option<Timestamp>,
}

/// Everything one capture yields.
#[derive(Debug)]
pub struct InputAnalysis {
    /// The capture's name as given on the command line.
    pub name: String,
    pub stats: Stats,
    pub correlated: Correlated,
    /// Diagnostics per call, in the order of [`Correlated::calls`].
    pub diagnostics: Vec<Vec<Diagnostic>>,
    /// Unmet expectations (`--expect`), in file order.
    pub expectations: Vec<Diagnostic>,
    pub decode_issues: Vec<DecodeIssue>,
    /// The capture could not be read to its end: what went wrong, after which frame.
    pub read_error: Option<String>,
    /// What the capture lacks or hides (TCP gaps, missing fragments, TLS ...).
    pub capture_events: Vec<ReassemblyEvent>,
}

impl InputAnalysis {
    pub fn calls(&self) -> &[Call] {
        &self.correlated.calls
    }

    /// Every diagnostic of the capture, unmet expectations included.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().flatten().chain(&self.expectations)
    }

    /// How many findings there are at each severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.all_diagnostics()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// What a run asks of the analysis beyond the capture itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Per-rule severity overrides (`--deny/--warn/--allow`, `sipdiag.toml`).
    pub policy: Policy,
    /// What the recorded flow must show (`--expect`).
    pub expectations: Option<Expectations>,
    /// The SIP timers judged on capture time (`--t1`).
    pub timers: Timers,
}

/// Reads every frame of `source` and analyses it with the default options.
pub fn analyze(name: String, source: &mut dyn FrameSource) -> InputAnalysis {
    analyze_with(name, source, &Options::default())
}

/// Reads every frame of `source` and analyses it.
pub fn analyze_with(
    name: String,
    source: &mut dyn FrameSource,
    options: &Options,
) -> InputAnalysis {
    let mut stats = Stats::default();
    let mut reassembler = Reassembler::new();
    let mut correlator = Correlator::with_timers(options.timers);
    let mut decode_issues = Vec::new();
    let mut read_error = None;

    loop {
        let frame = match source.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) => {
                read_error = Some(describe_read_error(&e, stats.frames));
                break;
            }
        };
        stats.frames += 1;
        stats.first_ts.get_or_insert(frame.ts);
        stats.last_ts = Some(frame.ts);
        correlator.observe(frame.ts);
        if (frame.data.len() as u64) < u64::from(frame.orig_len) {
            stats.truncated_frames += 1;
        }
        let decoded = match decode::decode(&frame) {
            Ok(d) => d,
            Err(issue) => {
                stats.decode_issues += 1;
                if decode_issues.len() < MAX_DECODE_ISSUES {
                    decode_issues.push(issue);
                }
                continue;
            }
        };
        if let decode::Decoded::Packet(p) = &decoded {
            if p.transport == decode::Transport::Udp && !crate::sip::looks_like_sip(p.payload) {
                correlator.push_media(frame.number, frame.ts, p.src, p.dst, p.payload);
            }
        }
        reassembler.push(frame.number, frame.ts, &decoded, &mut |bytes| {
            take_message(&mut stats, &mut correlator, &bytes);
        });
    }
    reassembler.finish(&mut |bytes| take_message(&mut stats, &mut correlator, &bytes));
    stats.reassembly = reassembler.stats();
    let capture_events = reassembler.events().to_vec();

    let correlated = correlator.finish();
    let mut diagnostics = Vec::with_capacity(correlated.calls.len());
    for call in &correlated.calls {
        for record in &call.records {
            if record.retransmission {
                stats.retransmissions += 1;
            } else if let Some(status) = record.status() {
                *stats.responses.entry(status.0).or_default() += 1;
            }
        }
        let mut found = rules::check_call(call, &correlated);
        options.policy.apply(&mut found);
        diagnostics.push(found);
    }
    let mut analysis = InputAnalysis {
        name,
        stats,
        correlated,
        diagnostics,
        expectations: Vec::new(),
        decode_issues,
        read_error,
        capture_events,
    };
    if let Some(expectations) = &options.expectations {
        let mut unmet = expectations.check(&analysis);
        options.policy.apply(&mut unmet);
        analysis.expectations = unmet;
    }
    analysis
}

/// Parses one candidate message and hands it to the correlator.
fn take_message(stats: &mut Stats, correlator: &mut Correlator, bytes: &SipBytes<'_>) {
    if let Some(msg) = Message::parse(bytes.bytes) {
        stats.sip_messages += 1;
        if !msg.anomalies().is_empty() {
            stats.malformed_messages += 1;
        }
        correlator.push(bytes, msg);
    }
}

fn describe_read_error(e: &CaptureError, frames: u64) -> String {
    format!("the capture could not be read past frame {frames}: {e}")
}
