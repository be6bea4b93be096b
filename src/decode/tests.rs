//! Frames built by hand (or with etherparse's `PacketBuilder`) for every link
//! type sipdiag decodes, plus cut and broken ones.

use std::net::{Ipv4Addr, Ipv6Addr};

use etherparse::{PacketBuilder, VlanId};

use super::*;
use crate::capture::Timestamp;

const SIP: &[u8] = b"OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n";
const A4: [u8; 4] = [10, 0, 0, 1];
const B4: [u8; 4] = [10, 0, 0, 2];
const A6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

fn frame(linktype: Linktype, data: &[u8]) -> FrameRef<'_> {
    FrameRef {
        number: FrameNo(7),
        ts: Timestamp::default(),
        linktype,
        data,
        orig_len: data.len() as u32,
    }
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

fn v4(a: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::from(a)), port)
}

fn v6(a: [u8; 16], port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V6(Ipv6Addr::from(a)), port)
}

/// Raw IPv4 + UDP 5060 → 5080 carrying `SIP`.
fn ipv4_udp() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4(A4, B4, 64)
        .udp(5060, 5080)
        .write(&mut out, SIP)
        .unwrap();
    out
}

/// Ethernet + IPv4 + UDP 5060 → 5080 carrying `payload`.
fn ethernet_ipv4_udp_with(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(A4, B4, 64)
        .udp(5060, 5080)
        .write(&mut out, payload)
        .unwrap();
    out
}

/// Raw IPv6 + UDP 5060 → 5080 carrying `SIP`.
fn ipv6_udp() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(5060, 5080)
        .write(&mut out, SIP)
        .unwrap();
    out
}

fn assert_udp_v4(p: &Packet<'_>) {
    assert_eq!(p.src, v4(A4, 5060));
    assert_eq!(p.dst, v4(B4, 5080));
    assert_eq!(p.transport, Transport::Udp);
    assert_eq!(p.payload, SIP);
    assert!(!p.truncated);
}

/// A 20-byte IPv4 header (no options, checksum left at zero).
fn ipv4_header(
    payload_len: usize,
    id: u16,
    more: bool,
    offset_units: u16,
    protocol: u8,
) -> Vec<u8> {
    let total = (20 + payload_len) as u16;
    let flags = (if more { 0x2000 } else { 0 }) | offset_units;
    let mut h = vec![0x45, 0];
    h.extend(total.to_be_bytes());
    h.extend(id.to_be_bytes());
    h.extend(flags.to_be_bytes());
    h.extend([64, protocol, 0, 0]);
    h.extend(A4);
    h.extend(B4);
    h
}

/// A 40-byte IPv6 header.
fn ipv6_header(payload_len: usize, next_header: u8) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend((payload_len as u16).to_be_bytes());
    h.extend([next_header, 64]);
    h.extend(A6);
    h.extend(B6);
    h
}

#[test]
fn ethernet_ipv4_udp() {
    let data = ethernet_ipv4_udp_with(SIP);
    let p = packet(decode(&frame(Linktype::ETHERNET, &data)));
    assert_udp_v4(&p);
    assert_eq!(p.vlan, None);
}

#[test]
fn ethernet_padding_is_not_payload() {
    // Short frames are padded to 60 bytes; the UDP length bounds the payload.
    let mut data = ethernet_ipv4_udp_with(b"\r\n\r\n");
    data.resize(60, 0);
    let p = packet(decode(&frame(Linktype::ETHERNET, &data)));
    assert_eq!(p.payload, b"\r\n\r\n");
}

#[test]
fn vlan_and_qinq_report_the_outer_id() {
    let mut data = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .single_vlan(VlanId::try_new(100).unwrap())
        .ipv4(A4, B4, 64)
        .udp(5060, 5080)
        .write(&mut data, SIP)
        .unwrap();
    let p = packet(decode(&frame(Linktype::ETHERNET, &data)));
    assert_udp_v4(&p);
    assert_eq!(p.vlan, Some(100));

    let mut data = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .double_vlan(VlanId::try_new(200).unwrap(), VlanId::try_new(100).unwrap())
        .ipv6(A6, B6, 64)
        .udp(5060, 5080)
        .write(&mut data, SIP)
        .unwrap();
    let p = packet(decode(&frame(Linktype::ETHERNET, &data)));
    assert_eq!(p.vlan, Some(200));
    assert_eq!(p.src, v6(A6, 5060));
    assert_eq!(p.payload, SIP);
}

#[test]
fn linux_cooked_v1_including_loopback_from_any() {
    // ARPHRD 772 (loopback), as `tcpdump -i any` writes for lo.
    let mut data = vec![0, 0, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
    data.extend(ipv4_udp());
    assert_udp_v4(&packet(decode(&frame(Linktype::LINUX_SLL, &data))));

    let mut data = vec![0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd];
    data.extend(ipv6_udp());
    assert_eq!(
        packet(decode(&frame(Linktype::LINUX_SLL, &data))).dst,
        v6(B6, 5080)
    );

    let i = issue(decode(&frame(Linktype::LINUX_SLL, &[0; 10])));
    assert_eq!((i.layer, i.offset), (Layer::Link, 0));
    assert_eq!(
        i.what,
        "Linux cooked v1 header needs 16 bytes, only 10 captured"
    );
}

#[test]
fn linux_cooked_v2() {
    let mut data = vec![
        0x08, 0x00, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    data.extend(ipv4_udp());
    assert_udp_v4(&packet(decode(&frame(Linktype::LINUX_SLL2, &data))));
    // An SLL2 frame of another protocol (802.2 LLC) is skipped.
    let mut data = vec![
        0x00, 0x04, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    data.extend([0x42, 0x42, 0x03]);
    assert_eq!(
        decode(&frame(Linktype::LINUX_SLL2, &data)),
        Ok(Decoded::Skipped(Skip::NotIp { ether_type: 4 }))
    );
}

#[test]
fn raw_ip_link_types_take_the_version_from_the_first_nibble() {
    let raw4 = ipv4_udp();
    let raw6 = ipv6_udp();
    for lt in [
        Linktype::RAW,
        Linktype::RAW_12,
        Linktype::RAW_14,
        Linktype::IPV4,
        Linktype::IPV6,
    ] {
        assert_udp_v4(&packet(decode(&frame(lt, &raw4))));
        let p = packet(decode(&frame(lt, &raw6)));
        assert_eq!((p.src, p.dst, p.payload), (v6(A6, 5060), v6(B6, 5080), SIP));
    }
    let i = issue(decode(&frame(Linktype::RAW, &[0x55; 30])));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (Layer::Ip, 0, "unsupported IP version 5")
    );
    let i = issue(decode(&frame(Linktype::RAW, &[])));
    assert_eq!((i.layer, i.what.as_str()), (Layer::Ip, "empty frame"));
}

#[test]
fn bsd_and_openbsd_loopback() {
    // NULL: host byte order, little-endian here...
    let mut data = vec![2, 0, 0, 0];
    data.extend(ipv4_udp());
    assert_udp_v4(&packet(decode(&frame(Linktype::NULL, &data))));
    // ...or big-endian (a capture from a big-endian host).
    let mut data = vec![0, 0, 0, 2];
    data.extend(ipv4_udp());
    assert_udp_v4(&packet(decode(&frame(Linktype::NULL, &data))));
    // macOS AF_INET6 is 30.
    let mut data = vec![30, 0, 0, 0];
    data.extend(ipv6_udp());
    assert_eq!(
        packet(decode(&frame(Linktype::NULL, &data))).src,
        v6(A6, 5060)
    );
    // LOOP: network byte order; OpenBSD AF_INET6 is 24.
    let mut data = vec![0, 0, 0, 24];
    data.extend(ipv6_udp());
    assert_eq!(
        packet(decode(&frame(Linktype::LOOP, &data))).dst,
        v6(B6, 5080)
    );
    let mut data = vec![0, 0, 0, 2];
    data.extend(ipv4_udp());
    assert_udp_v4(&packet(decode(&frame(Linktype::LOOP, &data))));
    // Other families are skipped.
    let data = [7, 0, 0, 0, 1, 2, 3];
    assert_eq!(
        decode(&frame(Linktype::NULL, &data)),
        Ok(Decoded::Skipped(Skip::AddressFamily(7)))
    );
    let i = issue(decode(&frame(Linktype::LOOP, &[0, 0])));
    assert_eq!(
        (i.layer, i.what.as_str()),
        (
            Layer::Link,
            "loopback header needs 4 bytes, only 2 captured"
        )
    );
}

#[test]
fn unknown_link_type_is_a_link_issue() {
    let i = issue(decode(&frame(Linktype(147), &[1, 2, 3])));
    assert_eq!(
        i,
        DecodeIssue {
            frame: FrameNo(7),
            layer: Layer::Link,
            offset: 0,
            what: "unsupported link type 147".to_string()
        }
    );
    assert_eq!(
        i.to_string(),
        "frame 7: link layer at byte 0: unsupported link type 147"
    );
}

#[test]
fn ipv6_extension_headers_are_skipped() {
    // Hop-by-hop options (8 bytes) then destination options (8 bytes) then UDP.
    let mut udp = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(5060, 5080)
        .write(&mut udp, SIP)
        .unwrap();
    let udp = &udp[40..];
    let mut data = ipv6_header(16 + udp.len(), 0);
    data.extend([60, 0, 1, 4, 0, 0, 0, 0]); // HbH: next = dest options, PadN
    data.extend([17, 0, 1, 4, 0, 0, 0, 0]); // dest options: next = UDP
    data.extend(udp);
    let p = packet(decode(&frame(Linktype::RAW, &data)));
    assert_eq!((p.src, p.dst, p.payload), (v6(A6, 5060), v6(B6, 5080), SIP));
}

#[test]
fn tcp_segment() {
    let mut data = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(A4, B4, 64)
        .tcp(5060, 40000, 1000, 65535)
        .psh()
        .ack(2000)
        .write(&mut data, SIP)
        .unwrap();
    let p = packet(decode(&frame(Linktype::ETHERNET, &data)));
    assert_eq!(p.src, v4(A4, 5060));
    assert_eq!(p.dst, v4(B4, 40000));
    assert_eq!(
        p.transport,
        Transport::Tcp(TcpInfo {
            seq: 1000,
            ack: 2000,
            syn: false,
            fin: false,
            rst: false,
            psh: true,
            has_ack: true
        })
    );
    assert_eq!(p.payload, SIP);
    assert!(!p.truncated);

    let mut data = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .tcp(40000, 5060, 7, 1024)
        .syn()
        .write(&mut data, &[])
        .unwrap();
    let p = packet(decode(&frame(Linktype::RAW, &data)));
    assert_eq!(
        p.transport,
        Transport::Tcp(TcpInfo {
            seq: 7,
            ack: 0,
            syn: true,
            fin: false,
            rst: false,
            psh: false,
            has_ack: false
        })
    );
    assert!(p.payload.is_empty());
}

#[test]
fn snaplen_cut_keeps_what_was_captured() {
    let data = ethernet_ipv4_udp_with(SIP);
    let full = data.len() as u32;
    let cut = &data[..data.len() - 10];
    let mut f = frame(Linktype::ETHERNET, cut);
    f.orig_len = full;
    let p = packet(decode(&f));
    assert!(p.truncated);
    assert_eq!(p.payload, &SIP[..SIP.len() - 10]);
    assert_eq!(p.src, v4(A4, 5060));

    let mut data = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .tcp(5060, 5061, 1, 100)
        .write(&mut data, SIP)
        .unwrap();
    let mut f = frame(Linktype::RAW, &data[..data.len() - 3]);
    f.orig_len = data.len() as u32;
    let p = packet(decode(&f));
    assert!(p.truncated);
    assert_eq!(p.lie, None);
    assert_eq!(p.payload, &SIP[..SIP.len() - 3]);
}

/// A whole frame (the capture did not cut it) whose length fields disagree
/// with its bytes: what there is is read, not truncated, and the lie is named.
#[test]
fn length_fields_that_lie_about_a_whole_frame() {
    let data = ethernet_ipv4_udp_with(SIP);
    let udp_len = 8 + SIP.len();
    let ip_len = 20 + udp_len;
    // The frame with the 16-bit field at `at` set to `value`.
    let with = |at: usize, value: usize| {
        let mut bytes = data.clone();
        bytes[at..at + 2].copy_from_slice(&(value as u16).to_be_bytes());
        bytes
    };
    let ip_beyond = with(16, 65535);
    for (bytes, payload_len, expected) in [
        (
            ip_beyond.clone(),
            SIP.len(),
            Some((
                Layer::Ip,
                14,
                format!(
                    "IPv4 total length 65535 exceeds the {ip_len} bytes there are, in a frame the capture kept whole: the {ip_len} bytes were read"
                ),
            )),
        ),
        (
            with(16, 10),
            SIP.len(),
            Some((
                Layer::Ip,
                14,
                format!(
                    "IPv4 total length 10 is less than its 20-byte header: ignored, the {ip_len} bytes there are were read"
                ),
            )),
        ),
        (
            with(38, 3),
            SIP.len(),
            Some((
                Layer::Udp,
                34,
                format!(
                    "UDP length 3 is less than its 8-byte header: ignored, the {udp_len} bytes there are were read"
                ),
            )),
        ),
        // Bytes inside the IP packet after the datagram: padding, no lie.
        (with(38, udp_len - 5), SIP.len() - 5, None),
        // Ethernet padding after the IP packet: no lie.
        ([&data[..], &[0; 6]].concat(), SIP.len(), None),
    ] {
        let p = packet(decode(&frame(Linktype::ETHERNET, &bytes)));
        assert!(!p.truncated);
        assert_eq!(p.payload.len(), payload_len);
        assert_eq!(
            p.lie.map(|l| (l.layer(), l.offset, l.to_string())),
            expected
        );
    }
    // The same claims in a frame the snap length cut: truncated, no lie.
    let mut f = frame(Linktype::ETHERNET, &ip_beyond);
    f.orig_len = 70_000;
    let p = packet(decode(&f));
    assert!(p.truncated);
    assert_eq!(p.lie, None);
    // IPv6: a payload length beyond a whole frame.
    let mut v6 = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(5060, 5060)
        .write(&mut v6, SIP)
        .unwrap();
    v6[4..6].copy_from_slice(&4000u16.to_be_bytes());
    let p = packet(decode(&frame(Linktype::RAW, &v6)));
    assert!(!p.truncated);
    assert_eq!(
        p.lie.map(|l| (l.layer(), l.offset, l.to_string())),
        Some((
            Layer::Ip,
            0,
            format!(
                "IPv6 payload length 4000 exceeds the {udp_len} bytes there are, in a frame the capture kept whole: the {udp_len} bytes were read"
            )
        ))
    );
}

#[test]
fn cuts_inside_headers_are_issues_at_the_right_layer_and_offset() {
    let mut data = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .single_vlan(VlanId::try_new(5).unwrap())
        .ipv4(A4, B4, 64)
        .udp(5060, 5080)
        .write(&mut data, SIP)
        .unwrap();
    let i = issue(decode(&frame(Linktype::ETHERNET, &data[..10])));
    assert_eq!((i.layer, i.offset), (Layer::Link, 0));
    let i = issue(decode(&frame(Linktype::ETHERNET, &data[..16])));
    assert_eq!((i.layer, i.offset), (Layer::Link, 14), "{i}");
    let i = issue(decode(&frame(Linktype::ETHERNET, &data[..18 + 12])));
    assert_eq!((i.layer, i.offset), (Layer::Ip, 18), "{i}");
    assert_eq!(i.what, "IPv4 header needs 20 bytes, only 12 captured");
    let i = issue(decode(&frame(Linktype::ETHERNET, &data[..18 + 20 + 5])));
    assert_eq!((i.layer, i.offset), (Layer::Udp, 38), "{i}");
}

#[test]
fn bad_tcp_data_offset_is_a_tcp_issue() {
    let mut data = Vec::new();
    PacketBuilder::ipv4(A4, B4, 64)
        .tcp(1, 2, 3, 4)
        .write(&mut data, SIP)
        .unwrap();
    data[20 + 12] = 0x20; // data offset 2
    let i = issue(decode(&frame(Linktype::RAW, &data)));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (
            Layer::Tcp,
            20,
            "TCP data offset 2 is below the minimum of 5"
        )
    );
}

#[test]
fn ipv4_fragments() {
    let first_data: Vec<u8> = (0..24u8).collect();
    let mut data = ipv4_header(first_data.len(), 0x1234, true, 0, 17);
    data.extend(&first_data);
    let f = match decode(&frame(Linktype::RAW, &data)) {
        Ok(Decoded::Fragment(f)) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        f,
        Fragment {
            version: IpVersion::V4,
            src: IpAddr::V4(Ipv4Addr::from(A4)),
            dst: IpAddr::V4(Ipv4Addr::from(B4)),
            id: 0x1234,
            offset: 0,
            more_fragments: true,
            protocol: 17,
            payload: &first_data,
            vlan: None,
            truncated: false,
        }
    );
    let mut data = ipv4_header(5, 0x1234, false, 3, 17);
    data.extend(b"tail!");
    data.extend([0; 6]); // Ethernet-style padding is not part of the fragment
    let f = match decode(&frame(Linktype::RAW, &data)) {
        Ok(Decoded::Fragment(f)) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (f.offset, f.byte_offset(), f.more_fragments, f.payload),
        (3, 24, false, &b"tail!"[..])
    );
}

#[test]
fn ipv6_fragments() {
    let body = b"fragment data...";
    let mut data = ipv6_header(8 + body.len(), 44);
    data.extend([17, 0]);
    data.extend(((2u16 << 3) | 1).to_be_bytes()); // offset 2 units, M set
    data.extend(0xdead_beefu32.to_be_bytes());
    data.extend(body);
    let f = match decode(&frame(Linktype::RAW, &data)) {
        Ok(Decoded::Fragment(f)) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(f.version, IpVersion::V6);
    assert_eq!(
        (f.id, f.offset, f.more_fragments, f.protocol),
        (0xdead_beef, 2, true, 17)
    );
    assert_eq!(f.src, IpAddr::V6(Ipv6Addr::from(A6)));
    assert_eq!(f.payload, body);

    // An "atomic" fragment header (offset 0, no more fragments) is a whole packet.
    let mut udp = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(5060, 5080)
        .write(&mut udp, SIP)
        .unwrap();
    let mut data = ipv6_header(8 + udp.len() - 40, 44);
    data.extend([17, 0, 0, 0, 0, 0, 0, 9]);
    data.extend(&udp[40..]);
    assert_eq!(packet(decode(&frame(Linktype::RAW, &data))).payload, SIP);
}

#[test]
fn non_ip_and_non_transport_traffic_is_skipped() {
    let mut data = Vec::new();
    PacketBuilder::ipv4(A4, B4, 64)
        .icmpv4_echo_request(1, 1)
        .write(&mut data, b"ping")
        .unwrap();
    assert_eq!(
        decode(&frame(Linktype::RAW, &data)),
        Ok(Decoded::Skipped(Skip::OtherProtocol { protocol: 1 }))
    );
    // Even a broken ICMP message is none of sipdiag's business.
    let mut data = ipv4_header(2, 1, false, 0, 1);
    data.extend([8, 0]);
    assert_eq!(
        decode(&frame(Linktype::RAW, &data)),
        Ok(Decoded::Skipped(Skip::OtherProtocol { protocol: 1 }))
    );
    // LLDP.
    let mut data = vec![1, 0x80, 0xc2, 0, 0, 0x0e, 2, 0, 0, 0, 0, 1, 0x88, 0xcc];
    data.extend([0; 20]);
    assert_eq!(
        decode(&frame(Linktype::ETHERNET, &data)),
        Ok(Decoded::Skipped(Skip::NotIp { ether_type: 0x88cc }))
    );
    // ARP.
    let mut data = vec![0xff; 6];
    data.extend(MAC_A);
    data.extend([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    data.extend(MAC_A);
    data.extend(A4);
    data.extend([0; 6]);
    data.extend(B4);
    assert_eq!(
        decode(&frame(Linktype::ETHERNET, &data)),
        Ok(Decoded::Skipped(Skip::NotIp { ether_type: 0x0806 }))
    );
    // A cut ARP packet is still not sipdiag's business.
    assert_eq!(
        decode(&frame(Linktype::ETHERNET, &data[..20])),
        Ok(Decoded::Skipped(Skip::NotIp { ether_type: 0x0806 }))
    );
}

#[test]
fn garbage_is_an_issue_not_a_panic() {
    let mut data = vec![0; 14];
    data[12] = 0x08; // IPv4 EtherType...
    data.extend([
        0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]); // ...version 9
    let i = issue(decode(&frame(Linktype::ETHERNET, &data)));
    assert_eq!(
        (i.layer, i.offset, i.what.as_str()),
        (Layer::Ip, 14, "unsupported IP version 9")
    );
    let mut data = ipv4_header(0, 0, false, 0, 17);
    data[0] = 0x43; // header length 3 words
    let i = issue(decode(&frame(Linktype::RAW, &data)));
    assert_eq!(
        (i.layer, i.what.as_str()),
        (Layer::Ip, "IPv4 header length 3 is below the minimum of 5")
    );
}

/// Every prefix of valid frames, and pseudo-random bytes, on every link type:
/// no panic, and every payload lies inside the frame.
#[test]
fn no_input_panics() {
    let mut samples = Vec::new();
    let mut d = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .double_vlan(VlanId::try_new(1).unwrap(), VlanId::try_new(2).unwrap())
        .ipv6(A6, B6, 64)
        .tcp(1, 2, 3, 4)
        .write(&mut d, SIP)
        .unwrap();
    samples.push(d);
    samples.push(ipv4_udp());
    let mut d = ipv6_header(8 + 16, 44);
    d.extend([17, 0, 0, 1, 0, 0, 0, 1]);
    d.extend([0x41; 16]);
    samples.push(d);
    let mut state: u32 = 0x1234_5678;
    for len in [1usize, 3, 13, 20, 40, 60, 200] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        samples.push(bytes);
    }
    let link_types = [
        Linktype::ETHERNET,
        Linktype::LINUX_SLL,
        Linktype::LINUX_SLL2,
        Linktype::NULL,
        Linktype::LOOP,
        Linktype::RAW,
        Linktype::IPV6,
        Linktype(9999),
    ];
    for sample in &samples {
        for end in 0..=sample.len() {
            for lt in link_types {
                let data = &sample[..end];
                let range = data.as_ptr_range();
                match decode(&frame(lt, data)) {
                    Ok(Decoded::Packet(p)) => {
                        assert!(p.payload.is_empty() || range.contains(&p.payload.as_ptr()));
                    }
                    Ok(Decoded::Fragment(f)) => {
                        assert!(f.payload.is_empty() || range.contains(&f.payload.as_ptr()));
                    }
                    Ok(Decoded::Sctp(s)) => {
                        assert!(s.chunks.is_empty() || range.contains(&s.chunks.as_ptr()));
                    }
                    Ok(Decoded::Skipped(_)) => {}
                    Err(i) => assert!(i.offset <= data.len(), "{i}"),
                }
            }
        }
    }
}

/// The committed fixtures, with the frame counts `tshark -r F | wc -l` gives.
const FIXTURES: &[(&str, u32)] = &[
    ("183-no-sdp.pcap", 7),
    ("183-reliable-early-media.pcap", 107),
    ("183-sdp.pcap", 7),
    ("200-no-common-codec.pcap", 5),
    ("302-redirect.pcap", 3),
    ("405-message.pcap", 2),
    ("405-no-allow.pcap", 2),
    ("408-request-timeout.pcap", 4),
    ("415-accept.pcap", 2),
    ("420-no-unsupported.pcap", 3),
    ("420-retry-ok.pcap", 8),
    ("420-retry-ok.pcapng", 8),
    ("420-unrecovered.pcap", 3),
    ("422-no-min-se.pcap", 3),
    ("422-retry-ok.pcap", 8),
    ("422-retry-too-small.pcap", 6),
    ("423-register.pcap", 4),
    ("481-bye-wrong-tag.pcap", 7),
    ("483-max-forwards.pcap", 3),
    ("488-warning-305.pcap", 3),
    ("491-request-pending.pcap", 11),
    ("501-allow-from-options.pcap", 10),
    ("501-info-update-any.pcap", 9),
    ("501-info-update.pcap", 9),
    ("auth-forbidden.pcap", 4),
    ("auth-ok.pcap", 4),
    ("auth-rechallenged.pcap", 4),
    ("basic-call.pcap", 7),
    ("cancel-487.pcap", 7),
    ("clean-call-ipv6.pcap", 7),
    ("clean-call-port-5072.pcap", 7),
    ("clean-call.pcap", 7),
    ("interleaved-calls.pcap", 22),
    ("interleaved.pcap", 23),
    ("malformed-message.pcap", 20),
    ("mid-call.pcap", 4),
    ("one-direction.pcap", 3),
    ("rtp-two-way.pcap", 105),
    ("snaplen.pcap", 7),
    ("timers-long.pcap", 24),
    ("timers-short.pcap", 7),
    ("transport/crafted-gre-fragmented.pcap", 9),
    ("transport/crafted-sctp.pcap", 9),
    ("transport/crafted-tcp-keepalive.pcap", 19),
    ("transport/crafted-tcp-lost-segment.pcap", 13),
    ("transport/crafted-tcp-midstream.pcap", 11),
    ("transport/crafted-tcp-no-content-length.pcap", 13),
    ("transport/crafted-tcp-out-of-order.pcap", 15),
    ("transport/crafted-tcp-retransmission-overlap.pcap", 14),
    ("transport/crafted-tcp-seq-wrap.pcap", 14),
    ("transport/crafted-tcp-two-in-one.pcap", 11),
    ("transport/crafted-tls-5061.pcap", 14),
    ("transport/crafted-udp-fragment-missing.pcap", 7),
    ("transport/crafted-udp-fragments-out-of-order.pcap", 9),
    ("transport/crafted-websocket.pcap", 17),
    ("transport/tcp-420-retry-ok.pcap", 20),
    ("transport/tcp-big-call.pcap", 25),
    ("transport/udp-fragmented-ipv6.pcap", 10),
    ("transport/udp-fragmented.pcap", 10),
    ("tunnels/erspan1.pcap", 7),
    ("tunnels/erspan2.pcap", 7),
    ("tunnels/erspan3.pcap", 7),
    ("tunnels/gre-key-seq.pcap", 7),
    ("tunnels/gre.pcap", 7),
    ("tunnels/ip4in6.pcap", 7),
    ("tunnels/ip6in4.pcap", 7),
    ("tunnels/ipip.pcap", 7),
    ("tunnels/mpls.pcap", 7),
    ("tunnels/multi-if.pcapng", 7),
    ("tunnels/padded.pcap", 9),
    ("tunnels/vxlan.pcap", 7),
    ("unavailable.pcap", 16),
];

/// Real captures read to the end: as many frames as tshark sees, and every
/// frame decodes.
#[test]
fn fixtures_read_and_decode_like_tshark() {
    use crate::capture::{FileSource, FrameSource};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for &(name, expected) in FIXTURES {
        let mut source =
            FileSource::open(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut frames = 0;
        while let Some(frame) = source
            .next_frame()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        {
            frames += 1;
            assert_eq!(frame.number, FrameNo(frames), "{name}");
            if let Err(i) = decode(&frame) {
                panic!("{name}: {i}");
            }
        }
        assert_eq!(frames, expected, "{name}");
    }
}

/// Every capture committed under `fixtures/` is in [`FIXTURES`], so none
/// escapes the frame-count check (add a new one with its `tshark -r F | wc -l`).
/// `fixtures/broken/` holds captures that must not read or decode cleanly;
/// `tests/hostile.rs` checks each of them.
#[test]
fn every_committed_capture_has_a_frame_count() {
    // Everything but `broken/`, named relative to `fixtures/`.
    let root = crate::test_fixtures::root();
    let found: Vec<String> = crate::test_fixtures::captures()
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok())
        .filter(|p| !p.starts_with("broken"))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut listed: Vec<String> = FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

/// Every frame of every capture under `fixtures/` (the broken ones too, as
/// far as they read), as it is and with each of its first 80 bytes changed
/// to a few telling values: wherever the fast path answers, it answers as
/// the full path does.
#[test]
fn fast_path_agrees_with_the_full_path() {
    use crate::capture::{FileSource, FrameSource};
    fn check(linktype: Linktype, data: &[u8], name: &str) -> bool {
        let f = frame(linktype, data);
        let Some(fast) = (linktype == Linktype::ETHERNET)
            .then(|| fast::ethernet_ipv4(data))
            .flatten()
        else {
            return false;
        };
        assert_eq!(Ok(fast), decode_sliced(&f), "{name}: {data:02x?}");
        true
    }
    let paths = crate::test_fixtures::captures();
    let (mut frames, mut fast, mut mutants) = (0, 0, 0);
    for path in &paths {
        let name = path.display().to_string();
        let Ok(mut source) = FileSource::open(path) else {
            continue;
        };
        while let Ok(Some(frame)) = source.next_frame() {
            frames += 1;
            if !check(frame.linktype, frame.data, &name) {
                continue;
            }
            fast += 1;
            let mut data = frame.data.to_vec();
            for at in 0..data.len().min(80) {
                let original = data[at];
                for value in [
                    0x00, 0x01, 0x04, 0x06, 0x0f, 0x11, 0x20, 0x3f, 0x45, 0x50, 0x80, 0xff,
                ] {
                    data[at] = value;
                    mutants += usize::from(check(frame.linktype, &data, &name));
                }
                data[at] = original;
            }
            // Cut anywhere, and with bytes after it.
            for len in 0..data.len() {
                check(frame.linktype, &data[..len], &name);
            }
            data.extend_from_slice(&[0; 7]);
            check(frame.linktype, &data, &name);
        }
    }
    // The fixtures do exercise the fast path.
    assert!(frames > 900, "{frames}");
    assert!(fast > 500, "{fast} of {frames}");
    assert!(mutants > 50_000, "{mutants}");
}

/// An IPv4 total length that ends the packet right after the UDP header,
/// while the UDP length (and the frame) goes on: nothing can be read, and a
/// decode issue says why. With payload bytes left inside the packet, they
/// are read as a cut datagram instead.
#[test]
fn udp_length_beyond_a_whole_ip_packet() {
    let data = ethernet_ipv4_udp_with(SIP);
    // IPv4 total length: header and UDP header only.
    let mut no_room = data.clone();
    no_room[16..18].copy_from_slice(&28u16.to_be_bytes());
    let i = issue(decode(&frame(Linktype::ETHERNET, &no_room)));
    assert_eq!((i.layer, i.offset), (Layer::Udp, 34), "{i}");
    assert_eq!(
        i.what,
        format!(
            "UDP length {} exceeds the 8 bytes its IP packet holds: no payload left to read",
            8 + SIP.len()
        )
    );
    // Ten payload bytes left in the packet: read, and the UDP length that
    // goes beyond them named (the capture kept the frame whole).
    let mut short = data;
    short[16..18].copy_from_slice(&38u16.to_be_bytes());
    let p = packet(decode(&frame(Linktype::ETHERNET, &short)));
    assert!(!p.truncated);
    assert_eq!(p.payload, &SIP[..10]);
    assert_eq!(
        p.lie.map(|l| (l.field, l.claimed, l.holds)),
        Some((LengthField::UdpLength, 8 + SIP.len(), 18))
    );
}
