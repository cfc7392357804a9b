//! 請求明細 (M9): the member's statements, newest first, each with its lines
//! by kind, its total and whether it is paid; and the CSV download.

use std::collections::HashMap;

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::{
    GroupView, LineView, PaymentView, StatementDetail, StatementList, StatementSummary,
};
use crate::auth::ssr::{current_member, display_member_number, member_from_headers};
use crate::domain::jis::display_spelling;
use crate::domain::statement::{group, BillingMonth, Line, LineKind, PaymentMethod, PaymentStatus};
use crate::domain::{jst, money};
use crate::error::AppError;
use crate::ssr::entities::{member, payment, statement, statement_line};
use crate::ssr::request::Request;
use crate::ssr::AppState;

/// The payments of `member_id`, by billing month.
async fn payments_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    month: Option<&str>,
) -> Result<HashMap<String, Vec<payment::Model>>, AppError> {
    let mut q = payment::Entity::find().filter(payment::Column::MemberId.eq(member_id));
    if let Some(m) = month {
        q = q.filter(payment::Column::BillingMonth.eq(m));
    }
    let mut out: HashMap<String, Vec<payment::Model>> = HashMap::new();
    for p in q.order_by_asc(payment::Column::PaidOn).all(db).await? {
        out.entry(p.billing_month.clone()).or_default().push(p);
    }
    Ok(out)
}

fn summary(s: &statement::Model, payments: &[payment::Model]) -> StatementSummary {
    let label = BillingMonth::parse(&s.billing_month)
        .map(|m| m.label())
        .unwrap_or_else(|_| s.billing_month.clone());
    let paid: Vec<(NaiveDate, i64)> = payments.iter().map(|p| (p.paid_on, p.amount)).collect();
    let status = PaymentStatus::of(s.total, &paid);
    let paid_on = match &status {
        PaymentStatus::Paid { on } | PaymentStatus::Partial { on, .. } => {
            Some(jst::format_date(*on))
        }
        _ => None,
    };
    StatementSummary {
        month: s.billing_month.clone(),
        label,
        closing_on: jst::format_date(s.closing_on),
        billed_on: jst::format_date(s.billed_on),
        total: money::yen(s.total),
        status_label: status.label().to_owned(),
        paid: status.is_paid(),
        paid_on,
    }
}

/// `member_id`'s statements, newest first.
pub async fn list_of(db: &impl ConnectionTrait, member_id: i32) -> Result<StatementList, AppError> {
    let statements = statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id))
        .order_by_desc(statement::Column::BillingMonth)
        .all(db)
        .await?;
    let payments = payments_of(db, member_id, None).await?;
    let first_month = statements
        .last()
        .and_then(|s| BillingMonth::parse(&s.billing_month).ok())
        .map(|m| m.label());
    Ok(StatementList {
        statements: statements
            .iter()
            .map(|s| {
                summary(
                    s,
                    payments
                        .get(&s.billing_month)
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                )
            })
            .collect(),
        first_month,
    })
}

/// [`super::super::my_statements`].
pub async fn list() -> Result<StatementList, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    list_of(&state.db, me.member_id).await
}

/// `member_id`'s statement of `month`; another member's is simply not found.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    month: &str,
) -> Result<StatementDetail, AppError> {
    let month = BillingMonth::parse(month).map_err(|_| AppError::NotFound)?;
    let s = statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id))
        .filter(statement::Column::BillingMonth.eq(month.code()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = statement_line::Entity::find()
        .filter(statement_line::Column::StatementId.eq(s.id))
        .order_by_asc(statement_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Line {
            kind: LineKind::from_code(&l.kind).unwrap_or(LineKind::Other),
            contract_number: l.contract_number,
            description: l.description,
            used_on: l.used_on,
            amount: l.amount,
        })
        .collect();
    let payments = payments_of(db, member_id, Some(&s.billing_month))
        .await?
        .remove(&s.billing_month)
        .unwrap_or_default();
    let (groups, _) = group(lines);
    Ok(StatementDetail {
        summary: summary(&s, &payments),
        groups: groups
            .into_iter()
            .map(|g| GroupView {
                kind: g.kind.label().to_owned(),
                subtotal: money::yen(g.subtotal),
                lines: g
                    .lines
                    .into_iter()
                    .map(|l| LineView {
                        description: display_spelling(&l.description).0,
                        contract_number: l.contract_number,
                        used_on: l.used_on.map(jst::format_date),
                        amount: money::yen(l.amount),
                    })
                    .collect(),
            })
            .collect(),
        payments: payments
            .iter()
            .map(|p| PaymentView {
                paid_on: jst::format_date(p.paid_on),
                amount: money::yen(p.amount),
                method: PaymentMethod::from_code(&p.method)
                    .map_or("その他", PaymentMethod::label)
                    .to_owned(),
            })
            .collect(),
        name: display_spelling(&m.name).0,
        member_number: display_member_number(&m.member_number),
    })
}

/// [`super::super::my_statement`].
pub async fn detail(month: &str) -> Result<StatementDetail, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    detail_of(&state.db, me.member_id, month).await
}

/// A cell Excel would read as a formula made text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The statement as CSV for Excel (UTF-8 with BOM): one row per line and a
/// total row. Amounts are plain numbers.
pub fn statement_csv(d: &StatementDetail) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "請求月",
        "締切日",
        "請求日",
        "区分",
        "契約番号",
        "内容",
        "利用日",
        "金額",
    ]);
    let plain = |yen: &str| yen.trim_end_matches('円').replace(',', "");
    for g in &d.groups {
        for l in &g.lines {
            let _ = w.write_record([
                d.summary.label.as_str(),
                &d.summary.closing_on,
                &d.summary.billed_on,
                &g.kind,
                l.contract_number.as_deref().unwrap_or(""),
                &cell(&l.description),
                l.used_on.as_deref().unwrap_or(""),
                &plain(&l.amount),
            ]);
        }
    }
    let _ = w.write_record([
        d.summary.label.as_str(),
        &d.summary.closing_on,
        &d.summary.billed_on,
        "合計",
        "",
        "",
        "",
        &plain(&d.summary.total),
    ]);
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{FEFF}");
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// `GET /mypage/statements/{month}/csv`: the logged-in member's statement.
pub async fn csv_download(
    State(state): State<AppState>,
    Path(month): Path<String>,
    headers: HeaderMap,
) -> Response {
    let now = state.clock.now();
    let me = match member_from_headers(&state.db, &state.config, &headers, now).await {
        Ok(me) if !me.must_change_password => me,
        _ => return StatusCode::UNAUTHORIZED.into_response(),
    };
    match detail_of(&state.db, me.member_id, &month).await {
        Ok(d) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"seikyu-{}.csv\"",
                        d.summary.month
                    ))
                    .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            statement_csv(&d),
        )
            .into_response(),
        Err(e) => (e.status(), e.to_string()).into_response(),
    }
}
