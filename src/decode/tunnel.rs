//! Tunnels: IP-in-IP, GRE, ERSPAN, MPLS and VXLAN.
//!
//! Captures from real networks often hold SIP inside something else: a port
//! mirror ships whole Ethernet frames to the capture host in GRE (ERSPAN), a
//! provider core labels packets with MPLS, an overlay network wraps frames in
//! VXLAN, a VPN puts IP in IP or in GRE. Each function here reads one tunnel
//! header and says what it wraps; the decoder then slices the inner packet like
//! any other frame, so a SIP message inside a tunnel is reported with its own
//! (inner) addresses and ports, and an inner IP fragment is a
//! [`Decoded::Fragment`] as usual. [`decode_reassembled`] does the same for
//! the payload of an outer datagram that the reassembly stage put back
//! together from IP fragments.
//!
//! What is opened:
//!
//! - IP-in-IP: IPv4 protocol 4 and IPv6 protocol 41, in IPv4 or IPv6
//!   (RFC 2003, RFC 4213 §3.5, RFC 2473);
//! - GRE version 0 with the checksum, key and sequence number fields
//!   (RFC 2784, RFC 2890) carrying IPv4, IPv6, Transparent Ethernet Bridging
//!   (0x6558), MPLS (RFC 4023) or ERSPAN;
//! - ERSPAN type I (GRE 0x88BE without sequence number: Ethernet follows the
//!   GRE header), type II (GRE 0x88BE with sequence number, 8-byte header) and
//!   type III (GRE 0x22EB, 12-byte header plus the 8-byte platform-specific
//!   subheader when its O bit is set; Ethernet or IP frames);
//! - MPLS label stacks (RFC 3032) up to [`MAX_MPLS_LABELS`] entries, on
//!   Ethernet (0x8847, 0x8848), in GRE or in IP (protocol 137): IPv4 or IPv6
//!   by the first nibble after the bottom of the stack, or an Ethernet
//!   pseudowire after a control word (first nibble 0, RFC 4448 §3);
//! - VXLAN (RFC 7348) on UDP destination port 4789.
//!
//! At most [`MAX_TUNNEL_DEPTH`] tunnels are opened in one frame; one more is a
//! [`DecodeIssue`] at the [`Layer::Tunnel`] layer, at the offset where that
//! tunnel starts (its GRE, MPLS or VXLAN header; for IP-in-IP the inner IP
//! header). A tunnel header cut short or unreadable is a [`Layer::Tunnel`]
//! issue at the offset of the part that is cut (the GRE header, the ERSPAN
//! header or its platform subheader, the MPLS label stack entry). A tunnel that carries something sipdiag does not decode (PPTP's
//! enhanced GRE, GRE keep-alives, an MPLS payload that is neither IP nor an
//! Ethernet pseudowire) is skipped, like any other non-SIP traffic.

use etherparse::{EtherType, IpNumber, LaxSlicedPacket, ether_type, ip_number};

use super::{DecodeIssue, Decoded, Layer, Skip, describe_len, interpret, offset_in};
use crate::capture::{FrameNo, FrameRef, Linktype, Timestamp};

/// Most tunnels opened inside one another in a frame.
pub const MAX_TUNNEL_DEPTH: usize = 4;
/// Most MPLS label stack entries read before the bottom of the stack.
pub const MAX_MPLS_LABELS: usize = 16;
/// The UDP destination port of VXLAN (RFC 7348 §5).
pub const VXLAN_PORT: u16 = 4789;

const GRE_CHECKSUM: u8 = 0x80;
const GRE_ROUTING: u8 = 0x40;
const GRE_KEY: u8 = 0x20;
const GRE_SEQUENCE: u8 = 0x10;
const GRE_VERSION: u8 = 0x07;

/// Transparent Ethernet Bridging: an Ethernet frame follows.
const TEB: u16 = 0x6558;
/// ERSPAN types I and II.
const ERSPAN_I_II: u16 = 0x88BE;
const ERSPAN_III: u16 = 0x22EB;
const MPLS_UNICAST: u16 = 0x8847;
const MPLS_MULTICAST: u16 = 0x8848;
const MPLS_IN_IP: IpNumber = IpNumber(137);

const ERSPAN_II_LEN: usize = 8;
const ERSPAN_III_LEN: usize = 12;
const ERSPAN_III_PLATFORM_LEN: usize = 8;
const VXLAN_LEN: usize = 8;
const VXLAN_FLAG_I: u8 = 0x08;
/// The flags bits that must be zero in VXLAN (RFC 7348 §5) and its group
/// policy extension (which adds 0x80): they keep a SIP message sent to port
/// 4789 (an ASCII letter first) from passing for VXLAN.
const VXLAN_RESERVED_FLAGS: u8 = 0x77;

/// What one tunnel header wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Inner<'a> {
    /// An Ethernet frame (GRE bridging, ERSPAN, VXLAN, MPLS pseudowire).
    Ethernet(&'a [u8]),
    /// A packet of this EtherType (IPv4 or IPv6).
    Packet(EtherType, &'a [u8]),
}

/// The result of reading one tunnel header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opened<'a> {
    Inner(Inner<'a>),
    /// The tunnel carries something sipdiag does not decode.
    Skip(Skip),
}

/// A tunnel header that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Broken {
    /// Where the broken part starts, from the start of the tunnel header.
    pub at: usize,
    pub what: String,
}

impl Broken {
    /// The same problem, for a header that starts `by` bytes later.
    fn shifted(self, by: usize) -> Broken {
        Broken {
            at: self.at.saturating_add(by),
            what: self.what,
        }
    }
}

type Opening<'a> = Result<Opened<'a>, Broken>;

/// The tunnels that enclose the layers being sliced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Enclosing {
    /// Tunnels opened so far.
    pub depth: usize,
    /// The VLAN id of the innermost tagged Ethernet frame so far.
    pub vlan: Option<u16>,
}

/// The tunnel an IP payload of `protocol` starts, if it is one.
pub(super) fn open_ip(protocol: IpNumber, payload: &[u8]) -> Option<Opening<'_>> {
    Some(match protocol {
        ip_number::IPV4 => Ok(Opened::Inner(Inner::Packet(ether_type::IPV4, payload))),
        ip_number::IPV6 => Ok(Opened::Inner(Inner::Packet(ether_type::IPV6, payload))),
        ip_number::GRE => gre(payload),
        MPLS_IN_IP => mpls(payload),
        _ => return None,
    })
}

/// The tunnel a link-layer payload of `ether_type` starts (MPLS), if it is one.
pub(super) fn open_ether(ether_type: EtherType, payload: &[u8]) -> Option<Opening<'_>> {
    matches!(ether_type.0, MPLS_UNICAST | MPLS_MULTICAST).then(|| mpls(payload))
}

/// The tunnel a UDP payload sent to `dst_port` starts (VXLAN), if it is one.
/// A payload that does not look like VXLAN stays a UDP payload.
pub(super) fn open_udp(dst_port: u16, payload: &[u8]) -> Option<Opening<'_>> {
    if dst_port != VXLAN_PORT {
        return None;
    }
    let flags = *payload.first()?;
    if flags & VXLAN_FLAG_I == 0 || flags & VXLAN_RESERVED_FLAGS != 0 {
        return None;
    }
    Some(match payload.get(VXLAN_LEN..) {
        Some(inner) => Ok(Opened::Inner(Inner::Ethernet(inner))),
        None => Err(short("VXLAN header", VXLAN_LEN, payload.len(), 0)),
    })
}

/// A GRE header (RFC 2784, with the key and sequence number of RFC 2890).
fn gre<'a>(p: &'a [u8]) -> Opening<'a> {
    let Some(&[flags, version, proto_hi, proto_lo]) = p.get(..4) else {
        return Err(short("GRE header", 4, p.len(), 0));
    };
    if version & GRE_VERSION != 0 {
        // Version 1 is PPTP's enhanced GRE (RFC 2637), which carries PPP.
        return Ok(Opened::Skip(Skip::OtherProtocol {
            protocol: ip_number::GRE.0,
        }));
    }
    if flags & GRE_ROUTING != 0 {
        return Err(Broken {
            at: 0,
            what: "GRE source routing (RFC 1701) is not decoded".to_string(),
        });
    }
    let words = 1
        + usize::from(flags & GRE_CHECKSUM != 0)
        + usize::from(flags & GRE_KEY != 0)
        + usize::from(flags & GRE_SEQUENCE != 0);
    let len = words * 4;
    let Some(rest) = p.get(len..) else {
        return Err(short(&gre_name(flags), len, p.len(), 0));
    };
    let protocol = u16::from_be_bytes([proto_hi, proto_lo]);
    let within = |r: Opening<'a>| r.map_err(|b| b.shifted(len));
    match protocol {
        0x0800 => Ok(Opened::Inner(Inner::Packet(ether_type::IPV4, rest))),
        0x86DD => Ok(Opened::Inner(Inner::Packet(ether_type::IPV6, rest))),
        TEB => Ok(Opened::Inner(Inner::Ethernet(rest))),
        MPLS_UNICAST | MPLS_MULTICAST => within(mpls(rest)),
        // Type I has no ERSPAN header and no sequence number.
        ERSPAN_I_II if flags & GRE_SEQUENCE == 0 => Ok(Opened::Inner(Inner::Ethernet(rest))),
        ERSPAN_I_II | ERSPAN_III => within(erspan(rest)),
        other => Ok(Opened::Skip(Skip::NotIp { ether_type: other })),
    }
}

/// "GRE header with checksum, key and sequence number", for messages.
fn gre_name(flags: u8) -> String {
    let fields: Vec<&str> = [
        (GRE_CHECKSUM, "checksum"),
        (GRE_KEY, "key"),
        (GRE_SEQUENCE, "sequence number"),
    ]
    .into_iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| name)
    .collect();
    match fields.split_last() {
        None => "GRE header".to_string(),
        Some((last, [])) => format!("GRE header with {last}"),
        Some((last, rest)) => format!("GRE header with {} and {last}", rest.join(", ")),
    }
}

/// An ERSPAN type II or III header, by its version field (1 or 2).
fn erspan(p: &[u8]) -> Opening<'_> {
    let Some(&first) = p.first() else {
        return Err(short("ERSPAN header", ERSPAN_II_LEN, 0, 0));
    };
    match first >> 4 {
        1 => match p.get(ERSPAN_II_LEN..) {
            Some(inner) => Ok(Opened::Inner(Inner::Ethernet(inner))),
            None => Err(short("ERSPAN type II header", ERSPAN_II_LEN, p.len(), 0)),
        },
        2 => erspan_iii(p),
        version => Err(Broken {
            at: 0,
            what: format!("ERSPAN version {version} is neither 1 (type II) nor 2 (type III)"),
        }),
    }
}

/// An ERSPAN type III header: 12 bytes, then 8 more when the O bit (the
/// lowest of byte 11) announces the platform-specific subheader. The frame
/// type (FT, bits 1..6 of byte 10) says whether Ethernet (0) or IP (2) follows.
fn erspan_iii(p: &[u8]) -> Opening<'_> {
    let Some(&[.., ft_byte, o_byte]) = p.get(..ERSPAN_III_LEN) else {
        return Err(short("ERSPAN type III header", ERSPAN_III_LEN, p.len(), 0));
    };
    let len = if o_byte & 0x01 != 0 {
        ERSPAN_III_LEN + ERSPAN_III_PLATFORM_LEN
    } else {
        ERSPAN_III_LEN
    };
    let Some(inner) = p.get(len..) else {
        return Err(short(
            "ERSPAN type III platform-specific subheader",
            ERSPAN_III_PLATFORM_LEN,
            p.len().saturating_sub(ERSPAN_III_LEN),
            ERSPAN_III_LEN,
        ));
    };
    match (ft_byte >> 2) & 0x1F {
        0 => Ok(Opened::Inner(Inner::Ethernet(inner))),
        2 => Ok(Opened::Inner(ip_by_version(inner))),
        ft => Err(Broken {
            at: 0,
            what: format!("ERSPAN type III frame type {ft} is neither Ethernet (0) nor IP (2)"),
        }),
    }
}

/// An MPLS label stack (RFC 3032 §2.1) and what follows its bottom entry.
fn mpls(p: &[u8]) -> Opening<'_> {
    for index in 0..MAX_MPLS_LABELS {
        let at = index * 4;
        let Some(&[_, _, tc_s, _]) = p.get(at..at + 4) else {
            return Err(short(
                "MPLS label stack entry",
                4,
                p.len().saturating_sub(at),
                at,
            ));
        };
        if tc_s & 0x01 == 0 {
            continue;
        }
        let payload = p.get(at + 4..).unwrap_or_default();
        return match payload.first().map(|b| b >> 4) {
            Some(4 | 6) => Ok(Opened::Inner(ip_by_version(payload))),
            // A pseudowire control word, then an Ethernet frame (RFC 4448 §3).
            Some(0) => match payload.get(4..) {
                Some(frame) => Ok(Opened::Inner(Inner::Ethernet(frame))),
                None => Err(short(
                    "MPLS pseudowire control word",
                    4,
                    payload.len(),
                    at + 4,
                )),
            },
            Some(_) => Ok(Opened::Skip(Skip::NotIp {
                ether_type: MPLS_UNICAST,
            })),
            None => Err(Broken {
                at: at + 4,
                what: "MPLS payload missing after the bottom of the label stack".to_string(),
            }),
        };
    }
    Err(Broken {
        at: 0,
        what: format!("MPLS label stack has more than {MAX_MPLS_LABELS} entries"),
    })
}

/// IPv4 or IPv6 by the version nibble (an unknown version is left to the
/// IP slicer to report).
fn ip_by_version(p: &[u8]) -> Inner<'_> {
    match p.first().map(|b| b >> 4) {
        Some(6) => Inner::Packet(ether_type::IPV6, p),
        _ => Inner::Packet(ether_type::IPV4, p),
    }
}

fn short(what: &str, needed: usize, len: usize, at: usize) -> Broken {
    Broken {
        at,
        what: format!("{what} needs {needed} bytes, only {len} captured"),
    }
}

/// Decodes a reassembled IP datagram's payload when it is a tunnel: the outer
/// packet of a tunnel is often what gets fragmented (ERSPAN and GRE add bytes
/// to full-size frames). `payload` is the datagram's payload, `protocol` its
/// IP protocol, `vlan` its VLAN id; `None` when `protocol` is no tunnel.
/// Offsets in issues count from the start of `payload`, and `frame` is the
/// frame that completed the datagram.
pub fn decode_reassembled(
    frame: FrameNo,
    protocol: u8,
    payload: &[u8],
    vlan: Option<u16>,
) -> Option<Result<Decoded<'_>, DecodeIssue>> {
    let opening = open_ip(IpNumber(protocol), payload)?;
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let frame = FrameRef {
        number: frame,
        ts: Timestamp::default(),
        linktype: Linktype::RAW,
        data: payload,
        orig_len: len,
    };
    let enclosing = Enclosing { depth: 0, vlan };
    Some(enter(&frame, opening, payload, enclosing))
}

/// Decodes what a tunnel header at `header` (a part of the frame) wraps.
pub(super) fn enter<'a>(
    frame: &FrameRef<'a>,
    read: Opening<'a>,
    header: &'a [u8],
    enclosing: Enclosing,
) -> Result<Decoded<'a>, DecodeIssue> {
    let start = offset_in(frame.data, header).unwrap_or(0);
    let issue = |offset: usize, layer, what| DecodeIssue {
        frame: frame.number,
        layer,
        offset,
        what,
    };
    if enclosing.depth >= MAX_TUNNEL_DEPTH {
        return Err(issue(
            start,
            Layer::Tunnel,
            format!("more than {MAX_TUNNEL_DEPTH} nested tunnels"),
        ));
    }
    let inner = match read {
        Ok(Opened::Inner(inner)) => inner,
        Ok(Opened::Skip(skip)) => return Ok(Decoded::Skipped(skip)),
        Err(broken) => {
            return Err(issue(
                start.saturating_add(broken.at),
                Layer::Tunnel,
                broken.what,
            ));
        }
    };
    let (sliced, bytes) = match inner {
        Inner::Ethernet(bytes) => match LaxSlicedPacket::from_ethernet(bytes) {
            Ok(sliced) => (sliced, bytes),
            Err(e) => {
                let at = offset_in(frame.data, bytes).unwrap_or(start);
                return Err(issue(
                    at.saturating_add(e.layer_start_offset),
                    Layer::Link,
                    describe_len(&e),
                ));
            }
        },
        Inner::Packet(ether_type, bytes) => {
            (LaxSlicedPacket::from_ether_type(ether_type, bytes), bytes)
        }
    };
    let base = offset_in(frame.data, bytes).unwrap_or(start);
    let enclosing = Enclosing {
        depth: enclosing.depth + 1,
        vlan: enclosing.vlan,
    };
    interpret(frame, &sliced, base, enclosing)
}

#[cfg(test)]
mod tests;
