//! Mail delivery, visible to staff: a mail that cannot be sent is retried a
//! bounded number of times (a permanent refusal not at all) and marked
//! failed; staff list failing and failed mails (never their text), resend or
//! cancel them (audited, each once when two staff act at once); the member
//! and the member's record show the problem; failed mail is purged.

use crate::helpers::*;
use app::domain::mail_delivery::{backoff, DeliveryState};
use app::domain::policy::{FAILED_MAIL_KEEP_DAYS, MAIL_MAX_ATTEMPTS};
use app::mails::*;

const TARO: &str = "taro@example.jp";

fn mail(to: &str, subject: &str) -> mail::Mail {
    mail::Mail {
        to: to.into(),
        subject: subject.into(),
        body: format!("{subject}の本文です。"),
        sensitive: false,
    }
}

/// An SMTP server that is not there: every try is refused for now.
fn unreachable_smtp() -> worker::Transport {
    let mut cfg = config();
    cfg.smtp_url = Some("smtp://127.0.0.1:9".into());
    worker::Transport::from_config(&cfg).expect("transport")
}

fn dev_mailbox() -> worker::Transport {
    let mut cfg = config();
    cfg.dev = true;
    cfg.smtp_url = None;
    worker::Transport::from_config(&cfg).expect("transport")
}

async fn row_of(db: &DatabaseConnection, subject: &str) -> mail_outbox::Model {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Subject.eq(subject))
        .one(db)
        .await
        .unwrap()
        .expect("queued")
}

async fn list(app: &TestApp, staff: &HeaderMap, show: &str) -> MailList {
    let show = Some(show.to_owned());
    app.call(staff.clone(), || staff_mails(show, None))
        .await
        .unwrap()
}

async fn audited(db: &DatabaseConnection, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(db)
        .await
        .unwrap()
}

async fn failing_mails_are_given_up_and_shown_to_staff(app: TestApp) {
    let db = app.db.clone();
    let smtp = unreachable_smtp();
    let start = app.now();
    mail::enqueue(&db, mail(TARO, "お手続き受付のお知らせ"), start)
        .await
        .unwrap();
    mail::enqueue(
        &db,
        mail::Mail {
            body: "認証コード: 314159".into(),
            ..mail(TARO, "認証コードのお知らせ")
        }
        .secret(),
        start,
    )
    .await
    .unwrap();

    // Refused for now: retried with growing pauses, then given up.
    let mut now = start;
    for attempt in 1..=MAIL_MAX_ATTEMPTS {
        assert_eq!(worker::deliver_due(&db, &smtp, now).await.unwrap(), 0);
        let m = row_of(&db, "お手続き受付のお知らせ").await;
        assert_eq!(m.attempts, attempt);
        assert!(m.last_error.is_some());
        if attempt < MAIL_MAX_ATTEMPTS {
            assert!(m.failed_at.is_none(), "attempt {attempt}");
            assert_eq!(m.next_attempt_at, now + backoff(attempt - 1));
            // Not due yet: not tried.
            worker::deliver_due(&db, &smtp, now + Duration::seconds(1))
                .await
                .unwrap();
            assert_eq!(
                row_of(&db, "お手続き受付のお知らせ").await.attempts,
                attempt
            );
            now = m.next_attempt_at;
        } else {
            assert_eq!(m.failed_at, Some(now));
        }
    }
    // Given up: never tried again, and a secret's text is gone.
    worker::deliver_due(&db, &smtp, now + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        row_of(&db, "お手続き受付のお知らせ").await.attempts,
        MAIL_MAX_ATTEMPTS
    );
    let secret = row_of(&db, "認証コードのお知らせ").await;
    assert!(secret.failed_at.is_some());
    assert_eq!(secret.body_text, mail::REDACTED_UNSENT);

    // A permanent refusal (the development mailbox refuses `.invalid`)
    // fails at the first try; a good address goes out.
    let dev = dev_mailbox();
    mail::enqueue(&db, mail("nobody@example.invalid", "宛先不明"), now)
        .await
        .unwrap();
    mail::enqueue(&db, mail("hanako@example.jp", "届くメール"), now)
        .await
        .unwrap();
    assert_eq!(worker::deliver_due(&db, &dev, now).await.unwrap(), 1);
    let bounced = row_of(&db, "宛先不明").await;
    assert_eq!((bounced.attempts, bounced.failed_at), (1, Some(now)));
    assert!(bounced.last_error.unwrap().contains("550"));
    // One being retried.
    mail::enqueue(&db, mail(TARO, "再試行中のメール"), now)
        .await
        .unwrap();
    worker::deliver_due(&db, &smtp, now).await.unwrap();

    // Staff see what needs a look, newest first, with the member.
    let operator = app.staff_headers("operator").await;
    let problems = list(&app, &operator, "").await;
    assert_eq!((problems.failed, problems.retrying), (3, 1));
    let subjects: Vec<_> = problems.rows.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "再試行中のメール",
            "宛先不明",
            "認証コードのお知らせ",
            "お手続き受付のお知らせ"
        ]
    );
    let retrying = &problems.rows[0];
    assert_eq!(retrying.state, DeliveryState::Retrying);
    assert!(retrying.next_try.is_some() && !retrying.can_resend && retrying.can_cancel);
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    assert_eq!(retrying.member.as_ref().map(|(id, _)| *id), Some(taro_id));
    assert!(problems.rows[1].member.is_none());
    let secret_row = &problems.rows[2];
    assert!(secret_row.sensitive && !secret_row.can_resend && secret_row.can_cancel);
    assert!(problems.rows[3].can_resend);
    // The rows carry no text at all; nor does anything else in the answer.
    assert!(!format!("{problems:?}").contains("本文"));
    assert!(!format!("{problems:?}").contains("314159"));
    assert_eq!(list(&app, &operator, "failed").await.rows.len(), 3);
    assert_eq!(list(&app, &operator, "retrying").await.rows.len(), 1);
    assert_eq!(list(&app, &operator, "all").await.rows.len(), 5);
    // Narrowed to a member's address.
    let theirs = app
        .call(operator.clone(), || staff_mails(None, Some(taro_id)))
        .await
        .unwrap();
    assert_eq!(theirs.rows.len(), 3);
    assert_eq!(theirs.to.as_deref(), Some(TARO));
    assert!(matches!(
        app.call(operator.clone(), || staff_mails(None, Some(-1)))
            .await,
        Err(AppError::NotFound)
    ));

    // The member is told on their My Page home; their record tells staff.
    let taro = app.member_headers("kyosai.taro").await;
    let profile = app
        .call(taro.clone(), app::member::my_profile)
        .await
        .unwrap();
    assert!(profile.mail_undeliverable_since.is_some());
    let record = app
        .call(operator.clone(), || app::staff::staff_member(taro_id))
        .await
        .unwrap();
    assert_eq!(
        record.mail_trouble,
        Some(MailTrouble {
            failed: 2,
            retrying: 1
        })
    );
    let hanako = app.member_headers("kyosai.hanako").await;
    let theirs = app.call(hanako, app::member::my_profile).await.unwrap();
    assert!(theirs.mail_undeliverable_since.is_none());

    // Members never reach the list or its actions.
    let id = row_of(&db, "お手続き受付のお知らせ").await.id;
    assert!(matches!(
        app.call(taro.clone(), || staff_mails(None, None)).await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(taro.clone(), || staff_resend_mail(id)).await,
        Err(AppError::Unauthenticated { .. })
    ));

    // Resend: queued afresh, audited against the member, sent next round.
    app.call(operator.clone(), || staff_resend_mail(id))
        .await
        .unwrap();
    let again = row_of(&db, "お手続き受付のお知らせ").await;
    assert_eq!((again.attempts, again.failed_at), (0, None));
    let resent = audited(&db, "mail_resent").await;
    assert_eq!(resent.len(), 1);
    assert_eq!(resent[0].member_id, Some(taro_id));
    assert!(matches!(
        app.call(operator.clone(), || staff_resend_mail(id)).await,
        Err(AppError::Conflict(_))
    ));
    // A secret is not resent.
    let secret_id = secret.id;
    assert!(matches!(
        app.call(operator.clone(), || staff_resend_mail(secret_id)).await,
        Err(AppError::Conflict(m)) if m.contains("再送できません")
    ));
    worker::deliver_due(&db, &dev, now).await.unwrap();
    assert!(row_of(&db, "お手続き受付のお知らせ")
        .await
        .sent_at
        .is_some());

    // Cancel the secret and the one being retried.
    app.call(operator.clone(), || staff_cancel_mail(secret_id))
        .await
        .unwrap();
    let retrying_id = row_of(&db, "再試行中のメール").await.id;
    app.call(operator.clone(), || staff_cancel_mail(retrying_id))
        .await
        .unwrap();
    assert!(matches!(
        app.call(operator.clone(), || staff_cancel_mail(retrying_id))
            .await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(audited(&db, "mail_cancelled").await.len(), 2);
    // A cancelled mail is never tried again.
    worker::deliver_due(&db, &dev, now + Duration::days(1))
        .await
        .unwrap();
    assert!(row_of(&db, "再試行中のメール").await.sent_at.is_none());
    // The resent mail (and the login notices) reached the member since.
    let profile = app
        .call(taro.clone(), app::member::my_profile)
        .await
        .unwrap();
    assert!(profile.mail_undeliverable_since.is_none());
    let record = app
        .call(operator.clone(), || app::staff::staff_member(taro_id))
        .await
        .unwrap();
    assert_eq!(record.mail_trouble, None);
    let cancelled = list(&app, &operator, "cancelled").await;
    assert_eq!(cancelled.rows.len(), 2);
    assert!(cancelled
        .rows
        .iter()
        .all(|r| r.state == DeliveryState::Cancelled && !r.can_cancel && !r.can_resend));
    assert_eq!(
        app::staff::ssr::audit_view::action_label("mail_resent"),
        "メールの再送"
    );

    // Failed and cancelled mails are purged after the retention period;
    // a recent failure stays.
    let later = now + Duration::days(FAILED_MAIL_KEEP_DAYS + 1);
    let recent = later - Duration::days(1);
    mail::enqueue(&db, mail("new@example.invalid", "最近の失敗"), recent)
        .await
        .unwrap();
    worker::deliver_due(&db, &dev, recent).await.unwrap();
    app::ssr::housekeeping::sweep(&db, &config(), later)
        .await
        .unwrap();
    let left: Vec<_> = outbox(&db).await.into_iter().map(|m| m.subject).collect();
    assert_eq!(left, ["最近の失敗"]);
}
on_both!(
    failing_mails_are_given_up_and_shown_to_staff,
    failing_mails_are_given_up_and_shown_to_staff
);

/// Cancelling a failed mail does not make the address reachable: the
/// member is still told, until a mail reaches them.
async fn a_cancelled_failure_still_tells_the_member(app: TestApp) {
    let db = app.db.clone();
    let wanted = demo::fixtures::Wanted {
        undeliverable: true,
        ..Default::default()
    };
    let me = demo::fixtures::member(&db, &wanted, app.now())
        .await
        .unwrap();
    let headers = app.member_headers(&me.user_id).await;
    mail::enqueue(&db, mail(&me.email, "届かないメール"), app.now())
        .await
        .unwrap();
    worker::deliver_due(&db, &dev_mailbox(), app.now())
        .await
        .unwrap();
    let told = app
        .call(headers.clone(), app::member::my_profile)
        .await
        .unwrap();
    assert!(told.mail_undeliverable_since.is_some());
    let operator = app.staff_headers("operator").await;
    let failed = |record: app::staff::MemberRecord| record.mail_trouble.map_or(0, |t| t.failed);
    let before = app
        .call(operator.clone(), || app::staff::staff_member(me.member_id))
        .await
        .unwrap();
    let id = row_of(&db, "届かないメール").await.id;
    app.call(operator.clone(), || staff_cancel_mail(id))
        .await
        .unwrap();
    let told = app.call(headers, app::member::my_profile).await.unwrap();
    assert!(told.mail_undeliverable_since.is_some());
    // On the record, a cancelled mail no longer counts: staff dealt with it.
    let after = app
        .call(operator, || app::staff::staff_member(me.member_id))
        .await
        .unwrap();
    assert_eq!(failed(after), failed(before) - 1);
}
on_both!(
    a_cancelled_failure_still_tells_the_member,
    a_cancelled_failure_still_tells_the_member
);

/// Two staff resending (or cancelling) one mail at once: it changes once,
/// once audited, and the other is told.
async fn staff_acting_on_one_mail_at_once_change_it_once(app: TestApp) {
    let db = app.db.clone();
    let dev = dev_mailbox();
    for subject in ["一通目", "二通目"] {
        mail::enqueue(&db, mail("gone@example.invalid", subject), app.now())
            .await
            .unwrap();
    }
    worker::deliver_due(&db, &dev, app.now()).await.unwrap();
    let (first, second) = (
        row_of(&db, "一通目").await.id,
        row_of(&db, "二通目").await.id,
    );
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;

    let (a, b) = tokio::join!(
        app.call(operator.clone(), || staff_resend_mail(first)),
        app.call(admin.clone(), || staff_resend_mail(first)),
    );
    assert_eq!(
        [&a, &b].iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(audited(&db, "mail_resent").await.len(), 1);

    let (a, b) = tokio::join!(
        app.call(operator.clone(), || staff_cancel_mail(second)),
        app.call(admin.clone(), || staff_cancel_mail(second)),
    );
    assert_eq!(
        [&a, &b].iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(audited(&db, "mail_cancelled").await.len(), 1);
    let loser = if a.is_err() { a } else { b };
    assert!(matches!(loser, Err(AppError::Conflict(_))));
}
on_both!(
    staff_acting_on_one_mail_at_once_change_it_once,
    staff_acting_on_one_mail_at_once_change_it_once
);

/// An SMTP server on a free port that takes one mail at a time and holds
/// its answer to the mail's text until `release` is notified; `arrived` is
/// notified when the text is in. (Enough SMTP for lettre without TLS.)
async fn holding_smtp() -> (
    u16,
    std::sync::Arc<tokio::sync::Notify>,
    std::sync::Arc<tokio::sync::Notify>,
) {
    use std::sync::Arc;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (arrived, release) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let (told, held) = (arrived.clone(), release.clone());
    tokio::spawn(async move {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 test\r\n").await;
        let mut in_text = false;
        while let Ok(Some(line)) = lines.next_line().await {
            let answer: &[u8] = if in_text {
                if line != "." {
                    continue;
                }
                in_text = false;
                told.notify_one();
                held.notified().await;
                b"250 queued\r\n"
            } else {
                match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                    Some("DATA") => {
                        in_text = true;
                        b"354 go on\r\n"
                    }
                    Some("QUIT") => b"221 bye\r\n",
                    _ => b"250 ok\r\n",
                }
            };
            if write.write_all(answer).await.is_err() {
                return;
            }
        }
    });
    (port, arrived, release)
}

/// A worker's round under way, sending one mail `subject` to an SMTP
/// server that holds its answer to the mail's text until `release`.
struct HeldSending {
    id: i32,
    round: tokio::task::JoinHandle<Result<usize, AppError>>,
    release: std::sync::Arc<tokio::sync::Notify>,
}

/// Queues `subject`, starts a worker round sending it to [`holding_smtp`],
/// and returns once the mail's text has reached the server.
async fn sending_held(app: &TestApp, subject: &str) -> HeldSending {
    let (port, arrived, release) = holding_smtp().await;
    let mut cfg = config();
    cfg.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let transport = worker::Transport::from_config(&cfg).expect("transport");
    mail::enqueue(&app.db, mail(TARO, subject), app.now())
        .await
        .unwrap();
    let id = row_of(&app.db, subject).await.id;
    let (db, now) = (app.db.clone(), app.now());
    let round = tokio::spawn(async move { worker::deliver_due(&db, &transport, now).await });
    tokio::time::timeout(std::time::Duration::from_secs(20), arrived.notified())
        .await
        .expect("the mail's text reached the SMTP server");
    HeldSending { id, round, release }
}

/// The staff list's row of mail `id`.
async fn listed(app: &TestApp, staff: &HeaderMap, id: i32) -> MailRow {
    let list = app
        .call(staff.clone(), || staff_mails(None, None))
        .await
        .unwrap();
    list.rows.into_iter().find(|r| r.id == id).expect("listed")
}

/// Staff cannot cancel a mail while it is being sent (before, the cancel
/// succeeded and the list said 取消 for a mail the member then received).
/// Once a claim has run out (a sender that died, or one slower than its
/// limit) staff may cancel, and a late outcome is not written over it.
async fn a_mail_being_sent_cannot_be_cancelled(app: TestApp) {
    let db = app.db.clone();
    let operator = app.staff_headers("operator").await;

    let held = sending_held(&app, "送信中のメール").await;
    let id = held.id;
    let row = listed(&app, &operator, id).await;
    assert_eq!(row.state, DeliveryState::Sending, "{row:?}");
    assert_eq!(row.state.label(), "送信中");
    assert!(!row.can_cancel && !row.can_resend, "no button: {row:?}");
    let refused = app.call(operator.clone(), || staff_cancel_mail(id)).await;
    assert!(
        matches!(&refused, Err(AppError::Conflict(m)) if m.contains("いま送信している")),
        "{refused:?}"
    );
    held.release.notify_one();
    assert_eq!(held.round.await.expect("task").expect("delivered"), 1);
    let row = row_of(&db, "送信中のメール").await;
    assert!(row.sent_at.is_some() && row.cancelled_at.is_none() && row.sending_until.is_none());
    assert!(audited(&db, "mail_cancelled").await.is_empty());
    let late = app.call(operator.clone(), || staff_cancel_mail(id)).await;
    assert!(
        matches!(&late, Err(AppError::Conflict(m)) if m.contains("送信済み")),
        "{late:?}"
    );

    // A claim that ran out: the cancel lands, and the sender's outcome,
    // when it comes, does not turn the cancelled mail into a sent one.
    let held = sending_held(&app, "遅れたメール").await;
    let id = held.id;
    app.advance(Duration::minutes(6));
    let row = listed(&app, &operator, id).await;
    assert_eq!(
        row.state,
        DeliveryState::Queued,
        "the claim ran out: {row:?}"
    );
    assert!(row.can_cancel);
    app.call(operator.clone(), || staff_cancel_mail(id))
        .await
        .expect("cancelled once the claim ran out");
    held.release.notify_one();
    assert_eq!(held.round.await.expect("task").expect("round"), 0);
    let row = row_of(&db, "遅れたメール").await;
    assert!(
        row.cancelled_at.is_some() && row.sent_at.is_none(),
        "{row:?}"
    );
}
on_both!(
    a_mail_being_sent_cannot_be_cancelled,
    a_mail_being_sent_cannot_be_cancelled
);
