//! The registration letter (マイページ登録のご案内, M12): one A4 page per
//! member, folded in three for a 長形3号 window envelope, the address block
//! where the window is (20 mm from the left, 18–58 mm from the top).

use chrono::NaiveDate;

use crate::domain::jis::display_spelling;
use crate::ssr::pdf::{self, Addressee, Canvas, PdfError, A4_WIDTH_MM};
use crate::ssr::Config;

/// What one letter says.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: Addressee,
    /// `ABCD-EFGH-JKMN`.
    pub code: String,
    pub expires_on: NaiveDate,
    pub issued_on: NaiveDate,
}

fn date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The URL members open, which the QR code also holds.
pub fn register_url(config: &Config) -> String {
    format!("{}/register", config.public_url.trim_end_matches('/'))
}

/// One PDF with a page per letter (CPU work: call it off the async threads).
pub fn render(config: &Config, letters: &[Letter]) -> Result<Vec<u8>, PdfError> {
    let font = pdf::font(&config.pdf_font)?;
    let url = register_url(config);
    let mut qr_error = None;
    let bytes = pdf::a4(
        &font,
        "マイページ登録のご案内",
        letters.len(),
        |i, page| {
            if let Err(e) = draw(page, config, &url, &letters[i]) {
                qr_error.get_or_insert(e);
            }
        },
    )?;
    match qr_error {
        Some(e) => Err(e),
        None => Ok(bytes),
    }
}

fn draw(page: &mut Canvas<'_, '_>, config: &Config, url: &str, l: &Letter) -> Result<(), PdfError> {
    let left = 20.0;
    let right = A4_WIDTH_MM - 20.0;
    let (name, _) = display_spelling(&l.to.name);
    page.window_address(&l.to);

    // The sender, right-aligned above the fold.
    page.text_right(right, 24.0, 10.0, &date(l.issued_on));
    page.text_right(right, 66.0, 10.0, &config.coop_name);
    let mut sy = 71.0;
    for line in pdf::wrap(&config.coop_address, 80.0, 8.5) {
        page.text_right(right, sy, 8.5, &line);
        sy += 4.5;
    }
    page.text_right(
        right,
        sy,
        8.5,
        &format!("電話 {}({})", config.coop_phone, config.coop_phone_hours),
    );

    // The body, below the first fold (99 mm).
    page.text_centred(112.0, 16.0, "マイページ登録のご案内");
    let mut y = page.paragraph(
        left,
        124.0,
        right - left,
        10.5,
        6.0,
        &format!(
            "{name} 様\n\
             日頃より{}をご利用いただき、ありがとうございます。\
             組合員マイページでは、ご契約内容や請求明細の確認、各種お手続きがいつでもご利用いただけます。\
             ご登録に必要な登録コードをお知らせします。",
            config.coop_name
        ),
    );

    // The box with what the member types, and the QR code to the page.
    y += 3.0;
    let box_top = y;
    let box_height = 42.0;
    page.frame(left, box_top, right - left, box_height, 0.4);
    let label = left + 6.0;
    let value = left + 36.0;
    let mut row = box_top + 9.0;
    page.text(label, row, 10.5, "組合員番号");
    page.text(value, row, 13.0, &l.to.member_number);
    row += 9.0;
    page.text(label, row, 10.5, "登録コード");
    page.text(value, row, 15.0, &l.code);
    row += 9.0;
    page.text(label, row, 10.5, "有効期限");
    page.text(value, row, 10.5, &format!("{}まで", date(l.expires_on)));
    row += 9.0;
    page.text(label, row, 10.5, "登録ページ");
    page.text(value, row, 10.5, url);
    page.qr(right - 38.0, box_top + 3.0, 36.0, url)?;

    // How to register.
    y = box_top + box_height + 10.0;
    page.text(left, y, 12.0, "登録の手順");
    y += 7.0;
    for (n, step) in [
        "スマートフォンで上の枠内のQRコードを読み取るか、登録ページのアドレスを入力してください。",
        "組合員番号・登録コード・生年月日を入力します。",
        "ご希望のユーザーIDとパスワード、メールアドレスを入力します。",
        "そのアドレスに届く認証コードを入力すると登録完了です。完了のお知らせをメールでお送りします。",
    ]
    .iter()
    .enumerate()
    {
        page.text(left + 2.0, y, 10.5, &format!("{}.", n + 1));
        y = page.paragraph(left + 8.0, y, right - left - 8.0, 10.5, 5.8, step);
        y += 1.0;
    }

    y += 4.0;
    page.text(left, y, 12.0, "ご注意");
    y += 7.0;
    for note in [
        "登録コードは一度だけお使いいただけます。有効期限を過ぎた場合や、この案内書を紛失された場合は、お電話でお問い合わせください。再発行すると、この登録コードは使えなくなります。",
        "この案内書は大切に保管し、ほかの人に見せないでください。当組合の職員が電話やメールで登録コードやパスワードをおたずねすることはありません。",
    ] {
        page.text(left + 2.0, y, 10.0, "・");
        y = page.paragraph(left + 7.0, y, right - left - 7.0, 10.0, 5.5, note);
        y += 1.0;
    }
    page.rule(left, 282.0, right - left, 0.2);
    page.text(
        left,
        288.0,
        8.5,
        &format!(
            "お問い合わせ {} 電話 {}({})",
            config.coop_name, config.coop_phone, config.coop_phone_hours
        ),
    );
    Ok(())
}
