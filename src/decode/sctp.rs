//! SCTP packets (RFC 9260 §3): the common header and the DATA chunks that
//! carry SIP (RFC 4168), and the I-DATA chunks of user message interleaving
//! (RFC 8260 §2.1). Zero-copy; no accessor panics, whatever the bytes.

use std::net::{IpAddr, SocketAddr};

/// The IP protocol number of SCTP.
pub const PROTOCOL: u8 = 132;

/// Length of the common header (RFC 9260 §3.1).
const COMMON_HEADER: usize = 12;
/// Chunk type of DATA (RFC 9260 §3.3.1).
const CHUNK_DATA: u8 = 0;
/// Length of a DATA chunk's header, user data excluded.
const DATA_HEADER: usize = 16;
/// Chunk type of I-DATA (RFC 8260 §2.1).
const CHUNK_I_DATA: u8 = 64;
/// Length of an I-DATA chunk's header, user data excluded.
const I_DATA_HEADER: usize = 20;

/// An SCTP packet, borrowed from its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SctpPacket<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub verification_tag: u32,
    /// The chunks after the common header.
    pub chunks: &'a [u8],
    pub vlan: Option<u16>,
    /// The frame holds less of the packet than the IP header claims.
    pub truncated: bool,
}

/// One DATA chunk (RFC 9260 §3.3.1) or I-DATA chunk (RFC 8260 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataChunk<'a> {
    pub tsn: u32,
    pub stream: u16,
    /// DATA: the stream sequence number (16 bits, in `mid`'s low half).
    /// I-DATA: the message identifier (32 bits).
    pub mid: u32,
    /// I-DATA only: the fragment sequence number (0 for the first fragment,
    /// whose field holds the PPID instead).
    pub fsn: u32,
    /// The chunk is I-DATA: fragments of a message are found by `mid` and
    /// `fsn`, not by consecutive TSNs.
    pub interleaved: bool,
    /// The payload protocol identifier (I-DATA: first fragment only, else 0).
    pub ppid: u32,
    /// The U, B and E flags: unordered, first and last fragment of a user message.
    pub unordered: bool,
    pub begin: bool,
    pub end: bool,
    pub data: &'a [u8],
}

impl<'a> SctpPacket<'a> {
    /// The DATA chunks, in order; other chunk types are skipped. Stops at the
    /// first chunk whose length does not fit.
    pub fn data_chunks(&self) -> impl Iterator<Item = DataChunk<'a>> + 'a {
        let mut rest = self.chunks;
        std::iter::from_fn(move || {
            loop {
                let kind = *rest.first()?;
                let flags = *rest.get(1)?;
                let len = usize::from(u16::from_be_bytes(rest.get(2..4)?.try_into().ok()?));
                if len < 4 {
                    rest = &[];
                    return None;
                }
                // A chunk cut by the snap length still yields what was captured.
                let chunk = rest.get(..len).unwrap_or(rest);
                let padded = len.checked_add(3)? & !3;
                rest = rest.get(padded..).unwrap_or_default();
                let header = match kind {
                    CHUNK_DATA => DATA_HEADER,
                    CHUNK_I_DATA => I_DATA_HEADER,
                    _ => continue,
                };
                if chunk.len() < header {
                    continue;
                }
                let word = |at: usize| -> Option<u32> {
                    Some(u32::from_be_bytes(chunk.get(at..at + 4)?.try_into().ok()?))
                };
                let half = |at: usize| -> Option<u16> {
                    Some(u16::from_be_bytes(chunk.get(at..at + 2)?.try_into().ok()?))
                };
                let begin = flags & 0x02 != 0;
                let (mid, fsn, ppid) = if kind == CHUNK_DATA {
                    (u32::from(half(10)?), 0, word(12)?)
                } else if begin {
                    (word(12)?, 0, word(16)?)
                } else {
                    (word(12)?, word(16)?, 0)
                };
                return Some(DataChunk {
                    tsn: word(4)?,
                    stream: half(8)?,
                    mid,
                    fsn,
                    interleaved: kind == CHUNK_I_DATA,
                    ppid,
                    unordered: flags & 0x04 != 0,
                    begin,
                    end: flags & 0x01 != 0,
                    data: chunk.get(header..).unwrap_or_default(),
                });
            }
        })
    }
}

/// Reads the common header of an SCTP packet carried between `src` and `dst`.
pub fn parse<'a>(
    src: IpAddr,
    dst: IpAddr,
    payload: &'a [u8],
    vlan: Option<u16>,
    truncated: bool,
) -> Result<SctpPacket<'a>, String> {
    let header = payload.get(..COMMON_HEADER).ok_or_else(|| {
        format!(
            "SCTP common header needs {COMMON_HEADER} bytes, only {} captured",
            payload.len()
        )
    })?;
    let half = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
    Ok(SctpPacket {
        src: SocketAddr::new(src, half(0)),
        dst: SocketAddr::new(dst, half(2)),
        verification_tag: u32::from_be_bytes([header[4], header[5], header[6], header[7]]),
        chunks: payload.get(COMMON_HEADER..).unwrap_or_default(),
        vlan,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_chunk(flags: u8, tsn: u32, data: &[u8]) -> Vec<u8> {
        let mut c = vec![CHUNK_DATA, flags];
        c.extend_from_slice(&((DATA_HEADER + data.len()) as u16).to_be_bytes());
        c.extend_from_slice(&tsn.to_be_bytes());
        c.extend_from_slice(&1u16.to_be_bytes());
        c.extend_from_slice(&5u16.to_be_bytes());
        c.extend_from_slice(&0u32.to_be_bytes());
        c.extend_from_slice(data);
        while c.len() % 4 != 0 {
            c.push(0);
        }
        c
    }

    #[test]
    fn bundled_data_chunks() {
        let mut p = vec![0x13, 0xc4, 0x13, 0xc5, 0, 0, 0, 9, 0, 0, 0, 0];
        // A SACK chunk first (type 3), skipped.
        p.extend_from_slice(&[3, 0, 0, 4]);
        p.extend(data_chunk(0x03, 10, b"abcde"));
        p.extend(data_chunk(0x02, 11, b"xy"));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let pkt = parse(ip, ip, &p, None, false).unwrap();
        assert_eq!(pkt.src.port(), 5060);
        assert_eq!(pkt.dst.port(), 5061);
        assert_eq!(pkt.verification_tag, 9);
        let chunks: Vec<_> = pkt.data_chunks().collect();
        assert_eq!(chunks.len(), 2);
        assert_eq!(
            chunks[0],
            DataChunk {
                tsn: 10,
                stream: 1,
                mid: 5,
                fsn: 0,
                interleaved: false,
                ppid: 0,
                unordered: false,
                begin: true,
                end: true,
                data: b"abcde"
            }
        );
        assert!(chunks[1].begin && !chunks[1].end);
        assert_eq!(chunks[1].data, b"xy");
    }

    #[test]
    fn i_data_chunks() {
        let i_data = |flags: u8, tsn: u32, mid: u32, ppid_fsn: u32, data: &[u8]| {
            let mut c = vec![CHUNK_I_DATA, flags];
            c.extend_from_slice(&((I_DATA_HEADER + data.len()) as u16).to_be_bytes());
            c.extend_from_slice(&tsn.to_be_bytes());
            c.extend_from_slice(&3u16.to_be_bytes());
            c.extend_from_slice(&0u16.to_be_bytes());
            c.extend_from_slice(&mid.to_be_bytes());
            c.extend_from_slice(&ppid_fsn.to_be_bytes());
            c.extend_from_slice(data);
            while c.len() % 4 != 0 {
                c.push(0);
            }
            c
        };
        let mut p = vec![0; 12];
        p.extend(i_data(0x02, 7, 9, 0x2a, b"first"));
        p.extend(i_data(0x05, 8, 9, 1, b"last"));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let pkt = parse(ip, ip, &p, None, false).unwrap();
        let c: Vec<_> = pkt.data_chunks().collect();
        assert_eq!(
            c,
            vec![
                DataChunk {
                    tsn: 7,
                    stream: 3,
                    mid: 9,
                    fsn: 0,
                    interleaved: true,
                    ppid: 0x2a,
                    unordered: false,
                    begin: true,
                    end: false,
                    data: b"first"
                },
                DataChunk {
                    tsn: 8,
                    stream: 3,
                    mid: 9,
                    fsn: 1,
                    interleaved: true,
                    ppid: 0,
                    unordered: true,
                    begin: false,
                    end: true,
                    data: b"last"
                }
            ]
        );
    }

    #[test]
    fn short_and_broken_input() {
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(parse(ip, ip, &[0; 11], None, false).is_err());
        // A chunk length below 4 stops the iteration instead of looping.
        let mut p = vec![0; 12];
        p.extend_from_slice(&[0, 3, 0, 2, 0, 0, 0, 0]);
        let pkt = parse(ip, ip, &p, None, false).unwrap();
        assert_eq!(pkt.data_chunks().count(), 0);
        // A DATA chunk claiming more bytes than captured yields what is there.
        let mut p = vec![0; 12];
        p.extend(data_chunk(0x03, 1, b"hello"));
        p[14] = 0;
        p[15] = 200;
        let pkt = parse(ip, ip, &p, None, true).unwrap();
        let c: Vec<_> = pkt.data_chunks().collect();
        assert_eq!(c.len(), 1);
        assert_eq!(&c[0].data[..5], b"hello");
    }
}
