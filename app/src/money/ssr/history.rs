//! Demo and test data only: a member's money history written as the core
//! system would export it and taken in through the real imports, so the
//! demo shows exactly what an import makes. Statements from January of last
//! year to this month (premiums of the contracts as in force, a few
//! purchases, one 出資金 increase), every month paid by 口座振替 once its
//! billing date has passed, and the 割戻金 of the last two years.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::import::{self, Kind};
use crate::contract::ssr::coverages_of;
use crate::domain::calendar::is_national_holiday;
use crate::domain::jst;
use crate::domain::statement::BillingMonth;
use crate::error::AppError;
use crate::ssr::audit::Actor;
use crate::ssr::csv_import::{ImportError, Mode, Options};
use crate::ssr::entities::{member, statement};

const PURCHASES: [(&str, i64); 4] = [
    ("お米 5kg", 2400),
    ("トイレットペーパー 12ロール", 580),
    ("洗濯用洗剤", 398),
    ("冷凍うどん 5食", 450),
];

/// Loads the history of `member_id` unless it has statements already.
pub async fn load(
    db: &DatabaseConnection,
    member_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let has = statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id))
        .count(db)
        .await?;
    let Some(m) = member::Entity::find_by_id(member_id).one(db).await? else {
        return Ok(());
    };
    if has > 0 {
        return Ok(());
    }
    let contracts = coverages_of(db, member_id).await?;
    if contracts.is_empty() {
        return Ok(());
    }
    let today = jst::today(now);
    let number = &m.member_number;
    let mut statements = String::from("組合員番号,請求月,区分,契約番号,内容,利用日,金額\n");
    let mut payments = String::from("組合員番号,請求月,入金日,金額,入金方法\n");
    let last = BillingMonth::of(today);
    let mut month = BillingMonth::new(today.year() - 1, 1).ok_or(AppError::Internal)?;
    let mut i = member_id as usize;
    loop {
        let mut total = 0;
        for c in &contracts {
            let premium = c.premium_on(month.first_day());
            if let (true, Some(course)) = (premium > 0, c.course_on(month.first_day())) {
                statements.push_str(&format!(
                    "{number},{},共済掛金,{},{},,{premium}\n",
                    month.code(),
                    c.contract.contract_number,
                    course.name
                ));
                total += premium;
            }
        }
        if month.month() % 3 == 0 {
            let (item, price) = PURCHASES[i % PURCHASES.len()];
            i += 1;
            let used = month.closing_date() - chrono::Duration::days(10);
            statements.push_str(&format!(
                "{number},{},購買,,{item},{used},{price}\n",
                month.code()
            ));
            total += price;
        }
        if month.month() == 4 && month.year() == today.year() {
            statements.push_str(&format!(
                "{number},{},出資金,,増資(1口),,1000\n",
                month.code()
            ));
            total += 1000;
        }
        let billed = month.billing_date(is_national_holiday);
        if total > 0 && billed < today {
            payments.push_str(&format!(
                "{number},{},{billed},{total},口座振替\n",
                month.code()
            ));
        }
        if month == last {
            break;
        }
        month = month.next();
    }
    let rebates = format!(
        "組合員番号,年度,割戻率,金額,支払日\n{number},{},3.5,{},{}-06-30\n{number},{},4.25,{},{}-06-30\n",
        today.year() - 2,
        800 + (member_id as i64 % 5) * 100,
        today.year() - 1,
        today.year() - 1,
        900 + (member_id as i64 % 7) * 100,
        today.year(),
    );
    let options = Options {
        mode: Mode::Commit,
        actor: Actor::System,
        ip: "",
        file_name: "demo",
        import_id: None,
    };
    for (kind, csv) in [
        (Kind::Statements, statements),
        (Kind::Payments, payments),
        (Kind::Rebates, rebates),
    ] {
        import::run(db, csv.as_bytes(), kind, &options, now, |_| {})
            .await
            .map_err(|e| match e {
                ImportError::App(e) => e,
                ImportError::File(f) => {
                    tracing::error!(error = %f, "demo money history");
                    AppError::Internal
                }
            })?;
    }
    Ok(())
}
