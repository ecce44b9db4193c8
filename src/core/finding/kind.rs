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
    },
    /// §11: 추진상황 missing (`typed` is `None`) or not one of the seven words.
    Status { typed: Option<String> },
    /// §11: 추진율 missing (`None`) or not a number in 0–100 (as typed).
    Rate { typed: Option<String> },
    /// §11: a 지표 실적 row whose name is none of the leaf's indicators.
    UnknownIndicator {
        typed: String,
        /// The leaf's indicator names (empty when it has none).
        valid: Vec<String>,
        /// The closest valid name, only when it is really similar.
        similar: Option<String>,
    },
    /// §11: a 지표 실적 value that is not a number.
    IndicatorNumber {
        indicator: String,
        year: i32,
        typed: String,
    },
    /// §11: a negative 확보액 or 집행액 (`what` says which).
    NegativeActual {
        what: String,
        raw: rust_decimal::Decimal,
    },
    /// §11: 집행액 above 확보액 for a source and column (in the pledge's unit).
    Overspend {
        source: String,
        column: String,
        secured: rust_decimal::Decimal,
        spent: rust_decimal::Decimal,
        unit: String,
    },
    /// §11: 확보액 above the plan of the same file for a source and column.
    Oversecure {
        source: String,
        column: String,
        planned: rust_decimal::Decimal,
        secured: rust_decimal::Decimal,
        unit: String,
    },
    /// §11: 완료 with 추진율 below 100, or 추진율 100 with a status other than
    /// 완료/이행후계속추진.
    StatusRate {
        status: crate::core::model::Status,
        rate: rust_decimal::Decimal,
    },
}

impl Kind {
    pub fn code(&self) -> Code {
        match self {
            Kind::Older { .. } => Code::Older,
            Kind::Status { .. } => Code::Status,
            Kind::Rate { .. } => Code::Rate,
            Kind::UnknownIndicator { .. } => Code::UnknownIndicator,
            Kind::NegativeActual { .. } => Code::Negative,
            Kind::IndicatorNumber { .. } => Code::Number,
            Kind::Overspend { .. } => Code::Overspend,
            Kind::Oversecure { .. } => Code::Oversecure,
            Kind::StatusRate { .. } => Code::StatusRate,
        }
    }
}
