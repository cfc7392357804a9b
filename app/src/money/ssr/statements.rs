//! 請求明細 (M9): the member's statements, newest first, each with its lines
//! by kind, its total and whether it is paid; and the CSV download.

use std::collections::HashMap;

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::{
    GroupView, LineView, PaymentView, StatementDetail, StatementList, StatementSummary,
};
use crate::auth::ssr::{current_member, display_member_number, member_for_download};
use crate::domain::jis::display_spelling;
use crate::domain::statement::{group, BillingMonth, Line, LineKind, PaymentMethod, PaymentStatus};
use crate::domain::{jst, money};
use crate::error::AppError;
use crate::ssr::csv_import::{excel_csv, excel_text};
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

/// Whether statement `s` is paid on `today`, from its month's payments.
fn status_of(s: &statement::Model, payments: &[payment::Model], today: NaiveDate) -> PaymentStatus {
    let paid: Vec<(NaiveDate, i64)> = payments.iter().map(|p| (p.paid_on, p.amount)).collect();
    PaymentStatus::of(s.total, &paid, s.billed_on, today)
}

/// `member_id`'s statements, oldest first, each with whether it is paid on
/// `today`: what the list, the certificate and 出資金 all read.
pub async fn with_status(
    db: &impl ConnectionTrait,
    member_id: i32,
    today: NaiveDate,
) -> Result<Vec<(statement::Model, PaymentStatus)>, AppError> {
    let statements = statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id))
        .order_by_asc(statement::Column::BillingMonth)
        .all(db)
        .await?;
    let payments = payments_of(db, member_id, None).await?;
    Ok(statements
        .into_iter()
        .map(|s| {
            let paid = payments
                .get(&s.billing_month)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let status = status_of(&s, paid, today);
            (s, status)
        })
        .collect())
}

/// `2026年11月` for a stored `2026-11`.
pub fn month_label(code: &str) -> String {
    BillingMonth::parse(code)
        .map(|m| m.label())
        .unwrap_or_else(|_| code.to_owned())
}

fn summary(s: &statement::Model, status: &PaymentStatus) -> StatementSummary {
    let label = month_label(&s.billing_month);
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
        overdue: status.is_overdue(),
        paid_on,
    }
}

/// `member_id`'s statements, newest first.
pub async fn list_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    today: NaiveDate,
) -> Result<StatementList, AppError> {
    let statements = with_status(db, member_id, today).await?;
    let first_month = statements
        .first()
        .map(|(s, _)| month_label(&s.billing_month));
    Ok(StatementList {
        statements: statements
            .iter()
            .rev()
            .map(|(s, status)| summary(s, status))
            .collect(),
        first_month,
    })
}

/// [`super::super::my_statements`].
pub async fn list() -> Result<StatementList, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    list_of(&state.db, me.member_id, jst::today(now)).await
}

/// A member's statement of one month as stored.
struct Found {
    statement: statement::Model,
    lines: Vec<Line>,
    payments: Vec<payment::Model>,
    member: member::Model,
}

/// `member_id`'s statement of `month`; another member's is simply not found.
async fn find(db: &impl ConnectionTrait, member_id: i32, month: &str) -> Result<Found, AppError> {
    let month = BillingMonth::parse(month).map_err(|_| AppError::NotFound)?;
    let s = statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id))
        .filter(statement::Column::BillingMonth.eq(month.code()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let member = member::Entity::find_by_id(member_id)
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
            description: display_spelling(&l.description).0,
            used_on: l.used_on,
            amount: l.amount,
        })
        .collect();
    let payments = payments_of(db, member_id, Some(&s.billing_month))
        .await?
        .remove(&s.billing_month)
        .unwrap_or_default();
    Ok(Found {
        statement: s,
        lines,
        payments,
        member,
    })
}

/// `member_id`'s statement of `month`, as the page shows it.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    month: &str,
    today: NaiveDate,
) -> Result<StatementDetail, AppError> {
    let f = find(db, member_id, month).await?;
    let (groups, _) = group(f.lines);
    Ok(StatementDetail {
        summary: summary(&f.statement, &status_of(&f.statement, &f.payments, today)),
        groups: groups
            .into_iter()
            .map(|g| GroupView {
                kind: g.kind.label().to_owned(),
                subtotal: money::yen(g.subtotal),
                lines: g
                    .lines
                    .into_iter()
                    .map(|l| LineView {
                        description: l.description,
                        contract_number: l.contract_number,
                        used_on: l.used_on.map(jst::format_date),
                        amount: money::yen(l.amount),
                    })
                    .collect(),
            })
            .collect(),
        payments: f
            .payments
            .iter()
            .map(|p| PaymentView {
                paid_on: jst::format_date(p.paid_on),
                amount: money::yen(p.amount),
                method: PaymentMethod::from_code(&p.method)
                    .map_or("その他", PaymentMethod::label)
                    .to_owned(),
            })
            .collect(),
        name: display_spelling(&f.member.name).0,
        member_number: display_member_number(&f.member.member_number),
    })
}

/// [`super::super::my_statement`].
pub async fn detail(month: &str) -> Result<StatementDetail, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    detail_of(&state.db, me.member_id, month, jst::today(now)).await
}

/// The statement as CSV for Excel: one row per line in the page's order and
/// a total row; amounts are plain numbers.
fn statement_csv(f: &Found) -> String {
    let s = &f.statement;
    let label = month_label(&s.billing_month);
    let (closing, billed) = (
        jst::format_date(s.closing_on),
        jst::format_date(s.billed_on),
    );
    let (groups, total) = group(f.lines.clone());
    let heading = [
        "請求月",
        "締切日",
        "請求日",
        "区分",
        "契約番号",
        "内容",
        "利用日",
        "金額",
    ]
    .map(str::to_owned);
    let lines = groups.iter().flat_map(|g| {
        g.lines.iter().map(|l| {
            [
                label.clone(),
                closing.clone(),
                billed.clone(),
                g.kind.label().to_owned(),
                l.contract_number.clone().unwrap_or_default(),
                excel_text(&l.description),
                l.used_on.map(jst::format_date).unwrap_or_default(),
                l.amount.to_string(),
            ]
        })
    });
    let sum = [
        label.clone(),
        closing.clone(),
        billed.clone(),
        "合計".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        total.to_string(),
    ];
    excel_csv(
        std::iter::once(heading)
            .chain(lines)
            .chain(std::iter::once(sum)),
    )
}

/// `GET /mypage/statements/{month}/csv`: the logged-in member's statement.
pub async fn csv_download(
    State(state): State<AppState>,
    Path(month): Path<String>,
    headers: HeaderMap,
) -> Response {
    let now = state.clock.now();
    // Back to the statement's page after a login (the link is a plain one:
    // the browser follows the redirect, the CSV itself comes as an
    // attachment).
    let page = match BillingMonth::parse(&month) {
        Ok(m) => format!("/mypage/statements/{}", m.code()),
        Err(_) => "/mypage/statements".to_owned(),
    };
    let me = match member_for_download(&state.db, &state.config, &headers, now, &page).await {
        Ok(me) => me,
        Err(elsewhere) => return elsewhere,
    };
    match find(&state.db, me.member_id, &month).await {
        Ok(f) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"seikyu-{}.csv\"",
                        f.statement.billing_month
                    ))
                    .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            statement_csv(&f),
        )
            .into_response(),
        Err(e) => (e.status(), e.to_string()).into_response(),
    }
}
