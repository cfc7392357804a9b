//! Reading the member's record.

use super::Profile;
use crate::auth::ssr::{account_and_member, current_member, display_member_number};
use crate::domain::jst;
use crate::error::AppError;
use crate::ssr::AppState;

/// [`super::my_profile`]: the details of the member of the session.
pub async fn profile() -> Result<Profile, AppError> {
    let me = current_member().await?;
    let state = AppState::current()?;
    let (account, m) = account_and_member(&state.db, me.account_id).await?;
    Ok(Profile {
        member_number: display_member_number(&m.member_number),
        postal_code: display_postal_code(&m.postal_code),
        address: format!("{}{}{}", m.prefecture, m.address1, m.address2),
        name: m.name,
        name_kana: m.name_kana,
        birth_date: jst::format_date(m.birth_date),
        phone: m.phone,
        email: account.email,
        user_id: account.user_id,
        workplace: m.workplace,
    })
}

/// `〒330-0064` from the stored seven digits.
fn display_postal_code(digits: &str) -> String {
    match (digits.get(..3), digits.get(3..)) {
        (Some(a), Some(b)) if digits.len() == 7 => format!("〒{a}-{b}"),
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn postal_codes_get_the_mark_and_hyphen() {
        assert_eq!(super::display_postal_code("3300064"), "〒330-0064");
        assert_eq!(super::display_postal_code("33"), "33");
    }
}
