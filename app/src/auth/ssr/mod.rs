//! Logging in and out, and finding the member behind a request.

pub mod device;
pub mod reset;
pub mod temporary;

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Duration, Utc};
use http::{header, request::Parts, HeaderMap, HeaderValue};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::SessionInfo;
use crate::domain::{jst, member_number::MemberNumber, next_path::safe_next, policy, user_agent};
use crate::error::AppError;
use crate::ssr::entities::one_time_code::{self as one_time_code_entity, CodePurpose};
use crate::ssr::entities::{login_event, member, member_account};
use crate::ssr::identity::lockout::{self, Realm};
use crate::ssr::identity::{codes, password, session, token};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::rate_limit;
use crate::ssr::request::{cookie, ClientInfo, Request};
use crate::ssr::{AppState, Config};
use login_event::LoginResult;

/// What a right password leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// A known browser: logged in; the token is for the session cookie.
    Session(String),
    /// A browser not seen before for this member: a code went by mail; the
    /// challenge is for the cookie that ties the code to this browser.
    CodeSent { challenge: String },
}

/// Checks the credentials. A right password from a known browser starts a
/// session; from any other browser it mails an authentication code (M15).
/// Unknown accounts, wrong passwords and locked accounts get one answer, in
/// the time a password check takes; the member learns of a lock by mail.
pub async fn login(
    db: &DatabaseConnection,
    config: &Config,
    identifier: &str,
    password: &str,
    device: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let identifier = identifier.trim();
    if identifier.is_empty() {
        return Err(AppError::field(
            "identifier",
            "ユーザーIDまたはメールアドレスを入力してください。",
        ));
    }
    if password.is_empty() {
        return Err(AppError::field(
            "password",
            "パスワードを入力してください。",
        ));
    }
    if identifier.chars().count() > policy::IDENTIFIER_MAX_CHARS
        || password.len() > policy::LOGIN_PASSWORD_MAX_BYTES
    {
        return Err(AppError::LoginFailed);
    }

    // A hashing slot first: a busy answer must not cost the account a try,
    // and every kind of refusal waits for a slot alike.
    let slot = password::slot().await?;
    let Some(account) = find_account(db, identifier).await? else {
        // Same work and same answer as a wrong password.
        slot.verify(None, password.to_owned()).await?;
        record(db, None, client, now, LoginResult::Failure).await?;
        return Err(AppError::LoginFailed);
    };
    let Some(attempt) = lockout::reserve(db, Realm::Member, account.id, now).await? else {
        // Locked: no password is checked, but the answer takes as long.
        slot.pass_like_a_check().await;
        record(db, Some(account.id), client, now, LoginResult::Locked).await?;
        return Err(AppError::LoginFailed);
    };
    let checked = account.password_hash.as_str();
    let correct = slot
        .verify(Some(account.password_hash.clone()), password.to_owned())
        .await?;
    if !correct {
        wrong_password(db, config, &account, attempt, client, now).await?;
        return Err(AppError::LoginFailed);
    }
    let member = member::Entity::find_by_id(account.member_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    if let Err(closed) = crate::member::ssr::access(&member, &account, now) {
        // Right password, closed door: told why (only its holder hears this).
        lockout::succeed(db, Realm::Member, account.id, attempt, checked, now).await?;
        record(db, Some(account.id), client, now, LoginResult::Failure).await?;
        return Err(crate::member::ssr::closed_answer(closed, config));
    }
    if account.must_change_password && account.password_expires_at.is_some_and(|end| end <= now) {
        // Only someone who knows the temporary password hears this.
        lockout::succeed(db, Realm::Member, account.id, attempt, checked, now).await?;
        record(db, Some(account.id), client, now, LoginResult::Failure).await?;
        return Err(AppError::TemporaryPasswordExpired);
    }

    if device::is_known(db, account.id, device, now).await? {
        let txn = crate::ssr::db::begin_write(db).await?;
        if !lockout::succeed(&txn, Realm::Member, account.id, attempt, checked, now).await? {
            txn.rollback().await?;
            return locked_meanwhile(db, &account, client, now).await;
        }
        let token = start_session(&txn, config, &account, client, now).await?;
        txn.commit().await?;
        return Ok(LoginOutcome::Session(token));
    }

    let bucket = format!("login-code:{}", account.id);
    if !rate_limit::allow(
        db,
        &bucket,
        policy::LOGIN_CODES_PER_HOUR,
        Duration::hours(1),
        now,
    )
    .await?
    {
        // The password was right: the try does not count against the account.
        lockout::succeed(db, Realm::Member, account.id, attempt, checked, now).await?;
        return Err(AppError::RateLimited);
    }
    let challenge = token::new_token();
    let txn = crate::ssr::db::begin_write(db).await?;
    if !lockout::succeed(&txn, Realm::Member, account.id, attempt, checked, now).await? {
        txn.rollback().await?;
        return locked_meanwhile(db, &account, client, now).await;
    }
    let binding = codes::Binding {
        challenge_hash: Some(token::token_hash(&challenge)),
        ..Default::default()
    };
    let code = codes::issue_login(&txn, account.id, binding, now).await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    let browser = user_agent::describe(&client.user_agent);
    let mail = templates::login_code(
        config,
        &to,
        &code,
        policy::CODE_VALID_MINUTES,
        &browser,
        &device::matching_mark(&challenge),
    );
    mail::enqueue(&txn, mail, now).await?;
    // On the member's ログイン履歴 whether or not the code is entered: the
    // trace of someone who knows the password but not the mailbox.
    record(&txn, Some(account.id), client, now, LoginResult::CodeSent).await?;
    txn.commit().await?;
    Ok(LoginOutcome::CodeSent { challenge })
}

/// A right password, but another try locked the account while it was
/// checked: no session, the same answer as a wrong password.
async fn locked_meanwhile<T>(
    db: &DatabaseConnection,
    account: &member_account::Model,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<T, AppError> {
    record(db, Some(account.id), client, now, LoginResult::Locked).await?;
    Err(AppError::LoginFailed)
}

/// Logs a wrong password; the try that locked the account also mails the
/// member (M15), once per lock, while My Page is open to them: a stopped or
/// ended account refuses even the right password, and the mail's advice
/// (reset the password, log in and change it) could not be followed.
async fn wrong_password(
    db: &DatabaseConnection,
    config: &Config,
    account: &member_account::Model,
    attempt: lockout::Attempt,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let result = if attempt.locks() {
        LoginResult::Locked
    } else {
        LoginResult::Failure
    };
    record(&txn, Some(account.id), client, now, result).await?;
    if attempt.locks() {
        let member = member::Entity::find_by_id(account.member_id)
            .one(&txn)
            .await?
            .ok_or(AppError::Internal)?;
        if crate::member::ssr::access(&member, account, now).is_err() {
            txn.commit().await?;
            return Ok(());
        }
        let to = Recipient {
            email: &account.email,
            name: &member.name,
        };
        let when = jst::format_datetime(now);
        let mail = templates::account_locked(config, &to, &when, policy::LOCKOUT_MINUTES);
        mail::enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A finished login: tokens for the session cookie and the known-browser cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLogin {
    pub session: String,
    pub device: String,
}

/// Completes a login from a new browser with the mailed code. The browser is
/// remembered for the member, so the next login from it needs no code.
pub async fn complete_login_code(
    db: &DatabaseConnection,
    config: &Config,
    challenge: &str,
    typed: &str,
    device: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<CodeLogin, AppError> {
    let row = one_time_code_entity::Entity::find()
        .filter(one_time_code_entity::Column::ChallengeHash.eq(token::token_hash(challenge)))
        .filter(one_time_code_entity::Column::Purpose.eq(CodePurpose::Login))
        .one(db)
        .await?
        .ok_or(AppError::CodeSpent)?;
    let account = member_account::Entity::find_by_id(row.account_id)
        .one(db)
        .await?
        .ok_or(AppError::CodeSpent)?;
    if let Err(e) = codes::redeem(db, &row, typed, now).await {
        if matches!(e, AppError::Field { .. } | AppError::CodeSpent) {
            record(db, Some(account.id), client, now, LoginResult::Failure).await?;
        }
        return Err(e);
    }
    // Stopped or ended while the code was on its way: no session.
    let (account, member) = account_and_member(db, account.id).await?;
    if let Err(closed) = crate::member::ssr::access(&member, &account, now) {
        return Err(crate::member::ssr::closed_answer(closed, config));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let device = device.map(str::to_owned).unwrap_or_else(token::new_token);
    device::remember(&txn, account.id, &device, &client.user_agent, now).await?;
    let session = start_session(&txn, config, &account, client, now).await?;
    txn.commit().await?;
    Ok(CodeLogin { session, device })
}

/// The success path of every login: login times moved on, a new session,
/// and the login log. (The lockout count was cleared by the password check.)
async fn start_session(
    txn: &impl ConnectionTrait,
    config: &Config,
    account: &member_account::Model,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    member_account::ActiveModel {
        id: Set(account.id),
        previous_login_at: Set(account.last_login_at),
        last_login_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let token = session::create(
        txn,
        Realm::Member,
        account.id,
        client,
        now,
        config.absolute_timeout,
    )
    .await?;
    record(txn, Some(account.id), client, now, LoginResult::Success).await?;
    Ok(token)
}

pub(crate) async fn find_account(
    db: &impl ConnectionTrait,
    identifier: &str,
) -> Result<Option<member_account::Model>, AppError> {
    let key = identifier.to_lowercase();
    let column = if key.contains('@') {
        member_account::Column::Email
    } else {
        member_account::Column::UserId
    };
    Ok(member_account::Entity::find()
        .filter(column.eq(key))
        .one(db)
        .await?)
}

async fn record(
    db: &impl ConnectionTrait,
    account_id: Option<i32>,
    client: &ClientInfo,
    now: DateTime<Utc>,
    result: LoginResult,
) -> Result<(), AppError> {
    login_event::ActiveModel {
        account_id: Set(account_id),
        occurred_at: Set(now),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        result: Set(result),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// [`crate::auth::login`]: checks the credentials of the request, sets the session
/// cookie and redirects to `next` if it is safe.
pub async fn login_request(
    identifier: &str,
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
    let config = &state.config;
    let device_token = cookie(&parts.headers, &cookie_name(config, device::COOKIE));
    let outcome = login(
        &state.db,
        config,
        identifier,
        password,
        device_token,
        &client,
        now,
    )
    .await?;
    let res =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    match outcome {
        LoginOutcome::Session(token) => {
            end_previous_session(&state, &parts).await?;
            res.append_header(header::SET_COOKIE, session_cookie(config, &token));
            leptos_axum::redirect(safe_next(next));
        }
        LoginOutcome::CodeSent { challenge } => {
            let max_age = cookie::time::Duration::minutes(policy::CODE_VALID_MINUTES);
            res.append_header(
                header::SET_COOKIE,
                build_cookie(config, device::CHALLENGE_COOKIE, challenge, Some(max_age)),
            );
            let next = safe_next(next);
            leptos_axum::redirect(&format!(
                "/login/code?next={}",
                crate::domain::next_path::encode(next)
            ));
        }
    }
    Ok(())
}

/// A session from before (another member on this browser) ends with a new login.
async fn end_previous_session(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    if let Some(old) = cookie(&parts.headers, &cookie_name(&state.config, session::COOKIE)) {
        session::delete(&state.db, Realm::Member, old).await?;
    }
    Ok(())
}

/// [`crate::auth::login_code_mark`]: the 照合記号 of this browser's pending code.
pub async fn code_mark() -> Result<String, AppError> {
    let Request { state, parts, .. } = Request::current()?;
    cookie(
        &parts.headers,
        &cookie_name(&state.config, device::CHALLENGE_COOKIE),
    )
    .map(device::matching_mark)
    .ok_or(AppError::CodeSpent)
}

/// [`crate::auth::verify_login_code`].
pub async fn code_request(typed: &str, next: Option<&str>) -> Result<(), AppError> {
    let Request {
        state,
        client,
        now,
        parts,
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    let config = &state.config;
    let challenge = cookie(
        &parts.headers,
        &cookie_name(config, device::CHALLENGE_COOKIE),
    )
    .ok_or(AppError::CodeSpent)?;
    let device_token = cookie(&parts.headers, &cookie_name(config, device::COOKIE));
    let done = complete_login_code(
        &state.db,
        config,
        challenge,
        typed,
        device_token,
        &client,
        now,
    )
    .await?;
    end_previous_session(&state, &parts).await?;
    let res =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    res.append_header(header::SET_COOKIE, session_cookie(config, &done.session));
    let keep = cookie::time::Duration::days(policy::KNOWN_BROWSER_DAYS);
    res.append_header(
        header::SET_COOKIE,
        build_cookie(config, device::COOKIE, done.device, Some(keep)),
    );
    res.append_header(
        header::SET_COOKIE,
        build_cookie(
            config,
            device::CHALLENGE_COOKIE,
            String::new(),
            Some(cookie::time::Duration::ZERO),
        ),
    );
    leptos_axum::redirect(safe_next(next));
    Ok(())
}

/// [`crate::auth::request_password_reset`].
/// Takes at least [`policy::RESET_ANSWER_MS`], known account or not, so the
/// time of the answer tells nothing either.
pub async fn reset_request(identifier: &str) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    state.throttle.check(&client.ip)?;
    let answer_at =
        tokio::time::Instant::now() + std::time::Duration::from_millis(policy::RESET_ANSWER_MS);
    let result = reset::request(&state.db, &state.config, identifier, &client, now).await;
    tokio::time::sleep_until(answer_at).await;
    result
}

/// [`crate::auth::check_reset_link`].
pub async fn reset_check(token: &str) -> Result<(), AppError> {
    let Request { state, now, .. } = Request::current()?;
    reset::check_token(&state.db, token, now).await.map(|_| ())
}

/// [`crate::auth::reset_password`].
pub async fn reset_complete(
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    reset::complete(
        &state.db,
        &state.config,
        token,
        password,
        confirmation,
        &client,
        now,
    )
    .await?;
    leptos_axum::redirect("/?password_reset=1");
    Ok(())
}

/// The account of a session and its member.
pub async fn account_and_member(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> Result<(member_account::Model, member::Model), AppError> {
    let (account, member) = member_account::Entity::find_by_id(account_id)
        .find_also_related(member::Entity)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated { timed_out: false })?;
    Ok((account, member.ok_or(AppError::Internal)?))
}

/// [`crate::auth::load_session`]: the header facts of the logged-in member.
pub async fn session_info() -> Result<SessionInfo, AppError> {
    let (_, account, member) = resolve_member().await?;
    Ok(SessionInfo {
        name: crate::domain::jis::display_spelling(&member.name).0,
        member_number: display_member_number(&member.member_number),
        previous_login: account.previous_login_at.map(jst::format_datetime),
        must_change_password: account.must_change_password,
        access_until: member.access_until.map(jst::format_date),
    })
}

/// `0123-45678` from the stored digits.
pub fn display_member_number(digits: &str) -> String {
    MemberNumber::parse(digits)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| digits.to_owned())
}

/// The logged-in member of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentMember {
    pub account_id: i32,
    pub member_id: i32,
    pub session_id: i32,
    /// Logged in with a temporary password.
    pub must_change_password: bool,
}

/// Resolves the session cookie of `headers` at `now`.
pub async fn member_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<CurrentMember, AppError> {
    member_records_from_headers(db, config, headers, now)
        .await
        .map(|(me, ..)| me)
}

/// The member of a download route (a PDF, a CSV), or where their browser
/// goes instead: the login page for a lost session (saying so when it idled
/// out, M2) coming back to `page`, the page itself while a temporary
/// password waits to be changed (the page leads there).
pub async fn member_for_download(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
    page: &str,
) -> Result<CurrentMember, Response> {
    match member_from_headers(db, config, headers, now).await {
        Ok(me) if !me.must_change_password => Ok(me),
        Ok(_) => Err(Redirect::to(page).into_response()),
        Err(AppError::Unauthenticated { timed_out }) => Err(Redirect::to(
            &crate::domain::next_path::login_again_url(page, timed_out),
        )
        .into_response()),
        Err(e) => Err(crate::ssr::security::plain_text(e.status(), &e.to_string())),
    }
}

/// [`member_from_headers`] for what runs by itself, not the member (the
/// service worker's copy of the offline card): the session is checked but not
/// kept alive.
pub async fn member_from_headers_in_background(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<CurrentMember, AppError> {
    records_from_headers(db, config, headers, (now, session::Touch::No))
        .await
        .map(|(me, ..)| me)
}

/// The logged-in member with the account and member rows the session check
/// read.
pub type MemberRecords = (CurrentMember, member_account::Model, member::Model);

/// [`member_from_headers`] with the rows it read.
pub async fn member_records_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<MemberRecords, AppError> {
    records_from_headers(db, config, headers, (now, session::Touch::Yes)).await
}

async fn records_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
    (now, touch): (DateTime<Utc>, session::Touch),
) -> Result<MemberRecords, AppError> {
    let Some(token) = cookie(headers, &cookie_name(config, session::COOKIE)) else {
        return Err(AppError::Unauthenticated { timed_out: false });
    };
    match session::lookup(db, Realm::Member, token, (now, touch), config.idle_timeout).await? {
        session::Lookup::Valid {
            session_id,
            account_id,
        } => {
            let (account, member) = account_and_member(db, account_id).await?;
            // Stopped or ended since the login: the session is worth nothing.
            if crate::member::ssr::access(&member, &account, now).is_err() {
                session::delete(db, Realm::Member, token).await?;
                return Err(AppError::Unauthenticated { timed_out: false });
            }
            let me = CurrentMember {
                account_id,
                member_id: account.member_id,
                session_id,
                must_change_password: account.must_change_password,
            };
            Ok((me, account, member))
        }
        session::Lookup::Expired => Err(AppError::Unauthenticated { timed_out: true }),
        session::Lookup::Unknown => Err(AppError::Unauthenticated { timed_out: false }),
    }
}

/// The member of the request being served. Every server function that shows or
/// changes member data starts here: the member always comes from the session.
/// A member still on a temporary password may do nothing but change it.
pub async fn current_member() -> Result<CurrentMember, AppError> {
    let me = current_member_even_if_forced().await?;
    if me.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(me)
}

/// [`current_member`] for the few functions a temporary password allows:
/// the header, and changing the password.
pub async fn current_member_even_if_forced() -> Result<CurrentMember, AppError> {
    resolve_member().await.map(|(me, ..)| me)
}

/// The member of the request with their account and member rows, as read
/// when the session was checked (the rows of the request's start: a
/// function that changes them reads them again).
pub async fn current_member_records() -> Result<MemberRecords, AppError> {
    let records = resolve_member().await?;
    if records.0.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(records)
}

/// The session check of one request, done once however many server
/// functions of the page ask (the header and the page both do): the first
/// asks the database, the others, even at the same time, wait for its answer.
#[derive(Clone, Default)]
pub struct RequestMember(std::sync::Arc<tokio::sync::OnceCell<MemberRecords>>);

/// Gives the request its [`RequestMember`] (with the request's other context).
pub fn provide_request_member() {
    leptos::prelude::provide_context(RequestMember::default());
}

/// [`current_member`] for what a page does by itself, not the member (the
/// card's fresh token every minute): the session is checked but not kept
/// alive, so a page left open still logs out after the idle time (seed 000:
/// 操作が一定時間行われなかった場合).
pub async fn current_member_in_background() -> Result<CurrentMember, AppError> {
    let (me, ..) = resolve_member_with(session::Touch::No).await?;
    if me.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(me)
}

async fn resolve_member() -> Result<MemberRecords, AppError> {
    resolve_member_with(session::Touch::Yes).await
}

async fn resolve_member_with(touch: session::Touch) -> Result<MemberRecords, AppError> {
    let state = AppState::current()?;
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Internal)?;
    let check = || {
        records_from_headers(
            &state.db,
            &state.config,
            &parts.headers,
            (state.clock.now(), touch),
        )
    };
    let result = match (touch, leptos::prelude::use_context::<RequestMember>()) {
        (session::Touch::Yes, Some(RequestMember(once))) => {
            once.get_or_try_init(check).await.cloned()
        }
        _ => check().await,
    };
    if let Err(AppError::Unauthenticated { timed_out }) = result {
        crate::ssr::request::plain_form_to_login(&parts, timed_out);
        // A dead cookie is dropped so the next page does not ask again.
        if cookie(&parts.headers, &cookie_name(&state.config, session::COOKIE)).is_some() {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.append_header(header::SET_COOKIE, clear_cookie(&state.config));
            }
        }
    }
    result
}

/// A cookie name, with the `__Host-` prefix over HTTPS (bound to this origin).
pub fn cookie_name(config: &Config, base: &str) -> String {
    if config.cookie_secure() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub fn session_cookie(config: &Config, token: &str) -> HeaderValue {
    build_cookie(config, session::COOKIE, token.to_owned(), None)
}

pub fn clear_cookie(config: &Config) -> HeaderValue {
    build_cookie(
        config,
        session::COOKIE,
        String::new(),
        Some(cookie::time::Duration::ZERO),
    )
}

/// An HttpOnly, SameSite=Lax cookie for the whole site; `Secure` over HTTPS.
/// Without `max_age` it ends with the browser session.
pub(crate) fn build_cookie(
    config: &Config,
    base: &str,
    value: String,
    max_age: Option<cookie::time::Duration>,
) -> HeaderValue {
    let mut c = cookie::Cookie::build((cookie_name(config, base), value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(config.cookie_secure());
    if let Some(age) = max_age {
        c = c.max_age(age);
    }
    HeaderValue::from_str(&c.build().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("mypage_session=; Path=/; Max-Age=0"))
}

/// `POST /logout`: ends the session and clears what the browser kept, so the next
/// member on the same browser starts clean. A plain form post, so it works before
/// the page has hydrated too.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, &cookie_name(&state.config, session::COOKIE)) {
        if let Err(e) = session::delete(&state.db, Realm::Member, token).await {
            tracing::error!(error = ?e, "could not end session at logout");
        }
    }
    let mut res = Redirect::to("/?logged_out=1").into_response();
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, clear_cookie(&state.config));
    // "storage" also clears Cache Storage and unregisters the service worker,
    // so the offline card goes too. Not "cache": pages are no-store already,
    // and dropping the HTTP cache races the next page's wasm.
    h.insert("clear-site-data", HeaderValue::from_static("\"storage\""));
    res
}
