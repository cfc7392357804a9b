use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub login_id: String,
    pub name: String,
    pub role: StaffRole,
    pub password_hash: String,
    pub active: bool,
    pub failed_login_count: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    /// Where setup and reset links go.
    pub email: Option<String>,
    /// The TOTP secret (base32), once enrolment started.
    pub totp_secret: Option<String>,
    /// When the second factor was confirmed; until then login asks to enrol.
    pub totp_enrolled_at: Option<DateTimeUtc>,
    /// The last TOTP time step accepted: each code works once.
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

pub use crate::domain::staff::StaffRole;

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
