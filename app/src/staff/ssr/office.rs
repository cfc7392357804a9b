//! The procedure queue (S3) and member lookup (S2).

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::super::{Listing, MemberBrief, MemberRecord, MemberSearch, ProcedureCase, QueueRow};
use super::auth::current_staff;
use crate::auth::ssr::display_member_number;
use crate::contract::ssr::contracts_of;
use crate::domain::coverage::first_of_next_month;
use crate::domain::jst;
use crate::domain::lockout::LockoutState;
use crate::domain::member_fields;
use crate::domain::member_number::MemberNumber;
use crate::domain::procedure::{next_statuses, Actor, Kind, Status};
use crate::error::AppError;
use crate::member::ssr::changes::address_of;
use crate::procedure::ssr::read;
use crate::procedure::ssr::workflow::{self, By, Move};
use crate::ssr::entities::{contract, member, member_account, procedure};
use crate::ssr::request::Request;

/// Most rows one list shows; filters narrow it down.
pub const MAX_ROWS: u64 = 200;

/// Longest search text looked at.
const MAX_QUERY_CHARS: usize = 60;

pub fn brief(m: &member::Model) -> MemberBrief {
    MemberBrief {
        id: m.id,
        number: display_member_number(&m.member_number),
        name: m.name.clone(),
        kana: m.name_kana.clone(),
    }
}

/// [`crate::staff::staff_queue`].
pub async fn queue(
    kind: Option<&str>,
    status: Option<&str>,
    receipt: Option<&str>,
) -> Result<Listing<QueueRow>, AppError> {
    current_staff().await?;
    let Request { state, .. } = Request::current()?;
    let mut query = procedure::Entity::find();
    let mut waiting = false;
    // A 受付番号's date part, checked on the one procedure its id reads.
    let mut filed_on = None;
    if let Some(receipt) = receipt.map(str::trim).filter(|r| !r.is_empty()) {
        // What a member reads out on the phone: the date part, when given,
        // must be the procedure's too.
        let (day, id) = crate::domain::procedure::parse_receipt(receipt).ok_or_else(|| {
            AppError::field(
                "receipt",
                "受付番号は「20261123-000042」の形で入力してください。",
            )
        })?;
        filed_on = day;
        query = query.filter(procedure::Column::Id.eq(id));
    } else {
        query = match kind.filter(|k| !k.is_empty()) {
            Some(code) => {
                let kind = Kind::from_code(code).ok_or(AppError::NotFound)?;
                query.filter(procedure::Column::Kind.eq(kind))
            }
            // Changes of login details are done at once: nothing to work on.
            None => query.filter(procedure::Column::Kind.is_in(Kind::QUEUED)),
        };
        query = match status.filter(|s| !s.is_empty()) {
            Some("all") => query,
            Some(code) => {
                let status = Status::from_code(code).ok_or(AppError::NotFound)?;
                waiting = !status.is_final();
                query.filter(procedure::Column::Status.eq(status))
            }
            None => {
                waiting = true;
                query.filter(
                    procedure::Column::Status.is_in([Status::Received, Status::UnderReview]),
                )
            }
        };
    }
    // What waits, oldest first: the queue is worked from the top. Anything
    // else (finished, or all), most recently changed first: what was just
    // done is looked up.
    let query = if waiting {
        query
            .order_by_asc(procedure::Column::CreatedAt)
            .order_by_asc(procedure::Column::Id)
    } else {
        query
            .order_by_desc(procedure::Column::UpdatedAt)
            .order_by_desc(procedure::Column::Id)
    };
    let mut read = query.limit(MAX_ROWS + 1).all(&state.db).await?;
    if let Some(day) = filed_on {
        read.retain(|p| jst::today(p.created_at) == day);
    }
    let listed = Listing::of(read, MAX_ROWS, !waiting);
    let ids: Vec<i32> = listed.rows.iter().map(|p| p.member_id).collect();
    let members: HashMap<i32, member::Model> = member::Entity::find()
        .filter(member::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(listed.map_rows(|rows| {
        rows.iter()
            .filter_map(|p| {
                members.get(&p.member_id).map(|m| QueueRow {
                    procedure: read::summary(p),
                    member: brief(m),
                })
            })
            .collect()
    }))
}

/// [`crate::staff::staff_procedure`].
pub async fn procedure(id: i32) -> Result<ProcedureCase, AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let db = &state.db;
    let p = read::find(db, id, None).await?;
    // Who looked at a member's data is on record (S6).
    let receipt = crate::domain::procedure::receipt_number(jst::today(p.created_at), p.id);
    viewed(
        db,
        me.staff_id,
        p.member_id,
        "procedure_viewed",
        receipt,
        &client.ip,
        now,
    )
    .await?;
    let member = member::Entity::find_by_id(p.member_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let today = jst::today(now);
    let contract = match p.contract_id {
        Some(contract_id) => {
            let number = contract::Entity::find_by_id(contract_id)
                .one(db)
                .await?
                .map(|c| c.contract_number);
            contracts_of(db, member.id, today)
                .await?
                .into_iter()
                .find(|c| Some(&c.contract_number) == number.as_ref())
        }
        None => None,
    };
    let next = next_statuses(p.kind, p.status, Actor::Staff);
    Ok(ProcedureCase {
        asks_start_date: p.kind.is_coverage() && next.contains(&Status::Approved),
        prints_certificate: p.certificate_year.filter(|_| {
            p.kind == crate::domain::procedure::Kind::CertificateReissue
                && !matches!(p.status, Status::Cancelled | Status::Declined)
        }),
        next: next
            .into_iter()
            .map(|s| (s.code().to_owned(), s.label().to_owned()))
            .collect(),
        ship_to: match p.kind {
            Kind::DocumentRequest | Kind::CertificateReissue => Some((
                address_of(&member),
                // Only while it waits to be sent: afterwards it went where it went.
                !p.status.is_final() && moved_since(db, member.id, p.created_at).await?,
            )),
            _ => None,
        },
        suggested_start: first_of_next_month(today).format("%Y-%m-%d").to_string(),
        detail: read::detail(db, &state.config, &p).await?,
        member: brief(&member),
        contract,
    })
}

/// Whether the member changed their address on My Page after `since`.
async fn moved_since(
    db: &impl sea_orm::ConnectionTrait,
    member_id: i32,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AppError> {
    use crate::ssr::entities::audit_log;
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(member_id))
        .filter(audit_log::Column::Action.eq("address_changed"))
        .filter(audit_log::Column::OccurredAt.gt(since))
        .one(db)
        .await?
        .is_some())
}

/// [`crate::staff::staff_move_procedure`].
pub async fn move_procedure(
    id: i32,
    to: &str,
    comment: Option<&str>,
    starts_on: Option<&str>,
) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let to =
        Status::from_code(to).ok_or_else(|| AppError::field("to", "次の状況を選んでください。"))?;
    let starts_on = match starts_on.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) if to == Status::Approved => {
            Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::field("starts_on", "保障開始日を正しい日付で入力してください。")
            })?)
        }
        _ => None,
    };
    let step = Move {
        to,
        comment: workflow::clean_comment(comment)?,
        starts_on,
    };
    let by = By::Staff {
        staff_id: me.staff_id,
    };
    workflow::move_to(
        &state.db,
        &state.config,
        id,
        None,
        by,
        step,
        &client.ip,
        now,
    )
    .await?;
    Ok(())
}

/// [`crate::staff::staff_search_members`]: a member number (with or without
/// the hyphen), or a name or kana, whole or in part.
///
/// Two bounded reads ([`search_reads`]), whatever the number of members: the
/// exact matches (btree indexes) and the partial ones (trigram indexes on
/// PostgreSQL), in no particular order. Neither asks the database to sort:
/// sorting every partial match of a common name part at a million members
/// took 60 ms, and walking the kana index in order instead could read most
/// of the table before 200 matched. The few rows read are sorted here.
pub async fn search_members(q: &str) -> Result<MemberSearch, AppError> {
    current_staff().await?;
    let Request { state, .. } = Request::current()?;
    let q = q.trim();
    if q.is_empty() {
        return Ok(MemberSearch {
            rows: Vec::new(),
            more: false,
        });
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::field(
            "q",
            format!("検索語は{MAX_QUERY_CHARS}文字以内で入力してください。"),
        ));
    }
    let (exact, partial) = search_reads(q);
    let mut found = exact.all(&state.db).await?;
    found.sort_by(kana_order);
    let mut partly = partial.all(&state.db).await?;
    let more = partly.len() as u64 > MAX_ROWS;
    partly.sort_by(kana_order);
    for m in partly {
        if found.len() as u64 >= MAX_ROWS {
            break;
        }
        if !found.iter().any(|f| f.id == m.id) {
            found.push(m);
        }
    }
    Ok(MemberSearch {
        rows: found.iter().map(brief).collect(),
        more,
    })
}

/// The search's two reads for the trimmed text `q`: the members whose
/// number, name or kana is `q` (at most [`MAX_ROWS`]) and those whose name
/// or kana contains it (at most [`MAX_ROWS`] + 1). Names and kana are
/// compared without their spaces (a name registered as 山田 太郎 is found by
/// 山田太郎 and the other way round), kana also when typed in hiragana.
pub fn search_reads(q: &str) -> (Select<member::Entity>, Select<member::Entity>) {
    let name = without_spaces(q);
    let kana = member_fields::kana(q).map_or_else(|_| name.clone(), |k| without_spaces(&k));
    let mut exact = Condition::any()
        .add(spaceless("name").eq(name.as_str()))
        .add(spaceless("name_kana").eq(kana.as_str()));
    if let Ok(number) = MemberNumber::parse(q) {
        exact = exact.add(member::Column::MemberNumber.eq(number.digits()));
    }
    let partial = Condition::any()
        .add(spaceless("name").like(containing(&name)))
        .add(spaceless("name_kana").like(containing(&kana)));
    (
        member::Entity::find().filter(exact).limit(MAX_ROWS),
        member::Entity::find().filter(partial).limit(MAX_ROWS + 1),
    )
}

fn kana_order(a: &member::Model, b: &member::Model) -> std::cmp::Ordering {
    (&a.name_kana, &a.member_number).cmp(&(&b.name_kana, &b.member_number))
}

fn without_spaces(text: &str) -> String {
    text.replace([' ', '　'], "")
}

/// `column` without half- and full-width spaces, spelled as the indexes on
/// it are (the kana's: m20261206_000017 and m20261207_000020; the name's:
/// m20261207_000021).
fn spaceless(column: &'static str) -> Expr {
    Expr::cust(format!("REPLACE(REPLACE({column}, ' ', ''), '　', '')"))
}

/// `LIKE '%text%'` with the text's `%`, `_` and `\` taken literally.
fn containing(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// [`crate::staff::staff_member`].
pub async fn member(id: i32) -> Result<MemberRecord, AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let db = &state.db;
    let (m, account) = crate::member::ssr::with_account(db, id).await?;
    let shown = format!("{} {}", display_member_number(&m.member_number), m.name);
    viewed(
        db,
        me.staff_id,
        m.id,
        "member_viewed",
        shown,
        &client.ip,
        now,
    )
    .await?;
    Ok(MemberRecord {
        brief: brief(&m),
        birth_date: jst::format_date(m.birth_date),
        address: address_of(&m),
        phone: match &m.mobile_phone {
            Some(mobile) => format!("{}(携帯 {mobile})", m.phone),
            None => m.phone.clone(),
        },
        workplace: m.workplace.clone().unwrap_or_else(|| "—".to_owned()),
        locked: account.as_ref().is_some_and(|a| {
            LockoutState {
                failed_count: a.failed_login_count,
                locked_until: a.locked_until,
            }
            .is_locked(now)
        }),
        temporary_password: account
            .as_ref()
            .filter(|a| a.must_change_password)
            .and_then(|a| a.password_expires_at)
            .map(|until| (jst::format_datetime(until), until <= now)),
        logins: match &account {
            Some(a) => crate::account::ssr::logins_of(db, a.id, LOGINS_SHOWN).await?,
            None => Vec::new(),
        },
        can_end_sessions: account.is_some() && me.require_admin().is_ok(),
        can_change_email: account.is_some() && me.require_admin().is_ok(),
        can_cancel_withdrawal: crate::member::ssr::withdrawal::can_take_back(&m, now)
            && me.require_admin().is_ok(),
        stage: crate::member::ssr::stage_of(&m, account.as_ref(), now),
        capital_paid: m.capital_paid_on.is_some(),
        capital: match (m.capital_amount, m.capital_paid_on) {
            (Some(yen), Some(on)) => format!(
                "{}({} 払込)",
                crate::domain::money::yen(yen.into()),
                jst::format_date(on)
            ),
            (None, Some(on)) => format!("{} 払込", jst::format_date(on)),
            (_, None) => "入金の記録なし".to_owned(),
        },
        withdrawn_on: m.withdrawn_on.map(jst::format_date),
        withdrawal_dates: m.withdrawn_on.zip(m.access_until).map(|(on, until)| {
            (
                on.format("%Y-%m-%d").to_string(),
                until.format("%Y-%m-%d").to_string(),
            )
        }),
        access_until: m.access_until.map(jst::format_date),
        suggested_refund: crate::domain::membership::default_refund_date(jst::today(now))
            .format("%Y-%m-%d")
            .to_string(),
        mail_trouble: match &account {
            Some(a) => crate::mails::ssr::trouble_of(db, &a.email).await?,
            None => None,
        },
        pending_core: crate::member::ssr::import::pending_in_core(&m),
        filing: super::super::PhoneFiling {
            options: crate::procedure::ssr::apply::options(db, &m, jst::today(now)).await?,
            certificate_years: crate::domain::certificate::phone_paper_years(jst::today(now)),
        },
        email: account.as_ref().map(|a| a.email.clone()),
        user_id: account.map(|a| a.user_id),
        contracts: contracts_of(db, m.id, jst::today(now)).await?,
        procedures: read::summaries_of(db, m.id).await?,
        inquiries: crate::inquiry::ssr::staff::of_member(db, &state.config, m.id).await?,
        statements: crate::money::ssr::statements::list_of(db, m.id, jst::today(now))
            .await?
            .statements
            .into_iter()
            .take(STATEMENTS_SHOWN)
            .collect(),
    })
}

/// Records that staff opened a member's data, so the co-op can answer "who
/// looked at my data".
async fn viewed(
    db: &sea_orm::DatabaseConnection,
    staff_id: i32,
    member_id: i32,
    action: &str,
    what: String,
    ip: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    crate::ssr::audit::record(
        db,
        crate::ssr::audit::Entry {
            actor: crate::ssr::audit::Actor::Staff { staff_id },
            member_id: Some(member_id),
            action,
            before: None,
            after: Some(what),
            ip,
        },
        now,
    )
    .await
}

/// [`crate::staff::staff_end_member_sessions`] (admins only).
pub async fn end_member_sessions(member_id: i32) -> Result<u64, AppError> {
    use crate::ssr::entities::session;
    let me = current_staff().await?;
    me.require_admin()?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let account = member_account::Entity::find()
        .filter(member_account::Column::MemberId.eq(member_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let ended = session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?
        .rows_affected;
    // A lost phone: no browser may skip the code, and no login waiting for
    // one goes on.
    crate::auth::ssr::device::forget_all(&txn, account.id).await?;
    crate::ssr::identity::codes::expire_login(&txn, account.id, now).await?;
    crate::ssr::audit::record(
        &txn,
        crate::ssr::audit::Entry {
            actor: crate::ssr::audit::Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: Some(member_id),
            action: "member_sessions_ended",
            before: None,
            after: Some(format!("{ended}")),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// A change of a member's standing by staff, once the rule allows it.
struct StandingStep {
    me: super::auth::CurrentStaff,
    request: Request,
    member: member::Model,
    account: member_account::Model,
}

/// The staff member, the request and the member with an account, if the
/// standing rule allows `event` for the member now.
async fn standing_step(
    member_id: i32,
    event: crate::domain::membership::Event,
) -> Result<StandingStep, AppError> {
    let me = current_staff().await?;
    let request = Request::current()?;
    let (member, account) = crate::member::ssr::with_account(&request.state.db, member_id).await?;
    let stage = crate::member::ssr::stage_of(&member, account.as_ref(), request.now);
    crate::domain::membership::transition(stage, event)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    Ok(StandingStep {
        me,
        request,
        member,
        account: account.ok_or(AppError::Internal)?,
    })
}

/// [`crate::staff::staff_reopen_service`].
pub async fn reopen_service(member_id: i32) -> Result<(), AppError> {
    let StandingStep {
        me,
        request: Request {
            state, client, now, ..
        },
        member: m,
        account,
    } = standing_step(member_id, crate::domain::membership::Event::Reopen).await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let actor = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    crate::account::ssr::credentials::reopen_account(
        &txn,
        &state.config,
        (&m, &account),
        actor,
        &client.ip,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// [`crate::staff::staff_stop_service`]: the member asked by phone or at
/// the counter, or the account is misused.
pub async fn stop_service(member_id: i32) -> Result<(), AppError> {
    let StandingStep {
        me,
        request: Request {
            state, client, now, ..
        },
        member: m,
        account,
    } = standing_step(member_id, crate::domain::membership::Event::Stop).await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let actor = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    crate::account::ssr::credentials::stop_account(
        &txn,
        &state.config,
        (&m, &account),
        actor,
        &client.ip,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// [`crate::staff::staff_record_withdrawal`].
pub async fn record_withdrawal(
    member_id: i32,
    withdrawn_on: &str,
    access_until: &str,
) -> Result<(), AppError> {
    let (
        _,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    crate::member::ssr::withdrawal::record(
        &state.db,
        &state.config,
        member_id,
        (withdrawn_on, access_until),
        (actor, &client.ip, now),
    )
    .await
}

/// [`crate::staff::staff_correct_withdrawal`].
pub async fn correct_withdrawal(
    member_id: i32,
    withdrawn_on: &str,
    access_until: &str,
) -> Result<(), AppError> {
    let (
        _,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    crate::member::ssr::withdrawal::correct(
        &state.db,
        &state.config,
        member_id,
        (withdrawn_on, access_until),
        (actor, &client.ip, now),
    )
    .await
}

/// [`crate::staff::staff_cancel_withdrawal`]: admins only (it gives back
/// coverage and My Page).
pub async fn cancel_withdrawal(member_id: i32) -> Result<(), AppError> {
    let (
        me,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    me.require_admin()?;
    crate::member::ssr::withdrawal::cancel(
        &state.db,
        &state.config,
        member_id,
        (actor, &client.ip, now),
    )
    .await
}

/// [`crate::staff::staff_create_member`].
pub async fn create_member(
    raw: crate::domain::member_fields::Raw,
) -> Result<crate::staff::CreatedMember, AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let actor = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    let created =
        crate::member::ssr::admin::create(&state.db, &raw, actor, &client.ip, now).await?;
    Ok(crate::staff::CreatedMember {
        id: created.member.id,
        number: display_member_number(&created.member.member_number),
        name: created.member.name,
        warnings: created.warnings,
    })
}

/// [`crate::staff::staff_file_procedure`].
pub async fn file_for(
    member_id: i32,
    kind: &str,
    choice: Option<&str>,
    documents: Option<&str>,
    year: Option<&str>,
) -> Result<(), AppError> {
    use crate::procedure::ssr::apply;
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let today = jst::today(now);
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let m = member::Entity::find_by_id(member_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let checked = if kind == Kind::CertificateReissue.code() {
        let asked = year.and_then(|y| y.trim().parse().ok());
        let year = crate::domain::certificate::phone_paper_year(today, asked)
            .map_err(|e| AppError::field("year", e.0))?;
        apply::Checked::certificate_reissue(year)
    } else {
        let app = apply::parse(kind, choice, documents)?;
        apply::check(&txn, &m, &app, today).await?
    };
    let by = By::Staff {
        staff_id: me.staff_id,
    };
    apply::file(&txn, &state.config, &m, checked, by, &client.ip, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The staff member of the request (fully logged in), the request, and the
/// actor an audit entry names.
async fn staff_acting(
) -> Result<(super::auth::CurrentStaff, Request, crate::ssr::audit::Actor), AppError> {
    let me = current_staff().await?;
    let request = Request::current()?;
    let actor = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    Ok((me, request, actor))
}

/// [`crate::staff::staff_change_name`].
pub async fn change_name(member_id: i32, name: &str, kana: &str) -> Result<(), AppError> {
    let (
        _,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    crate::member::ssr::admin::change_name(
        &state.db,
        &state.config,
        member_id,
        (name, kana),
        actor,
        &client.ip,
        now,
    )
    .await
}

/// How many of a member's latest logins their record shows.
const LOGINS_SHOWN: u64 = 10;

/// How many of a member's latest statements their record shows.
const STATEMENTS_SHOWN: usize = 12;

/// [`crate::staff::staff_change_member_email`].
pub async fn change_member_email(member_id: i32, email: &str, was: &str) -> Result<(), AppError> {
    let (
        me,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    me.require_admin()?;
    crate::account::ssr::credentials::change_email_by_staff(
        &state.db,
        &state.config,
        (member_id, email, was),
        (actor, &client.ip),
        now,
    )
    .await?;
    Ok(())
}

/// [`crate::staff::staff_record_capital`].
pub async fn record_capital(member_id: i32, paid_on: &str, amount: &str) -> Result<(), AppError> {
    let (
        _,
        Request {
            state, client, now, ..
        },
        actor,
    ) = staff_acting().await?;
    crate::member::ssr::admin::record_capital(
        &state.db,
        member_id,
        (paid_on, amount),
        actor,
        &client.ip,
        now,
    )
    .await
}

/// The member number of `member_id`, for the account commands.
async fn number_of(db: &sea_orm::DatabaseConnection, member_id: i32) -> Result<String, AppError> {
    member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .map(|m| m.member_number)
        .ok_or(AppError::NotFound)
}

/// [`crate::staff::staff_unlock_member`].
pub async fn unlock_member(member_id: i32) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let number = number_of(&state.db, member_id).await?;
    let by = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    crate::auth::ssr::temporary::unlock(&state.db, &number, (by, &client.ip), now).await?;
    Ok(())
}

/// [`crate::staff::staff_issue_temporary_password`].
pub async fn issue_temporary_password(member_id: i32) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let number = number_of(&state.db, member_id).await?;
    let by = crate::ssr::audit::Actor::Staff {
        staff_id: me.staff_id,
    };
    crate::auth::ssr::temporary::issue(&state.db, &state.config, &number, (by, &client.ip), now)
        .await?;
    Ok(())
}

/// [`crate::staff::staff_letters_waiting`].
pub async fn letters_waiting() -> Result<super::super::LettersWaiting, AppError> {
    current_staff().await?;
    let Request { state, now, .. } = Request::current()?;
    super::letters::waiting_count(&state.db, now).await
}
