//! Demo data for development: a showcase of members, contracts, staff and
//! procedures that `scripts/dev.sh` loads (`MYPAGE_DEMO_DATA`), and
//! [`fixtures`]: fresh members made on request for the tests. Loading is
//! idempotent: running it again changes nothing. Every demo account has the
//! password [`DEMO_PASSWORD`].

pub mod bench;
mod catalogue;
pub mod fixtures;
mod members;
mod procedures;
mod staff;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::error::AppError;

pub const DEMO_PASSWORD: &str = "kyosai-demo-2026";

/// The password of the demo staff accounts `admin` and `operator`.
pub const DEMO_STAFF_PASSWORD: &str = "kyosai-staff-2026";

/// The whole showcase: the course and rider catalogue, the demo members with
/// their contracts, the demo staff and the procedures behind the demo's
/// decided changes.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    catalogue::load(db).await?;
    members::load(db, now).await?;
    members::load_contracts(db, now).await?;
    staff::load(db, now).await?;
    procedures::load(db, now).await?;
    members::load_money(db, now).await
}
