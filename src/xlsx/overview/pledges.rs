//! 공약별 현황: one row per pledge in 관리번호 order, each 공약명 a link to its report.

use super::*;
use rust_xlsxwriter::Url;

/// Header row of the pledge table.
pub(crate) const HEADER_ROW: u32 = 2;

/// Fixed columns before the amounts by source.
const HEADS: [&str; 11] = [
    "관리번호",
    "분야",
    "핵심",
    "공약명",
    "주관부서",
    "제출",
    "최근 기준일",
    "공약 총사업비",
    "당초 총사업비",
    "총사업비(제출)",
    "차이",
];
/// Index of 차이 among the amount cells (공약 총사업비, 당초, 제출, 차이, sources…).
const DIFF: usize = 3;
/// Column of 공약명 (the hyperlink).
pub(crate) const TITLE_COL: u16 = 3;
const TITLE_WIDTH: f64 = 40.0;

pub(crate) fn pledges_sheet(ws: &mut Worksheet, o: &Overview, ctx: &Ctx) -> Result<()> {
    let st = &ctx.st;
    ws.set_name(SHEET_PLEDGES)?;
    let mut w = Widths::default();
    let mut hs = Heights::default();
    let heads: Vec<&str> = HEADS
        .iter()
        .copied()
        .chain(o.sources.iter().map(String::as_str))
        .collect();
    let last = heads.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, SHEET_PLEDGES, &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(1, last, format!("(단위 : {})", o.unit), &st.unit)?;
    for (i, h) in heads.iter().enumerate() {
        text(ws, (HEADER_ROW, i as u16), h, &st.header, &mut w)?;
    }
    let link = st
        .wrap
        .clone()
        .set_font_color(rust_xlsxwriter::Color::Blue)
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let mut row = HEADER_ROW + 1;
    let mut sums = vec![Decimal::ZERO; 4 + o.sources.len()];
    for p in &o.pledges {
        text(
            ws,
            (row, 0),
            p.number.as_deref().unwrap_or("-"),
            &st.text,
            &mut w,
        )?;
        text(
            ws,
            (row, 1),
            p.category.as_deref().unwrap_or("-"),
            &st.text,
            &mut w,
        )?;
        text(
            ws,
            (row, 2),
            if p.core { "●" } else { "" },
            &st.text,
            &mut w,
        )?;
        // Relative: the link works wherever the outbox is opened from (a mapped drive,
        // a UNC share), because the reports sit beside the overview.
        let url = Url::new(format!("file:///{}", p.report_file)).set_text(&p.title);
        ws.write_url_with_format(row, TITLE_COL, url, &link)?;
        hs.need(row, 1, wrapped_lines(&p.title, TITLE_WIDTH));
        text(ws, (row, 4), &p.department, &st.text, &mut w)?;
        let filed = format!("{}/{}", p.filed, p.leaves);
        let filed_fmt = if p.filed < p.leaves {
            &st.missing
        } else {
            &st.text
        };
        text(ws, (row, 5), &filed, filed_fmt, &mut w)?;
        let date = p.latest_base_date.map_or("-".to_owned(), |d| d.to_string());
        text(ws, (row, 6), &date, &st.text, &mut w)?;
        let mut cells = vec![p.declared, p.original_total, p.total, p.diff()];
        cells.extend(p.by_source.iter().copied());
        for (i, v) in cells.iter().enumerate() {
            let f = if i == DIFF && !v.is_zero() {
                &st.amount_bad
            } else {
                &st.amount
            };
            ws.write_with_format(row, 7 + i as u16, *v, f)?;
            w.see(7 + i as u16, &amount_str(*v));
            sums[i] += *v;
        }
        row += 1;
    }
    let last_data = row.saturating_sub(1).max(HEADER_ROW);
    ws.autofilter(HEADER_ROW, 0, last_data, last)?;
    put(ws, (row, 0), (row, TITLE_COL), "합계", &st.label)?;
    let filed: usize = o.pledges.iter().map(|p| p.filed).sum();
    let leaves: usize = o.pledges.iter().map(|p| p.leaves).sum();
    ws.write_string_with_format(row, 4, "", &st.label)?;
    ws.write_string_with_format(row, 5, format!("{filed}/{leaves}"), &st.label)?;
    ws.write_string_with_format(row, 6, "", &st.label)?;
    for (i, v) in sums.iter().enumerate() {
        let f = if i == DIFF && !v.is_zero() {
            &st.amount_bad
        } else {
            &st.amount_bold
        };
        ws.write_with_format(row, 7 + i as u16, *v, f)?;
    }
    w.apply(ws, 8.0, 18.0)?;
    ws.set_column_width(4, w.get(4, 10.0, 24.0))?;
    ws.set_column_width(TITLE_COL, TITLE_WIDTH)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(HEADER_ROW + 1, TITLE_COL + 1)?;
    setup_print(ws, Some((0, HEADER_ROW)))?;
    Ok(())
}
