//! What each finding is about, with the data its message needs. The code is derived
//! from the kind, so one rule never carries two codes; the Korean words for every kind
//! live in `messages.rs`.

use super::Code;
use serde::{Deserialize, Serialize};

/// One variant per rule. Add a variant here, its code in [`Kind::code`] and its
/// sentence in `messages.rs`; tests assert on the variant and its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A file accepted but not used: its leaf already has a later 기준일 in the report.
    Older {
        /// The 기준일 of this file and of the submission that stays current.
        base_date: chrono::NaiveDate,
        current: chrono::NaiveDate,
        /// The file that stays current.
        current_file: String,
    },
    /// An accepted file that replaces the current submission of its leaf.
    Superseded {
        /// The file replaced, its 기준일 and arrival number.
        previous: String,
        base_date: chrono::NaiveDate,
        seq: u64,
    },
    /// Byte-identical to a file already taken: nothing changes.
    Duplicate {
        /// The first file with these bytes and its arrival number.
        first: String,
        seq: u64,
    },
}

impl Kind {
    pub fn code(&self) -> Code {
        match self {
            Kind::Older { .. } => Code::Older,
            Kind::Superseded { .. } => Code::Superseded,
            Kind::Duplicate { .. } => Code::Duplicate,
        }
    }
}
