//! gongyak: pledge implementation-plan submissions in, consolidated report out.
//!
//! Three layers, imports pointing one way only (shell → xlsx → core):
//! * [`core`] — pure functions over data, the pipeline's stages: `read` (bytes → cell
//!   grid) → `parse` (grid → draft + findings) → `validate` (draft → submission) →
//!   `intake` (what becomes of each file: recorded, duplicate, 미반영, held, its
//!   name) → `consolidate` (the ledger's records → tables), with the model, findings
//!   and the pledge definition they share. No file system, no clock.
//! * [`xlsx`] — workbooks written: the report, the review copy, the blank forms.
//! * [`shell`] — the imperative edge: ledger, inbox, engine, watcher, command line.

#[cfg(feature = "batch")]
pub mod batch;
pub mod core;
pub mod shell;
pub mod xlsx;
