//! お知らせ (M17, S5): a notice reaches its audience between its publish and
//! expiry times, 重要 first; reading marks it once; public ones show on the
//! login page; staff publish and end them, with clear refusals.

use crate::helpers::*;
use app::notice::*;
use app::ssr::entities::{course, notice_read};
use sea_orm::QueryOrder;

/// JST `datetime-local` text `minutes` from the scenario's now.
fn local(app: &TestApp, minutes: i64) -> String {
    app::domain::jst::datetime_local(app.now() + Duration::minutes(minutes))
}

#[allow(clippy::too_many_arguments)]
async fn publish(
    app: &TestApp,
    staff: &HeaderMap,
    title: &str,
    important: bool,
    audience: &str,
    course: Option<&str>,
    public: bool,
    from: i64,
    until: Option<i64>,
) -> Result<(), AppError> {
    let (title, audience) = (title.to_owned(), audience.to_owned());
    let course = course.map(str::to_owned);
    let importance = if important { "important" } else { "normal" }.to_owned();
    let publish_at = local(app, from);
    let expire_at = until.map(|m| local(app, m));
    app.call(staff.clone(), || {
        staff_publish_notice(
            title,
            "本文です。\n二行目です。".into(),
            importance,
            audience,
            course,
            public.then(|| "on".to_owned()),
            publish_at,
            expire_at,
        )
    })
    .await
}

async fn id_of(db: &DatabaseConnection, title: &str) -> i32 {
    app::ssr::entities::notice::Entity::find()
        .filter(app::ssr::entities::notice::Column::Title.eq(title))
        .one(db)
        .await
        .unwrap()
        .expect("the notice")
        .id
}

fn titles(list: &[NoticeSummary]) -> Vec<&str> {
    list.iter().map(|n| n.title.as_str()).collect()
}

async fn notices_reach_their_audience_in_time(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let today = app::domain::jst::today(app.now());
    let taro_course = app::contract::ssr::coverages_of(&db, taro_id)
        .await
        .unwrap()
        .iter()
        .find_map(|c| c.course_on(today).map(|c| c.code.clone()))
        .expect("taro has a course");
    let other_course = course::Entity::find()
        .order_by_asc(course::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .find(|c| *c != taro_course)
        .unwrap();

    publish(&app, &staff, "全員へ", false, "all", None, false, -60, None)
        .await
        .unwrap();
    app.advance(Duration::minutes(1));
    publish(
        &app,
        &staff,
        "コース契約者へ重要",
        true,
        "course",
        Some(&taro_course),
        false,
        -30,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "他のコースへ",
        true,
        "course",
        Some(&other_course),
        false,
        -30,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "脱退者へ",
        false,
        "withdrawn",
        None,
        false,
        -30,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "明日から",
        false,
        "all",
        None,
        false,
        60,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "まもなく終了",
        false,
        "active",
        None,
        false,
        -10,
        Some(30),
    )
    .await
    .unwrap();

    let taro = app.member_headers("kyosai.taro").await;
    let board = app.call(taro.clone(), my_notices).await.unwrap();
    assert_eq!(
        titles(&board.current),
        ["コース契約者へ重要", "まもなく終了", "全員へ"]
    );
    assert!(board.current.iter().all(|n| n.unread));
    assert!(board.current[0].important);
    assert!(board.past.is_empty());

    // Another audience's notice, or one still to come, is unknown by id.
    for title in ["他のコースへ", "脱退者へ", "明日から"] {
        let id = id_of(&db, title).await;
        assert_eq!(
            app.call(taro.clone(), || my_notice(id)).await,
            Err(AppError::NotFound),
            "{title}"
        );
    }

    // A member who has withdrawn (with access left until the refund date)
    // sees the notices for withdrawn members and for everyone, not those
    // for members still in.
    let hanako_id = member_id_of(&db, "kyosai.hanako").await;
    app::ssr::entities::member::Entity::update_many()
        .col_expr(
            app::ssr::entities::member::Column::WithdrawnOn,
            sea_orm::sea_query::Expr::value(today),
        )
        .col_expr(
            app::ssr::entities::member::Column::AccessUntil,
            sea_orm::sea_query::Expr::value(today + Duration::days(60)),
        )
        .filter(app::ssr::entities::member::Column::Id.eq(hanako_id))
        .exec(&db)
        .await
        .unwrap();
    let hanako = app.member_headers("kyosai.hanako").await;
    let board = app.call(hanako.clone(), my_notices).await.unwrap();
    let seen = titles(&board.current);
    assert!(
        seen.contains(&"脱退者へ") && seen.contains(&"全員へ"),
        "{seen:?}"
    );
    assert!(!seen.contains(&"まもなく終了"), "{seen:?}");
    let id = id_of(&db, "まもなく終了").await;
    assert_eq!(
        app.call(hanako.clone(), || my_notice(id)).await,
        Err(AppError::NotFound)
    );

    // Reading marks it once, however many tabs open it at once.
    let id = id_of(&db, "全員へ").await;
    let reads = futures::future::join_all((0..4).map(|_| {
        let taro = taro.clone();
        let app = &app;
        async move { app.call(taro, || my_notice(id)).await }
    }))
    .await;
    assert!(reads.iter().all(|r| r.is_ok()), "{reads:?}");
    assert_eq!(reads[0].as_ref().unwrap().body, "本文です。\n二行目です。");
    assert_eq!(
        notice_read::Entity::find()
            .filter(notice_read::Column::NoticeId.eq(id))
            .all(&db)
            .await
            .unwrap()
            .len(),
        1
    );
    let board = app.call(taro.clone(), my_notices).await.unwrap();
    assert!(!board.current.iter().find(|n| n.id == id).unwrap().unread);

    // An hour on: one has ended, one has begun.
    app.advance(Duration::minutes(61));
    let taro = app.member_headers("kyosai.taro").await;
    let board = app.call(taro.clone(), my_notices).await.unwrap();
    assert_eq!(
        titles(&board.current),
        ["コース契約者へ重要", "明日から", "全員へ"]
    );
    assert_eq!(titles(&board.past), ["まもなく終了"]);
    // Past notices stay readable.
    let ended = id_of(&db, "まもなく終了").await;
    assert!(app.call(taro.clone(), || my_notice(ended)).await.is_ok());

    // Staff end one now; ending it twice is refused.
    let staff = app.staff_headers("operator").await;
    let id = id_of(&db, "全員へ").await;
    app.call(staff.clone(), || staff_end_notice(id))
        .await
        .unwrap();
    assert!(matches!(
        app.call(staff.clone(), || staff_end_notice(id)).await,
        Err(AppError::Conflict(_))
    ));
    let board = app.call(taro.clone(), my_notices).await.unwrap();
    assert!(!titles(&board.current).contains(&"全員へ"));
    assert!(titles(&board.past).contains(&"全員へ"));
    let listed = app.call(staff.clone(), staff_notices).await.unwrap();
    assert_eq!(listed.rows.len(), 6);
    assert_eq!(
        listed.rows.iter().find(|r| r.id == id).unwrap().state,
        "掲載終了"
    );
}
on_both!(
    notices_reach_their_audience_in_time,
    notices_reach_their_audience_in_time
);

async fn public_notices_show_on_the_login_page(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    publish(
        &app,
        &staff,
        "年末年始の窓口",
        true,
        "all",
        None,
        true,
        -5,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "会員だけに",
        false,
        "all",
        None,
        false,
        -5,
        None,
    )
    .await
    .unwrap();
    publish(
        &app,
        &staff,
        "来週の公開",
        false,
        "all",
        None,
        true,
        600,
        None,
    )
    .await
    .unwrap();
    let shown = app.call(HeaderMap::new(), public_notices).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].title, "年末年始の窓口");
    assert!(shown[0].important);

    // A notice still to come is withdrawn by ending it.
    let id = id_of(&db, "来週の公開").await;
    app.call(staff.clone(), || staff_end_notice(id))
        .await
        .unwrap();
    assert!(app::ssr::entities::notice::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .is_none());
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.is_in(["notice_published", "notice_withdrawn"]))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 4);
    // A withdrawn notice's text is kept in the audit (the row is deleted).
    let withdrawn: Vec<_> = audit
        .iter()
        .filter(|a| a.action == "notice_withdrawn")
        .collect();
    assert!(
        !withdrawn.is_empty()
            && withdrawn.iter().all(|a| a
                .before
                .as_deref()
                .is_some_and(|b| b.contains("本文です。\n二行目です。")
                    && b.contains("(ログイン画面にも表示)"))),
        "{withdrawn:?}"
    );
}
on_both!(
    public_notices_show_on_the_login_page,
    public_notices_show_on_the_login_page
);

async fn bad_notices_are_refused_next_to_their_field(app: TestApp) {
    let db = app.db.clone();
    let staff = app.staff_headers("operator").await;
    let field = |r: Result<(), AppError>| match r {
        Err(AppError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(publish(&app, &staff, " ", false, "all", None, false, 0, None).await),
        "title"
    );
    assert_eq!(
        field(publish(&app, &staff, "x", false, "course", None, false, 0, None).await),
        "course"
    );
    assert_eq!(
        field(
            publish(
                &app,
                &staff,
                "x",
                false,
                "course",
                Some("nope"),
                false,
                0,
                None
            )
            .await
        ),
        "course"
    );
    assert_eq!(
        field(publish(&app, &staff, "x", false, "active", None, true, 0, None).await),
        "public"
    );
    assert_eq!(
        field(publish(&app, &staff, "x", false, "all", None, false, 60, Some(30)).await),
        "expire_at"
    );
    assert_eq!(
        field(publish(&app, &staff, "x", false, "all", None, false, -60, Some(-30)).await),
        "expire_at"
    );
    assert_eq!(
        field(publish(&app, &staff, "x", false, "everyone", None, false, 0, None).await),
        "audience"
    );
    assert!(app::ssr::entities::notice::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .is_empty());

    // Members do not publish.
    let taro = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        publish(&app, &taro, "x", false, "all", None, false, 0, None).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(taro.clone(), staff_notices).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(HeaderMap::new(), my_notices).await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(
    bad_notices_are_refused_next_to_their_field,
    bad_notices_are_refused_next_to_their_field
);
