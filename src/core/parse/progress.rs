//! 추진실적 (SPEC §11): the quarterly progress of one leaf — label/value pairs
//! (추진상황, 추진율, texts), the 재원 확보·집행 table and the 지표 실적 table.
//!
//! Amounts are read by the same cell reader as 투자계획 (`read_raw_amount`), so every
//! tolerance of §4 holds here too. Checks that need the leaf or the plan (sums,
//! W-OVERSPEND, W-OVERSECURE, E-INDICATOR, W-STATUS-RATE) are in `core::progress`.
//!
//! **추진율** is a percent 0–100. Excel stores a cell shown as `85%` as the number 0.85
//! and calamine does not pass the number format on, so the rule is by value: a number
//! (or numeric text without `%`) above 0 and at most 1 is a fraction and is multiplied
//! by 100; anything else is taken as written. `85`, `85%`, `'85 %'` and a percent cell
//! 0.85 all read 85; a progress of 1 % or less must be written with its sign (`1%`,
//! `0.5%`).

use super::invest::{in_million, read_raw_amount, unit_note_above};
use super::*;
use crate::core::finding::{Code, Kind};
use crate::core::model::Status;

/// The 추진실적 sheet as read, with places, before the checks against leaf and plan.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftProgress {
    pub sheet: String,
    /// `None` when missing or not one of the seven words (E-STATUS already reported).
    pub status: Option<Located<Status>>,
    /// In percent; `None` when missing or out of range (E-RATE already reported).
    pub rate: Option<Located<Decimal>>,
    pub achievements: String,
    pub problems: String,
    pub plans: String,
    pub unit: Unit,
    /// 확보액 and 집행액, each as a 계 + sources table (columns 총계, 기투자, years).
    pub secured: Option<DraftInvestment>,
    pub spent: Option<DraftInvestment>,
    pub indicators: Vec<DraftIndicator>,
}

/// One row of 지표 실적 as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftIndicator {
    pub name: Located<String>,
    pub unit: String,
    /// Measured years only: an empty cell is "not measured yet".
    pub values: BTreeMap<i32, Decimal>,
}

/// The labels of the pairs and the synonyms staff use (compared after `label_key`).
const STATUS_LABELS: &[&str] = &["추진상황", "이행상황", "추진단계"];
const RATE_LABELS: &[&str] = &[
    "추진율",
    "추진률",
    "이행률",
    "이행율",
    "진척률",
    "진척율",
    "공정률",
    "공정율",
];
const ACHIEVEMENT_LABELS: &[&str] = &["추진실적", "주요추진실적", "추진실적내용", "주요실적"];
const PROBLEM_LABELS: &[&str] = &[
    "문제점및대책",
    "문제점및해결방안",
    "문제점및개선대책",
    "문제점및향후대책",
    "문제점",
];
const PLAN_LABELS: &[&str] = &["향후계획", "향후추진계획", "추진계획"];

const SECURED_LABELS: &[&str] = &["확보액", "확보", "확보금액", "예산확보액", "재원확보"];
const SPENT_LABELS: &[&str] = &["집행액", "집행", "집행금액", "예산집행액", "재원집행"];

/// Which group of rows of the 재원 확보·집행 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Secured,
    Spent,
}

impl Group {
    fn label(self) -> &'static str {
        match self {
            Group::Secured => "확보액",
            Group::Spent => "집행액",
        }
    }
    fn of(key: &str) -> Option<Group> {
        if SECURED_LABELS.contains(&key) {
            Some(Group::Secured)
        } else if SPENT_LABELS.contains(&key) {
            Some(Group::Spent)
        } else {
            None
        }
    }
}

/// Reads the sheet; `None` when it is the blank sheet of the form (nothing typed, every
/// amount zero): a plan-only submission sent on the form that has the sheet.
pub(super) fn parse_progress(
    sheet: &Sheet,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) -> Option<DraftProgress> {
    let mut own = Vec::new();
    let draft = read_progress(sheet, pledge, &mut own);
    if is_blank(&draft, &own) {
        return None;
    }
    findings.extend(own);
    Some(draft)
}

/// Nothing typed: texts, status and rate empty, every 확보액/집행액 input zero, no
/// indicator actual. The only findings allowed are "status/rate empty" and formulas
/// without a stored result in the 계 rows and 총계 columns (a form saved by a tool that
/// does not calculate).
fn is_blank(d: &DraftProgress, findings: &[Finding]) -> bool {
    let tables: Vec<&DraftInvestment> = [&d.secured, &d.spent].into_iter().flatten().collect();
    if tables.len() != 2 {
        return false;
    }
    let derived = |cell: CellRef| {
        tables.iter().any(|t| {
            t.rows
                .iter()
                .any(|r| r.kind == RowKind::Sum && r.row == cell.row)
                || t.columns
                    .iter()
                    .any(|(k, c)| *k == ColKind::Total && *c == cell.col)
        })
    };
    let allowed = |f: &Finding| match &f.kind {
        Some(Kind::Status { typed: None } | Kind::Rate { typed: None }) => true,
        _ => f.code == Code::Formula && f.place.as_ref().and_then(|p| p.cell).is_some_and(derived),
    };
    let inputs_zero = tables.iter().all(|t| {
        let total = t.column_index(ColKind::Total);
        t.rows.iter().filter(|r| r.kind != RowKind::Sum).all(|r| {
            r.cells
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != total)
                .all(|(_, c)| c.is_some_and(|a| a.raw.is_zero()))
        })
    });
    findings.iter().all(allowed)
        && inputs_zero
        && d.achievements.is_empty()
        && d.problems.is_empty()
        && d.plans.is_empty()
        && d.indicators.iter().all(|i| i.values.is_empty())
}

fn read_progress(sheet: &Sheet, pledge: &Pledge, findings: &mut Vec<Finding>) -> DraftProgress {
    let name = sheet.name.as_str();
    let money_header = find_header(sheet, "재원", |k| k == "총계");
    let pairs_end = money_header.map_or(u32::MAX, |(r, _)| r);
    let pairs = read_pairs(sheet, pairs_end);
    let text = |labels: &[&str]| -> String {
        pairs
            .iter()
            .find(|(k, _, v)| labels.contains(&k.as_str()) && v.is_some())
            .and_then(|(_, _, v)| v.map(|(_, v)| text_of(v)))
            .unwrap_or_default()
    };
    let achievements = text(ACHIEVEMENT_LABELS);
    let problems = text(PROBLEM_LABELS);
    let plans = text(PLAN_LABELS);
    let status = read_status(name, pair_for(&pairs, STATUS_LABELS), findings);
    let rate = read_rate(name, pair_for(&pairs, RATE_LABELS), findings);

    let mut unit = Unit::Million;
    let (secured, spent) = match money_header {
        Some(h) => read_money(sheet, pledge, h, &mut unit, findings),
        None => {
            findings.push(Finding::of(
                Kind::TableNotFound {
                    sheet: name.to_owned(),
                    labels: vec![
                        "구분".into(),
                        "재원".into(),
                        "총계".into(),
                        pledge.before_label.clone(),
                        format!("{}년~{}년", pledge.term.start, pledge.term.end),
                    ],
                },
                Some(Place::sheet(name)),
            ));
            (None, None)
        }
    };
    let indicators = read_indicators(sheet, pledge, findings);
    DraftProgress {
        sheet: name.to_owned(),
        status,
        rate,
        achievements,
        problems,
        plans,
        unit,
        secured,
        spent,
        indicators,
    }
}

/// A label cell, its key, and the first non-empty cell right of it.
type Pair<'a> = (String, CellRef, Option<(CellRef, &'a CellValue)>);

/// Every label/value pair above row `end` (labels may end in `:`).
fn read_pairs(sheet: &Sheet, end: u32) -> Vec<Pair<'_>> {
    let mut out = Vec::new();
    for (row, cells) in sheet.rows().take_while(|(r, _)| *r < end) {
        for (i, &(col, v)) in cells.iter().enumerate() {
            let CellValue::Text(t) = v else { continue };
            let key = label_key(t).trim_end_matches([':', '：']).to_owned();
            let value = cells[i + 1..]
                .iter()
                .find(|(_, v)| !matches!(v, CellValue::Text(s) if s.trim().is_empty()))
                .map(|&(c, v)| (CellRef::new(row, c), v));
            out.push((key, CellRef::new(row, col), value));
        }
    }
    out
}

/// The pair for one of `labels`: the first that has a value, else the first label
/// (for the place of a "missing" finding).
fn pair_for<'a, 'b>(pairs: &'b [Pair<'a>], labels: &[&str]) -> Option<&'b Pair<'a>> {
    let mut matching = pairs
        .iter()
        .filter(|(k, _, _)| labels.contains(&k.as_str()));
    let first = matching.clone().next();
    matching.find(|(_, _, v)| v.is_some()).or(first)
}

fn place_of(sheet: &str, pair: Option<&Pair<'_>>) -> Place {
    match pair {
        Some((_, label, value)) => Place::cell(sheet, value.map_or(right_of(*label), |(c, _)| c)),
        None => Place::sheet(sheet),
    }
}

fn read_status(
    sheet: &str,
    pair: Option<&Pair<'_>>,
    findings: &mut Vec<Finding>,
) -> Option<Located<Status>> {
    let place = place_of(sheet, pair);
    let Some((_, _, Some((_, v)))) = pair else {
        findings.push(Finding::of(Kind::Status { typed: None }, Some(place)));
        return None;
    };
    let typed = text_of(v);
    match Status::from_label(&typed) {
        Some(status) => Some(Located {
            value: status,
            place,
        }),
        None => {
            findings.push(Finding::of(
                Kind::Status { typed: Some(typed) },
                Some(place),
            ));
            None
        }
    }
}

fn read_rate(
    sheet: &str,
    pair: Option<&Pair<'_>>,
    findings: &mut Vec<Finding>,
) -> Option<Located<Decimal>> {
    let place = place_of(sheet, pair);
    let Some((_, _, Some((_, v)))) = pair else {
        findings.push(Finding::of(Kind::Rate { typed: None }, Some(place)));
        return None;
    };
    match rate_of(v).filter(|r| *r >= Decimal::ZERO && *r <= Decimal::ONE_HUNDRED) {
        Some(value) => Some(Located { value, place }),
        None => {
            findings.push(Finding::of(
                Kind::Rate {
                    typed: Some(text_of(v)),
                },
                Some(place),
            ));
            None
        }
    }
}

/// 추진율 in percent by the rule in the module comment; `None` when not a number.
pub(crate) fn rate_of(v: &CellValue) -> Option<Decimal> {
    let fraction_or_percent = |d: Decimal| {
        if d > Decimal::ZERO && d <= Decimal::ONE {
            d * Decimal::ONE_HUNDRED
        } else {
            d
        }
    };
    match v {
        CellValue::Number(n) => decimal_from_f64(*n).map(fraction_or_percent),
        CellValue::Text(t) => {
            let c = compact(t);
            match c.strip_suffix(['%', '％']) {
                Some(body) => parse_amount_text(body).ok().filter(|_| !body.is_empty()),
                None if c.is_empty() => None,
                None => parse_amount_text(&c).ok().map(fraction_or_percent),
            }
            .map(|d| d.normalize())
        }
        _ => None,
    }
}

/// The 재원 확보·집행 table whose header row is at `(hrow, hcol)` (the `재원` cell).
fn read_money(
    sheet: &Sheet,
    pledge: &Pledge,
    (hrow, hcol): (u32, u32),
    unit_out: &mut Unit,
    findings: &mut Vec<Finding>,
) -> (Option<DraftInvestment>, Option<DraftInvestment>) {
    let name = sheet.name.as_str();
    let header = CellRef::new(hrow, hcol);
    let mut columns = money_columns(sheet, pledge, (hrow, hcol));
    let missing = missing_money_columns(&columns, pledge);
    if !missing.is_empty() {
        findings.push(Finding::at(
            Kind::ColumnsMissing {
                sheet: name.to_owned(),
                missing,
            },
            name,
            header,
        ));
        return (None, None);
    }
    columns.sort_by_key(|(k, _)| *k);
    let unit =
        unit_note_above(sheet, hrow.saturating_sub(3), hrow, findings).unwrap_or_else(|| {
            findings.push(Finding::at(
                Kind::UnitAssumed {
                    unit: pledge.unit.clone(),
                },
                name,
                header,
            ));
            Unit::Million
        });
    *unit_out = unit;

    let mut secured = DraftInvestment {
        sheet: name.to_owned(),
        header,
        columns: columns.clone(),
        rows: Vec::new(),
        unit,
        header_broken: false,
    };
    let mut spent = secured.clone();
    read_money_rows(
        sheet,
        pledge,
        (hrow, hcol),
        &columns,
        unit,
        (&mut secured, &mut spent),
        findings,
    );
    let mut absent: Vec<String> = Vec::new();
    for (g, table) in [(Group::Secured, &mut secured), (Group::Spent, &mut spent)] {
        if table.row(&RowKind::Sum).is_none() {
            absent.push(format!("{} 계", g.label()));
        }
        for s in &pledge.sources {
            if table.row(&RowKind::Source(s.clone())).is_none() {
                absent.push(format!("{} {s}", g.label()));
            }
        }
        table.rows.sort_by_key(|r| match &r.kind {
            RowKind::Sum => 0,
            RowKind::Source(s) => 1 + pledge.sources.iter().position(|x| x == s).unwrap_or(99),
        });
    }
    let complete = absent.is_empty();
    if !complete {
        findings.push(Finding::at(
            Kind::RowsMissing {
                sheet: name.to_owned(),
                missing: absent,
            },
            name,
            header,
        ));
    }
    if !complete {
        return (None, None);
    }
    (Some(secured), Some(spent))
}

/// The table's amount columns: 총계, the before-term column and the in-term years; the
/// first of each kind wins.
fn money_columns(sheet: &Sheet, pledge: &Pledge, (hrow, hcol): (u32, u32)) -> Vec<(ColKind, u32)> {
    let before_key = label_key(&pledge.before_label);
    let mut columns: Vec<(ColKind, u32)> = Vec::new();
    for (&(_, c), v) in sheet.cells.range((hrow, hcol + 1)..(hrow + 1, 0)) {
        let Some(k) = v.as_label().map(|s| label_key(&s)) else {
            continue;
        };
        let kind = if k == "총계" {
            ColKind::Total
        } else if k == before_key || k == "기투자" {
            ColKind::Before
        } else if let Some(y) = parse_year_label(&k).filter(|y| pledge.term.contains(*y)) {
            ColKind::Year(y)
        } else {
            continue;
        };
        if !columns.iter().any(|(kk, _)| *kk == kind) {
            columns.push((kind, c));
        }
    }
    columns
}

/// The labels of the columns `columns` lacks, in table order.
fn missing_money_columns(columns: &[(ColKind, u32)], pledge: &Pledge) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    if !columns.iter().any(|(k, _)| *k == ColKind::Total) {
        missing.push("총계".into());
    }
    if !columns.iter().any(|(k, _)| *k == ColKind::Before) {
        missing.push(pledge.before_label.clone());
    }
    for y in pledge.term.years() {
        if !columns.iter().any(|(k, _)| *k == ColKind::Year(y)) {
            missing.push(format!("{y}년"));
        }
    }
    missing
}

/// The 계 and source rows of the 확보액 and 집행액 groups, up to the next table; the
/// first row of each kind in a group wins.
fn read_money_rows(
    sheet: &Sheet,
    pledge: &Pledge,
    (hrow, hcol): (u32, u32),
    columns: &[(ColKind, u32)],
    unit: Unit,
    (secured, spent): (&mut DraftInvestment, &mut DraftInvestment),
    findings: &mut Vec<Finding>,
) {
    let mut group = None;
    for (row, cells) in sheet.rows().filter(|(r, _)| *r > hrow && *r <= hrow + 40) {
        let keys: Vec<(u32, String)> = cells
            .iter()
            .filter(|(c, _)| *c <= hcol)
            .filter_map(|(c, v)| v.as_label().map(|s| (*c, label_key(&s))))
            .collect();
        if keys.iter().any(|(_, k)| k == "지표" || k == "구분") {
            break; // the next table starts
        }
        if let Some(g) = keys
            .iter()
            .find_map(|(c, k)| Group::of(k).filter(|_| *c < hcol))
        {
            group = Some(g);
        }
        let Some(source) = keys.iter().find(|(c, _)| *c == hcol).map(|(_, k)| k) else {
            continue;
        };
        let kind = if source == "계" {
            RowKind::Sum
        } else if let Some(s) = pledge.source_for_label(source) {
            RowKind::Source(s.to_owned())
        } else {
            continue;
        };
        let Some(g) = group else { continue };
        let target = match g {
            Group::Secured => &mut *secured,
            Group::Spent => &mut *spent,
        };
        if target.rows.iter().any(|r| r.kind == kind) {
            continue;
        }
        let amounts = columns
            .iter()
            .map(|&(_, c)| read_actual(sheet, CellRef::new(row, c), unit, g, findings))
            .collect();
        target.rows.push(DraftRow {
            kind,
            row,
            cells: amounts,
        });
    }
}

/// One 확보액/집행액 cell: as a plan amount, but a negative one names its group.
fn read_actual(
    sheet: &Sheet,
    cell: CellRef,
    unit: Unit,
    group: Group,
    findings: &mut Vec<Finding>,
) -> Option<DraftAmount> {
    let raw = read_raw_amount(sheet, cell, findings)?;
    if raw.is_sign_negative() && !raw.is_zero() {
        findings.push(Finding::of(
            Kind::NegativeActual {
                what: group.label().to_owned(),
                raw,
                unit: unit.label().to_owned(),
            },
            Some(Place::cell(&sheet.name, cell)),
        ));
        return None;
    }
    Some(in_million(sheet, raw, cell, unit, findings))
}

/// The 지표 실적 table: `지표 | 단위 | <years>`, one row per indicator.
fn read_indicators(
    sheet: &Sheet,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) -> Vec<DraftIndicator> {
    let name = sheet.name.as_str();
    let Some((hrow, hcol)) = find_header(sheet, "지표", |k| parse_year_label(k).is_some()) else {
        return Vec::new();
    };
    let mut unit_col = None;
    let mut year_cols: Vec<(i32, u32)> = Vec::new();
    for (&(_, c), v) in sheet.cells.range((hrow, hcol + 1)..(hrow + 1, 0)) {
        let Some(k) = v.as_label().map(|s| label_key(&s)) else {
            continue;
        };
        if k == "단위" {
            unit_col = Some(c);
        } else if let Some(y) = parse_year_label(&k).filter(|y| pledge.term.contains(*y))
            && !year_cols.iter().any(|(yy, _)| *yy == y)
        {
            year_cols.push((y, c));
        }
    }
    let mut out = Vec::new();
    for (row, _) in sheet.rows().filter(|(r, _)| *r > hrow && *r <= hrow + 60) {
        let Some(label) = sheet.get(row, hcol).and_then(CellValue::as_label) else {
            continue;
        };
        let label = label.trim().to_owned();
        if label.is_empty() {
            continue;
        }
        let mut values = BTreeMap::new();
        for &(y, c) in &year_cols {
            let cell = CellRef::new(row, c);
            match sheet.get(row, c) {
                None => {}
                Some(CellValue::Text(t)) if t.trim().is_empty() => {}
                Some(v) => match actual_of(v) {
                    Some(d) => {
                        values.insert(y, d);
                    }
                    None => findings.push(Finding::of(
                        Kind::IndicatorNumber {
                            indicator: label.clone(),
                            year: y,
                            typed: text_of(v),
                        },
                        Some(Place::cell(name, cell)),
                    )),
                },
            }
        }
        out.push(DraftIndicator {
            name: Located {
                value: label,
                place: Place::cell(name, CellRef::new(row, hcol)),
            },
            unit: unit_col
                .and_then(|c| sheet.get(row, c))
                .map(text_of)
                .unwrap_or_default(),
            values,
        });
    }
    out
}

/// An indicator's actual value: a number or numeric text (`1,200`); `-` reads 0.
fn actual_of(v: &CellValue) -> Option<Decimal> {
    match v {
        CellValue::Number(n) => decimal_from_f64(*n),
        CellValue::Text(t) => parse_amount_text(t).ok(),
        _ => None,
    }
}
