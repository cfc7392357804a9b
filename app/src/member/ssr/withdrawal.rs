//! A member's withdrawal (M14) as staff record and correct it: the 脱退日
//! and the 出資金 refund date (the last day of My Page). Each change is one
//! conditional statement with its audit entry and the member's mail, in
//! one transaction.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::membership::{transition, Event};
use crate::domain::{jst, policy};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::member;
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::Config;

/// Who acts, from where and when.
pub type Acting<'a> = (Actor, &'a str, DateTime<Utc>);

/// Records a withdrawal on `withdrawn_on` with access until `access_until`
/// (both as typed, `2027-03-31`), if the member's standing allows it.
pub async fn record(
    db: &DatabaseConnection,
    config: &Config,
    member_id: i32,
    (withdrawn_on, access_until): (&str, &str),
    (actor, ip, now): Acting<'_>,
) -> Result<(), AppError> {
    let (withdrawn_on, access_until) = dates(withdrawn_on, access_until, jst::today(now))?;
    let (m, account) = super::with_account(db, member_id).await?;
    let stage = super::stage_of(&m, account.as_ref(), now);
    transition(stage, Event::Withdraw).map_err(|e| AppError::Conflict(e.to_string()))?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let recorded = write(m.id, (withdrawn_on, access_until), now)
        .col_expr(
            member::Column::Status,
            Expr::value(member::MemberStatus::Withdrawn),
        )
        .filter(member::Column::WithdrawnOn.is_null())
        .exec(&txn)
        .await?;
    if recorded.rows_affected != 1 {
        return Err(AppError::Conflict(
            "脱退の記録がすでにあります。".to_owned(),
        ));
    }
    let entry = audit::Entry {
        actor,
        member_id: Some(m.id),
        action: "withdrawal_recorded",
        before: Some("在籍".into()),
        after: Some(shown(withdrawn_on, access_until)),
        ip,
    };
    audited_and_told(txn, (&m, account.as_ref()), entry, now, |to| {
        templates::withdrawal_recorded(
            config,
            to,
            &jst::format_date(withdrawn_on),
            &jst::format_date(access_until),
            access_until < jst::today(now),
        )
    })
    .await
}

/// New dates for a recorded withdrawal, written only over the dates read
/// (the audit's "before" is what was replaced); audited, the member mailed.
pub async fn correct(
    db: &DatabaseConnection,
    config: &Config,
    member_id: i32,
    (withdrawn_on, access_until): (&str, &str),
    (actor, ip, now): Acting<'_>,
) -> Result<(), AppError> {
    let (withdrawn_on, access_until) = dates(withdrawn_on, access_until, jst::today(now))?;
    let (m, account) = super::with_account(db, member_id).await?;
    let (Some(was_on), Some(was_until)) = (m.withdrawn_on, m.access_until) else {
        return Err(AppError::Conflict(
            "脱退の記録がありません。先に脱退を記録してください。".to_owned(),
        ));
    };
    if (was_on, was_until) == (withdrawn_on, access_until) {
        return Err(AppError::field(
            "access_until",
            "いまの記録と同じ日付です。訂正後の日付を入力してください。",
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let corrected = write(m.id, (withdrawn_on, access_until), now)
        .filter(member::Column::WithdrawnOn.eq(was_on))
        .filter(member::Column::AccessUntil.eq(was_until))
        .exec(&txn)
        .await?;
    if corrected.rows_affected != 1 {
        return Err(AppError::Conflict(
            "脱退の記録は、ほかの職員がすでに訂正しました。画面を読み込み直してご確認ください。"
                .to_owned(),
        ));
    }
    let entry = audit::Entry {
        actor,
        member_id: Some(m.id),
        action: "withdrawal_corrected",
        before: Some(shown(was_on, was_until)),
        after: Some(shown(withdrawn_on, access_until)),
        ip,
    };
    audited_and_told(txn, (&m, account.as_ref()), entry, now, |to| {
        templates::withdrawal_corrected(
            config,
            to,
            &jst::format_date(withdrawn_on),
            &jst::format_date(access_until),
            access_until < jst::today(now),
        )
    })
    .await
}

/// Whether `m`'s recorded withdrawal can still be taken back: until its
/// refund date (after it the 出資金 has been returned).
pub fn can_take_back(m: &member::Model, now: DateTime<Utc>) -> bool {
    m.withdrawn_on.is_some() && m.access_until.is_some_and(|until| until >= jst::today(now))
}

/// Takes back a withdrawal recorded by mistake (the wrong member, or one
/// never filed): the member is active again, with no dates. Only before the
/// refund date has passed (after it the 出資金 has been returned: joining
/// again is a new membership); written only over the dates read, audited,
/// the member mailed.
pub async fn cancel(
    db: &DatabaseConnection,
    config: &Config,
    member_id: i32,
    (actor, ip, now): Acting<'_>,
) -> Result<(), AppError> {
    let (m, account) = super::with_account(db, member_id).await?;
    let (Some(was_on), Some(was_until)) = (m.withdrawn_on, m.access_until) else {
        return Err(AppError::Conflict(
            "脱退の記録がありません。画面を読み込み直してご確認ください。".to_owned(),
        ));
    };
    if !can_take_back(&m, now) {
        return Err(AppError::Conflict(
            "出資金の返還日を過ぎた脱退は取り消せません。改めて加入の手続きをしてください。"
                .to_owned(),
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let cancelled = member::Entity::update_many()
        .col_expr(
            member::Column::Status,
            Expr::value(member::MemberStatus::Active),
        )
        .col_expr(
            member::Column::WithdrawnOn,
            Expr::value(Option::<NaiveDate>::None),
        )
        .col_expr(
            member::Column::AccessUntil,
            Expr::value(Option::<NaiveDate>::None),
        )
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(m.id))
        .filter(member::Column::WithdrawnOn.eq(was_on))
        .filter(member::Column::AccessUntil.eq(was_until))
        .exec(&txn)
        .await?;
    if cancelled.rows_affected != 1 {
        return Err(AppError::Conflict(
            "脱退の記録は、ほかの職員がすでに変更しました。画面を読み込み直してご確認ください。"
                .to_owned(),
        ));
    }
    let entry = audit::Entry {
        actor,
        member_id: Some(m.id),
        action: "withdrawal_cancelled",
        before: Some(shown(was_on, was_until)),
        after: Some("在籍(脱退の記録を取消)".into()),
        ip,
    };
    audited_and_told(txn, (&m, account.as_ref()), entry, now, |to| {
        templates::withdrawal_cancelled(config, to, &jst::format_datetime(now))
    })
    .await
}

/// Ends a change of `m`'s withdrawal: the audit entry, the mail `mail`
/// writes to the member (when they have an account), and the commit.
async fn audited_and_told(
    txn: sea_orm::DatabaseTransaction,
    (m, account): (
        &member::Model,
        Option<&crate::ssr::entities::member_account::Model>,
    ),
    entry: audit::Entry<'_>,
    now: DateTime<Utc>,
    mail: impl FnOnce(&Recipient) -> mail::Mail,
) -> Result<(), AppError> {
    audit::record(&txn, entry, now).await?;
    if let Some(account) = account {
        let to = Recipient {
            email: &account.email,
            name: &m.name,
        };
        mail::enqueue(&txn, mail(&to), now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The update writing a member's withdrawal dates; the caller adds the
/// condition it is written on (and, for a new withdrawal, the status).
fn write(
    member_id: i32,
    (withdrawn_on, access_until): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<member::Entity> {
    member::Entity::update_many()
        .col_expr(member::Column::WithdrawnOn, Expr::value(Some(withdrawn_on)))
        .col_expr(member::Column::AccessUntil, Expr::value(Some(access_until)))
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(member_id))
}

/// A withdrawal as the audit log shows it.
fn shown(withdrawn_on: NaiveDate, access_until: NaiveDate) -> String {
    format!(
        "脱退 {}(マイページは{}まで)",
        jst::format_date(withdrawn_on),
        jst::format_date(access_until)
    )
}

/// The two dates of a withdrawal, checked: the day, and the refund date
/// (the last day of My Page) not before it.
/// The two dates as staff typed them; a mistyped year (2099) would keep
/// coverage and My Page for decades, so both are bounded.
fn dates(
    withdrawn_on: &str,
    access_until: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let withdrawn_on = jst::parse_date(withdrawn_on)
        .ok_or_else(|| AppError::field("withdrawn_on", "脱退日を入力してください。"))?;
    let access_until = jst::parse_date(access_until).ok_or_else(|| {
        AppError::field(
            "access_until",
            "出資金の返還日(ご利用の最終日)を入力してください。",
        )
    })?;
    if access_until < withdrawn_on {
        return Err(AppError::field(
            "access_until",
            "返還日は、脱退日以降の日付を指定してください。",
        ));
    }
    if withdrawn_on > today + Duration::days(policy::WITHDRAWAL_AHEAD_DAYS) {
        return Err(AppError::field(
            "withdrawn_on",
            "脱退日は、1年先までの日付を指定してください。",
        ));
    }
    if access_until > withdrawn_on + Duration::days(policy::REFUND_AFTER_WITHDRAWAL_DAYS) {
        return Err(AppError::field(
            "access_until",
            "返還日は、脱退日から2年以内の日付を指定してください。",
        ));
    }
    Ok((withdrawn_on, access_until))
}
