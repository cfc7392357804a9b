//! Limits per key and time window, in the database so that every server
//! process sees the same counts. One statement counts and decides: an upsert
//! that adds one only while the window's count is below the limit, so
//! parallel requests can never together get past it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query},
    ConnectionTrait,
};

use crate::error::AppError;
use crate::ssr::entities::rate_counter::{Column, Entity};

/// The start of the fixed window of length `window` that holds `now`.
pub fn window_start(now: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    let length = std::cmp::max(window.num_seconds(), 1);
    let start = now.timestamp().div_euclid(length) * length;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// Counts one request in `bucket` if fewer than `max` were counted in this
/// window. Returns whether this one is allowed.
pub async fn allow(
    db: &impl ConnectionTrait,
    bucket: &str,
    max: i32,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    count_in(db, bucket, max, window_start(now, window)).await
}

/// [`allow`] per calendar day in Japan: the count starts again at midnight
/// JST, as members read 「1日に」.
pub async fn allow_today(
    db: &impl ConnectionTrait,
    bucket: &str,
    max: i32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    count_in(db, bucket, max, crate::domain::jst::day_start(now)).await
}

async fn count_in(
    db: &impl ConnectionTrait,
    bucket: &str,
    max: i32,
    start: DateTime<Utc>,
) -> Result<bool, AppError> {
    if max <= 0 {
        return Ok(false);
    }
    let statement = Query::insert()
        .into_table(Entity)
        .columns([Column::Bucket, Column::WindowStart, Column::Count])
        .values_panic([bucket.into(), start.into(), 1.into()])
        .on_conflict(
            OnConflict::columns([Column::Bucket, Column::WindowStart])
                .value(Column::Count, Expr::col((Entity, Column::Count)).add(1))
                .action_and_where(Expr::col((Entity, Column::Count)).lt(max))
                .to_owned(),
        )
        .to_owned();
    Ok(db.execute(&statement).await?.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_fixed_and_aligned() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 17, 42).unwrap();
        assert_eq!(
            window_start(t, Duration::hours(1)),
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
        );
        assert_eq!(
            window_start(t, Duration::minutes(15)),
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).unwrap()
        );
    }
}
