//! The back office's side of お問い合わせ (S4): the inbox, a thread with the
//! member's summary, replies (which mail the member), internal notes,
//! taking a thread and closing it. Every action is in the audit log.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    add_message, find, messages_of, move_thread, next, parse_text, summary, thread_of, NewMessage,
    Step,
};
use crate::domain::inquiry::{self, waited, Author, Category, Event, Status};
use crate::domain::policy;
use crate::error::AppError;
use crate::inquiry::{InboxRow, InquirySummary, StaffThread};
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{inquiry as thread_entity, member, member_account, staff_account};
use crate::ssr::mail::{self, templates};
use crate::ssr::request::Request;
use crate::staff::ssr::auth::current_staff;
use crate::staff::ssr::office::brief;
use crate::staff::Listing;

fn waited_for(t: &thread_entity::Model, now: DateTime<Utc>) -> Option<String> {
    t.status
        .awaits_staff()
        .then(|| waited((now - t.waiting_since).num_minutes()))
}

async fn staff_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff_account::Entity::find()
        .filter(staff_account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// [`crate::inquiry::staff_inquiry_categories`].
pub async fn categories() -> Result<Vec<Category>, AppError> {
    current_staff().await?;
    let Request { state, .. } = Request::current()?;
    Ok(state.config.inquiry_categories.clone())
}

/// [`crate::inquiry::staff_inquiries`].
pub async fn inbox(
    status: Option<&str>,
    category: Option<&str>,
) -> Result<Listing<InboxRow>, AppError> {
    current_staff().await?;
    let Request { state, now, .. } = Request::current()?;
    let db = &state.db;
    let query = thread_entity::Entity::find();
    let (mut query, waiting) = match status.filter(|s| !s.is_empty()) {
        Some("all") => (query, false),
        Some(code) => {
            let status = Status::from_code(code).ok_or(AppError::NotFound)?;
            (
                query.filter(thread_entity::Column::Status.eq(status)),
                status.awaits_staff(),
            )
        }
        None => (
            query
                .filter(thread_entity::Column::Status.is_in([Status::Waiting, Status::InProgress])),
            true,
        ),
    };
    if let Some(code) = category.filter(|c| !c.is_empty()) {
        query = query.filter(thread_entity::Column::Category.eq(code));
    }
    // What waits for the co-op, oldest waiting first: the inbox is worked
    // from the top. Anything else, most recently changed first.
    let query = if waiting {
        query
            .order_by_asc(thread_entity::Column::WaitingSince)
            .order_by_asc(thread_entity::Column::Id)
    } else {
        query
            .order_by_desc(thread_entity::Column::UpdatedAt)
            .order_by_desc(thread_entity::Column::Id)
    };
    let read = query.limit(policy::INQUIRY_LIST_MAX + 1).all(db).await?;
    let listed = Listing::of(read, policy::INQUIRY_LIST_MAX, !waiting);
    let rows = &listed.rows;
    let members: HashMap<i32, member::Model> = member::Entity::find()
        .filter(member::Column::Id.is_in(rows.iter().map(|t| t.member_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let names = staff_names(db, rows.iter().filter_map(|t| t.assigned_staff_id)).await?;
    Ok(listed.map_rows(|rows| {
        rows.iter()
            .filter_map(|t| {
                members.get(&t.member_id).map(|m| InboxRow {
                    summary: summary(&state.config, t),
                    member: brief(m),
                    waited: waited_for(t, now),
                    assigned_to: t.assigned_staff_id.and_then(|id| names.get(&id).cloned()),
                })
            })
            .collect()
    }))
}

/// A member's inquiries for their staff record, most recently changed first.
pub async fn of_member(
    db: &impl ConnectionTrait,
    config: &crate::ssr::Config,
    member_id: i32,
) -> Result<Vec<InquirySummary>, AppError> {
    let rows = thread_entity::Entity::find()
        .filter(thread_entity::Column::MemberId.eq(member_id))
        .order_by_desc(thread_entity::Column::UpdatedAt)
        .order_by_desc(thread_entity::Column::Id)
        .limit(policy::INQUIRY_LIST_MAX)
        .all(db)
        .await?;
    Ok(rows.iter().map(|t| summary(config, t)).collect())
}

/// [`crate::inquiry::staff_inquiry`]: reading a member's thread is on record.
pub async fn thread(id: i32) -> Result<StaffThread, AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let db = &state.db;
    let t = find(db, id, None).await?;
    let (member, account) = member::Entity::find_by_id(t.member_id)
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let messages = messages_of(db, &t, true).await?;
    let names = staff_names(
        db,
        messages
            .iter()
            .filter_map(|m| m.staff_id)
            .chain(t.assigned_staff_id),
    )
    .await?;
    // Staff see who of them wrote, whatever the member was shown.
    let writers: Vec<Option<i32>> = messages.iter().map(|m| m.staff_id).collect();
    let mut thread = thread_of(&state.config, &t, messages);
    for (m, writer) in thread.messages.iter_mut().zip(writers) {
        if let Some(name) = writer.and_then(|s| names.get(&s)) {
            m.author = format!("{}({name})", m.author);
        }
    }
    audit::record(
        db,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: Some(t.member_id),
            action: "inquiry_viewed",
            before: None,
            after: Some(format!("#{id}")),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    Ok(StaffThread {
        thread,
        member: brief(&member),
        member_phone: member.phone.clone(),
        member_closed: account
            .as_ref()
            .filter(|a| crate::member::ssr::access(&member, a, now).is_err())
            .map(|a| crate::member::ssr::stage_of(&member, Some(a), now).label()),
        member_email: account.map(|a| a.email),
        assigned_to: t.assigned_staff_id.and_then(|s| names.get(&s).cloned()),
        assigned_to_me: t.assigned_staff_id == Some(me.staff_id),
        waited: waited_for(&t, now),
    })
}

/// A staff action on thread `id`: moves it by `event` (taking it for the
/// staff member when nobody has it), adds `message` if any, audits, all in
/// one transaction.
async fn act(
    id: i32,
    event: Event,
    message: Option<NewMessage<'_>>,
    action: &str,
) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let t = find(&txn, id, None).await?;
    let to = next(t.status, event)?;
    move_thread(
        &txn,
        id,
        Step {
            from: t.status,
            assigned_from: t.assigned_staff_id,
            to,
            waiting_from: None,
            assign_to: match event {
                Event::StaffTookUp if action == "inquiry_assigned" => Some(me.staff_id),
                _ if t.assigned_staff_id.is_none() && to != Status::Closed => Some(me.staff_id),
                _ => None,
            },
            member_sees: inquiry::member_sees(t.status, event),
        },
        now,
    )
    .await?;
    let mut what = format!("#{id} ({})", to.label());
    if let Some(m) = message {
        let message_id = add_message(
            &txn,
            id,
            NewMessage {
                staff_id: Some(me.staff_id),
                ..m
            },
            now,
        )
        .await?;
        what = format!("#{id} message {message_id} ({})", to.label());
        if event == Event::StaffReplied {
            mail_member(&txn, &state.config, &t, now).await?;
        }
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: Some(t.member_id),
            action,
            before: Some(t.status.label().to_owned()),
            after: Some(what),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Tells the member a reply waits (without its text). A member without a
/// My Page account has no address: nothing is sent.
async fn mail_member(
    txn: &impl ConnectionTrait,
    config: &crate::ssr::Config,
    t: &thread_entity::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let found = member::Entity::find_by_id(t.member_id)
        .find_also_related(member_account::Entity)
        .one(txn)
        .await?;
    let Some((member, Some(account))) = found else {
        return Ok(());
    };
    let signed_in = crate::member::ssr::access(&member, &account, now).is_ok();
    let to = templates::Recipient {
        email: &account.email,
        name: &member.name,
    };
    mail::enqueue(
        txn,
        templates::inquiry_answered(config, &to, &t.subject, t.id, signed_in),
        now,
    )
    .await
}

/// [`crate::inquiry::staff_reply_inquiry`].
pub async fn reply(id: i32, text: &str, signature: Option<&str>) -> Result<(), AppError> {
    let text = parse_text(text)?;
    let signature = inquiry::parse_signature(signature.unwrap_or_default())
        .map_err(|e| AppError::field("signature", e.0))?;
    let message = NewMessage {
        author: Author::Staff,
        staff_id: None,
        signature,
        body: text.as_str(),
        internal: false,
    };
    act(id, Event::StaffReplied, Some(message), "inquiry_replied").await
}

/// [`crate::inquiry::staff_note_inquiry`].
pub async fn note(id: i32, text: &str) -> Result<(), AppError> {
    let text = inquiry::Text::parse(text).map_err(|e| AppError::field("note", e.0))?;
    let message = NewMessage {
        author: Author::Staff,
        staff_id: None,
        signature: None,
        body: text.as_str(),
        internal: true,
    };
    act(id, Event::StaffTookUp, Some(message), "inquiry_noted").await
}

/// [`crate::inquiry::staff_assign_inquiry`].
pub async fn assign(id: i32) -> Result<(), AppError> {
    act(id, Event::StaffTookUp, None, "inquiry_assigned").await
}

/// [`crate::inquiry::staff_close_inquiry`].
pub async fn close(id: i32) -> Result<(), AppError> {
    act(id, Event::Close, None, "inquiry_closed").await
}
