//! The typed submission: what an accepted workbook means, independent of its layout.
//! This is what the ledger stores and what consolidation reads.

use crate::core::definition::LeafKey;
use crate::core::normalize::{Quarter, Unit};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

    /// The row as a list in table order: 총계, 기투자, years…, 임기후.
    pub fn cells(&self, years: impl Iterator<Item = i32>) -> Vec<Decimal> {
        let mut out = vec![self.total, self.before];
        out.extend(years.map(|y| self.years.get(&y).copied().unwrap_or_default()));
        out.push(self.after);
        out
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
    /// The quarterly 추진실적 (SPEC §11), when the file carried that sheet. Absent in
    /// plan-only submissions and in ledger lines written before §11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

/// 추진상황, the Manifesto Center's vocabulary. The declaration order is the order of
/// advancement (폐기 < 보류 < 일부추진 < 시기미도래 < 정상추진 < 이행후계속추진 < 완료), so
/// `Ord` gives the least advanced of several leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 폐기
    Abandoned,
    /// 보류
    OnHold,
    /// 일부추진
    Partial,
    /// 시기미도래
    NotYetDue,
    /// 정상추진
    OnTrack,
    /// 이행후계속추진
    DoneContinuing,
    /// 완료
    Done,
}

impl Status {
    /// Every status in the order the overview lists them (완료 first).
    pub const LISTED: [Status; 7] = [
        Status::Done,
        Status::DoneContinuing,
        Status::OnTrack,
        Status::Partial,
        Status::OnHold,
        Status::Abandoned,
        Status::NotYetDue,
    ];

    /// The word staff type and read.
    pub fn label(self) -> &'static str {
        match self {
            Status::Abandoned => "폐기",
            Status::OnHold => "보류",
            Status::Partial => "일부추진",
            Status::NotYetDue => "시기미도래",
            Status::OnTrack => "정상추진",
            Status::DoneContinuing => "이행후계속추진",
            Status::Done => "완료",
        }
    }

    /// The status a typed word names, spaces ignored (`이행 후 계속 추진`).
    pub fn from_label(typed: &str) -> Option<Status> {
        let key = crate::core::normalize::compact(typed);
        Self::LISTED.into_iter().find(|s| s.label() == key)
    }

    /// 완료 or 이행후계속추진: what the 공약이행완료율 counts as fulfilled.
    pub fn is_fulfilled(self) -> bool {
        matches!(self, Status::Done | Status::DoneContinuing)
    }
}

/// The actual values of one indicator (지표 실적), per year; a year not measured yet is
/// absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorActual {
    /// The name as in the definition.
    pub name: String,
    pub unit: String,
    pub values: BTreeMap<i32, Decimal>,
}

/// The 추진실적 of one leaf as of its 기준일 (amounts in 백만원, cumulative per year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub status: Status,
    /// 추진율 in percent, 0–100.
    pub rate: Decimal,
    /// 추진실적
    pub achievements: String,
    /// 문제점 및 대책
    pub problems: String,
    /// 향후계획
    pub plans: String,
    /// 확보액 by source (and 계), columns 총계, 기투자, term years (임기후 stays 0).
    pub secured: Investment,
    /// 집행액, the same shape.
    pub spent: Investment,
    pub indicators: Vec<IndicatorActual>,
}
