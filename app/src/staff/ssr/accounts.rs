//! Staff accounts (S1): created by the operator command (the first admin) or
//! by an admin; admins change roles, disable and unlock them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::super::StaffRow;
use super::auth::current_staff;
use crate::auth::ssr::request_context;
use crate::domain::jst;
use crate::domain::lockout::LockoutState;
use crate::domain::staff::{parse_login_id, StaffRole, NAME_MAX};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{staff_account, staff_session};
use crate::ssr::identity::{password, password_policy::check_new_password};

/// A new staff account, as typed.
pub struct NewStaff<'a> {
    pub login_id: &'a str,
    pub name: &'a str,
    pub role: StaffRole,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

/// Creates a staff account after checking every field; `by` is the admin, or
/// `None` for the operator command.
pub async fn create(
    db: &DatabaseConnection,
    new: NewStaff<'_>,
    by: Option<i32>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<staff_account::Model, AppError> {
    let login_id = parse_login_id(new.login_id).map_err(|e| AppError::field("login_id", e.0))?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "氏名を入力してください。"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::field(
            "name",
            format!("氏名は{NAME_MAX}文字以内で入力してください。"),
        ));
    }
    check_new_password(
        "password",
        new.password,
        new.password_confirm,
        &[login_id.as_str()],
    )?;
    let taken = "このログインIDはすでに使われています。";
    if staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq(login_id.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::field("login_id", taken));
    }
    let hash = password::hash_blocking(new.password.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let saved = staff_account::ActiveModel {
        login_id: Set(login_id.clone()),
        name: Set(name.to_owned()),
        role: Set(new.role),
        password_hash: Set(hash),
        active: Set(true),
        failed_login_count: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    // Someone took the ID in between: the unique index decides.
    .map_err(|_| AppError::field("login_id", taken))?;
    audit::record(
        &txn,
        audit::Entry {
            actor: by.map_or(Actor::System, Actor::Staff),
            member_id: None,
            action: "staff_created",
            before: None,
            after: Some(format!("{login_id}({name}){}", new.role.label())),
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// [`crate::staff::create_staff_account`].
pub async fn create_request(
    login_id: &str,
    name: &str,
    role: &str,
    password: &str,
    password_confirm: &str,
) -> Result<(), AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let (state, client, now, _) = request_context()?;
    let role = StaffRole::from_code(role)
        .ok_or_else(|| AppError::field("role", "権限を選んでください。"))?;
    let new = NewStaff {
        login_id,
        name,
        role,
        password,
        password_confirm,
    };
    create(&state.db, new, Some(me.staff_id), &client.ip, now).await?;
    Ok(())
}

/// [`crate::staff::staff_accounts`].
pub async fn list() -> Result<Vec<StaffRow>, AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let (state, _, now, _) = request_context()?;
    Ok(staff_account::Entity::find()
        .order_by_asc(staff_account::Column::LoginId)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| StaffRow {
            locked: LockoutState {
                failed_count: a.failed_login_count,
                locked_until: a.locked_until,
            }
            .is_locked(now),
            is_me: a.id == me.staff_id,
            id: a.id,
            login_id: a.login_id,
            name: a.name,
            role: a.role,
            active: a.active,
            last_login: a.last_login_at.map(jst::format_datetime),
        })
        .collect())
}

/// [`crate::staff::update_staff_account`]. Admins cannot demote or disable
/// themselves, so there is always an admin left who can undo a mistake.
pub async fn update(id: i32, change: &str) -> Result<(), AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let (state, client, now, _) = request_context()?;
    let target = staff_account::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == me.staff_id && matches!(change, "make_operator" | "disable") {
        return Err(AppError::Conflict(
            "ご自身の権限を下げたり、ご自身を停止したりすることはできません。".to_owned(),
        ));
    }
    let mut active = staff_account::ActiveModel {
        id: Set(target.id),
        updated_at: Set(now),
        ..Default::default()
    };
    let (action, before, after) = match change {
        "make_admin" => {
            active.role = Set(StaffRole::Admin);
            ("staff_role", target.role.label(), StaffRole::Admin.label())
        }
        "make_operator" => {
            active.role = Set(StaffRole::Operator);
            (
                "staff_role",
                target.role.label(),
                StaffRole::Operator.label(),
            )
        }
        "disable" => {
            active.active = Set(false);
            ("staff_disabled", "利用中", "停止")
        }
        "enable" => {
            active.active = Set(true);
            ("staff_enabled", "停止", "利用中")
        }
        "unlock" => {
            active.failed_login_count = Set(0);
            active.locked_until = Set(None);
            ("staff_unlocked", "ロック中", "ロック解除")
        }
        _ => return Err(AppError::NotFound),
    };
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    active.update(&txn).await?;
    if change == "disable" {
        end_sessions(&txn, target.id).await?;
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff(me.staff_id),
            member_id: None,
            action,
            before: Some(format!("{} {before}", target.login_id)),
            after: Some(format!("{} {after}", target.login_id)),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A disabled account is logged out everywhere at once.
async fn end_sessions(txn: &impl ConnectionTrait, staff_id: i32) -> Result<(), AppError> {
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::StaffId.eq(staff_id))
        .exec(txn)
        .await?;
    Ok(())
}
