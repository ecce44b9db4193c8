//! The functional core: every stage is a plain function over data (no I/O, no clock),
//! so each can be tested and benchmarked alone.

pub mod changes;
pub mod check;
pub mod consolidate;
pub mod definition;
pub mod diff;
pub mod finding;
pub mod intake;
pub mod model;
pub mod normalize;
pub mod overview;
pub mod parse;
pub mod progress;
pub mod rates;
pub mod read;
pub mod validate;
