//! The catalogue and contracts imports (S7): the core system's course and
//! rider list, and its contracts with their coverage periods, read as a
//! stream ([`crate::ssr::csv_import`]), each row checked by
//! [`crate::domain::contract_rows`], written in batches of [`BATCH`] rows,
//! one transaction each.
//!
//! The catalogue is keyed by code: a known code is updated, a new one added.
//! A contract met in a contracts file is taken as the file says it: the
//! first time a run meets a contract number, the contract's coverage periods
//! are deleted (or the contract is made) before the file's rows go in, so a
//! re-sent file never doubles. A contract number recorded for another member
//! is refused, as are periods overlapping an earlier row's of the same
//! contract (two courses at once, or the same rider twice). Memory holds one
//! batch and the contracts met so far with their periods.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};

use crate::domain::contract_rows::{
    check_catalogue_row, check_contract_row, overlap, CatalogueRow, ContractRow, Item,
    CATALOGUE_COLUMNS, CONTRACT_COLUMNS,
};
use crate::domain::coverage::Period;
use crate::domain::money::yen;
use crate::ssr::csv_import::{
    next_batch, progress, record_done, ImportError, Issue, Mode, Options, Outcome, Records,
};
use crate::ssr::entities::{contract, contract_course, contract_rider, course, member, rider};

/// Rows per transaction.
pub const BATCH: usize = 5000;
/// Rows per INSERT or IN list (SQLite allows 32,766 parameters).
const CHUNK: usize = 1000;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Catalogue,
    Contracts,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Catalogue, Kind::Contracts];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Catalogue => "catalogue",
            Kind::Contracts => "contracts",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Catalogue => "コース・特約",
            Kind::Contracts => "契約",
        }
    }

    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Kind::Catalogue => &CATALOGUE_COLUMNS,
            Kind::Contracts => &CONTRACT_COLUMNS,
        }
    }

    /// What `inserted`, `updated` of an [`Outcome`] count, for people.
    pub fn counted(self) -> (&'static str, &'static str) {
        match self {
            Kind::Catalogue => ("新しいコース・特約", "更新したコース・特約"),
            Kind::Contracts => ("新しい契約", "置き換えた契約"),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Kind::Catalogue => "catalogue_imported",
            Kind::Contracts => "contracts_imported",
        }
    }
}

enum Row {
    Catalogue(CatalogueRow),
    Contract(ContractRow),
}

/// A contract as this run has it.
enum Met {
    /// Taken: its member, its id once written (at once for a recorded
    /// one), its periods so far, and the line it was first met on.
    Taken {
        member_id: i32,
        contract_id: Option<i32>,
        periods: Vec<(Item, i32, Period)>,
        first_row: u64,
    },
    /// Recorded for another member: every row of it is refused.
    Refused,
}

/// What a run remembers between batches.
#[derive(Default)]
struct Run {
    /// Catalogue: (item, code) met so far.
    codes: HashSet<(Item, String)>,
    /// Contracts: by number.
    contracts: HashMap<String, Met>,
    /// Contracts: the catalogue's ids by (item, code), read once.
    catalogue: HashMap<(Item, String), i32>,
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
    let mut out = Outcome::new(records.encoding);
    let mut run = Run::default();
    if kind == Kind::Contracts {
        run.catalogue = catalogue_ids(db).await?;
    }
    loop {
        let mut batch = next_batch(&mut records, &columns, BATCH, &mut out, |c| match kind {
            Kind::Catalogue => check_catalogue_row(c.array()).map(Row::Catalogue),
            Kind::Contracts => check_contract_row(c.array()).map(Row::Contract),
        });
        let last = batch.len() < BATCH;
        apply(db, &mut batch, &mut run, options, now, &mut out).await?;
        on_batch(&out);
        if last {
            break;
        }
    }
    if kind == Kind::Contracts {
        approved_missing(db, &run, options.mode, &mut out).await?;
        if let (Mode::Commit, Some(id)) = (options.mode, options.import_id) {
            progress(db, id, &out).await?;
        }
        on_batch(&out);
    }
    if options.mode == Mode::Commit {
        let (new, replaced) = kind.counted();
        record_done(db, options, (kind.action(), new, replaced), &out, now).await?;
    }
    Ok(out)
}

fn issue(row: u64, column: &str, message: impl Into<String>) -> Issue {
    Issue {
        row,
        column: column.to_owned(),
        message: message.into(),
        warning: false,
    }
}

/// Every course's and rider's id by code.
async fn catalogue_ids(
    db: &impl ConnectionTrait,
) -> Result<HashMap<(Item, String), i32>, ImportError> {
    let courses: Vec<(i32, String)> = course::Entity::find()
        .select_only()
        .column(course::Column::Id)
        .column(course::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let riders: Vec<(i32, String)> = rider::Entity::find()
        .select_only()
        .column(rider::Column::Id)
        .column(rider::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    Ok(courses
        .into_iter()
        .map(|(id, code)| ((Item::Course, code), id))
        .chain(
            riders
                .into_iter()
                .map(|(id, code)| ((Item::Rider, code), id)),
        )
        .collect())
}

async fn apply(
    db: &DatabaseConnection,
    batch: &mut Vec<(u64, Row)>,
    run: &mut Run,
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
        Mode::Preview => apply_in(db, batch, run, false, now, out).await?,
        Mode::Commit => {
            let txn = crate::ssr::db::begin_write(db).await?;
            apply_in(&txn, batch, run, true, now, out).await?;
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
    batch: &mut Vec<(u64, Row)>,
    run: &mut Run,
    write: bool,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    let mut catalogue = Vec::new();
    let mut contracts = Vec::new();
    for (n, row) in batch.drain(..) {
        match row {
            Row::Catalogue(r) => catalogue.push((n, r)),
            Row::Contract(r) => contracts.push((n, r)),
        }
    }
    if !catalogue.is_empty() {
        catalogue_rows(db, catalogue, run, write, out).await?;
    }
    if !contracts.is_empty() {
        contract_rows(db, contracts, run, write, now, out).await?;
    }
    Ok(())
}

async fn catalogue_rows(
    db: &impl ConnectionTrait,
    rows: Vec<(u64, CatalogueRow)>,
    run: &mut Run,
    write: bool,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    // What is recorded now, by code: (name, premium, summary, deduction,
    // place in the list, on sale).
    type Shown = (String, i32, String, Option<String>, i32, bool);
    let mut recorded: HashMap<(Item, String), Shown> = HashMap::new();
    let courses: Vec<(String, String, i32, String, String, i32, bool)> = course::Entity::find()
        .select_only()
        .columns([
            course::Column::Code,
            course::Column::Name,
            course::Column::MonthlyPremium,
            course::Column::Summary,
            course::Column::Deduction,
            course::Column::SortOrder,
            course::Column::OnSale,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (code, name, premium, summary, deduction, order, on_sale) in courses {
        recorded.insert(
            (Item::Course, code),
            (name, premium, summary, Some(deduction), order, on_sale),
        );
    }
    let riders: Vec<(String, String, i32, String, i32, bool)> = rider::Entity::find()
        .select_only()
        .columns([
            rider::Column::Code,
            rider::Column::Name,
            rider::Column::MonthlyPremium,
            rider::Column::Summary,
            rider::Column::SortOrder,
            rider::Column::OnSale,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (code, name, premium, summary, order, on_sale) in riders {
        recorded.insert(
            (Item::Rider, code),
            (name, premium, summary, None, order, on_sale),
        );
    }
    for (n, r) in rows {
        let key = (r.item, r.code.clone());
        if !run.codes.insert(key.clone()) {
            out.rejected += 1;
            out.issue(issue(
                n,
                "コード",
                format!(
                    "同じ区分({})とコードの行が、このファイルの前の行にあります。",
                    r.item.label()
                ),
            ));
            continue;
        }
        let order = i32::try_from(n).unwrap_or(i32::MAX);
        let wanted: Shown = (
            r.name.clone(),
            r.monthly_premium,
            r.summary.clone(),
            (r.item == Item::Course).then(|| r.deduction.code().to_owned()),
            order,
            r.on_sale,
        );
        match recorded.get(&key) {
            None => out.inserted += 1,
            Some(was) if *was == wanted => {
                out.unchanged += 1;
                continue;
            }
            Some(was) => {
                out.updated += 1;
                if was.1 != r.monthly_premium {
                    out.warnings += 1;
                    out.issue(Issue {
                        row: n,
                        column: "月掛金".into(),
                        message: format!(
                            "{}の月掛金が {} から {} に変わります。ご契約内容と、これから発行する掛金払込証明書は新しい月掛金で表示されます。",
                            r.name,
                            yen(was.1.into()),
                            yen(r.monthly_premium.into())
                        ),
                        warning: true,
                    });
                }
                // Both ways: a file without the column (an old template)
                // puts items back on sale.
                if was.5 != r.on_sale {
                    let done = if write { "しました" } else { "します" };
                    out.warnings += 1;
                    out.issue(Issue {
                        row: n,
                        column: "販売".into(),
                        message: if r.on_sale {
                            format!(
                                "{}の販売を再開{done}。お申し込み画面に表示されます(販売の列が空のときも販売中として扱います)。",
                                r.name
                            )
                        } else {
                            format!(
                                "{}を販売停止に{done}。お申し込み画面に出なくなります。ご契約中の方の保障と、お手続き中のお申し込みはそのままです。",
                                r.name
                            )
                        },
                        warning: true,
                    });
                }
            }
        }
        if !write {
            continue;
        }
        match r.item {
            Item::Course => {
                course::Entity::insert(course::ActiveModel {
                    code: Set(r.code),
                    name: Set(r.name),
                    monthly_premium: Set(r.monthly_premium),
                    summary: Set(r.summary),
                    sort_order: Set(order),
                    deduction: Set(r.deduction.code().to_owned()),
                    on_sale: Set(r.on_sale),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(course::Column::Code)
                        .update_columns([
                            course::Column::Name,
                            course::Column::MonthlyPremium,
                            course::Column::Summary,
                            course::Column::SortOrder,
                            course::Column::Deduction,
                            course::Column::OnSale,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            }
            Item::Rider => {
                rider::Entity::insert(rider::ActiveModel {
                    code: Set(r.code),
                    name: Set(r.name),
                    monthly_premium: Set(r.monthly_premium),
                    summary: Set(r.summary),
                    sort_order: Set(order),
                    on_sale: Set(r.on_sale),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(rider::Column::Code)
                        .update_columns([
                            rider::Column::Name,
                            rider::Column::MonthlyPremium,
                            rider::Column::Summary,
                            rider::Column::SortOrder,
                            rider::Column::OnSale,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            }
        }
    }
    Ok(())
}

/// Coverage approved here (a rider added, a course changed) that the file
/// does not hold from its approved day: taking the file as it says drops it
/// from ご契約内容, so each is a warning beside the contract's first line
/// (the list is in line order), in the preview before anything is written
/// and in the result. The core system's export may simply predate the
/// approval; staff register it there and export again, or go on knowingly.
/// An approval whose day falls after the member's withdrawal is not asked
/// for (it never starts).
async fn approved_missing(
    db: &impl ConnectionTrait,
    run: &Run,
    mode: Mode,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    /// A recorded contract of the file: its member, first line and periods.
    type Taken<'r> = (i32, u64, &'r [(Item, i32, Period)]);
    let taken: HashMap<i32, Taken<'_>> = run
        .contracts
        .values()
        .filter_map(|m| match m {
            Met::Taken {
                member_id,
                contract_id: Some(id),
                periods,
                first_row,
            } => Some((*id, (*member_id, *first_row, periods.as_slice()))),
            _ => None,
        })
        .collect();
    let ids: Vec<i32> = taken.keys().copied().collect();
    let approved = crate::procedure::ssr::read::approved_coverage(db, &ids).await?;
    let mut warnings = Vec::new();
    for a in approved {
        let Some(&(member_id, row, periods)) = taken.get(&a.contract_id) else {
            continue;
        };
        let item = if a.rider { Item::Rider } else { Item::Course };
        let held = periods
            .iter()
            .any(|(i, id, p)| *i == item && *id == a.item_id && p.holds_on(a.starts_on));
        if held {
            continue;
        }
        let end = crate::member::ssr::coverage_end(db, member_id).await?;
        if end.is_some_and(|end| a.starts_on >= end) {
            continue;
        }
        let name = match item {
            Item::Rider => rider::Entity::find_by_id(a.item_id)
                .one(db)
                .await?
                .map(|r| format!("特約「{}」", r.name)),
            Item::Course => course::Entity::find_by_id(a.item_id)
                .one(db)
                .await?
                .map(|c| format!("コース「{}」", c.name)),
        }
        .unwrap_or_else(|| item.label().to_owned());
        let effect = match mode {
            Mode::Preview => "取り込むと、ご契約内容に表示されなくなります",
            Mode::Commit => "取り込んだため、ご契約内容に表示されなくなりました",
        };
        warnings.push(Issue {
            row,
            column: "契約番号".to_owned(),
            message: format!(
                "マイページで承諾したお手続き(受付番号 {})の{name}(保障開始日 {})が、このファイルにありません。{effect}。基幹システムに登録してから出力し直してください。",
                a.receipt,
                crate::domain::jst::format_date(a.starts_on)
            ),
            warning: true,
        });
    }
    out.warnings += warnings.len() as u64;
    // Beside the rows of the file, in line order (a long list of refused
    // rows does not hide them past the screen's first hundred).
    let mut all = warnings;
    all.append(&mut out.issues);
    all.sort_by_key(|i| i.row);
    for issue in all {
        out.issue(issue);
    }
    Ok(())
}

const UNKNOWN_MEMBER: &str =
    "この組合員番号の組合員は登録されていません(組合員データを先に取り込んでください)。";

async fn contract_rows(
    db: &impl ConnectionTrait,
    rows: Vec<(u64, ContractRow)>,
    run: &mut Run,
    write: bool,
    now: DateTime<Utc>,
    out: &mut Outcome,
) -> Result<(), ImportError> {
    // The members and the contracts this batch names, as recorded.
    let numbers: HashSet<&str> = rows.iter().map(|(_, r)| r.member.digits()).collect();
    let mut members: HashMap<String, i32> = HashMap::new();
    for chunk in numbers.into_iter().collect::<Vec<_>>().chunks(CHUNK) {
        let found: Vec<(i32, String)> = member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::MemberNumber)
            .filter(member::Column::MemberNumber.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        members.extend(found.into_iter().map(|(id, n)| (n, id)));
    }
    let unmet: HashSet<&str> = rows
        .iter()
        .map(|(_, r)| r.contract_number.as_str())
        .filter(|n| !run.contracts.contains_key(*n))
        .collect();
    let mut existing: HashMap<String, (i32, i32)> = HashMap::new();
    for chunk in unmet.into_iter().collect::<Vec<_>>().chunks(CHUNK) {
        let found: Vec<(i32, i32, String)> = contract::Entity::find()
            .select_only()
            .column(contract::Column::Id)
            .column(contract::Column::MemberId)
            .column(contract::Column::ContractNumber)
            .filter(contract::Column::ContractNumber.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        existing.extend(found.into_iter().map(|(id, m, n)| (n, (id, m))));
    }

    // Each row decided in file order; contracts met for the first time are
    // made or emptied below, before their periods go in.
    let mut replaced: Vec<i32> = Vec::new();
    let mut made: Vec<contract::ActiveModel> = Vec::new();
    let mut periods: Vec<(String, Item, i32, Period)> = Vec::new();
    for (n, r) in rows {
        let Some(&member_id) = members.get(r.member.digits()) else {
            out.rejected += 1;
            out.issue(issue(n, "組合員番号", UNKNOWN_MEMBER));
            continue;
        };
        let Some(&item_id) = run.catalogue.get(&(r.item, r.code.clone())) else {
            out.rejected += 1;
            out.issue(issue(
                n,
                "コード",
                format!(
                    "このコードの{}は登録されていません(コース・特約を先に取り込んでください)。",
                    r.item.label()
                ),
            ));
            continue;
        };
        if !run.contracts.contains_key(&r.contract_number) {
            let met = match existing.get(&r.contract_number) {
                Some(&(_, owner)) if owner != member_id => Met::Refused,
                Some(&(id, _)) => {
                    out.updated += 1;
                    replaced.push(id);
                    Met::Taken {
                        member_id,
                        contract_id: Some(id),
                        periods: Vec::new(),
                        first_row: n,
                    }
                }
                None => {
                    out.inserted += 1;
                    made.push(contract::ActiveModel {
                        member_id: Set(member_id),
                        contract_number: Set(r.contract_number.clone()),
                        created_at: Set(now),
                        ..Default::default()
                    });
                    Met::Taken {
                        member_id,
                        contract_id: None,
                        periods: Vec::new(),
                        first_row: n,
                    }
                }
            };
            run.contracts.insert(r.contract_number.clone(), met);
        }
        let refusal = match run.contracts.get_mut(&r.contract_number) {
            None | Some(Met::Refused) => Some((
                "契約番号",
                "この契約番号は、ほかの組合員の契約として登録されています。".to_owned(),
            )),
            Some(Met::Taken {
                member_id: owner, ..
            }) if *owner != member_id => Some((
                "組合員番号",
                "この契約番号は、このファイルの前の行で別の組合員番号と書かれています。".to_owned(),
            )),
            Some(Met::Taken { periods: held, .. }) => {
                let clash = held.iter().any(|(item, id, p)| {
                    *item == r.item
                        && (r.item == Item::Course || *id == item_id)
                        && overlap(*p, r.period)
                });
                if clash {
                    Some((
                        "保障開始日",
                        match r.item {
                            Item::Course => "この契約の前の行のコースと保障期間が重なっています(コースは同時に1つです)。",
                            Item::Rider => "この契約の前の行の同じ特約と保障期間が重なっています。",
                        }
                        .to_owned(),
                    ))
                } else {
                    held.push((r.item, item_id, r.period));
                    None
                }
            }
        };
        if let Some((column, message)) = refusal {
            out.rejected += 1;
            out.issue(issue(n, column, message));
            continue;
        }
        periods.push((r.contract_number, r.item, item_id, r.period));
    }
    if !write {
        return Ok(());
    }

    for chunk in replaced.chunks(CHUNK) {
        contract_course::Entity::delete_many()
            .filter(contract_course::Column::ContractId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        contract_rider::Entity::delete_many()
            .filter(contract_rider::Column::ContractId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let new_numbers: Vec<String> = made
        .iter()
        .filter_map(|m| match &m.contract_number {
            sea_orm::ActiveValue::Set(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    for chunk in made.chunks(CHUNK) {
        contract::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in new_numbers.chunks(CHUNK) {
        let found: Vec<(i32, String)> = contract::Entity::find()
            .select_only()
            .column(contract::Column::Id)
            .column(contract::Column::ContractNumber)
            .filter(contract::Column::ContractNumber.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, number) in found {
            if let Some(Met::Taken { contract_id, .. }) = run.contracts.get_mut(&number) {
                *contract_id = Some(id);
            }
        }
    }
    let mut courses = Vec::new();
    let mut riders = Vec::new();
    for (number, item, item_id, period) in periods {
        let Some(Met::Taken {
            contract_id: Some(contract_id),
            ..
        }) = run.contracts.get(&number)
        else {
            continue;
        };
        match item {
            Item::Course => courses.push(contract_course::ActiveModel {
                contract_id: Set(*contract_id),
                course_id: Set(item_id),
                starts_on: Set(period.starts_on),
                ends_on: Set(period.ends_on),
                ..Default::default()
            }),
            Item::Rider => riders.push(contract_rider::ActiveModel {
                contract_id: Set(*contract_id),
                rider_id: Set(item_id),
                starts_on: Set(period.starts_on),
                ends_on: Set(period.ends_on),
                ..Default::default()
            }),
        }
    }
    for chunk in courses.chunks(CHUNK) {
        contract_course::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in riders.chunks(CHUNK) {
        contract_rider::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
