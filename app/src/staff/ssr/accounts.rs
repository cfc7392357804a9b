//! Staff accounts (S1): created by the operator command (the first admin,
//! who types their own password) or by an admin (the colleague gets a setup
//! link by mail); admins change roles, disable, unlock and reset them, never
//! choosing or seeing a colleague's password or second factor.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::super::StaffRow;
use super::auth::current_staff;
use crate::domain::email::Email;
use crate::domain::lockout::LockoutState;
use crate::domain::staff::{parse_login_id, StaffRole, NAME_MAX};
use crate::domain::{jst, policy};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::staff_link::{self, LinkPurpose};
use crate::ssr::entities::{staff_account, staff_recovery_code, staff_session};
use crate::ssr::identity::token::{new_token, token_hash};
use crate::ssr::identity::{password, password_policy::check_new_password};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::request::Request;
use crate::ssr::Config;

/// A new staff account, as typed.
pub struct NewStaff<'a> {
    pub login_id: &'a str,
    pub name: &'a str,
    pub role: StaffRole,
    /// Where the setup link (and later a reset link) goes.
    pub email: Option<&'a str>,
    /// Chosen by the person themselves: the operator command for the first
    /// admin. Admins never choose a colleague's password: without one, a
    /// setup link is mailed.
    pub password: Option<(&'a str, &'a str)>,
}

/// Passwords that match nothing: an account set up by link has none until
/// its holder chooses one.
const NO_PASSWORD: &str = "!";

/// Creates a staff account after checking every field; `by` is the admin, or
/// `None` for the operator command. Without a password, mails a setup link.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
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
    let email = match new.email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(Email::parse(e).map_err(|e| AppError::field("email", e.0))?),
        None if new.password.is_none() => {
            return Err(AppError::field(
                "email",
                "設定用のURLを送るメールアドレスを入力してください。",
            ))
        }
        None => None,
    };
    let hash = match new.password {
        Some((password, confirm)) => {
            let mut personal = vec![login_id.as_str()];
            if let Some(e) = &email {
                personal.push(e.as_str());
            }
            check_new_password("password", password, confirm, &personal)?;
            password::hash_blocking(password.to_owned()).await?
        }
        None => NO_PASSWORD.to_owned(),
    };
    let taken = "このログインIDはすでに使われています。";
    if staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq(login_id.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::field("login_id", taken));
    }
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
        email: Set(email.as_ref().map(|e| e.to_string())),
        totp_secret: Set(None),
        totp_enrolled_at: Set(None),
        totp_last_step: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    // Someone took the ID (or the address) in between: the unique index decides.
    .map_err(|e| {
        if crate::ssr::db::is_unique_violation(&e) {
            AppError::field(
                "login_id",
                "このログインIDまたはメールアドレスはすでに使われています。",
            )
        } else {
            e.into()
        }
    })?;
    if new.password.is_none() {
        mail_link(&txn, config, &saved, LinkPurpose::Setup, now).await?;
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: by.map_or(Actor::System, |staff_id| Actor::Staff { staff_id }),
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

/// Mails `account` a one-time link to choose a password; earlier links stop
/// working.
async fn mail_link(
    txn: &impl ConnectionTrait,
    config: &Config,
    account: &staff_account::Model,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = account.email.as_deref().ok_or_else(|| {
        AppError::Conflict("この職員にはメールアドレスが登録されていません。".to_owned())
    })?;
    staff_link::Entity::update_many()
        .col_expr(staff_link::Column::UsedAt, Expr::value(Some(now)))
        .filter(staff_link::Column::StaffId.eq(account.id))
        .filter(staff_link::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    let token = new_token();
    staff_link::ActiveModel {
        staff_id: Set(account.id),
        token_hash: Set(token_hash(&token)),
        purpose: Set(purpose),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(policy::STAFF_LINK_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let link = format!("{}/staff/setup?token={token}", config.public_url);
    let to = Recipient {
        email,
        name: &account.name,
    };
    let mail = templates::staff_link(
        config,
        &to,
        &account.login_id,
        &link,
        policy::STAFF_LINK_HOURS,
        purpose == LinkPurpose::Reset,
    );
    mail::enqueue(txn, mail, now).await
}

/// The account a setup or reset link may still be used for.
pub async fn check_link(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(staff_link::Model, staff_account::Model), AppError> {
    let link = staff_link::Entity::find()
        .filter(staff_link::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .filter(|l| l.used_at.is_none() && now < l.expires_at)
        .ok_or(AppError::InvalidLink)?;
    let account = staff_account::Entity::find_by_id(link.staff_id)
        .one(db)
        .await?
        .filter(|a| a.active)
        .ok_or(AppError::InvalidLink)?;
    Ok((link, account))
}

/// The holder of a link chooses their password. The link is used once.
pub async fn complete_link(
    db: &DatabaseConnection,
    token: &str,
    password: &str,
    confirm: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (link, account) = check_link(db, token, now).await?;
    let mut personal = vec![account.login_id.as_str()];
    if let Some(e) = &account.email {
        personal.push(e.as_str());
    }
    check_new_password("password", password, confirm, &personal)?;
    let hash = password::hash_blocking(password.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let used = staff_link::Entity::update_many()
        .col_expr(staff_link::Column::UsedAt, Expr::value(Some(now)))
        .filter(staff_link::Column::Id.eq(link.id))
        .filter(staff_link::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::InvalidLink);
    }
    staff_account::ActiveModel {
        id: Set(account.id),
        password_hash: Set(hash),
        failed_login_count: Set(0),
        locked_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: account.id,
            },
            member_id: None,
            action: "staff_password_changed",
            before: None,
            after: Some(format!("{}(メールのリンクから)", account.login_id)),
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// [`crate::staff::create_staff_account`]: the new colleague gets a setup link.
pub async fn create_request(
    login_id: &str,
    name: &str,
    role: &str,
    email: &str,
) -> Result<(), AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let role = StaffRole::from_code(role)
        .ok_or_else(|| AppError::field("role", "権限を選んでください。"))?;
    let new = NewStaff {
        login_id,
        name,
        role,
        email: Some(email),
        password: None,
    };
    create(
        &state.db,
        &state.config,
        new,
        Some(me.staff_id),
        &client.ip,
        now,
    )
    .await?;
    Ok(())
}

/// [`crate::staff::staff_accounts`].
pub async fn list() -> Result<Vec<StaffRow>, AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let Request { state, now, .. } = Request::current()?;
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
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let target = staff_account::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == me.staff_id && matches!(change, "make_operator" | "disable" | "reset") {
        return Err(AppError::Conflict(
            "ご自身の権限を下げたり、ご自身を停止したりすることはできません。".to_owned(),
        ));
    }
    // A change that would change nothing (a second click, another admin
    // first, or at the same moment) is told, not audited as if it had: the
    // update is made only from the state the change starts from.
    let from = match change {
        "make_admin" => staff_account::Column::Role.eq(StaffRole::Operator),
        "make_operator" => staff_account::Column::Role.eq(StaffRole::Admin),
        "disable" | "reset" => staff_account::Column::Active.eq(true),
        "enable" => staff_account::Column::Active.eq(false),
        "unlock" => staff_account::Column::LockedUntil.gt(now),
        _ => return Err(AppError::NotFound),
    };
    let mut active = staff_account::ActiveModel {
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
        // The admin never sees or chooses the new password or second factor:
        // the colleague gets a link and enrols again at the next login.
        "reset" => {
            active.password_hash = Set(NO_PASSWORD.to_owned());
            active.totp_secret = Set(None);
            active.totp_enrolled_at = Set(None);
            active.totp_last_step = Set(None);
            active.failed_login_count = Set(0);
            active.locked_until = Set(None);
            (
                "staff_reset",
                "パスワード・二段階認証",
                "リセット(設定用URLをメールで送付)",
            )
        }
        _ => return Err(AppError::NotFound),
    };
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let changed = staff_account::Entity::update_many()
        .set(active)
        .filter(staff_account::Column::Id.eq(target.id))
        .filter(from)
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "この職員のアカウントは、すでにその状態です。画面を読み込み直してご確認ください。"
                .to_owned(),
        ));
    }
    let updated = staff_account::Entity::find_by_id(target.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if matches!(change, "disable" | "reset") {
        end_sessions(&txn, target.id).await?;
    }
    if change == "reset" {
        staff_recovery_code::Entity::delete_many()
            .filter(staff_recovery_code::Column::StaffId.eq(target.id))
            .exec(&txn)
            .await?;
        mail_link(&txn, &state.config, &updated, LinkPurpose::Reset, now).await?;
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
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

/// [`crate::staff::check_staff_setup`].
pub async fn check_link_request(token: &str) -> Result<crate::staff::StaffSetup, AppError> {
    let Request { state, now, .. } = Request::current()?;
    let (_, account) = check_link(&state.db, token, now).await?;
    Ok(crate::staff::StaffSetup {
        login_id: account.login_id,
        name: account.name,
    })
}

/// [`crate::staff::complete_staff_setup`].
pub async fn complete_link_request(
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    complete_link(&state.db, token, password, confirm, &client.ip, now).await?;
    leptos_axum::redirect("/staff/login?setup=1");
    Ok(())
}

/// [`crate::staff::change_staff_password`]: the current password first (a
/// limited number of checks), then the policy; the other sessions end and
/// the staff member is told by mail.
pub async fn change_password(current: &str, new: &str, confirm: &str) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let db = &state.db;
    if current.is_empty() {
        return Err(AppError::field(
            "current_password",
            "現在のパスワードを入力してください。",
        ));
    }
    let bucket = format!("staff-current-password:{}", me.staff_id);
    if !crate::ssr::rate_limit::allow(
        db,
        &bucket,
        policy::CURRENT_PASSWORD_CHECKS,
        Duration::minutes(15),
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    if current.len() > policy::LOGIN_PASSWORD_MAX_BYTES
        || !password::verify_blocking(Some(me.account.password_hash.clone()), current.to_owned())
            .await?
    {
        return Err(AppError::field(
            "current_password",
            "現在のパスワードが正しくありません。",
        ));
    }
    let mut personal = vec![me.account.login_id.as_str()];
    if let Some(e) = &me.account.email {
        personal.push(e.as_str());
    }
    check_new_password("password", new, confirm, &personal)?;
    // The members' rule too (S1: the same password rules).
    if new == current {
        return Err(AppError::field(
            "password",
            "現在のパスワードとは別のものにしてください。",
        ));
    }
    let hash = password::hash_blocking(new.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    staff_account::ActiveModel {
        id: Set(me.staff_id),
        password_hash: Set(hash),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::StaffId.eq(me.staff_id))
        .filter(staff_session::Column::Id.ne(me.session_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action: "staff_password_changed",
            before: None,
            after: Some(me.account.login_id.clone()),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    if let Some(email) = &me.account.email {
        let to = Recipient {
            email,
            name: &me.account.name,
        };
        let mail =
            templates::staff_password_changed(&state.config, &to, &jst::format_datetime(now));
        mail::enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Staff logins shown to admins.
const SHOWN_LOGINS: u64 = 100;

/// [`crate::staff::staff_login_history`].
pub async fn login_history() -> Result<Vec<crate::staff::StaffLoginRow>, AppError> {
    use crate::ssr::entities::staff_login_event::{self, LoginResult};
    use sea_orm::QuerySelect;
    let me = current_staff().await?;
    me.require_admin()?;
    let Request { state, .. } = Request::current()?;
    let names: std::collections::HashMap<i32, String> = staff_account::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    Ok(staff_login_event::Entity::find()
        .order_by_desc(staff_login_event::Column::OccurredAt)
        .order_by_desc(staff_login_event::Column::Id)
        .limit(SHOWN_LOGINS)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|e| crate::staff::StaffLoginRow {
            at: jst::format_datetime(e.occurred_at),
            name: e.staff_id.and_then(|id| names.get(&id).cloned()),
            login_id: e.login_id,
            result: match e.result {
                LoginResult::Success => "成功",
                LoginResult::Failure => "失敗",
                LoginResult::Locked => "ロック中",
                // Members' only (staff confirm with TOTP, not a mailed code).
                LoginResult::CodeSent => "認証コード送信",
            }
            .to_owned(),
            ok: e.result == LoginResult::Success,
            ip: e.ip,
            browser: crate::domain::user_agent::describe(&e.user_agent),
        })
        .collect())
}
