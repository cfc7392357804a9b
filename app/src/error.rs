//! The one error type of every server function: typed, serialisable, and worded
//! for the member. Internal details are logged on the server, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session. `timed_out` when the browser had one that ended by idling.
    #[error("ログインしてください。")]
    Unauthenticated { timed_out: bool },
    /// One form field is wrong; `field` is the input's `name`.
    #[error("{message}")]
    Field { field: String, message: String },
    /// Wrong or unknown ID, or wrong password: one answer for all.
    #[error("ユーザーID(またはメールアドレス)またはパスワードが正しくありません。")]
    LoginFailed,
    /// The same for the back office, which logs in by login ID only.
    #[error("ログインIDまたはパスワードが正しくありません。")]
    StaffLoginFailed,
    /// The member's My Page is stopped or has ended (M13, M14); the message
    /// says why and gives the co-op's phone. Only told after a right password.
    #[error("{0}")]
    AccessClosed(String),
    /// マイページ登録 with a wrong or spent combination: one answer for all.
    #[error("入力内容が正しくないか、登録コードの有効期限が切れています。お届けした「マイページ登録のご案内」をご確認ください。")]
    RegistrationFailed,
    /// A right temporary password that ran out (only its holder hears this).
    #[error("仮パスワードの有効期限が切れています。「パスワードを忘れた方はこちら」から再設定するか、当組合までお問い合わせください。")]
    TemporaryPasswordExpired,
    #[error("お手続きが続けて行われたため、受付を一時的に止めています。しばらく時間をおいてから再度お試しください。")]
    RateLimited,
    /// A member's own allowance is used up (inquiries or certificates per
    /// day); the message says which and when it comes back.
    #[error("{0}")]
    Limit(String),
    /// Too many logins at once for the server to check in time.
    #[error("ただいま混み合っています。しばらく時間をおいてから再度お試しください。")]
    Busy,
    /// A mailed link or code that is unknown, used or expired.
    #[error("このURLは無効か、有効期限が切れています。お手数ですが、もう一度はじめからお手続きください。")]
    InvalidLink,
    /// Logged in with a temporary password: only choosing a new one is allowed.
    #[error("新しいパスワードを登録してください。")]
    PasswordChangeRequired,
    /// A mailed code that expired, was used, or was mistyped too often.
    #[error("認証コードの有効期限が切れたか、入力できる回数を超えました。お手数ですが、もう一度はじめからお手続きください。")]
    CodeSpent,
    #[error("お探しの情報が見つかりません。")]
    NotFound,
    /// Asked for something the current state does not allow (a procedure
    /// already decided, a rider already applied for); the message says why.
    #[error("{0}")]
    Conflict(String),
    /// A staff session whose second factor is still to be given.
    #[error("確認コードを入力してください。")]
    SecondFactorRequired,
    /// A staff member without the role for this.
    #[error("この操作を行う権限がありません。")]
    Forbidden,
    /// The service is in a maintenance window; the message says until when.
    #[error("{0}")]
    Maintenance(String),
    #[error("システムエラーが発生しました。しばらくしてから再度お試しください。")]
    Internal,
    /// The request never reached the server function, or its answer never came back.
    #[error("通信エラーが発生しました。通信環境をご確認のうえ、再度お試しください。")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The message for one input, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            Self::Field { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function answers with: only a real fault is a 500.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::Unauthenticated { .. }
            | Self::RegistrationFailed
            | Self::LoginFailed
            | Self::StaffLoginFailed
            | Self::TemporaryPasswordExpired => StatusCode::UNAUTHORIZED,
            Self::Field { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited | Self::Limit(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy | Self::Maintenance(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::InvalidLink | Self::CodeSpent => StatusCode::GONE,
            Self::PasswordChangeRequired
            | Self::Forbidden
            | Self::SecondFactorRequired
            | Self::AccessClosed(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal | Self::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Sets the response status from the error, if any. Every server function's
/// result passes through here (leptos answers every error with 500 otherwise).
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    // A plain form sent to the login page keeps its redirect.
    if leptos::prelude::use_context::<crate::ssr::request::Redirected>().is_some() {
        return result;
    }
    if let Err(e) = &result {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(e.status());
        }
    }
    result
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}
