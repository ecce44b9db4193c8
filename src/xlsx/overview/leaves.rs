//! 제출 현황: one row per leaf, grouped by department — the list the 총괄 officer
//! phones through. Rows that still owe a file stand out.

use super::*;
use crate::core::overview::LeafState;

/// Header row of the leaf table.
pub(crate) const HEADER_ROW: u32 = 2;

pub(crate) const HEADS: [&str; 11] = [
    "부서",
    "관리번호",
    "공약명",
    "사업",
    "세부사업",
    "상태",
    "최근 파일",
    "기준일",
    "받은 시각",
    "담당자",
    "연락처",
];

const WIDTHS: [(f64, f64); 11] = [
    (10.0, 22.0),
    (8.0, 10.0),
    (24.0, 30.0),
    (18.0, 24.0),
    (12.0, 22.0),
    (8.0, 20.0),
    (14.0, 30.0),
    (11.0, 11.0),
    (17.0, 17.0),
    (8.0, 12.0),
    (10.0, 14.0),
];

pub(crate) fn leaves_sheet(ws: &mut Worksheet, o: &Overview, ctx: &Ctx) -> Result<()> {
    let st = &ctx.st;
    ws.set_name(SHEET_LEAVES)?;
    let mut w = Widths::default();
    let mut hs = Heights::default();
    let last = HEADS.len() as u16 - 1;
    let heading = match &o.round {
        Some(r) => format!("{SHEET_LEAVES} — {} (기한 {})", r.name, r.due),
        None => SHEET_LEAVES.to_owned(),
    };
    ws.merge_range(0, 0, 0, last, &heading, &st.title)?;
    ws.set_row_height(0, 24)?;
    let c = &o.counts;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "사업 {}개 중 제출 {}, 미제출 {}, 반려 {}, 기한 경과 {}",
            c.leaves, c.filed, c.missing, c.rejected, c.overdue
        ),
        &st.plain,
    )?;
    for (i, h) in HEADS.iter().enumerate() {
        text(ws, (HEADER_ROW, i as u16), h, &st.header, &mut w)?;
    }
    // Wrapped text centred like the cells beside it.
    let wrap = st
        .wrap
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    let wrap_bad = wrap
        .clone()
        .set_background_color(rust_xlsxwriter::Color::RGB(crate::xlsx::style::BAD_FILL));
    let mut row = HEADER_ROW + 1;
    for l in &o.leaves {
        let owes = !matches!(l.state, LeafState::Filed);
        let (f, fw) = if owes {
            (&st.missing, &wrap_bad)
        } else {
            (&st.text, &wrap)
        };
        let cells: [String; 11] = [
            l.department.clone(),
            l.number.clone().unwrap_or_else(|| "-".to_owned()),
            l.title.clone(),
            l.leaf.program.clone(),
            l.leaf.subprogram.clone().unwrap_or_default(),
            l.state.label(),
            l.file.clone().unwrap_or_default(),
            l.base_date.map(|d| d.to_string()).unwrap_or_default(),
            l.received_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            l.person.clone(),
            l.phone.clone(),
        ];
        for (i, s) in cells.iter().enumerate() {
            let col = i as u16;
            let wrapped = matches!(col, 2..=6);
            ws.write_string_with_format(row, col, s, if wrapped { fw } else { f })?;
            if wrapped {
                hs.need(row, 1, wrapped_lines(s, WIDTHS[i].1));
            } else {
                w.see(col, s);
            }
        }
        // The Korean reason of a 반려 on the state cell, for the officer's call.
        if let LeafState::Rejected { reason, .. } = &l.state
            && !reason.is_empty()
        {
            ws.insert_note(
                row,
                5,
                &rust_xlsxwriter::Note::new(reason).add_author_prefix(false),
            )?;
        }
        row += 1;
    }
    ws.autofilter(HEADER_ROW, 0, row.saturating_sub(1).max(HEADER_ROW), last)?;
    for (i, (min, max)) in WIDTHS.iter().enumerate() {
        let col = i as u16;
        let wd = if matches!(col, 2..=6) {
            *max
        } else {
            w.get(col, *min, *max)
        };
        ws.set_column_width(col, wd)?;
    }
    hs.apply(ws)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    setup_print(ws, Some((0, HEADER_ROW)))?;
    Ok(())
}
