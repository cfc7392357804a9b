//! sea-orm entities, one module per table of `migration`.

pub mod login_event;
pub mod member;
pub mod member_account;
pub mod session;
