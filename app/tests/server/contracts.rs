use crate::helpers::*;

async fn coverage_follows_the_date(app: TestApp) {
    let db = app.db.clone();
    // Demo data was loaded at t0 (2026/11/23 JST): changes start 2026/12/1.
    let nov30 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let dec1 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let taro = member_id_of(&db, "kyosai.taro").await;
    let before = contracts_of(&db, taro, nov30).await.unwrap();
    assert_eq!(before.len(), 1);
    let c = &before[0];
    assert_eq!(c.course.as_ref().unwrap().name, "総合保障型2型");
    assert_eq!(c.course.as_ref().unwrap().starts_on, "2019/4/1");
    assert_eq!(
        c.riders.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["先進医療特約"]
    );
    assert_eq!(c.monthly_total, "2,200円");
    assert_eq!(
        c.pending,
        ["お申し込みの特約「がん特約」は、保障開始日の2026/12/1から表示されます。"]
    );
    let after = &contracts_of(&db, taro, dec1).await.unwrap()[0];
    assert_eq!(after.riders.len(), 2);
    assert_eq!(after.monthly_total, "3,200円");
    assert!(after.pending.is_empty());

    let hanako = member_id_of(&db, "kyosai.hanako").await;
    let before = &contracts_of(&db, hanako, nov30).await.unwrap()[0];
    assert_eq!(before.course.as_ref().unwrap().name, "入院保障型2型");
    assert!(before.pending[0]
        .starts_with("変更後のコース「総合保障型4型」は2026/12/1から表示されます。"));
    let after = &contracts_of(&db, hanako, dec1).await.unwrap()[0];
    assert_eq!(after.course.as_ref().unwrap().name, "総合保障型4型");
    assert_eq!(after.course.as_ref().unwrap().starts_on, "2026/12/1");
}
on_both!(contracts_by_date, coverage_follows_the_date);

async fn members_see_only_their_own_contracts(app: TestApp) {
    let db = app.db.clone();
    let taro = cookie_headers(
        &login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let hanako = cookie_headers(
        &login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let mine = app.call(taro, app::contract::my_contracts).await.unwrap();
    assert_eq!(
        mine.iter()
            .map(|c| c.contract_number.as_str())
            .collect::<Vec<_>>(),
        ["K-2019-000101"]
    );
    let hers = app.call(hanako, app::contract::my_contracts).await.unwrap();
    assert_eq!(
        hers.iter()
            .map(|c| c.contract_number.as_str())
            .collect::<Vec<_>>(),
        ["K-2021-000231"]
    );
    assert_eq!(
        app.call(HeaderMap::new(), app::contract::my_contracts)
            .await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(contracts_isolation, members_see_only_their_own_contracts);
