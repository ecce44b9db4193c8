//! read → parse → validate for one file's bytes: the whole functional core of intake.

use crate::core::definition::{Catalog, LeafKey};
use crate::core::finding::{Finding, Kind, has_errors};
use crate::core::model::Submission;
use crate::core::read::{Limits, ReadError, read_workbook_with};

/// What one file amounts to.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Present when no finding is an error.
    pub submission: Option<Submission>,
    /// Every finding, in sheet order (errors, warnings and infos).
    pub findings: Vec<Finding>,
    /// The pledge the file routes to, when its 공약명 is known (even if rejected).
    pub pledge_id: Option<String>,
    /// The leaf the file names, even if rejected ([`crate::core::validate::named_leaf`]).
    pub named: Option<LeafKey>,
}

impl Checked {
    pub fn accepted(&self) -> bool {
        self.submission.is_some() && !has_errors(&self.findings)
    }
}

/// Checks one submission's bytes against the catalog. Never panics on any input.
pub fn check(bytes: &[u8], catalog: &Catalog, limits: &Limits) -> Checked {
    // Merged ranges matter only where a target spans several years.
    let targets = crate::core::normalize::compact(crate::core::parse::SHEET_TARGETS);
    let merges_for = |name: &str| crate::core::normalize::compact(name).contains(&targets);
    let wb = match read_workbook_with(
        bytes,
        limits,
        &crate::core::parse::is_read_sheet,
        &merges_for,
    ) {
        Ok(wb) => wb,
        Err(e) => return unreadable(&e),
    };
    let (draft, mut findings) = crate::core::parse::parse(&wb, catalog);
    let submission = crate::core::validate::validate(&draft, catalog, &mut findings);
    Checked {
        submission,
        findings,
        named: crate::core::validate::named_leaf(&draft, catalog),
        pledge_id: draft.pledge_id,
    }
}

/// The finding for a file refused by its size alone, before any of it was read.
pub fn too_large(size: u64, limits: &Limits) -> Checked {
    unreadable(&ReadError::TooLarge {
        size,
        limit: limits.max_file_bytes,
    })
}

/// A file that could not be read: one E-READ finding saying why.
fn unreadable(e: &ReadError) -> Checked {
    Checked {
        submission: None,
        findings: vec![Finding::of(Kind::Unreadable { error: e.clone() }, None)],
        pledge_id: None,
        named: None,
    }
}
