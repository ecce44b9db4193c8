//! 연차별 추진목표: programs × years, text and indicators.

use super::*;

/// Width of a year column on 연차별 추진목표.
const TARGET_YEAR_COL: f64 = 28.0;

pub(super) fn targets_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_TARGETS)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let last = 1 + years.len() as u16;
    ws.merge_range(0, 0, 0, last, "연차별 추진목표", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(1, 0, 1, 1, "구분", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        ws.write_string_with_format(1, 2 + i as u16, format!("{y}년"), &st.header)?;
    }
    let mut hs = Heights::default();
    let blocks: Vec<(&LeafKey, u32)> = r.targets.iter().map(|t| (&t.leaf, 1)).collect();
    leaf_groups(
        ws,
        2,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        &mut hs,
    )?;
    for (row, t) in (2u32..).zip(&r.targets) {
        for (i, y) in years.iter().enumerate() {
            let text = if t.submitted {
                t.cell_text(*y)
            } else {
                "미제출".to_owned()
            };
            hs.need(row, 1, wrapped_lines(&text, TARGET_YEAR_COL));
            ws.write_string_with_format(
                row,
                2 + i as u16,
                &text,
                if t.submitted { &st.wrap } else { &st.missing },
            )?;
        }
    }
    ws.set_column_width(0, PROGRAM_COL)?;
    ws.set_column_width(1, SUBPROGRAM_COL)?;
    for c in 2..=last {
        ws.set_column_width(c, TARGET_YEAR_COL)?;
    }
    hs.apply(ws)?;
    ws.set_freeze_panes(2, 2)?;
    setup_print(ws, 1)?;
    Ok(())
}
