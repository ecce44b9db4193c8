//! Stage 2, parse: cell grid → a draft submission with the place of every value,
//! plus the findings about cells that cannot be read (SPEC §3, §4).
//!
//! Tables are located by their labels, never by fixed addresses: title rows, blank
//! rows, an extra leading column, merged or two-row headers are all normal.

use crate::definition::{Catalog, Pledge};
use crate::finding::{CellRef, Code, Finding, Place, josa};
use crate::model::{IndicatorRow, RoadmapItem, SubmissionInfo, TargetValue, Targets};
use crate::normalize::{
    Quarter, Unit, UnitNote, compact, date_from_serial, decimal_from_f64, is_to_be_fixed, is_whole,
    label_key, parse_amount_text, parse_date_text, parse_quarter, parse_unit_note,
    parse_year_label,
};
use crate::read::{CellValue, Sheet, Workbook};
use ::josa::{EulReul, EunNeun};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Sheet names as the forms use them (matched after normalisation).
pub const SHEET_INFO: &str = "제출정보";
pub const SHEET_INVEST: &str = "투자계획";
pub const SHEET_TARGETS: &str = "추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";

/// A value and the cell it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub place: Place,
}

/// Which column of the investment table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColKind {
    Total,
    Before,
    Year(i32),
    After,
}

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
    pub info_places: BTreeMap<&'static str, Place>,
    pub unit: Unit,
    pub investment: Option<DraftInvestment>,
    pub targets: Targets,
    pub roadmap: Vec<RoadmapItem>,
}

/// Finds a sheet by its normalised name, or one whose name contains it
/// (`1.투자계획`, `연차별 투자계획(양식)`).
pub fn find_sheet<'a>(wb: &'a Workbook, wanted: &str) -> Option<&'a Sheet> {
    let key = compact(wanted);
    wb.sheets
        .iter()
        .find(|s| compact(&s.name) == key)
        .or_else(|| wb.sheets.iter().find(|s| compact(&s.name).contains(&key)))
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
        Some(sheet) => parse_info(sheet, &mut draft, &mut findings),
        None => findings.push(missing_sheet(SHEET_INFO, &[])),
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
                let closest = catalog.closest(&typed.value);
                findings.push(Finding::new(
                    Code::Pledge,
                    Some(typed.place.clone()),
                    format!(
                        "공약명 '{}'{} 등록된 공약이 아닙니다.{} 공약명을 정확히 입력하세요.",
                        typed.value,
                        josa(&typed.value, EunNeun),
                        closest.map_or(String::new(), |p| format!(
                            " 가장 가까운 공약: '{}'.",
                            p.title
                        ))
                    ),
                ));
                closest
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
        None => findings.push(missing_sheet(SHEET_INVEST, &[])),
    }
    match find_sheet(wb, SHEET_TARGETS) {
        Some(sheet) => draft.targets = parse_targets(sheet, pledge, &mut findings),
        None => findings.push(missing_sheet(SHEET_TARGETS, &[])),
    }
    if let Some(sheet) = find_sheet(wb, SHEET_ROADMAP) {
        draft.roadmap = parse_roadmap(sheet, &mut findings);
    }
    (draft, findings)
}

fn missing_sheet(name: &str, present: &[&str]) -> Finding {
    let mut msg = format!(
        "'{name}' 시트를 찾을 수 없습니다. 제출 양식의 '{name}' 시트를 지우거나 이름을 바꾸지 마세요."
    );
    if !present.is_empty() {
        msg.push_str(&format!(" (찾은 항목: {})", present.join(", ")));
    }
    Finding::new(Code::Sheet, Some(Place::sheet(name)), msg)
}

/// Labels of 제출정보 and the synonyms staff use.
const INFO_LABELS: &[(&str, &[&str])] = &[
    ("공약명", &["공약명", "공약", "공약사항"]),
    ("사업명", &["사업명", "단위사업", "단위사업명", "사업"]),
    ("세부사업", &["세부사업", "세부사업명"]),
    (
        "제출부서",
        &["제출부서", "부서", "부서명", "담당부서", "추진부서"],
    ),
    ("담당자", &["담당자", "작성자", "담당자명"]),
    ("연락처", &["연락처", "전화", "전화번호", "연락처전화"]),
    (
        "기준일",
        &["기준일", "기준일자", "작성일", "작성기준일", "제출일"],
    ),
];

fn info_label(key: &str) -> Option<&'static str> {
    let key = key.trim_end_matches([':', '：']);
    INFO_LABELS
        .iter()
        .find(|(_, syn)| syn.contains(&key))
        .map(|(name, _)| *name)
}

/// A 제출정보 label's cell and the value cell right of it, if any.
type InfoCell<'a> = (CellRef, Option<(CellRef, &'a CellValue)>);

fn parse_info(sheet: &Sheet, draft: &mut Draft, findings: &mut Vec<Finding>) {
    let mut found: BTreeMap<&'static str, InfoCell<'_>> = BTreeMap::new();
    for (row, cells) in sheet.rows() {
        for (i, &(col, v)) in cells.iter().enumerate() {
            let CellValue::Text(t) = v else { continue };
            let Some(label) = info_label(&label_key(t)) else {
                continue;
            };
            if found.contains_key(label) {
                continue;
            }
            let value = cells[i + 1..]
                .iter()
                .find(|(_, v)| !matches!(v, CellValue::Text(s) if s.trim().is_empty()))
                .map(|&(c, v)| (CellRef::new(row, c), v));
            found.insert(label, (CellRef::new(row, col), value));
        }
    }
    let name = sheet.name.as_str();
    let mut text = |label: &'static str| -> Option<Located<String>> {
        let (label_cell, value) = found.get(label)?;
        let place = Place::cell(name, value.map_or(right_of(*label_cell), |(c, _)| c));
        draft.info_places.insert(label, place.clone());
        let value = value.map(|(_, v)| text_of(v)).unwrap_or_default();
        Some(Located { value, place })
    };
    let pledge = text("공약명");
    let program = text("사업명");
    let sub = text("세부사업");
    let dept = text("제출부서");
    let person = text("담당자");
    let phone = text("연락처");

    let missing: Vec<&str> = ["공약명", "사업명", "기준일"]
        .into_iter()
        .filter(|l| !found.contains_key(l))
        .collect();
    if !missing.is_empty() {
        findings.push(Finding::new(
            Code::Sheet,
            Some(Place::sheet(name)),
            format!(
                "'{name}' 시트에서 항목 {}{} 찾을 수 없습니다. 찾은 이름표: 공약명, 사업명, 세부사업, 제출부서, 담당자, 연락처, 기준일.",
                missing.join(", "),
                josa(missing.last().map_or("", |m| m.as_ref()), EulReul)
            ),
        ));
    }
    match pledge {
        Some(p) if p.value.is_empty() => findings.push(Finding::new(
            Code::Pledge,
            Some(p.place),
            "공약명이 비어 있습니다. 공약명을 입력하세요.",
        )),
        Some(p) => draft.pledge_typed = Some(p),
        None => {}
    }
    match program {
        Some(p) if p.value.is_empty() => findings.push(Finding::new(
            Code::Program,
            Some(p.place),
            "사업명이 비어 있습니다. 사업명을 입력하세요.",
        )),
        Some(p) => draft.program = Some(p),
        None => {}
    }
    draft.subprogram = sub.filter(|s| !s.value.is_empty());
    draft.info = SubmissionInfo {
        department: dept.map(|d| d.value).unwrap_or_default(),
        person: person.map(|d| d.value).unwrap_or_default(),
        phone: phone.map(|d| d.value).unwrap_or_default(),
    };

    if let Some((label_cell, value)) = found.get("기준일") {
        match value {
            None => findings.push(Finding::at(
                Code::Date,
                name,
                right_of(*label_cell),
                "기준일이 비어 있습니다. 기준일(예: 2026-11-24)을 입력하세요.",
            )),
            Some((cell, v)) => match date_of(v) {
                Some(d) => draft.base_date = Some(d),
                None => findings.push(Finding::at(
                    Code::Date,
                    name,
                    *cell,
                    format!(
                        "기준일 '{}'{} 날짜로 읽을 수 없습니다. 2026-11-24 형식으로 입력하세요.",
                        text_of(v),
                        josa(&text_of(v), EulReul)
                    ),
                )),
            },
        }
    }
}

fn right_of(c: CellRef) -> CellRef {
    CellRef::new(c.row, c.col + 1)
}

/// A date from a date cell, an Excel serial, or text in any listed form.
fn date_of(v: &CellValue) -> Option<NaiveDate> {
    match v {
        CellValue::Date(d) => Some(d.date()),
        CellValue::Number(n) => date_from_serial(*n),
        CellValue::Text(t) => parse_date_text(t),
        _ => None,
    }
}

/// Finds the header row of a table: the first row holding `must` (a label key) and at
/// least one cell satisfying `also`.
fn find_header(sheet: &Sheet, must: &str, also: impl Fn(&str) -> bool) -> Option<(u32, u32)> {
    for (row, cells) in sheet.rows() {
        let keys: Vec<(u32, String)> = cells
            .iter()
            .filter_map(|(c, v)| v.as_label().map(|s| (*c, label_key(&s))))
            .collect();
        if let Some((col, _)) = keys.iter().find(|(_, k)| k == must)
            && keys.iter().any(|(_, k)| also(k))
        {
            return Some((row, *col));
        }
    }
    None
}

fn parse_investment(
    sheet: &Sheet,
    pledge: &Pledge,
    unit_out: &mut Unit,
    findings: &mut Vec<Finding>,
) -> Option<DraftInvestment> {
    let name = sheet.name.as_str();
    let before_key = label_key(&pledge.before_label);
    let after_key = label_key(&pledge.after_label);
    let classify = |k: &str| -> Option<ColKind> {
        if k == "총계" {
            Some(ColKind::Total)
        } else if k == before_key || k == "기투자" {
            Some(ColKind::Before)
        } else if k == after_key || k == "임기후" {
            Some(ColKind::After)
        } else {
            parse_year_label(k).map(ColKind::Year)
        }
    };
    let Some((hrow, hcol)) = find_header(sheet, "구분", |k| classify(k).is_some()) else {
        findings.push(Finding::new(
            Code::Sheet,
            Some(Place::sheet(name)),
            format!(
                "'{name}' 시트에서 표 머리글을 찾을 수 없습니다. 찾은 이름표: 구분, 총계, {}, 연도({}년~{}년), {}.",
                pledge.before_label, pledge.term.start, pledge.term.end, pledge.after_label
            ),
        ));
        return None;
    };
    let is_row_label = |k: &str| k == "계" || pledge.source_for_label(k).is_some();

    // Header cells of this row, and of the next one when the header spans two rows
    // (e.g. a merged `연도별` over the years).
    let mut header_cells: Vec<(u32, u32, String)> = Vec::new();
    let row_keys = |r: u32| -> Vec<(u32, String)> {
        sheet
            .cells
            .range((r, 0)..(r + 1, 0))
            .filter_map(|(&(_, c), v)| v.as_label().map(|s| (c, label_key(&s))))
            .collect()
    };
    header_cells.extend(row_keys(hrow).into_iter().map(|(c, k)| (hrow, c, k)));
    let next = row_keys(hrow + 1);
    if !next.iter().any(|(_, k)| is_row_label(k))
        && next.iter().any(|(_, k)| parse_year_label(k).is_some())
    {
        header_cells.extend(next.into_iter().map(|(c, k)| (hrow + 1, c, k)));
    }
    let data_start = header_cells
        .iter()
        .map(|(r, _, _)| *r)
        .max()
        .unwrap_or(hrow)
        + 1;

    let mut columns: Vec<(ColKind, u32)> = Vec::new();
    for (r, c, k) in &header_cells {
        let Some(kind) = classify(k) else { continue };
        if columns.iter().any(|(kk, _)| *kk == kind) {
            let what = match kind {
                ColKind::Year(y) => format!("{y}년"),
                ColKind::Total => "총계".into(),
                ColKind::Before => pledge.before_label.clone(),
                ColKind::After => pledge.after_label.clone(),
            };
            findings.push(Finding::at(
                Code::Year,
                name,
                CellRef::new(*r, *c),
                format!("'{what}' 열이 두 번 있습니다. 중복된 열을 지우세요."),
            ));
            continue;
        }
        if let ColKind::Year(y) = kind
            && !pledge.term.contains(y)
        {
            findings.push(Finding::at(
                Code::Year,
                name,
                CellRef::new(*r, *c),
                format!(
                    "{y}년은 공약 임기({}년~{}년) 밖의 연도입니다. 임기 전 금액은 '{}', 임기 후 금액은 '{}' 열에 넣으세요.",
                    pledge.term.start, pledge.term.end, pledge.before_label, pledge.after_label
                ),
            ));
            continue;
        }
        columns.push((kind, *c));
    }
    let header_cell = CellRef::new(hrow, hcol);
    for y in pledge.term.years() {
        if !columns.iter().any(|(k, _)| *k == ColKind::Year(y)) {
            findings.push(Finding::at(
                Code::Year,
                name,
                header_cell,
                format!(
                    "{y}년 열이 없습니다. 임기 {}년~{}년의 모든 연도 열이 있어야 합니다.",
                    pledge.term.start, pledge.term.end
                ),
            ));
        }
    }
    let mut missing = Vec::new();
    for (kind, label) in [
        (ColKind::Total, "총계"),
        (ColKind::Before, pledge.before_label.as_str()),
        (ColKind::After, pledge.after_label.as_str()),
    ] {
        if !columns.iter().any(|(k, _)| *k == kind) {
            missing.push(label.to_owned());
        }
    }
    if !missing.is_empty() {
        findings.push(Finding::at(
            Code::Sheet,
            name,
            header_cell,
            format!(
                "투자계획 표에 {} 열이 없습니다. 찾은 이름표: 구분, 총계, {}, 연도, {}.",
                missing.join(", "),
                pledge.before_label,
                pledge.after_label
            ),
        ));
    }
    columns.sort_by_key(|(k, _)| *k);

    // Unit note: the nearest `단위` note at or above the header row.
    let mut unit = None;
    for (&(r, c), v) in sheet.cells.range(..(data_start, 0)).rev() {
        let CellValue::Text(t) = v else { continue };
        match parse_unit_note(t) {
            UnitNote::None => {}
            UnitNote::Known(u) => {
                unit = Some(u);
                break;
            }
            UnitNote::Unknown(what) => {
                findings.push(Finding::at(
                    Code::Unit,
                    name,
                    CellRef::new(r, c),
                    format!(
                        "단위 '{what}'{} 알 수 없습니다. 원, 천원, 백만원, 억원 중 하나로 적으세요.",
                        josa(&what, EulReul)
                    ),
                ));
                unit = Some(Unit::Million);
                break;
            }
        }
    }
    let unit = unit.unwrap_or_else(|| {
        findings.push(Finding::at(
            Code::UnitAssumed,
            name,
            header_cell,
            "표 위에 단위 표시(예: (단위 : 백만원))가 없어 백만원으로 보았습니다. 단위가 다르면 단위를 적어 다시 제출하세요.",
        ));
        Unit::Million
    });
    *unit_out = unit;

    let first_amount_col = columns.iter().map(|(_, c)| *c).min().unwrap_or(hcol + 1);
    let mut rows: Vec<DraftRow> = Vec::new();
    for (row, cells) in sheet
        .rows()
        .filter(|(r, _)| *r >= data_start && *r < data_start + 60)
    {
        let label = cells
            .iter()
            .filter(|(c, _)| *c < first_amount_col)
            .filter_map(|(_, v)| v.as_label().map(|s| label_key(&s)))
            .rfind(|k| is_row_label(k));
        if cells.iter().any(|(c, v)| {
            *c < first_amount_col && v.as_label().is_some_and(|s| label_key(&s) == "구분")
        }) {
            break; // the next table starts
        }
        let Some(label) = label else { continue };
        let kind = if label == "계" {
            RowKind::Sum
        } else {
            RowKind::Source(
                pledge
                    .source_for_label(&label)
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        if rows.iter().any(|r| r.kind == kind) {
            continue;
        }
        let amounts = columns
            .iter()
            .map(|&(_, c)| read_amount(sheet, CellRef::new(row, c), unit, findings))
            .collect();
        rows.push(DraftRow {
            kind,
            row,
            cells: amounts,
        });
    }
    let mut absent: Vec<&str> = Vec::new();
    if !rows.iter().any(|r| r.kind == RowKind::Sum) {
        absent.push("계");
    }
    for s in &pledge.sources {
        if !rows.iter().any(|r| r.kind == RowKind::Source(s.clone())) {
            absent.push(s);
        }
    }
    if !absent.is_empty() {
        findings.push(Finding::at(
            Code::Sheet,
            name,
            header_cell,
            format!(
                "투자계획 표에 {} 행이 없습니다. 찾은 이름표: 계, {}.",
                absent.join(", "),
                pledge.sources.join(", ")
            ),
        ));
    }
    // Keep 계 first and sources in definition order.
    rows.sort_by_key(|r| match &r.kind {
        RowKind::Sum => 0,
        RowKind::Source(s) => 1 + pledge.sources.iter().position(|x| x == s).unwrap_or(99),
    });
    Some(DraftInvestment {
        sheet: name.to_owned(),
        header: header_cell,
        columns,
        rows,
    })
}

/// Reads one amount cell with every tolerance of §4; reports what it cannot accept.
fn read_amount(
    sheet: &Sheet,
    cell: CellRef,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> Option<DraftAmount> {
    let name = sheet.name.as_str();
    let raw = match sheet.get(cell.row, cell.col) {
        None => Decimal::ZERO,
        Some(CellValue::Number(n)) => match decimal_from_f64(*n) {
            Some(d) => d,
            None => {
                findings.push(Finding::at(
                    Code::Number,
                    name,
                    cell,
                    format!(
                        "금액 {n}{} 정확한 숫자로 읽을 수 없습니다. 금액을 다시 입력하세요.",
                        josa(&n.to_string(), EulReul)
                    ),
                ));
                return None;
            }
        },
        Some(CellValue::Text(t)) if is_error_literal(t) => {
            findings.push(Finding::at(
                Code::Formula,
                name,
                cell,
                format!("수식 오류 값({})이 들어 있습니다. 수식이 가리키는 셀을 고치거나 숫자를 직접 입력하세요.", t.trim()),
            ));
            return None;
        }
        Some(CellValue::Text(t)) => match parse_amount_text(t) {
            Ok(d) => d,
            Err(_) => {
                findings.push(Finding::at(
                    Code::Number,
                    name,
                    cell,
                    format!(
                        "'{t}'{} 금액(숫자)이 아닙니다. 숫자만 입력하세요(예: 1,000).",
                        josa(t, EunNeun)
                    ),
                ));
                return None;
            }
        },
        Some(CellValue::Date(d)) => {
            findings.push(Finding::at(
                Code::Number,
                name,
                cell,
                format!(
                    "금액 칸에 날짜({})가 들어 있습니다. 숫자만 입력하세요.",
                    d.date()
                ),
            ));
            return None;
        }
        Some(CellValue::Bool(b)) => {
            findings.push(Finding::at(
                Code::Number,
                name,
                cell,
                format!(
                    "금액 칸에 '{}' 값이 들어 있습니다. 숫자만 입력하세요.",
                    if *b { "TRUE" } else { "FALSE" }
                ),
            ));
            return None;
        }
        Some(CellValue::Error(e)) => {
            findings.push(Finding::at(
                Code::Formula,
                name,
                cell,
                format!("수식 오류 값({e})이 들어 있습니다. 수식이 가리키는 셀을 고치거나 숫자를 직접 입력하세요."),
            ));
            return None;
        }
        Some(CellValue::FormulaWithoutValue(f)) => {
            findings.push(Finding::at(
                Code::Formula,
                name,
                cell,
                format!("수식 ={f}의 계산 결과가 저장되어 있지 않습니다. Excel에서 파일을 열어 다시 저장한 뒤 제출하세요."),
            ));
            return None;
        }
    };
    if raw.is_sign_negative() && !raw.is_zero() {
        findings.push(Finding::at(
            Code::Negative,
            name,
            cell,
            format!(
                "금액이 음수({})입니다. 계획 금액은 0 이상이어야 합니다.",
                fmt_amount(raw)
            ),
        ));
        return None;
    }
    let value = unit.to_million(raw);
    if !is_whole(value) {
        findings.push(Finding::at(
            Code::Fraction,
            name,
            cell,
            format!(
                "{} {}{} {}백만원으로, 백만원 단위로 떨어지지 않습니다. 값은 그대로 반영합니다.",
                fmt_amount(raw),
                unit.label(),
                josa(unit.label(), EunNeun),
                value.normalize()
            ),
        ));
    }
    Some(DraftAmount { raw, value, cell })
}

/// Excel's error values, which some tools store as plain text.
fn is_error_literal(t: &str) -> bool {
    matches!(
        t.trim(),
        "#REF!"
            | "#DIV/0!"
            | "#N/A"
            | "#VALUE!"
            | "#NAME?"
            | "#NUM!"
            | "#NULL!"
            | "#DATA!"
            | "#SPILL!"
            | "#CALC!"
    )
}

/// `#,##0` style with the decimals kept: 1,234.5
pub fn fmt_amount(d: Decimal) -> String {
    let d = d.normalize();
    let s = d.abs().to_string();
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

const CONTENT_LABELS: &[&str] = &[
    "추진내용",
    "사업내용",
    "주요내용",
    "추진계획",
    "주요추진내용",
];

fn parse_targets(sheet: &Sheet, pledge: &Pledge, findings: &mut Vec<Finding>) -> Targets {
    let name = sheet.name.as_str();
    let Some((hrow, hcol)) = find_header(sheet, "구분", |k| parse_year_label(k).is_some()) else {
        findings.push(Finding::new(
            Code::Sheet,
            Some(Place::sheet(name)),
            format!(
                "'{name}' 시트에서 표 머리글을 찾을 수 없습니다. 찾은 이름표: 구분, 단위, 연도({}년~{}년).",
                pledge.term.start, pledge.term.end
            ),
        ));
        return Targets::default();
    };
    let mut year_cols: Vec<(i32, u32)> = Vec::new();
    let mut unit_col = None;
    for (&(_, c), v) in sheet.cells.range((hrow, 0)..(hrow + 1, 0)) {
        let Some(k) = v.as_label().map(|s| label_key(&s)) else {
            continue;
        };
        if k == "단위" {
            unit_col = Some(c);
        } else if let Some(y) = parse_year_label(&k) {
            let cell = CellRef::new(hrow, c);
            if year_cols.iter().any(|(yy, _)| *yy == y) {
                findings.push(Finding::at(
                    Code::Year,
                    name,
                    cell,
                    format!("'{y}년' 열이 두 번 있습니다. 중복된 열을 지우세요."),
                ));
            } else if !pledge.term.contains(y) {
                findings.push(Finding::at(
                    Code::Year,
                    name,
                    cell,
                    format!(
                        "{y}년은 공약 임기({}년~{}년) 밖의 연도입니다. 이 열을 지우세요.",
                        pledge.term.start, pledge.term.end
                    ),
                ));
            } else {
                year_cols.push((y, c));
            }
        }
    }
    for y in pledge.term.years() {
        if !year_cols.iter().any(|(yy, _)| *yy == y) {
            findings.push(Finding::at(
                Code::Year,
                name,
                CellRef::new(hrow, hcol),
                format!(
                    "{y}년 열이 없습니다. 임기 {}년~{}년의 모든 연도 열이 있어야 합니다.",
                    pledge.term.start, pledge.term.end
                ),
            ));
        }
    }
    // A value merged across several year columns applies to each of them.
    let year_values = |row: u32| -> BTreeMap<i32, &CellValue> {
        let mut out = BTreeMap::new();
        for &(y, c) in &year_cols {
            if let Some(v) = sheet.get(row, c) {
                out.insert(y, v);
                if let Some(m) = sheet.merge_at(row, c) {
                    for &(y2, c2) in &year_cols {
                        if c2 > c && c2 <= m.last_col {
                            out.insert(y2, v);
                        }
                    }
                }
            }
        }
        out
    };
    let mut targets = Targets::default();
    for (row, _) in sheet.rows().filter(|(r, _)| *r > hrow) {
        let Some(label_text) = sheet.get(row, hcol).and_then(CellValue::as_label) else {
            continue;
        };
        let label = label_text.trim().to_owned();
        let k = label_key(&label);
        if k.is_empty() || k == "구분" {
            continue;
        }
        let values = year_values(row);
        if CONTENT_LABELS.contains(&k.as_str()) {
            targets.content = values.into_iter().map(|(y, v)| (y, text_of(v))).collect();
        } else if k == "비고" {
            let notes: Vec<String> = values.values().map(|v| text_of(v)).collect::<Vec<_>>();
            let mut uniq: Vec<String> = Vec::new();
            for n in notes {
                if !uniq.contains(&n) {
                    uniq.push(n);
                }
            }
            if !uniq.is_empty() {
                targets.note = Some(uniq.join(" / "));
            }
        } else {
            let unit = unit_col
                .and_then(|c| sheet.get(row, c))
                .map(text_of)
                .unwrap_or_default();
            let values = year_cols
                .iter()
                .map(|&(y, _)| {
                    (
                        y,
                        values
                            .get(&y)
                            .map_or(TargetValue::ToBeFixed(String::new()), |v| target_value(v)),
                    )
                })
                .collect();
            targets.indicators.push(IndicatorRow {
                name: label,
                unit,
                values,
            });
        }
    }
    targets
}

fn target_value(v: &CellValue) -> TargetValue {
    match v {
        CellValue::Number(n) => decimal_from_f64(*n)
            .map_or_else(|| TargetValue::Text(n.to_string()), TargetValue::Number),
        CellValue::Text(t) if is_to_be_fixed(t) => TargetValue::ToBeFixed(t.trim().to_owned()),
        CellValue::Text(t) => match parse_amount_text(t) {
            Ok(d) => TargetValue::Number(d),
            Err(_) => TargetValue::Text(t.trim().to_owned()),
        },
        other => TargetValue::Text(text_of(other)),
    }
}

fn parse_roadmap(sheet: &Sheet, findings: &mut Vec<Finding>) -> Vec<RoadmapItem> {
    let name = sheet.name.as_str();
    const NAME: &[&str] = &["세부내용", "추진내용", "내용", "과제", "세부과제"];
    const START: &[&str] = &["시작", "시작분기", "착수", "시작시기"];
    const END: &[&str] = &["종료", "종료분기", "완료", "종료시기"];
    let mut header = None;
    for (row, cells) in sheet.rows() {
        let find = |set: &[&str]| {
            cells
                .iter()
                .find(|(_, v)| {
                    v.as_label()
                        .is_some_and(|s| set.contains(&label_key(&s).as_str()))
                })
                .map(|(c, _)| *c)
        };
        if let (Some(n), Some(s), Some(e)) = (find(NAME), find(START), find(END)) {
            header = Some((row, n, s, e));
            break;
        }
    }
    let Some((hrow, ncol, scol, ecol)) = header else {
        if !sheet.cells.is_empty() {
            findings.push(Finding::new(
                Code::Sheet,
                Some(Place::sheet(name)),
                format!("'{name}' 시트에서 표 머리글을 찾을 수 없습니다. 찾은 이름표: 세부내용, 시작, 종료."),
            ));
        }
        return Vec::new();
    };
    let mut items = Vec::new();
    for (row, _) in sheet.rows().filter(|(r, _)| *r > hrow) {
        let Some(item) = sheet.get(row, ncol).map(text_of).filter(|s| !s.is_empty()) else {
            continue;
        };
        let quarter = |col: u32, findings: &mut Vec<Finding>| -> Option<Quarter> {
            let cell = CellRef::new(row, col);
            let q = match sheet.get(row, col) {
                Some(CellValue::Text(t)) => parse_quarter(t),
                Some(CellValue::Date(d)) => Some(Quarter::of_date(d.date())),
                _ => None,
            };
            if q.is_none() {
                let shown = sheet.get(row, col).map(text_of).unwrap_or_default();
                findings.push(Finding::at(
                    Code::Quarter,
                    name,
                    cell,
                    format!(
                        "분기 '{shown}'{} 읽을 수 없습니다. 2022-Q1 형식으로 입력하세요.",
                        josa(&shown, EulReul)
                    ),
                ));
            }
            q
        };
        let start = quarter(scol, findings);
        let end = quarter(ecol, findings);
        if let (Some(start), Some(end)) = (start, end) {
            if start > end {
                findings.push(Finding::at(
                    Code::Quarter,
                    name,
                    CellRef::new(row, ecol),
                    format!("종료 분기({end})가 시작 분기({start})보다 앞섭니다."),
                ));
            } else {
                items.push(RoadmapItem {
                    name: item,
                    start,
                    end,
                });
            }
        }
    }
    items
}
