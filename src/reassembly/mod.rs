//! Reassembly: turns decoded transport payloads into candidate SIP message bytes.
//!
//! UDP datagrams are whole messages: a datagram whose payload starts like a SIP
//! start line is handed on as it is, on any port. IP fragments and TCP streams
//! are counted here; reassembling them is the job of the stream and fragment
//! reassemblers that plug in at [`Reassembler::push`].

use std::net::SocketAddr;

use crate::capture::{FrameNo, Timestamp};
use crate::decode::{Decoded, Transport as DecodedTransport};
use crate::sip;

/// The transport a SIP message travelled over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
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
}

/// What the reassembly stage saw but did not turn into messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// UDP datagrams whose payload does not start like SIP (RTP, DNS, ...).
    pub udp_other: u64,
    /// TCP segments carrying data: not yet reassembled into SIP messages.
    pub tcp_segments_with_data: u64,
    /// IP fragments: not yet reassembled.
    pub ip_fragments: u64,
    /// The first frame of each of the counts above, for the report.
    pub first_tcp_frame: Option<FrameNo>,
    pub first_fragment_frame: Option<FrameNo>,
}

/// Turns decoded packets into SIP message candidates.
#[derive(Debug, Default)]
pub struct Reassembler {
    stats: ReassemblyStats,
}

impl Reassembler {
    pub fn new() -> Reassembler {
        Reassembler::default()
    }

    /// Feeds one decoded frame; calls `emit` for every SIP message it completes.
    pub fn push<'a>(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        decoded: &Decoded<'a>,
        mut emit: impl FnMut(SipBytes<'a>),
    ) {
        match decoded {
            Decoded::Packet(packet) => match packet.transport {
                DecodedTransport::Udp => {
                    if sip::looks_like_sip(packet.payload) {
                        emit(SipBytes {
                            frame,
                            ts,
                            src: packet.src,
                            dst: packet.dst,
                            transport: Transport::Udp,
                            bytes: packet.payload,
                            truncated: packet.truncated,
                        });
                    } else {
                        self.stats.udp_other += 1;
                    }
                }
                DecodedTransport::Tcp(_) => {
                    if !packet.payload.is_empty() {
                        self.stats.tcp_segments_with_data += 1;
                        self.stats.first_tcp_frame.get_or_insert(frame);
                    }
                }
            },
            Decoded::Fragment(_) => {
                self.stats.ip_fragments += 1;
                self.stats.first_fragment_frame.get_or_insert(frame);
            }
            Decoded::Skipped(_) => {}
        }
    }

    pub fn stats(&self) -> ReassemblyStats {
        self.stats
    }
}
