//! Form pieces: messages next to fields, the form-wide message, and the new
//! password fields with their rules shown before typing.

use crate::domain::password_policy;
use crate::error::AppError;
use leptos::prelude::*;

/// The latest error of an action, as a signal.
pub type ErrorSignal = Signal<Option<AppError>>;

/// The message for `field`, in the element `aria-describedby` points at.
#[component]
pub fn FieldError(error: ErrorSignal, field: &'static str) -> impl IntoView {
    view! {
        <p class="field-error" id=format!("{field}-error")>
            {move || error.get().and_then(|e| e.for_field(field))}
        </p>
    }
}

/// `"true"` when `field` has an error, for `aria-invalid`.
pub fn invalid(error: ErrorSignal, field: &'static str) -> impl Fn() -> &'static str + Copy {
    move || {
        if error.get().and_then(|e| e.for_field(field)).is_some() {
            "true"
        } else {
            "false"
        }
    }
}

/// Errors that belong to no single field. A form sent after the session
/// ended goes to the login page, which brings the member back here (M2).
#[component]
pub fn FormError(error: ErrorSignal) -> impl IntoView {
    view! {
        <p class="form-error" role="alert">
            {move || {
                error
                    .get()
                    .filter(|e| !matches!(e, AppError::Field { .. } | AppError::Unauthenticated { .. }))
                    .map(|e| e.to_string())
            }}
        </p>
        {move || match error.get() {
            Some(AppError::Unauthenticated { timed_out }) => {
                Some(view! { <super::member_shell::LoginAgain timed_out /> })
            }
            _ => None,
        }}
    }
}

/// User ID or email (`identifier`), for logging in and for a forgotten password.
#[component]
pub fn IdentifierField(error: ErrorSignal) -> impl IntoView {
    view! {
        <div class="field">
            <label for="identifier">"ユーザーIDまたはメールアドレス"</label>
            <input
                id="identifier"
                name="identifier"
                autocomplete="username"
                maxlength="254"
                required
                aria-describedby="identifier-error"
                aria-invalid=invalid(error, "identifier")
            />
            <FieldError error field="identifier" />
        </div>
    }
}

/// A six-digit code from a mail (`code`).
#[component]
pub fn CodeField(error: ErrorSignal) -> impl IntoView {
    view! {
        <div class="field">
            <label for="code">"認証コード(6桁)"</label>
            <input
                id="code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="12"
                required
                aria-describedby="code-error"
                aria-invalid=invalid(error, "code")
            />
            <FieldError error field="code" />
        </div>
    }
}

/// New password and its confirmation (`password`, `password_confirm`).
#[component]
pub fn NewPasswordFields(error: ErrorSignal) -> impl IntoView {
    view! {
        <div class="rules" id="password-rules">
            <p class="rules__title">"パスワードの条件"</p>
            <ul>{password_policy::RULES.iter().map(|r| view! { <li>{*r}</li> }).collect_view()}</ul>
        </div>
        <div class="field">
            <label for="password">"新しいパスワード"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                minlength=password_policy::MIN_LEN.to_string()
                maxlength=password_policy::MAX_LEN.to_string()
                required
                aria-describedby="password-rules password-error"
                aria-invalid=invalid(error, "password")
            />
            <FieldError error field="password" />
        </div>
        <div class="field">
            <label for="password_confirm">"新しいパスワード(確認)"</label>
            <input
                id="password_confirm"
                name="password_confirm"
                type="password"
                autocomplete="new-password"
                maxlength=password_policy::MAX_LEN.to_string()
                required
                aria-describedby="password_confirm-error"
                aria-invalid=invalid(error, "password_confirm")
            />
            <FieldError error field="password_confirm" />
        </div>
    }
}

/// The error of a server action's latest result.
pub fn action_error<I, O>(action: ServerAction<I>) -> ErrorSignal
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// Counts the successes of `results` (the `value()` of server actions), for a
/// resource to reload on: only after a change, so a refused form keeps what
/// was typed. One effect each: a condition reading them all would stop
/// listening to the later ones once an earlier one has succeeded.
pub fn successes<const N: usize>(
    results: [MappedSignal<Option<Result<(), AppError>>>; N],
) -> ReadSignal<usize> {
    let count = RwSignal::new(0);
    for done in results {
        Effect::new(move || {
            if matches!(done.get(), Some(Ok(()))) {
                count.update(|n| *n += 1);
            }
        });
    }
    count.read_only()
}
