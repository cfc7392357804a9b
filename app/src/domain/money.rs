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

/// A change of an amount: `+2,000円`, `-1,000円`, `±0円`.
pub fn difference(amount: i64) -> String {
    match amount {
        0 => "±0円".to_owned(),
        a if a > 0 => format!("+{}", yen(a)),
        a => yen(a),
    }
}

#[cfg(test)]
mod tests {
    use super::{difference, yen};

    #[test]
    fn differences_carry_their_sign() {
        assert_eq!(difference(2000), "+2,000円");
        assert_eq!(difference(-1000), "-1,000円");
        assert_eq!(difference(0), "±0円");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(yen(0), "0円");
        assert_eq!(yen(200), "200円");
        assert_eq!(yen(2000), "2,000円");
        assert_eq!(yen(1234567), "1,234,567円");
        assert_eq!(yen(-2000), "-2,000円");
    }
}
