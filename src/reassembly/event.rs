//! What the capture itself lacks or hides: TCP gaps, fragments that never all
//! arrived, encrypted signalling, bounds that were hit. These are findings about
//! the capture (data for the report), not errors of the run.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;

use crate::capture::FrameNo;
use crate::decode::IpVersion;

/// One direction of a transport flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flow {
    pub src: SocketAddr,
    pub dst: SocketAddr,
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.src, self.dst)
    }
}

/// A capture-quality finding of the reassembly stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReassemblyEvent {
    /// TCP bytes that never arrived: a segment lost before the capture point
    /// (or dropped by the capturing host). The message they belonged to is lost.
    TcpGap {
        flow: Flow,
        /// The last frame before the gap, if any data of the stream preceded it.
        after_frame: Option<FrameNo>,
        /// The frame whose bytes come right after the gap.
        frame: FrameNo,
        /// The missing sequence numbers (wrapping: `end` may be below `start`).
        missing: Range<u32>,
        bytes: u32,
        /// The frame whose SIP start line the stream resynchronised on.
        resync_frame: Option<FrameNo>,
    },
    /// A segment that repeats bytes already received, with different content:
    /// the first copy was kept (as a receiving stack does, RFC 9293 §3.10.7.4).
    /// This is how an injected or corrupted segment shows.
    TcpOverlapConflict {
        flow: Flow,
        /// The frame of the later, differing copy.
        frame: FrameNo,
        /// The sequence numbers from the first differing byte to just past the
        /// last one (wrapping: `end` may be below `start`).
        range: Range<u32>,
        bytes: u32,
    },
    /// A segment far beyond the receive window (more than the gap window
    /// ahead) that the stream went on without: ignored, as a receiver drops
    /// a segment outside its window (RFC 9293 §3.10.7.4). This is how a forged
    /// or corrupted sequence number shows.
    TcpOutOfWindow {
        flow: Flow,
        frame: FrameNo,
        /// How many bytes ahead of the stream its data started.
        ahead: u64,
        /// Its data bytes.
        bytes: usize,
    },
    /// A SIP message on a stream without a valid Content-Length (mandatory on
    /// stream transports, RFC 3261 §18.3): its body, if any, cannot be delimited.
    NoContentLength {
        flow: Flow,
        frame: FrameNo,
        transport: &'static str,
    },
    /// A stream ended (FIN, RST, end of capture) inside a message.
    TcpIncomplete {
        flow: Flow,
        frame: FrameNo,
        bytes: usize,
    },
    /// A flow held more bytes than the per-flow cap: they were dropped and the
    /// stream resynchronised at the next SIP start line.
    FlowBufferFull {
        flow: Flow,
        frame: FrameNo,
        cap: usize,
    },
    /// The TCP flow table was full: the least recently used flow was dropped.
    FlowTableFull {
        evicted: Flow,
        frame: FrameNo,
        cap: usize,
    },
    /// An IP datagram whose fragments never all arrived.
    FragmentsIncomplete {
        version: IpVersion,
        src: IpAddr,
        dst: IpAddr,
        id: u32,
        /// The frames of the fragments that did arrive, in capture order.
        frames: Vec<FrameNo>,
        received: u32,
        /// The datagram's length, once its last fragment has been seen.
        total: Option<u32>,
        /// The first fragment (offset 0, with the UDP/TCP header) arrived.
        has_first: bool,
    },
    /// A fragment whose data would reach past the largest IP datagram
    /// (65 535 bytes): it cannot belong to a valid datagram and was dropped.
    FragmentBeyondMaximum {
        version: IpVersion,
        src: IpAddr,
        dst: IpAddr,
        id: u32,
        frame: FrameNo,
        /// Where its data would end, in bytes from the start of the payload.
        end: u32,
    },
    /// A datagram rebuilt from fragments whose payload (a tunnel) cannot be
    /// decoded: what is inside it is lost.
    DatagramUndecodable {
        /// The frames of its fragments, in frame order.
        frames: Vec<FrameNo>,
        what: String,
    },
    /// The fragment table was full (datagrams or bytes): a datagram was dropped.
    FragmentTableFull { frame: FrameNo, what: &'static str },
    /// Fragments of SCTP user messages that never made a whole message (a
    /// chunk lost, given up after the gap timeout or for the byte cap).
    SctpIncomplete {
        flow: Flow,
        /// The frames of the fragments that did arrive.
        frames: Vec<FrameNo>,
        bytes: usize,
    },
    /// Ordered SCTP messages of a stream never seen (sequence numbers
    /// `missing`, SSN or I-DATA MID): the messages waiting behind them were
    /// delivered at `frame`'s decision.
    SctpGap {
        flow: Flow,
        stream: u16,
        missing: Range<u32>,
        frame: FrameNo,
        delivered: usize,
    },
    /// A bound of SCTP reassembly was hit (flow table, streams, bytes held).
    SctpBound {
        flow: Flow,
        frame: FrameNo,
        what: &'static str,
    },
    /// SIP signalling that sipdiag cannot read: TLS (RFC 3261 §26.3.1).
    Encrypted {
        flow: Flow,
        segments: u64,
        first_frame: FrameNo,
    },
    /// More TLS connections than the table lists: `flow` and later ones are
    /// counted (`tls_flows_not_listed`) but get no event of their own.
    TlsTableFull {
        flow: Flow,
        frame: FrameNo,
        cap: usize,
    },
    /// A WebSocket frame that cannot be decoded, or a message beyond the cap.
    WebSocketError {
        flow: Flow,
        frame: FrameNo,
        what: &'static str,
    },
}

impl ReassemblyEvent {
    /// The frame a user should look at first.
    pub fn frame(&self) -> FrameNo {
        match self {
            ReassemblyEvent::TcpGap {
                after_frame, frame, ..
            } => after_frame.unwrap_or(*frame),
            ReassemblyEvent::NoContentLength { frame, .. }
            | ReassemblyEvent::TcpOverlapConflict { frame, .. }
            | ReassemblyEvent::TcpOutOfWindow { frame, .. }
            | ReassemblyEvent::TcpIncomplete { frame, .. }
            | ReassemblyEvent::FlowBufferFull { frame, .. }
            | ReassemblyEvent::FlowTableFull { frame, .. }
            | ReassemblyEvent::FragmentTableFull { frame, .. }
            | ReassemblyEvent::FragmentBeyondMaximum { frame, .. }
            | ReassemblyEvent::WebSocketError { frame, .. }
            | ReassemblyEvent::SctpGap { frame, .. }
            | ReassemblyEvent::SctpBound { frame, .. }
            | ReassemblyEvent::TlsTableFull { frame, .. } => *frame,
            ReassemblyEvent::FragmentsIncomplete { frames, .. }
            | ReassemblyEvent::DatagramUndecodable { frames, .. }
            | ReassemblyEvent::SctpIncomplete { frames, .. } => {
                frames.first().copied().unwrap_or(FrameNo(0))
            }
            ReassemblyEvent::Encrypted { first_frame, .. } => *first_frame,
        }
    }

    /// A short stable name for the kind of event (JSON, tests).
    pub fn kind(&self) -> &'static str {
        match self {
            ReassemblyEvent::TcpGap { .. } => "tcp-gap",
            ReassemblyEvent::TcpOverlapConflict { .. } => "tcp-overlap-conflict",
            ReassemblyEvent::TcpOutOfWindow { .. } => "tcp-out-of-window",
            ReassemblyEvent::NoContentLength { .. } => "no-content-length",
            ReassemblyEvent::TcpIncomplete { .. } => "tcp-incomplete",
            ReassemblyEvent::FlowBufferFull { .. } => "flow-buffer-full",
            ReassemblyEvent::FlowTableFull { .. } => "flow-table-full",
            ReassemblyEvent::FragmentsIncomplete { .. } => "fragments-incomplete",
            ReassemblyEvent::FragmentTableFull { .. } => "fragment-table-full",
            ReassemblyEvent::DatagramUndecodable { .. } => "datagram-undecodable",
            ReassemblyEvent::FragmentBeyondMaximum { .. } => "fragment-beyond-maximum",
            ReassemblyEvent::Encrypted { .. } => "encrypted",
            ReassemblyEvent::SctpIncomplete { .. } => "sctp-incomplete",
            ReassemblyEvent::SctpGap { .. } => "sctp-gap",
            ReassemblyEvent::SctpBound { .. } => "sctp-bound",
            ReassemblyEvent::TlsTableFull { .. } => "tls-table-full",
            ReassemblyEvent::WebSocketError { .. } => "websocket-error",
        }
    }
}

impl fmt::Display for ReassemblyEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReassemblyEvent::TcpGap {
                flow,
                after_frame,
                frame,
                missing,
                bytes,
                resync_frame,
            } => {
                write!(f, "tcp {flow}: {bytes} bytes missing")?;
                match after_frame {
                    Some(after) => write!(f, " after frame {after}")?,
                    None => write!(f, " before frame {frame}")?,
                }
                write!(f, " (sequence numbers {}..{})", missing.start, missing.end)?;
                match resync_frame {
                    Some(r) => write!(f, "; resynchronised at frame {r}"),
                    None => write!(f, "; no SIP message start after it"),
                }
            }
            ReassemblyEvent::TcpOverlapConflict {
                flow,
                frame,
                range,
                bytes,
            } => write!(
                f,
                "tcp {flow}: frame {frame} repeats bytes already received with different content ({bytes} bytes, sequence numbers {}..{}); the first copy was kept",
                range.start, range.end
            ),
            ReassemblyEvent::TcpOutOfWindow {
                flow,
                frame,
                ahead,
                bytes,
            } => write!(
                f,
                "tcp {flow}: frame {frame} starts {ahead} bytes ahead of the stream, beyond any receive window, and the stream went on without it: its {bytes} bytes were ignored"
            ),
            ReassemblyEvent::NoContentLength {
                flow,
                frame,
                transport,
            } => write!(
                f,
                "{} {flow}: SIP message in frame {frame} has no valid Content-Length, mandatory on streams (RFC 3261 §18.3); its body cannot be delimited",
                transport.to_ascii_lowercase()
            ),
            ReassemblyEvent::TcpIncomplete { flow, frame, bytes } => write!(
                f,
                "tcp {flow}: stream ended inside a message: {bytes} bytes after frame {frame} never completed"
            ),
            ReassemblyEvent::FlowBufferFull { flow, frame, cap } => write!(
                f,
                "tcp {flow}: more than {cap} bytes buffered at frame {frame}; dropped, resynchronising at the next SIP message"
            ),
            ReassemblyEvent::FlowTableFull {
                evicted,
                frame,
                cap,
            } => write!(
                f,
                "tcp flow table full ({cap} flows) at frame {frame}: least recently used flow {evicted} dropped"
            ),
            ReassemblyEvent::FragmentsIncomplete {
                version,
                src,
                dst,
                id,
                frames,
                received,
                total,
                has_first,
            } => {
                let v = version_name(*version);
                write!(
                    f,
                    "{v} {src} → {dst} id {id}: datagram never completed, {received}"
                )?;
                match total {
                    Some(t) => write!(f, " of {t} bytes")?,
                    None => write!(f, " bytes (last fragment missing)")?,
                }
                write!(f, " in frame")?;
                if frames.len() > 1 {
                    write!(f, "s")?;
                }
                for (i, fr) in frames.iter().enumerate() {
                    write!(f, "{}{fr}", if i == 0 { " " } else { ", " })?;
                }
                if *has_first {
                    write!(
                        f,
                        "; a capture filter on ports keeps only first fragments (non-first ones carry no port)"
                    )?;
                }
                Ok(())
            }
            ReassemblyEvent::FragmentBeyondMaximum {
                version,
                src,
                dst,
                id,
                frame,
                end,
            } => write!(
                f,
                "{} {src} → {dst} id {id}: fragment in frame {frame} reaches byte {end}, past the largest IP datagram (65535 bytes); dropped",
                version_name(*version)
            ),
            ReassemblyEvent::DatagramUndecodable { frames, what } => {
                write!(f, "ip datagram rebuilt from frame")?;
                if frames.len() > 1 {
                    write!(f, "s")?;
                }
                for (i, fr) in frames.iter().enumerate() {
                    write!(f, "{}{fr}", if i == 0 { " " } else { ", " })?;
                }
                write!(f, " cannot be decoded: {what}")
            }
            ReassemblyEvent::FragmentTableFull { frame, what } => write!(
                f,
                "ip fragment table full ({what}) at frame {frame}: a datagram was dropped"
            ),
            ReassemblyEvent::Encrypted {
                flow,
                segments,
                first_frame,
            } => write!(
                f,
                "tls {flow}: SIP signalling seen but encrypted ({segments} segments from frame {first_frame}); it cannot be analysed"
            ),
            ReassemblyEvent::SctpIncomplete {
                flow,
                frames,
                bytes,
            } => {
                write!(
                    f,
                    "sctp {flow}: {bytes} bytes of a split user message never completed, in frame"
                )?;
                if frames.len() > 1 {
                    write!(f, "s")?;
                }
                for (i, fr) in frames.iter().enumerate() {
                    write!(f, "{}{fr}", if i == 0 { " " } else { ", " })?;
                }
                Ok(())
            }
            ReassemblyEvent::SctpGap {
                flow,
                stream,
                missing,
                frame,
                delivered,
            } => write!(
                f,
                "sctp {flow}: stream {stream} messages {}..{} never seen; {delivered} waiting behind them delivered at frame {frame}",
                missing.start, missing.end
            ),
            ReassemblyEvent::SctpBound { flow, frame, what } => {
                write!(f, "sctp {flow}: at frame {frame}, {what}")
            }
            ReassemblyEvent::TlsTableFull { flow, frame, cap } => write!(
                f,
                "tls flow table full ({cap} connections) at frame {frame}: {flow} and later encrypted connections are only counted"
            ),
            ReassemblyEvent::WebSocketError { flow, frame, what } => {
                write!(f, "ws {flow}: {what} at frame {frame}")
            }
        }
    }
}

fn version_name(version: IpVersion) -> &'static str {
    match version {
        IpVersion::V4 => "ipv4",
        IpVersion::V6 => "ipv6",
    }
}
