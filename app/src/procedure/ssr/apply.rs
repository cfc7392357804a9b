//! Applications: what a member may apply for, checking one, and filing it.
//! The same check runs for the confirmation step and again, inside the
//! transaction, when the application is filed.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::super::{ApplyOptions, Choice, ContractOptions, Preview};
use super::workflow::{self, By};
use crate::domain::coverage::{in_force, Period};
use crate::domain::money;
use crate::domain::procedure::{document_name, Kind, Status, DOCUMENTS, MAX_DOCUMENTS};
use crate::error::AppError;
use crate::ssr::entities::{
    contract, contract_course, contract_rider, course, member, procedure, rider,
};

/// An application as the form sends it, before any checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub kind: Kind,
    pub contract_id: Option<i32>,
    pub item_id: Option<i32>,
    pub documents: Vec<String>,
}

/// Reads the form: `kind`, `choice` as `{contract}-{item}`, `documents` as
/// comma-separated codes. Members apply online only for these three kinds.
pub fn parse(
    kind: &str,
    choice: Option<&str>,
    documents: Option<&str>,
) -> Result<Application, AppError> {
    let kind = Kind::from_code(kind)
        .filter(|k| {
            matches!(
                k,
                Kind::RiderAddition | Kind::CourseChange | Kind::DocumentRequest
            )
        })
        .ok_or_else(|| AppError::field("kind", "お手続きの種類を選んでください。"))?;
    let (contract_id, item_id) = match (kind, choice.map(str::trim).filter(|c| !c.is_empty())) {
        (Kind::DocumentRequest, _) => (None, None),
        (_, None) => return Err(AppError::field("choice", missing_choice(kind))),
        (_, Some(choice)) => {
            let (c, i) = choice
                .split_once('-')
                .and_then(|(c, i)| Some((c.parse().ok()?, i.parse().ok()?)))
                .ok_or_else(|| AppError::field("choice", missing_choice(kind)))?;
            (Some(c), Some(i))
        }
    };
    let documents = match kind {
        Kind::DocumentRequest => documents
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .take(MAX_DOCUMENTS + 1)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Application {
        kind,
        contract_id,
        item_id,
        documents,
    })
}

fn missing_choice(kind: Kind) -> &'static str {
    match kind {
        Kind::CourseChange => "変更後のコースを選んでください。",
        _ => "追加する特約を選んでください。",
    }
}

/// A course or rider taken off sale since the form was shown.
fn off_sale(name: &str) -> String {
    format!("「{name}」は、現在お申し込みを受け付けていません。ほかのものをお選びください。")
}

/// The coverage of one contract: its course and rider periods.
struct Coverage {
    courses: Vec<(i32, Period)>,
    riders: Vec<(i32, Period)>,
}

async fn coverage_of(db: &impl ConnectionTrait, contract_id: i32) -> Result<Coverage, AppError> {
    let courses = contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.eq(contract_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let period = Period {
                starts_on: p.starts_on,
                ends_on: p.ends_on,
            };
            (p.course_id, period)
        })
        .collect();
    let riders = contract_rider::Entity::find()
        .filter(contract_rider::Column::ContractId.eq(contract_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let period = Period {
                starts_on: p.starts_on,
                ends_on: p.ends_on,
            };
            (p.rider_id, period)
        })
        .collect();
    Ok(Coverage { courses, riders })
}

impl Coverage {
    /// The course in force on `day`.
    fn course_on(&self, day: NaiveDate) -> Option<i32> {
        in_force(&self.courses, day).next().map(|(id, _)| *id)
    }

    /// A course change decided but not started yet.
    fn course_pending(&self, day: NaiveDate) -> bool {
        self.courses.iter().any(|(_, p)| p.is_pending_on(day))
    }

    /// A course in force on `day` or starting later: the contract covers
    /// something a rider can be added to (not a contract that has ended).
    fn covers_now_or_later(&self, day: NaiveDate) -> bool {
        self.course_on(day).is_some() || self.course_pending(day)
    }

    /// Riders held on `day` or starting later: not to be applied for again.
    fn riders_held_or_coming(&self, day: NaiveDate) -> HashSet<i32> {
        self.riders
            .iter()
            .filter(|(_, p)| p.holds_on(day) || p.is_pending_on(day))
            .map(|(id, _)| *id)
            .collect()
    }
}

/// Procedures of `contract_id` still waiting for the co-op.
async fn open_procedures(
    db: &impl ConnectionTrait,
    contract_id: i32,
) -> Result<Vec<procedure::Model>, AppError> {
    Ok(procedure::Entity::find()
        .filter(procedure::Column::ContractId.eq(contract_id))
        .filter(procedure::Column::Status.is_in([Status::Received, Status::UnderReview]))
        .all(db)
        .await?)
}

/// What `member_id` may apply for on `day`.
pub async fn options(
    db: &impl ConnectionTrait,
    member: &member::Model,
    day: NaiveDate,
) -> Result<ApplyOptions, AppError> {
    let courses = course::Entity::find()
        .order_by_asc(course::Column::SortOrder)
        .order_by_asc(course::Column::Id)
        .all(db)
        .await?;
    let riders = rider::Entity::find()
        .order_by_asc(rider::Column::SortOrder)
        .order_by_asc(rider::Column::Id)
        .all(db)
        .await?;
    let contracts = contract::Entity::find()
        .filter(contract::Column::MemberId.eq(member.id))
        .order_by_asc(contract::Column::ContractNumber)
        .all(db)
        .await?;
    let withdrawn = member.status == member::MemberStatus::Withdrawn;
    let mut out = Vec::with_capacity(contracts.len());
    for c in contracts {
        let coverage = coverage_of(db, c.id).await?;
        let open = open_procedures(db, c.id).await?;
        let current = coverage
            .course_on(day)
            .and_then(|id| courses.iter().find(|k| k.id == id));
        let held = coverage.riders_held_or_coming(day);
        let asked: HashSet<i32> = open
            .iter()
            .filter(|p| p.kind == Kind::RiderAddition)
            .filter_map(|p| p.rider_id)
            .collect();
        let ended = !coverage.covers_now_or_later(day);
        let rider_choices: Vec<Choice> = riders
            .iter()
            .filter(|_| !withdrawn && !ended)
            .filter(|r| r.on_sale && !held.contains(&r.id) && !asked.contains(&r.id))
            .map(|r| Choice {
                value: format!("{}-{}", c.id, r.id),
                name: r.name.clone(),
                monthly_premium: money::yen(r.monthly_premium.into()),
                summary: r.summary.clone(),
                difference: None,
            })
            .collect();
        let course_blocked = withdrawn
            || coverage.course_pending(day)
            || open.iter().any(|p| p.kind == Kind::CourseChange)
            || current.is_none();
        let course_choices: Vec<Choice> = if course_blocked {
            Vec::new()
        } else {
            courses
                .iter()
                .filter(|k| k.on_sale && Some(k.id) != current.map(|c| c.id))
                .map(|k| Choice {
                    value: format!("{}-{}", c.id, k.id),
                    name: k.name.clone(),
                    monthly_premium: money::yen(k.monthly_premium.into()),
                    summary: k.summary.clone(),
                    difference: current.map(|cur| {
                        money::difference(i64::from(k.monthly_premium - cur.monthly_premium))
                    }),
                })
                .collect()
        };
        out.push(ContractOptions {
            contract_number: c.contract_number,
            current_course: current.map(|k| k.name.clone()),
            rider_note: if withdrawn {
                Some(WITHDRAWN.to_owned())
            } else if ended {
                Some(ENDED.to_owned())
            } else {
                rider_choices
                    .is_empty()
                    .then(|| "追加できる特約はありません(お申し込み中のものを含みます)。".to_owned())
            },
            course_note: if withdrawn {
                Some(WITHDRAWN.to_owned())
            } else if ended {
                Some(ENDED.to_owned())
            } else if course_blocked {
                Some("このご契約は、コース変更のお手続き中か保障開始前のため、いまはコース変更をお申し込みいただけません。"
                    .to_owned())
            } else {
                // Every other course off sale.
                course_choices
                    .is_empty()
                    .then(|| "変更できるコースはありません。".to_owned())
            },
            riders: rider_choices,
            courses: course_choices,
        });
    }
    Ok(ApplyOptions {
        contracts: out,
        documents: DOCUMENTS
            .iter()
            .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
            .collect(),
        address: crate::member::ssr::changes::address_of(member),
    })
}

/// A checked application: what will be stored and what the member confirms.
pub struct Checked {
    pub kind: Kind,
    pub contract_id: Option<i32>,
    pub course_id: Option<i32>,
    pub rider_id: Option<i32>,
    pub documents: Option<String>,
    /// 改姓: the new 氏名 and フリガナ, applied when staff approve.
    pub new_name: Option<(String, String)>,
    /// 掛金払込証明書の再発行: the year.
    pub certificate_year: Option<i32>,
    pub summary: String,
    pub rows: Vec<(String, String)>,
}

impl Checked {
    /// A paper 掛金払込証明書 of `year`, sent to the registered address.
    pub fn certificate_reissue(year: i32) -> Self {
        Checked {
            kind: Kind::CertificateReissue,
            contract_id: None,
            course_id: None,
            rider_id: None,
            documents: None,
            new_name: None,
            certificate_year: Some(year),
            summary: format!("{year}年分(書面でご登録の住所へお送りします)"),
            rows: Vec::new(),
        }
    }

    pub fn preview(&self) -> Preview {
        Preview {
            kind: self.kind.label().to_owned(),
            rows: self.rows.clone(),
        }
    }
}

/// Checks `app` for `member` on `day`: the contract must be the member's own,
/// the item must exist, and nothing may be applied for twice.
pub async fn check(
    db: &impl ConnectionTrait,
    member: &member::Model,
    app: &Application,
    day: NaiveDate,
) -> Result<Checked, AppError> {
    if app.kind == Kind::DocumentRequest {
        return check_documents(member, &app.documents);
    }
    if app.kind.is_coverage() && member.status == member::MemberStatus::Withdrawn {
        return Err(AppError::Conflict(WITHDRAWN.to_owned()));
    }
    let (Some(contract_id), Some(item_id)) = (app.contract_id, app.item_id) else {
        return Err(AppError::field("choice", missing_choice(app.kind)));
    };
    // Another member's contract is simply not found.
    let contract = contract::Entity::find_by_id(contract_id)
        .filter(contract::Column::MemberId.eq(member.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let coverage = coverage_of(db, contract.id).await?;
    let open = open_procedures(db, contract.id).await?;
    let number = ("契約番号".to_owned(), contract.contract_number.clone());
    match app.kind {
        Kind::RiderAddition => {
            let rider = rider::Entity::find_by_id(item_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::field("choice", missing_choice(app.kind)))?;
            if !coverage.covers_now_or_later(day) {
                return Err(AppError::Conflict(ENDED.to_owned()));
            }
            if coverage.riders_held_or_coming(day).contains(&rider.id) {
                return Err(AppError::Conflict(format!(
                    "「{}」は、すでにこのご契約に付加されています(保障開始前のものを含みます)。",
                    rider.name
                )));
            }
            if open.iter().any(|p| p.rider_id == Some(rider.id)) {
                return Err(AppError::Conflict(format!(
                    "「{}」は、すでにお申し込み中です。手続き照会で状況をご確認ください。",
                    rider.name
                )));
            }
            if !rider.on_sale {
                return Err(AppError::field("choice", off_sale(&rider.name)));
            }
            let premium = money::yen(rider.monthly_premium.into());
            Ok(Checked {
                kind: app.kind,
                contract_id: Some(contract.id),
                course_id: None,
                rider_id: Some(rider.id),
                documents: None,
                new_name: None,
                certificate_year: None,
                summary: format!("{}(月額掛金 {premium})", rider.name),
                rows: vec![
                    number,
                    ("追加する特約".to_owned(), rider.name.clone()),
                    ("特約の月額掛金".to_owned(), premium),
                    ("保障内容".to_owned(), rider.summary.clone()),
                    ("保障開始日".to_owned(), START_AFTER_APPROVAL.to_owned()),
                ],
            })
        }
        _ => {
            let new = course::Entity::find_by_id(item_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::field("choice", missing_choice(app.kind)))?;
            if coverage.course_pending(day) || open.iter().any(|p| p.kind == Kind::CourseChange) {
                return Err(AppError::Conflict(
                    "このご契約は、すでにコース変更のお手続き中です。手続き照会で状況をご確認ください。"
                        .to_owned(),
                ));
            }
            let current_id = coverage.course_on(day).ok_or_else(|| {
                AppError::Conflict("保障開始前のご契約は、コースを変更できません。".to_owned())
            })?;
            if current_id == new.id {
                return Err(AppError::field(
                    "choice",
                    "現在と同じコースです。変更後のコースを選んでください。",
                ));
            }
            if !new.on_sale {
                return Err(AppError::field("choice", off_sale(&new.name)));
            }
            let current = course::Entity::find_by_id(current_id)
                .one(db)
                .await?
                .ok_or(AppError::Internal)?;
            let diff = money::difference(i64::from(new.monthly_premium - current.monthly_premium));
            Ok(Checked {
                kind: app.kind,
                contract_id: Some(contract.id),
                course_id: Some(new.id),
                rider_id: None,
                documents: None,
                new_name: None,
                certificate_year: None,
                summary: format!("{} → {}(月額掛金 {diff})", current.name, new.name),
                rows: vec![
                    number,
                    ("現在のコース".to_owned(), current.name.clone()),
                    ("変更後のコース".to_owned(), new.name.clone()),
                    (
                        "変更後の月額掛金".to_owned(),
                        money::yen(new.monthly_premium.into()),
                    ),
                    ("掛金の差額(月額)".to_owned(), diff),
                    ("変更後の保障内容".to_owned(), new.summary.clone()),
                    ("保障開始日".to_owned(), START_AFTER_APPROVAL.to_owned()),
                ],
            })
        }
    }
}

const START_AFTER_APPROVAL: &str =
    "ご承諾後、翌月以降の1日から(審査の結果とあわせてメールでお知らせします)";

fn check_documents(member: &member::Model, codes: &[String]) -> Result<Checked, AppError> {
    if codes.is_empty() {
        return Err(AppError::field(
            "documents",
            "お取り寄せになる書類を1つ以上選んでください。",
        ));
    }
    let mut seen = Vec::new();
    for code in codes {
        if document_name(code).is_none() || seen.len() >= MAX_DOCUMENTS {
            return Err(AppError::field(
                "documents",
                "お取り寄せになる書類を一覧から選んでください。",
            ));
        }
        if !seen.contains(&code.as_str()) {
            seen.push(code.as_str());
        }
    }
    // The catalogue's order, whatever order the form sent.
    let chosen: Vec<(&str, &str)> = DOCUMENTS
        .iter()
        .copied()
        .filter(|(code, _)| seen.contains(code))
        .collect();
    let names: Vec<&str> = chosen.iter().map(|(_, name)| *name).collect();
    Ok(Checked {
        kind: Kind::DocumentRequest,
        contract_id: None,
        course_id: None,
        rider_id: None,
        new_name: None,
        certificate_year: None,
        documents: Some(
            chosen
                .iter()
                .map(|(code, _)| *code)
                .collect::<Vec<_>>()
                .join(","),
        ),
        summary: names.join("、"),
        rows: vec![
            ("お取り寄せの書類".to_owned(), names.join("\n")),
            (
                "送付先(ご登録の住所)".to_owned(),
                crate::member::ssr::changes::address_of(member),
            ),
            (
                "お届けの目安".to_owned(),
                "「発送済」になった日から、およそ1週間以内".to_owned(),
            ),
        ],
    })
}

/// Files a checked application for `member` in `txn`: the procedure, its first
/// history entry, the mail and the audit entry. Returns the new procedure.
/// What a second, identical application in flight is told.
const DUPLICATE: &str = "同じお申し込みがすでに受け付けられています。手続き照会でご確認ください。";

pub async fn file(
    txn: &impl ConnectionTrait,
    config: &crate::ssr::Config,
    member: &member::Model,
    checked: Checked,
    by: By,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<procedure::Model, AppError> {
    let duplicate = match checked.kind {
        Kind::NameChange => NAME_CHANGE_WAITING,
        Kind::CertificateReissue => CERTIFICATE_WAITING,
        _ => DUPLICATE,
    };
    let (new_name, new_name_kana) = checked.new_name.unzip();
    let saved = procedure::ActiveModel {
        member_id: Set(member.id),
        contract_id: Set(checked.contract_id),
        kind: Set(checked.kind),
        status: Set(Status::Received),
        filed_by: Set(by.side()),
        filed_by_staff_id: Set(by.staff_id()),
        course_id: Set(checked.course_id),
        rider_id: Set(checked.rider_id),
        documents: Set(checked.documents),
        new_name: Set(new_name),
        new_name_kana: Set(new_name_kana),
        certificate_year: Set(checked.certificate_year),
        summary: Set(checked.summary),
        coverage_starts_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if crate::ssr::db::is_unique_violation(&e) {
            // The same application, filed a moment ago by a parallel request.
            AppError::Conflict(duplicate.to_owned())
        } else {
            e.into()
        }
    })?;
    workflow::record_event(txn, &saved, Status::Received, by, None, now).await?;
    workflow::mail_filed(txn, config, &saved, by, now).await?;
    workflow::audit(txn, &saved, by, "procedure_filed", None, ip, now).await?;
    Ok(saved)
}

/// Why a member who has left the co-op may not add a rider or change course
/// (their contracts end with the membership).
pub const WITHDRAWN: &str =
    "脱退のお手続きが済んでいるため、特約の追加・コースの変更はお申し込みいただけません。";

/// A contract whose coverage has ended (no course now or later).
pub const ENDED: &str =
    "このご契約は保障が終了しているため、特約の追加・コースの変更はお申し込みいただけません。";

/// What a second paper reissue of the same year is told while one waits
/// (a unique index: a double submit files once).
pub const CERTIFICATE_WAITING: &str =
    "この年の掛金払込証明書の再発行は、すでにお手続き中です。手続き照会で状況をご確認ください。";

/// What a second name change is told while one waits (one waits at a time:
/// a unique index, so a double submit files once).
pub const NAME_CHANGE_WAITING: &str =
    "氏名の変更は、すでにお手続き中です。手続き照会で状況をご確認ください。";

/// The member's name change still waiting for staff, if any.
pub async fn open_name_change(
    db: &impl ConnectionTrait,
    member_id: i32,
) -> Result<Option<procedure::Model>, AppError> {
    Ok(procedure::Entity::find()
        .filter(procedure::Column::MemberId.eq(member_id))
        .filter(procedure::Column::Kind.eq(Kind::NameChange))
        .filter(procedure::Column::Status.is_in([Status::Received, Status::UnderReview]))
        .one(db)
        .await?)
}

/// Records a change of login details that took effect at once, so 手続き照会
/// shows it, with who made it. Call it in the transaction of the change.
pub async fn record_completed(
    txn: &impl ConnectionTrait,
    member_id: i32,
    kind: Kind,
    summary: &str,
    by: By,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let done = procedure::ActiveModel {
        member_id: Set(member_id),
        kind: Set(kind),
        summary: Set(summary.to_owned()),
        ..Default::default()
    };
    insert_completed(txn, done, by, now).await
}

/// Lists a name change staff applied from a paper 改姓届 on the member's
/// 手続き照会, done, as made by the co-op.
pub async fn record_name_changed(
    txn: &impl ConnectionTrait,
    member_id: i32,
    (name, kana): (&str, &str),
    by: By,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let done = procedure::ActiveModel {
        member_id: Set(member_id),
        kind: Set(Kind::NameChange),
        summary: Set("改姓届により、氏名を変更しました。".to_owned()),
        new_name: Set(Some(name.to_owned())),
        new_name_kana: Set(Some(kana.to_owned())),
        ..Default::default()
    };
    insert_completed(txn, done, by, now).await
}

async fn insert_completed(
    txn: &impl ConnectionTrait,
    mut done: procedure::ActiveModel,
    by: By,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    done.status = Set(Status::Completed);
    done.filed_by = Set(by.side());
    done.filed_by_staff_id = Set(by.staff_id());
    done.created_at = Set(now);
    done.updated_at = Set(now);
    let saved = done.insert(txn).await?;
    workflow::record_event(txn, &saved, Status::Completed, by, None, now).await
}
