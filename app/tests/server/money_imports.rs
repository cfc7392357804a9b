//! The statements, payments and 割戻金 imports (S7): valid and invalid rows
//! with their line and column, CP932, the preview, a re-sent month that
//! replaces (never doubles) the month, and totals.

use crate::helpers::*;
use app::money::ssr::import::{self, Kind};
use app::ssr::audit::Actor;
use app::ssr::csv_import::{Mode, Options, Outcome, TextEncoding};
use app::ssr::entities::{payment, rebate, statement, statement_line};
use sea_orm::PaginatorTrait;

const TARO: &str = "012345678";
const HANAKO: &str = "012345679";

async fn run(app: &TestApp, kind: Kind, csv: &[u8], mode: Mode) -> Outcome {
    let options = Options {
        mode,
        actor: Actor::System,
        ip: "",
        file_name: "export.csv",
        import_id: None,
    };
    import::run(&app.db, csv, kind, &options, app.now(), |_| {})
        .await
        .unwrap()
}

async fn member_id(db: &DatabaseConnection, number: &str) -> i32 {
    app::ssr::entities::member::Entity::find()
        .filter(app::ssr::entities::member::Column::MemberNumber.eq(number))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn statement_of(
    db: &DatabaseConnection,
    number: &str,
    month: &str,
) -> Option<statement::Model> {
    statement::Entity::find()
        .filter(statement::Column::MemberId.eq(member_id(db, number).await))
        .filter(statement::Column::BillingMonth.eq(month))
        .one(db)
        .await
        .unwrap()
}

async fn lines_of(db: &DatabaseConnection, id: i32) -> Vec<statement_line::Model> {
    use sea_orm::QueryOrder;
    statement_line::Entity::find()
        .filter(statement_line::Column::StatementId.eq(id))
        .order_by_asc(statement_line::Column::Position)
        .all(db)
        .await
        .unwrap()
}

const HEAD: &str = "組合員番号,請求月,区分,契約番号,内容,利用日,金額\n";

fn november() -> String {
    format!(
        "{HEAD}\
0123-45678,2024-11,共済掛金,K-2019-000101,総合保障型2型,,3200\n\
0123-45678,2024-11,購買,,お米 5kg,2024-10-05,2400\n\
0123-45678,2024-11,その他,,返品,2024-10-10,-300\n\
0123-45679,2024-11,共済掛金,K-2021-000231,入院保障型2型,,2600\n\
9999-99999,2024-11,購買,,知らない人,,100\n\
0123-45679,2024-11,ガス,,灯油,,100\n\
0123-45679,2024-11,共済掛金,,掛金,,2600\n"
    )
}

/// Good rows go in with the statement's total and dates; bad rows are
/// listed by line and column; the preview writes nothing; the same month
/// again replaces it (the totals do not double).
async fn statements_in_and_again(app: TestApp) {
    let preview = run(&app, Kind::Statements, november().as_bytes(), Mode::Preview).await;
    assert_eq!((preview.rows, preview.rejected), (7, 3));
    assert_eq!(
        (preview.inserted, preview.updated),
        (2, 0),
        "two statements"
    );
    assert!(
        statement_of(&app.db, TARO, "2024-11").await.is_none(),
        "a preview writes nothing"
    );

    let done = run(&app, Kind::Statements, november().as_bytes(), Mode::Commit).await;
    assert_eq!((done.inserted, done.updated, done.rejected), (2, 0, 3));
    let issue = |row: u64| done.issues.iter().find(|i| i.row == row).unwrap().clone();
    assert_eq!(issue(6).column, "組合員番号");
    assert!(issue(6).message.contains("登録されていません"));
    assert_eq!(issue(7).column, "区分");
    assert_eq!(issue(8).column, "契約番号");
    let taro = statement_of(&app.db, TARO, "2024-11").await.unwrap();
    assert_eq!(taro.total, 3200 + 2400 - 300);
    assert_eq!(taro.closing_on.to_string(), "2024-10-20");
    assert_eq!(taro.billed_on.to_string(), "2024-11-27");
    let lines = lines_of(&app.db, taro.id).await;
    assert_eq!(
        lines
            .iter()
            .map(|l| l.description.as_str())
            .collect::<Vec<_>>(),
        ["総合保障型2型", "お米 5kg", "返品"],
        "the export's order"
    );

    // The month sent again, corrected: replaced, not doubled.
    let corrected =
        format!("{HEAD}0123-45678,2024-11,共済掛金,K-2019-000101,総合保障型2型,,3200\n");
    let again = run(&app, Kind::Statements, corrected.as_bytes(), Mode::Commit).await;
    assert_eq!((again.inserted, again.updated), (0, 1));
    let taro = statement_of(&app.db, TARO, "2024-11").await.unwrap();
    assert_eq!(taro.total, 3200);
    assert_eq!(lines_of(&app.db, taro.id).await.len(), 1);
    // Hanako's statement was not in the file: untouched.
    let hanako = statement_of(&app.db, HANAKO, "2024-11").await.unwrap();
    assert_eq!(hanako.total, 2600);
    // Audited once per run.
    use app::ssr::entities::audit_log;
    let runs = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("statements_imported"))
        .filter(audit_log::Column::After.like("export.csv%"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(runs, 2);
}
on_both!(money_statements, statements_in_and_again);

/// A statement whose lines span several batches stays one statement with
/// every line; a CP932 export reads the same as UTF-8.
async fn batches_and_cp932(app: TestApp) {
    let mut csv = String::from(HEAD);
    let n = import::BATCH + 10;
    for i in 0..n {
        csv.push_str(&format!(
            "0123-45678,2024-10,購買,,品物{i},2024-09-0{},{}\n",
            i % 9 + 1,
            100
        ));
    }
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&csv);
    let done = run(&app, Kind::Statements, &sjis, Mode::Commit).await;
    assert_eq!(done.encoding, TextEncoding::ShiftJis);
    assert_eq!((done.rows, done.inserted, done.rejected), (n as u64, 1, 0));
    let s = statement_of(&app.db, TARO, "2024-10").await.unwrap();
    assert_eq!(s.total, 100 * n as i64);
    assert_eq!(lines_of(&app.db, s.id).await.len(), n);
    assert_eq!(lines_of(&app.db, s.id).await[0].description, "品物0");
}
on_both!(money_batches, batches_and_cp932);

/// Payments: a month sent again replaces that month's payments; 割戻金: one
/// per member and year, a year sent again replaces it, a repeat in the file
/// is refused.
async fn payments_and_rebates(app: TestApp) {
    let head = "組合員番号,請求月,入金日,金額,入金方法\n";
    let csv = format!(
        "{head}0123-45678,2026-11,2026-11-20,3000,口座振替\n0123-45678,2026-11,2026-11-21,2000,振込\n0123-45678,2026-11,2027-01-01,1,振込\n0123-45679,2026-10,2026-10-27,2600,手形\n"
    );
    let done = run(&app, Kind::Payments, csv.as_bytes(), Mode::Commit).await;
    assert_eq!((done.inserted, done.updated, done.rejected), (1, 0, 2));
    let taro = member_id(&app.db, TARO).await;
    let count = || async {
        payment::Entity::find()
            .filter(payment::Column::MemberId.eq(taro))
            .filter(payment::Column::BillingMonth.eq("2026-11"))
            .count(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 2);
    let again = run(&app, Kind::Payments, csv.as_bytes(), Mode::Commit).await;
    assert_eq!((again.inserted, again.updated), (0, 1));
    assert_eq!(count().await, 2, "a re-sent month never doubles");

    let head = "組合員番号,年度,割戻率,金額,支払日\n";
    let csv = format!(
        "{head}0123-45678,2021,3.5,1200,2022-06-30\n0123-45678,2021,4,1300,\n0123-45679,2020,2.25,800,\n"
    );
    let done = run(&app, Kind::Rebates, csv.as_bytes(), Mode::Commit).await;
    assert_eq!((done.inserted, done.updated, done.rejected), (2, 0, 1));
    let fixed = format!("{head}0123-45678,2021,3.75,1290,2022-06-30\n");
    let again = run(&app, Kind::Rebates, fixed.as_bytes(), Mode::Commit).await;
    assert_eq!((again.inserted, again.updated), (0, 1));
    let r = rebate::Entity::find()
        .filter(rebate::Column::MemberId.eq(taro))
        .filter(rebate::Column::Year.eq(2021))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.year, r.rate_bp, r.amount), (2021, 375, 1290));
}
on_both!(money_payments_rebates, payments_and_rebates);

/// A file without the needed columns is refused as a whole, naming them.
async fn missing_columns(app: TestApp) {
    let options = Options {
        mode: Mode::Preview,
        actor: Actor::System,
        ip: "",
        file_name: "x.csv",
        import_id: None,
    };
    let e = import::run(
        &app.db,
        "組合員番号,金額\n1,2\n".as_bytes(),
        Kind::Statements,
        &options,
        app.now(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("請求月"), "{e}");
}
on_both!(money_missing_columns, missing_columns);

/// From the back office: a statements file previewed (nothing written),
/// taken in once, its rejected rows listed; a second statements import
/// cannot start while one runs (the partial unique index), a payments one
/// can.
async fn back_office_statements(app: TestApp) {
    use app::staff::ssr::imports;
    let admin = app.staff_headers("admin").await;
    let me = staff_auth::staff_from_headers(&app.db, &config(), &admin, app.now())
        .await
        .unwrap();
    let id = imports::preview(
        &app.db,
        &me,
        "statements",
        "nov.csv",
        november().into_bytes(),
        app.now(),
    )
    .await
    .unwrap();
    let view = app
        .call(admin.clone(), || app::staff::staff_import(id))
        .await
        .unwrap();
    assert_eq!(view.kind_label, "請求明細");
    assert_eq!((view.rows_total, view.inserted, view.rejected), (7, 2, 3));
    assert_eq!(view.new_label, "新しい請求明細");
    assert!(statement_of(&app.db, TARO, "2024-11").await.is_none());
    assert!(view
        .issues
        .iter()
        .any(|i| i.row == "6" && i.column == "組合員番号"));

    // Another statements upload is "running": this one must wait.
    let other = imports::preview(
        &app.db,
        &me,
        "statements",
        "x.csv",
        november().into_bytes(),
        app.now(),
    )
    .await
    .unwrap();
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    app::ssr::entities::member_import::ActiveModel {
        id: Set(other),
        status: Set("running".into()),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let blocked = app
        .call(admin.clone(), || app::staff::staff_run_import(id))
        .await;
    assert!(matches!(blocked, Err(AppError::Conflict(_))), "{blocked:?}");
    let payments = imports::preview(
        &app.db,
        &me,
        "payments",
        "p.csv",
        "組合員番号,請求月,入金日,金額,入金方法\n0123-45678,2024-11,2024-11-27,5300,口座振替\n"
            .as_bytes()
            .to_vec(),
        app.now(),
    )
    .await
    .unwrap();
    app.call(admin.clone(), || app::staff::staff_run_import(payments))
        .await
        .unwrap();
    app::ssr::entities::member_import::ActiveModel {
        id: Set(other),
        status: Set("failed".into()),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    app.call(admin.clone(), || app::staff::staff_run_import(id))
        .await
        .unwrap();
    let view = import_finished(&app, &admin, id).await;
    assert_eq!(view.status, "done");
    assert_eq!(
        statement_of(&app.db, TARO, "2024-11").await.unwrap().total,
        5300
    );
}
on_both!(money_back_office, back_office_statements);
