//! Money as members read it: `2,000円`.

/// Yen with thousands separators.
pub fn yen(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{out}円")
}

#[cfg(test)]
mod tests {
    use super::yen;

    #[test]
    fn groups_thousands() {
        assert_eq!(yen(0), "0円");
        assert_eq!(yen(200), "200円");
        assert_eq!(yen(2000), "2,000円");
        assert_eq!(yen(1234567), "1,234,567円");
        assert_eq!(yen(-2000), "-2,000円");
    }
}
