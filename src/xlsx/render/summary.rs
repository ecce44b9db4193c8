//! 요약: header facts, one row per leaf, totals against the declared budgets.

use super::*;
use crate::core::consolidate::LeafStatus;

/// The columns of the 제출 현황 table, in order. Each column's header, width and cell
/// are decided together in [`LeafCol::head`], [`LeafCol::width`] and [`leaf_cell`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeafCol {
    Program,
    Subprogram,
    Submitted,
    File,
    BaseDate,
    Status,
    Warnings,
    Total,
    Declared,
    Diff,
}

const LEAF_COLS: [LeafCol; 10] = [
    LeafCol::Program,
    LeafCol::Subprogram,
    LeafCol::Submitted,
    LeafCol::File,
    LeafCol::BaseDate,
    LeafCol::Status,
    LeafCol::Warnings,
    LeafCol::Total,
    LeafCol::Declared,
    LeafCol::Diff,
];

impl LeafCol {
    fn head(self) -> &'static str {
        match self {
            LeafCol::Program => "사업",
            LeafCol::Subprogram => "세부사업",
            LeafCol::Submitted => "제출",
            LeafCol::File => "파일",
            LeafCol::BaseDate => "기준일",
            LeafCol::Status => "상태",
            LeafCol::Warnings => "경고",
            LeafCol::Total => "총계",
            LeafCol::Declared => "공약 사업비",
            LeafCol::Diff => "차이",
        }
    }
    /// Fixed widths, so the sheet prints at 100 % on A4 landscape: names and files
    /// wrap rather than widen the page.
    fn width(self) -> f64 {
        match self {
            LeafCol::Program => PROGRAM_COL,
            LeafCol::Subprogram => SUBPROGRAM_COL,
            LeafCol::Submitted => 10.0,
            LeafCol::File => 22.0,
            LeafCol::BaseDate => 11.0,
            // Holds the Korean reason of a 반려 (wrapped).
            LeafCol::Status => 20.0,
            LeafCol::Warnings => 6.0,
            LeafCol::Total | LeafCol::Declared => 11.0,
            LeafCol::Diff => 10.0,
        }
    }
    fn index(self) -> u16 {
        LEAF_COLS.iter().position(|c| *c == self).unwrap_or(0) as u16
    }
}

/// What one cell of the 제출 현황 table holds.
enum Value {
    Text(String),
    Amount(Decimal),
    Blank,
}

/// The cell of `leaf` in column `col` (사업/세부사업 are written by [`leaf_groups`]).
fn leaf_cell<'s>(col: LeafCol, leaf: &LeafStatus, st: &'s Styles) -> (Value, &'s Format) {
    let Some(c) = &leaf.current else {
        return unsubmitted_cell(col, leaf, st);
    };
    let diff = c.total - leaf.declared;
    match col {
        LeafCol::Program | LeafCol::Subprogram => (Value::Blank, &st.group),
        LeafCol::Submitted => (Value::Text("제출".into()), &st.text),
        LeafCol::File => (Value::Text(c.file.clone()), &st.wrap),
        LeafCol::BaseDate => (Value::Text(c.base_date.to_string()), &st.text),
        // A later file of this leaf was rejected: the current one still counts, but its
        // staff have something to fix.
        LeafCol::Status => {
            let (mut status, fmt) = match &leaf.rejected {
                Some(rj) => (format!("최근 파일 반려: {}", rj.reason()), &st.warn),
                None if c.warnings > 0 => ("접수(경고 있음)".to_owned(), &st.warn),
                None => ("접수".to_owned(), &st.text),
            };
            // Files of this leaf that arrived but do not count (older 기준일).
            if c.not_used > 0 {
                status.push_str(&format!(", 미반영 {}건", c.not_used));
            }
            (Value::Text(status), fmt)
        }
        LeafCol::Warnings => (Value::Amount(Decimal::from(c.warnings)), &st.amount),
        LeafCol::Total => (Value::Amount(c.total), &st.amount),
        LeafCol::Declared => (Value::Amount(leaf.declared), &st.amount),
        LeafCol::Diff if diff.is_zero() => (Value::Amount(diff), &st.amount),
        LeafCol::Diff => (Value::Amount(diff), &st.amount_bad),
    }
}

/// A leaf without a current submission: 반려 with the reason when its only or latest
/// file was rejected, never 미제출; else 미제출.
fn unsubmitted_cell<'s>(col: LeafCol, leaf: &LeafStatus, st: &'s Styles) -> (Value, &'s Format) {
    if col == LeafCol::Declared {
        return (Value::Amount(leaf.declared), &st.amount);
    }
    match (&leaf.rejected, col) {
        (Some(_), LeafCol::Submitted) => (Value::Text("반려".into()), &st.missing),
        (Some(rj), LeafCol::File) => (Value::Text(rj.file.clone()), &st.missing),
        (Some(rj), LeafCol::Status) => (Value::Text(format!("반려: {}", rj.reason())), &st.missing),
        (None, LeafCol::Submitted) => (Value::Text("미제출".into()), &st.missing),
        _ => (Value::Blank, &st.missing),
    }
}

pub(super) fn summary_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    generated_at: DateTime<Local>,
    st: &Styles,
) -> Result<Vec<f64>> {
    ws.set_name(SHEET_SUMMARY)?;
    let widths: Vec<f64> = LEAF_COLS.iter().map(|c| c.width()).collect();
    let mut hs = Heights::default();
    let p = &r.pledge;
    ws.merge_range(0, 0, 0, LEAF_COLS.len() as u16 - 1, &p.title, &st.title)?;
    ws.set_row_height(0, 30)?;
    ws.write_string_with_format(1, 0, "생성 시각", &st.label)?;
    let generated = generated_at.format("%Y-%m-%d %H:%M:%S").to_string();
    ws.merge_range(1, 1, 1, 2, &generated, &st.text)?;
    ws.write_string_with_format(2, 0, "추진부서", &st.label)?;
    ws.merge_range(2, 1, 2, 2, &p.department, &st.text)?;
    let mut row = 4u32;
    if !p.facts.is_empty() {
        for (i, f) in p.facts.iter().enumerate() {
            let c = i as u16;
            ws.write_string_with_format(row, c, &f.label, &st.header)?;
            ws.write_string_with_format(row + 1, c, &f.value, &st.wrap)?;
            let w = widths.get(i).copied().unwrap_or(10.0);
            hs.need(row + 1, 1, wrapped_lines(&f.value, w));
        }
        row += 3;
    }
    // 공약실명제 on the left, 공약 총사업비 대비 beside it, so the page holds both.
    row = contacts(ws, row, r, st)?.max(declared_table(ws, row, r, st)?);
    leaf_table(ws, row, r, &widths, &mut hs, st)?;
    set_widths(ws, &widths)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, Some((0, 0)))?;
    Ok(widths)
}

/// 공약실명제: 구분, 성명 and 전화 (merged over two columns, so phone numbers fit).
fn contacts(ws: &mut Worksheet, mut row: u32, r: &PledgeReport, st: &Styles) -> Result<u32> {
    if r.pledge.contacts.is_empty() {
        return Ok(row);
    }
    ws.write_string_with_format(row, 0, "공약실명제", &st.subtitle)?;
    row += 1;
    ws.write_string_with_format(row, 0, "구분", &st.header)?;
    ws.write_string_with_format(row, 1, "성명", &st.header)?;
    ws.merge_range(row, 2, row, 3, "전화", &st.header)?;
    row += 1;
    for c in &r.pledge.contacts {
        ws.write_string_with_format(row, 0, &c.role, &st.label)?;
        ws.write_string_with_format(row, 1, &c.name, &st.text)?;
        ws.merge_range(row, 2, row, 3, &c.phone, &st.text)?;
        row += 1;
    }
    Ok(row + 1)
}

/// 제출 현황: one row per leaf. Returns the next free row.
fn leaf_table(
    ws: &mut Worksheet,
    mut row: u32,
    r: &PledgeReport,
    widths: &[f64],
    hs: &mut Heights,
    st: &Styles,
) -> Result<u32> {
    let submitted = r.leaves.iter().filter(|l| l.current.is_some()).count();
    let rejected = r
        .leaves
        .iter()
        .filter(|l| l.current.is_none() && l.rejected.is_some())
        .count();
    let mut title = format!("제출 현황 ({submitted}/{} 제출", r.leaves.len());
    if rejected > 0 {
        title.push_str(&format!(", {rejected} 반려"));
    }
    title.push(')');
    ws.write_string_with_format(row, 0, title, &st.subtitle)?;
    let unit = format!("(단위 : {})", r.pledge.unit);
    let last = LEAF_COLS.len() as u16 - 1;
    ws.merge_range(row, last - 2, row, last, &unit, &st.unit)?;
    row += 1;
    for col in LEAF_COLS {
        ws.write_string_with_format(row, col.index(), col.head(), &st.header)?;
    }
    hs.need(row, 1, 2);
    row += 1;
    let blocks: Vec<(&LeafKey, u32)> = r.leaves.iter().map(|l| (&l.key, 1)).collect();
    leaf_groups(
        ws,
        row,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        hs,
    )?;
    for l in &r.leaves {
        for col in &LEAF_COLS[2..] {
            let c = col.index();
            match leaf_cell(*col, l, st) {
                (Value::Text(t), f) => {
                    hs.need(row, 1, wrapped_lines(&t, widths[c as usize]));
                    ws.write_string_with_format(row, c, &t, f)?
                }
                (Value::Amount(d), f) => ws.write_with_format(row, c, d, f)?,
                (Value::Blank, f) => ws.write_blank(row, c, f)?,
            };
        }
        row += 1;
    }
    Ok(row)
}

/// First column of 공약 총사업비 대비 (beside 공약실명제): 구분 over two columns,
/// then the three amounts.
const DECLARED_COL: u16 = 5;

/// 공약 총사업비 대비: the declared total and each source against the submitted sums.
/// Returns the row below it and a blank row.
fn declared_table(ws: &mut Worksheet, mut row: u32, r: &PledgeReport, st: &Styles) -> Result<u32> {
    let c = DECLARED_COL;
    ws.write_string_with_format(row, c, "공약 총사업비 대비", &st.subtitle)?;
    let unit = format!("(단위 : {})", r.pledge.unit);
    ws.merge_range(row, c + 3, row, c + 4, &unit, &st.unit)?;
    row += 1;
    ws.merge_range(row, c, row, c + 1, "구분", &st.header)?;
    for (i, h) in ["공약 총사업비", "제출 합계", "차이"].iter().enumerate() {
        ws.write_string_with_format(row, c + 2 + i as u16, *h, &st.header)?;
    }
    ws.set_row_height(row, 2.0 * LINE_PT + 4.0)?;
    row += 1;
    for d in &r.declared {
        let diff = d.diff();
        let diff_fmt = if diff.is_zero() {
            &st.amount
        } else {
            &st.amount_bad
        };
        ws.merge_range(row, c, row, c + 1, &d.label, &st.label)?;
        ws.write_with_format(row, c + 2, d.declared, &st.amount)?;
        ws.write_with_format(row, c + 3, d.actual, &st.amount)?;
        ws.write_with_format(row, c + 4, diff, diff_fmt)?;
        row += 1;
    }
    Ok(row + 1)
}
