//! Where a member stands with My Page (M12, M13, M14), and what that allows:
//! the one rule that login, every member page and (later) the card obey.
//!
//! ```text
//!   NoAccount ──register──► Registered ──stop──► Stopped
//!       │                      ▲  │               │
//!       │                      └──┼────reopen─────┘
//!       │                         │
//!       └──────────── withdraw ───┴──► Withdrawing (until the refund date) ──► Ended
//! ```
//!
//! A withdrawal is recorded with the 出資金 refund date: until that day the
//! member keeps access (with a banner telling the last day); after it the
//! door is closed. A stopped service stays stopped through a withdrawal.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The facts the rule decides from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub has_account: bool,
    pub service_stopped: bool,
    /// The last day of access after a withdrawal (the refund date).
    pub access_until: Option<NaiveDate>,
}

/// Where the member is, on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// A member record, no My Page account yet (a registration letter may go out).
    NoAccount,
    Registered,
    /// The member stopped the service (or staff did); staff can re-open it.
    Stopped,
    /// Withdrawn; access continues to and including `last_day`.
    Withdrawing {
        last_day: NaiveDate,
    },
    /// Withdrawn, and the last day has passed.
    Ended,
}

impl Stage {
    /// For staff.
    pub fn label(self) -> String {
        match self {
            Self::NoAccount => "マイページ未登録".to_owned(),
            Self::Registered => "利用中".to_owned(),
            Self::Stopped => "利用停止中".to_owned(),
            Self::Withdrawing { last_day } => {
                format!("脱退済み({}まで利用可)", super::jst::format_date(last_day))
            }
            Self::Ended => "利用終了(脱退)".to_owned(),
        }
    }
}

pub fn stage(s: Standing, today: NaiveDate) -> Stage {
    match (s.access_until, s.has_account, s.service_stopped) {
        (Some(last_day), _, _) if today > last_day => Stage::Ended,
        (_, false, _) => Stage::NoAccount,
        (_, true, true) => Stage::Stopped,
        (Some(last_day), true, false) => Stage::Withdrawing { last_day },
        (None, true, false) => Stage::Registered,
    }
}

/// Why the door is closed, worded for the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Closed {
    #[error("マイページのご登録がまだです。お届けした登録のご案内に沿ってご登録ください。")]
    NotRegistered,
    #[error("マイページのご利用を停止しています。再開をご希望の場合は、当組合までお電話でご連絡ください。")]
    Stopped,
    #[error("脱退のお手続きにより、マイページのご利用期間は終了しました。ご不明な点は当組合までお電話でお問い合わせください。")]
    Ended,
}

/// Whether the member may log in and use My Page (and, later, the card).
pub fn access(stage: Stage) -> Result<(), Closed> {
    match stage {
        Stage::Registered | Stage::Withdrawing { .. } => Ok(()),
        Stage::NoAccount => Err(Closed::NotRegistered),
        Stage::Stopped => Err(Closed::Stopped),
        Stage::Ended => Err(Closed::Ended),
    }
}

/// What can happen to a member's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The member registered with a registration code.
    Register,
    /// The member (or staff) stopped the service.
    Stop,
    /// Staff re-opened it.
    Reopen,
    /// Staff recorded a withdrawal with the refund date.
    Withdraw,
}

/// Why a change is refused, worded for whoever asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("この組合員は、すでにマイページに登録しています。")]
    AlreadyRegistered,
    #[error("マイページに登録していないため、この操作はできません。")]
    NoAccount,
    #[error("マイページのご利用はすでに停止しています。")]
    AlreadyStopped,
    #[error("マイページのご利用は停止していません。")]
    NotStopped,
    #[error("脱退の記録がすでにあります。")]
    AlreadyWithdrawn,
    #[error("ご利用期間が終了しているため、この操作はできません。")]
    Ended,
}

/// The one rule for changes of standing: what `event` does from `from`.
pub fn transition(from: Stage, event: Event) -> Result<Stage, Refused> {
    use Event::*;
    use Stage::*;
    match (from, event) {
        (Ended, _) => Err(Refused::Ended),
        (NoAccount, Register) => Ok(Registered),
        (_, Register) => Err(Refused::AlreadyRegistered),
        (Registered | Withdrawing { .. }, Stop) => Ok(Stopped),
        (Stopped, Stop) => Err(Refused::AlreadyStopped),
        (NoAccount, Stop | Reopen) => Err(Refused::NoAccount),
        (Stopped, Reopen) => Ok(Registered),
        (Registered | Withdrawing { .. }, Reopen) => Err(Refused::NotStopped),
        // The resulting stage depends on the dates; the caller decides it
        // with `stage` once the dates are written.
        (NoAccount | Registered | Stopped, Withdraw) => Ok(from),
        (Withdrawing { .. }, Withdraw) => Err(Refused::AlreadyWithdrawn),
    }
}

/// The refund date offered when a withdrawal is recorded: the end of July
/// on or after the withdrawal (year-end retirees, seed 001), which staff
/// may change.
pub fn default_refund_date(withdrawn_on: NaiveDate) -> NaiveDate {
    let july = |y| NaiveDate::from_ymd_opt(y, 7, 31).unwrap_or(withdrawn_on);
    let this_year = july(withdrawn_on.year());
    if withdrawn_on <= this_year {
        this_year
    } else {
        july(withdrawn_on.year() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const ALL_EVENTS: [Event; 4] = [Event::Register, Event::Stop, Event::Reopen, Event::Withdraw];

    fn all_stages() -> [Stage; 5] {
        [
            Stage::NoAccount,
            Stage::Registered,
            Stage::Stopped,
            Stage::Withdrawing {
                last_day: d(2027, 7, 31),
            },
            Stage::Ended,
        ]
    }

    #[test]
    fn the_stage_follows_the_facts_and_the_day() {
        let last = d(2027, 7, 31);
        let s = |has_account, service_stopped, access_until| Standing {
            has_account,
            service_stopped,
            access_until,
        };
        assert_eq!(stage(s(false, false, None), last), Stage::NoAccount);
        assert_eq!(stage(s(true, false, None), last), Stage::Registered);
        assert_eq!(stage(s(true, true, None), last), Stage::Stopped);
        assert_eq!(
            stage(s(true, false, Some(last)), last),
            Stage::Withdrawing { last_day: last },
            "the last day itself still has access"
        );
        assert_eq!(
            stage(s(true, false, Some(last)), d(2027, 8, 1)),
            Stage::Ended
        );
        assert_eq!(stage(s(true, true, Some(last)), last), Stage::Stopped);
        assert_eq!(
            stage(s(true, true, Some(last)), d(2027, 8, 1)),
            Stage::Ended
        );
        assert_eq!(stage(s(false, false, Some(last)), last), Stage::NoAccount);
        assert_eq!(
            stage(s(false, false, Some(last)), d(2027, 8, 1)),
            Stage::Ended
        );
    }

    #[test]
    fn only_registered_and_withdrawing_members_get_in() {
        for st in all_stages() {
            let expected = match st {
                Stage::Registered | Stage::Withdrawing { .. } => Ok(()),
                Stage::NoAccount => Err(Closed::NotRegistered),
                Stage::Stopped => Err(Closed::Stopped),
                Stage::Ended => Err(Closed::Ended),
            };
            assert_eq!(access(st), expected, "{st:?}");
        }
    }

    /// Every stage against every event, spelled out.
    #[test]
    fn every_change_of_standing_is_decided_here() {
        use Event::*;
        let w = Stage::Withdrawing {
            last_day: d(2027, 7, 31),
        };
        let table: Vec<(Stage, Event, Result<Stage, Refused>)> = vec![
            (Stage::NoAccount, Register, Ok(Stage::Registered)),
            (Stage::NoAccount, Stop, Err(Refused::NoAccount)),
            (Stage::NoAccount, Reopen, Err(Refused::NoAccount)),
            (Stage::NoAccount, Withdraw, Ok(Stage::NoAccount)),
            (Stage::Registered, Register, Err(Refused::AlreadyRegistered)),
            (Stage::Registered, Stop, Ok(Stage::Stopped)),
            (Stage::Registered, Reopen, Err(Refused::NotStopped)),
            (Stage::Registered, Withdraw, Ok(Stage::Registered)),
            (Stage::Stopped, Register, Err(Refused::AlreadyRegistered)),
            (Stage::Stopped, Stop, Err(Refused::AlreadyStopped)),
            (Stage::Stopped, Reopen, Ok(Stage::Registered)),
            (Stage::Stopped, Withdraw, Ok(Stage::Stopped)),
            (w, Register, Err(Refused::AlreadyRegistered)),
            (w, Stop, Ok(Stage::Stopped)),
            (w, Reopen, Err(Refused::NotStopped)),
            (w, Withdraw, Err(Refused::AlreadyWithdrawn)),
            (Stage::Ended, Register, Err(Refused::Ended)),
            (Stage::Ended, Stop, Err(Refused::Ended)),
            (Stage::Ended, Reopen, Err(Refused::Ended)),
            (Stage::Ended, Withdraw, Err(Refused::Ended)),
        ];
        assert_eq!(table.len(), all_stages().len() * ALL_EVENTS.len());
        for (from, event, expected) in table {
            assert_eq!(transition(from, event), expected, "{from:?} + {event:?}");
        }
    }

    #[test]
    fn the_refund_date_offered_is_the_next_end_of_july() {
        assert_eq!(default_refund_date(d(2027, 3, 31)), d(2027, 7, 31));
        assert_eq!(default_refund_date(d(2027, 7, 31)), d(2027, 7, 31));
        assert_eq!(default_refund_date(d(2027, 8, 1)), d(2028, 7, 31));
        assert_eq!(default_refund_date(d(2026, 12, 31)), d(2027, 7, 31));
    }
}
