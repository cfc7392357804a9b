//! マイページ登録 (M12): a member with the letter staff sent (member number,
//! registration code) and their birth date chooses a user ID and password
//! and confirms an email address; then logs in like anyone.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a registration under way is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationStep {
    /// Choose a user ID, a password and the email address.
    Account,
    /// Type the code mailed to that address.
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationState {
    /// As the member sees it (display spelling).
    pub name: String,
    /// `0123-45678`.
    pub member_number: String,
    pub step: RegistrationStep,
    /// The address the code went to, at the email step; the one typed before,
    /// back at the account step.
    pub email: Option<String>,
    /// The user ID typed before, back at the account step.
    pub user_id: Option<String>,
    /// Until when the mailed code works (`2026/11/23 10:10`, JST), at the
    /// email step.
    pub code_until: Option<String>,
}

/// Step 1: the letter's member number and registration code, and the birth
/// date (`1975-04-01`). One answer for every wrong combination.
#[server(endpoint = "register/start")]
pub async fn start_registration(
    member_number: String,
    code: String,
    birth_date: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::start(&member_number, &code, &birth_date).await)
}

/// The registration of this browser, if one is under way.
#[server(endpoint = "register/state")]
pub async fn load_registration() -> Result<RegistrationState, AppError> {
    crate::error::with_status(ssr::state().await)
}

/// Step 2: user ID, email address and password; a code goes to the address.
#[server(endpoint = "register/account")]
pub async fn submit_registration_account(
    user_id: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::account(&user_id, &email, &password, &password_confirm).await)
}

/// Back from step 3 to step 2: the mailed code stops working; a new one
/// goes to the address given again.
#[server(endpoint = "register/back")]
pub async fn back_to_registration_account() -> Result<(), AppError> {
    crate::error::with_status(ssr::back().await)
}

/// Step 3: the mailed code; the account is made and the letter's code used up.
#[server(endpoint = "register/confirm")]
pub async fn confirm_registration(code: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::confirm(&code).await)
}
