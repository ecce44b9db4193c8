//! 연차별 투자계획: the pledge table in the reference layout, the 사업별 tables, the chart.

use super::*;

/// First row of the pledge table on 연차별 투자계획 (its `구분` header); the chart
/// refers to the rows below it.
pub(super) const INVEST_HEADER_ROW: u32 = 3;
/// Body rows of 15 pt that fit on an A4 landscape page below the repeated header rows
/// at 100 % (the invest sheet is narrower than the page, so it is not scaled down).
const INVEST_ROWS_PER_PAGE: u32 = 26;
/// Chart size in pixels; rows are 20 px by default.
const CHART_HEIGHT_PX: u32 = 300;

/// Writes one investment table in the reference layout at `row`: `구분` over two
/// columns, `계`, then `재원별` merged down over the sources. Returns the next free
/// row. A 총계 differing from its declared budget is highlighted; `declared(None)` is
/// the table's declared total, `declared(Some(source))` a source's.
fn write_invest_table(
    ws: &mut Worksheet,
    row: u32,
    columns: &[String],
    t: &InvestmentTable,
    sum_label: &str,
    declared: &dyn Fn(Option<&str>) -> Option<Decimal>,
    st: &Styles,
) -> Result<u32> {
    ws.merge_range(row, 0, row, 1, "구분", &st.header)?;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(row, 2 + i as u16, c, &st.header)?;
    }
    let r = row + 1;
    ws.merge_range(r, 0, r, 1, sum_label, &st.label)?;
    for (i, v) in t.sum.iter().enumerate() {
        let bad = i == 0 && declared(None).is_some_and(|d| d != *v);
        ws.write_with_format(
            r,
            2 + i as u16,
            *v,
            if bad { &st.amount_bad } else { &st.amount_bold },
        )?;
    }
    let n = t.sources.len() as u32;
    if n > 0 {
        put(ws, (r + 1, 0), (r + n, 0), "재원별", &st.label)?;
    }
    for (k, (name, cells)) in t.sources.iter().enumerate() {
        let rr = r + 1 + k as u32;
        ws.write_string_with_format(rr, 1, name, &st.label)?;
        for (i, v) in cells.iter().enumerate() {
            let bad = i == 0 && declared(Some(name)).is_some_and(|d| d != *v);
            ws.write_with_format(
                rr,
                2 + i as u16,
                *v,
                if bad { &st.amount_bad } else { &st.amount },
            )?;
        }
    }
    Ok(r + 1 + n)
}

pub(super) fn invest_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_INVEST)?;
    let p = &r.pledge;
    let last = 1 + r.columns.len() as u16;
    let unit_note = format!("(단위 : {})", p.unit);
    ws.merge_range(0, 0, 0, last, "연차별 투자계획", &st.title)?;
    ws.set_row_height(0, 24)?;
    let by_source: Vec<String> = p
        .declared
        .by_source
        .iter()
        .map(|s| format!("{} {}", s.source, amount_str(s.amount)))
        .collect();
    ws.write_string_with_format(
        1,
        0,
        format!(
            "○ 총사업비(공약) : {}{}({})",
            amount_str(p.declared.total),
            p.unit,
            by_source.join(", ")
        ),
        &st.plain,
    )?;
    ws.write_string_with_format(2, last, &unit_note, &st.unit)?;
    let declared_src = |s: Option<&str>| match s {
        None => Some(p.declared.total),
        Some(s) => p.declared_for(s),
    };
    let mut row = write_invest_table(
        ws,
        INVEST_HEADER_ROW,
        &r.columns,
        &r.total,
        "계",
        &declared_src,
        st,
    )?;
    // 변경내역 (§10): cells the latest submission of a leaf changed get a fill and a note.
    let marks = super::changes::CellMarks::of(r);
    marks.apply(ws, INVEST_HEADER_ROW, &r.total, &|_| true, false, st)?;

    // Column widths: labels and amounts, measured for Korean text.
    let mut w = Widths::default();
    w.see(0, "재원별");
    for (name, _) in &r.total.sources {
        w.see(1, name);
    }
    for (i, c) in r.columns.iter().enumerate() {
        w.see(2 + i as u16, c);
        w.see(2 + i as u16, &amount_str(r.total.sum[i]));
    }
    let widths: Vec<f64> = (0..=last)
        .map(|c| w.get(c, 7.0, 16.0).max(if c >= 2 { 10.0 } else { 7.0 }))
        .collect();
    for (c, wd) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *wd)?;
    }

    // Yearly amounts stacked by funding source, below the pledge table and as wide
    // as it, so the page stays one table wide when printed.
    let years = p.term.len() as u16;
    if years > 0 && !r.total.sources.is_empty() {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        let first_year_col = 3;
        for k in 0..r.total.sources.len() as u32 {
            let rr = INVEST_HEADER_ROW + 2 + k;
            chart
                .add_series()
                .set_name((SHEET_INVEST, rr, 1))
                .set_categories((
                    SHEET_INVEST,
                    INVEST_HEADER_ROW,
                    first_year_col + 1,
                    INVEST_HEADER_ROW,
                    first_year_col + years,
                ))
                .set_values((
                    SHEET_INVEST,
                    rr,
                    first_year_col + 1,
                    rr,
                    first_year_col + years,
                ));
        }
        chart
            .title()
            .set_name("연도별 투자계획 (재원별)")
            .set_font(ChartFont::new().set_name(FONT).set_size(12));
        chart
            .y_axis()
            .set_num_format("#,##0")
            .set_name(&p.unit)
            .set_font(ChartFont::new().set_name(FONT));
        chart.x_axis().set_font(ChartFont::new().set_name(FONT));
        chart
            .legend()
            .set_position(ChartLegendPosition::Bottom)
            .set_font(ChartFont::new().set_name(FONT));
        let width_px: f64 = widths.iter().map(|w| w * 7.0 + 5.0).sum();
        chart.set_width(width_px as u32).set_height(CHART_HEIGHT_PX);
        ws.insert_chart(row + 1, 0, &chart)?;
        row += 2 + CHART_HEIGHT_PX.div_ceil(20);
    }

    row += 1;
    // 사업별 starts a page, and a table never straddles two pages.
    let mut breaks = vec![row];
    let mut page_start = row;
    ws.write_string_with_format(row, 0, "사업별", &st.subtitle)?;
    row += 1;
    let table_rows = 3 + r.total.sources.len() as u32;
    let mut keep_together = |row: u32| {
        if row + table_rows - page_start > INVEST_ROWS_PER_PAGE {
            breaks.push(row);
            page_start = row;
        }
    };
    for prog in &r.programs {
        keep_together(row);
        let mut title = format!(
            "■ {} (공약 사업비 {}{})",
            prog.name,
            amount_str(prog.declared),
            p.unit
        );
        if !prog.subprograms.is_empty() {
            title.push_str(" — 소계");
        }
        if !prog.missing.is_empty() {
            title.push_str(&format!(" — 미제출: {}", prog.missing.join(", ")));
        }
        ws.write_string_with_format(row, 0, &title, &st.plain)?;
        ws.write_string_with_format(row, last, &unit_note, &st.unit)?;
        let sum_label = if prog.subprograms.is_empty() {
            "계"
        } else {
            "소계"
        };
        let at = row + 1;
        row = write_invest_table(
            ws,
            at,
            &r.columns,
            &prog.table,
            sum_label,
            &|s| s.is_none().then_some(prog.declared),
            st,
        )? + 1;
        let own = prog.subprograms.is_empty();
        marks.apply(ws, at, &prog.table, &|k| k.program == prog.name, own, st)?;
        for sub in &prog.subprograms {
            keep_together(row);
            let mut title = format!(
                "  - {} (공약 사업비 {}{})",
                sub.name,
                amount_str(sub.declared),
                p.unit
            );
            if !sub.submitted {
                title.push_str(" — 미제출");
            }
            ws.write_string_with_format(row, 0, &title, &st.plain)?;
            ws.write_string_with_format(row, last, &unit_note, &st.unit)?;
            let at = row + 1;
            row = write_invest_table(
                ws,
                at,
                &r.columns,
                &sub.table,
                "계",
                &|s| s.is_none().then_some(sub.declared),
                st,
            )? + 1;
            let is_sub = |k: &LeafKey| {
                k.program == prog.name && k.subprogram.as_deref() == Some(sub.name.as_str())
            };
            marks.apply(ws, at, &sub.table, &is_sub, true, st)?;
        }
    }
    ws.set_page_breaks(&breaks)?;
    ws.set_freeze_panes(INVEST_HEADER_ROW + 1, 2)?;
    setup_print(ws, INVEST_HEADER_ROW)?;
    Ok(())
}
