//! 투자계획: the investment table, every amount with the tolerances of §4.

use super::*;

pub(super) fn parse_investment(
    sheet: &Sheet,
    pledge: &Pledge,
    unit_out: &mut Unit,
    findings: &mut Vec<Finding>,
) -> Option<DraftInvestment> {
    let name = sheet.name.as_str();
    let before_key = label_key(&pledge.before_label);
    let after_key = label_key(&pledge.after_label);
    let classify = |k: &str| -> Option<ColKind> {
        if Label::Total.is(k) {
            Some(ColKind::Total)
        } else if k == before_key || Label::Before.is(k) {
            Some(ColKind::Before)
        } else if k == after_key || Label::After.is(k) {
            Some(ColKind::After)
        } else {
            parse_year_label(k).map(ColKind::Year)
        }
    };
    let Some((hrow, hcol)) = find_header(sheet, Label::Heading.key(), |k| classify(k).is_some())
    else {
        findings.push(table_not_found(
            name,
            vec![
                "구분".to_owned(),
                "총계".to_owned(),
                pledge.before_label.clone(),
                format!("{}년~{}년", pledge.term.start, pledge.term.end),
                pledge.after_label.clone(),
            ],
        ));
        return None;
    };
    let header_cell = CellRef::new(hrow, hcol);
    let (header_cells, data_start) = header_cells(sheet, pledge, hrow);
    let before = findings.len();
    let mut columns = read_columns(&header_cells, pledge, classify, name, header_cell, findings);
    let header_broken = findings.len() > before;
    columns.sort_by_key(|(k, _)| *k);

    let unit = unit_note_above(sheet, 0, data_start, findings);
    let unit = unit.unwrap_or_else(|| {
        findings.push(Finding::at(
            Kind::UnitAssumed {
                unit: pledge.unit.clone(),
            },
            name,
            header_cell,
        ));
        Unit::Million
    });
    *unit_out = unit;

    let first_amount_col = columns.iter().map(|(_, c)| *c).min().unwrap_or(hcol + 1);
    let mut rows = read_rows(
        sheet,
        pledge,
        &columns,
        data_start,
        first_amount_col,
        unit,
        findings,
    );
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
            Kind::RowsMissing {
                sheet: name.to_owned(),
                missing: absent.iter().map(|s| (*s).to_owned()).collect(),
            },
            name,
            header_cell,
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
        unit,
        header_broken,
    })
}

/// Whether `k` names a row of the table: 계 or one of the pledge's sources.
fn is_row_label(pledge: &Pledge, k: &str) -> bool {
    Label::Sum.is(k) || pledge.source_for_label(k).is_some()
}

/// Header cells of the header row, and of the next one when the header spans two rows
/// (e.g. a merged `연도별` over the years); also the first data row.
fn header_cells(sheet: &Sheet, pledge: &Pledge, hrow: u32) -> (Vec<(u32, u32, String)>, u32) {
    let is_row_label = |k: &str| is_row_label(pledge, k);
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
    (header_cells, data_start)
}

/// The amount columns by kind, pushing a finding for each twice-seen, out-of-term or
/// missing column.
fn read_columns(
    header_cells: &[(u32, u32, String)],
    pledge: &Pledge,
    classify: impl Fn(&str) -> Option<ColKind>,
    name: &str,
    header_cell: CellRef,
    findings: &mut Vec<Finding>,
) -> Vec<(ColKind, u32)> {
    let mut columns: Vec<(ColKind, u32)> = Vec::new();
    for (r, c, k) in header_cells {
        let Some(kind) = classify(k) else { continue };
        if columns.iter().any(|(kk, _)| *kk == kind) {
            let what = pledge.column_label(kind);
            findings.push(Finding::at(
                Kind::ColumnTwice { label: what },
                name,
                CellRef::new(*r, *c),
            ));
            continue;
        }
        if let ColKind::Year(y) = kind
            && !pledge.term.contains(y)
        {
            findings.push(Finding::at(
                Kind::YearOutsideTerm {
                    year: y,
                    start: pledge.term.start,
                    end: pledge.term.end,
                    move_to: Some((pledge.before_label.clone(), pledge.after_label.clone())),
                },
                name,
                CellRef::new(*r, *c),
            ));
            continue;
        }
        columns.push((kind, *c));
    }
    for y in pledge.term.years() {
        if !columns.iter().any(|(k, _)| *k == ColKind::Year(y)) {
            findings.push(Finding::at(
                Kind::YearMissing {
                    year: y,
                    start: pledge.term.start,
                    end: pledge.term.end,
                },
                name,
                header_cell,
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
            Kind::ColumnsMissing {
                sheet: name.to_owned(),
                missing,
            },
            name,
            header_cell,
        ));
    }
    columns
}

/// The 계 and source rows below the header, up to the next table; the first row of
/// each kind wins.
fn read_rows(
    sheet: &Sheet,
    pledge: &Pledge,
    columns: &[(ColKind, u32)],
    data_start: u32,
    first_amount_col: u32,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> Vec<DraftRow> {
    let is_row_label = |k: &str| is_row_label(pledge, k);
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
            *c < first_amount_col
                && v.as_label()
                    .is_some_and(|s| Label::Heading.is(&label_key(&s)))
        }) {
            break; // the next table starts
        }
        let Some(label) = label else { continue };
        let kind = if Label::Sum.is(&label) {
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
    rows
}

/// The unit a table is written in: the nearest `단위` note in rows `from_row` up to
/// `data_start`, or `None` when there is none. An unknown unit is reported (E-UNIT) and
/// read as 백만원. Shared by 투자계획 and 추진실적.
pub(super) fn unit_note_above(
    sheet: &Sheet,
    from_row: u32,
    data_start: u32,
    findings: &mut Vec<Finding>,
) -> Option<Unit> {
    for (&(r, c), v) in sheet.cells.range((from_row, 0)..(data_start, 0)).rev() {
        let CellValue::Text(t) = v else { continue };
        match parse_unit_note(t) {
            UnitNote::None => {}
            UnitNote::Known(u) => return Some(u),
            UnitNote::Unknown(what) => {
                findings.push(Finding::at(
                    Kind::UnitUnknown { text: what },
                    &sheet.name,
                    CellRef::new(r, c),
                ));
                return Some(Unit::Million);
            }
        }
    }
    None
}

/// Reads one plan amount cell with every tolerance of §4; reports what it cannot
/// accept, a negative plan amount included.
fn read_amount(
    sheet: &Sheet,
    cell: CellRef,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> Option<DraftAmount> {
    let raw = read_raw_amount(sheet, cell, findings)?;
    if raw.is_sign_negative() && !raw.is_zero() {
        findings.push(Finding::at(
            Kind::Negative {
                amount: raw,
                unit: unit.label().to_owned(),
            },
            &sheet.name,
            cell,
        ));
        return None;
    }
    Some(in_million(sheet, raw, cell, unit, findings))
}

/// One amount cell as a signed decimal in the file's unit: numbers, numeric text
/// (`1,000`, full-width digits, `△500`, `(500)`), `-` or empty = 0. Unreadable cells
/// (text, dates, Excel errors, formulas without a stored result) are reported here
/// (E-NUMBER, E-FORMULA) and give `None`. Shared by 투자계획 and 추진실적.
pub(super) fn read_raw_amount(
    sheet: &Sheet,
    cell: CellRef,
    findings: &mut Vec<Finding>,
) -> Option<Decimal> {
    let name = sheet.name.as_str();
    let mut report = |kind: Kind| {
        findings.push(Finding::at(kind, name, cell));
        None
    };
    let raw = match sheet.get(cell.row, cell.col) {
        None => Decimal::ZERO,
        Some(CellValue::Number(n)) => match decimal_from_f64(*n) {
            Some(d) => d,
            None => {
                return report(Kind::NotExact {
                    shown: n.to_string(),
                });
            }
        },
        Some(CellValue::Text(t)) if is_error_literal(t) => {
            return report(Kind::ErrorValue {
                value: t.trim().to_owned(),
            });
        }
        Some(CellValue::Text(t)) => match parse_amount_text(t) {
            Ok(d) => d,
            Err(_) => {
                return report(Kind::NotANumber {
                    text: t.trim().to_owned(),
                });
            }
        },
        Some(CellValue::Date(d)) => return report(Kind::DateInAmount { date: d.date() }),
        Some(CellValue::Bool(b)) => return report(Kind::BoolInAmount { value: *b }),
        Some(CellValue::Error(e)) => return report(Kind::ErrorValue { value: e.clone() }),
        Some(CellValue::FormulaWithoutValue(f)) => {
            return report(Kind::FormulaWithoutValue { formula: f.clone() });
        }
    };
    Some(raw)
}

/// A non-negative amount converted to 백만원, with W-FRACTION when the conversion
/// leaves a part of a 백만원.
pub(super) fn in_million(
    sheet: &Sheet,
    raw: Decimal,
    cell: CellRef,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> DraftAmount {
    let name = sheet.name.as_str();
    let value = unit.to_million(raw);
    if !is_whole(value) {
        findings.push(Finding::at(
            Kind::Fraction {
                raw,
                unit: unit.label().to_owned(),
                million: value,
            },
            name,
            cell,
        ));
    }
    DraftAmount {
        raw,
        value,
        cell,
        formula: sheet.is_formula(cell.row, cell.col),
    }
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
