//! Small lexical helpers for header values: splitting lists and parameters
//! outside quoted strings, angle brackets and comments (RFC 3261 §25.1), and
//! unquoting quoted strings.

/// Splits `s` at every `sep` byte that is not inside a quoted string, a
/// `<...>` URI or a `(...)` comment. Pieces are not trimmed.
pub(crate) fn split_top(s: &str, sep: u8) -> SplitTop<'_> {
    SplitTop {
        s,
        pos: 0,
        done: false,
        sep,
    }
}

pub(crate) struct SplitTop<'a> {
    s: &'a str,
    pos: usize,
    done: bool,
    sep: u8,
}

impl<'a> Iterator for SplitTop<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let bytes = self.s.as_bytes();
        let start = self.pos;
        // From one special byte to the next with word-at-a-time searches: a
        // quoted string, URI or comment is skipped by searching for the byte
        // that ends it, not walked byte by byte (the values that hold them,
        // digest challenges and credentials, name-addrs, are mostly quoted
        // text). [`split_top_reference`] is the same split as a state
        // machine, kept for the tests.
        let mut i = start;
        let mut after_skip = false;
        loop {
            // A quoted string or URI is mostly followed by the separator
            // (`realm="x",`, `<sip:a@b>;`): look at that byte before
            // searching.
            if !(after_skip && bytes.get(i) == Some(&self.sep)) {
                i = find_first_from(bytes, i, [self.sep, b'"', b'<', b'(']);
            }
            after_skip = true;
            match bytes.get(i) {
                None => break,
                Some(&b) if b == self.sep => {
                    self.pos = i + 1;
                    return self.s.get(start..i);
                }
                Some(b'"') => i = skip_quoted(bytes, i + 1),
                Some(b'<') => i = find_first_from(bytes, i + 1, [b'>']) + 1,
                _ => i = skip_comment(bytes, i + 1),
            }
        }
        self.done = true;
        self.s.get(start..)
    }
}

/// The position after the `"` that closes a quoted string whose text starts
/// at `from` (`\` escapes the next byte), or past the end.
fn skip_quoted(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    loop {
        i = find_first_from(bytes, i, [b'"', b'\\']);
        match bytes.get(i) {
            None => return i,
            Some(b'"') => return i + 1,
            _ => i += 2,
        }
    }
}

/// The position after the `)` that closes a comment whose text starts at
/// `from` (comments nest; `\` escapes the next byte), or past the end.
fn skip_comment(bytes: &[u8], from: usize) -> usize {
    let mut depth = 1u32;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// [`split_top`] as the byte-by-byte state machine it replaces: the
/// reference the faster split is checked against.
#[cfg(test)]
fn split_top_reference(s: &str, sep: u8) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut in_quote = false;
    let mut in_angle = false;
    let mut comment_depth = 0u32;
    while let Some(&b) = bytes.get(i) {
        if in_quote {
            match b {
                b'\\' => i += 1,
                b'"' => in_quote = false,
                _ => {}
            }
        } else if comment_depth > 0 {
            match b {
                b'\\' => i += 1,
                b'(' => comment_depth += 1,
                b')' => comment_depth -= 1,
                _ => {}
            }
        } else if in_angle {
            if b == b'>' {
                in_angle = false;
            }
        } else if b == sep {
            out.push(&s[start..i]);
            start = i + 1;
        } else {
            match b {
                b'"' => in_quote = true,
                b'<' => in_angle = true,
                b'(' => comment_depth = 1,
                _ => {}
            }
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// [`find_first`] from `from` on: the position of the first byte at or
/// after `from` that is one of `needles`, or `bytes.len()` (also when
/// `from` is past the end).
pub(crate) fn find_first_from<const N: usize>(
    bytes: &[u8],
    from: usize,
    needles: [u8; N],
) -> usize {
    let Some(rest) = bytes.get(from..) else {
        return bytes.len();
    };
    // A short rest of a longer text (the tail of a header value after a
    // quoted string): the text's last eight bytes, shifted so that the
    // bytes before `from` drop out, instead of a byte-by-byte search.
    if (1..8).contains(&rest.len())
        && let Some(last) = bytes.last_chunk::<8>()
    {
        let skipped = 8 - rest.len();
        let word = u64::from_le_bytes(*last) >> (8 * skipped);
        let in_rest = (1u64 << (8 * rest.len())) - 1;
        let hits = needles.iter().fold(0, |acc, &n| acc | match_mask(word, n)) & in_rest;
        return match hits {
            0 => bytes.len(),
            hits => from + (hits.trailing_zeros() / 8) as usize,
        };
    }
    from + find_first(rest, needles)
}

/// Bytes equal to `b` in `word` get their high bit set, others not, as long as
/// no earlier byte matched (the usual SWAR zero-byte test: exact for the first
/// match, which is all callers look at).
pub(crate) fn match_mask(word: u64, b: u8) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// The position of the first byte of `bytes` that is one of `needles`, or
/// `bytes.len()`, eight bytes at a time ([`match_mask`]), with the last
/// partial word read as the last eight bytes (overlapping bytes already
/// searched) instead of byte by byte, which costs most on the short texts
/// of header values.
pub(crate) fn find_first<const N: usize>(bytes: &[u8], needles: [u8; N]) -> usize {
    let hits_in = |at: usize| {
        let mut word = [0u8; 8];
        if let Some(chunk) = bytes.get(at..at + 8) {
            word.copy_from_slice(chunk);
        }
        let word = u64::from_le_bytes(word);
        needles.iter().fold(0, |acc, &n| acc | match_mask(word, n))
    };
    if bytes.len() < 8 {
        return bytes
            .iter()
            .position(|b| needles.contains(b))
            .unwrap_or(bytes.len());
    }
    let mut base = 0;
    while base + 8 <= bytes.len() {
        let hits = hits_in(base);
        if hits != 0 {
            // The lowest flagged byte is the first match (little-endian).
            return base + (hits.trailing_zeros() / 8) as usize;
        }
        base += 8;
    }
    if base == bytes.len() {
        return base;
    }
    // No match before `base`: the first in the last eight bytes is the first.
    let last = bytes.len() - 8;
    match hits_in(last) {
        0 => bytes.len(),
        hits => last + (hits.trailing_zeros() / 8) as usize,
    }
}

/// Whitespace as `char::is_whitespace` sees it, in the ASCII range.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `s.trim()`, cheaper on the short ASCII texts headers hold: the generic
/// `trim` goes through the `char` pattern machinery for every call. Falls
/// back to it when a non-ASCII character ends the trimmed text (it may be
/// Unicode whitespace).
pub(crate) fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    // Most texts given here are already trimmed: two byte tests.
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last())
        && first.is_ascii_graphic()
        && last.is_ascii_graphic()
    {
        return s;
    }
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_space(b))
        .map_or(start, |p| p + 1);
    let non_ascii_end = |i: usize| bytes.get(i).is_some_and(|b| !b.is_ascii());
    if non_ascii_end(start) || (end > start && non_ascii_end(end - 1)) {
        return s.trim();
    }
    s.get(start..end).unwrap_or_default()
}

/// `s.trim_start()`, with the fast path of [`trim`].
pub(crate) fn trim_start(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_graphic) {
        return s;
    }
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(bytes.len());
    if bytes.get(start).is_some_and(|b| !b.is_ascii()) {
        return s.trim_start();
    }
    s.get(start..).unwrap_or_default()
}

/// The position of the first `needle` byte (an ASCII byte, so a character
/// boundary): a plain loop, cheaper than `str::find` on short texts.
pub(crate) fn find_byte(s: &str, needle: u8) -> Option<usize> {
    s.bytes().position(|b| b == needle)
}

/// `s.split_once(needle)` for an ASCII `needle`, with [`find_byte`].
pub(crate) fn split_once_byte(s: &str, needle: u8) -> Option<(&str, &str)> {
    let at = find_byte(s, needle)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// The position of the first `needle` byte outside quoted strings.
pub(crate) fn find_unquoted(s: &str, needle: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut in_quote = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_quote {
            match b {
                b'\\' => i += 1,
                b'"' => in_quote = false,
                _ => {}
            }
        } else if b == needle {
            return Some(i);
        } else if b == b'"' {
            in_quote = true;
        }
        i += 1;
    }
    None
}

/// One parameter of a digest challenge or credentials read in one pass, for
/// the shape nearly all of them have: `name="text"` or `name=token`, spaces
/// or tabs around the name, the `=` and the value, then a `,` or the end.
/// The name and value are those [`split_top`] on `,` and [`param_raw`] give,
/// the quoted text as [`unquote`] would return it (it holds no `\`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DigestParam<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// Where the next parameter starts (after the `,`), `None` at the end.
    pub(crate) next: Option<usize>,
}

/// Bytes of a name or unquoted value that [`split_top`] passes over as
/// plain text: printable ASCII but the separator, quote, bracket, comment
/// and `=`.
const fn plain_param_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b',' | b'"' | b'<' | b'(' | b'=');
        b += 1;
    }
    table
}
static PLAIN_PARAM: [bool; 256] = plain_param_bytes();

/// The parameter of `s` that starts at `from` when it has the plain shape of
/// [`DigestParam`]; `None` otherwise (a flag, an escape, a bracket, other
/// whitespace...), and the caller splits the rest with [`split_top`]. The
/// split stays the same since `from` is at the start or after a top-level
/// `,`. A word-at-a-time search finds the end of a quoted value, which is
/// not searched again to unquote it.
pub(crate) fn digest_param_at(s: &str, from: usize) -> Option<DigestParam<'_>> {
    let bytes = s.as_bytes();
    let blank = |mut i: usize| {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let plain = |mut i: usize| {
        while bytes.get(i).is_some_and(|&b| PLAIN_PARAM[usize::from(b)]) {
            i += 1;
        }
        i
    };
    let name_start = blank(from);
    let name_end = plain(name_start);
    if name_end == name_start {
        return None;
    }
    let mut i = blank(name_end);
    if bytes.get(i) != Some(&b'=') {
        return None;
    }
    i = blank(i + 1);
    let value = if bytes.get(i) == Some(&b'"') {
        let close = find_first_from(bytes, i + 1, [b'"', b'\\']);
        if bytes.get(close) != Some(&b'"') {
            return None;
        }
        let value = s.get(i + 1..close)?;
        i = close + 1;
        value
    } else {
        let end = plain(i);
        let value = s.get(i..end)?;
        i = end;
        value
    };
    i = blank(i);
    let next = match bytes.get(i) {
        None => None,
        Some(b',') => Some(i + 1),
        Some(_) => return None,
    };
    Some(DigestParam {
        name: s.get(name_start..name_end)?,
        value,
        next,
    })
}

/// A parameter `name[=value]`: the name trimmed, the value trimmed and, when
/// quoted, unquoted.
pub(crate) fn param(p: &str) -> (&str, Option<String>) {
    match p.split_once('=') {
        Some((name, value)) => (name.trim(), Some(unquote(value.trim()))),
        None => (p.trim(), None),
    }
}

/// A parameter `name[=value]` as written: the name and the value trimmed,
/// the value still quoted ([`param`] without the allocation, for callers that
/// look at the name first).
pub(crate) fn param_raw(p: &str) -> (&str, Option<&str>) {
    match split_once_byte(p, b'=') {
        Some((name, value)) => (trim(name), Some(trim(value))),
        None => (trim(p), None),
    }
}

/// The value of parameter `name` (case-insensitive) among `;`-separated
/// parameters; `Some(None)` for a flag without a value.
pub(crate) fn find_param<'a, I>(params: I, name: &str) -> Option<Option<String>>
where
    I: IntoIterator<Item = &'a str>,
{
    params.into_iter().find_map(|p| {
        let (n, v) = param_raw(p);
        n.eq_ignore_ascii_case(name).then(|| v.map(unquote))
    })
}

/// `s` without its surrounding double quotes and with `\x` escapes resolved;
/// `s` itself (trimmed) when it does not start with a quote. An unterminated
/// quoted string runs to the end.
pub(crate) fn unquote(s: &str) -> String {
    let s = trim(s);
    let Some(inner) = s.strip_prefix('"') else {
        return s.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '"' => break,
            c => out.push(c),
        }
    }
    out
}

/// A delta-seconds value (RFC 3261 §25.1): decimal digits; values beyond
/// `u32::MAX` saturate, as RFC 3261 §20.19 asks for Expires.
pub(crate) fn delta_seconds(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u32, |acc, d| {
        acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    }))
}

/// The leading run of ASCII digits of `s` (after whitespace) and the rest.
pub(crate) fn leading_digits(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    (
        s.get(..end).unwrap_or_default(),
        s.get(end..).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_quotes_angles_comments() {
        let v: Vec<&str> =
            split_top(r#""Doe, \"J\"; x" <sip:a@b;lr,x>;tag=1, <sip:c@d>"#, b',').collect();
        assert_eq!(
            v,
            vec![r#""Doe, \"J\"; x" <sip:a@b;lr,x>;tag=1"#, " <sip:c@d>"]
        );
        let v: Vec<&str> = split_top("120 (a; (b, c));duration=60", b';').collect();
        assert_eq!(v, vec!["120 (a; (b, c))", "duration=60"]);
        let v: Vec<&str> = split_top("", b',').collect();
        assert_eq!(v, vec![""]);
        let v: Vec<&str> = split_top("a,", b',').collect();
        assert_eq!(v, vec!["a", ""]);
        // An escape at the very end must not run past the input.
        let v: Vec<&str> = split_top("\"abc\\", b',').collect();
        assert_eq!(v, vec!["\"abc\\"]);
    }

    #[test]
    fn split_top_agrees_with_the_state_machine() {
        // Every one-byte insertion and deletion of the special bytes into
        // values of each shape: unterminated quotes, escapes at the end,
        // nested and unclosed comments, separators inside each context.
        let bases = [
            r#"Digest realm="sipdiag.test", nonce="4f9a1c02b7e8d5a3", algorithm=MD5, qop="auth""#,
            r#"Digest username="alice",realm="sip\"diag",uri="sip:a@b;x=1,y",nc=00000001"#,
            r#""Doe, \"J\"; x" <sip:a@b;lr,x>;tag=1, <sip:c@d>"#,
            "120 (a; (b, c));duration=60",
            "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK-1;rport, SIP/2.0/TCP h;received=1.2.3.4",
            "",
        ];
        let specials = [',', ';', '"', '\\', '<', '>', '(', ')', 'é'];
        for base in bases {
            let mut cases = vec![base.to_string()];
            for (at, _) in base.char_indices().chain([(base.len(), ' ')]) {
                for c in specials {
                    let mut m = base.to_string();
                    m.insert(at, c);
                    cases.push(m);
                }
                if at < base.len() {
                    let mut m = base.to_string();
                    m.remove(at);
                    cases.push(m);
                }
            }
            for case in &cases {
                for sep in [b',', b';'] {
                    let fast: Vec<&str> = split_top(case, sep).collect();
                    assert_eq!(fast, split_top_reference(case, sep), "{case:?} {sep}");
                }
            }
        }
    }

    #[test]
    fn digest_param_at_reads_plain_params() {
        let s = r#" realm="sipdiag.test", nc=00000001 ,qop=auth"#;
        let p = |name, value, next| Some(DigestParam { name, value, next });
        assert_eq!(digest_param_at(s, 0), p("realm", "sipdiag.test", Some(22)));
        assert_eq!(digest_param_at(s, 22), p("nc", "00000001", Some(36)));
        assert_eq!(digest_param_at(s, 36), p("qop", "auth", None));
        assert_eq!(digest_param_at("a = \"\" ", 0), p("a", "", None));
        assert_eq!(digest_param_at("a=,b=c", 0), p("a", "", Some(3)));
        // Shapes left to the general split.
        for case in [
            "",
            " ",
            "stale",
            "=x",
            r#"n="a\"b""#,
            r#"n="open"#,
            "n=<sip:a>",
            "n=(c)",
            r#"n="a"b"#,
            "n=a b",
            "n\r\n=a",
        ] {
            assert_eq!(digest_param_at(case, 0), None, "{case:?}");
        }
    }

    #[test]
    fn find_first_from_every_position() {
        let needles = [b',', b'"', b'<', b'('];
        for len in 0..20 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if let Some(b) = bytes.get_mut(at) {
                    *b = b'<';
                }
                for from in 0..=len + 1 {
                    let expected = if from <= at && at < len { at } else { len };
                    assert_eq!(
                        find_first_from(&bytes, from, needles),
                        expected,
                        "{len} {at} {from}"
                    );
                }
            }
        }
        // Matches before `from` are not seen, nor do they flag the bytes
        // after them (`-` is `,` + 1, what a borrow out of a match flags).
        for len in 0..20 {
            for first in 0..len {
                for second in first..len {
                    let mut bytes = vec![b'-'; len];
                    bytes[first] = b',';
                    bytes[second] = b',';
                    for from in 0..=len {
                        let expected = [first, second]
                            .into_iter()
                            .find(|&p| p >= from)
                            .unwrap_or(len);
                        assert_eq!(
                            find_first_from(&bytes, from, needles),
                            expected,
                            "{len} {first} {second} {from}"
                        );
                    }
                }
            }
        }
        // The first of several matches, bytes with the high bit set around.
        assert_eq!(find_first_from(b"\xff\xfe(\x80,\xff\"<", 0, needles), 2);
        assert_eq!(find_first_from(b"abcdefgh\x81\x80\x00,", 0, needles), 11);
        assert_eq!(find_first_from("é€,".as_bytes(), 0, needles), 5);
    }

    #[test]
    fn find_first_every_position() {
        // One and two matches at every pair of positions, lengths around
        // the word size and its multiples (the overlapping last word).
        for len in 0..26 {
            for at in 0..=len {
                for second in at..=len {
                    let mut bytes = vec![b'a'; len];
                    for p in [second, at] {
                        if let Some(b) = bytes.get_mut(p) {
                            *b = b'>';
                        }
                    }
                    let expected = at.min(len);
                    assert_eq!(find_first(&bytes, [b'>']), expected, "{len} {at} {second}");
                    assert_eq!(
                        find_first(&bytes, [b'"', b'>']),
                        expected,
                        "{len} {at} {second}"
                    );
                }
            }
        }
        assert_eq!(find_first(br#"Alice" <sip:a@b>"#, [b'"', b'\\']), 5);
        assert_eq!(find_first(br#"Al\"ice" <sip:a@b>"#, [b'"', b'\\']), 2);
        assert_eq!(find_first(b"\xff\x80\xbe\x3e;tag=1\x80\xff", [b';']), 4);
        assert_eq!(
            find_first(b"\xff\x80\xbe\x3e\xbb\xff\xff\xff\xff;", [b';']),
            9
        );
        assert_eq!(find_first(b"", [b';']), 0);
    }

    #[test]
    fn trims_like_std() {
        let cases = [
            "",
            " ",
            "a",
            " a ",
            "\t\x0b\x0ca b\r\n",
            "\u{a0}x\u{2003}",
            " \u{85}x\u{85} ",
            "é ",
            " é",
            "\u{3000}",
            "x\u{3000}",
            "a\u{1680}",
            "\x1fa\x1f",
        ];
        for s in cases {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
        }
        assert_eq!(split_once_byte("a=b=c", b'='), Some(("a", "b=c")));
        assert_eq!(split_once_byte("é=", b'='), Some(("é", "")));
        assert_eq!(split_once_byte("abc", b'='), None);
        assert_eq!(find_byte("a]b", b']'), Some(1));
    }

    #[test]
    fn unquote_and_params() {
        assert_eq!(unquote(r#""User \"busy\"" "#), r#"User "busy""#);
        assert_eq!(unquote("token"), "token");
        assert_eq!(unquote("\"open"), "open");
        assert_eq!(param(" text = \"a=b\" "), ("text", Some("a=b".to_string())));
        assert_eq!(param("lr"), ("lr", None));
        assert_eq!(param_raw(" text = \"a=b\" "), ("text", Some("\"a=b\"")));
        assert_eq!(param_raw(" lr "), ("lr", None));
        assert_eq!(
            find_param(["branch=z9", "RPORT"], "rport"),
            Some(None::<String>)
        );
        assert_eq!(find_param(["branch=z9"], "received"), None);
        assert_eq!(find_unquoted(r#""a<b" <sip:x>"#, b'<'), Some(6));
    }

    #[test]
    fn numbers() {
        assert_eq!(delta_seconds(" 1800 "), Some(1800));
        assert_eq!(delta_seconds("99999999999"), Some(u32::MAX));
        assert_eq!(delta_seconds("18x"), None);
        assert_eq!(delta_seconds(""), None);
        assert_eq!(leading_digits(" 120 (x)"), ("120", " (x)"));
        assert_eq!(leading_digits("x"), ("", "x"));
    }
}
