//! お知らせ and maintenance windows (M17, S5): who sees a notice and when,
//! in what order, and whether the service is in a maintenance window. "Now"
//! is always passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::{sea_query::StringLen, DeriveActiveEnum, EnumIter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Importance {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "normal"))]
    Normal,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "important"))]
    Important,
}

impl Importance {
    pub fn label(self) -> &'static str {
        match self {
            Self::Normal => "通常",
            Self::Important => "重要",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Important => "important",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Normal, Self::Important]
            .into_iter()
            .find(|i| i.code() == code)
    }
}

/// Who a notice is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    AllMembers,
    /// Members with a contract on this course (by course code) today.
    Course(String),
    /// Members who have not withdrawn.
    Active,
    /// Members in the months of My Page left after a withdrawal.
    Withdrawn,
}

/// What decides whether a member is in an audience.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFacts {
    /// Course codes of the member's contracts in force today.
    pub courses: Vec<String>,
    pub withdrawn: bool,
}

impl Audience {
    /// The stored code and, for a course, its course code.
    pub fn code(&self) -> (&'static str, Option<&str>) {
        match self {
            Self::AllMembers => ("all", None),
            Self::Course(code) => ("course", Some(code)),
            Self::Active => ("active", None),
            Self::Withdrawn => ("withdrawn", None),
        }
    }

    pub fn from_code(code: &str, course: Option<&str>) -> Option<Self> {
        match (code, course.map(str::trim).filter(|c| !c.is_empty())) {
            ("all", _) => Some(Self::AllMembers),
            ("course", Some(c)) => Some(Self::Course(c.to_owned())),
            ("active", _) => Some(Self::Active),
            ("withdrawn", _) => Some(Self::Withdrawn),
            _ => None,
        }
    }

    /// As staff read it.
    pub fn label(&self, course_name: Option<&str>) -> String {
        match self {
            Self::AllMembers => "全組合員".to_owned(),
            Self::Course(code) => format!("{}のご契約者", course_name.unwrap_or(code)),
            Self::Active => "加入中の組合員".to_owned(),
            Self::Withdrawn => "脱退された組合員".to_owned(),
        }
    }

    pub fn includes(&self, member: &MemberFacts) -> bool {
        match self {
            Self::AllMembers => true,
            Self::Course(code) => member.courses.iter().any(|c| c == code),
            Self::Active => !member.withdrawn,
            Self::Withdrawn => member.withdrawn,
        }
    }
}

/// Longest notice title and text, in characters.
pub const TITLE_MAX_CHARS: usize = 100;
pub const BODY_MAX_CHARS: usize = 4_000;

/// A notice's title: one line, 1 to [`TITLE_MAX_CHARS`] characters.
pub fn parse_title(text: &str) -> Result<String, &'static str> {
    let t = text.trim().replace(['\r', '\n', '\t'], " ");
    if t.is_empty() {
        return Err("件名を入力してください。");
    }
    if t.chars().count() > TITLE_MAX_CHARS {
        return Err("件名は100文字以内で入力してください。");
    }
    Ok(t)
}

/// A notice's text: plain text with line breaks, 1 to [`BODY_MAX_CHARS`].
pub fn parse_body(text: &str) -> Result<String, &'static str> {
    let t = text.replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim();
    if t.is_empty() {
        return Err("本文を入力してください。");
    }
    if t.chars().count() > BODY_MAX_CHARS {
        return Err("本文は4,000文字以内で入力してください。");
    }
    Ok(t.to_owned())
}

/// A notice shows from `publish_at` until `expire_at` (open-ended without).
pub fn is_current(
    publish_at: DateTime<Utc>,
    expire_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    publish_at <= now && expire_at.is_none_or(|end| now < end)
}

/// Checks a notice's times as staff enter them.
pub fn check_times(
    publish_at: DateTime<Utc>,
    expire_at: Option<DateTime<Utc>>,
) -> Result<(), &'static str> {
    match expire_at {
        Some(end) if end <= publish_at => Err("掲載終了日時は、掲載開始日時より後にしてください。"),
        _ => Ok(()),
    }
}

/// The order members read notices in: 重要 first, then the newest.
pub fn display_order(
    a: (Importance, DateTime<Utc>, i32),
    b: (Importance, DateTime<Utc>, i32),
) -> std::cmp::Ordering {
    let rank = |i: Importance| match i {
        Importance::Important => 0,
        Importance::Normal => 1,
    };
    rank(a.0)
        .cmp(&rank(b.0))
        .then(b.1.cmp(&a.1))
        .then(b.2.cmp(&a.2))
}

/// A maintenance window as scheduled, possibly ended early by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub ended_early_at: Option<DateTime<Utc>>,
}

/// How long before a window members are told of it.
pub const MAINTENANCE_ADVANCE_DAYS: i64 = 7;

impl Window {
    /// When it really ends.
    pub fn end(&self) -> DateTime<Utc> {
        match self.ended_early_at {
            Some(early) if early < self.ends_at => early.max(self.starts_at),
            _ => self.ends_at,
        }
    }

    /// The service is down now.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.starts_at <= now && now < self.end()
    }

    /// Members are told of it now: it starts within the advance period.
    pub fn is_announced(&self, now: DateTime<Utc>) -> bool {
        now < self.starts_at
            && self.starts_at - now <= Duration::days(MAINTENANCE_ADVANCE_DAYS)
            && self.ended_early_at.is_none()
    }

    /// The `Retry-After` seconds while active (at least 1).
    pub fn retry_after(&self, now: DateTime<Utc>) -> i64 {
        (self.end() - now).num_seconds().max(1)
    }
}

/// Checks a window as staff schedule it.
pub fn check_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    if ends_at <= starts_at {
        return Err("終了日時は、開始日時より後にしてください。");
    }
    if ends_at <= now {
        return Err("終了日時が過ぎています。");
    }
    if ends_at - starts_at > Duration::hours(72) {
        return Err("1回のメンテナンスは72時間までです。");
    }
    Ok(())
}

/// A window scheduled by someone who may not end it early must start at
/// least `lead` after `now`.
pub fn check_lead(
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    lead: Duration,
) -> Result<(), String> {
    if starts_at < now + lead {
        return Err(format!(
            "開始日時は、今から{}分以上先にしてください(すぐに始めるメンテナンスは管理者が登録します)。",
            lead.num_minutes()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn notices_show_between_publish_and_expiry() {
        assert!(!is_current(t(10), None, t(9)));
        assert!(is_current(t(10), None, t(10)));
        assert!(is_current(t(10), Some(t(12)), t(11)));
        assert!(!is_current(t(10), Some(t(12)), t(12)));
        assert!(check_times(t(10), Some(t(10))).is_err());
        assert!(check_times(t(10), Some(t(11))).is_ok());
        assert!(check_times(t(10), None).is_ok());
    }

    #[test]
    fn titles_and_bodies() {
        assert_eq!(
            parse_title(" 年末年始\nの窓口 "),
            Ok("年末年始 の窓口".to_owned())
        );
        assert!(parse_title("  ").is_err());
        assert!(parse_title(&"あ".repeat(101)).is_err());
        assert_eq!(
            parse_body("一行目\r\n二行目\n"),
            Ok("一行目\n二行目".to_owned())
        );
        assert!(parse_body("\n").is_err());
        assert!(parse_body(&"あ".repeat(4_001)).is_err());
    }

    #[test]
    fn audience_codes_round_trip() {
        for a in [
            Audience::AllMembers,
            Audience::Course("sogo2".into()),
            Audience::Active,
            Audience::Withdrawn,
        ] {
            let (code, course) = a.code();
            assert_eq!(Audience::from_code(code, course), Some(a));
        }
        assert_eq!(Audience::from_code("course", Some(" ")), None);
        assert_eq!(Audience::from_code("nope", None), None);
        assert_eq!(
            Audience::Course("x".into()).label(Some("総合保障型2型")),
            "総合保障型2型のご契約者"
        );
    }

    #[test]
    fn audiences() {
        let member = MemberFacts {
            courses: vec!["sogo2".into()],
            withdrawn: false,
        };
        let gone = MemberFacts {
            courses: vec![],
            withdrawn: true,
        };
        assert!(Audience::AllMembers.includes(&member) && Audience::AllMembers.includes(&gone));
        assert!(Audience::Course("sogo2".into()).includes(&member));
        assert!(!Audience::Course("iryo".into()).includes(&member));
        assert!(!Audience::Course("sogo2".into()).includes(&gone));
        assert!(Audience::Active.includes(&member) && !Audience::Active.includes(&gone));
        assert!(Audience::Withdrawn.includes(&gone) && !Audience::Withdrawn.includes(&member));
    }

    #[test]
    fn important_first_then_newest() {
        let mut list = [
            (Importance::Normal, t(12), 1),
            (Importance::Important, t(8), 2),
            (Importance::Normal, t(14), 3),
            (Importance::Important, t(9), 4),
        ];
        list.sort_by(|a, b| display_order(*a, *b));
        assert_eq!(list.iter().map(|n| n.2).collect::<Vec<_>>(), [4, 2, 3, 1]);
        assert_eq!(
            Importance::from_code("important"),
            Some(Importance::Important)
        );
        assert_eq!(Importance::Important.label(), "重要");
    }

    #[test]
    fn maintenance_windows() {
        let w = Window {
            starts_at: t(2),
            ends_at: t(5),
            ended_early_at: None,
        };
        assert!(!w.is_active(t(1)));
        assert!(w.is_active(t(2)) && w.is_active(t(4)));
        assert!(!w.is_active(t(5)));
        assert_eq!(w.retry_after(t(4)), 3600);
        assert!(w.is_announced(t(1)));
        assert!(!w.is_announced(t(2)));
        assert!(!w.is_announced(t(2) - Duration::days(8)));
        let early = Window {
            ended_early_at: Some(t(3)),
            ..w
        };
        assert!(early.is_active(t(2)) && !early.is_active(t(3)));
        assert_eq!(early.end(), t(3));
        // Ended before it began: it never happens and is not announced.
        let cancelled = Window {
            ended_early_at: Some(t(1)),
            ..w
        };
        assert!(!cancelled.is_active(t(2)) && !cancelled.is_announced(t(1)));
        assert!(check_window(t(5), t(2), t(0)).is_err());
        assert!(check_window(t(2), t(3), t(4)).is_err());
        assert!(check_window(t(2), t(2) + Duration::hours(73), t(0)).is_err());
        assert!(check_window(t(2), t(5), t(0)).is_ok());
        let lead = Duration::minutes(30);
        assert!(check_lead(t(1), t(0), lead).is_ok());
        assert!(check_lead(t(0) + lead, t(0), lead).is_ok());
        assert!(check_lead(t(0) + Duration::minutes(29), t(0), lead).is_err());
        assert!(check_lead(t(0), t(1), lead).is_err());
    }
}
