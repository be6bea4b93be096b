//! The values the reports print — integers, socket addresses, times and
//! durations — written straight into a byte buffer.
//!
//! The reports run once per call and per message, so `core::fmt` (a virtual
//! call per piece, padding logic, float formatting) showed up as a quarter of
//! the whole run in the profile. Each function here writes exactly what the
//! `format!` spelling named in its doc writes; the tests compare the two on
//! edge values. Where the hand-written path would need care that does not pay
//! (IPv6, years outside 0..=9999, rounding ties), it falls back to `core::fmt`.

use std::io::{self, Write};
use std::net::{SocketAddr, SocketAddrV4};
use std::time::Duration;

use crate::capture::Timestamp;
use crate::decimal::{digits, socket_addr_v4};

/// Bytes of rendered calls the text and JSON reports write with one call: a
/// call is some 700 bytes of text, and a `write_all` per call cost ~180
/// instructions (the copy into the `BufWriter` and its dispatch); a batch
/// larger than the writer's buffer goes through it uncopied.
pub(crate) const BATCH: usize = 32 * 1024;

/// What a report derives from the fixed texts of diagnostics — the why of a
/// response code from the knowledge base, a rule's fix, header names, fixed
/// notes — kept instead of derived again for every finding (a why is some 200
/// bytes). Keyed by the text's address and length: a `&'static str` is
/// program data, never freed nor reused, so the same key is the same text for
/// the whole run, and capture bytes cannot add keys. Direct-mapped and
/// bounded: [`STATIC_SLOTS`] entries, a text replaces the one in its slot.
pub(crate) struct StaticTexts<T> {
    entries: [Option<(&'static str, T)>; STATIC_SLOTS],
}

/// Entries of a [`StaticTexts`].
const STATIC_SLOTS: usize = 64;

impl<T> StaticTexts<T> {
    pub(crate) fn new() -> StaticTexts<T> {
        StaticTexts {
            entries: std::array::from_fn(|_| None),
        }
    }

    /// What is kept for `text`, made by `make` when it is not.
    pub(crate) fn get(&mut self, text: &'static str, make: impl FnOnce(&str) -> T) -> &T {
        // Fibonacci hashing of the address: the top bits pick the slot.
        let key = (text.as_ptr() as usize as u64) ^ (text.len() as u64).rotate_left(32);
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize % STATIC_SLOTS;
        let entry = &mut self.entries[slot];
        // Address and length: `ptr::eq` of two `&str` compares both.
        if entry
            .as_ref()
            .is_none_or(|(cached, _)| !std::ptr::eq(*cached, text))
        {
            *entry = None;
        }
        &entry.get_or_insert_with(|| (text, make(text))).1
    }
}

/// `{n}`. The digits end the first half of a 40-byte buffer, and the 20
/// bytes from the first digit on are appended as one fixed copy cut to the
/// digits ([`push_prefix`]): a copy of the digits' own length is a call to
/// `memcpy`, which cost about as much as writing them.
pub(crate) fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0; 40];
    let len = buf.first_chunk_mut().map_or(0, |d| digits(n, d).len());
    // `len` is at most 20: the window always lies in `buf`.
    if let Some(window) = buf.get(20 - len..).and_then(<[u8]>::first_chunk::<20>) {
        push_prefix(out, window, len);
    }
}

/// `{n:0width$}`.
pub(crate) fn push_zero_padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut buf = [0; 20];
    let d = digits(n, &mut buf);
    out.resize(out.len() + width.saturating_sub(d.len()), b'0');
    out.extend_from_slice(d);
}

/// `{n:>width$}`.
pub(crate) fn push_right_aligned(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut buf = [b' '; 20];
    let len = digits(n, &mut buf).len();
    // The padding is already in `buf` when it fits (one copy, the common case).
    let from = buf.len() - len.max(width.min(buf.len()));
    out.resize(out.len() + width.saturating_sub(buf.len()), b' ');
    out.extend_from_slice(&buf[from..]);
}

/// `{n:<width$}`.
pub(crate) fn push_left_aligned(out: &mut Vec<u8>, n: u64, width: usize) {
    let start = out.len();
    push_u64(out, n);
    pad_to(out, start, width);
}

/// `text` padded to `N` bytes, and its length: a constant that
/// [`push_padded`] appends as one fixed copy. Only for constants (a text
/// longer than `N` stops the build).
pub(crate) const fn padded<const N: usize>(text: &str) -> ([u8; N], usize) {
    let bytes = text.as_bytes();
    assert!(bytes.len() <= N);
    let mut out = [0; N];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    (out, bytes.len())
}

/// Appends a [`padded`] text.
#[inline]
pub(crate) fn push_padded<const N: usize>(out: &mut Vec<u8>, (text, len): &([u8; N], usize)) {
    push_prefix(out, text, *len);
}

/// Spaces after what was written since `start`, up to `width` bytes (the
/// text is ASCII, so bytes are characters).
fn pad_to(out: &mut Vec<u8>, start: usize, width: usize) {
    let written = out.len() - start;
    out.resize(out.len() + width.saturating_sub(written), b' ');
}

/// Appends `text[..len]` (all of `text` if `len` is larger). The whole array
/// is copied — a length known at compile time, a few vector moves — and the
/// excess cut off again: for short pieces that is several times cheaper than
/// a copy of a length known only at run time (a call to `memcpy`).
#[inline]
pub(crate) fn push_prefix<const N: usize>(out: &mut Vec<u8>, text: &[u8; N], len: usize) {
    let end = out.len() + len.min(N);
    out.extend_from_slice(text);
    out.truncate(end);
}

/// Appends `bytes[start..start + len]` when it is printable ASCII (its
/// text, with nothing to escape: a start line in its message); false,
/// writing nothing, when it is not, or not in `bytes`. When `len` is at most
/// 64 and 64 bytes follow `start` (nearly always), the check runs over that
/// fixed window with the bytes past `len` masked off — a loop of constant
/// length, which the compiler unrolls and vectorizes — and the window is
/// copied as one fixed block and the excess cut off ([`push_prefix`]): no
/// call to `memcpy`, no byte loop for the tail.
#[inline]
pub(crate) fn push_printable_window(
    out: &mut Vec<u8>,
    bytes: &[u8],
    start: usize,
    len: usize,
) -> bool {
    const N: usize = 64;
    /// 0xff for the 64 bytes to check, then 0 for those past `len`: the
    /// window `[N - len..2N - len]` is the mask of the first `len` bytes.
    static MASKS: [u8; 2 * N] = {
        let mut masks = [0; 2 * N];
        let mut i = 0;
        while i < N {
            masks[i] = 0xff;
            i += 1;
        }
        masks
    };
    let rest = bytes.get(start..).unwrap_or_default();
    let mask = MASKS
        .get(N.wrapping_sub(len)..)
        .and_then(<[u8]>::first_chunk::<N>);
    match (rest.first_chunk::<N>(), mask) {
        (Some(window), Some(mask)) => {
            if !printable_masked(window, mask) {
                return false;
            }
            push_prefix(out, window, len);
            true
        }
        _ => {
            let Some(line) = rest.get(..len) else {
                return false;
            };
            if !super::is_printable_ascii_bytes(line) {
                return false;
            }
            out.extend_from_slice(line);
            true
        }
    }
}

/// Whether every byte of `window` where `mask` is 0xff is printable ASCII
/// (the word test of `is_printable_ascii_bytes`, masked). A carry or borrow
/// runs only towards later bytes, and the masked-off bytes come after the
/// checked ones, so they cannot change the answer for a checked byte.
fn printable_masked(window: &[u8; 64], mask: &[u8; 64]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut flagged = 0;
    // Eight words of eight bytes each: the fallbacks never run.
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
    for (w, m) in window.chunks_exact(8).zip(mask.chunks_exact(8)) {
        let (w, m) = (word(w), word(m));
        flagged |= ((w.wrapping_sub(ONES * 0x20) & !w) | w.wrapping_add(ONES) | w) & m;
    }
    flagged & HIGH == 0
}

/// `{addr}`: `192.0.2.1:5060`, `[2001:db8::1]:5060`.
pub(crate) fn push_socket_addr(out: &mut Vec<u8>, addr: SocketAddr) {
    match addr {
        SocketAddr::V4(a) => {
            let (text, len) = socket_addr_v4(a);
            push_prefix(out, &text, len);
        }
        // Rare in captures, and the text form (zero-run compression, embedded
        // IPv4, scope id) is best left to the standard library.
        SocketAddr::V6(_) => {
            let _ = write!(out, "{addr}");
        }
    }
}

/// `{src}{separator}{dst}` of IPv4 socket address pairs (` → ` in the text
/// report), each pair written once: a capture's messages go back and forth
/// between a few addresses, and finding a pair here costs a fraction of
/// writing two addresses. Bounded: [`RouteTexts::SETS`] sets of two slots,
/// a new pair replaces the one of its set used less recently. Two ways, not
/// one: with one slot per pair, two pairs in use at the same time that hash
/// to the same slot replaced each other on every message (udp-10M: 905
/// misses among 18 pairs, a fill costing some 340 instructions).
pub(crate) struct RouteTexts {
    separator: &'static str,
    /// The [`v4_key`]s of the pair in each slot, the two of a set side by
    /// side; 0 for an empty slot.
    keys: [(u64, u64); RouteTexts::SLOTS],
    /// Two addresses of at most 21 bytes (`255.255.255.255:65535`) and the
    /// separator.
    texts: [([u8; 64], usize); RouteTexts::SLOTS],
    /// The slot of each set (0 or 1) used last.
    recent: [u8; RouteTexts::SETS],
}

impl RouteTexts {
    const SETS: usize = 64;
    const SLOTS: usize = 2 * Self::SETS;

    /// A cache for pairs joined by `separator` (at most 22 bytes are cached;
    /// a longer one is written each time).
    pub(crate) fn new(separator: &'static str) -> RouteTexts {
        RouteTexts {
            separator,
            keys: [(0, 0); RouteTexts::SLOTS],
            texts: [([0; 64], 0); RouteTexts::SLOTS],
            recent: [0; RouteTexts::SETS],
        }
    }

    /// `{src}{separator}{dst}`, from the cache when both are IPv4. Inlined:
    /// it runs once per message, and a hit is a hash, a compare or two and a
    /// fixed copy, cheaper than the call itself (two 32-byte addresses by
    /// value, saved registers); a miss fills a slot out of line. `always`:
    /// with plain `#[inline]` the fat-LTO build kept the call.
    #[inline(always)]
    pub(crate) fn push(&mut self, out: &mut Vec<u8>, src: SocketAddr, dst: SocketAddr) {
        let (SocketAddr::V4(s), SocketAddr::V4(d)) = (src, dst) else {
            return self.push_uncached(out, src, dst);
        };
        let key = (v4_key(s), v4_key(d));
        let set = Self::set_of(key);
        let way = if self.keys[2 * set] == key {
            0
        } else if self.keys[2 * set + 1] == key {
            1
        } else {
            match self.fill(set, key, s, d) {
                Some(way) => way,
                None => return self.push_uncached(out, src, dst),
            }
        };
        self.recent[set] = way;
        let (text, len) = &self.texts[2 * set + usize::from(way)];
        push_prefix(out, text, *len);
    }

    /// The set of a pair of [`v4_key`]s. Fibonacci hashing: the top bits of
    /// the product pick the set.
    fn set_of(key: (u64, u64)) -> usize {
        let hash = (key.0 ^ key.1.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (hash >> 58) as usize % Self::SETS
    }

    /// Writes the pair's text into the slot of `set` used less recently and
    /// keys it: that slot's way, or `None` (the slot left empty) when the
    /// text does not fit.
    #[inline(never)]
    fn fill(
        &mut self,
        set: usize,
        key: (u64, u64),
        s: SocketAddrV4,
        d: SocketAddrV4,
    ) -> Option<u8> {
        let way = 1 - self.recent[set].min(1);
        let slot = 2 * set + usize::from(way);
        let (text, len) = &mut self.texts[slot];
        let (src_text, src_len) = socket_addr_v4(s);
        let (dst_text, dst_len) = socket_addr_v4(d);
        let mut at = 0;
        for piece in [
            &src_text[..src_len],
            self.separator.as_bytes(),
            &dst_text[..dst_len],
        ] {
            let Some(to) = text.get_mut(at..at + piece.len()) else {
                self.keys[slot] = (0, 0);
                return None;
            };
            to.copy_from_slice(piece);
            at += piece.len();
        }
        self.keys[slot] = key;
        *len = at;
        Some(way)
    }

    #[cold]
    fn push_uncached(&self, out: &mut Vec<u8>, src: SocketAddr, dst: SocketAddr) {
        push_socket_addr(out, src);
        out.extend_from_slice(self.separator.as_bytes());
        push_socket_addr(out, dst);
    }
}

/// `1 << 48 | ip << 16 | port`: never 0.
fn v4_key(a: SocketAddrV4) -> u64 {
    1 << 48 | u64::from(a.ip().to_bits()) << 16 | u64::from(a.port())
}

/// `{n:06}` for `n` below 10^6 (the last six digits otherwise).
fn six_digits(n: u32) -> [u8; 6] {
    let [a1, a2] = pair(n / 10_000);
    let [b1, b2] = pair(n / 100);
    let [c1, c2] = pair(n);
    [a1, a2, b1, b2, c1, c2]
}

/// `HH:MM:SS` of a second of the day.
fn hms(of_day: u64) -> [u8; 8] {
    // Below 86 400: every quotient below fits a `u32` and is below 100.
    let of_day = of_day.min(86_399) as u32;
    let [h1, h2] = pair(of_day / 3600);
    let [m1, m2] = pair(of_day / 60 % 60);
    let [s1, s2] = pair(of_day % 60);
    [h1, h2, b':', m1, m2, b':', s1, s2]
}

/// The two digits of `n % 100`.
fn pair(n: u32) -> [u8; 2] {
    crate::decimal::pair((n % 100) as u8)
}

/// The `HH:MM:SS` of the last second [`Clock::time_of_day`] wrote: the
/// messages of a call fall within a few seconds, and the divisions of
/// [`hms`] cost several times the compare.
pub(crate) struct Clock {
    secs: i64,
    hms: [u8; 8],
}

impl Clock {
    pub(crate) fn new() -> Clock {
        // Second 0 of the epoch: a true entry to start from.
        Clock {
            secs: 0,
            hms: *b"00:00:00",
        }
    }

    /// `{ts}` ([`Timestamp`]'s `Display`): the UTC time of day with
    /// microseconds, `14:25:03.123456`; the `HH:MM:SS` from the last call
    /// when `ts` falls in the same second.
    pub(crate) fn time_of_day(&mut self, ts: Timestamp) -> [u8; 15] {
        if ts.secs != self.secs {
            self.secs = ts.secs;
            self.hms = hms(ts.secs.rem_euclid(86_400).unsigned_abs());
        }
        let [h1, h2, _, m1, m2, _, s1, s2] = self.hms;
        let [a1, a2, b1, b2, c1, c2] = six_digits((ts.nanos / 1000).min(999_999));
        [
            h1, h2, b':', m1, m2, b':', s1, s2, b'.', a1, a2, b1, b2, c1, c2,
        ]
    }
}

/// The date of the last day and the date and time of the last second
/// [`push_rfc3339`] wrote: the messages of a capture fall on a day or two
/// (the calendar arithmetic costs more than the rest of the time), those of
/// a call within a few seconds.
#[derive(Default)]
pub(crate) struct Dates {
    /// Days since 1970-01-01 and its `(year, month, day)`.
    last: Option<(i64, (i64, u32, u32))>,
    /// Seconds since the epoch and their `YYYY-MM-DDTHH:MM:SS`.
    second: Option<(i64, [u8; 19])>,
}

impl Dates {
    fn civil(&mut self, days: i64) -> (i64, u32, u32) {
        match self.last {
            Some((day, date)) if day == days => date,
            _ => {
                let date = super::json::civil_from_days(days);
                self.last = Some((days, date));
                date
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS` of `secs`; `None` for a year outside 0..=9999.
    fn date_time(&mut self, secs: i64) -> Option<[u8; 19]> {
        if let Some((cached, text)) = self.second
            && cached == secs
        {
            return Some(text);
        }
        let (y, m, d) = self.civil(secs.div_euclid(86_400));
        // Two digits per table lookup (`year` is below 10^4).
        let year = u32::try_from(y).ok().filter(|&y| y <= 9999)?;
        let mut text = [0; 19];
        text[..2].copy_from_slice(&pair(year / 100));
        text[2..4].copy_from_slice(&pair(year));
        text[4] = b'-';
        text[5..7].copy_from_slice(&pair(m));
        text[7] = b'-';
        text[8..10].copy_from_slice(&pair(d));
        text[10] = b'T';
        text[11..19].copy_from_slice(&hms(secs.rem_euclid(86_400).unsigned_abs()));
        self.second = Some((secs, text));
        Some(text)
    }
}

/// [`super::json::rfc3339`]: `2024-11-21T14:25:03.123456789Z`.
pub(crate) fn push_rfc3339(out: &mut Vec<u8>, ts: Timestamp, dates: &mut Dates) {
    let (Some(date_time), 0..=999_999_999) = (dates.date_time(ts.secs), ts.nanos) else {
        // Years of five digits or before year 0, nanoseconds out of range:
        // hostile timestamps only.
        out.extend_from_slice(super::json::rfc3339(ts).as_bytes());
        return;
    };
    // Two digits per table lookup (`nanos` below 10^9).
    let (micros, nanos) = (ts.nanos / 1000, ts.nanos % 1000);
    let mut text = [0; 30];
    text[..19].copy_from_slice(&date_time);
    text[19] = b'.';
    text[20..26].copy_from_slice(&six_digits(micros));
    text[26] = b'0' + (nanos / 100) as u8;
    text[27..29].copy_from_slice(&pair(nanos));
    text[29] = b'Z';
    out.extend_from_slice(&text);
}

/// Largest whole seconds [`push_secs`] rounds by hand: below 2^22 s the f64
/// of `as_secs_f64` is within half a nanosecond of the exact value.
const EXACT_SECS: u64 = 1 << 22;

/// `{:.decimals$}` of `d.as_secs_f64()`: `0.000204`, `12.500`. Inlined,
/// as [`push_rounded`]: callers pass constant decimals (the setup time of
/// every answered call is written in seconds).
#[inline]
pub(crate) fn push_secs(out: &mut Vec<u8>, d: Duration, decimals: u32) {
    // Close enough to the exact value that rounding the exact nanoseconds
    // gives the same digits, unless they sit exactly halfway (then the f64's
    // binary value decides, so `core::fmt` does it).
    if d.as_secs() < EXACT_SECS {
        let nanos = d.as_secs() * 1_000_000_000 + u64::from(d.subsec_nanos());
        if push_rounded(out, nanos, 9, decimals) {
            return;
        }
    }
    let _ = write!(out, "{:.*}", decimals as usize, d.as_secs_f64());
}

/// `{:<9.6}` of the seconds of a duration of `nanos` nanoseconds (the offset
/// column of the ladder) when it fits the nine columns, below 100 s, and is
/// no rounding tie (see [`push_secs`]); `None` otherwise. Nanoseconds, not a
/// `Duration`: the ladder has them, and the trip through a `Duration` cost a
/// division and a multiplication per line.
#[inline]
pub(crate) fn secs6_field_of_nanos(nanos: u64) -> Option<[u8; 9]> {
    if nanos >= 100_000_000_000 {
        return None;
    }
    let (micros, rest) = (nanos / 1000, nanos % 1000);
    if rest == 500 {
        return None;
    }
    // Below 10^8 (the rounding may carry into the seconds): fits a `u32`.
    let micros = u32::try_from(micros + u64::from(rest > 500))
        .ok()
        .filter(|&m| m < 100_000_000)?;
    let [s1, s2] = pair(micros / 1_000_000);
    let [f1, f2, f3, f4, f5, f6] = six_digits(micros % 1_000_000);
    Some(if micros >= 10_000_000 {
        [s1, s2, b'.', f1, f2, f3, f4, f5, f6]
    } else {
        [s2, b'.', f1, f2, f3, f4, f5, f6, b' ']
    })
}

/// [`push_secs`] left-aligned in `width` columns: `{:<width$.decimals$}`.
pub(crate) fn push_secs_left_aligned(out: &mut Vec<u8>, d: Duration, decimals: u32, width: usize) {
    let start = out.len();
    push_secs(out, d, decimals);
    pad_to(out, start, width);
}

/// `{:.decimals$}` of `d.as_secs_f64() * 1000.0` for `d` below one second.
#[inline]
pub(crate) fn push_millis(out: &mut Vec<u8>, d: Duration, decimals: u32) {
    // Below one second the f64 is far within a nanosecond of the exact value
    // (see `push_secs`).
    if d.as_secs() == 0 && push_rounded(out, u64::from(d.subsec_nanos()), 6, decimals) {
        return;
    }
    let _ = write!(out, "{:.*}", decimals as usize, d.as_secs_f64() * 1000.0);
}

/// Writes `n / 10^scale` rounded to `decimals` places (at most `scale`);
/// false, writing nothing, when `n` lies exactly halfway between two results.
/// Inlined: the callers' constant scale and decimals turn its divisions into
/// multiplications.
#[inline]
fn push_rounded(out: &mut Vec<u8>, n: u64, scale: u32, decimals: u32) -> bool {
    let pow10 = |e: u32| POW10.get(e as usize).copied();
    let (Some(drop), Some(unit)) = (scale.checked_sub(decimals).and_then(pow10), pow10(decimals))
    else {
        return false;
    };
    let (kept, rest) = (n / drop, n % drop);
    if drop > 1 && rest * 2 == drop {
        return false;
    }
    let kept = kept + u64::from(rest * 2 > drop);
    push_u64(out, kept / unit);
    if decimals > 0 {
        out.push(b'.');
        push_zero_padded(out, kept % unit, decimals as usize);
    }
    true
}

/// `10^i`, up to the largest power a `u64` holds.
static POW10: [u64; 20] = {
    let mut table = [1; 20];
    let mut i = 1;
    while i < table.len() {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// Writes what a report rendered and has not written yet, and empties the
/// buffer: written once, not again after an error. The text and JSON reports
/// write their calls in batches, and before anything else they write.
pub(crate) fn write_pending(w: &mut dyn Write, pending: &mut Vec<u8>) -> io::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let written = w.write_all(pending);
    pending.clear();
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn integers_match_fmt() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            999_999,
            1_000_000,
            u64::from(u32::MAX),
            u64::MAX,
            u64::MAX / 10,
            10_000_000_000_000_000_000,
        ] {
            assert_eq!(render(|o| push_u64(o, n)), format!("{n}"));
            assert_eq!(render(|o| push_zero_padded(o, n, 6)), format!("{n:06}"));
            assert_eq!(render(|o| push_right_aligned(o, n, 6)), format!("{n:>6}"));
            assert_eq!(render(|o| push_left_aligned(o, n, 5)), format!("{n:<5}"));
        }
    }

    #[test]
    fn padded_texts() {
        const UDP: ([u8; 8], usize) = padded("  UDP  ");
        assert_eq!(UDP, (*b"  UDP  \0", 7));
        assert_eq!(render(|o| push_padded(o, &UDP)), "  UDP  ");
        assert_eq!(render(|o| push_padded(o, &padded::<4>(""))), "");
        assert_eq!(render(|o| push_padded(o, &padded::<4>("full"))), "full");
    }

    #[test]
    fn socket_addresses_match_fmt() {
        for a in [
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "127.0.1.8:5060",
            "10.0.0.1:5",
            "[::]:0",
            "[2001:db8::1]:5060",
            "[::ffff:192.0.2.1]:5061",
            "[fe80::1%3]:5060",
            "[2001:db8:0:0:1:0:0:1]:65535",
        ] {
            let a: SocketAddr = a.parse().unwrap();
            assert_eq!(render(|o| push_socket_addr(o, a)), a.to_string());
        }
        for o in 0..=255u8 {
            for port in [0, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535] {
                let a = SocketAddr::from(([o, 255 - o, o / 3, 7], port));
                assert_eq!(render(|out| push_socket_addr(out, a)), a.to_string());
            }
        }
    }

    #[test]
    fn cached_routes_match_fmt() {
        let mut arrow = RouteTexts::new(" → ");
        let mut json = RouteTexts::new(r#"","dst":""#);
        let mut long = RouteTexts::new(" separator longer than the cached texts allow ");
        let addrs: Vec<SocketAddr> = [
            "10.0.0.1:5060",
            "10.0.0.2:5060",
            "[2001:db8::1]:5060",
            "255.255.255.255:65535",
            "0.0.0.0:0",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        let mut pairs: Vec<(SocketAddr, SocketAddr)> = addrs
            .iter()
            .flat_map(|&a| addrs.iter().map(move |&b| (a, b)))
            .collect();
        // More pairs than slots: slots get replaced.
        pairs.extend((0..200u16).map(|i| {
            let a = SocketAddr::from(([10, 0, (i % 7) as u8, 1], 5060 + i));
            (a, addrs[0])
        }));
        for (src, dst) in pairs.iter().chain(&pairs).chain(pairs.iter().rev()) {
            assert_eq!(
                render(|o| arrow.push(o, *src, *dst)),
                format!("{src} → {dst}")
            );
            assert_eq!(
                render(|o| json.push(o, *src, *dst)),
                format!(r#"{src}","dst":"{dst}"#)
            );
            assert_eq!(
                render(|o| long.push(o, *src, *dst)),
                format!("{src} separator longer than the cached texts allow {dst}")
            );
        }
    }

    #[test]
    fn routes_of_a_set_replace_the_less_recent() {
        // Three pairs of one set (found by search), used as a, b, a, b, then
        // a, c, a: c replaces b (a was used last), and a stays.
        let pair = |port: u16| {
            let (s, d) = (
                SocketAddrV4::new([10, 0, 0, 1].into(), port),
                SocketAddrV4::new([10, 0, 0, 2].into(), 5060),
            );
            (s, d, (v4_key(s), v4_key(d)))
        };
        let set = RouteTexts::set_of(pair(1).2);
        let [a, b, c] = {
            let mut same = (1..).map(pair).filter(|p| RouteTexts::set_of(p.2) == set);
            [(); 3].map(|_| same.next().unwrap())
        };
        let mut routes = RouteTexts::new(" → ");
        let slots = |r: &RouteTexts| {
            let mut keys = [r.keys[2 * set], r.keys[2 * set + 1]];
            keys.sort();
            keys
        };
        let sorted = |mut keys: [(u64, u64); 2]| {
            keys.sort();
            keys
        };
        for (s, d, _) in [a, b, a, b] {
            assert_eq!(
                render(|o| routes.push(o, s.into(), d.into())),
                format!("{s} → {d}")
            );
        }
        assert_eq!(slots(&routes), sorted([a.2, b.2]));
        for (s, d, _) in [a, c, a] {
            assert_eq!(
                render(|o| routes.push(o, s.into(), d.into())),
                format!("{s} → {d}")
            );
        }
        assert_eq!(slots(&routes), sorted([a.2, c.2]));
    }

    #[test]
    fn push_prefix_cuts_the_array() {
        assert_eq!(render(|o| push_prefix(o, b"abcd", 2)), "ab");
        assert_eq!(render(|o| push_prefix(o, b"abcd", 9)), "abcd");
        let mut out = b"x".to_vec();
        push_prefix(&mut out, b"abcd", 0);
        assert_eq!(out, b"x");
    }

    #[test]
    fn offset_field_matches_fmt() {
        let mut cases = vec![
            Duration::ZERO,
            Duration::new(0, 204_000),
            Duration::new(0, 499),
            Duration::new(0, 500),
            Duration::new(0, 1_500),
            Duration::new(9, 999_999_499),
            Duration::new(9, 999_999_500),
            Duration::new(9, 999_999_501),
            Duration::new(12, 345_678_901),
            Duration::new(99, 999_999_499),
            Duration::new(99, 999_999_501),
            Duration::new(100, 0),
            Duration::new(u64::MAX, 999_999_999),
        ];
        cases.extend((0..3_000).map(|n| Duration::new(1, 999_998_000 + n)));
        let mut fast = 0;
        for d in cases {
            let f = d.as_secs_f64();
            let expected = format!("{f:<9.6}");
            let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
            match secs6_field_of_nanos(nanos) {
                Some(field) => {
                    assert_eq!(String::from_utf8_lossy(&field), expected, "{d:?}");
                    fast += 1;
                }
                // Ties, and what does not fit nine columns.
                None => assert!(expected.len() > 9 || d.subsec_nanos() % 1000 == 500),
            }
        }
        assert!(fast > 2_900);
    }

    #[test]
    fn times_match_display_and_rfc3339() {
        for (secs, nanos) in [
            (0, 0),
            (1_732_199_103, 123_456_789),
            (951_782_400, 1),
            (86_399, 999_999_999),
            (-1, 999_000),
            (-86_400 * 365 * 3000, 5),
            (253_402_300_799, 999_999_999),
            (253_402_300_800, 0),
            (i64::MAX, 0),
            (i64::MIN, 0),
            (5, 1_500_000_000),
        ] {
            let ts = Timestamp { secs, nanos };
            let time = Clock::new().time_of_day(ts);
            assert_eq!(String::from_utf8_lossy(&time), ts.to_string());
            assert_eq!(
                render(|o| push_rfc3339(o, ts, &mut Dates::default())),
                super::super::json::rfc3339(ts)
            );
        }
    }

    #[test]
    fn cached_seconds_match_display_and_rfc3339() {
        // One clock and one date cache through repeated, new and returning
        // seconds, hostile ones among them (the cache starts at second 0).
        let mut clock = Clock::new();
        let mut dates = Dates::default();
        for (secs, nanos) in [
            (0, 0),
            (0, 999_999_999),
            (1_732_199_103, 123_456_789),
            (1_732_199_103, 5),
            (1_732_199_104, 0),
            (1_732_199_103, 999_000),
            (-1, 999_000),
            (-1, 0),
            (253_402_300_800, 0),
            (253_402_300_800, 7),
            (86_399, 999_999_999),
            (86_400, 0),
            (0, 1_500_000_000),
            (0, 1),
        ] {
            let ts = Timestamp { secs, nanos };
            let time = clock.time_of_day(ts);
            assert_eq!(String::from_utf8_lossy(&time), ts.to_string());
            assert_eq!(
                render(|o| push_rfc3339(o, ts, &mut dates)),
                super::super::json::rfc3339(ts)
            );
        }
    }

    #[test]
    fn printable_windows_are_checked_over_their_length() {
        // Printable bytes with a line end at 70, inside the window of the
        // lines before it but past their length; then a control, a DEL and
        // a high byte placed at each position of a window and past it.
        let mut bytes: Vec<u8> = (0..100u8).map(|i| b' ' + i % 95).collect();
        bytes[70] = b'\r';
        for (start, len) in [
            (0, 0),
            (0, 64),
            (0, 70),
            (6, 64),
            (36, 34),
            (71, 29),
            (90, 10),
        ] {
            let mut out = b"x".to_vec();
            assert!(push_printable_window(&mut out, &bytes, start, len));
            assert_eq!(&out[1..], &bytes[start..start + len], "{start} {len}");
        }
        for (start, len) in [(7, 64), (36, 35), (60, 40)] {
            let mut out = Vec::new();
            assert!(!push_printable_window(&mut out, &bytes, start, len));
            assert!(out.is_empty());
        }
        bytes[70] = b'x';
        for bad in [0x00, 0x1f, 0x7f, 0x80, 0xff] {
            for at in 0..80 {
                let mut bytes = bytes.clone();
                bytes[at] = bad;
                for (start, len) in [(0, 64), (0, 20), (5, 40), (0, 75)] {
                    let inside = (start..start + len).contains(&at);
                    let mut out = Vec::new();
                    let printed = push_printable_window(&mut out, &bytes, start, len);
                    assert_eq!(printed, !inside, "{bad} at {at}: {start} {len}");
                    let expected = if inside {
                        &[][..]
                    } else {
                        &bytes[start..start + len]
                    };
                    assert_eq!(out, expected);
                }
            }
        }
        // Out of the bytes: nothing written (and nothing to write when the
        // length is 0).
        let mut out = Vec::new();
        assert!(!push_printable_window(&mut out, &bytes, 99, 2));
        assert!(!push_printable_window(&mut out, &bytes, 150, 1));
        assert!(push_printable_window(&mut out, &bytes, 150, 0));
        assert!(out.is_empty());
    }

    #[test]
    fn durations_match_float_fmt() {
        let mut cases = vec![
            Duration::ZERO,
            Duration::new(0, 1),
            Duration::new(0, 204_000),
            Duration::new(0, 499),
            Duration::new(0, 500),
            Duration::new(0, 501),
            Duration::new(0, 1_500),
            Duration::new(0, 2_500),
            Duration::new(0, 999_999_499),
            Duration::new(0, 999_999_500),
            Duration::new(0, 999_999_999),
            Duration::new(0, 50_000),
            Duration::new(0, 150_000),
            Duration::new(0, 999_950_000),
            Duration::new(1, 250_000_000),
            Duration::new(9, 999_999_500),
            Duration::new(12, 345_678_901),
            Duration::new((1 << 22) - 1, 999_999_999),
            Duration::new(1 << 22, 123_456_789),
            Duration::new(u64::MAX, 999_999_999),
        ];
        // Every nanosecond around a few rounding boundaries.
        for base in [0, 1_000, 1_000_000, 123_000_000] {
            cases.extend((0..2_000).map(|n| Duration::new(3, base + n)));
            cases.extend((0..2_000).map(|n| Duration::new(0, base + n)));
        }
        for d in cases {
            for decimals in [1, 3, 6, 9] {
                let f = d.as_secs_f64();
                assert_eq!(
                    render(|o| push_secs(o, d, decimals)),
                    format!("{f:.*}", decimals as usize),
                    "{d:?}"
                );
                if d.as_secs() == 0 {
                    let ms = f * 1000.0;
                    assert_eq!(
                        render(|o| push_millis(o, d, decimals)),
                        format!("{ms:.*}", decimals as usize),
                        "{d:?}"
                    );
                }
            }
            let f = d.as_secs_f64();
            assert_eq!(
                render(|o| push_secs_left_aligned(o, d, 6, 9)),
                format!("{f:<9.6}")
            );
        }
    }
}
