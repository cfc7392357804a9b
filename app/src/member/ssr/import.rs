//! The members CSV import (S7): the core system's export, read as a stream,
//! checked row by row with the rule staff forms use
//! ([`crate::domain::member_fields`]), and written by member number in
//! batches of [`BATCH`] rows, one transaction each. Importing the same file
//! again changes nothing; a row that differs updates the member, audited
//! with before and after. A preview runs the same code without writing.
//!
//! Memory stays bounded whatever the file: one batch of rows, the member
//! numbers seen (to refuse a number repeated in the file; about 40 bytes
//! each) and at most [`ISSUES_KEPT`] problems.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::domain::jst;
use crate::domain::member_fields::{check, Field, MemberFields, Raw};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::csv_import::{FileError, Issue, Records, TextEncoding};
use crate::ssr::entities::{member, member_import};

/// Rows written per transaction.
pub const BATCH: usize = 1000;
/// Problems listed (and downloadable); beyond this only counted.
pub const ISSUES_KEPT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Check and count what would happen; write nothing.
    Preview,
    Commit,
}

pub struct Options<'a> {
    pub mode: Mode,
    pub actor: Actor,
    pub ip: &'a str,
    pub file_name: &'a str,
    /// The upload whose progress to keep up to date, for the back office.
    pub import_id: Option<i32>,
}

/// What an import found and did (or, previewed, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub encoding: TextEncoding,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows not taken.
    pub rejected: u64,
    /// Rows taken with a warning (characters outside JIS X 0208).
    pub warnings: u64,
    pub issues: Vec<Issue>,
    /// Problems found beyond [`ISSUES_KEPT`].
    pub issues_dropped: u64,
}

impl Outcome {
    fn issue(&mut self, issue: Issue) {
        if self.issues.len() < ISSUES_KEPT {
            self.issues.push(issue);
        } else {
            self.issues_dropped += 1;
        }
    }

    /// The problems as the downloadable CSV.
    pub fn issues_csv(&self) -> String {
        let mut issues = self.issues.clone();
        if self.issues_dropped > 0 {
            issues.push(Issue {
                row: 0,
                column: String::new(),
                message: format!(
                    "ほかに {} 件の問題があります。ファイルを直して、もう一度確認してください。",
                    self.issues_dropped
                ),
                warning: false,
            });
        }
        crate::ssr::csv_import::issues_csv(&issues)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::App(e.into())
    }
}

/// The columns of the members CSV, in the documented order.
pub fn layout() -> Vec<(&'static str, bool)> {
    Field::ALL
        .iter()
        .map(|f| (f.column(), f.required_column()))
        .collect()
}

/// Imports (or previews) `input`; `on_batch` hears how many rows are done.
pub async fn run<R: Read + Send>(
    db: &DatabaseConnection,
    input: R,
    options: &Options<'_>,
    now: DateTime<Utc>,
    mut on_batch: impl FnMut(&Outcome) + Send,
) -> Result<Outcome, ImportError> {
    let mut records = Records::open(input)?;
    let columns = records.columns(&layout())?;
    let today = jst::today(now);
    let mut out = Outcome {
        encoding: records.encoding,
        rows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        warnings: 0,
        issues: Vec::new(),
        issues_dropped: 0,
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut batch: Vec<(u64, MemberFields)> = Vec::with_capacity(BATCH);
    loop {
        let next = match records.next_record() {
            None => None,
            Some(Err(issue)) => Some(Err(issue)),
            Some(Ok((row, record))) => {
                let mut raw = Raw::default();
                for (field, at) in Field::ALL.iter().zip(&columns) {
                    if let Some(i) = at {
                        raw.set(*field, record.get(*i).unwrap_or(""));
                    }
                }
                Some(Ok((row, raw)))
            }
        };
        let Some(next) = next else { break };
        out.rows += 1;
        match next {
            Err(issue) => {
                out.rejected += 1;
                out.issue(issue);
            }
            Ok((row, raw)) => match check(&raw, today) {
                Err(problems) => {
                    out.rejected += 1;
                    for p in problems {
                        out.issue(Issue {
                            row,
                            column: p.field.column().to_owned(),
                            message: p.message,
                            warning: false,
                        });
                    }
                }
                Ok((fields, warnings)) => {
                    if !seen.insert(fields.number.digits().to_owned()) {
                        out.rejected += 1;
                        out.issue(Issue {
                            row,
                            column: Field::Number.column().to_owned(),
                            message: "同じ組合員番号が、このファイルの前の行にあります。".into(),
                            warning: false,
                        });
                        continue;
                    }
                    if !warnings.is_empty() {
                        out.warnings += 1;
                    }
                    for w in warnings {
                        out.issue(Issue {
                            row,
                            column: w.field.column().to_owned(),
                            message: w.message,
                            warning: true,
                        });
                    }
                    batch.push((row, fields));
                }
            },
        }
        if batch.len() >= BATCH {
            apply(db, &mut batch, options, now, &mut out).await?;
            on_batch(&out);
        }
    }
    apply(db, &mut batch, options, now, &mut out).await?;
    on_batch(&out);
    if options.mode == Mode::Commit {
        let txn = crate::ssr::db::begin_write(db).await?;
        audit::record(
            &txn,
            audit::Entry {
                actor: options.actor,
                member_id: None,
                action: "members_imported",
                before: None,
                after: Some(format!(
                    "{}: {} 行(追加 {}、更新 {}、変更なし {}、取込不可 {}、警告 {})",
                    options.file_name,
                    out.rows,
                    out.inserted,
                    out.updated,
                    out.unchanged,
                    out.rejected,
                    out.warnings
                )),
                ip: options.ip,
            },
            now,
        )
        .await?;
        txn.commit().await?;
    }
    Ok(out)
}

/// What differs between a member and a row: (column, before, after).
fn changes(m: &member::Model, f: &MemberFields) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut cmp = |field: Field, before: String, after: String| {
        if before != after {
            out.push((field.column(), before, after));
        }
    };
    cmp(Field::Name, m.name.clone(), f.name.clone());
    cmp(Field::Kana, m.name_kana.clone(), f.kana.clone());
    cmp(
        Field::BirthDate,
        m.birth_date.to_string(),
        f.birth_date.to_string(),
    );
    cmp(
        Field::PostalCode,
        m.postal_code.clone(),
        f.postal_code.clone(),
    );
    cmp(
        Field::Prefecture,
        m.prefecture.clone(),
        f.prefecture.clone(),
    );
    cmp(Field::Address1, m.address1.clone(), f.address1.clone());
    cmp(Field::Address2, m.address2.clone(), f.address2.clone());
    cmp(Field::Phone, m.phone.clone(), f.phone.clone());
    cmp(
        Field::Workplace,
        m.workplace.clone().unwrap_or_default(),
        f.workplace.clone().unwrap_or_default(),
    );
    // An export without the payment keeps what staff recorded.
    if let Some(d) = f.capital_paid_on {
        cmp(
            Field::CapitalPaidOn,
            m.capital_paid_on.map(|d| d.to_string()).unwrap_or_default(),
            d.to_string(),
        );
    }
    if let Some(a) = f.capital_amount {
        cmp(
            Field::CapitalAmount,
            m.capital_amount.map(|a| a.to_string()).unwrap_or_default(),
            a.to_string(),
        );
    }
    out
}

/// The active model of a new member from checked details.
pub fn new_member(f: &MemberFields, now: DateTime<Utc>) -> member::ActiveModel {
    member::ActiveModel {
        member_number: Set(f.number.digits().to_owned()),
        name: Set(f.name.clone()),
        name_kana: Set(f.kana.clone()),
        birth_date: Set(f.birth_date),
        postal_code: Set(f.postal_code.clone()),
        prefecture: Set(f.prefecture.clone()),
        address1: Set(f.address1.clone()),
        address2: Set(f.address2.clone()),
        phone: Set(f.phone.clone()),
        workplace: Set(f.workplace.clone()),
        status: Set(member::MemberStatus::Active),
        withdrawn_on: Set(None),
        access_until: Set(None),
        capital_paid_on: Set(f.capital_paid_on),
        capital_amount: Set(f.capital_amount),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn apply(
    db: &DatabaseConnection,
    batch: &mut Vec<(u64, MemberFields)>,
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
    let numbers: Vec<String> = batch
        .iter()
        .map(|(_, f)| f.number.digits().to_owned())
        .collect();
    match options.mode {
        Mode::Preview => {
            let existing = existing(db, &numbers).await?;
            for (_, f) in batch.iter() {
                match existing.get(f.number.digits()) {
                    None => out.inserted += 1,
                    Some(m) if changes(m, f).is_empty() => out.unchanged += 1,
                    Some(_) => out.updated += 1,
                }
            }
        }
        Mode::Commit => {
            let txn = crate::ssr::db::begin_write(db).await?;
            let existing = existing(&txn, &numbers).await?;
            let mut new = Vec::new();
            for (_, f) in batch.iter() {
                let Some(m) = existing.get(f.number.digits()) else {
                    new.push(new_member(f, now));
                    continue;
                };
                let changed = changes(m, f);
                if changed.is_empty() {
                    out.unchanged += 1;
                    continue;
                }
                let mut active: member::ActiveModel = new_member(f, now);
                active.id = Set(m.id);
                active.status = Set(m.status);
                active.withdrawn_on = Set(m.withdrawn_on);
                active.access_until = Set(m.access_until);
                active.capital_paid_on = Set(f.capital_paid_on.or(m.capital_paid_on));
                active.capital_amount = Set(f.capital_amount.or(m.capital_amount));
                active.created_at = Set(m.created_at);
                active.update(&txn).await?;
                audit::record(
                    &txn,
                    audit::Entry {
                        actor: options.actor,
                        member_id: Some(m.id),
                        action: "member_imported",
                        before: Some(
                            changed
                                .iter()
                                .map(|(c, b, _)| format!("{c}: {b}"))
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        after: Some(
                            changed
                                .iter()
                                .map(|(c, _, a)| format!("{c}: {a}"))
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        ip: options.ip,
                    },
                    now,
                )
                .await?;
                out.updated += 1;
            }
            if !new.is_empty() {
                let tried = new.len() as u64;
                // A member another import added this moment stays as it is.
                let added = member::Entity::insert_many(new)
                    .on_conflict(
                        OnConflict::column(member::Column::MemberNumber)
                            .do_nothing()
                            .to_owned(),
                    )
                    .exec_without_returning(&txn)
                    .await?;
                out.inserted += added;
                out.unchanged += tried - added;
            }
            if let Some(id) = options.import_id {
                progress(&txn, id, out).await?;
            }
            txn.commit().await?;
        }
    }
    batch.clear();
    Ok(())
}

async fn existing(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<HashMap<String, member::Model>, ImportError> {
    Ok(member::Entity::find()
        .filter(member::Column::MemberNumber.is_in(numbers.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.member_number.clone(), m))
        .collect())
}

/// An import still `running` after this long was cut off (a restart, a
/// crash): 32 MB take well under a minute.
pub const STALE_AFTER_MINUTES: i64 = 30;

/// Marks imports cut off midway as failed, so staff see it and upload the
/// file again (rows already taken are not doubled). Answers how many.
pub async fn end_stale(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    use sea_orm::sea_query::Expr;
    let ended = member_import::Entity::update_many()
        .col_expr(member_import::Column::Status, Expr::value("failed"))
        .col_expr(member_import::Column::Error, Expr::value(Some(INTERRUPTED)))
        .col_expr(member_import::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(
            member_import::Column::Content,
            Expr::value(Vec::<u8>::new()),
        )
        .filter(member_import::Column::Status.eq("running"))
        .filter(
            member_import::Column::StartedAt
                .lte(now - chrono::Duration::minutes(STALE_AFTER_MINUTES)),
        )
        .exec(db)
        .await?;
    Ok(ended.rows_affected)
}

/// What staff read about an import that did not finish.
pub const INTERRUPTED: &str = "取込が途中で止まりました。同じファイルをもう一度アップロードしてください(取り込み済みの行は重複しません)。";

/// Keeps the upload's counters where the back office reads them, in the
/// batch's own transaction.
async fn progress(db: &impl ConnectionTrait, id: i32, out: &Outcome) -> Result<(), ImportError> {
    let n = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
    member_import::ActiveModel {
        id: Set(id),
        rows_done: Set(n(out.rows)),
        inserted: Set(n(out.inserted)),
        updated: Set(n(out.updated)),
        unchanged: Set(n(out.unchanged)),
        rejected: Set(n(out.rejected)),
        warnings: Set(n(out.warnings)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
