//! The identity core that member login and staff login both stand on:
//! passwords (hashing, policy), the lockout counter, sessions, tokens, mailed
//! codes and per-address throttling. The member and staff features differ
//! only in their tables and rules; the security numbers are in
//! [`crate::domain::policy`].

pub mod codes;
pub mod lockout;
pub mod password;
pub mod password_policy;
pub mod session;
pub mod throttle;
pub mod token;
