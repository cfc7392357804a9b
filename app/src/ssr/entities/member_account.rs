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

impl ActiveModel {
    /// A new account: no failed tries, never logged in, its own password.
    pub fn new_account(
        member_id: i32,
        user_id: String,
        email: String,
        password_hash: String,
        now: DateTimeUtc,
    ) -> Self {
        use sea_orm::ActiveValue::Set;
        Self {
            member_id: Set(member_id),
            user_id: Set(user_id),
            email: Set(email),
            password_hash: Set(password_hash),
            failed_login_count: Set(0),
            locked_until: Set(None),
            last_login_at: Set(None),
            previous_login_at: Set(None),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}
