//! A typed view of SDP bodies (RFC 8866, offer/answer per RFC 3264): what the
//! diagnosis compares between an offer and an answer. Parsing is done by the
//! `sdp-types` crate after a cleaning pass that makes it accept what SIP peers
//! send: trailing whitespace is trimmed from every line, and lines that are not
//! `x=value` are skipped and their numbers recorded in [`Sdp::skipped_lines`].

use std::net::IpAddr;

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

    fn from_attribute(name: &str) -> Option<Direction> {
        match name.to_ascii_lowercase().as_str() {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        }
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

/// The address of a `c=` line without a `/ttl` or `/count` suffix.
fn connection_ip(c: &sdp_types::Connection) -> Option<IpAddr> {
    c.connection_address.split('/').next()?.trim().parse().ok()
}

fn direction_of(attributes: &[sdp_types::Attribute]) -> Option<Direction> {
    attributes
        .iter()
        .find_map(|a| Direction::from_attribute(&a.attribute))
}

/// `96 opus/48000/2` → (96, "opus", 48000, Some(2)).
fn parse_rtpmap(value: &str) -> Option<(u8, &str, Option<u32>, Option<u8>)> {
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

fn formats_of(m: &sdp_types::Media) -> Vec<Format> {
    let rtpmaps: Vec<_> = m
        .attributes
        .iter()
        .filter(|a| a.attribute.eq_ignore_ascii_case("rtpmap"))
        .filter_map(|a| a.value.as_deref().and_then(parse_rtpmap))
        .collect();
    let is_audio = m.media.eq_ignore_ascii_case("audio");
    m.fmt
        .split_ascii_whitespace()
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

impl Sdp {
    /// Parses an SDP body leniently (see the module docs).
    pub fn parse(body: &[u8]) -> Result<Sdp, SdpError> {
        let mut cleaned = Vec::with_capacity(body.len() + 16);
        let mut skipped_lines = Vec::new();
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            let line = line.trim_ascii_end();
            if line.is_empty() {
                continue;
            }
            let keyed = line.get(1) == Some(&b'=')
                && line.first().is_some_and(u8::is_ascii_alphabetic)
                && !line.iter().any(|&b| b == b'\r' || b == 0);
            if !keyed {
                skipped_lines.push(i + 1);
                continue;
            }
            cleaned.extend_from_slice(line);
            cleaned.extend_from_slice(b"\r\n");
        }
        if cleaned.is_empty() {
            return Err(SdpError::Empty);
        }
        let session = sdp_types::Session::parse(&cleaned).map_err(|e| {
            let detail = e.to_string();
            let mut chars = detail.chars();
            let detail = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => detail,
            };
            SdpError::Malformed { detail }
        })?;
        let origin_address = Some(session.origin.unicast_address.trim())
            .filter(|a| !a.is_empty() && *a != "-")
            .map(str::to_string);
        let media = session
            .medias
            .iter()
            .map(|m| Media {
                kind: m.media.clone(),
                port: m.port,
                proto: m.proto.clone(),
                formats: formats_of(m),
                connection: m.connections.first().and_then(connection_ip),
                direction: direction_of(&m.attributes),
            })
            .collect();
        Ok(Sdp {
            origin_address,
            connection: session.connection.as_ref().and_then(connection_ip),
            direction: direction_of(&session.attributes),
            media,
            skipped_lines,
        })
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
