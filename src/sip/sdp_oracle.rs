//! The SDP reader as it was before [`super::sdp`] read bodies itself: a
//! cleaning pass, then the `sdp-types` crate. Kept as a test oracle: on every
//! body the two must give the same [`Sdp`] or the same [`SdpError`].

use std::net::IpAddr;

use super::sdp::{Direction, Format, Media, Sdp, SdpError, static_payload};

fn direction_from_attribute(name: &str) -> Option<Direction> {
    match name.to_ascii_lowercase().as_str() {
        "sendrecv" => Some(Direction::SendRecv),
        "sendonly" => Some(Direction::SendOnly),
        "recvonly" => Some(Direction::RecvOnly),
        "inactive" => Some(Direction::Inactive),
        _ => None,
    }
}

/// The address of a `c=` line without a `/ttl` or `/count` suffix.
fn connection_ip(c: &sdp_types::Connection) -> Option<IpAddr> {
    c.connection_address.split('/').next()?.trim().parse().ok()
}

fn direction_of(attributes: &[sdp_types::Attribute]) -> Option<Direction> {
    attributes
        .iter()
        .find_map(|a| direction_from_attribute(&a.attribute))
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
                    encoding: Some(fmt.to_string().into()),
                    clock_rate: None,
                    channels: None,
                };
            };
            if let Some(&(_, enc, clock, channels)) = rtpmaps.iter().find(|r| r.0 == pt) {
                return Format {
                    pt: Some(pt),
                    encoding: Some(enc.to_string().into()),
                    clock_rate: clock,
                    channels: channels.or(is_audio.then_some(1)),
                };
            }
            match static_payload(pt) {
                Some((enc, clock, channels)) => Format {
                    pt: Some(pt),
                    encoding: Some(enc.to_string().into()),
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

/// The `Sdp` of `body` as `sdp-types` reads it after the cleaning pass.
pub(super) fn parse(body: &[u8]) -> Result<Sdp, SdpError> {
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
        .map(super::sdp::OriginAddress::new);
    let media = session
        .medias
        .iter()
        .map(|m| Media {
            kind: m.media.clone().into(),
            port: m.port,
            proto: m.proto.clone().into(),
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

#[cfg(test)]
mod tests {

    use super::super::{Message, Sdp};
    use super::parse as oracle;

    /// Both readers agree on `body`.
    fn agree(body: &[u8]) {
        assert_eq!(
            Sdp::parse(body),
            oracle(body),
            "body: {:?}",
            String::from_utf8_lossy(body)
        );
    }

    /// The SDP bodies of every message in `fixtures/` (UDP payloads and
    /// single TCP segments), and whatever follows a blank line in any other
    /// payload.
    fn fixture_bodies() -> Vec<Vec<u8>> {
        use crate::capture::{FileSource, FrameSource};
        use crate::decode::{Decoded, decode};
        let mut bodies = Vec::new();
        for path in crate::test_fixtures::captures() {
            let Ok(mut source) = FileSource::open(&path) else {
                continue;
            };
            while let Ok(Some(frame)) = source.next_frame() {
                let Ok(Decoded::Packet(p)) = decode(&frame) else {
                    continue;
                };
                if let Some(body) = Message::parse(p.payload).and_then(|m| {
                    let body = m.sdp_body()?.to_vec();
                    Some(body)
                }) {
                    bodies.push(body);
                } else if let Some(at) = p.payload.windows(4).position(|w| w == b"\r\n\r\n") {
                    bodies.push(p.payload.get(at + 4..).unwrap_or_default().to_vec());
                }
            }
        }
        bodies.sort();
        bodies.dedup();
        bodies
    }

    /// Bodies that exercise every line type and every error of the reader.
    const EDGE: &[&[u8]] = &[
        b"",
        b"\r\n \r\n",
        b"garbage\r\nmore garbage",
        b"v=0",
        b"v=0\r\n",
        b"v=0\n",
        b"v=1\r\n",
        b"v=00\r\n",
        b"v=0 \r\n",
        b"v=\r\n",
        b"v=\xff\r\n",
        b"o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n",
        b"x\r\nv=0\r\ns=-\r\n",
        b"v=0\r\nv=0\r\n",
        b"v=0\r\no=- 1 1 IN IP4 1.2.3.4   \r\n",
        b"v=0\no=- 1 1 IN IP4 1.2.3.4\no=- 1 1 IN IP4 1.2.3.4\n",
        b"v=0\no=-  1  1  IN  IP4  1.2.3.4\n",
        b"v=0\no=- 1 +1 IN IP4 1.2.3.4\n",
        b"v=0\no=- 1 x IN IP4 1.2.3.4\n",
        b"v=0\no=- 1 1 I<N IP4 1.2.3.4\n",
        b"v=0\no=- 1 1 IN IP4/x 1.2.3.4\n",
        b"v=0\no=- 1 1 IN IP4\n",
        b"v=0\no=- 1 1 IN IP4 1.2.3.4 extra\n",
        b"v=0\no=- 1 1 IN IP4 -\n",
        b"v=0\no=- 1 1 IN IP4 \xc2\xa0\n",
        b"v=0\no=\xff 1 1 IN IP4 1.2.3.4\n",
        b"v=0\no=a\t1 1 1 IN IP4 1.2.3.4\n",
        b"v=0\no=\n",
        b"v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::2\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
        b"v=0\ns=a\ns=b\n",
        b"v=0\ns=\xff\n",
        b"v=0\ni=a\ni=b\n",
        b"v=0\ni=\xc3\n",
        b"v=0\nu=a\nu=b\n",
        b"v=0\nu=\xff\n",
        b"v=0\ne=a\ne=b\np=1\np=\xff\n",
        b"v=0\ne=\xff\n",
        b"v=0\nc=IN IP4 224.2.1.1/127/3\n",
        b"v=0\nc=IN IP4 224.2.1.1/127\nc=IN IP4 1.2.3.4\n",
        b"v=0\nc=IN IP4 host.example\nm=audio 1 RTP/AVP 0\n",
        b"v=0\nc=IN IP4\n",
        b"v=0\nc=IN IP4 1.2.3.4 x\n",
        b"v=0\nc=IN:X IP4 1.2.3.4\n",
        b"v=0\nc=IN IP4 \xff\n",
        b"v=0\nc=IN IP4 1.2.3.4\t\n",
        b"v=0\nc=IN IP4 1.2.3.4\t/5\n",
        b"v=0\nb=AS:64\nb=CT:1:2\n",
        b"v=0\nb=AS\n",
        b"v=0\nb=AS:x\n",
        b"v=0\nb=\n",
        b"v=0\nb=:5\n",
        b"v=0\nt=0 0\nt=1 2\n",
        b"v=0\nt=0\n",
        b"v=0\nt=0 0 0\n",
        b"v=0\nt=a 0\n",
        b"v=0\nr=7d 1h 0\n",
        b"v=0\nt=0 0\nr=7d 1h 0 25h\n",
        b"v=0\nt=0 0\nr=7d\n",
        b"v=0\nt=0 0\nr=\n",
        b"v=0\nt=0 0\nr=7x 1h\n",
        b"v=0\nt=0 0\nr=d 1h\n",
        b"v=0\nt=0 0\nr=99999999999999999999d 1h\n",
        b"v=0\nt=0 0\nr=999999999999999999d 1h\n",
        b"v=0\nt=0 0\nr=1 1 \xff\n",
        b"v=0\nz=2882844526 -1h 2898848070 0\n",
        b"v=0\nz=1 -1h\nz=1 1\n",
        b"v=0\nz=1\n",
        b"v=0\nz=1 -\n",
        b"v=0\nz=x 1\n",
        b"v=0\nz=\xff 1\n",
        b"v=0\nz=1 9223372036854775807\n",
        b"v=0\nz=1 9223372036854775808\n",
        b"v=0\nz=1 -9223372036854775808\n",
        b"v=0\nz=1 -9223372036854775809\n",
        b"v=0\nz=\n",
        b"v=0\nk=clear:1234\nk=prompt\n",
        b"v=0\nk=\xff\n",
        b"v=0\nk=a:\xff\n",
        b"v=0\na=\n",
        b"v=0\na=:\n",
        b"v=0\na=\xff:x\n",
        b"v=0\na=x:\xff\n",
        b"v=0\na=SENDONLY\na=recvonly\n",
        b"v=0\na=sendonly:x\nm=audio 1 RTP/AVP 0\na=inactive\n",
        b"v=0\na=sendrecv \n",
        b"v=0\nm=audio 49170 RTP/AVP 0 8 96\na=rtpmap:96 opus/48000/2\na=rtpmap:96 speex/8000\n",
        b"v=0\nm=audio 49170 RTP/AVP 96 96\na=rtpmap:96 L16/16000/2\n",
        b"v=0\nm=audio 49170 RTP/AVP 97\na=rtpmap:97\na=rtpmap: 97 x/1\na=rtpmap:97  \xe2\x80\x83y/8000 \n",
        b"v=0\nm=audio 49170 RTP/AVP 97\na=RTPMAP:97 Z/8000/300\na=rtpmap :97 x/1\n",
        b"v=0\nm=video 1 RTP/AVP +31 031 256 -1 x\na=rtpmap:31 a/\n",
        b"v=0\nm=audio 1/2 RTP/AVP 0\n",
        b"v=0\nm=audio 1/x RTP/AVP 0\n",
        b"v=0\nm=audio 1/ RTP/AVP 0\n",
        b"v=0\nm=audio 70000 RTP/AVP 0\n",
        b"v=0\nm=audio +1 RTP/AVP 0\n",
        b"v=0\nm=audio  1 RTP/AVP 0\n",
        b"v=0\nm=audio 1 RTP/AVP\n",
        b"v=0\nm=audio 1\n",
        b"v=0\nm=audio\n",
        b"v=0\nm=\n",
        b"v=0\nm=\xff 1 RTP/AVP 0\n",
        b"v=0\nm=audio \xff RTP/AVP 0\n",
        b"v=0\nm=audio 1 \xff 0\n",
        b"v=0\nm=audio 1 RTP/AVP \xff\n",
        b"v=0\nm=audio 1 RTP/AVP 0\t8  18\n",
        b"v=0\nm=image 0 udptl t38\na=T38FaxVersion:0\n",
        b"v=0\nm=audio 1 RTP/AVP 0\ni=a\ni=b\n",
        b"v=0\nm=audio 1 RTP/AVP 0\ni=\xff\n",
        b"v=0\nm=audio 1 RTP/AVP 0\nk=a\nk=b\n",
        b"v=0\nm=audio 1 RTP/AVP 0\nc=IN IP4 x\nc=IN IP4 1.2.3.4\n",
        b"v=0\nm=audio 1 RTP/AVP 0\nc=IN IP4 1.2.3.4\nc=IN IP4 x y\n",
        b"v=0\nm=audio 1 RTP/AVP 0\nb=AS:x\n",
        b"v=0\nm=audio 1 RTP/AVP 0\no=garbage\ns=\xff\nt=x\nr=x\nz=x\ne=\xff\nu=a\nu=b\n",
        b"v=0\nm=audio 1 RTP/AVP 0\nm=video 2 RTP/AVP 31\nc=IN IP6 ::1\na=recvonly\n",
        b"v=0\r\nx=\xff\r\ny=anything\r\n",
        b"v=0\r\nno equals\r\n==\r\n1=2\r\nab=c\r\na=b\rc\r\na=b\0c\r\n",
        b"v=0\r\n\r\n\r\ns=-\r\n  \r\n\tm=audio 1 RTP/AVP 0\r\n",
        b"v=0\x0b\ns=\x0c\n",
        b"V=0\n",
    ];

    #[test]
    fn agrees_on_edge_bodies() {
        for body in EDGE {
            agree(body);
        }
    }

    #[test]
    fn agrees_on_every_fixture_body() {
        let bodies = fixture_bodies();
        let sdp = bodies.iter().filter(|b| Sdp::parse(b).is_ok()).count();
        assert!(sdp >= 20, "only {sdp} SDP bodies in fixtures/");
        for body in &bodies {
            agree(body);
        }
    }

    /// Random edits of real and edge bodies: the readers agree on every
    /// variant, accepted or not.
    #[test]
    fn agrees_on_mutated_bodies() {
        const BYTES: &[u8] = b" \t\r\n=:/-+0123456789amcovzrktbispeu\0\xff\xc3";
        let mut seeds = fixture_bodies();
        seeds.retain(|b| Sdp::parse(b).is_ok());
        seeds.truncate(40);
        seeds.extend(EDGE.iter().map(|b| b.to_vec()));
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound.max(1) as u64) as usize
        };
        for round in 0..20_000 {
            let mut body = seeds[round % seeds.len()].clone();
            for _ in 0..1 + next(4) {
                let at = next(body.len() + 1);
                let byte = BYTES[next(BYTES.len())];
                match next(5) {
                    0 => body.insert(at, byte),
                    1 if at < body.len() => {
                        body.remove(at);
                    }
                    2 if at < body.len() => body[at] = byte,
                    3 => {
                        // Repeat a line: duplicates of once-only lines.
                        let end = body[at..]
                            .iter()
                            .position(|&b| b == b'\n')
                            .map_or(body.len(), |p| at + p + 1);
                        let line = body[at..end].to_vec();
                        body.splice(at..at, line);
                    }
                    _ => body.truncate(at),
                }
            }
            agree(&body);
        }
    }
}
