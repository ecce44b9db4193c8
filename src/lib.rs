//! gongyak: pledge implementation-plan submissions in, consolidated report out.
//!
//! The stages are plain functions over data, one module each:
//! [`read`] (bytes → cell grid) → [`parse`] (grid → draft + findings) →
//! [`validate`] (draft → submission) → [`consolidate`] (submissions → tables) →
//! [`render`] (tables → workbook). The shell around them — [`ledger`], [`inbox`],
//! [`app`], [`watch`], [`cli`] — does the I/O.

pub mod app;
#[cfg(feature = "batch")]
pub mod batch;
pub mod check;
pub mod cli;
pub mod consolidate;
pub mod definition;
pub mod finding;
pub mod forms;
pub mod inbox;
pub mod ledger;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod read;
pub mod render;
pub mod review;
pub mod validate;
pub mod watch;
