//! Pieces shared by several pages.

mod form;
mod layout;
mod member_shell;
mod staff_shell;

pub use form::{
    action_error, invalid, successes, CodeField, ErrorSignal, FieldError, FormError,
    IdentifierField, NewPasswordFields,
};
pub use layout::{PublicLayout, SiteFooter};
pub use member_shell::{Loaded, MemberShell, ShowError, MENU_ACCOUNT, MENU_PROFILE};
pub use staff_shell::{StaffError, StaffShell};
