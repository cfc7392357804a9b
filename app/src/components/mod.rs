//! Pieces shared by several pages.

mod layout;
mod member_shell;

pub use layout::{PublicLayout, SiteFooter};
pub use member_shell::{MemberShell, ShowError};
