use crate::helpers::*;

// --- credential changes, temporary password, unlock --------------------------

async fn a_password_change_needs_the_current_one_and_ends_other_sessions(app: TestApp) {
    let db = app.db.clone();
    let here = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let elsewhere = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let change = |current: &'static str| {
        let app = &app;
        let here = here.clone();
        async move {
            app.call(cookie_headers(&here), || {
                app::account::change_password(
                    current.into(),
                    NEW_PASSWORD.into(),
                    NEW_PASSWORD.into(),
                )
            })
            .await
        }
    };
    let wrong = change("not-the-password").await.unwrap_err();
    assert_eq!(
        wrong.for_field("current_password").as_deref(),
        Some("現在のパスワードが正しくありません。")
    );
    // A reset link sent before (someone reading the mailbox asked for it).
    let link = reset_link(&app, "kyosai.taro", "taro@example.jp").await;
    change(demo::DEMO_PASSWORD).await.expect("changed");
    assert!(!link_works(&app, &link).await, "the change voids the link");

    let cfg = config();
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&here), t0())
            .await
            .is_ok()
    );
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&elsewhere), t0()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert!(outbox(&db)
        .await
        .iter()
        .any(|m| m.subject.contains("パスワード変更のお知らせ")));
    assert!(audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .any(|a| a.action == "password_changed"));
}
on_both!(
    password_change,
    a_password_change_needs_the_current_one_and_ends_other_sessions
);

async fn user_ids_and_emails_stay_unique_and_emails_need_the_code(app: TestApp) {
    let db = app.db.clone();
    let taro = cookie_headers(
        &login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let taken = app
        .call(taro.clone(), || {
            app::account::change_user_id("Kyosai.Hanako".into(), demo::DEMO_PASSWORD.into())
        })
        .await
        .unwrap_err();
    assert!(taken
        .for_field("user_id")
        .unwrap()
        .contains("すでに使われています"));
    let id = app
        .call(taro.clone(), || {
            app::account::change_user_id("taro.2026".into(), demo::DEMO_PASSWORD.into())
        })
        .await
        .unwrap();
    assert_eq!(id, "taro.2026");
    let audit = audit_log::Entity::find().all(&db).await.unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "user_id_changed")
        .unwrap();
    assert_eq!(
        (entry.before.as_deref(), entry.after.as_deref()),
        (Some("kyosai.taro"), Some("taro.2026"))
    );

    // Email: another member's address is refused; the code comes to the new one.
    let e = app
        .call(taro.clone(), || {
            app::account::request_email_change(
                "hanako@example.jp".into(),
                demo::DEMO_PASSWORD.into(),
            )
        })
        .await
        .unwrap_err();
    assert!(e.for_field("email").is_some());
    app.call(taro.clone(), || {
        app::account::request_email_change("Taro.New@example.jp".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap();
    assert_eq!(
        account_of(&db, "taro.2026").await.email,
        "taro@example.jp",
        "not before the code"
    );
    // A reloaded page finds the change waiting for its code; another
    // member's page finds nothing of it.
    let pending = || app.call(taro.clone(), app::account::pending_email_change);
    let waiting = pending().await.unwrap().expect("a change waiting");
    // Sent at 10:00 JST, usable for 10 minutes.
    assert_eq!(
        (waiting.email.as_str(), waiting.until.as_str()),
        ("taro.new@example.jp", "10:10")
    );
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.subject.contains("認証コード"))
        .unwrap();
    assert_eq!(mail.to_address, "taro.new@example.jp");
    let start = mail.body_text.find("認証コード:").unwrap() + "認証コード:".len();
    let code = mail.body_text[start..start + 6].to_owned();
    let hanako = app.member_headers("kyosai.hanako").await;
    assert_eq!(
        app.call(hanako, app::account::pending_email_change).await,
        Ok(None)
    );
    // Another browser of Taro's is logged in too, and a reset link went to
    // the old address.
    let elsewhere = app.member_headers("taro.2026").await;
    let link = reset_link(&app, "taro.2026", "taro@example.jp").await;
    app.call(taro.clone(), || {
        app::account::confirm_email_change(code.clone())
    })
    .await
    .unwrap();
    assert!(
        !link_works(&app, &link).await,
        "the old mailbox's link is void"
    );
    assert_eq!(pending().await, Ok(None), "used: nothing waits");
    // Started again and dropped (another address instead): its code is dead.
    app.call(taro.clone(), || {
        app::account::request_email_change("taro.3@example.jp".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap();
    assert!(pending().await.unwrap().is_some());
    app.call(taro.clone(), app::account::cancel_email_change)
        .await
        .unwrap();
    assert_eq!(pending().await, Ok(None));
    assert_eq!(
        app.call(taro.clone(), || app::account::confirm_email_change(
            "123456".into()
        ))
        .await,
        Err(AppError::CodeSpent)
    );
    assert_eq!(
        account_of(&db, "taro.2026").await.email,
        "taro.new@example.jp"
    );
    // The second factor's address moved: every other session ended.
    assert_eq!(
        app.call(elsewhere, app::member::my_profile)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert!(app
        .call(taro.clone(), app::member::my_profile)
        .await
        .is_ok());
    let notices: Vec<String> = outbox(&db)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("メールアドレス変更のお知らせ"))
        .map(|m| m.to_address)
        .collect();
    assert_eq!(notices, ["taro@example.jp", "taro.new@example.jp"]);
}
on_both!(
    unique_credentials,
    user_ids_and_emails_stay_unique_and_emails_need_the_code
);

async fn a_temporary_password_opens_only_the_password_change(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let before = login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let link = reset_link(&app, "kyosai.hanako", "hanako@example.jp").await;
    let issued = temporary::issue(&db, &cfg, "0123-45679", (By::System, ""), t0())
        .await
        .unwrap();
    assert!(
        !link_works(&app, &link).await,
        "the 仮パスワード voids the link"
    );
    assert_eq!(issued.email, "hanako@example.jp");
    // Sessions ended; the mail holds the password; the old one is gone.
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&before), t0()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.subject.contains("仮パスワード"))
        .unwrap();
    let start = mail.body_text.find("仮パスワード:").unwrap() + "仮パスワード:".len();
    let temp = mail.body_text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0()).await,
        Err(AppError::LoginFailed)
    );

    let session = cookie_headers(&login(&db, "kyosai.hanako", &temp, t0()).await.unwrap());
    assert_eq!(
        app.call(session.clone(), app::member::my_profile).await,
        Err(AppError::PasswordChangeRequired)
    );
    assert_eq!(
        app.call(session.clone(), app::account::load_security).await,
        Err(AppError::PasswordChangeRequired)
    );
    let header = app
        .call(session.clone(), app::auth::load_session)
        .await
        .unwrap();
    assert!(header.must_change_password);
    app.call(session.clone(), || {
        app::account::change_password(temp.clone(), NEW_PASSWORD.into(), NEW_PASSWORD.into())
    })
    .await
    .expect("the one thing allowed");
    let p = app
        .call(session, app::member::my_profile)
        .await
        .expect("open again");
    assert_eq!(p.name, "共済花子");
}
on_both!(
    temporary_password,
    a_temporary_password_opens_only_the_password_change
);

async fn an_operator_unlocks_at_once(app: TestApp) {
    let db = app.db.clone();
    for _ in 0..5 {
        let _ = login(&db, "kyosai.taro", "wrong", t0()).await;
    }
    assert_eq!(
        login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0()).await,
        Err(AppError::LoginFailed)
    );
    temporary::unlock(&db, "012345678", (By::System, ""), t0())
        .await
        .unwrap();
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .expect("unlocked");
    assert!(audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .any(|a| a.action == "account_unlocked"));
    assert_eq!(
        temporary::unlock(&db, "9999-99999", (By::System, ""), t0())
            .await
            .err(),
        Some(AppError::NotFound)
    );
}
on_both!(operator_unlock, an_operator_unlocks_at_once);

/// A reset link asked for on a withdrawn member's last day sets nothing once
/// that day has passed (My Page ended), though the link itself is young.
async fn a_reset_link_sets_nothing_once_my_page_has_ended(app: TestApp) {
    use app::ssr::demo::fixtures;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let staff = app.staff_headers("operator").await;
    app.call(staff, || {
        app::staff::staff_record_withdrawal(m.member_id, "2026-11-23".into(), "2026-11-23".into())
    })
    .await
    .unwrap();
    // 23:50 on the last day: the link is sent.
    app.advance(Duration::minutes(13 * 60 + 50));
    let link = reset_link(&app, &m.user_id, &m.email).await;
    // 00:10 the next day: refused, and told why.
    app.advance(Duration::minutes(20));
    match reset::complete(
        &app.db,
        &config(),
        &link,
        NEW_PASSWORD,
        NEW_PASSWORD,
        &client(),
        app.now(),
    )
    .await
    {
        Err(AppError::AccessClosed(message)) => {
            assert!(message.contains("脱退"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(link_works(&app, &link).await, "nothing was used or written");
}
on_both!(
    reset_after_the_end,
    a_reset_link_sets_nothing_once_my_page_has_ended
);
