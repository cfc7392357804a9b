//! Server-only infrastructure shared by every feature: configuration, state,
//! database, clock, request security and demo data.

pub mod actor;
pub mod assets;
pub mod audit;
pub mod clock;
pub mod config;
pub mod csv_import;
pub mod db;
pub mod demo;
pub mod dev;
pub mod entities;
pub mod housekeeping;
pub mod identity;
pub mod mail;
pub mod pdf;
pub mod postal;
pub mod rate_limit;
pub mod request;
pub mod routes;
pub mod security;
pub mod state;

pub use clock::Clock;
pub use config::Config;
pub use state::AppState;
