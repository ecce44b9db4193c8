//! The imperative shell: the ledger, the inbox, the engine that carries out intake,
//! the watcher daemon and the command line. Everything with side effects lives here.

pub mod asof;
pub mod cli;
pub mod engine;
pub mod fsio;
pub mod inbox;
pub mod ledger;
pub mod mem;
pub mod status;
pub mod watch;
