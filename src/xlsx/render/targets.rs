//! 연차별 추진목표: programs × years, text and indicators.

use super::*;

/// Narrowest and widest year column on 연차별 추진목표; between them the years share
/// what the page leaves after the two name columns at [`TARGET_SCALE`].
const TARGET_YEAR_COL: (f64, f64) = (14.0, 28.0);
/// The print scale the year columns are sized for (above [`MIN_PRINT_SCALE`], so
/// rounding in the spreadsheet program cannot take it below).
const TARGET_SCALE: f64 = 0.9;

/// The widths of 사업, 세부사업 and one column per year: the years share the page.
fn target_widths(years: usize) -> Vec<f64> {
    let names = column_px(PROGRAM_COL) + column_px(SUBPROGRAM_COL);
    let per_year_px = (PRINTABLE_PX / TARGET_SCALE - names) / years.max(1) as f64;
    let year = ((per_year_px - 5.0) / 7.0)
        .floor()
        .clamp(TARGET_YEAR_COL.0, TARGET_YEAR_COL.1);
    let mut w = vec![PROGRAM_COL, SUBPROGRAM_COL];
    w.extend(std::iter::repeat_n(year, years));
    w
}

pub(super) fn targets_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<Vec<f64>> {
    ws.set_name(SHEET_TARGETS)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let widths = target_widths(years.len());
    sheet_title(ws, "연차별 추진목표", widths.len() as u16, st)?;
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
            hs.need(row, 1, wrapped_lines(&text, widths[2 + i]));
            let fmt = if t.submitted { &st.wrap } else { &st.missing };
            ws.write_string_with_format(row, 2 + i as u16, &text, fmt)?;
        }
    }
    set_widths(ws, &widths)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(2, 2)?;
    setup_print(ws, Some((0, 1)))?;
    Ok(widths)
}
