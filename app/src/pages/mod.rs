//! One module per screen.

mod faq;
mod forgot_id;
mod mypage_home;
mod not_found;
mod top;

pub use faq::FaqPage;
pub use forgot_id::ForgotIdPage;
pub use mypage_home::MyPageHome;
pub use not_found::NotFound;
pub use top::TopPage;
