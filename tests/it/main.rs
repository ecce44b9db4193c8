//! One integration-test binary (faster builds); each module drives the real binary or
//! the library on real workbooks in a scratch folder.

mod advice;
mod changes;
mod common;
mod faults;
mod forms;
mod hostile;
mod intake;
mod operator;
mod overview;
mod pipeline;
mod print;
mod progress;
mod report;
mod tolerances;
mod watch;
mod workbooks;
