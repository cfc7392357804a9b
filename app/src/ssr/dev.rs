//! Development-only controls, under `/dev/` (404 unless MYPAGE_DEV is set,
//! see `security::guard`).

use axum::{
    extract::{Form, State},
    response::{IntoResponse, Response},
};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::AppState;
use crate::domain::jst;

#[derive(Deserialize)]
pub struct Advance {
    /// A duration such as `31m` or `2d`.
    advance: String,
}

/// `POST /dev/clock` with `advance=31m`: moves the server's clock forward, so
/// tests can see links, codes and coverage dates pass. Answers the new time.
pub async fn advance_clock(State(state): State<AppState>, Form(form): Form<Advance>) -> Response {
    if !state.config.dev {
        return StatusCode::NOT_FOUND.into_response();
    }
    let by = humantime::parse_duration(&form.advance)
        .ok()
        .and_then(|d| chrono::Duration::from_std(d).ok());
    match by.map(|by| state.clock.advance(by)) {
        Some(Ok(())) => {
            tracing::warn!(advance = %form.advance, "development clock moved");
            jst::format_datetime(state.clock.now()).into_response()
        }
        Some(Err(e)) => (StatusCode::UNPROCESSABLE_ENTITY, format!("advance: {e}")).into_response(),
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "advance: expected a duration such as 31m",
        )
            .into_response(),
    }
}

/// `POST /dev/seed/member` (form: `contract`, `known_browser`, each `true` or
/// absent): a fresh member for one test, as JSON (see
/// [`super::demo::fixtures::Member`]).
pub async fn seed_member(
    State(state): State<AppState>,
    Form(wanted): Form<super::demo::fixtures::Wanted>,
) -> Response {
    if !state.config.dev {
        return StatusCode::NOT_FOUND.into_response();
    }
    match super::demo::fixtures::member(&state.db, &wanted, state.clock.now()).await {
        Ok(member) => axum::Json(member).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "seeding a test member failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Serialize)]
struct SeededBrowser {
    device: String,
}

#[derive(Deserialize)]
pub struct BrowserFor {
    user_id: String,
}

/// `POST /dev/seed/browser` with `user_id`: confirms a browser for that
/// member, as a code login would, and answers `{"device": token}` for its
/// `mypage_device` cookie (404 for an unknown member).
pub async fn seed_browser(State(state): State<AppState>, Form(form): Form<BrowserFor>) -> Response {
    if !state.config.dev {
        return StatusCode::NOT_FOUND.into_response();
    }
    match super::demo::fixtures::known_browser(&state.db, &form.user_id, state.clock.now()).await {
        Ok(Some(device)) => axum::Json(SeededBrowser { device }).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "seeding a known browser failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `POST /dev/seed/staff` (form: `role`=`admin`|`operator`, `enrolled`): a
/// fresh staff account for one test, as JSON (see
/// [`super::demo::fixtures::Staff`]), with its TOTP secret when enrolled.
pub async fn seed_staff(
    State(state): State<AppState>,
    Form(wanted): Form<super::demo::fixtures::WantedStaff>,
) -> Response {
    if !state.config.dev {
        return StatusCode::NOT_FOUND.into_response();
    }
    match super::demo::fixtures::staff(
        &state.db,
        &state.config.totp_keys,
        &wanted,
        state.clock.now(),
    )
    .await
    {
        Ok(staff) => axum::Json(staff).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "seeding a test staff account failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /dev/clock`: the server's "now", in milliseconds since the epoch, so
/// a test can compute what an authenticator app would show at that time.
pub async fn read_clock(State(state): State<AppState>) -> Response {
    if !state.config.dev {
        return StatusCode::NOT_FOUND.into_response();
    }
    state
        .clock
        .now()
        .timestamp_millis()
        .to_string()
        .into_response()
}

/// Development must never open a database that real members used: one that
/// ever sent mail by SMTP is refused (its mailbox holds real mail).
pub async fn refuse_a_database_that_served_members(
    db: &sea_orm::DatabaseConnection,
) -> Result<(), String> {
    use super::entities::mail_outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let sent_by_smtp = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::DeliveredVia.eq("smtp"))
        .one(db)
        .await
        .map_err(|e| format!("database: {e}"))?;
    match sent_by_smtp {
        Some(_) => Err(
            "MYPAGE_DEV: this database has sent mail by SMTP (it served members); development features are refused on it"
                .into(),
        ),
        None => Ok(()),
    }
}
