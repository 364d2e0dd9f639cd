//! Deterministic identifiers and tokens.
//!
//! With a seed, every id and token the emulator hands out is reproducible for the same sequence of
//! requests, which keeps recorded test exchanges stable. Without one, the seed comes from the standard
//! library's per-process random hasher keys, so two runs never share tokens.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// SplitMix64: tiny, fast, and good enough for test identifiers (not for real secrets).
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// User codes avoid letters that are easy to confuse when read aloud or typed (no I, O, 0, 1).
const USER_CODE: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// A seed nobody can predict, for runs without `--seed`.
    pub fn unpredictable_seed() -> u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        hasher.finish()
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniformly chosen index below `bound` (bound > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        // Rejection sampling keeps the distribution even; the loop almost never repeats.
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let value = self.next_u64();
            if value < zone {
                return value % bound;
            }
        }
    }

    fn string_from(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }

    pub fn alphanumeric(&mut self, len: usize) -> String {
        self.string_from(ALPHANUMERIC, len)
    }

    pub fn url_safe(&mut self, len: usize) -> String {
        self.string_from(URL_SAFE, len)
    }

    pub fn upper_alnum(&mut self, len: usize) -> String {
        self.string_from(UPPER_ALNUM, len)
    }

    /// `ABCD-EFGH`, the shape IAM Identity Center shows on its device page.
    pub fn user_code(&mut self) -> String {
        format!("{}-{}", self.string_from(USER_CODE, 4), self.string_from(USER_CODE, 4))
    }

    pub fn digits(&mut self, len: usize) -> String {
        self.string_from(b"0123456789", len)
    }

    /// A version-4-shaped UUID (for request ids).
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.alphanumeric(32), b.alphanumeric(32));
        assert_eq!(a.user_code(), b.user_code());
        assert_ne!(Rng::new(7).alphanumeric(32), Rng::new(8).alphanumeric(32));
    }

    #[test]
    fn shapes() {
        let mut rng = Rng::new(1);
        let code = rng.user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(code.chars().filter(|c| *c != '-').all(|c| USER_CODE.contains(&(c as u8))));
        let uuid = rng.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(rng.digits(12).chars().all(|c| c.is_ascii_digit()));
        for bound in [1, 2, 3, 10, 1000] {
            assert!(rng.below(bound) < bound);
        }
    }
}
