//! The back office on the server. Every function starts from
//! [`auth::current_staff`]: the staff member always comes from the staff session.

pub mod accounts;
pub mod audit_view;
pub mod auth;
pub mod imports;
pub mod letters;
pub mod office;
pub mod second_factor;

use http::header;

use super::StaffInfo;
use crate::error::AppError;
use crate::ssr::request::Request;

use crate::domain::next_path::staff_next;

/// [`super::staff_login`].
pub async fn login_request(
    login_id: &str,
    password: &str,
    next: Option<&str>,
) -> Result<(), AppError> {
    let Request {
        state,
        client,
        now,
        parts,
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    let token = auth::login(&state.db, &state.config, login_id, password, &client, now).await?;
    // A staff session this browser had before ends with the new login.
    auth::end_session_of(&state.db, &state.config, &parts.headers).await?;
    let res =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    res.append_header(
        header::SET_COOKIE,
        auth::session_cookie(&state.config, &token),
    );
    leptos_axum::redirect(&format!(
        "/staff/login/second?next={}",
        crate::domain::next_path::encode(staff_next(next))
    ));
    Ok(())
}

/// [`super::load_second_factor`].
pub async fn second_factor_state() -> Result<super::SecondFactor, AppError> {
    let me = auth::current_staff_any_stage().await?;
    let Request { state, .. } = Request::current()?;
    second_factor::state(&state.db, &state.config, &me).await
}

/// [`super::verify_second_factor`].
pub async fn second_factor_verify(code: &str, next: Option<&str>) -> Result<(), AppError> {
    let me = auth::current_staff_any_stage().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    second_factor::verify(&state.db, &state.config.totp_keys, &me, code, &client, now).await?;
    leptos_axum::redirect(staff_next(next));
    Ok(())
}

/// [`super::enrol_second_factor`].
pub async fn second_factor_enrol(code: &str) -> Result<Vec<String>, AppError> {
    let me = auth::current_staff_any_stage().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    second_factor::enrol(&state.db, &state.config.totp_keys, &me, code, &client, now).await
}

/// [`super::load_staff`].
pub async fn info() -> Result<StaffInfo, AppError> {
    let me = auth::current_staff().await?;
    Ok(StaffInfo {
        name: me.account.name,
        login_id: me.account.login_id,
        role: me.role,
    })
}

#[cfg(test)]
mod tests {
    use super::staff_next;

    #[test]
    fn staff_go_back_only_to_back_office_pages() {
        assert_eq!(
            staff_next(Some("/staff/procedures/3")),
            "/staff/procedures/3"
        );
        assert_eq!(staff_next(Some("/staff")), "/staff");
        assert_eq!(staff_next(Some("/mypage")), "/staff");
        assert_eq!(staff_next(Some("/staffroom")), "/staff");
        assert_eq!(staff_next(Some("//evil.example")), "/staff");
        assert_eq!(staff_next(None), "/staff");
    }
}
