//! SIP over SCTP (RFC 4168): each complete user message of a DATA chunk
//! sequence (B flag .. E flag, consecutive TSNs, RFC 9260 §6.9) is one SIP
//! message. A DATA chunk seen again with the same TSN is a retransmission and
//! is dropped.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::capture::{FrameNo, Timestamp};
use crate::decode::sctp::SctpPacket;
use crate::sip;

use super::{Flow, Sink, SipBytes, Transport};

/// TSNs remembered per direction to recognise retransmitted chunks.
const RECENT_TSNS: usize = 1024;
/// Most directions tracked; beyond it new ones are not de-duplicated or rebuilt.
const MAX_FLOWS: usize = 10_000;
/// Most fragment bytes held per direction.
const MAX_HELD_BYTES: usize = 256 * 1024;

#[derive(Debug)]
struct Piece {
    begin: bool,
    end: bool,
    stream: u16,
    data: Vec<u8>,
    frame: FrameNo,
}

#[derive(Debug, Default)]
struct Direction {
    recent: VecDeque<u32>,
    seen: HashSet<u32>,
    /// Fragments of user messages, by TSN.
    pieces: BTreeMap<u32, Piece>,
    held: usize,
}

/// SCTP directions being followed.
#[derive(Debug, Default)]
pub struct SctpReassembler {
    flows: HashMap<Flow, Direction>,
}

impl SctpReassembler {
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
        for chunk in packet.data_chunks() {
            sink.stats.sctp_data_chunks += 1;
            if !self.flows.contains_key(&flow) && self.flows.len() < MAX_FLOWS {
                self.flows.insert(flow, Direction::default());
            }
            if let Some(d) = self.flows.get_mut(&flow) {
                if !d.seen.insert(chunk.tsn) {
                    sink.stats.sctp_duplicate_chunks += 1;
                    continue;
                }
                d.recent.push_back(chunk.tsn);
                if d.recent.len() > RECENT_TSNS
                    && let Some(old) = d.recent.pop_front()
                {
                    d.seen.remove(&old);
                }
            }
            if chunk.begin && chunk.end {
                emit(flow, frame, ts, chunk.data, frames, packet.truncated, sink);
                continue;
            }
            let Some(d) = self.flows.get_mut(&flow) else {
                continue;
            };
            if d.held.saturating_add(chunk.data.len()) > MAX_HELD_BYTES {
                d.pieces.clear();
                d.held = 0;
            }
            d.held = d.held.saturating_add(chunk.data.len());
            d.pieces.insert(
                chunk.tsn,
                Piece {
                    begin: chunk.begin,
                    end: chunk.end,
                    stream: chunk.stream,
                    data: chunk.data.to_vec(),
                    frame,
                },
            );
            if let Some((message, span)) = d.take_complete(chunk.tsn) {
                emit(flow, frame, ts, &message, &span, packet.truncated, sink);
            }
        }
    }
}

impl Direction {
    /// The user message that the chunk `tsn` completes, if any: a run of
    /// consecutive TSNs on one stream from a B chunk to an E chunk.
    fn take_complete(&mut self, tsn: u32) -> Option<(Vec<u8>, Vec<FrameNo>)> {
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
        let mut message = Vec::new();
        let mut frames = Vec::new();
        let mut t = first;
        loop {
            let piece = self.pieces.remove(&t)?;
            self.held = self.held.saturating_sub(piece.data.len());
            message.extend_from_slice(&piece.data);
            frames.push(piece.frame);
            if t == last {
                break;
            }
            t = t.wrapping_add(1);
        }
        frames.sort_unstable();
        frames.dedup();
        Some((message, frames))
    }
}

fn emit(
    flow: Flow,
    frame: FrameNo,
    ts: Timestamp,
    data: &[u8],
    frames: &[FrameNo],
    truncated: bool,
    sink: &mut Sink<'_>,
) {
    if !sip::looks_like_sip(data) {
        return;
    }
    sink.stats.sctp_messages += 1;
    let own = [frame];
    let frames = if frames.is_empty() { &own[..] } else { frames };
    (sink.emit)(SipBytes {
        frame,
        ts,
        src: flow.src,
        dst: flow.dst,
        transport: Transport::Sctp,
        bytes: data,
        truncated,
        frames,
    });
}
