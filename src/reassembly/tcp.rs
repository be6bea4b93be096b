//! TCP stream reassembly, one stream per direction (source and destination
//! address and port).
//!
//! Bytes are put in order by sequence number ([`SeqNo`], wrapping). A segment
//! whose bytes were all seen before is a retransmission: counted, never
//! delivered twice; one that overlaps is trimmed to its new bytes. A segment
//! ahead of the next expected byte is held (bounded) until the hole fills. A
//! hole becomes a loss when data beyond it passes the gap window, when it is
//! older than the gap timeout (capture time), when the stream closes or at the
//! end of the capture: it is reported with the missing sequence range, the
//! unfinished message before it is dropped and the stream resynchronises on
//! the next SIP start line. A capture that starts in the middle of a stream
//! resynchronises the same way.
//!
//! In-order bytes are framed by [`sip::frame_message`]: CR/LF keep-alives
//! (RFC 5626 §3.5.1) are skipped, several messages in one segment and one
//! message over many segments are both handled, and a message without
//! Content-Length (mandatory on streams, RFC 3261 §18.3) is reported.

use std::collections::{BTreeMap, VecDeque};

use crate::capture::{FrameNo, Timestamp};
use crate::decode::{Packet, TcpInfo};
use crate::fasthash::FastMap;
use crate::sip::{self, Framing, Message};

use super::websocket::{self, FrameParse, Upgrade};
use super::{Flow, ReassemblyConfig, ReassemblyEvent, SeqNo, Sink, SipBytes, TlsFlows, Transport};

/// Longest line kept while looking for a SIP start line.
const MAX_LINE: usize = 8192;
/// Bytes of a stream that never carried SIP after which it is no longer scanned.
const GIVE_UP_AFTER: u64 = 64 * 1024;

/// What a stream's in-order bytes are being read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Looking for a SIP start line at the start of a line.
    Resync,
    /// In step with SIP messages.
    Sip,
    /// Reading an HTTP upgrade request or response.
    Upgrade,
    /// RFC 6455 frames carrying SIP.
    WebSocket,
    /// TLS records: counted, not read.
    Tls,
    /// Something else: bytes are dropped.
    Ignored,
}

/// A segment (or the part of one no earlier segment covered) that arrived
/// ahead of a hole.
#[derive(Debug)]
struct Held {
    data: Vec<u8>,
    frame: FrameNo,
    /// Other frames that carried the segment (the fragments of an IP datagram).
    extra: Vec<FrameNo>,
    ts: Timestamp,
}

/// A segment that starts more than [`ReassemblyConfig::gap_window`] bytes
/// ahead of its stream, beyond any receive window. It is held apart until the
/// stream shows what it was: a jump over bytes the capture lost (the next
/// segments continue from it, the peer acknowledges past it, or nothing
/// contradicts it before the hole times out or the stream ends), or a forged
/// or corrupted segment (the stream goes on where it was: ignored, as a
/// receiver drops a segment outside its window, RFC 9293 §3.10.7.4).
#[derive(Debug)]
struct Far {
    /// Stream position of its first byte.
    start: u64,
    /// How far ahead of the stream it was when it came.
    ahead: u64,
    held: Held,
}

impl Far {
    /// Does a segment starting at stream position `at` follow on from it?
    fn is_near(&self, at: u64, window: u64) -> bool {
        let end = self.start.saturating_add(self.held.data.len() as u64);
        at >= self.start.saturating_sub(window) && at <= end.saturating_add(window)
    }
}

/// A frame and its capture time.
type Stamp = (FrameNo, Timestamp);

/// The later of two stamps, by frame number.
fn later(a: Stamp, b: Stamp) -> Stamp {
    if b.0 > a.0 { b } else { a }
}

/// In-order stream bytes `start..end` still needed for framing.
#[derive(Debug)]
struct Chunk {
    start: u64,
    end: u64,
    /// The frame that carried the bytes, and the other frames that did (IP
    /// fragments of the segment).
    frame: FrameNo,
    extra: Vec<FrameNo>,
    /// The frame that made the bytes readable (it filled the hole before
    /// them, or carried them in order) and its time.
    readable: Stamp,
}

/// In-order bytes remembered after framing, to compare retransmitted and
/// overlapping segments with (RFC 9293 §3.10.7.4 keeps the first copy).
const HISTORY: usize = 4096;

/// Bytes of a stream's buffer that are neither unread nor history, dropped
/// at once when they reach this many: one move of at most [`HISTORY`] bytes
/// (and any unread ones) every few KiB instead of a second copy of every
/// segment.
const COMPACT_AFTER: usize = HISTORY;

/// One direction of a TCP connection.
#[derive(Debug)]
struct Stream {
    flow: Flow,
    /// Sequence number of the next in-order byte.
    next: SeqNo,
    /// Position of `next` in the stream, counted from the first byte seen.
    pos: u64,
    /// In-order bytes kept: those already framed (their last [`HISTORY`]
    /// are the history, compared with retransmissions), then from `read` on
    /// those not yet framed. They end at `pos`. One buffer for both: each
    /// segment is copied once.
    bytes: Vec<u8>,
    /// Where the bytes not yet framed start in `bytes`.
    read: usize,
    /// For each in-order piece still needed: where it starts and ends, its
    /// frames and the frame that made it readable.
    chunks: VecDeque<Chunk>,
    /// Segments ahead of `pos`, by stream position; they never overlap.
    held: BTreeMap<u64, Held>,
    held_bytes: usize,
    /// A segment far ahead, waiting for the stream to confirm or refute it.
    far: Option<Far>,
    mode: Mode,
    /// The mode was chosen from the first data bytes.
    mode_decided: bool,
    /// The stream began with a SYN: its first byte starts a message.
    syn_seen: bool,
    /// Sequence number just past the FIN, once seen.
    fin_at: Option<SeqNo>,
    /// The last frame whose data was delivered in order.
    last_frame: Option<FrameNo>,
    /// The latest frame that made bytes readable: later messages of the
    /// stream are never attributed to an earlier frame.
    last_readable: Option<Stamp>,
    /// The highest acknowledgment number the peer sent: bytes below it were
    /// received, so a hole below it will never be filled in this capture.
    acked: Option<SeqNo>,
    /// The last frame of this direction, whatever it carried.
    last_seen: FrameNo,
    /// The gap event waiting for the frame the stream resynchronises at.
    pending_gap: Option<usize>,
    /// Has any SIP message been found on this stream?
    sip_seen: bool,
    /// Bytes dropped while looking for SIP, before any was found.
    scanned: u64,
    buffer_full_reported: bool,
    /// The WebSocket message being assembled, and where its first frame starts.
    ws_message: Vec<u8>,
    ws_start: Option<u64>,
    last_use: u64,
}

impl Stream {
    fn new(flow: Flow, next: SeqNo) -> Stream {
        Stream {
            flow,
            next,
            pos: 0,
            bytes: Vec::new(),
            read: 0,
            chunks: VecDeque::new(),
            held: BTreeMap::new(),
            held_bytes: 0,
            far: None,
            mode: Mode::Resync,
            mode_decided: false,
            syn_seen: false,
            fin_at: None,
            last_frame: None,
            last_readable: None,
            last_seen: FrameNo(0),
            acked: None,
            pending_gap: None,
            sip_seen: false,
            scanned: 0,
            buffer_full_reported: false,
            ws_message: Vec::new(),
            ws_start: None,
            last_use: 0,
        }
    }

    /// Has any data been seen (in order or held)?
    fn started(&self) -> bool {
        self.pos > 0 || !self.held.is_empty() || self.far.is_some()
    }

    /// The segment far ahead was a jump: it joins the held segments, and the
    /// hole before it is decided as any other.
    fn confirm_far(&mut self, stats: &mut super::ReassemblyStats) {
        let Some(Far { start, held, .. }) = self.far.take() else {
            return;
        };
        let offset =
            i64::try_from(start).unwrap_or(i64::MAX) - i64::try_from(self.pos).unwrap_or(i64::MAX);
        // Any conflict is impossible: nothing was held that far ahead.
        let _ = self.insert(offset, &held.data, held.frame, &held.extra, held.ts, stats);
    }

    /// Takes a segment `offset` bytes ahead of the stream if it lies beyond
    /// the window (true), or a segment that follows on from the one held
    /// there: that one is then confirmed and this one goes the usual way.
    #[allow(clippy::too_many_arguments)]
    fn take_far(
        &mut self,
        offset: i32,
        data: &[u8],
        frame: FrameNo,
        frames: &[FrameNo],
        ts: Timestamp,
        config: &ReassemblyConfig,
        sink: &mut Sink<'_>,
    ) -> bool {
        let window = config.gap_window as u64;
        let Ok(ahead) = u64::try_from(offset) else {
            return false;
        };
        if ahead <= window {
            return false;
        }
        let start = self.pos.saturating_add(ahead);
        if self.far.as_ref().is_some_and(|f| f.is_near(start, window)) {
            self.confirm_far(sink.stats);
            return false;
        }
        // A second wild segment elsewhere: the first one was not followed.
        self.refute_far(sink);
        self.far = Some(Far {
            start,
            ahead,
            held: Held {
                data: data.to_vec(),
                frame,
                extra: extra_frames(frame, frames),
                ts,
            },
        });
        true
    }

    /// The stream went on without the segment far ahead: it is ignored.
    fn refute_far(&mut self, sink: &mut Sink<'_>) {
        let Some(far) = self.far.take() else {
            return;
        };
        sink.stats.tcp_out_of_window_segments += 1;
        sink.events.push(ReassemblyEvent::TcpOutOfWindow {
            flow: self.flow,
            frame: far.held.frame,
            ahead: far.ahead,
            bytes: far.held.data.len(),
        });
    }

    /// The in-order bytes not yet framed.
    fn buf(&self) -> &[u8] {
        self.bytes.get(self.read..).unwrap_or_default()
    }

    /// How many in-order bytes are not yet framed.
    fn unread_len(&self) -> usize {
        self.bytes.len().saturating_sub(self.read)
    }

    /// The last in-order bytes (at most [`HISTORY`], framed or not); they
    /// end at `pos`.
    fn history(&self) -> &[u8] {
        let from = self.bytes.len().saturating_sub(HISTORY);
        self.bytes.get(from..).unwrap_or_default()
    }

    /// Stream position of `buf()[0]`.
    fn buf_start(&self) -> u64 {
        self.pos.saturating_sub(self.unread_len() as u64)
    }

    /// Appends in-order bytes carried by `frame` (and `extra`), readable as
    /// of `readable`.
    fn append(&mut self, data: &[u8], frame: FrameNo, extra: Vec<FrameNo>, readable: Stamp) {
        if data.is_empty() {
            return;
        }
        let readable = self.last_readable.map_or(readable, |r| later(r, readable));
        self.last_readable = Some(readable);
        // Drop the framed bytes that will be out of the history, once
        // there are enough of them.
        let kept = self.bytes.len().saturating_add(data.len());
        let droppable = self.read.min(kept.saturating_sub(HISTORY));
        if droppable >= COMPACT_AFTER {
            self.bytes.drain(..droppable);
            self.read -= droppable;
        }
        self.bytes.extend_from_slice(data);
        let start = self.pos;
        self.pos = self.pos.saturating_add(data.len() as u64);
        self.next = self.next + data.len() as u32;
        self.chunks.push_back(Chunk {
            start,
            end: self.pos,
            frame,
            extra,
            readable,
        });
        self.last_frame = Some(frame);
    }

    /// Moves held segments that now touch `pos` into `buf`. `filler` is the
    /// frame whose in-order bytes made them reachable; `None` after a gap
    /// was given up (each is then readable as of its own frame).
    fn pull_held(&mut self, filler: Option<Stamp>) {
        while let Some(entry) = self.held.first_entry() {
            let start = *entry.key();
            if start > self.pos {
                break;
            }
            let held = entry.remove();
            self.held_bytes = self.held_bytes.saturating_sub(held.data.len());
            // Held pieces never overlap one another nor bytes already read.
            let skip = usize::try_from(self.pos - start).unwrap_or(usize::MAX);
            if let Some(rest) = held.data.get(skip..) {
                let own = (held.frame, held.ts);
                let readable = filler.map_or(own, |f| later(own, f));
                self.append(rest, held.frame, held.extra, readable);
            }
        }
    }

    /// The sequence number of stream position `at`.
    fn seq_at(&self, at: u64) -> SeqNo {
        let back = self.pos.wrapping_sub(at) as u32;
        SeqNo(self.next.0.wrapping_sub(back))
    }

    /// Takes a segment whose data starts `offset` bytes after `pos` (negative:
    /// before it). Bytes seen before are compared with the first copy, which is
    /// kept; new bytes are held until they are in order. Returns the stream
    /// positions of bytes that differ from the first copy, if any.
    fn insert(
        &mut self,
        offset: i64,
        data: &[u8],
        frame: FrameNo,
        extra: &[FrameNo],
        ts: Timestamp,
        stats: &mut super::ReassemblyStats,
    ) -> Option<(u64, u64)> {
        let mut conflict: Option<(u64, u64)> = None;
        let mut note = |from: u64, to: u64| {
            conflict = Some(conflict.map_or((from, to), |(a, b)| (a.min(from), b.max(to))));
        };
        // Bytes before `pos`: compare with what is remembered of them.
        let behind = usize::try_from(offset.min(0).unsigned_abs()).unwrap_or(usize::MAX);
        let seg_start = self.pos.saturating_sub(behind as u64);
        let old = data.get(..behind.min(data.len())).unwrap_or_default();
        let history = self.history();
        let recent_start = self.pos.saturating_sub(history.len() as u64);
        if !old.is_empty() && seg_start.saturating_add(old.len() as u64) > recent_start {
            let skip = recent_start.saturating_sub(seg_start);
            let from = usize::try_from(seg_start.saturating_sub(recent_start)).unwrap_or(0);
            let new = old.get(usize::try_from(skip).unwrap_or(usize::MAX)..);
            if let Some(new) = new {
                let at = seg_start.max(recent_start);
                if let Some((a, b)) = differing(history.get(from..).unwrap_or_default().iter(), new)
                {
                    note(at + a as u64, at + b as u64);
                }
            }
        }
        let fresh = data.get(behind..).unwrap_or_default();
        if fresh.is_empty() {
            stats.tcp_retransmitted_segments += 1;
            return conflict;
        }
        let start = self.pos.saturating_add(offset.max(0).unsigned_abs());
        let end = start.saturating_add(fresh.len() as u64);
        // Held pieces overlapping start..end: compare, and keep only the
        // parts of `fresh` they do not cover.
        let mut gaps = Vec::new();
        let mut at = start;
        let mut overlapped = behind > 0;
        let before = self
            .held
            .range(..start)
            .next_back()
            .map(|(&s, h)| (s, h.data.len() as u64));
        let overlapping: Vec<u64> = before
            .filter(|&(s, len)| s.saturating_add(len) > start)
            .map(|(s, _)| s)
            .into_iter()
            .chain(self.held.range(start..end).map(|(&s, _)| s))
            .collect();
        for s in overlapping {
            let Some(h) = self.held.get(&s) else { continue };
            let h_end = s.saturating_add(h.data.len() as u64);
            if s > at {
                gaps.push((at, s));
            }
            let from = s.max(start);
            let to = h_end.min(end);
            if to > from {
                overlapped = true;
                let first = h.data.get(to_usize(from - s)..to_usize(to - s));
                let second = fresh.get(to_usize(from - start)..to_usize(to - start));
                if let (Some(first), Some(second)) = (first, second)
                    && let Some((a, b)) = differing(first.iter(), second)
                {
                    note(from + a as u64, from + b as u64);
                }
            }
            at = at.max(h_end);
        }
        if at < end {
            gaps.push((at, end));
        }
        if gaps.is_empty() {
            stats.tcp_retransmitted_segments += 1;
            return conflict;
        }
        if overlapped {
            stats.tcp_overlapping_segments += 1;
        }
        if offset > 0 {
            stats.tcp_out_of_order_segments += 1;
        }
        for (from, to) in gaps {
            let Some(piece) = fresh.get(to_usize(from - start)..to_usize(to - start)) else {
                continue;
            };
            self.held_bytes = self.held_bytes.saturating_add(piece.len());
            self.held.insert(
                from,
                Held {
                    data: piece.to_vec(),
                    frame,
                    extra: extra.to_vec(),
                    ts,
                },
            );
        }
        conflict
    }

    /// Marks the first `n` unread bytes as framed (they stay as history).
    fn consume(&mut self, n: usize) {
        self.read = self.read.saturating_add(n.min(self.unread_len()));
        // An open WebSocket message still needs the frames of its first parts.
        let start = self
            .ws_start
            .map_or(self.buf_start(), |w| w.min(self.buf_start()));
        while self.chunks.front().is_some_and(|c| c.end <= start) {
            self.chunks.pop_front();
        }
    }

    /// Frames holding the stream bytes `start..end`, in frame order, and the
    /// latest frame that made them readable (with its time).
    fn frames_between(&self, start: u64, end: u64) -> (Vec<FrameNo>, Option<Stamp>) {
        let mut frames = Vec::new();
        let mut readable: Option<Stamp> = None;
        for chunk in &self.chunks {
            if chunk.end <= start {
                continue;
            }
            if chunk.start >= end {
                break;
            }
            frames.push(chunk.frame);
            frames.extend_from_slice(&chunk.extra);
            readable = Some(readable.map_or(chunk.readable, |r| later(r, chunk.readable)));
        }
        frames.sort_unstable();
        frames.dedup();
        (frames, readable)
    }

    /// The frame that delivered stream position `at`.
    fn frame_at(&self, at: u64) -> Option<FrameNo> {
        self.chunks.iter().find(|c| c.end > at).map(|c| c.frame)
    }

    /// Hands `buf[from..from + len]` on as one message.
    fn emit(
        &self,
        from: usize,
        len: usize,
        message: Option<Message>,
        transport: Transport,
        sink: &mut Sink<'_>,
    ) {
        let Some(bytes) = self.buf().get(from..from.saturating_add(len)) else {
            return;
        };
        let start = self.buf_start().saturating_add(from as u64);
        let end = start.saturating_add(len as u64);
        // Nearly every message lies within the bytes of one segment: its
        // frame list is that segment's frame, without building a list.
        if start < end
            && let Some(chunk) = self.chunks.iter().find(|c| c.end > start)
            && chunk.start <= start
            && chunk.end >= end
            && chunk.extra.is_empty()
        {
            let frames = [chunk.frame];
            let readable = Some(chunk.readable);
            self.emit_bytes(bytes, &frames, readable, message, transport, sink);
            return;
        }
        let (frames, readable) = self.frames_between(start, end);
        self.emit_bytes(bytes, &frames, readable, message, transport, sink);
    }

    /// Hands `bytes` on as one message (with `message`, their scan, when
    /// framing made it), attributed to the frame that made it readable.
    fn emit_bytes(
        &self,
        bytes: &[u8],
        frames: &[FrameNo],
        readable: Option<Stamp>,
        message: Option<Message>,
        transport: Transport,
        sink: &mut Sink<'_>,
    ) {
        let Some((frame, ts)) = readable else {
            return;
        };
        match transport {
            Transport::Ws => sink.stats.ws_messages += 1,
            _ => sink.stats.tcp_messages += 1,
        }
        (sink.emit)(
            SipBytes {
                frame,
                ts,
                src: self.flow.src,
                dst: self.flow.dst,
                transport,
                bytes,
                truncated: false,
                frames,
            },
            message,
        );
    }

    /// Reads as many messages out of `buf` as it holds.
    fn drain(&mut self, cap: usize, frame: FrameNo, sink: &mut Sink<'_>) {
        loop {
            match self.mode {
                Mode::Resync => {
                    if !self.resync(sink) {
                        break;
                    }
                }
                Mode::Sip => {
                    if !self.frame_sip(sink) {
                        break;
                    }
                }
                Mode::Upgrade => match websocket::parse_upgrade(self.buf()) {
                    Upgrade::Complete { len, sip } => {
                        self.consume(len);
                        self.mode = if sip { Mode::WebSocket } else { Mode::Ignored };
                    }
                    Upgrade::Incomplete => {
                        if self.unread_len() > websocket::MAX_UPGRADE {
                            self.ws_error(
                                "HTTP upgrade header section longer than 16384 bytes, rest of the flow not read",
                                frame,
                                sink,
                            );
                        } else {
                            break;
                        }
                    }
                },
                Mode::WebSocket => {
                    if !self.frame_websocket(cap, frame, sink) {
                        break;
                    }
                }
                Mode::Tls | Mode::Ignored => {
                    self.consume(self.unread_len());
                    break;
                }
            }
        }
        if self.unread_len() > cap {
            self.report_buffer_full(cap, frame, sink);
            self.consume(self.unread_len());
            self.ws_start = None;
            self.ws_message.clear();
            if self.mode == Mode::Sip {
                self.mode = Mode::Resync;
            }
        }
    }

    fn report_buffer_full(&mut self, cap: usize, frame: FrameNo, sink: &mut Sink<'_>) {
        if !self.buffer_full_reported {
            self.buffer_full_reported = true;
            sink.events.push(ReassemblyEvent::FlowBufferFull {
                flow: self.flow,
                frame,
                cap,
            });
        }
    }

    /// Looks for a SIP start line at the start of a line. Returns whether
    /// the mode changed (so the caller reads on).
    fn resync(&mut self, sink: &mut Sink<'_>) -> bool {
        let mut line = 0usize;
        loop {
            let rest = self.buf().get(line..).unwrap_or_default();
            let lf = rest.iter().position(|&b| b == b'\n');
            let candidate = rest
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .is_some_and(|_| lf.is_some() || rest.len() >= 12);
            if candidate && sip::looks_like_sip(rest) {
                self.found_sip(line, sink);
                return true;
            }
            match lf {
                Some(p) => line = line.saturating_add(p + 1),
                None => break,
            }
        }
        // Keep only the unfinished last line (if short enough to be a start line).
        let keep_from = if self.unread_len().saturating_sub(line) > MAX_LINE {
            self.unread_len()
        } else {
            line
        };
        self.consume(keep_from);
        if !self.sip_seen {
            self.scanned = self.scanned.saturating_add(keep_from as u64);
            if self.scanned > GIVE_UP_AFTER {
                sink.stats.tcp_streams_not_sip += 1;
                self.mode = Mode::Ignored;
                return true;
            }
        }
        false
    }

    fn found_sip(&mut self, at: usize, sink: &mut Sink<'_>) {
        let start = self.buf_start().saturating_add(at as u64);
        let frame = self.frame_at(start);
        if let (Some(i), Some(frame)) = (self.pending_gap.take(), frame)
            && let Some(ReassemblyEvent::TcpGap { resync_frame, .. }) = sink.events.get_mut(i)
        {
            *resync_frame = Some(frame);
        }
        self.consume(at);
        self.mode = Mode::Sip;
    }

    /// Frames the next SIP message. Returns whether to read on.
    fn frame_sip(&mut self, sink: &mut Sink<'_>) -> bool {
        // Framing scans the message on the way: its header lines are not
        // walked again by the parser.
        let (framing, message) = sip::frame_and_scan(self.buf());
        match framing {
            Framing::Complete { skip, len } => {
                if skip > 0 {
                    sink.stats.tcp_keepalives += 1;
                }
                self.sip_seen = true;
                self.emit(skip, len, message, Transport::Tcp, sink);
                self.consume(skip.saturating_add(len));
                true
            }
            Framing::NoContentLength { skip, len } => {
                if skip > 0 {
                    sink.stats.tcp_keepalives += 1;
                }
                self.sip_seen = true;
                let start = self.buf_start().saturating_add(skip as u64);
                let end = start.saturating_add(len as u64);
                let (frames, _) = self.frames_between(start, end);
                if let Some(&frame) = frames.last() {
                    sink.events.push(ReassemblyEvent::NoContentLength {
                        flow: self.flow,
                        frame,
                        transport: "TCP",
                    });
                }
                self.emit(skip, len, message, Transport::Tcp, sink);
                self.consume(skip.saturating_add(len));
                // Whatever follows is a body of unknown length: find the next message.
                self.mode = Mode::Resync;
                true
            }
            Framing::Incomplete => {
                let buf = self.buf();
                if !buf.is_empty() && buf.iter().all(|&b| b == b'\r' || b == b'\n') {
                    sink.stats.tcp_keepalives += 1;
                    self.consume(self.unread_len());
                }
                false
            }
            Framing::NotSip => {
                self.mode = Mode::Resync;
                true
            }
        }
    }

    /// Reads the next WebSocket frame. Returns whether to read on.
    fn frame_websocket(&mut self, cap: usize, frame: FrameNo, sink: &mut Sink<'_>) -> bool {
        let header = match websocket::parse_frame_header(self.buf()) {
            FrameParse::Incomplete => return false,
            FrameParse::Invalid(what) => {
                self.ws_error(what, frame, sink);
                return true;
            }
            FrameParse::Header(h) => h,
        };
        let Some(total) = usize::try_from(header.payload_len)
            .ok()
            .filter(|&n| n <= cap)
            .and_then(|n| n.checked_add(header.header_len))
        else {
            self.ws_error("websocket frame larger than the per-flow cap", frame, sink);
            return true;
        };
        if self.unread_len() < total {
            return false;
        }
        let frame_start = self.buf_start();
        let payload_range = header.header_len..total;
        match header.opcode {
            websocket::OP_TEXT | websocket::OP_BINARY => {
                self.ws_message.clear();
                self.ws_start = Some(frame_start);
                let payload = (self.bytes.get(self.read..))
                    .and_then(|buf| buf.get(payload_range))
                    .unwrap_or_default();
                websocket::unmask_into(payload, header.mask, &mut self.ws_message);
            }
            websocket::OP_CONTINUATION if self.ws_start.is_some() => {
                if self.ws_message.len().saturating_add(payload_range.len()) > cap {
                    self.report_buffer_full(cap, frame, sink);
                    self.ws_start = None;
                    self.ws_message.clear();
                } else {
                    let payload = (self.bytes.get(self.read..))
                        .and_then(|buf| buf.get(payload_range))
                        .unwrap_or_default();
                    websocket::unmask_into(payload, header.mask, &mut self.ws_message);
                }
            }
            _ => {}
        }
        if header.fin
            && header.opcode < 8
            && let Some(start) = self.ws_start.take()
        {
            let end = frame_start.saturating_add(total as u64);
            let (frames, readable) = self.frames_between(start, end);
            let message = std::mem::take(&mut self.ws_message);
            if sip::looks_like_sip(&message) {
                self.sip_seen = true;
                self.emit_bytes(&message, &frames, readable, None, Transport::Ws, sink);
            }
            self.ws_message = message;
            self.ws_message.clear();
        }
        if header.opcode == websocket::OP_CLOSE {
            self.mode = Mode::Ignored;
        }
        self.consume(total);
        true
    }

    fn ws_error(&mut self, what: &'static str, frame: FrameNo, sink: &mut Sink<'_>) {
        sink.events.push(ReassemblyEvent::WebSocketError {
            flow: self.flow,
            frame,
            what,
        });
        self.mode = Mode::Ignored;
    }

    /// Gives up on the hole before the first held segment: reports it and
    /// goes on from that segment.
    fn skip_gap(&mut self, frame: FrameNo, sink: &mut Sink<'_>) {
        let Some((&start, first)) = self.held.first_key_value() else {
            return;
        };
        let next_frame = first.frame;
        let missing = start.saturating_sub(self.pos);
        let bytes = u32::try_from(missing).unwrap_or(u32::MAX);
        sink.stats.tcp_gaps += 1;
        sink.stats.tcp_missing_bytes = sink.stats.tcp_missing_bytes.saturating_add(missing);
        let from = self.next;
        self.next = self.next + bytes;
        self.pos = start;
        // The unfinished message before the hole cannot be completed.
        self.bytes.clear();
        self.read = 0;
        self.chunks.clear();
        self.ws_start = None;
        self.ws_message.clear();
        let index = sink.events.push(ReassemblyEvent::TcpGap {
            flow: self.flow,
            after_frame: self.last_frame,
            frame: next_frame,
            missing: from.0..self.next.0,
            bytes,
            resync_frame: None,
        });
        match self.mode {
            Mode::Sip | Mode::Resync => {
                self.mode = Mode::Resync;
                self.pending_gap = index;
            }
            Mode::Upgrade | Mode::WebSocket => {
                // WebSocket framing cannot be found again in the middle of a stream.
                self.ws_error(
                    "gap in the websocket stream, rest of the flow not read",
                    frame,
                    sink,
                );
            }
            Mode::Tls | Mode::Ignored => {}
        }
        // What was held behind the hole is readable as of its own frames.
        self.pull_held(None);
    }

    /// Decides holes that can no longer be filled, then reads on.
    fn check_gaps(
        &mut self,
        config: &ReassemblyConfig,
        frame: FrameNo,
        ts: Timestamp,
        sink: &mut Sink<'_>,
    ) {
        if let Some(far) = &self.far {
            // Nothing contradicted it in time, or the peer acknowledged bytes
            // beyond the window: the stream did jump.
            let too_old = ts.duration_since(far.held.ts) > config.gap_timeout;
            let acked_far = self
                .acked
                .is_some_and(|a| i64::from(a.distance_from(self.next)) > config.gap_window as i64);
            if too_old || acked_far {
                self.confirm_far(sink.stats);
            }
        }
        loop {
            let Some((_, first)) = self.held.first_key_value() else {
                return;
            };
            let ahead = self
                .held
                .last_key_value()
                .map_or(0, |(&s, h)| s.saturating_add(h.data.len() as u64))
                .saturating_sub(self.pos);
            let too_old = ts.duration_since(first.ts) > config.gap_timeout;
            let acked_past = self.acked.is_some_and(|a| a > self.next);
            let too_far = ahead > config.gap_window as u64;
            let too_big =
                self.held_bytes.saturating_add(self.unread_len()) > config.flow_buffer_cap;
            if too_big {
                self.report_buffer_full(config.flow_buffer_cap, frame, sink);
            }
            if !(too_old || too_far || too_big || acked_past) {
                return;
            }
            self.skip_gap(frame, sink);
            self.drain(config.flow_buffer_cap, frame, sink);
        }
    }

    /// End of the stream (FIN reached, RST, eviction or end of capture).
    fn close(&mut self, config: &ReassemblyConfig, frame: FrameNo, sink: &mut Sink<'_>) {
        // Nothing followed the segment far ahead, nothing contradicted it.
        self.confirm_far(sink.stats);
        while !self.held.is_empty() {
            self.skip_gap(frame, sink);
            self.drain(config.flow_buffer_cap, frame, sink);
        }
        let leftover = self
            .buf()
            .iter()
            .filter(|&&b| b != b'\r' && b != b'\n')
            .count();
        if leftover > 0 && matches!(self.mode, Mode::Sip | Mode::WebSocket) {
            sink.events.push(ReassemblyEvent::TcpIncomplete {
                flow: self.flow,
                frame: self.last_frame.unwrap_or(frame),
                bytes: self.unread_len(),
            });
        }
        self.read = self.bytes.len();
        self.chunks.clear();
    }
}

/// Every TCP stream being followed, bounded by [`ReassemblyConfig::max_flows`]
/// with least-recently-used eviction.
///
/// Streams live in slots (reused once freed); the map gives each flow its
/// slot. A small cache, indexed by the ports, remembers the slots of flows
/// looked up lately: most segments find their stream and its reverse
/// without hashing the flow.
#[derive(Debug)]
pub struct TcpStreams {
    config: ReassemblyConfig,
    slots: Vec<Option<Stream>>,
    /// Slots freed by removed streams.
    free: Vec<usize>,
    /// The slot of every stream, by flow.
    index: FastMap<Flow, usize>,
    /// Flows looked up lately and their slots, at [`cache_index`] of the
    /// flow. Every entry names a stream in the table: removing a stream
    /// drops its entry.
    recent: Box<[Option<(Flow, usize)>; CACHE]>,
    /// Streams by last use, oldest first: `(tick, slot)` is queued at every
    /// use of a stream (a queue push instead of a tree update per segment).
    /// An entry whose tick is no longer the `last_use` of the stream in its
    /// slot is stale (the stream was used again, or removed: ticks are never
    /// reused) and skipped; stale entries are dropped once they outnumber
    /// the live ones.
    lru: VecDeque<(u64, usize)>,
    tick: u64,
    table_full_reported: bool,
    tls: TlsFlows,
}

impl TcpStreams {
    pub(crate) fn new(config: ReassemblyConfig) -> TcpStreams {
        TcpStreams {
            config,
            slots: Vec::new(),
            free: Vec::new(),
            index: FastMap::default(),
            recent: Box::new([None; CACHE]),
            lru: VecDeque::new(),
            tick: 0,
            table_full_reported: false,
            tls: TlsFlows::default(),
        }
    }

    /// Feeds one segment, carried by `frame` (the fragments of its IP
    /// datagram in `frames`, when it was rebuilt from several).
    pub(crate) fn push(
        &mut self,
        frame: FrameNo,
        frames: &[FrameNo],
        ts: Timestamp,
        packet: &Packet<'_>,
        info: TcpInfo,
        sink: &mut Sink<'_>,
    ) {
        let flow = Flow {
            src: packet.src,
            dst: packet.dst,
        };
        let data = packet.payload;
        if !data.is_empty() {
            sink.stats.tcp_segments_with_data += 1;
            sink.stats.first_tcp_frame.get_or_insert(frame);
        }
        // Where the segment's data starts: a SYN takes one sequence number.
        let data_seq = SeqNo(info.seq) + u32::from(info.syn);
        if info.has_ack {
            self.peer_acked(flow, SeqNo(info.ack), frame, ts, sink);
        }
        // A SYN with another sequence number on a flow with history: a new
        // connection reusing the same addresses and ports.
        if info.syn
            && self
                .find(flow)
                .and_then(|slot| self.stream(slot))
                .is_some_and(|s| s.started() && s.next != data_seq)
        {
            self.remove(flow, frame, sink);
        }
        let opens = !data.is_empty() || info.syn;
        // A new stream in a full table first evicts the least recently used
        // one. The table is rarely full: the membership test is made only
        // then, and the common case below costs one lookup.
        if opens && self.index.len() >= self.config.max_flows.max(1) && self.find(flow).is_none() {
            self.make_room(frame, sink);
        }
        self.compact_lru();
        let config = self.config;
        let slot = match self.find(flow) {
            Some(slot) => slot,
            None if !opens => return,
            None => {
                sink.stats.tcp_streams += 1;
                self.insert(Stream::new(flow, data_seq))
            }
        };
        self.tick += 1;
        let tick = self.tick;
        self.lru.push_back((tick, slot));
        let Some(stream) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        stream.last_use = tick;
        stream.last_seen = frame;

        if info.syn && !stream.started() {
            // A (re)transmitted SYN before any data: the stream starts after it.
            stream.next = data_seq;
            stream.syn_seen = true;
        }
        if !data.is_empty() {
            if !stream.mode_decided {
                stream.mode_decided = true;
                stream.mode = first_mode(flow, data);
                if stream.mode == Mode::Resync && stream.syn_seen {
                    stream.mode = Mode::Sip;
                }
            }
            if stream.mode == Mode::Tls {
                self.tls.count(flow, frame, sink);
            }
            let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
            let offset = data_seq.distance_from(stream.next);
            let end = i64::from(offset) + i64::from(len);
            if matches!(stream.mode, Mode::Tls | Mode::Ignored) {
                // Nothing will be read: follow the sequence numbers only.
                if end > 0 {
                    stream.pos = stream.pos.saturating_add(end.unsigned_abs());
                    stream.next = data_seq + len;
                    stream.last_frame = Some(frame);
                }
            } else if offset == 0 && stream.held.is_empty() && stream.far.is_none() {
                // The common case: the next bytes, nothing held.
                stream.append(data, frame, extra_frames(frame, frames), (frame, ts));
                stream.drain(config.flow_buffer_cap, frame, sink);
            } else if !stream.take_far(offset, data, frame, frames, ts, &config, sink) {
                let (pos_before, held_before) = (stream.pos, stream.held_bytes);
                let conflict = stream.insert(
                    i64::from(offset),
                    data,
                    frame,
                    &extra_frames(frame, frames),
                    ts,
                    sink.stats,
                );
                if let Some((from, to)) = conflict {
                    sink.stats.tcp_overlap_conflicts += 1;
                    sink.events.push(ReassemblyEvent::TcpOverlapConflict {
                        flow,
                        frame,
                        range: stream.seq_at(from).0..stream.seq_at(to).0,
                        bytes: u32::try_from(to - from).unwrap_or(u32::MAX),
                    });
                }
                stream.pull_held(Some((frame, ts)));
                stream.drain(config.flow_buffer_cap, frame, sink);
                if stream.pos != pos_before || stream.held_bytes > held_before {
                    // New bytes within the window: the stream went on
                    // without the segment far ahead.
                    stream.refute_far(sink);
                }
            }
            if info.fin {
                stream.fin_at = Some(data_seq + len);
            }
        } else if info.fin {
            stream.fin_at = Some(data_seq);
        }
        stream.check_gaps(&config, frame, ts, sink);
        let fin_reached = stream.fin_at.is_some_and(|f| stream.next >= f);
        if info.rst || fin_reached {
            self.remove(flow, frame, sink);
        }
    }

    /// The peer of `flow` acknowledged `ack`: a hole below it in the reverse
    /// stream was received by the peer but missed by the capture.
    fn peer_acked(
        &mut self,
        flow: Flow,
        ack: SeqNo,
        frame: FrameNo,
        ts: Timestamp,
        sink: &mut Sink<'_>,
    ) {
        let reverse = Flow {
            src: flow.dst,
            dst: flow.src,
        };
        let config = self.config;
        let slot = self.find(reverse);
        if let Some(stream) = slot.and_then(|slot| self.slots.get_mut(slot)?.as_mut()) {
            if stream.acked.is_none_or(|a| ack > a) {
                stream.acked = Some(ack);
            }
            if !stream.held.is_empty() || stream.far.is_some() {
                stream.check_gaps(&config, frame, ts, sink);
            }
        }
    }

    /// The slot of the stream of `flow`, if it has one. Inlined in its few
    /// callers: a cache hit costs less than the call.
    #[inline(always)]
    fn find(&mut self, flow: Flow) -> Option<usize> {
        let entry = self.recent.get_mut(cache_index(flow))?;
        if let Some((f, slot)) = entry
            && *f == flow
        {
            return Some(*slot);
        }
        let slot = *self.index.get(&flow)?;
        *entry = Some((flow, slot));
        Some(slot)
    }

    /// The stream in `slot`, if any.
    fn stream(&self, slot: usize) -> Option<&Stream> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// Adds a stream (its flow has none) in a free slot; returns the slot.
    fn insert(&mut self, stream: Stream) -> usize {
        let flow = stream.flow;
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(free) = self.slots.get_mut(slot) {
                    *free = Some(stream);
                }
                slot
            }
            None => {
                self.slots.push(Some(stream));
                self.slots.len() - 1
            }
        };
        self.index.insert(flow, slot);
        slot
    }

    /// Takes the stream of `flow` out of the table.
    fn take(&mut self, flow: Flow) -> Option<Stream> {
        let slot = self.index.remove(&flow)?;
        if let Some(entry) = self.recent.get_mut(cache_index(flow))
            && entry.is_some_and(|(f, _)| f == flow)
        {
            *entry = None;
        }
        let stream = self.slots.get_mut(slot)?.take();
        self.free.push(slot);
        stream
    }

    /// Closes and forgets the stream of `flow`.
    fn remove(&mut self, flow: Flow, frame: FrameNo, sink: &mut Sink<'_>) {
        if let Some(mut stream) = self.take(flow) {
            stream.close(&self.config, frame, sink);
        }
    }

    /// The flow of the stream used least recently, taken off the queue.
    fn pop_least_recently_used(&mut self) -> Option<Flow> {
        while let Some((tick, slot)) = self.lru.pop_front() {
            if let Some(stream) = self.stream(slot).filter(|s| s.last_use == tick) {
                return Some(stream.flow);
            }
        }
        None
    }

    /// Drops the stale queue entries once they outnumber the live ones (one
    /// per stream) by [`LRU_SLACK`]: the queue stays within twice the table
    /// plus the slack, at an amortised cost of one to two lookups per use
    /// (close to one while few streams are open, as in most captures).
    fn compact_lru(&mut self) {
        if self.lru.len() > 2 * self.index.len() + LRU_SLACK {
            let slots = &self.slots;
            self.lru.retain(|&(tick, slot)| is_live(slots, tick, slot));
        }
    }

    /// Evicts the least recently used stream when the table is full.
    fn make_room(&mut self, frame: FrameNo, sink: &mut Sink<'_>) {
        while self.index.len() >= self.config.max_flows.max(1) {
            let Some(oldest) = self.pop_least_recently_used() else {
                return;
            };
            if let Some(mut stream) = self.take(oldest) {
                stream.close(&self.config, frame, sink);
                sink.stats.tcp_flows_evicted += 1;
                if !self.table_full_reported {
                    self.table_full_reported = true;
                    sink.events.push(ReassemblyEvent::FlowTableFull {
                        evicted: oldest,
                        frame,
                        cap: self.config.max_flows,
                    });
                }
            }
        }
    }

    /// End of the capture: every stream is closed.
    pub(crate) fn finish(&mut self, sink: &mut Sink<'_>) {
        let mut streams: Vec<Stream> = self.slots.drain(..).flatten().collect();
        streams.sort_by_key(|s| s.last_use);
        self.index.clear();
        self.recent.fill(None);
        self.free.clear();
        self.lru.clear();
        for mut stream in streams {
            let frame = stream.last_seen;
            stream.close(&self.config, frame, sink);
        }
        self.tls.finish(sink);
    }
}

/// Stale LRU queue entries tolerated beyond one per stream before the queue
/// is compacted (each compaction looks every entry up): 1024 entries of 16
/// bytes. With 64, a capture with a few dozen open streams paid about 1.4
/// lookups per segment for the queue; with 1024, about 1.05.
const LRU_SLACK: usize = 1024;

/// Entries of the flow lookup cache of [`TcpStreams`] (72 bytes each).
const CACHE: usize = 64;

/// Where `flow` goes in the lookup cache: a mix of both ports (cheap to
/// read, and the client's port tells connections apart), different for the
/// two directions of a connection.
fn cache_index(flow: Flow) -> usize {
    let mix = u32::from(flow.src.port()).wrapping_mul(0x9e37_79b1) ^ u32::from(flow.dst.port());
    (mix.wrapping_mul(0x9e37_79b1) >> 26) as usize % CACHE
}

/// Is the LRU queue entry `(tick, slot)` the latest use of the stream in
/// the slot?
fn is_live(slots: &[Option<Stream>], tick: u64, slot: usize) -> bool {
    slots
        .get(slot)
        .and_then(Option::as_ref)
        .is_some_and(|s| s.last_use == tick)
}

/// The frames other than `frame` in `frames`.
fn extra_frames(frame: FrameNo, frames: &[FrameNo]) -> Vec<FrameNo> {
    if frames.len() > 1 {
        frames.iter().copied().filter(|&f| f != frame).collect()
    } else {
        Vec::new()
    }
}

/// `n` as an index (positions within one segment always fit).
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Where `second` differs from the bytes `first` yields (compared as far as
/// both go): the first differing index and one past the last.
fn differing<'b>(first: impl Iterator<Item = &'b u8>, second: &[u8]) -> Option<(usize, usize)> {
    let mut span: Option<(usize, usize)> = None;
    for (i, (a, b)) in first.zip(second).enumerate() {
        if a != b {
            span = Some(span.map_or((i, i + 1), |(s, _)| (s, i + 1)));
        }
    }
    span
}

/// How to read a stream, from its first data bytes.
fn first_mode(flow: Flow, data: &[u8]) -> Mode {
    if is_tls_record(data) {
        Mode::Tls
    } else if websocket::is_http_start(data) {
        Mode::Upgrade
    } else if (flow.src.port() == 5061 || flow.dst.port() == 5061) && !sip::looks_like_sip(data) {
        Mode::Tls
    } else {
        Mode::Resync
    }
}

/// A TLS record header (RFC 8446 §5.1): content type 20–23, version 3.x.
fn is_tls_record(data: &[u8]) -> bool {
    matches!(data, [20..=23, 3, 0..=4, ..])
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::decode::{Decoded, Transport as DecodedTransport};
    use crate::reassembly::Reassembler;

    const A: &str = "10.0.0.1:5060";
    const B: &str = "10.0.0.2:40000";

    fn msg(method: &str, n: u32, body: &str) -> String {
        format!(
            "{method} sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK{n}\r\nCall-ID: c{n}\r\nCSeq: {n} {method}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    /// One segment: (seq, flags "S", "F", "R" or "", payload).
    struct Seg<'a>(u32, &'a str, &'a [u8]);

    #[derive(Debug, PartialEq)]
    struct Out {
        frame: u32,
        frames: Vec<u32>,
        first_line: String,
        transport: &'static str,
    }

    fn run_with(
        segs: &[Seg<'_>],
        config: ReassemblyConfig,
    ) -> (
        Vec<Out>,
        Vec<ReassemblyEvent>,
        crate::reassembly::ReassemblyStats,
    ) {
        run_flow(segs, config, A, B)
    }

    fn run_flow(
        segs: &[Seg<'_>],
        config: ReassemblyConfig,
        src: &str,
        dst: &str,
    ) -> (
        Vec<Out>,
        Vec<ReassemblyEvent>,
        crate::reassembly::ReassemblyStats,
    ) {
        let mut r = Reassembler::with_config(config);
        let mut out = Vec::new();
        let mut collect = |b: SipBytes<'_>| {
            let text = String::from_utf8_lossy(b.bytes);
            out.push(Out {
                frame: b.frame.0,
                frames: b.frames.iter().map(|f| f.0).collect(),
                first_line: text.lines().next().unwrap_or_default().to_string(),
                transport: b.transport.as_str(),
            });
        };
        for (i, Seg(seq, flags, data)) in segs.iter().enumerate() {
            let packet = Packet {
                src: src.parse::<SocketAddr>().unwrap(),
                dst: dst.parse::<SocketAddr>().unwrap(),
                transport: DecodedTransport::Tcp(TcpInfo {
                    seq: *seq,
                    ack: 0,
                    syn: flags.contains('S'),
                    fin: flags.contains('F'),
                    rst: flags.contains('R'),
                    psh: false,
                    has_ack: true,
                }),
                payload: data,
                vlan: None,
                truncated: false,
                lie: None,
            };
            let ts = Timestamp {
                secs: i as i64,
                nanos: 0,
            };
            r.push(
                FrameNo(i as u32 + 1),
                ts,
                &Decoded::Packet(packet),
                &mut collect,
            );
        }
        r.finish(&mut collect);
        (out, r.events().to_vec(), r.stats())
    }

    fn run(
        segs: &[Seg<'_>],
    ) -> (
        Vec<Out>,
        Vec<ReassemblyEvent>,
        crate::reassembly::ReassemblyStats,
    ) {
        run_with(segs, ReassemblyConfig::default())
    }

    fn lines(out: &[Out]) -> Vec<(u32, &str)> {
        out.iter()
            .map(|o| (o.frame, o.first_line.as_str()))
            .collect()
    }

    #[test]
    fn two_messages_in_one_segment_and_one_over_three() {
        let inv = msg("INVITE", 1, "v=0\r\n");
        let bye = msg("BYE", 2, "");
        let both = format!("{inv}{bye}");
        let opt = msg("OPTIONS", 3, "");
        let (a, rest) = opt.as_bytes().split_at(10);
        let (b, c) = rest.split_at(20);
        let base = 1000u32;
        let s2 = base + 1 + both.len() as u32;
        let (out, events, stats) = run(&[
            Seg(base, "S", b""),
            Seg(base + 1, "", both.as_bytes()),
            Seg(s2, "", a),
            Seg(s2 + 10, "", b),
            Seg(s2 + 30, "", c),
        ]);
        assert_eq!(
            lines(&out),
            vec![
                (2, "INVITE sip:b@x SIP/2.0"),
                (2, "BYE sip:b@x SIP/2.0"),
                (5, "OPTIONS sip:b@x SIP/2.0")
            ]
        );
        assert_eq!(out[2].frames, vec![3, 4, 5]);
        assert_eq!(out[0].transport, "TCP");
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.tcp_messages, 3);
    }

    #[test]
    fn out_of_order_retransmitted_and_overlapping_segments() {
        let inv = msg("INVITE", 1, "v=0\r\no=- 1 1 IN IP4 a\r\n");
        let data = inv.as_bytes();
        let (p1, rest) = data.split_at(40);
        let (p2, p3) = rest.split_at(40);
        let s = 5000u32;
        let (out, events, stats) = run(&[
            Seg(s, "S", b""),
            Seg(s + 1 + 80, "", p3),            // 2: ahead of a hole
            Seg(s + 1, "", p1),                 // 3: in order
            Seg(s + 1, "", p1),                 // 4: retransmission
            Seg(s + 1 + 20, "", &data[20..80]), // 5: overlaps p1, fills p2: completes
            Seg(s + 1 + 40, "", p2),            // 6: retransmission of bytes seen
        ]);
        assert_eq!(lines(&out), vec![(5, "INVITE sip:b@x SIP/2.0")]);
        assert_eq!(out[0].frames, vec![2, 3, 5]);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.tcp_out_of_order_segments, 1);
        assert_eq!(stats.tcp_retransmitted_segments, 2);
        assert_eq!(stats.tcp_overlapping_segments, 1);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let inv = msg("INVITE", 1, "");
        let bye = msg("BYE", 2, "");
        let isn = u32::MAX - 10;
        let (a, b) = inv.as_bytes().split_at(30);
        let (out, events, _) = run(&[
            Seg(isn, "S", b""),
            Seg(isn.wrapping_add(1), "", a),
            Seg(
                isn.wrapping_add(31 + inv.len() as u32 - 30),
                "",
                bye.as_bytes(),
            ),
            Seg(isn.wrapping_add(31), "", b),
        ]);
        // The BYE's bytes all came in frame 3, but it could only be read once
        // frame 4 filled the hole before it: it is attributed to frame 4 (as
        // Wireshark's "reassembled in"), after the INVITE, and still lists
        // frame 3 as the frame holding its bytes.
        assert_eq!(
            lines(&out),
            vec![(4, "INVITE sip:b@x SIP/2.0"), (4, "BYE sip:b@x SIP/2.0")]
        );
        assert_eq!(out[0].frames, vec![2, 4]);
        assert_eq!(out[1].frames, vec![3]);
        assert!(events.is_empty());
    }

    #[test]
    fn held_message_released_by_a_gap_keeps_frame_order() {
        // Frame 3 holds a whole BYE behind a hole that frame 4 only partly
        // fills (it completes the INVITE); the rest of the hole is never
        // filled. The BYE is readable once the gap is given up (end of
        // capture): attributed to its own frame 3 would put it before the
        // INVITE of frame 4 in the same flow, so it comes at frame 4.
        let inv = msg("INVITE", 1, "");
        let bye = msg("BYE", 2, "");
        let s = 10u32;
        let after_inv = s + 1 + inv.len() as u32;
        let (out, events, _) = run(&[
            Seg(s, "S", b""),
            Seg(after_inv + 7, "", bye.as_bytes()),
            Seg(s + 1, "", &inv.as_bytes()[..20]),
            Seg(s + 21, "", &inv.as_bytes()[20..]),
        ]);
        assert_eq!(
            lines(&out),
            vec![(4, "INVITE sip:b@x SIP/2.0"), (4, "BYE sip:b@x SIP/2.0")]
        );
        assert_eq!(out[1].frames, vec![2]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), "tcp-gap");
    }

    #[test]
    fn overlap_with_different_bytes_keeps_the_first_copy_and_is_reported() {
        let inv = msg("INVITE", 1, "v=0\r\n");
        let data = inv.as_bytes();
        let mut forged = data.to_vec();
        // The retransmission changes "INVITE sip:b@x" into "INVITE sip:e@x"
        // (byte 11) and byte 50, in the Via branch.
        forged[11] = b'e';
        forged[50] = b'X';
        let s = 100u32;
        let (p1, p2) = data.split_at(60);
        let (out, events, stats) = run(&[
            Seg(s, "S", b""),
            Seg(s + 1, "", p1),
            // Overlaps all of p1 (differing) and brings p2 (genuine bytes).
            Seg(s + 1, "", &[&forged[..60], p2].concat()),
            // Ahead of the hole and then overlapped by a differing copy.
            Seg(s + 1 + 500, "", b"abcdef"),
            Seg(s + 1 + 498, "", b"xxabXdef"),
        ]);
        assert_eq!(lines(&out), vec![(3, "INVITE sip:b@x SIP/2.0")]);
        let flow = flow_ab();
        let base = s + 1;
        assert_eq!(
            events[..2],
            [
                ReassemblyEvent::TcpOverlapConflict {
                    flow,
                    frame: FrameNo(3),
                    range: base + 11..base + 51,
                    bytes: 40,
                },
                ReassemblyEvent::TcpOverlapConflict {
                    flow,
                    frame: FrameNo(5),
                    range: base + 502..base + 503,
                    bytes: 1,
                },
            ]
        );
        assert_eq!(
            events[1].to_string(),
            format!(
                "tcp 10.0.0.1:5060 → 10.0.0.2:40000: frame 5 repeats bytes already received with different content (1 bytes, sequence numbers {}..{}); the first copy was kept",
                base + 502,
                base + 503
            )
        );
        assert_eq!(stats.tcp_overlap_conflicts, 2);
        assert_eq!(stats.tcp_overlapping_segments, 2);
    }

    #[test]
    fn identical_overlap_and_conflict_across_the_wrap() {
        let inv = msg("INVITE", 1, "");
        let data = inv.as_bytes();
        let isn = u32::MAX - 20;
        let mut forged = data[..40].to_vec();
        forged[35] ^= 0x20;
        let (out, events, stats) = run(&[
            Seg(isn, "S", b""),
            Seg(isn.wrapping_add(1), "", &data[..50]),
            // Same bytes again: a plain retransmission, no event.
            Seg(isn.wrapping_add(1), "", &data[..50]),
            // Differs at byte 35, which lies past the wrap.
            Seg(isn.wrapping_add(1), "", &forged),
            Seg(isn.wrapping_add(51), "", &data[50..]),
        ]);
        assert_eq!(lines(&out), vec![(5, "INVITE sip:b@x SIP/2.0")]);
        assert_eq!(stats.tcp_retransmitted_segments, 2);
        assert_eq!(stats.tcp_overlap_conflicts, 1);
        assert_eq!(
            events,
            vec![ReassemblyEvent::TcpOverlapConflict {
                flow: flow_ab(),
                frame: FrameNo(4),
                range: 15..16,
                bytes: 1,
            }]
        );
    }

    #[test]
    fn keep_alives_between_messages_are_skipped() {
        let m1 = msg("OPTIONS", 1, "");
        let m2 = msg("OPTIONS", 2, "");
        let s = 1u32;
        let mut seq = s + 1;
        let mut segs = vec![Seg(s, "S", b"")];
        let parts: Vec<&[u8]> = vec![
            b"\r\n\r\n",
            m1.as_bytes(),
            b"\r\n\r\n",
            b"\r\n",
            m2.as_bytes(),
            b"\r\n\r\n",
        ];
        for p in &parts {
            segs.push(Seg(seq, "", p));
            seq += p.len() as u32;
        }
        let (out, events, stats) = run(&segs);
        assert_eq!(
            lines(&out),
            vec![
                (3, "OPTIONS sip:b@x SIP/2.0"),
                (6, "OPTIONS sip:b@x SIP/2.0")
            ]
        );
        assert!(events.is_empty());
        assert_eq!(stats.tcp_keepalives, 4);
    }

    #[test]
    fn capture_starting_mid_stream_resynchronises() {
        let m1 = msg("INVITE", 1, "v=0\r\n");
        let m2 = msg("BYE", 2, "");
        let tail = &m1.as_bytes()[25..];
        let (out, events, _) = run(&[
            Seg(777, "", tail),
            Seg(777 + tail.len() as u32, "", m2.as_bytes()),
        ]);
        assert_eq!(lines(&out), vec![(2, "BYE sip:b@x SIP/2.0")]);
        assert!(events.is_empty());
    }

    #[test]
    fn lost_segment_is_a_gap_then_resync() {
        let m1 = msg("INVITE", 1, "v=0\r\n");
        let m2 = msg("BYE", 2, "");
        let (a, b) = m1.as_bytes().split_at(30);
        let s = 100u32;
        let (out, events, stats) = run(&[
            Seg(s, "S", b""),
            Seg(s + 1, "", a),
            // b is lost
            Seg(s + 1 + m1.len() as u32, "", m2.as_bytes()),
            Seg(s + 1 + (m1.len() + m2.len()) as u32, "F", b""),
        ]);
        assert_eq!(b.len(), m1.len() - 30);
        // The hole is decided at the end of the capture (the FIN in frame 4
        // is beyond it); the BYE is attributed to the frame that carried it.
        assert_eq!(lines(&out), vec![(3, "BYE sip:b@x SIP/2.0")]);
        assert_eq!(stats.tcp_gaps, 1);
        let missing = b.len() as u32;
        assert_eq!(
            events,
            vec![ReassemblyEvent::TcpGap {
                flow: flow_ab(),
                after_frame: Some(FrameNo(2)),
                frame: FrameNo(3),
                missing: s + 31..s + 31 + missing,
                bytes: missing,
                resync_frame: Some(FrameNo(3)),
            }]
        );
        assert_eq!(
            events[0].to_string(),
            format!(
                "tcp 10.0.0.1:5060 → 10.0.0.2:40000: {missing} bytes missing after frame 2 (sequence numbers 131..{}); resynchronised at frame 3",
                131 + missing
            )
        );
    }

    /// The flow `A → B` the test segments travel.
    fn flow_ab() -> Flow {
        Flow {
            src: A.parse().unwrap(),
            dst: B.parse().unwrap(),
        }
    }

    #[test]
    fn wild_segment_the_stream_goes_on_without_is_ignored() {
        let m1 = msg("INVITE", 1, "");
        let m2 = msg("BYE", 2, "");
        let s = 100u32;
        let after_m1 = s + 1 + m1.len() as u32;
        let (out, events, stats) = run(&[
            Seg(s, "S", b""),
            Seg(s + 1, "", m1.as_bytes()),
            // A forged sequence number a billion bytes ahead.
            Seg(after_m1 + 1_000_000_000, "", b"XXXXXXXXXX"),
            Seg(after_m1, "", m2.as_bytes()),
        ]);
        assert_eq!(
            lines(&out),
            vec![(2, "INVITE sip:b@x SIP/2.0"), (4, "BYE sip:b@x SIP/2.0")]
        );
        assert_eq!((stats.tcp_gaps, stats.tcp_missing_bytes), (0, 0));
        assert_eq!(stats.tcp_out_of_window_segments, 1);
        assert_eq!(
            events,
            vec![ReassemblyEvent::TcpOutOfWindow {
                flow: flow_ab(),
                frame: FrameNo(3),
                ahead: 1_000_000_000,
                bytes: 10,
            }]
        );
        assert_eq!(
            events[0].to_string(),
            "tcp 10.0.0.1:5060 → 10.0.0.2:40000: frame 3 starts 1000000000 bytes ahead of the stream, beyond any receive window, and the stream went on without it: its 10 bytes were ignored"
        );
    }

    #[test]
    fn jump_the_stream_follows_is_a_gap() {
        // The capture lost 100 000 bytes (more than the gap window): the
        // segment after the hole is far ahead, and the next one follows it.
        let m1 = msg("INVITE", 1, "");
        let m2 = msg("ACK", 1, "");
        let m3 = msg("BYE", 2, "");
        let s = 100u32;
        let far = s + 1 + m1.len() as u32 + 100_000;
        let (out, events, stats) = run(&[
            Seg(s, "S", b""),
            Seg(s + 1, "", m1.as_bytes()),
            Seg(far, "", m2.as_bytes()),
            Seg(far + m2.len() as u32, "", m3.as_bytes()),
        ]);
        assert_eq!(
            lines(&out),
            vec![
                (2, "INVITE sip:b@x SIP/2.0"),
                (3, "ACK sip:b@x SIP/2.0"),
                (4, "BYE sip:b@x SIP/2.0")
            ]
        );
        assert_eq!((stats.tcp_gaps, stats.tcp_missing_bytes), (1, 100_000));
        assert_eq!(stats.tcp_out_of_window_segments, 0);
        assert!(matches!(
            events.as_slice(),
            [ReassemblyEvent::TcpGap {
                after_frame: Some(FrameNo(2)),
                frame: FrameNo(3),
                bytes: 100_000,
                resync_frame: Some(FrameNo(3)),
                ..
            }]
        ));
    }

    #[test]
    fn far_segment_nothing_contradicts_is_a_gap_at_the_timeout_or_the_end() {
        let m1 = msg("INVITE", 1, "");
        let m2 = msg("BYE", 2, "");
        let s = 100u32;
        let far = s + 1 + m1.len() as u32 + 100_000;
        let start = [
            Seg(s, "S", b""),
            Seg(s + 1, "", m1.as_bytes()),
            Seg(far, "", m2.as_bytes()),
        ];
        let expected = vec![(2, "INVITE sip:b@x SIP/2.0"), (3, "BYE sip:b@x SIP/2.0")];
        // The capture ends: nothing contradicted the jump.
        let (out, events, stats) = run(&start);
        assert_eq!(lines(&out), expected);
        assert_eq!((stats.tcp_gaps, stats.tcp_missing_bytes), (1, 100_000));
        assert_eq!(stats.tcp_out_of_window_segments, 0);
        assert_eq!(events.len(), 1);
        // Segments without data go on for longer than the gap timeout
        // (10 s; frames are 1 s apart): the jump is taken at frame 14, and
        // later data right behind the old position is old data.
        let mut segs: Vec<Seg<'_>> = start.into_iter().collect();
        let after_m1 = s + 1 + m1.len() as u32;
        segs.extend((0..11).map(|_| Seg(after_m1, "", b"")));
        segs.push(Seg(after_m1, "", b"late bytes"));
        let (out, events, stats) = run(&segs);
        assert_eq!(lines(&out), expected);
        assert_eq!(stats.tcp_gaps, 1);
        assert_eq!(stats.tcp_out_of_window_segments, 0);
        assert!(matches!(
            events.as_slice(),
            [ReassemblyEvent::TcpGap {
                frame: FrameNo(3),
                bytes: 100_000,
                ..
            }]
        ));
    }

    #[test]
    fn gap_window_decides_before_the_end() {
        let m1 = msg("INVITE", 1, "");
        let m2 = msg("BYE", 2, "");
        let config = ReassemblyConfig {
            gap_window: 10,
            ..ReassemblyConfig::default()
        };
        let (out, events, _) = run_with(
            &[
                Seg(1, "", &m1.as_bytes()[..20]),
                Seg(1 + m1.len() as u32, "", m2.as_bytes()),
            ],
            config,
        );
        // Decided at frame 2 (data far ahead), not at the end of the capture.
        assert_eq!(lines(&out), vec![(2, "BYE sip:b@x SIP/2.0")]);
        assert_eq!(events.len(), 1);
        assert!(matches!(
            events[0],
            ReassemblyEvent::TcpGap {
                frame: FrameNo(2),
                ..
            }
        ));
    }

    #[test]
    fn message_without_content_length_is_reported() {
        let m = b"SIP/2.0 200 OK\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
        let m2 = msg("BYE", 2, "");
        let (out, events, _) = run(&[Seg(1, "", m), Seg(1 + m.len() as u32, "", m2.as_bytes())]);
        assert_eq!(
            lines(&out),
            vec![(1, "SIP/2.0 200 OK"), (2, "BYE sip:b@x SIP/2.0")]
        );
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].to_string(),
            "tcp 10.0.0.1:5060 → 10.0.0.2:40000: SIP message in frame 1 has no valid Content-Length, mandatory on streams (RFC 3261 §18.3); its body cannot be delimited"
        );
    }

    #[test]
    fn flow_buffer_cap_is_reported() {
        let huge = b"INVITE sip:b@x SIP/2.0\r\nContent-Length: 100000\r\n\r\n";
        let filler = vec![b'a'; 200];
        let m2 = msg("BYE", 2, "");
        let config = ReassemblyConfig {
            flow_buffer_cap: 128,
            ..ReassemblyConfig::default()
        };
        let s2 = 1 + huge.len() as u32;
        let (out, events, _) = run_with(
            &[
                Seg(1, "", huge),
                Seg(s2, "", &filler),
                Seg(s2 + 200, "", b"\r\n"),
                Seg(s2 + 202, "", m2.as_bytes()),
            ],
            config,
        );
        assert_eq!(lines(&out), vec![(4, "BYE sip:b@x SIP/2.0")]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), "flow-buffer-full");
        assert_eq!(events[0].frame(), FrameNo(2));
    }

    #[test]
    fn flow_table_cap_evicts_least_recently_used() {
        let config = ReassemblyConfig {
            max_flows: 1,
            ..ReassemblyConfig::default()
        };
        let mut r = Reassembler::with_config(config);
        let mut n = 0;
        let mut count = |_: SipBytes<'_>| n += 1;
        for (i, src) in ["10.0.0.1:1", "10.0.0.3:1"].iter().enumerate() {
            let packet = Packet {
                src: src.parse().unwrap(),
                dst: B.parse().unwrap(),
                transport: DecodedTransport::Tcp(TcpInfo {
                    seq: 1,
                    ack: 0,
                    syn: false,
                    fin: false,
                    rst: false,
                    psh: false,
                    has_ack: true,
                }),
                payload: b"OPTIONS sip:x SIP/2.0\r\n",
                vlan: None,
                truncated: false,
                lie: None,
            };
            r.push(
                FrameNo(i as u32 + 1),
                Timestamp::default(),
                &Decoded::Packet(packet),
                &mut count,
            );
        }
        r.finish(&mut count);
        let kinds: Vec<_> = r.events().iter().map(|e| (e.kind(), e.frame())).collect();
        assert_eq!(
            kinds,
            vec![
                ("tcp-incomplete", FrameNo(1)),
                ("flow-table-full", FrameNo(2)),
                ("tcp-incomplete", FrameNo(2))
            ]
        );
        assert_eq!(
            r.events()[1].to_string(),
            "tcp flow table full (1 flows) at frame 2: least recently used flow 10.0.0.1:1 → 10.0.0.2:40000 dropped"
        );
        assert_eq!(r.stats().tcp_flows_evicted, 1);
    }

    /// The stream used least recently goes first, however often the others
    /// were used, and the use queue stays bounded.
    #[test]
    fn eviction_follows_the_latest_use() {
        let config = ReassemblyConfig {
            max_flows: 2,
            ..ReassemblyConfig::default()
        };
        let mut r = Reassembler::with_config(config);
        let mut ignore = |_: SipBytes<'_>| {};
        let mut frame = 0u32;
        let mut send = |r: &mut Reassembler, src: &str, seq: u32| {
            frame += 1;
            let packet = Packet {
                src: src.parse().unwrap(),
                dst: B.parse().unwrap(),
                transport: DecodedTransport::Tcp(TcpInfo {
                    seq,
                    ack: 0,
                    syn: false,
                    fin: false,
                    rst: false,
                    psh: false,
                    has_ack: false,
                }),
                payload: b"\r\n",
                vlan: None,
                truncated: false,
                lie: None,
            };
            r.push(
                FrameNo(frame),
                Timestamp::default(),
                &Decoded::Packet(packet),
                &mut ignore,
            );
        };
        send(&mut r, "10.0.0.1:1", 1);
        send(&mut r, "10.0.0.3:1", 1);
        // 10.0.0.1 is used 3000 times after 10.0.0.3: the queue is
        // compacted on the way, and 10.0.0.3 is the one to go.
        let mut longest = 0;
        for i in 0..3000 {
            send(&mut r, "10.0.0.1:1", 3 + 2 * i);
            longest = longest.max(r.tcp.lru.len());
        }
        assert_eq!(longest, 2 * 2 + LRU_SLACK + 1);
        send(&mut r, "10.0.0.5:1", 1);
        assert_eq!(
            r.events()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec![
                "tcp flow table full (2 flows) at frame 3003: least recently used flow 10.0.0.3:1 → 10.0.0.2:40000 dropped"
            ]
        );
        let mut left: Vec<_> = r.tcp.index.keys().map(|f| f.src.to_string()).collect();
        left.sort();
        assert_eq!(left, vec!["10.0.0.1:1", "10.0.0.5:1"]);
    }

    #[test]
    fn tls_flow_is_reported_once() {
        let hello = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5];
        let data = [0x17, 0x03, 0x03, 0x00, 0x02, 9, 9];
        let (out, events, stats) = run_flow(
            &[Seg(1, "", &hello), Seg(11, "", &data), Seg(18, "", &data)],
            ReassemblyConfig::default(),
            "10.0.0.1:40000",
            "10.0.0.2:5061",
        );
        assert!(out.is_empty());
        assert_eq!(stats.tls_flows, 1);
        assert_eq!(
            events.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec![
                "tls 10.0.0.1:40000 → 10.0.0.2:5061: SIP signalling seen but encrypted (3 segments from frame 1); it cannot be analysed"
            ]
        );
    }

    #[test]
    fn oversized_http_upgrade_is_reported() {
        let mut head = b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n".to_vec();
        while head.len() <= websocket::MAX_UPGRADE {
            head.extend_from_slice(b"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        let (out, events, _) = run(&[Seg(1, "", &head)]);
        assert!(out.is_empty());
        assert_eq!(
            events.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec![
                "ws 10.0.0.1:5060 → 10.0.0.2:40000: HTTP upgrade header section longer than 16384 bytes, rest of the flow not read at frame 1"
            ]
        );
    }

    #[test]
    fn stream_without_sip_is_given_up_and_counted() {
        let line = b"this is not SIP at all, just some text protocol\r\n";
        let chunk: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(line.len() * 200)
            .collect();
        let mut segs = Vec::new();
        let mut seq = 1u32;
        for _ in 0..8 {
            segs.push(Seg(seq, "", &chunk[..]));
            seq += chunk.len() as u32;
        }
        let m = msg("OPTIONS", 1, "");
        segs.push(Seg(seq, "", m.as_bytes()));
        let (out, events, stats) = run(&segs);
        // 8 × 10 000 bytes without a start line: the flow is not read any more.
        assert!(out.is_empty());
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.tcp_streams_not_sip, 1);
    }

    #[test]
    fn tls_table_cap_is_reported() {
        let mut r = Reassembler::new();
        let hello = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5];
        let mut ignore = |_: SipBytes<'_>| {};
        let n = crate::reassembly::MAX_TLS_FLOWS as u32 + 2;
        for i in 0..n {
            let packet = Packet {
                src: SocketAddr::from(([10, 0, (i >> 16) as u8, 1], (i & 0xFFFF) as u16)),
                dst: "10.0.0.2:5061".parse().unwrap(),
                transport: DecodedTransport::Tcp(TcpInfo {
                    seq: 1,
                    ack: 0,
                    syn: false,
                    fin: false,
                    rst: false,
                    psh: false,
                    has_ack: false,
                }),
                payload: &hello,
                vlan: None,
                truncated: false,
                lie: None,
            };
            r.push(
                FrameNo(i + 1),
                Timestamp::default(),
                &Decoded::Packet(packet),
                &mut ignore,
            );
        }
        let full: Vec<_> = r
            .events()
            .iter()
            .filter(|e| e.kind() == "tls-table-full")
            .map(|e| e.frame().0)
            .collect();
        assert_eq!(full, vec![n - 1]);
        assert_eq!(r.stats().tls_flows_not_listed, 2);
    }

    #[test]
    fn websocket_masked_fragmented_text_and_binary() {
        let upgrade = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
        let m1 = msg("REGISTER", 1, "");
        let m2 = msg("INVITE", 2, "v=0\r\n");
        let mask = [1u8, 2, 3, 4];
        let masked = |op_fin: u8, data: &[u8]| {
            let mut f = vec![op_fin];
            if data.len() < 126 {
                f.push(0x80 | data.len() as u8);
            } else {
                f.push(0x80 | 126);
                f.extend_from_slice(&(data.len() as u16).to_be_bytes());
            }
            f.extend_from_slice(&mask);
            f.extend(data.iter().zip(mask.iter().cycle()).map(|(b, k)| b ^ k));
            f
        };
        let mut stream = upgrade.to_vec();
        stream.extend(masked(0x81, m1.as_bytes()));
        let (h, t) = m2.as_bytes().split_at(50);
        stream.extend(masked(0x02, h)); // binary, not final
        stream.extend(masked(0x89, b"ping")); // control frame in between
        stream.extend(masked(0x80, t)); // continuation, final
        // Cut the stream into 3 segments at arbitrary points.
        let cut1 = upgrade.len() + 7;
        let cut2 = cut1 + m1.len() + 20;
        let (out, events, stats) = run(&[
            Seg(1, "", &stream[..cut1]),
            Seg(1 + cut1 as u32, "", &stream[cut1..cut2]),
            Seg(1 + cut2 as u32, "", &stream[cut2..]),
        ]);
        assert_eq!(
            lines(&out),
            vec![
                (2, "REGISTER sip:b@x SIP/2.0"),
                (3, "INVITE sip:b@x SIP/2.0")
            ]
        );
        assert_eq!(out[0].transport, "WS");
        assert_eq!(out[0].frames, vec![1, 2]);
        assert_eq!(out[1].frames, vec![2, 3]);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.ws_messages, 2);
    }

    #[test]
    fn fin_with_unfinished_message_is_reported() {
        let m = msg("INVITE", 1, "v=0\r\n");
        let part = &m.as_bytes()[..m.len() - 2];
        let (out, events, _) = run(&[Seg(1, "F", part)]);
        assert!(out.is_empty());
        assert_eq!(
            events,
            vec![ReassemblyEvent::TcpIncomplete {
                flow: flow_ab(),
                frame: FrameNo(1),
                bytes: part.len()
            }]
        );
    }

    /// Hostile input: random segments (flags, sequence numbers, SIP pieces, WebSocket
    /// and TLS starts, garbage) on a few flows must never panic, and every bound holds.
    #[test]
    fn slots_are_reused_and_the_lookup_cache_never_names_a_removed_stream() {
        let flow = |port: u16| Flow {
            src: SocketAddr::from(([10, 0, 0, 1], port)),
            dst: B.parse().unwrap(),
        };
        let mut t = TcpStreams::new(ReassemblyConfig::default());
        assert_eq!(t.insert(Stream::new(flow(1), SeqNo(0))), 0);
        assert_eq!(t.insert(Stream::new(flow(2), SeqNo(0))), 1);
        assert_eq!(t.insert(Stream::new(flow(3), SeqNo(0))), 2);
        let cached = |t: &TcpStreams, f: Flow| t.recent[cache_index(f)];
        assert_eq!(t.find(flow(1)), Some(0));
        assert_eq!(t.find(flow(2)), Some(1));
        assert_eq!(cached(&t, flow(2)), Some((flow(2), 1)));
        assert_eq!(cached(&t, flow(1)), Some((flow(1), 0)));
        // Removing a stream frees its slot and its cache entry.
        assert_eq!(t.take(flow(2)).map(|s| s.flow), Some(flow(2)));
        assert_eq!(cached(&t, flow(2)), None);
        assert_eq!(t.find(flow(2)), None);
        assert_eq!(t.insert(Stream::new(flow(4), SeqNo(0))), 1);
        assert_eq!(t.find(flow(4)), Some(1));
        assert_eq!(t.find(flow(3)), Some(2));
        assert_eq!(cached(&t, flow(4)), Some((flow(4), 1)));
        assert_eq!(t.find(flow(1)), Some(0));
        // The two directions of a connection have their own entries.
        let reverse = |f: Flow| Flow {
            src: f.dst,
            dst: f.src,
        };
        assert_ne!(cache_index(flow(5060)), cache_index(reverse(flow(5060))));
        // Flows whose entries collide are all found.
        let colliding: Vec<u16> = (1..2000)
            .filter(|&p| cache_index(flow(p)) == cache_index(flow(1)))
            .take(3)
            .collect();
        assert_eq!(colliding.len(), 3);
        for &p in &colliding[1..] {
            t.insert(Stream::new(flow(p), SeqNo(0)));
        }
        for _ in 0..2 {
            for &p in &colliding {
                assert_eq!(
                    t.find(flow(p)).and_then(|s| t.stream(s)).map(|s| s.flow),
                    Some(flow(p))
                );
            }
        }
        assert_eq!(t.stream(1).map(|s| s.flow), Some(flow(4)));
        assert_eq!((t.slots.len(), t.index.len()), (5, 5));
    }

    #[test]
    fn history_is_the_last_bytes_whether_framed_or_not() {
        let mut s = Stream::new(flow_ab(), SeqNo(0));
        let stamp = (FrameNo(1), Timestamp { secs: 0, nanos: 0 });
        let piece: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        for n in 0..20usize {
            s.append(&piece, FrameNo(1), Vec::new(), stamp);
            // Leave a little unread each time.
            s.consume(s.unread_len().saturating_sub(10));
            let all: Vec<u8> = (0..(n + 1) * 1000)
                .map(|i| (i % 1000 % 251) as u8)
                .collect();
            assert_eq!(s.history(), &all[all.len().saturating_sub(HISTORY)..]);
            assert_eq!(s.buf(), &all[all.len() - 10..]);
            assert!(s.bytes.len() <= HISTORY + COMPACT_AFTER + 1000);
        }
        assert_eq!(s.pos, 20_000);
    }

    #[test]
    fn random_segments_never_panic() {
        let config = ReassemblyConfig {
            flow_buffer_cap: 4096,
            max_flows: 3,
            gap_window: 2048,
            max_events: 50,
            ..ReassemblyConfig::default()
        };
        let mut r = Reassembler::with_config(config);
        let mut state = 0x1234_5678_u64;
        let mut rand = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u32
        };
        let m = msg("INVITE", 1, "v=0\r\n");
        let pieces: [&[u8]; 6] = [
            m.as_bytes(),
            b"\r\n\r\n",
            b"GET / HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
            &[0x16, 3, 1, 0, 5],
            &[0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            b"SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n",
        ];
        let mut n = 0u64;
        let mut count = |_: SipBytes<'_>| n += 1;
        for i in 0..5000u32 {
            let piece = pieces[(rand() % 6) as usize];
            let start = (rand() as usize) % piece.len();
            let end = start + (rand() as usize) % (piece.len() - start + 1);
            let port = 5060 + (rand() % 5) as u16;
            let packet = Packet {
                src: SocketAddr::from(([10, 0, 0, 1], port)),
                dst: B.parse().unwrap(),
                transport: DecodedTransport::Tcp(TcpInfo {
                    seq: if rand() % 4 == 0 {
                        rand()
                    } else {
                        rand() % 3000
                    },
                    ack: rand(),
                    syn: rand() % 20 == 0,
                    fin: rand() % 30 == 0,
                    rst: rand() % 40 == 0,
                    psh: false,
                    has_ack: rand() % 2 == 0,
                }),
                payload: &piece[start..end],
                vlan: None,
                truncated: false,
                lie: None,
            };
            let ts = Timestamp {
                secs: i64::from(i / 10),
                nanos: 0,
            };
            r.push(FrameNo(i + 1), ts, &Decoded::Packet(packet), &mut count);
            assert!(r.tcp.index.len() <= 3);
            assert!(r.tcp.slots.len() <= 3);
            for (flow, &slot) in &r.tcp.index {
                let s = r.tcp.stream(slot).unwrap();
                assert_eq!(s.flow, *flow);
                assert!(s.unread_len() <= 4096 + 1500, "buffer {}", s.unread_len());
                // Framed bytes are kept only as far as the history needs them.
                assert!(
                    s.bytes.len() <= 4096 + 1500 + HISTORY + COMPACT_AFTER,
                    "kept {}",
                    s.bytes.len()
                );
            }
        }
        r.finish(&mut count);
        assert!(r.events().len() <= 50);
        assert!(r.tcp.index.is_empty());
        // The input did exercise the paths: messages found, events beyond the cap counted.
        assert!(n > 0);
        assert!(r.stats().events_not_kept > 0);
    }
}
