//! The co-op's own facts (name, phone), from configuration, for every page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SiteInfo {
    pub coop_name: String,
    pub coop_phone: String,
    pub coop_phone_hours: String,
    pub coop_fax: String,
    /// 〒 first: where forms are posted.
    pub coop_address: String,
}

#[server(endpoint = "site")]
pub async fn load_site() -> Result<SiteInfo, AppError> {
    let state = crate::ssr::AppState::current()?;
    let c = &state.config;
    Ok(SiteInfo {
        coop_name: c.coop_name.clone(),
        coop_phone: c.coop_phone.clone(),
        coop_phone_hours: c.coop_phone_hours.clone(),
        coop_fax: c.coop_fax.clone(),
        coop_address: c.coop_address.clone(),
    })
}

/// Loaded once per page and shared through context.
pub type SiteResource = OnceResource<Result<SiteInfo, AppError>>;

pub fn provide_site() {
    provide_context::<SiteResource>(OnceResource::new_blocking(load_site()));
}

/// The site facts, or empty ones if they could not be loaded (the page still works).
pub async fn site() -> SiteInfo {
    match use_context::<SiteResource>() {
        Some(r) => r.await.unwrap_or_default(),
        None => SiteInfo::default(),
    }
}
