//! The typed submission: what an accepted workbook means, independent of its layout.
//! This is what the ledger stores and what consolidation reads.

use crate::core::definition::LeafKey;
use crate::core::normalize::{Quarter, Unit};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One column of an investment table, in table order (`Ord` sorts them so): 총계,
/// the pledge's `before_label`, each term year, its `after_label`. Labels come from
/// [`Pledge::column_label`](crate::core::definition::Pledge::column_label), never from
/// literals, because a pledge may call 기투자/임기후 something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Column {
    Total,
    Before,
    Year(i32),
    After,
}

/// The columns of an investment row, in 백만원.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountRow {
    /// 총계
    pub total: Decimal,
    /// 기투자 (before the term)
    pub before: Decimal,
    /// One amount per term year.
    pub years: BTreeMap<i32, Decimal>,
    /// 임기후 (after the term)
    pub after: Decimal,
}

impl AmountRow {
    /// Adds another row column by column (consolidation).
    pub fn add(&mut self, other: &AmountRow) {
        self.total += other.total;
        self.before += other.before;
        self.after += other.after;
        for (y, v) in &other.years {
            *self.years.entry(*y).or_default() += *v;
        }
    }

    /// The row in the given column order (e.g. [`Pledge::columns`](crate::core::definition::Pledge::columns)).
    pub fn cells(&self, columns: &[Column]) -> Vec<Decimal> {
        columns.iter().map(|c| self.get(*c)).collect()
    }

    /// The amount in one column (0 for a year the row does not have).
    pub fn get(&self, column: Column) -> Decimal {
        match column {
            Column::Total => self.total,
            Column::Before => self.before,
            Column::Year(y) => self.years.get(&y).copied().unwrap_or_default(),
            Column::After => self.after,
        }
    }
}

/// The 연차별 투자계획 of one submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investment {
    /// The 계 row.
    pub sum: AmountRow,
    /// One row per funding source, by source name.
    pub sources: BTreeMap<String, AmountRow>,
}

/// A yearly target value of an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TargetValue {
    Number(Decimal),
    /// Not fixed yet; the note as submitted (`미정`, `*매년 … 확정`), or empty.
    ToBeFixed(String),
    /// Any other text, shown as written.
    Text(String),
}

/// One indicator row of 추진목표.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub name: String,
    pub unit: String,
    pub values: BTreeMap<i32, TargetValue>,
}

/// The 연차별 추진목표 of one submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// 추진내용 per year.
    pub content: BTreeMap<i32, String>,
    pub indicators: Vec<IndicatorRow>,
    /// 비고, if given.
    pub note: Option<String>,
}

/// One line of the quarterly roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoadmapItem {
    pub name: String,
    pub start: Quarter,
    pub end: Quarter,
}

/// 제출정보: who submitted, for what, as of when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInfo {
    pub department: String,
    pub person: String,
    pub phone: String,
}

/// An accepted submission in normalised form (amounts in the pledge's 백만원).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub pledge_id: String,
    pub leaf: LeafKey,
    pub base_date: NaiveDate,
    pub info: SubmissionInfo,
    /// The unit the file was written in (amounts here are already converted).
    pub unit: Unit,
    pub investment: Investment,
    pub targets: Targets,
    pub roadmap: Vec<RoadmapItem>,
}
