//! Start lines: methods, status codes and the request/status line itself
//! (RFC 3261 §7.1, §7.2).

use std::fmt;

use super::Span;
use super::lex::match_mask;

/// A SIP method. The set is open: methods this enum does not name are kept in
/// [`Method::Other`]. Methods are case-sensitive (RFC 3261 §7.1), so `invite`
/// is `Other("invite")`, not [`Method::Invite`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Bye,
    Cancel,
    Register,
    Options,
    Info,
    Update,
    Prack,
    Subscribe,
    Notify,
    Refer,
    Message,
    Publish,
    Other(Box<str>),
}

impl Method {
    /// The methods known by name (RFC 3261 and the extensions that define
    /// methods), in a fixed order; anything else is [`Method::Other`].
    pub const STANDARD: [&'static str; 14] = [
        "INVITE",
        "ACK",
        "BYE",
        "CANCEL",
        "REGISTER",
        "OPTIONS",
        "INFO",
        "UPDATE",
        "PRACK",
        "SUBSCRIBE",
        "NOTIFY",
        "REFER",
        "MESSAGE",
        "PUBLISH",
    ];

    /// The method named by `s`, exactly as written (no trimming, no case folding).
    pub fn parse(s: &str) -> Method {
        match s {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "REGISTER" => Method::Register,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "UPDATE" => Method::Update,
            "PRACK" => Method::Prack,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "REFER" => Method::Refer,
            "MESSAGE" => Method::Message,
            "PUBLISH" => Method::Publish,
            other => Method::Other(other.into()),
        }
    }

    /// [`Method::parse`] on the bytes of a token (ASCII, so no UTF-8 check
    /// for the known methods).
    pub(crate) fn from_token(token: &[u8]) -> Method {
        match token {
            b"INVITE" => Method::Invite,
            b"ACK" => Method::Ack,
            b"BYE" => Method::Bye,
            b"CANCEL" => Method::Cancel,
            b"REGISTER" => Method::Register,
            b"OPTIONS" => Method::Options,
            b"INFO" => Method::Info,
            b"UPDATE" => Method::Update,
            b"PRACK" => Method::Prack,
            b"SUBSCRIBE" => Method::Subscribe,
            b"NOTIFY" => Method::Notify,
            b"REFER" => Method::Refer,
            b"MESSAGE" => Method::Message,
            b"PUBLISH" => Method::Publish,
            other => Method::Other(String::from_utf8_lossy(other).into()),
        }
    }

    /// The method as it is written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Update => "UPDATE",
            Method::Prack => "PRACK",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Other(s) => s,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SIP response status code (RFC 3261 §7.2, §21). Unknown codes survive as
/// plain numbers; the constants name the ones sipdiag refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(pub u16);

impl StatusCode {
    pub const TRYING: StatusCode = StatusCode(100);
    pub const RINGING: StatusCode = StatusCode(180);
    pub const CALL_IS_BEING_FORWARDED: StatusCode = StatusCode(181);
    pub const QUEUED: StatusCode = StatusCode(182);
    pub const SESSION_PROGRESS: StatusCode = StatusCode(183);
    pub const OK: StatusCode = StatusCode(200);
    pub const ACCEPTED: StatusCode = StatusCode(202);
    pub const MULTIPLE_CHOICES: StatusCode = StatusCode(300);
    pub const MOVED_PERMANENTLY: StatusCode = StatusCode(301);
    pub const MOVED_TEMPORARILY: StatusCode = StatusCode(302);
    pub const USE_PROXY: StatusCode = StatusCode(305);
    pub const BAD_REQUEST: StatusCode = StatusCode(400);
    pub const UNAUTHORIZED: StatusCode = StatusCode(401);
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode(405);
    pub const NOT_ACCEPTABLE: StatusCode = StatusCode(406);
    pub const PROXY_AUTHENTICATION_REQUIRED: StatusCode = StatusCode(407);
    pub const REQUEST_TIMEOUT: StatusCode = StatusCode(408);
    pub const UNSUPPORTED_MEDIA_TYPE: StatusCode = StatusCode(415);
    pub const BAD_EXTENSION: StatusCode = StatusCode(420);
    pub const EXTENSION_REQUIRED: StatusCode = StatusCode(421);
    pub const SESSION_INTERVAL_TOO_SMALL: StatusCode = StatusCode(422);
    pub const INTERVAL_TOO_BRIEF: StatusCode = StatusCode(423);
    pub const TEMPORARILY_UNAVAILABLE: StatusCode = StatusCode(480);
    pub const CALL_OR_TRANSACTION_DOES_NOT_EXIST: StatusCode = StatusCode(481);
    pub const LOOP_DETECTED: StatusCode = StatusCode(482);
    pub const TOO_MANY_HOPS: StatusCode = StatusCode(483);
    pub const BUSY_HERE: StatusCode = StatusCode(486);
    pub const REQUEST_TERMINATED: StatusCode = StatusCode(487);
    pub const NOT_ACCEPTABLE_HERE: StatusCode = StatusCode(488);
    pub const REQUEST_PENDING: StatusCode = StatusCode(491);
    pub const SERVER_INTERNAL_ERROR: StatusCode = StatusCode(500);
    pub const NOT_IMPLEMENTED: StatusCode = StatusCode(501);
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode(503);
    pub const SERVER_TIMEOUT: StatusCode = StatusCode(504);
    pub const BUSY_EVERYWHERE: StatusCode = StatusCode(600);
    pub const DECLINE: StatusCode = StatusCode(603);
    pub const DOES_NOT_EXIST_ANYWHERE: StatusCode = StatusCode(604);
    pub const NOT_ACCEPTABLE_ANYWHERE: StatusCode = StatusCode(606);

    /// The class, the hundreds digit, clamped to 1..=6.
    pub fn class(self) -> u16 {
        (self.0 / 100).clamp(1, 6)
    }

    /// 1xx.
    pub fn is_provisional(self) -> bool {
        self.class() == 1
    }

    /// 2xx to 6xx.
    pub fn is_final(self) -> bool {
        self.class() >= 2
    }

    /// 2xx.
    pub fn is_success(self) -> bool {
        self.class() == 2
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The first line of a message. Spans point into [`super::Message::raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { method: Method, uri: Span },
    Response { status: StatusCode, reason: Span },
}

/// Something irregular in a start line that still parsed.
pub(crate) type Irregularity = &'static str;

/// Is `b` a `token` character (RFC 3261 §25.1)? One load from a table:
/// every method byte of every request goes through this.
#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

/// [`is_token_byte`] for each byte value, built at compile time.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0u8;
    loop {
        table[b as usize] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            );
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Index of the first byte at or after `i` that is not SP/HT.
fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while line.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    i
}

/// Index of the first SP/HT at or after `i` (or the line length).
fn find_ws(line: &[u8], mut i: usize) -> usize {
    while line.get(i).copied().is_some_and(|b| !is_ws(b)) {
        i += 1;
    }
    i
}

/// Where the parts of a request line written the plain way lie, as offsets
/// into the bytes given to [`plain_request_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlainRequestLine {
    /// End of the method (the single SP after it).
    pub method_end: usize,
    /// End of the Request-URI (the single SP before `SIP/2.0`).
    pub uri_end: usize,
    /// End of the line's content (after `SIP/2.0`, before CRLF or LF).
    pub end: usize,
    /// Start of the next line.
    pub next: usize,
}

/// The request line at `start` when it is written as nearly all are: a
/// method token, one SP, a Request-URI without SP, HT or LF, one SP,
/// `SIP/2.0` in upper case and the line end (CRLF or LF). The full parser
/// reads such a line the same way without any irregularity (nothing to trim,
/// the version ends it, the URI lies between single spaces); this finds it
/// in one pass over the URI, with its line end, instead of a line-end search
/// followed by a parse from both ends. `None` leaves the line to
/// [`parse_start_line`].
pub(crate) fn plain_request_line(bytes: &[u8], start: usize) -> Option<PlainRequestLine> {
    let line = bytes.get(start..)?;
    let method_len = line.iter().position(|&b| !is_token_byte(b))?;
    if method_len == 0 || line.get(method_len) != Some(&b' ') {
        return None;
    }
    let uri = line.get(method_len + 1..)?;
    let uri_len = memchr::memchr3(b' ', b'\t', b'\n', uri)?;
    if uri_len == 0 || uri.get(uri_len) != Some(&b' ') {
        return None;
    }
    let tail = uri.get(uri_len + 1..)?;
    let line_end_len = if tail.starts_with(b"SIP/2.0\r\n") {
        2
    } else if tail.starts_with(b"SIP/2.0\n") {
        1
    } else {
        return None;
    };
    let method_end = start + method_len;
    let uri_end = method_end + 1 + uri_len;
    let end = uri_end + 1 + b"SIP/2.0".len();
    Some(PlainRequestLine {
        method_end,
        uri_end,
        end,
        next: end + line_end_len,
    })
}

/// The start line at `start` of `bytes` when it is written the plain way
/// (a [`plain_request_line`], or `SIP/2.0 DDD ` and a reason phrase):
/// the line as [`parse_start_line`] reads it (with no irregularity), the end
/// of its content and the start of the next line. `None` leaves the line to
/// the full parser.
pub(crate) fn parse_plain_start_line(
    bytes: &[u8],
    start: usize,
) -> Option<(StartLine, usize, usize)> {
    if let Some(code) = plain_status_prefix(bytes.get(start..)?) {
        let reason_from = start + 12;
        // The line ends as the scanner's line search ends it.
        let (end, next) = super::message::line_at(bytes, reason_from);
        // The reason phrase without the whitespace around it; a line without
        // one is irregular: left to the full parser.
        let reason = bytes.get(reason_from..end)?;
        let reason_start = reason.iter().position(|&b| !is_ws(b))?;
        let reason_end = reason.iter().rposition(|&b| !is_ws(b))? + 1;
        return Some((
            StartLine::Response {
                status: StatusCode(code),
                reason: Span::new(reason_from + reason_start, reason_from + reason_end),
            },
            end,
            next,
        ));
    }
    let plain = plain_request_line(bytes, start)?;
    Some((
        StartLine::Request {
            method: Method::from_token(bytes.get(start..plain.method_end)?),
            uri: Span::new(plain.method_end + 1, plain.uri_end),
        },
        plain.end,
        plain.next,
    ))
}

/// The status code of a line starting `SIP/2.0 DDD ` as responses nearly
/// always do (upper case, single spaces, a code from 100 to 699). Such a
/// start is a status line whatever follows, with or without a line end.
pub(crate) fn plain_status_prefix(head: &[u8]) -> Option<u16> {
    let prefix = head.first_chunk::<12>()?;
    let [
        b'S',
        b'I',
        b'P',
        b'/',
        b'2',
        b'.',
        b'0',
        b' ',
        d0,
        d1,
        d2,
        b' ',
    ] = *prefix
    else {
        return None;
    };
    let digit = |d: u8| d.is_ascii_digit().then(|| u16::from(d - b'0'));
    let code = digit(d0)? * 100 + digit(d1)? * 10 + digit(d2)?;
    (100..=699).contains(&code).then_some(code)
}

/// Parses a start line. `line` excludes the line end; `base` is its offset in
/// the message. Returns `None` when the line is neither a request line nor a
/// status line; irregularities that do not prevent parsing go to `irregular`.
pub(crate) fn parse_start_line(
    line: &[u8],
    base: usize,
    irregular: &mut Vec<Irregularity>,
) -> Option<StartLine> {
    parse_start_line_with(line, base, |what| irregular.push(what))
}

/// [`parse_start_line`] handing each irregularity to `note`: the scanner
/// turns them into anomalies without a vector in between.
pub(crate) fn parse_start_line_with(
    line: &[u8],
    base: usize,
    mut note: impl FnMut(Irregularity),
) -> Option<StartLine> {
    // Trailing whitespace is tolerated everywhere.
    let mut len = line.len();
    while len > 0 && line.get(len - 1).copied().is_some_and(is_ws) {
        len -= 1;
    }
    let line = line.get(..len)?;

    if let Some(version) = line.first_chunk::<7>()
        && let Some(upper) = version_case(version)
    {
        return parse_status_line(line, base, upper, &mut note);
    }
    parse_request_line(line, base, &mut note)
}

/// `Some(true)` for `SIP/2.0`, `Some(false)` for it in another case, `None`
/// for anything else.
fn version_case(version: &[u8; 7]) -> Option<bool> {
    if version == b"SIP/2.0" {
        Some(true)
    } else {
        version.eq_ignore_ascii_case(b"SIP/2.0").then_some(false)
    }
}

fn parse_status_line(
    line: &[u8],
    base: usize,
    upper: bool,
    note: &mut impl FnMut(Irregularity),
) -> Option<StartLine> {
    // SIP/2.0 SP 3DIGIT SP Reason-Phrase
    if !line.get(7).copied().is_some_and(is_ws) {
        return None;
    }
    let code_at = skip_ws(line, 7);
    if code_at != 8 {
        note("extra whitespace in the status line");
    }
    let digits = line.get(code_at..code_at + 3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    if !(100..=699).contains(&code) {
        return None;
    }
    let after = code_at + 3;
    let reason_at = match line.get(after) {
        None => {
            note("status line without a reason phrase");
            after
        }
        Some(&b) if is_ws(b) => skip_ws(line, after),
        Some(_) => return None,
    };
    if !upper {
        note("SIP version not in upper case");
    }
    Some(StartLine::Response {
        status: StatusCode(code),
        reason: Span::new(base + reason_at, base + line.len()),
    })
}

/// Does `bytes` hold a SP or HT? Eight bytes at a time: Request-URIs are
/// long.
fn has_ws(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        if match_mask(word, b' ') | match_mask(word, b'\t') != 0 {
            return true;
        }
    }
    chunks.remainder().iter().copied().any(is_ws)
}

fn parse_request_line(
    line: &[u8],
    base: usize,
    note: &mut impl FnMut(Irregularity),
) -> Option<StartLine> {
    // Method SP Request-URI SP SIP-Version, read from both ends: the version
    // ends the line (trailing whitespace is gone), the URI lies between. A
    // URI holding whitespace is refused, as a left-to-right reading would.
    let method_end = find_ws(line, 0);
    let method = line.get(..method_end)?;
    if method.is_empty() || !method.iter().copied().all(is_token_byte) {
        return None;
    }
    let version_start = line.len().checked_sub(7)?;
    let upper = version_case(line.get(version_start..)?.first_chunk::<7>()?)?;
    let mut uri_end = version_start;
    while uri_end > method_end && line.get(uri_end - 1).copied().is_some_and(is_ws) {
        uri_end -= 1;
    }
    let uri_start = skip_ws(line, method_end);
    if uri_end == version_start || uri_start >= uri_end || has_ws(line.get(uri_start..uri_end)?) {
        return None;
    }
    if uri_start != method_end + 1 || version_start != uri_end + 1 {
        note("extra whitespace in the request line");
    }
    if !upper {
        note("SIP version not in upper case");
    }
    Some(StartLine::Request {
        method: Method::from_token(method),
        uri: Span::new(base + uri_start, base + uri_end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> (Option<StartLine>, Vec<Irregularity>) {
        let mut irr = Vec::new();
        (parse_start_line(line.as_bytes(), 0, &mut irr), irr)
    }

    /// Single-byte substitutions, insertions and deletions in plain start
    /// lines (and their prefixes): whenever the one-pass reading answers, it
    /// answers as the line search and the full parser do, with no
    /// irregularity; and it answers for the plain lines themselves.
    #[test]
    fn plain_start_lines_read_as_the_full_parser_reads_them() {
        use super::super::message::line_at;
        let subs = [
            b' ', b'\t', b'\r', b'\n', b'S', b's', b'0', b'1', b'7', b'/', b'.', b'(', 0, 0xe9,
        ];
        let bases: [&[u8]; 6] = [
            b"INVITE sip:bob@b.example;transport=udp SIP/2.0\r\nVia: x\r\n",
            b"ACK sip:b SIP/2.0\n\n",
            b"PING t SIP/2.0\r\n",
            b"SIP/2.0 200 OK\r\nVia: x\r\n",
            b"SIP/2.0 183 Session  Progress \n",
            b"SIP/2.0 486 Busy",
        ];
        let mut answered = 0;
        for base in bases {
            assert!(parse_plain_start_line(base, 0).is_some(), "{base:?}");
            for v in crate::test_fixtures::byte_mutations(base, &subs) {
                for start in [0, 2] {
                    let mut bytes = b"\r\n"[..start].to_vec();
                    bytes.extend_from_slice(&v);
                    let Some((line, end, next)) = parse_plain_start_line(&bytes, start) else {
                        continue;
                    };
                    answered += 1;
                    let shown = String::from_utf8_lossy(&bytes);
                    assert_eq!(line_at(&bytes, start), (end, next), "{shown:?}");
                    let mut irregular = Vec::new();
                    let full = parse_start_line(&bytes[start..end], start, &mut irregular);
                    assert_eq!(full, Some(line), "{shown:?}");
                    assert!(irregular.is_empty(), "{shown:?}");
                }
            }
        }
        assert!(answered > 1000, "{answered}");
    }

    #[test]
    fn token_bytes() {
        let tokens: Vec<u8> = (0..=u8::MAX).filter(|&b| is_token_byte(b)).collect();
        assert_eq!(
            tokens,
            b"!%'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_`abcdefghijklmnopqrstuvwxyz~".to_vec()
        );
    }

    #[test]
    fn plain_start_line_parts() {
        assert_eq!(
            plain_request_line(b"\r\nBYE sip:a SIP/2.0\r\nx", 2),
            Some(PlainRequestLine {
                method_end: 5,
                uri_end: 11,
                end: 19,
                next: 21
            })
        );
        assert_eq!(plain_request_line(b"BYE sip:a SIP/2.0", 0), None);
        assert_eq!(
            parse_plain_start_line(b"SIP/2.0 404 Not Found\n", 0),
            Some((
                StartLine::Response {
                    status: StatusCode::NOT_FOUND,
                    reason: Span { start: 12, end: 21 }
                },
                21,
                22
            ))
        );
        assert_eq!(parse_plain_start_line(b"SIP/2.0 404 \r\n", 0), None);
        assert_eq!(plain_status_prefix(b"SIP/2.0 700 x"), None);
        assert_eq!(plain_status_prefix(b"SIP/2.0 100 x"), Some(100));
    }

    #[test]
    fn method_round_trip_and_case_sensitivity() {
        for m in Method::STANDARD.into_iter().chain(["PING"]) {
            assert_eq!(Method::parse(m).as_str(), m);
        }
        assert_eq!(Method::parse("invite"), Method::Other("invite".into()));
        assert_eq!(Method::parse("PING").to_string(), "PING");
        assert_eq!(Method::Invite.to_string(), "INVITE");
    }

    #[test]
    fn status_code_classes() {
        assert_eq!(StatusCode::TRYING.class(), 1);
        assert!(StatusCode::SESSION_PROGRESS.is_provisional());
        assert!(!StatusCode::SESSION_PROGRESS.is_final());
        assert!(StatusCode::OK.is_success());
        assert!(StatusCode::OK.is_final());
        assert!(StatusCode::BAD_EXTENSION.is_final());
        assert!(!StatusCode::BAD_EXTENSION.is_success());
        assert_eq!(StatusCode(606).class(), 6);
        assert_eq!(StatusCode(42).class(), 1);
        assert_eq!(StatusCode(999).class(), 6);
        assert_eq!(StatusCode::BAD_EXTENSION.to_string(), "420");
    }

    #[test]
    fn request_lines() {
        let (sl, irr) = parse("INVITE sip:bob@example.com SIP/2.0");
        assert_eq!(
            sl,
            Some(StartLine::Request {
                method: Method::Invite,
                uri: Span { start: 7, end: 26 }
            })
        );
        assert!(irr.is_empty());

        let (sl, irr) = parse("PING tel:+15551234567 sip/2.0  ");
        assert_eq!(
            sl,
            Some(StartLine::Request {
                method: Method::Other("PING".into()),
                uri: Span { start: 5, end: 21 }
            })
        );
        assert_eq!(irr, vec!["SIP version not in upper case"]);

        let (sl, irr) = parse("BYE  sip:a@[2001:db8::1]:5060 SIP/2.0");
        assert!(matches!(
            sl,
            Some(StartLine::Request {
                method: Method::Bye,
                ..
            })
        ));
        assert_eq!(irr, vec!["extra whitespace in the request line"]);
    }

    #[test]
    fn status_lines() {
        let (sl, irr) = parse("SIP/2.0 420 Bad Extension");
        assert_eq!(
            sl,
            Some(StartLine::Response {
                status: StatusCode(420),
                reason: Span { start: 12, end: 25 }
            })
        );
        assert!(irr.is_empty());

        let (sl, irr) = parse("SIP/2.0 200");
        assert_eq!(
            sl,
            Some(StartLine::Response {
                status: StatusCode(200),
                reason: Span { start: 11, end: 11 }
            })
        );
        assert_eq!(irr, vec!["status line without a reason phrase"]);
    }

    #[test]
    fn not_start_lines() {
        for line in [
            "",
            "SIP/2.0",
            "SIP/2.0 2000 OK",
            "SIP/2.0 099 Low",
            "SIP/2.0 700 High",
            "SIP/2.0 20x OK",
            "SIP/2.0200 OK",
            "GET / HTTP/1.1",
            "INVITE sip:bob@example.com",
            "INVITE SIP/2.0",
            "INV(TE sip:a SIP/2.0",
            "INVITE sip:a SIP/2.0 extra",
            "\u{e9}INVITE sip:a SIP/2.0",
        ] {
            assert_eq!(parse(line).0, None, "{line:?}");
        }
    }

    /// The request-line reading before it went from both ends: left to
    /// right, one field after the other.
    fn request_left_to_right(line: &[u8]) -> Option<(Method, Span, Vec<Irregularity>)> {
        let mut irregular = Vec::new();
        let mut len = line.len();
        while len > 0 && is_ws(line[len - 1]) {
            len -= 1;
        }
        let line = &line[..len];
        let method_end = find_ws(line, 0);
        let method = &line[..method_end];
        if method.is_empty() || !method.iter().copied().all(is_token_byte) {
            return None;
        }
        let uri_start = skip_ws(line, method_end);
        let uri_end = find_ws(line, uri_start);
        let version_start = skip_ws(line, uri_end);
        if uri_end == uri_start || version_start == uri_end {
            return None;
        }
        let version = &line[version_start..];
        if !version.eq_ignore_ascii_case(b"SIP/2.0") {
            return None;
        }
        if uri_start != method_end + 1 || version_start != uri_end + 1 {
            irregular.push("extra whitespace in the request line");
        }
        if version != b"SIP/2.0" {
            irregular.push("SIP version not in upper case");
        }
        let method = Method::parse(std::str::from_utf8(method).ok()?);
        Some((method, Span::new(uri_start, uri_end), irregular))
    }

    #[test]
    fn request_line_from_both_ends_agrees_with_left_to_right() {
        let seeds: [&[u8]; 8] = [
            b"INVITE sip:bob@example.com SIP/2.0",
            b"ACK  sip:a@b\tsip/2.0 ",
            b"X sip:a SIP/2.0",
            b"INVITE sip:a b SIP/2.0",
            b"INVITE  SIP/2.0",
            b"A SIP/2.0",
            b"INVITE sip:xSIP/2.0",
            b"OPTIONS sip:averyveryverylonguri@host.example.com:5060;transport=udp SIP/2.0",
        ];
        let alphabet = [
            b' ', b'\t', b'S', b's', b'/', b'2', b'.', b'0', b'x', b'\xc3',
        ];
        let mut checked = 0;
        for seed in seeds {
            // Every line obtained by replacing, inserting or deleting one
            // byte, and every prefix.
            for line in crate::test_fixtures::byte_mutations(seed, &alphabet) {
                if line
                    .first_chunk::<7>()
                    .is_some_and(|v| version_case(v).is_some())
                {
                    continue;
                }
                let mut irregular = Vec::new();
                let got = match parse_start_line(&line, 0, &mut irregular) {
                    Some(StartLine::Request { method, uri }) => Some((method, uri, irregular)),
                    Some(StartLine::Response { .. }) => panic!("{line:?}"),
                    None => None,
                };
                assert_eq!(got, request_left_to_right(&line), "{line:?}");
                checked += 1;
            }
        }
        assert!(checked > 3000, "{checked}");
    }
}
