//! お問い合わせ (M11, S4): a thread between a member and the co-op. Its
//! status follows who wrote last, and ends when either side closes it:
//!
//! ```text
//! 未対応 ──(staff take it / note)──▶ 対応中 ──(staff reply)──▶ 回答済
//!   ▲                                                     │
//!   └───────────────(the member writes again)──────────────┘
//! any open status ──(member or staff close)──▶ 完了
//! ```
//!
//! Subject and text are plain text with line breaks; what is too long or
//! empty is refused with a message for the field.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::{sea_query::StringLen, DeriveActiveEnum, EnumIter};

use super::policy::{INQUIRY_SUBJECT_MAX_CHARS, INQUIRY_TEXT_MAX_CHARS};
use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Status {
    /// The member waits for the co-op (new, or written to again).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "waiting"))]
    Waiting,
    /// A staff member took it up.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "in_progress"))]
    InProgress,
    /// Staff replied; the ball is with the member.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "answered"))]
    Answered,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "closed"))]
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Self::Waiting,
        Self::InProgress,
        Self::Answered,
        Self::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Waiting => "未対応",
            Self::InProgress => "対応中",
            Self::Answered => "回答済",
            Self::Closed => "完了",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::InProgress => "in_progress",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The co-op owes an answer: what the staff inbox shows by default.
    pub fn awaits_staff(self) -> bool {
        matches!(self, Self::Waiting | Self::InProgress)
    }
}

/// Something that happens to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The member adds a message.
    MemberWrote,
    /// Staff send a reply the member reads.
    StaffReplied,
    /// Staff take the thread up: assign it to themselves, or note something
    /// internal.
    StaffTookUp,
    /// The member or staff close it.
    Close,
}

/// Why an event cannot happen now; the text is what the person reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub &'static str);

/// The status after `event` in `from`.
pub fn after(from: Status, event: Event) -> Result<Status, Refused> {
    use {Event::*, Status::*};
    match (from, event) {
        (Closed, _) => Err(Refused(
            "このお問い合わせは完了しています。続けてのご相談は、新しいお問い合わせとしてお送りください。",
        )),
        (Answered, MemberWrote) => Ok(Waiting),
        (s, MemberWrote) => Ok(s),
        (_, StaffReplied) => Ok(Answered),
        (Waiting, StaffTookUp) => Ok(InProgress),
        (s, StaffTookUp) => Ok(s),
        (_, Close) => Ok(Closed),
    }
}

/// Whether the member sees that `event` happened to a thread in `from`: a
/// message they can read, or a new status. Only then does the thread's
/// "last changed" time, which the member is shown, move: an internal note on
/// a thread already 対応中 or taking over a colleague's thread leaves no
/// trace the member could read.
pub fn member_sees(from: Status, event: Event) -> bool {
    matches!(event, Event::MemberWrote | Event::StaffReplied)
        || after(from, event).is_ok_and(|to| to != from)
}

/// Who wrote a message, as the member sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum Author {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "staff"))]
    Staff,
}

impl Author {
    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "ご本人",
            Self::Staff => "当組合の担当者",
        }
    }
}

/// A category members choose from: a code stored with the thread and the
/// label shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub label: String,
}

/// The category the 勤務先 screen preselects.
pub const WORKPLACE_CATEGORY: &str = "workplace";

/// The categories a co-op starts with (`MYPAGE_INQUIRY_CATEGORIES` replaces them).
pub const DEFAULT_CATEGORIES: [(&str, &str); 5] = [
    (WORKPLACE_CATEGORY, "登録内容・勤務先"),
    ("contract", "ご契約"),
    ("billing", "請求・お支払い"),
    ("mypage", "マイページの使い方"),
    ("other", "その他"),
];

/// Parses `code=label;code=label`: codes are lowercase ASCII words, labels
/// up to 30 characters, at most 20 entries, no code twice.
pub fn parse_categories(text: &str) -> Result<Vec<Category>, ParseError> {
    let mut out: Vec<Category> = Vec::new();
    for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (code, label) = entry
            .split_once('=')
            .ok_or(ParseError("分類は code=表示名 の形で書いてください。"))?;
        let (code, label) = (code.trim(), label.trim());
        let code_ok = !code.is_empty()
            && code.len() <= 24
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            return Err(ParseError(
                "分類のコードは半角英小文字・数字・_ の24文字までです。",
            ));
        }
        if label.is_empty() || label.chars().count() > 30 {
            return Err(ParseError("分類の表示名は1〜30文字です。"));
        }
        if out.iter().any(|c| c.code == code) {
            return Err(ParseError("同じ分類のコードが2回あります。"));
        }
        out.push(Category {
            code: code.to_owned(),
            label: label.to_owned(),
        });
    }
    if out.is_empty() || out.len() > 20 {
        return Err(ParseError("分類は1〜20個です。"));
    }
    Ok(out)
}

pub fn default_categories() -> Vec<Category> {
    DEFAULT_CATEGORIES
        .into_iter()
        .map(|(code, label)| Category {
            code: code.to_owned(),
            label: label.to_owned(),
        })
        .collect()
}

/// The label of `code`, or the code itself when the list no longer has it.
pub fn category_label(categories: &[Category], code: &str) -> String {
    categories
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// Line breaks as `\n`, no other control characters, no blank lines or
/// spaces around it.
fn clean(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A subject: one line, 1 to [`INQUIRY_SUBJECT_MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let one_line = clean(text).replace(['\n', '\t'], " ");
        if one_line.is_empty() {
            return Err(ParseError("件名を入力してください。"));
        }
        if one_line.chars().count() > INQUIRY_SUBJECT_MAX_CHARS {
            return Err(ParseError("件名は50文字以内で入力してください。"));
        }
        Ok(Self(one_line))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message: plain text with line breaks, 1 to [`INQUIRY_TEXT_MAX_CHARS`]
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let cleaned = clean(text);
        if cleaned.is_empty() {
            return Err(ParseError("内容を入力してください。"));
        }
        if cleaned.chars().count() > INQUIRY_TEXT_MAX_CHARS {
            return Err(ParseError("内容は2,000文字以内で入力してください。"));
        }
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff member's optional signature under a reply (`担当:佐藤`): up to 20
/// characters, one line. Empty means the reply is signed by 当組合の担当者 only.
pub fn parse_signature(text: &str) -> Result<Option<String>, ParseError> {
    let one_line = clean(text).replace(['\n', '\t'], " ");
    if one_line.is_empty() {
        return Ok(None);
    }
    if one_line.chars().count() > 20 {
        return Err(ParseError("署名は20文字以内で入力してください。"));
    }
    Ok(Some(one_line))
}

/// How long someone has waited, as the inbox says it: `15分`, `3時間`, `2日`.
pub fn waited(minutes: i64) -> String {
    match minutes.max(0) {
        m if m < 60 => format!("{m}分"),
        m if m < 24 * 60 => format!("{}時間", m / 60),
        m => format!("{}日", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event::*;
    use Status::*;

    #[test]
    fn every_status_and_event() {
        let table = [
            (Waiting, MemberWrote, Ok(Waiting)),
            (Waiting, StaffReplied, Ok(Answered)),
            (Waiting, StaffTookUp, Ok(InProgress)),
            (Waiting, Close, Ok(Closed)),
            (InProgress, MemberWrote, Ok(InProgress)),
            (InProgress, StaffReplied, Ok(Answered)),
            (InProgress, StaffTookUp, Ok(InProgress)),
            (InProgress, Close, Ok(Closed)),
            (Answered, MemberWrote, Ok(Waiting)),
            (Answered, StaffReplied, Ok(Answered)),
            (Answered, StaffTookUp, Ok(Answered)),
            (Answered, Close, Ok(Closed)),
        ];
        for (from, event, to) in table {
            assert_eq!(
                after(from, event).map_err(|_| ()),
                to.map_err(|_: ()| ()),
                "{from:?} {event:?}"
            );
        }
        for event in [MemberWrote, StaffReplied, StaffTookUp, Event::Close] {
            assert!(after(Status::Closed, event).is_err(), "{event:?}");
        }
    }

    #[test]
    fn the_member_sees_messages_and_new_statuses_only() {
        for from in [Waiting, InProgress, Answered] {
            assert!(member_sees(from, MemberWrote), "{from:?}");
            assert!(member_sees(from, StaffReplied), "{from:?}");
            assert!(member_sees(from, Event::Close), "{from:?}");
        }
        // Taking a thread up (a note, an assignment) shows as 対応中 once.
        assert!(member_sees(Waiting, StaffTookUp));
        assert!(!member_sees(InProgress, StaffTookUp));
        assert!(!member_sees(Answered, StaffTookUp));
    }

    #[test]
    fn codes_and_labels_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code("nope"), None);
        assert_eq!(
            Status::ALL.map(Status::label),
            ["未対応", "対応中", "回答済", "完了"]
        );
        assert!(Waiting.awaits_staff() && InProgress.awaits_staff());
        assert!(!Answered.awaits_staff() && !Closed.awaits_staff());
        assert_eq!(Author::Staff.label(), "当組合の担当者");
        assert_eq!(Author::Member.label(), "ご本人");
    }

    #[test]
    fn subjects_are_one_line_and_short() {
        assert_eq!(
            Subject::parse("  勤務先の\r\n変更 ").unwrap().as_str(),
            "勤務先の 変更"
        );
        assert!(Subject::parse(" \n ").is_err());
        assert!(Subject::parse(&"あ".repeat(INQUIRY_SUBJECT_MAX_CHARS)).is_ok());
        assert_eq!(
            Subject::parse(&"あ".repeat(INQUIRY_SUBJECT_MAX_CHARS + 1)),
            Err(ParseError("件名は50文字以内で入力してください。"))
        );
    }

    #[test]
    fn texts_keep_line_breaks_and_drop_control_characters() {
        let t = Text::parse("一行目\r\n二行目\u{0007}\r三行目\n").unwrap();
        assert_eq!(t.as_str(), "一行目\n二行目\n三行目");
        // Markup is text: it is never rendered, so it is kept as written.
        assert_eq!(Text::parse("<b>x</b>").unwrap().as_str(), "<b>x</b>");
        assert_eq!(
            Text::parse("\n\n"),
            Err(ParseError("内容を入力してください。"))
        );
        assert!(Text::parse(&"字".repeat(INQUIRY_TEXT_MAX_CHARS)).is_ok());
        assert!(Text::parse(&"字".repeat(INQUIRY_TEXT_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn signatures_are_optional_and_short() {
        assert_eq!(parse_signature("  "), Ok(None));
        assert_eq!(
            parse_signature("担当:佐藤"),
            Ok(Some("担当:佐藤".to_owned()))
        );
        assert!(parse_signature(&"あ".repeat(21)).is_err());
    }

    #[test]
    fn categories_from_configuration() {
        let list = parse_categories("a=いち; b_2 = に ;").unwrap();
        assert_eq!(
            list,
            vec![
                Category {
                    code: "a".into(),
                    label: "いち".into()
                },
                Category {
                    code: "b_2".into(),
                    label: "に".into()
                },
            ]
        );
        assert!(parse_categories("").is_err());
        assert!(parse_categories("A=x").is_err());
        assert!(parse_categories("a=").is_err());
        assert!(parse_categories("a=x;a=y").is_err());
        assert!(parse_categories("nolabel").is_err());
        assert_eq!(category_label(&list, "b_2"), "に");
        assert_eq!(category_label(&list, "gone"), "gone");
        let defaults = default_categories();
        assert_eq!(defaults[0].code, WORKPLACE_CATEGORY);
        assert_eq!(defaults.len(), 5);
    }

    #[test]
    fn waiting_times_read_naturally() {
        assert_eq!(waited(-5), "0分");
        assert_eq!(waited(59), "59分");
        assert_eq!(waited(60), "1時間");
        assert_eq!(waited(24 * 60 - 1), "23時間");
        assert_eq!(waited(24 * 60), "1日");
        assert_eq!(waited(10 * 24 * 60 + 5), "10日");
    }
}
