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

/// The password of the demo staff accounts `admin` and `operator`.
pub const DEMO_STAFF_PASSWORD: &str = "kyosai-staff-2026";

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
    DemoMember {
        number: "090123456",
        name: "渡辺翔",
        kana: "ワタナベショウ",
        birth: (1990, 2, 14),
        postal: "3300063",
        prefecture: "埼玉県",
        address1: "さいたま市浦和区高砂",
        address2: "3丁目15番1号",
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
        address1: "さいたま市浦和区高砂",
        address2: "4丁目2番3号 みらいハイツ201",
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
        address1: "さいたま市浦和区高砂",
        address2: "1丁目1番1号",
        phone: "048-000-3003",
        workplace: None,
        user_id: "nakamura.aoi",
        email: "aoi@example.jp",
        last_login: None,
    },
];

pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    load_members(db, now).await?;
    load_contracts(db, now).await?;
    load_staff(db, now).await?;
    load_procedures(db, now).await
}

async fn load_members(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
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
    let txn = db.begin().await?;
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
    tracing::info!(members = missing.len(), "demo members loaded");
    Ok(())
}

/// コース in the style of a prefectural 県民共済: (code, name, 掛金, summary).
const COURSES: &[(&str, &str, i32, &str)] = &[
    ("sogo2", "総合保障型2型", 2000, "入院(事故・病気)1日 4,500円、通院(事故)1日 1,000円、死亡(事故)800万円、死亡(病気)400万円"),
    ("sogo4", "総合保障型4型", 4000, "入院(事故・病気)1日 9,000円、通院(事故)1日 2,000円、死亡(事故)1,600万円、死亡(病気)800万円"),
    ("nyuin2", "入院保障型2型", 2000, "入院(事故)1日 10,000円、入院(病気)1日 9,000円、手術 2.5万〜10万円"),
    ("jukunen2", "熟年型2型", 2000, "入院(事故)1日 2,500円、入院(病気)1日 2,000円、死亡(事故)500万円"),
    ("kodomo1", "こども型1型", 1000, "入院(事故・病気)1日 5,000円、通院(事故)1日 1,500円、扶養者死亡 100万〜500万円"),
];

/// 特約: (code, name, 掛金, summary).
const RIDERS: &[(&str, &str, i32, &str)] = &[
    (
        "senshin",
        "先進医療特約",
        200,
        "先進医療の技術料 1〜1,000万円(通算)",
    ),
    (
        "gan",
        "がん特約",
        1000,
        "がん診断一時金 50万円、がん入院1日 5,000円",
    ),
    (
        "josei",
        "女性疾病特約",
        600,
        "女性特有の病気による入院1日 3,000円",
    ),
    (
        "sandai",
        "三大疾病特約",
        800,
        "三大疾病(がん・心疾患・脳血管疾患)一時金 50万円",
    ),
];

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

/// The catalogue and the demo contracts, once.
async fn load_contracts(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entities::{contract, contract_course, contract_rider, course, rider};
    use std::collections::HashMap;

    if course::Entity::find()
        .filter(course::Column::Code.eq("sogo2"))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let next_month = crate::domain::coverage::first_of_next_month(crate::domain::jst::today(now));
    let date = |d: Option<(i32, u32, u32)>| match d {
        Some((y, m, day)) => NaiveDate::from_ymd_opt(y, m, day).ok_or(AppError::Internal),
        None => Ok(next_month),
    };
    let txn = db.begin().await?;
    let mut courses = HashMap::new();
    for (i, (code, name, premium, summary)) in COURSES.iter().enumerate() {
        let saved = course::ActiveModel {
            code: Set((*code).into()),
            name: Set((*name).into()),
            monthly_premium: Set(*premium),
            summary: Set((*summary).into()),
            sort_order: Set(i as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        courses.insert(*code, saved.id);
    }
    let mut riders = HashMap::new();
    for (i, (code, name, premium, summary)) in RIDERS.iter().enumerate() {
        let saved = rider::ActiveModel {
            code: Set((*code).into()),
            name: Set((*name).into()),
            monthly_premium: Set(*premium),
            summary: Set((*summary).into()),
            sort_order: Set(i as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        riders.insert(*code, saved.id);
    }
    for (number, contract_number, course_code, since, contract_riders) in CONTRACTS {
        let Some(member) = member::Entity::find()
            .filter(member::Column::MemberNumber.eq(*number))
            .one(&txn)
            .await?
        else {
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
        let course_id = *courses.get(course_code).ok_or(AppError::Internal)?;
        let since = date(Some(*since))?;
        // 共済花子 has a course change decided: 総合保障型4型 from next month.
        let change = (*number == "012345679")
            .then_some(courses.get("sogo4"))
            .flatten();
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
                course_id: Set(*new_course),
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
                rider_id: Set(*riders.get(rider_code).ok_or(AppError::Internal)?),
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

/// Demo staff: `admin` (管理者) and `operator` (担当者), once.
async fn load_staff(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entities::staff_account;
    use crate::domain::staff::StaffRole;

    if staff_account::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let hash = password::hash_blocking(DEMO_STAFF_PASSWORD.to_owned()).await?;
    let txn = db.begin().await?;
    for (login_id, name, role) in [
        ("admin", "山本直子", StaffRole::Admin),
        ("operator", "佐藤健一", StaffRole::Operator),
    ] {
        staff_account::ActiveModel {
            login_id: Set(login_id.into()),
            name: Set(name.into()),
            role: Set(role),
            password_hash: Set(hash.clone()),
            active: Set(true),
            failed_login_count: Set(0),
            locked_until: Set(None),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The procedures behind the demo's decided changes, so 手続き照会 explains
/// what ご契約内容 does not show yet: 共済太郎's がん特約 and 共済花子's course
/// change, approved from next month, and a document request staff took by
/// phone for 小林結衣, already shipped. Once.
async fn load_procedures(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entities::{contract, course, procedure, procedure_event, rider, staff_account};
    use crate::domain::coverage::first_of_next_month;
    use crate::domain::procedure::{Actor, Kind, Status};
    use chrono::Duration;

    if procedure::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let staff = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let next_month = first_of_next_month(crate::domain::jst::today(now));
    let days_ago = |d: i64| now - Duration::days(d);
    let contract_of = |number: &'static str| {
        contract::Entity::find().filter(contract::Column::ContractNumber.eq(number))
    };
    let (Some(taro), Some(hanako), Some(yui)) = (
        contract_of("K-2019-000101").one(db).await?,
        contract_of("K-2021-000231").one(db).await?,
        contract_of("K-2025-001002").one(db).await?,
    ) else {
        return Ok(());
    };
    let gan = rider::Entity::find()
        .filter(rider::Column::Code.eq("gan"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let sogo4 = course::Entity::find()
        .filter(course::Column::Code.eq("sogo4"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;

    struct Demo {
        contract: Option<i32>,
        member: i32,
        kind: Kind,
        course: Option<i32>,
        rider: Option<i32>,
        documents: Option<&'static str>,
        summary: &'static str,
        by_staff: bool,
        /// (status, days ago, by staff)
        steps: &'static [(Status, i64, bool)],
        starts_on: Option<NaiveDate>,
    }
    const DECIDED: &[(Status, i64, bool)] = &[
        (Status::Received, 12, false),
        (Status::UnderReview, 10, true),
        (Status::Approved, 9, true),
    ];
    let demos = [
        Demo {
            contract: None,
            member: yui.member_id,
            kind: Kind::DocumentRequest,
            course: None,
            rider: None,
            documents: Some("pamphlet"),
            summary: "コース・特約のパンフレット",
            by_staff: true,
            steps: &[(Status::Received, 30, true), (Status::Shipped, 29, true)],
            starts_on: None,
        },
        Demo {
            contract: Some(taro.id),
            member: taro.member_id,
            kind: Kind::RiderAddition,
            course: None,
            rider: Some(gan.id),
            documents: None,
            summary: "がん特約(月額掛金 1,000円)",
            by_staff: false,
            steps: DECIDED,
            starts_on: Some(next_month),
        },
        Demo {
            contract: Some(hanako.id),
            member: hanako.member_id,
            kind: Kind::CourseChange,
            course: Some(sogo4.id),
            rider: None,
            documents: None,
            summary: "入院保障型2型 → 総合保障型4型(月額掛金 +2,000円)",
            by_staff: false,
            steps: DECIDED,
            starts_on: Some(next_month),
        },
    ];
    let txn = db.begin().await?;
    for d in demos {
        let (last, last_days, _) = d.steps[d.steps.len() - 1];
        let saved = procedure::ActiveModel {
            member_id: Set(d.member),
            contract_id: Set(d.contract),
            kind: Set(d.kind),
            status: Set(last),
            filed_by: Set(if d.by_staff {
                Actor::Staff
            } else {
                Actor::Member
            }),
            filed_by_staff_id: Set(d.by_staff.then_some(staff.id)),
            course_id: Set(d.course),
            rider_id: Set(d.rider),
            documents: Set(d.documents.map(Into::into)),
            summary: Set(d.summary.into()),
            coverage_starts_on: Set(d.starts_on),
            created_at: Set(days_ago(d.steps[0].1)),
            updated_at: Set(days_ago(last_days)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (status, days, by_staff) in d.steps {
            procedure_event::ActiveModel {
                procedure_id: Set(saved.id),
                status: Set(*status),
                actor: Set(if *by_staff {
                    Actor::Staff
                } else {
                    Actor::Member
                }),
                staff_id: Set(by_staff.then_some(staff.id)),
                comment: Set(None),
                occurred_at: Set(days_ago(*days)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
