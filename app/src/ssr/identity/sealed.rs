//! Secrets the server has to read back, sealed at rest: the staff's TOTP
//! secrets (a password can be hashed; a TOTP secret cannot, since each code
//! is computed from it). A copy of the database alone then gives no second
//! factor: the key is in the configuration (`MYPAGE_TOTP_KEY`), never in the
//! database.
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per seal (no counter to
//! share between processes), the row it belongs to as associated data (a
//! sealed value copied into another account's row does not open there).
//! Stored as `v1.` and the nonce and ciphertext in URL-safe base64. Earlier
//! keys (`MYPAGE_TOTP_OLD_KEYS`) still open what they sealed, and a value
//! stored before sealing existed (base32, no prefix) is read as it is; both
//! are reported stale, for [`crate::staff::ssr::second_factor::reseal_all`]
//! to seal again under the current key.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::Rng;

/// What a sealed value starts with (a base32 secret never holds a `.`).
const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The current key and the earlier ones. Its `Debug` shows no key.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKeys {
    current: [u8; 32],
    old: Vec<[u8; 32]>,
}

impl std::fmt::Debug for SealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealKeys(current + {} old, hidden)", self.old.len())
    }
}

/// A secret read back.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub secret: String,
    /// Sealed under an earlier key, or not sealed at all: seal it again.
    pub stale: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// The stored value opens under no key: altered, moved from another
    /// row, or sealed with a key no longer configured.
    #[error("a sealed secret could not be opened with the configured keys")]
    Unopenable,
    /// Only for a message longer than the cipher takes (256 GiB).
    #[error("a secret could not be sealed")]
    Unsealable,
}
use SealError::Unopenable;

impl SealKeys {
    pub fn new(current: [u8; 32], old: Vec<[u8; 32]>) -> Self {
        Self { current, old }
    }

    /// Whether `stored` was sealed (an unsealed value opens with any key).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// Seals `secret` for the row named by `context`.
    pub fn seal(&self, secret: &str, context: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&self.current.into());
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .map_err(|_| SealError::Unsealable)?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", B64.encode(bytes)))
    }

    /// Reads back what [`Self::seal`] stored for `context`.
    pub fn open(&self, stored: &str, context: &str) -> Result<Opened, SealError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(Opened {
                secret: stored.to_owned(),
                stale: true,
            });
        };
        let bytes = B64.decode(encoded).map_err(|_| Unopenable)?;
        if bytes.len() <= NONCE_LEN {
            return Err(Unopenable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        std::iter::once(&self.current)
            .chain(&self.old)
            .enumerate()
            .find_map(|(i, key)| {
                let payload = Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                };
                let plain = XChaCha20Poly1305::new(key.into())
                    .decrypt(XNonce::from_slice(nonce), payload)
                    .ok()?;
                Some(Opened {
                    secret: String::from_utf8(plain).ok()?,
                    stale: i > 0,
                })
            })
            .ok_or(Unopenable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [u8; 32] = [7; 32];
    const B: [u8; 32] = [9; 32];
    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_sealed_secret_opens_for_its_row_and_shows_nothing_of_itself() {
        let keys = SealKeys::new(A, vec![]);
        let sealed = keys.seal(SECRET, "staff_totp:1").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains(SECRET) && !sealed.contains("JBSWY3DP"));
        assert_eq!(
            keys.open(&sealed, "staff_totp:1"),
            Ok(Opened {
                secret: SECRET.into(),
                stale: false
            })
        );
        // A fresh nonce each time: the same secret never seals the same.
        assert_ne!(sealed, keys.seal(SECRET, "staff_totp:1").unwrap());
    }

    #[test]
    fn another_row_another_key_or_an_altered_value_does_not_open() {
        let keys = SealKeys::new(A, vec![]);
        let sealed = keys.seal(SECRET, "staff_totp:1").unwrap();
        assert_eq!(keys.open(&sealed, "staff_totp:2"), Err(Unopenable));
        assert_eq!(
            SealKeys::new(B, vec![]).open(&sealed, "staff_totp:1"),
            Err(Unopenable)
        );
        let mut bytes = B64.decode(&sealed[PREFIX.len()..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("{PREFIX}{}", B64.encode(&bytes));
        assert_eq!(keys.open(&altered, "staff_totp:1"), Err(Unopenable));
        for broken in [
            "v1.",
            "v1.!!!",
            "v1.AAAA",
            "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(
                keys.open(broken, "staff_totp:1"),
                Err(Unopenable),
                "{broken}"
            );
        }
    }

    #[test]
    fn earlier_keys_and_unsealed_values_open_as_stale() {
        let sealed_under_a = SealKeys::new(A, vec![])
            .seal(SECRET, "staff_totp:1")
            .unwrap();
        let rotated = SealKeys::new(B, vec![A]);
        assert_eq!(
            rotated.open(&sealed_under_a, "staff_totp:1"),
            Ok(Opened {
                secret: SECRET.into(),
                stale: true
            })
        );
        assert_eq!(
            rotated.open(SECRET, "staff_totp:1"),
            Ok(Opened {
                secret: SECRET.into(),
                stale: true
            })
        );
    }

    #[test]
    fn debug_hides_the_keys() {
        let shown = format!("{:?}", SealKeys::new(A, vec![B]));
        assert_eq!(shown, "SealKeys(current + 1 old, hidden)");
    }
}
