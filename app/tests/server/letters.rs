//! Registration letters (M12, S2): printing issues the code, the PDF carries
//! it as real text, a reprint voids the old one, the batch reaches everyone
//! waiting, and only a staff session prints.

use crate::helpers::*;
use app::registration::ssr as reg;
use app::ssr::demo::fixtures;
use app::staff::ssr::{auth::staff_from_headers, letters};
use axum::body::Body;
use sea_orm::PaginatorTrait;
use tower::ServiceExt;

const IP_LIMIT: i32 = app::domain::policy::REGISTRATION_TRIES_PER_IP_PER_HOUR;

/// The text of a PDF, as `pdftotext` reads it (poppler-utils, installed by
/// `scripts/setup.sh --test`).
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils; scripts/setup.sh --test installs it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(pdf)
        .expect("pdf to pdftotext");
    let out = child.wait_with_output().expect("pdftotext output");
    assert!(out.status.success(), "pdftotext refused the PDF");
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

async fn without_account(app: &TestApp) -> fixtures::Member {
    let wanted = fixtures::Wanted {
        without_account: true,
        ..Default::default()
    };
    fixtures::member(&app.db, &wanted, app.now()).await.unwrap()
}

/// Someone an import brought without a recorded 出資金 payment.
async fn unpaid_without_account(app: &TestApp) -> fixtures::Member {
    let wanted = fixtures::Wanted {
        without_account: true,
        unpaid: true,
        ..Default::default()
    };
    fixtures::member(&app.db, &wanted, app.now()).await.unwrap()
}

async fn print(
    app: &TestApp,
    staff: &http::HeaderMap,
    member: Option<i32>,
) -> Result<(Vec<reg::letter::Letter>, Vec<u8>), AppError> {
    let me = staff_from_headers(&app.db, &config(), staff, app.now())
        .await
        .unwrap();
    letters::print(&app.state(), &me, &client(), member, app.now()).await
}

/// One letter: the code on paper works, a reprint voids it, and a member
/// with an account gets none.
async fn a_letter_carries_a_working_code(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = without_account(&app).await;
    let (issued, pdf) = print(&app, &staff, Some(m.member_id)).await.unwrap();
    let [letter] = issued.as_slice() else {
        panic!("one letter")
    };
    let text = pdf_text(&pdf);
    for expected in [
        "マイページ登録のご案内",
        &format!("{} 様", m.name),
        &m.member_number,
        &letter.code,
        "http://127.0.0.1:3000/register",
        "2027年2月21日まで",
        "〒330-0064",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        pdf.windows(9).any(|w| w == b"/FontFile"),
        "the font is embedded"
    );

    // A reprint voids the first code; the second one registers.
    let (again, _) = print(&app, &staff, Some(m.member_id)).await.unwrap();
    let begin = |code: String| {
        let db = app.db.clone();
        let (number, birth) = (m.member_number.clone(), m.birth_date.clone());
        let now = app.now();
        async move { reg::begin(&db, &number, &code, &birth, &client(), IP_LIMIT, now).await }
    };
    assert_eq!(
        begin(letter.code.clone()).await,
        Err(AppError::RegistrationFailed)
    );
    begin(again[0].code.clone()).await.unwrap();

    let taro = member_id_of(&app.db, "kyosai.taro").await;
    assert!(matches!(
        print(&app, &staff, Some(taro)).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        print(&app, &staff, Some(999_999)).await,
        Err(AppError::NotFound)
    ));
}
on_both!(letter_single, a_letter_carries_a_working_code);

/// The batch: everyone without an account and without a usable code whose
/// 出資金 payment is recorded, one page each, then nobody is waiting; one
/// without the payment is counted apart and gets no letter, in the batch
/// or alone (seed 001: the guide follows the payment).
async fn the_batch_reaches_everyone_waiting(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let a = without_account(&app).await;
    let b = without_account(&app).await;
    // Without a recorded 出資金 payment: counted apart, never sent a letter.
    let unpaid = unpaid_without_account(&app).await;
    let counted = letters::waiting_count(&app.db, app.now()).await.unwrap();
    let waiting = counted.ready;
    assert!(waiting >= 2);
    assert_eq!(counted.unpaid, 1);
    let (issued, pdf) = print(&app, &staff, None).await.unwrap();
    assert_eq!(issued.len() as u64, waiting);
    let text = pdf_text(&pdf);
    assert_eq!(
        text.matches('\u{c}').count(),
        issued.len(),
        "one page per letter"
    );
    for m in [&a, &b] {
        assert!(issued.iter().any(|l| l.to.member_number == m.member_number));
        assert!(text.contains(&m.member_number));
    }
    assert!(!text.contains(&unpaid.member_number));
    assert_eq!(
        letters::waiting_count(&app.db, app.now()).await.unwrap(),
        app::staff::LettersWaiting {
            ready: 0,
            unpaid: 1
        }
    );
    match print(&app, &staff, Some(unpaid.member_id)).await {
        Err(AppError::Conflict(message)) => assert!(message.contains("出資金"), "{message}"),
        other => panic!("{:?}", other.map(|(l, _)| l)),
    }
    // Their record offers no letter button, and says why.
    for (m, paid) in [(&unpaid, false), (&a, true)] {
        let record = app
            .call(staff.clone(), || app::staff::staff_member(m.member_id))
            .await
            .unwrap();
        assert_eq!(record.capital_paid, paid);
    }
    assert!(matches!(
        print(&app, &staff, None).await,
        Err(AppError::Conflict(_))
    ));
    // When the codes expire unused, the members wait again.
    app.advance(chrono::Duration::days(
        app::domain::policy::REGISTRATION_CODE_DAYS + 1,
    ));
    assert_eq!(
        letters::waiting_count(&app.db, app.now())
            .await
            .unwrap()
            .ready,
        waiting
    );
}
on_both!(letter_batch, the_batch_reaches_everyone_waiting);

/// Staff printing the same member's letter at the same moment: one code
/// stays usable (a partial unique index), the other print is refused.
async fn parallel_prints_leave_one_code(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = without_account(&app).await;
    let id = m.member_id;
    let runs = (0..6).map(|_| {
        let (app, staff) = (&app, staff.clone());
        async move { print(app, &staff, Some(id)).await }
    });
    let results = futures::future::join_all(runs).await;
    assert!(results.iter().any(Result::is_ok));
    for r in &results {
        assert!(
            matches!(r, Ok(_) | Err(AppError::Conflict(_))),
            "{:?}",
            r.as_ref().err()
        );
    }
    let live = app::ssr::entities::registration_code::Entity::find()
        .filter(app::ssr::entities::registration_code::Column::MemberId.eq(m.member_id))
        .filter(app::ssr::entities::registration_code::Column::UsedAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(live, 1);
}
on_both!(letter_parallel, parallel_prints_leave_one_code);

/// The routes: a PDF for a staff session, the login page for anyone else,
/// and nothing for another site.
async fn only_staff_print(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let member = app.member_headers("kyosai.taro").await;
    let m = without_account(&app).await;
    let router = app::ssr::routes::router(app.state());
    let post = |headers: http::HeaderMap, origin: &str| {
        let mut req = http::Request::post(format!("/staff/members/{}/letter", m.member_id))
            .header("origin", origin)
            .body(Body::empty())
            .unwrap();
        req.headers_mut().extend(headers);
        router.clone().oneshot(req)
    };
    let ok = post(staff.clone(), "http://127.0.0.1:3000").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], "application/pdf");
    assert!(ok.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    for headers in [member, http::HeaderMap::new()] {
        let res = post(headers, "http://127.0.0.1:3000").await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/staff/login");
    }
    let res = post(staff, "https://evil.example").await.unwrap();
    assert_eq!(res.status(), 403);
}
on_both!(letter_routes, only_staff_print);

/// Two batch prints at the same moment (a double click): one prints, the
/// other is refused; no code of the first batch is voided.
async fn parallel_batches_print_once(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    without_account(&app).await;
    without_account(&app).await;
    let runs = (0..5).map(|_| {
        let (app, staff) = (&app, staff.clone());
        async move { print(app, &staff, None).await }
    });
    let results = futures::future::join_all(runs).await;
    let printed: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        printed.len(),
        1,
        "{:?}",
        results.iter().map(|r| r.as_ref().err()).collect::<Vec<_>>()
    );
    for r in &results {
        assert!(matches!(r, Ok(_) | Err(AppError::Conflict(_))));
    }
    // Every printed code still registers.
    for letter in &printed[0].0 {
        let number = letter.to.member_number.clone();
        let m = app::ssr::entities::member::Entity::find()
            .filter(app::ssr::entities::member::Column::MemberNumber.eq(number.replace('-', "")))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        reg::begin(
            &app.db,
            &number,
            &letter.code,
            &m.birth_date.to_string(),
            &client(),
            IP_LIMIT,
            app.now(),
        )
        .await
        .unwrap_or_else(|e| panic!("{number}: {e:?}"));
    }
}
on_both!(letter_parallel_batches, parallel_batches_print_once);

/// A member the core system sent without the 出資金 payment: staff record
/// it from the member page (checked beside each field, once even when two
/// record it at the same moment, audited), and the letter can go out.
async fn staff_record_the_capital_payment(app: TestApp) {
    use app::ssr::entities::member;
    let staff = app.staff_headers("operator").await;
    let unpaid = unpaid_without_account(&app).await;
    let id = unpaid.member_id;
    let record = |headers: HeaderMap, member_id: i32, on: &str, yen: &str| {
        let (on, yen) = (on.to_owned(), yen.to_owned());
        app.call(headers, move || {
            app::staff::staff_record_capital(member_id, on, yen)
        })
    };
    for (on, yen, field) in [
        ("", "1000", "capital_paid_on"),
        ("2026-11-24", "1000", "capital_paid_on"),
        ("2026/2/30", "1000", "capital_paid_on"),
        ("2026-11-20", "", "capital_amount"),
        ("2026-11-20", "0", "capital_amount"),
        ("2026-11-20", "千円", "capital_amount"),
    ] {
        match record(staff.clone(), id, on, yen).await {
            Err(e) => assert!(e.for_field(field).is_some(), "{on} {yen}: {e:?}"),
            Ok(()) => panic!("{on} {yen} taken"),
        }
    }
    // Nobody else: a member, no cookie, a staff session without its second
    // factor; an unknown member.
    let taro = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        record(taro, id, "2026-11-20", "1000").await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        record(HeaderMap::new(), id, "2026-11-20", "1000").await,
        Err(AppError::Unauthenticated { .. })
    ));
    let half = app.staff_password_stage("operator").await;
    assert_eq!(
        record(half, id, "2026-11-20", "1000").await,
        Err(AppError::SecondFactorRequired)
    );
    assert_eq!(
        record(staff.clone(), 999_999, "2026-11-20", "1000").await,
        Err(AppError::NotFound)
    );
    let m = member::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((m.capital_paid_on, m.capital_amount), (None, None));

    // Two staff at the same moment: recorded once, the other told.
    let runs = (0..6).map(|i| {
        record(
            staff.clone(),
            id,
            "2026/11/20",
            if i % 2 == 0 { "1,000円" } else { "2000" },
        )
    });
    let results = futures::future::join_all(runs).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(r, Err(AppError::Conflict(m)) if m.contains("すでに記録")),
            "{r:?}"
        );
    }
    let m = member::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.capital_paid_on, NaiveDate::from_ymd_opt(2026, 11, 20));
    assert!(matches!(m.capital_amount, Some(1000 | 2000)));
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(id))
        .filter(audit_log::Column::Action.eq("capital_recorded"))
        .all(&app.db)
        .await
        .unwrap();
    let [entry] = entries.as_slice() else {
        panic!("one audit entry: {entries:?}")
    };
    assert!(
        entry
            .after
            .as_deref()
            .is_some_and(|a| a.contains("2026/11/20払込")),
        "{entry:?}"
    );

    // The record says so, and the letter goes out.
    let shown = app
        .call(staff.clone(), || app::staff::staff_member(id))
        .await
        .unwrap();
    assert!(shown.capital_paid);
    assert!(
        ["1,000円(2026/11/20 払込)", "2,000円(2026/11/20 払込)"].contains(&shown.capital.as_str()),
        "{}",
        shown.capital
    );
    let (issued, _) = print(&app, &staff, Some(id)).await.unwrap();
    assert_eq!(issued.len(), 1);

    // A withdrawn member's payment is not recorded.
    let gone = unpaid_without_account(&app).await;
    member::Entity::update_many()
        .col_expr(
            member::Column::Status,
            sea_orm::sea_query::Expr::value("withdrawn"),
        )
        .filter(member::Column::Id.eq(gone.member_id))
        .exec(&app.db)
        .await
        .unwrap();
    assert!(matches!(
        record(staff.clone(), gone.member_id, "2026-11-20", "1000").await,
        Err(AppError::Conflict(_))
    ));
}
on_both!(letter_capital_recorded, staff_record_the_capital_payment);
