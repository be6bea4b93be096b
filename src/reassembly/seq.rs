//! TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 793 §3.3,
//! serial-number arithmetic as RFC 1982 defines it).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Add;

/// A TCP sequence number. Ordering wraps: `a < b` when `b` lies less than
/// 2^31 ahead of `a`, so `SeqNo(0xFFFF_FFF0) < SeqNo(0x10)`.
///
/// Two numbers exactly 2^31 apart are not comparable in RFC 1982; here their
/// raw values decide, which keeps the ordering total and antisymmetric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNo(pub u32);

impl SeqNo {
    /// How far `self` lies ahead of `base` (negative: behind), modulo 2^32.
    pub fn distance_from(self, base: SeqNo) -> i32 {
        self.0.wrapping_sub(base.0) as i32
    }
}

/// `seq + n` wraps at 2^32.
impl Add<u32> for SeqNo {
    type Output = SeqNo;
    fn add(self, n: u32) -> SeqNo {
        SeqNo(self.0.wrapping_add(n))
    }
}

impl PartialOrd for SeqNo {
    fn partial_cmp(&self, other: &SeqNo) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SeqNo {
    fn cmp(&self, other: &SeqNo) -> Ordering {
        match self.distance_from(*other) {
            i32::MIN => self.0.cmp(&other.0),
            d => d.cmp(&0),
        }
    }
}

impl fmt::Display for SeqNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_across_the_wrap() {
        assert!(SeqNo(0xFFFF_FFF0) < SeqNo(0x10));
        assert!(SeqNo(0x10) > SeqNo(0xFFFF_FFF0));
        assert!(SeqNo(5) < SeqNo(6));
        assert_eq!(SeqNo(7).cmp(&SeqNo(7)), Ordering::Equal);
        assert_eq!(SeqNo(0x10).distance_from(SeqNo(0xFFFF_FFF0)), 0x20);
        assert_eq!(SeqNo(0xFFFF_FFF0).distance_from(SeqNo(0x10)), -0x20);
        assert_eq!(SeqNo(0xFFFF_FFFF) + 2, SeqNo(1));
    }

    #[test]
    fn half_way_is_total_and_antisymmetric() {
        let a = SeqNo(0);
        let b = SeqNo(0x8000_0000);
        // 2^31 apart: undefined in RFC 1982, decided by the raw values here.
        assert_eq!(b.distance_from(a), i32::MIN);
        assert_eq!(a.distance_from(b), i32::MIN);
        assert_eq!(a.cmp(&b), Ordering::Less);
        assert_eq!(b.cmp(&a), Ordering::Greater);
    }
}
