//! sea-orm entities, one module per table of `migration`.

pub mod audit_log;
pub mod contract;
pub mod contract_course;
pub mod contract_rider;
pub mod course;
pub mod known_device;
pub mod login_event;
pub mod mail_outbox;
pub mod member;
pub mod member_account;
pub mod member_import;
pub mod one_time_code;
pub mod password_reset;
pub mod postal_code;
pub mod procedure;
pub mod procedure_event;
pub mod rate_counter;
pub mod registration;
pub mod registration_code;
pub mod rider;
pub mod session;
pub mod staff_account;
pub mod staff_link;
pub mod staff_login_event;
pub mod staff_recovery_code;
pub mod staff_session;
