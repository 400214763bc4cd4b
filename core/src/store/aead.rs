//! Per-value AEAD (AES-256-GCM from ring) and keyed lookup hashes.
//!
//! A sealed value is `version (1) || nonce (12) || ciphertext || tag (16)`.
//! The associated data names the table, column and row the value belongs to,
//! so a sealed value copied to another row or column fails to open.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use zeroize::Zeroizing;

/// Length of every data key, wrapped or not.
pub const KEY_LEN: usize = 32;
const FORMAT_V1: u8 = 1;
const TAG_LEN: usize = 16;

/// Where a sealed value lives; bound into its associated data.
#[derive(Clone, Copy, Debug)]
pub struct Slot<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'a str,
}

impl Slot<'_> {
    fn associated_data(&self) -> Vec<u8> {
        let mut ad = Vec::with_capacity(16 + self.table.len() + self.column.len() + self.row.len());
        ad.extend_from_slice(b"laowu.v1\0");
        ad.extend_from_slice(self.table.as_bytes());
        ad.push(0);
        ad.extend_from_slice(self.column.as_bytes());
        ad.push(0);
        ad.extend_from_slice(self.row.as_bytes());
        ad
    }
}

/// The sealed value could not be opened: wrong key, wrong slot or tampered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed value failed authentication")]
pub struct OpenFailed;

/// A category's data key and the lookup key derived from it. Both are zeroized on
/// drop. ring's key schedules are built per call and live only for that call.
pub struct DataKey {
    aead: Zeroizing<[u8; KEY_LEN]>,
    lookup: Zeroizing<[u8; KEY_LEN]>,
}

impl DataKey {
    /// A fresh random key.
    pub fn generate(rng: &SystemRandom) -> Self {
        let mut raw = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(raw.as_mut())
            .expect("the operating system's random source failed");
        Self::from_raw(&raw)
    }

    /// Rebuilds a key from its raw bytes (as unwrapped by the vault).
    pub fn from_bytes(raw: &[u8]) -> Option<Self> {
        let raw: &[u8; KEY_LEN] = raw.try_into().ok()?;
        Some(Self::from_raw(raw))
    }

    fn from_raw(raw: &[u8; KEY_LEN]) -> Self {
        let mut lookup = Zeroizing::new([0u8; KEY_LEN]);
        hkdf::Salt::new(hkdf::HKDF_SHA256, b"laowu lookup salt v1")
            .extract(raw)
            .expand(&[b"laowu lookup key v1"], hkdf::HKDF_SHA256)
            .and_then(|okm| okm.fill(lookup.as_mut()))
            .expect("HKDF output length is valid");
        Self {
            aead: Zeroizing::new(*raw),
            lookup,
        }
    }

    /// The raw key, for wrapping by the vault only.
    pub fn raw(&self) -> &[u8] {
        self.aead.as_ref()
    }

    fn aead_key(&self) -> LessSafeKey {
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, self.aead.as_ref()).expect("key length is 32"),
        )
    }

    /// Seals `plaintext` for `slot` under a fresh random nonce.
    pub fn seal(&self, rng: &SystemRandom, slot: Slot<'_>, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce)
            .expect("the operating system's random source failed");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let tag = self
            .aead_key()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(slot.associated_data()),
                &mut out[1 + NONCE_LEN..],
            )
            .expect("plaintext fits AES-GCM limits");
        out.extend_from_slice(tag.as_ref());
        out
    }

    /// Opens a value sealed by [`DataKey::seal`] for the same slot.
    pub fn open(&self, slot: Slot<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
            return Err(OpenFailed);
        }
        let nonce =
            Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).map_err(|_| OpenFailed)?;
        let mut buf = Zeroizing::new(sealed[1 + NONCE_LEN..].to_vec());
        let len = self
            .aead_key()
            .open_in_place(nonce, Aad::from(slot.associated_data()), buf.as_mut_slice())
            .map_err(|_| OpenFailed)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }

    /// A keyed hash (HMAC-SHA256) for finding rows by value without storing it.
    /// `kind` separates lookups of different fields that might share a value.
    pub fn lookup(&self, kind: &str, value: &[u8]) -> Vec<u8> {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.lookup.as_ref());
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(kind.as_bytes());
        ctx.update(&[0]);
        ctx.update(value);
        ctx.sign().as_ref().to_vec()
    }
}

/// Fills a new random identifier of `N` bytes, hex encoded.
pub fn random_id<const N: usize>(rng: &SystemRandom) -> String {
    let mut raw = [0u8; N];
    rng.fill(&mut raw)
        .expect("the operating system's random source failed");
    hex::encode(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(row: &str) -> Slot<'_> {
        Slot {
            table: "record",
            column: "value",
            row,
        }
    }

    #[test]
    fn seal_open_round_trip_and_binding() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng);
        let sealed = key.seal(&rng, slot("a"), "张三".as_bytes());
        assert_eq!(
            key.open(slot("a"), &sealed).unwrap().as_slice(),
            "张三".as_bytes()
        );
        // Another row, another column, another key, a flipped bit: all refused.
        assert_eq!(key.open(slot("b"), &sealed), Err(OpenFailed));
        let other_column = Slot {
            column: "at",
            ..slot("a")
        };
        assert_eq!(key.open(other_column, &sealed), Err(OpenFailed));
        assert_eq!(
            DataKey::generate(&rng).open(slot("a"), &sealed),
            Err(OpenFailed)
        );
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(slot("a"), &flipped), Err(OpenFailed));
        assert_eq!(key.open(slot("a"), &sealed[..10]), Err(OpenFailed));
    }

    #[test]
    fn nonces_differ_and_plaintext_is_absent() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng);
        let a = key.seal(&rng, slot("a"), b"110105199003070022");
        let b = key.seal(&rng, slot("a"), b"110105199003070022");
        assert_ne!(a, b);
        assert!(!a.windows(18).any(|w| w == b"110105199003070022"));
    }

    #[test]
    fn lookup_is_keyed_and_separated_by_kind() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng);
        let same = DataKey::from_bytes(key.raw()).unwrap();
        assert_eq!(
            key.lookup("mobile", b"13800138000"),
            same.lookup("mobile", b"13800138000")
        );
        assert_ne!(
            key.lookup("mobile", b"13800138000"),
            key.lookup("name", b"13800138000")
        );
        let other = DataKey::generate(&rng);
        assert_ne!(
            key.lookup("mobile", b"13800138000"),
            other.lookup("mobile", b"13800138000")
        );
        assert!(DataKey::from_bytes(&[0u8; 31]).is_none());
    }
}
