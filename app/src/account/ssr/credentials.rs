//! Changing password, user ID and email (M5's login part, M15). Each needs the
//! current password, is audited, and mails a notice; an email change takes
//! effect only after the code sent to the new address is entered.

use crate::domain::procedure::Kind;
use crate::procedure::ssr::{apply, workflow::By};
use crate::ssr::request::Request;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::auth::ssr::{
    account_and_member, current_member_even_if_forced, reset::set_password, CurrentMember,
};
use crate::domain::policy;
use crate::domain::{email::Email, jst, user_id::UserId};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::one_time_code::CodePurpose;
use crate::ssr::entities::{member, member_account, session};
use crate::ssr::identity::{codes, password, password_policy};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::request::ClientInfo;
use crate::ssr::{rate_limit, AppState};

struct Me {
    state: AppState,
    client: ClientInfo,
    now: DateTime<Utc>,
    me: CurrentMember,
    account: member_account::Model,
    member: member::Model,
}

impl Me {
    fn recipient(&self) -> Recipient<'_> {
        Recipient {
            email: &self.account.email,
            name: &self.member.name,
        }
    }

    /// Lists the change in 手続き照会, as done by the member.
    async fn record_procedure(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        kind: Kind,
        summary: &str,
    ) -> Result<(), AppError> {
        let by = By::Member {
            account_id: self.me.account_id,
        };
        apply::record_completed(txn, self.me.member_id, kind, summary, by, self.now).await
    }

    fn audit<'a>(
        &'a self,
        action: &'a str,
        before: Option<String>,
        after: Option<String>,
    ) -> audit::Entry<'a> {
        audit::Entry {
            actor: Actor::Member {
                account_id: self.me.account_id,
            },
            member_id: Some(self.me.member_id),
            action,
            before,
            after,
            ip: &self.client.ip,
        }
    }
}

async fn load(me: CurrentMember) -> Result<Me, AppError> {
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let (account, member) = account_and_member(&state.db, me.account_id).await?;
    Ok(Me {
        state,
        client,
        now,
        me,
        account,
        member,
    })
}

/// The current password, told at the field `current_password` when wrong.
async fn check_current_password(
    db: &DatabaseConnection,
    me: &Me,
    typed: &str,
) -> Result<(), AppError> {
    if typed.is_empty() {
        return Err(AppError::field(
            "current_password",
            "現在のパスワードを入力してください。",
        ));
    }
    let bucket = format!("current-password:{}", me.account.id);
    if !rate_limit::allow(
        db,
        &bucket,
        policy::CURRENT_PASSWORD_CHECKS,
        Duration::minutes(15),
        me.now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    if typed.len() > policy::LOGIN_PASSWORD_MAX_BYTES
        || !password::verify_blocking(Some(me.account.password_hash.clone()), typed.to_owned())
            .await?
    {
        return Err(AppError::field(
            "current_password",
            "現在のパスワードが正しくありません。",
        ));
    }
    Ok(())
}

/// Also the way out of a temporary password, so it accepts a forced change.
pub async fn change_password(current: &str, new: &str, confirmation: &str) -> Result<(), AppError> {
    let me = load(current_member_even_if_forced().await?).await?;
    let db = &me.state.db;
    check_current_password(db, &me, current).await?;
    password_policy::check_new_password(
        "password",
        new,
        confirmation,
        &[
            &me.account.user_id,
            &me.account.email,
            &me.member.member_number,
        ],
    )?;
    if new == current {
        return Err(AppError::field(
            "password",
            "現在のパスワードとは別のものにしてください。",
        ));
    }
    let hash = password::hash_blocking(new.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    set_password(&txn, me.account.id, hash, false, me.now).await?;
    // Whoever else may know the old password is logged out everywhere, and
    // a reset link sent earlier (perhaps to someone reading the mailbox)
    // cannot set another one.
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(me.account.id))
        .filter(session::Column::Id.ne(me.me.session_id))
        .exec(&txn)
        .await?;
    crate::auth::ssr::reset::void_all(&txn, me.account.id, me.now).await?;
    audit::record(&txn, me.audit("password_changed", None, None), me.now).await?;
    me.record_procedure(&txn, Kind::PasswordChange, "パスワードを変更しました。")
        .await?;
    let when = jst::format_datetime(me.now);
    mail::enqueue(
        &txn,
        templates::password_changed(&me.state.config, &me.recipient(), &when),
        me.now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn change_user_id(new_id: &str, current: &str) -> Result<String, AppError> {
    let me = load(crate::auth::ssr::current_member().await?).await?;
    let db = &me.state.db;
    let new_id = UserId::parse(new_id).map_err(|e| AppError::field("user_id", e.0))?;
    if new_id.as_str() == me.account.user_id {
        return Err(AppError::field("user_id", "現在のユーザーIDと同じです。"));
    }
    check_current_password(db, &me, current).await?;
    let taken = member_account::Entity::find()
        .filter(member_account::Column::UserId.eq(new_id.as_str()))
        .one(db)
        .await?
        .is_some();
    let taken_message = "このユーザーIDはすでに使われています。別のユーザーIDを入力してください。";
    if taken {
        return Err(AppError::field("user_id", taken_message));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let updated = member_account::ActiveModel {
        id: Set(me.account.id),
        user_id: Set(new_id.to_string()),
        updated_at: Set(me.now),
        ..Default::default()
    }
    .update(&txn)
    .await;
    // Someone may have taken it in between: the unique index decides.
    if updated.is_err() {
        return Err(AppError::field("user_id", taken_message));
    }
    audit::record(
        &txn,
        me.audit(
            "user_id_changed",
            Some(me.account.user_id.clone()),
            Some(new_id.to_string()),
        ),
        me.now,
    )
    .await?;
    me.record_procedure(
        &txn,
        Kind::UserIdChange,
        &format!("ユーザーIDを「{new_id}」に変更しました。"),
    )
    .await?;
    let when = jst::format_datetime(me.now);
    let mail =
        templates::user_id_changed(&me.state.config, &me.recipient(), &when, new_id.as_str());
    mail::enqueue(&txn, mail, me.now).await?;
    txn.commit().await?;
    Ok(new_id.to_string())
}

/// Step 1 of an email change: mails a code to the new address.
pub async fn request_email_change(new_email: &str, current: &str) -> Result<String, AppError> {
    let me = load(crate::auth::ssr::current_member().await?).await?;
    let db = &me.state.db;
    let email = Email::parse(new_email).map_err(|e| AppError::field("email", e.0))?;
    if email.as_str() == me.account.email {
        return Err(AppError::field("email", "現在のメールアドレスと同じです。"));
    }
    check_current_password(db, &me, current).await?;
    let taken = member_account::Entity::find()
        .filter(member_account::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(AppError::field(
            "email",
            "このメールアドレスは登録できません。別のメールアドレスを入力してください。",
        ));
    }
    let bucket = format!("email-code:{}", me.account.id);
    if !rate_limit::allow(
        db,
        &bucket,
        policy::EMAIL_CODES_PER_HOUR,
        Duration::hours(1),
        me.now,
    )
    .await?
    {
        return Err(AppError::RateLimited);
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let binding = codes::Binding {
        new_email: Some(email.to_string()),
        ..Default::default()
    };
    let code = codes::issue(
        &txn,
        me.account.id,
        CodePurpose::EmailChange,
        binding,
        me.now,
    )
    .await?;
    let to = Recipient {
        email: email.as_str(),
        name: &me.member.name,
    };
    let mail =
        templates::email_change_code(&me.state.config, &to, &code, policy::CODE_VALID_MINUTES);
    mail::enqueue(&txn, mail, me.now).await?;
    txn.commit().await?;
    Ok(email.to_string())
}

/// [`crate::account::pending_email_change`]: a code still usable (not
/// used, not expired, tries left). Nothing while a 仮パスワード must be
/// replaced (the page then offers only that).
pub async fn pending_email_change() -> Result<Option<crate::account::PendingEmail>, AppError> {
    let me = current_member_even_if_forced().await?;
    if me.must_change_password {
        return Ok(None);
    }
    let Request { state, now, .. } = Request::current()?;
    let row = codes::live(&state.db, me.account_id, CodePurpose::EmailChange).await?;
    Ok(row
        .filter(|r| {
            crate::domain::one_time_code::usable(r.attempts, r.expires_at, false, now).is_ok()
        })
        .and_then(|r| {
            Some(crate::account::PendingEmail {
                email: r.new_email?,
                until: r
                    .expires_at
                    .with_timezone(&jst::offset())
                    .format("%H:%M")
                    .to_string(),
            })
        }))
}

/// [`crate::account::cancel_email_change`].
pub async fn cancel_email_change() -> Result<(), AppError> {
    let me = crate::auth::ssr::current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    codes::expire_email_change(&state.db, me.account_id, now).await
}

/// Step 2: the code from the new address makes the change.
pub async fn confirm_email_change(typed: &str) -> Result<String, AppError> {
    let me = load(crate::auth::ssr::current_member().await?).await?;
    let db = &me.state.db;
    let row = codes::live(db, me.account.id, CodePurpose::EmailChange)
        .await?
        .ok_or(AppError::CodeSpent)?;
    let new_email = row.new_email.clone().ok_or(AppError::Internal)?;
    // A try is counted (atomically) whether or not the change is then made.
    codes::redeem(db, &row, typed, me.now).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let updated = member_account::Entity::update_many()
        .col_expr(
            member_account::Column::Email,
            Expr::value(new_email.clone()),
        )
        .col_expr(member_account::Column::UpdatedAt, Expr::value(me.now))
        .filter(member_account::Column::Id.eq(me.account.id))
        .exec(&txn)
        .await;
    if updated.is_err() {
        return Err(AppError::field(
            "code",
            "このメールアドレスは登録できません。はじめからお手続きください。",
        ));
    }
    // The second factor moved: every other browser logs in again, and a
    // reset link sent to the old address no longer works.
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(me.account.id))
        .filter(session::Column::Id.ne(me.me.session_id))
        .exec(&txn)
        .await?;
    crate::auth::ssr::reset::void_all(&txn, me.account.id, me.now).await?;
    audit::record(
        &txn,
        me.audit(
            "email_changed",
            Some(me.account.email.clone()),
            Some(new_email.clone()),
        ),
        me.now,
    )
    .await?;
    me.record_procedure(
        &txn,
        Kind::EmailChange,
        &format!("メールアドレスを「{new_email}」に変更しました。"),
    )
    .await?;
    let when = jst::format_datetime(me.now);
    let config = &me.state.config;
    // Both addresses hear of it: the old one in case this was not the member.
    mail::enqueue(
        &txn,
        templates::email_changed(config, &me.recipient(), &when, &new_email),
        me.now,
    )
    .await?;
    let to_new = Recipient {
        email: &new_email,
        name: &me.member.name,
    };
    mail::enqueue(
        &txn,
        templates::email_changed(config, &to_new, &when, &new_email),
        me.now,
    )
    .await?;
    txn.commit().await?;
    Ok(new_email)
}

/// Staff change a member's mail address after confirming who asks (a
/// mailbox given up leaves no way back in otherwise: login codes, reset links
/// and 仮パスワード all go to it). Written only over the address the page
/// showed (`was`); every
/// session ends, no browser stays known, pending codes expire and reset links
/// die, so the next
/// login proves the new address with a code; both addresses are mailed; on
/// the member's 手続き照会 as made by the co-op; audited.
pub async fn change_email_by_staff(
    db: &sea_orm::DatabaseConnection,
    config: &crate::ssr::Config,
    (member_id, new_email, was): (i32, &str, &str),
    (actor, ip): (Actor, &str),
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (member, account) = member::Entity::find_by_id(member_id)
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = account.ok_or_else(|| {
        AppError::Conflict("この組合員はマイページに登録していません。".to_owned())
    })?;
    let changed_meanwhile = || {
        AppError::Conflict(
            "メールアドレスは、ほかの操作ですでに変わりました。画面を読み込み直してください。"
                .to_owned(),
        )
    };
    if account.email != was {
        return Err(changed_meanwhile());
    }
    let email = Email::parse(new_email).map_err(|e| AppError::field("email", e.0))?;
    if email.as_str() == account.email {
        return Err(AppError::field(
            "email",
            "いまのメールアドレスと同じです。新しいメールアドレスを入力してください。",
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let changed = member_account::Entity::update_many()
        .col_expr(member_account::Column::Email, Expr::value(email.as_str()))
        .col_expr(member_account::Column::UpdatedAt, Expr::value(now))
        .filter(member_account::Column::Id.eq(account.id))
        // Only over the address the page showed.
        .filter(member_account::Column::Email.eq(was))
        .exec(&txn)
        .await
        .map_err(|e| {
            if crate::ssr::db::is_unique_violation(&e) {
                AppError::field(
                    "email",
                    "このメールアドレスは、ほかの方のマイページで使われています。",
                )
            } else {
                e.into()
            }
        })?;
    if changed.rows_affected != 1 {
        return Err(changed_meanwhile());
    }
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    crate::auth::ssr::device::forget_all(&txn, account.id).await?;
    crate::ssr::identity::codes::expire_login(&txn, account.id, now).await?;
    // Nor a change the member had started: it would undo this one.
    crate::ssr::identity::codes::expire_email_change(&txn, account.id, now).await?;
    // A reset link sent to the old mailbox must not work any more.
    crate::auth::ssr::reset::void_all(&txn, account.id, now).await?;
    audit::record(
        &txn,
        audit::Entry {
            actor,
            member_id: Some(member.id),
            action: "email_changed",
            before: Some(account.email.clone()),
            after: Some(email.as_str().to_owned()),
            ip,
        },
        now,
    )
    .await?;
    apply::record_completed(
        &txn,
        member.id,
        Kind::EmailChange,
        &format!("メールアドレスを「{}」に変更しました。", email.as_str()),
        actor,
        now,
    )
    .await?;
    let when = jst::format_datetime(now);
    // The old mailbox may be someone else's now: it is not told the new one.
    for (address, shown) in [
        (account.email.as_str(), None),
        (email.as_str(), Some(email.as_str())),
    ] {
        let to = Recipient {
            email: address,
            name: &member.name,
        };
        let mail = templates::email_changed_by_staff(config, &to, &when, shown);
        mail::enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    Ok(email.as_str().to_owned())
}

/// Stops My Page for an account (M13), as the member or staff ask: every
/// session ends, no browser stays known, pending login codes expire, and a
/// mail confirms; audited. Refused when it is already stopped.
pub async fn stop_account(
    txn: &sea_orm::DatabaseTransaction,
    config: &crate::ssr::Config,
    (member, account): (&member::Model, &member_account::Model),
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let stopped = member_account::Entity::update_many()
        .col_expr(
            member_account::Column::ServiceStoppedAt,
            Expr::value(Some(now)),
        )
        .col_expr(member_account::Column::UpdatedAt, Expr::value(now))
        .filter(member_account::Column::Id.eq(account.id))
        .filter(member_account::Column::ServiceStoppedAt.is_null())
        .exec(txn)
        .await?;
    if stopped.rows_affected != 1 {
        return Err(AppError::Conflict(
            "マイページのご利用はすでに停止しています。".to_owned(),
        ));
    }
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account.id))
        .exec(txn)
        .await?;
    crate::auth::ssr::device::forget_all(txn, account.id).await?;
    crate::ssr::identity::codes::expire_login(txn, account.id, now).await?;
    // A reset link in the mailbox must not set a password that works once
    // My Page is re-opened.
    crate::auth::ssr::reset::void_all(txn, account.id, now).await?;
    crate::ssr::identity::codes::expire_email_change(txn, account.id, now).await?;
    audit::record(
        txn,
        audit::Entry {
            actor,
            member_id: Some(member.id),
            action: "service_stopped",
            before: Some("利用中".into()),
            after: Some("停止".into()),
            ip,
        },
        now,
    )
    .await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    let by_staff = matches!(actor, Actor::Staff { .. } | Actor::System);
    let mail = templates::service_stopped(config, &to, &jst::format_datetime(now), by_staff);
    mail::enqueue(txn, mail, now).await?;
    Ok(())
}

/// Re-opens a stopped account (M13, by staff): audited and mailed.
pub async fn reopen_account(
    txn: &sea_orm::DatabaseTransaction,
    config: &crate::ssr::Config,
    (member, account): (&member::Model, &member_account::Model),
    actor: Actor,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Only a stopped account: two staff re-opening at once audit and mail
    // once.
    let reopened = member_account::Entity::update_many()
        .col_expr(
            member_account::Column::ServiceStoppedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(member_account::Column::Id.eq(account.id))
        .filter(member_account::Column::ServiceStoppedAt.is_not_null())
        .exec(txn)
        .await?;
    if reopened.rows_affected != 1 {
        return Err(AppError::Conflict(
            "マイページの利用は、すでに再開されています。画面を読み込み直してご確認ください。"
                .to_owned(),
        ));
    }
    audit::record(
        txn,
        audit::Entry {
            actor,
            member_id: Some(member.id),
            action: "service_reopened",
            before: Some("停止".into()),
            after: Some("利用中".into()),
            ip,
        },
        now,
    )
    .await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    let mail = templates::service_reopened(config, &to, &jst::format_datetime(now));
    mail::enqueue(txn, mail, now).await?;
    Ok(())
}

/// [`crate::account::stop_service`] (M13): with the current password, the
/// member stops My Page; every session ends, no browser stays known, and a
/// mail confirms. Staff can re-open it.
pub async fn stop_service(current: &str) -> Result<(), AppError> {
    use crate::domain::membership::{self, Event};
    let me = load(crate::auth::ssr::current_member().await?).await?;
    let db = &me.state.db;
    let stage = crate::member::ssr::stage_of(&me.member, Some(&me.account), me.now);
    membership::transition(stage, Event::Stop).map_err(|e| AppError::Conflict(e.to_string()))?;
    check_current_password(db, &me, current).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let actor = Actor::Member {
        account_id: me.account.id,
    };
    let who = (&me.member, &me.account);
    stop_account(&txn, &me.state.config, who, actor, &me.client.ip, me.now).await?;
    txn.commit().await?;
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.append_header(
            http::header::SET_COOKIE,
            crate::auth::ssr::clear_cookie(&me.state.config),
        );
        // As at logout: the card's offline copy goes with the login.
        res.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"storage\""),
        );
    }
    leptos_axum::redirect("/?stopped=1");
    Ok(())
}
