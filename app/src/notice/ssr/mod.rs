//! お知らせ on the server: which notices a member sees (audience and times,
//! `domain::notice`), marking them read (one row per member and notice,
//! inserted once whatever the number of tabs), and publishing.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{NoticeAdmin, NoticeBoard, NoticeDetail, NoticeSummary, PublicNotice, StaffNoticeRow};
use crate::auth::ssr::current_member_records;
use crate::domain::jst;
use crate::domain::notice::{
    check_times, display_order, is_current, parse_body, parse_title, Audience, Importance,
    MemberFacts,
};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{course, member, notice, notice_read};
use crate::ssr::request::Request;
use crate::staff::ssr::auth::current_staff;

/// Past notices a member can still look up: this long after publication.
const PAST_DAYS: i64 = 365;
/// Most notices one list shows.
const LIST_MAX: u64 = 50;

fn audience_of(n: &notice::Model) -> Option<Audience> {
    Audience::from_code(&n.audience, n.audience_course.as_deref())
}

/// What decides the member's audiences today.
async fn facts(
    db: &impl ConnectionTrait,
    m: &member::Model,
    now: DateTime<Utc>,
) -> Result<MemberFacts, AppError> {
    let today = jst::today(now);
    let courses = crate::contract::ssr::coverages_of(db, m.id)
        .await?
        .iter()
        .filter_map(|c| c.course_on(today).map(|course| course.code.clone()))
        .collect();
    Ok(MemberFacts {
        courses,
        // A withdrawal recorded for a later date has not happened yet.
        withdrawn: m.withdrawn_on.is_some_and(|day| day <= today),
    })
}

fn summary(n: &notice::Model, read: &HashSet<i32>) -> NoticeSummary {
    NoticeSummary {
        id: n.id,
        title: n.title.clone(),
        important: n.importance == Importance::Important,
        published: jst::format_datetime(n.publish_at),
        unread: !read.contains(&n.id),
    }
}

fn sort(list: &mut [notice::Model]) {
    list.sort_by(|a, b| {
        display_order(
            (a.importance, a.publish_at, a.id),
            (b.importance, b.publish_at, b.id),
        )
    });
}

/// The audiences `who` is in, as a condition on the stored codes: the
/// database leaves out other audiences' notices before the list is cut, so
/// however many there are, they never push the member's own out.
fn audience_condition(who: &MemberFacts) -> Condition {
    let code = |a: Audience| a.code().0;
    let mut any = Condition::any().add(notice::Column::Audience.eq(code(Audience::AllMembers)));
    any = any.add(notice::Column::Audience.eq(if who.withdrawn {
        code(Audience::Withdrawn)
    } else {
        code(Audience::Active)
    }));
    if !who.courses.is_empty() {
        any = any.add(
            Condition::all()
                .add(notice::Column::Audience.eq(code(Audience::Course(String::new()))))
                .add(notice::Column::AudienceCourse.is_in(who.courses.clone())),
        );
    }
    any
}

/// The notices published since a year ago up to now that `facts` is in
/// the audience of, current ones first.
async fn visible(
    db: &impl ConnectionTrait,
    who: &MemberFacts,
    now: DateTime<Utc>,
) -> Result<Vec<notice::Model>, AppError> {
    Ok(notice::Entity::find()
        .filter(notice::Column::PublishAt.lte(now))
        .filter(notice::Column::PublishAt.gt(now - Duration::days(PAST_DAYS)))
        .filter(audience_condition(who))
        .order_by_desc(notice::Column::PublishAt)
        .limit(LIST_MAX * 4)
        .all(db)
        .await?
        .into_iter()
        // The rule itself (`Audience::includes`) has the last word.
        .filter(|n| audience_of(n).is_some_and(|a| a.includes(who)))
        .collect())
}

async fn read_ids(
    db: &impl ConnectionTrait,
    member_id: i32,
    ids: Vec<i32>,
) -> Result<HashSet<i32>, AppError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(notice_read::Entity::find()
        .filter(notice_read::Column::MemberId.eq(member_id))
        .filter(notice_read::Column::NoticeId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.notice_id)
        .collect())
}

/// [`super::my_notices`].
pub async fn board() -> Result<NoticeBoard, AppError> {
    let (_, _, m) = current_member_records().await?;
    let Request { state, now, .. } = Request::current()?;
    let db = &state.db;
    let who = facts(db, &m, now).await?;
    let (mut current, mut past): (Vec<_>, Vec<_>) = visible(db, &who, now)
        .await?
        .into_iter()
        .partition(|n| is_current(n.publish_at, n.expire_at, now));
    sort(&mut current);
    past.truncate(LIST_MAX as usize);
    let read = read_ids(
        db,
        m.id,
        current.iter().chain(&past).map(|n| n.id).collect(),
    )
    .await?;
    Ok(NoticeBoard {
        current: current.iter().map(|n| summary(n, &read)).collect(),
        past: past.iter().map(|n| summary(n, &read)).collect(),
    })
}

/// [`super::my_notice`]: shows it and marks it read.
pub async fn read(id: i32) -> Result<NoticeDetail, AppError> {
    let (_, _, m) = current_member_records().await?;
    let Request { state, now, .. } = Request::current()?;
    let db = &state.db;
    let n = notice::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = facts(db, &m, now).await?;
    let published = n.publish_at <= now && n.publish_at > now - Duration::days(PAST_DAYS);
    if !published || !audience_of(&n).is_some_and(|a| a.includes(&who)) {
        return Err(AppError::NotFound);
    }
    // Once per member and notice, however many tabs open it at once.
    let mark = sea_orm::sea_query::Query::insert()
        .into_table(notice_read::Entity)
        .columns([
            notice_read::Column::MemberId,
            notice_read::Column::NoticeId,
            notice_read::Column::ReadAt,
        ])
        .values_panic([m.id.into(), n.id.into(), now.into()])
        .on_conflict(
            OnConflict::columns([notice_read::Column::MemberId, notice_read::Column::NoticeId])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(&mark).await?;
    let mut summary = summary(&n, &HashSet::new());
    summary.unread = false;
    Ok(NoticeDetail {
        summary,
        body: n.body,
    })
}

/// [`super::public_notices`]: current notices for everyone marked public.
pub async fn public() -> Result<Vec<PublicNotice>, AppError> {
    let Request { state, now, .. } = Request::current()?;
    let mut list = notice::Entity::find()
        .filter(notice::Column::Public.eq(true))
        .filter(notice::Column::PublishAt.lte(now))
        .filter(
            Condition::any()
                .add(notice::Column::ExpireAt.is_null())
                .add(notice::Column::ExpireAt.gt(now)),
        )
        .limit(LIST_MAX)
        .all(&state.db)
        .await?;
    sort(&mut list);
    Ok(list
        .into_iter()
        .map(|n| PublicNotice {
            important: n.importance == Importance::Important,
            published: jst::format_datetime(n.publish_at),
            title: n.title,
            body: n.body,
        })
        .collect())
}

/// [`super::staff_notices`].
pub async fn staff_list() -> Result<NoticeAdmin, AppError> {
    current_staff().await?;
    let Request { state, now, .. } = Request::current()?;
    let db = &state.db;
    let courses: Vec<(String, String)> = course::Entity::find()
        .order_by_asc(course::Column::SortOrder)
        .order_by_asc(course::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let rows = notice::Entity::find()
        .order_by_desc(notice::Column::PublishAt)
        .order_by_desc(notice::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|n| {
            let course_name = n
                .audience_course
                .as_ref()
                .and_then(|code| courses.iter().find(|(c, _)| c == code))
                .map(|(_, name)| name.as_str());
            let state = if n.publish_at > now {
                "掲載予定"
            } else if is_current(n.publish_at, n.expire_at, now) {
                "掲載中"
            } else {
                "掲載終了"
            };
            StaffNoticeRow {
                id: n.id,
                important: n.importance == Importance::Important,
                audience: audience_of(&n)
                    .map(|a| a.label(course_name))
                    .unwrap_or_else(|| n.audience.clone()),
                public: n.public,
                publish_at: jst::format_datetime(n.publish_at),
                expire_at: n.expire_at.map(jst::format_datetime),
                state: state.to_owned(),
                can_end: state != "掲載終了",
                title: n.title,
            }
        })
        .collect();
    Ok(NoticeAdmin {
        rows,
        courses,
        now_local: jst::datetime_local(now),
    })
}

/// What the publish form sends.
pub struct NoticeForm {
    pub title: String,
    pub body: String,
    pub importance: String,
    pub audience: String,
    pub course: Option<String>,
    pub public: bool,
    pub publish_at: String,
    pub expire_at: Option<String>,
}

/// [`super::staff_publish_notice`].
pub async fn publish(form: NoticeForm) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let db = &state.db;
    let title = parse_title(&form.title).map_err(|e| AppError::field("title", e))?;
    let body = parse_body(&form.body).map_err(|e| AppError::field("body", e))?;
    let importance = Importance::from_code(&form.importance)
        .ok_or_else(|| AppError::field("importance", "重要度を選んでください。"))?;
    let audience =
        Audience::from_code(&form.audience, form.course.as_deref()).ok_or_else(|| {
            if form.audience == "course" {
                AppError::field("course", "対象のコースを選んでください。")
            } else {
                AppError::field("audience", "対象を選んでください。")
            }
        })?;
    if let Audience::Course(code) = &audience {
        let known = course::Entity::find()
            .filter(course::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
            .is_some();
        if !known {
            return Err(AppError::field("course", "対象のコースを選んでください。"));
        }
    }
    if form.public && audience != Audience::AllMembers {
        return Err(AppError::field(
            "public",
            "ログイン画面に表示できるのは、全組合員向けのお知らせだけです。",
        ));
    }
    let publish_at = jst::parse_datetime_local(&form.publish_at)
        .ok_or_else(|| AppError::field("publish_at", "掲載開始日時を入力してください。"))?;
    let expire_at = match form.expire_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(jst::parse_datetime_local(text).ok_or_else(|| {
            AppError::field("expire_at", "掲載終了日時を正しく入力してください。")
        })?),
    };
    check_times(publish_at, expire_at).map_err(|e| AppError::field("expire_at", e))?;
    if expire_at.is_some_and(|end| end <= now) {
        return Err(AppError::field("expire_at", "掲載終了日時が過ぎています。"));
    }
    let (code, course) = audience.code();
    let txn = crate::ssr::db::begin_write(db).await?;
    let saved = notice::ActiveModel {
        title: Set(title.clone()),
        body: Set(body),
        importance: Set(importance),
        audience: Set(code.to_owned()),
        audience_course: Set(course.map(str::to_owned)),
        public: Set(form.public),
        publish_at: Set(publish_at),
        expire_at: Set(expire_at),
        created_by: Set(Some(me.staff_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action: "notice_published",
            before: None,
            after: Some(format!(
                "#{} {title} ({}, {}{})",
                saved.id,
                importance.label(),
                audience.label(None),
                if form.public {
                    ", ログイン画面にも表示"
                } else {
                    ""
                }
            )),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// [`super::staff_end_notice`]: a shown notice ends now; one still to
/// come is withdrawn (nobody ever saw it).
pub async fn end(id: i32) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let n = notice::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (changed, action) = if n.publish_at > now {
        let gone = notice::Entity::delete_many()
            .filter(notice::Column::Id.eq(id))
            .filter(notice::Column::PublishAt.gt(now))
            .exec(&txn)
            .await?;
        (gone.rows_affected, "notice_withdrawn")
    } else {
        let ended = notice::Entity::update_many()
            .col_expr(notice::Column::ExpireAt, Expr::value(now))
            .filter(notice::Column::Id.eq(id))
            .filter(
                Condition::any()
                    .add(notice::Column::ExpireAt.is_null())
                    .add(notice::Column::ExpireAt.gt(now)),
            )
            .exec(&txn)
            .await?;
        (ended.rows_affected, "notice_ended")
    };
    if changed != 1 {
        return Err(AppError::Conflict(
            "このお知らせは、すでに掲載を終えています。".to_owned(),
        ));
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action,
            // A notice withdrawn before it showed is deleted: its text stays
            // in the audit, so a mistaken click can be written again.
            before: Some(if action == "notice_withdrawn" {
                format!(
                    "#{id} {}\n{}・{}{}・掲載 {}〜{}\n{}",
                    n.title,
                    n.importance.label(),
                    audience_of(&n).map_or_else(|| n.audience.clone(), |a| a.label(None)),
                    if n.public {
                        "(ログイン画面にも表示)"
                    } else {
                        ""
                    },
                    jst::format_datetime(n.publish_at),
                    n.expire_at.map(jst::format_datetime).unwrap_or_default(),
                    n.body
                )
            } else {
                format!("#{id} {}", n.title)
            }),
            after: None,
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
