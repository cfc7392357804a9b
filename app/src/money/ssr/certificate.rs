//! 掛金払込証明書 (M8): the paper reissue filed as a procedure, the
//! electronic certificate as a PDF with a verification code, and the staff
//! check of that code. The year rules are [`crate::domain::certificate`]'s.

use std::collections::{BTreeMap, HashMap};

use axum::{
    extract::State,
    http::{request::Parts, StatusCode},
    response::Response,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::super::{CertificateCheck, CertificateLine, CertificateOptions, IssuedCertificate};
use super::statements::with_status;
use crate::auth::ssr::{
    account_and_member, current_member, display_member_number, member_for_download,
};
use crate::contract::ssr::coverages_of;
use crate::domain::certificate::{
    amounts, electronic, months_to_project, paper_year, paper_year_for, CodeError, Deduction,
    Electronic, Month, VerificationCode, CODE_RANDOM_CHARS,
};
use crate::domain::jis::display_spelling;
use crate::domain::procedure::{Kind, Status};
use crate::domain::statement::{BillingMonth, LineKind};
use crate::domain::{jst, money, policy};
use crate::error::AppError;
use crate::procedure::ssr::apply;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{certificate, member, procedure, statement_line};
use crate::ssr::identity::token::token_hash;
use crate::ssr::pdf;
use crate::ssr::request::{ClientInfo, Request};
use crate::ssr::security::plain_text;
use crate::ssr::{AppState, Config};

/// [`super::super::load_certificate_options`].
pub async fn options() -> Result<CertificateOptions, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    let today = jst::today(now);
    let waiting = procedure::Entity::find()
        .filter(procedure::Column::MemberId.eq(me.member_id))
        .filter(procedure::Column::Kind.eq(Kind::CertificateReissue))
        .filter(procedure::Column::Status.is_in([Status::Received, Status::UnderReview]))
        .all(&state.db)
        .await?;
    let (electronic_year, electronic_until, electronic_opens) = match electronic(today) {
        Electronic::Open { year, until } => (Some(year), Some(jst::format_date(until)), None),
        Electronic::Closed { year, opens_on } => {
            (None, None, Some((jst::format_date(opens_on), year)))
        }
    };
    Ok(CertificateOptions {
        paper_years: paper_year(today).years(),
        electronic_year,
        electronic_until,
        electronic_opens,
        paper_waiting: waiting.iter().filter_map(|p| p.certificate_year).collect(),
        coop_phone: state.config.coop_phone.clone(),
    })
}

/// [`super::super::request_paper_certificate`]: files the reissue for the
/// year the rule allows (in June the one the member chose).
pub async fn request_paper(year: Option<i32>) -> Result<i32, AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let me = current_member().await?;
    let year = paper_year_for(jst::today(now), year).map_err(|e| AppError::field("year", e.0))?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let (_, m) = account_and_member(&txn, me.account_id).await?;
    let checked = apply::Checked::certificate_reissue(year);
    let by = Actor::Member {
        account_id: me.account_id,
    };
    let saved = apply::file(&txn, &state.config, &m, checked, by, &client.ip, now).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Per contract, what the certificate of `year` states on `today`: premiums
/// of paid statements are 証明額; billed ones and the months not billed yet
/// (the premium in force on their 1st) complete 申告予定額.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<CertificateLine>, AppError> {
    let statements = with_status(db, member_id, today).await?;
    let last_billed = statements
        .iter()
        .filter_map(|(s, _)| BillingMonth::parse(&s.billing_month).ok())
        .max();
    let paid: HashMap<i32, bool> = statements
        .iter()
        .filter(|(s, _)| s.billing_month.starts_with(&format!("{year}-")))
        .map(|(s, status)| (s.id, status.is_paid()))
        .collect();
    let lines = statement_line::Entity::find()
        .filter(statement_line::Column::StatementId.is_in(paid.keys().copied()))
        .filter(statement_line::Column::Kind.eq(LineKind::Premium.code()))
        .all(db)
        .await?;
    let mut months: BTreeMap<String, Vec<Month>> = BTreeMap::new();
    for l in lines {
        let Some(number) = l.contract_number else {
            continue;
        };
        let month = if paid.get(&l.statement_id).copied().unwrap_or(false) {
            Month::Paid(l.amount)
        } else {
            Month::Billed(l.amount)
        };
        months.entry(number).or_default().push(month);
    }
    let contracts = coverages_of(db, member_id).await?;
    // The months still to bill: expected at the premium in force then.
    for month in months_to_project(year, last_billed, today) {
        for c in &contracts {
            let premium = c.premium_on(month.first_day());
            if premium > 0 {
                months
                    .entry(c.contract.contract_number.clone())
                    .or_default()
                    .push(Month::Expected(premium));
            }
        }
    }
    let day = today.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    let mut out = Vec::new();
    for (number, months) in months {
        let sum = amounts(months);
        if sum.expected == 0 {
            continue;
        }
        let contract = contracts
            .iter()
            .find(|c| c.contract.contract_number == number);
        let course = contract.and_then(|c| {
            c.course_on(day)
                .or_else(|| c.courses.last().map(|(course, _)| course))
        });
        out.push(CertificateLine {
            contract_number: number,
            course: course.map(|c| c.name.clone()).unwrap_or_default(),
            deduction: course
                .and_then(|c| Deduction::from_code(&c.deduction))
                .unwrap_or(Deduction::GeneralLife)
                .label()
                .to_owned(),
            certified: sum.certified,
            expected: sum.expected,
        });
    }
    Ok(out)
}

/// The certificate as printed.
pub struct Printed<'a> {
    pub config: &'a Config,
    pub name: String,
    pub member_number: String,
    pub year: i32,
    pub issued_on: NaiveDate,
    pub lines: &'a [CertificateLine],
    pub code: &'a VerificationCode,
    /// Printed by staff to be mailed (a paper reissue): the address goes
    /// where the window envelope shows it, the text says so.
    pub mailed_to: Option<pdf::Addressee>,
}

pub fn pdf_of(p: &Printed<'_>) -> Result<Vec<u8>, pdf::PdfError> {
    let font = pdf::font(&p.config.pdf_font)?;
    let title = format!("掛金払込証明書({}年分)", p.year);
    // A mailed one starts below the envelope window.
    let top = if p.mailed_to.is_some() { 46.0 } else { 0.0 };
    // The notes and the code box take about 80 mm below the table: with many
    // contracts they go on a second page rather than off the first.
    let deductions = p
        .lines
        .iter()
        .map(|l| l.deduction.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let table_end = top + 120.0 + 7.0 * (p.lines.len().max(1) + deductions) as f32;
    let pages = if table_end + 80.0 > pdf::A4_HEIGHT_MM - 12.0 {
        2
    } else {
        1
    };
    pdf::a4(&font, &title, pages, |index, page| {
        if index == 1 {
            page.text(20.0, 24.0, 10.0, &format!("{title}(つづき)"));
            page.text(20.0, 31.0, 10.0, &format!("{} 様", p.name));
            notes_and_code(page, p, 42.0);
            return;
        }
        if let Some(to) = &p.mailed_to {
            page.window_address(to);
        }
        page.text_centred(top + 30.0, 18.0, &title);
        page.text_right(
            190.0,
            top + 42.0,
            10.0,
            &format!("発行日 {}", jst::format_date(p.issued_on)),
        );
        page.text_right(190.0, top + 50.0, 11.0, &p.config.coop_name);
        page.text_right(190.0, top + 56.0, 9.0, &p.config.coop_address);
        page.text_right(
            190.0,
            top + 62.0,
            9.0,
            &format!("電話 {}", p.config.coop_phone),
        );
        page.text(20.0, top + 74.0, 14.0, &format!("{} 様", p.name));
        page.text(
            20.0,
            top + 81.0,
            10.0,
            &format!("組合員番号 {}", p.member_number),
        );
        let through = if p.issued_on.year() > p.year {
            format!("{}年12月31日", p.year)
        } else {
            jst::format_date(p.issued_on)
        };
        let mut y = page.paragraph(
            20.0,
            top + 94.0,
            170.0,
            10.0,
            6.0,
            &format!(
                "{}年1月1日から{through}までに払い込まれた共済掛金を、下記のとおり証明します。",
                p.year
            ),
        );
        y += 6.0;
        let cols = [20.0, 52.0, 96.0, 152.0, 190.0];
        page.text(cols[0], y, 9.0, "契約番号");
        page.text(cols[1], y, 9.0, "コース");
        page.text(cols[2], y, 9.0, "控除の種類");
        page.text_right(cols[3], y, 9.0, "証明額");
        page.text_right(cols[4], y, 9.0, "申告予定額(年間)");
        page.rule(20.0, y + 2.0, 170.0, 0.3);
        y += 8.0;
        let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for l in p.lines {
            page.text(cols[0], y, 9.0, &l.contract_number);
            page.text(cols[1], y, 9.0, &l.course);
            page.text(cols[2], y, 9.0, &l.deduction);
            page.text_right(cols[3], y, 10.0, &money::yen(l.certified));
            page.text_right(cols[4], y, 10.0, &money::yen(l.expected));
            let t = totals.entry(l.deduction.as_str()).or_default();
            t.0 += l.certified;
            t.1 += l.expected;
            y += 7.0;
        }
        if p.lines.is_empty() {
            page.text(
                cols[0],
                y,
                10.0,
                "この年に払い込まれた共済掛金はありません。",
            );
            y += 7.0;
        }
        page.rule(20.0, y - 4.0, 170.0, 0.3);
        for (deduction, (certified, expected)) in &totals {
            page.text(cols[1], y, 9.0, &format!("{deduction} 合計"));
            page.text_right(cols[3], y, 10.0, &money::yen(*certified));
            page.text_right(cols[4], y, 10.0, &money::yen(*expected));
            y += 7.0;
        }
        if pages == 1 {
            notes_and_code(page, p, y + 4.0);
        }
    })
}

/// The notes and the verification code box, from `y` down.
fn notes_and_code(page: &mut pdf::Canvas<'_, '_>, p: &Printed<'_>, mut y: f32) {
    for note in [
        "証明額は、発行日までに払い込まれた共済掛金の額です。申告予定額は、12月までに払い込まれる予定の掛金を含む年間の見込額です。",
        "年末調整では申告予定額を、確定申告では年間の払込額(翌年1月以降に発行する証明書の証明額)をご記入ください。",
        if p.mailed_to.is_some() {
            "この証明書は、お申し出により当組合が書面で発行したものです。内容は下の検証コードで当組合が確認できます。"
        } else {
            "この証明書は、マイページから電子発行したものです。内容は下の検証コードで当組合が確認できます。"
        },
    ] {
        y = page.paragraph(20.0, y, 170.0, 9.0, 5.5, note) + 2.0;
    }
    y += 6.0;
    page.frame(20.0, y, 170.0, 22.0, 0.4);
    page.text(26.0, y + 8.0, 10.0, "検証コード");
    page.text(26.0, y + 17.0, 16.0, &p.code.grouped());
    page.paragraph(
        110.0,
        y + 7.0,
        76.0,
        8.0,
        4.5,
        "勤務先などで確認が必要な場合は、このコードを添えて当組合へお問い合わせください。",
    );
}

/// `POST /mypage/certificate/pdf`: issues this period's electronic
/// certificate (recorded for verification) and answers the PDF.
pub async fn issue_pdf(State(state): State<AppState>, parts: Parts) -> Response {
    let headers = &parts.headers;
    let now = state.clock.now();
    let page = "/mypage/certificate";
    let me = match member_for_download(&state.db, &state.config, headers, now, page).await {
        Ok(me) => me,
        Err(elsewhere) => return elsewhere,
    };
    let today = jst::today(now);
    let Electronic::Open { year, .. } = electronic(today) else {
        return plain_text(
            StatusCode::CONFLICT,
            "電子発行の受付期間外です(10月1日から翌年3月31日まで)。マイページの掛金払込証明書の画面でご確認ください。",
        );
    };
    let client = ClientInfo::from_parts(&parts, &state.config.trusted_proxies);
    let by = Actor::Member {
        account_id: me.account_id,
    };
    match issue(
        &state,
        (me.member_id, Issue::Electronic),
        by,
        (year, today, now),
        &client.ip,
    )
    .await
    {
        Ok((bytes, _)) => pdf::response(bytes, &format!("kakekin-haraikomi-shomeisho-{year}.pdf")),
        Err(e) => plain_text(e.status(), &e.to_string()),
    }
}

/// How a certificate is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// By the member on My Page, within the daily allowance.
    Electronic,
    /// Printed by staff for a paper reissue, to be mailed.
    Mailed,
}

/// `POST /staff/procedures/{id}/certificate`: the paper certificate a
/// reissue procedure asked for (seed 000), printed by staff to be mailed:
/// the procedure's year, the address in the envelope window, recorded for
/// verification like an electronic one. A staff session only; refused for a
/// procedure of another kind, or cancelled or declined.
pub async fn staff_print_pdf(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i32>,
    parts: Parts,
) -> Response {
    use crate::ssr::entities::staff_session::SessionStage;
    use axum::response::IntoResponse;
    let now = state.clock.now();
    let me = match crate::staff::ssr::auth::staff_from_headers(
        &state.db,
        &state.config,
        &parts.headers,
        now,
    )
    .await
    {
        Ok(me) if me.stage == SessionStage::Full => me,
        Ok(_) | Err(AppError::Unauthenticated { .. }) => {
            return axum::response::Redirect::to("/staff/login").into_response()
        }
        Err(e) => return plain_text(e.status(), &e.to_string()),
    };
    let p = match crate::procedure::ssr::read::find(&state.db, id, None).await {
        Ok(p) => p,
        Err(e) => return plain_text(e.status(), &e.to_string()),
    };
    let year = match (p.kind, p.status, p.certificate_year) {
        (Kind::CertificateReissue, status, Some(year))
            if !matches!(status, Status::Cancelled | Status::Declined) =>
        {
            year
        }
        _ => {
            return plain_text(
                StatusCode::CONFLICT,
                "このお手続きでは証明書を印刷できません(掛金払込証明書の再発行で、取り消し・不承諾でないもののみ)。",
            )
        }
    };
    let client = ClientInfo::from_parts(&parts, &state.config.trusted_proxies);
    let by = Actor::Staff {
        staff_id: me.staff_id,
    };
    let when = (year, jst::today(now), now);
    match issue(&state, (p.member_id, Issue::Mailed), by, when, &client.ip).await {
        Ok((bytes, _)) => pdf::response(
            bytes,
            &format!("kakekin-haraikomi-shomeisho-{year}-{}.pdf", p.id),
        ),
        Err(e) => plain_text(e.status(), &e.to_string()),
    }
}

/// Issues `member_id`'s certificate of `year`: checks the daily allowance
/// (of the member's electronic ones), makes the code and the PDF, and keeps
/// what it said (with the code hashed).
pub async fn issue(
    state: &AppState,
    (member_id, how): (i32, Issue),
    by: Actor,
    (year, today, now): (i32, NaiveDate, DateTime<Utc>),
    ip: &str,
) -> Result<(Vec<u8>, VerificationCode), AppError> {
    if how == Issue::Electronic {
        let allowed = crate::ssr::rate_limit::allow_today(
            &state.db,
            &format!("certificate:{member_id}"),
            policy::CERTIFICATES_PER_DAY,
            now,
        )
        .await?;
        if !allowed {
            return Err(AppError::Limit(
                "本日の電子発行の回数が上限に達しました。発行済みの証明書をお使いいただくか、明日以降にお試しください。".into(),
            ));
        }
    }
    let m = member::Entity::find_by_id(member_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mailed_to = (how == Issue::Mailed).then(|| pdf::Addressee::of(&m));
    let lines = lines_of(&state.db, member_id, year, today).await?;
    let random: [u8; CODE_RANDOM_CHARS] = rand::random();
    let code = VerificationCode::from_random(random);
    let config = state.config.clone();
    let (name, number) = (
        display_spelling(&m.name).0,
        display_member_number(&m.member_number),
    );
    let (for_pdf, code_for_pdf) = (lines.clone(), code.clone());
    let bytes = tokio::task::spawn_blocking(move || {
        pdf_of(&Printed {
            config: &config,
            name,
            member_number: number,
            year,
            issued_on: today,
            lines: &for_pdf,
            code: &code_for_pdf,
            mailed_to,
        })
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let certified = lines.iter().map(|l| l.certified).sum();
    let expected = lines.iter().map(|l| l.expected).sum();
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    certificate::ActiveModel {
        member_id: Set(member_id),
        year: Set(year),
        code_hash: Set(token_hash(code.as_str())),
        contents: Set(serde_json::to_string(&lines).map_err(|_| AppError::Internal)?),
        certified: Set(certified),
        expected: Set(expected),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: by,
            member_id: Some(member_id),
            action: "certificate_issued",
            before: None,
            after: Some(format!(
                "{year}年分{} 証明額 {} / 申告予定額 {}",
                if how == Issue::Mailed { "(書面)" } else { "" },
                money::yen(certified),
                money::yen(expected)
            )),
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((bytes, code))
}

/// [`super::super::staff_check_certificate`].
pub async fn check(code: &str) -> Result<CertificateCheck, AppError> {
    let me = crate::staff::ssr::auth::current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let code: String = code.chars().take(64).collect();
    let code = match VerificationCode::parse(&code) {
        Ok(c) => c,
        Err(CodeError::Shape) => return Ok(CertificateCheck::Malformed),
        Err(CodeError::Check) => return Ok(CertificateCheck::Mistyped),
    };
    let found = certificate::Entity::find()
        .filter(certificate::Column::CodeHash.eq(token_hash(code.as_str())))
        .one(&state.db)
        .await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let answer = match found {
        None => CertificateCheck::Unknown,
        Some(c) => {
            let m = member::Entity::find_by_id(c.member_id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            CertificateCheck::Genuine(IssuedCertificate {
                member_id: m.id,
                member_name: display_spelling(&m.name).0,
                member_number: display_member_number(&m.member_number),
                year: c.year,
                issued_at: jst::format_datetime(c.issued_at),
                lines: serde_json::from_str(&c.contents).map_err(|_| AppError::Internal)?,
                certified: money::yen(c.certified),
                expected: money::yen(c.expected),
            })
        }
    };
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: match &answer {
                CertificateCheck::Genuine(c) => Some(c.member_id),
                _ => None,
            },
            action: "certificate_verified",
            before: None,
            after: Some(match &answer {
                CertificateCheck::Genuine(c) => format!("本物({}年分)", c.year),
                _ => "該当なし".to_owned(),
            }),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(answer)
}
