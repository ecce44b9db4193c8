//! Stage 2, parse: cell grid → a draft submission with the place of every value,
//! plus the findings about cells that cannot be read (SPEC §3, §4).
//!
//! Tables are located by their labels, never by fixed addresses: title rows, blank
//! rows, an extra leading column, merged or two-row headers are all normal.

use crate::core::definition::{Catalog, Pledge, similar_by};
use crate::core::finding::{CellRef, Finding, Kind, Place, QuarterEnd};
use crate::core::model::{IndicatorRow, RoadmapItem, SubmissionInfo, TargetValue, Targets};
use crate::core::normalize::{
    Label, Quarter, Unit, UnitNote, compact, date_from_serial, decimal_from_f64, is_to_be_fixed,
    is_whole, label_key, parse_amount_text, parse_date_text, parse_quarter, parse_unit_note,
    parse_year_label,
};
use crate::core::read::{CellValue, Sheet, Workbook};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

mod info;
mod invest;
mod progress;
mod roadmap;
mod targets;

use info::parse_info;
pub use invest::fmt_amount;
use invest::parse_investment;
use progress::parse_progress;
pub use progress::{DraftIndicator, DraftProgress};
use roadmap::parse_roadmap;
use targets::parse_targets;

/// Sheet names as the forms use them (matched after normalisation).
pub const SHEET_INFO: &str = "제출정보";
pub const SHEET_INVEST: &str = "투자계획";
pub const SHEET_TARGETS: &str = "추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";
pub const SHEET_PROGRESS: &str = "추진실적";

/// A value and the cell it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub place: Place,
}

/// Which column of the investment table (the one [`Column`] of the model).
pub use crate::core::model::Column as ColKind;

/// Which row of the investment table: 계 or a funding source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowKind {
    Sum,
    Source(String),
}

/// One amount as read: in the file's unit (for the sum checks) and in 백만원.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DraftAmount {
    pub raw: Decimal,
    pub value: Decimal,
    pub cell: CellRef,
    /// The cell holds a formula (a 계/총계 of the form): a wrong stored result is
    /// stale, not a typo.
    pub formula: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftRow {
    pub kind: RowKind,
    pub row: u32,
    /// Aligned with [`DraftInvestment::columns`]; `None` where the cell was unreadable
    /// (already reported), so sum checks skip it instead of cascading.
    pub cells: Vec<Option<DraftAmount>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftInvestment {
    pub sheet: String,
    pub header: CellRef,
    pub columns: Vec<(ColKind, u32)>,
    pub rows: Vec<DraftRow>,
    /// The unit the file's amounts are written in (`raw` of each amount).
    pub unit: Unit,
    /// A column of the heading is missing, doubled or outside the term (reported):
    /// row sums would only repeat that error, so they are not checked.
    pub header_broken: bool,
}

impl DraftInvestment {
    pub fn row(&self, kind: &RowKind) -> Option<&DraftRow> {
        self.rows.iter().find(|r| &r.kind == kind)
    }
    pub fn column_index(&self, kind: ColKind) -> Option<usize> {
        self.columns.iter().position(|(k, _)| *k == kind)
    }
}

/// Everything parsed from one workbook, with places, before validation.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The pledge the 공약명 routes to; `None` when unknown (E-PLEDGE was reported).
    pub pledge_id: Option<String>,
    pub pledge_typed: Option<Located<String>>,
    pub program: Option<Located<String>>,
    pub subprogram: Option<Located<String>>,
    pub base_date: Option<NaiveDate>,
    pub info: SubmissionInfo,
    pub info_places: BTreeMap<InfoLabel, Place>,
    pub unit: Unit,
    pub investment: Option<DraftInvestment>,
    pub targets: Targets,
    pub roadmap: Vec<RoadmapItem>,
    /// The 추진실적 sheet, when the file has one (SPEC §11).
    pub progress: Option<DraftProgress>,
}

/// The sheets intake reads, by the names [`find_sheet`] looks for (`추진실적` is the
/// quarterly progress report, SPEC §11).
const SHEETS_READ: [&str; 5] = [
    SHEET_INFO,
    SHEET_INVEST,
    SHEET_TARGETS,
    SHEET_ROADMAP,
    "추진실적",
];

/// Whether intake reads a sheet of this name: any sheet [`find_sheet`] could choose.
/// Other sheets are never parsed, so nothing in them can make a submission unreadable.
pub fn is_read_sheet(name: &str) -> bool {
    let name = compact(name);
    SHEETS_READ.iter().any(|s| name.contains(&compact(s)))
}

/// Finds a sheet by its normalised name, or one whose name contains it
/// (`1.투자계획`, `연차별 투자계획(양식)`). Visible sheets come first: a hidden sheet
/// (an old copy put away, `투자계획 (2)`) is taken only when no visible one matches.
pub fn find_sheet<'a>(wb: &'a Workbook, wanted: &str) -> Option<&'a Sheet> {
    let key = compact(wanted);
    let find = |hidden: bool, exact: bool| {
        wb.sheets.iter().find(|s| {
            let name = compact(&s.name);
            s.hidden == hidden
                && if exact {
                    name == key
                } else {
                    name.contains(&key)
                }
        })
    };
    find(false, true)
        .or_else(|| find(false, false))
        .or_else(|| find(true, true))
        .or_else(|| find(true, false))
}

fn text_of(v: &CellValue) -> String {
    match v {
        CellValue::Text(s) => s.trim().to_owned(),
        CellValue::Number(n) => {
            decimal_from_f64(*n).map_or_else(|| n.to_string(), |d| d.to_string())
        }
        CellValue::Bool(b) => b.to_string(),
        CellValue::Date(d) => d.date().to_string(),
        CellValue::Error(e) => e.clone(),
        CellValue::FormulaWithoutValue(f) => format!("={f}"),
    }
}

/// Parses a workbook against the catalog: routes it to a pledge by its 공약명 and reads
/// every table with that pledge's years and sources.
pub fn parse(wb: &Workbook, catalog: &Catalog) -> (Draft, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut draft = Draft::default();

    match find_sheet(wb, SHEET_INFO) {
        Some(sheet) => parse_info(sheet, catalog, wb.date_1904, &mut draft, &mut findings),
        None => findings.push(missing_sheet(SHEET_INFO)),
    }

    // Route by 공약명; an unknown title is an error, but the tables are still read with
    // the closest pledge's layout so staff get every finding in one round.
    let pledge: Option<&Pledge> = match &draft.pledge_typed {
        Some(typed) => match catalog.by_title(&typed.value) {
            Some(p) => {
                draft.pledge_id = Some(p.id.clone());
                Some(p)
            }
            None => {
                findings.push(Finding::of(
                    Kind::UnknownPledge {
                        typed: typed.value.clone(),
                        valid: catalog.pledges.iter().map(|p| p.title.clone()).collect(),
                        similar: similar_by(&catalog.pledges, &typed.value, |p| &p.title)
                            .map(|p| p.title.clone()),
                    },
                    Some(typed.place.clone()),
                ));
                catalog.closest(&typed.value)
            }
        },
        None => None,
    };
    let Some(pledge) = pledge.or(catalog.pledges.first()) else {
        return (draft, findings);
    };

    match find_sheet(wb, SHEET_INVEST) {
        Some(sheet) => {
            draft.investment = parse_investment(sheet, pledge, &mut draft.unit, &mut findings)
        }
        None => findings.push(missing_sheet(SHEET_INVEST)),
    }
    match find_sheet(wb, SHEET_TARGETS) {
        Some(sheet) => draft.targets = parse_targets(sheet, pledge, &mut findings),
        None => findings.push(missing_sheet(SHEET_TARGETS)),
    }
    if let Some(sheet) = find_sheet(wb, SHEET_ROADMAP) {
        draft.roadmap = parse_roadmap(sheet, pledge, &mut findings);
    }
    if let Some(sheet) = find_sheet(wb, SHEET_PROGRESS) {
        draft.progress = parse_progress(sheet, pledge, &mut findings);
    }
    (
        draft,
        crate::core::finding::collapse_missing_results(findings),
    )
}

fn missing_sheet(name: &str) -> Finding {
    Finding::of(
        Kind::SheetMissing {
            sheet: name.to_owned(),
        },
        Some(Place::sheet(name)),
    )
}

/// A 기준일 to show as the example in messages: the reporting round's first day when
/// the city file has one, else the last day of the first pledge's first term year —
/// from the definitions, never a date fixed in the code.
fn date_example(catalog: &Catalog) -> NaiveDate {
    catalog
        .city
        .round
        .as_ref()
        .map(|r| r.opens)
        .or_else(|| {
            let p = catalog.pledges.first()?;
            NaiveDate::from_ymd_opt(p.term.start, 12, 31)
        })
        .unwrap_or_default()
}

/// The table-not-found finding shared by every sheet.
fn table_not_found(sheet: &str, labels: Vec<String>) -> Finding {
    Finding::of(
        Kind::TableNotFound {
            sheet: sheet.to_owned(),
            labels,
        },
        Some(Place::sheet(sheet)),
    )
}

/// A label of 제출정보: what a value found beside it is, and where a finding about
/// that value points (typed, so a place is looked up by what it is, not by its words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InfoLabel {
    Pledge,
    Program,
    Subprogram,
    Department,
    Person,
    Phone,
    BaseDate,
    Reason,
}

impl InfoLabel {
    /// In the order the form lists them.
    pub const ALL: [InfoLabel; 8] = [
        InfoLabel::Pledge,
        InfoLabel::Program,
        InfoLabel::Subprogram,
        InfoLabel::Department,
        InfoLabel::Person,
        InfoLabel::Phone,
        InfoLabel::BaseDate,
        InfoLabel::Reason,
    ];

    /// The form's word for it, as messages name it.
    pub fn name(self) -> &'static str {
        self.synonyms()[0]
    }

    /// The words staff use for it (compared after `label_key`), the form's first.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            InfoLabel::Pledge => &["공약명", "공약", "공약사항"],
            InfoLabel::Program => &["사업명", "단위사업", "단위사업명", "사업"],
            InfoLabel::Subprogram => &["세부사업", "세부사업명"],
            InfoLabel::Department => &["제출부서", "부서", "부서명", "담당부서", "추진부서"],
            InfoLabel::Person => &["담당자", "작성자", "담당자명"],
            InfoLabel::Phone => &["연락처", "전화", "전화번호", "연락처전화"],
            InfoLabel::BaseDate => &["기준일", "기준일자", "작성일", "작성기준일", "제출일"],
            InfoLabel::Reason => &["변경사유", "변경이유", "계획변경사유"],
        }
    }

    /// The label a typed (label-keyed) text stands for, if any.
    fn of(key: &str) -> Option<InfoLabel> {
        let key = key.trim_end_matches([':', '：']);
        InfoLabel::ALL
            .into_iter()
            .find(|l| l.synonyms().contains(&key))
    }
}

/// A 제출정보 label's cell and the value cell right of it, if any.
type InfoCell<'a> = (CellRef, Option<(CellRef, &'a CellValue)>);

fn right_of(c: CellRef) -> CellRef {
    CellRef::new(c.row, c.col + 1)
}

/// A date from a date cell, an Excel serial (in the workbook's date system), or text in
/// any listed form.
fn date_of(v: &CellValue, date_1904: bool) -> Option<NaiveDate> {
    match v {
        CellValue::Date(d) => Some(d.date()),
        CellValue::Number(n) => date_from_serial(*n, date_1904),
        CellValue::Text(t) => parse_date_text(t),
        _ => None,
    }
}

/// Finds the header row of a table: the first row holding the label `must` (a label
/// key, e.g. `Label::Heading.key()` or `"재원"`) and at least one cell whose key satisfies
/// `also`. `must` is looked for among the text cells first; only a row that has it has
/// every cell's key taken (amount cells are most of a sheet).
fn find_header(sheet: &Sheet, must: &str, also: impl Fn(&str) -> bool) -> Option<(u32, u32)> {
    sheet.rows().find_map(|(row, cells)| {
        let col = cells.iter().find_map(|(c, v)| match v {
            CellValue::Text(t) if label_key(t) == must => Some(*c),
            _ => None,
        })?;
        cells
            .iter()
            .filter_map(|(_, v)| v.as_label())
            .any(|s| also(&label_key(&s)))
            .then_some((row, col))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_labels_are_found_by_any_of_their_words_and_named_by_the_forms() {
        for (typed, label) in [
            ("공약명", InfoLabel::Pledge),
            ("공약사항", InfoLabel::Pledge),
            ("단위사업명", InfoLabel::Program),
            ("세부사업명", InfoLabel::Subprogram),
            ("담당부서", InfoLabel::Department),
            ("작성자", InfoLabel::Person),
            ("전화번호", InfoLabel::Phone),
            ("작성기준일", InfoLabel::BaseDate),
            ("계획변경사유", InfoLabel::Reason),
        ] {
            assert_eq!(InfoLabel::of(&label_key(typed)), Some(label), "{typed}");
        }
        // A label typed with its colon, full-width or not.
        assert_eq!(
            InfoLabel::of(&label_key("기준일 :")),
            Some(InfoLabel::BaseDate)
        );
        assert_eq!(
            InfoLabel::of(&label_key("담당자：")),
            Some(InfoLabel::Person)
        );
        assert_eq!(InfoLabel::of(&label_key("비고")), None);
        let names: Vec<&str> = InfoLabel::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(
            names,
            [
                "공약명",
                "사업명",
                "세부사업",
                "제출부서",
                "담당자",
                "연락처",
                "기준일",
                "변경사유"
            ]
        );
    }
}
