//! Demo members for development and the end-to-end tests. Loaded once; running
//! again changes nothing. Every demo account has the password [`DEMO_PASSWORD`].

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::entities::{member, member_account};
use crate::auth::ssr::password;
use crate::error::AppError;

pub const DEMO_PASSWORD: &str = "kyosai-demo-2026";

struct DemoMember {
    number: &'static str,
    name: &'static str,
    kana: &'static str,
    birth: (i32, u32, u32),
    postal: &'static str,
    prefecture: &'static str,
    address1: &'static str,
    address2: &'static str,
    phone: &'static str,
    workplace: Option<&'static str>,
    user_id: &'static str,
    email: &'static str,
    /// The seed's "前回ログイン日時:2018/8/14 9:45", in UTC.
    last_login: Option<(i32, u32, u32, u32, u32)>,
}

const MEMBERS: &[DemoMember] = &[
    DemoMember {
        number: "012345678",
        name: "共済太郎",
        kana: "キョウサイタロウ",
        birth: (1975, 4, 1),
        postal: "3300064",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区岸町",
        address2: "7丁目5番14号",
        phone: "048-000-1234",
        workplace: Some("さいたま市立みらい小学校"),
        user_id: "kyosai.taro",
        email: "taro@example.jp",
        last_login: Some((2018, 8, 14, 0, 45)),
    },
    DemoMember {
        number: "012345679",
        name: "共済花子",
        kana: "キョウサイハナコ",
        birth: (1978, 11, 3),
        postal: "3300064",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区岸町",
        address2: "7丁目5番14号",
        phone: "048-000-1235",
        workplace: None,
        user_id: "kyosai.hanako",
        email: "hanako@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "023456789",
        name: "生協一郎",
        kana: "セイキョウイチロウ",
        birth: (1960, 1, 15),
        postal: "3710026",
        prefecture: "群馬県",
        address1: "前橋市大手町",
        address2: "1丁目1番1号 みらいハイツ203",
        phone: "027-000-5678",
        workplace: Some("前橋市立みらい中学校"),
        user_id: "seikyo.ichiro",
        email: "ichiro@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "034567890",
        name: "山田次郎",
        kana: "ヤマダジロウ",
        birth: (1990, 6, 30),
        postal: "1000001",
        prefecture: "東京都",
        address1: "千代田区千代田",
        address2: "1番1号",
        phone: "090-0000-0000",
        workplace: None,
        user_id: "yamada.jiro",
        email: "jiro@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "045678901",
        name: "鈴木一子",
        kana: "スズキカズコ",
        birth: (1982, 2, 14),
        postal: "3300064",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区岸町",
        address2: "3丁目2番1号",
        phone: "048-000-2001",
        workplace: None,
        user_id: "suzuki.kazuko",
        email: "kazuko@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "056789012",
        name: "佐藤花江",
        kana: "サトウハナエ",
        birth: (1970, 9, 9),
        postal: "3710026",
        prefecture: "群馬県",
        address1: "前橋市大手町",
        address2: "2丁目3番4号",
        phone: "027-000-2002",
        workplace: Some("前橋市立みらい小学校"),
        user_id: "sato.hanae",
        email: "hanae@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "067890123",
        name: "高橋健",
        kana: "タカハシケン",
        birth: (1988, 12, 1),
        postal: "1000001",
        prefecture: "東京都",
        address1: "千代田区千代田",
        address2: "2番2号",
        phone: "090-0000-2003",
        workplace: None,
        user_id: "takahashi.ken",
        email: "ken@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "078901234",
        name: "田中美咲",
        kana: "タナカミサキ",
        birth: (1995, 3, 21),
        postal: "3300064",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区岸町",
        address2: "4丁目5番6号",
        phone: "080-0000-2004",
        workplace: None,
        user_id: "tanaka.misaki",
        email: "misaki@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "089012345",
        name: "伊藤誠",
        kana: "イトウマコト",
        birth: (1965, 7, 7),
        postal: "3710026",
        prefecture: "群馬県",
        address1: "前橋市大手町",
        address2: "3丁目1番1号",
        phone: "027-000-2005",
        workplace: Some("前橋市立みらい高等学校"),
        user_id: "ito.makoto",
        email: "makoto@example.jp",
        last_login: None,
    },
];

/// Demo login IDs, for the README and the tests.
pub fn user_ids() -> impl Iterator<Item = &'static str> {
    MEMBERS.iter().map(|m| m.user_id)
}

pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let exists = member::Entity::find()
        .filter(member::Column::MemberNumber.eq(MEMBERS[0].number))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let txn = db.begin().await?;
    for m in MEMBERS {
        let (y, mo, d) = m.birth;
        let saved = member::ActiveModel {
            member_number: Set(m.number.into()),
            name: Set(m.name.into()),
            name_kana: Set(m.kana.into()),
            birth_date: Set(NaiveDate::from_ymd_opt(y, mo, d).ok_or(AppError::Internal)?),
            postal_code: Set(m.postal.into()),
            prefecture: Set(m.prefecture.into()),
            address1: Set(m.address1.into()),
            address2: Set(m.address2.into()),
            phone: Set(m.phone.into()),
            workplace: Set(m.workplace.map(Into::into)),
            status: Set(member::MemberStatus::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let last_login = m
            .last_login
            .and_then(|(y, mo, d, h, mi)| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single());
        member_account::ActiveModel {
            member_id: Set(saved.id),
            user_id: Set(m.user_id.into()),
            email: Set(m.email.into()),
            password_hash: Set(hash.clone()),
            failed_login_count: Set(0),
            locked_until: Set(None),
            last_login_at: Set(last_login),
            previous_login_at: Set(None),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    tracing::info!(members = MEMBERS.len(), "demo data loaded");
    Ok(())
}
