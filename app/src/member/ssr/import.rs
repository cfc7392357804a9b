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
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::member_fields::{check, Field, MemberFields, Raw};
use crate::domain::{jis, jst};
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
    let mut batch: Vec<Row> = Vec::with_capacity(BATCH);
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
                    let warned = !warnings.is_empty();
                    if warned {
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
                    batch.push(Row {
                        row,
                        fields,
                        warned,
                    });
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

/// A checked row waiting in a batch.
struct Row {
    row: u64,
    fields: MemberFields,
    /// Already counted among the rows taken with a warning.
    warned: bool,
}

/// What a member changes here, and an import must not undo before the core
/// system has it: each marked with when it was changed
/// (`members.*_pending_core_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Address,
    Phone,
    Name,
}

impl Group {
    const ALL: [Group; 3] = [Group::Address, Group::Phone, Group::Name];

    fn pending_since(self, m: &member::Model) -> Option<DateTime<Utc>> {
        match self {
            Group::Address => m.address_pending_core_at,
            Group::Phone => m.phone_pending_core_at,
            Group::Name => m.name_pending_core_at,
        }
    }

    /// Whether the row shows what the member's record holds, whatever the
    /// width of its letters, digits and hyphens (My Page stores full-width
    /// forms; a core system may export half-width ones).
    fn shown(self, m: &member::Model, f: &MemberFields) -> bool {
        let same = |a: &str, b: &str| jis::normalise(a) == jis::normalise(b);
        let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
        match self {
            Group::Address => {
                m.postal_code == f.postal_code
                    && same(&m.prefecture, &f.prefecture)
                    && same(&m.address1, &f.address1)
                    && same(&m.address2, &f.address2)
            }
            Group::Phone => digits(&m.phone) == digits(&f.phone),
            Group::Name => same(&m.name, &f.name) && same(&m.name_kana, &f.kana),
        }
    }

    /// Takes the member's record for this group into the row.
    fn keep(self, m: &member::Model, f: &mut MemberFields) {
        match self {
            Group::Address => {
                f.postal_code = m.postal_code.clone();
                f.prefecture = m.prefecture.clone();
                f.address1 = m.address1.clone();
                f.address2 = m.address2.clone();
            }
            Group::Phone => f.phone = m.phone.clone(),
            Group::Name => {
                f.name = m.name.clone();
                f.kana = m.name_kana.clone();
            }
        }
    }

    fn field(self) -> Field {
        match self {
            Group::Address => Field::Address1,
            Group::Phone => Field::Phone,
            Group::Name => Field::Name,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Group::Address => "住所",
            Group::Phone => "電話番号",
            Group::Name => "氏名・フリガナ",
        }
    }
}

/// What was changed here and no members import has shown yet, with the day
/// (JST): `住所(2026/11/23)`.
pub fn pending_in_core(m: &member::Model) -> Vec<String> {
    Group::ALL
        .into_iter()
        .filter_map(|g| {
            g.pending_since(m)
                .map(|since| format!("{}({})", g.label(), jst::format_date(jst::today(since))))
        })
        .collect()
}

/// A row as it is taken for a member already here.
#[derive(Debug)]
struct Reconciled {
    fields: MemberFields,
    /// Changed here and not shown by the row: the member's record is kept.
    held: Vec<(Group, DateTime<Utc>)>,
    /// Changed here and shown by the row now: the core system has it.
    settled: Vec<Group>,
}

impl Reconciled {
    /// The group's mark after this row: kept while held, cleared otherwise.
    fn mark(&self, group: Group) -> Option<DateTime<Utc>> {
        self.held
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, since)| *since)
    }
}

/// The row `f` for the member `m`: whatever the member changed here that
/// the row does not show yet stays as the member left it (the core system's
/// export may be older than the change, and writing it back would undo it).
fn reconcile(m: &member::Model, f: &MemberFields) -> Reconciled {
    let mut fields = f.clone();
    let mut held = Vec::new();
    let mut settled = Vec::new();
    for group in Group::ALL {
        let Some(since) = group.pending_since(m) else {
            continue;
        };
        if group.shown(m, f) {
            settled.push(group);
        } else {
            group.keep(m, &mut fields);
            held.push((group, since));
        }
    }
    Reconciled {
        fields,
        held,
        settled,
    }
}

/// Tells staff which changes made here a row did not take.
fn warn_held(out: &mut Outcome, row: &Row, held: &[(Group, DateTime<Utc>)]) {
    if held.is_empty() {
        return;
    }
    if !row.warned {
        out.warnings += 1;
    }
    for (group, since) in held {
        out.issue(Issue {
            row: row.row,
            column: group.field().column().to_owned(),
            message: format!(
                "{label}は{date}にマイページ側(組合員ご本人の変更・管理画面での記録)で変更されていて、このファイルの{label}と異なるため、取り込まずにマイページ側の{label}を残しました。基幹システムへの反映をご確認ください(反映後の取込で解消します)。",
                label = group.label(),
                date = jst::format_date(jst::today(*since)),
            ),
            warning: true,
        });
    }
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
    batch: &mut Vec<Row>,
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
        .map(|r| r.fields.number.digits().to_owned())
        .collect();
    match options.mode {
        Mode::Preview => {
            let existing = existing(db, &numbers, false).await?;
            for row in batch.iter() {
                let Some(m) = existing.get(row.fields.number.digits()) else {
                    out.inserted += 1;
                    continue;
                };
                let taken = reconcile(m, &row.fields);
                warn_held(out, row, &taken.held);
                if changes(m, &taken.fields).is_empty() {
                    out.unchanged += 1;
                } else {
                    out.updated += 1;
                }
            }
        }
        Mode::Commit => {
            let txn = crate::ssr::db::begin_write(db).await?;
            let existing = existing(&txn, &numbers, true).await?;
            let mut new = Vec::new();
            for row in batch.iter() {
                let Some(m) = existing.get(row.fields.number.digits()) else {
                    new.push(new_member(&row.fields, now));
                    continue;
                };
                let taken = reconcile(m, &row.fields);
                warn_held(out, row, &taken.held);
                let changed = changes(m, &taken.fields);
                if changed.is_empty() {
                    out.unchanged += 1;
                    if !taken.settled.is_empty() {
                        settle(&txn, m.id, &taken).await?;
                    }
                    continue;
                }
                let f = &taken.fields;
                let mut active: member::ActiveModel = new_member(f, now);
                active.id = Set(m.id);
                active.status = Set(m.status);
                active.withdrawn_on = Set(m.withdrawn_on);
                active.access_until = Set(m.access_until);
                active.capital_paid_on = Set(f.capital_paid_on.or(m.capital_paid_on));
                active.capital_amount = Set(f.capital_amount.or(m.capital_amount));
                active.address_pending_core_at = Set(taken.mark(Group::Address));
                active.phone_pending_core_at = Set(taken.mark(Group::Phone));
                active.name_pending_core_at = Set(taken.mark(Group::Name));
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

/// Clears the marks of the changes a row showed, for a member the row
/// otherwise left as it was.
async fn settle(
    txn: &impl ConnectionTrait,
    member_id: i32,
    taken: &Reconciled,
) -> Result<(), ImportError> {
    use sea_orm::sea_query::Expr;
    member::Entity::update_many()
        .col_expr(
            member::Column::AddressPendingCoreAt,
            Expr::value(taken.mark(Group::Address)),
        )
        .col_expr(
            member::Column::PhonePendingCoreAt,
            Expr::value(taken.mark(Group::Phone)),
        )
        .col_expr(
            member::Column::NamePendingCoreAt,
            Expr::value(taken.mark(Group::Name)),
        )
        .filter(member::Column::Id.eq(member_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The members of `numbers`. `lock`: held until the batch commits (`FOR NO
/// KEY UPDATE` on PostgreSQL, where a transaction reads what others committed
/// since; SQLite's writing transaction holds the whole database already), so
/// a member's change made meanwhile waits and is not written over by the
/// row read before it.
async fn existing(
    db: &impl ConnectionTrait,
    numbers: &[String],
    lock: bool,
) -> Result<HashMap<String, member::Model>, ImportError> {
    let mut find =
        member::Entity::find().filter(member::Column::MemberNumber.is_in(numbers.iter().cloned()));
    if lock {
        // FOR NO KEY UPDATE, what the UPDATE takes anyway: it lets rows
        // that point to the member (statements, procedures) be written
        // meanwhile; in id order, so two imports lock in the same order.
        find = find
            .order_by_asc(member::Column::Id)
            .lock(sea_orm::sea_query::LockType::NoKeyUpdate);
    }
    Ok(find
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.member_number.clone(), m))
        .collect())
}
