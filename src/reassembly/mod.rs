//! Reassembly: turns decoded transport payloads into candidate SIP message bytes.
//!
//! - UDP datagrams are whole messages: a payload that starts like a SIP start
//!   line is handed on as it is, on any port.
//! - IP fragments (IPv4 and IPv6) are put back together ([`ip`]), bounded in
//!   time (capture time) and memory; the datagram then takes the UDP, TCP or
//!   SCTP path. A datagram whose fragments never all arrive is reported.
//! - TCP streams ([`tcp`]) are ordered per direction by sequence number
//!   ([`SeqNo`], wrapping), with retransmissions and overlaps trimmed, gaps
//!   reported and resynchronised on the next SIP start line, CR/LF keep-alives
//!   skipped (RFC 5626 §3.5.1) and messages framed by Content-Length
//!   (RFC 3261 §18.3). A stream that opens with an HTTP upgrade to the `sip`
//!   WebSocket subprotocol is decoded as SIP over WebSocket ([`websocket`],
//!   RFC 7118); one that opens with a TLS record is reported as encrypted.
//! - SCTP DATA chunks ([`sctp`]): each complete user message is one SIP message.
//!
//! A message is attributed to the frame that completes it (as Wireshark does)
//! and carries every frame it spans. What the capture lacks (gaps, missing
//! fragments, encryption, bounds hit) is recorded as [`ReassemblyEvent`]s.

mod event;
pub mod ip;
pub mod sctp;
mod seq;
pub mod tcp;
pub mod websocket;

use std::net::SocketAddr;
use std::time::Duration;

pub use event::{Flow, ReassemblyEvent};
pub use seq::SeqNo;

use crate::capture::{FrameNo, Timestamp};
use crate::decode::{Decoded, Packet, Transport as DecodedTransport, tunnel};
use crate::fasthash::FastMap;
use crate::sip::{self, Message};

/// The transport a SIP message travelled over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    /// WebSocket over TCP (RFC 7118).
    Ws,
    Sctp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Ws => "WS",
            Transport::Sctp => "SCTP",
        }
    }
}

/// The bytes of one candidate SIP message and where they came from.
#[derive(Debug, Clone, Copy)]
pub struct SipBytes<'a> {
    /// The frame that completes the message (as Wireshark attributes it).
    pub frame: FrameNo,
    pub ts: Timestamp,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub transport: Transport,
    pub bytes: &'a [u8],
    /// The payload was cut short by the capture's snaplen.
    pub truncated: bool,
    /// Every frame that carried bytes of the message (TCP segments, IP
    /// fragments, SCTP chunks), in frame order. `frame` is normally the last;
    /// it is later when the message's bytes waited behind a TCP hole that
    /// `frame` filled, and then not among them.
    pub frames: &'a [FrameNo],
}

/// Bounds of the reassembly stage. Hitting one is reported as an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyConfig {
    /// Most bytes one TCP direction may buffer (an unfinished message plus
    /// out-of-order segments).
    pub flow_buffer_cap: usize,
    /// Most TCP directions tracked at once; the least recently used is dropped.
    pub max_flows: usize,
    /// Out-of-order data this far ahead of a hole makes the hole a loss.
    pub gap_window: usize,
    /// A hole older than this (capture time) is a loss.
    pub gap_timeout: Duration,
    /// Fragments of an IP datagram older than this (capture time) are dropped
    /// (RFC 791 suggests at least 15 s).
    pub fragment_timeout: Duration,
    /// Most bytes held in fragments of incomplete datagrams.
    pub fragment_bytes_cap: usize,
    /// Most incomplete datagrams held at once.
    pub max_fragmented_datagrams: usize,
    /// Most events kept; beyond it they are only counted.
    pub max_events: usize,
}

impl Default for ReassemblyConfig {
    fn default() -> ReassemblyConfig {
        ReassemblyConfig {
            flow_buffer_cap: 256 * 1024,
            max_flows: 100_000,
            gap_window: 64 * 1024,
            gap_timeout: Duration::from_secs(10),
            fragment_timeout: Duration::from_secs(30),
            fragment_bytes_cap: 8 * 1024 * 1024,
            max_fragmented_datagrams: 10_000,
            max_events: 1_000,
        }
    }
}

/// What the reassembly stage saw, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// UDP datagrams whose payload does not start like SIP (RTP, DNS, ...).
    pub udp_other: u64,
    /// TCP segments carrying data.
    pub tcp_segments_with_data: u64,
    /// TCP directions (SYN or first data seen), in total.
    pub tcp_streams: u64,
    /// Segments whose every byte had been seen before (retransmissions).
    pub tcp_retransmitted_segments: u64,
    /// Segments that partly overlapped bytes seen before (trimmed).
    pub tcp_overlapping_segments: u64,
    /// Segments that arrived ahead of a hole and were held.
    pub tcp_out_of_order_segments: u64,
    /// Segments whose bytes differ from a copy received before (the first
    /// copy is kept; each is also an event).
    pub tcp_overlap_conflicts: u64,
    /// TCP segments far beyond the receive window that the stream went on
    /// without (forged or corrupted): ignored.
    pub tcp_out_of_window_segments: u64,
    /// Streams evicted from the full flow table (least recently used).
    pub tcp_flows_evicted: u64,
    /// Streams no longer read after 64 KiB without a SIP start line (another
    /// protocol on the same flow).
    pub tcp_streams_not_sip: u64,
    /// Holes never filled (lost segments).
    pub tcp_gaps: u64,
    /// Bytes in those holes.
    pub tcp_missing_bytes: u64,
    /// CR/LF keep-alives skipped between messages (RFC 5626 §3.5.1).
    pub tcp_keepalives: u64,
    /// SIP messages found on TCP (WebSocket excluded).
    pub tcp_messages: u64,
    /// WebSocket messages carrying SIP (RFC 7118).
    pub ws_messages: u64,
    /// SCTP DATA chunks seen, and SIP messages they carried.
    pub sctp_data_chunks: u64,
    pub sctp_messages: u64,
    /// SCTP DATA chunks seen twice (same TSN): dropped.
    pub sctp_duplicate_chunks: u64,
    /// Bytes of SCTP user message fragments that never made a whole message
    /// (lost fragment, timeout, cap); each time is also an event.
    pub sctp_bytes_dropped: u64,
    /// Fragments of split user messages on directions beyond the flow table:
    /// not rebuilt.
    pub sctp_chunks_not_rebuilt: u64,
    /// Ordered SCTP messages missing on a stream, after which the waiting
    /// ones were delivered.
    pub sctp_gaps: u64,
    /// TLS flows (connections) seen.
    pub tls_flows: u64,
    /// TLS connections beyond the table's cap: not listed in events.
    pub tls_flows_not_listed: u64,
    /// IP fragments seen, datagrams rebuilt from them, datagrams never completed.
    pub ip_fragments: u64,
    pub ip_datagrams_reassembled: u64,
    pub ip_datagrams_incomplete: u64,
    /// Fragments dropped by a bound (past 65 535 bytes, or over the byte cap
    /// on their own); each is also an event.
    pub ip_fragments_dropped: u64,
    /// Events beyond [`ReassemblyConfig::max_events`], counted only.
    pub events_not_kept: u64,
    /// The first frame of TCP data and of an IP fragment, for the report.
    pub first_tcp_frame: Option<FrameNo>,
    pub first_fragment_frame: Option<FrameNo>,
}

/// The bounded list of events.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    list: Vec<ReassemblyEvent>,
    cap: usize,
    not_kept: u64,
}

impl EventLog {
    /// Records `event`; returns its index while it is kept.
    pub(crate) fn push(&mut self, event: ReassemblyEvent) -> Option<usize> {
        if self.list.len() < self.cap {
            self.list.push(event);
            Some(self.list.len() - 1)
        } else {
            self.not_kept += 1;
            None
        }
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut ReassemblyEvent> {
        self.list.get_mut(index)
    }
}

/// Where the sub-reassemblers put what they find.
pub(crate) struct Sink<'s> {
    /// The bytes of each message, and the message when framing already
    /// scanned it ([`sip::frame_and_scan`]).
    pub emit: &'s mut dyn FnMut(SipBytes<'_>, Option<Message>),
    pub events: &'s mut EventLog,
    pub stats: &'s mut ReassemblyStats,
}

/// Turns decoded packets into SIP message candidates.
#[derive(Debug)]
pub struct Reassembler {
    config: ReassemblyConfig,
    stats: ReassemblyStats,
    events: EventLog,
    tcp: tcp::TcpStreams,
    fragments: ip::Defragmenter,
    sctp: sctp::SctpReassembler,
    /// The last frame pushed.
    last_frame: FrameNo,
}

impl Default for Reassembler {
    fn default() -> Reassembler {
        Reassembler::with_config(ReassemblyConfig::default())
    }
}

impl Reassembler {
    pub fn new() -> Reassembler {
        Reassembler::default()
    }

    pub fn with_config(config: ReassemblyConfig) -> Reassembler {
        Reassembler {
            config,
            stats: ReassemblyStats::default(),
            events: EventLog {
                list: Vec::new(),
                cap: config.max_events,
                not_kept: 0,
            },
            tcp: tcp::TcpStreams::new(config),
            fragments: ip::Defragmenter::new(config),
            sctp: sctp::SctpReassembler::new(config),
            last_frame: FrameNo(0),
        }
    }

    /// Feeds one decoded frame; calls `emit` for every SIP message it completes.
    pub fn push(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        decoded: &Decoded<'_>,
        emit: &mut dyn FnMut(SipBytes<'_>),
    ) {
        self.push_scanned(frame, ts, decoded, &mut |bytes, _| emit(bytes));
    }

    /// [`Reassembler::push`], handing on with the bytes of a message the
    /// [`Message`] when framing it already scanned it (TCP, see
    /// [`sip::frame_and_scan`]): `Message::parse` of the bytes would give
    /// the same, and need not run again. `None`: parse the bytes.
    pub fn push_scanned(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        decoded: &Decoded<'_>,
        emit: &mut dyn FnMut(SipBytes<'_>, Option<Message>),
    ) {
        self.last_frame = frame;
        let mut sink = Sink {
            emit,
            events: &mut self.events,
            stats: &mut self.stats,
        };
        self.fragments.expire(ts, &mut sink);
        let mut paths = Paths {
            tcp: &mut self.tcp,
            fragments: &mut self.fragments,
            sctp: &mut self.sctp,
            frame,
            ts,
        };
        paths.route(decoded, &[frame], 0, &mut sink);
    }

    /// Flushes what the end of the capture decides: holes in TCP streams become
    /// gaps, unfinished messages and datagrams are reported, TLS flows are listed.
    pub fn finish(&mut self, emit: &mut dyn FnMut(SipBytes<'_>)) {
        self.finish_scanned(&mut |bytes, _| emit(bytes));
    }

    /// [`Reassembler::finish`], handing on messages as
    /// [`Reassembler::push_scanned`] does.
    pub fn finish_scanned(&mut self, emit: &mut dyn FnMut(SipBytes<'_>, Option<Message>)) {
        let mut sink = Sink {
            emit,
            events: &mut self.events,
            stats: &mut self.stats,
        };
        self.tcp.finish(&mut sink);
        self.fragments.finish(&mut sink);
        self.sctp.finish(self.last_frame, &mut sink);
        self.stats.events_not_kept = self.events.not_kept;
    }

    pub fn stats(&self) -> ReassemblyStats {
        let mut stats = self.stats;
        stats.events_not_kept = self.events.not_kept;
        stats
    }

    /// The capture-quality findings so far, in the order they were decided.
    pub fn events(&self) -> &[ReassemblyEvent] {
        &self.events.list
    }

    pub fn config(&self) -> &ReassemblyConfig {
        &self.config
    }
}

/// Most datagrams rebuilt inside one another (a tunnel in fragments whose
/// inner packet is fragmented again, ...) for one frame.
const MAX_NESTED_DATAGRAMS: usize = crate::decode::tunnel::MAX_TUNNEL_DEPTH;

/// The paths a decoded packet can take, for the frame being pushed.
struct Paths<'r> {
    tcp: &'r mut tcp::TcpStreams,
    fragments: &'r mut ip::Defragmenter,
    sctp: &'r mut sctp::SctpReassembler,
    frame: FrameNo,
    ts: Timestamp,
}

impl Paths<'_> {
    /// Hands `decoded`, carried by `frames`, to its path. `depth` counts the
    /// datagrams rebuilt around it.
    fn route(
        &mut self,
        decoded: &Decoded<'_>,
        frames: &[FrameNo],
        depth: usize,
        sink: &mut Sink<'_>,
    ) {
        let (frame, ts) = (self.frame, self.ts);
        match decoded {
            Decoded::Packet(packet) => route_packet(self.tcp, packet, frames, frame, ts, sink),
            Decoded::Fragment(fragment) => {
                sink.stats.ip_fragments += 1;
                sink.stats.first_fragment_frame.get_or_insert(frame);
                if let Some(datagram) = self.fragments.push(frame, frames, ts, fragment, sink) {
                    sink.stats.ip_datagrams_reassembled += 1;
                    self.route_datagram(&datagram, depth.saturating_add(1), sink);
                }
            }
            Decoded::Sctp(packet) => self.sctp.push(frame, ts, packet, frames, sink),
            Decoded::Skipped(_) => {}
        }
    }

    /// Hands a datagram rebuilt from fragments to its path: UDP, TCP, SCTP,
    /// or a tunnel (IP-in-IP, GRE, MPLS in IP) whose inner packet takes the
    /// same paths.
    fn route_datagram(&mut self, datagram: &ip::Datagram, depth: usize, sink: &mut Sink<'_>) {
        let (frame, ts) = (self.frame, self.ts);
        match datagram.decode() {
            Some(ip::Inner::Packet(packet)) => {
                route_packet(self.tcp, &packet, &datagram.frames, frame, ts, sink);
            }
            Some(ip::Inner::Sctp(packet)) => {
                self.sctp.push(frame, ts, &packet, &datagram.frames, sink);
            }
            None => {
                let inner = tunnel::decode_reassembled(
                    frame,
                    datagram.protocol,
                    &datagram.data,
                    datagram.vlan,
                );
                match inner {
                    None => {}
                    Some(Ok(Decoded::Fragment(_))) if depth >= MAX_NESTED_DATAGRAMS => {
                        sink.events.push(ReassemblyEvent::DatagramUndecodable {
                            frames: datagram.frames.clone(),
                            what: format!(
                                "more than {MAX_NESTED_DATAGRAMS} datagrams rebuilt from fragments inside one another"
                            ),
                        });
                    }
                    Some(Ok(decoded)) => self.route(&decoded, &datagram.frames, depth, sink),
                    Some(Err(issue)) => {
                        sink.events.push(ReassemblyEvent::DatagramUndecodable {
                            frames: datagram.frames.clone(),
                            what: format!(
                                "{} layer at byte {} of the rebuilt payload: {}",
                                issue.layer, issue.offset, issue.what
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// A UDP datagram or TCP segment (from one frame, or rebuilt from fragments
/// spanning `frames`), handed to its path.
fn route_packet(
    tcp: &mut tcp::TcpStreams,
    packet: &Packet<'_>,
    frames: &[FrameNo],
    frame: FrameNo,
    ts: Timestamp,
    sink: &mut Sink<'_>,
) {
    match packet.transport {
        DecodedTransport::Udp => {
            // Recognised and scanned at once (the start line read once).
            if let (true, message) = sip::look_and_scan(packet.payload) {
                (sink.emit)(
                    SipBytes {
                        frame,
                        ts,
                        src: packet.src,
                        dst: packet.dst,
                        transport: Transport::Udp,
                        bytes: packet.payload,
                        truncated: packet.truncated,
                        frames,
                    },
                    message,
                );
            } else {
                sink.stats.udp_other += 1;
            }
        }
        DecodedTransport::Tcp(info) => tcp.push(frame, frames, ts, packet, info, sink),
    }
}

/// Counts of TLS flows (both directions of a connection together).
#[derive(Debug, Default)]
pub(crate) struct TlsFlows {
    flows: FastMap<(SocketAddr, SocketAddr), (Flow, u64, FrameNo)>,
    full_reported: bool,
}

/// Most TLS connections tracked for the report.
pub(crate) const MAX_TLS_FLOWS: usize = 10_000;

impl TlsFlows {
    /// Counts one segment of `flow` seen in `frame`.
    pub(crate) fn count(&mut self, flow: Flow, frame: FrameNo, sink: &mut Sink<'_>) {
        let key = if flow.src <= flow.dst {
            (flow.src, flow.dst)
        } else {
            (flow.dst, flow.src)
        };
        if let Some(entry) = self.flows.get_mut(&key) {
            entry.1 += 1;
        } else if self.flows.len() < MAX_TLS_FLOWS {
            self.flows.insert(key, (flow, 1, frame));
        } else {
            sink.stats.tls_flows_not_listed += 1;
            if !self.full_reported {
                self.full_reported = true;
                sink.events.push(ReassemblyEvent::TlsTableFull {
                    flow,
                    frame,
                    cap: MAX_TLS_FLOWS,
                });
            }
        }
    }

    /// One event per connection, in order of first frame.
    pub(crate) fn finish(&mut self, sink: &mut Sink<'_>) {
        let mut all: Vec<_> = self.flows.drain().map(|(_, v)| v).collect();
        all.sort_by_key(|&(_, _, first)| first);
        sink.stats.tls_flows = all.len() as u64;
        for (flow, segments, first_frame) in all {
            sink.events.push(ReassemblyEvent::Encrypted {
                flow,
                segments,
                first_frame,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::decode::{Fragment, IpVersion, TcpInfo};

    /// A TCP segment (header + data) whose IP datagram came in two fragments
    /// (frames 1 and 2), then the rest of the message in frame 3: the message
    /// lists all three frames.
    #[test]
    fn tcp_segment_in_ip_fragments_lists_the_fragments_frames() {
        let m = b"OPTIONS sip:b@x SIP/2.0\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        let (head, tail) = m.split_at(40);
        let mut segment = Vec::new();
        segment.extend_from_slice(&40000u16.to_be_bytes());
        segment.extend_from_slice(&5060u16.to_be_bytes());
        segment.extend_from_slice(&1u32.to_be_bytes()); // seq
        segment.extend_from_slice(&0u32.to_be_bytes()); // ack
        segment.extend_from_slice(&[5 << 4, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        segment.extend_from_slice(head);
        let src: IpAddr = "10.0.0.1".parse().unwrap();
        let dst: IpAddr = "10.0.0.2".parse().unwrap();
        let fragment = |offset: usize, more: bool, payload| Fragment {
            version: IpVersion::V4,
            src,
            dst,
            id: 9,
            offset: (offset / 8) as u16,
            more_fragments: more,
            protocol: 6,
            payload,
            vlan: None,
            truncated: false,
        };
        let mut r = Reassembler::new();
        let mut out = Vec::new();
        let mut collect = |b: SipBytes<'_>| out.push((b.frame.0, b.frames.to_vec()));
        let ts = Timestamp::default();
        r.push(
            FrameNo(1),
            ts,
            &Decoded::Fragment(fragment(0, true, &segment[..32])),
            &mut collect,
        );
        r.push(
            FrameNo(2),
            ts,
            &Decoded::Fragment(fragment(32, false, &segment[32..])),
            &mut collect,
        );
        let rest = Packet {
            src: "10.0.0.1:40000".parse().unwrap(),
            dst: "10.0.0.2:5060".parse().unwrap(),
            transport: DecodedTransport::Tcp(TcpInfo {
                seq: 41,
                ack: 0,
                syn: false,
                fin: false,
                rst: false,
                psh: true,
                has_ack: true,
            }),
            payload: tail,
            vlan: None,
            truncated: false,
            lie: None,
        };
        r.push(FrameNo(3), ts, &Decoded::Packet(rest), &mut collect);
        r.finish(&mut collect);
        assert_eq!(out, vec![(3, vec![FrameNo(1), FrameNo(2), FrameNo(3)])]);
        assert!(r.events().is_empty(), "{:?}", r.events());
    }

    /// A tunnel inside a rebuilt datagram that cannot be decoded is reported.
    #[test]
    fn undecodable_tunnel_in_fragments_is_reported() {
        // GRE with checksum, key and sequence number (a 16-byte header) in a
        // datagram of 12 bytes, in two fragments.
        let gre = [0xB0u8, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 1];
        let fragment = |offset: u16, payload| Fragment {
            version: IpVersion::V4,
            src: "192.0.2.1".parse().unwrap(),
            dst: "192.0.2.2".parse().unwrap(),
            id: 1,
            offset,
            more_fragments: offset == 0,
            protocol: 47,
            payload,
            vlan: None,
            truncated: false,
        };
        let mut r = Reassembler::new();
        let mut ignore = |_: SipBytes<'_>| {};
        let ts = Timestamp::default();
        let (a, b) = gre.split_at(8);
        r.push(
            FrameNo(1),
            ts,
            &Decoded::Fragment(fragment(0, a)),
            &mut ignore,
        );
        r.push(
            FrameNo(2),
            ts,
            &Decoded::Fragment(fragment(1, b)),
            &mut ignore,
        );
        assert_eq!(
            r.events()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec![
                "ip datagram rebuilt from frames 1, 2 cannot be decoded: tunnel layer at byte 0 of the rebuilt payload: GRE header with checksum, key and sequence number needs 16 bytes, only 12 captured"
            ]
        );
        assert_eq!(r.events()[0].kind(), "datagram-undecodable");
    }
}
