//! 登録内容の変更 (M5). The address and the phone numbers change at once;
//! a name change (改姓) is filed and applied by staff after checking. Each
//! change is one transaction: the record, its audit entry with before and
//! after, its 手続き照会 entry and the mail — closing the browser before the
//! confirmation's button leaves nothing behind (seed 000).

use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::super::{ChangePreview, PendingName, PostalAnswer};
use crate::auth::ssr::{account_and_member, current_member};
use crate::domain::jis::display_spelling;
use crate::domain::jst;
use crate::domain::postal::PostalCode;
use crate::domain::procedure::{receipt_number, Kind};
use crate::domain::profile_change::{NewAddress, NewName, NewPhones, Problem};
use crate::error::AppError;
use crate::procedure::ssr::{apply, read};
use crate::ssr::actor::Actor;
use crate::ssr::audit;
use crate::ssr::entities::{member, member_account, procedure};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::request::Request;

impl From<Problem> for AppError {
    fn from(p: Problem) -> Self {
        AppError::field(p.field, p.message)
    }
}

/// `〒330-0064 埼玉県さいたま市浦和区岸町7-5-19 ○○ハイツ101`.
pub fn address_line(postal_code: &str, prefecture: &str, address1: &str, address2: &str) -> String {
    let postal = match PostalCode::parse(postal_code) {
        Ok(code) => code.hyphenated(),
        Err(_) => postal_code.to_owned(),
    };
    format!("〒{postal} {prefecture}{address1} {address2}")
        .trim_end()
        .to_owned()
}

/// The registered address, as documents are sent to it.
pub fn address_of(m: &member::Model) -> String {
    address_line(&m.postal_code, &m.prefecture, &m.address1, &m.address2)
}

fn phones_of(phone: &str, mobile: Option<&str>) -> String {
    match mobile {
        Some(mobile) => format!("{phone} / 携帯 {mobile}"),
        None => phone.to_owned(),
    }
}

/// Writes the new address in `txn`, audited with before and after, marked as
/// not yet in the core system (see [`super::import`]).
pub async fn write_address(
    txn: &impl ConnectionTrait,
    m: &member::Model,
    new: &NewAddress,
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    member::Entity::update_many()
        .col_expr(
            member::Column::PostalCode,
            Expr::value(new.postal_code.as_str()),
        )
        .col_expr(
            member::Column::Prefecture,
            Expr::value(new.prefecture.clone()),
        )
        .col_expr(member::Column::Address1, Expr::value(new.address1.clone()))
        .col_expr(member::Column::Address2, Expr::value(new.address2.clone()))
        .col_expr(member::Column::AddressPendingCoreAt, Expr::value(Some(now)))
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(m.id))
        .exec(txn)
        .await?;
    let after = address_line(
        new.postal_code.as_str(),
        &new.prefecture,
        &new.address1,
        &new.address2,
    );
    audit::record(
        txn,
        audit::Entry {
            actor,
            member_id: Some(m.id),
            action: "address_changed",
            before: Some(address_of(m)),
            after: Some(after),
            ip,
        },
        now,
    )
    .await
}

/// Writes the new phone numbers in `txn`, audited with before and after; a
/// new phone is marked as not yet in the core system.
pub async fn write_phones(
    txn: &impl ConnectionTrait,
    m: &member::Model,
    new: &NewPhones,
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mobile = new.mobile_phone.as_ref().map(|p| p.as_str().to_owned());
    let mut update = member::Entity::update_many()
        .col_expr(member::Column::Phone, Expr::value(new.phone.as_str()))
        .col_expr(member::Column::MobilePhone, Expr::value(mobile.clone()))
        .col_expr(member::Column::UpdatedAt, Expr::value(now));
    // The core system's export has the phone, not the mobile: only a new
    // phone waits for it (and a mark is never written back from `m`).
    if new.phone.as_str() != m.phone {
        update = update.col_expr(member::Column::PhonePendingCoreAt, Expr::value(Some(now)));
    }
    update.filter(member::Column::Id.eq(m.id)).exec(txn).await?;
    audit::record(
        txn,
        audit::Entry {
            actor,
            member_id: Some(m.id),
            action: "phone_changed",
            before: Some(phones_of(&m.phone, m.mobile_phone.as_deref())),
            after: Some(phones_of(new.phone.as_str(), mobile.as_deref())),
            ip,
        },
        now,
    )
    .await
}

/// Writes a checked new name in `txn`, audited with before and after: a
/// name change staff confirmed, or the member's filed one being applied;
/// marked as not yet in the core system.
pub async fn write_name(
    txn: &impl ConnectionTrait,
    member_id: i32,
    (name, kana): (&str, &str),
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let m = member::Entity::find_by_id(member_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    member::Entity::update_many()
        .col_expr(member::Column::Name, Expr::value(name))
        .col_expr(member::Column::NameKana, Expr::value(kana))
        .col_expr(member::Column::NamePendingCoreAt, Expr::value(Some(now)))
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(m.id))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        audit::Entry {
            actor,
            member_id: Some(m.id),
            action: "name_changed",
            before: Some(format!("{}({})", m.name, m.name_kana)),
            after: Some(format!("{name}({kana})")),
            ip,
        },
        now,
    )
    .await
}

/// The member of the session, read inside `db`. The session is checked
/// (and touched) first, outside any transaction: on SQLite a session write
/// inside a writing transaction would wait for that transaction itself.
async fn me_in(
    db: &impl ConnectionTrait,
) -> Result<(Actor, member_account::Model, member::Model), AppError> {
    let me = current_member().await?;
    record_of(db, me.account_id).await
}

async fn record_of(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> Result<(Actor, member_account::Model, member::Model), AppError> {
    let (account, m) = account_and_member(db, account_id).await?;
    Ok((Actor::Member { account_id }, account, m))
}

/// What the form fills in for a typed code.
pub async fn lookup_postal(code: &str) -> Result<Option<PostalAnswer>, AppError> {
    current_member().await?;
    let Request { state, .. } = Request::current()?;
    let code = PostalCode::parse(code).map_err(|e| AppError::field("postal_code", e.0))?;
    let found = crate::ssr::postal::lookup(&state.db, &code).await?;
    Ok(found.map(|row| PostalAnswer {
        postal_code: code.hyphenated(),
        prefecture: row.prefecture,
        town_filled: row.town.is_some(),
        city_filled: row.city.is_some(),
        address1: format!(
            "{}{}",
            row.city.unwrap_or_default(),
            row.town.unwrap_or_default()
        ),
    }))
}

pub async fn preview_address(new: NewAddress) -> Result<ChangePreview, AppError> {
    let Request { state, .. } = Request::current()?;
    let (_, _, m) = me_in(&state.db).await?;
    address_preview(&m, &new)
}

fn address_preview(m: &member::Model, new: &NewAddress) -> Result<ChangePreview, AppError> {
    let after = address_line(
        new.postal_code.as_str(),
        &new.prefecture,
        &new.address1,
        &new.address2,
    );
    let before = address_of(m);
    if before == after {
        return Err(AppError::field(
            "address1",
            "いまのご登録と同じ住所です。新しい住所を入力してください。",
        ));
    }
    Ok(ChangePreview {
        title: "住所の変更".to_owned(),
        rows: vec![("住所".to_owned(), display_spelling(&before).0, after)],
        notes: vec![
            "書類やお知らせは、変更後の住所にお送りします。ご契約の内容は変わりません。".to_owned(),
            "変更が終わると、ご登録のメールアドレスにお知らせします(新しい住所はメールに記載しません)。"
                .to_owned(),
        ],
    })
}

/// Changes the address of the member of the session.
pub async fn change_address(new: NewAddress) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let me = current_member().await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let (actor, account, m) = record_of(&txn, me.account_id).await?;
    address_preview(&m, &new)?;
    write_address(&txn, &m, &new, actor, &client.ip, now).await?;
    let summary = format!("新しい住所(〒{})に変更", new.postal_code.hyphenated());
    apply::record_completed(&txn, m.id, Kind::AddressChange, &summary, actor, now).await?;
    mail_done(&txn, &state.config, &account, &m, "住所", now).await?;
    txn.commit().await?;
    leptos_axum::redirect("/mypage/profile?done=address");
    Ok(())
}

pub async fn preview_phones(new: NewPhones) -> Result<ChangePreview, AppError> {
    let Request { state, .. } = Request::current()?;
    let (_, _, m) = me_in(&state.db).await?;
    phones_preview(&m, &new)
}

fn phones_preview(m: &member::Model, new: &NewPhones) -> Result<ChangePreview, AppError> {
    let mobile = new.mobile_phone.as_ref().map(|p| p.as_str());
    if new.phone.as_str() == m.phone && mobile == m.mobile_phone.as_deref() {
        return Err(AppError::field(
            "phone",
            "いまのご登録と同じ電話番号です。新しい番号を入力してください。",
        ));
    }
    Ok(ChangePreview {
        title: "電話番号の変更".to_owned(),
        rows: vec![
            (
                "電話番号".to_owned(),
                m.phone.clone(),
                new.phone.as_str().to_owned(),
            ),
            (
                "携帯電話番号".to_owned(),
                m.mobile_phone
                    .clone()
                    .unwrap_or_else(|| "(なし)".to_owned()),
                mobile.unwrap_or("(なし)").to_owned(),
            ),
        ],
        notes: vec!["変更が終わると、ご登録のメールアドレスにお知らせします。".to_owned()],
    })
}

/// Changes the phone numbers of the member of the session.
pub async fn change_phones(new: NewPhones) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let me = current_member().await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let (actor, account, m) = record_of(&txn, me.account_id).await?;
    phones_preview(&m, &new)?;
    write_phones(&txn, &m, &new, actor, &client.ip, now).await?;
    apply::record_completed(&txn, m.id, Kind::PhoneChange, "電話番号を変更", actor, now).await?;
    mail_done(&txn, &state.config, &account, &m, "電話番号", now).await?;
    txn.commit().await?;
    leptos_axum::redirect("/mypage/profile?done=phone");
    Ok(())
}

pub async fn preview_name(new: NewName) -> Result<ChangePreview, AppError> {
    let Request { state, now, .. } = Request::current()?;
    let (_, _, m) = me_in(&state.db).await?;
    name_preview(&state.db, &m, &new, now).await
}

async fn name_preview(
    db: &impl ConnectionTrait,
    m: &member::Model,
    new: &NewName,
    now: DateTime<Utc>,
) -> Result<ChangePreview, AppError> {
    if apply::open_name_change(db, m.id).await?.is_some() {
        return Err(AppError::Conflict(apply::NAME_CHANGE_WAITING.to_owned()));
    }
    if new.name == m.name && new.name_kana == m.name_kana {
        return Err(AppError::field(
            "name",
            "いまのご登録と同じ氏名です。新しい氏名を入力してください。",
        ));
    }
    let expected = crate::domain::calendar::business_days_after(
        jst::today(now),
        crate::domain::procedure::NAME_CHANGE_BUSINESS_DAYS,
        crate::domain::calendar::is_national_holiday,
    );
    Ok(ChangePreview {
        title: "氏名の変更(改姓)".to_owned(),
        rows: vec![
            ("氏名".to_owned(), display_spelling(&m.name).0, new.name.clone()),
            ("フリガナ".to_owned(), m.name_kana.clone(), new.name_kana.clone()),
        ],
        notes: vec![
            format!(
                "当組合で確認のうえ登録します。反映の目安は{}ごろです(土日祝・年末年始を除く{}営業日)。",
                jst::format_date(expected),
                crate::domain::procedure::NAME_CHANGE_BUSINESS_DAYS
            ),
            "反映までは、マイページと組合員証には現在の氏名を表示します。状況は「手続き照会」でご確認いただけます。"
                .to_owned(),
        ],
    })
}

/// Files a name change for the member of the session; goes to its receipt.
pub async fn file_name_change(new: NewName) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let me = current_member().await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    // Held first, like staff recording a paper 改姓届 (which refuses while
    // an online one is open): one of the two sees the other.
    super::hold(&txn, me.member_id).await?;
    let (actor, _, m) = record_of(&txn, me.account_id).await?;
    name_preview(&txn, &m, &new, now).await?;
    let checked = apply::Checked {
        kind: Kind::NameChange,
        contract_id: None,
        course_id: None,
        rider_id: None,
        documents: None,
        summary: format!("新しい氏名:{}({})", new.name, new.name_kana),
        new_name: Some((new.name, new.name_kana)),
        certificate_year: None,
        rows: Vec::new(),
    };
    let saved = apply::file(&txn, &state.config, &m, checked, actor, &client.ip, now).await?;
    txn.commit().await?;
    leptos_axum::redirect(&format!("/mypage/procedures/{}?filed=1", saved.id));
    Ok(())
}

/// The name change of `member_id` waiting for staff, as the member sees it.
pub async fn pending_name(
    db: &impl ConnectionTrait,
    member_id: i32,
) -> Result<Option<PendingName>, AppError> {
    let open: Option<procedure::Model> = apply::open_name_change(db, member_id).await?;
    Ok(open.map(|p| PendingName {
        procedure_id: p.id,
        receipt: receipt_number(jst::today(p.created_at), p.id),
        name: p.new_name.clone().unwrap_or_default(),
        name_kana: p.new_name_kana.clone().unwrap_or_default(),
        expected_on: jst::format_date(read::name_change_expected_on(&p)),
    }))
}

/// 登録内容変更完了 to the registered address; it says what changed, never
/// the new value (seed 000: nothing that reveals a new address).
async fn mail_done(
    txn: &impl ConnectionTrait,
    config: &crate::ssr::Config,
    account: &member_account::Model,
    m: &member::Model,
    what: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (shown, _) = display_spelling(&m.name);
    mail::enqueue(
        txn,
        templates::registration_changed(
            config,
            &Recipient {
                email: &account.email,
                name: &shown,
            },
            what,
            &jst::format_datetime(now),
        ),
        now,
    )
    .await
}
