//! Members CSV imports from the back office (S7, admins): upload → preview
//! (nothing written) → 取り込む → progress → results, with the rejected rows
//! downloadable. The file is kept in the database with its preview, so the
//! import runs in whichever server process staff click in, and its progress
//! is read from there.

use axum::{
    extract::{Multipart, Path, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};

use super::auth::{current_staff, staff_from_headers, CurrentStaff};
use crate::contract::ssr::import::Kind as ContractKind;
use crate::domain::{jst, policy};
use crate::error::AppError;
use crate::member::ssr::import::{self, ImportError, Mode, Options};
use crate::money::ssr::import::Kind as MoneyKind;
use crate::ssr::audit::Actor;
use crate::ssr::entities::{member_import, staff_session::SessionStage};
use crate::ssr::request::Request;
use crate::ssr::security::plain_text;
use crate::ssr::AppState;
use crate::staff::{ImportIssue, ImportSummary, ImportView};

/// What an upload is: the members CSV, the catalogue or contracts, or one
/// of the money exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Members,
    Contract(ContractKind),
    Money(MoneyKind),
}

impl Upload {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "members" => Some(Upload::Members),
            other => ContractKind::from_code(other)
                .map(Upload::Contract)
                .or_else(|| MoneyKind::from_code(other).map(Upload::Money)),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Upload::Members => "members",
            Upload::Contract(k) => k.code(),
            Upload::Money(k) => k.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Upload::Members => "組合員データ",
            Upload::Contract(k) => k.label(),
            Upload::Money(k) => k.label(),
        }
    }

    /// What `inserted` and `updated` count: before and after taking in.
    pub fn counted(self, done: bool) -> (String, String) {
        match (self, done) {
            (Upload::Members, false) => ("追加する組合員".into(), "更新する組合員".into()),
            (Upload::Members, true) => ("追加した組合員".into(), "更新した組合員".into()),
            (Upload::Contract(k), _) => {
                let (new, replaced) = k.counted();
                (new.into(), replaced.into())
            }
            (Upload::Money(k), _) => {
                let (new, replaced) = k.counted();
                (new.into(), replaced.into())
            }
        }
    }

    async fn run(
        self,
        db: &DatabaseConnection,
        input: &[u8],
        options: &Options<'_>,
        now: DateTime<Utc>,
    ) -> Result<crate::ssr::csv_import::Outcome, ImportError> {
        match self {
            Upload::Members => import::run(db, input, options, now, |_| {}).await,
            Upload::Contract(k) => {
                crate::contract::ssr::import::run(db, input, k, options, now, |_| {}).await
            }
            Upload::Money(k) => {
                crate::money::ssr::import::run(db, input, k, options, now, |_| {}).await
            }
        }
    }
}

/// Issues shown on the page; the rest are in the download.
const ISSUES_SHOWN: usize = 100;

async fn admin_from(state: &AppState, parts: &Parts) -> Result<CurrentStaff, Response> {
    let now = state.clock.now();
    match staff_from_headers(&state.db, &state.config, &parts.headers, now).await {
        Ok(me) if me.stage == SessionStage::Full => match me.require_admin() {
            Ok(()) => Ok(me),
            Err(e) => Err(plain_text(e.status(), &e.to_string())),
        },
        Ok(_) | Err(AppError::Unauthenticated { .. }) => {
            Err(Redirect::to("/staff/login").into_response())
        }
        Err(e) => Err(plain_text(e.status(), &e.to_string())),
    }
}

/// Checks `content` and keeps it with its preview; answers the import's id.
pub async fn preview(
    db: &DatabaseConnection,
    me: &CurrentStaff,
    kind: &str,
    file_name: &str,
    content: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let kind = Upload::from_code(kind).unwrap_or(Upload::Members);
    let file_name: String = file_name.chars().take(200).collect();
    let sha256 = Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let options = Options {
        mode: Mode::Preview,
        actor: Actor::Staff {
            staff_id: me.staff_id,
        },
        ip: "",
        file_name: &file_name,
        import_id: None,
    };
    let n = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
    let mut row = member_import::ActiveModel {
        kind: Set(kind.code().to_owned()),
        file_name: Set(file_name.clone()),
        sha256: Set(sha256),
        encoding: Set(String::new()),
        status: Set("previewed".into()),
        issues: Set(String::new()),
        created_by: Set(me.staff_id),
        created_at: Set(now),
        ..Default::default()
    };
    match kind.run(db, content.as_slice(), &options, now).await {
        Ok(o) => {
            row.encoding = Set(o.encoding.label().into());
            row.rows_total = Set(n(o.rows));
            row.inserted = Set(n(o.inserted));
            row.updated = Set(n(o.updated));
            row.unchanged = Set(n(o.unchanged));
            row.rejected = Set(n(o.rejected));
            row.warnings = Set(n(o.warnings));
            row.issues = Set(o.issues_csv());
            row.content = Set(content);
        }
        Err(ImportError::File(e)) => {
            // Kept to tell staff why; nothing to take in.
            row.status = Set("failed".into());
            row.error = Set(Some(e.0));
            row.content = Set(Vec::new());
            row.finished_at = Set(Some(now));
        }
        Err(ImportError::App(e)) => return Err(e),
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let saved = row.insert(&txn).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// `POST /staff/imports/upload`: a multipart form with the file in `file`.
pub async fn upload(State(state): State<AppState>, parts: Parts, mut form: Multipart) -> Response {
    let me = match admin_from(&state, &parts).await {
        Ok(me) => me,
        Err(res) => return res,
    };
    let mut file = None;
    let mut kind = String::from("members");
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("kind") => {
                kind = field
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(16)
                    .collect();
            }
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("members.csv").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return too_large(),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return too_large(),
        }
    }
    let Some((name, content)) = file.filter(|(_, c)| !c.is_empty()) else {
        return Redirect::to("/staff/imports?empty=1").into_response();
    };
    match preview(&state.db, &me, &kind, &name, content, state.clock.now()).await {
        Ok(id) => Redirect::to(&format!("/staff/imports/{id}")).into_response(),
        Err(e) => plain_text(e.status(), &e.to_string()),
    }
}

fn too_large() -> Response {
    plain_text(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "ファイルを受け取れませんでした。{} MB までのCSVファイルを選んでください。",
            policy::IMPORT_MAX_BYTES / 1024 / 1024
        ),
    )
}

/// `GET /staff/imports/{id}/issues.csv`.
pub async fn issues(State(state): State<AppState>, Path(id): Path<i32>, parts: Parts) -> Response {
    if let Err(res) = admin_from(&state, &parts).await {
        return res;
    }
    let found = member_import::Entity::find_by_id(id)
        .select_only()
        .column(member_import::Column::Issues)
        .into_tuple::<String>()
        .one(&state.db)
        .await;
    match found {
        Ok(Some(csv)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"member-import-{id}-issues.csv\""
                    ))
                    .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            csv,
        )
            .into_response(),
        Ok(None) => plain_text(StatusCode::NOT_FOUND, &AppError::NotFound.to_string()),
        Err(e) => {
            let e = AppError::from(e);
            plain_text(e.status(), &e.to_string())
        }
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "previewed" => "確認済み(未取込)",
        "running" => "取込中",
        "done" => "取込完了",
        _ => "取込できませんでした",
    }
}

/// [`crate::staff::staff_imports`].
pub async fn list() -> Result<Vec<ImportSummary>, AppError> {
    current_staff().await?.require_admin()?;
    let Request { state, .. } = Request::current()?;
    let rows: Vec<(i32, String, String, String, i32, DateTime<Utc>)> =
        member_import::Entity::find()
            .select_only()
            .column(member_import::Column::Id)
            .column(member_import::Column::Kind)
            .column(member_import::Column::FileName)
            .column(member_import::Column::Status)
            .column(member_import::Column::RowsTotal)
            .column(member_import::Column::CreatedAt)
            .order_by_desc(member_import::Column::Id)
            .limit(20)
            .into_tuple()
            .all(&state.db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, file_name, status, rows, at)| ImportSummary {
            id,
            kind: Upload::from_code(&kind)
                .unwrap_or(Upload::Members)
                .label()
                .into(),
            file_name,
            status: status_label(&status).into(),
            rows: rows as u32,
            at: jst::format_datetime(at),
        })
        .collect())
}

/// An upload as the page shows it: everything but the file itself.
#[derive(Debug, sea_orm::FromQueryResult)]
struct Shown {
    id: i32,
    kind: String,
    file_name: String,
    encoding: String,
    status: String,
    rows_total: i32,
    rows_done: i32,
    inserted: i32,
    updated: i32,
    unchanged: i32,
    rejected: i32,
    warnings: i32,
    issues: String,
    error: Option<String>,
    created_at: DateTime<Utc>,
}

/// [`crate::staff::staff_import`].
pub async fn view(id: i32) -> Result<ImportView, AppError> {
    current_staff().await?.require_admin()?;
    let Request { state, .. } = Request::current()?;
    let m = member_import::Entity::find_by_id(id)
        .select_only()
        .columns([
            member_import::Column::Id,
            member_import::Column::Kind,
            member_import::Column::FileName,
            member_import::Column::Encoding,
            member_import::Column::Status,
            member_import::Column::RowsTotal,
            member_import::Column::RowsDone,
            member_import::Column::Inserted,
            member_import::Column::Updated,
            member_import::Column::Unchanged,
            member_import::Column::Rejected,
            member_import::Column::Warnings,
            member_import::Column::Issues,
            member_import::Column::Error,
            member_import::Column::CreatedAt,
        ])
        .into_model::<Shown>()
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut issues = Vec::new();
    let mut reader = csv::Reader::from_reader(m.issues.trim_start_matches('\u{FEFF}').as_bytes());
    let mut more_issues = false;
    for record in reader.records().flatten() {
        if issues.len() == ISSUES_SHOWN {
            more_issues = true;
            break;
        }
        issues.push(ImportIssue {
            row: record.get(0).unwrap_or("").to_owned(),
            column: record.get(1).unwrap_or("").to_owned(),
            kind: record.get(2).unwrap_or("").to_owned(),
            message: record.get(3).unwrap_or("").to_owned(),
        });
    }
    let kind = Upload::from_code(&m.kind).unwrap_or(Upload::Members);
    let (new_label, updated_label) = kind.counted(m.status != "previewed");
    Ok(ImportView {
        kind_label: kind.label().into(),
        new_label,
        updated_label,
        id: m.id,
        file_name: m.file_name,
        encoding: m.encoding,
        status: m.status.clone(),
        status_label: status_label(&m.status).into(),
        rows_total: m.rows_total as u32,
        rows_done: m.rows_done as u32,
        inserted: m.inserted as u32,
        updated: m.updated as u32,
        unchanged: m.unchanged as u32,
        rejected: m.rejected as u32,
        warnings: m.warnings as u32,
        issues,
        more_issues,
        error: m.error,
        at: jst::format_datetime(m.created_at),
    })
}

/// [`crate::staff::staff_run_import`]: starts a previewed import once (one
/// atomic update moves it to `running`), in the background; the page shows
/// the progress.
pub async fn run(id: i32) -> Result<(), AppError> {
    let me = current_staff().await?;
    me.require_admin()?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let started = member_import::Entity::update_many()
        .col_expr(member_import::Column::Status, Expr::value("running"))
        .col_expr(member_import::Column::StartedAt, Expr::value(Some(now)))
        .col_expr(member_import::Column::RowsDone, Expr::value(0))
        .col_expr(member_import::Column::Inserted, Expr::value(0))
        .col_expr(member_import::Column::Updated, Expr::value(0))
        .col_expr(member_import::Column::Unchanged, Expr::value(0))
        .col_expr(member_import::Column::Rejected, Expr::value(0))
        .col_expr(member_import::Column::Warnings, Expr::value(0))
        .filter(member_import::Column::Id.eq(id))
        .filter(member_import::Column::Status.eq("previewed"))
        .exec(&state.db)
        .await
        .map_err(|e| {
            if crate::ssr::db::is_unique_violation(&e) {
                // One import of a kind at a time (a partial unique index).
                AppError::Conflict(
                    "同じ種類の取込が実行中です。終わってからもう一度お試しください。".into(),
                )
            } else {
                e.into()
            }
        })?;
    if started.rows_affected != 1 {
        return Err(AppError::Conflict(
            "この取込はすでに開始されたか、取り込めないファイルです。".into(),
        ));
    }
    let task_state = state.clone();
    let staff_id = me.staff_id;
    tokio::spawn(async move {
        if let Err(e) = finish(&task_state, id, staff_id, &client.ip, now).await {
            tracing::error!(error = %e, import = id, "members import failed");
            // Whatever went wrong, the upload must not stay `running`.
            let failed = member_import::Entity::update_many()
                .col_expr(member_import::Column::Status, Expr::value("failed"))
                .col_expr(
                    member_import::Column::Error,
                    Expr::value(Some(import::INTERRUPTED)),
                )
                .col_expr(
                    member_import::Column::FinishedAt,
                    Expr::value(Some(task_state.clock.now())),
                )
                .filter(member_import::Column::Id.eq(id))
                .filter(member_import::Column::Status.eq("running"))
                .exec(&task_state.db)
                .await;
            if let Err(e) = failed {
                tracing::error!(error = %e, import = id, "could not mark the import failed");
            }
        }
    });
    Ok(())
}

/// Runs import `id` (already `running`) to the end and records the result.
pub async fn finish(
    state: &AppState,
    id: i32,
    staff_id: i32,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let m = member_import::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let options = Options {
        mode: Mode::Commit,
        actor: Actor::Staff { staff_id },
        ip,
        file_name: &m.file_name,
        import_id: Some(id),
    };
    let kind = Upload::from_code(&m.kind).unwrap_or(Upload::Members);
    let result = kind
        .run(&state.db, m.content.as_slice(), &options, now)
        .await;
    let finished = state.clock.now();
    let update = match &result {
        // The members file is not kept once it is in.
        Ok(o) => member_import::ActiveModel {
            id: Set(id),
            status: Set("done".into()),
            issues: Set(o.issues_csv()),
            content: Set(Vec::new()),
            finished_at: Set(Some(finished)),
            ..Default::default()
        },
        Err(e) => member_import::ActiveModel {
            id: Set(id),
            status: Set("failed".into()),
            error: Set(Some(match e {
                ImportError::File(f) => f.0.clone(),
                ImportError::App(_) => "取込の途中でエラーが発生しました。もう一度アップロードしてください(取り込み済みの行は、同じファイルで重複しません)。".into(),
            })),
            content: Set(Vec::new()),
            finished_at: Set(Some(finished)),
            ..Default::default()
        },
    };
    update.update(&state.db).await?;
    result.map(|_| ()).map_err(|e| match e {
        ImportError::App(e) => e,
        ImportError::File(_) => AppError::Internal,
    })
}
