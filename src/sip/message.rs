//! The message scanner: one pass over the bytes splits the start line and the
//! header lines and frames the body; accessors parse header values on demand.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::Span;
use super::framing::{MAX_START_LINE, content_length_of};
use super::header::{Header, HeaderName};
use super::lex::{delta_seconds, match_mask, split_top, trim};
use super::sdp::{Sdp, SdpError};
use super::start_line::{
    Method, StartLine, StatusCode, parse_plain_start_line, parse_start_line_with,
};
use super::values::{
    Auth, AuthView, CSeq, NameAddr, RAck, ReasonValue, RetryAfter, SessionExpires, Via, Warning,
};

/// Something odd about a message that did not stop the scanner. Anomalies are
/// data for the diagnosis, never errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// The start line parsed but bends the grammar (extra whitespace,
    /// lower-case version, no reason phrase).
    BadStartLine { what: &'static str },
    /// A header line without `:`; it was skipped.
    HeaderWithoutColon { offset: u32 },
    /// A header line starting with `:`; it was skipped.
    EmptyHeaderName { offset: u32 },
    /// A continuation line (starting with whitespace) before any header.
    ContinuationWithoutHeader { offset: u32 },
    /// The header section is not ended by an empty line: the message is cut
    /// or lacks its final CRLF. The body is empty.
    NoBlankLine,
    /// `Content-Length` is not a decimal number that fits in 32 bits; the body
    /// is everything after the blank line.
    BadContentLength { offset: u32 },
    /// `Content-Length` announces more bytes than follow the blank line.
    ContentLengthTooLarge { declared: u32, available: u32 },
    /// `Content-Length` announces fewer bytes than follow the blank line: the
    /// extra bytes are not part of the body.
    ContentLengthTooSmall { declared: u32, available: u32 },
    /// A header that must appear at most once appears several times.
    DuplicateHeader(HeaderName),
    /// A header every request or response must carry is absent
    /// (RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via; Max-Forwards on requests).
    MissingHeader(HeaderName),
    /// The message has more than [`MAX_HEADERS`] header lines: `dropped` of
    /// them were not kept. Beyond the limit only the first From, To, Call-ID,
    /// CSeq, Max-Forwards, Content-Length and Content-Type are still kept, so
    /// that the message can be correlated and its body framed.
    TooManyHeaders { dropped: u32 },
    /// More than [`MAX_LINE_ANOMALIES`] header lines were malformed: `dropped`
    /// more were found but not kept.
    TooManyAnomalies { dropped: u32 },
}

/// Most header lines kept per message. Real messages carry a few dozen; a
/// message with more is hostile or broken, and keeping them all would let one
/// message cost twenty bytes per header line.
pub const MAX_HEADERS: usize = 1_000;

/// Most anomalies about single header lines (no colon, empty name, stray
/// continuation) kept per message; without a limit, a message of lines without
/// a colon would cost one entry per line. Anomalies about the message as a
/// whole (missing or repeated headers, Content-Length) are always kept.
pub const MAX_LINE_ANOMALIES: usize = 32;

impl Anomaly {
    /// A lower-case description without a final period.
    pub fn describe(&self) -> String {
        match self {
            Anomaly::BadStartLine { what } => format!("irregular start line: {what}"),
            Anomaly::HeaderWithoutColon { offset } => {
                format!("header line without a colon at byte {offset}")
            }
            Anomaly::EmptyHeaderName { offset } => {
                format!("header line with an empty name at byte {offset}")
            }
            Anomaly::ContinuationWithoutHeader { offset } => {
                format!("continuation line without a header to continue at byte {offset}")
            }
            Anomaly::NoBlankLine => {
                "headers not terminated by an empty line (message cut short?)".to_string()
            }
            Anomaly::BadContentLength { offset } => {
                format!("Content-Length is not a valid number at byte {offset}")
            }
            Anomaly::ContentLengthTooLarge {
                declared,
                available,
            } => format!(
                "Content-Length declares {declared} bytes but only {available} follow the headers"
            ),
            Anomaly::ContentLengthTooSmall {
                declared,
                available,
            } => format!(
                "Content-Length declares {declared} bytes but {available} follow the headers"
            ),
            Anomaly::DuplicateHeader(name) => format!("{name} header appears more than once"),
            Anomaly::MissingHeader(name) => format!("mandatory {name} header is missing"),
            Anomaly::TooManyHeaders { dropped } => format!(
                "more than {MAX_HEADERS} header lines: {dropped} extra ones were not analysed"
            ),
            Anomaly::TooManyAnomalies { dropped } => {
                format!(
                    "too many malformed header lines: {dropped} more were not reported one by one"
                )
            }
        }
    }
}

/// A scanned SIP message. It owns its bytes; every [`Span`] indexes
/// [`Message::raw`]. Built only by [`Message::parse`], after which no accessor
/// panics.
#[derive(Debug, Clone)]
pub struct Message {
    raw: Raw,
    start: StartLine,
    start_span: Span,
    /// Exactly as long as the message's header lines: messages live as long
    /// as their call, and a spare capacity would be kept with them.
    headers: Box<[Header]>,
    body: Span,
    anomalies: Vec<Anomaly>,
    /// Whether some header value spans folded lines (and so holds a line end):
    /// the other values are read without looking for one.
    folded: bool,
    /// Header values and the body parsed on first use. Boxed: a `Message` is
    /// moved several times on its way to its call, and the caches are most
    /// of its size.
    parsed: Box<Parsed>,
}

/// What accessors parse on first use and keep. Kept small (160 bytes, was
/// 440): it is allocated and zeroed for every message, while most of its
/// caches stay empty. The rarely filled large values (an SDP result, a whole
/// Via, a From or To) are boxed; CSeq (read for every message), the Via
/// key (for nearly half) and the spans of the To's URI and tag stay inline.
#[derive(Debug, Clone, Default)]
struct Parsed {
    /// The SDP body: several rules read it, parsing is the costly part.
    sdp: OnceCell<Option<Box<Result<Sdp, SdpError>>>>,
    /// The top Via entry, whole.
    top_via: OnceCell<Option<Box<Via>>>,
    /// The branch and sent-by of the top Via: transaction matching reads
    /// them for nearly every message, and nothing more of the Via.
    top_via_key: OnceCell<Option<TopViaKey>>,
    /// From and To: dialog and retransmission matching read them again for
    /// every later message of a transaction.
    from: OnceCell<Option<Box<NameAddr>>>,
    to: OnceCell<Option<Box<NameAddr>>>,
    /// The URI and tag of To, read in place ([`Message::to_tag`]).
    to_spans: OnceCell<Option<AddrSpans>>,
    /// CSeq: transaction matching and every report read it.
    cseq: OnceCell<Option<CSeq>>,
}

/// What a message owns besides its header table: the copy of its bytes and
/// its caches, allocated together before the scan ([`Message::parse`]).
struct Owned {
    raw: Raw,
    parsed: Box<Parsed>,
}

impl Owned {
    fn new(bytes: &[u8]) -> Owned {
        Owned {
            raw: Raw::new(bytes),
            parsed: Box::default(),
        }
    }
}

/// The bytes of a message, kept as text when they are valid UTF-8 (nearly
/// always): the whole message is checked once, its slices then need no check
/// of their own, only that they start and end on character boundaries.
#[derive(Debug, Clone)]
enum Raw {
    Text(Box<str>),
    Bytes(Box<[u8]>),
}

/// Whether every byte is below 0x80 (then the bytes are UTF-8). The bytes
/// are OR-ed together a word at a time, 64 bytes per step with no early exit
/// (the last 64 again when the length is not a multiple). `str::from_utf8`
/// tests each two words as it goes: on the benchmark's udp-10M it took
/// 5.9 M instructions, this 1.7 M, and the 1 GB run 6 % less time.
/// (`<[u8]>::is_ascii` stops at the first high byte, and saved a quarter
/// of what this saves.)
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    fn block(b: &[u8; 64]) -> u64 {
        b.chunks_exact(8)
            .filter_map(|w| w.first_chunk::<8>())
            .fold(0, |acc, w| acc | u64::from_ne_bytes(*w))
    }
    let Some(last) = bytes.last_chunk::<64>() else {
        return bytes.iter().fold(0, |acc, b| acc | b) < 0x80;
    };
    let all = bytes
        .chunks_exact(64)
        .filter_map(|b| b.first_chunk::<64>())
        .fold(block(last), |acc, b| acc | block(b));
    all & HIGH == 0
}

impl Raw {
    fn new(bytes: &[u8]) -> Raw {
        if is_ascii(bytes) {
            // SAFETY: every byte is below 0x80 (just checked), and ASCII
            // is valid UTF-8.
            return Raw::Text(unsafe { std::str::from_utf8_unchecked(bytes) }.into());
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Raw::Text(text.into()),
            Err(_) => Raw::Bytes(bytes.into()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Raw::Text(text) => text.as_bytes(),
            Raw::Bytes(bytes) => bytes,
        }
    }

    /// The bytes of `span` as UTF-8, invalid sequences replaced; empty when
    /// the span does not lie in the message.
    fn text(&self, span: Span) -> Cow<'_, str> {
        if let Raw::Text(text) = self
            && let Some(slice) = text.get(span.start as usize..span.end as usize)
        {
            return Cow::Borrowed(slice);
        }
        let bytes = span.slice(self.bytes());
        match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        }
    }
}

/// Where the URI and the tag of a From or To lie in the message
/// ([`Message::to_spans`]).
#[derive(Debug, Clone, Copy)]
struct AddrSpans {
    uri: Span,
    tag: Option<Span>,
}

/// The branch and sent-by of the top Via ([`Via::parse_key`]).
#[derive(Debug, Clone)]
struct TopViaKey {
    branch: Option<Text>,
    sent_by: Text,
}

/// The first non-empty entry of a comma-separated header value.
fn first_entry(value: &str) -> Option<&str> {
    split_top(value, b',').find(|e| !trim(e).is_empty())
}

/// A text taken from a header value: where it lies in the message when it
/// is a slice of it (the common case), else a copy.
#[derive(Debug, Clone)]
enum Text {
    Span(Span),
    Owned(Box<str>),
}

thread_local! {
    /// The header table [`Message::parse`] fills before copying it into the
    /// message: at most [`MAX_HEADERS`] + 7 entries, so bounded.
    static HEADER_SCRATCH: std::cell::Cell<Vec<Header>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Headers that may appear at most once.
const SINGLE: [HeaderName; 7] = [
    HeaderName::From,
    HeaderName::To,
    HeaderName::CallId,
    HeaderName::CSeq,
    HeaderName::MaxForwards,
    HeaderName::ContentLength,
    HeaderName::ContentType,
];

/// Headers every message must carry (Max-Forwards is checked on requests only).
const MANDATORY: [HeaderName; 5] = [
    HeaderName::To,
    HeaderName::From,
    HeaderName::CSeq,
    HeaderName::CallId,
    HeaderName::Via,
];

const fn bit(name: HeaderName) -> u64 {
    1u64 << name.index()
}

/// `names` as a set of [`bit`]s.
const fn bits(names: &[HeaderName]) -> u64 {
    let mut bits = 0;
    let mut i = 0;
    while i < names.len() {
        bits |= bit(names[i]);
        i += 1;
    }
    bits
}

/// [`SINGLE`] as a set of [`bit`]s.
const SINGLE_BITS: u64 = bits(&SINGLE);

/// [`MANDATORY`] as a set of [`bit`]s.
const MANDATORY_BITS: u64 = bits(&MANDATORY);

/// Where a header line's parts lie: its first colon (if it comes before the
/// line end), the end of its content (without `\n` and a `\r` before it) and
/// the start of the next line. A last line without `\n` runs to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineParts {
    colon: Option<usize>,
    end: usize,
    next: usize,
}

/// Reads the line starting at `pos` in one pass: the colon and the line end
/// are looked for together eight bytes at a time until the first of them,
/// then the line end alone from the colon on ([`find_lf_near`]). Header
/// names are short: the colon is nearly always in the first word, and the
/// bytes of the name are not read twice.
///
/// Also returns the line's first two words as read on the way (0 for a word
/// not read): they hold the header name ([`HeaderName::from_canonical_words`]).
/// Inlined into both instances of [`scan_headers`]: called, it cost a
/// tenth more on TCP (its result went through memory).
#[inline(always)]
fn scan_line(bytes: &[u8], pos: usize) -> (LineParts, [u64; 2]) {
    let mut at = pos;
    let mut head = [0u64; 2];
    let (colon, lf) = loop {
        let Some(word) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) else {
            // Fewer than eight bytes left in the message.
            let rest = bytes.get(at..).unwrap_or_default();
            match rest.iter().position(|&b| b == b':' || b == b'\n') {
                Some(p) if rest.get(p) == Some(&b':') => break (Some(at + p), None),
                Some(p) => break (None, Some(at + p)),
                None => break (None, None),
            }
        };
        let word = u64::from_le_bytes(*word);
        match at - pos {
            0 => head[0] = word,
            8 => head[1] = word,
            _ => {}
        }
        let colons = match_mask(word, b':');
        let lfs = match_mask(word, b'\n');
        // The lowest flagged byte of each mask is its first match
        // (little-endian); the first of the two decides (an empty mask has
        // 64 trailing zeros).
        if colons.trailing_zeros() < lfs.trailing_zeros() {
            break (Some(at + (colons.trailing_zeros() / 8) as usize), None);
        }
        if lfs != 0 {
            break (None, Some(at + (lfs.trailing_zeros() / 8) as usize));
        }
        at += 8;
    };
    let lf = match (colon, lf) {
        (_, Some(lf)) => Some(lf),
        (Some(colon), None) => find_lf_near(bytes, colon + 1),
        (None, None) => None,
    };
    let (lf, next) = match lf {
        Some(lf) => (lf, lf + 1),
        None => (bytes.len(), bytes.len()),
    };
    let end = if lf > pos && bytes.get(lf - 1) == Some(&b'\r') {
        lf - 1
    } else {
        lf
    };
    (LineParts { colon, end, next }, head)
}

/// Position of the first `\n` in `bytes` at or after `from`, for the short
/// distances of header lines: inline, sixteen bytes at a time. `memchr`
/// is faster on long runs, but its call and setup cost more than the
/// search on a 50-byte line.
#[inline(always)]
pub(crate) fn find_lf_near(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<16>()) {
        // A fold without early exit compiles to one vector compare.
        if chunk.iter().fold(false, |any, &b| any | (b == b'\n')) {
            let word = u128::from_le_bytes(*chunk);
            let low = match_mask(word as u64, b'\n');
            let bit = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + match_mask((word >> 64) as u64, b'\n').trailing_zeros()
            };
            return Some(at + (bit / 8) as usize);
        }
        at += 16;
    }
    let rest = bytes.get(at..)?;
    rest.iter().position(|&b| b == b'\n').map(|p| at + p)
}

/// Position of the first `\n` at or after `from`. `memchr` compares 16 or 32
/// bytes at a time: header lines average 50 bytes, and finding their ends
/// was the largest cost of the scanner.
pub(crate) fn find_lf(hay: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', hay.get(from..)?).map(|p| from + p)
}

/// The line starting at `pos`: `(content_end, next_line_start)`, where the
/// content excludes the `\n` and a `\r` before it. A last line without `\n`
/// runs to the end of `bytes`.
pub(crate) fn line_at(bytes: &[u8], pos: usize) -> (usize, usize) {
    let (lf, next) = match find_lf_near(bytes, pos) {
        Some(lf) => (lf, lf + 1),
        None => (bytes.len(), bytes.len()),
    };
    let end = if lf > pos && bytes.get(lf - 1) == Some(&b'\r') {
        lf - 1
    } else {
        lf
    };
    (end, next)
}

/// Index of the first byte at or after `pos` that is not CR or LF.
pub(crate) fn skip_crlf(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b'\r' | b'\n')) {
        pos += 1;
    }
    pos
}

/// Records an anomaly about one header line, up to [`MAX_LINE_ANOMALIES`];
/// beyond it only counts it.
fn note_line(anomalies: &mut Vec<Anomaly>, dropped: &mut u32, anomaly: Anomaly) {
    if anomalies.len() < MAX_LINE_ANOMALIES {
        anomalies.push(anomaly);
    } else {
        *dropped = dropped.saturating_add(1);
    }
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `start..end` without leading and trailing SP/HT.
#[inline]
fn trim_range(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    // Nearly every header value is written `: value`: one SP before it,
    // nothing after it. Checked in one match, without the byte loops.
    if let Some([b' ', second, .., last]) = bytes.get(start..end)
        && !is_ws(*second)
        && !is_ws(*last)
    {
        return (start + 1, end);
    }
    while start < end && bytes.get(start).copied().is_some_and(is_ws) {
        start += 1;
    }
    while end > start && bytes.get(end - 1).copied().is_some_and(is_ws) {
        end -= 1;
    }
    (start, end)
}

/// `end` moved back over trailing SP/HT, not before `start`.
#[inline]
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes.get(end - 1).copied().is_some_and(is_ws) {
        end -= 1;
    }
    end
}

/// A `Content-Length` value: decimal digits fitting in `u32`.
pub(crate) fn parse_content_length(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 10 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = value
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    u32::try_from(n).ok()
}

/// What [`Message::parse`] keeps about the header lines that are not plain
/// (see [`odd_line`]).
#[derive(Default)]
struct OddLines {
    /// The anomalies about single lines, up to [`MAX_LINE_ANOMALIES`].
    anomalies_of_lines: Vec<Anomaly>,
    dropped_anomalies: u32,
    dropped_headers: u32,
    /// Whether the last header line was kept (a continuation of a dropped
    /// one is dropped too).
    last_kept: bool,
    /// Whether some kept value spans folded lines.
    folded: bool,
}

/// A header line [`Message::parse`] does not read on its plain path: a
/// continuation, a line without a colon or without a name, a line past
/// [`MAX_HEADERS`]. Kept out of the loop: they are rare, and the state they
/// need would crowd the plain path's registers.
#[cold]
#[inline(never)]
fn odd_line(
    bytes: &[u8],
    LineParts { colon, end, .. }: LineParts,
    pos: usize,
    headers: &mut Vec<Header>,
    seen: &mut u64,
    repeated: &mut u64,
    odd: &mut OddLines,
) {
    let first = bytes.get(pos).copied().unwrap_or(b' ');
    let offset = Span::new(pos, pos).start;
    if is_ws(first) {
        // Folded continuation line (RFC 3261 §7.3.1).
        let (cont_start, cont_end) = trim_range(bytes, pos, end);
        match headers.last_mut() {
            // The continuation of a header dropped at the cap.
            Some(_) if !odd.last_kept => {}
            Some(h) if cont_end > cont_start => {
                if h.value_span.is_empty() {
                    h.value_span = Span::new(cont_start, cont_end);
                } else {
                    h.value_span.end = Span::new(cont_start, cont_end).end;
                    odd.folded = true;
                }
            }
            Some(_) => {}
            None => note_line(
                &mut odd.anomalies_of_lines,
                &mut odd.dropped_anomalies,
                Anomaly::ContinuationWithoutHeader { offset },
            ),
        }
        return;
    }
    let Some(colon) = colon else {
        note_line(
            &mut odd.anomalies_of_lines,
            &mut odd.dropped_anomalies,
            Anomaly::HeaderWithoutColon { offset },
        );
        return;
    };
    // The line does not start with whitespace (that is a continuation):
    // only the end of the name is trimmed.
    let name_end = trim_end(bytes, pos, colon);
    if name_end == pos {
        note_line(
            &mut odd.anomalies_of_lines,
            &mut odd.dropped_anomalies,
            Anomaly::EmptyHeaderName { offset },
        );
        return;
    }
    let name = HeaderName::from_wire(bytes.get(pos..name_end).unwrap_or_default());
    let (value_start, value_end) = trim_range(bytes, colon + 1, end);
    let b = bit(name);
    // Past the cap only the first of each single header is kept.
    let first_single = SINGLE_BITS & b != 0 && *seen & b == 0;
    *repeated |= *seen & b;
    *seen |= b;
    odd.last_kept = headers.len() < MAX_HEADERS || first_single;
    if odd.last_kept {
        headers.push(Header {
            name,
            name_span: Span::new(pos, name_end),
            value_span: Span::new(value_start, value_end),
        });
    } else {
        odd.dropped_headers = odd.dropped_headers.saturating_add(1);
    }
}

/// What [`Message::scan_stream`] makes of the start of a stream buffer.
#[derive(Debug)]
pub(crate) enum StreamScan {
    /// The header section or the body is not all there yet.
    Incomplete,
    /// The first `len` bytes are `message`. `has_length`: they were framed
    /// by a valid Content-Length; else they are the header section alone
    /// and the length of the body is unknown.
    Framed {
        len: usize,
        has_length: bool,
        message: Message,
    },
}

/// What [`scan_headers`] found besides the header table.
struct HeaderScan {
    /// The names met, as a set of [`bit`]s, and those met more than once.
    seen: u64,
    repeated: u64,
    odd: OddLines,
    /// Where the body starts: after the first empty line. `None` when there
    /// is none (in a stream, also when the empty line has no `\n` yet).
    body_start: Option<usize>,
    /// In a stream: the first Content-Length as the framer reads it
    /// ([`content_length_of`]), which is not always the header the scanner
    /// reads (a folded or oddly spaced line).
    framed_length: Option<Option<u32>>,
}

/// The header-line loop of [`Message::parse`] from `pos`, filling `headers`.
/// `STREAM` (the scan of a stream buffer, [`Message::scan_stream`]) also
/// reads each line as the framer reads it, until the first Content-Length.
#[inline(always)]
fn scan_headers<const STREAM: bool>(
    bytes: &[u8],
    mut pos: usize,
    headers: &mut Vec<Header>,
) -> HeaderScan {
    let mut seen = 0u64;
    let mut repeated = 0u64;
    let mut body_start = None;
    let mut framed_length = None;
    // Lines on the plain path are kept: `last_kept` can only turn false
    // past the cap, where every line takes `odd_line`.
    let mut odd = OddLines {
        last_kept: true,
        ..OddLines::default()
    };
    while pos < bytes.len() {
        let (LineParts { colon, end, next }, head) = scan_line(bytes, pos);
        if end == pos {
            // A stream's empty line counts once its `\n` is there (a lone
            // `\r` ends the buffer).
            if !STREAM || next.checked_sub(1).and_then(|lf| bytes.get(lf)) == Some(&b'\n') {
                body_start = Some(next);
            }
            break;
        }
        // The plain line, `Name: value` with the name at the line start
        // and at most MAX_HEADERS lines, is read here; continuations,
        // lines without a name and lines past the cap by `odd_line`, so
        // that the loop keeps only what plain lines need.
        let first = bytes.get(pos).copied().unwrap_or(b' ');
        match colon {
            Some(colon) if colon > pos && !is_ws(first) && headers.len() < MAX_HEADERS => {
                let (name, name_end, canonical) =
                    match HeaderName::from_canonical_words(colon - pos, head) {
                        Some(name) => (name, colon, true),
                        None => {
                            let name_end = trim_end(bytes, pos, colon);
                            let name = bytes.get(pos..name_end).unwrap_or_default();
                            (HeaderName::from_wire(name), name_end, false)
                        }
                    };
                // The framer's reading of the line: only a Content-Length
                // can be one, and a name spelled the canonical way is known
                // not to be one without looking again.
                if STREAM
                    && framed_length.is_none()
                    && (!canonical || name == HeaderName::ContentLength)
                {
                    framed_length = content_length_of(bytes.get(pos..end).unwrap_or_default());
                }
                let (value_start, value_end) = trim_range(bytes, colon + 1, end);
                let b = bit(name);
                repeated |= seen & b;
                seen |= b;
                headers.push(Header {
                    name,
                    name_span: Span::in_checked(pos, name_end),
                    value_span: Span::in_checked(value_start, value_end),
                });
            }
            _ => {
                if STREAM && framed_length.is_none() {
                    framed_length = content_length_of(bytes.get(pos..end).unwrap_or_default());
                }
                odd_line(
                    bytes,
                    LineParts { colon, end, next },
                    pos,
                    headers,
                    &mut seen,
                    &mut repeated,
                    &mut odd,
                );
            }
        }
        pos = next;
    }
    HeaderScan {
        seen,
        repeated,
        odd,
        body_start,
        framed_length,
    }
}

impl Message {
    /// Scans `bytes` as one SIP message. `None` when, after any leading CR/LF
    /// bytes, they do not start with a request line (`METHOD SP Request-URI SP
    /// SIP/2.0`) or a status line (`SIP/2.0 SP 3DIGIT SP reason`), or when they
    /// are longer than `u32::MAX`. Everything else odd becomes an [`Anomaly`].
    ///
    /// The body follows the first empty line. With `Content-Length` it is
    /// `min(declared, available)` bytes; without it, the rest of the input.
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        u32::try_from(bytes.len()).ok()?;
        let mut anomalies = Vec::new();

        let line_start = skip_crlf(bytes, 0);
        // Start lines written the plain way are read in one pass; the others
        // by the full parser, which notes their irregularities.
        let (start, line_end, pos) = match parse_plain_start_line(bytes, line_start) {
            Some(plain) => plain,
            None => {
                let (line_end, next) = line_at(bytes, line_start);
                let start =
                    parse_start_line_with(bytes.get(line_start..line_end)?, line_start, |what| {
                        anomalies.push(Anomaly::BadStartLine { what })
                    })?;
                (start, line_end, next)
            }
        };

        Some(Message::scan_after_start_line(
            bytes,
            start,
            Span::new(line_start, line_end),
            pos,
            anomalies,
        ))
    }

    /// [`Message::parse`] of `bytes` when their start line is written the
    /// plain way and its line (line end included) is at most
    /// `max_start_line` bytes long; `None` otherwise, without scanning.
    /// For a caller that would otherwise check the start line before
    /// parsing ([`looks_like_sip`](super::looks_like_sip)): the line is read
    /// once.
    pub(crate) fn parse_plain(bytes: &[u8], max_start_line: usize) -> Option<Message> {
        u32::try_from(bytes.len()).ok()?;
        let line_start = skip_crlf(bytes, 0);
        let (start, line_end, pos) = parse_plain_start_line(bytes, line_start)?;
        if pos.saturating_sub(line_start) > max_start_line {
            return None;
        }
        Some(Message::scan_after_start_line(
            bytes,
            start,
            Span::new(line_start, line_end),
            pos,
            Vec::new(),
        ))
    }

    /// The scan of the header lines from `pos` on, and the rest of the
    /// message ([`Message::assemble`]).
    #[inline(always)]
    fn scan_after_start_line(
        bytes: &[u8],
        start: StartLine,
        start_span: Span,
        pos: usize,
        anomalies: Vec<Anomaly>,
    ) -> Message {
        // The owned copy and the caches are allocated before the scan:
        // their memory has usually left the cache since its last use, and
        // the stores into it then complete while the lines are read.
        let owned = Owned::new(bytes);
        // The header lines are collected in a table reused from one message
        // to the next, then copied once into an allocation of the exact size
        // (no growth, no shrink).
        let mut headers = HEADER_SCRATCH.take();
        headers.clear();
        let scan = scan_headers::<false>(bytes, pos, &mut headers);
        Message::assemble(bytes, owned, start, start_span, anomalies, headers, scan)
    }

    /// The first message of a stream buffer (`msg`, keep-alives skipped),
    /// framed as [`frame_message`](super::frame_message) frames it and
    /// scanned as [`Message::parse`] scans the framed bytes, in one walk over
    /// its header lines (on TCP, framing then parsing walked them twice).
    /// `None` leaves the buffer to the two of them: a start line not written
    /// the plain way (or without its line end yet), a buffer longer than
    /// `u32::MAX`.
    pub(crate) fn scan_stream(msg: &[u8]) -> Option<StreamScan> {
        u32::try_from(msg.len()).ok()?;
        let (start, line_end, pos) = parse_plain_start_line(msg, 0)?;
        // The framer's bounds on the start line: a line end, not too far.
        let first_lf = pos.checked_sub(1)?;
        if first_lf > MAX_START_LINE || msg.get(first_lf) != Some(&b'\n') {
            return None;
        }
        let mut headers = HEADER_SCRATCH.take();
        headers.clear();
        let scan = scan_headers::<true>(msg, pos, &mut headers);
        // The framing of `frame_message`: the header section up to the empty
        // line, then as many body bytes as the first Content-Length says.
        let framed = scan
            .body_start
            .and_then(|head_len| match scan.framed_length {
                Some(Some(body_len)) => {
                    let len = head_len.saturating_add(body_len as usize);
                    msg.get(..len).map(|bytes| (bytes, true))
                }
                _ => msg.get(..head_len).map(|bytes| (bytes, false)),
            });
        let Some((bytes, has_length)) = framed else {
            HEADER_SCRATCH.set(headers);
            return Some(StreamScan::Incomplete);
        };
        let message = Message::assemble_out_of_line(
            bytes,
            start,
            Span::new(0, line_end),
            Vec::new(),
            headers,
            scan,
        );
        Some(StreamScan::Framed {
            len: bytes.len(),
            has_length,
            message,
        })
    }

    /// [`Message::assemble`] as a function of its own: inlined into the TCP
    /// stream's drain loop, it crowded the stream's registers (1 M
    /// instructions more on tcp-5M).
    #[inline(never)]
    fn assemble_out_of_line(
        bytes: &[u8],
        start: StartLine,
        start_span: Span,
        anomalies: Vec<Anomaly>,
        headers: Vec<Header>,
        scan: HeaderScan,
    ) -> Message {
        let owned = Owned::new(bytes);
        Message::assemble(bytes, owned, start, start_span, anomalies, headers, scan)
    }

    /// Completes a scan: the anomalies about the header section, the body,
    /// the owned copy of `bytes`. Gives `headers` back to the scratch table.
    /// Inlined into both callers: called, its many arguments went through
    /// memory (130 instructions a message more on UDP).
    #[inline(always)]
    fn assemble(
        bytes: &[u8],
        owned: Owned,
        start: StartLine,
        start_span: Span,
        mut anomalies: Vec<Anomaly>,
        headers: Vec<Header>,
        scan: HeaderScan,
    ) -> Message {
        let HeaderScan {
            seen,
            repeated,
            odd,
            body_start,
            framed_length: _,
        } = scan;
        let OddLines {
            mut anomalies_of_lines,
            dropped_headers,
            dropped_anomalies,
            folded,
            last_kept: _,
        } = odd;
        anomalies.append(&mut anomalies_of_lines);

        if dropped_anomalies > 0 {
            anomalies.push(Anomaly::TooManyAnomalies {
                dropped: dropped_anomalies,
            });
        }
        if dropped_headers > 0 {
            anomalies.push(Anomaly::TooManyHeaders {
                dropped: dropped_headers,
            });
        }
        // Nearly every message repeats no single header and carries every
        // mandatory one: one test each instead of a loop over the names.
        if repeated & SINGLE_BITS != 0 {
            for name in SINGLE {
                if repeated & bit(name) != 0 {
                    anomalies.push(Anomaly::DuplicateHeader(name));
                }
            }
        }
        let is_request = matches!(start, StartLine::Request { .. });
        if seen & MANDATORY_BITS != MANDATORY_BITS {
            for name in MANDATORY {
                if seen & bit(name) == 0 {
                    anomalies.push(Anomaly::MissingHeader(name));
                }
            }
        }
        if is_request && seen & bit(HeaderName::MaxForwards) == 0 {
            anomalies.push(Anomaly::MissingHeader(HeaderName::MaxForwards));
        }

        let body = match body_start {
            None => {
                anomalies.push(Anomaly::NoBlankLine);
                Span::new(bytes.len(), bytes.len())
            }
            Some(body_start) => {
                let available = bytes.len().saturating_sub(body_start);
                let length = bit(HeaderName::ContentLength);
                let declared = if seen & length != 0 {
                    // The first Content-Length line. It is nearly always the
                    // only one and among the last lines: then it is looked
                    // for from the end.
                    let is_length = |h: &&Header| h.name == HeaderName::ContentLength;
                    if repeated & length == 0 {
                        headers.iter().rev().find(is_length)
                    } else {
                        headers.iter().find(is_length)
                    }
                    .map(|h| (h, parse_content_length(h.value_span.slice(bytes))))
                } else {
                    None
                };
                match declared {
                    None => Span::new(body_start, bytes.len()),
                    Some((h, None)) => {
                        anomalies.push(Anomaly::BadContentLength {
                            offset: h.value_span.start,
                        });
                        Span::new(body_start, bytes.len())
                    }
                    Some((_, Some(declared))) => {
                        let available32 = u32::try_from(available).unwrap_or(u32::MAX);
                        if declared as usize > available {
                            anomalies.push(Anomaly::ContentLengthTooLarge {
                                declared,
                                available: available32,
                            });
                        } else if (declared as usize) < available {
                            anomalies.push(Anomaly::ContentLengthTooSmall {
                                declared,
                                available: available32,
                            });
                        }
                        Span::new(body_start, body_start + available.min(declared as usize))
                    }
                }
            }
        };

        let kept: Box<[Header]> = headers.as_slice().into();
        HEADER_SCRATCH.set(headers);
        let Owned { raw, parsed } = owned;
        Message {
            raw,
            start,
            start_span,
            headers: kept,
            body,
            anomalies,
            folded,
            parsed,
        }
    }

    /// The bytes given to [`Message::parse`], leading CR/LF and trailing bytes
    /// beyond the body included.
    pub fn raw(&self) -> &[u8] {
        self.raw.bytes()
    }

    /// The bytes of `span`, as UTF-8 with invalid sequences replaced; empty
    /// when the span does not lie in [`Message::raw`].
    pub fn text(&self, span: Span) -> Cow<'_, str> {
        self.raw.text(span)
    }

    pub fn start_line(&self) -> &StartLine {
        &self.start
    }

    /// Where the start line sits (without its line end).
    pub fn start_line_span(&self) -> Span {
        self.start_span
    }

    /// The start line as written: `INVITE sip:bob@x SIP/2.0`, `SIP/2.0 420 Bad Extension`.
    pub fn start_line_text(&self) -> Cow<'_, str> {
        self.text(self.start_span)
    }

    /// The extent of the message: from the start line to the end of the body.
    /// Leading CR/LF and bytes beyond `Content-Length` lie outside.
    pub fn message_span(&self) -> Span {
        Span {
            start: self.start_span.start,
            end: self.body.end.max(self.start_span.end),
        }
    }

    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// The method of a request; `None` for a response (see [`Message::cseq`]).
    pub fn method(&self) -> Option<&Method> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code of a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self.start {
            StartLine::Response { status, .. } => Some(status),
            StartLine::Request { .. } => None,
        }
    }

    /// The reason phrase of a response as written (may be empty).
    pub fn reason_phrase(&self) -> Option<Cow<'_, str>> {
        match self.start {
            StartLine::Response { reason, .. } => Some(self.text(reason)),
            StartLine::Request { .. } => None,
        }
    }

    /// The Request-URI of a request as written.
    pub fn request_uri(&self) -> Option<Cow<'_, str>> {
        match self.start {
            StartLine::Request { uri, .. } => Some(self.text(uri)),
            StartLine::Response { .. } => None,
        }
    }

    /// Reads one byte from each cache line of the message's text, header
    /// table and caches, and returns them combined. A call is released 64×T1
    /// after its last message, when its memory has left the processor's
    /// caches; reading it in one pass before the rules and the report do
    /// lets the processor fetch the lines in parallel instead of one after
    /// the other as they are reached (see [`crate::analysis`]).
    pub fn touch(&self) -> u32 {
        let mut sum = 0u32;
        for byte in self.raw.bytes().iter().step_by(64) {
            sum ^= u32::from(*byte);
        }
        // 20-byte entries: every third one is in a new line.
        for header in self.headers.iter().step_by(3) {
            sum ^= header.value_span.end;
        }
        let parsed = &self.parsed;
        sum ^= u32::from(parsed.sdp.get().is_some())
            ^ u32::from(parsed.top_via.get().is_some())
            ^ u32::from(parsed.from.get().is_some())
            ^ u32::from(parsed.to.get().is_some())
            ^ u32::from(parsed.cseq.get().is_some());
        sum
    }

    /// Every header line, in wire order.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The value of a header, with folded lines joined by one space.
    pub fn header_value(&self, h: &Header) -> Cow<'_, str> {
        let bytes = h.value_span.slice(self.raw.bytes());
        if !self.folded || !bytes.contains(&b'\n') {
            return self.raw.text(h.value_span);
        }
        let mut out = String::with_capacity(bytes.len());
        for piece in bytes.split(|&b| b == b'\n') {
            let piece = piece.trim_ascii();
            if piece.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&String::from_utf8_lossy(piece));
        }
        Cow::Owned(out)
    }

    /// The wire name of a header as written (`v`, `VIA`, `X-Foo`).
    pub fn header_name_text(&self, h: &Header) -> Cow<'_, str> {
        self.text(h.name_span)
    }

    /// The value of the first header called `name`.
    pub fn header(&self, name: HeaderName) -> Option<Cow<'_, str>> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| self.header_value(h))
    }

    /// The values of every header called `name`, in wire order.
    pub fn header_all(&self, name: HeaderName) -> Vec<Cow<'_, str>> {
        self.header_values(name).collect()
    }

    /// [`Message::header_all`] read in place, without collecting the values.
    pub fn header_values(&self, name: HeaderName) -> impl Iterator<Item = Cow<'_, str>> {
        self.headers
            .iter()
            .filter(move |h| h.name == name)
            .map(|h| self.header_value(h))
    }

    /// The value of the first header whose wire name is `name`
    /// (case-insensitive, no compact-form mapping): for extension headers.
    pub fn header_named(&self, name: &str) -> Option<Cow<'_, str>> {
        self.headers
            .iter()
            .find(|h| {
                h.name_span
                    .slice(self.raw.bytes())
                    .eq_ignore_ascii_case(name.as_bytes())
            })
            .map(|h| self.header_value(h))
    }

    /// Entries of every header called `name`, split at top-level commas,
    /// trimmed, empty ones skipped.
    fn entries(&self, name: HeaderName) -> Vec<String> {
        let mut out = Vec::new();
        for value in self.header_all(name) {
            for entry in split_top(&value, b',') {
                let entry = entry.trim();
                if !entry.is_empty() {
                    out.push(entry.to_string());
                }
            }
        }
        out
    }

    /// The Call-ID, trimmed.
    pub fn call_id(&self) -> Option<Cow<'_, str>> {
        self.header(HeaderName::CallId)
    }

    pub fn cseq(&self) -> Option<CSeq> {
        self.cseq_ref().cloned()
    }

    /// The CSeq, parsed on first use and kept.
    pub fn cseq_ref(&self) -> Option<&CSeq> {
        self.parsed
            .cseq
            .get_or_init(|| {
                let h = self.headers.iter().find(|h| h.name == HeaderName::CSeq)?;
                // Nearly every CSeq is `DIGITS SP METHOD` with a known
                // method: read from the bytes in place, without the text
                // view of the value (ASCII, so no folding to join either).
                CSeq::parse_known(h.value_span.slice(self.raw.bytes()))
                    .or_else(|| CSeq::parse(&self.header_value(h)))
            })
            .as_ref()
    }

    /// The first entry of the first Via header.
    pub fn top_via(&self) -> Option<Via> {
        self.top_via_ref().cloned()
    }

    /// The first entry of the first Via header, parsed on first use and kept.
    pub fn top_via_ref(&self) -> Option<&Via> {
        self.parsed
            .top_via
            .get_or_init(|| Via::parse(first_entry(&self.header(HeaderName::Via)?)?).map(Box::new))
            .as_deref()
    }

    /// The branch of the top Via, borrowed: no copy, unlike
    /// `top_via().and_then(|v| v.branch)`.
    pub fn top_via_branch(&self) -> Option<&str> {
        let key = self.top_via_key()?;
        Some(self.text_of(key.branch.as_ref()?))
    }

    /// The sent-by of the top Via ([`Via::sent_by`]), borrowed: use it
    /// instead of `top_via().map(|v| v.sent_by())`.
    pub fn top_via_sent_by(&self) -> Option<&str> {
        Some(self.text_of(&self.top_via_key()?.sent_by))
    }

    /// The top Via's branch and sent-by, read on first use without parsing
    /// the rest of the Via, and kept as spans of the message when they are
    /// written as they are returned (no allocation).
    fn top_via_key(&self) -> Option<&TopViaKey> {
        self.parsed
            .top_via_key
            .get_or_init(|| {
                let value = self.header(HeaderName::Via)?;
                // A plain single entry needs no comma-aware split first.
                let key = match Via::parse_plain_key(&value) {
                    Some(key) => key,
                    None => Via::parse_key(first_entry(&value)?)?,
                };
                Some(TopViaKey {
                    branch: key.branch.map(|b| self.text_from(b)),
                    sent_by: self.text_from(key.sent_by),
                })
            })
            .as_ref()
    }

    /// Keeps `text`, read from a header value: as its span when it is a
    /// slice of the message, else as a copy.
    fn text_from(&self, text: Cow<'_, str>) -> Text {
        match &text {
            Cow::Borrowed(slice) => match self.span_of(slice) {
                Some(span) => Text::Span(span),
                None => Text::Owned((*slice).into()),
            },
            Cow::Owned(owned) => Text::Owned(owned.as_str().into()),
        }
    }

    /// Where `slice` lies in the message's text, if it is a slice of it.
    /// Header values are borrowed from the message unless they were folded,
    /// and so are the parts parsed out of them.
    fn span_of(&self, slice: &str) -> Option<Span> {
        let Raw::Text(text) = &self.raw else {
            return None;
        };
        let start = (slice.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        let end = start.checked_add(slice.len())?;
        // Both ends on character boundaries of the message: a slice of it.
        text.get(start..end)?;
        Some(Span::new(start, end))
    }

    /// The text kept by [`Message::text_from`].
    fn text_of<'a>(&'a self, text: &'a Text) -> &'a str {
        match text {
            Text::Span(span) => self.span_text(*span),
            Text::Owned(owned) => owned,
        }
    }

    /// Every Via entry over all Via headers, in wire order; entries that do not
    /// parse are left out.
    pub fn vias(&self) -> Vec<Via> {
        self.entries(HeaderName::Via)
            .iter()
            .filter_map(|e| Via::parse(e))
            .collect()
    }

    /// The number of Via entries over all Via headers (comma lists counted).
    pub fn via_count(&self) -> usize {
        self.header_all(HeaderName::Via)
            .iter()
            .map(|v| split_top(v, b',').filter(|e| !e.trim().is_empty()).count())
            .sum()
    }

    pub fn from(&self) -> Option<NameAddr> {
        self.from_ref().cloned()
    }

    pub fn to(&self) -> Option<NameAddr> {
        self.to_ref().cloned()
    }

    /// The From header, parsed on first use and kept.
    pub fn from_ref(&self) -> Option<&NameAddr> {
        self.name_addr(&self.parsed.from, HeaderName::From)
    }

    /// The To header, parsed on first use and kept.
    pub fn to_ref(&self) -> Option<&NameAddr> {
        self.name_addr(&self.parsed.to, HeaderName::To)
    }

    /// The From or To header (`name`), parsed on first use and kept in `parsed`.
    fn name_addr<'a>(
        &'a self,
        parsed: &'a OnceCell<Option<Box<NameAddr>>>,
        name: HeaderName,
    ) -> Option<&'a NameAddr> {
        parsed
            .get_or_init(|| NameAddr::parse(&self.header(name)?).map(Box::new))
            .as_deref()
    }

    /// The URI of the From header (`from_ref().map(|f| &f.uri)`): the parsed
    /// From's when it was parsed, else read alone, without copying the
    /// display name and the tag (reports print only the URI).
    pub fn from_uri(&self) -> Option<Cow<'_, str>> {
        self.uri_of(&self.parsed.from, HeaderName::From)
    }

    /// The URI of the To header, as [`Message::from_uri`].
    pub fn to_uri(&self) -> Option<Cow<'_, str>> {
        // Read in place already when the tag was asked for.
        if self.parsed.to.get().is_none()
            && let Some(Some(spans)) = self.parsed.to_spans.get()
        {
            return Some(Cow::Borrowed(self.span_text(spans.uri)));
        }
        self.uri_of(&self.parsed.to, HeaderName::To)
    }

    fn uri_of<'a>(
        &'a self,
        parsed: &'a OnceCell<Option<Box<NameAddr>>>,
        name: HeaderName,
    ) -> Option<Cow<'a, str>> {
        if let Some(parsed) = parsed.get() {
            return parsed.as_ref().map(|a| Cow::Borrowed(a.uri.as_str()));
        }
        match self.header(name)? {
            Cow::Borrowed(value) => NameAddr::parse_uri(value).map(Cow::Borrowed),
            Cow::Owned(value) => NameAddr::parse_uri(&value).map(|uri| Cow::Owned(uri.to_string())),
        }
    }

    /// The From tag, borrowed: no copy, unlike `from().and_then(|f| f.tag)`.
    pub fn from_tag(&self) -> Option<&str> {
        self.from_ref()?.tag.as_deref()
    }

    /// The To tag, borrowed (`to_ref()?.tag.as_deref()`): the parsed To's
    /// when it was parsed, else read in place ([`Message::to_spans`]).
    pub fn to_tag(&self) -> Option<&str> {
        if let Some(parsed) = self.parsed.to.get() {
            return parsed.as_ref()?.tag.as_deref();
        }
        match self.to_spans() {
            Some(spans) => spans.tag.map(|tag| self.span_text(tag)),
            None => self.to_ref()?.tag.as_deref(),
        }
    }

    /// The URI and tag of the To header as spans of the message, read on
    /// first use and kept, when the header has the plain shape nearly every
    /// To has ([`NameAddr::parse_plain_uri_tag`]): most readers of To only
    /// compare tags or ask whether there is one, and then a `NameAddr` (four
    /// allocations) is not worth building. `None` for any other To, left to
    /// [`Message::to_ref`].
    fn to_spans(&self) -> Option<&AddrSpans> {
        self.parsed
            .to_spans
            .get_or_init(|| {
                // Borrowed: a header value that was not folded, a slice of
                // the message.
                let Cow::Borrowed(value) = self.header(HeaderName::To)? else {
                    return None;
                };
                let (uri, tag) = NameAddr::parse_plain_uri_tag(value)?;
                let tag = match tag {
                    Some(tag) => Some(self.span_of(tag)?),
                    None => None,
                };
                Some(AddrSpans {
                    uri: self.span_of(uri)?,
                    tag,
                })
            })
            .as_ref()
    }

    /// The text of `span`, a span [`Message::span_of`] gave (empty for any
    /// other).
    fn span_text(&self, span: Span) -> &str {
        match &self.raw {
            Raw::Text(raw) => raw
                .get(span.start as usize..span.end as usize)
                .unwrap_or_default(),
            Raw::Bytes(_) => "",
        }
    }

    /// Every Contact entry over all Contact headers (a 3xx may list several).
    pub fn contacts(&self) -> Vec<NameAddr> {
        self.entries(HeaderName::Contact)
            .iter()
            .filter_map(|e| NameAddr::parse(e))
            .collect()
    }

    pub fn max_forwards(&self) -> Option<u32> {
        self.header(HeaderName::MaxForwards)?.trim().parse().ok()
    }

    /// Comma-separated tokens over every instance of `name`, trimmed, empty
    /// ones skipped, as written: for Require, Proxy-Require, Supported,
    /// Unsupported, Allow, Accept, ...
    pub fn tokens(&self, name: HeaderName) -> Vec<String> {
        self.entries(name)
    }

    pub fn session_expires(&self) -> Option<SessionExpires> {
        SessionExpires::parse(&self.header(HeaderName::SessionExpires)?)
    }

    /// Min-SE delta-seconds (RFC 4028 §5), parameters ignored.
    pub fn min_se(&self) -> Option<u32> {
        let value = self.header(HeaderName::MinSE)?;
        delta_seconds(split_top(&value, b';').next()?)
    }

    /// Expires delta-seconds; `None` for the RFC 2543 date form.
    pub fn expires(&self) -> Option<u32> {
        delta_seconds(&self.header(HeaderName::Expires)?)
    }

    pub fn min_expires(&self) -> Option<u32> {
        delta_seconds(&self.header(HeaderName::MinExpires)?)
    }

    pub fn retry_after(&self) -> Option<RetryAfter> {
        RetryAfter::parse(&self.header(HeaderName::RetryAfter)?)
    }

    /// Every Warning value over all Warning headers; malformed ones left out.
    pub fn warnings(&self) -> Vec<Warning> {
        self.entries(HeaderName::Warning)
            .iter()
            .filter_map(|e| Warning::parse(e))
            .collect()
    }

    /// Every Reason value over all Reason headers; malformed ones left out.
    pub fn reasons(&self) -> Vec<ReasonValue> {
        self.entries(HeaderName::Reason)
            .iter()
            .filter_map(|e| ReasonValue::parse(e))
            .collect()
    }

    pub fn rseq(&self) -> Option<u32> {
        self.header(HeaderName::RSeq)?.trim().parse().ok()
    }

    pub fn rack(&self) -> Option<RAck> {
        RAck::parse(&self.header(HeaderName::RAck)?)
    }

    /// Every challenge or credential in headers called `name`
    /// ([`HeaderName::WwwAuthenticate`], [`HeaderName::ProxyAuthenticate`],
    /// [`HeaderName::Authorization`], [`HeaderName::ProxyAuthorization`]), one
    /// per header line, in wire order.
    pub fn auth(&self, name: HeaderName) -> Vec<Auth> {
        self.header_all(name)
            .iter()
            .filter_map(|v| Auth::parse(v))
            .collect()
    }

    /// [`Message::auth`] read in place: one [`AuthView`] per header line
    /// called `name` that has a scheme, in wire order, nothing copied.
    pub fn auth_views(&self, name: HeaderName) -> impl Iterator<Item = AuthView<'_>> {
        self.header_values(name).filter_map(AuthView::parse)
    }

    /// The declared Content-Length (first instance), when it is a valid number.
    pub fn content_length(&self) -> Option<u32> {
        let h = self
            .headers
            .iter()
            .find(|h| h.name == HeaderName::ContentLength)?;
        parse_content_length(h.value_span.slice(self.raw.bytes()))
    }

    /// The media type, lower-cased, without parameters: `application/sdp`.
    pub fn content_type(&self) -> Option<String> {
        Some(self.media_type()?.to_ascii_lowercase())
    }

    /// The media type without parameters, trimmed, as written (any case):
    /// [`Message::content_type`] without the copy, for comparisons with
    /// `eq_ignore_ascii_case`.
    pub fn media_type(&self) -> Option<Cow<'_, str>> {
        match self.header(HeaderName::ContentType)? {
            Cow::Borrowed(value) => media_type_of(value).map(Cow::Borrowed),
            Cow::Owned(value) => media_type_of(&value).map(|m| Cow::Owned(m.to_string())),
        }
    }

    /// The body, framed by Content-Length when present.
    pub fn body(&self) -> &[u8] {
        self.body.slice(self.raw.bytes())
    }

    pub fn body_span(&self) -> Span {
        self.body
    }

    /// The SDP carried by the message: the body when Content-Type is
    /// `application/sdp`, or the first `application/sdp` part of a multipart
    /// body. `None` when there is no SDP or it is empty.
    pub fn sdp_body(&self) -> Option<&[u8]> {
        // Compared in place, not through `content_type()`'s lower-cased copy:
        // every SDP message asks.
        let value = self.header(HeaderName::ContentType)?;
        let media = media_type_of(&value)?;
        let body = self.body();
        let sdp = if media == "application/sdp" || media.eq_ignore_ascii_case("application/sdp") {
            body
        } else if media
            .as_bytes()
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"multipart/"))
        {
            let boundary = split_top(&value, b';').skip(1).find_map(|p| {
                let (name, v) = super::lex::param(p);
                name.eq_ignore_ascii_case("boundary").then_some(v).flatten()
            })?;
            multipart_sdp(body, boundary.as_bytes())?
        } else {
            return None;
        };
        (!sdp.trim_ascii().is_empty()).then_some(sdp)
    }

    /// The SDP carried by the message, parsed; see [`Message::sdp_body`].
    /// Parsed once per message; this returns a copy, [`Message::sdp_ref`]
    /// a reference.
    pub fn sdp(&self) -> Option<Result<Sdp, SdpError>> {
        self.sdp_ref().cloned()
    }

    /// The SDP carried by the message, parsed on first use and kept.
    pub fn sdp_ref(&self) -> Option<&Result<Sdp, SdpError>> {
        self.parsed
            .sdp
            .get_or_init(|| self.sdp_body().map(|body| Box::new(Sdp::parse(body))))
            .as_deref()
    }

    /// Whether the message carries a non-empty SDP body (nothing is parsed).
    pub fn has_sdp(&self) -> bool {
        self.sdp_body().is_some()
    }

    /// What was odd about the message, in the order found.
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }
}

/// The media type of a Content-Type value: the part before the first
/// parameter, trimmed; `None` when empty.
fn media_type_of(value: &str) -> Option<&str> {
    // Nearly every body is declared as `application/sdp` without parameters:
    // that value is its own media type, no split needed.
    // Compared as written first: byte-wise `eq_ignore_ascii_case` costs
    // about seven instructions a byte, and senders write it lower-case.
    const SDP: &str = "application/sdp";
    if let Some(media) = value.get(..SDP.len())
        && (media == SDP || media.eq_ignore_ascii_case(SDP))
        && matches!(value.as_bytes().get(SDP.len()), None | Some(b';'))
    {
        return Some(media);
    }
    let media = split_top(value, b';').next()?.trim();
    (!media.is_empty()).then_some(media)
}

/// The content of the first `application/sdp` part of a multipart body
/// (RFC 2046 §5.1.1), without the line end before the next delimiter.
fn multipart_sdp<'a>(body: &'a [u8], boundary: &[u8]) -> Option<&'a [u8]> {
    // RFC 2046 §5.1.1 limits boundaries to 70 characters; a longer one would
    // only make the delimiter search slow.
    if boundary.is_empty() || boundary.len() > 200 {
        return None;
    }
    let mut delimiter = Vec::with_capacity(boundary.len() + 2);
    delimiter.extend_from_slice(b"--");
    delimiter.extend_from_slice(boundary);
    // Delimiters start a line: look at line starts only, one pass.
    let mut positions: Vec<usize> = Vec::new();
    let mut line = 0;
    while line < body.len() && positions.len() < 64 {
        if body
            .get(line..)
            .is_some_and(|rest| rest.starts_with(&delimiter))
        {
            positions.push(line);
        }
        match find_lf(body, line) {
            Some(lf) => line = lf + 1,
            None => break,
        }
    }
    for pair in positions.windows(2) {
        let &[from, to] = pair else {
            continue;
        };
        // The part starts after the delimiter line.
        let (_, part_start) = line_at(body, from);
        let mut part_end = to;
        if part_end > part_start && body.get(part_end - 1) == Some(&b'\n') {
            part_end -= 1;
            if part_end > part_start && body.get(part_end - 1) == Some(&b'\r') {
                part_end -= 1;
            }
        }
        let part = body.get(part_start..part_end)?;
        let mut pos = 0;
        let mut is_sdp = false;
        let mut content = None;
        while pos < part.len() {
            let (end, next) = line_at(part, pos);
            if end == pos {
                content = Some(next);
                break;
            }
            let line = part.get(pos..end).unwrap_or_default();
            if let Some(colon) = line.iter().position(|&b| b == b':') {
                let name = line.get(..colon).unwrap_or_default().trim_ascii();
                let value = line.get(colon + 1..).unwrap_or_default();
                if HeaderName::from_wire(name) == HeaderName::ContentType {
                    let media = value.split(|&b| b == b';').next().unwrap_or_default();
                    is_sdp = media.trim_ascii().eq_ignore_ascii_case(b"application/sdp");
                }
            }
            pos = next;
        }
        if is_sdp {
            return part.get(content?..);
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests;
