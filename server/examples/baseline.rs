//! The two baselines `scripts/bench.sh` measures the server against, in the
//! same run and on the same machine:
//!
//! - `GET /bytes/{name}`: bare axum answering the bytes of
//!   `$BASELINE_BODIES/{name}.html` (a page the real server rendered), from
//!   memory: the most a Rust HTTP server can do with these bytes.
//! - `GET /work/{page}` (`home`, `contracts`, `procedures`): bare axum doing
//!   the page's database work by hand with plain sqlx (the session lookup
//!   with its expiry rule, and the page's own queries), then the same HTML
//!   from `format!` around the rows: what the page costs without Leptos,
//!   sea-orm and the app's layers.
//!
//! Not part of the product: `cargo build --release -p server --example baseline`.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use app::ssr::identity::token::token_hash;
use axum::body::Bytes;
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use chrono::{DateTime, Duration, Utc};
// The sqlx sea-orm itself runs on: the same driver, without sea-orm.
use sea_orm::sqlx::{self, PgPool, SqlitePool};

/// The real server's idle timeout (`MYPAGE_IDLE_TIMEOUT` default).
const IDLE: Duration = Duration::minutes(20);
/// How often the real server moves `last_seen_at` (policy: a minute).
const TOUCH_EVERY: Duration = Duration::seconds(60);

enum Db {
    Pg(PgPool),
    Lite(SqlitePool),
}

/// Runs the same sqlx code against whichever pool there is.
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            Db::Pg($pool) => $body,
            Db::Lite($pool) => $body,
        }
    };
}

struct Baseline {
    db: Db,
    bodies: HashMap<String, Bytes>,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let addr: SocketAddr = std::env::var("BASELINE_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3590".into())
        .parse()
        .map_err(|e| format!("BASELINE_ADDR: {e}"))?;
    let db = if url.starts_with("postgres") {
        Db::Pg(PgPool::connect(&url).await.map_err(|e| e.to_string())?)
    } else {
        Db::Lite(SqlitePool::connect(&url).await.map_err(|e| e.to_string())?)
    };
    let mut bodies = HashMap::new();
    if let Ok(dir) = std::env::var("BASELINE_BODIES") {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{dir}: {e}"))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if let (Some(stem), Some("html")) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) {
                let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
                bodies.insert(stem.to_owned(), Bytes::from(bytes));
            }
        }
    }
    let state = Arc::new(Baseline { db, bodies });
    let app = Router::new()
        .route("/bytes/{name}", get(same_bytes))
        .route("/work/{page}", get(same_work))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("{addr}: {e}"))?;
    axum::serve(
        axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        }),
        app,
    )
    .await
    .map_err(|e| e.to_string())
}

async fn same_bytes(State(s): State<Arc<Baseline>>, Path(name): Path<String>) -> Response {
    match s.bodies.get(&name) {
        Some(body) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `mypage_session` from the Cookie header.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == "mypage_session").then(|| value.to_owned())
    })
}

async fn same_work(
    State(s): State<Arc<Baseline>>,
    Path(page): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = session_cookie(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match work(&s.db, &page, &token_hash(&token), Utc::now()).await {
        Ok(Some(html)) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

type Row3 = (String, String, String);

async fn work(
    db: &Db,
    page: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    with_pool!(db, |pool| {
        // The session, its expiry rule, and the touch once a minute.
        let session: Option<(i32, i32, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, account_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?;
        let Some((session_id, account_id, last_seen_at, expires_at)) = session else {
            return Ok(None);
        };
        if now >= expires_at || now - last_seen_at >= IDLE {
            return Ok(None);
        }
        if now - last_seen_at >= TOUCH_EVERY {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1",
            )
            .bind(now)
            .bind(session_id)
            .execute(pool)
            .await?;
        }
        // The member behind the account, for the header.
        let (member_id, name, number): (i32, String, String) = sqlx::query_as(
            "SELECT m.id, m.name, m.member_number FROM member_accounts a \
             JOIN members m ON m.id = a.member_id WHERE a.id = $1",
        )
        .bind(account_id)
        .fetch_one(pool)
        .await?;
        let rows: Vec<Row3> = match page {
            "home" => {
                sqlx::query_as(
                    "SELECT name_kana, prefecture || address1 || address2, phone \
                 FROM members WHERE id = $1",
                )
                .bind(member_id)
                .fetch_all(pool)
                .await?
            }
            "contracts" => {
                sqlx::query_as(
                    "SELECT c.contract_number, co.name, COALESCE(r.name, '') \
                 FROM contracts c \
                 JOIN contract_courses cc ON cc.contract_id = c.id \
                 JOIN courses co ON co.id = cc.course_id \
                 LEFT JOIN contract_riders cr ON cr.contract_id = c.id \
                 LEFT JOIN riders r ON r.id = cr.rider_id \
                 WHERE c.member_id = $1 ORDER BY c.contract_number",
                )
                .bind(member_id)
                .fetch_all(pool)
                .await?
            }
            "procedures" => {
                sqlx::query_as(
                    "SELECT kind, status, summary FROM procedures \
                 WHERE member_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50",
                )
                .bind(member_id)
                .fetch_all(pool)
                .await?
            }
            _ => return Ok(None),
        };
        let items: String = rows
            .iter()
            .map(|(a, b, c)| format!("<li>{a} {b} {c}</li>"))
            .collect();
        Ok(Some(format!(
            "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
             <title>{page} | 組合員マイページ</title></head><body>\
             <header>{name} 様({number})</header><main><ul>{items}</ul></main></body></html>"
        )))
    })
}
