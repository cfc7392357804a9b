//! マイページ登録 on the server. Every wrong combination gets one answer;
//! tries are counted per member number and per address before anything is
//! looked up; the letter's code is used up only when the account is made,
//! in the transaction that makes it.

pub mod letter;

use chrono::{DateTime, Duration, Utc};
use http::header;
use rand::Rng;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::{RegistrationState, RegistrationStep};
use crate::auth::ssr::{build_cookie, cookie_name, display_member_number};
use crate::domain::membership::{self, Event};
use crate::domain::{
    email::Email, jis::display_spelling, jst, member_number::MemberNumber, policy,
    registration as code_rule, user_id::UserId,
};
use crate::error::AppError;
use crate::ssr::actor::Actor;
use crate::ssr::entities::{member, member_account, registration, registration_code};
use crate::ssr::identity::token::{new_token, token_hash};
use crate::ssr::identity::{password, password_policy};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::rate_limit;
use crate::ssr::request::{cookie, ClientInfo, Request};
use crate::ssr::{audit, Config};

/// The cookie of a registration under way.
pub const COOKIE: &str = "mypage_registration";

/// Whether issuing a code may void one still usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// A reprint for one member: the old letter stops working.
    Void,
    /// A batch for members with no usable code: if one has appeared since
    /// they were chosen (another batch, on PostgreSQL, whose statements
    /// each see the latest commits), the one-live-code index refuses this
    /// one instead of voiding it.
    Keep,
}

/// Makes a registration code for `member_id` (voiding an earlier one when
/// asked). Answers the code (twelve characters) for the letter: it is
/// stored only as its hash.
pub async fn issue_code(
    db: &impl ConnectionTrait,
    member_id: i32,
    issued_by: Option<i32>,
    earlier: Earlier,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let code: String = {
        let mut rng = rand::rng();
        (0..code_rule::LENGTH)
            .map(|_| code_rule::ALPHABET[rng.random_range(0..code_rule::ALPHABET.len())] as char)
            .collect()
    };
    if earlier == Earlier::Void {
        registration_code::Entity::update_many()
            .col_expr(registration_code::Column::UsedAt, Expr::value(Some(now)))
            .filter(registration_code::Column::MemberId.eq(member_id))
            .filter(registration_code::Column::UsedAt.is_null())
            .exec(db)
            .await?;
    }
    registration_code::ActiveModel {
        member_id: Set(member_id),
        code_hash: Set(token_hash(&code)),
        created_at: Set(now),
        expires_at: Set(code_rule::expires_at(now)),
        used_at: Set(None),
        issued_by: Set(issued_by),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        if crate::ssr::db::is_unique_violation(&e) {
            // idx_registration_codes_live: someone issued one this moment.
            AppError::Conflict(
                "ほかの職員が同時に登録コードを発行しました。画面を開き直してご確認ください。"
                    .into(),
            )
        } else {
            e.into()
        }
    })?;
    Ok(code)
}

/// Step 1, on its own for tests: answers the token of the registration.
pub async fn begin(
    db: &DatabaseConnection,
    member_number: &str,
    typed_code: &str,
    birth_date: &str,
    client: &ClientInfo,
    tries_per_ip_per_hour: i32,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let hour = Duration::hours(1);
    let per_ip = format!("register-ip:{}", client.ip);
    if !rate_limit::allow(db, &per_ip, tries_per_ip_per_hour, hour, now).await? {
        return Err(AppError::RateLimited);
    }
    let number = MemberNumber::parse(member_number).map_err(|_| AppError::RegistrationFailed)?;
    let per_member = format!("register-member:{}", number.digits());
    if !rate_limit::allow(
        db,
        &per_member,
        policy::REGISTRATION_TRIES_PER_MEMBER_PER_HOUR,
        hour,
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let code = code_rule::normalise(typed_code).ok_or(AppError::RegistrationFailed)?;
    let birth = jst::parse_date(birth_date).ok_or(AppError::RegistrationFailed)?;
    let found = registration_code::Entity::find()
        .filter(registration_code::Column::CodeHash.eq(token_hash(&code)))
        .one(db)
        .await?
        .filter(|c| code_rule::usable(c.expires_at, c.used_at.is_some(), now))
        .ok_or(AppError::RegistrationFailed)?;
    let (m, account) = member::Entity::find_by_id(found.member_id)
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::RegistrationFailed)?;
    if m.member_number != number.digits() || m.birth_date != birth {
        return Err(AppError::RegistrationFailed);
    }
    let stage = crate::member::ssr::stage_of(&m, account.as_ref(), now);
    membership::transition(stage, Event::Register).map_err(|_| AppError::RegistrationFailed)?;
    let token = new_token();
    registration::ActiveModel {
        token_hash: Set(token_hash(&token)),
        member_id: Set(m.id),
        code_id: Set(found.id),
        user_id: Set(None),
        email: Set(None),
        password_hash: Set(None),
        email_code_hash: Set(None),
        email_code_tries: Set(0),
        email_code_expires_at: Set(None),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(policy::REGISTRATION_MINUTES)),
        done_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The registration a token stands for, if it is still open.
async fn pending(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(registration::Model, member::Model), AppError> {
    let r = registration::Entity::find()
        .filter(registration::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .filter(|r| r.done_at.is_none() && now < r.expires_at)
        .ok_or(AppError::RegistrationFailed)?;
    let m = member::Entity::find_by_id(r.member_id)
        .one(db)
        .await?
        .ok_or(AppError::RegistrationFailed)?;
    Ok((r, m))
}

/// Step 2, on its own for tests: checks and keeps the account's details and
/// mails a code to the address.
#[allow(clippy::too_many_arguments)]
pub async fn choose(
    db: &DatabaseConnection,
    config: &Config,
    token: &str,
    user_id: &str,
    email: &str,
    new_password: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (r, m) = pending(db, token, now).await?;
    let user_id = UserId::parse(user_id).map_err(|e| AppError::field("user_id", e.0))?;
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.0))?;
    password_policy::check_new_password(
        "password",
        new_password,
        confirmation,
        &[user_id.as_str(), email.as_str(), &m.member_number],
    )?;
    let taken_id = member_account::Entity::find()
        .filter(member_account::Column::UserId.eq(user_id.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken_id {
        return Err(AppError::field(
            "user_id",
            "このユーザーIDはすでに使われています。別のユーザーIDを入力してください。",
        ));
    }
    let taken_email = member_account::Entity::find()
        .filter(member_account::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken_email {
        return Err(AppError::field(
            "email",
            "このメールアドレスは登録できません。別のメールアドレスを入力してください。",
        ));
    }
    let bucket = format!("register-mail:{}", r.member_id);
    if !rate_limit::allow(
        db,
        &bucket,
        policy::EMAIL_CODES_PER_HOUR,
        Duration::hours(1),
        now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let hash = password::hash_blocking(new_password.to_owned()).await?;
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let code_until = now + Duration::minutes(policy::CODE_VALID_MINUTES);
    let txn = crate::ssr::db::begin_write(db).await?;
    registration::Entity::update_many()
        .col_expr(
            registration::Column::UserId,
            Expr::value(Some(user_id.to_string())),
        )
        .col_expr(
            registration::Column::Email,
            Expr::value(Some(email.to_string())),
        )
        .col_expr(registration::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(
            registration::Column::EmailCodeHash,
            Expr::value(Some(token_hash(&format!("{}:{code}", r.id)))),
        )
        .col_expr(registration::Column::EmailCodeTries, Expr::value(0))
        .col_expr(
            registration::Column::EmailCodeExpiresAt,
            Expr::value(Some(code_until)),
        )
        // The code works as long as its mail says, even when it was asked
        // for late in the registration (the page renews the cookie).
        .col_expr(
            registration::Column::ExpiresAt,
            Expr::value(std::cmp::max(r.expires_at, code_until)),
        )
        .filter(registration::Column::Id.eq(r.id))
        .exec(&txn)
        .await?;
    let name = display_spelling(&m.name).0;
    let to = Recipient {
        email: email.as_str(),
        name: &name,
    };
    let mail = templates::registration_code(config, &to, &code, policy::CODE_VALID_MINUTES);
    mail::enqueue(&txn, mail, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Step 3, on its own for tests: the mailed code makes the account, uses the
/// letter's code up, and mails the 手続き完了.
pub async fn finish(
    db: &DatabaseConnection,
    config: &Config,
    token: &str,
    typed: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (r, m) = pending(db, token, now).await?;
    let (Some(user_id), Some(email), Some(hash), Some(code_hash)) = (
        r.user_id.clone(),
        r.email.clone(),
        r.password_hash.clone(),
        r.email_code_hash.clone(),
    ) else {
        return Err(AppError::Conflict(
            "先にユーザーIDとパスワードを入力してください。".to_owned(),
        ));
    };
    if r.email_code_expires_at.is_none_or(|until| until <= now) {
        return Err(code_spent());
    }
    let typed =
        crate::domain::one_time_code::parse(typed).map_err(|e| AppError::field("code", e.0))?;
    // A try is taken before comparing, in one statement, and only from the
    // code read above: one the member has since gone back from (or replaced)
    // takes no try and works no more.
    let taken = registration::Entity::update_many()
        .col_expr(
            registration::Column::EmailCodeTries,
            Expr::col(registration::Column::EmailCodeTries).add(1),
        )
        .filter(registration::Column::Id.eq(r.id))
        .filter(registration::Column::EmailCodeTries.lt(policy::CODE_MAX_TRIES))
        .filter(registration::Column::EmailCodeHash.eq(code_hash.as_str()))
        .filter(registration::Column::EmailCodeExpiresAt.gt(now))
        .exec_with_returning(db)
        .await?;
    let Some(this_try) = taken.first() else {
        return Err(code_spent());
    };
    if token_hash(&format!("{}:{typed}", r.id)) != code_hash {
        return Err(
            match crate::ssr::identity::codes::wrong_code(this_try.email_code_tries) {
                AppError::CodeSpent => code_spent(),
                wrong => wrong,
            },
        );
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    // The letter's code: used now, and only if nobody used it meanwhile.
    let used = registration_code::Entity::update_many()
        .col_expr(registration_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(registration_code::Column::Id.eq(r.code_id))
        .filter(registration_code::Column::UsedAt.is_null())
        .filter(registration_code::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::RegistrationFailed);
    }
    let account = member_account::ActiveModel::new_account(
        m.id,
        user_id.clone(),
        email.clone(),
        hash,
        now,
    )
    .insert(&txn)
    .await
    .map_err(|e| {
        if crate::ssr::db::is_unique_violation(&e) {
            AppError::Conflict(
                "このユーザーIDまたはメールアドレスは、いま別の方が登録しました。「メールアドレスを入力し直す」から、別のユーザーIDまたはメールアドレスを入力してください。".to_owned(),
            )
        } else {
            e.into()
        }
    })?;
    registration::Entity::update_many()
        .col_expr(registration::Column::DoneAt, Expr::value(Some(now)))
        .filter(registration::Column::Id.eq(r.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Member {
                account_id: account.id,
            },
            member_id: Some(m.id),
            action: "registered",
            before: None,
            after: Some(format!("ユーザーID {user_id}")),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    let name = display_spelling(&m.name).0;
    let to = Recipient {
        email: &email,
        name: &name,
    };
    let mail = templates::registered(config, &to, &user_id, &jst::format_datetime(now));
    mail::enqueue(&txn, mail, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A registration's code that expired or was mistyped too often: the way
/// on is on the page (the general message says to start over).
fn code_spent() -> AppError {
    AppError::Conflict(
        "認証コードの有効期限が切れたか、入力できる回数を超えました。「メールアドレスを入力し直す」から、新しい認証コードをお受け取りください。"
            .to_owned(),
    )
}

/// Back from the code step to the account step, on its own for tests: the
/// address was mistyped, the mail did not come, or the code expired or was
/// mistyped too often. The mailed code stops working and the password is
/// typed again; the user ID and the address are offered to correct. A new
/// code is mailed by the account step, within its hourly allowance.
pub async fn back_to_account(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (r, _) = pending(db, token, now).await?;
    registration::Entity::update_many()
        .col_expr(
            registration::Column::EmailCodeHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            registration::Column::EmailCodeExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            registration::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .filter(registration::Column::Id.eq(r.id))
        .exec(db)
        .await?;
    Ok(())
}

fn registration_token(req: &Request) -> Result<String, AppError> {
    cookie(&req.parts.headers, &cookie_name(&req.state.config, COOKIE))
        .map(str::to_owned)
        .ok_or(AppError::RegistrationFailed)
}

fn set_cookie(config: &Config, value: String, keep: bool) -> Result<(), AppError> {
    let res =
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let age = if keep {
        cookie::time::Duration::minutes(policy::REGISTRATION_MINUTES)
    } else {
        cookie::time::Duration::ZERO
    };
    res.append_header(
        header::SET_COOKIE,
        build_cookie(config, COOKIE, value, Some(age)),
    );
    Ok(())
}

/// [`super::start_registration`].
pub async fn start(member_number: &str, code: &str, birth_date: &str) -> Result<(), AppError> {
    let req = Request::current()?;
    req.state.throttle.check(&req.client.ip)?;
    let token = begin(
        &req.state.db,
        member_number,
        code,
        birth_date,
        &req.client,
        req.state.config.registration_ip_tries_per_hour,
        req.now,
    )
    .await?;
    set_cookie(&req.state.config, token, true)?;
    leptos_axum::redirect("/register");
    Ok(())
}

/// [`super::load_registration`].
pub async fn state() -> Result<RegistrationState, AppError> {
    let req = Request::current()?;
    let token = registration_token(&req)?;
    let (r, m) = pending(&req.state.db, &token, req.now).await?;
    Ok(RegistrationState {
        name: display_spelling(&m.name).0,
        member_number: display_member_number(&m.member_number),
        step: if r.email_code_hash.is_some() {
            RegistrationStep::Email
        } else {
            RegistrationStep::Account
        },
        email: r.email,
        user_id: r.user_id,
        code_until: r
            .email_code_expires_at
            .filter(|_| r.email_code_hash.is_some())
            .map(jst::format_datetime),
    })
}

/// [`super::back_to_registration_account`].
pub async fn back() -> Result<(), AppError> {
    let req = Request::current()?;
    let token = registration_token(&req)?;
    back_to_account(&req.state.db, &token, req.now).await
}

/// [`super::submit_registration_account`].
pub async fn account(
    user_id: &str,
    email: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let req = Request::current()?;
    let token = registration_token(&req)?;
    choose(
        &req.state.db,
        &req.state.config,
        &token,
        user_id,
        email,
        new_password,
        confirmation,
        req.now,
    )
    .await?;
    // The registration may now run longer than the cookie set at the start.
    set_cookie(&req.state.config, token, true)
}

/// [`super::confirm_registration`].
pub async fn confirm(code: &str) -> Result<(), AppError> {
    let req = Request::current()?;
    req.state.throttle.check(&req.client.ip)?;
    let token = registration_token(&req)?;
    finish(
        &req.state.db,
        &req.state.config,
        &token,
        code,
        &req.client,
        req.now,
    )
    .await?;
    set_cookie(&req.state.config, String::new(), false)?;
    leptos_axum::redirect("/?registered=1");
    Ok(())
}
