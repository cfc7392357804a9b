use crate::helpers::*;

// --- mail outbox against a real SMTP server ----------------------------------

struct SmtpSink {
    child: std::process::Child,
    port: u16,
}

/// The port of this test binary's `which`th sink: below the range the
/// system hands out to outgoing connections (32768–60999 on Linux), which
/// the tests' many database connections use, so none of them can hold it
/// (an earlier choice, 30000 + pid % 20000, was mostly inside that range).
/// Tests of one binary share a pid: each test has its own `which`.
fn sink_port(which: u16) -> u16 {
    20_000 + (std::process::id() % 6_000) as u16 * 2 + which
}

impl SmtpSink {
    /// Starts `end2end/smtp-sink.mjs` (npm smtp-server) on `port` and waits
    /// until it says it listens.
    async fn start(port: u16, file: &std::path::Path) -> Self {
        Self::start_in(port, file, "accept").await
    }

    async fn start_in(port: u16, file: &std::path::Path, mode: &str) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new("node")
            .arg("../end2end/smtp-sink.mjs")
            .arg(port.to_string())
            .arg(file)
            .arg(mode)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node must be installed (scripts/setup.sh --test)");
        let stdout = child.stdout.take().expect("piped stdout");
        let said = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .map(|_| line)
        });
        // Node starts in well under a second, but a CI machine busy with every
        // other test once took over five: wait for the sink's word instead of
        // a deadline of our own (a port it cannot take ends it at once).
        let line = tokio::time::timeout(std::time::Duration::from_secs(120), said).await;
        match &line {
            Ok(Ok(Ok(said))) if said.trim() == format!("smtp-sink listening on {port}") => {
                Self { child, port }
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("smtp-sink did not start on port {port}: {line:?}");
            }
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The outbox's transport to `sink`.
fn transport_to(sink: &SmtpSink) -> worker::Transport {
    let mut cfg = config();
    cfg.smtp_url = Some(format!("smtp://127.0.0.1:{}", sink.port));
    worker::Transport::from_config(&cfg).unwrap()
}

fn received(file: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mail_is_lost_while_the_smtp_server_is_down() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let db = app.db.clone();
    let file = std::env::temp_dir().join(format!("{}.jsonl", unique_name()));
    let mail = |n: u32| mail::Mail {
        to: "taro@example.jp".into(),
        subject: format!("テスト{n}のお知らせ"),
        body: format!("共済太郎様\n本文{n}です。"),
        sensitive: false,
    };

    // Up: queued mails go out.
    let sink = SmtpSink::start(sink_port(0), &file).await;
    let (port, transport) = (sink.port, transport_to(&sink));
    mail::enqueue(&db, mail(1), t0()).await.unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 1);
    assert_eq!(received(&file).len(), 1);
    assert!(received(&file)[0].contains("taro@example.jp"));

    // Down: mails wait, with growing pauses, and nothing is lost.
    sink.stop();
    mail::enqueue(&db, mail(2), t0()).await.unwrap();
    mail::enqueue(&db, mail(3), t0()).await.unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 0);
    let waiting = outbox(&db)
        .await
        .into_iter()
        .filter(|m| m.sent_at.is_none())
        .collect::<Vec<_>>();
    assert_eq!(waiting.len(), 2);
    assert!(waiting
        .iter()
        .all(|m| m.attempts == 1 && m.last_error.is_some()));
    assert!(waiting
        .iter()
        .all(|m| m.next_attempt_at == t0() + app::domain::mail_delivery::backoff(0)));
    // Not yet due: not tried again.
    assert_eq!(
        worker::deliver_due(&db, &transport, t0() + Duration::seconds(10))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        outbox(&db).await.iter().map(|m| m.attempts).sum::<i32>(),
        1 + 2
    );

    // Back up (where it was): once due, every waiting mail goes out, once.
    let sink = SmtpSink::start(port, &file).await;
    let later = t0() + Duration::minutes(1);
    assert_eq!(
        worker::deliver_due(&db, &transport, later).await.unwrap(),
        2
    );
    assert_eq!(
        worker::deliver_due(&db, &transport, later).await.unwrap(),
        0
    );
    let got = received(&file);
    assert_eq!(got.len(), 3);
    // Japanese subjects and bodies arrive encoded for mail transport.
    assert!(got[1].contains("Subject: =?utf-8?"), "{}", got[1]);
    assert!(outbox(&db).await.iter().all(|m| m.sent_at.is_some()));

    // A mail with a secret goes out whole, and only its redacted text stays.
    let secret = mail::Mail {
        // Plain ASCII, so the sink's copy shows it unencoded.
        body: "code: 314159".into(),
        ..mail(4)
    }
    .secret();
    mail::enqueue(&db, secret, later).await.unwrap();
    assert_eq!(
        worker::deliver_due(&db, &transport, later).await.unwrap(),
        1
    );
    assert!(received(&file).last().unwrap().contains("314159"));
    let kept = outbox(&db).await.into_iter().last().unwrap();
    assert_eq!(kept.body_text, mail::REDACTED);
    assert_eq!(kept.delivered_via.as_deref(), Some("smtp"));
    assert!(outbox(&db)
        .await
        .iter()
        .all(|m| !m.body_text.contains("314159")));
    sink.stop();

    // The development mailbox never lists what went out by SMTP.
    let listed = app
        .call(HeaderMap::new(), app::dev_mail::dev_mails)
        .await
        .unwrap();
    assert!(
        listed.iter().all(|m| !m.subject.contains("テスト")),
        "{listed:?}"
    );
}

/// A refused recipient fails at once; a server refusing the sending itself
/// (relaying denied: a setting to fix) fails nothing, and the mail waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_refused_recipient_fails_at_once() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let db = app.db.clone();
    let file = std::env::temp_dir().join(format!("{}.jsonl", unique_name()));
    let mail = |to: &str, subject: &str| mail::Mail {
        to: to.into(),
        subject: subject.into(),
        body: "本文です。".into(),
        sensitive: false,
    };

    let sink = SmtpSink::start(sink_port(1), &file).await;
    let (port, transport) = (sink.port, transport_to(&sink));
    mail::enqueue(&db, mail("unknown@example.jp", "宛先不明"), t0())
        .await
        .unwrap();
    mail::enqueue(&db, mail("taro@example.jp", "届くメール"), t0())
        .await
        .unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 1);
    let bounced = latest_mail_to(&db, "unknown@example.jp").await;
    assert_eq!(bounced.attempts, 1);
    assert_eq!(bounced.failed_at, Some(t0()));
    assert!(bounced.last_error.unwrap().contains("5.1.1"));
    sink.stop();

    let sink = SmtpSink::start_in(port, &file, "relay-denied").await;
    mail::enqueue(&db, mail("hanako@example.jp", "設定の誤り"), t0())
        .await
        .unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 0);
    let waiting = latest_mail_to(&db, "hanako@example.jp").await;
    assert_eq!(waiting.attempts, 1);
    assert_eq!(waiting.failed_at, None);
    assert!(waiting.last_error.unwrap().contains("5.7.1"));
    assert!(waiting.next_attempt_at > t0());
    sink.stop();
}
