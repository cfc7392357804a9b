//! "Now", in one place, so date rules can be tested and demoed at other dates.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Added to the system time; zero in production.
    offset: Duration,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn with_offset(offset: Duration) -> Self {
        Self { offset }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}
