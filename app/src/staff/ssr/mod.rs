//! The back office on the server. Every function starts from
//! [`auth::current_staff`]: the staff member always comes from the staff session.

pub mod accounts;
pub mod audit_view;
pub mod auth;
pub mod office;

use http::header;

use super::StaffInfo;
use crate::auth::ssr::request_context;
use crate::error::AppError;

/// Where staff land after logging in, unless `next` names a back-office page.
const STAFF_HOME: &str = "/staff";

/// `next` if it is a back-office path, else the queue.
pub fn staff_next(next: Option<&str>) -> &str {
    let safe = crate::domain::next_path::safe_next(next);
    if safe == STAFF_HOME || safe.starts_with("/staff/") {
        safe
    } else {
        STAFF_HOME
    }
}

/// [`super::staff_login`].
pub async fn login_request(
    login_id: &str,
    password: &str,
    next: Option<&str>,
) -> Result<(), AppError> {
    let (state, client, now, _) = request_context()?;
    state.throttle.check(&client.ip)?;
    let token = auth::login(&state.db, &state.config, login_id, password, &client, now).await?;
    let res =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    res.append_header(
        header::SET_COOKIE,
        auth::session_cookie(&state.config, &token),
    );
    leptos_axum::redirect(staff_next(next));
    Ok(())
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
