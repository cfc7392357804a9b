use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub member_id: i32,
    #[sea_orm(unique)]
    pub user_id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub failed_login_count: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub previous_login_at: Option<DateTimeUtc>,
    /// Set by a temporary password: nothing but choosing a new one is allowed.
    pub must_change_password: bool,
    /// Set while the member has stopped the My Page service (M13).
    pub service_stopped_at: Option<DateTimeUtc>,
    /// When a temporary password stops working.
    pub password_expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::member::Entity",
        from = "Column::MemberId",
        to = "super::member::Column::Id"
    )]
    Member,
}

impl Related<super::member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Member.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
