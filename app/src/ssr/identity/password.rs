//! Password hashing: argon2id at OWASP's recommended cost, off the async
//! workers, and never more at once than the machine has cores (each takes
//! 19 MiB): a storm of logins waits its turn briefly and is then told the
//! service is busy, instead of taking gigabytes.

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::policy::{HASHES_AT_ONCE, HASH_WAIT_MS};
use crate::error::AppError;

/// The hashing slots of this process.
fn slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let slots = if HASHES_AT_ONCE == 0 {
                cores
            } else {
                HASHES_AT_ONCE
            };
            Arc::new(Semaphore::new(slots))
        })
        .clone()
}

static WAIT_MS: AtomicU64 = AtomicU64::new(HASH_WAIT_MS);

/// Sets how long a login waits for a hashing slot in this process. The
/// server keeps [`HASH_WAIT_MS`]; the test binary, which runs dozens of
/// scenarios side by side on two cores, waits longer.
pub fn set_hash_wait(wait: Duration) {
    WAIT_MS.store(
        u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// A hashing slot, held until the work it runs is done, even if the request
/// that asked for it is gone meanwhile (a client that disconnects cannot
/// pile hashes up beyond the slots).
pub struct HashSlot {
    _held: OwnedSemaphorePermit,
}

/// Waits for a free hashing slot; [`AppError::Busy`] if none frees up in time.
/// A login takes its slot before it counts a try, so a busy answer costs the
/// account nothing.
pub async fn slot() -> Result<HashSlot, AppError> {
    let wait = Duration::from_millis(WAIT_MS.load(Ordering::Relaxed));
    slot_in(slots(), wait).await
}

async fn slot_in(slots: Arc<Semaphore>, wait: Duration) -> Result<HashSlot, AppError> {
    match tokio::time::timeout(wait, slots.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(HashSlot { _held: permit }),
        Ok(Err(_)) => Err(AppError::Internal),
        Err(_) => {
            tracing::warn!("password hashing busy: a login was turned away");
            Err(AppError::Busy)
        }
    }
}

impl HashSlot {
    /// Runs `work` (an argon2 computation) on a blocking thread, the slot
    /// held until it ends.
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        tokio::task::spawn_blocking(move || {
            let _held = self;
            work()
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })
    }

    /// [`verify`] against `stored`, or against the dummy hash for an account
    /// that does not exist (the same work, the same answer).
    pub async fn verify(self, stored: Option<String>, password: String) -> Result<bool, AppError> {
        self.run(move || match stored {
            Some(h) => verify(&h, &password),
            None => {
                verify(dummy_hash(), &password);
                false
            }
        })
        .await
    }

    pub async fn hash(self, password: String) -> Result<String, AppError> {
        self.run(move || hash(&password)).await?
    }

    /// A refusal that checks no password (a locked account): the slot is
    /// let go at once, and the answer comes as late as a check's would.
    pub async fn pass_like_a_check(self) {
        drop(self);
        tokio::time::sleep(verify_time()).await;
    }
}

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// argon2's working memory (19 MiB), kept and reused: one set per hash
/// running at once. Allocating it per hash left the allocator holding
/// hundreds of megabytes after a storm of logins (freed 19 MiB chunks in
/// several arenas); reused, the process keeps at most one set per slot.
fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
    let taken = POOL.lock().ok().and_then(|mut pool| pool.pop());
    let mut memory = taken.unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let result = work(&mut memory[..blocks]);
    if let Ok(mut pool) = POOL.lock() {
        pool.push(memory);
    }
    result
}

/// The raw argon2id output for `password` with `salt` and `params`.
fn compute(
    password: &[u8],
    salt: &[u8],
    params: Params,
    version: Version,
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params);
    with_memory(blocks, |memory| {
        argon2.hash_password_into_with_memory(password, salt, out, memory)
    })
}

pub fn hash(password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(|e| fail(&e))?;
    let mut out = [0u8; 32];
    compute(
        password.as_bytes(),
        salt_raw,
        params(),
        Version::V0x13,
        &mut out,
    )
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Checks `password` against a stored PHC string (argon2id). A malformed
/// hash never matches; the comparison takes constant time.
pub fn verify(stored: &str, password: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(stored).ok()?;
        if parsed.algorithm != argon2::ARGON2ID_IDENT {
            return None;
        }
        let expected = parsed.hash?;
        let params = Params::try_from(&parsed).ok()?;
        let version = Version::try_from(parsed.version.unwrap_or(0x13)).ok()?;
        let mut salt_bytes = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_bytes).ok()?;
        let mut out = vec![0u8; expected.len()];
        compute(password.as_bytes(), salt, params, version, &mut out).ok()?;
        // Output's equality is constant-time.
        Some(Output::new(&out).ok()? == expected)
    };
    match check() {
        Some(right) => right,
        // Not a hash (an account whose holder has not chosen a password
        // yet): as much work as a real check, and no.
        None => {
            if stored != dummy_hash() {
                verify(dummy_hash(), password);
            }
            false
        }
    }
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

/// [`HashSlot::verify`] in the next free slot.
pub async fn verify_blocking(stored: Option<String>, password: String) -> Result<bool, AppError> {
    slot().await?.verify(stored, password).await
}

/// [`hash`] in the next free slot.
pub async fn hash_blocking(password: String) -> Result<String, AppError> {
    slot().await?.hash(password).await
}

/// How long one verification takes (measured once, warm): a refusal that
/// checks no password waits this long, so it answers in the time a wrong
/// password takes.
fn verify_time() -> Duration {
    static TIME: OnceLock<Duration> = OnceLock::new();
    *TIME.get_or_init(|| {
        let dummy = dummy_hash();
        verify(dummy, "warming the working memory");
        let started = Instant::now();
        verify(dummy, "a password that is never right");
        started.elapsed()
    })
}

/// Warms the dummy hash and measures a check at start, so the first
/// unknown-account or locked login is not faster.
pub fn warm_up() {
    let _ = verify_time();
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

    #[tokio::test]
    async fn no_more_hashes_at_once_than_slots_and_a_clear_answer_when_full() {
        let slots = Arc::new(Semaphore::new(1));
        let held = slot_in(slots.clone(), Duration::from_secs(1))
            .await
            .unwrap();
        let wait = Duration::from_millis(20);
        assert!(
            matches!(slot_in(slots.clone(), wait).await, Err(AppError::Busy)),
            "every slot taken: turned away after the wait"
        );
        drop(held);
        let slot = slot_in(slots.clone(), wait).await.unwrap();
        assert_eq!(slot.run(|| 2).await, Ok(2));
        // Parallel work never exceeds the slots.
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let slots = Arc::new(Semaphore::new(2));
        let jobs = (0..8).map(|_| {
            let (running, peak, slots) = (running.clone(), peak.clone(), slots.clone());
            async move {
                let slot = slot_in(slots, Duration::from_secs(30)).await?;
                slot.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }
        });
        for done in futures::future::join_all(jobs).await {
            done.unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= 2);
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"kyosai-demo-2026", &salt)
            .unwrap()
            .to_string();
        assert!(verify(&theirs, "kyosai-demo-2026"));
        assert!(!verify(&theirs, "kyosai-demo-2027"));
        // And ours verify with the crate's own verifier.
        use argon2::PasswordVerifier;
        let ours = hash("kyosai-demo-2026").unwrap();
        assert!(Argon2::default()
            .verify_password(b"kyosai-demo-2026", &PasswordHash::new(&ours).unwrap())
            .is_ok());
    }

    #[test]
    fn malformed_hashes_never_match() {
        assert!(!verify("", "x"));
        assert!(!verify("plain text", "plain text"));
    }
}
