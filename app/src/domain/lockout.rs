//! Account lockout (M15): five failed logins in a row lock the account for a while.
//! Pure state machine; the caller passes the time in.

use chrono::{DateTime, Duration, Utc};

use super::policy::{LOCKOUT_FAILURES as MAX_FAILURES, LOCKOUT_MINUTES as LOCK_MINUTES};

/// The lockout fields of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutState {
    pub failed_count: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl LockoutState {
    /// Whether a login attempt is refused outright at `now`.
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// The state after a wrong password at `now`. An expired lock starts a fresh count.
    pub fn after_failure(self, now: DateTime<Utc>) -> Self {
        let count = if self.locked_until.is_some_and(|until| now >= until) {
            1
        } else {
            self.failed_count + 1
        };
        if count >= MAX_FAILURES {
            Self {
                failed_count: count,
                locked_until: Some(now + Duration::minutes(LOCK_MINUTES)),
            }
        } else {
            Self {
                failed_count: count,
                locked_until: None,
            }
        }
    }

    /// The state after a correct password: everything forgotten.
    pub fn after_success() -> Self {
        Self {
            failed_count: 0,
            locked_until: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
    }

    #[test]
    fn locks_on_the_fifth_failure_in_a_row() {
        let mut s = LockoutState::after_success();
        for i in 1..MAX_FAILURES {
            s = s.after_failure(t0());
            assert_eq!(s.failed_count, i);
            assert!(!s.is_locked(t0()), "locked after {i}");
        }
        s = s.after_failure(t0());
        assert!(s.is_locked(t0()));
        assert!(s.is_locked(t0() + Duration::minutes(LOCK_MINUTES) - Duration::seconds(1)));
        assert!(!s.is_locked(t0() + Duration::minutes(LOCK_MINUTES)));
    }

    #[test]
    fn a_success_resets_the_count() {
        let mut s = LockoutState::after_success();
        for _ in 0..4 {
            s = s.after_failure(t0());
        }
        s = LockoutState::after_success();
        s = s.after_failure(t0());
        assert_eq!(s.failed_count, 1);
        assert!(!s.is_locked(t0()));
    }

    #[test]
    fn after_the_lock_expires_counting_starts_again() {
        let mut s = LockoutState::after_success();
        for _ in 0..MAX_FAILURES {
            s = s.after_failure(t0());
        }
        let later = t0() + Duration::minutes(LOCK_MINUTES + 1);
        s = s.after_failure(later);
        assert_eq!(s.failed_count, 1);
        assert!(!s.is_locked(later));
    }
}
