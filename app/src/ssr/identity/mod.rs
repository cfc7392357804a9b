//! The identity core that member login and staff login both stand on:
//! passwords (hashing, policy), the lockout counter, sessions, tokens, mailed
//! codes and per-address throttling. The member and staff features differ
//! only in their tables and rules; the security numbers are in
//! [`crate::domain::policy`].

pub mod codes;
pub mod lockout;
pub mod password;
pub mod password_policy;
pub mod sealed;
pub mod session;
pub mod throttle;
pub mod token;

use sea_orm::sea_query::Alias;

/// Whose identity: members and staff have tables of their own, with the
/// same lockout and session columns, and the same rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Member,
    Staff,
}

impl Realm {
    fn accounts(self) -> Alias {
        Alias::new(match self {
            Self::Member => "member_accounts",
            Self::Staff => "staff_accounts",
        })
    }

    fn sessions(self) -> Alias {
        Alias::new(match self {
            Self::Member => "sessions",
            Self::Staff => "staff_sessions",
        })
    }

    /// The sessions' column naming the account.
    fn session_owner(self) -> &'static str {
        match self {
            Self::Member => "account_id",
            Self::Staff => "staff_id",
        }
    }
}
