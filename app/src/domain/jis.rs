//! Names and addresses in JIS X 0208 (M5, seed 000): what members type must
//! be printable by the co-op's systems and letters. A 旧字体 or any other
//! character outside the set is refused, naming the character and the
//! 新字体 to use where one is known (or kana when there is none). The same
//! table gives the display spelling of what the core system sends (seed 000:
//! 「異なる漢字に置き換えて表示する場合があります」).

use japanese_codepoints::jisx0208::JisX0208;
use japanese_codepoints::jisx0208kanji::JisX0208Kanji;
use unicode_normalization::UnicodeNormalization;

/// 旧字体 and 異体字 with the 新字体 a member should type instead. Kept short
/// on purpose: the characters people actually meet in names and addresses.
pub const NEW_FORMS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('德', '徳'),
    ('瀨', '瀬'),
    ('淸', '清'),
    ('曻', '昇'),
    ('﨔', '欅'),
    ('黑', '黒'),
    ('桒', '桑'),
    ('𠮷', '吉'),
    ('\u{FA10}', '塚'),
    ('\u{F9DC}', '隆'),
    ('\u{FA11}', '崎'),
    ('\u{FA19}', '神'),
    ('\u{FA1B}', '福'),
];

fn in_set(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    JisX0208::cached().contains(s) || JisX0208Kanji::cached().contains(s)
}

/// What a member typed, made comparable: 〜 for ～ and ~, − for － and -,
/// ’ ” ‘ for the straight quotes and the back quote (half- or full-width:
/// JIS X 0208 has only the curly ones), half-width katakana in full width
/// (ｶﾞ as ガ), and the other half-width letters, digits, symbols and spaces
/// in their full-width forms (the forms JIS X 0208 has). A backslash stays.
pub fn normalise(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut kana = String::new();
    for c in input.trim().chars() {
        if ('\u{FF61}'..='\u{FF9F}').contains(&c) {
            kana.push(c);
            continue;
        }
        if !kana.is_empty() {
            fold_kana(&kana, &mut out);
            kana.clear();
        }
        out.push(match c {
            '～' | '~' => '〜',
            '－' | '-' => '−',
            '\'' | '＇' => '’',
            '"' | '＂' => '”',
            '`' | '｀' => '‘',
            '\\' => c,
            ' ' => '　',
            '!'..='}' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        });
    }
    fold_kana(&kana, &mut out);
    out
}

/// Half-width katakana in full width. NFKC composes ｶﾞ as ガ; what it cannot
/// compose into JIS X 0208 is spelt as the set does: ﾜﾞ (ヷ) as ワ゛, a
/// sound mark on its own (ﾝﾞ, ﾞ) as ゛ or ゜.
fn fold_kana(kana: &str, out: &mut String) {
    for c in kana.nfkc() {
        match c {
            '\u{30F7}' => out.push_str("ワ゛"),
            '\u{30F8}' => out.push_str("ヰ゛"),
            '\u{30F9}' => out.push_str("ヱ゛"),
            '\u{30FA}' => out.push_str("ヲ゛"),
            '\u{3099}' => out.push('゛'),
            '\u{309A}' => out.push('゜'),
            _ => out.push(c),
        }
    }
}

/// A kanji (where a 新字体 or kana is the way out), rather than a symbol.
fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// The 新字体 for `c`, if the table knows one.
pub fn new_form(c: char) -> Option<char> {
    NEW_FORMS
        .iter()
        .find(|(old, _)| *old == c)
        .map(|(_, new)| *new)
}

/// Why typed text is refused, worded for the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JisError(pub String);

/// Text made only of JIS X 0208 characters, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JisText(String);

impl JisText {
    /// Checks `input` (a name, a kana reading, an address line): not empty,
    /// at most `max_chars`, every character in JIS X 0208. The error names
    /// the first character refused and what to type instead.
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, JisError> {
        let text = normalise(input);
        if text.is_empty() {
            return Err(JisError("入力してください。".to_owned()));
        }
        if text.chars().count() > max_chars {
            return Err(JisError(format!("{max_chars}文字以内で入力してください。")));
        }
        if let Some(c) = text.chars().find(|c| !in_set(*c)) {
            let message = match new_form(c) {
                Some(new) => format!(
                    "「{c}」は使えない文字です。新字体の「{new}」で入力してください。"
                ),
                None if is_kanji(c) => format!(
                    "「{c}」は使えない文字です。新字体で入力するか、新字体のない場合はひらがな・カタカナで入力してください。"
                ),
                None => format!(
                    "「{c}」は使えない文字です。ほかの文字に置き換えて入力してください(例:①は１、㈱は(株)、éはe)。"
                ),
            };
            return Err(JisError(message));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JisText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a registered spelling (kept as the core system sent it) is shown:
/// known 旧字体 in their 新字体, anything else outside JIS X 0208 (a 外字)
/// as 〓. `changed` tells whether the display differs from the record.
pub fn display_spelling(registered: &str) -> (String, bool) {
    let mut changed = false;
    let shown = registered
        .chars()
        .map(|c| {
            if in_set(c) || c.is_ascii() {
                c
            } else {
                changed = true;
                new_form(c).unwrap_or('〓')
            }
        })
        .collect();
    (shown, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_and_addresses_pass() {
        for ok in [
            "共済太郎",
            "キョウサイタロウ",
            "さいたま市浦和区岸町",
            "７丁目５番１４号　みらいハイツ２０３",
            // Level 2 kanji, old forms included, are JIS X 0208.
            "渡邊",
            "齋藤",
        ] {
            assert_eq!(JisText::parse(ok, 60).unwrap().as_str(), ok, "{ok}");
        }
    }

    #[test]
    fn half_width_and_wave_dashes_are_folded_first() {
        assert_eq!(
            JisText::parse(" 1-2-3 Aビル～ ", 60).unwrap().as_str(),
            "１−２−３　Ａビル〜"
        );
        assert_eq!(normalise("－"), "−");
    }

    #[test]
    fn old_forms_are_refused_with_the_new_form() {
        let e = JisText::parse("髙橋", 60).unwrap_err();
        assert_eq!(
            e.0,
            "「髙」は使えない文字です。新字体の「高」で入力してください。"
        );
        assert!(JisText::parse("山﨑", 60).unwrap_err().0.contains("「崎」"));
        assert!(JisText::parse("德川", 60).unwrap_err().0.contains("「徳」"));
    }

    #[test]
    fn other_characters_are_refused_with_the_kana_hint() {
        // Windows-31J accepts these; JIS X 0208 does not.
        for c in ["𪗱", "\u{FA0E}", "丂"] {
            let e = JisText::parse(&format!("株式会社{c}"), 60).unwrap_err();
            assert!(e.0.contains(&format!("「{c}」")), "{c}: {}", e.0);
            assert!(e.0.contains("ひらがな・カタカナ"), "{}", e.0);
        }
        // Not a kanji (a symbol, a foreign letter): no 新字体 or kana hint.
        for c in ["①", "㈱", "🙂", "ⅱ", "é"] {
            let e = JisText::parse(&format!("株式会社{c}"), 60).unwrap_err();
            assert_eq!(
                e.0,
                format!("「{c}」は使えない文字です。ほかの文字に置き換えて入力してください(例:①は１、㈱は(株)、éはe)。")
            );
        }
    }

    #[test]
    fn every_printable_ascii_character_is_typable() {
        for c in '!'..='~' {
            let folded = normalise(&c.to_string());
            assert!(
                folded.chars().all(in_set),
                "{c} becomes {folded}, outside JIS X 0208"
            );
        }
        assert_eq!(
            JisText::parse("D'クラディア \"本館\" 1~3", 60)
                .unwrap()
                .as_str(),
            "Ｄ’クラディア　”本館”　１〜３"
        );
    }

    #[test]
    fn half_width_katakana_is_folded_to_full_width() {
        assert_eq!(
            JisText::parse("ﾐﾗｲﾊｲﾂ ｶﾞｰﾃﾞﾝ203", 60).unwrap().as_str(),
            "ミライハイツ　ガーデン２０３"
        );
        assert_eq!(normalise("ｷｮｳｻｲﾀﾛｳ"), "キョウサイタロウ");
        assert_eq!(normalise("ﾊﾟﾌﾞ･ｸﾞﾘｰﾝ"), "パブ・グリーン");
        // What NFKC cannot compose into the set is spelt as the set does.
        assert_eq!(normalise("ﾜﾞｦﾞﾝﾞﾟ"), "ワ゛ヲ゛ン゛゜");
    }

    #[test]
    fn every_half_width_katakana_with_or_without_a_sound_mark_is_typable() {
        for c in '\u{FF61}'..='\u{FF9F}' {
            for mark in ["", "ﾞ", "ﾟ"] {
                let folded = normalise(&format!("{c}{mark}"));
                assert!(
                    folded.chars().all(in_set),
                    "{c}{mark} becomes {folded:?}, outside JIS X 0208"
                );
            }
        }
    }

    #[test]
    fn empty_and_long_text_are_told() {
        assert!(JisText::parse("  ", 10).is_err());
        assert!(JisText::parse(&"あ".repeat(11), 10)
            .unwrap_err()
            .0
            .contains("10文字以内"));
    }

    #[test]
    fn the_display_spelling_substitutes_and_says_so() {
        assert_eq!(display_spelling("髙橋﨑子"), ("高橋崎子".to_owned(), true));
        assert_eq!(display_spelling("共済太郎"), ("共済太郎".to_owned(), false));
        assert_eq!(display_spelling("𠮷田"), ("吉田".to_owned(), true));
        assert_eq!(display_spelling("①田"), ("〓田".to_owned(), true));
    }

    #[test]
    fn every_new_form_in_the_table_is_typable_and_no_old_form_is() {
        let typable: Vec<char> = NEW_FORMS
            .iter()
            .map(|(o, _)| *o)
            .filter(|o| in_set(*o))
            .collect();
        assert!(typable.is_empty(), "in JIS X 0208 already: {typable:?}");
        for (_, new) in NEW_FORMS {
            assert!(in_set(*new), "{new} must be in JIS X 0208");
        }
    }
}
