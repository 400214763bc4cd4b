//! Randomness from the operating system (ring's `SystemRandom`).

use ring::rand::{SecureRandom, SystemRandom};

pub fn random_bytes(out: &mut [u8]) {
    // The OS generator failing means the machine cannot do cryptography at
    // all; serving on would hand out guessable codes and tokens.
    SystemRandom::new()
        .fill(out)
        .expect("the operating system's random generator failed");
}

/// A random 128-bit identifier, 32 lowercase hex digits.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A uniformly random number below `bound` (rejection sampling: `%` alone
/// would favour small values).
pub fn random_below(bound: u32) -> u32 {
    assert!(bound > 0);
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let mut bytes = [0u8; 4];
        random_bytes(&mut bytes);
        let n = u32::from_le_bytes(bytes);
        if n < zone {
            return n % bound;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_distinct() {
        let a = random_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_id());
    }

    #[test]
    fn below_stays_below() {
        for _ in 0..1000 {
            assert!(random_below(10) < 10);
        }
    }
}
