//! 出資金 and 割戻金 (P2): the first payment staff recorded (or the members
//! import brought), every 出資金 line of the statements, and the 割戻金 of
//! each year.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::{CapitalPayment, CapitalView, RebateView};
use super::statements::{month_label, with_status};
use crate::auth::ssr::current_member;
use crate::domain::statement::{rate_label, LineKind, PaymentStatus, CAPITAL_SHARE_YEN};
use crate::domain::{jst, money};
use crate::error::AppError;
use crate::ssr::entities::{member, rebate, statement_line};
use crate::ssr::request::Request;

pub async fn view_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    today: NaiveDate,
) -> Result<CapitalView, AppError> {
    let m = member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut payments = Vec::new();
    let mut total: i64 = 0;
    if let Some(amount) = m.capital_amount {
        total += i64::from(amount);
        payments.push(CapitalPayment {
            on: m.capital_paid_on.map(jst::format_date).unwrap_or_default(),
            what: "ご加入時の出資".into(),
            amount: money::yen(amount.into()),
            pending: None,
        });
    }
    let statements = with_status(db, member_id, today).await?;
    let ids: Vec<i32> = statements.iter().map(|(s, _)| s.id).collect();
    let lines = statement_line::Entity::find()
        .filter(statement_line::Column::StatementId.is_in(ids))
        .filter(statement_line::Column::Kind.eq(LineKind::Capital.code()))
        .order_by_asc(statement_line::Column::Position)
        .all(db)
        .await?;
    for (s, status) in &statements {
        let label = month_label(&s.billing_month);
        for l in lines.iter().filter(|l| l.statement_id == s.id) {
            let done = status.is_paid();
            if done {
                total += l.amount;
            }
            payments.push(CapitalPayment {
                on: match *status {
                    PaymentStatus::Paid { on } => jst::format_date(on),
                    _ => jst::format_date(s.billed_on),
                },
                what: format!("{}({label}ご請求分)", l.description),
                amount: money::yen(l.amount),
                // A part paid of the whole bill is not a part of this line.
                pending: (!done).then(|| match status {
                    PaymentStatus::NotYetDue { .. } | PaymentStatus::Confirming { .. } => {
                        status.label().to_owned()
                    }
                    _ => PaymentStatus::Unpaid.label().to_owned(),
                }),
            });
        }
    }
    let rebates = rebate::Entity::find()
        .filter(rebate::Column::MemberId.eq(member_id))
        .order_by_desc(rebate::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RebateView {
            year: format!("{}年度", r.year),
            rate: rate_label(r.rate_bp),
            amount: money::yen(r.amount),
            paid_on: r.paid_on.map(jst::format_date),
        })
        .collect();
    Ok(CapitalView {
        shares: total / CAPITAL_SHARE_YEN,
        share_price: money::yen(CAPITAL_SHARE_YEN),
        total: money::yen(total),
        payments,
        rebates,
        refund_on: m.withdrawn_on.and(m.access_until).map(jst::format_date),
    })
}

/// [`super::super::my_capital`].
pub async fn view() -> Result<CapitalView, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    view_of(&state.db, me.member_id, jst::today(now)).await
}
