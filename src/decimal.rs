//! Decimal digits written by hand: ports, frame numbers, clock rates and
//! times are written per message and per finding, and `core::fmt` costs
//! several times more than this (BENCHMARKS.md). One writer for the crate.

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

/// `{n:02}` for `n` below 100 (the digits of `n % 100` otherwise).
pub(crate) fn pair(n: u8) -> [u8; 2] {
    PAIRS[usize::from(n % 100)]
}

/// Appends `n` as `{n}` writes it.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut buf = [0; 20];
    out.extend(digits(n, &mut buf).iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn writes_what_display_writes() {
        for n in [0, 1, 9, 10, 99, 100, 101, 65_535, 4_294_967_295, u64::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }
}
