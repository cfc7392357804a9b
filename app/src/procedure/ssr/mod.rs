//! The member's side of procedures; staff act through [`workflow`] too.

pub mod apply;
pub mod read;
pub mod workflow;

use super::{ApplyOptions, Preview, ProcedureDetail, ProcedureSummary};
use crate::auth::ssr::current_member;
use crate::domain::{jst, procedure::Status};
use crate::error::AppError;
use crate::ssr::entities::member;
use crate::ssr::request::Request;
use workflow::{By, Move};

async fn me() -> Result<(crate::auth::ssr::CurrentMember, member::Model), AppError> {
    let (me, _, member) = crate::auth::ssr::current_member_records().await?;
    Ok((me, member))
}

/// [`super::my_procedures`].
pub async fn list() -> Result<Vec<ProcedureSummary>, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    read::summaries_of(&state.db, me.member_id).await
}

/// [`super::my_procedure`].
pub async fn detail(id: i32) -> Result<ProcedureDetail, AppError> {
    let me = current_member().await?;
    let Request { state, .. } = Request::current()?;
    let p = read::find(&state.db, id, Some(me.member_id)).await?;
    read::detail(&state.db, &state.config, &p).await
}

/// [`super::load_apply_options`].
pub async fn options() -> Result<ApplyOptions, AppError> {
    let (_, member) = me().await?;
    let Request { state, now, .. } = Request::current()?;
    apply::options(&state.db, &member, jst::today(now)).await
}

/// [`super::preview_application`].
pub async fn preview(
    kind: &str,
    choice: Option<&str>,
    documents: Option<&str>,
) -> Result<Preview, AppError> {
    let (_, member) = me().await?;
    let Request { state, now, .. } = Request::current()?;
    let app = apply::parse(kind, choice, documents)?;
    let checked = apply::check(&state.db, &member, &app, jst::today(now)).await?;
    Ok(checked.preview())
}

/// [`super::apply`]: files and goes to the receipt.
pub async fn file(
    kind: &str,
    choice: Option<&str>,
    documents: Option<&str>,
) -> Result<(), AppError> {
    let (me, member) = me().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let app = apply::parse(kind, choice, documents)?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let checked = apply::check(&txn, &member, &app, jst::today(now)).await?;
    let by = By::Member {
        account_id: me.account_id,
    };
    let saved = apply::file(&txn, &state.config, &member, checked, by, &client.ip, now).await?;
    txn.commit().await?;
    leptos_axum::redirect(&format!("/mypage/procedures/{}?filed=1", saved.id));
    Ok(())
}

/// [`super::cancel_procedure`].
pub async fn cancel(id: i32) -> Result<(), AppError> {
    let me = current_member().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let p = read::find(&state.db, id, Some(me.member_id)).await?;
    if !read::can_cancel(&p) {
        return Err(AppError::Conflict(
            "このお手続きは取り消しできません。取り消しできるのは、ご自身でお申し込みになった「受付」のお手続きだけです。"
                .to_owned(),
        ));
    }
    let by = By::Member {
        account_id: me.account_id,
    };
    let step = Move {
        to: Status::Cancelled,
        comment: None,
        starts_on: None,
    };
    workflow::move_to(
        &state.db,
        &state.config,
        id,
        Some(me.member_id),
        by,
        step,
        &client.ip,
        now,
    )
    .await?;
    Ok(())
}
