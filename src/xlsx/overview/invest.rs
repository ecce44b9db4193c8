//! 연차별 투자계획(전체): the city-wide sum in the reference layout (`계`, then the
//! sources), 분야 × 재원, 분야 × 연도, and the years stacked by source.

use super::*;
use rust_xlsxwriter::{Chart, ChartFont, ChartLegendPosition, ChartType};

/// Header row (`구분 | 총계 | …`) of the city-wide table; the chart refers to it.
pub(crate) const HEADER_ROW: u32 = 3;
const CHART_HEIGHT_PX: u32 = 300;

pub(crate) fn invest_sheet(ws: &mut Worksheet, o: &Overview, ctx: &Ctx) -> Result<()> {
    let st = &ctx.st;
    ws.set_name(SHEET_INVEST)?;
    let mut w = Widths::default();
    let t = &o.invest;
    let last = 1 + t.columns.len() as u16;
    let unit_note = format!("(단위 : {})", o.unit);
    ws.merge_range(0, 0, 0, last, "연차별 투자계획(전체)", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "○ 공약 {}개의 제출된 계획 합계 (공약 총사업비 {}{})",
            o.counts.pledges,
            amount_str(o.pledges.iter().map(|p| p.declared).sum()),
            o.unit
        ),
        &st.plain,
    )?;
    ws.write_string_with_format(2, last, &unit_note, &st.unit)?;

    let n = city_table(ws, o, st, &mut w)?;
    let mut row = HEADER_ROW + 2 + n + 1;

    ws.write_string_with_format(row, 0, "분야 × 재원", &st.subtitle)?;
    ws.write_string_with_format(row, last, &unit_note, &st.unit)?;
    row = amount_table(
        ws,
        (row + 1, 1),
        "분야",
        &o.by_category_source,
        false,
        st,
        &mut w,
    )? + 1;
    ws.write_string_with_format(row, 0, "분야 × 연도", &st.subtitle)?;
    ws.write_string_with_format(row, last, &unit_note, &st.unit)?;
    row = amount_table(
        ws,
        (row + 1, 1),
        "분야",
        &o.by_category_year,
        false,
        st,
        &mut w,
    )? + 1;

    let widths: Vec<f64> = (0..=last)
        .map(|c| w.get(c, 7.0, 16.0).max(if c >= 2 { 10.0 } else { 7.0 }))
        .collect();
    for (c, wd) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *wd)?;
    }
    chart(ws, o, n, &widths, row)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    setup_print(ws, Some((0, HEADER_ROW)))?;
    Ok(())
}

/// The city-wide table in the reference layout; returns how many source rows
/// it has below `계`.
fn city_table(ws: &mut Worksheet, o: &Overview, st: &Styles, w: &mut Widths) -> Result<u32> {
    let t = &o.invest;
    // The reference layout: 구분 over two columns, 계, then 재원별 merged down.
    ws.merge_range(HEADER_ROW, 0, HEADER_ROW, 1, "구분", &st.header)?;
    for (i, c) in t.columns.iter().enumerate() {
        text(ws, (HEADER_ROW, 2 + i as u16), c, &st.header, w)?;
    }
    for (k, (label, cells)) in t.rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + k as u32;
        if k == 0 {
            ws.merge_range(r, 0, r, 1, label, &st.label)?;
        } else {
            text(ws, (r, 1), label, &st.label, w)?;
        }
        let f = if k == 0 { &st.amount_bold } else { &st.amount };
        for (i, v) in cells.iter().enumerate() {
            ws.write_with_format(r, 2 + i as u16, *v, f)?;
            w.see(2 + i as u16, &amount_str(*v));
        }
    }
    let n = t.rows.len().saturating_sub(1) as u32;
    if n > 0 {
        put(
            ws,
            (HEADER_ROW + 2, 0),
            (HEADER_ROW + 1 + n, 0),
            "재원별",
            &st.label,
        )?;
    }
    Ok(n)
}

/// The years stacked by source, on a page of its own from `row`.
fn chart(ws: &mut Worksheet, o: &Overview, n: u32, widths: &[f64], row: u32) -> Result<()> {
    let years = o.years.len() as u16;
    if years > 0 && n > 0 {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        let (first, lastc) = (4, 3 + years);
        for k in 0..n {
            let r = HEADER_ROW + 2 + k;
            chart
                .add_series()
                .set_name((SHEET_INVEST, r, 1))
                .set_categories((SHEET_INVEST, HEADER_ROW, first, HEADER_ROW, lastc))
                .set_values((SHEET_INVEST, r, first, r, lastc));
        }
        chart
            .title()
            .set_name("연도별 투자계획 (재원별, 전체)")
            .set_font(
                ChartFont::new()
                    .set_name(crate::xlsx::style::FONT)
                    .set_size(12),
            );
        chart
            .y_axis()
            .set_num_format("#,##0")
            .set_name(&o.unit)
            .set_font(ChartFont::new().set_name(crate::xlsx::style::FONT));
        chart
            .x_axis()
            .set_font(ChartFont::new().set_name(crate::xlsx::style::FONT));
        chart
            .legend()
            .set_position(ChartLegendPosition::Bottom)
            .set_font(ChartFont::new().set_name(crate::xlsx::style::FONT));
        let width_px: f64 = widths.iter().map(|w| w * 7.0 + 5.0).sum();
        chart.set_width(width_px as u32).set_height(CHART_HEIGHT_PX);
        // The chart on a page of its own, never cut by a page end.
        ws.set_page_breaks(&[row])?;
        ws.insert_chart(row + 1, 0, &chart)?;
    }
    Ok(())
}
