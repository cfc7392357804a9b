//! Delivery of one queued mail: where it stands, what happens after a failed
//! try, and what staff may do with it. Times are passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::policy::MAIL_MAX_ATTEMPTS;

/// Longest pause between two tries of one mail.
const MAX_BACKOFF: Duration = Duration::hours(1);

/// Where a mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Queued, not tried yet.
    Queued,
    /// Tried and refused; it will be tried again.
    Retrying,
    /// A sender holds it now: it may be on its way already.
    Sending,
    Sent,
    /// Given up: staff may resend or cancel it.
    Failed,
    /// Staff cancelled it; it will not be sent.
    Cancelled,
}

impl DeliveryState {
    /// From the outbox columns; sent wins (a mail cancelled while it was
    /// going out did go out). `sending`: a sender's claim on it has not run
    /// out.
    pub fn of(sent: bool, failed: bool, cancelled: bool, sending: bool, attempts: i32) -> Self {
        if sent {
            Self::Sent
        } else if cancelled {
            Self::Cancelled
        } else if failed {
            Self::Failed
        } else if sending {
            Self::Sending
        } else if attempts > 0 {
            Self::Retrying
        } else {
            Self::Queued
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "送信待ち",
            Self::Retrying => "再試行中",
            Self::Sending => "送信中",
            Self::Sent => "送信済み",
            Self::Failed => "送信失敗",
            Self::Cancelled => "取消済み",
        }
    }

    /// Staff may queue it again: a failed mail, unless it carried a secret
    /// (a code or link: expired by now, and its text is gone).
    pub fn can_resend(self, sensitive: bool) -> bool {
        self == Self::Failed && !sensitive
    }

    /// Staff may stop it for good (not while it is being sent).
    pub fn can_cancel(self) -> bool {
        matches!(self, Self::Queued | Self::Retrying | Self::Failed)
    }
}

/// Pause before try number `attempts + 1`: 30 s, 1 min, 2 min, … up to an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(0, 16) as u32;
    (Duration::seconds(30) * 2i32.pow(exp)).min(MAX_BACKOFF)
}

/// Whether a permanent SMTP refusal (5xx) is about this one recipient (an
/// unknown or malformed address), which gives up at once, rather than about
/// the sending itself (login refused, relaying denied, a policy, a full
/// mailbox), which is retried like a transient one so that a wrong setting
/// never fails the whole outbox. With an RFC 3463 enhanced status in the
/// text, class 5.1 (addressing) decides; without one, 550, 551 and 553.
pub fn refusal_is_about_recipient(code: u16, text: &str) -> bool {
    match enhanced_status(text) {
        Some((5, 1)) => true,
        Some(_) => false,
        None => matches!(code, 550 | 551 | 553),
    }
}

/// The class and subject of the first `x.y.z` status in `text`.
fn enhanced_status(text: &str) -> Option<(u8, u16)> {
    text.split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == '(' || c == ')')
        .find_map(|word| {
            let mut parts = word.split('.');
            let class = parts.next()?.parse::<u8>().ok()?;
            let subject = parts.next()?.parse::<u16>().ok()?;
            let detail = parts.next()?;
            let well_formed = matches!(class, 2 | 4 | 5)
                && subject < 1000
                && !detail.is_empty()
                && detail.len() <= 3
                && detail.bytes().all(|b| b.is_ascii_digit())
                && parts.next().is_none();
            well_formed.then_some((class, subject))
        })
}

/// What follows a refused try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

/// After try number `attempts` (counting this one) failed at `now`: a
/// permanent refusal or the last allowed try gives up, anything else waits.
pub fn after_failure(attempts: i32, permanent: bool, now: DateTime<Utc>) -> AfterFailure {
    if permanent || attempts >= MAIL_MAX_ATTEMPTS {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAt(now + backoff(attempts - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 1, 0, 0).unwrap()
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(4));
        assert_eq!(backoff(7), Duration::hours(1));
        assert_eq!(backoff(100), Duration::hours(1));
        assert_eq!(backoff(-3), Duration::seconds(30));
    }

    #[test]
    fn a_transient_failure_waits_and_the_last_try_gives_up() {
        assert_eq!(
            after_failure(1, false, now()),
            AfterFailure::RetryAt(now() + Duration::seconds(30))
        );
        assert_eq!(
            after_failure(2, false, now()),
            AfterFailure::RetryAt(now() + Duration::minutes(1))
        );
        assert_eq!(
            after_failure(MAIL_MAX_ATTEMPTS - 1, false, now()),
            AfterFailure::RetryAt(now() + Duration::hours(1))
        );
        assert_eq!(
            after_failure(MAIL_MAX_ATTEMPTS, false, now()),
            AfterFailure::GiveUp
        );
        assert_eq!(
            after_failure(MAIL_MAX_ATTEMPTS + 5, false, now()),
            AfterFailure::GiveUp
        );
    }

    #[test]
    fn a_permanent_refusal_gives_up_at_once() {
        assert_eq!(after_failure(1, true, now()), AfterFailure::GiveUp);
    }

    #[test]
    fn all_tries_fit_in_about_five_hours() {
        let total: Duration = (0..MAIL_MAX_ATTEMPTS - 1).map(backoff).sum();
        assert!(
            total > Duration::hours(4) && total < Duration::hours(6),
            "{total}"
        );
    }

    #[test]
    fn only_a_refused_recipient_gives_up_at_once() {
        // Addressing (RFC 3463 class 5.1): this recipient, for good.
        assert!(refusal_is_about_recipient(
            550,
            "permanent error (550): 5.1.1 <x@example.jp>: user unknown"
        ));
        assert!(refusal_is_about_recipient(553, "5.1.3 bad address syntax"));
        assert!(refusal_is_about_recipient(
            550,
            "permanent error (550): 5.1.2 no such domain (.invalid; development mailbox)"
        ));
        // Without an enhanced status: the codes about mailboxes.
        assert!(refusal_is_about_recipient(
            550,
            "permanent error (550): mailbox unavailable"
        ));
        assert!(refusal_is_about_recipient(551, "user not local"));
        // The server refusing the sending: a setting to fix, not an address.
        assert!(!refusal_is_about_recipient(
            535,
            "permanent error (535): 5.7.8 authentication failed"
        ));
        assert!(!refusal_is_about_recipient(
            530,
            "permanent error (530): 5.7.0 must issue a STARTTLS command first"
        ));
        assert!(!refusal_is_about_recipient(
            550,
            "permanent error (550): 5.7.1 relaying denied"
        ));
        assert!(!refusal_is_about_recipient(552, "5.2.2 mailbox full"));
        assert!(!refusal_is_about_recipient(554, "transaction failed"));
        assert!(!refusal_is_about_recipient(
            550,
            "permanent error (550): 5.4.5 daily sending quota exceeded"
        ));
        // Numbers that are not a status (a version, an address) are ignored.
        assert!(refusal_is_about_recipient(
            550,
            "server 2.0 says no for 192.168.1.10"
        ));
    }

    #[test]
    fn state_from_columns() {
        use DeliveryState::*;
        // (sent, failed, cancelled, sending, attempts)
        let table = [
            ((false, false, false, false, 0), Queued),
            ((false, false, false, false, 3), Retrying),
            ((false, false, false, true, 0), Sending),
            ((false, false, false, true, 3), Sending),
            ((true, false, false, false, 1), Sent),
            ((true, false, false, true, 1), Sent),
            ((true, false, true, false, 1), Sent),
            ((false, true, false, false, 12), Failed),
            ((false, true, true, false, 12), Cancelled),
            ((false, false, true, false, 0), Cancelled),
            ((false, false, true, false, 2), Cancelled),
        ];
        for ((sent, failed, cancelled, sending, attempts), want) in table {
            assert_eq!(
                DeliveryState::of(sent, failed, cancelled, sending, attempts),
                want,
                "{sent} {failed} {cancelled} {sending} {attempts}"
            );
        }
    }

    #[test]
    fn what_staff_may_do() {
        use DeliveryState::*;
        for state in [Queued, Retrying, Sending, Sent, Failed, Cancelled] {
            for sensitive in [false, true] {
                assert_eq!(
                    state.can_resend(sensitive),
                    state == Failed && !sensitive,
                    "{state:?} {sensitive}"
                );
            }
            assert_eq!(
                state.can_cancel(),
                !matches!(state, Sending | Sent | Cancelled)
            );
        }
    }
}
