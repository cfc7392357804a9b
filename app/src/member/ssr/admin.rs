//! Staff changes to a member's record (S2): a new member after the 出資金
//! payment is confirmed, and a confirmed name change (改姓, 氏名・フリガナ).
//! Each is one transaction with its audit entry, before and after.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::jst;
use crate::domain::member_fields::{self, Field, MemberFields, Problem};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::member;
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::Config;

fn first_problem(problems: Vec<Problem>) -> AppError {
    match problems.into_iter().next() {
        Some(p) => AppError::field(p.field.key(), p.message),
        None => AppError::Internal,
    }
}

/// A member created by staff, with what staff should know about it.
pub struct Created {
    pub member: member::Model,
    /// Characters outside JIS X 0208, kept as typed (the display differs).
    pub warnings: Vec<String>,
}

/// Checks `raw` and adds the member; the 出資金 payment must be given.
pub async fn create(
    db: &DatabaseConnection,
    raw: &member_fields::Raw,
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Created, AppError> {
    let (fields, warnings): (MemberFields, _) =
        member_fields::check(raw, jst::today(now)).map_err(first_problem)?;
    if fields.capital_paid_on.is_none() {
        return Err(AppError::field(
            Field::CapitalPaidOn.key(),
            "出資金の払込を確認した日を入力してください。",
        ));
    }
    if fields.capital_amount.is_none() {
        return Err(AppError::field(
            Field::CapitalAmount.key(),
            "払い込まれた出資金額を入力してください。",
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let created = super::import::new_member(&fields, now)
        .insert(&txn)
        .await
        .map_err(|e| {
            if crate::ssr::db::is_unique_violation(&e) {
                AppError::field(
                    Field::Number.key(),
                    "この組合員番号はすでに登録されています。組合員検索で確認してください。",
                )
            } else {
                e.into()
            }
        })?;
    audit::record(
        &txn,
        audit::Entry {
            actor,
            member_id: Some(created.id),
            action: "member_created",
            before: None,
            after: Some(format!(
                "{} {}(出資金 {}円、{}払込)",
                fields.number,
                fields.name,
                fields.capital_amount.unwrap_or_default(),
                fields
                    .capital_paid_on
                    .map(jst::format_date)
                    .unwrap_or_default()
            )),
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Created {
        member: created,
        warnings: warnings.into_iter().map(|w| w.message).collect(),
    })
}

/// Records a name change staff confirmed (改姓届): the new 氏名 and フリガナ,
/// audited with before and after, listed on the member's 手続き照会; a
/// member with an account is told by mail.
pub async fn change_name(
    db: &DatabaseConnection,
    config: &Config,
    member_id: i32,
    (name, kana): (&str, &str),
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (m, account) = super::with_account(db, member_id).await?;
    let (name, kana, _) = member_fields::check_name(name, kana).map_err(first_problem)?;
    if name == m.name && kana == m.name_kana {
        return Err(AppError::field(
            Field::Name.key(),
            "いまの登録と同じです。変更後の氏名とフリガナを入力してください。",
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    // An online request waiting would stay open beside it: staff decide that
    // one (承諾, or 取消 with the paper as the reason) first. Held, so an
    // online filing at the same moment is either seen here or filed after.
    super::hold(&txn, m.id).await?;
    if let Some(open) = crate::procedure::ssr::apply::open_name_change(&txn, m.id).await? {
        return Err(AppError::Conflict(format!(
            "この組合員には、マイページからの氏名変更のお申し込み(受付番号 {})がお手続き中です。先にそのお手続きを審査のうえ承諾するか、取消としてください。",
            crate::domain::procedure::receipt_number(jst::today(open.created_at), open.id)
        )));
    }
    super::changes::write_name(&txn, m.id, (&name, &kana), actor, ip, now).await?;
    // On the member's 手続き照会 too, as made by the co-op (M7).
    crate::procedure::ssr::apply::record_name_changed(&txn, m.id, (&name, &kana), actor, now)
        .await?;
    if let Some(account) = account {
        let (shown, _) = crate::domain::jis::display_spelling(&name);
        mail::enqueue(
            &txn,
            templates::name_changed(
                config,
                &Recipient {
                    email: &account.email,
                    name: &shown,
                },
                &jst::format_datetime(now),
                super::access(&m, &account, now).is_ok(),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Records the 出資金 payment staff confirmed for a member the core system
/// sent without one (M12: the registration letter goes out after it). Only
/// over no recorded payment, in one conditional statement: two staff at once
/// record it once; a recorded payment is changed by the members import.
pub async fn record_capital(
    db: &DatabaseConnection,
    member_id: i32,
    (paid_on, amount): (&str, &str),
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let m = member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let paid_on = member_fields::paid_on(paid_on, jst::today(now))
        .map_err(|message| AppError::field(Field::CapitalPaidOn.key(), message))?
        .ok_or_else(|| {
            AppError::field(
                Field::CapitalPaidOn.key(),
                "出資金の払込を確認した日を入力してください。",
            )
        })?;
    let amount = member_fields::capital_amount(amount)
        .map_err(|message| AppError::field(Field::CapitalAmount.key(), message))?
        .ok_or_else(|| {
            AppError::field(
                Field::CapitalAmount.key(),
                "払い込まれた出資金額を入力してください。",
            )
        })?;
    if m.status == member::MemberStatus::Withdrawn || m.withdrawn_on.is_some() {
        return Err(AppError::Conflict(
            "脱退した組合員です。出資金の入金は記録できません。".to_owned(),
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let recorded = member::Entity::update_many()
        .col_expr(member::Column::CapitalPaidOn, Expr::value(paid_on))
        .col_expr(member::Column::CapitalAmount, Expr::value(amount))
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(m.id))
        .filter(member::Column::CapitalPaidOn.is_null())
        // A withdrawal recorded meanwhile wins.
        .filter(member::Column::WithdrawnOn.is_null())
        .exec(&txn)
        .await?;
    if recorded.rows_affected != 1 {
        return Err(AppError::Conflict(
            "出資金の入金がすでに記録されているか、脱退が記録されています。画面を読み込み直してご確認ください。".to_owned(),
        ));
    }
    audit::record(
        &txn,
        audit::Entry {
            actor,
            member_id: Some(m.id),
            action: "capital_recorded",
            before: None,
            after: Some(format!(
                "出資金 {}円、{}払込",
                amount,
                jst::format_date(paid_on)
            )),
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
