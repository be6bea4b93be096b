//! A typed view of SDP bodies (RFC 8866, offer/answer per RFC 3264): what the
//! diagnosis compares between an offer and an answer.
//!
//! The reader is lenient about what SIP peers send: trailing whitespace is
//! trimmed from every line, and lines that are not `x=value` are skipped and
//! their numbers recorded in [`Sdp::skipped_lines`]. On the lines it keeps it
//! applies the rules of the `sdp-types` crate, which read the bodies before
//! (same accepted bodies, same error messages; a differential test holds the
//! two together): `v=0` first, then the fields RFC 8866 §5 types must parse.
//! It reads only what [`Sdp`] holds and builds nothing else, one pass over the
//! body.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

/// Media direction attribute (RFC 3264 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction an attribute name sets (any case), if any.
    #[inline]
    fn from_attribute(name: &[u8]) -> Option<Direction> {
        // The four names have eight letters: most attributes fail here.
        if name.len() != 8 {
            return None;
        }
        // As written nearly always: one comparison of eight bytes each.
        match name {
            b"sendrecv" => return Some(Direction::SendRecv),
            b"sendonly" => return Some(Direction::SendOnly),
            b"recvonly" => return Some(Direction::RecvOnly),
            b"inactive" => return Some(Direction::Inactive),
            _ => {}
        }
        [
            Direction::SendRecv,
            Direction::SendOnly,
            Direction::RecvOnly,
            Direction::Inactive,
        ]
        .into_iter()
        .find(|d| name.eq_ignore_ascii_case(d.as_str().as_bytes()))
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    /// The `o=` unicast address as written.
    pub origin_address: Option<OriginAddress>,
    /// The session-level `c=` address (a TTL or count suffix dropped); `None`
    /// when absent or not an IP address.
    pub connection: Option<IpAddr>,
    /// The session-level direction attribute, only when one is present.
    pub direction: Option<Direction>,
    pub media: Vec<Media>,
    /// 1-based numbers of the body lines skipped as not `x=value`.
    pub skipped_lines: Vec<usize>,
}

/// The `o=` unicast address as written. Nearly always a dotted quad, kept
/// as the address: it writes back exactly as written ([`dotted_quad`] takes
/// no leading zero, as `Ipv4Addr::from_str`), and every body is spared
/// copying the text into a string. Anything else is kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginAddress {
    Ipv4(Ipv4Addr),
    Text(Box<str>),
}

impl OriginAddress {
    /// How an address written as `text` (trimmed) is kept.
    pub fn new(text: &str) -> OriginAddress {
        match dotted_quad(text.as_bytes()) {
            Some(ip) => OriginAddress::Ipv4(ip),
            None => OriginAddress::Text(text.into()),
        }
    }

    /// The address as written.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            OriginAddress::Ipv4(ip) => Cow::Owned(ip.to_string()),
            OriginAddress::Text(text) => Cow::Borrowed(text),
        }
    }
}

impl std::fmt::Display for OriginAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginAddress::Ipv4(ip) => ip.fmt(f),
            OriginAddress::Text(text) => f.write_str(text),
        }
    }
}

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, `image`, ... (borrowed for the well-known names,
    /// see [`known_name`]).
    pub kind: Cow<'static, str>,
    /// 0 means the stream is rejected or disabled (RFC 3264 §6).
    pub port: u16,
    /// `RTP/AVP`, `RTP/SAVP`, `udptl`, ... (borrowed for the well-known
    /// names).
    pub proto: Cow<'static, str>,
    pub formats: Vec<Format>,
    /// The media-level `c=` address.
    pub connection: Option<IpAddr>,
    /// The media-level direction attribute, only when one is present.
    pub direction: Option<Direction>,
}

impl Media {
    /// The direction in force: the media's own, else the session's, else
    /// `sendrecv` (RFC 3264 §5.1).
    pub fn effective_direction(&self, sdp: &Sdp) -> Direction {
        self.direction
            .or(sdp.direction)
            .unwrap_or(Direction::SendRecv)
    }

    /// The address media is sent to: media-level `c=`, else session-level.
    pub fn effective_connection(&self, sdp: &Sdp) -> Option<IpAddr> {
        self.connection.or(sdp.connection)
    }
}

/// A media format of an `m=` line, described by its `a=rtpmap` or by the
/// static payload-type table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Format {
    /// The RTP payload type; `None` for non-numeric formats such as `t38`.
    pub pt: Option<u8>,
    /// The encoding name as written (`PCMU`, `opus`, `telephone-event`), or
    /// the format itself when it is not numeric (`t38`); borrowed for the
    /// well-known names and the static table's.
    pub encoding: Option<Cow<'static, str>>,
    pub clock_rate: Option<u32>,
    pub channels: Option<u8>,
}

impl Format {
    /// `PCMU/8000`, `opus/48000/2`, `t38`, or `pt 96` when nothing describes it.
    pub fn name(&self) -> String {
        match (&self.encoding, self.clock_rate, self.channels) {
            (Some(enc), Some(clock), Some(ch)) if ch > 1 => format!("{enc}/{clock}/{ch}"),
            (Some(enc), Some(clock), _) => format!("{enc}/{clock}"),
            (Some(enc), None, _) => enc.to_string(),
            (None, _, _) => match self.pt {
                Some(pt) => format!("pt {pt}"),
                None => "unknown format".to_string(),
            },
        }
    }

    /// The same codec: same encoding name (case-insensitive) and clock rate.
    /// Formats that nothing describes match by payload type.
    pub fn same_codec(&self, other: &Format) -> bool {
        match (&self.encoding, &other.encoding) {
            // The clock rate first (one comparison), then the names: the
            // well-known ones are borrowed from this module's tables, so the
            // same name is nearly always the same text at the same address,
            // which spares the byte-by-byte case-insensitive comparison.
            (Some(a), Some(b)) => {
                self.clock_rate == other.clock_rate
                    && (std::ptr::eq::<str>(a.as_ref(), b.as_ref()) || a.eq_ignore_ascii_case(b))
            }
            (None, None) => self.pt.is_some() && self.pt == other.pt,
            _ => false,
        }
    }
}

/// The static RTP payload types of RFC 3551 §6: `(encoding, clock rate,
/// channels)`, channels 0 for video types.
pub fn static_payload(pt: u8) -> Option<(&'static str, u32, u8)> {
    Some(match pt {
        0 => ("PCMU", 8000, 1),
        3 => ("GSM", 8000, 1),
        4 => ("G723", 8000, 1),
        5 => ("DVI4", 8000, 1),
        6 => ("DVI4", 16000, 1),
        7 => ("LPC", 8000, 1),
        8 => ("PCMA", 8000, 1),
        9 => ("G722", 8000, 1),
        10 => ("L16", 44100, 2),
        11 => ("L16", 44100, 1),
        12 => ("QCELP", 8000, 1),
        13 => ("CN", 8000, 1),
        14 => ("MPA", 90000, 1),
        15 => ("G728", 8000, 1),
        16 => ("DVI4", 11025, 1),
        17 => ("DVI4", 22050, 1),
        18 => ("G729", 8000, 1),
        25 => ("CelB", 90000, 0),
        26 => ("JPEG", 90000, 0),
        28 => ("nv", 90000, 0),
        31 => ("H261", 90000, 0),
        32 => ("MPV", 90000, 0),
        33 => ("MP2T", 90000, 0),
        34 => ("H263", 90000, 0),
        _ => return None,
    })
}

/// `text` borrowed from `known` when it is one of those names (exactly as
/// written, case included), else copied. SDP bodies repeat a few names
/// (`audio`, `RTP/AVP`, `PCMU`, `telephone-event`): borrowing them saves an
/// allocation per name, several per body.
fn known_name(text: &str, known: &[&'static str]) -> Cow<'static, str> {
    match known.iter().find(|k| **k == text) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(text.to_owned()),
    }
}

/// [`known_name`] for bytes checked to be text.
fn known_bytes(text: &[u8], known: &[&'static str]) -> Cow<'static, str> {
    match known.iter().find(|k| k.as_bytes() == text) {
        Some(k) => Cow::Borrowed(k),
        // Text already: the lossy conversion copies it unchanged.
        None => Cow::Owned(String::from_utf8_lossy(text).into_owned()),
    }
}

/// Media types of `m=` lines (RFC 8866 §5.14).
const MEDIA_KINDS: &[&str] = &["audio", "video", "image", "application", "text", "message"];

/// Transport protocols of `m=` lines.
const PROTOS: &[&str] = &[
    "RTP/AVP",
    "RTP/SAVP",
    "RTP/AVPF",
    "RTP/SAVPF",
    "UDP/TLS/RTP/SAVPF",
    "udptl",
    "UDPTL",
    "TCP/MRCPv2",
];

/// Encoding names of `a=rtpmap` lines and non-numeric formats.
const ENCODINGS: &[&str] = &[
    "telephone-event",
    "PCMU",
    "PCMA",
    "G722",
    "G729",
    "opus",
    "GSM",
    "CN",
    "iLBC",
    "speex",
    "AMR",
    "AMR-WB",
    "H264",
    "VP8",
    "red",
    "t38",
];

/// The formats of `offer` that `answer` also lists (same codec), in the
/// offer's order.
pub fn common_formats<'a>(offer: &'a Media, answer: &Media) -> Vec<&'a Format> {
    offer
        .formats
        .iter()
        .filter(|f| answer.formats.iter().any(|g| f.same_codec(g)))
        .collect()
}

/// Why an SDP body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    #[error("empty sdp body")]
    Empty,
    #[error("malformed sdp body: {detail}")]
    Malformed { detail: String },
}

/// Why a kept line was refused. The wording of [`Fault::message`] is that of
/// the `sdp-types` crate, which read the bodies before this reader did and
/// whose messages the reports show; the field names (`Media Port`,
/// `TimeZone offset`, ...) are its own, capitals included.
#[derive(Debug, Clone, Copy)]
enum Fault {
    NoVersion,
    /// The first line is not `v=0`; the message shows its value.
    Version,
    Encoding(&'static str),
    Format(&'static str),
    Missing(&'static str),
    Trailing(&'static str),
    /// A line that may appear once appears again: `origins`, `keys`, ...
    Multiple(&'static str),
    RepeatWithoutTime,
}

impl Fault {
    /// The message for a fault on kept line `n` (kept lines are numbered
    /// from 1, skipped ones not counted) whose value is `value`.
    fn message(self, n: usize, value: &[u8]) -> String {
        match self {
            Fault::NoVersion => "no version line".to_string(),
            Fault::Version => {
                format!(
                    "invalid version at line {n}: {}",
                    String::from_utf8_lossy(value)
                )
            }
            Fault::Encoding(field) => format!("invalid field encoding in line {n} at {field}"),
            Fault::Format(field) => format!("invalid field formatting in line {n} at {field}"),
            Fault::Missing(field) => format!("missing field {field} in line {n}"),
            Fault::Trailing(field) => format!("field {field} in line {n} has trailing data"),
            Fault::Multiple(what) => format!("multiple {what} in line {n}"),
            Fault::RepeatWithoutTime => {
                format!("repeat line {n} without a preceding time line")
            }
        }
    }
}

/// A piece of the body: its bytes and whether the whole body is valid UTF-8
/// (nearly always). A piece of a UTF-8 body cut at ASCII separators is text
/// too, so it needs no UTF-8 check of its own; it is read as text only where
/// a `str` is wanted (a few short fields per body), which costs less than
/// one check of the whole body. The fields of other bodies are checked one
/// by one, in the order the grammar reads them, which keeps the errors they
/// get.
#[derive(Clone, Copy)]
struct Field<'a> {
    bytes: &'a [u8],
    is_text: bool,
}

impl<'a> Field<'a> {
    /// Bytes `start..end` of the field (empty when out of range).
    #[inline]
    fn cut(self, start: usize, end: usize) -> Field<'a> {
        Field {
            bytes: self.bytes.get(start..end).unwrap_or_default(),
            is_text: self.is_text,
        }
    }

    /// The pieces before and after the first `sep`, an ASCII byte.
    #[inline]
    fn split_once(self, sep: u8) -> Option<(Field<'a>, Field<'a>)> {
        let at = self.bytes.iter().position(|&b| b == sep)?;
        Some((self.cut(0, at), self.cut(at + 1, self.bytes.len())))
    }

    /// The field as text; `name` names it in the error when it is not UTF-8.
    #[inline]
    fn text(self, name: &'static str) -> Result<&'a str, Fault> {
        utf8(self.bytes, name)
    }

    /// Checks that the field is text, without reading it as text.
    #[inline]
    fn check_text(self, name: &'static str) -> Result<(), Fault> {
        if !self.is_text {
            utf8(self.bytes, name)?;
        }
        Ok(())
    }
}

/// The pieces of a field between `sep` bytes, as `split` yields them (empty
/// pieces included).
struct Pieces<'a> {
    rest: Option<Field<'a>>,
    sep: u8,
}

impl<'a> Pieces<'a> {
    fn new(field: Field<'a>, sep: u8) -> Pieces<'a> {
        Pieces {
            rest: Some(field),
            sep,
        }
    }

    /// What is left, unsplit: the last piece of `splitn`.
    fn remainder(&mut self) -> Option<Field<'a>> {
        self.rest.take()
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        let rest = self.rest.take()?;
        match rest.split_once(self.sep) {
            Some((piece, tail)) => {
                self.rest = Some(tail);
                Some(piece)
            }
            None => Some(rest),
        }
    }
}

/// Fields separated by runs of spaces (tabs belong to the field): the
/// non-empty pieces of `Pieces::new(value, b' ')`, each found by one scan.
fn spaced(value: Field<'_>) -> Words<'_> {
    Words { rest: value }
}

struct Words<'a> {
    rest: Field<'a>,
}

impl<'a> Iterator for Words<'a> {
    type Item = Field<'a>;

    #[inline]
    fn next(&mut self) -> Option<Field<'a>> {
        let bytes = self.rest.bytes;
        let mut end = 0;
        while bytes.get(end) == Some(&b' ') {
            end += 1;
        }
        if end == bytes.len() {
            return None;
        }
        let start = end;
        while bytes.get(end).is_some_and(|&b| b != b' ') {
            end += 1;
        }
        let word = self.rest.cut(start, end);
        self.rest = self.rest.cut(end, bytes.len());
        Some(word)
    }
}

fn utf8<'a>(field: &'a [u8], name: &'static str) -> Result<&'a str, Fault> {
    std::str::from_utf8(field).map_err(|_| Fault::Encoding(name))
}

/// A decimal number as Rust's integer `parse` reads it (an optional `+`,
/// then at least one digit and nothing else), when it is at most `max`.
/// By hand: the library's parser works on `str` and is several times slower
/// on the short numbers SDP is full of.
fn decimal(bytes: &[u8], max: u64) -> Option<u64> {
    let digits = match bytes {
        [b'+', rest @ ..] => rest,
        _ => bytes,
    };
    if digits.is_empty() {
        return None;
    }
    // Up to 19 digits cannot overflow a u64: no checked arithmetic per digit.
    if digits.len() <= 19 {
        let mut n: u64 = 0;
        for &b in digits {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            n = n * 10 + u64::from(digit);
        }
        return (n <= max).then_some(n);
    }
    let mut n: u64 = 0;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
        if n > max {
            return None;
        }
    }
    Some(n)
}

#[inline]
fn next_field<'a>(
    fields: &mut impl Iterator<Item = Field<'a>>,
    name: &'static str,
) -> Result<Field<'a>, Fault> {
    fields.next().ok_or(Fault::Missing(name))
}

#[inline]
fn next_str<'a>(
    fields: &mut impl Iterator<Item = Field<'a>>,
    name: &'static str,
) -> Result<&'a str, Fault> {
    next_field(fields, name)?.text(name)
}

#[inline]
fn check_next<'a>(
    fields: &mut impl Iterator<Item = Field<'a>>,
    name: &'static str,
) -> Result<(), Fault> {
    next_field(fields, name)?.check_text(name)
}

#[inline]
fn next_u64<'a>(
    fields: &mut impl Iterator<Item = Field<'a>>,
    name: &'static str,
) -> Result<u64, Fault> {
    let field = next_field(fields, name)?;
    field.check_text(name)?;
    decimal(field.bytes, u64::MAX).ok_or(Fault::Format(name))
}

/// The bytes of a `token` (RFC 8866 §9), as a table: one load per byte.
const TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(
            b,
            0x21 | 0x23..=0x27 | 0x2a..=0x2b | 0x2d..=0x2e | 0x30..=0x39 | 0x41..=0x5a | 0x5e..=0x7e
        );
        b += 1;
    }
    table
};

/// A `token` of RFC 8866 §9 (`nettype`, `addrtype`).
#[inline]
fn next_token<'a>(
    fields: &mut impl Iterator<Item = Field<'a>>,
    name: &'static str,
) -> Result<(), Fault> {
    let field = next_field(fields, name)?.bytes;
    let is_token = !field.is_empty() && field.iter().all(|&b| TOKEN[usize::from(b)]);
    if is_token {
        Ok(())
    } else {
        Err(Fault::Format(name))
    }
}

/// The `o=` address as the reader keeps it until the body ends: the usual
/// dotted quad already read, else the text (valid text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OriginSeen<'a> {
    /// The address and its text (a `c=` line that repeats the text is not
    /// read again, see [`Reader::connection`]).
    Ipv4(Ipv4Addr, &'a [u8]),
    Text(&'a [u8]),
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`:
/// the address, valid text (not checked again for the plain form, whose body
/// is ASCII).
fn origin_address(value: Field<'_>) -> Result<OriginSeen<'_>, Fault> {
    match plain_origin_address(value) {
        Some(address) => Ok(address),
        None => general_origin_address(value).map(|a| OriginSeen::Text(a.as_bytes())),
    }
}

/// [`origin_address`] for any line.
fn general_origin_address(value: Field<'_>) -> Result<&str, Fault> {
    let mut fields = spaced(value);
    check_next(&mut fields, "Origin username")?;
    check_next(&mut fields, "Origin sess-id")?;
    next_u64(&mut fields, "Origin sess-version")?;
    next_token(&mut fields, "Origin nettype")?;
    next_token(&mut fields, "Origin addrtype")?;
    let address = next_str(&mut fields, "Origin unicast-address")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Origin"));
    }
    Ok(address)
}

/// [`origin_address`] for the form nearly every body has: a body that is
/// text, six fields between single spaces, `IN IP4` or `IN IP6`. `None`
/// when the line is not of that form (then the general reader decides).
///
/// Read forward, once: the user name and the session id up to their spaces
/// (found eight bytes at a time), the version (digits only, so it cannot
/// hold a space), ` IN IP4 ` (or `IP6`), then the address, read as a dotted
/// quad at once when it is one (which holds no space).
fn plain_origin_address(value: Field<'_>) -> Option<OriginSeen<'_>> {
    if !value.is_text {
        return None;
    }
    let bytes = value.bytes;
    let user_end = find_byte_short(bytes, 0, b' ').filter(|&at| at > 0)?;
    let id_end = find_byte_short(bytes, user_end + 1, b' ').filter(|&at| at > user_end + 1)?;
    let version = bytes.get(id_end + 1..)?;
    let digits = version.strip_prefix(b"+").unwrap_or(version);
    // The version as `decimal` reads it, without computing it: up to 19
    // digits cannot overflow (longer ones are left to the general reader).
    let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=19).contains(&count) {
        return None;
    }
    let rest = digits.get(count..)?;
    let address = match rest {
        [
            b' ',
            b'I',
            b'N',
            b' ',
            b'I',
            b'P',
            b'4' | b'6',
            b' ',
            address @ ..,
        ] => address,
        _ => return None,
    };
    if let Some(ip) = dotted_quad(address) {
        return Some(OriginSeen::Ipv4(ip, address));
    }
    (!address.is_empty() && !address.contains(&b' ')).then_some(OriginSeen::Text(address))
}

/// `c=<nettype> <addrtype> <connection-address>`: the address without a
/// `/ttl` or `/count` suffix, `None` when it is not an IP address.
fn connection(value: Field<'_>) -> Result<Option<IpAddr>, Fault> {
    // Nearly every body: `IN IP4 ` and four plain octets, which the general
    // reader below reads the same way.
    if let Some(ip) = value.bytes.strip_prefix(b"IN IP4 ").and_then(dotted_quad) {
        return Ok(Some(IpAddr::V4(ip)));
    }
    let mut fields = spaced(value);
    next_token(&mut fields, "Connection nettype")?;
    next_token(&mut fields, "Connection addrtype")?;
    let address = next_str(&mut fields, "Connection connection-address")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Connection"));
    }
    let address = match address.bytes().position(|b| b == b'/') {
        Some(slash) => address.get(..slash).unwrap_or_default(),
        None => address,
    };
    Ok(dotted_quad(address.as_bytes())
        .map(IpAddr::V4)
        .or_else(|| address.trim().parse().ok()))
}

/// [`connection`] after the `o=` line `origin`: `IN IP4 ` and the text of
/// its dotted quad (nearly every body writes the same address in both) is
/// that address, not read again.
fn connection_after(
    origin: Option<OriginSeen<'_>>,
    value: Field<'_>,
) -> Result<Option<IpAddr>, Fault> {
    if let Some(OriginSeen::Ipv4(ip, text)) = origin
        && value.bytes.strip_prefix(b"IN IP4 ") == Some(text)
    {
        return Ok(Some(IpAddr::V4(ip)));
    }
    connection(value)
}

/// `192.0.2.1` read by hand: four decimal octets without leading zeros, the
/// form nearly every SDP writes, which `IpAddr::from_str` reads the same way.
/// `None` for anything else, left to `IpAddr::from_str`.
fn dotted_quad(address: &[u8]) -> Option<Ipv4Addr> {
    let (a, rest) = octet(address)?;
    let (b, rest) = octet(rest.strip_prefix(b".")?)?;
    let (c, rest) = octet(rest.strip_prefix(b".")?)?;
    let (d, rest) = octet(rest.strip_prefix(b".")?)?;
    rest.is_empty().then(|| Ipv4Addr::new(a, b, c, d))
}

/// The octet `bytes` start with (one to three digits, no leading zero) and
/// what follows it. Patterns on the first bytes instead of a loop over them:
/// no counter or state per byte.
#[inline]
fn octet(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let d = |b: &u8| u32::from(b - b'0');
    let (value, rest) = match bytes {
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', rest @ ..] => {
            (d(a) * 100 + d(b) * 10 + d(c), rest)
        }
        [a @ b'1'..=b'9', b @ b'0'..=b'9', rest @ ..] => (d(a) * 10 + d(b), rest),
        [a @ b'0'..=b'9', rest @ ..] => (d(a), rest),
        _ => return None,
    };
    Some((u8::try_from(value).ok()?, rest))
}

/// `b=<bwtype>:<bandwidth>`.
fn check_bandwidth(value: Field<'_>) -> Result<(), Fault> {
    let mut fields = Pieces::new(value, b':');
    check_next(&mut fields, "Bandwidth bwtype")?;
    next_u64(&mut fields, "Bandwidth bandwidth")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Bandwidth"));
    }
    Ok(())
}

/// `t=<start-time> <stop-time>`.
fn check_time(value: Field<'_>) -> Result<(), Fault> {
    // What SIP peers nearly always write: an unbounded session.
    if value.bytes == b"0 0" {
        return Ok(());
    }
    let mut fields = spaced(value);
    next_u64(&mut fields, "Time start-time")?;
    next_u64(&mut fields, "Time stop-time")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Time"));
    }
    Ok(())
}

/// A time with an optional unit suffix (`7d`, `1h`, `90m`, `25s`, `3600`), in
/// seconds.
fn typed_time(field: Field<'_>, name: &'static str) -> Result<u64, Fault> {
    let last = field.bytes.last().ok_or(Fault::Format(name))?;
    let factor = match last {
        b'd' => 86_400,
        b'h' => 3_600,
        b'm' => 60,
        b's' => 1,
        _ => 0,
    };
    let (number, factor) = if factor == 0 {
        (field, 1)
    } else {
        (field.cut(0, field.bytes.len() - 1), factor)
    };
    number.check_text(name)?;
    decimal(number.bytes, u64::MAX)
        .and_then(|n| n.checked_mul(factor))
        .ok_or(Fault::Format(name))
}

/// `r=<repeat interval> <active duration> <offsets from start-time>`.
fn check_repeat(value: Field<'_>) -> Result<(), Fault> {
    let mut fields = spaced(value);
    for name in ["Repeat repeat-interval", "Repeat active-duration"] {
        typed_time(next_field(&mut fields, name)?, name)?;
    }
    for offset in fields {
        typed_time(offset, "Repeat offset")?;
    }
    Ok(())
}

/// `z=<adjustment time> <offset> <adjustment time> <offset> ...`; offsets
/// must fit in an `i64`.
fn check_time_zones(value: Field<'_>) -> Result<(), Fault> {
    const ADJUSTMENT: &str = "TimeZone adjustment-time";
    const OFFSET: &str = "TimeZone offset";
    let mut fields = spaced(value);
    while let Some(adjustment) = fields.next() {
        adjustment.check_text(ADJUSTMENT)?;
        decimal(adjustment.bytes, u64::MAX).ok_or(Fault::Format(ADJUSTMENT))?;
        let offset = next_field(&mut fields, OFFSET)?;
        let (negative, magnitude) = match offset.bytes.first() {
            Some(b'-') => (true, offset.cut(1, offset.bytes.len())),
            _ => (false, offset),
        };
        let seconds = typed_time(magnitude, OFFSET)?;
        let limit = if negative {
            i64::MIN.unsigned_abs()
        } else {
            i64::MAX.unsigned_abs()
        };
        if seconds > limit {
            return Err(Fault::Format(OFFSET));
        }
    }
    Ok(())
}

/// `<name>:<value>` or `<name>` (`a=` and `k=` lines), both checked to be text.
fn name_value<'a>(
    value: Field<'a>,
    name_field: &'static str,
    value_field: &'static str,
) -> Result<(Field<'a>, Option<Field<'a>>), Fault> {
    match value.split_once(b':') {
        Some((name, value)) => {
            name.check_text(name_field)?;
            value.check_text(value_field)?;
            Ok((name, Some(value)))
        }
        None => {
            value.check_text(name_field)?;
            Ok((value, None))
        }
    }
}

/// The fields of an `m=` line that [`Media`] keeps, each checked to be text.
struct MediaLine<'a> {
    kind: Field<'a>,
    port: u16,
    proto: Field<'a>,
    /// The formats as written, separated by whitespace.
    fmt: Field<'a>,
}

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`; single spaces
/// between the first four fields. The fields stay bytes: the usual names are
/// found in tables without being read as text.
fn media_line(value: Field<'_>) -> Result<MediaLine<'_>, Fault> {
    let mut fields = Pieces::new(value, b' ');
    let kind = next_field(&mut fields, "Media name")?;
    kind.check_text("Media name")?;
    let port = next_field(&mut fields, "Media port")?;
    port.check_text("Media Port")?;
    let (port, ports) = match port.split_once(b'/') {
        Some((port, ports)) => (port, Some(ports)),
        None => (port, None),
    };
    let port = decimal(port.bytes, u16::MAX.into())
        .and_then(|p| u16::try_from(p).ok())
        .ok_or(Fault::Format("Media port"))?;
    if let Some(ports) = ports {
        decimal(ports.bytes, u16::MAX.into()).ok_or(Fault::Format("Media num-ports"))?;
    }
    let proto = next_field(&mut fields, "Media proto")?;
    proto.check_text("Media proto")?;
    let fmt = fields.remainder().ok_or(Fault::Missing("Media fmt"))?;
    fmt.check_text("Media fmt")?;
    Ok(MediaLine {
        kind,
        port,
        proto,
        fmt,
    })
}

/// An `a=rtpmap` value: payload type, encoding, clock rate, channels.
type Rtpmap<'a> = (u8, &'a str, Option<u32>, Option<u8>);

/// `96 opus/48000/2` → (96, "opus", 48000, Some(2)).
fn parse_rtpmap(value: &str) -> Option<Rtpmap<'_>> {
    if let Some(rtpmap) = parse_plain_rtpmap(value) {
        return rtpmap;
    }
    let value = trim(value);
    let (pt, rest) = split_at_byte(value, |b| b.is_ascii_whitespace());
    let pt = u8::try_from(decimal(pt.as_bytes(), u8::MAX.into())?).ok()?;
    // `encoding/clock/channels`, as `split('/')` would cut it.
    let (encoding, rest) = split_at_byte(trim(rest?), |b| b == b'/');
    let encoding = trim(encoding);
    if encoding.is_empty() {
        return None;
    }
    let (clock, rest) = rest.map_or((None, None), |r| {
        let (clock, rest) = split_at_byte(r, |b| b == b'/');
        (Some(clock), rest)
    });
    let channels = rest.map(|r| split_at_byte(r, |b| b == b'/').0);
    let clock = clock
        .and_then(|c| decimal(trim(c).as_bytes(), u32::MAX.into()))
        .and_then(|c| u32::try_from(c).ok());
    let channels = channels
        .and_then(|c| decimal(trim(c).as_bytes(), u8::MAX.into()))
        .and_then(|c| u8::try_from(c).ok());
    Some((pt, encoding, clock, channels))
}

/// [`parse_rtpmap`] for the form nearly every body has: visible ASCII with
/// one space after the payload type, so that nothing needs trimming.
/// `None` when the value is not of that form.
fn parse_plain_rtpmap(value: &str) -> Option<Option<Rtpmap<'_>>> {
    let bytes = value.as_bytes();
    let space = bytes.iter().position(|&b| b == b' ').filter(|&at| at > 0)?;
    let pt = bytes.get(..space).unwrap_or_default();
    let after = bytes.get(space + 1..).unwrap_or_default();
    let visible = |part: &[u8]| {
        part.iter()
            .fold(true, |ok, &b| ok & matches!(b, 0x21..=0x7e))
    };
    if !(visible(pt) && visible(after)) {
        return None;
    }
    let Some(pt) = decimal(pt, u8::MAX.into()).and_then(|pt| u8::try_from(pt).ok()) else {
        return Some(None);
    };
    let rest = value.get(space + 1..).unwrap_or_default();
    let (encoding, rest) = split_at_byte(rest, |b| b == b'/');
    if encoding.is_empty() {
        return Some(None);
    }
    let (clock, rest) = rest.map_or((None, None), |r| {
        let (clock, rest) = split_at_byte(r, |b| b == b'/');
        (Some(clock), rest)
    });
    let channels = rest.map(|r| split_at_byte(r, |b| b == b'/').0);
    let clock = clock
        .and_then(|c| decimal(c.as_bytes(), u32::MAX.into()))
        .and_then(|c| u32::try_from(c).ok());
    let channels = channels
        .and_then(|c| decimal(c.as_bytes(), u8::MAX.into()))
        .and_then(|c| u8::try_from(c).ok());
    Some(Some((pt, encoding, clock, channels)))
}

/// The `a=rtpmap` values (after `rtpmap:`) nearly every body has, a payload
/// type of one to three digits and one of a few common `encoding/clock`
/// forms, read by a table look-up: `(pt, encoding, clock, channels)`, what
/// [`parse_rtpmap`] reads from them. `None` for any other value.
fn common_rtpmap(value: &[u8]) -> Option<(u8, &'static str, u32, Option<u8>)> {
    let digit = |b: &u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let (pt, rest) = match value {
        [a, b' ', rest @ ..] => (digit(a)?, rest),
        [a, b, b' ', rest @ ..] => (digit(a)? * 10 + digit(b)?, rest),
        [a, b, c, b' ', rest @ ..] => (digit(a)? * 100 + digit(b)? * 10 + digit(c)?, rest),
        _ => return None,
    };
    let pt = u8::try_from(pt).ok()?;
    // Most names have the clock rate 8000: one test of the suffix, then
    // short names to compare.
    let (encoding, clock, channels) = match rest.strip_suffix(b"/8000") {
        Some(b"PCMU") => ("PCMU", 8000, None),
        Some(b"PCMA") => ("PCMA", 8000, None),
        Some(b"telephone-event") => ("telephone-event", 8000, None),
        Some(b"G722") => ("G722", 8000, None),
        Some(b"G729") => ("G729", 8000, None),
        None if rest == b"opus/48000/2" => ("opus", 48000, Some(2)),
        _ => return None,
    };
    Some((pt, encoding, clock, channels))
}

/// The text before the first byte that `is_separator` accepts (an ASCII
/// byte) and, when there is one, the text after it.
fn split_at_byte(s: &str, is_separator: impl Fn(u8) -> bool) -> (&str, Option<&str>) {
    match s.bytes().position(is_separator) {
        Some(at) => (s.get(..at).unwrap_or_default(), s.get(at + 1..)),
        None => (s, None),
    }
}

/// `str::trim`, with a shortcut for what nearly every field is: text that
/// starts and ends with a visible ASCII character, with nothing to trim.
fn trim(s: &str) -> &str {
    // ASCII and not whitespace as `char::is_whitespace` sees it.
    let visible =
        |b: Option<&u8>| b.is_some_and(|&b| b < 0x80 && !matches!(b, b'\t'..=b'\r' | b' '));
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// The formats of an `m=` line. Numeric ones are described later: by the
/// first `a=rtpmap` of the section for their payload type
/// ([`Reader::describe`]), else by the static table when the section ends
/// ([`Reader::end_section`]).
fn formats_of(fmt: Field<'_>) -> Vec<Format> {
    // Room for the usual three or four formats at once.
    let mut formats = Vec::with_capacity(4);
    // What `str::split_ascii_whitespace` yields.
    let words = fmt.bytes.split(u8::is_ascii_whitespace);
    for word in words.filter(|w| !w.is_empty()) {
        let pt = decimal(word, u8::MAX.into()).and_then(|pt| u8::try_from(pt).ok());
        formats.push(Format {
            pt,
            encoding: match pt {
                Some(_) => None,
                None => Some(known_bytes(word, ENCODINGS)),
            },
            clock_rate: None,
            channels: None,
        });
    }
    formats
}

/// A set of RTP payload types.
#[derive(Default)]
struct PayloadTypes([u64; 4]);

impl PayloadTypes {
    /// Adds `pt`; false when it was already there.
    fn insert(&mut self, pt: u8) -> bool {
        let bit = 1u64 << (pt % 64);
        match self.0.get_mut(usize::from(pt / 64)) {
            Some(word) if *word & bit == 0 => {
                *word |= bit;
                true
            }
            _ => false,
        }
    }

    fn contains(&self, pt: u8) -> bool {
        self.0
            .get(usize::from(pt / 64))
            .is_some_and(|word| word & (1u64 << (pt % 64)) != 0)
    }
}

/// The media section being read: its [`Media`] is the last of
/// [`Reader::media`].
#[derive(Default)]
struct Section {
    is_audio: bool,
    has_connection: bool,
    has_title: bool,
    has_key: bool,
    /// The payload types an `a=rtpmap` has described.
    described: PayloadTypes,
}

/// What the lines read so far have set. The rules are those of `sdp-types`:
/// `v=0` first; `o=`, `s=`, `i=`, `u=`, `c=`, `z=` and `k=` at most once per
/// session (`i=` and `k=` also once per media section); `r=` after a `t=`;
/// every field the grammar types must parse; unknown line types are ignored.
#[derive(Default)]
struct Reader<'a> {
    has_version: bool,
    /// See [`origin_address`].
    origin_address: Option<OriginSeen<'a>>,
    has_name: bool,
    has_info: bool,
    has_uri: bool,
    has_connection: bool,
    has_time: bool,
    has_zones: bool,
    has_key: bool,
    connection: Option<IpAddr>,
    direction: Option<Direction>,
    media: Vec<Media>,
    section: Option<Section>,
}

/// Fails with `Multiple(what)` when `seen` is already set; sets it.
fn once(seen: &mut bool, what: &'static str) -> Result<(), Fault> {
    if std::mem::replace(seen, true) {
        Err(Fault::Multiple(what))
    } else {
        Ok(())
    }
}

impl<'a> Reader<'a> {
    fn line(&mut self, key: u8, value: Field<'a>) -> Result<(), Fault> {
        if !self.has_version {
            if key != b'v' {
                return Err(Fault::NoVersion);
            }
            if value.bytes != b"0" {
                return Err(Fault::Version);
            }
            self.has_version = true;
            return Ok(());
        }
        if key == b'm' {
            let line = media_line(value)?;
            self.end_section();
            if self.media.is_empty() {
                // Nearly every body has one `m=` line: room for exactly
                // one (a second grows the list as usual).
                self.media = Vec::with_capacity(1);
            }
            self.media.push(Media {
                // The names nearly every body has compared inline first:
                // cheaper than the search of the tables.
                kind: match line.kind.bytes {
                    b"audio" => Cow::Borrowed("audio"),
                    other => known_bytes(other, MEDIA_KINDS),
                },
                port: line.port,
                proto: match line.proto.bytes {
                    b"RTP/AVP" => Cow::Borrowed("RTP/AVP"),
                    other => known_bytes(other, PROTOS),
                },
                formats: formats_of(line.fmt),
                connection: None,
                direction: None,
            });
            self.section = Some(Section {
                is_audio: line.kind.bytes.eq_ignore_ascii_case(b"audio"),
                ..Section::default()
            });
            return Ok(());
        }
        match &mut self.section {
            Some(section) => match key {
                b'i' => {
                    once(&mut section.has_title, "media titles")?;
                    value.check_text("Media Title")?;
                }
                b'c' => {
                    let ip = connection_after(self.origin_address, value)?;
                    if !std::mem::replace(&mut section.has_connection, true)
                        && let Some(media) = self.media.last_mut()
                    {
                        media.connection = ip;
                    }
                }
                b'b' => check_bandwidth(value)?,
                b'k' => {
                    once(&mut section.has_key, "keys")?;
                    name_value(value, "Key method", "Key encryption-key")?;
                }
                b'a' => {
                    // Most media attributes are `rtpmap:` of the plain form;
                    // such a value is visible ASCII, so text, and names no
                    // direction: nothing else to check.
                    if let Some(rtpmap) = value.bytes.strip_prefix(b"rtpmap:")
                        && let Some(media) = self.media.last_mut()
                    {
                        // The usual values first: a table look-up, nothing
                        // to allocate or check (visible ASCII, no direction).
                        if let Some((pt, encoding, clock, channels)) = common_rtpmap(rtpmap) {
                            Self::describe_static(section, media, pt, encoding, clock, channels);
                            return Ok(());
                        }
                        // Then the plain form: visible ASCII, so text, and
                        // no direction either.
                        if let Ok(text) = value.cut(7, value.bytes.len()).text("")
                            && let Some(rtpmap) = parse_plain_rtpmap(text)
                        {
                            if let Some(rtpmap) = rtpmap {
                                Self::describe(section, media, rtpmap);
                            }
                            return Ok(());
                        }
                    }
                    // The other attributes of a body that is text: nothing
                    // to check, only a direction to look for.
                    if value.is_text
                        && let Some(media) = self.media.last_mut()
                    {
                        let name = match value.bytes.iter().position(|&b| b == b':') {
                            Some(at) => value.bytes.get(..at).unwrap_or_default(),
                            None => value.bytes,
                        };
                        if name.len() != 6 || !name.eq_ignore_ascii_case(b"rtpmap") {
                            if media.direction.is_none() {
                                media.direction = Direction::from_attribute(name);
                            }
                            return Ok(());
                        }
                    }
                    let (name, value) = name_value(value, "Attribute name", "Attribute value")?;
                    let Some(media) = self.media.last_mut() else {
                        return Ok(());
                    };
                    if media.direction.is_none() {
                        media.direction = Direction::from_attribute(name.bytes);
                    }
                    if name.bytes.eq_ignore_ascii_case(b"rtpmap")
                        && let Some(rtpmap) = value
                            .and_then(|v| v.text("Attribute value").ok())
                            .and_then(parse_rtpmap)
                    {
                        Self::describe(section, media, rtpmap);
                    }
                }
                _ => {}
            },
            None => match key {
                b'o' => {
                    if self.origin_address.is_some() {
                        return Err(Fault::Multiple("origins"));
                    }
                    self.origin_address = Some(origin_address(value)?);
                }
                b's' => {
                    once(&mut self.has_name, "session-names")?;
                    value.check_text("Session Name")?;
                }
                b'i' => {
                    once(&mut self.has_info, "session-information")?;
                    value.check_text("Session Description")?;
                }
                b'u' => {
                    once(&mut self.has_uri, "URIs")?;
                    value.check_text("Uri")?;
                }
                b'e' => {
                    value.check_text("E-Mail")?;
                }
                b'p' => {
                    value.check_text("Phone")?;
                }
                b'c' => {
                    once(&mut self.has_connection, "connections")?;
                    self.connection = connection_after(self.origin_address, value)?;
                }
                b'b' => check_bandwidth(value)?,
                b't' => {
                    check_time(value)?;
                    self.has_time = true;
                }
                b'r' => {
                    if !self.has_time {
                        return Err(Fault::RepeatWithoutTime);
                    }
                    check_repeat(value)?;
                }
                b'z' => {
                    once(&mut self.has_zones, "zones")?;
                    check_time_zones(value)?;
                }
                b'k' => {
                    once(&mut self.has_key, "keys")?;
                    name_value(value, "Key method", "Key encryption-key")?;
                }
                b'a' => {
                    let (name, _) = name_value(value, "Attribute name", "Attribute value")?;
                    if self.direction.is_none() {
                        self.direction = Direction::from_attribute(name.bytes);
                    }
                }
                _ => {}
            },
        }
        Ok(())
    }

    /// Describes the formats of `media` with payload type `pt` by an
    /// `a=rtpmap`, unless an earlier one did.
    fn describe(
        section: &mut Section,
        media: &mut Media,
        (pt, encoding, clock, channels): Rtpmap<'_>,
    ) {
        if !section.described.insert(pt) {
            return;
        }
        let encoding = known_name(encoding, ENCODINGS);
        Self::describe_formats(section, media, pt, encoding, clock, channels);
    }

    /// [`Reader::describe`] for a name of the program's own: the formats
    /// borrow it, with no `Cow` to clone per format nor to drop after.
    fn describe_static(
        section: &mut Section,
        media: &mut Media,
        pt: u8,
        encoding: &'static str,
        clock: u32,
        channels: Option<u8>,
    ) {
        if !section.described.insert(pt) {
            return;
        }
        let channels = channels.or(section.is_audio.then_some(1));
        for format in &mut media.formats {
            if format.pt == Some(pt) {
                format.encoding = Some(Cow::Borrowed(encoding));
                format.clock_rate = Some(clock);
                format.channels = channels;
            }
        }
    }

    fn describe_formats(
        section: &Section,
        media: &mut Media,
        pt: u8,
        encoding: Cow<'static, str>,
        clock: Option<u32>,
        channels: Option<u8>,
    ) {
        for format in media.formats.iter_mut().filter(|f| f.pt == Some(pt)) {
            format.encoding = Some(encoding.clone());
            format.clock_rate = clock;
            format.channels = channels.or(section.is_audio.then_some(1));
        }
    }

    /// Closes the current media section, if any: the formats no `a=rtpmap`
    /// described take the static table's description.
    fn end_section(&mut self) {
        let Some(section) = self.section.take() else {
            return;
        };
        let Some(media) = self.media.last_mut() else {
            return;
        };
        for format in &mut media.formats {
            if let Some(pt) = format.pt
                && !section.described.contains(pt)
                && let Some((encoding, clock, channels)) = static_payload(pt)
            {
                format.encoding = Some(Cow::Borrowed(encoding));
                format.clock_rate = Some(clock);
                format.channels = (channels > 0).then_some(channels);
            }
        }
    }

    fn finish(mut self, skipped_lines: Vec<usize>) -> Sdp {
        self.end_section();
        // Without an `o=` line, sdp-types filled in `0.0.0.0`.
        let origin_address = match self.origin_address {
            // The usual dotted quad, read with its line.
            Some(OriginSeen::Ipv4(ip, _)) => Some(OriginAddress::Ipv4(ip)),
            // A dotted quad the general reader found: nothing to trim, no
            // text to copy.
            Some(OriginSeen::Text(address)) => match dotted_quad(address) {
                Some(ip) => Some(OriginAddress::Ipv4(ip)),
                // Valid text: the lossy reading borrows it unchanged.
                None => Some(trim(&String::from_utf8_lossy(address)))
                    .filter(|a| !a.is_empty() && *a != "-")
                    .map(OriginAddress::new),
            },
            None => Some(OriginAddress::Ipv4(Ipv4Addr::UNSPECIFIED)),
        };
        Sdp {
            origin_address,
            connection: self.connection,
            direction: self.direction,
            media: self.media,
            skipped_lines,
        }
    }
}

/// Whether a line holds a CR or a NUL (such lines are skipped).
fn has_cr_or_nul(line: &[u8]) -> bool {
    line.iter().any(|&b| b == b'\r' || b == 0)
}

/// What one pass over the whole body tells, without an early exit so that
/// the compiler checks many bytes at a time:
/// - `ascii`: every byte is ASCII, so the body is text (nearly always; other
///   bodies get the full UTF-8 check);
/// - `clean`: no line can hold a CR or a NUL once its trailing whitespace is
///   trimmed: there is no NUL, and every CR ends a line (LF or the end of the
///   body follows). Then no line needs a test of its own.
#[derive(Debug, PartialEq, Eq)]
struct BodyScan {
    ascii: bool,
    clean: bool,
}

fn scan_body(body: &[u8]) -> BodyScan {
    let next = body.get(1..).unwrap_or_default();
    let (bad, bits) = body
        .iter()
        .zip(next)
        .fold((false, 0u8), |(bad, bits), (&b, &n)| {
            (bad | (b == 0) | ((b == b'\r') & (n != b'\n')), bits | b)
        });
    let last = body.last().copied();
    BodyScan {
        ascii: (bits | last.unwrap_or(0)).is_ascii(),
        clean: !bad && last != Some(0),
    }
}

/// The first `\n` at or after `from` (see [`find_byte_short`]).
#[inline]
fn find_lf_short(body: &[u8], from: usize) -> Option<usize> {
    find_byte_short(body, from, b'\n')
}

/// The first `byte` at or after `from`, eight bytes at a time. SDP lines and
/// their fields are short (20 to 50 bytes): a word-at-a-time search inline
/// costs less than a call to `memchr`, whose set-up pays only on long
/// haystacks.
#[inline]
fn find_byte_short(body: &[u8], from: usize, byte: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let needles = u64::from_ne_bytes([byte; 8]);
    let mut at = from;
    while let Some(chunk) = body
        .get(at..at + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        // A zero byte of `word` is a `byte` of the chunk; the lowest flagged
        // byte is exact (flags above it may be false positives).
        let word = u64::from_le_bytes(chunk) ^ needles;
        let found = word.wrapping_sub(ONES) & !word & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = body.get(at..)?;
    tail.iter().position(|&b| b == byte).map(|p| at + p)
}

/// `<[u8]>::trim_ascii_end`, with a shortcut for what nearly every line
/// ends with: a CR (the LF is already cut) after a visible byte.
#[inline]
fn trim_line_end(line: &[u8]) -> &[u8] {
    match line {
        [rest @ .., last, b'\r'] if last.is_ascii_graphic() => {
            // `rest` and `last`: the line without its CR.
            line.get(..rest.len() + 1).unwrap_or_default()
        }
        _ => line.trim_ascii_end(),
    }
}

impl Sdp {
    /// Parses an SDP body leniently (see the module docs).
    pub fn parse(body: &[u8]) -> Result<Sdp, SdpError> {
        // One pass for the whole body instead of a UTF-8 check per field (see
        // `Field`) and a CR and NUL test per line.
        let BodyScan { ascii, clean } = scan_body(body);
        let is_text = ascii || std::str::from_utf8(body).is_ok();
        let mut reader = Reader::default();
        let mut skipped_lines = Vec::new();
        let mut kept = 0;
        let mut number = 0;
        let mut start = 0;
        while start <= body.len() {
            number += 1;
            let end = find_lf_short(body, start).unwrap_or(body.len());
            let line_start = start;
            start = end + 1;
            let line = body.get(line_start..end).unwrap_or_default();
            let line = trim_line_end(line);
            match line {
                [] => {}
                [key, b'=', value @ ..]
                    if key.is_ascii_alphabetic() && (clean || !has_cr_or_nul(value)) =>
                {
                    kept += 1;
                    let value = Field {
                        bytes: value,
                        is_text,
                    };
                    reader
                        .line(*key, value)
                        .map_err(|fault| SdpError::Malformed {
                            detail: fault.message(kept, value.bytes),
                        })?;
                }
                _ => skipped_lines.push(number),
            }
        }
        if kept == 0 {
            return Err(SdpError::Empty);
        }
        Ok(reader.finish(skipped_lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r\n\
s=-\r\n\
c=IN IP4 198.51.100.1\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 0 8 96 101\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
m=video 51372 RTP/AVP 31 99\r\n\
c=IN IP6 2001:db8::5\r\n\
a=sendonly\r\n";

    fn fmt(pt: Option<u8>, enc: Option<&str>, clock: Option<u32>, ch: Option<u8>) -> Format {
        Format {
            pt,
            encoding: enc.map(|e| Cow::Owned(e.to_string())),
            clock_rate: clock,
            channels: ch,
        }
    }

    #[test]
    fn parses_offer() {
        let sdp = Sdp::parse(OFFER.as_bytes()).unwrap();
        assert_eq!(
            sdp.origin_address
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("198.51.100.1")
        );
        assert_eq!(sdp.connection, Some("198.51.100.1".parse().unwrap()));
        assert_eq!(sdp.direction, None);
        assert!(sdp.skipped_lines.is_empty());
        assert_eq!(sdp.media.len(), 2);
        let audio = &sdp.media[0];
        assert_eq!(
            (&*audio.kind, audio.port, &*audio.proto),
            ("audio", 49170, "RTP/AVP")
        );
        assert_eq!(
            audio.formats,
            vec![
                fmt(Some(0), Some("PCMU"), Some(8000), Some(1)),
                fmt(Some(8), Some("PCMA"), Some(8000), Some(1)),
                fmt(Some(96), Some("opus"), Some(48000), Some(2)),
                fmt(Some(101), Some("telephone-event"), Some(8000), Some(1)),
            ]
        );
        let names: Vec<String> = audio.formats.iter().map(Format::name).collect();
        assert_eq!(
            names,
            [
                "PCMU/8000",
                "PCMA/8000",
                "opus/48000/2",
                "telephone-event/8000"
            ]
        );
        assert_eq!(audio.connection, None);
        assert_eq!(audio.effective_direction(&sdp), Direction::SendRecv);
        assert_eq!(
            audio.effective_connection(&sdp),
            Some("198.51.100.1".parse().unwrap())
        );
        let video = &sdp.media[1];
        assert_eq!(
            video.formats[0],
            fmt(Some(31), Some("H261"), Some(90000), None)
        );
        assert_eq!(video.formats[1].name(), "pt 99");
        assert_eq!(video.connection, Some("2001:db8::5".parse().unwrap()));
        assert_eq!(video.direction, Some(Direction::SendOnly));
        assert_eq!(video.effective_direction(&sdp).as_str(), "sendonly");
    }

    #[test]
    fn session_direction_trailing_spaces_garbage_and_t38() {
        let body = "v=0  \n\
o=- 1 1 IN IP4 10.0.0.1\t\n\
s=call\n\
c=IN IP4 224.2.1.1/127\n\
t=0 0\n\
a=inactive \n\
this line is garbage\n\
m=image 0 udptl t38\n\
a=T38FaxVersion:0\n";
        let sdp = Sdp::parse(body.as_bytes()).unwrap();
        assert_eq!(sdp.skipped_lines, vec![7]);
        assert_eq!(sdp.connection, Some("224.2.1.1".parse().unwrap()));
        assert_eq!(sdp.direction, Some(Direction::Inactive));
        let image = &sdp.media[0];
        assert_eq!(image.port, 0);
        assert_eq!(image.formats, vec![fmt(None, Some("t38"), None, None)]);
        assert_eq!(image.formats[0].name(), "t38");
        assert_eq!(image.effective_direction(&sdp), Direction::Inactive);
    }

    #[test]
    fn errors() {
        assert_eq!(Sdp::parse(b""), Err(SdpError::Empty));
        assert_eq!(Sdp::parse(b"\r\n  \r\n"), Err(SdpError::Empty));
        assert!(matches!(
            Sdp::parse(b"o=- 1 1 IN IP4 1.2.3.4\r\n"),
            Err(SdpError::Malformed { .. })
        ));
        assert!(matches!(
            Sdp::parse(b"v=0\r\nm=audio notaport RTP/AVP 0\r\n"),
            Err(SdpError::Malformed { .. })
        ));
        let e = Sdp::parse(b"v=1\r\n").unwrap_err().to_string();
        assert!(e.starts_with("malformed sdp body: "), "{e}");
    }

    #[test]
    fn codec_matching() {
        let offer = Sdp::parse(OFFER.as_bytes()).unwrap();
        let answer = Sdp::parse(
            b"v=0\r\no=- 2 2 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n\
m=audio 30000 RTP/AVP 8 97\r\na=rtpmap:97 TELEPHONE-EVENT/8000\r\n",
        )
        .unwrap();
        let common: Vec<String> = common_formats(&offer.media[0], &answer.media[0])
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(common, ["PCMA/8000", "telephone-event/8000"]);
        assert!(common_formats(&offer.media[1], &answer.media[0]).is_empty());
        assert!(!fmt(Some(96), None, None, None).same_codec(&fmt(Some(97), None, None, None)));
        assert!(fmt(Some(96), None, None, None).same_codec(&fmt(Some(96), None, None, None)));
        assert!(
            !fmt(Some(9), Some("G722"), Some(8000), None).same_codec(&fmt(
                Some(9),
                Some("G722"),
                Some(16000),
                None
            ))
        );
    }

    #[test]
    fn decimal_reads_what_integer_parse_reads() {
        for text in [
            "0",
            "7",
            "+7",
            "007",
            "255",
            "256",
            "65535",
            "65536",
            "",
            "+",
            "-1",
            "1x",
            " 1",
            "18446744073709551615",
            "18446744073709551616",
        ] {
            let bytes = text.as_bytes();
            assert_eq!(
                decimal(bytes, u64::MAX),
                text.parse::<u64>().ok(),
                "{text:?}"
            );
            assert_eq!(
                decimal(bytes, u8::MAX.into()),
                text.parse::<u8>().ok().map(u64::from),
                "{text:?}"
            );
            assert_eq!(
                decimal(bytes, u16::MAX.into()),
                text.parse::<u16>().ok().map(u64::from),
                "{text:?}"
            );
        }
    }

    #[test]
    fn dotted_quad_reads_every_octet_as_from_str() {
        for n in 0..1100 {
            for text in [
                format!("{n}.1.2.3"),
                format!("1.{n}.2.3"),
                format!("1.2.{n:02}.3"),
                format!("1.2.3.{n:03}"),
                format!("{n}.{n}.{n}.{n}x"),
            ] {
                let std = text.parse::<Ipv4Addr>().ok();
                let ours = dotted_quad(text.as_bytes());
                assert!(ours.is_none() || ours == std, "{text:?}");
                // The canonical form is read, never declined.
                assert_eq!(
                    ours.is_some(),
                    std.is_some() && std.map(|ip| ip.to_string()) == Some(text.clone()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn dotted_quad_agrees_with_from_str_or_declines() {
        assert_eq!(dotted_quad(b"10.0.0.1"), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(dotted_quad(b"0.0.0.0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(
            dotted_quad(b"255.255.255.255"),
            Some(Ipv4Addr::new(255, 255, 255, 255))
        );
        // Left to `IpAddr::from_str`: whatever is not four plain octets.
        for odd in [
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "+1.2.3.4",
            "1..3.4",
            " 1.2.3.4",
            "1.2.3.4 ",
            "host",
            "",
            "::1",
            "1.2.3.0004",
        ] {
            assert_eq!(dotted_quad(odd.as_bytes()), None, "{odd:?}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a\t",
            "\u{2003}y/8000 ",
            "PCMU",
            "\u{b}x",
            "x\u{85}",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn trim_line_end_is_trim_ascii_end() {
        let lines: [&[u8]; 12] = [
            b"",
            b"\r",
            b" \r",
            b"a\r",
            b"a=b\r",
            b"a=b \r",
            b"a=b\t\r",
            b"a=b\r\r",
            b"a=\xff\r",
            b"a=b",
            b"a=b \x0b\r",
            b"s=\x0c\r",
        ];
        for line in lines {
            assert_eq!(trim_line_end(line), line.trim_ascii_end(), "{line:?}");
        }
        assert_eq!(trim_line_end(b"a=b\r"), b"a=b");
        assert_eq!(trim_line_end(b"a=b \x0b\r"), b"a=b \x0b");
    }

    #[test]
    fn short_lf_search_finds_the_first_lf() {
        let body = b"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n\n\nabcdefghijklmnopq\nx";
        for from in 0..=body.len() + 1 {
            let expected = body
                .get(from..)
                .and_then(|t| t.iter().position(|&b| b == b'\n'))
                .map(|p| from + p);
            assert_eq!(find_lf_short(body, from), expected, "{from}");
        }
        assert_eq!(find_lf_short(b"\x0b\n", 0), Some(1));
        assert_eq!(
            find_lf_short(b"\x8a\x0a\x09\x0b\x0a\x0a\x0a\x0a\x0a", 0),
            Some(1)
        );
        assert_eq!(find_lf_short(b"", 0), None);
    }

    #[test]
    fn short_byte_search_finds_the_first_byte() {
        let line = b"alice 53655765 2353687637 IN IP4 127.0.1.1";
        assert_eq!(find_byte_short(line, 0, b' '), Some(5));
        assert_eq!(find_byte_short(line, 6, b' '), Some(14));
        assert_eq!(find_byte_short(line, 15, b' '), Some(25));
        assert_eq!(find_byte_short(line, 33, b' '), None);
        assert_eq!(find_byte_short(line, 0, b'!'), None);
        assert_eq!(find_byte_short(line, 99, b' '), None);
        // A byte just above the needle must not be taken for it.
        assert_eq!(find_byte_short(b"!!!!!!!!!! ", 0, b' '), Some(10));
        assert_eq!(find_byte_short(b"\x1f\x20", 0, b' '), Some(1));
    }

    #[test]
    fn clean_line_ends() {
        let clean = |body: &[u8]| scan_body(body).clean;
        assert!(clean(b""));
        assert!(clean(b"v=0\r\ns=-\r\n"));
        assert!(clean(b"v=0\ns=-\r"));
        assert!(!clean(b"v=0\r\na=b\rc\r\n"));
        assert!(!clean(b"v=0\r \r\n"));
        assert!(!clean(b"v=0\r\na=b\0c\r\n"));
        assert!(!clean(b"v=0\0"));
    }

    #[test]
    fn body_scan_finds_non_ascii_bytes_anywhere() {
        let ascii = |body: &[u8]| scan_body(body).ascii;
        assert!(ascii(b""));
        assert!(ascii(b"v=0\r\ns=-\r\n"));
        assert!(!ascii("\u{e9}".as_bytes()));
        assert!(!ascii("v=0\r\ns=caf\u{e9}".as_bytes()));
        assert!(!ascii("s=\u{e9}\r\nv=0".as_bytes()));
        assert_eq!(
            scan_body(b"v=0\0\xff"),
            BodyScan {
                ascii: false,
                clean: false
            }
        );
    }

    #[test]
    fn rtpmap_values() {
        assert_eq!(
            parse_rtpmap("96 opus/48000/2"),
            Some((96, "opus", Some(48000), Some(2)))
        );
        assert_eq!(
            parse_rtpmap(" 101  telephone-event / 8000 "),
            Some((101, "telephone-event", Some(8000), None))
        );
        assert_eq!(parse_rtpmap("97 x/"), Some((97, "x", None, None)));
        assert_eq!(
            parse_rtpmap("97 L16/16000/2/9"),
            Some((97, "L16", Some(16000), Some(2)))
        );
        assert_eq!(
            parse_rtpmap("97 Z/8000/300"),
            Some((97, "Z", Some(8000), None))
        );
        assert_eq!(parse_rtpmap("97"), None);
        assert_eq!(parse_rtpmap("256 x/1"), None);
        assert_eq!(parse_rtpmap("97 /8000"), None);
    }

    #[test]
    fn rtpmap_describes_every_listed_copy_once() {
        let sdp = Sdp::parse(
            b"v=0\nm=audio 1 RTP/AVP 96 0 96\na=rtpmap:96 L16/16000/2\na=rtpmap:96 speex/8000\n\
a=rtpmap:0 pcmu/8000\n",
        )
        .unwrap();
        assert_eq!(
            sdp.media[0].formats,
            vec![
                fmt(Some(96), Some("L16"), Some(16000), Some(2)),
                fmt(Some(0), Some("pcmu"), Some(8000), Some(1)),
                fmt(Some(96), Some("L16"), Some(16000), Some(2)),
            ]
        );
    }

    #[test]
    fn plain_rtpmap_agrees_with_the_general_reader() {
        for value in [
            "96 opus/48000/2",
            "0 PCMU/8000",
            "97 x/",
            "97 L16/16000/2/9",
            "97 Z/8000/300",
            "256 x/1",
            "97 /8000",
            "97 ",
            "x9 a/1",
            "9/ a/1",
            "97 a",
            "97 a/1/2/3/4",
            "97 a//2",
            "97 a/8000/",
            "97 a/8000//",
            "97 a/99999999999/2",
            "097 +a/+8000/+2",
        ] {
            let plain = parse_plain_rtpmap(value).expect(value);
            assert_eq!(plain, parse_rtpmap(&format!(" {value} ")), "{value:?}");
        }
        for other in [
            "97",
            " 97 x/1",
            "97  x/1",
            "97 x/1 ",
            "97\tx/1",
            "97 \u{2003}y/8000",
            "97 x/1\x7f",
            " ",
            "",
        ] {
            assert_eq!(parse_plain_rtpmap(other), None, "{other:?}");
        }
    }

    #[test]
    fn common_rtpmap_agrees_with_the_general_reader() {
        for value in [
            "0 PCMU/8000",
            "8 PCMA/8000",
            "101 telephone-event/8000",
            "9 G722/8000",
            "18 G729/8000",
            "111 opus/48000/2",
            "007 PCMU/8000",
            "255 PCMA/8000",
        ] {
            let (pt, encoding, clock, channels) = common_rtpmap(value.as_bytes()).expect(value);
            assert_eq!(
                Some((pt, encoding, Some(clock), channels)),
                parse_rtpmap(value),
                "{value:?}"
            );
        }
        for other in [
            "256 PCMU/8000",
            "1000 PCMU/8000",
            "+0 PCMU/8000",
            " 0 PCMU/8000",
            "0  PCMU/8000",
            "0 pcmu/8000",
            "0 PCMU/8000 ",
            "0 PCMU/8000/1",
            "x PCMU/8000",
            " PCMU/8000",
            "0",
            "",
        ] {
            assert_eq!(common_rtpmap(other.as_bytes()), None, "{other:?}");
        }
    }

    #[test]
    fn well_known_names_are_borrowed() {
        let sdp = Sdp::parse(OFFER.as_bytes()).unwrap();
        let audio = &sdp.media[0];
        assert!(matches!(audio.kind, Cow::Borrowed("audio")));
        assert!(matches!(audio.proto, Cow::Borrowed("RTP/AVP")));
        for format in &audio.formats {
            assert!(
                matches!(format.encoding, Some(Cow::Borrowed(_))),
                "{format:?}"
            );
        }
        assert!(matches!(known_name("Opus", ENCODINGS), Cow::Owned(ref o) if o == "Opus"));
    }

    #[test]
    fn origin_address_keeps_a_dotted_quad_as_the_address_and_the_rest_as_text() {
        let cases = [
            (
                "192.0.2.7",
                OriginAddress::Ipv4(Ipv4Addr::new(192, 0, 2, 7)),
            ),
            ("0.0.0.0", OriginAddress::Ipv4(Ipv4Addr::UNSPECIFIED)),
            ("010.0.0.1", OriginAddress::Text("010.0.0.1".into())),
            ("2001:db8::1", OriginAddress::Text("2001:db8::1".into())),
            ("host.example", OriginAddress::Text("host.example".into())),
            ("1.2.3.256", OriginAddress::Text("1.2.3.256".into())),
        ];
        for (text, kept) in cases {
            let address = OriginAddress::new(text);
            assert_eq!(address, kept, "{text}");
            assert_eq!(address.text(), text);
            assert_eq!(address.to_string(), text);
        }
        for (body, expected) in [
            (&b"v=0\no=- 1 2 IN IP4 192.0.2.7\n"[..], Some("192.0.2.7")),
            (b"v=0\no=- 1 2 IN IP6 2001:db8::1\n", Some("2001:db8::1")),
            (
                b"v=0\no=- 1 2 IN IP4 host.example\t\n",
                Some("host.example"),
            ),
            (
                b"v=0\no=- 1 2 IN IP4 \xc3\xa9t\xc3\xa9\n",
                Some("\u{e9}t\u{e9}"),
            ),
            (b"v=0\no=- 1 2 IN IP4 -\n", None),
            (b"v=0\n", Some("0.0.0.0")),
        ] {
            let sdp = Sdp::parse(body).unwrap();
            let address = sdp.origin_address.as_ref().map(ToString::to_string);
            assert_eq!(address.as_deref(), expected, "{body:?}");
        }
    }

    #[test]
    fn connection_after_an_origin_reads_what_connection_reads() {
        let field = |text: &'static str| Field {
            bytes: text.as_bytes(),
            is_text: true,
        };
        let origins = [
            None,
            plain_origin_address(field("alice 1 2 IN IP4 10.0.3.1")),
            plain_origin_address(field("alice 1 2 IN IP4 host.example")),
        ];
        assert!(matches!(origins[1], Some(OriginSeen::Ipv4(..))));
        for value in [
            "IN IP4 10.0.3.1",
            "IN IP4 10.0.3.12",
            "IN IP4 10.0.3.1/127",
            "IN IP6 10.0.3.1",
            "IN IP4 host.example",
            "IN IP4 ",
            "IN",
        ] {
            for origin in origins {
                assert_eq!(
                    connection_after(origin, field(value)).map_err(|e| e.message(1, b"")),
                    connection(field(value)).map_err(|e| e.message(1, b"")),
                    "{value:?} after {origin:?}"
                );
            }
        }
    }

    #[test]
    fn plain_origin_and_connection() {
        let origin = |sdp: &Sdp| sdp.origin_address.as_ref().map(ToString::to_string);
        let sdp = Sdp::parse(b"v=0\no=alice 1 2 IN IP4 127.0.1.1\nc=IN IP4 10.0.0.1\n").unwrap();
        assert_eq!(origin(&sdp).as_deref(), Some("127.0.1.1"));
        assert_eq!(sdp.connection, Some("10.0.0.1".parse().unwrap()));
        let body = b"v=0\no=alice  1 2 IN IP4 127.0.1.1 \nc=IN IP4 010.0.0.1\n";
        let sdp = Sdp::parse(body).unwrap();
        assert_eq!(origin(&sdp).as_deref(), Some("127.0.1.1"));
        assert_eq!(sdp.connection, None);
    }

    #[test]
    fn plain_origin_agrees_with_the_general_reader() {
        let field = |text: &'static str| Field {
            bytes: text.as_bytes(),
            is_text: true,
        };
        for usual in [
            "alice 53655765 2353687637 IN IP4 10.0.3.1",
            "- 0 0 IN IP6 2001:db8::1",
            "a b +7 IN IP4 x",
            "a-long-user-name 1234567890123456 1234567890123456789 IN IP4 192.0.2.10",
            "u 1 2 IN IP4 010.0.0.1",
            "u 1 2 IN IP4 host.example",
        ] {
            let plain = plain_origin_address(field(usual));
            assert!(plain.is_some(), "{usual:?}");
            let general = general_origin_address(field(usual)).map_err(|_| ());
            let expected = general.map(|a| match dotted_quad(a.as_bytes()) {
                Some(ip) => OriginSeen::Ipv4(ip, a.as_bytes()),
                None => OriginSeen::Text(a.as_bytes()),
            });
            assert_eq!(plain.ok_or(()), expected, "{usual:?}");
        }
        for odd in [
            "alice 1 2 IN IP4 ",
            "alice 1 2 IN IP4",
            "alice  1 2 IN IP4 10.0.0.1",
            " 1 2 IN IP4 10.0.0.1",
            "alice 1 2 3 IN IP4 10.0.0.1",
            "alice 1 x IN IP4 10.0.0.1",
            "alice 1 2 in IP4 10.0.0.1",
            "alice 1 2 IN IP5 10.0.0.1",
            "alice 1 2 IN IP4  10.0.0.1",
            "alice 1 2  IN IP4 10.0.0.1",
            "alice 1 2 IN\tIP4 10.0.0.1",
            "1 2 IN IP4 10.0.0.1",
            "IN IP4 10.0.0.1",
            " IN IP4 1",
            "alice 1 2 IN IP4 10.0.0.1 x",
            "alice 1 12345678901234567890 IN IP4 10.0.0.1",
            "alice 1 + IN IP4 10.0.0.1",
            "alice 1 2",
            "alice",
            "",
        ] {
            assert_eq!(plain_origin_address(field(odd)), None, "{odd:?}");
        }
        assert_eq!(
            plain_origin_address(Field {
                bytes: b"a 1 2 IN IP4 10.0.0.1",
                is_text: false,
            }),
            None
        );
    }

    #[test]
    fn static_table() {
        assert_eq!(static_payload(0), Some(("PCMU", 8000, 1)));
        assert_eq!(static_payload(9), Some(("G722", 8000, 1)));
        assert_eq!(static_payload(18), Some(("G729", 8000, 1)));
        assert_eq!(static_payload(2), None);
        assert_eq!(static_payload(96), None);
    }
}
