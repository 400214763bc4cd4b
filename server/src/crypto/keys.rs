//! Per-purpose keys derived from the master secret with HKDF-SHA256, so a
//! key that leaks from one use (a log tag) says nothing about another (the
//! token signing key).

use std::fmt;

use ring::signature::{Ed25519KeyPair, KeyPair};
use ring::{aead, hkdf, hmac};

use super::random_bytes;

const HKDF_SALT: &[u8] = b"laowu-server keys v1";

pub struct ServerKeys {
    access_tokens: hmac::Key,
    lookup: hmac::Key,
    log_tags: hmac::Key,
    codes: hmac::Key,
    seal: aead::LessSafeKey,
    /// Signs what phones must be able to trust offline: time tokens,
    /// decisions, policies, deletion certificates.
    signing: Ed25519KeyPair,
}

impl ServerKeys {
    pub fn derive(master: &[u8]) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(master);
        let hmac_key = |info: &'static [u8]| -> hmac::Key {
            let info = [info];
            prk.expand(&info, hmac::HMAC_SHA256)
                .expect("HKDF-SHA256 yields one HMAC-SHA256 key")
                .into()
        };
        let seal_info = [b"seal".as_slice()];
        let seal: aead::UnboundKey = prk
            .expand(&seal_info, &aead::AES_256_GCM)
            .expect("HKDF-SHA256 yields one AES-256 key")
            .into();
        let mut seed = [0u8; 32];
        prk.expand(&[b"ed25519 signing".as_slice()], SeedLen)
            .expect("HKDF-SHA256 yields 32 bytes")
            .fill(&mut seed)
            .expect("HKDF-SHA256 yields 32 bytes");
        let signing =
            Ed25519KeyPair::from_seed_unchecked(&seed).expect("any 32 bytes are an Ed25519 seed");
        seed.fill(0);
        ServerKeys {
            signing,
            access_tokens: hmac_key(b"access tokens"),
            lookup: hmac_key(b"lookup"),
            log_tags: hmac_key(b"log tags"),
            codes: hmac_key(b"sms codes"),
            seal: aead::LessSafeKey::new(seal),
        }
    }

    /// Ed25519 over `message`, hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).as_ref())
    }

    /// The Ed25519 public key phones pin, hex.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing.public_key().as_ref())
    }

    pub fn sign_access_token(&self, message: &[u8]) -> Vec<u8> {
        hmac::sign(&self.access_tokens, message).as_ref().to_vec()
    }

    /// Constant-time.
    pub fn verify_access_token(&self, message: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.access_tokens, message, tag).is_ok()
    }

    /// A stable, keyed stand-in for a personal value (a phone number, a
    /// client address) to look rows up and count rate limits by, without
    /// storing the value. `domain` keeps the kinds apart.
    pub fn lookup_key(&self, domain: &str, value: &str) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.lookup);
        ctx.update(domain.as_bytes());
        ctx.update(&[0]);
        ctx.update(value.as_bytes());
        ctx.sign().as_ref().to_vec()
    }

    /// Eight hex digits that let an operator follow one number through the
    /// logs without the logs holding the number (a separate key from
    /// [`Self::lookup_key`], so logs cannot be joined to the database).
    pub fn log_tag(&self, value: &str) -> String {
        let tag = hmac::sign(&self.log_tags, value.as_bytes());
        hex::encode(&tag.as_ref()[..4])
    }

    /// The stored form of an SMS code: bound to the code's row and purpose,
    /// and keyed, because a salted hash of six digits falls to a million
    /// guesses to anyone holding a copy of the database.
    pub fn code_mac(&self, code_id: &str, purpose: &str, digits: &str) -> Vec<u8> {
        hmac::sign(&self.codes, &code_message(code_id, purpose, digits))
            .as_ref()
            .to_vec()
    }

    /// Constant-time.
    pub fn verify_code(&self, code_id: &str, purpose: &str, digits: &str, mac: &[u8]) -> bool {
        hmac::verify(&self.codes, &code_message(code_id, purpose, digits), mac).is_ok()
    }

    /// AES-256-GCM with a random nonce, the nonce stored in front. `context`
    /// (table, column, row id) is authenticated, so a sealed value copied to
    /// another row or column does not open.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        random_bytes(&mut nonce);
        let mut out = plaintext.to_vec();
        self.seal
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(context.as_bytes()),
                &mut out,
            )
            .expect("AES-GCM seals any input shorter than 64 GiB");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&out);
        sealed
    }

    pub fn open(&self, context: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, body) = sealed.split_at_checked(aead::NONCE_LEN)?;
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .seal
            .open_in_place(nonce, aead::Aad::from(context.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

fn code_message(code_id: &str, purpose: &str, digits: &str) -> Vec<u8> {
    format!("{code_id}\n{purpose}\n{digits}").into_bytes()
}

impl fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKeys(<secret>)")
    }
}

/// HKDF output length for the Ed25519 seed.
struct SeedLen;

impl hkdf::KeyType for SeedLen {
    fn len(&self) -> usize {
        32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(seed: u8) -> ServerKeys {
        ServerKeys::derive(&[seed; 32])
    }

    #[test]
    fn lookups_are_stable_keyed_and_separated_by_domain() {
        let k = keys(1);
        assert_eq!(
            k.lookup_key("phone", "13812341234"),
            k.lookup_key("phone", "13812341234")
        );
        assert_ne!(
            k.lookup_key("phone", "13812341234"),
            k.lookup_key("ip", "13812341234")
        );
        assert_ne!(
            k.lookup_key("phone", "13812341234"),
            keys(2).lookup_key("phone", "13812341234")
        );
        assert_eq!(k.log_tag("13812341234").len(), 8);
    }

    #[test]
    fn code_macs_bind_id_purpose_and_digits() {
        let k = keys(1);
        let mac = k.code_mac("id1", "register", "123456");
        assert!(k.verify_code("id1", "register", "123456", &mac));
        assert!(!k.verify_code("id1", "register", "123457", &mac));
        assert!(!k.verify_code("id2", "register", "123456", &mac));
        assert!(!k.verify_code("id1", "reset", "123456", &mac));
    }

    #[test]
    fn sealed_values_open_only_in_their_context_and_under_their_key() {
        let k = keys(1);
        let sealed = k.seal("accounts.phone:a1", b"13812341234");
        assert!(!sealed.windows(11).any(|w| w == b"13812341234"));
        assert_eq!(
            k.open("accounts.phone:a1", &sealed).unwrap(),
            b"13812341234"
        );
        assert!(k.open("accounts.phone:a2", &sealed).is_none());
        assert!(keys(2).open("accounts.phone:a1", &sealed).is_none());
        assert!(k.open("accounts.phone:a1", &sealed[..5]).is_none());
    }

    #[test]
    fn access_token_tags_verify_only_their_message() {
        let k = keys(1);
        let tag = k.sign_access_token(b"payload");
        assert!(k.verify_access_token(b"payload", &tag));
        assert!(!k.verify_access_token(b"payloae", &tag));
        assert!(!keys(2).verify_access_token(b"payload", &tag));
    }
}
