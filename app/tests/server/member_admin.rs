//! Staff on a member's record (S2): a new member after the 出資金 payment,
//! a confirmed name change, unlock and a temporary password from the
//! member's page, each audited.

use crate::helpers::*;
use app::domain::membership::Stage;
use app::ssr::demo::fixtures;
use app::ssr::entities::member;

fn create(
    number: &str,
    name: &str,
    kana: &str,
    birth: &str,
    paid_on: &str,
    amount: &str,
) -> impl std::future::Future<Output = Result<app::staff::CreatedMember, AppError>> {
    app::staff::staff_create_member(app::domain::member_fields::Raw {
        number: number.into(),
        name: name.into(),
        kana: kana.into(),
        birth_date: birth.into(),
        postal_code: "330-0064".into(),
        prefecture: "埼玉県".into(),
        address1: "さいたま市浦和区岸町7-5-14".into(),
        phone: "048-123-4567".into(),
        capital_paid_on: paid_on.into(),
        capital_amount: amount.into(),
        ..Default::default()
    })
}

/// A new member needs the payment; bad fields are named; a number is
/// registered once; the record is audited.
async fn staff_add_a_member(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let field = |r: Result<app::staff::CreatedMember, AppError>| match r {
        Err(AppError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let call = |args: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || {
                create(args.0, args.1, args.2, args.3, args.4, args.5)
            })
            .await
        }
    };
    assert_eq!(
        field(
            call((
                "7100-00001",
                "新規 花子",
                "シンキ ハナコ",
                "1990-01-02",
                "",
                "1000"
            ))
            .await
        ),
        "capital_paid_on"
    );
    assert_eq!(
        field(
            call((
                "7100-00001",
                "新規 花子",
                "ｼﾝｷ",
                "1990-01-02",
                "2026-11-20",
                "1000"
            ))
            .await
        ),
        "name_kana"
    );
    assert_eq!(
        field(
            call((
                "71000",
                "新規 花子",
                "シンキ ハナコ",
                "1990-01-02",
                "2026-11-20",
                "1000"
            ))
            .await
        ),
        "member_number"
    );
    let made = call((
        "7100-00001",
        "髙橋 花子",
        "たかはし はなこ",
        "1990-01-02",
        "2026-11-20",
        "1,000",
    ))
    .await
    .unwrap();
    assert_eq!(made.number, "7100-00001");
    assert_eq!(made.warnings.len(), 1, "髙 is kept, with a warning");
    let m = member::Entity::find_by_id(made.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (m.name.as_str(), m.name_kana.as_str(), m.capital_amount),
        ("髙橋 花子", "タカハシ　ハナコ", Some(1000))
    );
    assert_eq!(
        field(
            call((
                "7100-00001",
                "別人 一郎",
                "ベツジン",
                "1990-01-02",
                "2026-11-20",
                "1000"
            ))
            .await
        ),
        "member_number",
        "the same number twice"
    );
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("member_created"))
        .filter(audit_log::Column::MemberId.eq(made.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audited");
    assert!(entry.after.unwrap().contains("出資金 1000円"));
    // Without a staff session, nothing.
    assert!(matches!(
        app.call(HeaderMap::new(), || create(
            "7100-00002",
            "a",
            "ア",
            "1990-01-01",
            "2026-11-20",
            "1000"
        ))
        .await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(member_create, staff_add_a_member);

/// A confirmed name change: before and after in the audit log, a mail to
/// the member, listed on their 手続き照会; the same name again is refused.
async fn staff_record_a_name_change(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let before = member::Entity::find_by_id(m.member_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app.call(staff.clone(), || {
        app::staff::staff_change_name(m.member_id, "改姓 花子".into(), "カイセイ ハナコ".into())
    })
    .await
    .unwrap();
    let after = member::Entity::find_by_id(m.member_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.name.as_str(), after.name_kana.as_str()),
        ("改姓 花子", "カイセイ　ハナコ")
    );
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("name_changed"))
        .filter(audit_log::Column::MemberId.eq(m.member_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(
        entry.before,
        Some(format!("{}({})", before.name, before.name_kana))
    );
    assert_eq!(entry.after.as_deref(), Some("改姓 花子(カイセイ　ハナコ)"));
    let mail = latest_mail_to(&app.db, &m.email).await;
    assert!(mail.subject.contains("登録内容変更(氏名)完了"));
    // On the member's 手続き照会, done and made by the co-op (M7: a member
    // spots changes they did not make).
    let me = app.member_headers(&m.user_id).await;
    let listed = app.call(me, app::procedure::my_procedures).await.unwrap();
    assert_eq!(
        (
            listed[0].kind.as_str(),
            listed[0].status,
            listed[0].filed_by_staff
        ),
        ("改姓(氏名の変更)", Status::Completed, true)
    );
    // A record that predates today's rules (a very long address from the
    // core system) does not stand in the way of a name change.
    member::Entity::update_many()
        .col_expr(
            member::Column::Address1,
            sea_orm::sea_query::Expr::value("長".repeat(90)),
        )
        .filter(member::Column::Id.eq(m.member_id))
        .exec(&app.db)
        .await
        .unwrap();
    app.call(staff.clone(), || {
        app::staff::staff_change_name(m.member_id, "再婚 花子".into(), "サイコン ハナコ".into())
    })
    .await
    .expect("other fields are not checked again");
    app.call(staff.clone(), || {
        app::staff::staff_change_name(m.member_id, "改姓 花子".into(), "カイセイ ハナコ".into())
    })
    .await
    .expect("and back");
    assert!(mail.body_text.starts_with("改姓 花子様"));
    assert!(matches!(
        app.call(staff.clone(), || {
            app::staff::staff_change_name(m.member_id, "改姓 花子".into(), "カイセイ ハナコ".into())
        })
        .await,
        Err(AppError::Field { .. })
    ));
    assert!(matches!(
        app.call(staff, || app::staff::staff_change_name(m.member_id, "".into(), "カイセイ".into()))
            .await,
        Err(AppError::Field { field, .. }) if field == "name"
    ));
}
on_both!(member_rename, staff_record_a_name_change);

/// Unlock and the temporary password from the member's page, by staff.
async fn staff_help_a_member_log_in(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    for _ in 0..5 {
        let _ = login(&app.db, &m.user_id, "wrong", app.now()).await;
    }
    assert_eq!(
        login(&app.db, &m.user_id, &m.password, app.now()).await,
        Err(AppError::LoginFailed)
    );
    app.call(staff.clone(), || {
        app::staff::staff_unlock_member(m.member_id)
    })
    .await
    .unwrap();
    login(&app.db, &m.user_id, &m.password, app.now())
        .await
        .expect("unlocked");
    app.call(staff.clone(), || {
        app::staff::staff_issue_temporary_password(m.member_id)
    })
    .await
    .unwrap();
    let mail = latest_mail_to(&app.db, &m.email).await;
    assert!(mail.body_text.contains("仮パスワード"));
    // Until when it works, from now (72 hours), in JST.
    let expires = app::domain::jst::format_datetime(
        app.now() + Duration::hours(app::domain::policy::TEMPORARY_PASSWORD_HOURS),
    );
    assert!(
        mail.body_text.contains(&format!("有効期限:{expires}まで")),
        "{}",
        mail.body_text
    );
    assert_eq!(
        login(&app.db, &m.user_id, &m.password, app.now()).await,
        Err(AppError::LoginFailed),
        "the old password no longer opens"
    );
    // Staff see why a member cannot log in: the latest logins, newest
    // first, and the temporary password's state.
    let record = app
        .call(staff.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert_eq!(
        record.temporary_password,
        Some((expires.clone(), false)),
        "issued, not yet used"
    );
    assert!(!record.logins.is_empty() && record.logins.len() <= 10);
    assert_eq!(record.logins[0].result, "失敗");
    assert!(record.logins.iter().any(|l| l.result == "ロック中"));
    app.advance(Duration::hours(
        app::domain::policy::TEMPORARY_PASSWORD_HOURS,
    ));
    let staff = app.staff_headers("operator").await;
    let record = app
        .call(staff.clone(), || app::staff::staff_member(m.member_id))
        .await
        .unwrap();
    assert_eq!(record.temporary_password, Some((expires, true)), "expired");
    let staff_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    for action in ["account_unlocked", "temporary_password_issued"] {
        let entry = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(action))
            .filter(audit_log::Column::MemberId.eq(m.member_id))
            .one(&app.db)
            .await
            .unwrap()
            .expect(action);
        assert_eq!(
            entry.actor_id,
            Some(staff_id),
            "{action} by the staff member"
        );
    }
    // A member session is not a staff session.
    let member = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        app.call(member, || app::staff::staff_unlock_member(m.member_id))
            .await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(member_login_help, staff_help_a_member_log_in);

/// Staff stop the service at the member's request: the sessions end, the
/// login is refused, a mail confirms; staff re-open it.
async fn staff_stop_and_reopen(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let session = app.member_headers(&m.user_id).await;
    // A reset link in the mailbox before the stop (misuse: someone reads it).
    let link = reset_link(&app, &m.user_id, &m.email).await;
    app.call(staff.clone(), || {
        app::staff::staff_stop_service(m.member_id)
    })
    .await
    .unwrap();
    assert!(matches!(
        app.call(session, app::member::my_profile).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(!link_works(&app, &link).await, "the stop voids the link");
    // Asked for while stopped: the same answer, and no mail.
    let mails = outbox_subjects_to(&app.db, &m.email).await.len();
    reset::request(&app.db, &config(), &m.user_id, &client(), app.now())
        .await
        .expect("the same answer as for anyone");
    assert_eq!(outbox_subjects_to(&app.db, &m.email).await.len(), mails);
    assert!(matches!(
        login(&app.db, &m.user_id, &m.password, app.now()).await,
        Err(AppError::AccessClosed(_))
    ));
    let mail = latest_mail_to(&app.db, &m.email).await;
    assert!(mail.subject.contains("ご利用停止"));
    assert!(mail.body_text.contains("当組合にて"), "{}", mail.body_text);
    // Someone trying passwords meanwhile locks the account, but no lockout
    // mail tells the member to reset a password they cannot use.
    for _ in 0..app::domain::policy::LOCKOUT_FAILURES {
        assert!(matches!(
            login(&app.db, &m.user_id, "wrong-password", app.now()).await,
            Err(AppError::LoginFailed)
        ));
    }
    assert!(account_of(&app.db, &m.user_id).await.locked_until.is_some());
    assert_eq!(latest_mail_to(&app.db, &m.email).await.id, mail.id);
    app.advance(Duration::minutes(app::domain::policy::LOCKOUT_MINUTES));
    assert!(matches!(
        app.call(staff.clone(), || app::staff::staff_stop_service(
            m.member_id
        ))
        .await,
        Err(AppError::Conflict(_))
    ));
    // Two staff re-open it at once: one does, once audited and mailed.
    let reopen = || {
        app.call(staff.clone(), || {
            app::staff::staff_reopen_service(m.member_id)
        })
    };
    let (a, b) = tokio::join!(reopen(), reopen());
    assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} {b:?}");
    let reopened = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("service_reopened"))
        .filter(audit_log::Column::MemberId.eq(m.member_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(reopened.len(), 1);
    assert_eq!(
        outbox_subjects_to(&app.db, &m.email)
            .await
            .iter()
            .filter(|s| s.contains("ご利用再開"))
            .count(),
        1
    );
    login(&app.db, &m.user_id, &m.password, app.now())
        .await
        .expect("open again");

    // A withdrawn member keeps My Page until the refund date; misuse in
    // those months is stopped the same way, and re-opened to that date.
    app.call(staff.clone(), || {
        app::staff::staff_record_withdrawal(m.member_id, "2027-03-31".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    let stage = || async {
        app.call(staff.clone(), || app::staff::staff_member(m.member_id))
            .await
            .unwrap()
            .stage
    };
    let last_day = NaiveDate::from_ymd_opt(2027, 7, 31).unwrap();
    assert_eq!(stage().await, Stage::Withdrawing { last_day });
    app.call(staff.clone(), || {
        app::staff::staff_stop_service(m.member_id)
    })
    .await
    .expect("a withdrawing member's My Page stops too");
    assert_eq!(stage().await, Stage::Stopped);
    assert!(matches!(
        login(&app.db, &m.user_id, &m.password, app.now()).await,
        Err(AppError::AccessClosed(_))
    ));
    app.call(staff.clone(), || {
        app::staff::staff_reopen_service(m.member_id)
    })
    .await
    .unwrap();
    assert_eq!(stage().await, Stage::Withdrawing { last_day });
}
on_both!(member_stop, staff_stop_and_reopen);

/// A member whose mailbox is gone asks by phone: an admin changes the
/// address (checked beside the field; never another member's), every login
/// and known browser ends, both addresses are mailed, the change is on the
/// member's 手続き照会 and audited; two admins at once change it once; only
/// admins may.
async fn an_admin_changes_a_members_mail_address(app: TestApp) {
    let admin = app.staff_headers("admin").await;
    let m = fixtures::member(
        &app.db,
        &fixtures::Wanted {
            known_browser: true,
            ..Default::default()
        },
        app.now(),
    )
    .await
    .unwrap();
    let session = app.member_headers(&m.user_id).await;
    let was = m.email.clone();
    let change = |headers: HeaderMap, member_id: i32, email: &str| {
        let (email, was) = (email.to_owned(), was.clone());
        app.call(headers, move || {
            app::staff::staff_change_member_email(member_id, email, was)
        })
    };
    let taro = account_of(&app.db, "kyosai.taro").await;
    for (email, why) in [
        ("", "メールアドレス"),
        ("not-an-address", "メールアドレス"),
        (m.email.as_str(), "同じ"),
        (taro.email.as_str(), "ほかの方"),
    ] {
        match change(admin.clone(), m.member_id, email).await {
            Err(e) => assert!(
                e.for_field("email").is_some_and(|msg| msg.contains(why)),
                "{email}: {e:?}"
            ),
            Ok(()) => panic!("{email} taken"),
        }
    }
    // Only admins: not an operator, a member, no cookie, half a staff login.
    let operator = app.staff_headers("operator").await;
    assert_eq!(
        change(operator, m.member_id, "new@example.jp").await,
        Err(AppError::Forbidden)
    );
    assert!(matches!(
        change(session.clone(), m.member_id, "new@example.jp").await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        change(HeaderMap::new(), m.member_id, "new@example.jp").await,
        Err(AppError::Unauthenticated { .. })
    ));
    let half = app.staff_password_stage("admin").await;
    assert_eq!(
        change(half, m.member_id, "new@example.jp").await,
        Err(AppError::SecondFactorRequired)
    );
    assert_eq!(
        change(admin.clone(), 999_999, "new@example.jp").await,
        Err(AppError::NotFound)
    );
    assert_eq!(account_of(&app.db, &m.user_id).await.email, m.email);

    // A reset link the old mailbox got before the change.
    reset::request(&app.db, &config(), &m.user_id, &client(), app.now())
        .await
        .unwrap();
    let old_link = link_token(&latest_mail_to(&app.db, &m.email).await.body_text);
    reset::check_token(&app.db, &old_link, app.now())
        .await
        .expect("valid before");

    // Two admins on the same page, each with another address: one lands,
    // the other is told, whatever the order.
    let second = app.staff_headers("admin").await;
    let (a, b) = tokio::join!(
        change(admin.clone(), m.member_id, "first@example.jp"),
        change(second, m.member_id, "second@example.jp")
    );
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "{a:?} {b:?}"
    );
    for r in [&a, &b] {
        assert!(matches!(r, Ok(()) | Err(AppError::Conflict(_))), "{r:?}");
    }
    let now_email = account_of(&app.db, &m.user_id).await.email;
    assert!(["first@example.jp", "second@example.jp"].contains(&now_email.as_str()));

    // The old login is over; the next one needs a code at the new address.
    assert!(matches!(
        app.call(session, app::contract::my_contracts).await,
        Err(AppError::Unauthenticated { .. })
    ));
    let known = app::ssr::entities::known_device::Entity::find()
        .filter(
            app::ssr::entities::known_device::Column::AccountId
                .eq(account_of(&app.db, &m.user_id).await.id),
        )
        .all(&app.db)
        .await
        .unwrap();
    assert!(known.is_empty(), "no browser stays known");
    for address in [m.email.as_str(), now_email.as_str()] {
        assert!(
            outbox_subjects_to(&app.db, address)
                .await
                .iter()
                .any(|s| s.contains("メールアドレス変更のお知らせ")),
            "{address}"
        );
    }
    // The old mailbox's link is dead, and it is not told the new address.
    assert_eq!(
        reset::check_token(&app.db, &old_link, app.now())
            .await
            .err(),
        Some(AppError::InvalidLink)
    );
    let notice = latest_mail_to(&app.db, &m.email).await;
    assert!(notice.subject.contains("メールアドレス変更のお知らせ"));
    assert!(
        !notice.body_text.contains(&now_email),
        "{}",
        notice.body_text
    );
    let filed = latest_procedure(&app.db).await;
    assert_eq!(
        (filed.member_id, filed.kind, filed.status),
        (
            m.member_id,
            app::domain::procedure::Kind::EmailChange,
            Status::Completed
        )
    );
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(m.member_id))
        .filter(audit_log::Column::Action.eq("email_changed"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(entry.before.as_deref(), Some(m.email.as_str()));
    assert_eq!(entry.actor_kind, audit_log::ActorKind::Staff);

    // A member without My Page has no address to change.
    let letterless = fixtures::member(
        &app.db,
        &fixtures::Wanted {
            without_account: true,
            ..Default::default()
        },
        app.now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        change(admin, letterless.member_id, "x@example.jp").await,
        Err(AppError::Conflict(_))
    ));
}
on_both!(
    member_email_by_staff,
    an_admin_changes_a_members_mail_address
);

/// Staff record a paper 改姓届 while the member files one online at the same
/// moment: the paper one never lands beside an online one filed before it
/// (it would stay 「お手続き中」 next to the recorded name). Either staff see
/// the online one and are refused, or the online one is filed after.
async fn a_paper_name_change_and_an_online_one_at_once(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join;
    let staff = app.staff_headers("operator").await;
    for _ in 0..8 {
        let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
            .await
            .unwrap();
        let member = app.member_headers(&m.user_id).await;
        let (paper, online) = join(
            app.call(staff.clone(), || {
                app::staff::staff_change_name(
                    m.member_id,
                    "改姓 花子".into(),
                    "カイセイ ハナコ".into(),
                )
            }),
            app.call(member, || {
                app::member::file_name_change("再婚 花子".into(), "サイコン ハナコ".into())
            }),
        )
        .await;
        let of_kind = procedure_entity::Entity::find()
            .filter(procedure_entity::Column::MemberId.eq(m.member_id))
            .filter(procedure_entity::Column::Kind.eq(app::domain::procedure::Kind::NameChange))
            .all(&app.db)
            .await
            .unwrap();
        let open = of_kind.iter().find(|p| p.status == Status::Received);
        let done = of_kind.iter().find(|p| p.status == Status::Completed);
        match (&paper, &online) {
            (Ok(()), Ok(())) => assert!(
                open.unwrap().id > done.unwrap().id,
                "the online one was filed after the paper one"
            ),
            (Err(AppError::Conflict(_)), Ok(())) => assert!(open.is_some() && done.is_none()),
            (Ok(()), Err(_)) => assert!(done.is_some() && open.is_none()),
            other => panic!("{other:?}"),
        }
    }
}
on_both!(
    paper_and_online_name_change,
    a_paper_name_change_and_an_online_one_at_once
);

/// One staff member stops a member's My Page while another issues a
/// 仮パスワード: the password is never issued (and mailed) after the stop.
async fn a_temporary_password_and_a_stop_at_once(app: TestApp) {
    use app::ssr::demo::fixtures;
    use futures::future::join;
    use sea_orm::QueryOrder;
    let first = app.staff_headers("operator").await;
    let second = app.staff_headers("admin").await;
    for _ in 0..8 {
        let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
            .await
            .unwrap();
        let (stop, issue) = join(
            app.call(first.clone(), || {
                app::staff::staff_stop_service(m.member_id)
            }),
            app.call(second.clone(), || {
                app::staff::staff_issue_temporary_password(m.member_id)
            }),
        )
        .await;
        stop.unwrap();
        let order: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::MemberId.eq(m.member_id))
            .filter(
                audit_log::Column::Action.is_in(["service_stopped", "temporary_password_issued"]),
            )
            .order_by_asc(audit_log::Column::Id)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        match issue {
            Ok(()) => assert_eq!(order, ["temporary_password_issued", "service_stopped"]),
            Err(AppError::Conflict(_)) => assert_eq!(order, ["service_stopped"]),
            other => panic!("{other:?}"),
        }
    }
}
on_both!(temporary_and_stop, a_temporary_password_and_a_stop_at_once);
