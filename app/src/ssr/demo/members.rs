//! The demo members and their contracts.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::{catalogue, DEMO_PASSWORD};
use crate::error::AppError;
use crate::ssr::entities::{member, member_account};
use crate::ssr::identity::password;

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
        address1: "さいたま市浦和区岸町7丁目5番14号",
        address2: "",
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
        address1: "さいたま市浦和区岸町7丁目5番14号",
        address2: "",
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
        address1: "前橋市大手町1丁目1番1号",
        address2: "みらいハイツ203",
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
        address1: "千代田区千代田1番1号",
        address2: "",
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
        address1: "さいたま市浦和区岸町3丁目2番1号",
        address2: "",
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
        address1: "前橋市大手町2丁目3番4号",
        address2: "",
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
        address1: "千代田区千代田2番2号",
        address2: "",
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
        address1: "さいたま市浦和区岸町4丁目5番6号",
        address2: "",
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
        address1: "前橋市大手町3丁目1番1号",
        address2: "",
        phone: "027-000-2005",
        workplace: Some("前橋市立みらい高等学校"),
        user_id: "ito.makoto",
        email: "makoto@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "090123456",
        name: "渡辺翔",
        kana: "ワタナベショウ",
        birth: (1990, 2, 14),
        postal: "3300063",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区高砂3丁目15番1号",
        address2: "",
        phone: "048-000-3001",
        workplace: None,
        user_id: "watanabe.sho",
        email: "sho@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "091234567",
        name: "小林結衣",
        kana: "コバヤシユイ",
        birth: (1994, 8, 30),
        postal: "3300063",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区高砂4丁目2番3号",
        address2: "みらいハイツ201",
        phone: "048-000-3002",
        workplace: None,
        user_id: "kobayashi.yui",
        email: "yui@example.jp",
        last_login: None,
    },
    DemoMember {
        number: "092345678",
        name: "中村葵",
        kana: "ナカムラアオイ",
        birth: (1988, 5, 5),
        postal: "3300063",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区高砂1丁目1番1号",
        address2: "",
        phone: "048-000-3003",
        workplace: None,
        user_id: "nakamura.aoi",
        email: "aoi@example.jp",
        last_login: None,
    },
];

/// The demo members not there yet, by member number.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let known: Vec<String> = member::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.member_number)
        .collect();
    let missing: Vec<&DemoMember> = MEMBERS
        .iter()
        .filter(|m| !known.iter().any(|k| k == m.number))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    for m in &missing {
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
            // Members since the school year 2024 (出資金 1,000 yen).
            capital_paid_on: Set(NaiveDate::from_ymd_opt(2024, 4, 1)),
            capital_amount: Set(Some(1_000)),
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
            last_login_at: Set(last_login),
            ..member_account::ActiveModel::new_account(
                saved.id,
                m.user_id.into(),
                m.email.into(),
                hash.clone(),
                now,
            )
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    tracing::info!(members = missing.len(), "demo members loaded");
    Ok(())
}

/// Contracts of the demo members: (member number, contract number, course,
/// since, riders with since). `None` as a date means the first of next month,
/// to show a change decided but not yet in force.
type DemoContract = (
    &'static str,
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static [(&'static str, Option<(i32, u32, u32)>)],
);
const CONTRACTS: &[DemoContract] = &[
    (
        "012345678",
        "K-2019-000101",
        "sogo2",
        (2019, 4, 1),
        &[("senshin", Some((2020, 4, 1))), ("gan", None)],
    ),
    (
        "012345679",
        "K-2021-000231",
        "nyuin2",
        (2021, 6, 1),
        &[("josei", Some((2021, 6, 1)))],
    ),
    ("023456789", "K-2020-000318", "jukunen2", (2020, 10, 1), &[]),
    ("034567890", "K-2022-000412", "sogo2", (2022, 5, 1), &[]),
    (
        "045678901",
        "K-2018-000055",
        "sogo4",
        (2018, 7, 1),
        &[("senshin", Some((2019, 7, 1)))],
    ),
    (
        "056789012",
        "K-2017-000020",
        "nyuin2",
        (2017, 9, 1),
        &[("josei", Some((2017, 9, 1)))],
    ),
    ("067890123", "K-2023-000777", "sogo2", (2023, 2, 1), &[]),
    (
        "078901234",
        "K-2024-000901",
        "sogo2",
        (2024, 4, 1),
        &[("josei", Some((2024, 4, 1)))],
    ),
    (
        "089012345",
        "K-2016-000012",
        "jukunen2",
        (2016, 12, 1),
        &[("sandai", Some((2017, 12, 1)))],
    ),
    ("090123456", "K-2025-001001", "sogo2", (2025, 4, 1), &[]),
    (
        "091234567",
        "K-2025-001002",
        "nyuin2",
        (2025, 9, 1),
        &[("senshin", Some((2025, 9, 1)))],
    ),
    ("092345678", "K-2025-001003", "sogo2", (2025, 10, 1), &[]),
];

/// The demo contracts not there yet, by contract number.
pub async fn load_contracts(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::ssr::entities::{contract, contract_course, contract_rider};

    let next_month = crate::domain::coverage::first_of_next_month(crate::domain::jst::today(now));
    let date = |d: Option<(i32, u32, u32)>| match d {
        Some((y, m, day)) => NaiveDate::from_ymd_opt(y, m, day).ok_or(AppError::Internal),
        None => Ok(next_month),
    };
    let txn = crate::ssr::db::begin_write(db).await?;
    for (number, contract_number, course_code, since, contract_riders) in CONTRACTS {
        let known = contract::Entity::find()
            .filter(contract::Column::ContractNumber.eq(*contract_number))
            .one(&txn)
            .await?;
        let member = member::Entity::find()
            .filter(member::Column::MemberNumber.eq(*number))
            .one(&txn)
            .await?;
        let (None, Some(member)) = (known, member) else {
            continue;
        };
        let saved = contract::ActiveModel {
            member_id: Set(member.id),
            contract_number: Set((*contract_number).into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let course_id = catalogue::course_id(&txn, course_code).await?;
        let since = date(Some(*since))?;
        // 共済花子 has a course change decided: 総合保障型4型 from next month.
        let change = if *number == "012345679" {
            Some(catalogue::course_id(&txn, "sogo4").await?)
        } else {
            None
        };
        contract_course::ActiveModel {
            contract_id: Set(saved.id),
            course_id: Set(course_id),
            starts_on: Set(since),
            ends_on: Set(change.map(|_| next_month)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        if let Some(new_course) = change {
            contract_course::ActiveModel {
                contract_id: Set(saved.id),
                course_id: Set(new_course),
                starts_on: Set(next_month),
                ends_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        for (rider_code, rider_since) in contract_riders.iter() {
            contract_rider::ActiveModel {
                contract_id: Set(saved.id),
                rider_id: Set(catalogue::rider_id(&txn, rider_code).await?),
                starts_on: Set(date(*rider_since)?),
                ends_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Statements, payments and 割戻金 of the demo members with contracts,
/// through the real imports (once: a member with statements is left as is).
pub async fn load_money(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    for (number, ..) in CONTRACTS {
        let found = member::Entity::find()
            .filter(member::Column::MemberNumber.eq(*number))
            .one(db)
            .await?;
        if let Some(m) = found {
            crate::money::ssr::history::load(db, m.id, now).await?;
        }
    }
    Ok(())
}
