//! 연차별 투자계획: the pledge table in the reference layout, the 사업별 tables, the chart.
//!
//! Printed, the first page holds the title, the 총사업비 line, the pledge table and the
//! chart; 사업별 starts a new page, every page after that opens with one
//! `연차별 투자계획 — 사업별` line carrying the unit, and no table straddles two pages.
//! No rows are repeated: each table has its own caption and header.

use super::*;

/// First row of the pledge table on 연차별 투자계획 (its `구분` header); the chart
/// refers to the rows below it.
pub(super) const INVEST_HEADER_ROW: u32 = 3;
/// Rows of 15 pt that fit on an A4 landscape page between the margins at 100 % (32),
/// less a safety margin for the taller caption and header rows.
const INVEST_ROWS_PER_PAGE: u32 = 28;
/// Chart size in pixels; rows are 20 px by default.
const CHART_HEIGHT_PX: u32 = 300;
/// The caption of the 사업별 part, on the first row of each of its pages.
const PROGRAMS_CAPTION: &str = "연차별 투자계획 — 사업별";

/// Writes one investment table in the reference layout at `row`: `구분` over two
/// columns, `계`, then `재원별` merged down over the sources. Returns the next free
/// row. A 총계 differing from its declared budget is highlighted; `declared(None)` is
/// the table's declared total, `declared(Some(source))` a source's.
fn write_invest_table(
    ws: &mut Worksheet,
    row: u32,
    r: &PledgeReport,
    t: &InvestmentTable,
    sum_label: &str,
    declared: &dyn Fn(Option<&str>) -> Option<Decimal>,
    st: &Styles,
) -> Result<u32> {
    ws.merge_range(row, 0, row, 1, "구분", &st.header)?;
    for (i, c) in r.columns.iter().enumerate() {
        let label = r.pledge.column_label(*c);
        ws.write_string_with_format(row, 2 + i as u16, &label, &st.header)?;
    }
    let sum_row = row + 1;
    ws.merge_range(sum_row, 0, sum_row, 1, sum_label, &st.label)?;
    let (sum_fmt, source_fmt) = (&st.amount_bold, &st.amount);
    write_amounts(ws, sum_row, r, &t.sum, declared(None), sum_fmt, st)?;
    let n = t.sources.len() as u32;
    if n > 0 {
        put(ws, (sum_row + 1, 0), (sum_row + n, 0), "재원별", &st.label)?;
    }
    for (k, (name, amounts)) in t.sources.iter().enumerate() {
        let rr = sum_row + 1 + k as u32;
        ws.write_string_with_format(rr, 1, name, &st.label)?;
        write_amounts(ws, rr, r, amounts, declared(Some(name)), source_fmt, st)?;
    }
    Ok(sum_row + 1 + n)
}

/// One row of amounts, column by column; a 총계 unlike `declared` is highlighted.
fn write_amounts(
    ws: &mut Worksheet,
    row: u32,
    r: &PledgeReport,
    amounts: &crate::core::model::AmountRow,
    declared: Option<Decimal>,
    fmt: &Format,
    st: &Styles,
) -> Result<()> {
    for (i, c) in r.columns.iter().enumerate() {
        let v = amounts.get(*c);
        let bad = *c == Column::Total && declared.is_some_and(|d| d != v);
        ws.write_with_format(row, 2 + i as u16, v, if bad { &st.amount_bad } else { fmt })?;
    }
    Ok(())
}

/// Column widths: the two label columns, then one per [`Column`], each as wide as its
/// label and the pledge total's figure.
fn invest_widths(r: &PledgeReport) -> Vec<f64> {
    let mut w = Widths::default();
    w.see(0, "재원별");
    for (name, _) in &r.total.sources {
        w.see(1, name);
    }
    for (i, c) in r.columns.iter().enumerate() {
        w.see(2 + i as u16, &r.pledge.column_label(*c));
        w.see(2 + i as u16, &amount_str(r.total.sum.get(*c)));
    }
    (0..2 + r.columns.len() as u16)
        .map(|c| w.get(c, 7.0, 16.0).max(if c >= 2 { 10.0 } else { 7.0 }))
        .collect()
}

pub(super) fn invest_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<Vec<f64>> {
    ws.set_name(SHEET_INVEST)?;
    let p = &r.pledge;
    let last = 1 + r.columns.len() as u16;
    sheet_title(ws, "연차별 투자계획", last + 1, st)?;
    let by_source: Vec<String> = p
        .declared
        .by_source
        .iter()
        .map(|s| format!("{} {}", s.source, amount_str(s.amount)))
        .collect();
    let line = format!(
        "○ 총사업비(공약) : {}{}({})",
        amount_str(p.declared.total),
        p.unit,
        by_source.join(", ")
    );
    ws.write_string_with_format(1, 0, line, &st.plain)?;
    ws.write_string_with_format(2, last, format!("(단위 : {})", p.unit), &st.unit)?;
    let declared_src = |s: Option<&str>| match s {
        None => Some(p.declared.total),
        Some(s) => p.declared_for(s),
    };
    let mut row = write_invest_table(ws, INVEST_HEADER_ROW, r, &r.total, "계", &declared_src, st)?;
    let widths = invest_widths(r);
    set_widths(ws, &widths)?;
    row = invest_chart(ws, row, r, &widths)?;
    program_tables(ws, row + 1, r, st)?;
    ws.set_freeze_panes(INVEST_HEADER_ROW + 1, 2)?;
    setup_print(ws, None)?;
    Ok(widths)
}

/// Yearly amounts stacked by funding source, below the pledge table and as wide as it,
/// so the page stays one table wide when printed. Returns the next free row.
fn invest_chart(ws: &mut Worksheet, row: u32, r: &PledgeReport, widths: &[f64]) -> Result<u32> {
    let p = &r.pledge;
    let years = p.term.len() as u16;
    let first_year = r.columns.iter().position(|c| matches!(c, Column::Year(_)));
    let (Some(first_year), false) = (first_year, years == 0 || r.total.sources.is_empty()) else {
        return Ok(row);
    };
    let (first, last) = (2 + first_year as u16, 1 + first_year as u16 + years);
    let mut chart = Chart::new(ChartType::ColumnStacked);
    for k in 0..r.total.sources.len() as u32 {
        let rr = INVEST_HEADER_ROW + 2 + k;
        chart
            .add_series()
            .set_name((SHEET_INVEST, rr, 1))
            .set_categories((
                SHEET_INVEST,
                INVEST_HEADER_ROW,
                first,
                INVEST_HEADER_ROW,
                last,
            ))
            .set_values((SHEET_INVEST, rr, first, rr, last));
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
    let width_px: f64 = widths.iter().map(|w| column_px(*w)).sum();
    chart.set_width(width_px as u32).set_height(CHART_HEIGHT_PX);
    ws.insert_chart(row + 1, 0, &chart)?;
    Ok(row + 2 + CHART_HEIGHT_PX.div_ceil(20))
}

/// Lays the 사업별 tables out on pages: a page starts with [`PROGRAMS_CAPTION`] and the
/// unit, and a table that would not fit goes to the next page.
struct Pager {
    breaks: Vec<u32>,
    page_start: u32,
    unit_note: String,
}

impl Pager {
    /// Starts a page at `row` with its caption line; returns the row below it.
    fn start_page(&mut self, ws: &mut Worksheet, row: u32, last: u16, st: &Styles) -> Result<u32> {
        self.breaks.push(row);
        self.page_start = row;
        let caption = if self.breaks.len() == 1 {
            PROGRAMS_CAPTION.to_owned()
        } else {
            format!("{PROGRAMS_CAPTION} (계속)")
        };
        ws.write_string_with_format(row, 0, caption, &st.subtitle)?;
        ws.write_string_with_format(row, last, &self.unit_note, &st.unit)?;
        Ok(row + 1)
    }
    /// The row a block of `rows` rows starts at: `row`, or a new page's first free row.
    fn place(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        rows: u32,
        last: u16,
        st: &Styles,
    ) -> Result<u32> {
        if row + rows - self.page_start > INVEST_ROWS_PER_PAGE {
            return self.start_page(ws, row, last, st);
        }
        Ok(row)
    }
}

/// The 사업별 tables: each program (with 소계 when it has sub-programs), then its
/// sub-programs, each under a caption naming its declared budget.
fn program_tables(ws: &mut Worksheet, row: u32, r: &PledgeReport, st: &Styles) -> Result<()> {
    let p = &r.pledge;
    let last = 1 + r.columns.len() as u16;
    let mut pager = Pager {
        breaks: Vec::new(),
        page_start: row,
        unit_note: format!("(단위 : {})", p.unit),
    };
    let mut row = pager.start_page(ws, row, last, st)?;
    // Caption, header, 계 and the sources, then a blank row.
    let block = 4 + r.total.sources.len() as u32;
    for prog in &r.programs {
        row = pager.place(ws, row, block, last, st)?;
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
        let sum_label = if prog.subprograms.is_empty() {
            "계"
        } else {
            "소계"
        };
        let declared = |s: Option<&str>| s.is_none().then_some(prog.declared);
        row = write_invest_table(ws, row + 1, r, &prog.table, sum_label, &declared, st)? + 1;
        for sub in &prog.subprograms {
            row = pager.place(ws, row, block, last, st)?;
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
            let declared = |s: Option<&str>| s.is_none().then_some(sub.declared);
            row = write_invest_table(ws, row + 1, r, &sub.table, "계", &declared, st)? + 1;
        }
    }
    ws.set_page_breaks(&pager.breaks)?;
    Ok(())
}
