use crate::helpers::*;

// --- login -------------------------------------------------------------------

async fn logs_in_by_user_id_or_email(app: TestApp) {
    let db = app.db.clone();
    let token = login(&db, " Kyosai.Taro ", demo::DEMO_PASSWORD, t0())
        .await
        .expect("by user ID");
    let me = auth::member_from_headers(&db, &config(), &cookie_headers(&token), t0())
        .await
        .expect("session valid");
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!(me.account_id, taro.id);
    assert_eq!(me.member_id, taro.member_id);

    let token2 = login(
        &db,
        "TARO@example.jp",
        demo::DEMO_PASSWORD,
        t0() + Duration::minutes(1),
    )
    .await
    .expect("by email");
    assert_ne!(token, token2);

    // Previous login moves along: the seed's 2018 login, then the first one here.
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!(taro.last_login_at, Some(t0() + Duration::minutes(1)));
    assert_eq!(taro.previous_login_at, Some(t0()));

    // Only the token's hash is stored.
    let stored: Vec<String> = session_entity::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.token_hash)
        .collect();
    assert!(stored.contains(&token::token_hash(&token)));
    assert!(!stored.iter().any(|h| h == &token || h.contains(&token)));
}
on_both!(login_by_id_or_email, logs_in_by_user_id_or_email);

async fn unknown_and_wrong_get_one_answer(app: TestApp) {
    let db = app.db.clone();
    let unknown = login(&db, "nobody.here", "whatever-password", t0())
        .await
        .unwrap_err();
    let unknown_mail = login(&db, "nobody@example.jp", "whatever-password", t0())
        .await
        .unwrap_err();
    let wrong = login(&db, "kyosai.taro", "wrong-password", t0())
        .await
        .unwrap_err();
    assert_eq!(unknown, AppError::LoginFailed);
    assert_eq!(unknown_mail, AppError::LoginFailed);
    assert_eq!(wrong, AppError::LoginFailed);
    assert_eq!(unknown.to_string(), wrong.to_string());

    // Empty fields are told next to the field; over-long input is simply wrong.
    assert_eq!(
        login(&db, "  ", "x", t0())
            .await
            .unwrap_err()
            .for_field("identifier")
            .as_deref(),
        Some("ユーザーIDまたはメールアドレスを入力してください。")
    );
    assert!(login(&db, "kyosai.taro", "", t0())
        .await
        .unwrap_err()
        .for_field("password")
        .is_some());
    assert_eq!(
        login(&db, &"a".repeat(300), "x", t0()).await.unwrap_err(),
        AppError::LoginFailed
    );

    // Every attempt is in the login log; unknown accounts without an account.
    let events = login_event::Entity::find().all(&db).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events.iter().filter(|e| e.account_id.is_none()).count(), 2);
    assert!(events
        .iter()
        .all(|e| e.result == login_event::LoginResult::Failure));
    assert!(events.iter().all(|e| e.ip == "192.0.2.10"));
}
on_both!(
    one_answer_for_unknown_and_wrong,
    unknown_and_wrong_get_one_answer
);

async fn five_failures_lock_for_fifteen_minutes(app: TestApp) {
    let db = app.db.clone();
    for i in 1..5 {
        let e = login(&db, "kyosai.hanako", "wrong", t0() + Duration::seconds(i))
            .await
            .unwrap_err();
        assert_eq!(e, AppError::LoginFailed, "attempt {i}");
    }
    let fifth = login(&db, "kyosai.hanako", "wrong", t0() + Duration::seconds(5))
        .await
        .unwrap_err();
    // Locked, and answered exactly like a wrong password: the member hears of
    // the lock by mail.
    assert_eq!(fifth, AppError::LoginFailed);
    // Locked: even the right password is refused, with the same message.
    let right = login(
        &db,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        t0() + Duration::minutes(14),
    )
    .await
    .unwrap_err();
    assert_eq!(right, AppError::LoginFailed);
    let wrong = login(&db, "kyosai.hanako", "wrong", t0() + Duration::minutes(14))
        .await
        .unwrap_err();
    assert_eq!(wrong, AppError::LoginFailed);
    // Fifteen minutes after the lock, the right password works and clears the count.
    login(
        &db,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        t0() + Duration::seconds(5) + Duration::minutes(15),
    )
    .await
    .expect("unlocked by time");
    let hanako = account_of(&db, "kyosai.hanako").await;
    assert_eq!(hanako.failed_login_count, 0);
    assert_eq!(hanako.locked_until, None);
    let locked_events = login_event::Entity::find()
        .filter(login_event::Column::Result.eq(login_event::LoginResult::Locked))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(locked_events.len(), 3);
}
on_both!(lockout, five_failures_lock_for_fifteen_minutes);

/// 50 wrong passwords at once: exactly five tries are counted (and hashed),
/// the account locks once with one mail, every answer is the wrong-password
/// one, and no session is issued afterwards, not even for the right password.
async fn parallel_failures_lock_after_exactly_five(app: TestApp) {
    let db = app.db.clone();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { login(&db, "seikyo.ichiro", "wrong", t0()).await })
        })
        .collect();
    for t in tasks {
        let answer = t.await.expect("task");
        assert_eq!(answer, Err(AppError::LoginFailed));
    }
    let ichiro = account_of(&db, "seikyo.ichiro").await;
    assert_eq!(ichiro.failed_login_count, 5);
    assert_eq!(ichiro.locked_until, Some(t0() + Duration::minutes(15)));
    let results: Vec<_> = login_event::Entity::find()
        .filter(login_event::Column::AccountId.eq(ichiro.id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.result)
        .collect();
    use login_event::LoginResult::{Failure, Locked};
    assert_eq!(results.iter().filter(|r| **r == Failure).count(), 4);
    // The fifth try locked it; the other 45 met the lock and checked nothing.
    assert_eq!(results.iter().filter(|r| **r == Locked).count(), 46);
    assert_eq!(
        outbox_subjects_to(&db, "ichiro@example.jp")
            .await
            .iter()
            .filter(|s| s.contains("ロック"))
            .count(),
        1
    );
    // Right password, in parallel too: still nothing while locked.
    let tries: Vec<_> = (0..10)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                login(
                    &db,
                    "seikyo.ichiro",
                    demo::DEMO_PASSWORD,
                    t0() + Duration::minutes(1),
                )
                .await
            })
        })
        .collect();
    for t in tries {
        assert_eq!(t.await.expect("task"), Err(AppError::LoginFailed));
    }
    assert_eq!(
        session_entity::Entity::find()
            .filter(session_entity::Column::AccountId.eq(ichiro.id))
            .all(&db)
            .await
            .unwrap()
            .len(),
        0
    );
}
on_both!(parallel_failures, parallel_failures_lock_after_exactly_five);

/// A right password whose check overlaps the try that locks the account gets
/// no session; the try that locked and was right itself does.
async fn a_lock_during_the_check_refuses_the_session(app: TestApp) {
    use app::ssr::identity::lockout::{self, Realm};
    let db = app.db.clone();
    let taro = account_of(&db, "kyosai.taro").await;
    // Try 3 starts (right password, still being checked)…
    for _ in 0..2 {
        lockout::reserve(&db, Realm::Member, taro.id, t0())
            .await
            .unwrap();
    }
    let third = lockout::reserve(&db, Realm::Member, taro.id, t0())
        .await
        .unwrap()
        .expect("a try");
    // …while tries 4 and 5 come in and 5 locks.
    lockout::reserve(&db, Realm::Member, taro.id, t0())
        .await
        .unwrap();
    let fifth = lockout::reserve(&db, Realm::Member, taro.id, t0())
        .await
        .unwrap()
        .expect("the fifth try");
    assert!(fifth.locks());
    assert_eq!(
        lockout::reserve(&db, Realm::Member, taro.id, t0())
            .await
            .unwrap(),
        None,
        "a sixth is refused before any check"
    );
    assert!(!lockout::succeed(
        &db,
        Realm::Member,
        taro.id,
        third,
        &taro.password_hash,
        t0()
    )
    .await
    .unwrap());
    // The fifth was right after all: it may go on, and the lock is lifted.
    assert!(lockout::succeed(
        &db,
        Realm::Member,
        taro.id,
        fifth,
        &taro.password_hash,
        t0()
    )
    .await
    .unwrap());
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!((taro.failed_login_count, taro.locked_until), (0, None));
}
on_both!(
    lock_during_check,
    a_lock_during_the_check_refuses_the_session
);

/// A login whose password check overlapped a reset gets no session: the
/// password it checked is no longer the account's.
async fn a_reset_during_the_check_refuses_the_session(app: TestApp) {
    use app::ssr::identity::lockout::{self, Realm};
    let db = app.db.clone();
    let taro = account_of(&db, "kyosai.taro").await;
    let attempt = lockout::reserve(&db, Realm::Member, taro.id, t0())
        .await
        .unwrap()
        .expect("a try");
    // Meanwhile the member resets the password.
    app::auth::ssr::reset::set_password(&db, taro.id, "$argon2id$new".into(), false, t0())
        .await
        .unwrap();
    assert!(!lockout::succeed(
        &db,
        Realm::Member,
        taro.id,
        attempt,
        &taro.password_hash,
        t0()
    )
    .await
    .unwrap());
}
on_both!(
    reset_during_check,
    a_reset_during_the_check_refuses_the_session
);
