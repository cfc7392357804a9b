//! Password hashing: argon2id at OWASP's recommended cost, off the async workers.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::OnceLock;

use crate::error::AppError;

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// Checks `password` against a stored PHC string. A malformed hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing anyone knows, verified for unknown accounts so that they
/// take as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash("dummy password that never matches").unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3sN0XhPvFgKJf3RJh6D1iTbHCzYSq0n4Rn8q6o6QYF0".into()
        })
    })
}

/// [`verify`] on a blocking thread, against `stored` or the dummy hash.
pub async fn verify_blocking(stored: Option<String>, password: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify(&h, &password),
        None => {
            verify(dummy_hash(), &password);
            false
        }
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password check task failed");
        AppError::Internal
    })
}

/// [`hash`] on a blocking thread.
pub async fn hash_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hash task failed");
            AppError::Internal
        })?
}

/// Warms the dummy hash at start so the first unknown-account login is not faster.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_cost_and_verify() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(&h, "correct horse battery staple"));
        assert!(!verify(&h, "correct horse battery stapl"));
        // Same password, new salt.
        assert_ne!(h, hash("correct horse battery staple").unwrap());
    }

    #[test]
    fn malformed_hashes_never_match() {
        assert!(!verify("", "x"));
        assert!(!verify("plain text", "plain text"));
    }
}
