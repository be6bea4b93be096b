//! Wires the pipeline stages together for one capture: frames are decoded,
//! SIP messages are found and parsed and correlated into calls; every call is
//! checked by the rules as soon as it is finished and handed to a
//! [`CallSink`] (a report), then dropped, so memory follows what is open, not
//! the size of the capture. [`run`] streams; [`analyze`] and [`analyze_with`]
//! collect everything into an [`InputAnalysis`] for tests and library users.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use std::net::SocketAddr;

use crate::capture::{CaptureError, FrameNo, FrameSource, SourceEvent, Timestamp};
use crate::correlate::{Call, Correlated, Correlator, MediaPacket, Outcome, Timers};
use crate::decode::{self, DecodeIssue};
use crate::expect::{Checker, Expectations};
use crate::reassembly::{Reassembler, ReassemblyEvent, ReassemblyStats, SipBytes, Transport};
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
    /// Calls by outcome name.
    pub outcomes: BTreeMap<&'static str, u64>,
    /// Calls seen, shown or not.
    pub calls: u64,
    /// Calls not shown because of `--call` or `--problems`.
    pub calls_hidden: u64,
    /// Calls released before they finished because the call table was full.
    pub calls_released_early: u64,
    /// Post-dial delays of the calls that have one, in milliseconds.
    pub pdd: PddStats,
    /// Findings by severity: info, warning, error.
    pub findings: [u64; 3],
    pub first_ts: Option<Timestamp>,
    pub last_ts: Option<Timestamp>,
}

impl Stats {
    /// Findings at one severity.
    pub fn count(&self, severity: Severity) -> u64 {
        self.findings[severity as usize]
    }

    fn add_findings(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            self.findings[d.severity as usize] += 1;
        }
    }
}

/// Most post-dial delays kept for the percentiles.
const MAX_PDD_SAMPLES: usize = 1_000_000;

/// Post-dial delay statistics (RFC 6076 §4.1 SRD), in milliseconds.
#[derive(Debug, Clone, Default)]
pub struct PddStats {
    samples: Vec<u32>,
    /// Delays not kept for the percentiles once the sample cap was reached.
    pub dropped: u64,
}

impl PddStats {
    fn push(&mut self, pdd: Duration) {
        if self.samples.len() < MAX_PDD_SAMPLES {
            self.samples
                .push(u32::try_from(pdd.as_millis()).unwrap_or(u32::MAX));
        } else {
            self.dropped += 1;
        }
    }

    /// How many calls had a post-dial delay.
    pub fn count(&self) -> usize {
        self.samples.len()
    }

    /// The `p`-th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: u32) -> Option<u32> {
        let mut sorted = self.samples.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        let rank = (usize::try_from(p).unwrap_or(100) * n)
            .div_ceil(100)
            .clamp(1, n);
        sorted.get(rank - 1).copied()
    }

    pub fn min(&self) -> Option<u32> {
        self.samples.iter().copied().min()
    }

    pub fn max(&self) -> Option<u32> {
        self.samples.iter().copied().max()
    }

    pub fn mean(&self) -> Option<u32> {
        let n = u64::try_from(self.samples.len()).ok().filter(|n| *n > 0)?;
        let sum: u64 = self.samples.iter().map(|v| u64::from(*v)).sum();
        u32::try_from(sum / n).ok()
    }
}

/// Receives each call as the analysis releases it, with its diagnostics.
pub trait CallSink {
    /// `n` numbers the calls shown, from 1, in the order they are handed over.
    fn call(
        &mut self,
        input: &str,
        n: u64,
        call: &Call,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()>;
}

/// What one capture yields besides its calls.
#[derive(Debug)]
pub struct InputSummary {
    /// The capture's name as given on the command line.
    pub name: String,
    pub stats: Stats,
    /// Unmet expectations (`--expect`), in file order.
    pub expectations: Vec<Diagnostic>,
    /// Findings about the capture as a whole (gaps, missing fragments, TLS, limits).
    pub capture_diagnostics: Vec<Diagnostic>,
    pub decode_issues: Vec<DecodeIssue>,
    /// The capture could not be read to its end: what went wrong, after which frame.
    pub read_error: Option<String>,
    /// What the capture lacks or hides (TCP gaps, missing fragments, TLS ...).
    pub capture_events: Vec<ReassemblyEvent>,
}

impl InputSummary {
    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .any(|s| s >= threshold && self.stats.count(s) > 0)
    }
}

/// Everything one capture yields, calls included (collected by [`analyze_with`]).
/// The summary's fields read through it: `analysis.stats`, `analysis.read_error`.
#[derive(Debug)]
pub struct InputAnalysis {
    pub summary: InputSummary,
    /// The calls, in the order they were released, with the capture-wide facts.
    pub correlated: Correlated,
    /// Diagnostics per call, in the order of [`Correlated::calls`].
    pub diagnostics: Vec<Vec<Diagnostic>>,
}

impl std::ops::Deref for InputAnalysis {
    type Target = InputSummary;

    fn deref(&self) -> &InputSummary {
        &self.summary
    }
}

impl InputAnalysis {
    pub fn calls(&self) -> &[Call] {
        &self.correlated.calls
    }

    /// Every diagnostic of the capture: per call, then capture-wide, then
    /// unmet expectations.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .flatten()
            .chain(&self.capture_diagnostics)
            .chain(&self.expectations)
    }

    /// How many findings there are at each severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.all_diagnostics()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Which calls a run shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CallFilter {
    #[default]
    All,
    /// Only the call with this Call-ID (`--call`).
    CallId(String),
    /// Only calls with a finding at warning or above (`--problems`).
    Problems,
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
    /// Which calls to show.
    pub filter: CallFilter,
    /// Most calls open at once (`--max-open-calls`).
    pub max_open_calls: crate::correlate::OpenCallLimit,
}

/// Reads every frame of `source` and analyses it with the default options.
pub fn analyze(name: String, source: &mut dyn FrameSource) -> InputAnalysis {
    analyze_with(name, source, &Options::default())
}

/// Keeps every call, for [`analyze_with`].
struct Collector {
    calls: Vec<Call>,
    diagnostics: Vec<Vec<Diagnostic>>,
}

/// Reads every frame of `source`, analyses it, and keeps every call.
pub fn analyze_with(
    name: String,
    source: &mut dyn FrameSource,
    options: &Options,
) -> InputAnalysis {
    let mut collector = Collector {
        calls: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut facts = Correlated::default();
    let summary = run_inner(
        name,
        source,
        options,
        &mut |call, diagnostics, _| {
            collector.calls.push(call);
            collector.diagnostics.push(diagnostics);
            Ok::<(), std::convert::Infallible>(())
        },
        &mut facts,
    )
    .unwrap_or_else(|never| match never {});
    facts.calls = collector.calls;
    InputAnalysis {
        summary,
        correlated: facts,
        diagnostics: collector.diagnostics,
    }
}

/// Reads every frame of `source` and analyses it, handing each call to `sink`
/// as soon as it is finished; returns the capture's summary.
pub fn run(
    name: String,
    source: &mut dyn FrameSource,
    options: &Options,
    sink: &mut dyn CallSink,
) -> io::Result<InputSummary> {
    let input = name.clone();
    let mut facts = Correlated::default();
    run_inner(
        name,
        source,
        options,
        &mut |call, diagnostics, n| sink.call(&input, n, &call, &diagnostics),
        &mut facts,
    )
}

/// How often (in capture time) finished calls are released.
const RELEASE_EVERY: Duration = Duration::from_secs(1);

/// What the front half of the pipeline (reading, decoding, reassembly,
/// scanning) hands to the back half (correlation, rules, reports), in capture
/// order. The same steps flow in one thread ([`run`]) or across two
/// ([`run_parallel`]), so both give the same report.
// Steps live in batches that are reused; boxing the message would cost an
// allocation per message, freed on the other thread.
#[allow(clippy::large_enum_variant)]
enum Step {
    /// A frame was read; `cut`: the snap length cut it.
    Frame {
        ts: Timestamp,
        cut: bool,
    },
    /// A live source was quiet; it is now this time.
    Idle(Timestamp),
    /// A UDP datagram that is not SIP (RTP, RTCP or other).
    Media {
        frame: FrameNo,
        ts: Timestamp,
        src: SocketAddr,
        dst: SocketAddr,
        packet: MediaPacket,
    },
    /// A SIP message and where it was found.
    Message(Found, Message),
    DecodeIssue(DecodeIssue),
}

/// Where a SIP message was found: [`SipBytes`] without the bytes, which the
/// parsed message owns.
struct Found {
    frame: FrameNo,
    ts: Timestamp,
    src: SocketAddr,
    dst: SocketAddr,
    transport: Transport,
    truncated: bool,
    /// Every frame of the message when there were several; empty when it came
    /// whole in `frame`.
    frames: Vec<FrameNo>,
}

/// How the front half ended.
struct FrontEnd {
    reassembly: ReassemblyStats,
    events: Vec<ReassemblyEvent>,
    read_error: Option<String>,
}

/// The front half: reads `source` to its end (or first error) and hands every
/// step to `out`. `out` returns `false` to stop early (the back half failed).
/// `warm`, read at every message: also parse the SDP body the rules read, so
/// that this thread does that work instead of a busier second one.
fn run_front(
    source: &mut dyn FrameSource,
    warm: &Cell<bool>,
    out: &mut dyn FnMut(Step) -> bool,
) -> FrontEnd {
    let mut reassembler = Reassembler::new();
    let mut frames = 0u64;
    let mut read_error = None;
    let mut go_on = true;
    while go_on {
        let frame = match source.next_event() {
            Ok(SourceEvent::Frame(frame)) => frame,
            Ok(SourceEvent::Idle(now)) => {
                go_on = out(Step::Idle(now));
                continue;
            }
            Ok(SourceEvent::End) => break,
            Err(e) => {
                read_error = Some(describe_read_error(&e, frames));
                break;
            }
        };
        frames += 1;
        go_on = out(Step::Frame {
            ts: frame.ts,
            cut: (frame.data.len() as u64) < u64::from(frame.orig_len),
        });
        match decode::decode(&frame) {
            Ok(decoded) => {
                // A length field that disagrees with a whole frame is said;
                // the bytes there are are read all the same.
                if let decode::Decoded::Packet(decode::Packet { lie: Some(lie), .. }) = &decoded {
                    go_on &= out(Step::DecodeIssue(lie.issue(frame.number)));
                }
                let mut emitted = false;
                reassembler.push_scanned(frame.number, frame.ts, &decoded, &mut |bytes, msg| {
                    emitted = true;
                    go_on &= found(&bytes, msg, warm, out);
                });
                // A UDP datagram the reassembler did not take as SIP (it
                // recognises SIP by its start line) is offered to the media
                // table. One frame is one or the other, so the order of the
                // two steps does not matter.
                if let decode::Decoded::Packet(p) = &decoded {
                    if p.transport == decode::Transport::Udp && !emitted {
                        go_on &= out(Step::Media {
                            frame: frame.number,
                            ts: frame.ts,
                            src: p.src,
                            dst: p.dst,
                            packet: MediaPacket::classify(p.payload),
                        });
                    }
                }
            }
            Err(issue) => go_on &= out(Step::DecodeIssue(issue)),
        }
    }
    if go_on {
        reassembler.finish_scanned(&mut |bytes, msg| {
            go_on &= found(&bytes, msg, warm, out);
        });
    }
    FrontEnd {
        reassembly: reassembler.stats(),
        events: reassembler.events().to_vec(),
        read_error,
    }
}

/// Scans one candidate message (unless the reassembler did: `scanned`);
/// hands it on if it is SIP.
fn found(
    bytes: &SipBytes<'_>,
    scanned: Option<Message>,
    warm: &Cell<bool>,
    out: &mut dyn FnMut(Step) -> bool,
) -> bool {
    let Some(msg) = scanned.or_else(|| Message::parse(bytes.bytes)) else {
        return true;
    };
    if warm.get() {
        // The SDP body is what the rules read most, and parsing it is costly;
        // the other header values are read only when needed (the correlator
        // skips most Via and From/To parses), so they stay with the back half.
        let _ = msg.sdp_ref();
    }
    let found = Found {
        frame: bytes.frame,
        ts: bytes.ts,
        src: bytes.src,
        dst: bytes.dst,
        transport: bytes.transport,
        truncated: bytes.truncated,
        frames: if bytes.frames == [bytes.frame] {
            Vec::new()
        } else {
            bytes.frames.to_vec()
        },
    };
    out(Step::Message(found, msg))
}

/// Responses by status code and calls by outcome, counted while calls are
/// released and put into [`Stats`]' maps once at the end: an entry looked up
/// in a map for every response cost more than the rest of the counting.
struct Tally {
    /// Codes 100..=699 ([`Tally::FIRST_CODE`] at index 0).
    codes: Box<[u64; 600]>,
    /// Codes outside that range (a lenient parse keeps any three digits).
    other_codes: BTreeMap<u16, u64>,
    /// Calls by [`outcome_slot`], with the outcome's name.
    outcomes: [(&'static str, u64); 8],
}

impl Tally {
    const FIRST_CODE: u16 = 100;

    fn new() -> Tally {
        Tally {
            codes: Box::new([0; 600]),
            other_codes: BTreeMap::new(),
            outcomes: [("", 0); 8],
        }
    }

    fn response(&mut self, code: u16) {
        let slot = code
            .checked_sub(Tally::FIRST_CODE)
            .and_then(|i| self.codes.get_mut(usize::from(i)));
        match slot {
            Some(n) => *n += 1,
            None => *self.other_codes.entry(code).or_default() += 1,
        }
    }

    fn outcome(&mut self, outcome: Outcome) {
        if let Some(slot) = self.outcomes.get_mut(outcome_slot(outcome)) {
            slot.0 = outcome.as_str();
            slot.1 += 1;
        }
    }

    /// Adds the counts to `stats`' maps.
    fn fill(&self, stats: &mut Stats) {
        for (code, &n) in (Tally::FIRST_CODE..).zip(self.codes.iter()) {
            if n > 0 {
                *stats.responses.entry(code).or_default() += n;
            }
        }
        for (&code, &n) in &self.other_codes {
            *stats.responses.entry(code).or_default() += n;
        }
        for &(name, n) in &self.outcomes {
            if n > 0 {
                *stats.outcomes.entry(name).or_default() += n;
            }
        }
    }
}

/// A slot of [`Tally::outcomes`] per kind of outcome.
fn outcome_slot(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Answered(_) => 0,
        Outcome::Rejected(_) => 1,
        Outcome::Cancelled => 2,
        Outcome::NoFinalResponse => 3,
        Outcome::Unanswered => 4,
        Outcome::Completed(_) => 5,
        Outcome::Failed(_) => 6,
        Outcome::RequestNotCaptured => 7,
    }
}

/// The back half: correlates, releases finished calls through the rules to
/// `emit`, and keeps the counts.
struct Back<'o> {
    options: &'o Options,
    stats: Stats,
    tally: Tally,
    correlator: Correlator,
    checker: Option<Checker<'o>>,
    decode_issues: Vec<DecodeIssue>,
    next_release: Option<Timestamp>,
}

impl<'o> Back<'o> {
    fn new(options: &'o Options) -> Back<'o> {
        Back {
            options,
            stats: Stats::default(),
            tally: Tally::new(),
            correlator: Correlator::with_limits(options.timers, options.max_open_calls),
            checker: options.expectations.as_ref().map(Expectations::checker),
            decode_issues: Vec::new(),
            next_release: None,
        }
    }

    fn step<E>(
        &mut self,
        step: Step,
        emit: &mut dyn FnMut(Call, Vec<Diagnostic>, u64) -> Result<(), E>,
    ) -> Result<(), E> {
        match step {
            Step::Frame { ts, cut } => {
                self.stats.frames += 1;
                self.stats.first_ts.get_or_insert(ts);
                self.stats.last_ts = Some(ts);
                self.correlator.observe(ts);
                if cut {
                    self.stats.truncated_frames += 1;
                }
                // Release what this frame's time shows finished, before the
                // frame itself can add to a call (a Call-ID may be reused
                // later). Calls released early by the full call table go at
                // once: thousands of new calls within one second of capture
                // time would otherwise pile up until the next tick, unbounded.
                let tick = self.next_release.is_none_or(|t| ts >= t);
                if tick || self.correlator.has_released_early() {
                    if tick {
                        self.next_release = ts.checked_add(RELEASE_EVERY);
                    }
                    self.release_finished(emit)?;
                }
            }
            Step::Idle(now) => {
                // A quiet live interface: time moves on all the same.
                self.correlator.observe(now);
                self.release_finished(emit)?;
            }
            Step::Media {
                frame,
                ts,
                src,
                dst,
                packet,
            } => self.correlator.push_media(frame, ts, src, dst, packet),
            Step::Message(found, msg) => {
                self.stats.sip_messages += 1;
                if !msg.anomalies().is_empty() {
                    self.stats.malformed_messages += 1;
                }
                let frames = if found.frames.is_empty() {
                    std::slice::from_ref(&found.frame)
                } else {
                    &found.frames
                };
                let bytes = SipBytes {
                    frame: found.frame,
                    ts: found.ts,
                    src: found.src,
                    dst: found.dst,
                    transport: found.transport,
                    bytes: &[],
                    truncated: found.truncated,
                    frames,
                };
                self.correlator.push(&bytes, msg);
            }
            Step::DecodeIssue(issue) => {
                self.stats.decode_issues += 1;
                if self.decode_issues.len() < MAX_DECODE_ISSUES {
                    self.decode_issues.push(issue);
                }
            }
        }
        Ok(())
    }

    fn release_finished<E>(
        &mut self,
        emit: &mut dyn FnMut(Call, Vec<Diagnostic>, u64) -> Result<(), E>,
    ) -> Result<(), E> {
        let finished = self.correlator.take_finished();
        prefetch(&finished);
        for call in finished {
            release_with(
                call,
                self.correlator.facts(),
                self.options,
                &mut self.stats,
                &mut self.tally,
                self.checker.as_mut(),
                emit,
            )?;
        }
        Ok(())
    }

    /// Releases every call left, runs the capture-wide rules and sums up.
    fn finish<E>(
        mut self,
        name: String,
        front: FrontEnd,
        emit: &mut dyn FnMut(Call, Vec<Diagnostic>, u64) -> Result<(), E>,
        facts_out: &mut Correlated,
    ) -> Result<InputSummary, E> {
        self.stats.reassembly = front.reassembly;
        self.release_finished(emit)?;
        let mut stats = self.stats;
        let mut tally = self.tally;
        let options = self.options;
        let mut checker = self.checker;
        stats.calls_released_early = self.correlator.released_early;
        let mut facts = self.correlator.finish();
        prefetch(&facts.calls);
        for call in std::mem::take(&mut facts.calls) {
            release_with(
                call,
                &facts,
                options,
                &mut stats,
                &mut tally,
                checker.as_mut(),
                emit,
            )?;
        }
        tally.fill(&mut stats);
        *facts_out = facts;

        let mut capture_diagnostics = rules::check_capture(&rules::CaptureScope {
            events: &front.events,
            calls_released_early: stats.calls_released_early,
            max_open_calls: options.max_open_calls.0,
        });
        options.policy.apply(&mut capture_diagnostics);
        stats.add_findings(&capture_diagnostics);
        let mut expectations = checker.map(Checker::finish).unwrap_or_default();
        options.policy.apply(&mut expectations);
        stats.add_findings(&expectations);

        Ok(InputSummary {
            name,
            stats,
            expectations,
            capture_diagnostics,
            decode_issues: self.decode_issues,
            read_error: front.read_error,
            capture_events: front.events,
        })
    }
}

fn run_inner<E>(
    name: String,
    source: &mut dyn FrameSource,
    options: &Options,
    emit: &mut dyn FnMut(Call, Vec<Diagnostic>, u64) -> Result<(), E>,
    facts_out: &mut Correlated,
) -> Result<InputSummary, E> {
    let mut back = Back::new(options);
    let mut failed = None;
    let front = run_front(
        source,
        &Cell::new(false),
        &mut |step| match back.step(step, emit) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    back.finish(name, front, emit, facts_out)
}

/// Steps sent across threads at once: one channel operation per batch.
const BATCH: usize = 256;
/// Batches in flight between the two threads: bounds the memory between them.
const BATCHES_IN_FLIGHT: usize = 4;
/// Batches the back half has yet to hand back from which the front half
/// parses SDP bodies ahead for it.
const WARM_BACKLOG: usize = 2;

/// What the back half hands back to the front half to drop: memory is freed
/// by the thread that allocated it. Freeing across threads costs the allocator
/// far more (measured on udp-100M: about a third more CPU time in all).
struct Returned {
    /// The emptied batch, for reuse.
    batch: Vec<Step>,
    /// Calls released and reported: their messages were made by the front.
    calls: Vec<Call>,
}

/// [`run`] on two threads: this one correlates, checks and reports while a
/// second one reads, decodes, reassembles and scans (and parses the header
/// values the rules read). The report is the same as [`run`]'s, in the same
/// order.
pub fn run_parallel(
    name: String,
    source: &mut (dyn FrameSource + Send),
    options: &Options,
    sink: &mut dyn CallSink,
) -> io::Result<InputSummary> {
    let input = name.clone();
    let mut facts = Correlated::default();
    let released = std::cell::RefCell::new(Vec::new());
    let mut emit = |call: Call, diagnostics: Vec<Diagnostic>, n: u64| {
        let result = sink.call(&input, n, &call, &diagnostics);
        released.borrow_mut().push(call);
        result
    };
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Step>>(BATCHES_IN_FLIGHT);
        // Unbounded, but drained by the front at every batch it sends.
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Returned>();
        let front = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let mut spare: Vec<Vec<Step>> = Vec::new();
            // Batches sent and not yet handed back: the back half's backlog.
            let mut in_flight = 0usize;
            let warm = Cell::new(false);
            let front = run_front(source, &warm, &mut |step| {
                batch.push(step);
                if batch.len() < BATCH {
                    return true;
                }
                for returned in back_rx.try_iter() {
                    in_flight = in_flight.saturating_sub(1);
                    drop(returned.calls);
                    if spare.len() < BATCHES_IN_FLIGHT {
                        spare.push(returned.batch);
                    }
                }
                // The SDP bodies are parsed ahead only while the back half has
                // a backlog: when it waits for batches this thread is the
                // slower one and keeps to its own work. Which side parses a
                // body changes nothing in the result. (Counted with callgrind
                // per thread: parsing every body ahead left this thread with
                // 106 M instructions on udp-10M against 90 M, and 67 M against
                // 43 M on tcp-5M.)
                warm.set(in_flight >= WARM_BACKLOG);
                let next = spare.pop().unwrap_or_else(|| Vec::with_capacity(BATCH));
                in_flight += 1;
                // The back half hung up: it failed and reports why.
                tx.send(std::mem::replace(&mut batch, next)).is_ok()
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            front
        });
        let mut back = Back::new(options);
        for mut batch in rx.iter() {
            for step in batch.drain(..) {
                // On an error `rx` is dropped on return, which stops the front.
                back.step(step, &mut emit)?;
            }
            // The front may be done; then what is left is dropped here.
            let _ = back_tx.send(Returned {
                batch,
                calls: released.take(),
            });
        }
        let front = front
            .join()
            .map_err(|_| io::Error::other("the capture reading thread failed"))?;
        back.finish(name, front, &mut emit, &mut facts)
    })
}

/// Checks a finished call, counts it, and hands it on if the filter shows it.
fn release_with<E>(
    call: Call,
    facts: &Correlated,
    options: &Options,
    stats: &mut Stats,
    tally: &mut Tally,
    checker: Option<&mut Checker<'_>>,
    emit: &mut dyn FnMut(Call, Vec<Diagnostic>, u64) -> Result<(), E>,
) -> Result<(), E> {
    stats.calls += 1;
    for record in &call.records {
        if record.retransmission {
            stats.retransmissions += 1;
        } else if let Some(status) = record.status() {
            tally.response(status.0);
        }
    }
    tally.outcome(call.outcome());
    if let Some(pdd) = call.post_dial_delay() {
        stats.pdd.push(pdd);
    }
    let shown = match &options.filter {
        CallFilter::All | CallFilter::Problems => true,
        CallFilter::CallId(id) => *id == call.call_id,
    };
    if !shown {
        stats.calls_hidden += 1;
        return Ok(());
    }
    let mut found = rules::check_call(&call, facts);
    options.policy.apply(&mut found);
    if options.filter == CallFilter::Problems
        && !found.iter().any(|d| d.severity >= Severity::Warning)
    {
        stats.calls_hidden += 1;
        return Ok(());
    }
    stats.add_findings(&found);
    if let Some(checker) = checker {
        checker.observe(&call);
    }
    let n = stats.calls - stats.calls_hidden;
    emit(call, found, n)
}

/// Reads the memory of calls about to be released, one byte per cache line.
/// A call stays open 64×T1 after its last message; on a busy capture the
/// open calls hold more than the processor's L2 cache, so a released call's
/// messages are no longer there. The rules and the report then stalled on
/// each line in turn; read in one pass, the lines are fetched in parallel
/// (with the early allocation in `Message::parse`, 3 % of the one-thread run
/// on the 1 GB benchmark capture: BENCHMARKS.md, "Sixth round").
fn prefetch(calls: &[Call]) {
    let mut sum = 0u32;
    for call in calls {
        for record in &call.records {
            sum ^= record.msg.touch();
        }
    }
    std::hint::black_box(sum);
}

fn describe_read_error(e: &CaptureError, frames: u64) -> String {
    format!("the capture could not be read past frame {frames}: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::StatusCode;

    #[test]
    fn tally_fills_the_maps_as_counting_into_them_would() {
        let mut tally = Tally::new();
        for code in [100, 180, 200, 200, 699, 99, 700, 0, 999, 487] {
            tally.response(code);
        }
        for outcome in [
            Outcome::Answered(StatusCode(200)),
            Outcome::Answered(StatusCode(202)),
            Outcome::Cancelled,
            Outcome::RequestNotCaptured,
        ] {
            tally.outcome(outcome);
        }
        let mut stats = Stats::default();
        stats.responses.insert(200, 1);
        tally.fill(&mut stats);
        let responses: Vec<(u16, u64)> = stats.responses.into_iter().collect();
        assert_eq!(
            responses,
            [
                (0, 1),
                (99, 1),
                (100, 1),
                (180, 1),
                (200, 3),
                (487, 1),
                (699, 1),
                (700, 1),
                (999, 1)
            ]
        );
        let outcomes: Vec<(&str, u64)> = stats.outcomes.into_iter().collect();
        assert_eq!(
            outcomes,
            [
                ("answered", 2),
                ("cancelled", 1),
                ("request-not-captured", 1)
            ]
        );
    }
}
