//! Recognising SIP by content and framing messages on stream transports
//! (RFC 3261 §18.3: on a stream, Content-Length is mandatory and delimits the body).

use super::header::HeaderName;
use super::message::{find_lf, line_at, parse_content_length, skip_crlf};
use super::start_line::{is_token_byte, parse_start_line};

/// The longest start line [`looks_like_sip`] and [`frame_message`] wait for.
const MAX_START_LINE: usize = 8192;

/// Does this payload start like a SIP message (a request line or a status
/// line, after any CR/LF keep-alives)? Looks at the first line only.
pub fn looks_like_sip(payload: &[u8]) -> bool {
    let start = skip_crlf(payload, 0);
    let head = payload
        .get(start..payload.len().min(start.saturating_add(MAX_START_LINE)))
        .unwrap_or_default();
    match find_lf(head, 0) {
        Some(_) => {
            let (end, _) = line_at(head, 0);
            let mut irregular = Vec::new();
            parse_start_line(head.get(..end).unwrap_or_default(), 0, &mut irregular).is_some()
        }
        // No complete line: only a status line can be recognised from its prefix.
        None => {
            head.len() >= 12
                && head
                    .get(..8)
                    .is_some_and(|v| v.eq_ignore_ascii_case(b"SIP/2.0 "))
                && head
                    .get(8..11)
                    .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
                && head.get(11) == Some(&b' ')
        }
    }
}

/// Where the first message of a stream buffer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A whole message is in `buf[skip..skip + len]`; `skip` counts the CR/LF
    /// keep-alives before it (RFC 5626 §3.5.1).
    Complete { skip: usize, len: usize },
    /// The buffer holds the beginning of a message (or only keep-alives): wait
    /// for more bytes. Callers bound how long they buffer.
    Incomplete,
    /// Start line and headers are complete but carry no valid Content-Length:
    /// `buf[skip..skip + len]` is the header section; the body length is unknown
    /// (taken as empty).
    NoContentLength { skip: usize, len: usize },
    /// The buffer does not start with a SIP start line.
    NotSip,
}

/// Could `partial` (no line end yet) grow into a start line?
fn plausible_start_prefix(partial: &[u8]) -> bool {
    if partial.len() > MAX_START_LINE {
        return false;
    }
    let version = b"SIP/2.0 ";
    let n = partial.len().min(version.len());
    if partial
        .get(..n)
        .zip(version.get(..n))
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
    {
        return true;
    }
    let method_end = partial
        .iter()
        .position(|&b| b == b' ')
        .unwrap_or(partial.len());
    let method = partial.get(..method_end).unwrap_or_default();
    let rest = partial.get(method_end..).unwrap_or_default();
    !method.is_empty()
        && method.iter().copied().all(is_token_byte)
        && rest
            .iter()
            .all(|&b| b >= 0x20 && b != 0x7f || b == b'\t' || b == b'\r')
}

/// Frames the first message of `buf` (start line, headers, empty line and
/// Content-Length bytes of body), skipping leading CR/LF keep-alives.
pub fn frame_message(buf: &[u8]) -> Framing {
    let skip = skip_crlf(buf, 0);
    let Some(msg) = buf.get(skip..) else {
        return Framing::Incomplete;
    };
    if msg.is_empty() {
        return Framing::Incomplete;
    }
    let Some(first_lf) = find_lf(msg, 0) else {
        return if plausible_start_prefix(msg) {
            Framing::Incomplete
        } else {
            Framing::NotSip
        };
    };
    let (end, mut pos) = line_at(msg, 0);
    let mut irregular = Vec::new();
    if first_lf > MAX_START_LINE
        || parse_start_line(msg.get(..end).unwrap_or_default(), 0, &mut irregular).is_none()
    {
        return Framing::NotSip;
    }

    let mut content_length: Option<Option<u32>> = None;
    let head_len = loop {
        if find_lf(msg, pos).is_none() {
            return Framing::Incomplete;
        }
        let (end, next) = line_at(msg, pos);
        if end == pos {
            break next;
        }
        let line = msg.get(pos..end).unwrap_or_default();
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        if !folded
            && content_length.is_none()
            && let Some(colon) = line.iter().position(|&b| b == b':')
        {
            let name = line.get(..colon).unwrap_or_default().trim_ascii();
            if HeaderName::from_wire(name) == HeaderName::ContentLength {
                let value = line.get(colon + 1..).unwrap_or_default().trim_ascii();
                content_length = Some(parse_content_length(value));
            }
        }
        pos = next;
    };

    match content_length {
        Some(Some(body_len)) => {
            let len = head_len.saturating_add(body_len as usize);
            if msg.len() >= len {
                Framing::Complete { skip, len }
            } else {
                Framing::Incomplete
            }
        }
        _ => Framing::NoContentLength {
            skip,
            len: head_len,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@b.example SIP/2.0\r\n\
Via: SIP/2.0/TCP a.example;branch=z9hG4bK1\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

    const OK: &[u8] = b"SIP/2.0 200 OK\r\nl: 0\r\n\r\n";

    #[test]
    fn looks_like_sip_detects_start_lines() {
        assert!(looks_like_sip(INVITE));
        assert!(looks_like_sip(OK));
        assert!(looks_like_sip(b"\r\n\r\nOPTIONS sip:x SIP/2.0\r\n"));
        assert!(looks_like_sip(b"PING tel:+1555 SIP/2.0\n"));
        assert!(looks_like_sip(b"SIP/2.0 180 Rin"));
        assert!(!looks_like_sip(b"SIP/2.0 18"));
        assert!(!looks_like_sip(b"INVITE sip:x SIP/2.0"));
        assert!(!looks_like_sip(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(!looks_like_sip(b"HTTP/1.1 200 OK\r\n"));
        assert!(!looks_like_sip(b""));
        assert!(!looks_like_sip(b"\r\n\r\n"));
        assert!(!looks_like_sip(&[0x80, 0x00, 0x12, 0x34, b'\n']));
    }

    #[test]
    fn frames_back_to_back_messages() {
        let mut buf = INVITE.to_vec();
        buf.extend_from_slice(OK);
        assert_eq!(
            frame_message(&buf),
            Framing::Complete {
                skip: 0,
                len: INVITE.len()
            }
        );
        assert_eq!(
            frame_message(&buf[INVITE.len()..]),
            Framing::Complete {
                skip: 0,
                len: OK.len()
            }
        );
    }

    #[test]
    fn skips_keep_alives() {
        let mut buf = b"\r\n\r\n\r\n".to_vec();
        buf.extend_from_slice(OK);
        assert_eq!(
            frame_message(&buf),
            Framing::Complete {
                skip: 6,
                len: OK.len()
            }
        );
        assert_eq!(frame_message(b"\r\n\r\n"), Framing::Incomplete);
        assert_eq!(frame_message(b""), Framing::Incomplete);
    }

    #[test]
    fn every_prefix_is_incomplete() {
        for n in 0..INVITE.len() {
            assert_eq!(
                frame_message(&INVITE[..n]),
                Framing::Incomplete,
                "prefix {n}"
            );
        }
    }

    #[test]
    fn without_content_length() {
        let msg = b"SIP/2.0 100 Trying\r\nCall-ID: a\r\n\r\nrest";
        assert_eq!(
            frame_message(msg),
            Framing::NoContentLength { skip: 0, len: 34 }
        );
        let bad = b"SIP/2.0 100 Trying\nContent-Length: x\n\n";
        assert_eq!(
            frame_message(bad),
            Framing::NoContentLength {
                skip: 0,
                len: bad.len()
            }
        );
    }

    #[test]
    fn lf_only_and_spaced_content_length() {
        let msg = b"BYE sip:x SIP/2.0\nContent-Length : 2\n\nabBYE";
        assert_eq!(frame_message(msg), Framing::Complete { skip: 0, len: 40 });
    }

    #[test]
    fn not_sip() {
        assert_eq!(frame_message(b"GET / HTTP/1.1\r\n\r\n"), Framing::NotSip);
        assert_eq!(frame_message(b"\x16\x03\x01\x02\x00"), Framing::NotSip);
        assert_eq!(frame_message(b"INVITE sip:x"), Framing::Incomplete);
        assert_eq!(frame_message(b"INVITE sip:x\x01"), Framing::NotSip);
        assert_eq!(frame_message(b"sip/2"), Framing::Incomplete);
    }
}
