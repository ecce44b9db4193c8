//! What each finding is about, with the data its message needs. The code is derived
//! from the kind, so one rule never carries two codes; the Korean words for every kind
//! live in `messages.rs`.

use super::{CellRef, Code};
use crate::core::normalize::Quarter;
use crate::core::read::ReadError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which end of a roadmap item a quarter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuarterEnd {
    Start,
    End,
}

/// The line a sum runs along: a row of the investment table (its 총계) or a column
/// (its 계).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SumLine {
    /// The row's label (`계`, `국비`, …) and the labels of the columns it adds
    /// (`기투자`, `연도별`, `임기후`).
    Row { row: String, parts: Vec<String> },
    /// The column's label (`총계`, `2024년`, …) and the sources it adds.
    Column { column: String, parts: Vec<String> },
}

/// One variant per rule. Add a variant here, its code in [`Kind::code`] and its
/// sentence in `messages.rs`; tests assert on the variant and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    // ── E-READ ──────────────────────────────────────────────────────────────
    /// The bytes are not a readable workbook.
    Unreadable {
        error: ReadError,
    },

    // ── E-SHEET ─────────────────────────────────────────────────────────────
    /// A required sheet is not in the workbook.
    SheetMissing {
        sheet: String,
    },
    /// 제출정보 lacks some of the labels that identify the file.
    InfoLabelsMissing {
        sheet: String,
        missing: Vec<String>,
    },
    /// A table's heading row (the labels it is found by) is not on the sheet.
    TableNotFound {
        sheet: String,
        labels: Vec<String>,
    },
    /// The investment table has its heading row but lacks these columns.
    ColumnsMissing {
        sheet: String,
        missing: Vec<String>,
    },
    /// The investment table lacks these rows (계 or a funding source).
    RowsMissing {
        sheet: String,
        missing: Vec<String>,
    },

    // ── E-PLEDGE / E-PROGRAM ────────────────────────────────────────────────
    PledgeEmpty {
        valid: Vec<String>,
    },
    /// A 공약명 no definition has; `similar` only when it is really close.
    UnknownPledge {
        typed: String,
        valid: Vec<String>,
        similar: Option<String>,
    },
    ProgramEmpty,
    UnknownProgram {
        typed: String,
        valid: Vec<String>,
        similar: Option<String>,
    },
    /// 세부사업 filled in for a program that has none.
    NoSubprograms {
        program: String,
        typed: String,
    },
    /// A program that is filed per sub-program, with no 세부사업 given.
    SubprogramMissing {
        program: String,
        valid: Vec<String>,
    },
    UnknownSubprogram {
        program: String,
        typed: String,
        valid: Vec<String>,
        similar: Option<String>,
    },

    // ── E-NUMBER / E-NEGATIVE / E-FORMULA ───────────────────────────────────
    /// A number stored in a form no exact decimal holds (NaN, infinity).
    NotExact {
        shown: String,
    },
    /// Text that is not an amount.
    NotANumber {
        text: String,
    },
    DateInAmount {
        date: NaiveDate,
    },
    BoolInAmount {
        value: bool,
    },
    Negative {
        amount: Decimal,
        unit: String,
    },
    /// An Excel error value (`#REF!`).
    ErrorValue {
        value: String,
    },
    /// A formula without a stored result.
    FormulaWithoutValue {
        formula: String,
    },
    /// Several formulas of one sheet without stored results (a file saved by a program
    /// that does not calculate): one finding listing the cells, not one per cell.
    FormulasWithoutValues {
        sheet: String,
        cells: Vec<CellRef>,
        /// The first one, quoted as the example.
        formula: String,
    },
    /// 계/총계 formulas whose stored results disagree with the amounts they add: the
    /// file was saved by a program that does not recalculate. One finding for the table.
    StaleFormulas {
        sheet: String,
        cells: Vec<CellRef>,
    },

    // ── E-ROWSUM / E-COLSUM / W-ROUNDING ────────────────────────────────────
    /// A row's 총계 is not the sum of its columns. `crossing`: cells where this row
    /// meets a column whose 계 is wrong too (the likely typo).
    RowSum {
        line: SumLine,
        written: Decimal,
        computed: Decimal,
        unit: String,
        crossing: Vec<CellRef>,
    },
    /// A column's 계 is not the sum of its sources.
    ColSum {
        line: SumLine,
        written: Decimal,
        computed: Decimal,
        unit: String,
        crossing: Vec<CellRef>,
    },
    /// A sum off by at most one in the file's unit (단수 조정).
    Rounding {
        line: SumLine,
        written: Decimal,
        computed: Decimal,
        unit: String,
    },

    // ── E-YEAR ──────────────────────────────────────────────────────────────
    ColumnTwice {
        label: String,
    },
    /// A year column outside the term; `move_to` names the 기투자/임기후 columns when
    /// the table has them (the investment table), else the column is to be deleted.
    YearOutsideTerm {
        year: i32,
        start: i32,
        end: i32,
        move_to: Option<(String, String)>,
    },
    YearMissing {
        year: i32,
        start: i32,
        end: i32,
    },

    // ── E-UNIT / W-UNIT / W-FRACTION ────────────────────────────────────────
    UnitUnknown {
        text: String,
    },
    UnitAssumed {
        unit: String,
    },
    /// An amount that is not a whole number of 백만원 once converted.
    Fraction {
        raw: Decimal,
        unit: String,
        million: Decimal,
    },

    // ── E-DATE / E-QUARTER ──────────────────────────────────────────────────
    DateEmpty {
        example: NaiveDate,
    },
    DateUnreadable {
        text: String,
        example: NaiveDate,
    },
    QuarterEmpty {
        end: QuarterEnd,
        example: Quarter,
    },
    QuarterUnreadable {
        end: QuarterEnd,
        text: String,
        example: Quarter,
    },
    QuarterReversed {
        start: Quarter,
        end: Quarter,
    },

    // ── W-BUDGET / W-CONTACT / W-INDICATOR ──────────────────────────────────
    /// A leaf's 총계 differs from its 공약 사업비.
    Budget {
        leaf: String,
        written: Decimal,
        declared: Decimal,
        unit: String,
    },
    ContactMissing {
        label: String,
    },
    IndicatorMissing {
        name: String,
        unit: String,
    },

    // ── W-OLDER ─────────────────────────────────────────────────────────────
    /// A file accepted but not used: its leaf already has a later 기준일 in the report.
    Older {
        /// The 기준일 of this file and of the submission that stays current.
        base_date: NaiveDate,
        current: NaiveDate,
        /// The file that stays current.
        current_file: String,
    },

    // ── W-SUPERSEDED ────────────────────────────────────────────────────────
    /// An accepted file that replaces the current submission of its leaf.
    Superseded {
        /// The file replaced, its 기준일 and arrival number.
        previous: String,
        base_date: NaiveDate,
        seq: u64,
    },

    // ── W-DUPLICATE ─────────────────────────────────────────────────────────
    /// Byte-identical to a file already taken: nothing changes.
    Duplicate {
        /// The first file with these bytes and its arrival number.
        first: String,
        seq: u64,
    },
    /// §10: the plan changed against the leaf's current submission and no 변경사유 was
    /// given; accepted.
    ReasonMissing {
        /// How many values changed, a few of them described, and the 기준일 of the
        /// submission replaced.
        count: usize,
        examples: Vec<String>,
        previous: chrono::NaiveDate,
    },
    /// §10: the same, where the city requires a reason (`require_change_reason`);
    /// rejected.
    ReasonRequired {
        count: usize,
        examples: Vec<String>,
        previous: chrono::NaiveDate,
    },
    /// §11: 추진상황 missing (`typed` is `None`) or not one of the seven words.
    Status {
        typed: Option<String>,
    },
    /// §11: 추진율 missing (`None`) or not a number in 0–100 (as typed).
    Rate {
        typed: Option<String>,
    },
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
        /// The unit the file wrote it in.
        unit: String,
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
            Kind::Unreadable { .. } => Code::Read,
            Kind::SheetMissing { .. }
            | Kind::InfoLabelsMissing { .. }
            | Kind::TableNotFound { .. }
            | Kind::ColumnsMissing { .. }
            | Kind::RowsMissing { .. } => Code::Sheet,
            Kind::PledgeEmpty { .. } | Kind::UnknownPledge { .. } => Code::Pledge,
            Kind::ProgramEmpty
            | Kind::UnknownProgram { .. }
            | Kind::NoSubprograms { .. }
            | Kind::SubprogramMissing { .. }
            | Kind::UnknownSubprogram { .. } => Code::Program,
            Kind::NotExact { .. }
            | Kind::NotANumber { .. }
            | Kind::DateInAmount { .. }
            | Kind::BoolInAmount { .. } => Code::Number,
            Kind::Negative { .. } => Code::Negative,
            Kind::ErrorValue { .. }
            | Kind::FormulaWithoutValue { .. }
            | Kind::FormulasWithoutValues { .. }
            | Kind::StaleFormulas { .. } => Code::Formula,
            Kind::RowSum { .. } => Code::RowSum,
            Kind::ColSum { .. } => Code::ColSum,
            Kind::Rounding { .. } => Code::Rounding,
            Kind::ColumnTwice { .. } | Kind::YearOutsideTerm { .. } | Kind::YearMissing { .. } => {
                Code::Year
            }
            Kind::UnitUnknown { .. } => Code::Unit,
            Kind::UnitAssumed { .. } => Code::UnitAssumed,
            Kind::Fraction { .. } => Code::Fraction,
            Kind::DateEmpty { .. } | Kind::DateUnreadable { .. } => Code::Date,
            Kind::QuarterEmpty { .. }
            | Kind::QuarterUnreadable { .. }
            | Kind::QuarterReversed { .. } => Code::Quarter,
            Kind::Budget { .. } => Code::Budget,
            Kind::ContactMissing { .. } => Code::Contact,
            Kind::IndicatorMissing { .. } => Code::Indicator,
            Kind::Older { .. } => Code::Older,
            Kind::Status { .. } => Code::Status,
            Kind::Rate { .. } => Code::Rate,
            Kind::UnknownIndicator { .. } => Code::UnknownIndicator,
            Kind::NegativeActual { .. } => Code::Negative,
            Kind::IndicatorNumber { .. } => Code::Number,
            Kind::Overspend { .. } => Code::Overspend,
            Kind::Oversecure { .. } => Code::Oversecure,
            Kind::StatusRate { .. } => Code::StatusRate,
            Kind::Superseded { .. } => Code::Superseded,
            Kind::Duplicate { .. } => Code::Duplicate,
            Kind::ReasonMissing { .. } => Code::ReasonMissing,
            Kind::ReasonRequired { .. } => Code::ReasonRequired,
        }
    }
}
