//! The member's registered details (登録内容), shown on the My Page home.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub member_number: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    /// `〒330-0064`.
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub mobile_phone: Option<String>,
    /// The registered address in its parts, for the change form.
    pub address_parts: AddressParts,
    /// A name change (改姓) waiting for staff: the old name shows until then.
    pub pending_name: Option<PendingName>,
    pub email: String,
    pub user_id: String,
    pub workplace: Option<String>,
    /// A character of the registered name or address is shown as another
    /// (a 旧字体 in its 新字体, or 〓 for one that cannot be shown).
    pub spelling_substituted: bool,
    /// The last mail to the registered address could not be delivered
    /// (JST, `2026/12/6 10:30`): the member should check the address.
    pub mail_undeliverable_since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressParts {
    /// `330-0064`.
    pub postal_code: String,
    pub prefecture: String,
    pub address1: String,
    pub address2: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingName {
    pub procedure_id: i32,
    pub receipt: String,
    pub name: String,
    pub name_kana: String,
    /// When it should be applied: three business days after filing.
    pub expected_on: String,
}

/// What a 郵便番号 fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAnswer {
    /// `330-0064`.
    pub postal_code: String,
    pub prefecture: String,
    /// 市区町村, and the 町域 when the code has only one.
    pub address1: String,
    /// False when the code stands for several towns: the member types it.
    pub town_filled: bool,
    /// False when the code crosses a city boundary: only the prefecture is
    /// filled and `address1` is empty.
    pub city_filled: bool,
}

/// The confirmation step of a change: each item before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePreview {
    pub title: String,
    /// (label, before, after).
    pub rows: Vec<(String, String, String)>,
    pub notes: Vec<String>,
}

/// The logged-in member's own details; there is no way to ask for anyone else's.
#[server(endpoint = "profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    crate::error::with_status(ssr::profile().await)
}

/// The address a 郵便番号 stands for; `None` when it is not in the data.
#[server(endpoint = "postal_lookup")]
pub async fn lookup_postal(postal_code: String) -> Result<Option<PostalAnswer>, AppError> {
    crate::error::with_status(ssr::changes::lookup_postal(&postal_code).await)
}

/// The confirmation step of an address change; nothing is saved.
#[server(endpoint = "address_preview")]
pub async fn preview_address(
    postal_code: String,
    prefecture: String,
    address1: String,
    address2: String,
) -> Result<ChangePreview, AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewAddress::parse(
                &postal_code,
                &prefecture,
                &address1,
                &address2,
            )?;
            ssr::changes::preview_address(new).await
        }
        .await,
    )
}

/// Changes the address, as confirmed.
#[server(endpoint = "address_change")]
pub async fn change_address(
    postal_code: String,
    prefecture: String,
    address1: String,
    address2: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewAddress::parse(
                &postal_code,
                &prefecture,
                &address1,
                &address2,
            )?;
            ssr::changes::change_address(new).await
        }
        .await,
    )
}

/// The confirmation step of a phone change; nothing is saved.
#[server(endpoint = "phone_preview")]
pub async fn preview_phones(
    phone: String,
    mobile_phone: String,
) -> Result<ChangePreview, AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewPhones::parse(&phone, &mobile_phone)?;
            ssr::changes::preview_phones(new).await
        }
        .await,
    )
}

/// Changes the phone numbers, as confirmed.
#[server(endpoint = "phone_change")]
pub async fn change_phones(phone: String, mobile_phone: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewPhones::parse(&phone, &mobile_phone)?;
            ssr::changes::change_phones(new).await
        }
        .await,
    )
}

/// The confirmation step of a name change; nothing is filed.
#[server(endpoint = "name_preview")]
pub async fn preview_name(name: String, name_kana: String) -> Result<ChangePreview, AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewName::parse(&name, &name_kana)?;
            ssr::changes::preview_name(new).await
        }
        .await,
    )
}

/// Files the name change (改姓) for staff to apply.
#[server(endpoint = "name_change")]
pub async fn file_name_change(name: String, name_kana: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let new = crate::domain::profile_change::NewName::parse(&name, &name_kana)?;
            ssr::changes::file_name_change(new).await
        }
        .await,
    )
}
