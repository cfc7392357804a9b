//! Every security number of the product on one page: what counts, how much,
//! for how long. Members and staff share them unless a name says otherwise.
//! (Deployment-specific settings, such as the idle timeout, are in the
//! server's configuration; these are the product's rules.)

// --- passwords ----------------------------------------------------------------

/// Shortest new password, in characters (NIST SP 800-63B: no composition rules).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest new password, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;
/// Longest password a login even looks at, in bytes: anything longer cannot
/// be right and is not hashed.
pub const LOGIN_PASSWORD_MAX_BYTES: usize = 1024;
/// Longest user ID or email a login looks at, in characters.
pub const IDENTIFIER_MAX_CHARS: usize = 254;
/// Password hashes computed at once per process (argon2id at 19 MiB each);
/// 0 means one per CPU core.
pub const HASHES_AT_ONCE: usize = 0;
/// How long a login waits for a free hashing slot before it is told that the
/// service is busy, in milliseconds.
pub const HASH_WAIT_MS: u64 = 3_000;

// --- lockout (M15, S1) --------------------------------------------------------

/// Wrong passwords in a row that lock an account.
pub const LOCKOUT_FAILURES: i32 = 5;
/// How long a lock lasts, in minutes.
pub const LOCKOUT_MINUTES: i64 = 15;

// --- sessions (M2) ------------------------------------------------------------

/// `last_seen_at` is written at most this often (or a tenth of the idle time,
/// if shorter), in seconds.
pub const SESSION_TOUCH_SECONDS: i64 = 15;
/// An ended session's row is kept this long (days), so a browser coming back
/// hears "timed out" however soon housekeeping runs.
pub const EXPIRED_SESSION_KEEP_DAYS: i64 = 1;

// --- mailed codes and known browsers (M5, M15) -----------------------------------

/// A mailed code's life, in minutes.
pub const CODE_VALID_MINUTES: i64 = 10;
/// Tries at one code.
pub const CODE_MAX_TRIES: i32 = 5;
/// Login codes mailed per account per hour.
pub const LOGIN_CODES_PER_HOUR: i32 = 5;
/// Login codes of one account waiting at once (each for its own browser).
pub const LIVE_LOGIN_CODES: u64 = 3;
/// Email-change codes mailed per account per hour.
pub const EMAIL_CODES_PER_HOUR: i32 = 5;
/// A browser confirmed with a code stays known this long without use, in days.
pub const KNOWN_BROWSER_DAYS: i64 = 180;

// --- password reset and temporary passwords (M3) --------------------------------

/// A reset link's life, in minutes.
pub const RESET_LINK_MINUTES: i64 = 30;
/// Reset requests per client address per hour.
pub const RESETS_PER_IP_PER_HOUR: i32 = 10;
/// Reset mails per account (or typed identifier) per hour.
pub const RESETS_PER_ACCOUNT_PER_HOUR: i32 = 3;
/// Every reset request takes at least this long to answer, known account or
/// not, in milliseconds.
pub const RESET_ANSWER_MS: u64 = 400;
/// A temporary password's life, in hours.
pub const TEMPORARY_PASSWORD_HOURS: i64 = 72;

// --- changes of one's own credentials --------------------------------------------

/// Checks of the current password per account per 15 minutes.
pub const CURRENT_PASSWORD_CHECKS: i32 = 10;

// --- per-address throttling (per process) ---------------------------------------

/// Logins, code entries and reset requests per client address per minute, in
/// one server process (the database limits above hold across processes).
pub const IP_TRIES_PER_MINUTE: u32 = 30;

// --- registration (M12) -------------------------------------------------------

/// A registration code's life, in days (it travels by post).
pub const REGISTRATION_CODE_DAYS: i64 = 90;
/// Registration tries per member number per hour.
pub const REGISTRATION_TRIES_PER_MEMBER_PER_HOUR: i32 = 5;
/// Registration tries per client address per hour.
pub const REGISTRATION_TRIES_PER_IP_PER_HOUR: i32 = 20;
/// How long a registration under way stays open, in minutes.
pub const REGISTRATION_MINUTES: i64 = 30;
/// Registration letters in one batch PDF (one page each); staff print the
/// next batch for the members still waiting.
pub const LETTER_BATCH_MAX: u64 = 500;
/// The largest members CSV the back office takes (about 200,000 rows); the
/// `server import-members` command has no limit.
pub const IMPORT_MAX_BYTES: usize = 32 * 1024 * 1024;

// --- withdrawal and coverage dates staff enter (S2, S3) ----------------------------

/// How far ahead a 脱退日 may be recorded, in days (a retirement at the
/// year's end is filed months before).
pub const WITHDRAWAL_AHEAD_DAYS: i64 = 366;
/// The latest 出資金 返還日 after the 脱退日, in days. Seed 001: a 年度末
/// 退職 is refunded at the end of July; one who leaves early in a business
/// year is refunded after that year ends, up to about 16 months later. My
/// Page stays open until it.
pub const REFUND_AFTER_WITHDRAWAL_DAYS: i64 = 731;
/// How far ahead an approval may start a rider or course, in months: a
/// mistyped year would hide the change from ご契約内容 for good.
pub const COVERAGE_START_AHEAD_MONTHS: u32 = 12;

// --- staff (S1) -----------------------------------------------------------------

/// A staff setup or reset link's life, in hours.
pub const STAFF_LINK_HOURS: i64 = 24;
/// One-time recovery codes a staff member gets with the second factor.
pub const RECOVERY_CODES: usize = 10;
/// TOTP (RFC 6238): 6 digits, 30-second steps, one step of clock skew.
pub const TOTP_DIGITS: usize = 6;
pub const TOTP_STEP_SECONDS: u64 = 30;
pub const TOTP_SKEW_STEPS: u8 = 1;

// --- mail -------------------------------------------------------------------------

/// Sent mails are deleted this long after sending, in days.
pub const SENT_MAIL_KEEP_DAYS: i64 = 90;
/// Tries of one mail before it is marked failed for staff to see: with the
/// pauses of `mail_delivery::backoff` (30 s doubling, at most an hour) the
/// last try is about five hours after the first. A permanent refusal (an
/// unknown address) fails at once.
pub const MAIL_MAX_ATTEMPTS: i32 = 12;
/// Failed and cancelled mails are deleted this long after, in days.
pub const FAILED_MAIL_KEEP_DAYS: i64 = 90;

/// Electronic 掛金払込証明書 a member may issue in a day (each is a record
/// staff can verify; more than this is not a real need).
pub const CERTIFICATES_PER_DAY: i32 = 10;

/// How many years back staff may file a paper 掛金払込証明書 a member asked
/// for by phone (seed 000: other years than the screen's go through the
/// co-op): five, the period a tax return can still be corrected in.
pub const PHONE_CERTIFICATE_YEARS_BACK: i32 = 5;
/// Days after a bill's 請求日 (the debit) that a statement without a
/// recorded payment reads 入金確認中 rather than 未入金: the bank's results
/// reach the co-op, and its payments import, some days after the debit.
pub const PAYMENT_CONFIRMATION_DAYS: i64 = 7;

// --- お問い合わせ (M11, S4) ----------------------------------------------------------

/// Longest subject of an inquiry, in characters.
pub const INQUIRY_SUBJECT_MAX_CHARS: usize = 50;
/// Longest message of an inquiry thread, in characters.
pub const INQUIRY_TEXT_MAX_CHARS: usize = 2_000;
/// New inquiries a member may start in a day.
pub const INQUIRIES_PER_DAY: i32 = 5;
/// Messages (new inquiries and replies) a member may send in a day.
pub const INQUIRY_MESSAGES_PER_DAY: i32 = 30;
/// Most inquiries the staff inbox and a member's list show at once.
pub const INQUIRY_LIST_MAX: u64 = 200;

// --- お知らせ and maintenance (M17, S5) ---------------------------------------------

/// How long one server process trusts what it read of the maintenance
/// windows, in seconds: a window scheduled in another process takes effect
/// here within this time.
pub const MAINTENANCE_CACHE_SECONDS: u64 = 10;

/// How far ahead an operator's maintenance window must start, in minutes:
/// members get some notice, and a window to come can still be cancelled by
/// any staff member. Only an admin starts one at once (and ends one early).
pub const MAINTENANCE_OPERATOR_LEAD_MINUTES: i64 = 30;

/// Longest one PostgreSQL statement of a request may run, in seconds, before
/// the database cancels it: a runaway query (a plan gone wrong at a million
/// members) ends with its request instead of holding a connection and a core
/// for minutes after the browser gave up. Migrations run without it. A
/// `statement_timeout` in the database URL's `options` replaces it.
pub const DB_STATEMENT_TIMEOUT_SECONDS: u64 = 30;
