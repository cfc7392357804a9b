use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// Holds a secret (a link, a code, a temporary password): its text is
    /// replaced once it went out by SMTP.
    pub sensitive: bool,
    /// `smtp` or `dev` once delivered.
    pub delivered_via: Option<String>,
    /// Given up on: tried [`crate::domain::policy::MAIL_MAX_ATTEMPTS`]
    /// times, or refused for good.
    pub failed_at: Option<DateTimeUtc>,
    /// Stopped by staff.
    pub cancelled_at: Option<DateTimeUtc>,
    /// Claimed by a sender until then (a try is cut off well before):
    /// staff cannot cancel it meanwhile.
    pub sending_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
