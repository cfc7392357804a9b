//! 加入申込書 and 脱退届 (M14): joining and leaving need the member's own
//! signature on paper, so the site offers the forms as PDFs to print, fill
//! in and send by FAX or post (seed 001). The public page is
//! `pages::forms`; the PDFs are made on the server from the configuration.

#[cfg(feature = "ssr")]
pub mod ssr;

/// The forms offered, with their download paths.
pub const FORMS: [(&str, &str); 2] = [
    ("加入申込書", "/forms/kanyu-moushikomisho.pdf"),
    ("脱退届", "/forms/dattai-todoke.pdf"),
];
