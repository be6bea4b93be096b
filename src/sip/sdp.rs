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

use std::net::IpAddr;

use super::message::find_lf;

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
    fn from_attribute(name: &str) -> Option<Direction> {
        [
            Direction::SendRecv,
            Direction::SendOnly,
            Direction::RecvOnly,
            Direction::Inactive,
        ]
        .into_iter()
        .find(|d| name.eq_ignore_ascii_case(d.as_str()))
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
    pub origin_address: Option<String>,
    /// The session-level `c=` address (a TTL or count suffix dropped); `None`
    /// when absent or not an IP address.
    pub connection: Option<IpAddr>,
    /// The session-level direction attribute, only when one is present.
    pub direction: Option<Direction>,
    pub media: Vec<Media>,
    /// 1-based numbers of the body lines skipped as not `x=value`.
    pub skipped_lines: Vec<usize>,
}

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, `image`, ...
    pub kind: String,
    /// 0 means the stream is rejected or disabled (RFC 3264 §6).
    pub port: u16,
    /// `RTP/AVP`, `RTP/SAVP`, `udptl`, ...
    pub proto: String,
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
    /// the format itself when it is not numeric (`t38`).
    pub encoding: Option<String>,
    pub clock_rate: Option<u32>,
    pub channels: Option<u8>,
}

impl Format {
    /// `PCMU/8000`, `opus/48000/2`, `t38`, or `pt 96` when nothing describes it.
    pub fn name(&self) -> String {
        match (&self.encoding, self.clock_rate, self.channels) {
            (Some(enc), Some(clock), Some(ch)) if ch > 1 => format!("{enc}/{clock}/{ch}"),
            (Some(enc), Some(clock), _) => format!("{enc}/{clock}"),
            (Some(enc), None, _) => enc.clone(),
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
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b) && self.clock_rate == other.clock_rate,
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
#[derive(Debug)]
enum Fault {
    NoVersion,
    Version(Vec<u8>),
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
    /// from 1, skipped ones not counted).
    fn message(&self, n: usize) -> String {
        match self {
            Fault::NoVersion => "no version line".to_string(),
            Fault::Version(v) => {
                format!(
                    "invalid version at line {n}: {}",
                    String::from_utf8_lossy(v)
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

/// Fields separated by runs of spaces (tabs belong to the field).
fn spaced(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b' ').filter(|f| !f.is_empty())
}

fn utf8<'a>(field: &'a [u8], name: &'static str) -> Result<&'a str, Fault> {
    std::str::from_utf8(field).map_err(|_| Fault::Encoding(name))
}

fn next_str<'a>(
    fields: &mut impl Iterator<Item = &'a [u8]>,
    name: &'static str,
) -> Result<&'a str, Fault> {
    utf8(fields.next().ok_or(Fault::Missing(name))?, name)
}

fn next_u64<'a>(
    fields: &mut impl Iterator<Item = &'a [u8]>,
    name: &'static str,
) -> Result<u64, Fault> {
    next_str(fields, name)?
        .parse()
        .map_err(|_| Fault::Format(name))
}

/// A `token` of RFC 8866 §9 (`nettype`, `addrtype`).
fn next_token<'a>(
    fields: &mut impl Iterator<Item = &'a [u8]>,
    name: &'static str,
) -> Result<(), Fault> {
    let field = fields.next().ok_or(Fault::Missing(name))?;
    let is_token = !field.is_empty() && field.iter().all(|b| {
        matches!(
            b,
            0x21 | 0x23..=0x27 | 0x2a..=0x2b | 0x2d..=0x2e | 0x30..=0x39 | 0x41..=0x5a | 0x5e..=0x7e
        )
    });
    if is_token {
        Ok(())
    } else {
        Err(Fault::Format(name))
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`:
/// the address.
fn origin_address(value: &[u8]) -> Result<&str, Fault> {
    let mut fields = spaced(value);
    next_str(&mut fields, "Origin username")?;
    next_str(&mut fields, "Origin sess-id")?;
    next_u64(&mut fields, "Origin sess-version")?;
    next_token(&mut fields, "Origin nettype")?;
    next_token(&mut fields, "Origin addrtype")?;
    let address = next_str(&mut fields, "Origin unicast-address")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Origin"));
    }
    Ok(address)
}

/// `c=<nettype> <addrtype> <connection-address>`: the address without a
/// `/ttl` or `/count` suffix, `None` when it is not an IP address.
fn connection(value: &[u8]) -> Result<Option<IpAddr>, Fault> {
    let mut fields = spaced(value);
    next_token(&mut fields, "Connection nettype")?;
    next_token(&mut fields, "Connection addrtype")?;
    let address = next_str(&mut fields, "Connection connection-address")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Connection"));
    }
    Ok(address
        .split('/')
        .next()
        .and_then(|a| a.trim().parse().ok()))
}

/// `b=<bwtype>:<bandwidth>`.
fn check_bandwidth(value: &[u8]) -> Result<(), Fault> {
    let mut fields = value.split(|&b| b == b':');
    next_str(&mut fields, "Bandwidth bwtype")?;
    next_u64(&mut fields, "Bandwidth bandwidth")?;
    if fields.next().is_some() {
        return Err(Fault::Trailing("Bandwidth"));
    }
    Ok(())
}

/// `t=<start-time> <stop-time>`.
fn check_time(value: &[u8]) -> Result<(), Fault> {
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
fn typed_time(field: &[u8], name: &'static str) -> Result<u64, Fault> {
    let (&last, prefix) = field.split_last().ok_or(Fault::Format(name))?;
    let (number, factor) = match last {
        b'd' => (prefix, 86_400),
        b'h' => (prefix, 3_600),
        b'm' => (prefix, 60),
        b's' => (prefix, 1),
        _ => (field, 1),
    };
    utf8(number, name)?
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or(Fault::Format(name))
}

/// `r=<repeat interval> <active duration> <offsets from start-time>`.
fn check_repeat(value: &[u8]) -> Result<(), Fault> {
    let mut fields = spaced(value);
    for name in ["Repeat repeat-interval", "Repeat active-duration"] {
        typed_time(fields.next().ok_or(Fault::Missing(name))?, name)?;
    }
    for offset in fields {
        typed_time(offset, "Repeat offset")?;
    }
    Ok(())
}

/// `z=<adjustment time> <offset> <adjustment time> <offset> ...`; offsets
/// must fit in an `i64`.
fn check_time_zones(value: &[u8]) -> Result<(), Fault> {
    const OFFSET: &str = "TimeZone offset";
    let mut fields = spaced(value);
    while let Some(adjustment) = fields.next() {
        utf8(adjustment, "TimeZone adjustment-time")?
            .parse::<u64>()
            .map_err(|_| Fault::Format("TimeZone adjustment-time"))?;
        let offset = fields.next().ok_or(Fault::Missing(OFFSET))?;
        let (negative, magnitude) = match offset.split_first() {
            Some((b'-', rest)) => (true, rest),
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

/// `<name>:<value>` or `<name>` (`a=` and `k=` lines).
fn name_value<'a>(
    value: &'a [u8],
    name_field: &'static str,
    value_field: &'static str,
) -> Result<(&'a str, Option<&'a str>), Fault> {
    let mut parts = value.splitn(2, |&b| b == b':');
    let name = next_str(&mut parts, name_field)?;
    let value = parts.next().map(|v| utf8(v, value_field)).transpose()?;
    Ok((name, value))
}

/// The fields of an `m=` line that [`Media`] keeps.
struct MediaLine<'a> {
    kind: &'a str,
    port: u16,
    proto: &'a str,
    /// The formats as written, separated by whitespace.
    fmt: &'a str,
}

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`; single spaces
/// between the first four fields.
fn media_line(value: &[u8]) -> Result<MediaLine<'_>, Fault> {
    let mut fields = value.splitn(4, |&b| b == b' ');
    let kind = next_str(&mut fields, "Media name")?;
    let port = utf8(
        fields.next().ok_or(Fault::Missing("Media port"))?,
        "Media Port",
    )?;
    let (port, ports) = match port.split_once('/') {
        Some((port, ports)) => (port, Some(ports)),
        None => (port, None),
    };
    let port = port.parse().map_err(|_| Fault::Format("Media port"))?;
    if let Some(ports) = ports {
        ports
            .parse::<u16>()
            .map_err(|_| Fault::Format("Media num-ports"))?;
    }
    let proto = next_str(&mut fields, "Media proto")?;
    let fmt = next_str(&mut fields, "Media fmt")?;
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
    let (pt, rest) = value.trim().split_once(|c: char| c.is_ascii_whitespace())?;
    let pt = pt.parse().ok()?;
    let mut parts = rest.trim().split('/');
    let encoding = parts.next()?.trim();
    if encoding.is_empty() {
        return None;
    }
    let clock = parts.next().and_then(|c| c.trim().parse().ok());
    let channels = parts.next().and_then(|c| c.trim().parse().ok());
    Some((pt, encoding, clock, channels))
}

/// The formats of an `m=` line, each described by the first `a=rtpmap` for
/// its payload type, else by the static table.
fn formats_of(fmt: &str, is_audio: bool, rtpmaps: &[Rtpmap<'_>]) -> Vec<Format> {
    fmt.split_ascii_whitespace()
        .map(|fmt| {
            let Ok(pt) = fmt.parse::<u8>() else {
                return Format {
                    pt: None,
                    encoding: Some(fmt.to_string()),
                    clock_rate: None,
                    channels: None,
                };
            };
            if let Some(&(_, enc, clock, channels)) = rtpmaps.iter().find(|r| r.0 == pt) {
                return Format {
                    pt: Some(pt),
                    encoding: Some(enc.to_string()),
                    clock_rate: clock,
                    channels: channels.or(is_audio.then_some(1)),
                };
            }
            match static_payload(pt) {
                Some((enc, clock, channels)) => Format {
                    pt: Some(pt),
                    encoding: Some(enc.to_string()),
                    clock_rate: Some(clock),
                    channels: (channels > 0).then_some(channels),
                },
                None => Format {
                    pt: Some(pt),
                    encoding: None,
                    clock_rate: None,
                    channels: None,
                },
            }
        })
        .collect()
}

/// The media section being read.
struct Section<'a> {
    line: MediaLine<'a>,
    /// The first `c=` of the section (`Some(None)`: present, not an IP address).
    connection: Option<Option<IpAddr>>,
    direction: Option<Direction>,
    has_title: bool,
    has_key: bool,
}

/// What the lines read so far have set. The rules are those of `sdp-types`:
/// `v=0` first; `o=`, `s=`, `i=`, `u=`, `c=`, `z=` and `k=` at most once per
/// session (`i=` and `k=` also once per media section); `r=` after a `t=`;
/// every field the grammar types must parse; unknown line types are ignored.
#[derive(Default)]
struct Reader<'a> {
    has_version: bool,
    origin_address: Option<&'a str>,
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
    section: Option<Section<'a>>,
    /// The `a=rtpmap` values of the current section.
    rtpmaps: Vec<Rtpmap<'a>>,
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
    fn line(&mut self, key: u8, value: &'a [u8]) -> Result<(), Fault> {
        if !self.has_version {
            if key != b'v' {
                return Err(Fault::NoVersion);
            }
            if value != b"0" {
                return Err(Fault::Version(value.to_vec()));
            }
            self.has_version = true;
            return Ok(());
        }
        if key == b'm' {
            let line = media_line(value)?;
            self.end_section();
            self.section = Some(Section {
                line,
                connection: None,
                direction: None,
                has_title: false,
                has_key: false,
            });
            return Ok(());
        }
        match &mut self.section {
            Some(section) => match key {
                b'i' => {
                    once(&mut section.has_title, "media titles")?;
                    utf8(value, "Media Title")?;
                }
                b'c' => {
                    let ip = connection(value)?;
                    section.connection.get_or_insert(ip);
                }
                b'b' => check_bandwidth(value)?,
                b'k' => {
                    once(&mut section.has_key, "keys")?;
                    name_value(value, "Key method", "Key encryption-key")?;
                }
                b'a' => {
                    let (name, value) = name_value(value, "Attribute name", "Attribute value")?;
                    if section.direction.is_none() {
                        section.direction = Direction::from_attribute(name);
                    }
                    if name.eq_ignore_ascii_case("rtpmap")
                        && let Some(rtpmap) = value.and_then(parse_rtpmap)
                    {
                        self.rtpmaps.push(rtpmap);
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
                    utf8(value, "Session Name")?;
                }
                b'i' => {
                    once(&mut self.has_info, "session-information")?;
                    utf8(value, "Session Description")?;
                }
                b'u' => {
                    once(&mut self.has_uri, "URIs")?;
                    utf8(value, "Uri")?;
                }
                b'e' => {
                    utf8(value, "E-Mail")?;
                }
                b'p' => {
                    utf8(value, "Phone")?;
                }
                b'c' => {
                    once(&mut self.has_connection, "connections")?;
                    self.connection = connection(value)?;
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
                        self.direction = Direction::from_attribute(name);
                    }
                }
                _ => {}
            },
        }
        Ok(())
    }

    /// Closes the current media section, if any.
    fn end_section(&mut self) {
        let Some(section) = self.section.take() else {
            return;
        };
        let MediaLine {
            kind,
            port,
            proto,
            fmt,
        } = section.line;
        let is_audio = kind.eq_ignore_ascii_case("audio");
        self.media.push(Media {
            kind: kind.to_string(),
            port,
            proto: proto.to_string(),
            formats: formats_of(fmt, is_audio, &self.rtpmaps),
            connection: section.connection.flatten(),
            direction: section.direction,
        });
        self.rtpmaps.clear();
    }

    fn finish(mut self, skipped_lines: Vec<usize>) -> Sdp {
        self.end_section();
        // Without an `o=` line, sdp-types filled in `0.0.0.0`.
        let origin_address = match self.origin_address {
            Some(address) => Some(address.trim())
                .filter(|a| !a.is_empty() && *a != "-")
                .map(str::to_string),
            None => Some("0.0.0.0".to_string()),
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

impl Sdp {
    /// Parses an SDP body leniently (see the module docs).
    pub fn parse(body: &[u8]) -> Result<Sdp, SdpError> {
        let mut reader = Reader::default();
        let mut skipped_lines = Vec::new();
        let mut kept = 0;
        // Lines are found eight bytes at a time (`find_lf`), not byte by byte.
        let mut start = 0;
        let lines = std::iter::from_fn(|| {
            let rest = body.get(start..)?;
            let end = find_lf(body, start).unwrap_or(body.len());
            let line = rest.get(..end - start)?;
            start = end + 1;
            Some(line)
        });
        for (i, line) in lines.enumerate() {
            let line = line.trim_ascii_end();
            match line {
                [] => {}
                [key, b'=', value @ ..]
                    if key.is_ascii_alphabetic()
                        && !value.iter().any(|&b| b == b'\r' || b == 0) =>
                {
                    kept += 1;
                    reader
                        .line(*key, value)
                        .map_err(|fault| SdpError::Malformed {
                            detail: fault.message(kept),
                        })?;
                }
                _ => skipped_lines.push(i + 1),
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
            encoding: enc.map(str::to_string),
            clock_rate: clock,
            channels: ch,
        }
    }

    #[test]
    fn parses_offer() {
        let sdp = Sdp::parse(OFFER.as_bytes()).unwrap();
        assert_eq!(sdp.origin_address.as_deref(), Some("198.51.100.1"));
        assert_eq!(sdp.connection, Some("198.51.100.1".parse().unwrap()));
        assert_eq!(sdp.direction, None);
        assert!(sdp.skipped_lines.is_empty());
        assert_eq!(sdp.media.len(), 2);
        let audio = &sdp.media[0];
        assert_eq!(
            (audio.kind.as_str(), audio.port, audio.proto.as_str()),
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
    fn static_table() {
        assert_eq!(static_payload(0), Some(("PCMU", 8000, 1)));
        assert_eq!(static_payload(9), Some(("G722", 8000, 1)));
        assert_eq!(static_payload(18), Some(("G729", 8000, 1)));
        assert_eq!(static_payload(2), None);
        assert_eq!(static_payload(96), None);
    }
}
