//! The staff back office (`/staff`): staff login, the procedure queue (S3),
//! member lookup (S2), the audit log (S6) and staff accounts (S1).

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::contract::ContractView;
use crate::domain::staff::StaffRole;
use crate::error::AppError;
use crate::procedure::{ProcedureDetail, ProcedureSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in staff member, for the back-office header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInfo {
    pub name: String,
    pub login_id: String,
    pub role: StaffRole,
}

/// A member as lists show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBrief {
    pub id: i32,
    /// `0123-45678`.
    pub number: String,
    pub name: String,
    pub kana: String,
}

/// What a member search found: members whose number, name or kana is the
/// text typed come first, then those with it in their name or kana, each
/// group in kana order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSearch {
    pub rows: Vec<MemberBrief>,
    /// More members have the text in their name or kana than the list
    /// shows: the staff member should type more of it.
    pub more: bool,
}

/// A bounded staff list: at most its limit of rows, and whether more
/// matched (staff are told to narrow it down).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub more: bool,
    /// Newest first (a finished or full view) rather than oldest waiting first.
    pub newest_first: bool,
}

#[cfg(feature = "ssr")]
impl<T> Listing<T> {
    /// From rows read with a limit of `max + 1`.
    pub fn of(mut rows: Vec<T>, max: u64, newest_first: bool) -> Self {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        let more = rows.len() > max;
        rows.truncate(max);
        Self {
            rows,
            more,
            newest_first,
        }
    }

    /// The same list with its rows made into what the screen shows (rows
    /// dropped here do not change whether more matched).
    pub fn map_rows<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Listing<U> {
        Listing {
            rows: f(self.rows),
            more: self.more,
            newest_first: self.newest_first,
        }
    }
}

/// One row of the procedure queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub procedure: ProcedureSummary,
    pub member: MemberBrief,
}

/// A procedure as staff work on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureCase {
    pub detail: ProcedureDetail,
    pub member: MemberBrief,
    /// The contract as in force today.
    pub contract: Option<ContractView>,
    /// (code, label) of the statuses it may move to now.
    pub next: Vec<(String, String)>,
    /// Approving asks for a coverage start date.
    pub asks_start_date: bool,
    /// The first of next month, `2026-12-01`, offered as the start date.
    pub suggested_start: String,
    /// A paper 掛金払込証明書 reissue not cancelled or declined: the year
    /// staff print and mail.
    pub prints_certificate: Option<i32>,
    /// Where what is mailed goes (documents, a paper certificate): the
    /// member's registered address now, and whether the member changed it
    /// after filing.
    pub ship_to: Option<(String, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub brief: MemberBrief,
    pub birth_date: String,
    pub address: String,
    pub phone: String,
    /// 勤務先, or `—`.
    pub workplace: String,
    /// `None` without a My Page account.
    pub email: Option<String>,
    pub user_id: Option<String>,
    pub locked: bool,
    /// A 仮パスワード not replaced yet: until when it works (JST), and
    /// whether that has passed (the member is refused until a reset).
    pub temporary_password: Option<(String, bool)>,
    /// The latest logins, newest first (why a member cannot log in).
    pub logins: Vec<crate::account::LoginRecord>,
    /// The staff member looking is an admin and the member has an account:
    /// they may end the member's sessions.
    pub can_end_sessions: bool,
    /// An admin looking at a member with an account: may change the mail
    /// address (after confirming who asks).
    pub can_change_email: bool,
    /// An admin looking at a withdrawal whose refund date has not passed:
    /// may take it back when it was recorded by mistake.
    pub can_cancel_withdrawal: bool,
    /// Where the member stands with My Page (M12–M14).
    pub stage: crate::domain::membership::Stage,
    /// The 出資金 payment is recorded (a registration letter needs it).
    pub capital_paid: bool,
    /// The recorded payment, `1,000円(2026/11/20 払込)`, or that none is.
    pub capital: String,
    /// `2027/3/31`, once a withdrawal is recorded.
    pub withdrawn_on: Option<String>,
    /// The recorded dates as a date field takes them (`2027-03-31`,
    /// `2027-07-31`), to correct them.
    pub withdrawal_dates: Option<(String, String)>,
    /// The last day of My Page after a withdrawal (`2027/7/31`).
    pub access_until: Option<String>,
    /// Offered when recording a withdrawal today: `2027-07-31`.
    pub suggested_refund: String,
    pub contracts: Vec<ContractView>,
    pub procedures: Vec<ProcedureSummary>,
    /// The member's inquiries, most recently changed first.
    pub inquiries: Vec<crate::inquiry::InquirySummary>,
    /// The latest statements, newest first (a member asking about a bill).
    pub statements: Vec<crate::money::StatementSummary>,
    /// Mails to the member's address that failed or are being retried.
    pub mail_trouble: Option<crate::mails::MailTrouble>,
    /// Changed here and not yet seen in a members import, for staff to
    /// carry into the core system: `住所(2026/11/23)`.
    pub pending_core: Vec<String>,
    /// What staff may file for the member, asked by phone or at the counter.
    pub filing: PhoneFiling,
}

/// The choices of a procedure staff file for a member (M7: made by staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneFiling {
    /// Riders and courses per contract, and the documents.
    pub options: crate::procedure::ApplyOptions,
    /// Years a paper 掛金払込証明書 may be filed for, newest first.
    pub certificate_years: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    /// 組合員 / 職員 / システム, with who.
    pub actor: String,
    /// `0123-45678 共済太郎`.
    pub member: Option<String>,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i32,
    pub login_id: String,
    pub name: String,
    pub role: StaffRole,
    pub active: bool,
    pub locked: bool,
    pub last_login: Option<String>,
    /// The admin looking at the list.
    pub is_me: bool,
}

/// Reads of a member's data (on record for "who looked at my data"), left
/// out of the history on the member's page, which lists changes.
pub const VIEW_ACTIONS: [&str; 3] = ["member_viewed", "procedure_viewed", "inquiry_viewed"];

/// Action codes and how staff read them.
pub const AUDIT_ACTIONS: [(&str, &str); 58] = [
    ("procedure_filed", "お手続きの受付"),
    ("procedure_status", "お手続きの状況変更"),
    ("password_changed", "パスワード変更"),
    ("password_reset", "パスワード再設定"),
    ("user_id_changed", "ユーザーID変更"),
    ("email_changed", "メールアドレス変更"),
    ("temporary_password_issued", "仮パスワード発行"),
    ("account_unlocked", "ロック解除(組合員)"),
    ("known_browsers_forgotten", "認証済みブラウザの解除"),
    ("other_sessions_ended", "ほかの端末のログアウト"),
    ("staff_created", "職員アカウント作成"),
    ("staff_role", "職員の権限変更"),
    ("staff_disabled", "職員アカウント停止"),
    ("staff_enabled", "職員アカウント再開"),
    ("staff_unlocked", "ロック解除(職員)"),
    ("staff_reset", "職員のログイン情報リセット"),
    ("staff_password_changed", "職員のパスワード変更"),
    ("staff_second_factor_enrolled", "職員の二段階認証の登録"),
    ("member_sessions_ended", "組合員のログイン強制終了"),
    ("member_viewed", "組合員情報の閲覧"),
    ("procedure_viewed", "お手続きの閲覧"),
    ("service_stopped", "マイページの利用停止"),
    ("service_reopened", "マイページの利用再開"),
    ("withdrawal_recorded", "脱退の記録"),
    ("withdrawal_corrected", "脱退の記録の訂正"),
    ("withdrawal_cancelled", "脱退の取消"),
    ("registration_code_issued", "登録コードの発行"),
    ("registered", "マイページ登録"),
    ("member_created", "組合員の登録(出資金確認済み)"),
    ("capital_recorded", "出資金の入金の記録"),
    ("members_imported", "組合員データの取込"),
    ("member_imported", "取込による登録内容の更新"),
    ("name_changed", "氏名の変更(確認済み)"),
    ("card_verified", "組合員証の確認"),
    ("address_changed", "住所の変更"),
    ("phone_changed", "電話番号の変更"),
    ("certificate_issued", "掛金払込証明書の発行"),
    ("certificate_verified", "証明書の検証"),
    ("statements_imported", "請求明細の取込"),
    ("payments_imported", "入金データの取込"),
    ("rebates_imported", "割戻金データの取込"),
    ("catalogue_imported", "コース・特約データの取込"),
    ("contracts_imported", "契約データの取込"),
    ("inquiry_started", "お問い合わせの受付"),
    ("inquiry_member_replied", "お問い合わせへの組合員の返信"),
    ("inquiry_viewed", "お問い合わせの閲覧"),
    ("inquiry_replied", "お問い合わせへの回答"),
    ("inquiry_noted", "お問い合わせの内部メモ"),
    ("inquiry_assigned", "お問い合わせの担当"),
    ("inquiry_closed", "お問い合わせの完了"),
    ("notice_published", "お知らせの登録"),
    ("notice_ended", "お知らせの掲載終了"),
    ("notice_withdrawn", "お知らせの取り消し"),
    ("maintenance_scheduled", "メンテナンスの予定"),
    ("maintenance_ended", "メンテナンスの早期終了"),
    ("maintenance_cancelled", "メンテナンスの取り消し"),
    ("mail_resent", "メールの再送"),
    ("mail_cancelled", "メールの送信取消"),
];

/// The second step of a staff login: the code form, or the enrolment of the
/// authenticator app (its secret and QR code, for this step only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactor {
    pub name: String,
    pub enrolled: bool,
    /// Base32, to type into an app that cannot scan.
    pub secret: Option<String>,
    /// An SVG of the `otpauth://` URI.
    pub qr_svg: Option<String>,
}

#[server(endpoint = "staff/second_factor")]
pub async fn load_second_factor() -> Result<SecondFactor, AppError> {
    crate::error::with_status(ssr::second_factor_state().await)
}

/// A TOTP code or a recovery code; goes on to `next` (within `/staff`).
#[server(endpoint = "staff/second_factor/verify")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    crate::error::with_status(ssr::second_factor_verify(&code, next.as_deref()).await)
}

/// Enrols the app with its first code; answers the recovery codes, shown once.
#[server(endpoint = "staff/second_factor/enrol")]
pub async fn enrol_second_factor(code: String) -> Result<Vec<String>, AppError> {
    crate::error::with_status(ssr::second_factor_enrol(&code).await)
}

/// Logs a staff member in and goes to `next` (within `/staff`) or the queue.
#[server(endpoint = "staff/login")]
pub async fn staff_login(
    login_id: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::login_request(&login_id, &password, next.as_deref()).await)
}

#[server(endpoint = "staff/session")]
pub async fn load_staff() -> Result<StaffInfo, AppError> {
    crate::error::with_status(ssr::info().await)
}

/// The queue, filtered by kind and status codes; no status means all open
/// ones. A 受付番号 (`20261123-000042`) finds that procedure whatever the
/// other filters.
#[server(endpoint = "staff/queue")]
pub async fn staff_queue(
    kind: Option<String>,
    status: Option<String>,
    receipt: Option<String>,
) -> Result<Listing<QueueRow>, AppError> {
    crate::error::with_status(
        ssr::office::queue(kind.as_deref(), status.as_deref(), receipt.as_deref()).await,
    )
}

#[server(endpoint = "staff/procedure")]
pub async fn staff_procedure(id: i32) -> Result<ProcedureCase, AppError> {
    crate::error::with_status(ssr::office::procedure(id).await)
}

/// Moves a procedure to status `to`, with a comment and, when approving a
/// course change or rider, the coverage start date (`2026-12-01`). The form
/// chooses no status beforehand: none sent is told at the field.
#[server(endpoint = "staff/procedure/move")]
pub async fn staff_move_procedure(
    id: i32,
    #[server(default)] to: String,
    comment: Option<String>,
    starts_on: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::office::move_procedure(id, &to, comment.as_deref(), starts_on.as_deref()).await,
    )
}

/// Members by number, or part of a name or its kana.
#[server(endpoint = "staff/members")]
pub async fn staff_search_members(q: String) -> Result<MemberSearch, AppError> {
    crate::error::with_status(ssr::office::search_members(&q).await)
}

#[server(endpoint = "staff/member")]
pub async fn staff_member(id: i32) -> Result<MemberRecord, AppError> {
    crate::error::with_status(ssr::office::member(id).await)
}

/// The audit log, newest first, filtered by actor kind, action, member number
/// and JST dates (`2026-11-23`); `changes_only` (any value) leaves out staff
/// opening records. `more` when older entries matched too.
#[server(endpoint = "staff/audit")]
pub async fn staff_audit(
    actor: Option<String>,
    action: Option<String>,
    member: Option<String>,
    from: Option<String>,
    until: Option<String>,
    changes_only: Option<String>,
) -> Result<Listing<AuditRow>, AppError> {
    crate::error::with_status(
        ssr::audit_view::entries(ssr::audit_view::Filter {
            actor: actor.as_deref(),
            action: action.as_deref(),
            member: member.as_deref(),
            member_id: None,
            from: from.as_deref(),
            until: until.as_deref(),
            hide_views: changes_only.is_some_and(|c| !c.is_empty()),
        })
        .await,
    )
}

/// The changes to one member's record, newest first, without the views:
/// the history on the member's page (S2).
#[server(endpoint = "staff/member/history")]
pub async fn staff_member_history(member_id: i32) -> Result<Vec<AuditRow>, AppError> {
    crate::error::with_status(
        ssr::audit_view::entries(ssr::audit_view::Filter {
            actor: None,
            action: None,
            member: None,
            member_id: Some(member_id),
            from: None,
            until: None,
            hide_views: true,
        })
        .await
        .map(|listing| listing.rows),
    )
}

/// Staff accounts (admins only).
#[server(endpoint = "staff/accounts")]
pub async fn staff_accounts() -> Result<Vec<StaffRow>, AppError> {
    crate::error::with_status(ssr::accounts::list().await)
}

/// Creates a staff account (admins only); the colleague gets a setup link
/// at `email` and chooses their own password.
#[server(endpoint = "staff/accounts/create")]
pub async fn create_staff_account(
    login_id: String,
    name: String,
    role: String,
    email: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::accounts::create_request(&login_id, &name, &role, &email).await)
}

/// Whom a setup or reset link is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSetup {
    pub login_id: String,
    pub name: String,
}

#[server(endpoint = "staff/setup/check")]
pub async fn check_staff_setup(token: String) -> Result<StaffSetup, AppError> {
    crate::error::with_status(ssr::accounts::check_link_request(&token).await)
}

/// Chooses the password with a setup or reset link; goes to the login.
#[server(endpoint = "staff/setup")]
pub async fn complete_staff_setup(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::accounts::complete_link_request(&token, &password, &password_confirm).await,
    )
}

/// A staff member changes their own password; their other sessions end.
#[server(endpoint = "staff/password")]
pub async fn change_staff_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::accounts::change_password(&current_password, &password, &password_confirm).await,
    )
}

/// One staff login attempt, for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLoginRow {
    pub at: String,
    /// As typed.
    pub login_id: String,
    /// The account's name, when the ID named one.
    pub name: Option<String>,
    pub result: String,
    pub ok: bool,
    pub ip: String,
    pub browser: String,
}

/// The newest staff logins, successes, failures and locks (admins only).
#[server(endpoint = "staff/logins")]
pub async fn staff_login_history() -> Result<Vec<StaffLoginRow>, AppError> {
    crate::error::with_status(ssr::accounts::login_history().await)
}

/// Members with no My Page account and no usable registration code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LettersWaiting {
    /// Their 出資金 payment recorded: the next batch of letters.
    pub ready: u64,
    /// No payment recorded yet: no letter until it is (seed 001).
    pub unpaid: u64,
}

/// Who is waiting for a registration letter (M12).
#[server(endpoint = "staff/letters/waiting")]
pub async fn staff_letters_waiting() -> Result<LettersWaiting, AppError> {
    crate::error::with_status(ssr::office::letters_waiting().await)
}

/// A members CSV upload in the list (S7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i32,
    /// 組合員データ / 請求明細 / 入金 / 割戻金.
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub rows: u32,
    pub at: String,
}

/// One problem of an upload, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportIssue {
    pub row: String,
    pub column: String,
    /// 取込不可 / 警告(取込済).
    pub kind: String,
    pub message: String,
}

/// An upload: its preview, then its progress and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i32,
    /// 組合員データ / 請求明細 / 入金 / 割戻金.
    pub kind_label: String,
    /// What `inserted` and `updated` count.
    pub new_label: String,
    pub updated_label: String,
    pub file_name: String,
    pub encoding: String,
    /// `previewed`, `running`, `done` or `failed`.
    pub status: String,
    pub status_label: String,
    pub rows_total: u32,
    pub rows_done: u32,
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub rejected: u32,
    pub warnings: u32,
    pub issues: Vec<ImportIssue>,
    /// More problems than listed: the download has them all.
    pub more_issues: bool,
    /// Why the file could not be read at all.
    pub error: Option<String>,
    pub at: String,
}

/// The latest members CSV uploads (admins).
#[server(endpoint = "staff/imports")]
pub async fn staff_imports() -> Result<Vec<ImportSummary>, AppError> {
    crate::error::with_status(ssr::imports::list().await)
}

#[server(endpoint = "staff/import")]
pub async fn staff_import(id: i32) -> Result<ImportView, AppError> {
    crate::error::with_status(ssr::imports::view(id).await)
}

/// Takes a previewed upload in (once), in the background.
#[server(endpoint = "staff/import/run")]
pub async fn staff_run_import(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::imports::run(id).await)
}

/// A member staff just added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedMember {
    pub id: i32,
    pub number: String,
    pub name: String,
    /// Characters outside JIS X 0208, kept as typed.
    pub warnings: Vec<String>,
}

/// Adds a member whose 加入申込書 and 出資金 payment staff confirmed (S2);
/// the fields follow the members CSV (`domain::member_fields`), sent as
/// `member[member_number]`, `member[name]`, ….
#[server(endpoint = "staff/member/create")]
pub async fn staff_create_member(
    member: crate::domain::member_fields::Raw,
) -> Result<CreatedMember, AppError> {
    crate::error::with_status(ssr::office::create_member(member).await)
}

/// Files a procedure a member asked for by phone or at the counter (M7): as
/// made by staff, the member mailed and shown it on 手続き照会. `kind` and
/// `choice` as on the member's form; `documents` the codes ticked (the
/// form's `documents[]` boxes, sent as they are, with or without
/// JavaScript); `year` for a paper 掛金払込証明書 (`certificate_reissue`),
/// any of the last years.
#[server(endpoint = "staff/member/file")]
pub async fn staff_file_procedure(
    member_id: i32,
    kind: String,
    choice: Option<String>,
    documents: Option<Vec<String>>,
    year: Option<String>,
) -> Result<(), AppError> {
    let documents = documents.map(|codes| codes.join(","));
    crate::error::with_status(
        ssr::office::file_for(
            member_id,
            &kind,
            choice.as_deref(),
            documents.as_deref(),
            year.as_deref(),
        )
        .await,
    )
}

/// Records a name change staff confirmed (改姓届): 氏名 and フリガナ.
#[server(endpoint = "staff/member/name")]
pub async fn staff_change_name(
    member_id: i32,
    name: String,
    name_kana: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::change_name(member_id, &name, &name_kana).await)
}

/// Records the 出資金 payment of a member sent without one (the day staff
/// confirmed it, `2026-12-01`, and the yen), so a registration letter can go
/// out.
#[server(endpoint = "staff/member/capital")]
pub async fn staff_record_capital(
    member_id: i32,
    capital_paid_on: String,
    capital_amount: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::office::record_capital(member_id, &capital_paid_on, &capital_amount).await,
    )
}

/// Changes a member's mail address after staff confirmed who asks (admins
/// only): their mailbox is gone, so codes and 仮パスワード cannot reach them.
/// `was`: the address the page showed; a change made meanwhile is not
/// written over.
#[server(endpoint = "staff/member/email")]
pub async fn staff_change_member_email(
    member_id: i32,
    email: String,
    was: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::change_member_email(member_id, &email, &was).await)
}

/// Lifts a member's login lockout now (M15).
#[server(endpoint = "staff/member/unlock")]
pub async fn staff_unlock_member(member_id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::unlock_member(member_id).await)
}

/// Mails the member a temporary password; it is never shown (M3).
#[server(endpoint = "staff/member/temporary_password")]
pub async fn staff_issue_temporary_password(member_id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::issue_temporary_password(member_id).await)
}

/// Stops a member's My Page service (M13) at their request by phone or at
/// the counter: sessions end, a mail confirms; re-opened the same way.
#[server(endpoint = "staff/member/stop")]
pub async fn staff_stop_service(member_id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::stop_service(member_id).await)
}

/// Re-opens the My Page service a member stopped (M13).
#[server(endpoint = "staff/member/reopen")]
pub async fn staff_reopen_service(member_id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::reopen_service(member_id).await)
}

/// Records a member's withdrawal (M14): the day (`2027-03-31`) and the last
/// day of My Page, the 出資金 refund date (`2027-07-31`).
#[server(endpoint = "staff/member/withdrawal")]
pub async fn staff_record_withdrawal(
    member_id: i32,
    withdrawn_on: String,
    access_until: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::office::record_withdrawal(member_id, &withdrawn_on, &access_until).await,
    )
}

/// Takes back a withdrawal recorded by mistake (admins; before the refund
/// date): the member is a member again, mailed and audited.
#[server(endpoint = "staff/member/withdrawal/cancel")]
pub async fn staff_cancel_withdrawal(member_id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::office::cancel_withdrawal(member_id).await)
}

/// Corrects the dates of a recorded withdrawal (a mistyped day or refund
/// date would end the member's My Page on the wrong day).
#[server(endpoint = "staff/member/withdrawal/correct")]
pub async fn staff_correct_withdrawal(
    member_id: i32,
    withdrawn_on: String,
    access_until: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::office::correct_withdrawal(member_id, &withdrawn_on, &access_until).await,
    )
}

/// Ends every session of a member, for instance after a lost phone (admins
/// only). Answers how many ended.
#[server(endpoint = "staff/member/end_sessions")]
pub async fn staff_end_member_sessions(member_id: i32) -> Result<u64, AppError> {
    crate::error::with_status(ssr::office::end_member_sessions(member_id).await)
}

/// Changes a staff account (admins only): `make_admin`, `make_operator`,
/// `disable`, `enable` or `unlock`.
#[server(endpoint = "staff/accounts/update")]
pub async fn update_staff_account(id: i32, change: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::accounts::update(id, &change).await)
}

#[cfg(test)]
mod tests {
    use super::AUDIT_ACTIONS;

    #[test]
    fn audit_action_codes_and_labels_are_unique() {
        let mut codes: Vec<_> = AUDIT_ACTIONS.iter().map(|(c, _)| *c).collect();
        let mut labels: Vec<_> = AUDIT_ACTIONS.iter().map(|(_, l)| *l).collect();
        codes.sort_unstable();
        codes.dedup();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(codes.len(), AUDIT_ACTIONS.len());
        assert_eq!(labels.len(), AUDIT_ACTIONS.len());
    }
}
