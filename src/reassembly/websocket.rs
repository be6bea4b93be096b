//! SIP over WebSocket (RFC 7118): the HTTP upgrade that opens it and the
//! RFC 6455 §5.2 frames that carry it. Each WebSocket message (a data frame and
//! its continuation frames) is one SIP message (RFC 7118 §5.2).

/// Where the HTTP upgrade header section ends and whether it opens SIP over
/// WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upgrade {
    /// The header section is complete: `len` bytes; `sip` tells whether it
    /// asks for (or grants) the `sip` subprotocol with a WebSocket upgrade.
    Complete {
        len: usize,
        sip: bool,
    },
    Incomplete,
}

/// Most bytes an HTTP upgrade header section may take.
pub const MAX_UPGRADE: usize = 16 * 1024;

/// Does the stream start like an HTTP request or response (a WebSocket upgrade
/// candidate)?
pub fn is_http_start(buf: &[u8]) -> bool {
    let prefix = |p: &[u8]| {
        let n = buf.len().min(p.len());
        buf.get(..n) == p.get(..n)
    };
    !buf.is_empty() && (prefix(b"GET ") || prefix(b"HTTP/1.1 101"))
}

/// Reads an HTTP upgrade request or `101 Switching Protocols` response.
pub fn parse_upgrade(buf: &[u8]) -> Upgrade {
    let Some(end) = find(buf, b"\r\n\r\n").map(|p| p + 4) else {
        return Upgrade::Incomplete;
    };
    let head = buf.get(..end).unwrap_or_default();
    let mut websocket = false;
    let mut sip = false;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = line.get(..colon).unwrap_or_default().trim_ascii();
        let value = line.get(colon + 1..).unwrap_or_default().trim_ascii();
        if name.eq_ignore_ascii_case(b"upgrade") && value.eq_ignore_ascii_case(b"websocket") {
            websocket = true;
        }
        if name.eq_ignore_ascii_case(b"sec-websocket-protocol")
            && value
                .split(|&b| b == b',')
                .any(|p| p.trim_ascii().eq_ignore_ascii_case(b"sip"))
        {
            sip = true;
        }
    }
    Upgrade::Complete {
        len: end,
        sip: websocket && sip,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// RFC 6455 §5.2 opcodes.
pub const OP_CONTINUATION: u8 = 0;
pub const OP_TEXT: u8 = 1;
pub const OP_BINARY: u8 = 2;
pub const OP_CLOSE: u8 = 8;

/// The header of one WebSocket frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub fin: bool,
    pub opcode: u8,
    pub mask: Option<[u8; 4]>,
    /// Length of the header (2 to 14 bytes).
    pub header_len: usize,
    pub payload_len: u64,
}

/// The outcome of reading a frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameParse {
    Header(FrameHeader),
    Incomplete,
    /// Reserved bits or opcodes, or a control frame longer than 125 bytes.
    Invalid(&'static str),
}

/// Reads the frame header at the start of `buf` (RFC 6455 §5.2).
pub fn parse_frame_header(buf: &[u8]) -> FrameParse {
    let (Some(&b0), Some(&b1)) = (buf.first(), buf.get(1)) else {
        return FrameParse::Incomplete;
    };
    let fin = b0 & 0x80 != 0;
    let opcode = b0 & 0x0F;
    if b0 & 0x70 != 0 {
        return FrameParse::Invalid("websocket frame with reserved bits set");
    }
    if matches!(opcode, 3..=7 | 11..=15) {
        return FrameParse::Invalid("websocket frame with a reserved opcode");
    }
    let masked = b1 & 0x80 != 0;
    let len7 = b1 & 0x7F;
    let (payload_len, mut pos) = match len7 {
        126 => match buf.get(2..4).and_then(|b| <[u8; 2]>::try_from(b).ok()) {
            Some(b) => (u64::from(u16::from_be_bytes(b)), 4),
            None => return FrameParse::Incomplete,
        },
        127 => match buf.get(2..10).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            Some(b) => (u64::from_be_bytes(b), 10),
            None => return FrameParse::Incomplete,
        },
        n => (u64::from(n), 2),
    };
    if opcode >= 8 && (payload_len > 125 || !fin) {
        return FrameParse::Invalid("websocket control frame longer than 125 bytes or fragmented");
    }
    let mask = if masked {
        match buf
            .get(pos..pos + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
        {
            Some(m) => {
                pos += 4;
                Some(m)
            }
            None => return FrameParse::Incomplete,
        }
    } else {
        None
    };
    FrameParse::Header(FrameHeader {
        fin,
        opcode,
        mask,
        header_len: pos,
        payload_len,
    })
}

/// Appends `payload` to `out`, unmasked with `mask` (RFC 6455 §5.3).
pub fn unmask_into(payload: &[u8], mask: Option<[u8; 4]>, out: &mut Vec<u8>) {
    match mask {
        None => out.extend_from_slice(payload),
        Some(m) => out.extend(payload.iter().zip(m.iter().cycle()).map(|(&b, &k)| b ^ k)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lengths_7_16_64() {
        assert_eq!(
            parse_frame_header(&[0x81, 0x05, b'h']),
            FrameParse::Header(FrameHeader {
                fin: true,
                opcode: OP_TEXT,
                mask: None,
                header_len: 2,
                payload_len: 5
            })
        );
        assert_eq!(
            parse_frame_header(&[0x02, 0xFE, 0x01, 0x00, 1, 2, 3, 4]),
            FrameParse::Header(FrameHeader {
                fin: false,
                opcode: OP_BINARY,
                mask: Some([1, 2, 3, 4]),
                header_len: 8,
                payload_len: 256
            })
        );
        let mut long = vec![0x80, 0x7F];
        long.extend_from_slice(&70_000u64.to_be_bytes());
        assert_eq!(
            parse_frame_header(&long),
            FrameParse::Header(FrameHeader {
                fin: true,
                opcode: OP_CONTINUATION,
                mask: None,
                header_len: 10,
                payload_len: 70_000
            })
        );
        assert_eq!(parse_frame_header(&long[..9]), FrameParse::Incomplete);
        assert_eq!(parse_frame_header(&[0x81]), FrameParse::Incomplete);
        assert_eq!(
            parse_frame_header(&[0x81, 0x85, 1, 2]),
            FrameParse::Incomplete
        );
    }

    #[test]
    fn invalid_frames() {
        assert!(matches!(
            parse_frame_header(&[0xC1, 0x00]),
            FrameParse::Invalid(_)
        ));
        assert!(matches!(
            parse_frame_header(&[0x83, 0x00]),
            FrameParse::Invalid(_)
        ));
        assert!(matches!(
            parse_frame_header(&[0x89, 0x7E, 0x00, 0x80]),
            FrameParse::Invalid(_)
        ));
        assert!(matches!(
            parse_frame_header(&[0x09, 0x00]),
            FrameParse::Invalid(_)
        ));
    }

    #[test]
    fn unmasks() {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        // RFC 6455 §5.7: a masked "Hello".
        let masked = [0x7f, 0x9f, 0x4d, 0x51, 0x58];
        let mut out = Vec::new();
        unmask_into(&masked, Some(mask), &mut out);
        assert_eq!(out, b"Hello");
    }

    #[test]
    fn upgrade_with_sip_subprotocol() {
        let req = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n\x81";
        assert_eq!(
            parse_upgrade(req),
            Upgrade::Complete {
                len: req.len() - 1,
                sip: true
            }
        );
        let resp = b"HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nSec-WebSocket-Protocol: chat, sip\r\n\r\n";
        assert_eq!(
            parse_upgrade(resp),
            Upgrade::Complete {
                len: resp.len(),
                sip: true
            }
        );
        let chat = b"GET / HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
        assert_eq!(
            parse_upgrade(chat),
            Upgrade::Complete {
                len: chat.len(),
                sip: false
            }
        );
        assert_eq!(parse_upgrade(&req[..20]), Upgrade::Incomplete);
        assert!(is_http_start(b"GE"));
        assert!(is_http_start(b"HTTP/1.1 101 Switching"));
        assert!(!is_http_start(b"INVITE sip:x SIP/2.0"));
        assert!(!is_http_start(b""));
    }
}
