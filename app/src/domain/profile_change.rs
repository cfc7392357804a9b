//! 登録内容の変更 (M5): what a member types for a new address, phone numbers
//! or name, checked the same way for the confirmation step and the change.
//! Names and addresses typed by members must be JIS X 0208 (seed 000: a
//! 旧字体 is refused with its 新字体); the core system's own spellings are
//! only ever imported, never typed here.

use super::jis::JisText;
use super::member_fields::{self, ADDRESS_MAX, NAME_MAX, PREFECTURES};
use super::phone::PhoneNumber;
use super::postal::PostalCode;

/// Which input is wrong (its `name` in the form) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAddress {
    pub postal_code: PostalCode,
    pub prefecture: String,
    /// 市区町村・町域・番地.
    pub address1: String,
    /// 建物名・部屋番号; may be empty.
    pub address2: String,
}

impl NewAddress {
    pub fn parse(
        postal_code: &str,
        prefecture: &str,
        address1: &str,
        address2: &str,
    ) -> Result<Self, Problem> {
        let postal_code =
            PostalCode::parse(postal_code).map_err(|e| problem("postal_code", e.0))?;
        let prefecture = prefecture.trim();
        if !PREFECTURES.contains(&prefecture) {
            return Err(problem("prefecture", "都道府県を選んでください。"));
        }
        let address1 =
            JisText::parse(address1.trim(), ADDRESS_MAX).map_err(|e| problem("address1", e.0))?;
        // 丁目・番地 typed after a filled-in town often carry the prefecture
        // again when pasted; it is stored once.
        let address1 = address1
            .as_str()
            .strip_prefix(prefecture)
            .filter(|rest| !rest.is_empty())
            .unwrap_or(address1.as_str())
            .to_owned();
        let address2 = match address2.trim() {
            "" => String::new(),
            typed => JisText::parse(typed, ADDRESS_MAX)
                .map_err(|e| problem("address2", e.0))?
                .as_str()
                .to_owned(),
        };
        Ok(Self {
            postal_code,
            prefecture: prefecture.to_owned(),
            address1,
            address2,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhones {
    pub phone: PhoneNumber,
    pub mobile_phone: Option<PhoneNumber>,
}

impl NewPhones {
    /// The phone is required (any number the member can be called on); the
    /// mobile is optional and must be a mobile number.
    pub fn parse(phone: &str, mobile_phone: &str) -> Result<Self, Problem> {
        let phone = PhoneNumber::parse(phone).map_err(|e| problem("phone", e.0))?;
        let mobile_phone = match mobile_phone.trim() {
            "" => None,
            typed => {
                Some(PhoneNumber::parse_mobile(typed).map_err(|e| problem("mobile_phone", e.0))?)
            }
        };
        Ok(Self {
            phone,
            mobile_phone,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewName {
    pub name: String,
    /// In katakana, as stored.
    pub name_kana: String,
}

impl NewName {
    pub fn parse(name: &str, name_kana: &str) -> Result<Self, Problem> {
        let name = JisText::parse(name.trim(), NAME_MAX).map_err(|e| problem("name", e.0))?;
        let (name, name_kana, _) =
            member_fields::check_name(name.as_str(), name_kana).map_err(|ps| {
                match ps.into_iter().next() {
                    Some(p) => problem(p.field.key(), p.message),
                    None => problem("name", "入力内容をご確認ください。"),
                }
            })?;
        Ok(Self { name, name_kana })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_as_typed() {
        let a = NewAddress::parse(
            "３３０－００６４",
            "埼玉県",
            " さいたま市浦和区岸町７－５－１９ ",
            "",
        )
        .unwrap();
        assert_eq!(a.postal_code.as_str(), "3300064");
        assert_eq!(a.prefecture, "埼玉県");
        assert_eq!(a.address1, "さいたま市浦和区岸町７−５−１９");
        assert_eq!(a.address2, "");
        let pasted =
            NewAddress::parse("3300064", "埼玉県", "埼玉県さいたま市浦和区岸町", "").unwrap();
        assert_eq!(pasted.address1, "さいたま市浦和区岸町");
    }

    #[test]
    fn each_input_says_what_is_wrong() {
        let field = |r: Result<NewAddress, Problem>| r.unwrap_err().field;
        assert_eq!(
            field(NewAddress::parse("330", "埼玉県", "x", "")),
            "postal_code"
        );
        assert_eq!(
            field(NewAddress::parse("3300064", "埼玉", "x", "")),
            "prefecture"
        );
        assert_eq!(
            field(NewAddress::parse("3300064", "埼玉県", "", "")),
            "address1"
        );
        let old_form = NewAddress::parse("3300064", "埼玉県", "髙田町1-2", "").unwrap_err();
        assert_eq!(old_form.field, "address1");
        assert!(old_form.message.contains("「髙」"), "{}", old_form.message);
        assert!(old_form.message.contains("「高」"), "{}", old_form.message);
        let building = NewAddress::parse("3300064", "埼玉県", "岸町1", "①号室").unwrap_err();
        assert_eq!(building.field, "address2");
        let long = "あ".repeat(ADDRESS_MAX + 1);
        assert_eq!(
            field(NewAddress::parse("3300064", "埼玉県", &long, "")),
            "address1"
        );
    }

    #[test]
    fn phones() {
        let p = NewPhones::parse("048-123-4567", "").unwrap();
        assert_eq!(p.phone.as_str(), "048-123-4567");
        assert_eq!(p.mobile_phone, None);
        let p = NewPhones::parse("09012345678", "０８０１２３４５６７８").unwrap();
        assert_eq!(p.phone.as_str(), "090-1234-5678");
        assert_eq!(p.mobile_phone.unwrap().as_str(), "080-1234-5678");
        assert_eq!(NewPhones::parse("", "").unwrap_err().field, "phone");
        assert_eq!(
            NewPhones::parse("048-123-4567", "048-123-4567")
                .unwrap_err()
                .field,
            "mobile_phone"
        );
    }

    #[test]
    fn names() {
        let n = NewName::parse("山田 花子", "やまだ はなこ").unwrap();
        // Spaces become the full-width space of JIS X 0208.
        assert_eq!(n.name, "山田　花子");
        assert_eq!(n.name_kana.replace(' ', "　"), "ヤマダ　ハナコ");
        let old_form = NewName::parse("髙橋 花子", "タカハシ ハナコ").unwrap_err();
        assert_eq!(old_form.field, "name");
        assert_eq!(
            old_form.message,
            "「髙」は使えない文字です。新字体の「高」で入力してください。"
        );
        assert_eq!(
            NewName::parse("山田 花子", "").unwrap_err().field,
            "name_kana"
        );
        assert_eq!(
            NewName::parse("山田 花子", "Yamada").unwrap_err().field,
            "name_kana"
        );
        assert_eq!(NewName::parse("", "ヤマダ").unwrap_err().field, "name");
    }
}
