//! A fast hasher for the per-packet tables keyed by addresses (TCP flows, ...).
//!
//! std's default hasher (SipHash-1-3) costs a few hundred instructions for a
//! key of two socket addresses, and the TCP flow table is looked up several
//! times per segment. [`FastState`] hashes each word of the key with one
//! folded 64×64→128-bit multiply (the mixing step of foldhash and of ahash's
//! fallback), some 40 instructions for a flow.
//!
//! Hash flooding: the keys come from the capture, which may be hostile. A
//! capture crafted so that many keys collide would make each lookup walk a
//! long probe sequence. Two things keep that in check:
//!
//! - every table gets its own seed from std's [`RandomState`] (random per
//!   process), so colliding keys cannot be computed in advance from a
//!   capture file (the hash is not cryptographic, but the capture cannot
//!   observe its own hashing and adapt to it);
//! - the tables that use it are bounded (for instance
//!   `ReassemblyConfig::max_flows`), so even a degraded table stays finite.
//!
//! Iteration order depends on the seed: callers that iterate such a table
//! sort what they take out of it (as the flow tables do) so output stays
//! deterministic.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

/// A `HashMap` hashed with [`FastState`].
pub type FastMap<K, V> = HashMap<K, V, FastState>;

/// Odd constant with well-spread bits (the fractional part of the golden
/// ratio), the multiplier of each mixing step.
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// One mixing step: the 128-bit product of the two words, folded to 64 bits
/// (every input bit reaches the high and the low bits of the result).
fn fold_multiply(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Builds [`FastHasher`]s from a seed chosen at random per table.
#[derive(Debug, Clone, Copy)]
pub struct FastState {
    seed: u64,
}

impl FastState {
    pub fn new() -> FastState {
        FastState {
            seed: RandomState::new().hash_one(MULTIPLIER),
        }
    }
}

impl Default for FastState {
    fn default() -> FastState {
        FastState::new()
    }
}

impl BuildHasher for FastState {
    type Hasher = FastHasher;

    fn build_hasher(&self) -> FastHasher {
        FastHasher { hash: self.seed }
    }
}

/// The hasher of [`FastState`]: each written word is mixed in with one
/// folded multiply.
#[derive(Debug, Clone)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn mix(&mut self, word: u64) {
        self.hash = fold_multiply(self.hash ^ word, MULTIPLIER);
    }
}

/// The little-endian word of an eight-byte slice (0 for another length).
fn le_u64(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |word| u64::from_le_bytes(*word))
}

/// The little-endian value of a four-byte slice, widened.
fn le_u32(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<4>()
        .map_or(0, |word| u64::from(u32::from_le_bytes(*word)))
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(le_u64(chunk));
        }
        let rest = chunks.remainder();
        // The last partial word read in at most two loads instead of byte by
        // byte (Call-IDs are the keys most hashed): eight bytes ending where
        // the key ends when the key is that long (they overlap bytes already
        // mixed in), else two overlapping halves or three single bytes.
        let n = bytes.len();
        let word = if rest.is_empty() {
            0
        } else if n >= 8 {
            bytes.get(n - 8..).map_or(0, le_u64)
        } else if n >= 4 {
            let low = bytes.get(..4).map_or(0, le_u32);
            let high = bytes.get(n - 4..).map_or(0, le_u32);
            (high << 32) | low
        } else {
            let byte = |i: usize| u64::from(bytes.get(i).copied().unwrap_or(0));
            byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16)
        };
        // The length tells `ab` from `ab\0`.
        self.mix(word ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.mix(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::net::SocketAddr;

    use super::*;

    #[test]
    fn fold_multiply_values() {
        assert_eq!(fold_multiply(0, MULTIPLIER), 0);
        assert_eq!(fold_multiply(1, MULTIPLIER), MULTIPLIER);
        // 2^64 · MULTIPLIER / 2^64 lands in the high word.
        assert_eq!(fold_multiply(1 << 63, 2), 1);
        assert_eq!(fold_multiply(u64::MAX, u64::MAX), 0xffff_ffff_ffff_fffe ^ 1);
    }

    #[test]
    fn same_key_same_hash_within_a_table() {
        let state = FastState::new();
        let a: SocketAddr = "10.0.0.1:5060".parse().unwrap();
        let b: SocketAddr = "10.0.0.1:5060".parse().unwrap();
        assert_eq!(state.hash_one(a), state.hash_one(b));
        let copy = state;
        assert_eq!(copy.hash_one(a), state.hash_one(a));
    }

    #[test]
    fn byte_strings_differing_in_length_or_content_differ() {
        let state = FastState { seed: 1 };
        let hashes: HashSet<u64> = [
            &b""[..],
            b"\0",
            b"a",
            b"a\0",
            b"ab",
            b"abcdefgh",
            b"abcdefgh\0",
        ]
        .iter()
        .map(|s| {
            let mut h = state.build_hasher();
            h.write(s);
            h.finish()
        })
        .collect();
        assert_eq!(hashes.len(), 7);
    }

    /// Every byte of a key counts, whatever its length: changing any one
    /// byte of keys of 0 to 24 bytes changes the hash (the tail is read in
    /// overlapping loads, not byte by byte).
    #[test]
    fn every_byte_of_the_tail_counts() {
        let state = FastState { seed: 7 };
        let hash = |key: &[u8]| {
            let mut h = state.build_hasher();
            h.write(key);
            h.finish()
        };
        for len in 0..=24usize {
            let key: Vec<u8> = (0..len as u8).map(|i| b'a' + i).collect();
            let base = hash(&key);
            for at in 0..len {
                let mut changed = key.clone();
                changed[at] ^= 0x20;
                assert_ne!(hash(&changed), base, "len {len}, byte {at}");
            }
        }
    }

    /// Addresses that differ in one port or one octet spread over the
    /// buckets: no two of 65 536 neighbouring flows share a hash, and the low
    /// bits (hashbrown's bucket index) and top seven bits (its tag) both vary.
    #[test]
    fn neighbouring_addresses_spread() {
        let state = FastState { seed: 0 };
        let mut all = HashSet::new();
        let mut low = HashSet::new();
        let mut top = HashSet::new();
        for i in 0..65_536u32 {
            let src = SocketAddr::from(([10, 0, (i >> 8) as u8, i as u8], 5060));
            let dst = SocketAddr::from(([10, 0, 0, 1], (i % 4096) as u16));
            let h = state.hash_one((src, dst));
            all.insert(h);
            low.insert(h & 0xfff);
            top.insert(h >> 57);
        }
        assert_eq!(all.len(), 65_536);
        assert!(low.len() > 4000, "{}", low.len());
        assert_eq!(top.len(), 128);
    }

    #[test]
    fn map_works() {
        let mut map: FastMap<SocketAddr, u32> = FastMap::default();
        for port in 0..1000u16 {
            map.insert(SocketAddr::from(([192, 0, 2, 1], port)), u32::from(port));
        }
        assert_eq!(map.len(), 1000);
        assert_eq!(
            map.get(&SocketAddr::from(([192, 0, 2, 1], 999))),
            Some(&999)
        );
        assert_eq!(map.get(&SocketAddr::from(([192, 0, 2, 2], 999))), None);
    }
}
