//! 추진목표: 추진내용 text and indicator targets per year.

use super::*;

const CONTENT_LABELS: &[&str] = &[
    "추진내용",
    "사업내용",
    "주요내용",
    "추진계획",
    "주요추진내용",
];

pub(super) fn parse_targets(
    sheet: &Sheet,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) -> Targets {
    let name = sheet.name.as_str();
    let Some((hrow, hcol)) = find_header(sheet, Label::Heading.key(), |k| {
        parse_year_label(k).is_some()
    }) else {
        findings.push(table_not_found(
            name,
            vec![
                "구분".to_owned(),
                "단위".to_owned(),
                format!("{}년~{}년", pledge.term.start, pledge.term.end),
            ],
        ));
        return Targets::default();
    };
    let (year_cols, unit_col) = year_columns(sheet, pledge, (hrow, hcol), findings);
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
        if k.is_empty() || Label::Heading.is(&k) {
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

/// The in-term year columns and the 단위 column of the header row, pushing a finding
/// for each twice-seen, out-of-term or missing year.
fn year_columns(
    sheet: &Sheet,
    pledge: &Pledge,
    (hrow, hcol): (u32, u32),
    findings: &mut Vec<Finding>,
) -> (Vec<(i32, u32)>, Option<u32>) {
    let name = sheet.name.as_str();
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
                    Kind::ColumnTwice {
                        label: format!("{y}년"),
                    },
                    name,
                    cell,
                ));
            } else if !pledge.term.contains(y) {
                findings.push(Finding::at(
                    Kind::YearOutsideTerm {
                        year: y,
                        start: pledge.term.start,
                        end: pledge.term.end,
                        move_to: None,
                    },
                    name,
                    cell,
                ));
            } else {
                year_cols.push((y, c));
            }
        }
    }
    for y in pledge.term.years() {
        if !year_cols.iter().any(|(yy, _)| *yy == y) {
            findings.push(Finding::at(
                Kind::YearMissing {
                    year: y,
                    start: pledge.term.start,
                    end: pledge.term.end,
                },
                name,
                CellRef::new(hrow, hcol),
            ));
        }
    }
    (year_cols, unit_col)
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
