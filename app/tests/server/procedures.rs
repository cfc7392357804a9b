use crate::helpers::*;

async fn rider_application_to_approval(app: TestApp) {
    let db = app.db.clone();
    let sho = app.member_headers("watanabe.sho").await;
    let choice = rider_choice(&db, "K-2025-001001", "gan").await;
    let kind = || "rider_addition".to_owned();

    // The confirmation step files nothing.
    let preview = app
        .call(sho.clone(), || {
            preview_application(kind(), Some(choice.clone()), None)
        })
        .await
        .unwrap();
    assert_eq!(preview.kind, "特約追加");
    assert!(preview
        .rows
        .iter()
        .any(|(k, v)| k == "追加する特約" && v == "がん特約"));
    assert!(procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Kind.eq(app::domain::procedure::Kind::RiderAddition))
        .filter(procedure_entity::Column::Status.eq(Status::Received))
        .one(&db)
        .await
        .unwrap()
        .is_none());

    app.call(sho.clone(), || apply(kind(), Some(choice.clone()), None))
        .await
        .unwrap();
    let filed = latest_procedure(&db).await;
    assert_eq!(filed.status, Status::Received);
    assert!(outbox_subjects_to(&db, "sho@example.jp")
        .await
        .iter()
        .any(|s| s.contains("お手続き受付のお知らせ")));
    // Applying twice for the same rider is refused, and so is offering it.
    let again = app
        .call(sho.clone(), || apply(kind(), Some(choice.clone()), None))
        .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let options = app.call(sho.clone(), load_apply_options).await.unwrap();
    assert!(!options.contracts[0]
        .riders
        .iter()
        .any(|r| r.name == "がん特約"));

    // Staff review an hour later and approve ten minutes after, from 2026/12/1;
    // the rider shows from then on.
    app.advance(Duration::hours(1));
    let staff = app.staff_headers("operator").await;
    let id = filed.id;
    let step = |to: &str, starts_on: Option<&str>| {
        let (to, starts_on) = (to.to_owned(), starts_on.map(str::to_owned));
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || {
                app::staff::staff_move_procedure(id, to, Some("確認しました".into()), starts_on)
            })
            .await
        }
    };
    assert!(matches!(
        step("approved", Some("2026-12-01")).await,
        Err(AppError::Conflict(_))
    ));
    // The form chooses nothing beforehand: a move without a status is told.
    assert_eq!(
        step("", None).await,
        Err(AppError::field("to", "次の状況を選んでください。"))
    );
    step("under_review", None).await.unwrap();
    assert_eq!(
        step("approved", Some("2207-01-01")).await,
        Err(AppError::field(
            "starts_on",
            "保障開始日は、12か月先までの日付を指定してください。"
        ))
    );
    assert_eq!(
        step("approved", Some("2026-12-02")).await,
        Err(AppError::field(
            "starts_on",
            "保障開始日は、月の初日(1日)を指定してください。"
        ))
    );
    assert_eq!(
        step("approved", Some("2026-11-01")).await,
        Err(AppError::field(
            "starts_on",
            "保障開始日は、明日以降の日付を指定してください。"
        ))
    );
    assert_eq!(
        latest_procedure(&db).await.status,
        Status::UnderReview,
        "refused approvals change nothing"
    );
    app.advance(Duration::minutes(10));
    step("approved", Some("2026-12-01")).await.unwrap();
    let told = "特約の保障開始日は2026/12/1です。保障開始前の特約は、ご契約内容に表示されません。";
    let mail = latest_mail_to(&db, "sho@example.jp").await;
    assert!(mail.body_text.contains(told), "{}", mail.body_text);

    // The member comes back (the first session idled out meanwhile).
    let sho = app.member_headers("watanabe.sho").await;
    let detail = app.call(sho.clone(), || my_procedure(id)).await.unwrap();
    assert_eq!(detail.summary.status, Status::Approved);
    assert!(
        detail.notes.iter().any(|n| n.starts_with(told)),
        "{:?}",
        detail.notes
    );
    assert_eq!(detail.coverage_starts_on.as_deref(), Some("2026/12/1"));
    let history: Vec<_> = detail
        .history
        .iter()
        .map(|h| (h.status_label.as_str(), h.by.as_str(), h.at.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("受付", "ご本人", "2026/11/23 10:00"),
            ("審査中", "当組合(職員)", "2026/11/23 11:00"),
            ("承諾", "当組合(職員)", "2026/11/23 11:10")
        ]
    );
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let nov30 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let dec1 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert!(contracts_of(&db, sho_id, nov30).await.unwrap()[0]
        .riders
        .is_empty());
    assert_eq!(
        contracts_of(&db, sho_id, dec1).await.unwrap()[0].riders[0].name,
        "がん特約"
    );
    let subjects = outbox_subjects_to(&db, "sho@example.jp").await;
    assert!(subjects.iter().any(|s| s.contains("(審査中)")));
    assert!(subjects.iter().any(|s| s.contains("(承諾)")));
    // Decided: nobody moves it again.
    assert!(matches!(
        step("declined", None).await,
        Err(AppError::Conflict(_))
    ));
    // Filing and each change are in the audit log, with who did it.
    let actions: Vec<(String, audit_log::ActorKind)> = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(sho_id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.actor_kind))
        .collect();
    assert_eq!(
        actions,
        [
            ("procedure_filed".to_owned(), audit_log::ActorKind::Member),
            ("procedure_status".to_owned(), audit_log::ActorKind::Staff),
            ("procedure_status".to_owned(), audit_log::ActorKind::Staff),
        ]
    );
}
on_both!(rider_to_approval, rider_application_to_approval);

async fn course_change_ends_the_old_course_on_the_start_date(app: TestApp) {
    let db = app.db.clone();
    let aoi = app.member_headers("nakamura.aoi").await;
    let options = app.call(aoi.clone(), load_apply_options).await.unwrap();
    let sogo4 = options.contracts[0]
        .courses
        .iter()
        .find(|c| c.name == "総合保障型4型")
        .unwrap()
        .clone();
    assert_eq!(sogo4.difference.as_deref(), Some("+2,000円"));
    app.call(aoi.clone(), || {
        apply("course_change".into(), Some(sogo4.value.clone()), None)
    })
    .await
    .unwrap();
    let id = latest_procedure(&db).await.id;
    let staff = app.staff_headers("admin").await;
    for (to, starts_on) in [("under_review", None), ("approved", Some("2027-01-01"))] {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(id, to.into(), None, starts_on.map(str::to_owned))
        })
        .await
        .unwrap();
    }
    let aoi_id = member_id_of(&db, "nakamura.aoi").await;
    let course_on = |y, m, d| {
        let db = db.clone();
        async move {
            contracts_of(&db, aoi_id, NaiveDate::from_ymd_opt(y, m, d).unwrap())
                .await
                .unwrap()[0]
                .course
                .clone()
                .unwrap()
                .name
        }
    };
    assert_eq!(course_on(2026, 12, 31).await, "総合保障型2型");
    assert_eq!(course_on(2027, 1, 1).await, "総合保障型4型");
    // Meanwhile no second course change can be applied for.
    let options = app.call(aoi.clone(), load_apply_options).await.unwrap();
    assert!(options.contracts[0].courses.is_empty());
    assert!(options.contracts[0].course_note.is_some());
}
on_both!(
    course_change,
    course_change_ends_the_old_course_on_the_start_date
);

async fn documents_go_to_shipped_and_members_cancel_only_while_received(app: TestApp) {
    let db = app.db.clone();
    let yui = app.member_headers("kobayashi.yui").await;
    let docs = |d: &str| {
        let (yui, app, d) = (yui.clone(), &app, d.to_owned());
        async move {
            app.call(yui, || apply("document_request".into(), None, Some(d)))
                .await
        }
    };
    assert_eq!(
        docs("").await,
        Err(AppError::field(
            "documents",
            "お取り寄せになる書類を1つ以上選んでください。"
        ))
    );
    assert!(matches!(
        docs("pamphlet,../../etc").await,
        Err(AppError::Field { .. })
    ));
    docs("pamphlet,claim_hospital,pamphlet").await.unwrap();
    let first = latest_procedure(&db).await;
    assert_eq!(
        first.documents.as_deref(),
        Some("claim_hospital,pamphlet"),
        "catalogue order, once each"
    );
    docs("address_change").await.unwrap();
    let second = latest_procedure(&db).await;

    // The member withdraws the second one while it is 受付.
    app.call(yui.clone(), || cancel_procedure(second.id))
        .await
        .unwrap();
    // Staff ship the first; then it can no longer be withdrawn.
    let staff = app.staff_headers("operator").await;
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(first.id, "shipped".into(), None, None)
    })
    .await
    .unwrap();
    assert!(matches!(
        app.call(yui.clone(), || cancel_procedure(first.id)).await,
        Err(AppError::Conflict(_))
    ));
    // Cancelled ones are final for staff too.
    assert!(matches!(
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(second.id, "shipped".into(), None, None)
        })
        .await,
        Err(AppError::Conflict(_))
    ));
    let list = app.call(yui.clone(), my_procedures).await.unwrap();
    // Newest first; the demo's request taken by phone comes last.
    let statuses: Vec<Status> = list.iter().map(|p| p.status).collect();
    assert_eq!(
        statuses,
        [Status::Cancelled, Status::Shipped, Status::Shipped],
        "newest first"
    );
    assert!(list[2].filed_by_staff);
    let shipped = app
        .call(yui.clone(), || my_procedure(first.id))
        .await
        .unwrap();
    assert!(shipped.notes.iter().any(|n| n.contains("およそ1週間以内")));
    assert!(outbox_subjects_to(&db, "yui@example.jp")
        .await
        .iter()
        .any(|s| s.contains("(発送済)")));
}
on_both!(
    documents,
    documents_go_to_shipped_and_members_cancel_only_while_received
);

async fn members_never_reach_others_procedures_or_the_back_office(app: TestApp) {
    let db = app.db.clone();
    // 共済太郎's procedures (demo) and contract; 共済花子 tries them all.
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let taros: Vec<procedure_entity::Model> = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(taro_id))
        .all(&db)
        .await
        .unwrap();
    assert!(!taros.is_empty());
    let hanako = app.member_headers("kyosai.hanako").await;
    for p in &taros {
        assert_eq!(
            app.call(hanako.clone(), || my_procedure(p.id)).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            app.call(hanako.clone(), || cancel_procedure(p.id)).await,
            Err(AppError::NotFound)
        );
    }
    let hers = app.call(hanako.clone(), my_procedures).await.unwrap();
    assert!(hers.iter().all(|p| !taros.iter().any(|t| t.id == p.id)));
    let taro_choice = rider_choice(&db, "K-2019-000101", "sandai").await;
    for result in [
        app.call(hanako.clone(), || {
            preview_application("rider_addition".into(), Some(taro_choice.clone()), None)
        })
        .await
        .map(|_| ()),
        app.call(hanako.clone(), || {
            apply("rider_addition".into(), Some(taro_choice.clone()), None)
        })
        .await,
    ] {
        assert_eq!(result, Err(AppError::NotFound));
    }

    // A member session opens no staff function; neither does no session.
    for headers in [hanako.clone(), HeaderMap::new()] {
        let unauthenticated = Err::<(), _>(AppError::Unauthenticated { timed_out: false });
        assert_eq!(
            app.call(headers.clone(), app::staff::load_staff)
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || app::staff::staff_queue(
                None, None, None
            ))
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || app::staff::staff_procedure(taros[0].id))
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || {
                app::staff::staff_move_procedure(taros[0].id, "declined".into(), None, None)
            })
            .await,
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || app::staff::staff_search_members(
                "共済".into()
            ))
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || app::staff::staff_member(taro_id))
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || {
                app::staff::staff_audit(None, None, None, None, None, None)
            })
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), app::staff::staff_accounts)
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            app.call(headers.clone(), || app::staff::update_staff_account(
                1,
                "disable".into()
            ))
            .await,
            unauthenticated
        );
    }
    // And a staff session opens no member page.
    let staff = app.staff_headers("admin").await;
    assert_eq!(
        app.call(staff, my_procedures).await.map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(
    procedure_isolation,
    members_never_reach_others_procedures_or_the_back_office
);

async fn login_detail_changes_show_in_the_procedure_list(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    temporary::issue(&db, &cfg, "0123-45678", (By::System, ""), t0())
        .await
        .unwrap();
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let latest = latest_procedure(&db).await;
    assert_eq!(latest.member_id, taro_id);
    assert_eq!(latest.kind, app::domain::procedure::Kind::TemporaryPassword);
    assert_eq!(latest.status, Status::Completed);
    assert_eq!(latest.filed_by, app::domain::procedure::Actor::Staff);
}
on_both!(
    credential_procedures,
    login_detail_changes_show_in_the_procedure_list
);

/// Filings and status changes side by side, while the mail worker writes:
/// each is a transaction that reads, then writes. On SQLite one begun
/// deferred was refused at its first write (SQLITE_BUSY, which no busy
/// timeout covers) whenever another connection had written meanwhile, and the
/// member or staff saw a system error. Every one must land.
async fn concurrent_writes_all_land_while_the_mail_worker_runs(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join_all;
    use std::sync::atomic::{AtomicBool, Ordering};

    const N: usize = 12;
    let db = app.db.clone();
    let wanted = fixtures::Wanted {
        contract: true,
        ..Default::default()
    };
    let mut members = Vec::new();
    for _ in 0..N {
        let m = fixtures::member(&db, &wanted, app.now()).await.unwrap();
        let headers = app.member_headers(&m.user_id).await;
        members.push((m, headers));
    }
    let staff = app.staff_headers("operator").await;

    let stop = Arc::new(AtomicBool::new(false));
    let worker = tokio::spawn({
        let (db, clock, stop) = (db.clone(), app.clock.clone(), stop.clone());
        async move {
            let mut delivered = 0;
            while !stop.load(Ordering::Relaxed) {
                delivered += worker::deliver_due(&db, &worker::Transport::DevMailbox, clock.now())
                    .await
                    .expect("the worker's writes land too");
                tokio::task::yield_now().await;
            }
            delivered
        }
    });

    let filed = join_all(members.iter().map(|(_, headers)| {
        app.call(headers.clone(), || {
            apply("document_request".into(), None, Some("pamphlet".into()))
        })
    }))
    .await;
    assert!(filed.iter().all(Result::is_ok), "{filed:?}");
    let ids: Vec<i32> = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Kind.eq(app::domain::procedure::Kind::DocumentRequest))
        .filter(procedure_entity::Column::Status.eq(Status::Received))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids.len(), N);
    let moved = join_all(ids.iter().map(|id| {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(*id, "shipped".into(), None, None)
        })
    }))
    .await;
    assert!(moved.iter().all(Result::is_ok), "{moved:?}");
    stop.store(true, Ordering::Relaxed);
    worker.await.unwrap();

    // Nothing lost: every procedure shipped, and every member has both mails
    // (受付 and 発送済).
    for id in &ids {
        let p = procedure_entity::Entity::find_by_id(*id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.status, Status::Shipped);
    }
    for (m, _) in &members {
        let about_procedures = outbox_subjects_to(&db, &m.email)
            .await
            .into_iter()
            .filter(|s| s.contains("お手続き"))
            .count();
        assert_eq!(about_procedures, 2, "{}", m.email);
    }
}
on_both!(
    concurrent_writes,
    concurrent_writes_all_land_while_the_mail_worker_runs
);

/// The same application sent many times at once lands once; the others are
/// told it is already there (a unique index on open applications decides on
/// PostgreSQL, where the checks of parallel requests cannot see each other).
async fn identical_parallel_filings_land_once(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join_all;
    let db = app.db.clone();
    let wanted = fixtures::Wanted {
        contract: true,
        ..Default::default()
    };
    let m = fixtures::member(&db, &wanted, app.now()).await.unwrap();
    let headers = app.member_headers(&m.user_id).await;
    let choice = rider_choice(&db, m.contract_number.as_deref().unwrap(), "gan").await;
    let filed = join_all((0..20).map(|_| {
        app.call(headers.clone(), || {
            apply("rider_addition".into(), Some(choice.clone()), None)
        })
    }))
    .await;
    assert_eq!(filed.iter().filter(|r| r.is_ok()).count(), 1, "{filed:?}");
    assert!(filed
        .iter()
        .all(|r| matches!(r, Ok(()) | Err(AppError::Conflict(_)))));
    let open = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(m.member_id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);

    // However the checks interleave, the database itself refuses a second
    // open application for the same rider, and a second open coverage.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let again = procedure_entity::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..open[0].clone().into()
    };
    let err = again
        .insert(&db)
        .await
        .expect_err("a second open application");
    assert!(app::ssr::db::is_unique_violation(&err), "{err}");
    let contract_id = open[0].contract_id.unwrap();
    let rider_id = open[0].rider_id.unwrap();
    let cover = || app::ssr::entities::contract_rider::ActiveModel {
        contract_id: Set(contract_id),
        rider_id: Set(rider_id),
        starts_on: Set(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        ends_on: Set(None),
        ..Default::default()
    };
    cover().insert(&db).await.unwrap();
    let err = cover()
        .insert(&db)
        .await
        .expect_err("a second open coverage");
    assert!(app::ssr::db::is_unique_violation(&err), "{err}");
}
on_both!(parallel_filings, identical_parallel_filings_land_once);

/// A member who has left the co-op keeps My Page until the refund date, to
/// read statements and ask for documents, but adds no rider and changes no
/// course: the choices are gone with a reason, and a filing is refused.
async fn a_withdrawn_member_applies_for_no_coverage(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let choice = rider_choice(&db, "K-2025-001001", "gan").await;
    app.call(staff, || {
        app::staff::staff_record_withdrawal(sho_id, "2026-12-31".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    let sho = app.member_headers("watanabe.sho").await;
    let options = app.call(sho.clone(), load_apply_options).await.unwrap();
    for c in &options.contracts {
        assert!(c.riders.is_empty() && c.courses.is_empty());
        assert!(c.rider_note.as_deref().is_some_and(|n| n.contains("脱退")));
        assert!(c.course_note.as_deref().is_some_and(|n| n.contains("脱退")));
    }
    match app
        .call(sho.clone(), || {
            apply("rider_addition".into(), Some(choice.clone()), None)
        })
        .await
    {
        Err(AppError::Conflict(message)) => assert!(message.contains("脱退"), "{message}"),
        other => panic!("{other:?}"),
    }
    app.call(sho, || {
        apply("document_request".into(), None, Some("pamphlet".into()))
    })
    .await
    .expect("documents may still be asked for");
}
on_both!(
    withdrawn_no_coverage,
    a_withdrawn_member_applies_for_no_coverage
);

/// A withdrawal ends the member's coverage after the 脱退日: ご契約内容 says
/// so from the day after, the certificate projects no month beyond it, a
/// rider filed before it is not approved, and a corrected date moves the end.
async fn a_withdrawal_ends_the_coverage(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let expected = || async {
        app::money::ssr::certificate::lines_of(&db, sho_id, 2026, today)
            .await
            .unwrap()
            .iter()
            .map(|l| l.expected)
            .sum::<i64>()
    };
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let before = expected().await;
    let choice = rider_choice(&db, "K-2025-001001", "gan").await;
    let sho = app.member_headers("watanabe.sho").await;
    app.call(sho, || {
        apply("rider_addition".into(), Some(choice.clone()), None)
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await.id;
    let record = |on: &'static str| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || {
                app::staff::staff_record_withdrawal(sho_id, on.into(), "2027-07-31".into())
            })
            .await
        }
    };
    record("2026-11-30").await.unwrap();

    // December is no longer projected on the certificate.
    let after = expected().await;
    assert!(after < before, "{after} < {before}");
    let on = |d: NaiveDate| {
        let db = db.clone();
        async move { contracts_of(&db, sho_id, d).await.unwrap() }
    };
    let last = on(day(11, 30)).await;
    assert!(last[0].course.is_some() && last[0].ended.is_none());
    let gone = on(day(12, 1)).await;
    assert_eq!(gone[0].ended.as_deref(), Some("2026/11/30"));
    assert!(gone[0].course.is_none() && gone[0].riders.is_empty());

    // The rider filed before the withdrawal is not added after it.
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "under_review".into(), None, None)
    })
    .await
    .unwrap();
    match app
        .call(staff.clone(), || {
            app::staff::staff_move_procedure(
                filed,
                "approved".into(),
                None,
                Some("2027-01-01".into()),
            )
        })
        .await
    {
        Err(AppError::Conflict(message)) => assert!(message.contains("脱退"), "{message}"),
        other => panic!("{other:?}"),
    }
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "declined".into(), Some("脱退のため".into()), None)
    })
    .await
    .expect("declined instead");

    // A later 脱退日, corrected: December is covered and projected again.
    app.call(staff.clone(), || {
        app::staff::staff_correct_withdrawal(sho_id, "2026-12-31".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    assert_eq!(expected().await, before);
    assert!(on(day(12, 1)).await[0].course.is_some());
    let next_year = on(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).await;
    assert_eq!(next_year[0].ended.as_deref(), Some("2026/12/31"));
    // Another member's coverage is untouched.
    let taro = member_id_of(&db, "kyosai.taro").await;
    let his = contracts_of(&db, taro, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        .await
        .unwrap();
    assert!(his.iter().all(|c| c.ended.is_none() && c.course.is_some()));
}
on_both!(withdrawal_ends_coverage, a_withdrawal_ends_the_coverage);

/// A member asks by phone (seed 000: other years of the certificate go
/// through the co-op): staff file it from the member's record; it is on the
/// member's 手続き照会 as made by the co-op, mailed like their own, and
/// only staff may do it, for a member that exists.
async fn staff_file_what_a_member_asks_by_phone(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let file = |kind: &'static str, documents: Option<&'static str>, year: Option<&'static str>| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || {
                app::staff::staff_file_procedure(
                    sho_id,
                    kind.into(),
                    None,
                    documents.map(|d| {
                        d.split(',')
                            .filter(|code| !code.is_empty())
                            .map(str::to_owned)
                            .collect()
                    }),
                    year.map(Into::into),
                )
            })
            .await
        }
    };
    // The record offers the years the screen does not: back to 2021.
    let record = app
        .call(staff.clone(), || app::staff::staff_member(sho_id))
        .await
        .unwrap();
    assert_eq!(
        record.filing.certificate_years,
        [2026, 2025, 2024, 2023, 2022, 2021]
    );
    assert!(!record.filing.options.documents.is_empty());

    // Several documents in one filing, as the member's own form; none is
    // told beside the field.
    assert!(matches!(
        file("document_request", Some(""), None).await,
        Err(AppError::Field { ref field, .. }) if field == "documents"
    ));
    file("document_request", Some("pamphlet,claim_hospital"), None)
        .await
        .unwrap();
    file("certificate_reissue", None, Some("2021"))
        .await
        .unwrap();
    assert!(matches!(
        file("certificate_reissue", None, Some("2019")).await,
        Err(AppError::Field { ref field, .. }) if field == "year"
    ));
    assert!(matches!(
        file("certificate_reissue", None, Some("2021")).await,
        Err(AppError::Conflict(_))
    ));
    let sho = app.member_headers("watanabe.sho").await;
    let listed = app.call(sho.clone(), my_procedures).await.unwrap();
    let by_staff: Vec<(&str, &str)> = listed
        .iter()
        .filter(|p| p.filed_by_staff)
        .map(|p| (p.kind.as_str(), p.summary.as_str()))
        .collect();
    assert!(by_staff.contains(&(
        "掛金払込証明書の再発行",
        "2021年分(書面でご登録の住所へお送りします)"
    )));
    assert!(by_staff.iter().any(|(k, s)| *k == "書類のお取り寄せ"
        && s.contains("パンフレット")
        && s.contains("共済金請求書類(入院・通院・手術)")));
    let by_staff_mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq("sho@example.jp"))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.body_text.contains("職員がお手続きを受け付けました"))
        .count();
    assert_eq!(by_staff_mails, 2);

    // Not for a member session, anyone without a cookie, or staff before
    // their second factor; and not for a member that does not exist.
    let call = |headers: HeaderMap, member_id: i32| {
        let app = &app;
        async move {
            app.call(headers, || {
                app::staff::staff_file_procedure(
                    member_id,
                    "document_request".into(),
                    None,
                    Some(vec!["pamphlet".into()]),
                    None,
                )
            })
            .await
        }
    };
    assert!(matches!(
        call(sho, sho_id).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        call(HeaderMap::new(), sho_id).await,
        Err(AppError::Unauthenticated { .. })
    ));
    let half = app.staff_password_stage("operator").await;
    assert_eq!(
        call(half, sho_id).await,
        Err(AppError::SecondFactorRequired)
    );
    assert_eq!(call(staff.clone(), 999_999).await, Err(AppError::NotFound));
}
on_both!(staff_file_by_phone, staff_file_what_a_member_asks_by_phone);

/// A rider approved to start after a withdrawal recorded later never starts:
/// the member's 手続き照会 says so instead of naming the start date.
async fn an_approved_rider_after_the_withdrawal_never_starts(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let choice = rider_choice(&db, "K-2025-001001", "gan").await;
    let sho = app.member_headers("watanabe.sho").await;
    app.call(sho.clone(), || {
        apply("rider_addition".into(), Some(choice.clone()), None)
    })
    .await
    .unwrap();
    let id = latest_procedure(&db).await.id;
    for (to, starts_on) in [("under_review", None), ("approved", Some("2027-01-01"))] {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(id, to.into(), None, starts_on.map(Into::into))
        })
        .await
        .unwrap();
    }
    let notes = |sho: HeaderMap| app.call(sho, move || my_procedure(id));
    let before = notes(sho.clone()).await.unwrap().notes;
    assert!(before.iter().any(|n| n.contains("2027/1/1")), "{before:?}");
    app.call(staff, || {
        app::staff::staff_record_withdrawal(sho_id, "2026-12-31".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    let after = notes(sho).await.unwrap().notes;
    assert!(
        after.iter().any(|n| n.contains("脱退が記録された")),
        "{after:?}"
    );
    assert!(!after.iter().any(|n| n.contains("2027/1/1")), "{after:?}");
}
on_both!(
    approved_rider_after_withdrawal,
    an_approved_rider_after_the_withdrawal_never_starts
);

/// A member asks by phone to cancel, or a request was filed twice: staff
/// cancel it with the reason, which the member sees on 手続き照会 and in the
/// mail. A paper 改姓届 is not recorded beside an online name change still
/// open (staff decide that one first). Staff cancelling while another
/// ships it: one of the two lands.
async fn staff_cancel_a_procedure_with_the_reason(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join;
    let db = app.db.clone();
    let m = fixtures::member(&db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let member = app.member_headers(&m.user_id).await;
    app.call(member.clone(), || {
        app::member::file_name_change("改姓 花子".into(), "カイセイ ハナコ".into())
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await.id;
    let staff = app.staff_headers("operator").await;
    match app
        .call(staff.clone(), || {
            app::staff::staff_change_name(m.member_id, "改姓 花子".into(), "カイセイ ハナコ".into())
        })
        .await
    {
        Err(AppError::Conflict(message)) => {
            assert!(message.contains("お手続き中です"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // From 審査中 too; the reason is required: it is what the member reads.
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "under_review".into(), None, None)
    })
    .await
    .unwrap();
    assert_eq!(
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(filed, "cancelled".into(), Some("  ".into()), None)
        })
        .await,
        Err(AppError::field(
            "comment",
            "取り消す理由をコメントに入力してください(組合員にも表示されます)。"
        ))
    );
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(
            filed,
            "cancelled".into(),
            Some("改姓届(書面)で承りましたので、こちらは取り消しました。".into()),
            None,
        )
    })
    .await
    .unwrap();
    let seen = app
        .call(member.clone(), || my_procedure(filed))
        .await
        .unwrap();
    assert_eq!(seen.summary.status, Status::Cancelled);
    let last = seen.history.last().unwrap();
    assert_eq!(last.by, "当組合(職員)");
    assert_eq!(
        last.comment.as_deref(),
        Some("改姓届(書面)で承りましたので、こちらは取り消しました。")
    );
    let mail = latest_mail_to(&db, &m.email).await;
    assert!(mail.subject.contains("(取消)"), "{}", mail.subject);
    assert!(mail.body_text.contains("改姓届(書面)で承りました"));
    // Final now, for staff and the member alike.
    assert!(matches!(
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(filed, "under_review".into(), None, None)
        })
        .await,
        Err(AppError::Conflict(_))
    ));
    // Nothing waits now: the paper change is recorded.
    app.call(staff.clone(), || {
        app::staff::staff_change_name(m.member_id, "改姓 花子".into(), "カイセイ ハナコ".into())
    })
    .await
    .unwrap();

    // One staff member cancels while another ships: one lands.
    app.call(member.clone(), || {
        apply("document_request".into(), None, Some("pamphlet".into()))
    })
    .await
    .unwrap();
    let docs = latest_procedure(&db).await.id;
    let other = app.staff_headers("admin").await;
    let (cancelled, shipped) = join(
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(docs, "cancelled".into(), Some("重複".into()), None)
        }),
        app.call(other, || {
            app::staff::staff_move_procedure(docs, "shipped".into(), None, None)
        }),
    )
    .await;
    assert!(
        cancelled.is_ok() != shipped.is_ok(),
        "{cancelled:?} {shipped:?}"
    );
    let events = app
        .call(member, || my_procedure(docs))
        .await
        .unwrap()
        .history
        .len();
    assert_eq!(events, 2, "filed, then one move");
}
on_both!(staff_cancel, staff_cancel_a_procedure_with_the_reason);

/// Staff shipping documents see where they go: the registered address now,
/// and a warning when the member moved after filing.
async fn staff_see_where_documents_go(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    app.call(taro.clone(), || {
        apply("document_request".into(), None, Some("pamphlet".into()))
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await.id;
    let staff = app.staff_headers("operator").await;
    let case = app
        .call(staff.clone(), || app::staff::staff_procedure(filed))
        .await
        .unwrap();
    let (address, moved) = case.ship_to.expect("an address for documents");
    assert!(address.contains("埼玉県さいたま市浦和区岸町"), "{address}");
    assert!(!moved);
    app.advance(Duration::minutes(5));
    app.call(taro, || {
        app::member::change_address(
            "1000001".into(),
            "東京都".into(),
            "千代田区千代田1-1".into(),
            "".into(),
        )
    })
    .await
    .unwrap();
    let case = app
        .call(staff.clone(), || app::staff::staff_procedure(filed))
        .await
        .unwrap();
    let (address, moved) = case.ship_to.unwrap();
    assert!(address.contains("東京都千代田区千代田"), "{address}");
    assert!(moved, "the member moved after filing");
    // Once shipped, it went where it went: no warning any more.
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "shipped".into(), None, None)
    })
    .await
    .unwrap();
    let case = app
        .call(staff.clone(), || app::staff::staff_procedure(filed))
        .await
        .unwrap();
    assert_eq!(case.ship_to.map(|(_, moved)| moved), Some(false));
    // A rider has nothing to mail (the demo's approved one of 共済太郎).
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let rider = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(taro_id))
        .filter(procedure_entity::Column::Kind.eq(app::domain::procedure::Kind::RiderAddition))
        .one(&db)
        .await
        .unwrap()
        .expect("the demo's rider");
    let case = app
        .call(staff, || app::staff::staff_procedure(rider.id))
        .await
        .unwrap();
    assert_eq!(case.ship_to, None);
}
on_both!(ship_to, staff_see_where_documents_go);

/// A contract whose coverage has ended takes no rider (a rider alone would
/// make it look in force again): not offered, refused when sent anyway,
/// and an approval dated after the course's end is refused beside the date.
async fn an_ended_contract_takes_no_rider(app: TestApp) {
    use app::ssr::demo::fixtures;
    use app::ssr::entities::contract_course;
    use sea_orm::sea_query::Expr;
    let db = app.db.clone();
    let m = fixtures::member(
        &db,
        &fixtures::Wanted {
            contract: true,
            ..Default::default()
        },
        app.now(),
    )
    .await
    .unwrap();
    let number = m.contract_number.clone().unwrap();
    let member = app.member_headers(&m.user_id).await;
    let choice = rider_choice(&db, &number, "gan").await;
    let (contract_id, gan): (i32, i32) = choice
        .split_once('-')
        .map(|(c, r)| (c.parse().unwrap(), r.parse().unwrap()))
        .unwrap();
    // The contract's end as a consistent export has it: its course and the
    // riders it came with end on `day` (not a rider approved here).
    let end_course_on = |day: NaiveDate| {
        let db = db.clone();
        async move {
            contract_course::Entity::update_many()
                .col_expr(contract_course::Column::EndsOn, Expr::value(Some(day)))
                .filter(contract_course::Column::ContractId.eq(contract_id))
                .exec(&db)
                .await?;
            app::ssr::entities::contract_rider::Entity::update_many()
                .col_expr(
                    app::ssr::entities::contract_rider::Column::EndsOn,
                    Expr::value(Some(day)),
                )
                .filter(app::ssr::entities::contract_rider::Column::ContractId.eq(contract_id))
                .filter(app::ssr::entities::contract_rider::Column::RiderId.ne(gan))
                .exec(&db)
                .await
        }
    };

    // In force: filed. The course then ends on 2027/1/1 (set here as the
    // contracts import would): an approval from 2027/2/1 is refused.
    app.call(member.clone(), || {
        apply("rider_addition".into(), Some(choice.clone()), None)
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await.id;
    end_course_on(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        .await
        .unwrap();
    let staff = app.staff_headers("operator").await;
    app.call(staff.clone(), || {
        app::staff::staff_move_procedure(filed, "under_review".into(), None, None)
    })
    .await
    .unwrap();
    let approve = |day: &str| {
        let day = day.to_owned();
        app.call(staff.clone(), move || {
            app::staff::staff_move_procedure(filed, "approved".into(), None, Some(day))
        })
    };
    let refused = approve("2027-02-01").await.unwrap_err();
    assert!(
        refused
            .for_field("starts_on")
            .is_some_and(|m| m.contains("保障がありません")),
        "{refused:?}"
    );
    assert_eq!(latest_procedure(&db).await.status, Status::UnderReview);
    // The core system resumes the contract in April after a gap: the
    // rider still ends with the course it was added to.
    let course_id = contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.eq(contract_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .course_id;
    let resumed = contract_course::ActiveModel {
        contract_id: sea_orm::ActiveValue::Set(contract_id),
        course_id: sea_orm::ActiveValue::Set(course_id),
        starts_on: sea_orm::ActiveValue::Set(NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()),
        ends_on: sea_orm::ActiveValue::Set(None),
        ..Default::default()
    };
    let resumed = sea_orm::ActiveModelTrait::insert(resumed, &db)
        .await
        .unwrap();
    approve("2026-12-01").await.expect("while the course holds");
    let rider_row = app::ssr::entities::contract_rider::Entity::find()
        .filter(app::ssr::entities::contract_rider::Column::ContractId.eq(contract_id))
        .filter(app::ssr::entities::contract_rider::Column::RiderId.eq(gan))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rider_row.ends_on, NaiveDate::from_ymd_opt(2027, 1, 1));
    contract_course::Entity::delete_by_id(resumed.id)
        .exec(&db)
        .await
        .unwrap();
    // The rider ends with the course: from 2027/1/1 the contract has ended
    // and shows no rider.
    let rider_of = |day: NaiveDate| {
        let db = db.clone();
        let number = number.clone();
        async move {
            contracts_of(&db, m.member_id, day)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.contract_number == number)
                .unwrap()
        }
    };
    let december = rider_of(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()).await;
    assert!(december.riders.iter().any(|r| r.name == "がん特約"));
    let january = rider_of(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()).await;
    assert!(
        !january.riders.iter().any(|r| r.name == "がん特約") && january.ended.is_some(),
        "{january:?}"
    );

    // Ended since 2026/11/1: nothing offered, nothing filed.
    end_course_on(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .await
        .unwrap();
    let other = rider_choice(&db, &number, "josei").await;
    let options = app.call(member.clone(), load_apply_options).await.unwrap();
    let offered = options
        .contracts
        .iter()
        .find(|c| c.contract_number == number)
        .unwrap();
    assert!(offered.riders.is_empty() && offered.courses.is_empty());
    assert!(
        offered
            .rider_note
            .as_deref()
            .is_some_and(|n| n.contains("保障が終了している")),
        "{offered:?}"
    );
    match app
        .call(member, || {
            apply("rider_addition".into(), Some(other.clone()), None)
        })
        .await
    {
        Err(AppError::Conflict(message)) => {
            assert!(message.contains("保障が終了している"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
on_both!(ended_contract_rider, an_ended_contract_takes_no_rider);
