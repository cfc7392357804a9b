//! Server side of money: the imports, reading statements, certificates.

pub mod capital;
pub mod certificate;
pub mod history;
pub mod import;
pub mod statements;
