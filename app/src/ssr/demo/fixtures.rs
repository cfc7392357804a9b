//! Fresh members made on request, for tests: each test that changes a
//! member's state gets a member of its own, so no test trips another's
//! lockout, code limit or mailbox. Development only: reached through
//! `POST /dev/seed/member` (see [`crate::ssr::dev`]) and the server tests.

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde::{Deserialize, Serialize};

use super::{catalogue, DEMO_PASSWORD};
use crate::auth::ssr::device;
use crate::domain::member_number::MemberNumber;
use crate::error::AppError;
use crate::ssr::entities::{contract, contract_course, contract_rider, member, member_account};
use crate::ssr::identity::{password, token::new_token};

/// What a new test member comes with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Wanted {
    /// A contract: 総合保障型2型 since 2024/4/1 with 先進医療特約.
    #[serde(default)]
    pub contract: bool,
    /// A browser already confirmed with a code: the answer carries its
    /// token for the `mypage_device` cookie, so a login needs no code.
    #[serde(default)]
    pub known_browser: bool,
    /// No My Page account yet (the user ID and email in the answer are the
    /// ones a test may register with).
    #[serde(default)]
    pub without_account: bool,
    /// Without an account, with a registration code issued: the answer
    /// carries it, as the letter would.
    #[serde(default)]
    pub registration_code: bool,
    /// With the contract: statements, payments and 割戻金 since January of
    /// last year, as the demo members have them.
    #[serde(default)]
    pub money: bool,
    /// A mail address no mail reaches (under `.invalid`): the development
    /// mailbox refuses mails to it for good.
    #[serde(default)]
    pub undeliverable: bool,
    /// No 出資金 payment recorded (a members import may bring such people):
    /// no registration letter goes out.
    #[serde(default)]
    pub unpaid: bool,
}

/// A member made for one test. The password is [`DEMO_PASSWORD`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub member_id: i32,
    /// `8123-45678`.
    pub member_number: String,
    pub name: String,
    pub user_id: String,
    pub email: String,
    pub password: String,
    pub contract_number: Option<String>,
    /// The `mypage_device` cookie of a browser the member confirmed.
    pub device: Option<String>,
    /// `1985-04-01`, as the registration form takes it.
    pub birth_date: String,
    /// The letter's code, when one was asked for.
    pub registration_code: Option<String>,
}

/// Makes a member with a My Page account, and what `wanted` asks for, in one
/// transaction. Numbers are random in a range of their own (8xxxxxxxx), so
/// parallel tests never collide with each other or the showcase.
pub async fn member(
    db: &DatabaseConnection,
    wanted: &Wanted,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    let serial: u32 = rand::rng().random_range(0..100_000_000);
    let digits = format!("8{serial:08}");
    let number = MemberNumber::parse(&digits).map_err(|_| AppError::Internal)?;
    let name = format!("試験{}", kanji_serial(serial));
    let user_id = format!("test.{serial:08}");
    let email = if wanted.undeliverable {
        format!("test{serial:08}@example.invalid")
    } else {
        format!("test{serial:08}@example.jp")
    };
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or(AppError::Internal);

    let txn = crate::ssr::db::begin_write(db).await?;
    let saved = member::ActiveModel {
        member_number: Set(digits.clone()),
        name: Set(name.clone()),
        name_kana: Set("シケンカイイン".into()),
        birth_date: Set(day(1985, 4, 1)?),
        postal_code: Set("3300064".into()),
        prefecture: Set("埼玉県".into()),
        address1: Set("さいたま市浦和区岸町1丁目2番3号".into()),
        address2: Set(String::new()),
        phone: Set("048-000-9999".into()),
        workplace: Set(None),
        status: Set(member::MemberStatus::Active),
        capital_paid_on: Set((!wanted.unpaid).then(|| crate::domain::jst::today(now))),
        capital_amount: Set((!wanted.unpaid).then_some(1_000)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let registered = !(wanted.without_account || wanted.registration_code);
    let account = member_account::ActiveModel::new_account(
        saved.id,
        user_id.clone(),
        email.clone(),
        hash,
        now,
    );
    let account = if registered {
        Some(account.insert(&txn).await?)
    } else {
        None
    };
    let registration_code = if wanted.registration_code {
        let code = crate::registration::ssr::issue_code(
            &txn,
            saved.id,
            None,
            crate::registration::ssr::Earlier::Void,
            now,
        )
        .await?;
        Some(crate::domain::registration::grouped(&code))
    } else {
        None
    };
    let contract_number = if wanted.contract {
        let number = format!("T-{serial:08}");
        let c = contract::ActiveModel {
            member_id: Set(saved.id),
            contract_number: Set(number.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        contract_course::ActiveModel {
            contract_id: Set(c.id),
            course_id: Set(catalogue::course_id(&txn, "sogo2").await?),
            starts_on: Set(day(2024, 4, 1)?),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        contract_rider::ActiveModel {
            contract_id: Set(c.id),
            rider_id: Set(catalogue::rider_id(&txn, "senshin").await?),
            starts_on: Set(day(2024, 4, 1)?),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        Some(number)
    } else {
        None
    };
    let device = match (&account, wanted.known_browser) {
        (Some(account), true) => {
            let token = new_token();
            device::remember(&txn, account.id, &token, "test fixture", now).await?;
            Some(token)
        }
        _ => None,
    };
    txn.commit().await?;
    if wanted.money && contract_number.is_some() {
        crate::money::ssr::history::load(db, saved.id, now).await?;
    }
    Ok(Member {
        member_id: saved.id,
        member_number: number.to_string(),
        name,
        user_id,
        email,
        password: DEMO_PASSWORD.to_owned(),
        contract_number,
        device,
        birth_date: "1985-04-01".into(),
        registration_code,
    })
}

/// What a new test staff account comes with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WantedStaff {
    /// `admin` or `operator` (the default).
    #[serde(default)]
    pub role: Option<String>,
    /// Second factor already enrolled, with the secret in the answer, so the
    /// test computes its codes; otherwise it enrols at its first login.
    #[serde(default)]
    pub enrolled: bool,
}

/// A staff account made for one test. The password is
/// [`super::DEMO_STAFF_PASSWORD`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Staff {
    pub staff_id: i32,
    pub login_id: String,
    pub name: String,
    pub email: String,
    pub password: String,
    /// Base32, when enrolled.
    pub totp_secret: Option<String>,
}

/// Makes a staff account for one test.
pub async fn staff(
    db: &DatabaseConnection,
    keys: &crate::ssr::identity::sealed::SealKeys,
    wanted: &WantedStaff,
    now: DateTime<Utc>,
) -> Result<Staff, AppError> {
    use crate::domain::staff::StaffRole;
    use crate::ssr::entities::staff_account;
    let role = match wanted.role.as_deref() {
        Some("admin") => StaffRole::Admin,
        _ => StaffRole::Operator,
    };
    let serial: u32 = rand::rng().random_range(0..100_000_000);
    let login_id = format!("staff.{serial:08}");
    let email = format!("staff{serial:08}@staff.example.jp");
    let name = format!("職員{}", kanji_serial(serial));
    let secret = wanted
        .enrolled
        .then(crate::staff::ssr::second_factor::new_secret);
    let hash = password::hash_blocking(super::DEMO_STAFF_PASSWORD.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    let saved = staff_account::ActiveModel {
        login_id: Set(login_id.clone()),
        name: Set(name.clone()),
        role: Set(role),
        password_hash: Set(hash),
        active: Set(true),
        failed_login_count: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        email: Set(Some(email.clone())),
        totp_secret: Set(None),
        totp_enrolled_at: Set(secret.as_ref().map(|_| now)),
        totp_last_step: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Sealed for its row, so written once the row has its id.
    if let Some(secret) = &secret {
        use crate::staff::ssr::second_factor::seal;
        staff_account::ActiveModel {
            id: Set(saved.id),
            totp_secret: Set(Some(seal(keys, saved.id, secret)?)),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Staff {
        staff_id: saved.id,
        login_id,
        name,
        email,
        password: super::DEMO_STAFF_PASSWORD.to_owned(),
        totp_secret: secret,
    })
}

/// Confirms a browser for the member with `user_id` (a showcase member, say),
/// as a code login would: the answer is the token for its `mypage_device`
/// cookie. `None` when there is no such member.
pub async fn known_browser(
    db: &DatabaseConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let Some(account) = crate::auth::ssr::find_account(db, user_id).await? else {
        return Ok(None);
    };
    let token = new_token();
    device::remember(db, account.id, &token, "test fixture", now).await?;
    Ok(Some(token))
}

/// A name part from the serial, in kanji numerals, so names stay JIS X 0208
/// text and differ between test members: 12 → 一二.
fn kanji_serial(serial: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    serial
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn serials_read_as_kanji() {
        assert_eq!(super::kanji_serial(0), "〇");
        assert_eq!(super::kanji_serial(1203), "一二〇三");
    }
}
