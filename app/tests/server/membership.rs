//! Where a member stands (M13, M14): the service stopped and re-opened, a
//! withdrawal until the refund date.

use crate::helpers::*;

fn closed(result: Result<String, AppError>) -> String {
    match result {
        Err(AppError::AccessClosed(message)) => message,
        other => panic!("expected a closed door, got {other:?}"),
    }
}

/// A member stops My Page: sessions end, the right password only hears why
/// (with the phone), a wrong one hears nothing more; staff re-open it.
async fn a_member_stops_the_service_and_staff_reopen_it(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let elsewhere = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        app.call(taro.clone(), || app::account::stop_service("wrong".into()))
            .await,
        Err(AppError::Field { ref field, .. }) if field == "current_password"
    ));
    let (stopped, response) = app
        .call_responding(taro.clone(), || {
            app::account::stop_service(demo::DEMO_PASSWORD.into())
        })
        .await;
    stopped.unwrap();
    assert_eq!(
        response.get("clear-site-data").map(|v| v.as_bytes()),
        Some(&b"\"storage\""[..]),
        "the card's offline copy goes with the login, as at logout"
    );
    for headers in [taro, elsewhere] {
        assert_eq!(
            app.call(headers, app::member::my_profile).await.map(|_| ()),
            Err(AppError::Unauthenticated { timed_out: false })
        );
    }
    let message = closed(login(&db, "kyosai.taro", demo::DEMO_PASSWORD, app.now()).await);
    assert!(
        message.contains("停止") && message.contains("0120-123-456"),
        "{message}"
    );
    assert_eq!(
        login(&db, "kyosai.taro", "wrong-password", app.now()).await,
        Err(AppError::LoginFailed),
        "only the right password learns of the stop"
    );
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(mail.subject.contains("ご利用停止のお知らせ"));
    // A stopped account cannot log in: the mail points to the phone only,
    // and says to remove the card from the home screen (seed 001).
    assert!(
        mail.body_text.contains("お客様のお手続きにより"),
        "{}",
        mail.body_text
    );
    assert!(mail
        .body_text
        .contains("ホーム画面に組合員証を追加している場合は、削除してください"));
    assert!(
        !mail.body_text.contains("ログインしてパスワードを変更"),
        "{}",
        mail.body_text
    );

    // Staff re-open it; once, not twice.
    let staff = app.staff_headers("operator").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let record = app
        .call(staff.clone(), || app::staff::staff_member(taro_id))
        .await
        .unwrap();
    assert_eq!(record.stage, app::domain::membership::Stage::Stopped);
    app.call(staff.clone(), || app::staff::staff_reopen_service(taro_id))
        .await
        .unwrap();
    assert!(matches!(
        app.call(staff, || app::staff::staff_reopen_service(taro_id))
            .await,
        Err(AppError::Conflict(_))
    ));
    // The browser was forgotten at the stop: the code again, then in.
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, app.now())
        .await
        .expect("re-opened");
    let actions: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(taro_id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(actions.contains(&"service_stopped".to_owned()));
    assert!(actions.contains(&"service_reopened".to_owned()));
}
on_both!(
    stop_and_reopen,
    a_member_stops_the_service_and_staff_reopen_it
);

/// A withdrawal: access until the refund date with a banner, then closed,
/// even for a session still open.
async fn a_withdrawn_member_has_access_until_the_refund_date(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let hanako_id = member_id_of(&db, "kyosai.hanako").await;
    // t0 is 2026/11/23: withdrawn at the end of the year, refund on 2027/1/31.
    let record = |on: &str, until: &str| {
        let (on, until, staff, app) = (on.to_owned(), until.to_owned(), staff.clone(), &app);
        async move {
            app.call(staff, || {
                app::staff::staff_record_withdrawal(hanako_id, on, until)
            })
            .await
        }
    };
    assert!(matches!(
        record("2026-12-31", "2026-12-30").await,
        Err(AppError::Field { ref field, .. }) if field == "access_until"
    ));
    assert!(matches!(
        record("not a date", "2027-01-31").await,
        Err(AppError::Field { ref field, .. }) if field == "withdrawn_on"
    ));
    record("2026-12-31", "2027-01-31").await.unwrap();
    assert!(matches!(
        record("2026-12-31", "2027-01-31").await,
        Err(AppError::Conflict(_))
    ));
    assert!(outbox_subjects_to(&db, "hanako@example.jp")
        .await
        .iter()
        .any(|s| s.contains("脱退のお手続きについて")));

    // Until the last day: in, with the banner's date.
    let hanako = app.member_headers("kyosai.hanako").await;
    let info = app
        .call(hanako.clone(), app::auth::load_session)
        .await
        .unwrap();
    assert_eq!(info.access_until.as_deref(), Some("2027/1/31"));
    // 2027/1/31 23:59 JST is still the last day; 2027/2/1 0:00 JST is not.
    let last_minute = Utc.with_ymd_and_hms(2027, 1, 31, 14, 59, 0).unwrap();
    app.advance(last_minute - app.now());
    let hanako = app.member_headers("kyosai.hanako").await;
    app.advance(Duration::minutes(1));
    assert_eq!(
        app.call(hanako, app::member::my_profile).await.map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false }),
        "a session open at midnight ends with the last day"
    );
    let message = closed(login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, app.now()).await);
    assert!(message.contains("終了しました"), "{message}");
}
on_both!(
    withdrawal,
    a_withdrawn_member_has_access_until_the_refund_date
);

/// A refund date recorded wrong is corrected: the member's My Page follows
/// the new date (also back from closed), the member is mailed, the audit
/// has before and after; a member without a withdrawal has none to
/// correct.
async fn a_withdrawal_recorded_wrong_is_corrected(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let hanako_id = member_id_of(&db, "kyosai.hanako").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let correct = |member_id: i32, on: &str, until: &str| {
        let (on, until, staff, app) = (on.to_owned(), until.to_owned(), staff.clone(), &app);
        async move {
            app.call(staff, || {
                app::staff::staff_correct_withdrawal(member_id, on, until)
            })
            .await
        }
    };
    assert!(matches!(
        correct(taro_id, "2026-12-31", "2027-07-31").await,
        Err(AppError::Conflict(_))
    ));
    // Only through a full staff session.
    let hanako = app.member_headers("kyosai.hanako").await;
    let half = app.staff_password_stage("operator").await;
    for (headers, refused) in [
        (hanako, "a member"),
        (HeaderMap::new(), "no cookie"),
        (half, "the password step only"),
    ] {
        let answer = app
            .call(headers, || {
                app::staff::staff_correct_withdrawal(
                    hanako_id,
                    "2026-12-31".into(),
                    "2027-07-31".into(),
                )
            })
            .await;
        assert!(
            matches!(
                answer,
                Err(AppError::Unauthenticated { .. } | AppError::SecondFactorRequired)
            ),
            "{refused}: {answer:?}"
        );
    }
    // Recorded with a refund date already past: closed at once.
    app.call(staff.clone(), || {
        app::staff::staff_record_withdrawal(hanako_id, "2026-11-01".into(), "2026-11-01".into())
    })
    .await
    .unwrap();
    let message = closed(login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, app.now()).await);
    assert!(message.contains("終了しました"), "{message}");
    let record = app
        .call(staff.clone(), || app::staff::staff_member(hanako_id))
        .await
        .unwrap();
    assert_eq!(
        record.withdrawal_dates,
        Some(("2026-11-01".to_owned(), "2026-11-01".to_owned()))
    );

    assert!(matches!(
        correct(hanako_id, "2026-11-01", "2026-10-31").await,
        Err(AppError::Field { ref field, .. }) if field == "access_until"
    ));
    assert!(matches!(
        correct(hanako_id, "2026-11-01", "2026-11-01").await,
        Err(AppError::Field { .. })
    ));
    // A mistyped year would give back coverage and My Page for decades.
    assert_eq!(
        correct(hanako_id, "2026-11-01", "2099-12-31").await,
        Err(AppError::field(
            "access_until",
            "返還日は、脱退日から2年以内の日付を指定してください。"
        ))
    );
    assert_eq!(
        correct(hanako_id, "2099-12-31", "2099-12-31").await,
        Err(AppError::field(
            "withdrawn_on",
            "脱退日は、1年先までの日付を指定してください。"
        ))
    );
    correct(hanako_id, "2026-12-31", "2027-07-31")
        .await
        .unwrap();
    login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, app.now())
        .await
        .expect("open again until the corrected date");
    let mail = latest_mail_to(&db, "hanako@example.jp").await;
    assert!(mail.subject.contains("ご利用期間の訂正"));
    assert!(mail
        .body_text
        .contains("2027/7/31を過ぎるとログインできなくなります"));
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("withdrawal_corrected"))
        .filter(audit_log::Column::MemberId.eq(hanako_id))
        .one(&db)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(
        (entry.before.as_deref(), entry.after.as_deref()),
        (
            Some("脱退 2026/11/1(マイページは2026/11/1まで)"),
            Some("脱退 2026/12/31(マイページは2027/7/31まで)")
        )
    );
    // Corrected to a last day already past: the mail says it has ended.
    correct(hanako_id, "2026-11-01", "2026-11-10")
        .await
        .unwrap();
    let mail = latest_mail_to(&db, "hanako@example.jp").await;
    assert!(
        mail.body_text.contains("2026/11/10で終了しています"),
        "{}",
        mail.body_text
    );
}
on_both!(
    withdrawal_corrected,
    a_withdrawal_recorded_wrong_is_corrected
);

/// A member whose My Page is closed (stopped, or past the refund date) is
/// not sent to a page they cannot open: a reply to their inquiry and a
/// change of their procedure say the co-op will tell them or to call.
async fn closed_members_are_told_to_call(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    app.call(taro.clone(), || {
        app::inquiry::start_inquiry(
            "workplace".into(),
            "勤務先が変わりました".into(),
            "4月から本社に異動しました。".into(),
        )
    })
    .await
    .unwrap();
    let thread = app
        .call(taro.clone(), app::inquiry::my_inquiries)
        .await
        .unwrap()[0]
        .id;
    app.call(taro.clone(), || {
        apply("document_request".into(), None, Some("pamphlet".into()))
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await.id;
    app.call(taro.clone(), || {
        app::member::file_name_change("改姓 太郎".into(), "カイセイ タロウ".into())
    })
    .await
    .unwrap();
    let renamed = latest_procedure(&db).await.id;

    let staff = app.staff_headers("operator").await;
    app.call(staff.clone(), || app::staff::staff_stop_service(taro_id))
        .await
        .unwrap();
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(mail.body_text.contains("当組合にて"), "{}", mail.body_text);

    let case = app
        .call(staff.clone(), || app::inquiry::staff_inquiry(thread))
        .await
        .unwrap();
    assert_eq!(case.member_closed.as_deref(), Some("利用停止中"));
    app.call(staff.clone(), || {
        app::inquiry::staff_reply_inquiry(thread, "承知しました。".into(), None)
    })
    .await
    .unwrap();
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(mail.subject.contains("お問い合わせに回答しました"));
    assert!(
        mail.body_text
            .contains("担当者からお電話または郵送でお伝えします")
            && !mail.body_text.contains("/mypage/inquiries/"),
        "{}",
        mail.body_text
    );
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "shipped".into(), None, None)
    })
    .await
    .unwrap();
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(mail.subject.contains("発送済"), "{}", mail.subject);
    assert!(
        mail.body_text
            .contains("マイページはご利用いただけない状態のため")
            && !mail.body_text.contains("「手続き照会」でご確認ください"),
        "{}",
        mail.body_text
    );
    // The recorded name is told without the screens the member cannot open.
    for to in ["under_review", "approved"] {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(renamed, to.into(), None, None)
        })
        .await
        .unwrap();
    }
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(
        mail.body_text.contains("新しい氏名を登録しました。")
            && !mail.body_text.contains("マイページと組合員証")
            && mail
                .body_text
                .contains("マイページはご利用いただけない状態のため"),
        "{}",
        mail.body_text
    );
    // Nor can a temporary password open a stopped My Page: refused, said why.
    match app
        .call(staff.clone(), || {
            app::staff::staff_issue_temporary_password(taro_id)
        })
        .await
    {
        Err(AppError::Conflict(message)) => {
            assert!(message.contains("利用を停止している"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Re-opened, the mails point to My Page again.
    app.call(staff.clone(), || app::staff::staff_reopen_service(taro_id))
        .await
        .unwrap();
    app.call(staff.clone(), || {
        app::inquiry::staff_reply_inquiry(thread, "追記です。".into(), None)
    })
    .await
    .unwrap();
    let case = app
        .call(staff.clone(), || app::inquiry::staff_inquiry(thread))
        .await
        .unwrap();
    assert_eq!(case.member_closed, None);
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(
        mail.body_text
            .contains(&format!("/mypage/inquiries/{thread}")),
        "{}",
        mail.body_text
    );
}
on_both!(closed_told_to_call, closed_members_are_told_to_call);

/// A withdrawal recorded by mistake (the wrong member, no 脱退届) is taken
/// back by an admin before the refund date: a member again, coverage as
/// before, mailed and audited; an operator may not; two admins at once take
/// it back once; past the refund date it is refused.
async fn an_admin_takes_back_a_withdrawal_recorded_by_mistake(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join;
    let db = app.db.clone();
    let wanted = fixtures::Wanted {
        contract: true,
        ..Default::default()
    };
    let m = fixtures::member(&db, &wanted, app.now()).await.unwrap();
    let today = app::domain::jst::today(app.now());
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    let record = |until: NaiveDate| {
        let (staff, app, until) = (operator.clone(), &app, iso(until));
        let on = iso(today);
        async move {
            app.call(staff, || {
                app::staff::staff_record_withdrawal(m.member_id, on, until)
            })
            .await
            .unwrap()
        }
    };
    let take_back = |headers: &HeaderMap| {
        app.call(headers.clone(), || {
            app::staff::staff_cancel_withdrawal(m.member_id)
        })
    };
    assert!(
        matches!(take_back(&admin).await, Err(AppError::Conflict(_))),
        "nothing recorded yet"
    );
    record(today + Duration::days(30)).await;
    assert!(app::member::ssr::coverage_end(&db, m.member_id)
        .await
        .unwrap()
        .is_some());

    // Operators see no button and are refused.
    let seen = app
        .call(operator.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert!(!seen.can_cancel_withdrawal);
    assert_eq!(take_back(&operator).await, Err(AppError::Forbidden));
    let seen = app
        .call(admin.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert!(seen.can_cancel_withdrawal);

    // Two admins at once: taken back once.
    let other = app.staff_headers("admin").await;
    let (a, b) = join(take_back(&admin), take_back(&other)).await;
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    let row = app::ssr::entities::member::Entity::find_by_id(m.member_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.status, row.withdrawn_on, row.access_until),
        (app::ssr::entities::member::MemberStatus::Active, None, None)
    );
    assert_eq!(
        app::member::ssr::coverage_end(&db, m.member_id)
            .await
            .unwrap(),
        None,
        "coverage as before"
    );
    let record_now = app
        .call(admin.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert_eq!(record_now.stage, app::domain::membership::Stage::Registered);
    let mail = latest_mail_to(&db, &m.email).await;
    assert!(
        mail.subject.contains("脱退の記録の取消"),
        "{}",
        mail.subject
    );
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("withdrawal_cancelled"))
        .filter(audit_log::Column::MemberId.eq(m.member_id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert!(entries[0]
        .before
        .as_deref()
        .is_some_and(|b| b.starts_with("脱退 ")));

    // Past the refund date it stays: the 出資金 went back.
    record(today).await;
    app.advance(Duration::days(2));
    let admin = app.staff_headers("admin").await;
    match take_back(&admin).await {
        Err(AppError::Conflict(message)) => {
            assert!(message.contains("返還日を過ぎた"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let seen = app
        .call(admin.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert!(!seen.can_cancel_withdrawal);
}
on_both!(
    withdrawal_taken_back,
    an_admin_takes_back_a_withdrawal_recorded_by_mistake
);
