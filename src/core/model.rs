//! The typed submission: what an accepted workbook means, independent of its layout.
//! This is what the ledger stores and what consolidation reads, with the record of a
//! received file ([`Received`]) and the one rule for which submission is current.

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
    /// 변경사유: why the plan differs from the previous submission (SPEC §10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
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

/// A `String` newtype that serialises exactly as the bare string (the ledger's lines
/// do not change) but cannot be passed where another kind of string is expected.
macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<std::path::Path> for $name {
            fn as_ref(&self) -> &std::path::Path {
                std::path::Path::new(&self.0)
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
        impl From<$name> for String {
            fn from(s: $name) -> String {
                s.0
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

string_newtype!(
    /// SHA-256 of a file's content, lower-case hex: what decides whether a file was
    /// seen before (never its name or time).
    ContentHash
);
string_newtype!(
    /// Where a received file was moved, relative to the inbox (`accepted/a (2).xlsx`).
    StoredPath
);
string_newtype!(
    /// A pledge's id (`ansan-innopolis`), as routed from a file's 공약명.
    PledgeId
);

/// What happened to one received file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Taken into the report (it is, or was, the current submission of its leaf).
    Accepted,
    /// Sent back with its errors.
    Rejected,
    /// Byte-identical to a file already accepted; nothing changed.
    Duplicate,
    /// Valid but not used (미반영): its leaf already had a later 기준일 when it came.
    /// Since the current submission only ever moves to a later (기준일, arrival), such
    /// a file never becomes current.
    Older,
}

impl Outcome {
    /// The word staff and managers see (MESSAGES.md glossary).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Accepted => "접수",
            Outcome::Rejected => "반려",
            Outcome::Duplicate => "중복(변경 없음)",
            Outcome::Older => "미반영",
        }
    }
}

/// One received file as the ledger remembers it (stored as a `LedgerLine`, see
/// `shell::ledger`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Received {
    /// Arrival order, from 1; never given out twice.
    pub seq: u64,
    pub received_at: chrono::DateTime<chrono::Local>,
    /// File name as dropped (NFC).
    pub name: String,
    pub size: u64,
    pub hash: ContentHash,
    pub outcome: Outcome,
    pub stored_as: StoredPath,
    /// The pledge its 공약명 routed to, even when rejected; none when unreadable or
    /// unknown (then every report lists it in 제출이력).
    pub pledge_id: Option<PledgeId>,
    pub findings: Vec<crate::core::finding::Finding>,
    /// The normalised data, for accepted (and 미반영) files.
    pub submission: Option<Submission>,
    /// The leaf the file names, also when it was rejected (older ledgers lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named: Option<LeafKey>,
}

impl Received {
    pub fn leaf(&self) -> Option<&LeafKey> {
        self.submission.as_ref().map(|s| &s.leaf)
    }

    /// The leaf of an accepted file, or the one a rejected file names.
    pub fn leaf_named(&self) -> Option<&LeafKey> {
        self.leaf().or(self.named.as_ref())
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == crate::core::finding::Severity::Warning)
            .count()
    }

    /// Where this record stands among the submissions of its leaf, when it can be
    /// current at all (accepted, with data). See [`Precedence`].
    pub fn precedence(&self) -> Option<Precedence> {
        let s = self.submission.as_ref()?;
        (self.outcome == Outcome::Accepted).then_some(Precedence {
            base_date: s.base_date,
            seq: self.seq,
        })
    }
}

/// The one rule for "which submission of a leaf is current", used by intake (the
/// W-SUPERSEDED / W-OLDER notices) and by consolidation (the report), so the two can
/// never disagree: the greatest precedence wins — the latest 기준일, and among equal
/// 기준일 the latest arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Precedence {
    pub base_date: NaiveDate,
    pub seq: u64,
}
