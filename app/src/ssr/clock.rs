//! "Now", in one place, so date rules can be tested and demoed at other dates.
//! Clones share one state: moving one clock moves the whole server's.
//!
//! Three kinds, all with microsecond precision (what PostgreSQL keeps):
//! - [`Clock::system`]: the system time; production.
//! - a system clock moved by `advance` (development's `POST /dev/clock`): the
//!   time still runs, shifted.
//! - [`Clock::frozen`]: stands still until `advance` moves it; server tests,
//!   so every timestamp of a scenario is exactly the one the test chose.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The farthest one `advance` may move a clock: far enough for any date rule
/// a test or demo needs (a year of coverage, a refund in July), near enough
/// that no arithmetic on "now" can overflow.
pub const MAX_ADVANCE: Duration = Duration::days(3 * 366);

/// The farthest all moves together may take a clock from where it started.
pub const MAX_TOTAL_ADVANCE: Duration = Duration::days(100 * 366);

#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum AdvanceError {
    #[error("a clock only moves forward")]
    Backwards,
    #[error("a clock moves at most {} days at once", MAX_ADVANCE.num_days())]
    TooFar,
    #[error("this clock has been moved as far as it goes")]
    Exhausted,
}

#[derive(Debug, Default)]
struct State {
    /// A frozen clock's time, in microseconds since the epoch.
    frozen_at: Option<i64>,
    /// Microseconds every `advance` together added.
    offset: AtomicI64,
}

#[derive(Debug, Clone, Default)]
pub struct Clock {
    state: Arc<State>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `at` until it is advanced.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            state: Arc::new(State {
                frozen_at: Some(at.timestamp_micros()),
                offset: AtomicI64::new(0),
            }),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = Duration::microseconds(self.state.offset.load(Ordering::Relaxed));
        let base = match self.state.frozen_at {
            Some(micros) => DateTime::from_timestamp_micros(micros).unwrap_or_default(),
            None => Utc::now(),
        };
        // The offset is bounded, so this cannot fail before the year 200000.
        base.checked_add_signed(offset).unwrap_or(base)
    }

    /// Moves this clock (and every clone) forward by `by`, at most
    /// [`MAX_ADVANCE`] at once; development and tests only.
    pub fn advance(&self, by: Duration) -> Result<(), AdvanceError> {
        if by < Duration::zero() {
            return Err(AdvanceError::Backwards);
        }
        if by > MAX_ADVANCE {
            return Err(AdvanceError::TooFar);
        }
        let by = by.num_microseconds().ok_or(AdvanceError::TooFar)?;
        let limit = MAX_TOTAL_ADVANCE.num_microseconds().unwrap_or(i64::MAX);
        self.state
            .offset
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset.checked_add(by).filter(|total| *total <= limit)
            })
            .map(|_| ())
            .map_err(|_| AdvanceError::Exhausted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};

    #[test]
    fn clones_move_together() {
        let a = Clock::system();
        let b = a.clone();
        let before = b.now();
        a.advance(Duration::hours(1)).unwrap();
        let moved = b.now() - before;
        assert!(moved >= Duration::hours(1) && moved < Duration::hours(1) + Duration::seconds(5));
    }

    #[test]
    fn a_frozen_clock_stands_still_and_moves_exactly() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let clock = Clock::frozen(t);
        assert_eq!(clock.now(), t);
        assert_eq!(clock.now(), t);
        clock.advance(Duration::microseconds(1)).unwrap();
        assert_eq!(clock.now(), t + Duration::microseconds(1));
        clock.clone().advance(Duration::minutes(31)).unwrap();
        assert_eq!(
            clock.now(),
            t + Duration::minutes(31) + Duration::microseconds(1)
        );
    }

    #[test]
    fn advance_is_bounded() {
        let clock = Clock::frozen(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(
            clock.advance(Duration::seconds(-1)),
            Err(AdvanceError::Backwards)
        );
        assert_eq!(
            clock.advance(MAX_ADVANCE + Duration::seconds(1)),
            Err(AdvanceError::TooFar)
        );
        // Repeated moves stop at the total limit, far from chrono's.
        let mut moved = 0;
        while clock.advance(MAX_ADVANCE).is_ok() {
            moved += 1;
        }
        assert_eq!(moved, 33);
        // 33 × 1,098 days taken; 366 of the 36,600 are left.
        assert_eq!(
            clock.advance(Duration::days(367)),
            Err(AdvanceError::Exhausted)
        );
        clock.advance(Duration::days(366)).unwrap();
        assert_eq!(clock.now().year(), 2126);
    }
}
