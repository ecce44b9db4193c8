//! 추진일정: the quarterly Gantt grid.

use super::*;

/// First Gantt column on 추진일정 (after 사업, 세부사업, 세부내용).
const GANTT_COL: u16 = 3;
/// Width of a quarter: a whole number of pixels (4 × 7 + 5), so every quarter prints
/// equally wide and no border doubles up where rounding would otherwise pile up.
const QUARTER_COL: f64 = 4.0;

pub(super) fn roadmap_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<Vec<f64>> {
    ws.set_name(SHEET_ROADMAP)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let quarters = years.len() as u16 * 4;
    let last = GANTT_COL + quarters.max(1) - 1;
    sheet_title(ws, "추진일정", last + 1, st)?;
    ws.merge_range(1, 0, 2, 0, "사업", &st.header)?;
    ws.merge_range(1, 1, 2, 1, "세부사업", &st.header)?;
    ws.merge_range(1, 2, 2, 2, "세부내용", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        let c = GANTT_COL + 4 * i as u16;
        ws.merge_range(1, c, 1, c + 3, &format!("{y}년"), &st.header)?;
        for q in 0..4u16 {
            ws.write_number_with_format(2, c + q, f64::from(q + 1), &st.header)?;
        }
    }
    let mut w = Widths::default();
    let mut hs = Heights::default();
    for item in &r.roadmap {
        w.see(2, &item.item.name);
    }
    let name_col = w.get(2, 14.0, 30.0);
    // One block per leaf, in plan order (consolidation lists rows leaf by leaf).
    let mut blocks: Vec<(&LeafKey, u32)> = Vec::new();
    for item in &r.roadmap {
        match blocks.last_mut() {
            Some((k, n)) if *k == &item.leaf => *n += 1,
            _ => blocks.push((&item.leaf, 1)),
        }
    }
    leaf_groups(
        ws,
        3,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        &mut hs,
    )?;
    let first = Quarter {
        year: r.pledge.term.start,
        q: 1,
    }
    .ordinal();
    for (row, item) in (3u32..).zip(&r.roadmap) {
        ws.write_string_with_format(row, 2, &item.item.name, &st.wrap)?;
        // The indent takes about two characters of the width.
        hs.need(row, 1, wrapped_lines(&item.item.name, name_col - 2.0));
        for k in 0..quarters {
            let ord = first + i64::from(k);
            let active = ord >= item.item.start.ordinal() && ord <= item.item.end.ordinal();
            let fmt = if active { &st.gantt } else { &st.text };
            ws.write_blank(row, GANTT_COL + k, fmt)?;
        }
    }
    if r.roadmap.is_empty() {
        ws.write_string_with_format(3, 0, "제출된 추진일정이 없습니다.", &st.plain)?;
    }
    let mut widths = vec![PROGRAM_COL, SUBPROGRAM_COL, name_col];
    widths.extend(std::iter::repeat_n(QUARTER_COL, quarters as usize));
    set_widths(ws, &widths)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(3, GANTT_COL)?;
    setup_print(ws, Some((0, 2)))?;
    Ok(widths)
}
