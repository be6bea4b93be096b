//! The fast path of [`decode`](super::decode) for the frame nearly every
//! capture is made of: Ethernet II without VLAN tags, IPv4 without fragments,
//! and UDP or TCP, all of it captured.
//!
//! etherparse's lax slicer builds a view of every layer (some 900
//! instructions a frame); this reads the dozen fields sipdiag keeps. It
//! answers only when the frame is plainly that and etherparse would slice it
//! the same way without a complaint; anything else (VLAN, IPv6, options that
//! do not fit, a fragment, an authentication header, a length field that
//! disagrees with the frame, a cut frame, VXLAN) returns `None` and takes the
//! full path. The tests compare both paths on every frame of every fixture.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::{Decoded, Packet, TcpInfo, Transport, tunnel};

const ETHERNET_LEN: usize = 14;
const ETHER_TYPE_IPV4: u16 = 0x0800;
const PROTOCOL_TCP: u8 = 6;
const PROTOCOL_UDP: u8 = 17;
const UDP_LEN: usize = 8;
const TCP_MIN_LEN: usize = 20;

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes(bytes.try_into().ok()?))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// An untagged Ethernet frame carrying a whole, unfragmented IPv4 datagram
/// with a UDP datagram or TCP segment; `None` for anything else.
pub(super) fn ethernet_ipv4(frame: &[u8]) -> Option<Decoded<'_>> {
    if be16(frame, 12)? != ETHER_TYPE_IPV4 {
        return None;
    }
    ipv4(frame.get(ETHERNET_LEN..)?)
}

/// A whole IPv4 datagram (`ip` may carry link padding after it).
fn ipv4(ip: &[u8]) -> Option<Decoded<'_>> {
    let &first = ip.first()?;
    let header_len = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || header_len < 20 {
        return None;
    }
    // The total length covers the header and lies within the frame: the
    // datagram is complete and the bytes after it are padding.
    let total_len = usize::from(be16(ip, 2)?);
    if total_len < header_len || total_len > ip.len() {
        return None;
    }
    // More fragments, or a fragment offset: for the reassembly stage.
    if be16(ip, 6)? & 0x3fff != 0 {
        return None;
    }
    let protocol = *ip.get(9)?;
    let src = IpAddr::V4(Ipv4Addr::from(be32(ip, 12)?));
    let dst = IpAddr::V4(Ipv4Addr::from(be32(ip, 16)?));
    let payload = ip.get(header_len..total_len)?;
    match protocol {
        PROTOCOL_UDP => udp(src, dst, payload),
        PROTOCOL_TCP => tcp(src, dst, payload),
        _ => None,
    }
}

fn udp(src: IpAddr, dst: IpAddr, datagram: &[u8]) -> Option<Decoded<'_>> {
    let src_port = be16(datagram, 0)?;
    let dst_port = be16(datagram, 2)?;
    // A length field the datagram does not match is left to the full path
    // (which reads what was captured, and says so).
    let len = usize::from(be16(datagram, 4)?);
    if len < UDP_LEN || len != datagram.len() {
        return None;
    }
    let payload = datagram.get(UDP_LEN..len)?;
    if tunnel::open_udp(dst_port, payload).is_some() {
        return None;
    }
    Some(Decoded::Packet(Packet {
        src: SocketAddr::new(src, src_port),
        dst: SocketAddr::new(dst, dst_port),
        transport: Transport::Udp,
        payload,
        vlan: None,
        truncated: false,
        lie: None,
    }))
}

fn tcp(src: IpAddr, dst: IpAddr, segment: &[u8]) -> Option<Decoded<'_>> {
    let header_len = usize::from(segment.get(12)? >> 4) * 4;
    if header_len < TCP_MIN_LEN {
        return None;
    }
    let payload = segment.get(header_len..)?;
    let flags = *segment.get(13)?;
    Some(Decoded::Packet(Packet {
        src: SocketAddr::new(src, be16(segment, 0)?),
        dst: SocketAddr::new(dst, be16(segment, 2)?),
        transport: Transport::Tcp(TcpInfo {
            seq: be32(segment, 4)?,
            ack: be32(segment, 8)?,
            fin: flags & 0x01 != 0,
            syn: flags & 0x02 != 0,
            rst: flags & 0x04 != 0,
            psh: flags & 0x08 != 0,
            has_ack: flags & 0x10 != 0,
        }),
        payload,
        vlan: None,
        truncated: false,
        lie: None,
    }))
}
