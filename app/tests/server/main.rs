//! Server-side behaviour against real databases: every scenario runs on
//! SQLite and on PostgreSQL (`TEST_DATABASE_URL`, which the test script sets).
//! One test binary; a file per area; `helpers` holds the `TestApp`.

/// Runs a scenario on SQLite and on PostgreSQL, each in a `TestApp` of its own.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
                $scenario(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = TestApp::new(Backend::Postgres).await {
                    let name = app.postgres_database();
                    $scenario(app).await;
                    if let Some(name) = name {
                        crate::helpers::drop_database(&name).await;
                    }
                }
            }
        }
    };
}

mod helpers;

mod bench_seed;
mod card;
mod codes;
mod contract_imports;
mod contracts;
mod credentials;
mod forms;
mod housekeeping;
mod imports;
mod inquiries;
mod letters;
mod login;
mod mails;
mod maintenance;
mod member_admin;
mod membership;
mod migrations;
mod money;
mod money_imports;
mod notices;
mod outbox;
mod procedures;
mod profile;
mod registration;
mod reset;
mod routes;
mod server_fns;
mod sessions;
mod staff;
