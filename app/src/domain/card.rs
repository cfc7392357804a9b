//! デジタル組合員証 (M10): how long a card token proves membership, and what
//! a check at the counter answers. The token is signed on the server; this
//! rule only decides, with "now" passed in.

use chrono::{DateTime, Utc};

use super::membership::Stage;

/// The card page fetches a fresh token this often while it is open.
pub const REFRESH_SECONDS: u64 = 60;
/// How long a token shown online verifies: a screenshot goes stale within
/// three minutes.
pub const TOKEN_SECONDS: i64 = 180;

/// How long the token of the offline card verifies, from when the page was
/// last fetched online (the service worker keeps that copy): long enough for
/// a day without a network, short enough that a lost phone's copy dies.
pub const OFFLINE_TOKEN_HOURS: i64 = 24;

/// Which card a token was made for; the kind is signed with the token, so an
/// online token cannot be passed off as an offline one or the other way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TokenKind {
    /// The card page, refreshed every minute (`c1`).
    Online,
    /// The copy shown without a network (`o1`).
    Offline,
}

impl TokenKind {
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Online => "c1",
            TokenKind::Offline => "o1",
        }
    }

    pub fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "c1" => Some(TokenKind::Online),
            "o1" => Some(TokenKind::Offline),
            _ => None,
        }
    }
}

/// What a check at the counter answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// Signed by the co-op, not expired, and the member holds a card now.
    Valid,
    /// Genuine but older than its lifetime (a screenshot, or a stale page).
    Expired,
    /// Genuine, but the member's My Page is stopped, ended or never began.
    Revoked,
    /// Not a card of this co-op (forged, altered or unreadable).
    Invalid,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Valid => "有効",
            Verdict::Expired => "期限切れ(画面を開き直してもらってください)",
            Verdict::Revoked => "無効(マイページの利用停止・脱退など)",
            Verdict::Invalid => "無効(当組合の組合員証ではありません)",
        }
    }
}

/// Whether a member in `stage` may show a card. A withdrawn member keeps it
/// with My Page until the 出資金 is returned: seed 001 has the card app
/// removed "at that point", after the refund, not on the 脱退日.
pub fn holds_card(stage: Stage) -> bool {
    matches!(stage, Stage::Registered | Stage::Withdrawing { .. })
}

/// The answer for a token whose signature checked out (or not), its expiry,
/// and where its member stands now (`None`: no such member).
pub fn verdict(
    signature_ok: bool,
    expires_at: DateTime<Utc>,
    stage: Option<Stage>,
    now: DateTime<Utc>,
) -> Verdict {
    match stage {
        _ if !signature_ok => Verdict::Invalid,
        None => Verdict::Invalid,
        Some(s) if !holds_card(s) => Verdict::Revoked,
        Some(_) if now >= expires_at => Verdict::Expired,
        Some(_) => Verdict::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate, TimeZone};

    #[test]
    fn every_case() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let later = now + Duration::seconds(TOKEN_SECONDS);
        let last_day = NaiveDate::from_ymd_opt(2027, 7, 31).unwrap();
        let all = [
            Stage::NoAccount,
            Stage::Registered,
            Stage::Stopped,
            Stage::Withdrawing { last_day },
            Stage::Ended,
        ];
        for stage in all {
            assert_eq!(verdict(false, later, Some(stage), now), Verdict::Invalid);
            let expected = if holds_card(stage) {
                Verdict::Valid
            } else {
                Verdict::Revoked
            };
            assert_eq!(
                verdict(true, later, Some(stage), now),
                expected,
                "{stage:?}"
            );
            let stale = if holds_card(stage) {
                Verdict::Expired
            } else {
                Verdict::Revoked
            };
            assert_eq!(verdict(true, now, Some(stage), now), stale, "{stage:?}");
        }
        assert_eq!(verdict(true, later, None, now), Verdict::Invalid);
        assert!(holds_card(Stage::Withdrawing { last_day }));
        assert!(!holds_card(Stage::Stopped));
    }
}
