//! Online procedures (M7) and the one rule for how their status may move:
//! 受付 → 審査中 → 承諾 / 不承諾 for changes that are reviewed, 受付 → 発送済
//! for documents and certificates; 取消 by the member while still 受付, or by
//! staff (with the reason) while 受付 or 審査中.
//! Every status change, by members or staff, goes through [`transition`].
//! Changes of the login details take effect at once and are kept as
//! procedures that are 完了 from the start, so 手続き照会 lists them too.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::{sea_query::StringLen, DeriveActiveEnum, EnumIter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum Kind {
    /// 特約追加
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rider_addition"))]
    RiderAddition,
    /// コース変更
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "course_change"))]
    CourseChange,
    /// 書類のお取り寄せ
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "document_request"))]
    DocumentRequest,
    /// 掛金払込証明書の再発行 (paper)
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "certificate_reissue"))]
    CertificateReissue,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "password_change"))]
    PasswordChange,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "user_id_change"))]
    UserIdChange,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "email_change"))]
    EmailChange,
    /// 仮パスワード発行, by the co-op.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "temporary_password"))]
    TemporaryPassword,
    /// 住所変更, done by the member at once (M5).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "address_change"))]
    AddressChange,
    /// 電話番号変更, done by the member at once (M5).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "phone_change"))]
    PhoneChange,
    /// 改姓 (氏名・フリガナの変更): filed by the member, applied by staff
    /// after checking (seed 001: about three business days).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "name_change"))]
    NameChange,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Self::RiderAddition => "特約追加",
            Self::CourseChange => "コース変更",
            Self::DocumentRequest => "書類のお取り寄せ",
            Self::CertificateReissue => "掛金払込証明書の再発行",
            Self::PasswordChange => "パスワード変更",
            Self::UserIdChange => "ユーザーID変更",
            Self::EmailChange => "メールアドレス変更",
            Self::TemporaryPassword => "仮パスワード発行",
            Self::AddressChange => "住所変更",
            Self::PhoneChange => "電話番号変更",
            Self::NameChange => "改姓(氏名の変更)",
        }
    }

    /// The kinds staff work on, in the order the queue filter lists them.
    pub const QUEUED: [Kind; 5] = [
        Self::RiderAddition,
        Self::CourseChange,
        Self::NameChange,
        Self::DocumentRequest,
        Self::CertificateReissue,
    ];

    /// The code used in URLs and forms (`rider_addition`).
    pub fn code(self) -> &'static str {
        match self {
            Self::RiderAddition => "rider_addition",
            Self::CourseChange => "course_change",
            Self::DocumentRequest => "document_request",
            Self::CertificateReissue => "certificate_reissue",
            Self::PasswordChange => "password_change",
            Self::UserIdChange => "user_id_change",
            Self::EmailChange => "email_change",
            Self::TemporaryPassword => "temporary_password",
            Self::AddressChange => "address_change",
            Self::PhoneChange => "phone_change",
            Self::NameChange => "name_change",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::QUEUED
            .into_iter()
            .chain([
                Self::PasswordChange,
                Self::UserIdChange,
                Self::EmailChange,
                Self::TemporaryPassword,
                Self::AddressChange,
                Self::PhoneChange,
            ])
            .find(|k| k.code() == code)
    }

    /// Reviewed and decided, rather than sent out.
    pub fn is_reviewed(self) -> bool {
        matches!(
            self,
            Self::RiderAddition | Self::CourseChange | Self::NameChange
        )
    }

    /// Decided against the member's contract (a course or a rider).
    pub fn is_coverage(self) -> bool {
        matches!(self, Self::RiderAddition | Self::CourseChange)
    }

    /// Done the moment it is asked for: nobody moves it afterwards.
    pub fn is_instant(self) -> bool {
        matches!(
            self,
            Self::PasswordChange
                | Self::UserIdChange
                | Self::EmailChange
                | Self::TemporaryPassword
                | Self::AddressChange
                | Self::PhoneChange
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Status {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "received"))]
    Received,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "under_review"))]
    UnderReview,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "approved"))]
    Approved,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "declined"))]
    Declined,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "shipped"))]
    Shipped,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
    /// A change of login details, done the moment it was asked for.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "completed"))]
    Completed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "受付",
            Self::UnderReview => "審査中",
            Self::Approved => "承諾",
            Self::Declined => "不承諾",
            Self::Shipped => "発送済",
            Self::Cancelled => "取消",
            Self::Completed => "完了",
        }
    }

    /// Statuses in the queue filter, in the order a procedure moves.
    pub const ALL: [Status; 7] = [
        Self::Received,
        Self::UnderReview,
        Self::Approved,
        Self::Declined,
        Self::Shipped,
        Self::Cancelled,
        Self::Completed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::UnderReview => "under_review",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Shipped => "shipped",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still waiting for the co-op.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Received | Self::UnderReview)
    }

    /// Nothing follows these.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::Declined | Self::Shipped | Self::Cancelled | Self::Completed
        )
    }
}

/// Who filed a procedure or moved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum Actor {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "staff"))]
    Staff,
}

impl Actor {
    /// As 手続き照会 shows it to the member.
    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "ご本人",
            Self::Staff => "当組合(職員)",
        }
    }
}

/// The next statuses `actor` may move a `kind` procedure in `from` to.
pub fn next_statuses(kind: Kind, from: Status, actor: Actor) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|to| transition(kind, from, *to, actor).is_ok())
        .collect()
}

/// Documents a member can ask for by post (書類のお取り寄せ): (code, name).
pub const DOCUMENTS: [(&str, &str); 5] = [
    ("claim_hospital", "共済金請求書類(入院・通院・手術)"),
    ("claim_death", "共済金請求書類(死亡・重度障害)"),
    ("address_change", "住所・氏名変更届"),
    (
        "bank_transfer",
        "口座振替依頼書(掛金の引き落とし口座の変更)",
    ),
    ("pamphlet", "コース・特約のパンフレット"),
];

/// Most documents one request may ask for: all of them.
pub const MAX_DOCUMENTS: usize = DOCUMENTS.len();

pub fn document_name(code: &str) -> Option<&'static str> {
    DOCUMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Business days staff take to check and apply a name change (seed 001:
/// "約3営業日").
pub const NAME_CHANGE_BUSINESS_DAYS: u32 = 3;

/// Longest comment staff may add to a status change.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The receipt number (受付番号) a member quotes on the phone: the JST date
/// filed and the procedure's id, e.g. `20261123-000042`.
pub fn receipt_number(filed_on: chrono::NaiveDate, id: i32) -> String {
    format!("{}-{id:06}", filed_on.format("%Y%m%d"))
}

/// A receipt number as staff type what they are read on the phone: the date
/// part (when given) and the id. Full-width digits and the dashes a Japanese
/// keyboard gives are taken; leading zeros are optional; anything else is
/// not a receipt number.
pub fn parse_receipt(text: &str) -> Option<(Option<chrono::NaiveDate>, i32)> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | 'ー' | '−' | '‐' | '―' | '–' => '-',
            other => other,
        })
        .collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let (date, id) = match text.split_once('-') {
        Some((date, id)) if date.len() == 8 && digits(date) => (
            Some(chrono::NaiveDate::parse_from_str(date, "%Y%m%d").ok()?),
            id,
        ),
        Some(_) => return None,
        None => (None, text.as_str()),
    };
    if !digits(id) || id.len() > 9 {
        return None;
    }
    let id: i32 = id.parse().ok()?;
    (id > 0).then_some((date, id))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("このお手続きは、すでに「{0}」のため変更できません。")]
    Final(&'static str),
    #[error("取り消しできるのは、状況が「受付」のお手続きだけです。")]
    TooLateToCancel,
    #[error("この操作は行えません。")]
    NotAllowed,
}

/// Whether `actor` may move a `kind` procedure from `from` to `to`.
pub fn transition(
    kind: Kind,
    from: Status,
    to: Status,
    actor: Actor,
) -> Result<(), TransitionError> {
    use Status::*;
    if from.is_final() {
        return Err(TransitionError::Final(from.label()));
    }
    if kind.is_instant() {
        return Err(TransitionError::NotAllowed);
    }
    match (actor, from, to) {
        (Actor::Member, Received, Cancelled) => Ok(()),
        (Actor::Member, _, Cancelled) => Err(TransitionError::TooLateToCancel),
        (Actor::Member, _, _) => Err(TransitionError::NotAllowed),
        (Actor::Staff, Received, UnderReview) if kind.is_reviewed() => Ok(()),
        (Actor::Staff, UnderReview, Approved | Declined) if kind.is_reviewed() => Ok(()),
        (Actor::Staff, Received, Shipped) if !kind.is_reviewed() => Ok(()),
        // The member asked by phone, or it was filed twice or wrongly: staff
        // cancel it with the reason (required, shown to the member).
        (Actor::Staff, Received | UnderReview, Cancelled) => Ok(()),
        _ => Err(TransitionError::NotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const ALL: [Status; 7] = Status::ALL;
    const KINDS: [Kind; 11] = [
        Kind::RiderAddition,
        Kind::CourseChange,
        Kind::DocumentRequest,
        Kind::CertificateReissue,
        Kind::PasswordChange,
        Kind::UserIdChange,
        Kind::EmailChange,
        Kind::TemporaryPassword,
        Kind::AddressChange,
        Kind::PhoneChange,
        Kind::NameChange,
    ];

    /// Every move the rule allows, spelled out; everything else must be refused.
    fn allowed(kind: Kind, from: Status, to: Status, actor: Actor) -> bool {
        if kind.is_instant() {
            return false;
        }
        let reviewed = kind.is_reviewed();
        matches!(
            (actor, from, to, reviewed),
            (Actor::Member, Received, Cancelled, _)
                | (Actor::Staff, Received, UnderReview, true)
                | (Actor::Staff, UnderReview, Approved, true)
                | (Actor::Staff, UnderReview, Declined, true)
                | (Actor::Staff, Received, Shipped, false)
                | (Actor::Staff, Received | UnderReview, Cancelled, _)
        )
    }

    #[test]
    fn exactly_the_documented_moves_are_allowed() {
        for kind in KINDS {
            for from in ALL {
                for to in ALL {
                    for actor in [Actor::Member, Actor::Staff] {
                        assert_eq!(
                            transition(kind, from, to, actor).is_ok(),
                            allowed(kind, from, to, actor),
                            "{kind:?} {from:?} -> {to:?} by {actor:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for kind in KINDS {
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
        }
        for status in ALL {
            assert_eq!(Status::from_code(status.code()), Some(status));
        }
        assert_eq!(Kind::from_code("nonsense"), None);
    }

    #[test]
    fn staff_see_only_the_next_allowed_steps() {
        // The forward step first (the form's default), 取消 last.
        assert_eq!(
            next_statuses(Kind::CourseChange, Received, Actor::Staff),
            [UnderReview, Cancelled]
        );
        assert_eq!(
            next_statuses(Kind::RiderAddition, UnderReview, Actor::Staff),
            [Approved, Declined, Cancelled]
        );
        assert_eq!(
            next_statuses(Kind::DocumentRequest, Received, Actor::Staff),
            [Shipped, Cancelled]
        );
        assert!(next_statuses(Kind::DocumentRequest, Shipped, Actor::Staff).is_empty());
        assert!(next_statuses(Kind::PasswordChange, Completed, Actor::Staff).is_empty());
    }

    #[test]
    fn receipt_numbers_carry_the_date_and_the_id() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(receipt_number(day, 42), "20261123-000042");
        assert_eq!(parse_receipt("20261123-000042"), Some((Some(day), 42)));
        assert_eq!(parse_receipt(" 42 "), Some((None, 42)));
        assert_eq!(parse_receipt("20261123-42"), Some((Some(day), 42)));
        // As a Japanese keyboard types it.
        assert_eq!(
            parse_receipt("２０２６１１２３－００００４２"),
            Some((Some(day), 42))
        );
        assert_eq!(parse_receipt("20261123ー000042"), Some((Some(day), 42)));
        for wrong in [
            "20261123-abc",
            "0",
            "",
            "+42",
            "-42",
            "foo-42",
            "2026112-42",
            "20261332-42",
            "20261123-42-1",
            "9999999999",
            "たろう",
        ] {
            assert_eq!(parse_receipt(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            transition(Kind::CourseChange, UnderReview, Cancelled, Actor::Member),
            Err(TransitionError::TooLateToCancel)
        );
        let e = transition(Kind::DocumentRequest, Shipped, Cancelled, Actor::Member).unwrap_err();
        assert_eq!(
            e.to_string(),
            "このお手続きは、すでに「発送済」のため変更できません。"
        );
        assert_eq!(
            transition(Kind::RiderAddition, Received, Approved, Actor::Staff),
            Err(TransitionError::NotAllowed),
            "a change is reviewed before it is decided"
        );
    }
}
