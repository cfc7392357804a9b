//! The demo staff.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use super::DEMO_STAFF_PASSWORD;
use crate::error::AppError;
use crate::ssr::identity::password;

/// Demo staff: `admin` (管理者) and `operator` (担当者), once. They enrol
/// their second factor at their first login, like anyone.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::domain::staff::StaffRole;
    use crate::ssr::entities::staff_account;

    if staff_account::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let hash = password::hash_blocking(DEMO_STAFF_PASSWORD.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    for (login_id, name, role, email) in [
        (
            "admin",
            "山本直子",
            StaffRole::Admin,
            "admin@staff.example.jp",
        ),
        (
            "operator",
            "佐藤健一",
            StaffRole::Operator,
            "operator@staff.example.jp",
        ),
    ] {
        staff_account::ActiveModel {
            login_id: Set(login_id.into()),
            name: Set(name.into()),
            role: Set(role),
            password_hash: Set(hash.clone()),
            active: Set(true),
            failed_login_count: Set(0),
            locked_until: Set(None),
            last_login_at: Set(None),
            // The second factor is enrolled at the first login.
            email: Set(Some(email.into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
