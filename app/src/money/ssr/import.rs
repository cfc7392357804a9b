//! The statements, payments and 割戻金 imports (S7): the core system's
//! exports read as a stream ([`crate::ssr::csv_import`]), each row checked
//! by [`crate::domain::statement`], and written in batches of [`BATCH`]
//! rows, one transaction each.
//!
//! A re-sent month replaces that month, never doubles it: the first time a
//! run meets a (member, month), that statement's lines (or that month's
//! payments) are deleted before the file's rows go in; later rows of the
//! same key in the same file are added to it. 割戻金 are one per member and
//! year, replaced by a re-sent year. Memory holds one batch and the keys
//! met so far (about 24 bytes each: a statement, not a line).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use crate::domain::calendar::is_national_holiday;
use crate::domain::jst;
use crate::domain::statement::{
    self, check_payment_row, check_rebate_row, check_statement_row, BillingMonth, PaymentRow,
    RebateRow, StatementRow,
};
use crate::ssr::csv_import::{
    next_batch, progress, record_done, ImportError, Issue, Mode, Options, Outcome, Records,
};
use crate::ssr::entities::{member, payment, rebate, statement as stmt, statement_line};

/// Rows per transaction.
pub const BATCH: usize = 5000;
/// Rows per INSERT statement (SQLite allows 32,766 parameters).
const CHUNK: usize = 1000;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Statements,
    Payments,
    Rebates,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Statements, Kind::Payments, Kind::Rebates];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Statements => "statements",
            Kind::Payments => "payments",
            Kind::Rebates => "rebates",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Statements => "請求明細",
            Kind::Payments => "入金",
            Kind::Rebates => "割戻金",
        }
    }

    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Kind::Statements => &statement::STATEMENT_COLUMNS,
            Kind::Payments => &statement::PAYMENT_COLUMNS,
            Kind::Rebates => &statement::REBATE_COLUMNS,
        }
    }

    /// What `inserted`, `updated` of an [`Outcome`] count, for people.
    pub fn counted(self) -> (&'static str, &'static str) {
        match self {
            Kind::Statements => ("新しい請求明細", "置き換えた請求明細"),
            Kind::Payments => ("入金を新しく登録した月", "入金を置き換えた月"),
            Kind::Rebates => ("新しい割戻金", "置き換えた割戻金"),
        }
    }
}

enum Row {
    Statement(StatementRow),
    Payment(PaymentRow),
    Rebate(RebateRow),
}

impl Row {
    fn number(&self) -> &str {
        match self {
            Row::Statement(r) => r.member.digits(),
            Row::Payment(r) => r.member.digits(),
            Row::Rebate(r) => r.member.digits(),
        }
    }
}

/// What a run remembers between batches.
#[derive(Default)]
struct Met {
    /// (member id, month or year) already replaced in this run.
    keys: HashSet<(i32, i32)>,
}

fn month_key(m: BillingMonth) -> i32 {
    m.year() * 100 + m.month() as i32
}

/// Imports (or previews) `input` as `kind`; `on_batch` hears the progress.
pub async fn run<R: Read + Send>(
    db: &DatabaseConnection,
    input: R,
    kind: Kind,
    options: &Options<'_>,
    now: DateTime<Utc>,
    mut on_batch: impl FnMut(&Outcome) + Send,
) -> Result<Outcome, ImportError> {
    let mut records = Records::open(input)?;
    let columns = records.columns(kind.columns())?;
    let today = jst::today(now);
    let mut out = Outcome::new(records.encoding);
    let mut met = Met::default();
    loop {
        let mut batch = next_batch(&mut records, &columns, BATCH, &mut out, |c| match kind {
            Kind::Statements => check_statement_row(c.array()).map(Row::Statement),
            Kind::Payments => check_payment_row(c.array(), today).map(Row::Payment),
            Kind::Rebates => check_rebate_row(c.array(), today).map(Row::Rebate),
        });
        let last = batch.len() < BATCH;
        apply(db, kind, &mut batch, &mut met, options, now, &mut out).await?;
        on_batch(&out);
        if last {
            break;
        }
    }
    if options.mode == Mode::Commit {
        let action = match kind {
            Kind::Statements => "statements_imported",
            Kind::Payments => "payments_imported",
            Kind::Rebates => "rebates_imported",
        };
        let (new, replaced) = kind.counted();
        record_done(db, options, (action, new, replaced), &out, now).await?;
    }
    Ok(out)
}

/// Member ids by number, for the numbers in `batch`.
async fn member_ids(
    db: &impl ConnectionTrait,
    batch: &[(u64, Row)],
) -> Result<HashMap<String, i32>, ImportError> {
    let numbers: HashSet<&str> = batch.iter().map(|(_, r)| r.number()).collect();
    let found: Vec<(i32, String)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::MemberNumber)
        .filter(member::Column::MemberNumber.is_in(numbers))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().map(|(id, n)| (n, id)).collect())
}

const UNKNOWN_MEMBER: &str =
    "この組合員番号の組合員は登録されていません(組合員データを先に取り込んでください)。";

async fn apply(
    db: &DatabaseConnection,
    kind: Kind,
    batch: &mut Vec<(u64, Row)>,
    met: &mut Met,
    options: &Options<'_>,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    if batch.is_empty() {
        if let (Mode::Commit, Some(id)) = (options.mode, options.import_id) {
            progress(db, id, out).await?;
        }
        return Ok(());
    }
    match options.mode {
        Mode::Preview => apply_in(db, kind, batch, met, false, now, out).await?,
        Mode::Commit => {
            let txn = crate::ssr::db::begin_write(db).await?;
            apply_in(&txn, kind, batch, met, true, now, out).await?;
            if let Some(id) = options.import_id {
                progress(&txn, id, out).await?;
            }
            txn.commit().await?;
        }
    }
    Ok(())
}

/// One batch, read (and with `write`, written) through `db`: the batch's
/// transaction, so it sees what it wrote.
async fn apply_in(
    db: &impl ConnectionTrait,
    kind: Kind,
    batch: &mut Vec<(u64, Row)>,
    met: &mut Met,
    write: bool,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    let ids = member_ids(db, batch).await?;
    let mut known: Vec<(u64, i32, Row)> = Vec::with_capacity(batch.len());
    for (row, r) in batch.drain(..) {
        match ids.get(r.number()) {
            Some(id) => known.push((row, *id, r)),
            None => {
                out.rejected += 1;
                out.issue(Issue {
                    row,
                    column: "組合員番号".into(),
                    message: UNKNOWN_MEMBER.into(),
                    warning: false,
                });
            }
        }
    }
    match kind {
        Kind::Statements => statements(db, write, known, met, now, out).await,
        Kind::Payments => payments(db, write, known, met, now, out).await,
        Kind::Rebates => rebates(db, write, known, met, now, out).await,
    }
}

/// The (member, month) keys of `rows` met for the first time in this run,
/// grouped by month.
fn new_keys(
    keys: impl Iterator<Item = (i32, BillingMonth)>,
    met: &mut Met,
) -> BTreeMap<BillingMonth, Vec<i32>> {
    let mut out: BTreeMap<BillingMonth, Vec<i32>> = BTreeMap::new();
    for (member_id, month) in keys {
        if met.keys.insert((member_id, month_key(month))) {
            out.entry(month).or_default().push(member_id);
        }
    }
    out
}

/// Statement ids of the given members in `month`.
async fn statement_ids(
    db: &impl ConnectionTrait,
    month: BillingMonth,
    members: &[i32],
) -> Result<Vec<(i32, i32)>, ImportError> {
    let mut found = Vec::new();
    for chunk in members.chunks(CHUNK) {
        let rows: Vec<(i32, i32)> = stmt::Entity::find()
            .select_only()
            .column(stmt::Column::Id)
            .column(stmt::Column::MemberId)
            .filter(stmt::Column::BillingMonth.eq(month.code()))
            .filter(stmt::Column::MemberId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

async fn statements(
    db: &impl ConnectionTrait,
    write: bool,
    rows: Vec<(u64, i32, Row)>,
    met: &mut Met,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    let rows: Vec<(u64, i32, StatementRow)> = rows
        .into_iter()
        .filter_map(|(n, id, r)| match r {
            Row::Statement(s) => Some((n, id, s)),
            _ => None,
        })
        .collect();
    let fresh = new_keys(rows.iter().map(|(_, id, r)| (*id, r.month)), met);
    for (month, members) in &fresh {
        let existing = statement_ids(db, *month, members).await?;
        out.updated += existing.len() as u64;
        out.inserted += (members.len() - existing.len()) as u64;
        if !write {
            continue;
        }
        let existing_ids: Vec<i32> = existing.iter().map(|(id, _)| *id).collect();
        for chunk in existing_ids.chunks(CHUNK) {
            statement_line::Entity::delete_many()
                .filter(statement_line::Column::StatementId.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
        let had: HashSet<i32> = existing.iter().map(|(_, m)| *m).collect();
        let billed_on = month.billing_date(is_national_holiday);
        let new: Vec<stmt::ActiveModel> = members
            .iter()
            .filter(|m| !had.contains(m))
            .map(|m| stmt::ActiveModel {
                member_id: Set(*m),
                billing_month: Set(month.code()),
                closing_on: Set(month.closing_date()),
                billed_on: Set(billed_on),
                total: Set(0),
                imported_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in new.chunks(CHUNK) {
            stmt::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
    }
    if !write {
        return Ok(());
    }
    // The statement of every row, whether made now or earlier in the run.
    let mut by_month: BTreeMap<BillingMonth, Vec<i32>> = BTreeMap::new();
    for (_, id, r) in &rows {
        by_month.entry(r.month).or_default().push(*id);
    }
    let mut statement_of: HashMap<(i32, BillingMonth), i32> = HashMap::new();
    for (month, members) in by_month {
        let mut members = members;
        members.sort_unstable();
        members.dedup();
        for (id, member_id) in statement_ids(db, month, &members).await? {
            statement_of.insert((member_id, month), id);
        }
    }
    let mut lines = Vec::with_capacity(rows.len());
    let mut touched: HashSet<i32> = HashSet::new();
    for (n, member_id, r) in rows {
        let Some(statement_id) = statement_of.get(&(member_id, r.month)) else {
            continue;
        };
        touched.insert(*statement_id);
        lines.push(statement_line::ActiveModel {
            statement_id: Set(*statement_id),
            // The file's line number: unique within the file, so a
            // statement's lines keep the export's order.
            position: Set(i32::try_from(n).unwrap_or(i32::MAX)),
            kind: Set(r.line.kind.code().to_owned()),
            contract_number: Set(r.line.contract_number),
            description: Set(r.line.description),
            used_on: Set(r.line.used_on),
            amount: Set(r.line.amount),
            ..Default::default()
        });
    }
    for chunk in lines.chunks(CHUNK) {
        statement_line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let touched: Vec<i32> = touched.into_iter().collect();
    for chunk in touched.chunks(CHUNK) {
        stmt::Entity::update_many()
            .col_expr(
                stmt::Column::Total,
                Expr::cust(
                    "COALESCE((SELECT SUM(statement_lines.amount) FROM statement_lines \
                     WHERE statement_lines.statement_id = statements.id), 0)",
                ),
            )
            .col_expr(stmt::Column::ImportedAt, Expr::value(now))
            .filter(stmt::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn payments(
    db: &impl ConnectionTrait,
    write: bool,
    rows: Vec<(u64, i32, Row)>,
    met: &mut Met,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    let rows: Vec<(i32, PaymentRow)> = rows
        .into_iter()
        .filter_map(|(_, id, r)| match r {
            Row::Payment(p) => Some((id, p)),
            _ => None,
        })
        .collect();
    let fresh = new_keys(rows.iter().map(|(id, r)| (*id, r.month)), met);
    for (month, members) in &fresh {
        let mut had: HashSet<i32> = HashSet::new();
        for chunk in members.chunks(CHUNK) {
            let found: Vec<i32> = payment::Entity::find()
                .select_only()
                .column(payment::Column::MemberId)
                .distinct()
                .filter(payment::Column::BillingMonth.eq(month.code()))
                .filter(payment::Column::MemberId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            had.extend(found);
            if write {
                payment::Entity::delete_many()
                    .filter(payment::Column::BillingMonth.eq(month.code()))
                    .filter(payment::Column::MemberId.is_in(chunk.iter().copied()))
                    .exec(db)
                    .await?;
            }
        }
        out.updated += had.len() as u64;
        out.inserted += (members.len() - had.len()) as u64;
    }
    if !write {
        return Ok(());
    }
    let new: Vec<payment::ActiveModel> = rows
        .into_iter()
        .map(|(member_id, r)| payment::ActiveModel {
            member_id: Set(member_id),
            billing_month: Set(r.month.code()),
            paid_on: Set(r.paid_on),
            amount: Set(r.amount),
            method: Set(r.method.code().to_owned()),
            imported_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in new.chunks(CHUNK) {
        payment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn rebates(
    db: &impl ConnectionTrait,
    write: bool,
    rows: Vec<(u64, i32, Row)>,
    met: &mut Met,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    let mut taken: Vec<(i32, RebateRow)> = Vec::with_capacity(rows.len());
    for (n, member_id, r) in rows {
        let Row::Rebate(r) = r else { continue };
        if !met.keys.insert((member_id, r.year)) {
            out.rejected += 1;
            out.issue(Issue {
                row: n,
                column: "年度".into(),
                message: "同じ組合員番号と年度の行が、このファイルの前の行にあります。".into(),
                warning: false,
            });
            continue;
        }
        taken.push((member_id, r));
    }
    for chunk in taken.chunks(CHUNK) {
        let members: Vec<i32> = chunk.iter().map(|(m, _)| *m).collect();
        let existing: HashSet<(i32, i32)> = rebate::Entity::find()
            .select_only()
            .column(rebate::Column::MemberId)
            .column(rebate::Column::Year)
            .filter(rebate::Column::MemberId.is_in(members))
            .into_tuple::<(i32, i32)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for (m, r) in chunk {
            if existing.contains(&(*m, r.year)) {
                out.updated += 1;
            } else {
                out.inserted += 1;
            }
        }
        if !write {
            continue;
        }
        let models: Vec<rebate::ActiveModel> = chunk
            .iter()
            .map(|(m, r)| rebate::ActiveModel {
                member_id: Set(*m),
                year: Set(r.year),
                rate_bp: Set(r.rate_bp),
                amount: Set(r.amount),
                paid_on: Set(r.paid_on),
                imported_at: Set(now),
                ..Default::default()
            })
            .collect();
        rebate::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([rebate::Column::MemberId, rebate::Column::Year])
                    .update_columns([
                        rebate::Column::RateBp,
                        rebate::Column::Amount,
                        rebate::Column::PaidOn,
                        rebate::Column::ImportedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
