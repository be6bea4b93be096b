//! Header names and header lines.

use super::Span;

/// The header names sipdiag reads. Every other name is [`HeaderName::Other`];
/// its wire spelling stays available through [`Header::name_span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderName {
    Via,
    From,
    To,
    CallId,
    CSeq,
    MaxForwards,
    Contact,
    ContentLength,
    ContentType,
    Require,
    ProxyRequire,
    Supported,
    Unsupported,
    Allow,
    Accept,
    AcceptEncoding,
    AcceptLanguage,
    SessionExpires,
    MinSE,
    Expires,
    MinExpires,
    RetryAfter,
    Warning,
    Reason,
    RSeq,
    RAck,
    WwwAuthenticate,
    ProxyAuthenticate,
    Authorization,
    ProxyAuthorization,
    Event,
    ReferTo,
    UserAgent,
    Server,
    RecordRoute,
    Route,
    Other,
}

impl HeaderName {
    /// Every variant, [`HeaderName::Other`] last.
    pub const ALL: [HeaderName; 37] = [
        HeaderName::Via,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
        HeaderName::MaxForwards,
        HeaderName::Contact,
        HeaderName::ContentLength,
        HeaderName::ContentType,
        HeaderName::Require,
        HeaderName::ProxyRequire,
        HeaderName::Supported,
        HeaderName::Unsupported,
        HeaderName::Allow,
        HeaderName::Accept,
        HeaderName::AcceptEncoding,
        HeaderName::AcceptLanguage,
        HeaderName::SessionExpires,
        HeaderName::MinSE,
        HeaderName::Expires,
        HeaderName::MinExpires,
        HeaderName::RetryAfter,
        HeaderName::Warning,
        HeaderName::Reason,
        HeaderName::RSeq,
        HeaderName::RAck,
        HeaderName::WwwAuthenticate,
        HeaderName::ProxyAuthenticate,
        HeaderName::Authorization,
        HeaderName::ProxyAuthorization,
        HeaderName::Event,
        HeaderName::ReferTo,
        HeaderName::UserAgent,
        HeaderName::Server,
        HeaderName::RecordRoute,
        HeaderName::Route,
        HeaderName::Other,
    ];

    /// The name of a header line, compared case-insensitively (RFC 3261 §7.3.1).
    /// Compact forms (RFC 3261 §7.3.3 and the RFCs that registered more) map to
    /// their full name: `i` Call-ID, `m` Contact, `v` Via, `f` From, `t` To,
    /// `l` Content-Length, `c` Content-Type, `k` Supported, `o` Event,
    /// `r` Refer-To, `x` Session-Expires. The compact forms of headers this
    /// enum does not name (`s` Subject, `e` Content-Encoding, `u` Allow-Events,
    /// `b` Referred-By, `y` Identity, `a` Accept-Contact, `j` Reject-Contact,
    /// `d` Request-Disposition, ...) are [`HeaderName::Other`].
    pub fn from_wire(name: &[u8]) -> HeaderName {
        use HeaderName as H;
        if let [c] = name {
            return match c.to_ascii_lowercase() {
                b'i' => H::CallId,
                b'm' => H::Contact,
                b'v' => H::Via,
                b'f' => H::From,
                b't' => H::To,
                b'l' => H::ContentLength,
                b'c' => H::ContentType,
                b'k' => H::Supported,
                b'o' => H::Event,
                b'r' => H::ReferTo,
                b'x' => H::SessionExpires,
                _ => H::Other,
            };
        }
        // Dispatch on (length, lower-cased first byte), then confirm with one
        // compare of the name's fingerprint (`Key`): two or three word
        // compares instead of a byte loop.
        let Some(&first) = name.first() else {
            return H::Other;
        };
        let candidate = match (name.len(), first | 0x20) {
            (3, b'v') => &KEYS.via,
            (4, b'f') => &KEYS.from,
            (2, b't') => &KEYS.to,
            (7, b'c') => {
                // Call-ID and Contact share length and first byte.
                if name.get(1).is_some_and(|&b| b | 0x20 == b'a') {
                    &KEYS.call_id
                } else {
                    &KEYS.contact
                }
            }
            (4, b'c') => &KEYS.cseq,
            (12, b'm') => &KEYS.max_forwards,
            (14, b'c') => &KEYS.content_length,
            (12, b'c') => &KEYS.content_type,
            (7, b'r') => &KEYS.require,
            (13, b'p') => &KEYS.proxy_require,
            (9, b's') => &KEYS.supported,
            (11, b'u') => &KEYS.unsupported,
            (5, b'a') => &KEYS.allow,
            (6, b'a') => &KEYS.accept,
            (15, b'a') => {
                // Accept-Encoding and Accept-Language differ from byte 7.
                if name.get(7).is_some_and(|&b| b | 0x20 == b'e') {
                    &KEYS.accept_encoding
                } else {
                    &KEYS.accept_language
                }
            }
            (15, b's') => &KEYS.session_expires,
            (6, b'm') => &KEYS.min_se,
            (7, b'e') => &KEYS.expires,
            (11, b'm') => &KEYS.min_expires,
            (11, b'r') => &KEYS.retry_after,
            (7, b'w') => &KEYS.warning,
            (6, b'r') => &KEYS.reason,
            (4, b'r') => {
                // RSeq and RAck differ at byte 1.
                if name.get(1).is_some_and(|&b| b | 0x20 == b's') {
                    &KEYS.rseq
                } else {
                    &KEYS.rack
                }
            }
            (16, b'w') => &KEYS.www_authenticate,
            (18, b'p') => &KEYS.proxy_authenticate,
            (13, b'a') => &KEYS.authorization,
            (19, b'p') => &KEYS.proxy_authorization,
            (5, b'e') => &KEYS.event,
            (8, b'r') => &KEYS.refer_to,
            (10, b'u') => &KEYS.user_agent,
            (6, b's') => &KEYS.server,
            (12, b'r') => &KEYS.record_route,
            (5, b'r') => &KEYS.route,
            _ => return H::Other,
        };
        if candidate.matches(name) {
            candidate.name
        } else {
            H::Other
        }
    }

    /// The header named by the first `len` bytes of a header line, given as
    /// the line's first two words (bytes 0..8 and 8..16, little-endian; 0
    /// for a word not read), when they are a known name spelled exactly as
    /// [`HeaderName::canonical`] writes it (or `Call-Id`). `None` for every
    /// other name, whether known in another case or not: read it with
    /// [`HeaderName::from_wire`].
    ///
    /// The scanner has both words in registers when it finds the colon:
    /// nearly every name is written the canonical way, and one compare of
    /// the two masked words replaces the byte-level reading. Inlined into
    /// both instances of the scanner's header loop.
    #[inline(always)]
    // The constants the match compares with are named as their variants.
    #[allow(non_upper_case_globals)]
    pub(crate) fn from_canonical_words(len: usize, words: [u64; 2]) -> Option<HeaderName> {
        /// The low `n` bytes of `word` (all of them from eight on).
        fn low_bytes(word: u64, n: usize) -> u64 {
            match n {
                0 => 0,
                1..=7 => word & (u64::MAX >> (64 - 8 * n)),
                _ => word,
            }
        }
        if len > 16 {
            return None;
        }
        let [first, second] = words;
        // The length is part of the key: a zero byte in the name must not
        // pass for the padding of a shorter spelling.
        let key = (
            len,
            low_bytes(first, len),
            low_bytes(second, len.saturating_sub(8)),
        );
        // One constant per name (named as its variant), and a match over them.
        macro_rules! by_spelling {
            ($($name:ident),* $(,)?) => {{
                $(
                    const $name: (usize, u64, u64) = spelled(HeaderName::$name.canonical());
                )*
                const CALL_ID_LOWER_D: (usize, u64, u64) = spelled("Call-Id");
                match key {
                    $( $name => Some(HeaderName::$name), )*
                    CALL_ID_LOWER_D => Some(HeaderName::CallId),
                    _ => None,
                }
            }};
        }
        // Every name of at most sixteen bytes (not Proxy-Authenticate and
        // Proxy-Authorization).
        by_spelling!(
            Via,
            From,
            To,
            CallId,
            CSeq,
            MaxForwards,
            Contact,
            ContentLength,
            ContentType,
            Require,
            ProxyRequire,
            Supported,
            Unsupported,
            Allow,
            Accept,
            AcceptEncoding,
            AcceptLanguage,
            SessionExpires,
            MinSE,
            Expires,
            MinExpires,
            RetryAfter,
            Warning,
            Reason,
            RSeq,
            RAck,
            WwwAuthenticate,
            Authorization,
            Event,
            ReferTo,
            UserAgent,
            Server,
            RecordRoute,
            Route,
        )
    }

    /// The RFC spelling of the name (`Call-ID`, `CSeq`, `WWW-Authenticate`,
    /// `Min-SE`). [`HeaderName::Other`] has no spelling of its own: it is
    /// `"(extension header)"`; read the wire name from [`Header::name_span`].
    pub const fn canonical(self) -> &'static str {
        use HeaderName as H;
        match self {
            H::Via => "Via",
            H::From => "From",
            H::To => "To",
            H::CallId => "Call-ID",
            H::CSeq => "CSeq",
            H::MaxForwards => "Max-Forwards",
            H::Contact => "Contact",
            H::ContentLength => "Content-Length",
            H::ContentType => "Content-Type",
            H::Require => "Require",
            H::ProxyRequire => "Proxy-Require",
            H::Supported => "Supported",
            H::Unsupported => "Unsupported",
            H::Allow => "Allow",
            H::Accept => "Accept",
            H::AcceptEncoding => "Accept-Encoding",
            H::AcceptLanguage => "Accept-Language",
            H::SessionExpires => "Session-Expires",
            H::MinSE => "Min-SE",
            H::Expires => "Expires",
            H::MinExpires => "Min-Expires",
            H::RetryAfter => "Retry-After",
            H::Warning => "Warning",
            H::Reason => "Reason",
            H::RSeq => "RSeq",
            H::RAck => "RAck",
            H::WwwAuthenticate => "WWW-Authenticate",
            H::ProxyAuthenticate => "Proxy-Authenticate",
            H::Authorization => "Authorization",
            H::ProxyAuthorization => "Proxy-Authorization",
            H::Event => "Event",
            H::ReferTo => "Refer-To",
            H::UserAgent => "User-Agent",
            H::Server => "Server",
            H::RecordRoute => "Record-Route",
            H::Route => "Route",
            H::Other => "(extension header)",
        }
    }

    /// A small index, unique per variant, below 64.
    pub(crate) const fn index(self) -> u32 {
        self as u32
    }
}

/// A spelling of at most sixteen bytes as [`HeaderName::from_canonical_words`]
/// compares it: its length, bytes 0..8 and 8..16 (little-endian, zero-padded).
const fn spelled(name: &str) -> (usize, u64, u64) {
    let bytes = name.as_bytes();
    assert!(!bytes.is_empty() && bytes.len() <= 16);
    let mut words = [0u64; 2];
    let mut i = 0;
    while i < bytes.len() {
        words[i / 8] |= (bytes[i] as u64) << (8 * (i % 8));
        i += 1;
    }
    (bytes.len(), words[0], words[1])
}

/// Up to 24 bytes of a name folded into three words: the first and the last
/// eight bytes (four or two for shorter names, overlapping when the name is
/// short) and bytes 8..16 when the name is longer than 16. Two names of the
/// same length are equal exactly when their fingerprints are.
const fn fingerprint(name: &[u8]) -> [u64; 3] {
    const fn word(name: &[u8], at: usize, width: usize) -> u64 {
        let mut w = 0u64;
        let mut i = 0;
        while i < width {
            w |= (name[at + i] as u64) << (8 * i);
            i += 1;
        }
        w
    }
    let n = name.len();
    if n < 2 || n > 24 {
        return [0; 3];
    }
    let width = if n >= 8 {
        8
    } else if n >= 4 {
        4
    } else {
        2
    };
    let mid = if n > 16 { word(name, 8, 8) } else { 0 };
    [word(name, 0, width), word(name, n - width, width), mid]
}

/// [`fingerprint`] at run time, with fixed-size loads.
fn fingerprint_wire(name: &[u8]) -> [u64; 3] {
    fn le<const N: usize>(bytes: Option<&[u8; N]>) -> u64 {
        let mut w = [0u8; 8];
        if let (Some(bytes), Some(dst)) = (bytes, w.get_mut(..N)) {
            dst.copy_from_slice(bytes);
        }
        u64::from_le_bytes(w)
    }
    match name.len() {
        2..=3 => [le::<2>(name.first_chunk()), le::<2>(name.last_chunk()), 0],
        4..=7 => [le::<4>(name.first_chunk()), le::<4>(name.last_chunk()), 0],
        8..=16 => [le::<8>(name.first_chunk()), le::<8>(name.last_chunk()), 0],
        17..=24 => [
            le::<8>(name.first_chunk()),
            le::<8>(name.last_chunk()),
            le::<8>(name.get(8..).and_then(|r| r.first_chunk())),
        ],
        _ => [0; 3],
    }
}

/// A full header name to recognise in any case: the fingerprint of its
/// lower-case spelling and a mask with 0x20 on the letters, so that
/// `wire | mask == lower` accepts either case of a letter and exactly the
/// same byte elsewhere (a CR does not pass for `-`, as `0x0d | 0x20` would).
struct Key {
    name: HeaderName,
    len: usize,
    lower: [u64; 3],
    mask: [u64; 3],
}

impl Key {
    const fn new(name: HeaderName, spelling: &str) -> Key {
        let bytes = spelling.as_bytes();
        let n = bytes.len();
        let mut lower = [0u8; 24];
        let mut mask = [0u8; 24];
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            lower[i] = b.to_ascii_lowercase();
            if b.is_ascii_alphabetic() {
                mask[i] = 0x20;
            }
            i += 1;
        }
        let (lower, _) = lower.split_at(n);
        let (mask, _) = mask.split_at(n);
        Key {
            name,
            len: n,
            lower: fingerprint(lower),
            mask: fingerprint(mask),
        }
    }

    /// Is `wire` this name, in any case? The caller has checked the length.
    fn matches(&self, wire: &[u8]) -> bool {
        let w = fingerprint_wire(wire);
        wire.len() == self.len
            && (w[0] | self.mask[0]) == self.lower[0]
            && (w[1] | self.mask[1]) == self.lower[1]
            && (w[2] | self.mask[2]) == self.lower[2]
    }
}

/// One [`Key`] per full name, built at compile time.
struct Keys {
    via: Key,
    from: Key,
    to: Key,
    call_id: Key,
    cseq: Key,
    max_forwards: Key,
    contact: Key,
    content_length: Key,
    content_type: Key,
    require: Key,
    proxy_require: Key,
    supported: Key,
    unsupported: Key,
    allow: Key,
    accept: Key,
    accept_encoding: Key,
    accept_language: Key,
    session_expires: Key,
    min_se: Key,
    expires: Key,
    min_expires: Key,
    retry_after: Key,
    warning: Key,
    reason: Key,
    rseq: Key,
    rack: Key,
    www_authenticate: Key,
    proxy_authenticate: Key,
    authorization: Key,
    proxy_authorization: Key,
    event: Key,
    refer_to: Key,
    user_agent: Key,
    server: Key,
    record_route: Key,
    route: Key,
}

const fn key(name: HeaderName) -> Key {
    Key::new(name, name.canonical())
}

static KEYS: Keys = Keys {
    via: key(HeaderName::Via),
    from: key(HeaderName::From),
    to: key(HeaderName::To),
    call_id: key(HeaderName::CallId),
    cseq: key(HeaderName::CSeq),
    max_forwards: key(HeaderName::MaxForwards),
    contact: key(HeaderName::Contact),
    content_length: key(HeaderName::ContentLength),
    content_type: key(HeaderName::ContentType),
    require: key(HeaderName::Require),
    proxy_require: key(HeaderName::ProxyRequire),
    supported: key(HeaderName::Supported),
    unsupported: key(HeaderName::Unsupported),
    allow: key(HeaderName::Allow),
    accept: key(HeaderName::Accept),
    accept_encoding: key(HeaderName::AcceptEncoding),
    accept_language: key(HeaderName::AcceptLanguage),
    session_expires: key(HeaderName::SessionExpires),
    min_se: key(HeaderName::MinSE),
    expires: key(HeaderName::Expires),
    min_expires: key(HeaderName::MinExpires),
    retry_after: key(HeaderName::RetryAfter),
    warning: key(HeaderName::Warning),
    reason: key(HeaderName::Reason),
    rseq: key(HeaderName::RSeq),
    rack: key(HeaderName::RAck),
    www_authenticate: key(HeaderName::WwwAuthenticate),
    proxy_authenticate: key(HeaderName::ProxyAuthenticate),
    authorization: key(HeaderName::Authorization),
    proxy_authorization: key(HeaderName::ProxyAuthorization),
    event: key(HeaderName::Event),
    refer_to: key(HeaderName::ReferTo),
    user_agent: key(HeaderName::UserAgent),
    server: key(HeaderName::Server),
    record_route: key(HeaderName::RecordRoute),
    route: key(HeaderName::Route),
};

impl std::fmt::Display for HeaderName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.canonical())
    }
}

/// One header line (with its folded continuation lines) of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub name: HeaderName,
    /// The name as written, without surrounding whitespace.
    pub name_span: Span,
    /// The value without leading and trailing whitespace. When the header was
    /// folded, the span covers the continuation lines, line ends included; use
    /// [`super::Message::header_value`] to read it with the folds joined.
    pub value_span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first two words of `line` as the scanner reads them: a word only
    /// when all eight of its bytes are there, else 0.
    fn words_of(line: &[u8]) -> [u64; 2] {
        let mut words = [0u64; 2];
        for (word, chunk) in words.iter_mut().zip(line.chunks(8)) {
            if let Ok(chunk) = <[u8; 8]>::try_from(chunk) {
                *word = u64::from_le_bytes(chunk);
            }
        }
        words
    }

    /// `from_canonical_words` of the name at the start of `line`.
    fn canonical_of(line: &[u8]) -> Option<HeaderName> {
        let len = line.iter().position(|&b| b == b':').unwrap_or(line.len());
        HeaderName::from_canonical_words(len, words_of(line))
    }

    #[test]
    fn canonical_words_take_exact_spellings() {
        for h in &HeaderName::ALL[..HeaderName::ALL.len() - 1] {
            let c = h.canonical();
            for tail in ["", ":", ": x", ":SIP/2.0/UDP host:5060;branch=z9hG4bK"] {
                let line = format!("{c}{tail}");
                let expected = (c.len() <= 16 && line.len() >= 8).then_some(*h);
                // Names shorter than a word are read only with the bytes after
                // them (the scanner has fewer than eight bytes left otherwise).
                if c.len() < 8 && line.len() < 8 {
                    assert_eq!(canonical_of(line.as_bytes()), None, "{line:?}");
                } else if c.len() <= 16 && line.len() >= c.len().div_ceil(8) * 8 {
                    assert_eq!(canonical_of(line.as_bytes()), expected, "{line:?}");
                } else {
                    assert_eq!(canonical_of(line.as_bytes()), None, "{line:?}");
                }
            }
        }
        assert_eq!(canonical_of(b"Call-Id: a@b"), Some(HeaderName::CallId));
        assert_eq!(
            canonical_of(b"Content-Length: 0"),
            Some(HeaderName::ContentLength)
        );
        assert_eq!(
            canonical_of(b"Content-Type: application/sdp"),
            Some(HeaderName::ContentType)
        );
        assert_eq!(
            canonical_of(b"Refer-To: <sip:a>"),
            Some(HeaderName::ReferTo)
        );
        // Other cases, compact forms, trailing whitespace and unknown or
        // longer names are left to `from_wire`.
        for line in [
            &b"VIA: SIP/2.0/UDP h"[..],
            b"via: SIP/2.0/UDP h",
            b"v: SIP/2.0/UDP h",
            b"Via : SIP/2.0/UDP h",
            b"Subject: hello there",
            b"Content-Lengths: 0",
            b"Content-Lengt: 0",
            b"Proxy-Authorization: Digest x",
            b"Proxy-Authenticate: Digest x",
            b": no name at all",
            b"To\0: zero byte in the name",
        ] {
            assert_eq!(canonical_of(line), None, "{line:?}");
        }
    }

    /// Whatever `from_canonical_words` recognises, `from_wire` reads the same:
    /// every one-byte change, deletion and insertion in canonical lines.
    #[test]
    fn canonical_words_agree_with_from_wire() {
        for h in &HeaderName::ALL[..HeaderName::ALL.len() - 1] {
            let line = format!("{}: value of some length", h.canonical()).into_bytes();
            let mut variants = vec![line.clone()];
            for i in 0..line.len().min(20) {
                for b in [b'a', b'A', b'-', b' ', b':', 0u8, 0x80] {
                    let mut v = line.clone();
                    v[i] = b;
                    variants.push(v);
                    let mut v = line.clone();
                    v.insert(i, b);
                    variants.push(v);
                }
                let mut v = line.clone();
                v.remove(i);
                variants.push(v);
            }
            for v in variants {
                let len = v.iter().position(|&b| b == b':').unwrap_or(v.len());
                if let Some(name) = HeaderName::from_canonical_words(len, words_of(&v)) {
                    assert_eq!(HeaderName::from_wire(&v[..len]), name, "{v:?}");
                }
            }
        }
    }

    #[test]
    fn full_names_any_case() {
        for h in &HeaderName::ALL[..HeaderName::ALL.len() - 1] {
            let c = h.canonical();
            assert_eq!(HeaderName::from_wire(c.as_bytes()), *h, "{c}");
            assert_eq!(HeaderName::from_wire(c.to_ascii_lowercase().as_bytes()), *h);
            assert_eq!(HeaderName::from_wire(c.to_ascii_uppercase().as_bytes()), *h);
        }
        assert_eq!(HeaderName::from_wire(b"call-id"), HeaderName::CallId);
        assert_eq!(HeaderName::from_wire(b"CSEQ"), HeaderName::CSeq);
        assert_eq!(
            HeaderName::from_wire(b"www-authenticate"),
            HeaderName::WwwAuthenticate
        );
        assert_eq!(HeaderName::from_wire(b"min-se"), HeaderName::MinSE);
        assert_eq!(HeaderName::from_wire(b"X-Custom"), HeaderName::Other);
        assert_eq!(HeaderName::from_wire(b"Subject"), HeaderName::Other);
        assert_eq!(HeaderName::from_wire(b""), HeaderName::Other);
        assert_eq!(HeaderName::from_wire(b"Via "), HeaderName::Other);
    }

    #[test]
    fn names_with_odd_bytes_are_other() {
        // A CR must not pass for `-` (0x0d | 0x20 == 0x2d).
        assert_eq!(HeaderName::from_wire(b"Call\rID"), HeaderName::Other);
        assert_eq!(HeaderName::from_wire(b"CALL-ID"), HeaderName::CallId);
        assert_eq!(HeaderName::from_wire(b"Call-\xc9D"), HeaderName::Other);
    }

    #[test]
    fn every_byte_at_every_position() {
        // A full name with one byte replaced is the name whose spelling it
        // equals case-insensitively (itself, or `RSeq` from `CSeq`), if any.
        let full = &HeaderName::ALL[..HeaderName::ALL.len() - 1];
        for h in full {
            let canonical = h.canonical().as_bytes();
            for at in 0..canonical.len() {
                for b in 0..=255u8 {
                    let mut wire = canonical.to_vec();
                    wire[at] = b;
                    let expected = full
                        .iter()
                        .find(|n| n.canonical().as_bytes().eq_ignore_ascii_case(&wire))
                        .copied()
                        .unwrap_or(HeaderName::Other);
                    assert_eq!(HeaderName::from_wire(&wire), expected, "{wire:?}");
                }
            }
        }
    }

    #[test]
    fn fingerprints_at_compile_and_run_time_agree() {
        for name in [
            &b"ab"[..],
            b"abc",
            b"abcd",
            b"abcdefg",
            b"abcdefgh",
            b"0123456789abcdefghij",
        ] {
            assert_eq!(fingerprint(name), fingerprint_wire(name), "{name:?}");
        }
        assert_eq!(fingerprint_wire(b"To"), [0x6f54, 0x6f54, 0]);
        assert_eq!(fingerprint_wire(b"a"), [0; 3]);
        assert_eq!(fingerprint_wire(&[b'x'; 25]), [0; 3]);
    }

    #[test]
    fn compact_names() {
        let cases: [(&[u8], HeaderName); 22] = [
            (b"i", HeaderName::CallId),
            (b"m", HeaderName::Contact),
            (b"v", HeaderName::Via),
            (b"V", HeaderName::Via),
            (b"f", HeaderName::From),
            (b"t", HeaderName::To),
            (b"l", HeaderName::ContentLength),
            (b"c", HeaderName::ContentType),
            (b"k", HeaderName::Supported),
            (b"o", HeaderName::Event),
            (b"r", HeaderName::ReferTo),
            (b"x", HeaderName::SessionExpires),
            (b"s", HeaderName::Other),
            (b"e", HeaderName::Other),
            (b"u", HeaderName::Other),
            (b"b", HeaderName::Other),
            (b"y", HeaderName::Other),
            (b"a", HeaderName::Other),
            (b"j", HeaderName::Other),
            (b"d", HeaderName::Other),
            (b"n", HeaderName::Other),
            (b"\xff", HeaderName::Other),
        ];
        for (wire, name) in cases {
            assert_eq!(HeaderName::from_wire(wire), name, "{wire:?}");
        }
    }

    #[test]
    fn canonical_spellings() {
        assert_eq!(HeaderName::CallId.canonical(), "Call-ID");
        assert_eq!(HeaderName::CSeq.to_string(), "CSeq");
        assert_eq!(HeaderName::WwwAuthenticate.canonical(), "WWW-Authenticate");
        assert_eq!(HeaderName::MinSE.canonical(), "Min-SE");
        assert_eq!(HeaderName::RAck.canonical(), "RAck");
        let mut seen = std::collections::HashSet::new();
        for h in HeaderName::ALL {
            assert!(h.index() < 64);
            assert!(seen.insert(h.index()));
        }
    }
}
