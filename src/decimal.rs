//! Decimal digits written by hand: ports, frame numbers, clock rates and
//! times are written per message and per finding, and `core::fmt` costs
//! several times more than this (BENCHMARKS.md). One writer for the crate.

use std::net::SocketAddrV4;

/// `"00"` to `"99"`: [`digits`] writes two digits per division.
static PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

/// The decimal digits of `n`, at the end of `buf`.
pub(crate) fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    // A u64 has at most 20 digits: `i` stays within `buf`.
    let mut i = buf.len();
    while n >= 100 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[(n % 100) as usize]);
        n /= 100;
    }
    if n >= 10 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[n as usize]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    &buf[i..]
}

/// `{n:>10}` of a `u32` (which has at most ten digits), and how many
/// digits that is: frame numbers, written per ladder line and per piece of
/// evidence. Below 10^6 (nearly every frame) without the loop and the call
/// of [`digits`] ([`six_digit_word`]).
#[inline]
pub(crate) fn right_aligned_u32(n: u32) -> ([u8; 10], usize) {
    let mut field = [b' '; 10];
    let Some((word, len)) = six_digit_word(n) else {
        return digits_of_large(n, |field, digits| {
            field[10 - digits.len()..].copy_from_slice(digits);
        });
    };
    // The 6 - len leading zeros (b'0' = 0x30) lose 0x10 each: spaces (0x20).
    let zeros = (1u64 << (8 * (6 - len))) - 1;
    let word = word - (zeros & 0x1010_1010_1010_1010);
    // The six bytes after two more spaces: the last eight of the field.
    field[2..].copy_from_slice(&(word << 16 | 0x2020).to_le_bytes());
    (field, len)
}

/// `{n:<10}` of a `u32`, and how many digits that is, as
/// [`right_aligned_u32`].
#[inline]
pub(crate) fn left_aligned_u32(n: u32) -> ([u8; 10], usize) {
    let mut field = [b' '; 10];
    let Some((word, len)) = six_digit_word(n) else {
        return digits_of_large(n, |field, digits| {
            field[..digits.len()].copy_from_slice(digits);
        });
    };
    // The leading zeros shifted out, spaces shifted in after the digits.
    let word = word >> (8 * (6 - len)) | 0x2020_2020_2020_2020 << (8 * len);
    field[..8].copy_from_slice(&word.to_le_bytes());
    (field, len)
}

/// `{n:06}` of `n` below 10^6 as the low six bytes of a word (the first
/// digit in the low byte, the two high bytes 0), and how many digits `{n}`
/// has; `None` from 10^6 on. Three table lookups, and the leading zeros
/// counted as the low bytes equal to b'0' (at most five: 0 keeps its digit).
#[inline]
fn six_digit_word(n: u32) -> Option<(u64, usize)> {
    if n >= 1_000_000 {
        return None;
    }
    let [a, b, c] = [n / 10_000, n / 100 % 100, n % 100].map(|p| PAIRS[p as usize % 100]);
    let word = u64::from_le_bytes([a[0], a[1], b[0], b[1], c[0], c[1], 0, 0]);
    let zeros = ((word ^ 0x3030_3030_3030).trailing_zeros() / 8).min(5);
    Some((word, 6 - zeros as usize))
}

/// A ten-byte field of spaces with the digits of `n` placed by `place`:
/// the numbers of seven digits and more.
#[cold]
fn digits_of_large(n: u32, place: impl FnOnce(&mut [u8; 10], &[u8])) -> ([u8; 10], usize) {
    let mut field = [b' '; 10];
    let mut buf = [0; 20];
    let digits = digits(u64::from(n), &mut buf);
    place(&mut field, digits);
    (field, digits.len())
}

/// `{n:02}` for `n` below 100 (the digits of `n % 100` otherwise).
pub(crate) fn pair(n: u8) -> [u8; 2] {
    PAIRS[usize::from(n % 100)]
}

/// Appends `n` as `{n}` writes it.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut buf = [0; 20];
    out.extend(digits(n, &mut buf).iter().map(|&d| char::from(d)));
}

/// `{addr}` of an IPv4 socket address, and its length: the reports' address
/// columns and the rules' media addresses.
pub(crate) fn socket_addr_v4(a: SocketAddrV4) -> ([u8; 24], usize) {
    // Each octet written as four bytes (its text and a dot) of which its
    // length is kept: at most 16 bytes, then the port at most 5.
    let mut text = [0u8; 24];
    let mut len = 0;
    for octet in a.ip().octets() {
        let (bytes, n) = OCTETS[usize::from(octet)];
        text[len..len + 4].copy_from_slice(&bytes);
        len += n;
    }
    // The last octet's dot becomes the colon.
    text[len - 1] = b':';
    let mut port = [0; 20];
    let port = digits(u64::from(a.port()), &mut port);
    text[len..len + port.len()].copy_from_slice(port);
    (text, len + port.len())
}

/// The text of each IPv4 octet followed by a dot, padded to four bytes, and
/// the length of text and dot: `("7.", 2)`, `("127.", 4)`.
static OCTETS: [([u8; 4], usize); 256] = {
    let mut table = [([0; 4], 0); 256];
    let mut i = 0;
    while i < 256 {
        let (h, t, o) = ((i / 100) as u8, (i / 10 % 10) as u8, (i % 10) as u8);
        table[i] = if i >= 100 {
            ([b'0' + h, b'0' + t, b'0' + o, b'.'], 4)
        } else if i >= 10 {
            ([b'0' + t, b'0' + o, b'.', 0], 3)
        } else {
            ([b'0' + o, b'.', 0, 0], 2)
        };
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::{left_aligned_u32, push_decimal, right_aligned_u32, socket_addr_v4};
    use std::net::{Ipv4Addr, SocketAddrV4};

    #[test]
    fn writes_what_display_writes() {
        for n in [0, 1, 9, 10, 99, 100, 101, 65_535, 4_294_967_295, u64::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn right_aligned_u32_is_padded_display() {
        let edges = [0, 1, 9, 10, 99, 100, 999, 1_000, 99_999, 100_000, 999_999];
        let more = [1_000_000, 9_999_999, 10_000_000, 123_456_789, u32::MAX];
        for n in edges.into_iter().chain(more).chain(0..20_000) {
            let (field, len) = right_aligned_u32(n);
            assert_eq!(String::from_utf8_lossy(&field), format!("{n:>10}"));
            assert_eq!(len, n.to_string().len());
            let (field, len) = left_aligned_u32(n);
            assert_eq!(String::from_utf8_lossy(&field), format!("{n:<10}"));
            assert_eq!(len, n.to_string().len());
        }
        assert_eq!(right_aligned_u32(4_711), (*b"      4711", 4));
        assert_eq!(left_aligned_u32(4_711), (*b"4711      ", 4));
        assert_eq!(right_aligned_u32(0), (*b"         0", 1));
        assert_eq!(left_aligned_u32(u32::MAX), (*b"4294967295", 10));
    }

    #[test]
    fn socket_addr_v4_is_display() {
        let text = |a: SocketAddrV4| {
            let (text, len) = socket_addr_v4(a);
            String::from_utf8(text[..len].to_vec()).unwrap()
        };
        for o in 0..=255u8 {
            let a = SocketAddrV4::new(Ipv4Addr::new(o, 255 - o, o / 7, 9), u16::from(o) * 257);
            assert_eq!(text(a), a.to_string());
        }
        for port in (0..=u16::MAX).step_by(7).chain([u16::MAX]) {
            let a = SocketAddrV4::new(Ipv4Addr::new(255, 255, 255, 255), port);
            assert_eq!(text(a), a.to_string());
        }
        assert_eq!(
            text(SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 5060)),
            "10.0.0.1:5060"
        );
    }
}
