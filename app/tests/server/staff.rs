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
        .call(operator.clone(), || app::staff::staff_queue(None, None))
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
            "a-long-enough-password".into(),
            "a-long-enough-password".into(),
        ))
        .await,
        Err(AppError::Forbidden)
    );

    // Admins create accounts with a checked password, and cannot lock themselves out.
    let create = |id: &str, password: &str| {
        let (id, password, admin, app) = (id.to_owned(), password.to_owned(), admin.clone(), &app);
        async move {
            app.call(admin, || {
                app::staff::create_staff_account(
                    id,
                    "鈴木一郎".into(),
                    "operator".into(),
                    password.clone(),
                    password,
                )
            })
            .await
        }
    };
    assert!(matches!(
        create("suzuki", "password").await,
        Err(AppError::Field { .. })
    ));
    assert_eq!(
        create("operator", "a-long-enough-password").await,
        Err(AppError::field(
            "login_id",
            "このログインIDはすでに使われています。"
        ))
    );
    create("Suzuki", "a-long-enough-password").await.unwrap();
    assert!(staff_auth::login(
        &db,
        &cfg,
        "suzuki",
        "a-long-enough-password",
        &client(),
        t0()
    )
    .await
    .is_ok());
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
    // Staff changes are in the audit log, which staff can filter.
    let rows = app
        .call(admin, || {
            app::staff::staff_audit(
                Some("staff".into()),
                Some("staff_disabled".into()),
                None,
                None,
                None,
            )
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].actor.contains("山本直子"));
}
on_both!(staff_accounts, staff_roles_lockout_and_accounts);

async fn staff_find_members_by_number_name_or_kana(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let search = |q: &str| {
        let (q, staff, app) = (q.to_owned(), staff.clone(), &app);
        async move {
            app.call(staff, || app::staff::staff_search_members(q))
                .await
                .unwrap()
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
        search("%").await,
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    assert!(search("").await.is_empty());
    let too_long = app
        .call(staff.clone(), || {
            app::staff::staff_search_members("あ".repeat(61))
        })
        .await;
    assert!(matches!(too_long, Err(AppError::Field { .. })));
}
on_both!(member_search, staff_find_members_by_number_name_or_kana);
