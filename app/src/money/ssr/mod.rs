//! Server side of money: the imports, reading statements, certificates.

pub mod import;
pub mod statements;
