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
use crate::ssr::audit;
pub use crate::ssr::csv_import::{
    end_stale, ImportError, Mode, Options, Outcome, INTERRUPTED, ISSUES_KEPT, STALE_AFTER_MINUTES,
};
use crate::ssr::csv_import::{progress, Issue, Records};

/// Rows written per transaction.
pub const BATCH: usize = 1000;
use crate::ssr::entities::member;

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
    let mut out = Outcome::new(records.encoding);
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
