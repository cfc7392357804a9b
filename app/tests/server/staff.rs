use crate::helpers::*;

async fn staff_roles_lockout_and_accounts(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    // One answer for unknown IDs and wrong passwords; five wrong ones lock.
    assert_eq!(
        staff_auth::login(&db, &cfg, "nobody", "whatever-password", &client(), t0()).await,
        Err(AppError::StaffLoginFailed)
    );
    for _ in 0..4 {
        assert_eq!(
            staff_auth::login(&db, &cfg, "operator", "wrong-password-1", &client(), t0()).await,
            Err(AppError::StaffLoginFailed)
        );
    }
    assert_eq!(
        staff_auth::login(&db, &cfg, "operator", "wrong-password-1", &client(), t0()).await,
        Err(AppError::StaffLoginFailed)
    );
    assert_eq!(
        staff_auth::login(
            &db,
            &cfg,
            "operator",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            t0()
        )
        .await,
        Err(AppError::StaffLoginFailed)
    );

    let admin = app.staff_headers("admin").await;
    let operator_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    app.call(admin.clone(), || {
        app::staff::update_staff_account(operator_id, "unlock".into())
    })
    .await
    .unwrap();
    let operator = app.staff_headers("operator").await;
    // Operators work the queue but do not manage staff.
    assert!(app
        .call(operator.clone(), || app::staff::staff_queue(
            None, None, None
        ))
        .await
        .is_ok());
    assert_eq!(
        app.call(operator.clone(), app::staff::staff_accounts)
            .await
            .map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        app.call(operator.clone(), || app::staff::create_staff_account(
            "mallory".into(),
            "不正".into(),
            "admin".into(),
            "mallory@example.jp".into(),
        ))
        .await,
        Err(AppError::Forbidden)
    );

    // Admins create accounts (the colleague gets a setup link and chooses
    // the password), and cannot lock themselves out.
    let create = |id: &str, email: &str| {
        let (id, email, admin, app) = (id.to_owned(), email.to_owned(), admin.clone(), &app);
        async move {
            app.call(admin, || {
                app::staff::create_staff_account(id, "鈴木一郎".into(), "operator".into(), email)
            })
            .await
        }
    };
    assert!(matches!(
        create("suzuki", "not-an-address").await,
        Err(AppError::Field { ref field, .. }) if field == "email"
    ));
    assert_eq!(
        create("operator", "suzuki@staff.example.jp").await,
        Err(AppError::field(
            "login_id",
            "このログインIDはすでに使われています。"
        ))
    );
    create("Suzuki", "suzuki@staff.example.jp").await.unwrap();
    // No password until the link is used: nothing logs in.
    assert_eq!(
        staff_auth::login(&db, &cfg, "suzuki", "!", &client(), app.now()).await,
        Err(AppError::StaffLoginFailed)
    );
    let link = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.to_address == "suzuki@staff.example.jp")
        .expect("a setup mail");
    assert!(link.subject.contains("管理画面のアカウントのご案内"));
    let token = link_token(&link.body_text);
    app::staff::ssr::accounts::complete_link(
        &db,
        &token,
        "a-long-enough-password",
        "a-long-enough-password",
        "",
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(
        app::staff::ssr::accounts::complete_link(
            &db,
            &token,
            "another-long-password",
            "another-long-password",
            "",
            app.now(),
        )
        .await,
        Err(AppError::InvalidLink),
        "a link works once"
    );
    app.staff_login("suzuki", "a-long-enough-password").await;
    let admin_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("admin"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(matches!(
        app.call(admin.clone(), || app::staff::update_staff_account(
            admin_id,
            "disable".into()
        ))
        .await,
        Err(AppError::Conflict(_))
    ));
    // A disabled account's sessions end at once.
    app.call(admin.clone(), || {
        app::staff::update_staff_account(operator_id, "disable".into())
    })
    .await
    .unwrap();
    assert_eq!(
        app.call(operator, app::staff::load_staff).await.map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
    // A change that changes nothing (a second click) is told, not audited:
    // stopping again, unlocking an account that is not locked.
    for again in ["disable", "unlock"] {
        assert!(matches!(
            app.call(admin.clone(), || {
                app::staff::update_staff_account(operator_id, again.into())
            })
            .await,
            Err(AppError::Conflict(_))
        ));
    }
    // Two admins re-enabling at once: one does, audited once.
    let enable = || {
        app.call(admin.clone(), || {
            app::staff::update_staff_account(operator_id, "enable".into())
        })
    };
    let (a, b) = tokio::join!(enable(), enable());
    assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} {b:?}");
    let enabled = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("staff_enabled"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(enabled.len(), 1);
    // Staff changes are in the audit log, which staff can filter.
    let rows = app
        .call(admin, || {
            app::staff::staff_audit(
                Some("staff".into()),
                Some("staff_disabled".into()),
                None,
                None,
                None,
                None,
            )
        })
        .await
        .unwrap()
        .rows;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].actor.contains("山本直子"));
}
on_both!(staff_accounts, staff_roles_lockout_and_accounts);

/// A staff member's search for `q`.
async fn search_as(app: &TestApp, staff: &HeaderMap, q: &str) -> app::staff::MemberSearch {
    let q = q.to_owned();
    app.call(staff.clone(), || app::staff::staff_search_members(q))
        .await
        .unwrap()
}

async fn staff_find_members_by_number_name_or_kana(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let search = |q: &str| {
        let (q, staff, app) = (q.to_owned(), staff.clone(), &app);
        async move {
            search_as(app, &staff, &q)
                .await
                .rows
                .into_iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("0123-45678").await, ["共済太郎"]);
    assert_eq!(search("012345679").await, ["共済花子"]);
    assert_eq!(search("キョウサイ").await, ["共済太郎", "共済花子"]);
    assert_eq!(search("花子").await, ["共済花子"]);
    assert_eq!(
        search("キョウサイタロウ").await,
        ["共済太郎"],
        "kana typed without the space"
    );
    for wildcard in ["%", "_", "共済_郎", "\\", "共済%"] {
        assert_eq!(
            search(wildcard).await,
            Vec::<String>::new(),
            "LIKE wildcards and the escape are literal: {wildcard}"
        );
    }
    assert!(search("").await.is_empty());
    let too_long = app
        .call(staff.clone(), || {
            app::staff::staff_search_members("あ".repeat(61))
        })
        .await;
    assert!(matches!(too_long, Err(AppError::Field { .. })));

    assert_eq!(
        search("きょうさい").await,
        ["共済太郎", "共済花子"],
        "kana typed in hiragana"
    );
    // A name registered with a space is found without it, and the other way
    // round; a full-width space is a space.
    use app::ssr::entities::member;
    use sea_orm::{ActiveModelTrait, Set};
    let hanako = member::Entity::find()
        .filter(member::Column::Name.eq("共済花子"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    member::ActiveModel {
        name: Set("共済 花子".into()),
        ..hanako.into()
    }
    .update(&app.db)
    .await
    .unwrap();
    assert_eq!(search("共済花子").await, ["共済 花子"]);
    assert_eq!(search("済花").await, ["共済 花子"]);
    assert_eq!(search("共済　太郎").await, ["共済太郎"]);

    // On PostgreSQL, each of the search's reads uses an index for each of its
    // conditions (a btree for the exact text, a trigram index for a part of
    // it), so a search of a million members reads index pages, not the table
    // (the plans with sequential scans off, as a big table would make them).
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let (exact, partial) = app::staff::ssr::office::search_reads("やまだ");
        let txn = db::begin_write(&app.db).await.unwrap();
        txn.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await
            .unwrap();
        let reads = [
            (
                exact,
                [
                    "idx_members_name_compact ",
                    "idx_members_name_kana_compact ",
                ],
            ),
            (
                partial,
                [
                    "idx_members_name_compact_trgm",
                    "idx_members_name_kana_compact_trgm",
                ],
            ),
        ];
        for (read, indexes) in reads {
            let plan = plan_of(&txn, "EXPLAIN", read, 0).await;
            for index in indexes {
                assert!(plan.contains(index), "{index} unused:\n{plan}");
            }
        }
        txn.rollback().await.unwrap();
    }
    // On SQLite, the exact read looks both expressions up in their indexes
    // (a part of a name, `LIKE '%…%'`, cannot use one there).
    if app.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let (exact, _) = app::staff::ssr::office::search_reads("やまだ");
        // The plan's text is the fourth column (`detail`).
        let plan = plan_of(&app.db, "EXPLAIN QUERY PLAN", exact, 3).await;
        for index in [
            "USING INDEX idx_members_name_compact ",
            "USING INDEX idx_members_name_kana_compact ",
        ] {
            assert!(plan.contains(index), "{index} unused:\n{plan}");
        }
    }
}
on_both!(member_search, staff_find_members_by_number_name_or_kana);

/// The plan `explain` (the database's own words for it) prints for `read`,
/// its lines from result column `column`.
async fn plan_of(
    db: &impl ConnectionTrait,
    explain: &str,
    read: sea_orm::Select<app::ssr::entities::member::Entity>,
    column: usize,
) -> String {
    use sea_orm::QueryTrait;
    let read = read.build(db.get_database_backend());
    db.query_all_raw(sea_orm::Statement {
        sql: format!("{explain} {}", read.sql),
        ..read
    })
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get_by_index::<String>(column).unwrap())
    .collect::<Vec<_>>()
    .join("\n")
}

/// When more members share the text than a list shows, staff are told to
/// type more, and the member whose name is exactly the text is still first.
async fn a_broad_search_says_so_and_keeps_the_exact_name_first(app: TestApp) {
    app::ssr::demo::bench::seed(&app.db, &config().totp_keys, 1_200, app.now())
        .await
        .expect("seed");
    let staff = app.staff_headers("operator").await;
    let search = |q: &'static str| search_as(&app, &staff, q);
    // Every bench member is 試験…: 1,200 match, 200 shown.
    let broad = search("試験").await;
    assert!(broad.more);
    assert_eq!(broad.rows.len(), 200);
    let kana: Vec<_> = broad.rows.iter().map(|m| m.kana.clone()).collect();
    assert!(kana.is_sorted(), "kana order: {kana:?}");
    // 試験一 (member 1) is the name typed; 311 others contain it (試験一〇,
    // 試験一〇〇, 試験一〇〇〇…), many before it in kana order: it is first
    // however many are left out.
    let one = search("試験一").await;
    assert!(one.more);
    assert_eq!(one.rows.len(), 200);
    assert_eq!(one.rows[0].name, "試験一");
    assert!(one.rows[1..].iter().all(|m| m.name.starts_with("試験一")));
    assert_eq!(one.rows.iter().filter(|m| m.name == "試験一").count(), 1);
    let fewer = search("試験一〇〇").await;
    assert!(!fewer.more);
    assert_eq!(fewer.rows[0].name, "試験一〇〇");
    assert_eq!(fewer.rows.len(), 11, "試験一〇〇 and 試験一〇〇〇…九");
    // Its number finds it alone.
    let by_number = search("900000001").await;
    assert_eq!(by_number.rows.len(), 1);
    assert_eq!(by_number.rows[0].name, "試験一");
    assert!(!by_number.more);
}
on_both!(
    broad_member_search,
    a_broad_search_says_so_and_keeps_the_exact_name_first
);

/// A password alone opens nothing but the second step; the code from the
/// app, each used once, or a recovery code, each used once, makes the
/// session full; five wrong codes lock the account like five wrong passwords.
async fn staff_need_their_second_factor(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let half = |token: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}={token}", staff_auth::COOKIE)).unwrap(),
        );
        h
    };
    let first = half(
        &staff_auth::login(
            &db,
            &cfg,
            "admin",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now(),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        app.call(first.clone(), || app::staff::staff_queue(None, None, None))
            .await
            .map(|_| ()),
        Err(AppError::SecondFactorRequired)
    );
    // Enrolment: the page shows a secret and a QR code; a wrong code is refused.
    let state = app
        .call(first.clone(), app::staff::load_second_factor)
        .await
        .unwrap();
    assert!(!state.enrolled);
    let secret = state.secret.unwrap();
    assert!(state.qr_svg.unwrap().starts_with("<?xml"));
    let code = totp_code(&secret, app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(matches!(
        app.call(first.clone(), || app::staff::enrol_second_factor(
            wrong.into()
        ))
        .await,
        Err(AppError::Field { .. })
    ));
    let recovery = app
        .call(first.clone(), || {
            app::staff::enrol_second_factor(code.clone())
        })
        .await
        .unwrap();
    assert_eq!(recovery.len(), 10);
    assert!(app
        .call(first.clone(), || app::staff::staff_queue(None, None, None))
        .await
        .is_ok());

    // The next login: the same code again (same 30 s) is refused…
    let second = half(
        &staff_auth::login(
            &db,
            &cfg,
            "admin",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now(),
        )
        .await
        .unwrap(),
    );
    assert!(matches!(
        app.call(second.clone(), || app::staff::verify_second_factor(
            code.clone(),
            None
        ))
        .await,
        Err(AppError::Field { .. })
    ));
    // …a recovery code works, once.
    app.call(second.clone(), || {
        app::staff::verify_second_factor(recovery[0].to_lowercase(), None)
    })
    .await
    .unwrap();
    let third = half(
        &staff_auth::login(
            &db,
            &cfg,
            "admin",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now(),
        )
        .await
        .unwrap(),
    );
    assert!(matches!(
        app.call(third.clone(), || app::staff::verify_second_factor(
            recovery[0].clone(),
            None
        ))
        .await,
        Err(AppError::Field { .. })
    ));
    // The next step's code works.
    app.advance(Duration::seconds(30));
    app.call(third.clone(), || {
        app::staff::verify_second_factor(totp_code(&secret, app.now()), None)
    })
    .await
    .unwrap();

    // Guessing: five wrong codes lock the account, and then not even the
    // password opens it.
    let fourth = half(
        &staff_auth::login(
            &db,
            &cfg,
            "admin",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now(),
        )
        .await
        .unwrap(),
    );
    for _ in 0..5 {
        let _ = app
            .call(fourth.clone(), || {
                app::staff::verify_second_factor("123456".into(), None)
            })
            .await;
    }
    assert_eq!(
        staff_auth::login(
            &db,
            &cfg,
            "admin",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now()
        )
        .await,
        Err(AppError::StaffLoginFailed)
    );
}
on_both!(staff_second_factor, staff_need_their_second_factor);

async fn stored_totp(db: &DatabaseConnection, staff_id: i32) -> String {
    app::ssr::entities::staff_account::Entity::find_by_id(staff_id)
        .one(db)
        .await
        .unwrap()
        .expect("the account")
        .totp_secret
        .expect("a stored secret")
}

/// A copy of the database gives no second factor: secrets are stored
/// sealed under `MYPAGE_TOTP_KEY`. One stored before sealing, or sealed
/// under a key rotated out, is sealed again under the current key when a
/// process starts (each row once, however many start together); one no
/// configured key opens is refused with a message, not an error page.
async fn staff_totp_secrets_are_sealed_at_rest(app: TestApp) {
    use app::ssr::demo::fixtures::{staff as new_staff, WantedStaff};
    use app::ssr::entities::staff_account;
    use app::ssr::identity::sealed::SealKeys;
    use app::staff::ssr::second_factor::reseal_all;
    use sea_orm::ActiveModelTrait;
    let db = app.db.clone();
    let dev = config().totp_keys;
    let enrolled = WantedStaff {
        role: None,
        enrolled: true,
    };

    // Enrolled at the first login: the column holds no trace of the secret.
    app.staff_headers("operator").await;
    let operator = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let secret = totp_secret_of(&operator);
    assert_eq!(secret.len(), 32);
    let stored = operator.totp_secret.clone().unwrap();
    assert!(stored.starts_with("v1."), "{stored}");
    assert!(!stored.contains(&secret[..8]), "{stored}");
    assert_eq!(reseal_all(&db, &dev).await.unwrap().sealed, 0);

    // Stored before sealing existed: read as it is, then sealed once by two
    // processes starting at the same moment.
    let legacy = new_staff(&db, &dev, &enrolled, app.now()).await.unwrap();
    let plain = legacy.totp_secret.clone().unwrap();
    staff_account::Entity::update_many()
        .col_expr(
            staff_account::Column::TotpSecret,
            sea_orm::sea_query::Expr::value(Some(plain.clone())),
        )
        .filter(staff_account::Column::Id.eq(legacy.staff_id))
        .exec(&db)
        .await
        .unwrap();
    app.staff_headers(&legacy.login_id).await;
    let (a, b) = tokio::join!(reseal_all(&db, &dev), reseal_all(&db, &dev));
    assert_eq!(a.unwrap().sealed + b.unwrap().sealed, 1);
    let resealed = stored_totp(&db, legacy.staff_id).await;
    assert!(resealed.starts_with("v1.") && !resealed.contains(&plain[..8]));
    let opened = dev
        .open(&resealed, &format!("staff_totp:{}", legacy.staff_id))
        .unwrap();
    assert_eq!((opened.secret, opened.stale), (plain, false));
    app.staff_headers(&legacy.login_id).await;

    // Sealed under a key since rotated out: until it is sealed again the
    // code step says what to do, and starting without the old key leaves it.
    let old = SealKeys::new([5; 32], vec![]);
    let rotated = new_staff(&db, &old, &enrolled, app.now()).await.unwrap();
    let half_login = || app.staff_password_stage(&rotated.login_id);
    let half = half_login().await;
    let code = totp_code(rotated.totp_secret.as_deref().unwrap(), app.now());
    match app
        .call(half.clone(), || {
            app::staff::verify_second_factor(code.clone(), None)
        })
        .await
    {
        Err(AppError::Conflict(message)) => assert!(message.contains("リセット"), "{message}"),
        other => panic!("{other:?}"),
    }
    // A recovery code still lets them in meanwhile.
    app::ssr::entities::staff_recovery_code::ActiveModel {
        staff_id: sea_orm::ActiveValue::Set(rotated.staff_id),
        code_hash: sea_orm::ActiveValue::Set(token::token_hash("ABCDEFGH")),
        used_at: sea_orm::ActiveValue::Set(None),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    app.call(half_login().await, || {
        app::staff::verify_second_factor("abcd-efgh".into(), None)
    })
    .await
    .expect("a recovery code needs no TOTP secret");
    let before = stored_totp(&db, rotated.staff_id).await;
    let found = reseal_all(&db, &dev).await.unwrap();
    assert_eq!((found.sealed, found.unopenable), (0, 1));
    assert!(!found.wrong_key(), "the others open: the key is right");
    assert_eq!(stored_totp(&db, rotated.staff_id).await, before);
    // A key that opens nothing stored is a wrong key (the server refuses
    // to start with it), and it changes nothing.
    assert!(reseal_all(&db, &SealKeys::new([9; 32], vec![]))
        .await
        .unwrap()
        .wrong_key());
    let with_old = SealKeys::new(*app::ssr::config::DEV_TOTP_KEY, vec![[5; 32]]);
    assert_eq!(reseal_all(&db, &with_old).await.unwrap().sealed, 1);
    app.call(half, || {
        app::staff::verify_second_factor(code.clone(), None)
    })
    .await
    .expect("opens under the current key now");
}
on_both!(staff_totp_sealed, staff_totp_secrets_are_sealed_at_rest);

/// An admin resets a colleague: password and second factor gone, sessions
/// ended, a link mailed; the colleague sets a password and enrols again. The
/// admin never sees either. Staff change their own password too.
async fn admins_reset_colleagues_by_mail_and_staff_change_their_password(app: TestApp) {
    let db = app.db.clone();
    let admin = app.staff_headers("admin").await;
    let operator = app.staff_headers("operator").await;
    let operator_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    // Not oneself, and not as an operator.
    let admin_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("admin"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(matches!(
        app.call(admin.clone(), || app::staff::update_staff_account(
            admin_id,
            "reset".into()
        ))
        .await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        app.call(operator.clone(), || app::staff::update_staff_account(
            admin_id,
            "reset".into()
        ))
        .await,
        Err(AppError::Forbidden)
    );
    app.call(admin.clone(), || {
        app::staff::update_staff_account(operator_id, "reset".into())
    })
    .await
    .unwrap();
    assert_eq!(
        app.call(operator.clone(), app::staff::load_staff)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false }),
        "the colleague's sessions ended"
    );
    let reset = staff_account::Entity::find_by_id(operator_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((reset.totp_secret, reset.totp_enrolled_at), (None, None));
    assert_eq!(
        staff_auth::login(
            &db,
            &config(),
            "operator",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now()
        )
        .await,
        Err(AppError::StaffLoginFailed)
    );
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.to_address == "operator@staff.example.jp")
        .unwrap();
    assert!(mail.subject.contains("ログイン情報の再設定"));
    app::staff::ssr::accounts::complete_link(
        &db,
        &link_token(&mail.body_text),
        "harukaze-no-kuni-2026",
        "harukaze-no-kuni-2026",
        "",
        app.now(),
    )
    .await
    .unwrap();
    // Logs in with the new password and enrols a new second factor.
    let operator = app.staff_login("operator", "harukaze-no-kuni-2026").await;

    // Changing one's own password: the current one first; other sessions end.
    let elsewhere = app.staff_login("operator", "harukaze-no-kuni-2026").await;
    assert!(matches!(
        app.call(operator.clone(), || app::staff::change_staff_password(
            "wrong".into(),
            "akikaze-no-sato-2027".into(),
            "akikaze-no-sato-2027".into()
        ))
        .await,
        Err(AppError::Field { ref field, .. }) if field == "current_password"
    ));
    // The members' rule: a new password, not the current one again.
    assert_eq!(
        app.call(operator.clone(), || app::staff::change_staff_password(
            "harukaze-no-kuni-2026".into(),
            "harukaze-no-kuni-2026".into(),
            "harukaze-no-kuni-2026".into()
        ))
        .await,
        Err(AppError::field(
            "password",
            "現在のパスワードとは別のものにしてください。"
        ))
    );
    app.call(operator.clone(), || {
        app::staff::change_staff_password(
            "harukaze-no-kuni-2026".into(),
            "akikaze-no-sato-2027".into(),
            "akikaze-no-sato-2027".into(),
        )
    })
    .await
    .unwrap();
    assert!(app
        .call(operator.clone(), app::staff::load_staff)
        .await
        .is_ok());
    assert_eq!(
        app.call(elsewhere, app::staff::load_staff)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert!(outbox_subjects_to(&db, "operator@staff.example.jp")
        .await
        .iter()
        .any(|s| s.contains("パスワード変更のお知らせ")));
    let actions: Vec<String> = audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for action in [
        "staff_reset",
        "staff_password_changed",
        "staff_second_factor_enrolled",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}
on_both!(
    staff_reset_and_password,
    admins_reset_colleagues_by_mail_and_staff_change_their_password
);

/// Admins read the staff login log; a new login replaces the browser's staff
/// session; admins end a member's sessions; opening a member's record or a
/// procedure is in the audit log.
async fn staff_logins_are_logged_and_reads_are_audited(app: TestApp) {
    let db = app.db.clone();
    let _ = staff_auth::login(
        &db,
        &config(),
        "operator",
        "wrong-password",
        &client(),
        app.now(),
    )
    .await;
    let _ = staff_auth::login(
        &db,
        &config(),
        "nobody",
        "wrong-password",
        &client(),
        app.now(),
    )
    .await;
    let admin = app.staff_headers("admin").await;
    let operator = app.staff_headers("operator").await;
    let log = app
        .call(admin.clone(), app::staff::staff_login_history)
        .await
        .unwrap();
    assert!(log
        .iter()
        .any(|r| r.login_id == "nobody" && r.name.is_none() && !r.ok));
    assert!(log
        .iter()
        .any(|r| r.login_id == "operator" && r.result == "失敗"));
    assert!(log.iter().any(|r| r.login_id == "admin" && r.ok));
    assert_eq!(
        app.call(operator.clone(), app::staff::staff_login_history)
            .await
            .map(|_| ()),
        Err(AppError::Forbidden)
    );

    // A login from a browser that still has a staff session replaces it.
    let again = app
        .call(operator.clone(), || {
            app::staff::staff_login("operator".into(), demo::DEMO_STAFF_PASSWORD.into(), None)
        })
        .await;
    assert_eq!(again, Ok(()));
    assert_eq!(
        app.call(operator.clone(), app::staff::load_staff)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );

    // Ending a member's sessions: admins only.
    let taro = app.member_headers("kyosai.taro").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let operator = app.staff_headers("operator").await;
    assert_eq!(
        app.call(operator.clone(), || app::staff::staff_end_member_sessions(
            taro_id
        ))
        .await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        app.call(admin.clone(), || app::staff::staff_end_member_sessions(
            taro_id
        ))
        .await,
        Ok(1)
    );
    assert_eq!(
        app.call(taro, app::member::my_profile).await.map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );

    // Reading is on record: who opened whose data.
    let record = app
        .call(operator.clone(), || app::staff::staff_member(taro_id))
        .await
        .unwrap();
    assert!(!record.can_end_sessions, "operators cannot");
    assert!(
        app.call(admin.clone(), || app::staff::staff_member(taro_id))
            .await
            .unwrap()
            .can_end_sessions
    );
    let views = app
        .call(admin.clone(), || {
            app::staff::staff_audit(
                None,
                Some("member_viewed".into()),
                Some("0123-45678".into()),
                None,
                None,
                None,
            )
        })
        .await
        .unwrap()
        .rows;
    assert_eq!(views.len(), 2);
    assert!(views.iter().any(|v| v.actor.contains("佐藤健一")));
    // Changes only: the member's record without the views.
    let audit = |changes_only: Option<&str>| {
        let (admin, changes_only) = (admin.clone(), changes_only.map(str::to_owned));
        let app = &app;
        async move {
            app.call(admin, || {
                app::staff::staff_audit(
                    None,
                    None,
                    Some("0123-45678".into()),
                    None,
                    None,
                    changes_only,
                )
            })
            .await
            .unwrap()
        }
    };
    let changes = audit(Some("1")).await;
    assert!(
        !changes.rows.is_empty() && changes.rows.iter().all(|r| !r.action.contains("閲覧")),
        "{:?}",
        changes.rows
    );
    assert!(audit(None).await.rows.len() > changes.rows.len());
    // More than a page: the newest 200, and told that older ones exist.
    for i in 0..app::staff::ssr::office::MAX_ROWS {
        app::ssr::audit::record(
            &app.db,
            app::ssr::audit::Entry {
                actor: app::ssr::audit::Actor::System,
                member_id: Some(taro_id),
                action: "member_imported",
                before: None,
                after: Some(format!("{i}")),
                ip: "",
            },
            app.now(),
        )
        .await
        .unwrap();
    }
    let full = audit(Some("1")).await;
    assert!(full.more && full.rows.len() == 200);
    assert_eq!(full.rows[0].after.as_deref(), Some("199"));

    // The member page's history: this member's changes (the session ending
    // above), never the views, never another member's rows.
    let history = app
        .call(operator.clone(), || {
            app::staff::staff_member_history(taro_id)
        })
        .await
        .unwrap();
    assert!(!history.is_empty());
    assert!(history.iter().all(|r| r
        .member
        .as_deref()
        .is_some_and(|m| m.starts_with("0123-45678"))));
    assert!(history.iter().all(|r| r.action != "組合員情報の閲覧"));
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let theirs = app
        .call(operator, || app::staff::staff_member_history(hanako))
        .await
        .unwrap();
    assert!(theirs.iter().all(|r| !r
        .member
        .as_deref()
        .is_some_and(|m| m.starts_with("0123-45678"))));
    let taro = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        app.call(taro, || app::staff::staff_member_history(taro_id))
            .await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(
    staff_logins_and_reads,
    staff_logins_are_logged_and_reads_are_audited
);

/// The password and the code share one allowance: a right password does not
/// give the code guesser a fresh five.
async fn a_password_login_does_not_reset_the_code_tries(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    app.staff_headers("operator").await; // enrolled now
    let cookie = |token: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}={token}", staff_auth::COOKIE)).unwrap(),
        );
        h
    };
    let half = cookie(
        &staff_auth::login(
            &db,
            &cfg,
            "operator",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now(),
        )
        .await
        .unwrap(),
    );
    for _ in 0..4 {
        let _ = app
            .call(half.clone(), || {
                app::staff::verify_second_factor("000000x".into(), None)
            })
            .await;
    }
    // One password try and four code tries: locked, right password or not.
    assert_eq!(
        staff_auth::login(
            &db,
            &cfg,
            "operator",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            app.now()
        )
        .await,
        Err(AppError::StaffLoginFailed)
    );
}
on_both!(
    shared_allowance,
    a_password_login_does_not_reset_the_code_tries
);

/// A member reads a 受付番号 out on the phone: staff find that procedure
/// whatever the filters (the date part must match, a bare id works, other
/// text is told the form). What waits lists oldest first; finished or all,
/// newest first; a list cut at its limit says so.
async fn the_queue_finds_a_receipt_and_orders_by_what_is_asked(app: TestApp) {
    use app::domain::procedure::receipt_number;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let queue = |kind: Option<&str>, status: Option<&str>, receipt: Option<&str>| {
        let args = (
            kind.map(str::to_owned),
            status.map(str::to_owned),
            receipt.map(str::to_owned),
        );
        app.call(staff.clone(), move || {
            app::staff::staff_queue(args.0, args.1, args.2)
        })
    };
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let mut filed = Vec::new();
    for days in [3, 2, 1] {
        let at = app.now() - Duration::days(days);
        // The oldest was shipped last: finished ones list by when they changed.
        let changed = if days == 3 {
            app.now() - Duration::hours(1)
        } else {
            at
        };
        let p = procedure_entity::ActiveModel {
            member_id: Set(taro_id),
            kind: Set(app::domain::procedure::Kind::DocumentRequest),
            status: Set(Status::Shipped),
            summary: Set("パンフレット".into()),
            documents: Set(Some("pamphlet".into())),
            filed_by: Set(app::domain::procedure::Actor::Member),
            created_at: Set(at),
            updated_at: Set(changed),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        filed.push(p);
    }
    let receipt = receipt_number(app::domain::jst::today(filed[0].created_at), filed[0].id);
    let found = queue(Some("rider_addition"), None, Some(&format!(" {receipt} ")))
        .await
        .unwrap();
    assert_eq!(found.rows.len(), 1);
    assert_eq!(found.rows[0].procedure.receipt, receipt);
    let bare = queue(None, None, Some(&filed[0].id.to_string()))
        .await
        .unwrap();
    assert_eq!(bare.rows.len(), 1);
    // Another day's number with this id is not this procedure.
    let wrong = format!("20000101-{:06}", filed[0].id);
    assert!(queue(None, None, Some(&wrong))
        .await
        .unwrap()
        .rows
        .is_empty());
    assert_eq!(
        queue(None, None, Some("たろう")).await.unwrap_err(),
        AppError::field(
            "receipt",
            "受付番号は「20261123-000042」の形で入力してください。"
        )
    );
    // Shipped ones, newest first; the open ones oldest first.
    let shipped = queue(Some("document_request"), Some("shipped"), None)
        .await
        .unwrap();
    assert!(shipped.newest_first && !shipped.more);
    let ids: Vec<i32> = shipped.rows.iter().map(|r| r.procedure.id).collect();
    let ours: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|id| filed.iter().any(|p| p.id == *id))
        .collect();
    assert_eq!(ours, [filed[0].id, filed[2].id, filed[1].id]);
    // Waiting ones, oldest filed first (worked from the top).
    for (i, days) in [1, 5].into_iter().enumerate() {
        let at = app.now() - Duration::days(days);
        procedure_entity::ActiveModel {
            member_id: Set(taro_id),
            kind: Set(app::domain::procedure::Kind::DocumentRequest),
            status: Set(Status::Received),
            summary: Set(format!("待ち {i}")),
            documents: Set(Some("pamphlet".into())),
            filed_by: Set(app::domain::procedure::Actor::Member),
            created_at: Set(at),
            updated_at: Set(app.now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let open = queue(None, None, None).await.unwrap();
    assert!(!open.newest_first);
    let waiting: Vec<&str> = open
        .rows
        .iter()
        .map(|r| r.procedure.summary.as_str())
        .filter(|s| s.starts_with("待ち"))
        .collect();
    assert_eq!(waiting, ["待ち 1", "待ち 0"]);
    // Typed on a Japanese keyboard, or without the leading zeros.
    let typed: String = receipt
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            '-' => 'ー',
            other => other,
        })
        .collect();
    assert_eq!(queue(None, None, Some(&typed)).await.unwrap().rows.len(), 1);

    // More than a list shows: cut, and said.
    let many: Vec<procedure_entity::ActiveModel> = (0..app::staff::ssr::office::MAX_ROWS)
        .map(|i| procedure_entity::ActiveModel {
            member_id: Set(taro_id),
            kind: Set(app::domain::procedure::Kind::DocumentRequest),
            status: Set(Status::Shipped),
            summary: Set(format!("パンフレット {i}")),
            documents: Set(Some("pamphlet".into())),
            filed_by: Set(app::domain::procedure::Actor::Member),
            created_at: Set(app.now()),
            updated_at: Set(app.now()),
            ..Default::default()
        })
        .collect();
    procedure_entity::Entity::insert_many(many)
        .exec(&db)
        .await
        .unwrap();
    let cut = queue(Some("document_request"), Some("shipped"), None)
        .await
        .unwrap();
    assert_eq!(cut.rows.len() as u64, app::staff::ssr::office::MAX_ROWS);
    assert!(cut.more);
}
on_both!(
    queue_receipt,
    the_queue_finds_a_receipt_and_orders_by_what_is_asked
);

/// The member record lists the member's inquiries (only theirs), newest
/// change first; the inbox lists finished threads newest first.
async fn the_member_record_lists_their_inquiries(app: TestApp) {
    let db = app.db.clone();
    let start = |user: &'static str, subject: &'static str| {
        let app = &app;
        async move {
            let who = app.member_headers(user).await;
            app.call(who, || {
                app::inquiry::start_inquiry("workplace".into(), subject.into(), "本文".into())
            })
            .await
            .unwrap();
        }
    };
    start("kyosai.taro", "一つ目").await;
    app.advance(Duration::minutes(1));
    start("kyosai.hanako", "花子の質問").await;
    app.advance(Duration::minutes(1));
    start("kyosai.taro", "二つ目").await;
    let staff = app.staff_headers("operator").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let record = app
        .call(staff.clone(), || app::staff::staff_member(taro_id))
        .await
        .unwrap();
    let subjects: Vec<&str> = record
        .inquiries
        .iter()
        .map(|t| t.subject.as_str())
        .collect();
    assert_eq!(subjects, ["二つ目", "一つ目"]);
    let all = app
        .call(staff, || {
            app::inquiry::staff_inquiries(Some("all".into()), None)
        })
        .await
        .unwrap();
    assert!(all.newest_first);
    let subjects: Vec<&str> = all
        .rows
        .iter()
        .map(|r| r.summary.subject.as_str())
        .collect();
    assert_eq!(subjects, ["二つ目", "花子の質問", "一つ目"]);
}
on_both!(record_inquiries, the_member_record_lists_their_inquiries);
