//! Database schema, as sea-orm migrations that run unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_members_and_sessions;
mod m20261123_000002_mail_audit_tokens;
mod m20261123_000003_codes_and_devices;
mod m20261123_000004_contracts;
mod m20261123_000005_procedures_and_staff;
mod m20261124_000006_identity;
mod m20261124_000007_membership;
mod m20261124_000008_registration;
mod m20261124_000009_live_code;
mod m20261124_000010_member_imports;
mod m20261125_000011_registration_changes;
mod m20261126_000012_money;
mod m20261206_000013_inquiries;
mod m20261206_000014_notices;
mod m20261206_000015_maintenance;
mod m20261206_000016_mail_failures;
mod m20261206_000017_member_search_trgm;
mod m20261206_000018_contract_period_indexes;
mod m20261206_000019_fixed_width_text;
mod m20261207_000020_member_name_lookup;
mod m20261207_000021_member_search_compact;
mod m20261207_000022_mail_sending;
mod m20261207_000023_core_pending;
mod m20261207_000024_contract_imports;
mod m20261207_000025_login_code_events;
mod m20261207_000026_catalogue_on_sale;
mod m20261207_000027_registration_code_expiry;

mod check_list;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_members_and_sessions::Migration),
            Box::new(m20261123_000002_mail_audit_tokens::Migration),
            Box::new(m20261123_000003_codes_and_devices::Migration),
            Box::new(m20261123_000004_contracts::Migration),
            Box::new(m20261123_000005_procedures_and_staff::Migration),
            Box::new(m20261124_000006_identity::Migration),
            Box::new(m20261124_000007_membership::Migration),
            Box::new(m20261124_000008_registration::Migration),
            Box::new(m20261124_000009_live_code::Migration),
            Box::new(m20261124_000010_member_imports::Migration),
            Box::new(m20261125_000011_registration_changes::Migration),
            Box::new(m20261126_000012_money::Migration),
            Box::new(m20261206_000013_inquiries::Migration),
            Box::new(m20261206_000014_notices::Migration),
            Box::new(m20261206_000015_maintenance::Migration),
            Box::new(m20261206_000016_mail_failures::Migration),
            Box::new(m20261206_000017_member_search_trgm::Migration),
            Box::new(m20261206_000018_contract_period_indexes::Migration),
            Box::new(m20261206_000019_fixed_width_text::Migration),
            Box::new(m20261207_000020_member_name_lookup::Migration),
            Box::new(m20261207_000021_member_search_compact::Migration),
            Box::new(m20261207_000022_mail_sending::Migration),
            Box::new(m20261207_000023_core_pending::Migration),
            Box::new(m20261207_000024_contract_imports::Migration),
            Box::new(m20261207_000025_login_code_events::Migration),
            Box::new(m20261207_000026_catalogue_on_sale::Migration),
            Box::new(m20261207_000027_registration_code_expiry::Migration),
        ]
    }
}
