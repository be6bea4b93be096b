//! Replicates a base SIP capture into a large benchmark capture.
//!
//! ```text
//! cargo run --release --example replicate -- BASE.pcap OUT.pcap SIZE [--overlap F]
//! ```
//!
//! `bench/generate.sh` records a base capture (SIPp peers in a network
//! namespace) and calls this program to write copies of it until the output
//! reaches `SIZE` bytes (`100M`, `1G`, `250000K` or plain bytes). Every copy
//! is a new set of calls:
//!
//! - **Call-ID, Via branch, From/To tag.** The base capture's generator puts
//!   a fixed-width counter `cpy0000000` into every one of them; copy `c`
//!   writes `c` into those seven digits. The base's values are unique, so the
//!   copies' are too, and no length changes.
//! - **SDP media ports** (`m=` lines): each distinct port of the base gets an
//!   index `j` among the `K` distinct ports, and copy `c` uses the even port
//!   `10000 + 2 × ((c × K + j) mod 27768)`: copies close in time never share a
//!   port (tshark slows down badly when every call reuses one media port).
//! - **TCP client ports**: the endpoint that sent a SYN in the base gets, in
//!   copy `c`, the port `10000 + (c × K + j) mod 55536` (`K` client endpoints),
//!   so that every copy runs on its own connections, as a real SBC capture
//!   shows many TCP connections.
//! - **Time**: copy `c` is shifted by `c × D / overlap`, where `D` is the base
//!   capture's duration, and the copies are merged in time order: with the
//!   default `--overlap 2` two copies run at any moment, so calls of
//!   neighbouring copies overlap as on a real SBC, none start at one instant.
//!
//! All rewrites keep lengths, so IP and UDP lengths stay valid; the UDP and TCP
//! checksums are recomputed for every packet. The base must be a legacy pcap
//! (either byte order, µs or ns) of Ethernet frames carrying IPv4: what
//! `tcpdump -i lo` writes. The capture is only read from our own generator,
//! but malformed input is still reported as an error, never a panic.

use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::process::ExitCode;

/// The counter the base capture carries in every Call-ID, branch and tag.
const MARKER: &[u8] = b"cpy";
const COUNTER_DIGITS: usize = 7;
const MAX_COPIES: u64 = 10_000_000;
const ETHERNET: u32 = 1;
const ETH_LEN: usize = 14;
const PCAP_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;
/// Media ports are rewritten to even ports from 10000 to 65534.
const MEDIA_PORT_SLOTS: u64 = 27_768;
/// TCP client ports are rewritten to 10000..=65535.
const CLIENT_PORT_SLOTS: u64 = 55_536;
const LOW_PORT: u64 = 10_000;

type Error = String;

struct Options {
    base: String,
    out: String,
    size: u64,
    overlap: f64,
}

fn usage() -> String {
    "usage: replicate BASE.pcap OUT.pcap SIZE[K|M|G] [--overlap F]".to_string()
}

fn parse_size(s: &str) -> Result<u64, Error> {
    let (digits, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (s.get(..i).unwrap_or(""), Some(c)),
        _ => (s, None),
    };
    let n: u64 = digits.parse().map_err(|_| format!("bad size '{s}'"))?;
    let mult = match unit.map(|c| c.to_ascii_uppercase()) {
        None => 1,
        Some('K') => 1_000,
        Some('M') => 1_000_000,
        Some('G') => 1_000_000_000,
        Some(_) => return Err(format!("bad size unit in '{s}' (K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size '{s}' too large"))
}

fn parse_args() -> Result<Options, Error> {
    let mut positional = Vec::new();
    let mut overlap: f64 = 2.0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--overlap" {
            let v = args.next().ok_or_else(usage)?;
            overlap = v.parse().map_err(|_| format!("bad --overlap '{v}'"))?;
            if !(overlap > 0.0 && overlap.is_finite()) {
                return Err("--overlap must be positive".into());
            }
        } else if a.starts_with("--") {
            return Err(usage());
        } else {
            positional.push(a);
        }
    }
    let [base, out, size] = <[String; 3]>::try_from(positional).map_err(|_| usage())?;
    Ok(Options {
        base,
        out,
        size: parse_size(&size)?,
        overlap,
    })
}

/// Byte order and timestamp resolution of the base capture.
#[derive(Clone, Copy)]
struct Format {
    big_endian: bool,
    nanos: bool,
}

impl Format {
    fn u32_at(self, b: &[u8], at: usize) -> Option<u32> {
        let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        })
    }

    fn put_u32(self, out: &mut [u8], v: u32) {
        let bytes = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        out.copy_from_slice(&bytes);
    }

    fn sub_per_sec(self) -> u64 {
        if self.nanos { 1_000_000_000 } else { 1_000_000 }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum L4 {
    Udp,
    Tcp,
}

/// One packet of the base capture and where each copy patches it.
struct BasePacket {
    /// Capture time, nanoseconds since the epoch.
    ts: u64,
    orig_len: u32,
    data: Vec<u8>,
    /// Offsets of the counters' first digit.
    counters: Vec<usize>,
    /// Offset of a media port's first digit, and the port's index.
    media_ports: Vec<(usize, u64)>,
    /// Offset of a TCP port field (big-endian u16), and the client's index.
    client_ports: Vec<(usize, u64)>,
    /// Transport checksum to recompute: kind, IPv4 header offset, L4 offset, L4 length.
    checksum: Option<(L4, usize, usize, usize)>,
}

struct Base {
    header: Vec<u8>,
    format: Format,
    packets: Vec<BasePacket>,
    media_port_count: u64,
    client_count: u64,
    /// Frames whose TCP payload ends inside a line: a counter cut there
    /// would not be rewritten.
    cut_lines: u64,
}

fn read_base(path: &str) -> Result<Base, Error> {
    let mut raw = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut raw))
        .map_err(|e| format!("{path}: {e}"))?;
    let header = raw
        .get(..PCAP_HEADER_LEN)
        .ok_or_else(|| format!("{path}: shorter than a pcap header"))?
        .to_vec();
    let magic = [header[0], header[1], header[2], header[3]];
    let format = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => Format {
            big_endian: false,
            nanos: false,
        },
        [0xa1, 0xb2, 0xc3, 0xd4] => Format {
            big_endian: true,
            nanos: false,
        },
        [0x4d, 0x3c, 0xb2, 0xa1] => Format {
            big_endian: false,
            nanos: true,
        },
        [0xa1, 0xb2, 0x3c, 0x4d] => Format {
            big_endian: true,
            nanos: true,
        },
        _ => {
            return Err(format!(
                "{path}: not a legacy pcap file (pcapng is not supported)"
            ));
        }
    };
    let linktype = format.u32_at(&header, 20).unwrap_or(0) & 0x0fff_ffff;
    if linktype != ETHERNET {
        return Err(format!(
            "{path}: link type {linktype}, only Ethernet (1) is supported"
        ));
    }

    let mut packets = Vec::new();
    let mut at = PCAP_HEADER_LEN;
    while at < raw.len() {
        let rec = raw
            .get(at..at + RECORD_HEADER_LEN)
            .ok_or_else(|| format!("{path}: truncated record header at byte {at}"))?;
        let secs = u64::from(format.u32_at(rec, 0).unwrap_or(0));
        let sub = u64::from(format.u32_at(rec, 4).unwrap_or(0));
        let caplen = format.u32_at(rec, 8).unwrap_or(0) as usize;
        let orig_len = format.u32_at(rec, 12).unwrap_or(0);
        let start = at + RECORD_HEADER_LEN;
        let data = raw
            .get(start..start + caplen)
            .ok_or_else(|| format!("{path}: truncated record at byte {at}"))?
            .to_vec();
        at = start + caplen;
        let ts = secs * 1_000_000_000 + sub * (1_000_000_000 / format.sub_per_sec());
        packets.push(BasePacket {
            ts,
            orig_len,
            data,
            counters: Vec::new(),
            media_ports: Vec::new(),
            client_ports: Vec::new(),
            checksum: None,
        });
    }
    if packets.is_empty() {
        return Err(format!("{path}: no packets"));
    }
    let mut base = Base {
        header,
        format,
        packets,
        media_port_count: 0,
        client_count: 0,
        cut_lines: 0,
    };
    plan_patches(&mut base);
    Ok(base)
}

/// Where a frame's IPv4 header and transport layer are.
struct Layers {
    ip: usize,
    l4: usize,
    l4_len: usize,
    kind: L4,
    payload: usize,
}

fn layers(d: &[u8]) -> Option<Layers> {
    let ether_type = u16::from_be_bytes([*d.get(12)?, *d.get(13)?]);
    if ether_type != 0x0800 {
        return None;
    }
    let ip = ETH_LEN;
    let vihl = *d.get(ip)?;
    if vihl >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(vihl & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([*d.get(ip + 2)?, *d.get(ip + 3)?]));
    let frag = u16::from_be_bytes([*d.get(ip + 6)?, *d.get(ip + 7)?]);
    if frag & 0x3fff != 0 || total < ihl || ip + total > d.len() {
        return None; // fragments and cut frames are copied unchanged
    }
    let l4 = ip + ihl;
    let l4_len = total - ihl;
    let (kind, payload) = match *d.get(ip + 9)? {
        17 if l4_len >= 8 => (L4::Udp, l4 + 8),
        6 if l4_len >= 20 => (L4::Tcp, l4 + usize::from(*d.get(l4 + 12)? >> 4) * 4),
        _ => return None,
    };
    (payload <= ip + total).then_some(Layers {
        ip,
        l4,
        l4_len,
        kind,
        payload,
    })
}

fn endpoint(d: &[u8], ip_at: usize, port_at: usize) -> Option<[u8; 6]> {
    let mut e = [0u8; 6];
    e[..4].copy_from_slice(d.get(ip_at..ip_at + 4)?);
    e[4..].copy_from_slice(d.get(port_at..port_at + 2)?);
    Some(e)
}

fn plan_patches(base: &mut Base) {
    // TCP clients: the endpoints that opened a connection (SYN without ACK).
    let mut clients: BTreeMap<[u8; 6], u64> = BTreeMap::new();
    for p in &base.packets {
        let Some(l) = layers(&p.data) else { continue };
        let flags = p.data.get(l.l4 + 13).copied().unwrap_or(0);
        if l.kind == L4::Tcp && flags & 0x12 == 0x02 {
            if let Some(e) = endpoint(&p.data, l.ip + 12, l.l4) {
                let next = clients.len() as u64;
                clients.entry(e).or_insert(next);
            }
        }
    }
    let mut media: BTreeMap<u32, u64> = BTreeMap::new();
    for p in &mut base.packets {
        let Some(l) = layers(&p.data) else { continue };
        p.checksum = Some((l.kind, l.ip, l.l4, l.l4_len));
        if l.kind == L4::Tcp {
            for (ip_at, port_at) in [(l.ip + 12, l.l4), (l.ip + 16, l.l4 + 2)] {
                if let Some(j) = endpoint(&p.data, ip_at, port_at).and_then(|e| clients.get(&e)) {
                    p.client_ports.push((port_at, *j));
                }
            }
        }
        let end = l.ip + l.l4_len + (l.l4 - l.ip);
        let payload = p.data.get(l.payload..end).unwrap_or(&[]);
        if l.kind == L4::Tcp && !payload.is_empty() && !payload.ends_with(b"\n") {
            base.cut_lines += 1;
        }
        for i in find_counters(payload) {
            p.counters.push(l.payload + i);
        }
        for (i, port) in find_media_ports(payload) {
            let next = media.len() as u64;
            let j = *media.entry(port).or_insert(next);
            p.media_ports.push((l.payload + i, j));
        }
    }
    base.media_port_count = media.len() as u64;
    base.client_count = clients.len() as u64;
}

/// Offsets of the first digit of every `cpy` + 7 digits counter.
fn find_counters(payload: &[u8]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(rel) = payload
        .get(i..)
        .and_then(|rest| rest.windows(MARKER.len()).position(|w| w == MARKER))
    {
        let digits = i + rel + MARKER.len();
        let is_counter = payload
            .get(digits..digits + COUNTER_DIGITS)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        if is_counter {
            found.push(digits);
        }
        i = digits;
    }
    found
}

/// Offsets and values of the five-digit ports of SDP `m=` lines.
fn find_media_ports(payload: &[u8]) -> Vec<(usize, u32)> {
    let mut found = Vec::new();
    for (i, _) in payload.windows(3).enumerate().filter(|(_, w)| w == b"\nm=") {
        let line = &payload[i + 1..];
        let Some(space) = line.iter().take(32).position(|&b| b == b' ') else {
            continue;
        };
        let start = i + 1 + space + 1;
        let digits = payload
            .get(start..)
            .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count());
        if digits == 5 {
            let port = payload
                .get(start..start + 5)
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|s| s.parse().ok());
            if let Some(port) = port {
                found.push((start, port));
            }
        }
    }
    found
}

fn ones_complement_sum(mut sum: u32, bytes: &[u8]) -> u32 {
    let mut chunks = bytes.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Recomputes a UDP or TCP checksum over the IPv4 pseudo-header and segment.
fn fix_checksum(d: &mut [u8], kind: L4, ip: usize, l4: usize, len: usize) {
    let at = l4 + if kind == L4::Udp { 6 } else { 16 };
    if d.len() < (at + 2).max(l4 + len).max(ip + 20) {
        return;
    }
    if let Some(f) = d.get_mut(at..at + 2) {
        f.copy_from_slice(&[0, 0]);
    }
    let proto = if kind == L4::Udp { 17 } else { 6 };
    let mut sum =
        ones_complement_sum(0, d.get(ip + 12..ip + 20).unwrap_or(&[])) + proto + len as u32;
    sum = ones_complement_sum(sum, d.get(l4..l4 + len).unwrap_or(&[]));
    let mut c = fold(sum);
    if kind == L4::Udp && c == 0 {
        c = 0xffff; // RFC 768: zero means "no checksum"
    }
    if let Some(f) = d.get_mut(at..at + 2) {
        f.copy_from_slice(&c.to_be_bytes());
    }
}

fn write_digits(out: &mut [u8], mut v: u64) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

fn patch(p: &BasePacket, copy: u64, base: &Base, buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend_from_slice(&p.data);
    for &at in &p.counters {
        if let Some(d) = buf.get_mut(at..at + COUNTER_DIGITS) {
            write_digits(d, copy);
        }
    }
    for &(at, j) in &p.media_ports {
        let port = LOW_PORT + 2 * ((copy * base.media_port_count + j) % MEDIA_PORT_SLOTS);
        if let Some(d) = buf.get_mut(at..at + 5) {
            write_digits(d, port);
        }
    }
    for &(at, j) in &p.client_ports {
        let port = LOW_PORT + (copy * base.client_count + j) % CLIENT_PORT_SLOTS;
        if let Some(d) = buf.get_mut(at..at + 2) {
            d.copy_from_slice(&(port as u16).to_be_bytes());
        }
    }
    if let Some((kind, ip, l4, len)) = p.checksum {
        fix_checksum(buf, kind, ip, l4, len);
    }
}

fn run(opts: &Options) -> Result<(), Error> {
    let base = read_base(&opts.base)?;
    let first = base.packets.iter().map(|p| p.ts).min().unwrap_or(0);
    let last = base.packets.iter().map(|p| p.ts).max().unwrap_or(0);
    let duration = last - first;
    let gap = ((duration as f64 / opts.overlap) as u64).max(1_000_000);
    let copy_bytes: u64 = base
        .packets
        .iter()
        .map(|p| (RECORD_HEADER_LEN + p.data.len()) as u64)
        .sum();
    let want = opts.size.saturating_sub(PCAP_HEADER_LEN as u64);
    let copies = want.div_ceil(copy_bytes).max(1);
    if copies > MAX_COPIES {
        return Err(format!(
            "{copies} copies needed, at most {MAX_COPIES} fit the counter"
        ));
    }
    let unmarked = base
        .packets
        .iter()
        .filter(|p| p.checksum.is_some_and(|c| c.3 > 100) && p.counters.is_empty())
        .count();
    eprintln!(
        "replicate: base {} packets, {} bytes, {:.1} s; {} counters, {} media ports, {} TCP clients; \
         {copies} copies, one every {:.3} s",
        base.packets.len(),
        copy_bytes,
        duration as f64 / 1e9,
        base.packets.iter().map(|p| p.counters.len()).sum::<usize>(),
        base.media_port_count,
        base.client_count,
        gap as f64 / 1e9,
    );
    if unmarked > 0 {
        eprintln!("replicate: warning: {unmarked} packets with payload carry no counter");
    }
    if base.cut_lines > 0 {
        eprintln!(
            "replicate: warning: {} TCP segments end inside a line (a counter split there is not rewritten)",
            base.cut_lines
        );
    }

    let file = File::create(&opts.out).map_err(|e| format!("{}: {e}", opts.out))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let io = |e: std::io::Error| format!("{}: {e}", opts.out);
    out.write_all(&base.header).map_err(io)?;

    // Merge the copies in time order: one cursor per copy, smallest time first.
    let mut heap = BinaryHeap::with_capacity(copies as usize);
    let rel: Vec<u64> = base.packets.iter().map(|p| p.ts - first).collect();
    let Some(&rel0) = rel.first() else {
        return Err("empty base".into());
    };
    for c in 0..copies {
        heap.push(std::cmp::Reverse((c * gap + rel0, c, 0usize)));
    }
    let per_sec = base.format.sub_per_sec();
    let mut buf = Vec::with_capacity(65_536);
    let mut rec = [0u8; RECORD_HEADER_LEN];
    let mut written = PCAP_HEADER_LEN as u64;
    let mut frames = 0u64;
    while let Some(std::cmp::Reverse((t, c, i))) = heap.pop() {
        let Some(p) = base.packets.get(i) else {
            continue;
        };
        patch(p, c, &base, &mut buf);
        let ts = first + t;
        let secs = ts / 1_000_000_000;
        let sub = (ts % 1_000_000_000) / (1_000_000_000 / per_sec);
        let f = base.format;
        f.put_u32(&mut rec[0..4], secs as u32);
        f.put_u32(&mut rec[4..8], sub as u32);
        f.put_u32(&mut rec[8..12], buf.len() as u32);
        f.put_u32(&mut rec[12..16], p.orig_len);
        out.write_all(&rec).map_err(io)?;
        out.write_all(&buf).map_err(io)?;
        written += (RECORD_HEADER_LEN + buf.len()) as u64;
        frames += 1;
        if let Some(&r) = rel.get(i + 1) {
            heap.push(std::cmp::Reverse((c * gap + r, c, i + 1)));
        }
    }
    out.flush().map_err(io)?;
    eprintln!(
        "replicate: wrote {} ({frames} frames, {written} bytes, {:.0} s of traffic)",
        opts.out,
        ((copies - 1) * gap + duration) as f64 / 1e9
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("replicate: error: {e}");
            ExitCode::from(2)
        }
    }
}
