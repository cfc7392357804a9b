//! Registration letters (M12, S2): staff print one for a member without a My
//! Page account, or a batch for everyone still waiting for one. Printing
//! issues the code (any earlier one stops working), so the PDF is made in
//! the request that issues it and is the only place the code ever appears
//! (if it could not be made after all, staff print again: a new code).
//!
//! Plain POST routes (a form with `target="_blank"`), not server functions:
//! the answer is the PDF itself, and the page needs no script for it.

use axum::{
    extract::{Path, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::auth::{staff_from_headers, CurrentStaff};
use crate::domain::membership::{transition, Event, Stage};
use crate::domain::{jst, policy, registration as code_rule};
use crate::error::AppError;
use crate::registration::ssr::{issue_code, letter::Letter, Earlier};
use crate::ssr::entities::staff_session::SessionStage;
use crate::ssr::entities::{member, member_account, registration_code};
use crate::ssr::request::ClientInfo;
use crate::ssr::AppState;

/// Members a batch letter goes to: registered with the co-op, their 出資金
/// payment confirmed (seed 001: the guide is sent once the payment is
/// confirmed; a members import may bring people without it), no My Page
/// account, and no code still usable (never sent one, or it expired or was
/// used up by a void).
fn waiting(now: DateTime<Utc>) -> sea_orm::Select<member::Entity> {
    without_account(now).filter(member::Column::CapitalPaidOn.is_not_null())
}

/// Members registered with the co-op without an account or a usable code,
/// whether or not their payment is recorded.
fn without_account(now: DateTime<Utc>) -> sea_orm::Select<member::Entity> {
    // NOT EXISTS, not NOT IN: PostgreSQL cannot turn `id NOT IN (subquery)`
    // into an anti-join (NULL rules), and once the subquery's ids outgrow
    // work_mem it scans them again for every member. At 1,000,000 members
    // the count took minutes (measured, issue 13); as an anti-join, 0.5 s.
    let account = Query::select()
        .expr(Expr::val(1))
        .from(member_account::Entity)
        .and_where(
            Expr::col((member_account::Entity, member_account::Column::MemberId))
                .equals((member::Entity, member::Column::Id)),
        )
        .to_owned();
    let usable_code = Query::select()
        .expr(Expr::val(1))
        .from(registration_code::Entity)
        .and_where(
            Expr::col((
                registration_code::Entity,
                registration_code::Column::MemberId,
            ))
            .equals((member::Entity, member::Column::Id)),
        )
        .and_where(registration_code::Column::UsedAt.is_null())
        .and_where(registration_code::Column::ExpiresAt.gt(now))
        .to_owned();
    member::Entity::find()
        .filter(member::Column::Status.eq(member::MemberStatus::Active))
        .filter(Expr::not_exists(account))
        .filter(Expr::not_exists(usable_code))
}

/// How many members are waiting for a letter, and how many more would be
/// once their 出資金 payment is recorded: one read of the table.
pub async fn waiting_count(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<crate::staff::LettersWaiting, AppError> {
    let counted: Option<(i64, i64)> = without_account(now)
        .select_only()
        .expr(Expr::col(member::Column::CapitalPaidOn).count())
        .expr(Expr::cust("COUNT(*)"))
        .into_tuple()
        .one(db)
        .await?;
    let (paid, all) = counted.unwrap_or_default();
    let n = |v: i64| u64::try_from(v).unwrap_or_default();
    Ok(crate::staff::LettersWaiting {
        ready: n(paid),
        unpaid: n(all - paid),
    })
}

/// Issues codes for `members` in `txn`, audited one by one; answers what
/// each letter says.
async fn issue(
    txn: &DatabaseTransaction,
    (me, client): (&CurrentStaff, &ClientInfo),
    members: Vec<member::Model>,
    earlier: Earlier,
    now: DateTime<Utc>,
) -> Result<Vec<Letter>, AppError> {
    let mut letters = Vec::with_capacity(members.len());
    for m in members {
        let code = issue_code(txn, m.id, Some(me.staff_id), earlier, now).await?;
        crate::ssr::audit::record(
            txn,
            crate::ssr::audit::Entry {
                actor: crate::ssr::audit::Actor::Staff {
                    staff_id: me.staff_id,
                },
                member_id: Some(m.id),
                action: "registration_code_issued",
                before: None,
                // Never the code itself.
                after: Some("登録案内書(登録コード)を発行".into()),
                ip: &client.ip,
            },
            now,
        )
        .await?;
        letters.push(Letter {
            to: crate::ssr::pdf::Addressee::of(&m),
            code: code_rule::grouped(&code),
            expires_on: jst::today(code_rule::expires_at(now)),
            issued_on: jst::today(now),
        });
    }
    Ok(letters)
}

/// The member a single letter goes to, read in the printing transaction;
/// refused once the member has an account, or before their 出資金 payment
/// is recorded.
async fn one_member(
    txn: &DatabaseTransaction,
    member_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<member::Model>, AppError> {
    let (m, account) = member::Entity::find_by_id(member_id)
        .find_also_related(member_account::Entity)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let stage = crate::member::ssr::stage_of(&m, account.as_ref(), now);
    transition(stage, Event::Register).map_err(|e| AppError::Conflict(e.to_string()))?;
    if m.capital_paid_on.is_none() {
        return Err(AppError::Conflict(
            "出資金の入金が記録されていないため、登録のご案内は作成できません。入金を確認してから、組合員の画面で記録してください。".to_owned(),
        ));
    }
    Ok(vec![m])
}

/// The members waiting longest for a letter (by member number), at most
/// [`policy::LETTER_BATCH_MAX`], read in the printing transaction: a second
/// batch sent at the same moment finds them served (SQLite) or collides on
/// the one-live-code index (PostgreSQL) and is refused, never re-issuing
/// the first batch's codes.
async fn batch_members(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
) -> Result<Vec<member::Model>, AppError> {
    let members: Vec<member::Model> = waiting(now)
        .order_by_asc(member::Column::MemberNumber)
        .limit(policy::LETTER_BATCH_MAX)
        .all(txn)
        .await?
        .into_iter()
        .filter(|m| crate::member::ssr::stage_of(m, None, now) == Stage::NoAccount)
        .collect();
    if members.is_empty() {
        return Err(AppError::Conflict(
            "登録案内書を待っている組合員はいません。".into(),
        ));
    }
    Ok(members)
}

/// `POST /staff/members/{id}/letter`.
pub async fn one(
    State(state): State<AppState>,
    Path(member_id): Path<i32>,
    parts: Parts,
) -> Response {
    respond(&state, &parts, Some(member_id)).await
}

/// `POST /staff/letters`.
pub async fn batch(State(state): State<AppState>, parts: Parts) -> Response {
    respond(&state, &parts, None).await
}

/// The PDF of the letters for `member` (or the batch), codes issued.
pub async fn print(
    state: &AppState,
    me: &CurrentStaff,
    client: &ClientInfo,
    member: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(Vec<Letter>, Vec<u8>), AppError> {
    // The font first: when no PDF can be made, nothing changes.
    crate::ssr::pdf::font(&state.config.pdf_font)?;
    // A short transaction (rendering 500 pages must not hold SQLite's
    // write lock); the PDF is made from what it committed.
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let (members, earlier) = match member {
        Some(id) => (one_member(&txn, id, now).await?, Earlier::Void),
        None => (batch_members(&txn, now).await?, Earlier::Keep),
    };
    let letters = issue(&txn, (me, client), members, earlier, now).await?;
    txn.commit().await?;
    let config = state.config.clone();
    let for_pdf = letters.clone();
    let pdf = tokio::task::spawn_blocking(move || {
        crate::registration::ssr::letter::render(&config, &for_pdf)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "letter rendering panicked");
        AppError::Internal
    })??;
    Ok((letters, pdf))
}

async fn respond(state: &AppState, parts: &Parts, member: Option<i32>) -> Response {
    let now = state.clock.now();
    let me = match staff_from_headers(&state.db, &state.config, &parts.headers, now).await {
        Ok(me) if me.stage == SessionStage::Full => me,
        Ok(_) | Err(AppError::Unauthenticated { .. }) => {
            return Redirect::to("/staff/login").into_response()
        }
        Err(e) => return refused(&e),
    };
    let client = ClientInfo::from_parts(parts, &state.config.trusted_proxies);
    match print(state, &me, &client, member, now).await {
        Ok((letters, pdf)) => {
            let file = match letters.as_slice() {
                [one] => format!("registration-letter-{}.pdf", one.to.member_number),
                _ => format!(
                    "registration-letters-{}.pdf",
                    jst::today(now).format("%Y%m%d")
                ),
            };
            // The codes are in it: never cached.
            crate::ssr::pdf::response(pdf, &file)
        }
        Err(e) => refused(&e),
    }
}

/// A plain Japanese page for a refusal (the tab the form opened shows it).
fn refused(e: &AppError) -> Response {
    let status = e.status();
    let status = if status.is_success() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        status
    };
    crate::ssr::security::plain_text(status, &e.to_string())
}
