//! Media: the RTP flows of a capture, so that rules can tell whether media
//! flowed to and from the addresses an SDP offer or answer named, and in which
//! directions (one-way audio).
//!
//! Every UDP datagram that is not SIP is offered to [`MediaTable::push`]. It is
//! counted as RTP when it has the RTP version 2 fixed header (RFC 3550 §5.1)
//! with room for its CSRC list and header extension, and a payload type that
//! is not an RTCP packet type (RFC 5761 §4: second byte 192–223 is RTCP).
//! Counters are kept per flow (source and destination address and port):
//! packets, bytes, first and last frame and time, the payload types and SSRCs
//! seen (a few of each). The table is bounded by [`MAX_MEDIA_FLOWS`]; packets
//! of flows beyond it are counted in [`MediaTable::untracked_packets`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use crate::capture::{FrameNo, Timestamp};

/// Most RTP flows tracked per capture.
pub const MAX_MEDIA_FLOWS: usize = 65_536;
/// Most distinct payload types kept per flow.
pub const MAX_PAYLOAD_TYPES: usize = 8;
/// Most distinct SSRCs kept per flow.
pub const MAX_SSRCS: usize = 4;

/// The fields of an RTP fixed header (RFC 3550 §5.1) sipdiag reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    /// Where the payload starts (after CSRCs and the header extension).
    pub header_len: usize,
}

impl RtpHeader {
    /// Reads an RTP header; `None` when `bytes` is not RTP version 2 or is
    /// RTCP, or too short for the header it announces.
    pub fn parse(bytes: &[u8]) -> Option<RtpHeader> {
        let fixed: &[u8; 12] = bytes.get(..12)?.try_into().ok()?;
        if fixed[0] >> 6 != 2 {
            return None;
        }
        // RFC 5761 §4: RTCP packet types 192..=223 occupy the marker+PT byte.
        if (192..=223).contains(&fixed[1]) {
            return None;
        }
        let csrc_count = usize::from(fixed[0] & 0x0f);
        let mut header_len = 12 + 4 * csrc_count;
        if fixed[0] & 0x10 != 0 {
            // Header extension: 16-bit profile, 16-bit length in 32-bit words.
            let ext = bytes.get(header_len..header_len + 4)?;
            let words = usize::from(u16::from_be_bytes([ext[2], ext[3]]));
            header_len += 4 + 4 * words;
        }
        if header_len > bytes.len() {
            return None;
        }
        Some(RtpHeader {
            marker: fixed[1] & 0x80 != 0,
            payload_type: fixed[1] & 0x7f,
            sequence: u16::from_be_bytes([fixed[2], fixed[3]]),
            timestamp: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
            ssrc: u32::from_be_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
            header_len,
        })
    }

    /// Is this the second byte of an RTCP packet (version 2, type 192–223)?
    fn is_rtcp(bytes: &[u8]) -> bool {
        matches!(bytes, [b0, b1, ..] if b0 >> 6 == 2 && (192..=223).contains(b1))
    }
}

/// RTP packets from one address and port to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFlow {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub first_frame: FrameNo,
    pub first_ts: Timestamp,
    pub last_frame: FrameNo,
    pub last_ts: Timestamp,
    pub packets: u64,
    /// UDP payload bytes.
    pub bytes: u64,
    /// Payload types seen, in order of first appearance (at most [`MAX_PAYLOAD_TYPES`]).
    pub payload_types: Vec<u8>,
    /// SSRCs seen, in order of first appearance (at most [`MAX_SSRCS`]).
    pub ssrcs: Vec<u32>,
    /// More payload types or SSRCs appeared than are kept.
    pub overflow: bool,
}

impl MediaFlow {
    /// Did the flow carry packets between `from` and `to` (inclusive)? Only
    /// the first and last times are kept, so this says whether the flow's
    /// lifetime overlaps the window.
    pub fn overlaps(&self, from: Timestamp, to: Option<Timestamp>) -> bool {
        self.last_ts >= from && to.is_none_or(|t| self.first_ts <= t)
    }
}

/// The RTP flows of a capture.
#[derive(Debug, Clone, Default)]
pub struct MediaTable {
    flows: Vec<MediaFlow>,
    index: HashMap<(SocketAddr, SocketAddr), usize>,
    /// RTP packets of flows not tracked because the table was full.
    pub untracked_packets: u64,
    /// RTCP packets seen (not tracked per flow).
    pub rtcp_packets: u64,
    /// Datagrams that were neither SIP nor RTP/RTCP.
    pub other_datagrams: u64,
}

/// What a non-SIP UDP datagram is, as far as the media table cares: read
/// where the frame is decoded, so that the table needs no copy of the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaPacket {
    Rtp {
        header: RtpHeader,
        /// UDP payload bytes.
        len: usize,
    },
    Rtcp,
    Other,
}

impl MediaPacket {
    pub fn classify(payload: &[u8]) -> MediaPacket {
        match RtpHeader::parse(payload) {
            Some(header) => MediaPacket::Rtp {
                header,
                len: payload.len(),
            },
            None if RtpHeader::is_rtcp(payload) => MediaPacket::Rtcp,
            None => MediaPacket::Other,
        }
    }
}

impl MediaTable {
    /// Counts one non-SIP UDP datagram.
    pub fn push(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) {
        self.push_packet(frame, ts, src, dst, MediaPacket::classify(payload));
    }

    /// Counts one non-SIP UDP datagram already classified.
    pub fn push_packet(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        src: SocketAddr,
        dst: SocketAddr,
        packet: MediaPacket,
    ) {
        let (rtp, len) = match packet {
            MediaPacket::Rtp { header, len } => (header, len),
            MediaPacket::Rtcp => {
                self.rtcp_packets = self.rtcp_packets.saturating_add(1);
                return;
            }
            MediaPacket::Other => {
                self.other_datagrams = self.other_datagrams.saturating_add(1);
                return;
            }
        };
        let i = match self.index.get(&(src, dst)) {
            Some(&i) => i,
            None if self.flows.len() < MAX_MEDIA_FLOWS => {
                let i = self.flows.len();
                self.flows.push(MediaFlow {
                    src,
                    dst,
                    first_frame: frame,
                    first_ts: ts,
                    last_frame: frame,
                    last_ts: ts,
                    packets: 0,
                    bytes: 0,
                    payload_types: Vec::new(),
                    ssrcs: Vec::new(),
                    overflow: false,
                });
                self.index.insert((src, dst), i);
                i
            }
            None => {
                self.untracked_packets = self.untracked_packets.saturating_add(1);
                return;
            }
        };
        let Some(flow) = self.flows.get_mut(i) else {
            return;
        };
        flow.packets = flow.packets.saturating_add(1);
        flow.bytes = flow.bytes.saturating_add(len as u64);
        if ts < flow.first_ts {
            flow.first_ts = ts;
            flow.first_frame = frame;
        }
        if ts >= flow.last_ts {
            flow.last_ts = ts;
            flow.last_frame = frame;
        }
        if !flow.payload_types.contains(&rtp.payload_type) {
            if flow.payload_types.len() < MAX_PAYLOAD_TYPES {
                flow.payload_types.push(rtp.payload_type);
            } else {
                flow.overflow = true;
            }
        }
        if !flow.ssrcs.contains(&rtp.ssrc) {
            if flow.ssrcs.len() < MAX_SSRCS {
                flow.ssrcs.push(rtp.ssrc);
            } else {
                flow.overflow = true;
            }
        }
    }

    /// Forgets flows whose last packet is older than `before`, so that a long
    /// live capture keeps only the media of calls that can still be open.
    pub fn prune(&mut self, before: Timestamp) {
        if self.flows.iter().all(|f| f.last_ts >= before) {
            return;
        }
        self.flows.retain(|f| f.last_ts >= before);
        self.index = self
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.src, f.dst), i))
            .collect();
    }

    /// Every flow, in order of its first packet.
    pub fn flows(&self) -> &[MediaFlow] {
        &self.flows
    }

    /// The flow from `src` to `dst`.
    pub fn flow(&self, src: SocketAddr, dst: SocketAddr) -> Option<&MediaFlow> {
        self.index.get(&(src, dst)).and_then(|&i| self.flows.get(i))
    }

    /// Flows sent to `dst` (the address an SDP asked media to be sent to).
    pub fn to(&self, dst: SocketAddr) -> impl Iterator<Item = &MediaFlow> {
        self.flows.iter().filter(move |f| f.dst == dst)
    }

    /// Flows sent from `ip` (with symmetric RTP, the SDP address's host; the
    /// source port may differ from the advertised one).
    pub fn from_ip(&self, ip: IpAddr) -> impl Iterator<Item = &MediaFlow> {
        self.flows.iter().filter(move |f| f.src.ip() == ip)
    }

    /// Flows sent from `src` exactly.
    pub fn from(&self, src: SocketAddr) -> impl Iterator<Item = &MediaFlow> {
        self.flows.iter().filter(move |f| f.src == src)
    }

    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn ts(ms: i64) -> Timestamp {
        Timestamp {
            secs: 1_700_000_000 + ms / 1000,
            nanos: ((ms % 1000) * 1_000_000) as u32,
        }
    }

    /// A minimal RTP packet: version 2, no CSRC, payload type `pt`.
    fn rtp(pt: u8, seq: u16, ssrc: u32) -> Vec<u8> {
        let mut p = vec![0x80, pt, 0, 0, 0, 0, 0, 160];
        p[2..4].copy_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&ssrc.to_be_bytes());
        p.extend_from_slice(&[0xff; 160]);
        p
    }

    #[test]
    fn parses_the_fixed_header() {
        let mut p = rtp(8, 513, 0xdead_beef);
        p[1] |= 0x80;
        let h = RtpHeader::parse(&p).expect("rtp");
        assert_eq!(
            h,
            RtpHeader {
                marker: true,
                payload_type: 8,
                sequence: 513,
                timestamp: 160,
                ssrc: 0xdead_beef,
                header_len: 12,
            }
        );
    }

    #[test]
    fn csrc_and_extension_lengths_are_checked() {
        // Two CSRCs announced but only one present.
        let mut p = rtp(0, 1, 7);
        p.truncate(16);
        p[0] = 0x82;
        assert_eq!(RtpHeader::parse(&p), None);
        p.extend_from_slice(&[0; 4]);
        assert_eq!(RtpHeader::parse(&p).map(|h| h.header_len), Some(20));
        // Extension of 1 word after the fixed header.
        let mut e = vec![0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0xbe, 0xde, 0, 1];
        assert_eq!(RtpHeader::parse(&e), None);
        e.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(RtpHeader::parse(&e).map(|h| h.header_len), Some(20));
    }

    #[test]
    fn rejects_other_versions_rtcp_and_short_datagrams() {
        let mut v1 = rtp(0, 1, 1);
        v1[0] = 0x40;
        assert_eq!(RtpHeader::parse(&v1), None);
        // RTCP sender report: 0x80 200.
        let sr = [0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0];
        assert_eq!(RtpHeader::parse(&sr), None);
        assert_eq!(RtpHeader::parse(&[0x80, 0, 0]), None);
        // STUN binding request starts with 0x00 0x01.
        assert_eq!(
            RtpHeader::parse(&[0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0]),
            None
        );

        let mut t = MediaTable::default();
        let (a, b) = (addr("10.0.0.1:6000"), addr("10.0.0.2:7000"));
        t.push(FrameNo(1), ts(0), a, b, &v1);
        t.push(FrameNo(2), ts(0), a, b, &sr);
        t.push(FrameNo(3), ts(0), a, b, b"hello");
        assert!(t.is_empty());
        assert_eq!((t.rtcp_packets, t.other_datagrams), (1, 2));
    }

    #[test]
    fn counts_per_flow_with_bounded_sets() {
        let mut t = MediaTable::default();
        let (a, b) = (addr("10.0.0.1:6000"), addr("10.0.0.2:7000"));
        for i in 0..10u16 {
            t.push(
                FrameNo(u32::from(i) + 10),
                ts(1000 + i64::from(i) * 20),
                a,
                b,
                &rtp(i as u8 % 10, i, u32::from(i % 6)),
            );
        }
        t.push(FrameNo(30), ts(500), b, a, &rtp(0, 1, 99));
        assert_eq!(t.flows().len(), 2);
        let f = t.flow(a, b).expect("a to b");
        assert_eq!(f.packets, 10);
        assert_eq!(f.bytes, 10 * 172);
        assert_eq!((f.first_frame, f.last_frame), (FrameNo(10), FrameNo(19)));
        assert_eq!(f.last_ts, ts(1180));
        assert_eq!(f.payload_types, vec![0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(f.ssrcs, vec![0, 1, 2, 3]);
        assert!(f.overflow);
        assert_eq!(t.to(a).count(), 1);
        assert_eq!(t.from(a).count(), 1);
        assert_eq!(t.from_ip(b.ip()).map(|f| f.packets).sum::<u64>(), 1);
        assert!(f.overlaps(ts(1100), Some(ts(1200))));
        assert!(!f.overlaps(ts(1181), None));
        assert!(!f.overlaps(ts(0), Some(ts(999))));
    }
}
