//! お問い合わせ on the server: the member's side here, the back office's in
//! [`staff`]. Every write is one transaction that moves the thread's status
//! only from the status it was read in, so two people acting at once cannot
//! both win.

pub mod staff;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::{InquirySummary, InquiryThread, Message};
use crate::auth::ssr::current_member;
use crate::domain::inquiry::{self, category_label, Author, Category, Event, Status};
use crate::domain::{jst, policy};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{inquiry as thread_entity, inquiry_message};
use crate::ssr::request::Request;
use crate::ssr::Config;

pub fn summary(config: &Config, t: &thread_entity::Model) -> InquirySummary {
    InquirySummary {
        id: t.id,
        category: category_label(&config.inquiry_categories, &t.category),
        subject: t.subject.clone(),
        status: t.status,
        status_label: t.status.label().to_owned(),
        created_at: jst::format_datetime(t.created_at),
        updated_at: jst::format_datetime(t.updated_at),
    }
}

fn message(m: inquiry_message::Model) -> Message {
    Message {
        id: m.id,
        author: m.author.label().to_owned(),
        from_staff: m.author == Author::Staff,
        signature: m.signature,
        body: m.body,
        at: jst::format_datetime(m.created_at),
        internal: m.internal,
    }
}

/// A thread's messages, oldest first; internal notes only when `with_notes`.
pub async fn messages_of(
    db: &impl ConnectionTrait,
    t: &thread_entity::Model,
    with_notes: bool,
) -> Result<Vec<inquiry_message::Model>, AppError> {
    let mut query =
        inquiry_message::Entity::find().filter(inquiry_message::Column::InquiryId.eq(t.id));
    if !with_notes {
        query = query.filter(inquiry_message::Column::Internal.eq(false));
    }
    Ok(query
        .order_by_asc(inquiry_message::Column::Id)
        .all(db)
        .await?)
}

/// A thread as shown, from its messages ([`messages_of`]).
pub fn thread_of(
    config: &Config,
    t: &thread_entity::Model,
    messages: Vec<inquiry_message::Model>,
) -> InquiryThread {
    InquiryThread {
        summary: summary(config, t),
        messages: messages.into_iter().map(message).collect(),
        open: t.status != Status::Closed,
    }
}

/// The thread `id`; with `member_id`, only if it is that member's (another
/// member's id answers as if it did not exist).
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
    member_id: Option<i32>,
) -> Result<thread_entity::Model, AppError> {
    let mut query = thread_entity::Entity::find_by_id(id);
    if let Some(member_id) = member_id {
        query = query.filter(thread_entity::Column::MemberId.eq(member_id));
    }
    query.one(db).await?.ok_or(AppError::NotFound)
}

/// What a message does to a thread: its new status, written only if the
/// thread is still in `from` (else someone else acted first).
pub struct Step {
    pub from: Status,
    /// Who had the thread when it was read: it moves only if still so.
    pub assigned_from: Option<i32>,
    pub to: Status,
    /// The member starts waiting now.
    pub waiting_from: Option<DateTime<Utc>>,
    pub assign_to: Option<i32>,
    /// The member sees something new ([`inquiry::member_sees`]): the time
    /// they are shown as "last changed" moves.
    pub member_sees: bool,
}

/// Applies `step` to the thread `id`, or refuses when it moved meanwhile.
pub async fn move_thread(
    db: &impl ConnectionTrait,
    id: i32,
    step: Step,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut update = thread_entity::Entity::update_many()
        .col_expr(thread_entity::Column::Status, Expr::value(step.to))
        .filter(thread_entity::Column::Id.eq(id))
        .filter(thread_entity::Column::Status.eq(step.from))
        .filter(match step.assigned_from {
            Some(staff_id) => thread_entity::Column::AssignedStaffId.eq(staff_id),
            None => thread_entity::Column::AssignedStaffId.is_null(),
        });
    if let Some(since) = step.waiting_from {
        update = update.col_expr(thread_entity::Column::WaitingSince, Expr::value(since));
    }
    if let Some(staff_id) = step.assign_to {
        update = update.col_expr(
            thread_entity::Column::AssignedStaffId,
            Expr::value(staff_id),
        );
    }
    if step.member_sees {
        update = update.col_expr(thread_entity::Column::UpdatedAt, Expr::value(now));
    }
    if step.to == Status::Closed {
        update = update.col_expr(thread_entity::Column::ClosedAt, Expr::value(now));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Err(AppError::Conflict(
            "ほかの操作と重なったため、処理できませんでした。画面を読み込み直して、内容をご確認ください。"
                .to_owned(),
        ));
    }
    Ok(())
}

/// The status after `event`, or the reason it cannot happen.
pub fn next(from: Status, event: Event) -> Result<Status, AppError> {
    inquiry::after(from, event).map_err(|e| AppError::Conflict(e.0.to_owned()))
}

pub struct NewMessage<'a> {
    pub author: Author,
    pub staff_id: Option<i32>,
    pub signature: Option<String>,
    pub body: &'a str,
    pub internal: bool,
}

pub async fn add_message(
    db: &impl ConnectionTrait,
    inquiry_id: i32,
    m: NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let saved = inquiry_message::ActiveModel {
        inquiry_id: Set(inquiry_id),
        author: Set(m.author),
        staff_id: Set(m.staff_id),
        signature: Set(m.signature),
        body: Set(m.body.to_owned()),
        internal: Set(m.internal),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// Counts one message of the member against today's limits (one atomic
/// statement each, see [`crate::ssr::rate_limit`]).
async fn count_message(
    db: &impl ConnectionTrait,
    config: &Config,
    member_id: i32,
    new_thread: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let refused = |what: &str| {
        AppError::Limit(format!(
            "{what}の送信が続いたため、本日の受け付けを止めています。明日以降にお送りいただくか、お急ぎの場合は{}({})までお電話ください。",
            config.coop_phone, config.coop_phone_hours
        ))
    };
    if new_thread
        && !crate::ssr::rate_limit::allow_today(
            db,
            &format!("inquiry-new:{member_id}"),
            policy::INQUIRIES_PER_DAY,
            now,
        )
        .await?
    {
        return Err(refused("新しいお問い合わせ"));
    }
    if !crate::ssr::rate_limit::allow_today(
        db,
        &format!("inquiry-message:{member_id}"),
        policy::INQUIRY_MESSAGES_PER_DAY,
        now,
    )
    .await?
    {
        return Err(refused("メッセージ"));
    }
    Ok(())
}

/// The member's action on their inquiry, in the audit log.
async fn audit_member(
    db: &impl ConnectionTrait,
    me: &crate::auth::ssr::CurrentMember,
    action: &str,
    before: Option<String>,
    after: Option<String>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let entry = audit::Entry {
        actor: Actor::Member {
            account_id: me.account_id,
        },
        member_id: Some(me.member_id),
        action,
        before,
        after,
        ip,
    };
    audit::record(db, entry, now).await
}

fn parse_text(text: &str) -> Result<inquiry::Text, AppError> {
    inquiry::Text::parse(text).map_err(|e| AppError::field("text", e.0))
}

/// [`super::inquiry_categories`].
pub async fn categories() -> Result<Vec<Category>, AppError> {
    current_member().await?;
    let Request { state, .. } = Request::current()?;
    Ok(state.config.inquiry_categories.clone())
}

/// [`super::my_inquiries`].
pub async fn list() -> Result<Vec<InquirySummary>, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    let rows = thread_entity::Entity::find()
        .filter(thread_entity::Column::MemberId.eq(me.member_id))
        .order_by_desc(thread_entity::Column::UpdatedAt)
        .order_by_desc(thread_entity::Column::Id)
        .limit(policy::INQUIRY_LIST_MAX)
        .all(&state.db)
        .await?;
    Ok(rows.iter().map(|t| summary(&state.config, t)).collect())
}

/// [`super::my_inquiry`].
pub async fn thread(id: i32) -> Result<InquiryThread, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    let t = find(&state.db, id, Some(me.member_id)).await?;
    let messages = messages_of(&state.db, &t, false).await?;
    Ok(thread_of(&state.config, &t, messages))
}

/// [`super::start_inquiry`].
pub async fn start(category: &str, subject: &str, text: &str) -> Result<(), AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let config = &state.config;
    if !config.inquiry_categories.iter().any(|c| c.code == category) {
        return Err(AppError::field(
            "category",
            "お問い合わせの分類を選んでください。",
        ));
    }
    let subject = inquiry::Subject::parse(subject).map_err(|e| AppError::field("subject", e.0))?;
    let text = parse_text(text)?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    count_message(&txn, config, me.member_id, true, now).await?;
    let saved = thread_entity::ActiveModel {
        member_id: Set(me.member_id),
        category: Set(category.to_owned()),
        subject: Set(subject.as_str().to_owned()),
        status: Set(Status::Waiting),
        assigned_staff_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        waiting_since: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    add_message(
        &txn,
        saved.id,
        NewMessage {
            author: Author::Member,
            staff_id: None,
            signature: None,
            body: text.as_str(),
            internal: false,
        },
        now,
    )
    .await?;
    audit_member(
        &txn,
        &me,
        "inquiry_started",
        None,
        Some(format!("#{} {}", saved.id, subject.as_str())),
        &client.ip,
        now,
    )
    .await?;
    txn.commit().await?;
    leptos_axum::redirect(&format!("/mypage/inquiries/{}?sent=1", saved.id));
    Ok(())
}

/// [`super::reply_inquiry`].
pub async fn reply(id: i32, text: &str) -> Result<(), AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let text = parse_text(text)?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let t = find(&txn, id, Some(me.member_id)).await?;
    let to = next(t.status, Event::MemberWrote)?;
    count_message(&txn, &state.config, me.member_id, false, now).await?;
    move_thread(
        &txn,
        id,
        Step {
            from: t.status,
            assigned_from: t.assigned_staff_id,
            to,
            // Waiting again from now, unless the member already waited.
            waiting_from: (!t.status.awaits_staff()).then_some(now),
            assign_to: None,
            member_sees: true,
        },
        now,
    )
    .await?;
    let message_id = add_message(
        &txn,
        id,
        NewMessage {
            author: Author::Member,
            staff_id: None,
            signature: None,
            body: text.as_str(),
            internal: false,
        },
        now,
    )
    .await?;
    audit_member(
        &txn,
        &me,
        "inquiry_member_replied",
        Some(t.status.label().to_owned()),
        Some(format!("#{id} message {message_id} ({})", to.label())),
        &client.ip,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// [`super::close_inquiry`].
pub async fn close(id: i32) -> Result<(), AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let t = find(&txn, id, Some(me.member_id)).await?;
    let to = next(t.status, Event::Close)?;
    move_thread(
        &txn,
        id,
        Step {
            from: t.status,
            assigned_from: t.assigned_staff_id,
            to,
            waiting_from: None,
            assign_to: None,
            member_sees: true,
        },
        now,
    )
    .await?;
    audit_member(
        &txn,
        &me,
        "inquiry_closed",
        Some(t.status.label().to_owned()),
        Some(format!("#{id} {}", to.label())),
        &client.ip,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
