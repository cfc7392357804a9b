//! A4 documents with real, extractable Japanese text: the registration
//! letter now, forms and certificates later. Built on `krilla` (a maintained
//! high-level PDF writer that subsets and embeds the font, so `pdftotext`
//! and screen readers get the text) with one Japanese font from
//! configuration, by default Debian's BIZ UD Gothic (fonts-morisawa-bizud-gothic,
//! a universal-design face made for printed notices; SIL OFL).
//!
//! Coordinates are millimetres from the top-left corner of the page; text
//! positions are baselines. Widths are measured the way BIZ UDGothic (the
//! fixed-pitch cut) sets them: half an em for ASCII and half-width kana, a
//! full em for everything else.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

/// A4 in millimetres.
pub const A4_WIDTH_MM: f32 = 210.0;
pub const A4_HEIGHT_MM: f32 = 297.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("PDFのフォント {0} を読み込めません(MYPAGE_PDF_FONT)")]
    Font(PathBuf),
    #[error("PDFを作成できません: {0}")]
    Build(String),
}

impl From<PdfError> for crate::error::AppError {
    fn from(e: PdfError) -> Self {
        tracing::error!(error = %e, "pdf");
        crate::error::AppError::Internal
    }
}

/// The font at `path`, read once per process (the file is several MB).
pub fn font(path: &Path) -> Result<Font, PdfError> {
    static LOADED: OnceLock<Mutex<Option<(PathBuf, Font)>>> = OnceLock::new();
    let slot = LOADED.get_or_init(|| Mutex::new(None));
    let mut slot = slot
        .lock()
        .map_err(|_| PdfError::Build("font cache poisoned".into()))?;
    if let Some((loaded, font)) = slot.as_ref() {
        if loaded == path {
            return Ok(font.clone());
        }
    }
    let data = std::fs::read(path).map_err(|_| PdfError::Font(path.to_owned()))?;
    let font =
        Font::new(Arc::new(data).into(), 0).ok_or_else(|| PdfError::Font(path.to_owned()))?;
    *slot = Some((path.to_owned(), font.clone()));
    Ok(font)
}

/// Draws `pages` A4 pages, each by `draw`, into one PDF titled `title`.
pub fn a4(
    font: &Font,
    title: &str,
    pages: usize,
    mut draw: impl FnMut(usize, &mut Canvas<'_, '_>),
) -> Result<Vec<u8>, PdfError> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language("ja".to_owned())
            .creator("組合員マイページ".to_owned()),
    );
    let settings = PageSettings::from_wh(A4_WIDTH_MM * PT_PER_MM, A4_HEIGHT_MM * PT_PER_MM)
        .ok_or_else(|| PdfError::Build("page size".into()))?;
    for index in 0..pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut canvas = Canvas {
            surface: &mut surface,
            font,
        };
        draw(index, &mut canvas);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Build(format!("{e:?}")))
}

/// A PDF answered to open in the browser's viewer, as `file_name`, never
/// cached (letters carry codes, certificates personal amounts).
pub fn response(pdf: Vec<u8>, file_name: &str) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"{file_name}\""))
                    .unwrap_or(HeaderValue::from_static("inline")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        pdf,
    )
        .into_response()
}

/// One page being drawn.
pub struct Canvas<'s, 'p> {
    surface: &'s mut Surface<'p>,
    font: &'s Font,
}

/// How wide `text` is set, in em.
pub fn width_em(text: &str) -> f32 {
    text.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                0.5
            } else {
                1.0
            }
        })
        .sum()
}

/// Characters a line may not start with (行頭禁則, the common set).
fn no_line_start(c: char) -> bool {
    "、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.:;?!)]}".contains(c)
}

/// `text` broken into lines no wider than `width_mm` at `size_pt`; an
/// explicit line break starts a new line. Latin words are not split when
/// they fit on a line of their own.
pub fn wrap(text: &str, width_mm: f32, size_pt: f32) -> Vec<String> {
    let max_em = width_mm * PT_PER_MM / size_pt;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        let chars: Vec<char> = paragraph.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            // A run of ASCII letters/digits is one unit; anything else one char.
            let start = i;
            if chars[i].is_ascii_alphanumeric() {
                while i < chars.len() && chars[i].is_ascii_graphic() {
                    i += 1;
                }
            } else {
                i += 1;
            }
            let unit: String = chars[start..i].iter().collect();
            let w = width_em(&unit);
            let first = unit.chars().next().unwrap_or(' ');
            if used + w > max_em && !line.is_empty() && !no_line_start(first) {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
                if unit == " " {
                    continue;
                }
            }
            line.push_str(&unit);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// Who a mailed document goes to, as the 長形3号 window envelope shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    /// Seven digits.
    pub postal_code: String,
    pub address: Vec<String>,
    pub name: String,
    /// `0123-45678`.
    pub member_number: String,
}

impl Addressee {
    /// A member's postal address as recorded (the prefecture and 住所1 on one
    /// line, 住所2 on the next when there is one).
    pub fn of(m: &crate::ssr::entities::member::Model) -> Self {
        Self {
            postal_code: m.postal_code.clone(),
            address: [
                format!("{}{}", m.prefecture, m.address1),
                m.address2.clone(),
            ]
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect(),
            name: m.name.clone(),
            member_number: crate::auth::ssr::display_member_number(&m.member_number),
        }
    }
}

/// How wide the address may run inside the envelope window.
pub const WINDOW_WIDTH_MM: f32 = 86.0;

/// `〒330-0064`.
pub fn postal(code: &str) -> String {
    if code.len() == 7 && code.is_ascii() {
        format!("〒{}-{}", &code[..3], &code[3..])
    } else {
        format!("〒{code}")
    }
}

/// The type size and leading of the address block: 11 pt for up to three
/// lines, smaller (down to 8 pt) for a longer address, so the name stays in
/// the window.
pub fn address_size(address: &[String]) -> (f32, f32) {
    for size in [11.0, 10.0, 9.0, 8.0] {
        let lines: usize = address
            .iter()
            .map(|a| wrap(a, WINDOW_WIDTH_MM, size).len())
            .sum();
        if lines <= 3 {
            return (size, size / 2.0);
        }
    }
    (8.0, 4.0)
}

impl Canvas<'_, '_> {
    /// The address block where a 長形3号 window envelope shows it (20 mm
    /// from the left, 18–58 mm from the top, the page folded in three):
    /// postal code, address, name 様, member number. Names and addresses as
    /// the core system sent them may hold characters the printer's font
    /// lacks: their display spelling (seed 000).
    pub fn window_address(&mut self, to: &Addressee) {
        use crate::domain::jis::display_spelling;
        let left = 20.0;
        let mut y = 24.0;
        self.text(left + 2.0, y, 11.0, &postal(&to.postal_code));
        y += 6.0;
        let address: Vec<String> = to.address.iter().map(|a| display_spelling(a).0).collect();
        // The name must stay inside the window (down to 58 mm): a long
        // address is set smaller.
        let (size, leading) = address_size(&address);
        for line in &address {
            y = self.paragraph(left + 2.0, y, WINDOW_WIDTH_MM, size, leading, line);
        }
        y += 2.5;
        let (name, _) = display_spelling(&to.name);
        self.text(left + 6.0, y, 14.0, &format!("{name} 様"));
        self.text(
            left + 2.0,
            y + 7.0,
            9.0,
            &format!("組合員番号 {}", to.member_number),
        );
    }

    /// `text` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size_pt: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.surface.set_fill(Some(black_fill()));
        self.surface.draw_text(
            Point::from_xy(x * PT_PER_MM, y * PT_PER_MM),
            self.font.clone(),
            size_pt,
            text,
            false,
            TextDirection::LeftToRight,
        );
    }

    /// `text` ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size_pt: f32, text: &str) {
        let w = width_em(text) * size_pt / PT_PER_MM;
        self.text(right - w, y, size_pt, text);
    }

    /// `text` centred on the page.
    pub fn text_centred(&mut self, y: f32, size_pt: f32, text: &str) {
        let w = width_em(text) * size_pt / PT_PER_MM;
        self.text((A4_WIDTH_MM - w) / 2.0, y, size_pt, text);
    }

    /// `text` wrapped into `width` from (`x`, `y`), lines `leading` mm apart;
    /// answers the baseline after the last line.
    pub fn paragraph(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        size_pt: f32,
        leading: f32,
        text: &str,
    ) -> f32 {
        let mut y = y;
        for line in wrap(text, width, size_pt) {
            self.text(x, y, size_pt, &line);
            y += leading;
        }
        y
    }

    /// A rectangle's outline, `width_mm` thick.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width_mm: f32) {
        let Some(rect) =
            Rect::from_xywh(x * PT_PER_MM, y * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM)
        else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        self.stroke(pb, width_mm);
    }

    /// Strokes `pb` in black, `width_mm` thick.
    fn stroke(&mut self, pb: PathBuilder, width_mm: f32) {
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: rgb::Color::black().into(),
                width: width_mm * PT_PER_MM,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x: f32, y: f32, w: f32, width_mm: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x * PT_PER_MM, y * PT_PER_MM);
        pb.line_to((x + w) * PT_PER_MM, y * PT_PER_MM);
        self.stroke(pb, width_mm);
    }

    /// A QR code of `data`, `size` mm square (quiet zone included), its
    /// top-left corner at (`x`, `y`). Drawn as vector squares, so it prints
    /// sharp at any resolution.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &str) -> Result<(), PdfError> {
        let code = qrcode::QrCode::new(data.as_bytes())
            .map_err(|e| PdfError::Build(format!("qr: {e}")))?;
        let modules = code.width();
        let colors = code.to_colors();
        let quiet = 4;
        let cell = size / (modules + 2 * quiet) as f32 * PT_PER_MM;
        let (x0, y0) = (x * PT_PER_MM, y * PT_PER_MM);
        let mut pb = PathBuilder::new();
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (col, row) = ((i % modules + quiet) as f32, (i / modules + quiet) as f32);
                if let Some(rect) = Rect::from_xywh(x0 + col * cell, y0 + row * cell, cell, cell) {
                    pb.push_rect(rect);
                }
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(black_fill()));
            self.surface.draw_path(&path);
        }
        Ok(())
    }
}

fn black_fill() -> Fill {
    Fill {
        paint: rgb::Color::black().into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_long_address_is_set_smaller() {
        let short = vec!["埼玉県さいたま市浦和区岸町7-5-14".to_owned()];
        assert_eq!(address_size(&short), (11.0, 5.5));
        let long = vec![
            "北海道札幌市中央区北一条西二十丁目三番地の四十五".repeat(2),
            "サンプルグランドレジデンス札幌北一条ウエストタワー2501号室".to_owned(),
        ];
        assert!(address_size(&long).0 < 11.0);
    }

    #[test]
    fn postal_codes_get_their_hyphen() {
        assert_eq!(postal("3300064"), "〒330-0064");
        assert_eq!(postal("330-0064"), "〒330-0064");
    }

    use super::*;

    #[test]
    fn widths_follow_the_fixed_pitch_face() {
        assert_eq!(width_em("ABC"), 1.5);
        assert_eq!(width_em("登録"), 2.0);
        assert_eq!(width_em("ｱｲ"), 1.0);
    }

    #[test]
    fn wrapping_keeps_lines_inside_and_punctuation_off_the_line_start() {
        // 10 pt on 10 em (35.28 mm): ten full-width characters a line.
        let width = 10.0 * 10.0 / PT_PER_MM;
        let lines = wrap("あいうえおかきくけこ。さしすせそ", width + 0.01, 10.0);
        assert_eq!(lines, vec!["あいうえおかきくけこ。", "さしすせそ"]);
        let lines = wrap("URL https://example.jp/register です", width + 0.01, 10.0);
        assert!(lines
            .iter()
            .any(|l| l.contains("https://example.jp/register")));
        assert_eq!(
            wrap("一行目\n二行目", 100.0, 10.0),
            vec!["一行目", "二行目"]
        );
    }
}
