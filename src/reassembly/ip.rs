//! IP fragment reassembly (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6).
//!
//! Fragments are kept per datagram (version, addresses, identification and
//! protocol) in any order until they cover the datagram from offset 0 to the
//! end given by the fragment without "more fragments". Bounded in time (a
//! datagram older than the fragment timeout, in capture time, is given up) and
//! in memory (bytes held and datagrams held); a datagram given up is reported
//! with the frames that did arrive.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::capture::{FrameNo, Timestamp};
use crate::decode::sctp::{self as sctp_decode, SctpPacket};
use crate::decode::{Fragment, IpVersion, Packet, TcpInfo, Transport};

use super::{ReassemblyConfig, ReassemblyEvent, Sink};

/// Largest datagram payload rebuilt (the IPv4 total length is 16 bits; IPv6
/// jumbograms are not fragmented).
const MAX_DATAGRAM: u32 = 65_535;

const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    version: IpVersion,
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    protocol: u8,
}

#[derive(Debug)]
struct Partial {
    /// Fragment data by byte offset; the first copy of an offset is kept.
    pieces: BTreeMap<u32, Vec<u8>>,
    /// The datagram's payload length, once the last fragment is seen.
    total: Option<u32>,
    bytes: usize,
    frames: Vec<FrameNo>,
    first_ts: Timestamp,
    vlan: Option<u16>,
    truncated: bool,
}

impl Partial {
    /// The rebuilt payload, if every byte up to `total` is there.
    fn assemble(&self) -> Option<Vec<u8>> {
        let total = self.total?;
        let mut covered = 0u32;
        for (&offset, data) in &self.pieces {
            if offset > covered {
                return None;
            }
            covered = covered.max(offset.saturating_add(data.len() as u32));
        }
        if covered < total {
            return None;
        }
        let mut out = Vec::with_capacity(total as usize);
        for (&offset, data) in &self.pieces {
            let have = out.len() as u32;
            let skip = have.saturating_sub(offset) as usize;
            if let Some(rest) = data.get(skip..) {
                out.extend_from_slice(rest);
            }
        }
        out.truncate(total as usize);
        Some(out)
    }
}

/// A datagram rebuilt from its fragments.
#[derive(Debug)]
pub struct Datagram {
    pub version: IpVersion,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub data: Vec<u8>,
    /// Every fragment's frame, in frame order.
    pub frames: Vec<FrameNo>,
    pub vlan: Option<u16>,
    pub truncated: bool,
}

/// What a rebuilt datagram carries.
pub enum Inner<'a> {
    Packet(Packet<'a>),
    Sctp(SctpPacket<'a>),
}

impl Datagram {
    /// The UDP datagram, TCP segment or SCTP packet inside, if it is one.
    pub fn decode(&self) -> Option<Inner<'_>> {
        let d = &self.data;
        let port = |at: usize| {
            d.get(at..at + 2)
                .and_then(|b| <[u8; 2]>::try_from(b).ok())
                .map(u16::from_be_bytes)
        };
        let word = |at: usize| {
            d.get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
        };
        match self.protocol {
            PROTO_UDP => {
                let (sp, dp, len) = (port(0)?, port(2)?, port(4)?);
                let end = usize::from(len).clamp(8, d.len());
                Some(Inner::Packet(Packet {
                    src: SocketAddr::new(self.src, sp),
                    dst: SocketAddr::new(self.dst, dp),
                    transport: Transport::Udp,
                    payload: d.get(8..end).unwrap_or_default(),
                    vlan: self.vlan,
                    truncated: self.truncated || usize::from(len) > d.len(),
                    lie: None,
                }))
            }
            PROTO_TCP => {
                let (sp, dp, seq, ack) = (port(0)?, port(2)?, word(4)?, word(8)?);
                let header_len = usize::from(d.get(12)? >> 4) * 4;
                let flags = *d.get(13)?;
                if header_len < 20 {
                    return None;
                }
                Some(Inner::Packet(Packet {
                    src: SocketAddr::new(self.src, sp),
                    dst: SocketAddr::new(self.dst, dp),
                    transport: Transport::Tcp(TcpInfo {
                        seq,
                        ack,
                        fin: flags & 0x01 != 0,
                        syn: flags & 0x02 != 0,
                        rst: flags & 0x04 != 0,
                        psh: flags & 0x08 != 0,
                        has_ack: flags & 0x10 != 0,
                    }),
                    payload: d.get(header_len..)?,
                    vlan: self.vlan,
                    truncated: self.truncated,
                    lie: None,
                }))
            }
            sctp_decode::PROTOCOL => {
                sctp_decode::parse(self.src, self.dst, d, self.vlan, self.truncated)
                    .ok()
                    .map(Inner::Sctp)
            }
            _ => None,
        }
    }
}

/// The fragments of datagrams not yet complete.
#[derive(Debug)]
pub struct Defragmenter {
    table: HashMap<Key, Partial>,
    /// Datagrams in order of their first fragment, for expiry.
    order: VecDeque<(Timestamp, Key)>,
    bytes: usize,
    timeout: Duration,
    max_bytes: usize,
    max_datagrams: usize,
    full_reported: bool,
}

impl Defragmenter {
    pub(crate) fn new(config: ReassemblyConfig) -> Defragmenter {
        Defragmenter {
            table: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            timeout: config.fragment_timeout,
            max_bytes: config.fragment_bytes_cap,
            max_datagrams: config.max_fragmented_datagrams,
            full_reported: false,
        }
    }

    /// Adds one fragment, seen in `frame` and carried by the frames
    /// `carried_by` (several when the fragment was itself inside a datagram
    /// rebuilt from fragments); returns the datagram if it is now complete.
    pub(crate) fn push(
        &mut self,
        frame: FrameNo,
        carried_by: &[FrameNo],
        ts: Timestamp,
        fragment: &Fragment<'_>,
        sink: &mut Sink<'_>,
    ) -> Option<Datagram> {
        let key = Key {
            version: fragment.version,
            src: fragment.src,
            dst: fragment.dst,
            id: fragment.id,
            protocol: fragment.protocol,
        };
        let offset = fragment.byte_offset();
        let len = u32::try_from(fragment.payload.len()).unwrap_or(u32::MAX);
        let end = offset.saturating_add(len);
        if end > MAX_DATAGRAM {
            sink.stats.ip_fragments_dropped += 1;
            sink.events.push(ReassemblyEvent::FragmentBeyondMaximum {
                version: key.version,
                src: key.src,
                dst: key.dst,
                id: key.id,
                frame,
                end,
            });
            return None;
        }
        while self.bytes.saturating_add(fragment.payload.len()) > self.max_bytes {
            if !self.evict_oldest(frame, "bytes", sink) {
                // Nothing left to drop: this fragment alone is over the cap.
                sink.stats.ip_fragments_dropped += 1;
                self.report_full(frame, "bytes", sink);
                return None;
            }
        }
        if !self.table.contains_key(&key) {
            while self.table.len() >= self.max_datagrams.max(1) {
                if !self.evict_oldest(frame, "datagrams", sink) {
                    break;
                }
            }
            self.table.insert(
                key,
                Partial {
                    pieces: BTreeMap::new(),
                    total: None,
                    bytes: 0,
                    frames: Vec::new(),
                    first_ts: ts,
                    vlan: fragment.vlan,
                    truncated: false,
                },
            );
            self.order.push_back((ts, key));
        }
        let partial = self.table.get_mut(&key)?;
        partial.frames.push(frame);
        partial.frames.extend_from_slice(carried_by);
        partial.truncated |= fragment.truncated;
        if !fragment.more_fragments {
            partial.total = Some(end);
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = partial.pieces.entry(offset) {
            slot.insert(fragment.payload.to_vec());
            partial.bytes = partial.bytes.saturating_add(fragment.payload.len());
            self.bytes = self.bytes.saturating_add(fragment.payload.len());
        }
        let data = partial.assemble()?;
        let partial = self.table.remove(&key)?;
        self.bytes = self.bytes.saturating_sub(partial.bytes);
        let mut frames = partial.frames;
        frames.sort_unstable();
        frames.dedup();
        Some(Datagram {
            version: key.version,
            src: key.src,
            dst: key.dst,
            protocol: key.protocol,
            data,
            frames,
            vlan: partial.vlan,
            truncated: partial.truncated,
        })
    }

    /// Gives up datagrams older than the timeout at capture time `now`.
    pub(crate) fn expire(&mut self, now: Timestamp, sink: &mut Sink<'_>) {
        while let Some(&(first_ts, key)) = self.order.front() {
            if now.duration_since(first_ts) <= self.timeout {
                break;
            }
            self.order.pop_front();
            self.give_up(first_ts, key, sink);
        }
    }

    /// End of capture: every datagram still open is reported.
    pub(crate) fn finish(&mut self, sink: &mut Sink<'_>) {
        while let Some((first_ts, key)) = self.order.pop_front() {
            self.give_up(first_ts, key, sink);
        }
    }

    /// Drops the oldest open datagram to make room. Returns false when none is left.
    fn evict_oldest(&mut self, frame: FrameNo, what: &'static str, sink: &mut Sink<'_>) -> bool {
        while let Some((first_ts, key)) = self.order.pop_front() {
            if self.give_up(first_ts, key, sink) {
                self.report_full(frame, what, sink);
                return true;
            }
        }
        false
    }

    /// Reports the first time a bound of the table is hit (every datagram
    /// dropped for it is reported on its own, as incomplete).
    fn report_full(&mut self, frame: FrameNo, what: &'static str, sink: &mut Sink<'_>) {
        if !self.full_reported {
            self.full_reported = true;
            sink.events
                .push(ReassemblyEvent::FragmentTableFull { frame, what });
        }
    }

    /// Reports and drops the datagram `key` if it is the one opened at
    /// `first_ts` (a completed one may have been replaced by a later datagram
    /// with the same identification).
    fn give_up(&mut self, first_ts: Timestamp, key: Key, sink: &mut Sink<'_>) -> bool {
        if self.table.get(&key).is_none_or(|p| p.first_ts != first_ts) {
            return false;
        }
        let Some(partial) = self.table.remove(&key) else {
            return false;
        };
        self.bytes = self.bytes.saturating_sub(partial.bytes);
        sink.stats.ip_datagrams_incomplete += 1;
        let mut frames = partial.frames;
        frames.sort_unstable();
        frames.dedup();
        sink.events.push(ReassemblyEvent::FragmentsIncomplete {
            version: key.version,
            src: key.src,
            dst: key.dst,
            id: key.id,
            frames,
            received: u32::try_from(partial.bytes).unwrap_or(u32::MAX),
            total: partial.total,
            has_first: partial.pieces.contains_key(&0),
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reassembly::{EventLog, ReassemblyStats};

    fn fragment(offset_bytes: u32, more: bool, payload: &[u8]) -> Fragment<'_> {
        Fragment {
            version: IpVersion::V4,
            src: "10.0.0.1".parse().unwrap(),
            dst: "10.0.0.2".parse().unwrap(),
            id: 7,
            offset: (offset_bytes / 8) as u16,
            more_fragments: more,
            protocol: PROTO_UDP,
            payload,
            vlan: None,
            truncated: false,
        }
    }

    fn run(
        frags: &[(u32, bool, &[u8])],
        config: ReassemblyConfig,
        ts_step: i64,
    ) -> (Vec<Datagram>, Vec<ReassemblyEvent>) {
        let mut d = Defragmenter::new(config);
        let mut events = EventLog {
            list: Vec::new(),
            cap: 100,
            not_kept: 0,
        };
        let mut stats = ReassemblyStats::default();
        let mut emit = |_: crate::reassembly::SipBytes<'_>, _: Option<crate::sip::Message>| {};
        let mut sink = Sink {
            emit: &mut emit,
            events: &mut events,
            stats: &mut stats,
        };
        let mut out = Vec::new();
        for (i, &(off, more, data)) in frags.iter().enumerate() {
            let ts = Timestamp {
                secs: i as i64 * ts_step,
                nanos: 0,
            };
            d.expire(ts, &mut sink);
            if let Some(dg) = d.push(
                FrameNo(i as u32 + 1),
                &[],
                ts,
                &fragment(off, more, data),
                &mut sink,
            ) {
                out.push(dg);
            }
        }
        d.finish(&mut sink);
        (out, events.list)
    }

    #[test]
    fn out_of_order_fragments_are_rebuilt() {
        let a = [1u8; 16];
        let b = [2u8; 16];
        let c = [3u8; 5];
        let (done, events) = run(
            &[(32, false, &c), (0, true, &a), (16, true, &b)],
            ReassemblyConfig::default(),
            0,
        );
        assert!(events.is_empty());
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].frames, vec![FrameNo(1), FrameNo(2), FrameNo(3)]);
        let mut want = a.to_vec();
        want.extend_from_slice(&b);
        want.extend_from_slice(&c);
        assert_eq!(done[0].data, want);
    }

    #[test]
    fn duplicate_fragment_is_kept_once() {
        let a = [1u8; 8];
        let (done, _) = run(
            &[(0, true, &a), (0, true, &a), (8, false, &a)],
            ReassemblyConfig::default(),
            0,
        );
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].data.len(), 16);
        assert_eq!(done[0].frames, vec![FrameNo(1), FrameNo(2), FrameNo(3)]);
    }

    #[test]
    fn missing_fragment_is_reported_at_the_end() {
        let a = [1u8; 16];
        let (done, events) = run(
            &[(0, true, &a), (32, false, &a)],
            ReassemblyConfig::default(),
            0,
        );
        assert!(done.is_empty());
        assert_eq!(
            events,
            vec![ReassemblyEvent::FragmentsIncomplete {
                version: IpVersion::V4,
                src: "10.0.0.1".parse().unwrap(),
                dst: "10.0.0.2".parse().unwrap(),
                id: 7,
                frames: vec![FrameNo(1), FrameNo(2)],
                received: 32,
                total: Some(48),
                has_first: true,
            }]
        );
        assert_eq!(
            events[0].to_string(),
            "ipv4 10.0.0.1 → 10.0.0.2 id 7: datagram never completed, 32 of 48 bytes in frames 1, 2; a capture filter on ports keeps only first fragments (non-first ones carry no port)"
        );
    }

    #[test]
    fn old_fragments_time_out() {
        let a = [1u8; 16];
        // 40 s between the two fragments: the first is given up before the second arrives.
        let (done, events) = run(
            &[(0, true, &a), (16, false, &a)],
            ReassemblyConfig::default(),
            40,
        );
        assert!(done.is_empty());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].frame(), FrameNo(1));
        assert_eq!(events[1].frame(), FrameNo(2));
    }

    #[test]
    fn fragment_past_the_largest_datagram_is_reported() {
        // Offset 65 528 (the largest the 13-bit field allows) plus 16 bytes.
        let a = [1u8; 16];
        let (done, events) = run(
            &[(0, true, &a), (65_528, false, &a)],
            ReassemblyConfig::default(),
            0,
        );
        assert!(done.is_empty());
        assert_eq!(
            events[0],
            ReassemblyEvent::FragmentBeyondMaximum {
                version: IpVersion::V4,
                src: "10.0.0.1".parse().unwrap(),
                dst: "10.0.0.2".parse().unwrap(),
                id: 7,
                frame: FrameNo(2),
                end: 65_544,
            }
        );
        assert_eq!(
            events[0].to_string(),
            "ipv4 10.0.0.1 → 10.0.0.2 id 7: fragment in frame 2 reaches byte 65544, past the largest IP datagram (65535 bytes); dropped"
        );
        // The datagram it belonged to is then incomplete.
        assert_eq!(events[1].kind(), "fragments-incomplete");
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn fragment_larger_than_the_byte_cap_is_reported() {
        let a = [1u8; 16];
        let config = ReassemblyConfig {
            fragment_bytes_cap: 10,
            ..ReassemblyConfig::default()
        };
        let (done, events) = run(&[(0, true, &a)], config, 0);
        assert!(done.is_empty());
        assert_eq!(
            events,
            vec![ReassemblyEvent::FragmentTableFull {
                frame: FrameNo(1),
                what: "bytes"
            }]
        );
    }

    #[test]
    fn byte_cap_evicts_and_reports() {
        let a = [1u8; 16];
        let config = ReassemblyConfig {
            fragment_bytes_cap: 20,
            ..ReassemblyConfig::default()
        };
        let mut frags = vec![(0u32, true, &a[..])];
        frags.push((16, true, &a[..]));
        let (done, events) = run(&frags, config, 0);
        assert!(done.is_empty());
        // The datagram is dropped to make room for its own second fragment,
        // which then waits alone until the end of the capture.
        let kinds: Vec<_> = events.iter().map(|e| (e.kind(), e.frame())).collect();
        assert_eq!(
            kinds,
            vec![
                ("fragments-incomplete", FrameNo(1)),
                ("fragment-table-full", FrameNo(2)),
                ("fragments-incomplete", FrameNo(2)),
            ]
        );
    }
}
