//! Counting requests per key in a sliding window, in the database so that every
//! server process sees the same counts.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use crate::error::AppError;
use crate::ssr::entities::rate_event;

/// Records one request in `bucket` unless `max` were already made within
/// `window` before `now`. Returns whether this one is allowed.
pub async fn allow(
    db: &impl ConnectionTrait,
    bucket: &str,
    max: u64,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let recent = rate_event::Entity::find()
        .filter(rate_event::Column::Bucket.eq(bucket))
        .filter(rate_event::Column::OccurredAt.gt(now - window))
        .count(db)
        .await?;
    if recent >= max {
        return Ok(false);
    }
    rate_event::ActiveModel {
        bucket: Set(bucket.to_owned()),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(true)
}
