//! デジタル組合員証 (M10): the member's card with a QR code holding a
//! signed, short-lived token, and the staff check of such a token.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The card as the member's phone shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub coop_name: String,
    /// The display spelling of the registered name.
    pub name: String,
    /// `0123-45678`.
    pub member_number: String,
    /// `2024/4/1`.
    pub member_since: String,
    /// 利用中, or 脱退済み(… まで利用可).
    pub status: String,
    /// What the QR code holds.
    pub token: String,
    /// The QR code as SVG.
    pub qr_svg: String,
    /// `10:04:31`, JST.
    pub refreshed_at: String,
    /// A name change waiting for staff: the card keeps the registered name
    /// until then, and says so.
    pub name_note: Option<String>,
}

/// The logged-in member's card with a fresh token. `refresh`: asked by the
/// open page every minute, which does not keep the login alive.
#[server(endpoint = "card")]
pub async fn my_card(refresh: bool) -> Result<Card, AppError> {
    crate::error::with_status(ssr::card(refresh).await)
}

/// What staff see after checking a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    pub verdict: crate::domain::card::Verdict,
    pub label: String,
    /// A genuine token of the offline card (valid for a day).
    pub offline: bool,
    /// For a genuine token: whose it is.
    pub name: Option<String>,
    pub member_number: Option<String>,
    pub status: Option<String>,
    /// `2026/11/23 10:04`, when the token stops verifying.
    pub expires_at: Option<String>,
}

/// Checks a card token (staff only); every check is audited.
#[server(endpoint = "staff/card/verify")]
pub async fn staff_verify_card(token: String) -> Result<Checked, AppError> {
    crate::error::with_status(ssr::verify(&token).await)
}
