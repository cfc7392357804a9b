//! "Now", in one place, so date rules can be tested and demoed at other dates.
//! Clones share one offset: moving one clock moves the whole server's.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system time; zero in production.
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn with_offset(offset: Duration) -> Self {
        let clock = Self::default();
        clock.advance(offset);
        clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone) by `by`; development and tests only.
    pub fn advance(&self, by: Duration) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_move_together() {
        let a = Clock::system();
        let b = a.clone();
        let before = b.now();
        a.advance(Duration::hours(1));
        let moved = b.now() - before;
        assert!(moved >= Duration::hours(1) && moved < Duration::hours(1) + Duration::seconds(5));
    }
}
