//! デジタル組合員証 (M10): how long a card token proves membership, and what
//! a check at the counter answers. The token is signed on the server; this
//! rule only decides, with "now" passed in.

use chrono::{DateTime, NaiveDate, Utc};

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

/// Who a card would be shown for: where the member stands with My Page,
/// and the recorded 脱退日 (the last day as a member), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub stage: Stage,
    pub withdrawn_on: Option<NaiveDate>,
}

impl Holder {
    /// Whether the card may be shown on `today`: My Page is open and the
    /// person is still a member. After the 脱退日 My Page stays open until
    /// the 出資金 is returned (seed 001), but the card proves membership
    /// and is not shown any more (M10).
    pub fn holds_card(self, today: NaiveDate) -> bool {
        matches!(self.stage, Stage::Registered | Stage::Withdrawing { .. })
            && self.withdrawn_on.is_none_or(|last| today <= last)
    }

    /// Past the 脱退日, with My Page still open.
    pub fn withdrawn_by(self, today: NaiveDate) -> bool {
        matches!(self.stage, Stage::Withdrawing { .. })
            && self.withdrawn_on.is_some_and(|last| today > last)
    }
}

/// The answer for a token whose signature checked out (or not), its expiry,
/// and who its member is now (`None`: no such member).
pub fn verdict(
    signature_ok: bool,
    expires_at: DateTime<Utc>,
    holder: Option<Holder>,
    now: DateTime<Utc>,
) -> Verdict {
    match holder {
        _ if !signature_ok => Verdict::Invalid,
        None => Verdict::Invalid,
        Some(h) if !h.holds_card(super::jst::today(now)) => Verdict::Revoked,
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
        let today = super::super::jst::today(now);
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
            let h = Holder {
                stage,
                withdrawn_on: None,
            };
            assert_eq!(verdict(false, later, Some(h), now), Verdict::Invalid);
            let expected = if h.holds_card(today) {
                Verdict::Valid
            } else {
                Verdict::Revoked
            };
            assert_eq!(verdict(true, later, Some(h), now), expected, "{stage:?}");
            let stale = if h.holds_card(today) {
                Verdict::Expired
            } else {
                Verdict::Revoked
            };
            assert_eq!(verdict(true, now, Some(h), now), stale, "{stage:?}");
        }
        assert_eq!(verdict(true, later, None, now), Verdict::Invalid);
        let holds = |stage| {
            Holder {
                stage,
                withdrawn_on: None,
            }
            .holds_card(today)
        };
        assert!(holds(Stage::Registered));
        assert!(holds(Stage::Withdrawing { last_day }));
        assert!(!holds(Stage::Stopped));
        assert!(!holds(Stage::Ended));
        assert!(!holds(Stage::NoAccount));
    }

    #[test]
    fn the_card_ends_with_the_membership() {
        // 脱退日 2027/3/31; My Page open until the refund on 2027/7/31.
        let last_day = NaiveDate::from_ymd_opt(2027, 7, 31).unwrap();
        let withdrawn_on = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        let h = Holder {
            stage: Stage::Withdrawing { last_day },
            withdrawn_on: Some(withdrawn_on),
        };
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert!(h.holds_card(day(3, 30)));
        assert!(h.holds_card(withdrawn_on), "a member through the 脱退日");
        assert!(!h.holds_card(day(4, 1)));
        assert!(!h.holds_card(last_day));
        assert!(!h.withdrawn_by(withdrawn_on));
        assert!(h.withdrawn_by(day(4, 1)));
        // Checked at the counter on 2027/4/1 10:00 JST: revoked.
        let at = Utc.with_ymd_and_hms(2027, 4, 1, 1, 0, 0).unwrap();
        let fresh = at + Duration::seconds(TOKEN_SECONDS);
        assert_eq!(verdict(true, fresh, Some(h), at), Verdict::Revoked);
        let before = Utc.with_ymd_and_hms(2027, 3, 31, 14, 0, 0).unwrap();
        assert_eq!(
            verdict(
                true,
                before + Duration::seconds(TOKEN_SECONDS),
                Some(h),
                before
            ),
            Verdict::Valid,
            "23:00 JST on the 脱退日"
        );
        // A stopped service is no card whatever the dates.
        let stopped = Holder {
            stage: Stage::Stopped,
            withdrawn_on: Some(withdrawn_on),
        };
        assert!(!stopped.holds_card(day(3, 1)));
        assert!(!stopped.withdrawn_by(day(4, 1)));
    }
}
