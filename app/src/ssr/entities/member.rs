use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_number: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: Date,
    pub postal_code: String,
    pub prefecture: String,
    pub address1: String,
    pub address2: String,
    pub phone: String,
    /// 携帯電話番号, besides the phone (which may be a mobile too).
    pub mobile_phone: Option<String>,
    pub workplace: Option<String>,
    pub status: MemberStatus,
    /// The day the member left the co-op.
    pub withdrawn_on: Option<Date>,
    /// After a withdrawal: the last day of My Page (the 出資金 refund date).
    pub access_until: Option<Date>,
    /// The day staff confirmed the 出資金 payment (M12).
    pub capital_paid_on: Option<Date>,
    /// The 出資金 paid, in yen.
    pub capital_amount: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the address was changed here (by the member) and not yet seen
    /// in a members import: until then an import keeps it.
    pub address_pending_core_at: Option<DateTimeUtc>,
    /// The same for the phone numbers.
    pub phone_pending_core_at: Option<DateTimeUtc>,
    /// The same for the name and its kana (a name change applied here).
    pub name_pending_core_at: Option<DateTimeUtc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MemberStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::member_account::Entity")]
    Account,
}

impl Related<super::member_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
