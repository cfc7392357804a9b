//! Reading the member's record.

pub mod admin;
pub mod changes;
pub mod import;
pub mod withdrawal;

use super::{AddressParts, Profile};
use crate::auth::ssr::{current_member_records, display_member_number};
use chrono::{DateTime, Utc};

use crate::domain::jis::display_spelling;
use crate::domain::jst;
use crate::domain::membership::{self, Closed, Stage, Standing};
use crate::error::AppError;
use crate::ssr::entities::{member, member_account};
use crate::ssr::{AppState, Config};

/// [`super::my_profile`]: the details of the member of the session.
pub async fn profile() -> Result<Profile, AppError> {
    let (_, account, m) = current_member_records().await?;
    let state = AppState::current()?;
    // The registered spelling stays as the core system sent it; members see
    // the display spelling (seed 000).
    let (name, name_changed) = display_spelling(&m.name);
    let (address, address_changed) =
        display_spelling(format!("{}{} {}", m.prefecture, m.address1, m.address2).trim_end());
    Ok(Profile {
        member_number: display_member_number(&m.member_number),
        postal_code: display_postal_code(&m.postal_code),
        address,
        spelling_substituted: name_changed || address_changed,
        name,
        name_kana: m.name_kana,
        birth_date: jst::format_date(m.birth_date),
        address_parts: AddressParts {
            postal_code: crate::domain::postal::PostalCode::parse(&m.postal_code)
                .map(|c| c.hyphenated())
                .unwrap_or_else(|_| m.postal_code.clone()),
            prefecture: m.prefecture.clone(),
            address1: m.address1.clone(),
            address2: m.address2.clone(),
        },
        pending_name: changes::pending_name(&state.db, m.id).await?,
        mail_undeliverable_since: crate::ssr::mail::status::undeliverable_since(
            &state.db,
            &account.email,
        )
        .await?
        .map(jst::format_datetime),
        phone: m.phone,
        mobile_phone: m.mobile_phone,
        email: account.email,
        user_id: account.user_id,
        workplace: m.workplace,
    })
}

/// After a recorded withdrawal, the first day `member_id` has no coverage
/// (the day after the 脱退日); `None` while a member.
pub async fn coverage_end(
    db: &impl sea_orm::ConnectionTrait,
    member_id: i32,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    use sea_orm::{EntityTrait, QuerySelect};
    let withdrawn_on: Option<chrono::NaiveDate> = member::Entity::find_by_id(member_id)
        .select_only()
        .column(member::Column::WithdrawnOn)
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(withdrawn_on.map(crate::domain::coverage::withdrawal_end))
}

/// Takes the member's row for the rest of `txn`: a second transaction that
/// holds it waits until this one ends (PostgreSQL; a SQLite writing
/// transaction holds the whole database already). Changes that check the
/// member's open procedures and then write call this first, so the check
/// sees what the other committed.
pub async fn hold(txn: &impl sea_orm::ConnectionTrait, member_id: i32) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    member::Entity::update_many()
        .col_expr(
            member::Column::UpdatedAt,
            Expr::col(member::Column::UpdatedAt),
        )
        .filter(member::Column::Id.eq(member_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Member `member_id` and their My Page account, if any; not found when
/// there is no such member.
pub async fn with_account(
    db: &impl sea_orm::ConnectionTrait,
    member_id: i32,
) -> Result<(member::Model, Option<member_account::Model>), AppError> {
    use sea_orm::EntityTrait;
    member::Entity::find_by_id(member_id)
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The facts of a member's standing (M12–M14).
pub fn standing(member: &member::Model, account: Option<&member_account::Model>) -> Standing {
    Standing {
        has_account: account.is_some(),
        service_stopped: account.is_some_and(|a| a.service_stopped_at.is_some()),
        access_until: member.access_until,
    }
}

/// Where the member stands today (JST).
pub fn stage_of(
    member: &member::Model,
    account: Option<&member_account::Model>,
    now: DateTime<Utc>,
) -> Stage {
    membership::stage(standing(member, account), jst::today(now))
}

/// Whether the member of `account` may use My Page now.
pub fn access(
    member: &member::Model,
    account: &member_account::Model,
    now: DateTime<Utc>,
) -> Result<(), Closed> {
    membership::access(stage_of(member, Some(account), now))
}

/// A closed door, told with the co-op's phone.
pub fn closed_answer(closed: Closed, config: &Config) -> AppError {
    AppError::AccessClosed(format!(
        "{closed}(電話:{} {})",
        config.coop_phone, config.coop_phone_hours
    ))
}

/// `〒330-0064` from the stored seven digits.
fn display_postal_code(digits: &str) -> String {
    match (digits.get(..3), digits.get(3..)) {
        (Some(a), Some(b)) if digits.len() == 7 => format!("〒{a}-{b}"),
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn postal_codes_get_the_mark_and_hyphen() {
        assert_eq!(super::display_postal_code("3300064"), "〒330-0064");
        assert_eq!(super::display_postal_code("33"), "33");
    }
}
