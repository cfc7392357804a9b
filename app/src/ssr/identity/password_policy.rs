//! The whole password policy on the server: the shared rules plus the list of
//! the 20,000 most common passwords (see COMMON-PASSWORDS-SOURCE.md).

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::domain::password_policy;
use crate::error::AppError;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().collect());

/// Checks a new password for the form field `field`.
pub fn check_new_password(
    field: &str,
    password: &str,
    confirmation: &str,
    personal: &[&str],
) -> Result<(), AppError> {
    password_policy::check(password, personal).map_err(|e| AppError::field(field, e.0))?;
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(AppError::field(
            field,
            "よく使われているパスワードのため使えません。推測されにくいものにしてください。",
        ));
    }
    password_policy::check_confirmation(password, confirmation)
        .map_err(|e| AppError::field(&format!("{field}_confirm"), e.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_over_ten_thousand_common_passwords() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
        assert!(COMMON.contains("password"));
    }

    #[test]
    fn refuses_common_passwords_of_allowed_length() {
        // Every common password the length and character rules let through
        // is refused as common (all of them: a set has no fixed order, so
        // picking "the first" picked a different one each run, and some are
        // refused by those rules first with another message).
        let allowed: Vec<&str> = COMMON
            .iter()
            .copied()
            .filter(|p| password_policy::check(p, &[]).is_ok())
            .collect();
        assert!(allowed.len() > 100, "{}", allowed.len());
        for common in allowed {
            let e = check_new_password("password", common, common, &[]).unwrap_err();
            assert!(
                e.for_field("password")
                    .is_some_and(|m| m.contains("よく使われている")),
                "{common}: {e:?}"
            );
        }
        assert!(check_new_password(
            "password",
            "うみ-そら-やま-2026",
            "うみ-そら-やま-2026",
            &[]
        )
        .is_ok());
    }

    #[test]
    fn a_mismatch_is_told_at_the_confirmation_field() {
        let e = check_new_password(
            "password",
            "うみ-そら-やま-2026",
            "うみ-そら-やま-2025",
            &[],
        )
        .unwrap_err();
        assert!(e.for_field("password_confirm").is_some());
    }
}
