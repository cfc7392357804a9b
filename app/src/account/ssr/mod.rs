//! Reading the login log and the sessions of the member of the request, and
//! changing their login credentials.

pub mod credentials;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{ActiveSession, KnownBrowser, LoginRecord, SecurityOverview};
use crate::auth::ssr::current_member;
use crate::domain::{jst, user_agent};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::login_event::{self, LoginResult};
use crate::ssr::entities::{known_device, session};
use crate::ssr::identity::session::live;
use crate::ssr::request::Request;

/// Logins shown in the history.
const SHOWN_LOGINS: u64 = 30;

/// The latest `limit` logins of `account_id`, newest first: the member's
/// history, and what staff see when a member cannot log in.
pub async fn logins_of(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i32,
    limit: u64,
) -> Result<Vec<LoginRecord>, AppError> {
    Ok(login_event::Entity::find()
        .filter(login_event::Column::AccountId.eq(account_id))
        .order_by_desc(login_event::Column::OccurredAt)
        .order_by_desc(login_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|e| LoginRecord {
            at: jst::format_datetime(e.occurred_at),
            browser: user_agent::describe(&e.user_agent),
            ip: e.ip,
            result: match e.result {
                LoginResult::Success => "成功",
                LoginResult::Failure => "失敗",
                LoginResult::Locked => "ロック中",
                LoginResult::CodeSent => "パスワード確認・認証コード送信",
            }
            .to_owned(),
            ok: e.result == LoginResult::Success,
            pending: e.result == LoginResult::CodeSent,
        })
        .collect())
}

pub async fn overview() -> Result<SecurityOverview, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    let logins = logins_of(&state.db, me.account_id, SHOWN_LOGINS).await?;
    let sessions = session::Entity::find()
        .filter(session::Column::AccountId.eq(me.account_id))
        .filter(live(now, state.config.idle_timeout)?)
        .order_by_desc(session::Column::LastSeenAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| ActiveSession {
            started_at: jst::format_datetime(s.created_at),
            last_seen_at: jst::format_datetime(s.last_seen_at),
            browser: user_agent::describe(&s.user_agent),
            ip: s.ip,
            current: s.id == me.session_id,
        })
        .collect();
    let known_browsers = known_device::Entity::find()
        .filter(known_device::Column::AccountId.eq(me.account_id))
        .order_by_desc(known_device::Column::LastUsedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| KnownBrowser {
            browser: user_agent::describe(&d.user_agent),
            since: jst::format_datetime(d.created_at),
            last_used: jst::format_datetime(d.last_used_at),
        })
        .collect();
    Ok(SecurityOverview {
        logins,
        sessions,
        known_browsers,
    })
}

pub async fn forget_browsers() -> Result<u64, AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let forgotten = known_device::Entity::delete_many()
        .filter(known_device::Column::AccountId.eq(me.account_id))
        .exec(&txn)
        .await?
        .rows_affected;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Member {
                account_id: me.account_id,
            },
            member_id: Some(me.member_id),
            action: "known_browsers_forgotten",
            before: Some(forgotten.to_string()),
            after: None,
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(forgotten)
}

pub async fn end_others() -> Result<u64, AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let ended = session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(me.account_id))
        .filter(session::Column::Id.ne(me.session_id))
        // Expired ones stay until housekeeping, to tell their browser "timed out".
        .filter(live(now, state.config.idle_timeout)?)
        .exec(&txn)
        .await?
        .rows_affected;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Member {
                account_id: me.account_id,
            },
            member_id: Some(me.member_id),
            action: "other_sessions_ended",
            before: None,
            after: Some(format!("{ended}")),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}
