//! The catalogue and contracts imports (S7): the core system's courses and
//! riders, and its contracts with their coverage periods, reach ご契約内容;
//! a re-sent contract is replaced, never doubled; bad rows are listed by
//! line and column.

use crate::helpers::*;
use app::contract::ssr::import::{self, Kind};
use app::ssr::audit::Actor;
use app::ssr::csv_import::{Mode, Options, Outcome};
use app::ssr::entities::{contract, contract_course, course, rider};
use sea_orm::PaginatorTrait;

async fn run(app: &TestApp, kind: Kind, csv: &str, mode: Mode) -> Outcome {
    let options = Options {
        mode,
        actor: Actor::System,
        ip: "",
        file_name: "export.csv",
        import_id: None,
    };
    import::run(&app.db, csv.as_bytes(), kind, &options, app.now(), |_| {})
        .await
        .unwrap()
}

fn rows_with(out: &Outcome, column: &str) -> Vec<u64> {
    out.issues
        .iter()
        .filter(|i| i.column == column && !i.warning)
        .map(|i| i.row)
        .collect()
}

const CATALOGUE: &str = "区分,コード,名称,月掛金,保障内容,控除区分\n\
コース,sogo2,総合保障型2型,2000,\"入院1日 4,500円\",一般\n\
コース,kaigo3,介護保障型3型,\"3,000円\",介護一時金,介護医療\n\
特約,bone,骨折特約,300,骨折1回 5万円,\n\
特約,bone,骨折特約(重複),300,,\n\
保障,x,x,1,,\n\
特約,gan2,がん特約2,500,,介護医療\n";

/// New codes added, known ones updated (a changed premium warned about),
/// the same file again changes nothing; bad rows listed.
async fn the_catalogue_is_taken_by_code(app: TestApp) {
    let courses_before = course::Entity::find().count(&app.db).await.unwrap();
    let preview = run(&app, Kind::Catalogue, CATALOGUE, Mode::Preview).await;
    assert_eq!(
        (
            preview.rows,
            preview.inserted,
            preview.updated,
            preview.rejected
        ),
        (6, 2, 1, 3),
        "{:?}",
        preview.issues
    );
    assert_eq!(
        course::Entity::find().count(&app.db).await.unwrap(),
        courses_before
    );
    assert_eq!(rows_with(&preview, "コード"), [5]);
    assert_eq!(rows_with(&preview, "区分"), [6]);
    assert_eq!(rows_with(&preview, "控除区分"), [7]);

    let done = run(&app, Kind::Catalogue, CATALOGUE, Mode::Commit).await;
    assert_eq!((done.inserted, done.updated, done.rejected), (2, 1, 3));
    let kaigo = course::Entity::find()
        .filter(course::Column::Code.eq("kaigo3"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kaigo.monthly_premium, kaigo.deduction.as_str()),
        (3000, "medical_care")
    );
    let sogo = course::Entity::find()
        .filter(course::Column::Code.eq("sogo2"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sogo.summary, "入院1日 4,500円");
    assert!(rider::Entity::find()
        .filter(rider::Column::Code.eq("bone"))
        .one(&app.db)
        .await
        .unwrap()
        .is_some_and(|r| r.name == "骨折特約" && r.monthly_premium == 300));

    let again = run(&app, Kind::Catalogue, CATALOGUE, Mode::Commit).await;
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));

    // The file's order is the list's order: a row moved is updated.
    let moved = "区分,コード,名称,月掛金,保障内容,控除区分\n特約,bone,骨折特約,300,骨折1回 5万円,\nコース,kaigo3,介護保障型3型,3000,介護一時金,介護医療\n";
    let out = run(&app, Kind::Catalogue, moved, Mode::Commit).await;
    assert_eq!((out.updated, out.unchanged), (1, 1), "{:?}", out.issues);

    // A new premium is taken, with a warning saying what it changes.
    let dearer = "区分,コード,名称,月掛金\nコース,sogo2,総合保障型2型,2200\n";
    let out = run(&app, Kind::Catalogue, dearer, Mode::Commit).await;
    assert_eq!((out.updated, out.warnings), (1, 1));
    assert!(
        out.issues[0].message.contains("2,000円 から 2,200円"),
        "{:?}",
        out.issues
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("catalogue_imported"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 4);
}
on_both!(contract_catalogue, the_catalogue_is_taken_by_code);

const TARO: &str = "0123-45678";
const HANAKO: &str = "0123-45679";

/// A new contract reaches the member's ご契約内容; a known one is replaced by
/// the file's periods; the same file again doubles nothing; another member's
/// contract number, unknown members and codes, and overlapping periods are
/// refused by line and column.
async fn contracts_reach_the_member(app: TestApp) {
    let taro = member_id_of(&app.db, "kyosai.taro").await;
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let taro_contract = contracts_of(
        &app.db,
        taro,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .await
    .unwrap()[0]
        .contract_number
        .clone();
    let csv = format!(
        "契約番号,組合員番号,区分,コード,保障開始日,保障終了日\n\
K-NEW-0001,{HANAKO},コース,sogo2,2025-04-01,2026-04-01\n\
K-NEW-0001,{HANAKO},コース,sogo4,2026-04-01,\n\
K-NEW-0001,{HANAKO},特約,gan,2026/4/1,\n\
{taro_contract},{TARO},コース,jukunen2,2020-04-01,\n\
{taro_contract},{HANAKO},特約,gan,2020-04-01,\n\
K-NEW-0002,9999-99999,コース,sogo2,2025-04-01,\n\
K-NEW-0003,{HANAKO},コース,nothing,2025-04-01,\n\
K-NEW-0001,{HANAKO},コース,nyuin2,2026-10-01,\n\
K-NEW-0001,{HANAKO},特約,gan,2027-04-01,\n\
K-NEW-0001,{HANAKO},特約,senshin,2026-04-01,2026-04-01\n"
    );
    let preview = run(&app, Kind::Contracts, &csv, Mode::Preview).await;
    assert_eq!(
        (
            preview.rows,
            preview.inserted,
            preview.updated,
            preview.rejected
        ),
        (10, 1, 1, 6),
        "{:?}",
        preview.issues
    );
    assert_eq!(rows_with(&preview, "組合員番号"), [6, 7]);
    assert_eq!(rows_with(&preview, "コード"), [8]);
    // 共済太郎's がん特約, approved here from 12/1, is not in the file (its
    // row is refused): the preview says so beside his contract's first line
    // before anything is written.
    let approved: Vec<&app::ssr::csv_import::Issue> =
        preview.issues.iter().filter(|i| i.warning).collect();
    assert_eq!(approved.len(), 1, "{approved:?}");
    assert_eq!(
        (approved[0].row, approved[0].column.as_str()),
        (5, "契約番号")
    );
    assert!(
        approved[0]
            .message
            .contains("特約「がん特約」(保障開始日 2026/12/1)")
            && approved[0].message.contains("受付番号 2026"),
        "{}",
        approved[0].message
    );
    assert_eq!(rows_with(&preview, "保障開始日"), [9, 10]);
    assert_eq!(rows_with(&preview, "保障終了日"), [11]);
    assert!(contract::Entity::find()
        .filter(contract::Column::ContractNumber.eq("K-NEW-0001"))
        .one(&app.db)
        .await
        .unwrap()
        .is_none());

    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for _ in 0..2 {
        let done = run(&app, Kind::Contracts, &csv, Mode::Commit).await;
        assert_eq!(done.rejected, 6);
        let hers = contracts_of(&app.db, hanako, today).await.unwrap();
        let new = hers
            .iter()
            .find(|c| c.contract_number == "K-NEW-0001")
            .expect("her new contract");
        assert_eq!(
            new.course.as_ref().map(|c| c.name.as_str()),
            Some("総合保障型4型")
        );
        assert_eq!(
            new.riders
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["がん特約"]
        );
        let his = contracts_of(&app.db, taro, today).await.unwrap();
        let replaced = his
            .iter()
            .find(|c| c.contract_number == taro_contract)
            .unwrap();
        assert_eq!(
            replaced.course.as_ref().map(|c| c.name.as_str()),
            Some("熟年型2型")
        );
        assert!(replaced.riders.is_empty(), "{replaced:?}");
        let id = contract::Entity::find()
            .filter(contract::Column::ContractNumber.eq("K-NEW-0001"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let periods = contract_course::Entity::find()
            .filter(contract_course::Column::ContractId.eq(id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(periods, 2, "replaced, not doubled");
    }
    // Met first under another member, a contract number is refused in
    // every row, and its periods stay as they are.
    let periods_of = |number: String| {
        let db = app.db.clone();
        async move {
            let id = contract::Entity::find()
                .filter(contract::Column::ContractNumber.eq(number))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id;
            contract_course::Entity::find()
                .filter(contract_course::Column::ContractId.eq(id))
                .all(&db)
                .await
                .unwrap()
        }
    };
    let his_periods = periods_of(taro_contract.clone()).await;
    let stolen = format!(
        "契約番号,組合員番号,区分,コード,保障開始日\n{taro_contract},{HANAKO},コース,sogo2,2026-04-01\n{taro_contract},{HANAKO},特約,gan,2026-04-01\n"
    );
    let out = run(&app, Kind::Contracts, &stolen, Mode::Commit).await;
    assert_eq!((out.inserted, out.updated, out.rejected), (0, 0, 2));
    assert_eq!(rows_with(&out, "契約番号"), [2, 3]);
    assert_eq!(periods_of(taro_contract.clone()).await, his_periods);

    // The contract number stays with its member.
    let his = contract::Entity::find()
        .filter(contract::Column::ContractNumber.eq(&taro_contract))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(his.member_id, taro);
}
on_both!(contract_rows, contracts_reach_the_member);

/// A contract whose rows cross a batch boundary is emptied once, at its
/// first row: every period of the file is there, also after a second run.
async fn a_contract_across_batches(app: TestApp) {
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let n = import::BATCH + 500;
    let mut csv = String::from("契約番号,組合員番号,区分,コード,保障開始日,保障終了日\n");
    for i in 0..n {
        let from = start + Duration::days(i as i64);
        let to = from + Duration::days(1);
        csv.push_str(&format!("K-LONG-1,{HANAKO},コース,sogo2,{from},{to}\n"));
    }
    for _ in 0..2 {
        let done = run(&app, Kind::Contracts, &csv, Mode::Commit).await;
        assert_eq!((done.rows, done.rejected), (n as u64, 0));
        let id = contract::Entity::find()
            .filter(contract::Column::ContractNumber.eq("K-LONG-1"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(id.member_id, hanako);
        let periods = contract_course::Entity::find()
            .filter(contract_course::Column::ContractId.eq(id.id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(periods, n as u64);
    }
}
on_both!(contract_batches, a_contract_across_batches);

/// Through the back office: the kinds are offered by code, previewed, run,
/// and only for admins.
async fn contracts_through_the_back_office(app: TestApp) {
    use app::staff::ssr::imports;
    let admin = app.staff_headers("admin").await;
    let me = staff_auth::staff_from_headers(&app.db, &config(), &admin, app.now())
        .await
        .unwrap();
    let catalogue = imports::preview(
        &app.db,
        &me,
        "catalogue",
        "catalogue.csv",
        "区分,コード,名称,月掛金\n特約,bone,骨折特約,300\n"
            .as_bytes()
            .to_vec(),
        app.now(),
    )
    .await
    .unwrap();
    let view = app
        .call(admin.clone(), || app::staff::staff_import(catalogue))
        .await
        .unwrap();
    assert_eq!(
        (
            view.kind_label.as_str(),
            view.new_label.as_str(),
            view.inserted
        ),
        ("コース・特約", "新しいコース・特約", 1)
    );
    app.call(admin.clone(), || app::staff::staff_run_import(catalogue))
        .await
        .unwrap();
    assert_eq!(
        import_finished(&app, &admin, catalogue).await.status,
        "done"
    );

    let contracts = imports::preview(
        &app.db,
        &me,
        "contracts",
        "contracts.csv",
        format!(
            "契約番号,組合員番号,区分,コード,保障開始日\nK-BO-1,{HANAKO},コース,sogo2,2026-04-01\nK-BO-1,{HANAKO},特約,bone,2026-04-01\n"
        )
        .into_bytes(),
        app.now(),
    )
    .await
    .unwrap();
    let operator = app.staff_headers("operator").await;
    assert_eq!(
        app.call(operator, || app::staff::staff_run_import(contracts))
            .await,
        Err(AppError::Forbidden)
    );
    app.call(admin.clone(), || app::staff::staff_run_import(contracts))
        .await
        .unwrap();
    let view = import_finished(&app, &admin, contracts).await;
    assert_eq!((view.status.as_str(), view.inserted), ("done", 1));
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let hers = contracts_of(
        &app.db,
        hanako,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .await
    .unwrap();
    let new = hers.iter().find(|c| c.contract_number == "K-BO-1").unwrap();
    assert_eq!(new.riders[0].name, "骨折特約");
}
on_both!(contract_back_office, contracts_through_the_back_office);

/// A course change approved here (共済花子's 総合保障型4型 from 12/1) and
/// not in the core system's export yet is a warning; once the export has
/// it, nothing is said.
async fn an_approved_change_missing_from_the_file_is_warned(app: TestApp) {
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let number = contracts_of(&app.db, hanako, today).await.unwrap()[0]
        .contract_number
        .clone();
    let heading = "契約番号,組合員番号,区分,コード,保障開始日,保障終了日\n";
    let before = format!("{heading}{number},{HANAKO},コース,nyuin2,2021-04-01,\n");
    let warned = run(&app, Kind::Contracts, &before, Mode::Preview).await;
    assert_eq!((warned.rejected, warned.warnings), (0, 1));
    assert_eq!(warned.issues[0].row, 2);
    assert!(
        warned.issues[0]
            .message
            .contains("コース「総合保障型4型」(保障開始日 2026/12/1)"),
        "{}",
        warned.issues[0].message
    );
    let after = format!(
        "{heading}{number},{HANAKO},コース,nyuin2,2021-04-01,2026-12-01\n\
         {number},{HANAKO},コース,sogo4,2026-12-01,\n"
    );
    let done = run(&app, Kind::Contracts, &after, Mode::Commit).await;
    assert_eq!((done.rejected, done.warnings), (0, 0), "{:?}", done.issues);
    // Not held from the approved day: ended before it, or registered in
    // the core system from a later month.
    for periods in [
        "nyuin2,2021-04-01,2026-10-01\n{number},{HANAKO},コース,sogo4,2026-10-01,2026-12-01",
        "nyuin2,2021-04-01,2027-01-01\n{number},{HANAKO},コース,sogo4,2027-01-01,",
    ] {
        let periods = periods
            .replace("{number}", &number)
            .replace("{HANAKO}", HANAKO);
        let file = format!("{heading}{number},{HANAKO},コース,{periods}\n");
        let warned = run(&app, Kind::Contracts, &file, Mode::Preview).await;
        assert_eq!(warned.warnings, 1, "{file}: {:?}", warned.issues);
        assert!(warned.issues[0].message.contains("取り込むと"));
    }
    // Imported anyway: the result says what happened.
    let done = run(&app, Kind::Contracts, &before, Mode::Commit).await;
    assert_eq!(done.warnings, 1);
    assert!(
        done.issues[0].message.contains("取り込んだため"),
        "{}",
        done.issues[0].message
    );
    // Once the member has withdrawn before the approved day, it never
    // starts: nothing is asked for.
    let staff = app.staff_headers("operator").await;
    app.call(staff, || {
        app::staff::staff_record_withdrawal(hanako, "2026-11-30".into(), "2027-07-31".into())
    })
    .await
    .unwrap();
    let quiet = run(&app, Kind::Contracts, &before, Mode::Preview).await;
    assert_eq!(quiet.warnings, 0, "{:?}", quiet.issues);
}
on_both!(
    contract_approved_missing,
    an_approved_change_missing_from_the_file_is_warned
);

/// The 販売 column takes a course or rider off sale: the application screen
/// no longer offers it and a form sent from before is refused beside the
/// choice, while a contract holding it keeps it; a file without the column
/// (or with 販売中) puts it back on sale.
async fn an_item_off_sale_is_no_longer_offered(app: TestApp) {
    let db = app.db.clone();
    let sho = app.member_headers("watanabe.sho").await;
    let offered = |options: &app::procedure::ApplyOptions| {
        let c = &options.contracts[0];
        (
            c.riders.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            c.courses.iter().map(|k| k.name.clone()).collect::<Vec<_>>(),
        )
    };
    let (riders, courses) = offered(&app.call(sho.clone(), load_apply_options).await.unwrap());
    assert!(riders.contains(&"がん特約".to_owned()), "{riders:?}");
    assert!(courses.contains(&"総合保障型4型".to_owned()), "{courses:?}");

    let off = "区分,コード,名称,月掛金,保障内容,控除区分,販売\n\
コース,sogo4,総合保障型4型,4000,入院1日 9000円,一般,停止\n\
特約,gan,がん特約,1000,がん診断一時金 50万円,,販売停止\n\
特約,josei,女性疾病特約,600,女性特有の病気による入院,,販売停止\n\
特約,senshin,先進医療特約,200,先進医療の技術料,,販売中\n\
特約,bone,骨折特約,300,,,終了\n";
    let preview = run(&app, Kind::Catalogue, off, Mode::Preview).await;
    assert_eq!(
        (preview.updated, preview.rejected, preview.warnings),
        (4, 1, 3),
        "{:?}",
        preview.issues
    );
    assert_eq!(rows_with(&preview, "販売"), [6]);
    let warned: Vec<(u64, &str)> = preview
        .issues
        .iter()
        .filter(|i| i.warning)
        .map(|i| (i.row, i.message.as_str()))
        .collect();
    assert!(
        warned[0].0 == 2 && warned[0].1.starts_with("総合保障型4型を販売停止にします。"),
        "{warned:?}"
    );
    // The preview writes nothing.
    let (riders, _) = offered(&app.call(sho.clone(), load_apply_options).await.unwrap());
    assert!(riders.contains(&"がん特約".to_owned()));

    let done = run(&app, Kind::Catalogue, off, Mode::Commit).await;
    assert!(
        done.issues
            .iter()
            .any(|i| i.warning && i.message.starts_with("がん特約を販売停止にしました。")),
        "{:?}",
        done.issues
    );
    let (riders, courses) = offered(&app.call(sho.clone(), load_apply_options).await.unwrap());
    assert!(
        !riders.contains(&"がん特約".to_owned()) && riders.contains(&"先進医療特約".to_owned()),
        "{riders:?}"
    );
    assert!(
        !courses.contains(&"総合保障型4型".to_owned()) && !courses.is_empty(),
        "{courses:?}"
    );

    // A form shown before the import is refused beside the choice.
    let gan = rider_choice(&db, "K-2025-001001", "gan").await;
    let refused = app
        .call(sho.clone(), || {
            apply("rider_addition".into(), Some(gan.clone()), None)
        })
        .await;
    assert_eq!(
        refused,
        Err(AppError::field(
            "choice",
            "「がん特約」は、現在お申し込みを受け付けていません。ほかのものをお選びください。"
        ))
    );
    let contract_id = gan.split('-').next().unwrap().to_owned();
    let sogo4 = course::Entity::find()
        .filter(course::Column::Code.eq("sogo4"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let change = format!("{contract_id}-{}", sogo4.id);
    let refused = app
        .call(sho.clone(), || {
            preview_application("course_change".into(), Some(change.clone()), None)
        })
        .await;
    assert_eq!(
        refused,
        Err(AppError::field(
            "choice",
            "「総合保障型4型」は、現在お申し込みを受け付けていません。ほかのものをお選びください。"
        ))
    );
    assert!(procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(member_id_of(&db, "watanabe.sho").await))
        .one(&db)
        .await
        .unwrap()
        .is_none());

    // A contract holding an item off sale keeps it.
    let hanako = member_id_of(&db, "kyosai.hanako").await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let held = contracts_of(&db, hanako, today).await.unwrap();
    assert!(
        held.iter()
            .any(|c| c.riders.iter().any(|r| r.name == "女性疾病特約")),
        "{held:?}"
    );

    // A file from before the column puts them back on sale.
    let back = "区分,コード,名称,月掛金\n特約,gan,がん特約,1000\nコース,sogo4,総合保障型4型,4000\n";
    let out = run(&app, Kind::Catalogue, back, Mode::Commit).await;
    let told: Vec<&str> = out.issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(out.warnings, 2, "{told:?}");
    assert!(
        told[0].starts_with("がん特約の販売を再開しました。"),
        "{told:?}"
    );
    let (riders, courses) = offered(&app.call(sho.clone(), load_apply_options).await.unwrap());
    assert!(riders.contains(&"がん特約".to_owned()));
    assert!(courses.contains(&"総合保障型4型".to_owned()));
    app.call(sho, || apply("rider_addition".into(), Some(gan), None))
        .await
        .unwrap();
}
on_both!(contract_off_sale, an_item_off_sale_is_no_longer_offered);

/// A new contract registered ahead of its start says when its coverage
/// starts, not that a changed course waits (there is no earlier one); it
/// shows from that day.
async fn a_contract_starting_later_says_when(app: TestApp) {
    let hanako = member_id_of(&app.db, "kyosai.hanako").await;
    let csv = format!(
        "契約番号,組合員番号,区分,コード,保障開始日,保障終了日\n\
K-NEW-0100,{HANAKO},コース,sogo2,2027-01-01,\n\
K-NEW-0100,{HANAKO},特約,gan,2027-01-01,\n"
    );
    let out = run(&app, Kind::Contracts, &csv, Mode::Commit).await;
    assert_eq!(out.inserted, 1, "{:?}", out.issues);
    let on = |day: NaiveDate| {
        let db = app.db.clone();
        async move {
            contracts_of(&db, hanako, day)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.contract_number == "K-NEW-0100")
                .unwrap()
        }
    };
    let before = on(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).await;
    assert!(before.course.is_none());
    assert_eq!(
        before.pending,
        [
            "コース「総合保障型2型」の保障は、保障開始日の2027/1/1から始まります。",
            "特約「がん特約」の保障は、保障開始日の2027/1/1から始まります。"
        ]
    );
    let started = on(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).await;
    assert_eq!(
        started.course.map(|c| c.name).as_deref(),
        Some("総合保障型2型")
    );
    assert!(started.pending.is_empty(), "{:?}", started.pending);
}
on_both!(contract_starting_later, a_contract_starting_later_says_when);
