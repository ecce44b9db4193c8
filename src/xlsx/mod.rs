//! Workbooks gongyak writes: the pledge report, the review copy of a rejected file and
//! the blank submission forms. Functions here turn data into bytes; writing the bytes
//! to disk is the shell's job.

pub mod forms;
pub mod overview;
pub mod rates;
pub mod render;
pub mod review;
pub(crate) mod source_layout;
pub(crate) mod style;
