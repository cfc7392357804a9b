//! Password rules (M3, issue 3): long enough, not too long, no composition
//! rules (NIST SP 800-63B), and not the member's own ID, email or number.
//! The common-password check needs the server's list and lives there.

use super::ParseError;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// What the form says before the member types.
pub const RULES: &[&str] = &[
    "12文字以上128文字以内で入力してください。",
    "英字・数字・記号の組み合わせは自由です。長い言葉の組み合わせ(例:うみ-そら-やま-2026)がおすすめです。",
    "ユーザーID・メールアドレス・組合員番号と同じもの、よく使われるパスワードは使えません。",
];

/// Checks the rules that need no list. `personal` holds the member's user ID,
/// email address and member number.
pub fn check(password: &str, personal: &[&str]) -> Result<(), ParseError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(ParseError("パスワードは12文字以上で入力してください。"));
    }
    if len > MAX_LEN {
        return Err(ParseError("パスワードは128文字以内で入力してください。"));
    }
    if password.chars().any(char::is_control) {
        return Err(ParseError("パスワードに使えない文字が含まれています。"));
    }
    let folded = password.to_lowercase();
    let digits: String = folded.chars().filter(|c| c.is_ascii_digit()).collect();
    for p in personal.iter().filter(|p| !p.is_empty()) {
        let p = p.to_lowercase();
        let p_digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
        // A member number written with or without its hyphen.
        let same_number = p_digits.len() >= 6 && digits.contains(&p_digits);
        if folded == p || folded.contains(&p) || same_number {
            return Err(ParseError(
                "ユーザーID・メールアドレス・組合員番号を含むパスワードは使えません。",
            ));
        }
    }
    if folded.chars().all(|c| folded.starts_with(c)) {
        return Err(ParseError("同じ文字だけのパスワードは使えません。"));
    }
    Ok(())
}

/// Both entries of a new password must agree.
pub fn check_confirmation(password: &str, confirmation: &str) -> Result<(), ParseError> {
    if password == confirmation {
        Ok(())
    } else {
        Err(ParseError("確認用のパスワードが一致しません。"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &[&str] = &["kyosai.taro", "taro@example.jp", "012345678"];

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check("あいうえおかきくけこさし", ME).is_ok()); // 12 chars
        assert!(check("あいうえおかきくけこさ", ME).is_err()); // 11 chars
        assert!(check(&"ab".repeat(64), ME).is_ok());
        assert!(check(&"ab".repeat(65), ME).is_err());
    }

    #[test]
    fn no_composition_rules() {
        assert!(check("correct horse battery staple", ME).is_ok());
        assert!(check("うみ-そら-やま-2026", ME).is_ok());
    }

    #[test]
    fn refuses_the_members_own_identifiers() {
        assert!(check("kyosai.taro-2026", ME).is_err());
        assert!(check("TARO@EXAMPLE.JP", ME).is_err());
        assert!(check("0123-45678!!", ME).is_err());
        assert!(check("aaaaaaaaaaaaaa", ME).is_err());
        assert!(check("\u{7}aaaaaaaaaaaab", ME).is_err());
    }

    #[test]
    fn confirmation_must_match() {
        assert!(check_confirmation("a", "a").is_ok());
        assert!(check_confirmation("a", "b").is_err());
    }
}
