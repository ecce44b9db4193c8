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

    let unit = unit_note_above(sheet, 0, data_start, findings).unwrap_or_else(|| {
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

/// The unit a table is written in: the nearest `단위` note in rows `from_row` up to
/// `data_start`, or `None` when there is none. An unknown unit is reported (E-UNIT) and
/// read as 백만원.
pub(super) fn unit_note_above(
    sheet: &Sheet,
    from_row: u32,
    data_start: u32,
    findings: &mut Vec<Finding>,
) -> Option<Unit> {
    let name = sheet.name.as_str();
    let mut unit = None;
    for (&(r, c), v) in sheet.cells.range((from_row, 0)..(data_start, 0)).rev() {
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
    unit
}

/// Reads one plan amount cell with every tolerance of §4; reports what it cannot
/// accept, a negative plan amount included.
fn read_amount(
    sheet: &Sheet,
    cell: CellRef,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> Option<DraftAmount> {
    let name = sheet.name.as_str();
    let raw = read_raw_amount(sheet, cell, findings)?;
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
    Some(in_million(name, raw, cell, unit, findings))
}

/// One amount cell as a signed decimal in the file's unit: numbers, numeric text
/// (`1,000`, full-width digits, `△500`, `(500)`), `-` or empty = 0. Unreadable cells
/// (text, dates, Excel errors, formulas without a stored result) are reported here
/// (E-NUMBER, E-FORMULA) and give `None`. Shared by every amount table (투자계획,
/// 추진실적).
pub(super) fn read_raw_amount(
    sheet: &Sheet,
    cell: CellRef,
    findings: &mut Vec<Finding>,
) -> Option<Decimal> {
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
    Some(raw)
}

/// A non-negative amount converted to 백만원, with W-FRACTION when the conversion
/// leaves a part of a 백만원.
pub(super) fn in_million(
    name: &str,
    raw: Decimal,
    cell: CellRef,
    unit: Unit,
    findings: &mut Vec<Finding>,
) -> DraftAmount {
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
    DraftAmount { raw, value, cell }
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
