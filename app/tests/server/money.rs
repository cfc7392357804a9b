//! Money as members and staff see it (M8, M9, P2): statements list and
//! detail with isolation and the CSV, the paper reissue year rule and one
//! filing per year, the electronic certificate's amounts, its PDF and the
//! staff check of its code (genuine, mistyped, unknown), 出資金・割戻金.

use crate::helpers::*;
use crate::letters::pdf_text;
use app::error::AppError;
use app::money::ssr::certificate::Issue;
use app::money::ssr::import::{self, Kind};
use app::money::{
    load_certificate_options, my_capital, my_statement, my_statements, request_paper_certificate,
    staff_check_certificate, CertificateCheck,
};
use app::ssr::csv_import::{Mode, Options};
use axum::body::Body;
use tower::ServiceExt;

async fn only_taro_in_may_2024(app: &TestApp) {
    let options = Options {
        mode: Mode::Commit,
        actor: app::ssr::audit::Actor::System,
        ip: "",
        file_name: "x.csv",
        import_id: None,
    };
    let csv =
        "組合員番号,請求月,区分,契約番号,内容,利用日,金額\n0123-45678,2024-05,購買,,お米,,2400\n";
    import::run(
        &app.db,
        csv.as_bytes(),
        Kind::Statements,
        &options,
        app.now(),
        |_| {},
    )
    .await
    .unwrap();
}

/// The list is newest first from the first month with data, with the
/// payment status; the detail groups lines; another member's month is not
/// found, by server function and by the CSV route.
async fn statements_list_detail_isolation(app: TestApp) {
    let taro = app.member_headers("kyosai.taro").await;
    let list = app.call(taro.clone(), my_statements).await.unwrap();
    let months: Vec<&str> = list.statements.iter().map(|s| s.month.as_str()).collect();
    assert_eq!(months.first(), Some(&"2026-11"), "newest first");
    assert_eq!(months.last(), Some(&"2025-01"));
    assert_eq!(list.first_month.as_deref(), Some("2025年1月"));
    // November's bill is collected on the 27th: not owed yet, let alone late.
    let nov = &list.statements[0];
    assert_eq!(
        (nov.status_label.as_str(), nov.paid, nov.overdue),
        ("お支払い前", false, false)
    );
    assert_eq!(nov.billed_on, "2026/11/27");
    let oct = &list.statements[1];
    assert_eq!(oct.status_label, "入金済");
    assert_eq!(oct.paid_on.as_deref(), Some("2026/10/27"));
    assert_eq!(oct.total, "2,200円");

    let sep = app
        .call(taro.clone(), || my_statement("2026-09".into()))
        .await
        .unwrap();
    let kinds: Vec<&str> = sep.groups.iter().map(|g| g.kind.as_str()).collect();
    assert_eq!(kinds, ["共済掛金", "ご購入品"]);
    assert_eq!(sep.summary.closing_on, "2026/8/20");
    assert_eq!(sep.payments.len(), 1);
    assert_eq!(sep.payments[0].method, "口座振替");

    only_taro_in_may_2024(&app).await;
    let hanako = app.member_headers("kyosai.hanako").await;
    let mine = app
        .call(taro.clone(), || my_statement("2024-05".into()))
        .await;
    assert!(mine.is_ok());
    let theirs = app
        .call(hanako.clone(), || my_statement("2024-05".into()))
        .await;
    assert_eq!(theirs, Err(AppError::NotFound), "another member's month");
    let nonsense = app
        .call(hanako.clone(), || my_statement("../1".into()))
        .await;
    assert_eq!(nonsense, Err(AppError::NotFound));
    let anonymous = app.call(HeaderMap::new(), my_statements).await;
    assert!(matches!(anonymous, Err(AppError::Unauthenticated { .. })));

    let get = |headers: HeaderMap, uri: &str| {
        let mut request = http::Request::builder()
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        *request.headers_mut() = headers;
        app::ssr::routes::router(app.state()).oneshot(request)
    };
    let res = get(taro.clone(), "/mypage/statements/2024-05/csv")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert!(text.contains("2024年5月,2024/4/20,"), "{text}");
    assert!(text.contains(",ご購入品,,お米,,2400"), "{text}");
    assert!(text.contains(",合計,,,,2400"), "{text}");
    let res = get(hanako, "/mypage/statements/2024-05/csv").await.unwrap();
    assert_eq!(res.status(), 404);
    // Without a session: the login page, back to the statement after it.
    let res = get(HeaderMap::new(), "/mypage/statements/2024-05/csv")
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/?next=%2Fmypage%2Fstatements%2F2024-05"
    );
    let res = get(HeaderMap::new(), "/mypage/statements/..%2Fx/csv")
        .await
        .unwrap();
    assert_eq!(
        res.headers()[header::LOCATION],
        "/?next=%2Fmypage%2Fstatements"
    );

    // After the debit (11/27) the bank's result takes some days: 入金確認中
    // through 12/4, 未入金 from 12/5 (JST days: 00:30 on 12/5 is the 5th),
    // in the list and on the detail.
    let at = |m: u32, d: u32, h: u32, min: u32| {
        app::domain::jst::offset()
            .with_ymd_and_hms(2026, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    for (when, label, overdue) in [
        (at(11, 27, 23, 30), "お支払い前", false),
        (at(11, 28, 0, 30), "入金確認中", false),
        (at(12, 4, 23, 30), "入金確認中", false),
        (at(12, 5, 0, 30), "未入金", true),
    ] {
        app.advance(when - app.now());
        let taro = app.member_headers("kyosai.taro").await;
        let nov = app
            .call(taro.clone(), || my_statement("2026-11".into()))
            .await
            .unwrap()
            .summary;
        assert_eq!(
            (nov.status_label.as_str(), nov.paid, nov.overdue),
            (label, false, overdue),
            "{when}"
        );
        let list = app.call(taro, my_statements).await.unwrap();
        let listed = list
            .statements
            .iter()
            .find(|s| s.month == "2026-11")
            .unwrap();
        assert_eq!(listed, &nov);
    }
}
on_both!(money_statements_read, statements_list_detail_isolation);

/// In November the paper reissue is this year's and the electronic one
/// open; a second filing of the year is refused, also in parallel; another
/// year is refused with the seed's words. In June the member chooses.
async fn paper_reissue_years(app: TestApp) {
    let hanako = app.member_headers("kyosai.hanako").await;
    let o = app
        .call(hanako.clone(), load_certificate_options)
        .await
        .unwrap();
    assert_eq!(o.paper_years, [2026]);
    assert_eq!(o.electronic_year, Some(2026));
    assert_eq!(o.electronic_until.as_deref(), Some("2027/3/31"));
    let other = app
        .call(hanako.clone(), || request_paper_certificate(Some(2024)))
        .await;
    assert!(
        matches!(other, Err(AppError::Field { ref field, .. }) if field == "year"),
        "{other:?}"
    );

    // Eight at once: one lands, the unique index refuses the rest.
    let calls = (0..8).map(|_| {
        let h = hanako.clone();
        let app = &app;
        async move { app.call(h, || request_paper_certificate(None)).await }
    });
    let results = futures::future::join_all(calls).await;
    let filed: Vec<i32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(filed.len(), 1, "{results:?}");
    assert!(results
        .iter()
        .filter(|r| r.is_err())
        .all(|r| matches!(r, Err(AppError::Conflict(_)))));
    let p = latest_procedure(&app.db).await;
    assert_eq!((p.id, p.certificate_year), (filed[0], Some(2026)));
    assert_eq!(p.kind, app::domain::procedure::Kind::CertificateReissue);
    let o = app
        .call(hanako.clone(), load_certificate_options)
        .await
        .unwrap();
    assert_eq!(o.paper_waiting, [2026]);
    // The procedure mails: 受付 now, 発送済 with the week it takes.
    let filed_mail = latest_mail_to(&app.db, "hanako@example.jp").await;
    assert!(filed_mail.subject.ends_with("お手続き受付のお知らせ"));
    assert!(filed_mail.body_text.contains("掛金払込証明書の再発行"));
    assert!(filed_mail.body_text.contains("2026年分"));
    let staff = app.staff_headers("operator").await;
    app.call(staff, || {
        app::staff::staff_move_procedure(filed[0], "shipped".into(), None, None)
    })
    .await
    .unwrap();
    let shipped = latest_mail_to(&app.db, "hanako@example.jp").await;
    assert!(shipped.subject.ends_with("お手続き状況のお知らせ(発送済)"));
    assert!(
        shipped.body_text.contains("およそ1週間以内"),
        "{}",
        shipped.body_text
    );

    // 2027/6/10: the member chooses; April–September has no electronic issue.
    app.advance(Duration::days(199));
    let hanako = app.member_headers("kyosai.hanako").await;
    let o = app
        .call(hanako.clone(), load_certificate_options)
        .await
        .unwrap();
    assert_eq!(o.paper_years, [2026, 2027]);
    assert_eq!(o.electronic_year, None);
    assert_eq!(o.electronic_opens, Some(("2027/10/1".into(), 2027)));
    let none = app
        .call(hanako.clone(), || request_paper_certificate(None))
        .await;
    assert!(matches!(none, Err(AppError::Field { .. })));
    let chosen = app
        .call(hanako.clone(), || request_paper_certificate(Some(2027)))
        .await;
    assert!(chosen.is_ok(), "{chosen:?}");
}
on_both!(money_paper_reissue, paper_reissue_years);

/// Taro's 2026 certificate on 2026/11/23: January–October paid (証明額),
/// November billed and December expected (申告予定額) with the がん特約
/// decided to start on 12/1. The PDF has the
/// amounts and the code as text; staff see it genuine, a mistyped code is
/// told apart from one never issued, and only staff may check.
async fn electronic_certificate_and_check(app: TestApp) {
    let taro_id = app::ssr::entities::member::Entity::find()
        .filter(app::ssr::entities::member::Column::MemberNumber.eq("012345678"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let lines = app::money::ssr::certificate::lines_of(&app.db, taro_id, 2026, today)
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].contract_number, "K-2019-000101");
    assert_eq!(lines[0].deduction, "一般生命保険料控除");
    assert_eq!((lines[0].certified, lines[0].expected), (22_000, 27_400));
    // A contract with no statement at all: a past year expects nothing
    // (only months still to come are projected).
    let wanted = app::ssr::demo::fixtures::Wanted {
        contract: true,
        ..Default::default()
    };
    let fresh = app::ssr::demo::fixtures::member(&app.db, &wanted, app.now())
        .await
        .unwrap();
    let february = chrono::NaiveDate::from_ymd_opt(2027, 2, 10).unwrap();
    let none = app::money::ssr::certificate::lines_of(&app.db, fresh.member_id, 2026, february)
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    let december = app::money::ssr::certificate::lines_of(&app.db, fresh.member_id, 2026, today)
        .await
        .unwrap();
    assert_eq!(december[0].expected, 2 * 2200, "November and December");

    let (pdf, code) = app::money::ssr::certificate::issue(
        &app.state(),
        (taro_id, Issue::Electronic),
        app::ssr::audit::Actor::System,
        (2026, today, app.now()),
        "",
    )
    .await
    .unwrap();
    let text = pdf_text(&pdf);
    for wanted in [
        "掛金払込証明書(2026年分)",
        "共済太郎 様",
        "0123-45678",
        "K-2019-000101",
        "22,000円",
        "27,400円",
        &code.grouped(),
    ] {
        assert!(text.contains(wanted), "{wanted} in\n{text}");
    }

    let staff = app.staff_headers("operator").await;
    let check = |c: String| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || staff_check_certificate(c))
                .await
                .unwrap()
        }
    };
    match check(code.grouped().to_lowercase()).await {
        CertificateCheck::Genuine(c) => {
            assert_eq!((c.year, c.certified.as_str()), (2026, "22,000円"));
            assert_eq!(c.member_number, "0123-45678");
        }
        other => panic!("{other:?}"),
    }
    let mut altered: Vec<char> = code.as_str().chars().collect();
    altered[3] = if altered[3] == '7' { '8' } else { '7' };
    let altered: String = altered.into_iter().collect();
    assert_eq!(check(altered).await, CertificateCheck::Mistyped);
    let forged = app::domain::certificate::VerificationCode::from_random([9; 15]);
    assert_eq!(
        check(forged.as_str().into()).await,
        CertificateCheck::Unknown
    );
    assert_eq!(check("abc".into()).await, CertificateCheck::Malformed);

    let taro = app.member_headers("kyosai.taro").await;
    let as_member = app
        .call(taro, || staff_check_certificate(code.as_str().into()))
        .await;
    assert!(as_member.is_err(), "members cannot check codes");
}
on_both!(money_certificate, electronic_certificate_and_check);

/// A member issues at most `CERTIFICATES_PER_DAY` electronic certificates
/// in a day, counted by Japan's calendar day (the test clock starts at 10:00
/// JST; the count used to start again at 9:00 JST), and is told so with 429.
async fn certificates_are_limited_per_day_in_japan(app: TestApp) {
    let taro_id = member_id_of(&app.db, "kyosai.taro").await;
    let issue = |app: &TestApp| {
        let state = app.state();
        let now = app.now();
        async move {
            app::money::ssr::certificate::issue(
                &state,
                (taro_id, Issue::Electronic),
                app::ssr::audit::Actor::System,
                (2026, app::domain::jst::today(now), now),
                "",
            )
            .await
            .map(|_| ())
        }
    };
    for _ in 0..app::domain::policy::CERTIFICATES_PER_DAY {
        issue(&app).await.expect("within the day's allowance");
    }
    let refused = issue(&app).await.unwrap_err();
    assert!(
        matches!(&refused, AppError::Limit(m) if m.contains("本日の電子発行")),
        "{refused:?}"
    );
    assert_eq!(refused.status(), http::StatusCode::TOO_MANY_REQUESTS);
    app.advance(Duration::hours(13) + Duration::minutes(59));
    let late = issue(&app).await;
    assert!(
        matches!(late, Err(AppError::Limit(_))),
        "23:59 JST is the same day: {late:?}"
    );
    app.advance(Duration::minutes(1));
    issue(&app).await.expect("a new day in Japan");
}
on_both!(
    money_certificates_per_day,
    certificates_are_limited_per_day_in_japan
);

/// The electronic PDF route: open in November for a member, refused in May
/// with the opening date, 401 without a session.
async fn certificate_route(app: TestApp) {
    let taro = app.member_headers("kyosai.taro").await;
    let post = |headers: HeaderMap| {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/mypage/certificate/pdf")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap();
        request.headers_mut().extend(headers);
        app::ssr::routes::router(app.state()).oneshot(request)
    };
    let res = post(taro.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    // Without a session, or after it idled out (M2): the login page, saying
    // so, back to the certificate page after it.
    let res = post(HeaderMap::new()).await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/?next=%2Fmypage%2Fcertificate"
    );
    app.advance(
        Duration::from_std(app.state().config.idle_timeout).unwrap() + Duration::minutes(1),
    );
    let res = post(taro.clone()).await.unwrap();
    assert_eq!(
        res.headers()[header::LOCATION],
        "/?next=%2Fmypage%2Fcertificate&reason=timeout"
    );
    app.advance(Duration::days(170));
    let taro = app.member_headers("kyosai.taro").await;
    let res = post(taro).await.unwrap();
    assert_eq!(res.status(), 409);
}
on_both!(money_certificate_route, certificate_route);

/// 出資金: 口数 from what was paid; 割戻金 newest year first.
async fn capital_and_rebates(app: TestApp) {
    let taro = app.member_headers("kyosai.taro").await;
    let c = app.call(taro.clone(), my_capital).await.unwrap();
    assert_eq!(c.refund_on, None);
    assert!(c
        .payments
        .iter()
        .any(|p| p.what.contains("増資") && p.pending.is_none()));
    assert_eq!(c.rebates.len(), 2);
    assert_eq!(c.rebates[0].year, "2025年度");
    assert_eq!(c.rebates[0].rate, "4.25%");
    assert!(c.shares >= 1);
    // After a withdrawal, the member is told when the 出資金 comes back.
    let staff = app.staff_headers("operator").await;
    let taro_id = member_id_of(&app.db, "kyosai.taro").await;
    app.call(staff, || {
        app::staff::staff_record_withdrawal(taro_id, "2027-03-31".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    let c = app.call(taro, my_capital).await.unwrap();
    assert_eq!(c.refund_on.as_deref(), Some("2027/7/31"));
}
on_both!(money_capital, capital_and_rebates);

/// A paper reissue (seed 000) is printed by staff from the procedure, to be
/// mailed: the procedure's year, the member's address for the envelope
/// window, words saying it was issued on paper, recorded for verification
/// and audited; not counted in the member's daily electronic allowance.
/// Only staff, and only for a reissue not cancelled or declined.
async fn staff_print_the_paper_certificate(app: TestApp) {
    use app::ssr::entities::certificate;
    use sea_orm::PaginatorTrait;
    let taro = app.member_headers("kyosai.taro").await;
    let id = app
        .call(taro.clone(), || request_paper_certificate(None))
        .await
        .unwrap();
    let staff = app.staff_headers("operator").await;
    let router = app::ssr::routes::router(app.state());
    let post = |headers: HeaderMap, id: i32| {
        let mut req = http::Request::post(format!("/staff/procedures/{id}/certificate"))
            .header("origin", "http://127.0.0.1:3000")
            .body(Body::empty())
            .unwrap();
        req.headers_mut().extend(headers);
        router.clone().oneshot(req)
    };
    let before = certificate::Entity::find().count(&app.db).await.unwrap();
    let times = app::domain::policy::CERTIFICATES_PER_DAY + 1;
    let mut last = Vec::new();
    for _ in 0..times {
        let res = post(staff.clone(), id).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        last = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
    }
    let text = pdf_text(&last);
    for wanted in [
        "掛金払込証明書(2026年分)",
        "〒",
        "共済太郎 様",
        "0123-45678",
        "書面で発行",
        "検証コード",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from:\n{text}");
    }
    let after = certificate::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(after - before, times as u64);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("certificate_issued"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), times as usize);
    assert!(audited
        .iter()
        .all(|e| e.after.as_deref().is_some_and(|a| a.contains("(書面)"))));

    // Nobody but staff.
    for headers in [taro.clone(), HeaderMap::new()] {
        let res = post(headers, id).await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/staff/login");
    }
    // Not for another kind of procedure, a cancelled one, or none.
    app.call(taro.clone(), || {
        app::procedure::apply("document_request".into(), None, Some("pamphlet".into()))
    })
    .await
    .unwrap();
    let other = latest_procedure(&app.db).await.id;
    assert_eq!(post(staff.clone(), other).await.unwrap().status(), 409);
    app.call(taro, || app::procedure::cancel_procedure(id))
        .await
        .unwrap();
    assert_eq!(post(staff.clone(), id).await.unwrap().status(), 409);
    assert_eq!(post(staff, 999_999).await.unwrap().status(), 404);
}
on_both!(money_paper_print, staff_print_the_paper_certificate);

/// A member calls about a bill: their record in the back office lists the
/// latest twelve statements as the member sees them, newest first.
async fn staff_see_a_members_latest_statements(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let taro = member_id_of(&app.db, "kyosai.taro").await;
    let record = app
        .call(staff, || app::staff::staff_member(taro))
        .await
        .unwrap();
    let his = app
        .call(app.member_headers("kyosai.taro").await, my_statements)
        .await
        .unwrap();
    assert!(his.statements.len() > 12, "the demo has more than a year");
    assert_eq!(record.statements, his.statements[..12]);
}
on_both!(
    money_staff_statements,
    staff_see_a_members_latest_statements
);

/// A member with many contracts: the notes and the code box go on a second
/// page instead of off the first, mailed (below the window) or not.
#[test]
fn a_long_certificate_runs_onto_a_second_page() {
    use app::domain::certificate::{VerificationCode, CODE_RANDOM_CHARS};
    use app::money::ssr::certificate::{pdf_of, Printed};
    use app::money::CertificateLine;
    let config = config();
    let code = VerificationCode::from_random([7; CODE_RANDOM_CHARS]);
    let line = |i: usize| CertificateLine {
        contract_number: format!("K-2020-{i:06}"),
        course: "総合保障型2型".into(),
        deduction: "一般生命保険料控除".into(),
        certified: 22_000,
        expected: 24_000,
    };
    let to = app::ssr::pdf::Addressee {
        postal_code: "3300064".into(),
        address: vec!["埼玉県さいたま市浦和区岸町7-5-14".into()],
        name: "共済太郎".into(),
        member_number: "0123-45678".into(),
    };
    for (contracts, mailed, pages) in [
        (1, true, 1),
        (3, false, 1),
        (4, true, 1),
        (10, true, 2),
        (12, false, 2),
    ] {
        let lines: Vec<_> = (0..contracts).map(line).collect();
        let pdf = pdf_of(&Printed {
            config: &config,
            name: "共済太郎".into(),
            member_number: "0123-45678".into(),
            year: 2026,
            issued_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            lines: &lines,
            code: &code,
            mailed_to: mailed.then(|| to.clone()),
        })
        .unwrap();
        let text = pdf_text(&pdf);
        assert_eq!(
            text.matches('\u{c}').count(),
            pages,
            "{contracts} contracts:\n{text}"
        );
        assert!(text.contains(&code.grouped()), "the code is printed");
        assert!(text.contains(&format!("K-2020-{:06}", contracts - 1)));
    }
}
