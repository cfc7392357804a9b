//! Pure rules and value types, shared by the server and the browser.
//! Nothing here touches the database, the clock or the network.

pub mod calendar;
pub mod card;
pub mod certificate;
pub mod contract_rows;
pub mod coverage;
pub mod email;
pub mod inquiry;
pub mod jis;
pub mod jst;
pub mod lockout;
pub mod mail_delivery;
pub mod member_fields;
pub mod member_number;
pub mod membership;
pub mod money;
pub mod next_path;
pub mod notice;
pub mod one_time_code;
pub mod password_policy;
pub mod phone;
pub mod policy;
pub mod postal;
pub mod procedure;
pub mod profile_change;
pub mod registration;
pub mod staff;
pub mod statement;
pub mod user_agent;
pub mod user_id;

/// Why a piece of text is not a valid value; the message is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub &'static str);
