//! SIP over SCTP (RFC 4168): each complete user message is one SIP message.
//!
//! - DATA chunks (RFC 9260 §3.3.1): a user message split over several chunks
//!   is a run of consecutive TSNs on one stream from a B chunk to an E chunk
//!   (RFC 9260 §6.9); TSNs wrap at 2^32.
//! - I-DATA chunks (RFC 8260 §2.1): the fragments of a message share its
//!   stream and message identifier (MID) and are numbered by fragment
//!   sequence number (FSN), whatever TSNs they have.
//! - A chunk seen again with the same TSN is a retransmission and is dropped.
//! - Ordered messages (U flag clear) are delivered in stream sequence number
//!   order per stream (SSN for DATA, MID for I-DATA, serial-number arithmetic
//!   as RFC 1982): a message that arrives ahead of a missing one waits for it,
//!   and is attributed to the frame that made it deliverable. A missing
//!   message not seen within the gap timeout (capture time), or by the end of
//!   the capture, is reported and the waiting ones are delivered.
//!
//! Bounds: directions followed, streams per direction, bytes held per
//! direction; hitting one is reported ([`ReassemblyEvent::SctpBound`]), and
//! fragments that never make a whole message are reported too.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Duration;

use crate::capture::{FrameNo, Timestamp};
use crate::decode::sctp::{DataChunk, SctpPacket};
use crate::sip;

use super::{Flow, ReassemblyConfig, ReassemblyEvent, Sink, SipBytes, Transport};

/// TSNs remembered per direction to recognise retransmitted chunks.
const RECENT_TSNS: usize = 1024;
/// Most directions followed; beyond it new ones are not de-duplicated, and
/// their messages split over chunks are not rebuilt.
pub const MAX_FLOWS: usize = 10_000;
/// Most bytes held per direction: fragments of user messages plus complete
/// messages waiting for an earlier one of their stream.
pub const MAX_HELD_BYTES: usize = 256 * 1024;
/// Most streams per direction whose order is followed; messages of further
/// streams are delivered as they complete.
pub const MAX_STREAMS: usize = 256;

/// A fragment of a user message.
#[derive(Debug)]
struct Piece {
    begin: bool,
    end: bool,
    stream: u16,
    mid: u32,
    unordered: bool,
    data: Vec<u8>,
    frame: FrameNo,
    ts: Timestamp,
}

/// A complete user message.
#[derive(Debug)]
struct UserMessage {
    stream: u16,
    /// SSN (DATA, 16 bits) or MID (I-DATA, 32 bits).
    seq: u32,
    wide: bool,
    unordered: bool,
    data: Vec<u8>,
    /// Every frame that carried a fragment.
    frames: Vec<FrameNo>,
    /// The frame that completed it, and its time.
    frame: FrameNo,
    ts: Timestamp,
}

/// Ordered delivery on one stream.
#[derive(Debug, Default)]
struct StreamOrder {
    /// The sequence number expected next.
    next: Option<u32>,
    /// Complete messages ahead of `next`.
    waiting: Vec<UserMessage>,
}

/// `a - b` in serial-number arithmetic (RFC 1982) on 16 or 32 bits.
fn serial_distance(a: u32, b: u32, wide: bool) -> i64 {
    if wide {
        i64::from(a.wrapping_sub(b) as i32)
    } else {
        i64::from((a as u16).wrapping_sub(b as u16) as i16)
    }
}

fn serial_next(a: u32, wide: bool) -> u32 {
    if wide {
        a.wrapping_add(1)
    } else {
        u32::from((a as u16).wrapping_add(1))
    }
}

#[derive(Debug, Default)]
struct Direction {
    recent: VecDeque<u32>,
    seen: HashSet<u32>,
    /// Fragments of DATA user messages, by TSN.
    pieces: BTreeMap<u32, Piece>,
    /// Fragments of I-DATA user messages, by stream, U flag and MID, then FSN.
    interleaved: HashMap<(u16, bool, u32), BTreeMap<u32, Piece>>,
    streams: HashMap<u16, StreamOrder>,
    /// Bytes in `pieces`, `interleaved` and the waiting messages.
    held: usize,
    /// The oldest time of anything held, to decide timeouts cheaply.
    oldest: Option<Timestamp>,
    bytes_reported: bool,
    streams_reported: bool,
}

/// SCTP directions being followed.
#[derive(Debug)]
pub struct SctpReassembler {
    flows: HashMap<Flow, Direction>,
    gap_timeout: Duration,
    table_full_reported: bool,
}

/// Where a message goes once it is complete.
struct Out<'s, 'k> {
    flow: Flow,
    truncated: bool,
    sink: &'s mut Sink<'k>,
}

impl Out<'_, '_> {
    /// Hands `m` on, attributed to `at` (the frame that made it deliverable).
    fn deliver(&mut self, m: &UserMessage, at: (FrameNo, Timestamp)) {
        if !sip::looks_like_sip(&m.data) {
            return;
        }
        self.sink.stats.sctp_messages += 1;
        let own = [at.0];
        let frames = if m.frames.is_empty() {
            &own[..]
        } else {
            &m.frames[..]
        };
        (self.sink.emit)(
            SipBytes {
                frame: at.0,
                ts: at.1,
                src: self.flow.src,
                dst: self.flow.dst,
                transport: Transport::Sctp,
                bytes: &m.data,
                truncated: self.truncated,
                frames,
            },
            None,
        );
    }
}

impl SctpReassembler {
    pub(crate) fn new(config: ReassemblyConfig) -> SctpReassembler {
        SctpReassembler {
            flows: HashMap::new(),
            gap_timeout: config.gap_timeout,
            table_full_reported: false,
        }
    }

    pub(crate) fn push(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        packet: &SctpPacket<'_>,
        frames: &[FrameNo],
        sink: &mut Sink<'_>,
    ) {
        let flow = Flow {
            src: packet.src,
            dst: packet.dst,
        };
        if !self.flows.contains_key(&flow) {
            if self.flows.len() < MAX_FLOWS {
                self.flows.insert(flow, Direction::default());
            } else if !self.table_full_reported {
                self.table_full_reported = true;
                sink.events.push(ReassemblyEvent::SctpBound {
                    flow,
                    frame,
                    what: "flow table full (10000 directions): this and further new directions are not followed; their retransmitted chunks are not recognised and messages split over chunks are lost",
                });
            }
        }
        let mut out = Out {
            flow,
            truncated: packet.truncated,
            sink,
        };
        let now = (frame, ts);
        let Some(d) = self.flows.get_mut(&flow) else {
            // Not followed: only single-chunk messages can be read.
            for chunk in packet.data_chunks() {
                out.sink.stats.sctp_data_chunks += 1;
                if chunk.begin && chunk.end {
                    out.deliver(&single(&chunk, frames, now), now);
                } else {
                    out.sink.stats.sctp_chunks_not_rebuilt += 1;
                }
            }
            return;
        };
        d.expire(self.gap_timeout, now, &mut out);
        for chunk in packet.data_chunks() {
            out.sink.stats.sctp_data_chunks += 1;
            if !d.seen.insert(chunk.tsn) {
                out.sink.stats.sctp_duplicate_chunks += 1;
                continue;
            }
            d.recent.push_back(chunk.tsn);
            if d.recent.len() > RECENT_TSNS
                && let Some(old) = d.recent.pop_front()
            {
                d.seen.remove(&old);
            }
            let complete = if chunk.begin && chunk.end {
                Some(single(&chunk, frames, now))
            } else {
                d.make_room(chunk.data.len(), now, &mut out);
                d.add_piece(&chunk, now);
                if chunk.interleaved {
                    d.take_interleaved(chunk.stream, chunk.unordered, chunk.mid, now)
                } else {
                    d.take_complete(chunk.tsn, now)
                }
            };
            if let Some(message) = complete {
                d.order(message, now, &mut out);
            }
        }
    }

    /// End of the capture: messages waiting behind a missing one are
    /// delivered (the gap reported), fragments never completed are reported.
    pub(crate) fn finish(&mut self, frame: FrameNo, sink: &mut Sink<'_>) {
        let mut flows: Vec<(Flow, Direction)> = self.flows.drain().collect();
        flows.sort_by_key(|(flow, _)| *flow);
        for (flow, mut d) in flows {
            let mut out = Out {
                flow,
                truncated: false,
                sink,
            };
            let now = (frame, Timestamp::default());
            d.give_up_waiting(None, now, &mut out);
            d.drop_pieces(None, &mut out);
        }
    }
}

/// A message that came whole in one chunk.
fn single(chunk: &DataChunk<'_>, frames: &[FrameNo], now: (FrameNo, Timestamp)) -> UserMessage {
    UserMessage {
        stream: chunk.stream,
        seq: chunk.mid,
        wide: chunk.interleaved,
        unordered: chunk.unordered,
        data: chunk.data.to_vec(),
        frames: frames.to_vec(),
        frame: now.0,
        ts: now.1,
    }
}

impl Direction {
    fn note_time(&mut self, ts: Timestamp) {
        self.oldest = Some(self.oldest.map_or(ts, |o| o.min(ts)));
    }

    fn add_piece(&mut self, chunk: &DataChunk<'_>, now: (FrameNo, Timestamp)) {
        let piece = Piece {
            begin: chunk.begin,
            end: chunk.end,
            stream: chunk.stream,
            mid: chunk.mid,
            unordered: chunk.unordered,
            data: chunk.data.to_vec(),
            frame: now.0,
            ts: now.1,
        };
        let replaced = if chunk.interleaved {
            self.interleaved
                .entry((chunk.stream, chunk.unordered, chunk.mid))
                .or_default()
                .insert(chunk.fsn, piece)
        } else {
            self.pieces.insert(chunk.tsn, piece)
        };
        if let Some(old) = replaced {
            self.held = self.held.saturating_sub(old.data.len());
        }
        self.held = self.held.saturating_add(chunk.data.len());
        self.note_time(now.1);
    }

    /// The DATA user message that the chunk `tsn` completes, if any: a run of
    /// consecutive TSNs (wrapping at 2^32) on one stream from a B chunk to an
    /// E chunk.
    fn take_complete(&mut self, tsn: u32, now: (FrameNo, Timestamp)) -> Option<UserMessage> {
        let stream = self.pieces.get(&tsn)?.stream;
        let mut first = tsn;
        while !self.pieces.get(&first)?.begin {
            first = first.wrapping_sub(1);
            if self.pieces.get(&first)?.stream != stream {
                return None;
            }
        }
        let mut last = tsn;
        while !self.pieces.get(&last)?.end {
            last = last.wrapping_add(1);
            if self.pieces.get(&last)?.stream != stream {
                return None;
            }
        }
        let head = self.pieces.get(&first)?;
        let (seq, unordered) = (head.mid, head.unordered);
        let mut data = Vec::new();
        let mut frames = Vec::new();
        let mut t = first;
        loop {
            let piece = self.pieces.remove(&t)?;
            self.held = self.held.saturating_sub(piece.data.len());
            data.extend_from_slice(&piece.data);
            frames.push(piece.frame);
            if t == last {
                break;
            }
            t = t.wrapping_add(1);
        }
        Some(message(stream, seq, false, unordered, data, frames, now))
    }

    /// The I-DATA user message `(stream, unordered, mid)`, if all its
    /// fragments are there: FSN 0 (the B fragment) up to the E fragment.
    fn take_interleaved(
        &mut self,
        stream: u16,
        unordered: bool,
        mid: u32,
        now: (FrameNo, Timestamp),
    ) -> Option<UserMessage> {
        let key = (stream, unordered, mid);
        let parts = self.interleaved.get(&key)?;
        let (&last, last_piece) = parts.last_key_value()?;
        let first = parts.get(&0)?;
        let complete = first.begin
            && last_piece.end
            && usize::try_from(last).is_ok_and(|l| l.checked_add(1) == Some(parts.len()));
        if !complete {
            return None;
        }
        let parts = self.interleaved.remove(&key)?;
        let mut data = Vec::new();
        let mut frames = Vec::new();
        for piece in parts.into_values() {
            self.held = self.held.saturating_sub(piece.data.len());
            data.extend_from_slice(&piece.data);
            frames.push(piece.frame);
        }
        Some(message(stream, mid, true, unordered, data, frames, now))
    }

    /// Delivers `m` in stream order, or keeps it until the messages before it
    /// have come.
    fn order(&mut self, m: UserMessage, now: (FrameNo, Timestamp), out: &mut Out<'_, '_>) {
        if m.unordered {
            out.deliver(&m, now);
            return;
        }
        if !self.streams.contains_key(&m.stream) && self.streams.len() >= MAX_STREAMS {
            if !self.streams_reported {
                self.streams_reported = true;
                out.sink.events.push(ReassemblyEvent::SctpBound {
                    flow: out.flow,
                    frame: now.0,
                    what: "more than 256 streams: messages of further streams are delivered as they complete, not in stream order",
                });
            }
            out.deliver(&m, now);
            return;
        }
        let next = self.streams.get(&m.stream).and_then(|o| o.next);
        let mut ahead = next.map_or(0, |next| serial_distance(m.seq, next, m.wide));
        if ahead > 0 && self.held.saturating_add(m.data.len()) > MAX_HELD_BYTES {
            // No room to wait: what waits is delivered, and so is this one.
            self.make_room(m.data.len(), now, out);
            ahead = 0;
        }
        let order = self.streams.entry(m.stream).or_default();
        if ahead > 0 {
            self.held = self.held.saturating_add(m.data.len());
            self.oldest = Some(self.oldest.map_or(m.ts, |o| o.min(m.ts)));
            order.waiting.push(m);
            return;
        }
        if ahead == 0 {
            order.next = Some(serial_next(m.seq, m.wide));
        }
        out.deliver(&m, now);
        // Messages that were waiting for this one.
        while let Some(next) = order.next
            && let Some(i) = order.waiting.iter().position(|w| w.seq == next)
        {
            let w = order.waiting.swap_remove(i);
            self.held = self.held.saturating_sub(w.data.len());
            order.next = Some(serial_next(w.seq, w.wide));
            out.deliver(&w, now);
        }
    }

    /// Makes room for `len` more bytes: over the cap, everything held is
    /// given up (reported).
    fn make_room(&mut self, len: usize, now: (FrameNo, Timestamp), out: &mut Out<'_, '_>) {
        if self.held.saturating_add(len) <= MAX_HELD_BYTES {
            return;
        }
        if !self.bytes_reported {
            self.bytes_reported = true;
            out.sink.events.push(ReassemblyEvent::SctpBound {
                flow: out.flow,
                frame: now.0,
                what: "more than 262144 bytes of partial or waiting user messages: they were given up",
            });
        }
        self.give_up_waiting(None, now, out);
        self.drop_pieces(None, out);
    }

    /// Gives up what has been held longer than `timeout` at `now`.
    fn expire(&mut self, timeout: Duration, now: (FrameNo, Timestamp), out: &mut Out<'_, '_>) {
        let Some(oldest) = self.oldest else {
            return;
        };
        if now.1.duration_since(oldest) <= timeout {
            return;
        }
        let cutoff = Some((now.1, timeout));
        self.give_up_waiting(cutoff, now, out);
        self.drop_pieces(cutoff, out);
        self.oldest = self
            .pieces
            .values()
            .chain(self.interleaved.values().flat_map(BTreeMap::values))
            .map(|p| p.ts)
            .chain(
                self.streams
                    .values()
                    .flat_map(|s| s.waiting.iter().map(|w| w.ts)),
            )
            .min();
    }

    /// Delivers the messages waiting behind a missing one (on streams where
    /// one waited past `cutoff`, or all), reporting the gap. Each is
    /// attributed to the frame that completed it.
    fn give_up_waiting(
        &mut self,
        cutoff: Option<Cutoff>,
        now: (FrameNo, Timestamp),
        out: &mut Out<'_, '_>,
    ) {
        let mut ids: Vec<u16> = self
            .streams
            .iter()
            .filter(|(_, s)| s.waiting.iter().any(|w| is_old(w.ts, cutoff)))
            .map(|(&id, _)| id)
            .collect();
        ids.sort_unstable();
        for id in ids {
            let Some(order) = self.streams.get_mut(&id) else {
                continue;
            };
            let Some(next) = order.next else { continue };
            let mut waiting = std::mem::take(&mut order.waiting);
            waiting.sort_by_key(|w| serial_distance(w.seq, next, w.wide));
            let Some(first) = waiting.first() else {
                continue;
            };
            out.sink.stats.sctp_gaps += 1;
            out.sink.events.push(ReassemblyEvent::SctpGap {
                flow: out.flow,
                stream: id,
                missing: next..first.seq,
                frame: now.0,
                delivered: waiting.len(),
            });
            for w in &waiting {
                self.held = self.held.saturating_sub(w.data.len());
                order.next = Some(serial_next(w.seq, w.wide));
                out.deliver(w, (w.frame, w.ts));
            }
        }
    }

    /// Drops fragments that never made a whole message (those held past
    /// `cutoff`, or all), reporting them.
    fn drop_pieces(&mut self, cutoff: Option<Cutoff>, out: &mut Out<'_, '_>) {
        let old = |p: &Piece| is_old(p.ts, cutoff);
        let mut frames = Vec::new();
        let mut bytes = 0usize;
        self.pieces.retain(|_, p| {
            if old(p) {
                frames.push(p.frame);
                bytes = bytes.saturating_add(p.data.len());
                false
            } else {
                true
            }
        });
        for parts in self.interleaved.values_mut() {
            parts.retain(|_, p| {
                if old(p) {
                    frames.push(p.frame);
                    bytes = bytes.saturating_add(p.data.len());
                    false
                } else {
                    true
                }
            });
        }
        self.interleaved.retain(|_, parts| !parts.is_empty());
        if frames.is_empty() {
            return;
        }
        self.held = self.held.saturating_sub(bytes);
        frames.sort_unstable();
        frames.dedup();
        out.sink.stats.sctp_bytes_dropped = out
            .sink
            .stats
            .sctp_bytes_dropped
            .saturating_add(bytes as u64);
        out.sink.events.push(ReassemblyEvent::SctpIncomplete {
            flow: out.flow,
            frames,
            bytes,
        });
    }
}

/// The current time and the timeout: what was held longer is given up.
type Cutoff = (Timestamp, Duration);

/// Held longer than the cutoff allows (no cutoff: everything is).
fn is_old(ts: Timestamp, cutoff: Option<Cutoff>) -> bool {
    cutoff.is_none_or(|(now, timeout)| now.duration_since(ts) > timeout)
}

fn message(
    stream: u16,
    seq: u32,
    wide: bool,
    unordered: bool,
    data: Vec<u8>,
    mut frames: Vec<FrameNo>,
    now: (FrameNo, Timestamp),
) -> UserMessage {
    frames.sort_unstable();
    frames.dedup();
    UserMessage {
        stream,
        seq,
        wide,
        unordered,
        data,
        frames,
        frame: now.0,
        ts: now.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Decoded;
    use crate::decode::sctp as wire;
    use crate::reassembly::{Reassembler, ReassemblyStats};

    const A: &str = "10.0.0.1";
    const B: &str = "10.0.0.2";

    fn sip_msg(n: u32) -> Vec<u8> {
        format!(
            "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/SCTP a;branch=z9hG4bK{n}\r\nCall-ID: c{n}\r\nCSeq: {n} OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    /// A DATA chunk: flags "B", "E", "BE", "U" for unordered.
    fn data(flags: &str, tsn: u32, stream: u16, ssn: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = 0u8;
        for (c, bit) in [('E', 1), ('B', 2), ('U', 4)] {
            if flags.contains(c) {
                f |= bit;
            }
        }
        let mut c = vec![0, f];
        c.extend_from_slice(&((16 + payload.len()) as u16).to_be_bytes());
        c.extend_from_slice(&tsn.to_be_bytes());
        c.extend_from_slice(&stream.to_be_bytes());
        c.extend_from_slice(&ssn.to_be_bytes());
        c.extend_from_slice(&0u32.to_be_bytes());
        c.extend_from_slice(payload);
        while c.len() % 4 != 0 {
            c.push(0);
        }
        c
    }

    /// An I-DATA chunk (RFC 8260 §2.1).
    fn i_data(flags: &str, tsn: u32, stream: u16, mid: u32, fsn: u32, payload: &[u8]) -> Vec<u8> {
        let mut c = data(flags, tsn, stream, 0, &[]);
        c.truncate(16);
        c[0] = 64;
        c[12..16].copy_from_slice(&mid.to_be_bytes());
        c.extend_from_slice(&fsn.to_be_bytes());
        c[2..4].copy_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
        c.extend_from_slice(payload);
        while c.len() % 4 != 0 {
            c.push(0);
        }
        c
    }

    /// One packet: (source port, time in seconds, chunks).
    struct Pkt(u16, i64, Vec<Vec<u8>>);

    /// (frame, frames, Call-ID) of each message found.
    type Found = Vec<(u32, Vec<u32>, String)>;

    fn run(packets: &[Pkt]) -> (Found, Vec<ReassemblyEvent>, ReassemblyStats) {
        let mut r = Reassembler::new();
        let mut out = Vec::new();
        let mut collect = |b: SipBytes<'_>| {
            let text = String::from_utf8_lossy(b.bytes);
            let call = text
                .lines()
                .find_map(|l| l.strip_prefix("Call-ID: "))
                .unwrap_or("?")
                .to_string();
            out.push((b.frame.0, b.frames.iter().map(|f| f.0).collect(), call));
        };
        let bytes: Vec<Vec<u8>> = packets
            .iter()
            .map(|Pkt(port, _, chunks)| {
                let mut p = port.to_be_bytes().to_vec();
                p.extend_from_slice(&5060u16.to_be_bytes());
                p.extend_from_slice(&[0; 8]);
                p.extend(chunks.concat());
                p
            })
            .collect();
        for (i, (Pkt(_, secs, _), b)) in packets.iter().zip(&bytes).enumerate() {
            let packet =
                wire::parse(A.parse().unwrap(), B.parse().unwrap(), b, None, false).unwrap();
            let ts = Timestamp {
                secs: *secs,
                nanos: 0,
            };
            r.push(
                FrameNo(i as u32 + 1),
                ts,
                &Decoded::Sctp(packet),
                &mut collect,
            );
        }
        r.finish(&mut collect);
        (out, r.events().to_vec(), r.stats())
    }

    fn flow(port: u16) -> Flow {
        Flow {
            src: format!("{A}:{port}").parse().unwrap(),
            dst: format!("{B}:5060").parse().unwrap(),
        }
    }

    #[test]
    fn split_message_across_the_tsn_wrap() {
        let m = sip_msg(1);
        let (a, rest) = m.split_at(30);
        let (b, c) = rest.split_at(30);
        let (out, events, _) = run(&[
            Pkt(1, 0, vec![data("B", u32::MAX - 1, 0, 0, a)]),
            Pkt(1, 0, vec![data("E", 0, 0, 0, c)]),
            Pkt(1, 0, vec![data("", u32::MAX, 0, 0, b)]),
        ]);
        assert_eq!(out, vec![(3, vec![1, 2, 3], "c1".to_string())]);
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn ordered_messages_wait_for_earlier_ones_of_their_stream() {
        // SSN 2 (frame 2) arrives before SSN 1 (frame 4): it is delivered when
        // frame 4 makes it deliverable, after SSN 1. Stream 7 and the
        // unordered message are not held up by stream 0's hole.
        let (out, events, stats) = run(&[
            Pkt(1, 0, vec![data("BE", 10, 0, 0, &sip_msg(0))]),
            Pkt(1, 0, vec![data("BE", 12, 0, 2, &sip_msg(2))]),
            Pkt(
                1,
                0,
                vec![
                    data("BE", 13, 7, 0, &sip_msg(70)),
                    data("BEU", 14, 0, 0, &sip_msg(99)),
                ],
            ),
            Pkt(1, 0, vec![data("BE", 11, 0, 1, &sip_msg(1))]),
        ]);
        let calls: Vec<(u32, &str)> = out.iter().map(|(f, _, c)| (*f, c.as_str())).collect();
        assert_eq!(
            calls,
            vec![(1, "c0"), (3, "c70"), (3, "c99"), (4, "c1"), (4, "c2")]
        );
        assert_eq!(out[4].1, vec![2]);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.sctp_messages, 5);
    }

    #[test]
    fn missing_ordered_message_is_a_gap_after_the_timeout() {
        // SSN 1 never comes: 20 s later (past the 10 s gap timeout) SSN 2 and 3
        // are delivered, attributed to the frames that completed them.
        let (out, events, stats) = run(&[
            Pkt(1, 0, vec![data("BE", 10, 0, 0, &sip_msg(0))]),
            Pkt(1, 1, vec![data("BE", 12, 0, 2, &sip_msg(2))]),
            Pkt(1, 2, vec![data("BE", 13, 0, 3, &sip_msg(3))]),
            Pkt(1, 20, vec![data("BE", 14, 0, 4, &sip_msg(4))]),
        ]);
        let calls: Vec<(u32, &str)> = out.iter().map(|(f, _, c)| (*f, c.as_str())).collect();
        assert_eq!(calls, vec![(1, "c0"), (2, "c2"), (3, "c3"), (4, "c4")]);
        assert_eq!(
            events,
            vec![ReassemblyEvent::SctpGap {
                flow: flow(1),
                stream: 0,
                missing: 1..2,
                frame: FrameNo(4),
                delivered: 2,
            }]
        );
        assert_eq!(
            events[0].to_string(),
            "sctp 10.0.0.1:1 → 10.0.0.2:5060: stream 0 messages 1..2 never seen; 2 waiting behind them delivered at frame 4"
        );
        assert_eq!(stats.sctp_gaps, 1);
    }

    #[test]
    fn i_data_fragments_interleaved_across_streams() {
        // Two messages on streams 1 and 2, their fragments interleaved (RFC 8260):
        // TSNs alone would not put them back together.
        let m1 = sip_msg(1);
        let m2 = sip_msg(2);
        let (a1, b1) = m1.split_at(40);
        let (a2, rest2) = m2.split_at(20);
        let (b2, c2) = rest2.split_at(20);
        let (out, events, _) = run(&[
            Pkt(1, 0, vec![i_data("B", 1, 1, 0, 0x2a, a1)]),
            Pkt(1, 0, vec![i_data("B", 2, 2, 0, 0x2a, a2)]),
            Pkt(1, 0, vec![i_data("E", 4, 2, 0, 2, c2)]),
            Pkt(1, 0, vec![i_data("E", 3, 1, 0, 1, b1)]),
            Pkt(1, 0, vec![i_data("", 5, 2, 0, 1, b2)]),
        ]);
        assert_eq!(
            out,
            vec![
                (4, vec![1, 4], "c1".to_string()),
                (5, vec![2, 3, 5], "c2".to_string())
            ]
        );
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn fragments_never_completed_are_reported_at_the_end() {
        let m = sip_msg(1);
        let (out, events, stats) = run(&[
            Pkt(1, 0, vec![data("B", 5, 0, 0, &m[..30])]),
            Pkt(1, 0, vec![data("", 6, 0, 0, &m[30..50])]),
        ]);
        assert!(out.is_empty());
        assert_eq!(
            events,
            vec![ReassemblyEvent::SctpIncomplete {
                flow: flow(1),
                frames: vec![FrameNo(1), FrameNo(2)],
                bytes: 50,
            }]
        );
        assert_eq!(
            events[0].to_string(),
            "sctp 10.0.0.1:1 → 10.0.0.2:5060: 50 bytes of a split user message never completed, in frames 1, 2"
        );
        assert_eq!(stats.sctp_bytes_dropped, 50);
    }

    #[test]
    fn byte_cap_drops_partial_messages_and_reports_it() {
        // Five 60 000-byte fragments of one message exceed the 256 KiB cap.
        let big = vec![b'a'; 60_000];
        let mut packets: Vec<Pkt> = (0..5u32)
            .map(|i| {
                let flags = if i == 0 { "B" } else { "" };
                Pkt(1, 0, vec![data(flags, 100 + i, 0, 0, &big)])
            })
            .collect();
        packets.push(Pkt(1, 0, vec![data("BE", 105, 0, 1, &sip_msg(1))]));
        let (out, events, stats) = run(&packets);
        assert_eq!(out, vec![(6, vec![6], "c1".to_string())]);
        let kinds: Vec<_> = events.iter().map(|e| (e.kind(), e.frame().0)).collect();
        assert_eq!(
            kinds,
            vec![
                ("sctp-bound", 5),
                ("sctp-incomplete", 1),
                ("sctp-incomplete", 5)
            ]
        );
        assert_eq!(
            events[0].to_string(),
            "sctp 10.0.0.1:1 → 10.0.0.2:5060: at frame 5, more than 262144 bytes of partial or waiting user messages: they were given up"
        );
        assert_eq!(stats.sctp_bytes_dropped, 300_000);
    }

    #[test]
    fn flow_table_full_is_reported_and_single_chunk_messages_still_read() {
        let mut packets: Vec<Pkt> = (0..MAX_FLOWS as u16)
            .map(|i| Pkt(1000 + i, 0, vec![data("BE", 1, 0, 0, b"x")]))
            .collect();
        let m = sip_msg(1);
        let extra = 1000 + MAX_FLOWS as u16;
        packets.push(Pkt(extra, 0, vec![data("B", 1, 0, 0, &m[..30])]));
        packets.push(Pkt(extra, 0, vec![data("E", 2, 0, 0, &m[30..])]));
        packets.push(Pkt(extra, 0, vec![data("BE", 3, 0, 1, &sip_msg(2))]));
        let (out, events, stats) = run(&packets);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].2, "c2");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind(), "sctp-bound");
        assert_eq!(events[0].frame().0, MAX_FLOWS as u32 + 1);
        assert_eq!(stats.sctp_chunks_not_rebuilt, 2);
    }
}
