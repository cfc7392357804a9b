//! The form PDFs: A4, real text (the same PDF stack as the registration
//! letter), boxes to write in, and where to send them. Made once per
//! process (they depend only on the configuration).

use std::sync::OnceLock;

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::ssr::pdf::{self, Canvas, PdfError, A4_WIDTH_MM};
use crate::ssr::{AppState, Config};

/// One box to fill in: its label and how tall it is (mm).
type Row = (&'static str, f32);

const JOIN: &[Row] = &[
    ("フリガナ", 10.0),
    ("氏名(自署)", 16.0),
    ("生年月日", 10.0),
    ("住所(〒)", 20.0),
    ("電話番号", 10.0),
    ("勤務先・所属", 12.0),
    ("メールアドレス(任意)", 10.0),
    ("出資金", 10.0),
];

const LEAVE: &[Row] = &[
    ("組合員番号", 10.0),
    ("フリガナ", 10.0),
    ("氏名(自署)", 16.0),
    ("住所(〒)", 20.0),
    ("電話番号", 10.0),
    ("脱退の理由", 12.0),
    ("脱退日(退職日)", 10.0),
    ("出資金の返還先口座", 24.0),
];

fn draw(
    page: &mut Canvas<'_, '_>,
    config: &Config,
    title: &str,
    intro: &str,
    rows: &[Row],
    notes: &[&str],
) {
    let (left, right) = (20.0, A4_WIDTH_MM - 20.0);
    page.text_right(right, 20.0, 9.0, &config.coop_name);
    page.text_centred(34.0, 18.0, title);
    let mut y = page.paragraph(left, 46.0, right - left, 10.0, 5.5, intro);
    page.text_right(right, y + 2.0, 10.0, "記入日      年    月    日");
    y += 8.0;
    let label_w = 48.0;
    for (label, h) in rows {
        page.frame(left, y, right - left, *h, 0.3);
        page.text(left + 3.0, y + h / 2.0 + 1.5, 10.0, label);
        // The divider between the label and the writing space.
        page.frame(left, y, label_w, *h, 0.3);
        match *label {
            "出資金" => page.text(
                left + label_w + 4.0,
                y + h / 2.0 + 1.5,
                10.0,
                "1口 1,000円 ×      口 =         円",
            ),
            "脱退の理由" => page.text(
                left + label_w + 4.0,
                y + h / 2.0 + 1.5,
                10.0,
                "□ 退職   □ 転居   □ その他(            )",
            ),
            "出資金の返還先口座" => {
                page.text(left + label_w + 4.0, y + 7.0, 9.0, "金融機関名・支店名");
                page.text(
                    left + label_w + 4.0,
                    y + 14.0,
                    9.0,
                    "種別 □普通 □当座   口座番号",
                );
                page.text(left + label_w + 4.0, y + 21.0, 9.0, "口座名義(カナ)");
            }
            _ => {}
        }
        y += h;
    }
    y += 9.0;
    page.text(left, y, 11.0, "ご注意");
    y += 6.0;
    for note in notes {
        page.text(left + 2.0, y, 9.5, "・");
        y = page.paragraph(left + 7.0, y, right - left - 7.0, 9.5, 5.2, note);
    }
    // Where to send it, at the foot of the page.
    page.rule(left, 262.0, right - left, 0.3);
    page.text(left, 269.0, 10.5, "提出先");
    page.text(
        left + 16.0,
        269.0,
        10.5,
        &format!("FAX {}", config.coop_fax),
    );
    let mut fy = 275.0;
    for line in pdf::wrap(
        &format!("郵送 {} {}", config.coop_address, config.coop_name),
        right - left - 16.0,
        10.5,
    ) {
        page.text(left + 16.0, fy, 10.5, &line);
        fy += 5.5;
    }
    page.text(
        left + 16.0,
        fy,
        9.0,
        &format!(
            "お問い合わせ 電話 {}({})",
            config.coop_phone, config.coop_phone_hours
        ),
    );
}

fn join(config: &Config) -> Result<Vec<u8>, PdfError> {
    let font = pdf::font(&config.pdf_font)?;
    pdf::a4(&font, "加入申込書", 1, |_, page| {
        draw(
            page,
            config,
            "加入申込書",
            &format!("{}の定款を承認のうえ、組合員として加入を申し込みます。", config.coop_name),
            JOIN,
            &[
                "氏名は必ずご本人が自署してください。",
                "出資金は1口1,000円です。お申込み後、払込のご案内をお送りします。払込を確認したのち、組合員番号とマイページ登録のご案内を郵送します。",
            ],
        )
    })
}

fn leave(config: &Config) -> Result<Vec<u8>, PdfError> {
    let font = pdf::font(&config.pdf_font)?;
    pdf::a4(&font, "脱退届", 1, |_, page| {
        draw(
            page,
            config,
            "脱退届",
            &format!("{}を脱退したく、届け出ます。", config.coop_name),
            LEAVE,
            &[
                "氏名は必ずご本人が自署してください。",
                "出資金は、脱退届の受理後に返還します。年度末に退職される方は7月末の返還です。",
                "マイページは出資金の返還日までご利用いただけます。返還後は閲覧できなくなりますので、請求明細などはお早めにご確認ください。デジタル組合員証も同じ日にご利用いただけなくなります。",
            ],
        )
    })
}

/// The PDF of form `which` (0: 加入申込書, 1: 脱退届), made once.
pub fn form_pdf(config: &Config, which: usize) -> Result<Vec<u8>, PdfError> {
    static MADE: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];
    if let Some(pdf) = MADE[which].get() {
        return Ok(pdf.clone());
    }
    let pdf = if which == 0 {
        join(config)?
    } else {
        leave(config)?
    };
    Ok(MADE[which].get_or_init(|| pdf).clone())
}

async fn respond(state: AppState, which: usize) -> Response {
    let config = state.config.clone();
    match tokio::task::spawn_blocking(move || form_pdf(&config, which)).await {
        Ok(Ok(pdf)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static(if which == 0 {
                        "inline; filename=\"kanyu-moushikomisho.pdf\""
                    } else {
                        "inline; filename=\"dattai-todoke.pdf\""
                    }),
                ),
            ],
            pdf,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "form pdf");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "用紙を作成できませんでした。お電話でお問い合わせください。",
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "form pdf panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /forms/kanyu-moushikomisho.pdf`.
pub async fn join_pdf(State(state): State<AppState>) -> Response {
    respond(state, 0).await
}

/// `GET /forms/dattai-todoke.pdf`.
pub async fn leave_pdf(State(state): State<AppState>) -> Response {
    respond(state, 1).await
}
