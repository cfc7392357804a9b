//! The staff's second factor (S1): a TOTP (RFC 6238, totp-rs) enrolled at the
//! first login, with one-time recovery codes. A staff session starts at the
//! "password" stage and opens nothing but this step until a right code (or
//! recovery code) makes it full. Every try counts against the account's
//! lockout, and each TOTP code works once. The secret is stored sealed
//! ([`crate::ssr::identity::sealed`]) and opened only to show it at
//! enrolment and to check a code.

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use totp_rs::{Algorithm, Secret, TOTP};

use super::auth::CurrentStaff;
use crate::domain::policy::{RECOVERY_CODES, TOTP_DIGITS, TOTP_SKEW_STEPS, TOTP_STEP_SECONDS};
use crate::error::AppError;
use crate::ssr::entities::staff_login_event::LoginResult;
use crate::ssr::entities::staff_session::{self, SessionStage};
use crate::ssr::entities::{staff_account, staff_recovery_code};
use crate::ssr::identity::lockout::{self, Realm};
use crate::ssr::identity::sealed::SealKeys;
use crate::ssr::identity::token::token_hash;
use crate::ssr::request::ClientInfo;
use crate::ssr::Config;
use crate::staff::SecondFactor;

/// Characters of a recovery code: no 0/O, 1/I/L.
const RECOVERY_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn totp(secret_base32: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|_| AppError::Internal)?;
    TOTP::new(
        Algorithm::SHA1,
        TOTP_DIGITS,
        TOTP_SKEW_STEPS,
        TOTP_STEP_SECONDS,
        bytes,
    )
    .map_err(|_| AppError::Internal)
}

/// The time step of `typed` at `now` (within the allowed skew), if it is
/// right and newer than `last_step`.
pub fn matching_step(
    secret_base32: &str,
    typed: &str,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let totp = totp(secret_base32)?;
    let typed: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let step_len = TOTP_STEP_SECONDS as i64;
    let now_step = now.timestamp().div_euclid(step_len);
    let skew = i64::from(TOTP_SKEW_STEPS);
    for step in (now_step - skew)..=(now_step + skew) {
        if step < 0 || last_step.is_some_and(|last| step <= last) {
            continue;
        }
        let code = totp.generate((step * step_len) as u64);
        if code.len() == typed.len() && code.as_bytes() == typed.as_bytes() {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

/// What a staff account's secret is sealed for: its own row only.
fn context(staff_id: i32) -> String {
    format!("staff_totp:{staff_id}")
}

/// `secret` (base32) as stored for the staff account `staff_id`.
pub fn seal(keys: &SealKeys, staff_id: i32, secret: &str) -> Result<String, AppError> {
    keys.seal(secret, &context(staff_id)).map_err(|e| {
        tracing::error!(staff_id, error = %e, "sealing a TOTP secret failed");
        AppError::Internal
    })
}

/// The base32 secret of the staff account `staff_id` from what is `stored`.
fn open(keys: &SealKeys, staff_id: i32, stored: &str) -> Result<String, AppError> {
    match keys.open(stored, &context(staff_id)) {
        Ok(opened) => Ok(opened.secret),
        Err(e) => {
            tracing::error!(
                staff_id,
                error = %e,
                "a staff TOTP secret does not open with MYPAGE_TOTP_KEY or MYPAGE_TOTP_OLD_KEYS"
            );
            Err(AppError::Conflict(UNOPENABLE.to_owned()))
        }
    }
}

const UNOPENABLE: &str = "二段階認証の登録情報を読み取れませんでした。回復コードでログインするか、管理者に二段階認証のリセットを依頼してください。";

/// What [`reseal_all`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resealed {
    /// Sealed secrets stored (an unsealed one opens with any key).
    pub stored: u64,
    /// Sealed again now (unsealed, or under an earlier key).
    pub sealed: u64,
    /// Opened by no configured key.
    pub unopenable: u64,
}

impl Resealed {
    /// Every sealed secret refuses every key: the key given is not the one
    /// they were sealed with, and no staff member could log in. Nothing is
    /// sealed again then (not even unsealed secrets, under a wrong key).
    pub fn wrong_key(&self) -> bool {
        self.stored > 0 && self.unopenable == self.stored
    }
}

/// Seals again, under the current key, every secret stored unsealed (before
/// sealing existed) or under an earlier key; each one conditionally, so
/// processes starting together change a row once. A secret no key opens is
/// logged and left (its owner logs in with a recovery code, or an admin
/// resets that account's second factor).
pub async fn reseal_all(db: &impl ConnectionTrait, keys: &SealKeys) -> Result<Resealed, AppError> {
    let stored: Vec<(i32, Option<String>)> = staff_account::Entity::find()
        .select_only()
        .columns([staff_account::Column::Id, staff_account::Column::TotpSecret])
        .filter(staff_account::Column::TotpSecret.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut found = Resealed::default();
    let mut stale = Vec::new();
    for (staff_id, stored) in stored {
        let Some(stored) = stored else { continue };
        if SealKeys::is_sealed(&stored) {
            found.stored += 1;
        }
        match keys.open(&stored, &context(staff_id)) {
            Ok(opened) if !opened.stale => {}
            Ok(opened) => stale.push((staff_id, stored, opened.secret)),
            Err(_) => {
                found.unopenable += 1;
                tracing::error!(
                    staff_id,
                    "a staff TOTP secret does not open with MYPAGE_TOTP_KEY or MYPAGE_TOTP_OLD_KEYS: \
                     the staff member logs in with a recovery code, or an admin resets the second factor"
                );
            }
        }
    }
    if found.wrong_key() {
        return Ok(found);
    }
    for (staff_id, stored, secret) in stale {
        found.sealed += staff_account::Entity::update_many()
            .col_expr(
                staff_account::Column::TotpSecret,
                Expr::value(Some(seal(keys, staff_id, &secret)?)),
            )
            .filter(staff_account::Column::Id.eq(staff_id))
            .filter(staff_account::Column::TotpSecret.eq(stored))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(found)
}

/// 160 random bits, base32, for a new enrolment.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

/// What the second-factor page shows: the code form, or the enrolment with
/// a secret made (and kept) now.
pub async fn state(
    db: &DatabaseConnection,
    config: &Config,
    me: &CurrentStaff,
) -> Result<SecondFactor, AppError> {
    if me.account.totp_enrolled_at.is_some() {
        return Ok(SecondFactor {
            name: me.account.name.clone(),
            enrolled: true,
            secret: None,
            qr_svg: None,
        });
    }
    let keys = &config.totp_keys;
    // Not enrolled yet: a secret no key opens is simply made anew.
    let opened = me
        .account
        .totp_secret
        .as_deref()
        .and_then(|stored| keys.open(stored, &context(me.staff_id)).ok());
    let secret = match opened {
        Some(opened) => opened.secret,
        None => {
            let s = new_secret();
            staff_account::ActiveModel {
                id: Set(me.staff_id),
                totp_secret: Set(Some(seal(keys, me.staff_id, &s)?)),
                ..Default::default()
            }
            .update(db)
            .await?;
            s
        }
    };
    let issuer = config.coop_name.replace(':', " ");
    let uri = format!(
        "otpauth://totp/{issuer}:{login}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
        issuer = crate::domain::next_path::encode(&issuer),
        login = crate::domain::next_path::encode(&me.account.login_id),
    );
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|_| AppError::Internal)?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(SecondFactor {
        name: me.account.name.clone(),
        enrolled: false,
        secret: Some(secret),
        qr_svg: Some(svg),
    })
}

/// Gives the second factor for the session `me` is at: a TOTP code, or one
/// of the recovery codes. A right one makes the session full.
pub async fn verify(
    db: &DatabaseConnection,
    keys: &SealKeys,
    me: &CurrentStaff,
    typed: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(AppError::field("code", "確認コードを入力してください。"));
    }
    let Some(stored) = me
        .account
        .totp_secret
        .as_deref()
        .filter(|_| me.account.totp_enrolled_at.is_some())
    else {
        return Err(AppError::Conflict(
            "二段階認証の登録がまだです。画面を読み込み直してください。".to_owned(),
        ));
    };
    // A secret no key opens still lets a recovery code in.
    let secret = open(keys, me.staff_id, stored);
    let Some(attempt) = lockout::reserve(db, Realm::Staff, me.staff_id, now).await? else {
        log(db, me, client, LoginResult::Locked, now).await?;
        return Err(AppError::StaffLoginFailed);
    };
    let txn = crate::ssr::db::begin_write(db).await?;
    let step = match &secret {
        Ok(secret)
            if typed.chars().filter(char::is_ascii_digit).count() == TOTP_DIGITS
                && typed
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_whitespace()) =>
        {
            matching_step(secret, typed, now, me.account.totp_last_step)?
        }
        _ => None,
    };
    let accepted = match step {
        // Taken only if no parallel request took this step (or a later one).
        Some(step) => {
            staff_account::Entity::update_many()
                .col_expr(staff_account::Column::TotpLastStep, Expr::value(Some(step)))
                .filter(staff_account::Column::Id.eq(me.staff_id))
                .filter(
                    staff_account::Column::TotpLastStep
                        .is_null()
                        .or(staff_account::Column::TotpLastStep.lt(step)),
                )
                .exec(&txn)
                .await?
                .rows_affected
                == 1
        }
        None => use_recovery_code(&txn, me.staff_id, typed, now).await?,
    };
    let hash = &me.account.password_hash;
    if !accepted || !lockout::succeed(&txn, Realm::Staff, me.staff_id, attempt, hash, now).await? {
        txn.rollback().await?;
        let result = if attempt.locks() {
            LoginResult::Locked
        } else {
            LoginResult::Failure
        };
        log(db, me, client, result, now).await?;
        secret?;
        return Err(AppError::field(
            "code",
            "確認コードが正しくありません。認証アプリの最新のコードを入力してください。",
        ));
    }
    make_full(&txn, me, now).await?;
    log(&txn, me, client, LoginResult::Success, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The staff login log records the whole login: a right password alone is
/// not a success.
async fn log(
    db: &impl ConnectionTrait,
    me: &CurrentStaff,
    client: &ClientInfo,
    result: LoginResult,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    super::auth::record(
        db,
        Some(me.staff_id),
        &me.account.login_id,
        client,
        now,
        result,
    )
    .await
}

/// Enrols the TOTP shown on the page, proven by a code from the app; answers
/// the recovery codes, shown this once. The session becomes full.
pub async fn enrol(
    db: &DatabaseConnection,
    keys: &SealKeys,
    me: &CurrentStaff,
    typed: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    if me.account.totp_enrolled_at.is_some() {
        return Err(AppError::Conflict(
            "二段階認証はすでに登録されています。".to_owned(),
        ));
    }
    let stored = me.account.totp_secret.clone().ok_or_else(|| {
        AppError::Conflict("画面を読み込み直してから、もう一度お試しください。".to_owned())
    })?;
    let secret = open(keys, me.staff_id, &stored).map_err(|_| {
        AppError::Conflict("画面を読み込み直してから、もう一度お試しください。".to_owned())
    })?;
    let Some(attempt) = lockout::reserve(db, Realm::Staff, me.staff_id, now).await? else {
        log(db, me, client, LoginResult::Locked, now).await?;
        return Err(AppError::StaffLoginFailed);
    };
    let Some(step) = matching_step(&secret, typed, now, None)? else {
        log(db, me, client, LoginResult::Failure, now).await?;
        return Err(AppError::field(
            "code",
            "確認コードが正しくありません。認証アプリに表示されている6桁のコードを入力してください。",
        ));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let txn = crate::ssr::db::begin_write(db).await?;
    let enrolled = staff_account::Entity::update_many()
        .col_expr(
            staff_account::Column::TotpEnrolledAt,
            Expr::value(Some(now)),
        )
        .col_expr(staff_account::Column::TotpLastStep, Expr::value(Some(step)))
        .col_expr(staff_account::Column::UpdatedAt, Expr::value(now))
        .filter(staff_account::Column::Id.eq(me.staff_id))
        .filter(staff_account::Column::TotpEnrolledAt.is_null())
        .filter(staff_account::Column::TotpSecret.eq(stored))
        .exec(&txn)
        .await?;
    let hash = &me.account.password_hash;
    if enrolled.rows_affected != 1
        || !lockout::succeed(&txn, Realm::Staff, me.staff_id, attempt, hash, now).await?
    {
        txn.rollback().await?;
        return Err(AppError::Conflict(
            "画面を読み込み直してから、もう一度お試しください。".to_owned(),
        ));
    }
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::StaffId.eq(me.staff_id))
        .exec(&txn)
        .await?;
    for code in &codes {
        staff_recovery_code::ActiveModel {
            staff_id: Set(me.staff_id),
            code_hash: Set(token_hash(&normalise(code))),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    make_full(&txn, me, now).await?;
    log(&txn, me, client, LoginResult::Success, now).await?;
    crate::ssr::audit::record(
        &txn,
        crate::ssr::audit::Entry {
            actor: crate::ssr::audit::Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action: "staff_second_factor_enrolled",
            before: None,
            after: Some(me.account.login_id.clone()),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

fn recovery_code() -> String {
    let mut rng = rand::rng();
    let mut pick = || RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())] as char;
    let a: String = (0..4).map(|_| pick()).collect();
    let b: String = (0..4).map(|_| pick()).collect();
    format!("{a}-{b}")
}

/// A typed recovery code, as stored: upper case, no spaces or hyphens.
fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

async fn use_recovery_code(
    db: &impl ConnectionTrait,
    staff_id: i32,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let used = staff_recovery_code::Entity::update_many()
        .col_expr(staff_recovery_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
        .filter(staff_recovery_code::Column::CodeHash.eq(token_hash(&normalise(typed))))
        .filter(staff_recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// The whole login is done: the session opens the back office.
async fn make_full(
    db: &impl ConnectionTrait,
    me: &CurrentStaff,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    staff_session::Entity::update_many()
        .col_expr(
            staff_session::Column::Stage,
            Expr::value(SessionStage::Full),
        )
        .filter(staff_session::Column::Id.eq(me.session_id))
        .exec(db)
        .await?;
    staff_account::Entity::update_many()
        .col_expr(staff_account::Column::LastLoginAt, Expr::value(Some(now)))
        .filter(staff_account::Column::Id.eq(me.staff_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_code_works_in_its_step_and_one_either_side_and_only_once() {
        let secret = new_secret();
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 10).unwrap();
        let now_step = t.timestamp() / 30;
        let code = totp(&secret).unwrap().generate(t.timestamp() as u64);
        assert_eq!(
            matching_step(&secret, &code, t, None).unwrap(),
            Some(now_step)
        );
        // 30 s later it is the previous step: still good (skew 1)…
        let later = t + chrono::Duration::seconds(30);
        assert_eq!(
            matching_step(&secret, &code, later, None).unwrap(),
            Some(now_step)
        );
        // …but not once used, and not two steps on.
        assert_eq!(
            matching_step(&secret, &code, later, Some(now_step)).unwrap(),
            None
        );
        let much_later = t + chrono::Duration::seconds(90);
        assert_eq!(
            matching_step(&secret, &code, much_later, None).unwrap(),
            None
        );
        assert_eq!(matching_step(&secret, "000000x", t, None).unwrap(), None);
    }

    #[test]
    fn the_rfc_6238_test_vector_holds() {
        // RFC 6238 appendix B, SHA1: "12345678901234567890" at 59 s → 94287082 (8 digits).
        let key = b"12345678901234567890".to_vec();
        let totp = TOTP::new(Algorithm::SHA1, 8, 1, 30, key).unwrap();
        assert_eq!(totp.generate(59), "94287082");
    }

    #[test]
    fn recovery_codes_are_readable_and_typed_loosely() {
        let code = recovery_code();
        assert_eq!(code.len(), 9);
        assert!(code
            .chars()
            .all(|c| c == '-' || RECOVERY_ALPHABET.contains(&(c as u8))));
        assert_eq!(normalise(" abcd-efgh "), "ABCDEFGH");
    }
}
