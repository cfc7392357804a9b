//! sea-orm entities, one module per table of `migration`.

pub mod audit_log;
pub mod login_event;
pub mod mail_outbox;
pub mod member;
pub mod member_account;
pub mod password_reset;
pub mod rate_event;
pub mod session;
