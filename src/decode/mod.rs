//! Decode stage: zero-copy views of a frame's link, IP, UDP and TCP layers.
//!
//! [`decode`] turns a captured frame into one of three things:
//!
//! - a [`Packet`]: addresses, ports, TCP sequence data and the transport
//!   payload, borrowed from the frame;
//! - a [`Fragment`] of an IPv4 or IPv6 datagram, for the reassembly stage;
//! - [`Skipped`](Decoded::Skipped): something that cannot carry SIP over UDP
//!   or TCP (ARP, ICMP, LLDP, ...). That is normal traffic, not a problem.
//!
//! Anything that cannot be decoded becomes a [`DecodeIssue`] naming the frame,
//! the layer and the byte offset where decoding stopped. A frame cut by the
//! capture's snap length still yields what was captured, marked `truncated`.
//!
//! Link types: Ethernet (with 802.1Q and QinQ tags), Linux cooked capture v1
//! and v2 (`tcpdump -i any`), raw IP (link types 101, 12, 14, 228, 229) and
//! BSD/OpenBSD loopback (0, 108). Slicing is done by etherparse's lax slicer,
//! which keeps the layers decoded before a cut.
//!
//! Tunnels (IP-in-IP, GRE, ERSPAN, MPLS, VXLAN) are opened by [`tunnel`]: the
//! packet inside is decoded like a plain one.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use etherparse::err::packet::SliceError;
use etherparse::err::{Layer as EpLayer, LenError};
use etherparse::{
    EtherType, IpNumber, Ipv6ExtensionSlice, LaxIpPayloadSlice, LaxNetSlice, LaxSlicedPacket,
    LenSource, TransportSlice, ether_type, ip_number,
};

use crate::capture::{FrameNo, FrameRef, Linktype};

mod fast;
pub mod sctp;
#[cfg(test)]
mod tests;
pub mod tunnel;

use tunnel::Enclosing;

/// A UDP datagram or TCP segment, borrowed from its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub transport: Transport,
    /// The transport payload: a UDP payload bounded by the UDP length, or a
    /// TCP segment's data.
    pub payload: &'a [u8],
    /// The outermost 802.1Q VLAN id, if the frame is tagged. Inside a tunnel
    /// that carries Ethernet (ERSPAN, VXLAN), the tag of the innermost tagged
    /// frame: the mirrored packet's VLAN, not the monitoring network's.
    pub vlan: Option<u16>,
    /// The capture's snap length cut the frame, and the headers claim more
    /// payload than it holds: `payload` is what was captured.
    pub truncated: bool,
    /// A length field of a frame the capture kept whole that disagrees with
    /// the bytes there are: `payload` is what the frame holds.
    pub lie: Option<LengthLie>,
}

/// A length field that disagrees with a whole frame (not one the snap length
/// cut): the bytes there are were read instead of what it claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthLie {
    pub field: LengthField,
    /// Byte offset in the frame of the header that holds the field.
    pub offset: usize,
    pub claimed: usize,
    /// The bytes the frame holds for what the field measures.
    pub holds: usize,
    /// The header the field must at least cover.
    pub floor: usize,
}

/// Which length field lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthField {
    Ipv4TotalLength,
    Ipv6PayloadLength,
    UdpLength,
}

impl LengthLie {
    /// The layer whose header holds the field.
    pub fn layer(&self) -> Layer {
        match self.field {
            LengthField::Ipv4TotalLength | LengthField::Ipv6PayloadLength => Layer::Ip,
            LengthField::UdpLength => Layer::Udp,
        }
    }

    /// The issue it is, for `frame`.
    pub fn issue(&self, frame: FrameNo) -> DecodeIssue {
        DecodeIssue {
            frame,
            layer: self.layer(),
            offset: self.offset,
            what: self.to_string(),
        }
    }
}

impl fmt::Display for LengthLie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.field {
            LengthField::Ipv4TotalLength => "IPv4 total length",
            LengthField::Ipv6PayloadLength => "IPv6 payload length",
            LengthField::UdpLength => "UDP length",
        };
        let Self {
            claimed,
            holds,
            floor,
            ..
        } = *self;
        if claimed < floor {
            write!(
                f,
                "{name} {claimed} is less than its {floor}-byte header: ignored, the {holds} bytes there are were read"
            )
        } else {
            write!(
                f,
                "{name} {claimed} exceeds the {holds} bytes there are, in a frame the capture kept whole: the {holds} bytes were read"
            )
        }
    }
}

/// The transport protocol of a [`Packet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp(TcpInfo),
}

/// What TCP stream reassembly needs from a segment's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpInfo {
    pub seq: u32,
    pub ack: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
    /// The ACK flag: `ack` is meaningful.
    pub has_ack: bool,
}

/// IP version of a [`Fragment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpVersion {
    V4,
    V6,
}

/// One fragment of an IP datagram (RFC 791 §2.3, RFC 8200 §4.5), to be put
/// back together by the reassembly stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment<'a> {
    pub version: IpVersion,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The datagram's identification (16 bits for IPv4, 32 for IPv6).
    pub id: u32,
    /// Where this fragment's data goes, in 8-byte units as in the header.
    pub offset: u16,
    pub more_fragments: bool,
    /// The protocol of the reassembled payload (17 UDP, 6 TCP, ...).
    pub protocol: u8,
    /// This fragment's share of the datagram: for IPv6, everything after the
    /// Fragment header.
    pub payload: &'a [u8],
    pub vlan: Option<u16>,
    /// The frame holds less of this fragment than the IP header claims.
    pub truncated: bool,
}

impl Fragment<'_> {
    /// Where this fragment's data goes, in bytes.
    pub fn byte_offset(&self) -> u32 {
        u32::from(self.offset) * 8
    }
}

/// What a frame turned out to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded<'a> {
    Packet(Packet<'a>),
    Fragment(Fragment<'a>),
    /// An SCTP packet (IP protocol 132), for SIP over SCTP (RFC 4168).
    Sctp(sctp::SctpPacket<'a>),
    Skipped(Skip),
}

/// Why a frame carries nothing for SIP over UDP or TCP. Not a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The link layer carries something other than IP (ARP, LLDP, STP, ...).
    NotIp { ether_type: u16 },
    /// A loopback frame of an address family other than IPv4 or IPv6.
    AddressFamily(u32),
    /// IP carrying another protocol than UDP or TCP (ICMP, ESP, SCTP, ...).
    OtherProtocol { protocol: u8 },
}

/// The layer at which decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Link,
    Ip,
    Udp,
    Tcp,
    /// A tunnel header: GRE, ERSPAN, MPLS, VXLAN, or one tunnel too many.
    Tunnel,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Link => "link",
            Layer::Ip => "IP",
            Layer::Udp => "UDP",
            Layer::Tcp => "TCP",
            Layer::Tunnel => "tunnel",
        })
    }
}

/// A frame that could not be decoded, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeIssue {
    pub frame: FrameNo,
    pub layer: Layer,
    /// Byte offset in the frame where the failing layer starts.
    pub offset: usize,
    /// What is wrong, one lowercase line.
    pub what: String,
}

impl fmt::Display for DecodeIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "frame {}: {} layer at byte {}: {}",
            self.frame, self.layer, self.offset, self.what
        )
    }
}

impl std::error::Error for DecodeIssue {}

const LINUX_SLL_LEN: usize = 16;
const LINUX_SLL2_LEN: usize = 20;
const LOOPBACK_LEN: usize = 4;
const AF_INET: u32 = 2;
/// AF_INET6 as NetBSD/OpenBSD, FreeBSD and macOS number it.
const AF_INET6: [u32; 3] = [24, 28, 30];

/// Decode one frame. Never panics, whatever the bytes.
pub fn decode<'a>(frame: &FrameRef<'a>) -> Result<Decoded<'a>, DecodeIssue> {
    // Plain Ethernet/IPv4/UDP or TCP, most of any capture, is read directly.
    if frame.linktype == Linktype::ETHERNET
        && let Some(decoded) = fast::ethernet_ipv4(frame.data)
    {
        return Ok(decoded);
    }
    decode_sliced(frame)
}

/// [`decode`] through etherparse's lax slicer: every link type and layer.
fn decode_sliced<'a>(frame: &FrameRef<'a>) -> Result<Decoded<'a>, DecodeIssue> {
    let data = frame.data;
    let issue = |layer, offset, what: String| DecodeIssue {
        frame: frame.number,
        layer,
        offset,
        what,
    };
    let (sliced, base) = match frame.linktype {
        Linktype::ETHERNET => match LaxSlicedPacket::from_ethernet(data) {
            Ok(sliced) => (sliced, 0),
            Err(e) => return Err(issue(Layer::Link, 0, describe_len(&e))),
        },
        Linktype::LINUX_SLL => {
            let (proto, rest) = cooked(data, LINUX_SLL_LEN, 14)
                .ok_or_else(|| issue(Layer::Link, 0, short_link("Linux cooked v1", 16, data)))?;
            (LaxSlicedPacket::from_ether_type(proto, rest), LINUX_SLL_LEN)
        }
        Linktype::LINUX_SLL2 => {
            let (proto, rest) = cooked(data, LINUX_SLL2_LEN, 0)
                .ok_or_else(|| issue(Layer::Link, 0, short_link("Linux cooked v2", 20, data)))?;
            (
                LaxSlicedPacket::from_ether_type(proto, rest),
                LINUX_SLL2_LEN,
            )
        }
        Linktype::NULL | Linktype::LOOP => {
            let (Some(head), Some(rest)) = (data.get(..LOOPBACK_LEN), data.get(LOOPBACK_LEN..))
            else {
                return Err(issue(Layer::Link, 0, short_link("loopback", 4, data)));
            };
            let family = address_family(head, frame.linktype == Linktype::LOOP);
            let proto = if family == AF_INET {
                ether_type::IPV4
            } else if AF_INET6.contains(&family) {
                ether_type::IPV6
            } else {
                return Ok(Decoded::Skipped(Skip::AddressFamily(family)));
            };
            (LaxSlicedPacket::from_ether_type(proto, rest), LOOPBACK_LEN)
        }
        Linktype::RAW | Linktype::RAW_12 | Linktype::RAW_14 | Linktype::IPV4 | Linktype::IPV6 => {
            let proto = match data.first().map(|b| b >> 4) {
                Some(4) => ether_type::IPV4,
                Some(6) => ether_type::IPV6,
                Some(version) => {
                    return Err(issue(
                        Layer::Ip,
                        0,
                        format!("unsupported IP version {version}"),
                    ));
                }
                None => return Err(issue(Layer::Ip, 0, "empty frame".to_string())),
            };
            (LaxSlicedPacket::from_ether_type(proto, data), 0)
        }
        other => {
            return Err(issue(
                Layer::Link,
                0,
                format!("unsupported link type {}", other.0),
            ));
        }
    };
    interpret(frame, &sliced, base, Enclosing::default())
}

/// Turn etherparse's slices into sipdiag's view. `base` is where the slice
/// handed to etherparse starts in the frame; `enclosing` tells which tunnels
/// it is inside.
fn interpret<'a>(
    frame: &FrameRef<'a>,
    sliced: &LaxSlicedPacket<'a>,
    base: usize,
    enclosing: Enclosing,
) -> Result<Decoded<'a>, DecodeIssue> {
    let data = frame.data;
    let issue = |layer, offset, what: String| DecodeIssue {
        frame: frame.number,
        layer,
        offset,
        what,
    };
    // Where the network layer starts: after the link header and any VLAN tags.
    let net_start = sliced
        .ether_payload()
        .and_then(|p| offset_in(data, p.payload))
        .unwrap_or(base);
    let stop_issue = |(err, layer): &(SliceError, EpLayer), fallback_offset: usize| {
        let layer = our_layer(*layer).unwrap_or(Layer::Ip);
        match err {
            SliceError::Len(e) => issue(
                layer,
                base.saturating_add(e.layer_start_offset),
                describe_len(e),
            ),
            other => issue(layer, fallback_offset, describe_content(other)),
        }
    };
    let vlan = sliced
        .vlan_ids()
        .first()
        .map(|id| id.value())
        .or(enclosing.vlan);
    let enclosing = Enclosing { vlan, ..enclosing };

    let mut ip_lie = None;
    let (src, dst, payload, fragment) = match &sliced.net {
        None => {
            if let Some(stop) = &sliced.stop_err
                && our_layer(stop.1).is_some()
            {
                return Err(stop_issue(stop, net_start));
            }
            let ether = sliced.ether_payload();
            if let Some(p) = &ether
                && let Some(opening) = tunnel::open_ether(p.ether_type, p.payload)
            {
                return tunnel::enter(frame, opening, p.payload, enclosing);
            }
            let ether_type = ether.map_or(0, |p| p.ether_type.0);
            return Ok(Decoded::Skipped(Skip::NotIp { ether_type }));
        }
        Some(LaxNetSlice::Arp(_)) => {
            return Ok(Decoded::Skipped(Skip::NotIp {
                ether_type: ether_type::ARP.0,
            }));
        }
        Some(LaxNetSlice::Ipv4(ip)) => {
            let header = ip.header();
            let payload = ip.payload();
            if let Some(start) = offset_in(data, header.slice()) {
                ip_lie = length_lie(
                    frame,
                    LengthField::Ipv4TotalLength,
                    start,
                    usize::from(header.total_len()),
                    data.len() - start,
                    header.slice().len(),
                );
            }
            let fragment = payload.fragmented.then(|| {
                // The fragment's data starts right after the IPv4 header (the
                // lax slicer would skip an authentication header here, which
                // only the first fragment has).
                let start = offset_in(data, header.slice()).map(|s| s + header.slice().len());
                Fragment {
                    version: IpVersion::V4,
                    src: IpAddr::V4(header.source_addr()),
                    dst: IpAddr::V4(header.destination_addr()),
                    id: u32::from(header.identification()),
                    offset: header.fragments_offset().value(),
                    more_fragments: header.more_fragments(),
                    protocol: header.protocol().0,
                    payload: tail_from(data, start, payload),
                    vlan,
                    truncated: payload.incomplete,
                }
            });
            (
                IpAddr::V4(header.source_addr()),
                IpAddr::V4(header.destination_addr()),
                payload,
                fragment,
            )
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let header = ip.header();
            let payload = ip.payload();
            // A payload length of 0 announces a jumbogram (RFC 2675).
            if let Some(start) = offset_in(data, header.slice())
                && header.payload_length() > 0
            {
                ip_lie = length_lie(
                    frame,
                    LengthField::Ipv6PayloadLength,
                    start,
                    usize::from(header.payload_length()),
                    (data.len() - start).saturating_sub(header.slice().len()),
                    0,
                );
            }
            let fragment = if payload.fragmented {
                ip.extensions()
                    .clone()
                    .into_iter()
                    .find_map(|ext| match ext {
                        Ipv6ExtensionSlice::Fragment(frag) if frag.is_fragmenting_payload() => {
                            let start =
                                offset_in(data, frag.slice()).map(|s| s + frag.slice().len());
                            Some(Fragment {
                                version: IpVersion::V6,
                                src: IpAddr::V6(header.source_addr()),
                                dst: IpAddr::V6(header.destination_addr()),
                                id: frag.identification(),
                                offset: frag.fragment_offset().value(),
                                more_fragments: frag.more_fragments(),
                                protocol: frag.next_header().0,
                                payload: tail_from(data, start, payload),
                                vlan,
                                truncated: payload.incomplete,
                            })
                        }
                        _ => None,
                    })
            } else {
                None
            };
            (
                IpAddr::V6(header.source_addr()),
                IpAddr::V6(header.destination_addr()),
                payload,
                fragment,
            )
        }
    };
    if let Some(fragment) = fragment {
        return Ok(Decoded::Fragment(fragment));
    }
    let transport_start = offset_in(data, payload.payload).unwrap_or(net_start);
    let stopped_in_ip = sliced
        .stop_err
        .as_ref()
        .filter(|(_, layer)| our_layer(*layer) == Some(Layer::Ip));
    if let Some(stop) = stopped_in_ip {
        return Err(stop_issue(stop, net_start));
    }
    if let Some(opening) = tunnel::open_ip(payload.ip_number, payload.payload) {
        return tunnel::enter(frame, opening, payload.payload, enclosing);
    }
    let protocol: IpNumber = payload.ip_number;
    if protocol == ip_number::SCTP {
        return sctp::parse(src, dst, payload.payload, vlan, payload.incomplete)
            .map(Decoded::Sctp)
            .map_err(|what| issue(Layer::Ip, transport_start, what));
    }
    if protocol != ip_number::UDP && protocol != ip_number::TCP {
        return Ok(Decoded::Skipped(Skip::OtherProtocol {
            protocol: protocol.0,
        }));
    }
    if let Some(stop) = &sliced.stop_err {
        return Err(stop_issue(stop, transport_start));
    }
    match &sliced.transport {
        Some(TransportSlice::Udp(udp)) => {
            if let Some(opening) = tunnel::open_udp(udp.destination_port(), udp.payload()) {
                return tunnel::enter(frame, opening, udp.payload(), enclosing);
            }
            let claimed = usize::from(udp.length());
            let cut = claimed >= 8 && claimed > udp.slice().len();
            // The IP packet is whole but ends with the UDP header: its
            // length fields disagree and there is nothing to read. Said,
            // rather than dropped as an empty datagram.
            if cut && !payload.incomplete && udp.payload().is_empty() {
                return Err(issue(
                    Layer::Udp,
                    transport_start,
                    format!(
                        "UDP length {claimed} exceeds the {} bytes its IP packet holds: no payload left to read",
                        udp.slice().len()
                    ),
                ));
            }
            // The UDP length against the datagram's bytes (RFC 768): more than
            // a whole frame holds, or less than its header. Less than the IP
            // payload is padding after the datagram, as some stacks leave it.
            let udp_lie = || {
                length_lie(
                    frame,
                    LengthField::UdpLength,
                    transport_start,
                    claimed,
                    udp.slice().len(),
                    8,
                )
            };
            Ok(Decoded::Packet(Packet {
                src: SocketAddr::new(src, udp.source_port()),
                dst: SocketAddr::new(dst, udp.destination_port()),
                transport: Transport::Udp,
                payload: udp.payload(),
                vlan,
                truncated: (payload.incomplete || cut) && frame.is_cut(),
                lie: ip_lie.or_else(udp_lie),
            }))
        }
        Some(TransportSlice::Tcp(tcp)) => Ok(Decoded::Packet(Packet {
            src: SocketAddr::new(src, tcp.source_port()),
            dst: SocketAddr::new(dst, tcp.destination_port()),
            transport: Transport::Tcp(TcpInfo {
                seq: tcp.sequence_number(),
                ack: tcp.acknowledgment_number(),
                syn: tcp.syn(),
                fin: tcp.fin(),
                rst: tcp.rst(),
                psh: tcp.psh(),
                has_ack: tcp.ack(),
            }),
            payload: tcp.payload(),
            vlan,
            truncated: payload.incomplete && frame.is_cut(),
            lie: ip_lie,
        })),
        _ => Err(issue(
            if protocol == ip_number::UDP {
                Layer::Udp
            } else {
                Layer::Tcp
            },
            transport_start,
            "transport header missing".to_string(),
        )),
    }
}

/// A Linux cooked header of `len` bytes with the protocol at `proto_at`:
/// the EtherType and what follows the header.
fn cooked(data: &[u8], len: usize, proto_at: usize) -> Option<(EtherType, &[u8])> {
    let proto = data.get(proto_at..proto_at.checked_add(2)?)?;
    let proto = u16::from_be_bytes(proto.try_into().ok()?);
    Some((EtherType(proto), data.get(len..)?))
}

/// The address family of a loopback header. LOOP (108) writes it in network
/// byte order; NULL (0) in the capturing host's, which is unknown: a value
/// that only makes sense byte-swapped is swapped.
fn address_family(head: &[u8], network_order: bool) -> u32 {
    let bytes: [u8; 4] = head.try_into().unwrap_or_default();
    let value = if network_order {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    };
    if value > 0xFFFF {
        value.swap_bytes()
    } else {
        value
    }
}

/// Where `part` (a subslice of `frame`) starts in `frame`.
fn offset_in(frame: &[u8], part: &[u8]) -> Option<usize> {
    let offset = (part.as_ptr() as usize).checked_sub(frame.as_ptr() as usize)?;
    (offset.checked_add(part.len())? <= frame.len()).then_some(offset)
}

/// A length field at `offset` that claims `claimed` bytes where there are
/// `holds` (and must cover a `floor`-byte header): a lie when it is below the
/// header, or beyond the bytes of a frame the capture did not cut (a cut frame
/// is `truncated` instead). Fewer than there are is link padding.
fn length_lie(
    frame: &FrameRef<'_>,
    field: LengthField,
    offset: usize,
    claimed: usize,
    holds: usize,
    floor: usize,
) -> Option<LengthLie> {
    (claimed < floor || (claimed > holds && !frame.is_cut())).then_some(LengthLie {
        field,
        offset,
        claimed,
        holds,
        floor,
    })
}

/// The bytes of `frame` from `start` to the end of the IP payload.
fn tail_from<'a>(frame: &'a [u8], start: Option<usize>, ip: &LaxIpPayloadSlice<'a>) -> &'a [u8] {
    let end = offset_in(frame, ip.payload).map(|s| s + ip.payload.len());
    match (start, end) {
        (Some(start), Some(end)) => frame.get(start..end).unwrap_or_default(),
        _ => ip.payload,
    }
}

/// sipdiag's layer for one of etherparse's; `None` for transports sipdiag
/// does not decode (ICMP, IGMP), whose errors are not sipdiag's concern.
fn our_layer(layer: EpLayer) -> Option<Layer> {
    Some(match layer {
        EpLayer::LinuxSllHeader
        | EpLayer::Ethernet2Header
        | EpLayer::EtherPayload
        | EpLayer::VlanHeader
        | EpLayer::MacsecHeader
        | EpLayer::MacsecPacket => Layer::Link,
        EpLayer::UdpHeader | EpLayer::UdpPayload => Layer::Udp,
        EpLayer::TcpHeader => Layer::Tcp,
        EpLayer::Icmpv4
        | EpLayer::Icmpv4Timestamp
        | EpLayer::Icmpv4TimestampReply
        | EpLayer::Icmpv6
        | EpLayer::Igmp
        | EpLayer::Arp => return None,
        _ => Layer::Ip,
    })
}

fn short_link(name: &str, needed: usize, data: &[u8]) -> String {
    format!(
        "{name} header needs {needed} bytes, only {} captured",
        data.len()
    )
}

fn describe_len(e: &LenError) -> String {
    let source = match e.len_source {
        LenSource::Slice => {
            return format!(
                "{} needs {} bytes, only {} captured",
                e.layer, e.required_len, e.len
            );
        }
        LenSource::Ipv4HeaderTotalLen => "IPv4 total length",
        LenSource::Ipv6HeaderPayloadLen => "IPv6 payload length",
        LenSource::UdpHeaderLen => "UDP length",
        LenSource::TcpHeaderLen => "TCP data offset",
        _ => "a length field",
    };
    format!(
        "{} needs {} bytes, but the {source} leaves {}",
        e.layer, e.required_len, e.len
    )
}

fn describe_content(e: &SliceError) -> String {
    use etherparse::err::{ip, ip_auth, ipv4, ipv6, ipv6_exts, tcp};
    match e {
        SliceError::Len(l) => describe_len(l),
        SliceError::Ip(ip::HeaderError::UnsupportedIpVersion { version_number })
        | SliceError::Ipv4(ipv4::HeaderError::UnexpectedVersion { version_number })
        | SliceError::Ipv6(ipv6::HeaderError::UnexpectedVersion { version_number }) => {
            format!("unsupported IP version {version_number}")
        }
        SliceError::Ip(ip::HeaderError::Ipv4HeaderLengthSmallerThanHeader { ihl })
        | SliceError::Ipv4(ipv4::HeaderError::HeaderLengthSmallerThanHeader { ihl }) => {
            format!("IPv4 header length {ihl} is below the minimum of 5")
        }
        SliceError::Tcp(tcp::HeaderError::DataOffsetTooSmall { data_offset }) => {
            format!("TCP data offset {data_offset} is below the minimum of 5")
        }
        SliceError::Ipv6Exts(ipv6_exts::HeaderError::HopByHopNotAtStart) => {
            "IPv6 hop-by-hop options header is not the first extension header".to_string()
        }
        SliceError::Ipv4Exts(ip_auth::HeaderError::ZeroPayloadLen)
        | SliceError::Ipv6Exts(ipv6_exts::HeaderError::IpAuth(
            ip_auth::HeaderError::ZeroPayloadLen,
        )) => "IP authentication header has a zero payload length".to_string(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_lowercase().chain(chars).collect::<String>()
            })
        }
    }
}
