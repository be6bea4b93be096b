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
        // Dispatch on (length, first byte, last byte), unique over the full
        // names, then confirm with one case-insensitive compare.
        let (Some(&first), Some(&last)) = (name.first(), name.last()) else {
            return H::Other;
        };
        let candidate = match (
            name.len(),
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase(),
        ) {
            (3, b'v', b'a') => H::Via,
            (4, b'f', b'm') => H::From,
            (2, b't', b'o') => H::To,
            (7, b'c', b'd') => H::CallId,
            (4, b'c', b'q') => H::CSeq,
            (12, b'm', b's') => H::MaxForwards,
            (7, b'c', b't') => H::Contact,
            (14, b'c', b'h') => H::ContentLength,
            (12, b'c', b'e') => H::ContentType,
            (7, b'r', b'e') => H::Require,
            (13, b'p', b'e') => H::ProxyRequire,
            (9, b's', b'd') => H::Supported,
            (11, b'u', b'd') => H::Unsupported,
            (5, b'a', b'w') => H::Allow,
            (6, b'a', b't') => H::Accept,
            (15, b'a', b'g') => H::AcceptEncoding,
            (15, b'a', b'e') => H::AcceptLanguage,
            (15, b's', b's') => H::SessionExpires,
            (6, b'm', b'e') => H::MinSE,
            (7, b'e', b's') => H::Expires,
            (11, b'm', b's') => H::MinExpires,
            (11, b'r', b'r') => H::RetryAfter,
            (7, b'w', b'g') => H::Warning,
            (6, b'r', b'n') => H::Reason,
            (4, b'r', b'q') => H::RSeq,
            (4, b'r', b'k') => H::RAck,
            (16, b'w', b'e') => H::WwwAuthenticate,
            (18, b'p', b'e') => H::ProxyAuthenticate,
            (13, b'a', b'n') => H::Authorization,
            (19, b'p', b'n') => H::ProxyAuthorization,
            (5, b'e', b't') => H::Event,
            (8, b'r', b'o') => H::ReferTo,
            (10, b'u', b't') => H::UserAgent,
            (6, b's', b'r') => H::Server,
            (12, b'r', b'e') => H::RecordRoute,
            (5, b'r', b'e') => H::Route,
            _ => return H::Other,
        };
        if candidate.canonical().as_bytes().eq_ignore_ascii_case(name) {
            candidate
        } else {
            H::Other
        }
    }

    /// The RFC spelling of the name (`Call-ID`, `CSeq`, `WWW-Authenticate`,
    /// `Min-SE`). [`HeaderName::Other`] has no spelling of its own: it is
    /// `"(extension header)"`; read the wire name from [`Header::name_span`].
    pub fn canonical(self) -> &'static str {
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
    pub(crate) fn index(self) -> u32 {
        self as u32
    }
}

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
