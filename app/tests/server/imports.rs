//! The members CSV import (S7): valid and invalid rows, CP932, the preview,
//! idempotent re-import, updates with their audit, and 100,000 rows.

use crate::helpers::*;
use app::member::ssr::import::{self, Mode, Options};
use app::ssr::audit::Actor;
use app::ssr::csv_import::TextEncoding;
use app::ssr::entities::member;
use sea_orm::PaginatorTrait;

const HEADING: &str = "組合員番号,氏名,フリガナ,生年月日,郵便番号,都道府県,住所1,住所2,電話番号,勤務先,出資金払込日,出資金額\n";

/// `n` valid rows from member number `first` on.
pub fn rows(first: u32, n: u32) -> String {
    let mut csv = String::from(HEADING);
    for i in first..first + n {
        csv.push_str(&format!(
            "{:04}-{:05},取込 太郎{i},トリコミ タロウ,1980/4/{},330-0064,埼玉県,さいたま市浦和区岸町{}-1,,048-123-4567,埼玉県庁,2026/11/1,1000\n",
            i / 100_000 + 7000,
            i % 100_000,
            i % 28 + 1,
            i % 50 + 1,
        ));
    }
    csv
}

fn options(mode: Mode) -> Options<'static> {
    Options {
        mode,
        actor: Actor::System,
        ip: "",
        file_name: "members.csv",
        import_id: None,
    }
}

async fn members(db: &DatabaseConnection) -> u64 {
    member::Entity::find().count(db).await.unwrap()
}

async fn run(app: &TestApp, csv: &[u8], mode: Mode) -> import::Outcome {
    import::run(&app.db, csv, &options(mode), app.now(), |_| {})
        .await
        .unwrap()
}

/// Good rows go in, bad rows are listed with their line and column, the
/// preview writes nothing, and the same file again changes nothing.
async fn valid_and_invalid_rows(app: TestApp) {
    let before = members(&app.db).await;
    let mut csv = rows(1, 3);
    csv.push_str("7000-00009,誤り 一,ゴリ,1980/2/30,330-0064,埼玉県,岸町1,,,,,\n");
    csv.push_str("7000-00001,重複 二,チョウフク,1980/1/1,330-0064,埼玉県,岸町1,,,,,\n");
    csv.push_str("7000-00010,髙﨑 三郎,タカサキ サブロウ,1970-01-01,3300064,埼玉県,岸町1,,,,,\n");
    csv.push_str("7000-00011,短い行\n");

    let preview = run(&app, csv.as_bytes(), Mode::Preview).await;
    assert_eq!(members(&app.db).await, before, "a preview writes nothing");
    assert_eq!(
        (
            preview.rows,
            preview.inserted,
            preview.rejected,
            preview.warnings
        ),
        (7, 4, 3, 1)
    );
    assert_eq!(preview.encoding, TextEncoding::Utf8);

    let done = run(&app, csv.as_bytes(), Mode::Commit).await;
    assert_eq!((done.inserted, done.updated, done.rejected), (4, 0, 3));
    assert_eq!(members(&app.db).await, before + 4);
    let issue = |row: u64| done.issues.iter().find(|i| i.row == row).unwrap();
    assert_eq!(issue(5).column, "生年月日");
    assert_eq!(issue(6).column, "組合員番号");
    assert!(issue(7).warning, "outside JIS X 0208: taken with a warning");
    assert!(issue(8).message.contains("列の数"));
    let csv_out = done.issues_csv();
    assert!(csv_out.contains("5,生年月日,取込不可,"), "{csv_out}");
    // The registered spelling is kept as it came.
    let takasaki = member::Entity::find()
        .filter(member::Column::MemberNumber.eq("700000010"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(takasaki.name, "髙﨑 三郎");
    assert_eq!(takasaki.name_kana, "タカサキ　サブロウ");

    // Again: nothing new, nothing changed.
    let again = run(&app, csv.as_bytes(), Mode::Commit).await;
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 4));
    assert_eq!(members(&app.db).await, before + 4);
}
on_both!(import_rows, valid_and_invalid_rows);

/// A CP932 export reads like UTF-8; a changed row updates the member and
/// the audit log keeps before and after.
async fn cp932_and_updates(app: TestApp) {
    let csv = rows(100, 2);
    run(&app, csv.as_bytes(), Mode::Commit).await;
    let moved = csv.replace("岸町1-1,", "高砂1-2-3,");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&moved);
    assert!(!unmappable);
    let done = run(&app, &sjis, Mode::Commit).await;
    assert_eq!(done.encoding, TextEncoding::ShiftJis);
    assert_eq!((done.inserted, done.updated, done.unchanged), (0, 1, 1));
    let m = member::Entity::find()
        .filter(member::Column::MemberNumber.eq("700000100"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.address1, "さいたま市浦和区高砂1-2-3");
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(m.id))
        .filter(audit_log::Column::Action.eq("member_imported"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(
        entry.before.as_deref(),
        Some("住所1: さいたま市浦和区岸町1-1")
    );
    assert_eq!(
        entry.after.as_deref(),
        Some("住所1: さいたま市浦和区高砂1-2-3")
    );
    // A file without the required columns is refused as a whole.
    let refused = import::run(
        &app.db,
        "氏名\n花子\n".as_bytes(),
        &options(Mode::Commit),
        app.now(),
        |_| {},
    )
    .await;
    assert!(matches!(refused, Err(import::ImportError::File(e)) if e.0.contains("組合員番号")));
}
on_both!(import_cp932, cp932_and_updates);

/// 100,000 rows in batches (the figure is in the benchmark script, not here).
async fn a_hundred_thousand_rows(app: TestApp) {
    let before = members(&app.db).await;
    let csv = rows(200_000, 100_000);
    let mut batches = 0;
    let done = import::run(
        &app.db,
        csv.as_bytes(),
        &options(Mode::Commit),
        app.now(),
        |_| batches += 1,
    )
    .await
    .unwrap();
    assert_eq!((done.inserted, done.rejected), (100_000, 0));
    assert_eq!(members(&app.db).await, before + 100_000);
    assert!(batches >= 100, "written in batches of {}", import::BATCH);
}
on_both!(import_100k, a_hundred_thousand_rows);

/// The back office: upload → preview → 取り込む once (parallel clicks start
/// it once) → done, the problems downloadable; admins only.
async fn the_back_office_flow(app: TestApp) {
    use app::staff::ssr::imports;
    use axum::body::Body;
    use tower::ServiceExt;
    let admin = app.staff_headers("admin").await;
    let operator = app.staff_headers("operator").await;
    let me = staff_auth::staff_from_headers(&app.db, &config(), &admin, app.now())
        .await
        .unwrap();
    let before = members(&app.db).await;
    let mut csv = rows(300, 2_500);
    csv.push_str("7000-99999,,,,,,,,,,,\n");
    let id = imports::preview(
        &app.db,
        &me,
        "members",
        "members.csv",
        csv.into_bytes(),
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(members(&app.db).await, before, "the preview writes nothing");
    let view = app
        .call(admin.clone(), || app::staff::staff_import(id))
        .await
        .unwrap();
    assert_eq!(
        (
            view.status.as_str(),
            view.rows_total,
            view.inserted,
            view.rejected
        ),
        ("previewed", 2_501, 2_500, 1)
    );
    assert!(view.issues.iter().all(|i| i.row == "2502"));
    assert_eq!(
        app.call(operator.clone(), || app::staff::staff_run_import(id))
            .await,
        Err(AppError::Forbidden)
    );

    let clicks = (0..4).map(|_| app.call(admin.clone(), || app::staff::staff_run_import(id)));
    let results = futures::future::join_all(clicks).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results
        .iter()
        .all(|r| matches!(r, Ok(()) | Err(AppError::Conflict(_)))));
    let view = import_finished(&app, &admin, id).await;
    assert_eq!(view.status, "done");
    assert_eq!(
        (view.rows_done, view.inserted, view.rejected),
        (2_501, 2_500, 1)
    );
    assert_eq!(members(&app.db).await, before + 2_500);

    let router = app::ssr::routes::router(app.state());
    let get = |headers: HeaderMap| {
        let mut req = http::Request::get(format!("/staff/imports/{id}/issues.csv"))
            .body(Body::empty())
            .unwrap();
        req.headers_mut().extend(headers);
        router.clone().oneshot(req)
    };
    let res = get(admin).await.unwrap();
    assert_eq!(res.status(), 200);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert!(
        text.contains("2502,氏名,取込不可,入力してください。"),
        "{text}"
    );
    assert_eq!(get(operator).await.unwrap().status(), 403);
}
on_both!(import_back_office, the_back_office_flow);

fn multipart(csv: &str) -> (String, Vec<u8>) {
    let boundary = "mypage-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The upload route: admins get the preview page; an operator, a member,
/// another site and an oversized file get nothing stored.
async fn the_upload_route(app: TestApp) {
    use axum::body::Body;
    use tower::ServiceExt;
    let admin = app.staff_headers("admin").await;
    let operator = app.staff_headers("operator").await;
    let member = app.member_headers("kyosai.taro").await;
    let router = app::ssr::routes::router(app.state());
    let post = |headers: HeaderMap, origin: &str, csv: &str| {
        let (content_type, body) = multipart(csv);
        let mut req = http::Request::post("/staff/imports/upload")
            .header("origin", origin)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        req.headers_mut().extend(headers);
        router.clone().oneshot(req)
    };
    let count = || async {
        use sea_orm::PaginatorTrait;
        app::ssr::entities::member_import::Entity::find()
            .count(&app.db)
            .await
            .unwrap()
    };
    let csv = rows(900, 3);
    let res = post(admin.clone(), "http://127.0.0.1:3000", &csv)
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/staff/imports/"), "{location}");
    assert_eq!(count().await, 1);
    assert_eq!(
        post(operator, "http://127.0.0.1:3000", &csv)
            .await
            .unwrap()
            .status(),
        403
    );
    let res = post(member, "http://127.0.0.1:3000", &csv).await.unwrap();
    assert_eq!(res.headers()["location"], "/staff/login");
    assert_eq!(
        post(admin.clone(), "https://evil.example", &csv)
            .await
            .unwrap()
            .status(),
        403
    );
    let huge = "x".repeat(app::domain::policy::IMPORT_MAX_BYTES + 100_000);
    assert_eq!(
        post(admin, "http://127.0.0.1:3000", &huge)
            .await
            .unwrap()
            .status(),
        413
    );
    assert_eq!(count().await, 1, "nothing else stored");
}
on_both!(import_upload, the_upload_route);

/// An import cut off midway (a restart) does not stay "running": the sweep
/// marks it failed and drops the file.
async fn a_cut_off_import_is_marked_failed(app: TestApp) {
    use app::ssr::entities::member_import;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let admin = app.staff_headers("admin").await;
    let me = staff_auth::staff_from_headers(&app.db, &config(), &admin, app.now())
        .await
        .unwrap();
    let id = app::staff::ssr::imports::preview(
        &app.db,
        &me,
        "members",
        "m.csv",
        rows(950, 2).into_bytes(),
        app.now(),
    )
    .await
    .unwrap();
    member_import::ActiveModel {
        id: Set(id),
        status: Set("running".into()),
        started_at: Set(Some(app.now())),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    app.advance(Duration::minutes(10));
    app::ssr::housekeeping::sweep(&app.db, &config(), app.now())
        .await
        .unwrap();
    let still = member_import::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, "running", "ten minutes is not stale");
    app.advance(Duration::minutes(25));
    let swept = app::ssr::housekeeping::sweep(&app.db, &config(), app.now())
        .await
        .unwrap();
    assert_eq!(swept.imports, 1);
    let failed = member_import::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, "failed");
    assert!(failed.content.is_empty());
    assert!(failed.error.unwrap().contains("もう一度アップロード"));
}
on_both!(import_stale, a_cut_off_import_is_marked_failed);

async fn member_no(db: &DatabaseConnection, number: &str) -> member::Model {
    member::Entity::find()
        .filter(member::Column::MemberNumber.eq(number))
        .one(db)
        .await
        .unwrap()
        .expect("the member")
}

/// FAQ: 改姓や住所変更は…いただいた情報をもとにデータ更新を行います. A change made
/// on My Page (or a name change applied here) is not undone by a core
/// system export older than it: the row's older value is not taken, staff
/// are warned, and once an export shows the change (in whatever width) the
/// core system is trusted again for it.
async fn changes_made_here_survive_an_older_export(app: TestApp) {
    use app::domain::profile_change::NewAddress;
    use app::member::ssr::changes::{write_address, write_name};
    let old = rows(200, 1);
    run(&app, old.as_bytes(), Mode::Commit).await;
    let m = member_no(&app.db, "700000200").await;
    let new = NewAddress::parse("3300064", "埼玉県", "さいたま市浦和区高砂9-9", "").unwrap();
    write_address(&app.db, &m, &new, Actor::System, "", app.now())
        .await
        .unwrap();
    write_name(
        &app.db,
        m.id,
        ("新姓 太郎", "シンセイ　タロウ"),
        Actor::System,
        "",
        app.now(),
    )
    .await
    .unwrap();
    let changed = member_no(&app.db, "700000200").await;

    // The core system's export from before: nothing of it is taken back.
    let preview = run(&app, old.as_bytes(), Mode::Preview).await;
    assert_eq!((preview.unchanged, preview.warnings), (1, 1));
    let done = run(&app, old.as_bytes(), Mode::Commit).await;
    assert_eq!((done.updated, done.unchanged, done.warnings), (0, 1, 1));
    let columns: Vec<&str> = done.issues.iter().map(|i| i.column.as_str()).collect();
    assert_eq!(columns, ["住所1", "氏名"]);
    assert!(done.issues.iter().all(|i| i.warning));
    assert!(
        done.issues[0].message.contains("2026/11/23にマイページ側"),
        "{}",
        done.issues[0].message
    );
    assert!(done.issues_csv().contains("警告(取込済)"));
    assert_eq!(member_no(&app.db, "700000200").await, changed);
    // Staff see what to carry into the core system on the member's record.
    let staff = app.staff_headers("operator").await;
    let record = app
        .call(staff.clone(), || app::staff::staff_member(m.id))
        .await
        .unwrap();
    assert_eq!(
        record.pending_core,
        ["住所(2026/11/23)", "氏名・フリガナ(2026/11/23)"]
    );

    // Another column changed meanwhile is taken; the address and name stay.
    let moved_job = old.replace("埼玉県庁", "さいたま市役所");
    let done = run(&app, moved_job.as_bytes(), Mode::Commit).await;
    assert_eq!((done.updated, done.warnings), (1, 1));
    let now = member_no(&app.db, "700000200").await;
    assert_eq!(now.workplace.as_deref(), Some("さいたま市役所"));
    assert_eq!(
        (&now.address1, &now.name),
        (&changed.address1, &changed.name)
    );
    assert!(now.address_pending_core_at.is_some() && now.name_pending_core_at.is_some());

    // The core system has the address now (half-width): the mark goes; the
    // name is still the old one there.
    let caught_up = moved_job.replace("岸町1-1", "高砂9-9");
    let done = run(&app, caught_up.as_bytes(), Mode::Commit).await;
    assert_eq!(done.issues.len(), 1);
    assert_eq!(done.issues[0].column, "氏名");
    let now = member_no(&app.db, "700000200").await;
    assert_eq!(now.address_pending_core_at, None);
    assert!(now.name_pending_core_at.is_some());
    let record = app
        .call(staff.clone(), || app::staff::staff_member(m.id))
        .await
        .unwrap();
    assert_eq!(record.pending_core, ["氏名・フリガナ(2026/11/23)"]);
    assert_eq!(now.name, "新姓 太郎");

    // From then on the core system's address is taken again.
    let moved_again = caught_up.replace("高砂9-9", "常盤1-1");
    let done = run(&app, moved_again.as_bytes(), Mode::Commit).await;
    assert_eq!(done.updated, 1);
    assert_eq!(
        member_no(&app.db, "700000200").await.address1,
        "さいたま市浦和区常盤1-1"
    );

    // An export showing the new name exactly changes nothing but the mark.
    let renamed = moved_again
        .replace("取込 太郎200", "新姓 太郎")
        .replace("トリコミ タロウ", "シンセイ タロウ");
    let before = member_no(&app.db, "700000200").await;
    let done = run(&app, renamed.as_bytes(), Mode::Commit).await;
    assert_eq!((done.unchanged, done.warnings), (1, 0));
    let now = member_no(&app.db, "700000200").await;
    assert_eq!(now.name_pending_core_at, None);
    assert_eq!((now.name, now.updated_at), (before.name, before.updated_at));
}
on_both!(
    import_keeps_changes_made_here,
    changes_made_here_survive_an_older_export
);

/// A member changing their address while an import reads their row: the
/// import waits for the change (its rows are locked for the batch on
/// PostgreSQL; SQLite writes one at a time) and keeps it, instead of writing
/// back the row it read before. On PostgreSQL the change commits once the
/// import waits for the row; without the lock it would have read the row
/// before the change and written the old address back.
async fn an_import_waits_for_a_change_being_made(app: TestApp) {
    use app::domain::profile_change::NewAddress;
    use app::member::ssr::changes::write_address;
    let old = rows(300, 1);
    run(&app, old.as_bytes(), Mode::Commit).await;
    let m = member_no(&app.db, "700000300").await;
    let change = db::begin_write(&app.db).await.unwrap();
    let new = NewAddress::parse("3300064", "埼玉県", "さいたま市浦和区高砂5-5", "").unwrap();
    write_address(&change, &m, &new, Actor::System, "", app.now())
        .await
        .unwrap();
    // The export also moves the member's workplace: the row is written.
    let moved_job = old.replace("埼玉県庁", "さいたま市役所");
    let import = tokio::spawn({
        let (db, now) = (app.db.clone(), app.now());
        async move {
            import::run(
                &db,
                moved_job.as_bytes(),
                &options(Mode::Commit),
                now,
                |_| {},
            )
            .await
            .unwrap()
        }
    });
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Until the import waits for the member's row lock (its read is
        // then certainly before the change is committed).
        let waiting = "SELECT COUNT(*) AS n FROM pg_stat_activity \
                       WHERE datname = current_database() AND wait_event_type = 'Lock'";
        let mut polls = 0;
        loop {
            let n: i64 = app
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    waiting,
                ))
                .await
                .unwrap()
                .and_then(|row| row.try_get("", "n").ok())
                .unwrap_or_default();
            if n > 0 {
                break;
            }
            polls += 1;
            assert!(polls < 500, "the import never waited for the member's row");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    } else {
        // SQLite: the import's writing transaction waits for the change's.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    change.commit().await.unwrap();
    let done = import.await.unwrap();
    assert_eq!((done.updated, done.warnings), (1, 1));
    let now = member_no(&app.db, "700000300").await;
    assert_eq!(now.address1, "さいたま市浦和区高砂５−５");
    assert_eq!(now.workplace.as_deref(), Some("さいたま市役所"));
    assert!(now.address_pending_core_at.is_some());
}
on_both!(
    import_waits_for_a_change,
    an_import_waits_for_a_change_being_made
);
