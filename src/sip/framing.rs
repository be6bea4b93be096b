//! Recognising SIP by content and framing messages on stream transports
//! (RFC 3261 §18.3: on a stream, Content-Length is mandatory and delimits the body).
//!
//! Both run on every datagram and every stream buffer, before any message is
//! scanned. [`looks_like_sip`] turns away payloads that cannot start a start
//! line by their first byte; [`frame_message`] walks the header lines once
//! (line ends found with `memchr`) and only looks closer at lines that can be
//! a Content-Length. The tests compare both with the line-by-line code they
//! replace on generated messages.

use super::header::HeaderName;
use super::message::{Message, StreamScan, find_lf, find_lf_near, parse_content_length, skip_crlf};
use super::start_line::{is_token_byte, parse_start_line, plain_request_line, plain_status_prefix};

/// The longest start line [`looks_like_sip`] and [`frame_message`] wait for.
pub(super) const MAX_START_LINE: usize = 8192;

/// [`looks_like_sip`] of a datagram, and the datagram scanned as
/// [`Message::parse`] scans it when it starts with a start line written the
/// plain way (nearly always): the start line is read once instead of twice.
/// The message is `None` for SIP with another start line: parse it then.
pub fn look_and_scan(payload: &[u8]) -> (bool, Option<Message>) {
    // A plain start line that ends within the first MAX_START_LINE bytes
    // is one `looks_like_sip` takes whole.
    match Message::parse_plain(payload, MAX_START_LINE) {
        Some(message) => (true, Some(message)),
        None => (looks_like_sip(payload), None),
    }
}

/// Is `line` (no line end) a request line or a status line, as the
/// scanner reads them? The vector of irregularities is only allocated for
/// an irregular line.
fn is_start_line(line: &[u8]) -> bool {
    parse_start_line(line, 0, &mut Vec::new()).is_some()
}

/// The content of the line ending with the `\n` at `lf` and starting at
/// `start`: its end, without a `\r` before the `\n`.
fn content_end(bytes: &[u8], start: usize, lf: usize) -> usize {
    if lf > start && bytes.get(lf - 1) == Some(&b'\r') {
        lf - 1
    } else {
        lf
    }
}

/// Does this payload start like a SIP message (a request line or a status
/// line, after any CR/LF keep-alives)? Looks at the first line only.
pub fn looks_like_sip(payload: &[u8]) -> bool {
    let start = skip_crlf(payload, 0);
    let head = payload
        .get(start..payload.len().min(start.saturating_add(MAX_START_LINE)))
        .unwrap_or_default();
    // Both kinds of start line begin with a token byte (`S` of `SIP/2.0`, or
    // the method): RTP, DNS, STUN and the like are turned away here without
    // looking for a line end.
    if !head.first().copied().is_some_and(is_token_byte) {
        return false;
    }
    if is_plain_status_prefix(head) || is_plain_request_line(head) {
        return true;
    }
    match memchr::memchr(b'\n', head) {
        Some(lf) => is_start_line(head.get(..content_end(head, 0, lf)).unwrap_or_default()),
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

/// Does `head` start with `SIP/2.0 DDD ` as responses nearly always do
/// (upper case, single spaces, a code from 100 to 699)? Such a start is a
/// status line whatever follows, with or without a line end: the full check
/// would accept it too, after looking for the line end first.
fn is_plain_status_prefix(head: &[u8]) -> bool {
    plain_status_prefix(head).is_some()
}

/// Does `head` start with a request line as nearly all are written? See
/// [`plain_request_line`]: the full check would accept it too.
fn is_plain_request_line(head: &[u8]) -> bool {
    plain_request_line(head, 0).is_some()
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

/// The Content-Length value of a header line (no line end), if the line is
/// a `Content-Length` (or compact `l`) header: `Some(None)` when its value is
/// not a valid length. The name is matched as the scanner matches it: up to
/// the first colon, trimmed of ASCII whitespace, in any case.
pub(super) fn content_length_of(line: &[u8]) -> Option<Option<u32>> {
    /// After the name: optional whitespace, the colon, the value.
    fn value(rest: &[u8]) -> Option<Option<u32>> {
        let after_colon = rest.trim_ascii_start().strip_prefix(b":")?;
        Some(parse_content_length(after_colon.trim_ascii()))
    }
    match *line.first()? {
        // A folded line continues the header before it.
        b' ' | b'\t' => None,
        b'c' | b'C' => {
            if is_content_length(line.get(..14)?) {
                value(line.get(14..).unwrap_or_default())
            } else {
                None
            }
        }
        b'l' | b'L' => value(line.get(1..).unwrap_or_default()),
        // A name after other whitespace (CR, FF): rare, matched the long way.
        first if first.is_ascii_whitespace() => {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = line.get(..colon).unwrap_or_default().trim_ascii();
            (HeaderName::from_wire(name) == HeaderName::ContentLength).then(|| {
                parse_content_length(line.get(colon + 1..).unwrap_or_default().trim_ascii())
            })
        }
        _ => None,
    }
}

/// Is `name` `Content-Length` in any case? Most header lines of a message
/// start with `C` (Call-ID, CSeq, Contact, Content-Type): two overlapping
/// words are compared at once instead of byte by byte. Setting the case bit
/// of each letter matches both of its cases and nothing else; the hyphen is
/// compared as it is (a CR with the bit set would pass for it).
fn is_content_length(name: &[u8]) -> bool {
    const HEAD: u64 = u64::from_le_bytes(*b"content-");
    const TAIL: u64 = u64::from_le_bytes(*b"t-length");
    const HEAD_CASE: u64 = u64::from_le_bytes([0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0]);
    const TAIL_CASE: u64 = u64::from_le_bytes([0x20, 0, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
    let (Some(head), Some(tail)) = (name.first_chunk::<8>(), name.last_chunk::<8>()) else {
        return false;
    };
    name.len() == 14
        && u64::from_le_bytes(*head) | HEAD_CASE == HEAD
        && u64::from_le_bytes(*tail) | TAIL_CASE == TAIL
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
    if first_lf > MAX_START_LINE
        || !(is_plain_status_prefix(msg)
            || is_plain_request_line(msg)
            || is_start_line(msg.get(..content_end(msg, 0, first_lf)).unwrap_or_default()))
    {
        return Framing::NotSip;
    }

    // One pass over the header lines up to the empty line, reading the
    // first Content-Length on the way. Header lines are short: their ends
    // are found inline, sixteen bytes at a time, rather than by a `memchr`
    // call per line.
    let mut content_length: Option<Option<u32>> = None;
    let mut line_start = first_lf + 1;
    while content_length.is_none() {
        let Some(lf) = find_lf_near(msg, line_start) else {
            return Framing::Incomplete;
        };
        let end = content_end(msg, line_start, lf);
        if end == line_start {
            return frame_body(msg, skip, lf + 1, None);
        }
        content_length = content_length_of(msg.get(line_start..end).unwrap_or_default());
        line_start = lf + 1;
    }
    // Content-Length is nearly always the last header: the empty line
    // follows at once. Otherwise the lines after it are only looked at for
    // their ends.
    let head_len = match msg.get(line_start..) {
        Some([b'\r', b'\n', ..]) => line_start + 2,
        Some([b'\n', ..]) => line_start + 1,
        _ => loop {
            let Some(lf) = find_lf_near(msg, line_start) else {
                return Framing::Incomplete;
            };
            if content_end(msg, line_start, lf) == line_start {
                break lf + 1;
            }
            line_start = lf + 1;
        },
    };
    frame_body(msg, skip, head_len, content_length)
}

/// [`frame_message`], and the framed message scanned as [`Message::parse`]
/// scans it (`None` when it is not framed) in the same walk over the header
/// lines: on a stream, each message's lines are walked once instead of twice.
/// The message can be `None` for a framed one (a start line not written the
/// plain way, read by the framer alone): parse the framed bytes then.
pub fn frame_and_scan(buf: &[u8]) -> (Framing, Option<Message>) {
    let skip = skip_crlf(buf, 0);
    match buf.get(skip..).and_then(Message::scan_stream) {
        Some(StreamScan::Incomplete) => (Framing::Incomplete, None),
        Some(StreamScan::Framed {
            len,
            has_length: true,
            message,
        }) => (Framing::Complete { skip, len }, Some(message)),
        Some(StreamScan::Framed {
            len,
            has_length: false,
            message,
        }) => (Framing::NoContentLength { skip, len }, Some(message)),
        None => (frame_message(buf), None),
    }
}

/// The framing of a message whose header section is `msg[..head_len]`,
/// given the value of its first Content-Length header, if any.
fn frame_body(
    msg: &[u8],
    skip: usize,
    head_len: usize,
    content_length: Option<Option<u32>>,
) -> Framing {
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
    fn content_length_name_in_any_case_and_nothing_else() {
        assert!(is_content_length(b"Content-Length"));
        assert!(is_content_length(b"cONTENT-lENGTH"));
        assert!(!is_content_length(b"Content-Type: "));
        assert!(!is_content_length(b"Content\rLength"));
        assert!(!is_content_length(b"Content-Lengt"));
        assert!(!is_content_length(b"Content-Lengths"));
        // Every byte at every position: as `eq_ignore_ascii_case` decides.
        for at in 0..14 {
            for b in 0..=255u8 {
                let mut name = *b"Content-Length";
                name[at] = b;
                assert_eq!(
                    is_content_length(&name),
                    name.eq_ignore_ascii_case(b"content-length"),
                    "{at} {b:#x}"
                );
            }
        }
    }

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

    /// The status-line shortcut agrees with the full start-line check.
    #[test]
    fn plain_status_prefix_is_a_start_line() {
        for line in [
            &b"SIP/2.0 200 OK\r\n"[..],
            b"SIP/2.0 100 \r\n",
            b"SIP/2.0 699 x",
            b"SIP/2.0 183 Session Progress",
        ] {
            assert!(is_plain_status_prefix(line), "{line:?}");
            assert!(looks_like_sip(line), "{line:?}");
        }
        for line in [
            &b"SIP/2.0 099 Low\r\n"[..],
            b"SIP/2.0 700 High\r\n",
            b"SIP/2.0 20x OK\r\n",
            b"sip/2.0 200 OK\r\n",
            b"SIP/2.0  200 OK\r\n",
            b"SIP/2.0 200\r\n",
            b"SIP/2.0 200",
        ] {
            assert!(!is_plain_status_prefix(line), "{line:?}");
        }
        // Those the shortcut leaves to the full check.
        assert!(!looks_like_sip(b"SIP/2.0 099 Low\r\n"));
        assert!(!looks_like_sip(b"SIP/2.0 700 High\r\n"));
        assert!(looks_like_sip(b"sip/2.0 200 OK\r\n"));
        assert!(looks_like_sip(b"SIP/2.0 200\r\n"));
    }

    /// The request-line shortcut takes exactly lines the full check accepts:
    /// every single-byte substitution, deletion and insertion in a few
    /// plain request lines, each either left to the full check or accepted
    /// by both.
    #[test]
    fn plain_request_line_is_a_start_line() {
        assert!(is_plain_request_line(
            b"INVITE sip:bob@b.example SIP/2.0\r\nVia: x"
        ));
        assert!(is_plain_request_line(b"PING tel:+1 SIP/2.0\n"));
        assert!(is_plain_request_line(b"ACK a\rb SIP/2.0\r\n"));
        for line in [
            &b"INVITE sip:b SIP/2.0"[..],
            b"INVITE sip:b SIP/2.0 \r\n",
            b"INVITE  sip:b SIP/2.0\r\n",
            b"INVITE sip:b  SIP/2.0\r\n",
            b"INVITE sip:b sip/2.0\r\n",
            b"INVITE\tsip:b SIP/2.0\r\n",
            b"INVITE sip:b SIP/2.0\r\r\n",
            b" sip:b SIP/2.0\r\n",
            b"INVITE  SIP/2.0\r\n",
            b"IN(VITE sip:b SIP/2.0\r\n",
        ] {
            assert!(!is_plain_request_line(line), "{line:?}");
        }
        let subs = [
            b' ', b'\t', b'\r', b'\n', b'S', b's', b'0', b'1', b'/', b'.', b'(', 0, 0xe9,
        ];
        let mut taken = 0;
        for base in [
            &b"INVITE sip:bob@b.example;transport=udp SIP/2.0\r\nVia: x\r\n\r\n"[..],
            b"ACK sip:b SIP/2.0\n\n",
            b"X t SIP/2.0\r\n",
        ] {
            for v in crate::test_fixtures::byte_mutations(base, &subs) {
                let shown = String::from_utf8_lossy(&v);
                let expected = oracle::looks_like_sip(&v);
                if is_plain_request_line(&v) {
                    taken += 1;
                    assert!(expected, "{shown:?}");
                }
                assert_eq!(looks_like_sip(&v), expected, "{shown:?}");
                if expected {
                    let mut framed = v.clone();
                    framed.truncate(
                        v.iter()
                            .position(|&b| b == b'\n')
                            .map_or(v.len(), |p| p + 1),
                    );
                    framed.extend_from_slice(b"l: 0\r\n\r\n");
                    assert_eq!(
                        frame_message(&framed),
                        oracle::frame_message(&framed),
                        "{shown:?}"
                    );
                }
            }
        }
        assert!(taken > 300, "{taken}");
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

    /// The empty line right after Content-Length, or further on.
    #[test]
    fn headers_after_content_length() {
        let last = b"SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nabSIP";
        assert_eq!(frame_message(last), Framing::Complete { skip: 0, len: 39 });
        let lf = b"SIP/2.0 200 OK\nl: 2\n\nab";
        assert_eq!(frame_message(lf), Framing::Complete { skip: 0, len: 23 });
        let more = b"SIP/2.0 200 OK\r\nl: 1\r\nContent-Length: 9\r\nX: y\r\n\r\nab";
        assert_eq!(frame_message(more), Framing::Complete { skip: 0, len: 50 });
        assert_eq!(frame_message(more), oracle::frame_message(more));
        assert_eq!(
            frame_message(b"SIP/2.0 200 OK\r\nl: 1\r\nX: y\r\n\r"),
            Framing::Incomplete
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

    /// Framing, then scanning the framed bytes: what [`frame_and_scan`] does
    /// in one walk. The message as its `Debug` text (its caches are empty).
    fn framed_then_parsed(buf: &[u8]) -> (Framing, Option<String>) {
        let framing = frame_message(buf);
        let message = match framing {
            Framing::Complete { skip, len } | Framing::NoContentLength { skip, len } => {
                Message::parse(&buf[skip..skip + len]).map(|m| format!("{m:?}"))
            }
            Framing::Incomplete | Framing::NotSip => None,
        };
        (framing, message)
    }

    /// Checks [`frame_and_scan`] against [`framed_then_parsed`]; returns
    /// whether it scanned the message itself (rather than leaving it to
    /// the parser).
    fn scan_agrees(buf: &[u8]) -> bool {
        let (framing, message) = frame_and_scan(buf);
        let (expected_framing, expected_message) = framed_then_parsed(buf);
        let shown = String::from_utf8_lossy(buf);
        assert_eq!(framing, expected_framing, "{shown:?}");
        match message {
            Some(m) => {
                assert_eq!(Some(format!("{m:?}")), expected_message, "{shown:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn frame_and_scan_frames_and_scans() {
        let mut buf = b"\r\n".to_vec();
        buf.extend_from_slice(INVITE);
        buf.extend_from_slice(OK);
        let (framing, message) = frame_and_scan(&buf);
        assert_eq!(
            framing,
            Framing::Complete {
                skip: 2,
                len: INVITE.len()
            }
        );
        let message = message.expect("a plain start line is scanned");
        assert_eq!(message.raw(), INVITE);
        assert_eq!(message.headers().len(), 2);
        assert_eq!(message.body(), b"v=0\n");
        // The headers every message must carry are missing.
        assert_eq!(message.anomalies().len(), 5);

        let (framing, message) = frame_and_scan(OK);
        assert_eq!(framing, Framing::Complete { skip: 0, len: 24 });
        assert_eq!(message.map(|m| m.body().len()), Some(0));

        // No Content-Length: the header section alone.
        let (framing, message) = frame_and_scan(b"SIP/2.0 100 Trying\r\nCall-ID: a\r\n\r\nrest");
        assert_eq!(framing, Framing::NoContentLength { skip: 0, len: 34 });
        assert_eq!(message.map(|m| m.raw().len()), Some(34));

        // Not all there yet, not SIP, a start line left to the framer.
        let left = |buf: &[u8]| {
            let (framing, message) = frame_and_scan(buf);
            (framing, message.is_some())
        };
        assert_eq!(left(&INVITE[..60]), (Framing::Incomplete, false));
        assert_eq!(
            frame_and_scan(b"SIP/2.0 200 OK\r\nl: 1\r\nX: y\r\n\r").0,
            Framing::Incomplete
        );
        assert_eq!(left(b"GET / HTTP/1.1\r\n\r\n"), (Framing::NotSip, false));
        let irregular = b"SIP/2.0 200\r\nl: 0\r\n\r\n";
        assert_eq!(
            left(irregular),
            (Framing::Complete { skip: 0, len: 21 }, false)
        );
    }

    /// One reading of a datagram's start line: the answer of
    /// `looks_like_sip`, and the message of `Message::parse` when it scans.
    #[test]
    fn look_and_scan_agrees_with_looking_then_parsing() {
        let (sip, message) = look_and_scan(b"\r\nOPTIONS sip:x SIP/2.0\r\nl: 2\r\n\r\nabc");
        assert!(sip);
        let message = message.expect("a plain start line is scanned");
        assert_eq!(message.body(), b"ab");
        assert_eq!(
            message.start_line_span(),
            crate::sip::Span { start: 2, end: 23 }
        );
        // SIP left to the parser, and not SIP.
        assert!(matches!(
            look_and_scan(b"sip/2.0 200 OK\r\n\r\n"),
            (true, None)
        ));
        assert!(matches!(
            look_and_scan(b"GET / HTTP/1.1\r\n\r\n"),
            (false, None)
        ));
        let mut long = b"MESSAGE sip:".to_vec();
        long.resize(MAX_START_LINE + 10, b'a');
        long.extend_from_slice(b" SIP/2.0\r\n\r\n");
        assert!(matches!(look_and_scan(&long), (false, None)));
        assert!(Message::parse(&long).is_some());

        let subs = [b' ', b'\t', b'\r', b'\n', b'S', b'2', b'0', b':', 0];
        let mut scanned = 0;
        for base in [INVITE, OK, b"SIP/2.0 180 Ringing\r\n\r\n"] {
            for v in crate::test_fixtures::byte_mutations(base, &subs) {
                let shown = String::from_utf8_lossy(&v);
                let (sip, message) = look_and_scan(&v);
                assert_eq!(sip, looks_like_sip(&v), "{shown:?}");
                if let Some(m) = message {
                    scanned += 1;
                    let expected = Message::parse(&v).map(|m| format!("{m:?}"));
                    assert_eq!(Some(format!("{m:?}")), expected, "{shown:?}");
                }
            }
        }
        assert!(scanned > 500, "{scanned}");
    }

    /// The scan asks the framer's question of a line only when its name is
    /// not spelled the canonical way or is Content-Length: for every other
    /// canonical name the answer is known to be no.
    #[test]
    fn canonical_names_are_no_content_length() {
        for h in HeaderName::ALL {
            for value in [": 5", ":5", ": x"] {
                let line = format!("{}{value}", h.canonical());
                let expected = (h == HeaderName::ContentLength)
                    .then(|| parse_content_length(value[1..].trim().as_bytes()));
                assert_eq!(content_length_of(line.as_bytes()), expected, "{line}");
            }
        }
    }

    /// Whatever the bytes, one walk frames as the framer does and scans as
    /// the parser scans the framed bytes: every prefix of a few messages
    /// (with the next message behind), and every single-byte substitution,
    /// deletion and insertion in them, among them the lines the framer and
    /// the parser read differently (folded, oddly spaced or repeated
    /// Content-Length).
    #[test]
    fn frame_and_scan_agrees_with_framing_then_parsing() {
        let subs = [b' ', b'\t', b'\r', b'\n', b':', b'l', b'0', b'5', 0x0c, 0];
        let bases: [&[u8]; 8] = [
            INVITE,
            OK,
            b"SIP/2.0 200 OK\r\nContent-Length: 2\r\nCall-ID: x\r\n\r\nab",
            b"BYE sip:x SIP/2.0\nContent-Length : 2\n\nabBYE",
            b"SIP/2.0 200 OK\r\nContent-Length:\r\n 3\r\n\r\nabcd",
            b"SIP/2.0 200 OK\r\nContent-Length: 1\r\n 3\r\n\r\nabcd",
            b"ACK sip:b SIP/2.0\r\nl: 1\r\nContent-Length: 3\r\n\r\nabc",
            b"SIP/2.0 180 Ringing\r\nContent-Length\x0c: 2\r\nX\r\n: y\r\n\r\nab",
        ];
        let mut scanned = 0;
        for base in bases {
            let mut buf = base.to_vec();
            buf.extend_from_slice(OK);
            for n in 0..=buf.len() {
                scanned += usize::from(scan_agrees(&buf[..n]));
            }
            for v in crate::test_fixtures::byte_mutations(base, &subs) {
                scanned += usize::from(scan_agrees(&v));
            }
        }
        assert!(scanned > 3000, "{scanned}");
    }

    /// The implementations these replace, which went through the scanner's
    /// start line parser and line splitter: the oracles of the tests below.
    mod oracle {
        use super::super::super::message::{find_lf, line_at, parse_content_length, skip_crlf};
        use super::super::super::start_line::parse_start_line;
        use super::super::{Framing, HeaderName, MAX_START_LINE, plausible_start_prefix};

        pub fn is_start_line(line: &[u8]) -> bool {
            parse_start_line(line, 0, &mut Vec::new()).is_some()
        }

        pub fn looks_like_sip(payload: &[u8]) -> bool {
            let start = skip_crlf(payload, 0);
            let head = payload
                .get(start..payload.len().min(start.saturating_add(MAX_START_LINE)))
                .unwrap_or_default();
            match find_lf(head, 0) {
                Some(_) => is_start_line(&head[..line_at(head, 0).0]),
                None => {
                    head.len() >= 12
                        && head[..8].eq_ignore_ascii_case(b"SIP/2.0 ")
                        && head[8..11].iter().all(u8::is_ascii_digit)
                        && head[11] == b' '
                }
            }
        }

        pub fn frame_message(buf: &[u8]) -> Framing {
            let skip = skip_crlf(buf, 0);
            let msg = &buf[skip..];
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
            if first_lf > MAX_START_LINE || !is_start_line(&msg[..end]) {
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
                let line = &msg[pos..end];
                let folded = matches!(line.first(), Some(b' ' | b'\t'));
                if !folded
                    && content_length.is_none()
                    && let Some(colon) = line.iter().position(|&b| b == b':')
                {
                    let name = line[..colon].trim_ascii();
                    if HeaderName::from_wire(name) == HeaderName::ContentLength {
                        content_length = Some(parse_content_length(line[colon + 1..].trim_ascii()));
                    }
                }
                pos = next;
            };
            match content_length {
                Some(Some(body_len)) => {
                    let len = head_len + body_len as usize;
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
    }

    /// A small deterministic generator (a 64-bit LCG).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n
        }

        fn pick<'p>(&mut self, pieces: &[&'p [u8]]) -> &'p [u8] {
            pieces[self.below(pieces.len())]
        }

        /// A line shaped like a start line, each part picked among valid and
        /// invalid variants.
        fn start_line(&mut self) -> Vec<u8> {
            let ws: &[&[u8]] = &[b" ", b" ", b"  ", b"\t", b""];
            let mut line = Vec::new();
            line.extend_from_slice(self.pick(&[
                b"SIP/2.0",
                b"sip/2.0",
                b"SIP/2.1",
                b"SIP/2",
                b"INVITE",
                b"OPTIONS",
                b"x",
                b"IN(VITE",
                b"-.!%*_+`'~",
                b"",
                b"\xe9",
            ]));
            line.extend_from_slice(self.pick(ws));
            line.extend_from_slice(self.pick(&[
                b"200", b"100", b"699", b"099", b"700", b"2000", b"20x", b"1", b"sip:a@b",
                b"tel:+1", b"", b"SIP/2.0",
            ]));
            line.extend_from_slice(self.pick(ws));
            line.extend_from_slice(self.pick(&[
                b"OK",
                b"SIP/2.0",
                b"sip/2.0",
                b"SIP/2.1",
                b"",
                b"Not Found",
                b"SIP/2.0 extra",
            ]));
            line.extend_from_slice(self.pick(&[b"", b"", b" ", b"\t ", b" x", b"\r", b"\x00"]));
            line
        }
    }

    /// Messages built from start lines, header lines (Content-Length in many
    /// spellings, folded, invalid) and bodies, cut at any length: the new
    /// framing and recogniser answer as the old ones did.
    #[test]
    fn framing_agrees_with_the_line_by_line_walk() {
        let headers: &[&[u8]] = &[
            b"Content-Length: 3",
            b"content-length:12",
            b"Content-Length : 0",
            b"CONTENT-LENGTH:\t4 ",
            b"l: 2",
            b"L:1",
            b"Content-Length: x",
            b"Content-Length: 99999999999",
            b"Content-Length:",
            b" Content-Length: 1",
            b"\tl: 1",
            b"\rContent-Length: 2",
            b"\x0cl: 3",
            b"Contact: <sip:a>",
            b"Call-ID: abc",
            b"Content-Type: application/sdp",
            b"c: text/plain",
            b"lr: 1",
            b"l\r: 3",
            b"Content-Lengthx: 1",
            b"Content-Length\x0c: 2",
            b"Content-Length",
            b"content-lengt: 3",
            b"Via: SIP/2.0/TCP a",
            b"no colon",
            b"\r",
        ];
        let ends: &[&[u8]] = &[b"\r\n", b"\r\n", b"\n", b"\r\r\n"];
        let mut rng = Lcg(11);
        let mut seen = [0usize; 4];
        for _ in 0..100_000 {
            let mut buf = Vec::new();
            for _ in 0..rng.below(3) {
                buf.extend_from_slice(rng.pick(&[b"\r\n", b"\n", b"\r"]));
            }
            if rng.below(4) == 0 {
                buf.extend(rng.start_line());
            } else {
                buf.extend_from_slice(rng.pick(&[
                    b"INVITE sip:a SIP/2.0",
                    b"SIP/2.0 200 OK",
                    b"ACK sip:b@c:5060;transport=tcp SIP/2.0",
                ]));
            }
            for _ in 0..rng.below(6) {
                buf.extend_from_slice(rng.pick(ends));
                buf.extend_from_slice(rng.pick(headers));
            }
            buf.extend_from_slice(rng.pick(ends));
            buf.extend_from_slice(rng.pick(ends));
            buf.extend_from_slice(rng.pick(&[
                b"",
                b"v=0",
                b"abcdefghijklmnop",
                b"SIP/2.0 200 OK\r\n",
            ]));
            if rng.below(3) == 0 {
                buf.truncate(rng.below(buf.len() + 1));
            }
            let expected = oracle::frame_message(&buf);
            seen[match expected {
                Framing::Complete { .. } => 0,
                Framing::Incomplete => 1,
                Framing::NoContentLength { .. } => 2,
                Framing::NotSip => 3,
            }] += 1;
            assert_eq!(
                frame_message(&buf),
                expected,
                "{:?}",
                String::from_utf8_lossy(&buf)
            );
            assert_eq!(
                looks_like_sip(&buf),
                oracle::looks_like_sip(&buf),
                "{:?}",
                String::from_utf8_lossy(&buf)
            );
        }
        assert!(seen.iter().all(|&n| n > 2000), "{seen:?}");
    }
}
