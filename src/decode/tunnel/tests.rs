//! Tunnels built by hand, byte by byte: every encapsulation sipdiag opens,
//! cut at every byte, nested beyond the bound, and mangled.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use etherparse::PacketBuilder;

use super::super::{DecodeIssue, Decoded, Fragment, IpVersion, Layer, Packet, Skip, Transport};
use super::*;
use crate::capture::{FrameNo, FrameRef, Linktype, Timestamp};
use crate::decode::decode;

const SIP: &[u8] = b"OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n";
/// The SIP peers: the addresses of the packet inside the tunnel.
const IN_A: [u8; 4] = [10, 1, 0, 1];
const IN_B: [u8; 4] = [10, 1, 0, 2];
const IN6_A: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a,
];
const IN6_B: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
];
/// The tunnel endpoints.
const OUT_A: [u8; 4] = [192, 0, 2, 1];
const OUT_B: [u8; 4] = [192, 0, 2, 2];
const OUT6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const OUT6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

const GRE_C: u8 = 0x80;
const GRE_K: u8 = 0x20;
const GRE_S: u8 = 0x10;

fn frame(linktype: Linktype, data: &[u8]) -> FrameRef<'_> {
    FrameRef {
        number: FrameNo(3),
        ts: Timestamp::default(),
        linktype,
        data,
        orig_len: data.len() as u32,
    }
}

fn on_ethernet(data: &[u8]) -> Result<Decoded<'_>, DecodeIssue> {
    decode(&frame(Linktype::ETHERNET, data))
}

fn packet(result: Result<Decoded<'_>, DecodeIssue>) -> Packet<'_> {
    match result {
        Ok(Decoded::Packet(p)) => p,
        other => panic!("expected a packet, got {other:?}"),
    }
}

fn issue(result: Result<Decoded<'_>, DecodeIssue>) -> DecodeIssue {
    match result {
        Err(issue) => issue,
        other => panic!("expected an issue, got {other:?}"),
    }
}

fn skipped(result: Result<Decoded<'_>, DecodeIssue>) -> Skip {
    match result {
        Ok(Decoded::Skipped(skip)) => skip,
        other => panic!("expected a skip, got {other:?}"),
    }
}

/// The SIP message of the inner IPv4 packet, with its own addresses and ports.
fn assert_inner_v4(p: &Packet<'_>) {
    assert_eq!(
        p.src,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::from(IN_A)), 5060)
    );
    assert_eq!(
        p.dst,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::from(IN_B)), 5080)
    );
    assert_eq!(p.transport, Transport::Udp);
    assert_eq!(p.payload, SIP);
    assert!(!p.truncated);
}

fn assert_inner_v6(p: &Packet<'_>) {
    assert_eq!(
        p.src,
        SocketAddr::new(IpAddr::V6(Ipv6Addr::from(IN6_A)), 5060)
    );
    assert_eq!(
        p.dst,
        SocketAddr::new(IpAddr::V6(Ipv6Addr::from(IN6_B)), 5080)
    );
    assert_eq!(p.payload, SIP);
    assert!(!p.truncated);
}

/// IPv4 + UDP 5060 → 5080 carrying `SIP`: the packet inside the tunnels.
fn inner4() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4(IN_A, IN_B, 64)
        .udp(5060, 5080)
        .write(&mut out, SIP)
        .unwrap();
    out
}

fn inner6() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv6(IN6_A, IN6_B, 64)
        .udp(5060, 5080)
        .write(&mut out, SIP)
        .unwrap();
    out
}

/// Ethernet + `inner4()`, as a mirror session copies it.
fn inner_ethernet() -> Vec<u8> {
    eth(0x0800, &inner4())
}

fn eth(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = MAC_B.to_vec();
    out.extend(MAC_A);
    out.extend(ether_type.to_be_bytes());
    out.extend(payload);
    out
}

fn eth_vlan(vlan: u16, ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut tagged = vlan.to_be_bytes().to_vec();
    tagged.extend(ether_type.to_be_bytes());
    tagged.extend(payload);
    eth(0x8100, &tagged)
}

/// An outer IPv4 header (no options) from `OUT_A` to `OUT_B`.
fn ip4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut out = vec![0x45, 0];
    out.extend(total.to_be_bytes());
    out.extend([0, 1, 0x40, 0, 64, protocol, 0, 0]);
    out.extend(OUT_A);
    out.extend(OUT_B);
    out.extend(payload);
    out
}

fn ip6(next_header: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x60, 0, 0, 0];
    out.extend((payload.len() as u16).to_be_bytes());
    out.extend([next_header, 64]);
    out.extend(OUT6_A);
    out.extend(OUT6_B);
    out.extend(payload);
    out
}

/// A GRE header with the optional fields `flags` asks for (RFC 2890 order:
/// checksum and reserved, key, sequence number).
fn gre(flags: u8, protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flags, 0];
    out.extend(protocol.to_be_bytes());
    if flags & GRE_C != 0 {
        out.extend([0xAB, 0xCD, 0, 0]);
    }
    if flags & GRE_K != 0 {
        out.extend(42u32.to_be_bytes());
    }
    if flags & GRE_S != 0 {
        out.extend(7u32.to_be_bytes());
    }
    out.extend(payload);
    out
}

fn erspan2(payload: &[u8]) -> Vec<u8> {
    // Version 1, VLAN 0, session 5, index 9.
    let mut out = vec![0x10, 0x00, 0x00, 0x05, 0, 0, 0, 9];
    out.extend(payload);
    out
}

/// An ERSPAN type III header with frame type `ft`, and the platform-specific
/// subheader when `platform`.
fn erspan3(ft: u8, platform: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x20, 0x00, 0x00, 0x05];
    out.extend(0x1234_5678u32.to_be_bytes());
    out.extend([0, 0, ft << 2, u8::from(platform)]);
    if platform {
        out.extend([0x18, 0, 0, 1, 0, 0, 0, 0]);
    }
    out.extend(payload);
    out
}

fn mpls(labels: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let bottom = u32::from(i + 1 == labels.len());
        out.extend(((label << 12) | (bottom << 8) | 64).to_be_bytes());
    }
    out.extend(payload);
    out
}

fn vxlan(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x08, 0, 0, 0, 0, 0x13, 0x88, 0];
    out.extend(payload);
    out
}

/// An outer UDP header (no checksum) from port 49152 to `port`.
fn udp(port: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = 49152u16.to_be_bytes().to_vec();
    out.extend(port.to_be_bytes());
    out.extend(((8 + payload.len()) as u16).to_be_bytes());
    out.extend([0, 0]);
    out.extend(payload);
    out
}

#[test]
fn ip_in_ip_all_four_ways() {
    let d = eth(0x0800, &ip4(4, &inner4()));
    assert_inner_v4(&packet(on_ethernet(&d)));
    let d = eth(0x0800, &ip4(41, &inner6()));
    assert_inner_v6(&packet(on_ethernet(&d)));
    let d = eth(0x86DD, &ip6(4, &inner4()));
    assert_inner_v4(&packet(on_ethernet(&d)));
    let d = eth(0x86DD, &ip6(41, &inner6()));
    assert_inner_v6(&packet(on_ethernet(&d)));
    // On a raw IP link too.
    let d = ip4(4, &inner4());
    assert_inner_v4(&packet(decode(&frame(Linktype::RAW, &d))));
}

#[test]
fn gre_with_every_combination_of_optional_fields() {
    for flags in 0..8u8 {
        let flags = (if flags & 1 != 0 { GRE_C } else { 0 })
            | (if flags & 2 != 0 { GRE_K } else { 0 })
            | (if flags & 4 != 0 { GRE_S } else { 0 });
        let d = eth(0x0800, &ip4(47, &gre(flags, 0x0800, &inner4())));
        assert_inner_v4(&packet(on_ethernet(&d)));
        let d = eth(0x0800, &ip4(47, &gre(flags, 0x86DD, &inner6())));
        assert_inner_v6(&packet(on_ethernet(&d)));
    }
    // GRE over IPv6.
    let d = eth(0x86DD, &ip6(47, &gre(GRE_K, 0x0800, &inner4())));
    assert_inner_v4(&packet(on_ethernet(&d)));
}

#[test]
fn gre_transparent_ethernet_bridging() {
    let d = eth(0x0800, &ip4(47, &gre(0, 0x6558, &inner_ethernet())));
    let p = packet(on_ethernet(&d));
    assert_inner_v4(&p);
    assert_eq!(p.vlan, None);
}

#[test]
fn gre_that_carries_no_ip_is_skipped_and_routing_is_an_issue() {
    // PPTP's enhanced GRE (version 1) carries PPP.
    let mut pptp = gre(GRE_K, 0x880B, &[0xFF, 0x03, 0, 0x21]);
    pptp[1] = 0x01;
    let d = ip4(47, &pptp);
    assert_eq!(
        skipped(decode(&frame(Linktype::RAW, &d))),
        Skip::OtherProtocol { protocol: 47 }
    );
    // A GRE keep-alive or any other payload type.
    let d = ip4(47, &gre(0, 0x880B, &[0xFF, 0x03]));
    assert_eq!(
        skipped(decode(&frame(Linktype::RAW, &d))),
        Skip::NotIp { ether_type: 0x880B }
    );
    let d = ip4(47, &gre(0x40, 0x0800, &inner4()));
    let i = issue(decode(&frame(Linktype::RAW, &d)));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (
            Layer::Tunnel,
            20,
            "GRE source routing (RFC 1701) is not decoded"
        )
    );
}

#[test]
fn erspan_types_one_two_and_three() {
    // Type I: GRE 0x88BE without sequence number, Ethernet right after GRE.
    let d = eth(0x0800, &ip4(47, &gre(0, 0x88BE, &inner_ethernet())));
    assert_inner_v4(&packet(on_ethernet(&d)));
    // Type II: sequence number and an 8-byte ERSPAN header.
    let d = eth(
        0x0800,
        &ip4(47, &gre(GRE_S, 0x88BE, &erspan2(&inner_ethernet()))),
    );
    assert_inner_v4(&packet(on_ethernet(&d)));
    // Type III, with and without the platform-specific subheader.
    for platform in [false, true] {
        let e = erspan3(0, platform, &inner_ethernet());
        let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x22EB, &e)));
        assert_inner_v4(&packet(on_ethernet(&d)));
    }
    // Type III carrying IP frames (frame type 2).
    let e = erspan3(2, true, &inner6());
    let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x22EB, &e)));
    assert_inner_v6(&packet(on_ethernet(&d)));
    // Type III announced by the version field under 0x88BE.
    let e = erspan3(0, false, &inner_ethernet());
    let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x88BE, &e)));
    assert_inner_v4(&packet(on_ethernet(&d)));
}

#[test]
fn erspan_with_unknown_version_or_frame_type_is_an_issue() {
    let mut e = erspan2(&inner_ethernet());
    e[0] = 0x30;
    let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x88BE, &e)));
    let i = issue(on_ethernet(&d));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (
            Layer::Tunnel,
            14 + 20 + 8,
            "ERSPAN version 3 is neither 1 (type II) nor 2 (type III)"
        )
    );
    let e = erspan3(5, false, &inner_ethernet());
    let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x22EB, &e)));
    let i = issue(on_ethernet(&d));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (
            Layer::Tunnel,
            14 + 20 + 8,
            "ERSPAN type III frame type 5 is neither Ethernet (0) nor IP (2)"
        )
    );
}

#[test]
fn mpls_label_stacks_everywhere_they_appear() {
    // Two labels on Ethernet, unicast and multicast.
    for ether_type in [0x8847, 0x8848] {
        let d = eth(ether_type, &mpls(&[16000, 100], &inner4()));
        assert_inner_v4(&packet(on_ethernet(&d)));
    }
    let d = eth(0x8847, &mpls(&[3], &inner6()));
    assert_inner_v6(&packet(on_ethernet(&d)));
    // Behind a VLAN tag, on Linux cooked v2, in GRE and in IP (protocol 137).
    let d = eth_vlan(300, 0x8847, &mpls(&[16000, 100], &inner4()));
    let p = packet(on_ethernet(&d));
    assert_inner_v4(&p);
    assert_eq!(p.vlan, Some(300));
    let mut d = vec![0x88, 0x47, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6];
    d.extend(MAC_A);
    d.extend([0, 0]);
    d.extend(mpls(&[16000, 100], &inner4()));
    assert_inner_v4(&packet(decode(&frame(Linktype::LINUX_SLL2, &d))));
    let d = ip4(47, &gre(0, 0x8847, &mpls(&[1000], &inner4())));
    assert_inner_v4(&packet(decode(&frame(Linktype::RAW, &d))));
    let d = ip4(137, &mpls(&[1000, 2000, 3000], &inner4()));
    assert_inner_v4(&packet(decode(&frame(Linktype::RAW, &d))));
    // An Ethernet pseudowire after a control word (RFC 4448).
    let mut pw = vec![0, 0, 0, 1];
    pw.extend(inner_ethernet());
    let d = eth(0x8847, &mpls(&[16000, 100], &pw));
    assert_inner_v4(&packet(on_ethernet(&d)));
    // Something else after the stack (first nibble 1: an associated channel).
    let d = eth(0x8847, &mpls(&[16000], &[0x10, 0, 0, 0x21, 0, 0]));
    assert_eq!(skipped(on_ethernet(&d)), Skip::NotIp { ether_type: 0x8847 });
}

#[test]
fn mpls_stack_without_bottom_is_bounded() {
    let labels: Vec<u32> = (1..=40).collect();
    let mut stack = mpls(&labels, &inner4());
    // Clear every bottom-of-stack bit.
    for entry in stack.chunks_mut(4).take(labels.len()) {
        entry[2] &= !1;
    }
    let d = eth(0x8847, &stack);
    let i = issue(on_ethernet(&d));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (
            Layer::Tunnel,
            14,
            "MPLS label stack has more than 16 entries"
        )
    );
    // Sixteen labels are fine.
    let labels: Vec<u32> = (1..=16).collect();
    let d = eth(0x8847, &mpls(&labels, &inner4()));
    assert_inner_v4(&packet(on_ethernet(&d)));
}

#[test]
fn vxlan_on_port_4789_and_sip_on_4789_stays_sip() {
    let d = eth(0x0800, &ip4(17, &udp(4789, &vxlan(&inner_ethernet()))));
    assert_inner_v4(&packet(on_ethernet(&d)));
    // The group policy extension sets the G bit (0x80).
    let mut v = vxlan(&inner_ethernet());
    v[0] = 0x88;
    let d = eth(0x0800, &ip4(17, &udp(4789, &v)));
    assert_inner_v4(&packet(on_ethernet(&d)));
    // A SIP message sent to port 4789 is not VXLAN.
    let d = eth(0x0800, &ip4(17, &udp(4789, SIP)));
    let p = packet(on_ethernet(&d));
    assert_eq!(p.payload, SIP);
    assert_eq!(p.dst.port(), 4789);
    // Neither is VXLAN on another port.
    let d = eth(0x0800, &ip4(17, &udp(4790, &vxlan(&inner_ethernet()))));
    let p = packet(on_ethernet(&d));
    assert_eq!(p.dst.port(), 4790);
    assert_eq!(p.payload, vxlan(&inner_ethernet()).as_slice());
}

#[test]
fn the_innermost_vlan_tag_wins() {
    // The monitoring network's tag (10) outside, the mirrored frame's (20) inside.
    let mirrored = eth_vlan(20, 0x0800, &inner4());
    let d = eth_vlan(10, 0x0800, &ip4(47, &gre(0, 0x88BE, &mirrored)));
    let p = packet(on_ethernet(&d));
    assert_inner_v4(&p);
    assert_eq!(p.vlan, Some(20));
    // An untagged mirrored frame keeps the tunnel's tag.
    let d = eth_vlan(10, 0x0800, &ip4(47, &gre(0, 0x88BE, &inner_ethernet())));
    assert_eq!(packet(on_ethernet(&d)).vlan, Some(10));
}

#[test]
fn inner_fragments_are_fragments() {
    // The first fragment of a UDP datagram inside GRE: 16 bytes of data.
    let mut inner = vec![0x45, 0, 0, 36, 0x12, 0x34, 0x20, 0x00, 64, 17, 0, 0];
    inner.extend(IN_A);
    inner.extend(IN_B);
    inner.extend([0x41; 16]);
    let d = eth(0x0800, &ip4(47, &gre(GRE_K, 0x0800, &inner)));
    match on_ethernet(&d) {
        Ok(Decoded::Fragment(f)) => assert_eq!(
            f,
            Fragment {
                version: IpVersion::V4,
                src: IpAddr::V4(Ipv4Addr::from(IN_A)),
                dst: IpAddr::V4(Ipv4Addr::from(IN_B)),
                id: 0x1234,
                offset: 0,
                more_fragments: true,
                protocol: 17,
                payload: &[0x41; 16],
                vlan: None,
                truncated: false,
            }
        ),
        other => panic!("expected a fragment, got {other:?}"),
    }
}

#[test]
fn ethernet_padding_inside_a_tunnel_is_not_payload() {
    // A short mirrored frame padded to 60 bytes with non-zero bytes, and an
    // inner IP packet whose UDP length is shorter than its IP payload.
    let mut mirrored = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(IN_A, IN_B, 64)
        .udp(5060, 5080)
        .write(&mut mirrored, b"\r\n\r\n")
        .unwrap();
    mirrored.resize(60, 0xAA);
    let d = eth(0x0800, &ip4(47, &gre(0, 0x6558, &mirrored)));
    assert_eq!(packet(on_ethernet(&d)).payload, b"\r\n\r\n");

    let mut inner = inner4();
    inner.extend(b"XXXX");
    let total = inner.len() as u16;
    inner[2..4].copy_from_slice(&total.to_be_bytes());
    let mut d = eth(0x0800, &ip4(4, &inner));
    d.extend([0xDE, 0xAD]);
    assert_inner_v4(&packet(on_ethernet(&d)));
}

/// Four tunnels of four kinds inside one another decode; a fifth is an issue
/// at the start of what it would wrap.
#[test]
fn nesting_is_bounded() {
    fn nest(ipip_layers: usize) -> Vec<u8> {
        let mut packet = inner4();
        for _ in 0..ipip_layers {
            packet = ip4(4, &packet);
        }
        let over_vxlan = eth(0x0800, &ip4(17, &udp(4789, &vxlan(&eth(0x0800, &packet)))));
        let over_gre = ip4(47, &gre(0, 0x6558, &over_vxlan));
        eth(0x8847, &mpls(&[16000, 100], &over_gre))
    }
    // MPLS, GRE, VXLAN, IP-in-IP.
    assert_inner_v4(&packet(on_ethernet(&nest(1))));
    let d = nest(2);
    let i = issue(on_ethernet(&d));
    // Ethernet, MPLS (8), IPv4 (20), GRE (4), Ethernet, IPv4, UDP (8),
    // VXLAN (8), Ethernet, then the two IP-in-IP headers.
    let fifth = 14 + 8 + 20 + 4 + 14 + 20 + 8 + 8 + 14 + 20 + 20;
    assert_eq!(
        (i.frame, i.layer, i.offset, i.what.as_str()),
        (
            FrameNo(3),
            Layer::Tunnel,
            fifth,
            "more than 4 nested tunnels"
        )
    );
    assert_eq!(&d[fifth..], inner4().as_slice());
    // The same bound for one kind of tunnel.
    let mut four = inner4();
    for _ in 0..4 {
        four = ip4(4, &four);
    }
    assert_inner_v4(&packet(decode(&frame(Linktype::RAW, &four))));
    let five = ip4(4, &four);
    let i = issue(decode(&frame(Linktype::RAW, &five)));
    assert_eq!((i.layer, i.offset), (Layer::Tunnel, 100));
}

/// One region of a sample frame: cutting the frame anywhere in
/// `from..to` must give an issue at `layer` and `offset`, or, for `None`, a
/// truncated packet.
struct Region {
    from: usize,
    to: usize,
    expect: Option<(Layer, usize)>,
}

fn region(from: usize, to: usize, expect: Option<(Layer, usize)>) -> Region {
    Region { from, to, expect }
}

/// Cuts `data` at every byte and checks the issue (or truncated packet) of
/// each cut against `regions`, which must cover `0..data.len()`.
fn check_every_cut(name: &str, linktype: Linktype, data: &[u8], regions: &[Region]) {
    for cut in 0..data.len() {
        let r = regions
            .iter()
            .find(|r| (r.from..r.to).contains(&cut))
            .unwrap_or_else(|| panic!("{name}: no region for cut {cut}"));
        // Cut by the snap length: the frame was longer on the wire.
        let mut cut_frame = frame(linktype, &data[..cut]);
        cut_frame.orig_len = data.len() as u32;
        let result = decode(&cut_frame);
        match (r.expect, result) {
            (Some((layer, offset)), Err(i)) => {
                assert_eq!(
                    (i.layer, i.offset),
                    (layer, offset),
                    "{name} cut at {cut}: {i}"
                );
            }
            (None, Ok(Decoded::Packet(p))) => {
                assert!(p.truncated, "{name} cut at {cut}");
                assert!(SIP.starts_with(p.payload), "{name} cut at {cut}");
            }
            (expect, other) => panic!("{name} cut at {cut}: expected {expect:?}, got {other:?}"),
        }
    }
    assert_inner_v4(&packet(decode(&frame(linktype, data))));
}

#[test]
fn tunnel_headers_cut_at_every_byte() {
    use Layer::{Ip, Link, Tunnel, Udp};
    let end = usize::MAX;

    // Ethernet, IPv4, GRE with checksum, key and sequence (16), IPv4, UDP.
    let d = eth(
        0x0800,
        &ip4(47, &gre(GRE_C | GRE_K | GRE_S, 0x0800, &inner4())),
    );
    check_every_cut(
        "gre",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 34, Some((Ip, 14))),
            region(34, 50, Some((Tunnel, 34))),
            region(50, 70, Some((Ip, 50))),
            region(70, 78, Some((Udp, 70))),
            region(78, end, None),
        ],
    );

    // IPv4 in IPv6 on a raw link.
    let d = ip6(4, &inner4());
    check_every_cut(
        "4in6",
        Linktype::RAW,
        &d,
        &[
            region(0, 40, Some((Ip, 0))),
            region(40, 60, Some((Ip, 40))),
            region(60, 68, Some((Udp, 60))),
            region(68, end, None),
        ],
    );

    // ERSPAN II: GRE with sequence (8), ERSPAN (8), Ethernet, IPv4, UDP.
    let d = eth(
        0x0800,
        &ip4(47, &gre(GRE_S, 0x88BE, &erspan2(&inner_ethernet()))),
    );
    check_every_cut(
        "erspan2",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 34, Some((Ip, 14))),
            region(34, 42, Some((Tunnel, 34))),
            region(42, 50, Some((Tunnel, 42))),
            region(50, 64, Some((Link, 50))),
            region(64, 84, Some((Ip, 64))),
            region(84, 92, Some((Udp, 84))),
            region(92, end, None),
        ],
    );

    // ERSPAN III with the platform subheader: the subheader is its own part.
    let e = erspan3(0, true, &inner_ethernet());
    let d = eth(0x0800, &ip4(47, &gre(GRE_S, 0x22EB, &e)));
    check_every_cut(
        "erspan3",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 34, Some((Ip, 14))),
            region(34, 42, Some((Tunnel, 34))),
            region(42, 54, Some((Tunnel, 42))),
            region(54, 62, Some((Tunnel, 54))),
            region(62, 76, Some((Link, 62))),
            region(76, 96, Some((Ip, 76))),
            region(96, 104, Some((Udp, 96))),
            region(104, end, None),
        ],
    );

    // MPLS: each label stack entry is where its cut is reported.
    let d = eth(0x8847, &mpls(&[16000, 100], &inner4()));
    check_every_cut(
        "mpls",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 18, Some((Tunnel, 14))),
            region(18, 22, Some((Tunnel, 18))),
            region(22, 23, Some((Tunnel, 22))),
            region(23, 42, Some((Ip, 22))),
            region(42, 50, Some((Udp, 42))),
            region(50, end, None),
        ],
    );

    // MPLS pseudowire: the control word.
    let mut pw = vec![0, 0, 0, 1];
    pw.extend(inner_ethernet());
    let d = eth(0x8847, &mpls(&[16000], &pw));
    check_every_cut(
        "mpls-pw",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 18, Some((Tunnel, 14))),
            region(18, 19, Some((Tunnel, 18))),
            region(19, 22, Some((Tunnel, 18))),
            region(22, 36, Some((Link, 22))),
            region(36, 56, Some((Ip, 36))),
            region(56, 64, Some((Udp, 56))),
            region(64, end, None),
        ],
    );

    // VXLAN. A UDP datagram to 4789 cut before its first byte cannot be told
    // from an empty one: a truncated, empty UDP payload.
    let d = eth(0x0800, &ip4(17, &udp(4789, &vxlan(&inner_ethernet()))));
    check_every_cut(
        "vxlan",
        Linktype::ETHERNET,
        &d,
        &[
            region(0, 14, Some((Link, 0))),
            region(14, 34, Some((Ip, 14))),
            region(34, 42, Some((Udp, 34))),
            region(42, 43, None),
            region(43, 50, Some((Tunnel, 42))),
            region(50, 64, Some((Link, 50))),
            region(64, 84, Some((Ip, 64))),
            region(84, 92, Some((Udp, 84))),
            region(92, end, None),
        ],
    );
}

#[test]
fn issue_messages_name_the_tunnel_and_the_missing_bytes() {
    let cases: Vec<(Vec<u8>, usize, &str)> = vec![
        (
            eth(0x0800, &ip4(47, &gre(GRE_K | GRE_S, 0x0800, &[])))[..44].to_vec(),
            34,
            "GRE header with key and sequence number needs 12 bytes, only 10 captured",
        ),
        (
            eth(0x0800, &ip4(47, &[0, 0])),
            34,
            "GRE header needs 4 bytes, only 2 captured",
        ),
        (
            eth(0x0800, &ip4(47, &gre(GRE_S, 0x88BE, &[0x10, 0, 0]))),
            42,
            "ERSPAN type II header needs 8 bytes, only 3 captured",
        ),
        (
            eth(
                0x0800,
                &ip4(47, &gre(GRE_S, 0x22EB, &erspan3(0, true, &[])[..14])),
            ),
            54,
            "ERSPAN type III platform-specific subheader needs 8 bytes, only 2 captured",
        ),
        (
            eth(0x8847, &[0, 0, 0, 64, 0, 0]),
            18,
            "MPLS label stack entry needs 4 bytes, only 2 captured",
        ),
        (
            eth(0x8847, &mpls(&[5], &[])),
            18,
            "MPLS payload missing after the bottom of the label stack",
        ),
        (
            eth(0x0800, &ip4(17, &udp(4789, &[0x08, 0, 0]))),
            42,
            "VXLAN header needs 8 bytes, only 3 captured",
        ),
    ];
    for (data, offset, what) in cases {
        let i = issue(on_ethernet(&data));
        assert_eq!(
            (i.layer, i.offset, i.what.as_str()),
            (Layer::Tunnel, offset, what)
        );
        assert_eq!(
            i.to_string(),
            format!("frame 3: tunnel layer at byte {offset}: {what}")
        );
    }
}

/// Tunnel samples with every byte of the first 120 flipped in turn, cut at
/// every length, on several link types: never a panic, every payload inside
/// the frame, every issue offset inside the frame.
#[test]
fn mangled_tunnels_never_panic() {
    let samples = [
        eth(
            0x0800,
            &ip4(
                47,
                &gre(GRE_C | GRE_K | GRE_S, 0x88BE, &erspan2(&inner_ethernet())),
            ),
        ),
        eth(
            0x0800,
            &ip4(
                47,
                &gre(GRE_S, 0x22EB, &erspan3(0, true, &inner_ethernet())),
            ),
        ),
        eth(0x8847, &mpls(&[1, 2], &ip4(4, &ip4(41, &inner6())))),
        eth(
            0x0800,
            &ip4(17, &udp(4789, &vxlan(&eth(0x8847, &mpls(&[9], &inner4()))))),
        ),
    ];
    let link_types = [Linktype::ETHERNET, Linktype::RAW, Linktype::LINUX_SLL2];
    for sample in &samples {
        for flip in 0..sample.len().min(120) {
            for value in [0x00, 0xFF, sample[flip] ^ 0x10] {
                let mut data = sample.clone();
                data[flip] = value;
                for end in (0..=data.len()).step_by(3) {
                    for lt in link_types {
                        let data = &data[..end];
                        let range = data.as_ptr_range();
                        // Not a `match`: other kinds of `Decoded` need no check here.
                        let result = decode(&frame(lt, data));
                        let payload = match &result {
                            Ok(Decoded::Packet(p)) => p.payload,
                            Ok(Decoded::Fragment(f)) => f.payload,
                            _ => &[],
                        };
                        assert!(payload.is_empty() || range.contains(&payload.as_ptr()));
                        if let Err(i) = &result {
                            assert!(i.offset <= data.len(), "{i}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn layer_names() {
    assert_eq!(Layer::Tunnel.to_string(), "tunnel");
    assert_eq!(MAX_TUNNEL_DEPTH, 4);
}

/// The reassembly stage hands over the payload of a defragmented outer
/// datagram: a tunnel in it decodes like one in a frame.
#[test]
fn reassembled_datagrams_open_their_tunnel() {
    let g = gre(GRE_K, 0x88BE, &inner_ethernet());
    let p = packet(decode_reassembled(FrameNo(9), 47, &g, Some(5)).unwrap());
    assert_inner_v4(&p);
    assert_eq!(p.vlan, Some(5));
    let i = issue(decode_reassembled(FrameNo(9), 47, &g[..6], None).unwrap());
    assert_eq!(
        (i.frame, i.layer, i.offset, i.what.as_str()),
        (
            FrameNo(9),
            Layer::Tunnel,
            0,
            "GRE header with key needs 8 bytes, only 6 captured"
        )
    );
    assert_eq!(decode_reassembled(FrameNo(9), 17, &g, None), None);
}
