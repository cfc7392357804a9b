//! お問い合わせ (M11, S4): a member writes, staff note and reply, the member
//! is mailed and reads the reply, writes again and closes; internal notes
//! never reach the member; another member's ids answer as unknown; limits
//! hold under parallel requests.

use crate::helpers::*;
use app::domain::inquiry::Status as InquiryStatus;
use app::domain::policy::{INQUIRIES_PER_DAY, INQUIRY_MESSAGES_PER_DAY, INQUIRY_TEXT_MAX_CHARS};
use app::inquiry::*;
use app::ssr::entities::{inquiry as inquiry_entity, inquiry_message};
use sea_orm::QueryOrder;

async fn latest_inquiry(db: &DatabaseConnection) -> inquiry_entity::Model {
    inquiry_entity::Entity::find()
        .order_by_desc(inquiry_entity::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("an inquiry")
}

async fn start(app: &TestApp, who: &HeaderMap, subject: &str) -> Result<(), AppError> {
    app.call(who.clone(), || {
        start_inquiry(
            "workplace".into(),
            subject.into(),
            "4月から本社に異動しました。\n新しい電話番号は 03-0000-0000 です。".into(),
        )
    })
    .await
}

async fn actions_on(db: &DatabaseConnection, member_id: i32) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(member_id))
        .filter(audit_log::Column::Action.starts_with("inquiry_"))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect()
}

async fn a_thread_from_question_to_close(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;

    let categories = app.call(taro.clone(), inquiry_categories).await.unwrap();
    assert_eq!(categories[0].label, "登録内容・勤務先");
    start(&app, &taro, "勤務先が変わりました").await.unwrap();
    let t = latest_inquiry(&db).await;
    assert_eq!((t.member_id, t.status), (taro_id, InquiryStatus::Waiting));

    let list = app.call(taro.clone(), my_inquiries).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].category, "登録内容・勤務先");
    assert_eq!(list[0].status_label, "未対応");

    // Three hours later staff see it waiting, note something and reply.
    app.advance(Duration::hours(3));
    let staff = app.staff_headers("operator").await;
    let inbox = app
        .call(staff.clone(), || staff_inquiries(None, None))
        .await
        .unwrap()
        .rows;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].waited.as_deref(), Some("3時間"));
    assert_eq!(inbox[0].member.number, "0123-45678");
    assert_eq!(inbox[0].assigned_to, None);

    let id = t.id;
    app.call(staff.clone(), || {
        staff_note_inquiry(id, "人事記録と照合してから回答".into())
    })
    .await
    .unwrap();
    let case = app.call(staff.clone(), || staff_inquiry(id)).await.unwrap();
    assert_eq!(case.thread.summary.status, InquiryStatus::InProgress);
    assert!(case.assigned_to_me);
    assert_eq!(case.thread.messages.len(), 2);
    assert!(case.thread.messages[1].internal);
    // Staff see which of them wrote; the member's own message names no one.
    let operator = app::ssr::entities::staff_account::Entity::find()
        .filter(app::ssr::entities::staff_account::Column::LoginId.eq("operator"))
        .one(&db)
        .await
        .unwrap()
        .expect("the operator");
    assert!(
        case.thread.messages[1]
            .author
            .ends_with(&format!("({})", operator.name)),
        "{:?}",
        case.thread.messages[1]
    );
    assert!(!case.thread.messages[0].author.contains('('));

    // The note never reaches the member (logged in again: hours passed).
    let taro = app.member_headers("kyosai.taro").await;
    let seen = app.call(taro.clone(), || my_inquiry(id)).await.unwrap();
    assert_eq!(seen.messages.len(), 1);
    assert!(!seen.messages.iter().any(|m| m.body.contains("人事記録")));
    assert_eq!(seen.summary.status_label, "対応中");

    let reply = "ご連絡ありがとうございます。\n勤務先を変更しました。";
    app.call(staff.clone(), || {
        staff_reply_inquiry(id, reply.into(), Some("担当 佐藤".into()))
    })
    .await
    .unwrap();
    let mail = latest_mail_to(&db, "taro@example.jp").await;
    assert!(
        mail.subject.contains("お問い合わせに回答しました"),
        "{}",
        mail.subject
    );
    assert!(mail.body_text.contains(&format!("/mypage/inquiries/{id}")));
    assert!(mail.body_text.contains("勤務先が変わりました"));
    assert!(
        !mail.body_text.contains("勤務先を変更しました"),
        "no reply text in the mail"
    );

    let seen = app.call(taro.clone(), || my_inquiry(id)).await.unwrap();
    assert_eq!(seen.summary.status, InquiryStatus::Answered);
    let last = seen.messages.last().unwrap();
    assert_eq!(last.body, reply);
    assert_eq!(last.author, "当組合の担当者");
    assert_eq!(last.signature.as_deref(), Some("担当 佐藤"));
    assert!(last.from_staff && !last.internal);

    // The member writes again: waiting from now, first in the inbox.
    app.advance(Duration::minutes(10));
    app.call(taro.clone(), || {
        reply_inquiry(id, "ありがとうございました。".into())
    })
    .await
    .unwrap();
    let t = latest_inquiry(&db).await;
    assert_eq!(t.status, InquiryStatus::Waiting);
    assert_eq!(t.waiting_since, app.now());
    let inbox = app
        .call(staff.clone(), || staff_inquiries(None, None))
        .await
        .unwrap()
        .rows;
    assert_eq!(inbox[0].waited.as_deref(), Some("0分"));

    app.call(taro.clone(), || close_inquiry(id)).await.unwrap();
    let closed = app.call(taro.clone(), || my_inquiry(id)).await.unwrap();
    assert!(!closed.open);
    assert_eq!(closed.summary.status_label, "完了");
    let again = app
        .call(taro.clone(), || reply_inquiry(id, "もう一つ".into()))
        .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let again = app.call(staff.clone(), || staff_close_inquiry(id)).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    // Closed threads leave the default inbox but stay findable.
    assert!(app
        .call(staff.clone(), || staff_inquiries(None, None))
        .await
        .unwrap()
        .rows
        .is_empty());
    let all = app
        .call(staff.clone(), || {
            staff_inquiries(Some("all".into()), Some("workplace".into()))
        })
        .await
        .unwrap();
    assert_eq!(all.rows.len(), 1);

    assert_eq!(
        actions_on(&db, taro_id).await,
        [
            "inquiry_started",
            "inquiry_noted",
            "inquiry_viewed",
            "inquiry_replied",
            "inquiry_member_replied",
            "inquiry_closed",
        ]
    );
}
on_both!(
    a_thread_from_question_to_close,
    a_thread_from_question_to_close
);

async fn only_the_member_and_staff_see_a_thread(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let hanako = app.member_headers("kyosai.hanako").await;
    start(&app, &taro, "太郎の相談").await.unwrap();
    let id = latest_inquiry(&db).await.id;

    // Another member's id is unknown to her, whatever she tries.
    assert_eq!(
        app.call(hanako.clone(), || my_inquiry(id)).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        app.call(hanako.clone(), || reply_inquiry(id, "横から".into()))
            .await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        app.call(hanako.clone(), || close_inquiry(id)).await,
        Err(AppError::NotFound)
    );
    assert!(app
        .call(hanako.clone(), my_inquiries)
        .await
        .unwrap()
        .is_empty());
    // A member session is no staff session, and no session is nothing.
    assert!(matches!(
        app.call(taro.clone(), || staff_inquiry(id)).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(taro.clone(), || staff_reply_inquiry(id, "x".into(), None))
            .await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(HeaderMap::new(), my_inquiries).await,
        Err(AppError::Unauthenticated { .. })
    ));
    let messages = inquiry_message::Entity::find().all(&db).await.unwrap();
    assert_eq!(messages.len(), 1);
    let t = latest_inquiry(&db).await;
    assert_eq!(t.status, InquiryStatus::Waiting);
}
on_both!(
    only_the_member_and_staff_see_a_thread,
    only_the_member_and_staff_see_a_thread
);

async fn bad_input_is_refused_next_to_its_field(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let send = |category: &str, subject: &str, text: String| {
        let (category, subject) = (category.to_owned(), subject.to_owned());
        let taro = taro.clone();
        let app = &app;
        async move {
            app.call(taro, || start_inquiry(category, subject, text))
                .await
        }
    };
    let field = |r: Result<(), AppError>| match r {
        Err(AppError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(send("", "件名", "本文".into()).await), "category");
    assert_eq!(field(send("nope", "件名", "本文".into()).await), "category");
    assert_eq!(field(send("other", "  ", "本文".into()).await), "subject");
    assert_eq!(
        field(send("other", &"件".repeat(51), "本文".into()).await),
        "subject"
    );
    assert_eq!(field(send("other", "件名", " \n ".into()).await), "text");
    assert_eq!(
        field(send("other", "件名", "字".repeat(INQUIRY_TEXT_MAX_CHARS + 1)).await),
        "text"
    );
    // Markup is kept as text (the page shows it as text, never as HTML).
    send("other", "<b>件名</b>", "<script>alert(1)</script>".into())
        .await
        .unwrap();
    let t = latest_inquiry(&db).await;
    assert_eq!(t.subject, "<b>件名</b>");
    assert_eq!(
        inquiry_entity::Entity::find().all(&db).await.unwrap().len(),
        1
    );

    let staff = app.staff_headers("operator").await;
    let id = t.id;
    let r = app
        .call(staff.clone(), || {
            staff_reply_inquiry(id, "回答".into(), Some("あ".repeat(21)))
        })
        .await;
    assert_eq!(field(r), "signature");
    let r = app
        .call(staff.clone(), || staff_note_inquiry(id, "".into()))
        .await;
    assert_eq!(field(r), "note");
    assert_eq!(
        inquiry_message::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .len(),
        1
    );
}
on_both!(
    bad_input_is_refused_next_to_its_field,
    bad_input_is_refused_next_to_its_field
);

/// The daily limit of new inquiries holds when they arrive at once.
async fn new_inquiries_are_limited_per_day_under_parallel_requests(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let tries = INQUIRIES_PER_DAY as usize + 4;
    let results = futures::future::join_all((0..tries).map(|i| {
        let subject = format!("相談 {i}");
        let app = &app;
        let taro = &taro;
        async move { start(app, taro, &subject).await }
    }))
    .await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, INQUIRIES_PER_DAY as usize, "{results:?}");
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| matches!(e, AppError::Limit(m) if m.contains("本日の受け付けを止めています"))));
    assert_eq!(
        inquiry_entity::Entity::find().all(&db).await.unwrap().len(),
        INQUIRIES_PER_DAY as usize
    );
    // The day is Japan's: still refused at 23:59 JST (the test clock starts
    // at 10:00 JST), allowed again from midnight.
    app.advance(Duration::hours(13) + Duration::minutes(59));
    let taro = app.member_headers("kyosai.taro").await;
    let late = start(&app, &taro, "夜の相談").await;
    assert!(matches!(late, Err(AppError::Limit(_))), "{late:?}");
    app.advance(Duration::minutes(1));
    let taro = app.member_headers("kyosai.taro").await;
    start(&app, &taro, "翌日の相談").await.unwrap();
}
on_both!(
    new_inquiries_are_limited_per_day_under_parallel_requests,
    new_inquiries_are_limited_per_day_under_parallel_requests
);

/// Two staff members closing and replying at once: one wins, the other is
/// told, and the thread is never half-moved.
async fn staff_acting_at_once_never_both_win(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    start(&app, &taro, "同時の操作").await.unwrap();
    let id = latest_inquiry(&db).await.id;
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    let (a, b) = tokio::join!(
        app.call(operator.clone(), || staff_close_inquiry(id)),
        app.call(admin.clone(), || staff_close_inquiry(id)),
    );
    assert_eq!(
        [&a, &b].iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} {b:?}"
    );
    let closes = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("inquiry_closed"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(closes.len(), 1);
    assert_eq!(latest_inquiry(&db).await.status, InquiryStatus::Closed);
}
on_both!(
    staff_acting_at_once_never_both_win,
    staff_acting_at_once_never_both_win
);

/// The inbox is worked oldest-waiting first and filtered by status and
/// category; staff take a thread (or a colleague's) on record; an internal
/// step the member cannot see leaves the time they are shown alone.
async fn staff_take_threads_and_work_the_inbox_oldest_first(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    start(&app, &taro, "先に届いた相談").await.unwrap();
    let first = latest_inquiry(&db).await.id;
    app.advance(Duration::hours(1));
    let hanako = app.member_headers("kyosai.hanako").await;
    app.call(hanako.clone(), || {
        start_inquiry("contract".into(), "後の相談".into(), "特約について".into())
    })
    .await
    .unwrap();
    let second = latest_inquiry(&db).await.id;

    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    let ids = |list: app::staff::Listing<InboxRow>| {
        list.rows.iter().map(|r| r.summary.id).collect::<Vec<_>>()
    };
    let inbox = |status: Option<&str>, category: Option<&str>| {
        let (status, category) = (status.map(str::to_owned), category.map(str::to_owned));
        app.call(operator.clone(), move || staff_inquiries(status, category))
    };
    assert_eq!(ids(inbox(None, None).await.unwrap()), [first, second]);
    assert_eq!(
        ids(inbox(Some("waiting"), None).await.unwrap()),
        [first, second]
    );
    assert_eq!(ids(inbox(None, Some("contract")).await.unwrap()), [second]);
    assert_eq!(
        inbox(Some("nonsense"), None).await.unwrap_err(),
        AppError::NotFound
    );

    // The operator takes the first thread: 対応中 for the member too.
    app.advance(Duration::minutes(5));
    app.call(operator.clone(), || staff_assign_inquiry(first))
        .await
        .unwrap();
    let taken = latest_of(&db, first).await;
    assert_eq!(taken.status, InquiryStatus::InProgress);
    assert_eq!(taken.updated_at, app.now());
    let rows = inbox(Some("in_progress"), None).await.unwrap();
    assert_eq!(ids(rows.clone()), [first]);
    assert!(rows.rows[0].assigned_to.is_some());
    assert_eq!(ids(inbox(Some("waiting"), None).await.unwrap()), [second]);

    // A note and a colleague taking it over change nothing the member sees.
    let shown = taken.updated_at;
    app.advance(Duration::minutes(5));
    app.call(operator.clone(), || {
        staff_note_inquiry(first, "折り返し電話の予定".into())
    })
    .await
    .unwrap();
    app.call(admin.clone(), || staff_assign_inquiry(first))
        .await
        .unwrap();
    let now_taken = latest_of(&db, first).await;
    assert_eq!(now_taken.updated_at, shown);
    assert_ne!(now_taken.assigned_staff_id, taken.assigned_staff_id);
    let case = app
        .call(admin.clone(), || staff_inquiry(first))
        .await
        .unwrap();
    assert!(case.assigned_to_me);
    let case = app
        .call(operator.clone(), || staff_inquiry(first))
        .await
        .unwrap();
    assert!(!case.assigned_to_me);
    let taro = app.member_headers("kyosai.taro").await;
    let mine = app.call(taro.clone(), my_inquiries).await.unwrap();
    assert_eq!(mine[0].status_label, "対応中");
    assert_eq!(mine[0].updated_at, app::domain::jst::format_datetime(shown));

    // A reply the member reads moves it.
    app.call(admin.clone(), || {
        staff_reply_inquiry(first, "お電話いたします。".into(), None)
    })
    .await
    .unwrap();
    assert_eq!(latest_of(&db, first).await.updated_at, app.now());
    assert_eq!(
        actions_on(&db, taro_id).await,
        [
            "inquiry_started",
            "inquiry_assigned",
            "inquiry_noted",
            "inquiry_assigned",
            "inquiry_viewed",
            "inquiry_viewed",
            "inquiry_replied",
        ]
    );
    // Reads are on record, but not in the history of changes on the
    // member's page.
    let history = app
        .call(admin.clone(), || app::staff::staff_member_history(taro_id))
        .await
        .unwrap();
    assert!(
        !history
            .iter()
            .any(|r| r.action.contains("閲覧") || r.action.ends_with("_viewed")),
        "{history:?}"
    );
}
on_both!(
    staff_take_threads_and_work_the_inbox_oldest_first,
    staff_take_threads_and_work_the_inbox_oldest_first
);

async fn latest_of(db: &DatabaseConnection, id: i32) -> inquiry_entity::Model {
    inquiry_entity::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .expect("the inquiry")
}

/// Messages per member per day are limited too (each thread's first one
/// counts).
async fn messages_are_limited_per_day(app: TestApp) {
    let db = app.db.clone();
    let taro = app.member_headers("kyosai.taro").await;
    start(&app, &taro, "続けて書きます").await.unwrap();
    let id = latest_inquiry(&db).await.id;
    for i in 1..INQUIRY_MESSAGES_PER_DAY {
        app.call(taro.clone(), || reply_inquiry(id, format!("追記 {i}")))
            .await
            .unwrap();
    }
    let refused = app
        .call(taro.clone(), || reply_inquiry(id, "もう一通".into()))
        .await;
    assert!(
        matches!(&refused, Err(AppError::Limit(m)) if m.starts_with("メッセージの送信が続いたため")),
        "{refused:?}"
    );
    assert_eq!(
        refused.unwrap_err().status(),
        http::StatusCode::TOO_MANY_REQUESTS
    );
    let messages = inquiry_message::Entity::find()
        .filter(inquiry_message::Column::InquiryId.eq(id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(messages.len(), INQUIRY_MESSAGES_PER_DAY as usize);
    // Another member is not held back.
    let hanako = app.member_headers("kyosai.hanako").await;
    start(&app, &hanako, "別の組合員").await.unwrap();
}
on_both!(messages_are_limited_per_day, messages_are_limited_per_day);
