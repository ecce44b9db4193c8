//! Stage 5, render: a pledge's tables → the report workbook managers open (SPEC §7).
//!
//! Every submitted text is written with `write_string`, so a 추진내용 of `=HYPERLINK(…)`
//! stays text; formulas are never built from submitted data.

use crate::consolidate::{InvestmentTable, PledgeReport};
use crate::definition::LeafKey;
use crate::finding::Severity;
use crate::normalize::Quarter;
use anyhow::Result;
use chrono::{DateTime, Local};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartFont, ChartLegendPosition, ChartType, Color, DocProperties, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

pub const SHEET_SUMMARY: &str = "요약";
pub const SHEET_INVEST: &str = "연차별 투자계획";
pub const SHEET_TARGETS: &str = "연차별 추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";
pub const SHEET_FINDINGS: &str = "검증결과";
pub const SHEET_HISTORY: &str = "제출이력";

const FONT: &str = "맑은 고딕";
const HEADER_FILL: u32 = 0xD9E1F2;
const LABEL_FILL: u32 = 0xF2F2F2;
const WARN_FILL: u32 = 0xFFF2CC;
const BAD_FILL: u32 = 0xF8CBAD;
const GANTT_FILL: u32 = 0x5B9BD5;
/// `#,##0`, with zero shown as `-` the way the plan prints empty years.
const AMOUNT_FORMAT: &str = "#,##0;-#,##0;\"-\"";
/// Points per printed line of 10 pt 맑은 고딕, for row heights of wrapped text.
const LINE_PT: f64 = 14.5;

/// The formats of one report, built once.
struct Styles {
    title: Format,
    subtitle: Format,
    unit: Format,
    header: Format,
    label: Format,
    group: Format,
    text: Format,
    wrap: Format,
    amount: Format,
    amount_bold: Format,
    amount_bad: Format,
    missing: Format,
    warn: Format,
    gantt: Format,
    plain: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let amount = cell
            .clone()
            .set_num_format(AMOUNT_FORMAT)
            .set_align(FormatAlign::Right);
        Self {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: base.clone().set_bold().set_font_size(11),
            unit: base.clone().set_align(FormatAlign::Right),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            label: cell
                .clone()
                .set_background_color(Color::RGB(LABEL_FILL))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            group: cell
                .clone()
                .set_background_color(Color::RGB(LABEL_FILL))
                .set_text_wrap(),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            amount_bold: amount.clone().set_bold(),
            amount_bad: amount.clone().set_background_color(Color::RGB(BAD_FILL)),
            amount,
            missing: cell.clone().set_background_color(Color::RGB(BAD_FILL)),
            warn: cell.clone().set_background_color(Color::RGB(WARN_FILL)),
            gantt: cell.clone().set_background_color(Color::RGB(GANTT_FILL)),
            plain: base,
        }
    }
}

/// Display width of a text in Excel character units (Hangul counts double, which
/// `autofit` gets wrong).
pub fn text_width(s: &str) -> f64 {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64 * 1.1 + 2.0
}

/// Printed lines a text takes in a wrapped cell `width` characters wide, so rows can
/// be made tall enough (Excel does not grow a row whose height was set).
fn wrapped_lines(s: &str, width: f64) -> usize {
    let usable = (width - 1.5).max(1.0);
    s.lines()
        .map(|l| (UnicodeWidthStr::width(l) as f64 / usable).ceil().max(1.0) as usize)
        .sum::<usize>()
        .max(1)
}

/// Tracks the widest text of each column to size columns for Korean text.
#[derive(Default)]
struct Widths(Vec<f64>);

impl Widths {
    fn see(&mut self, col: u16, s: &str) {
        let c = col as usize;
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(text_width(s));
    }
    /// The width a column will get.
    fn get(&self, col: u16, min: f64, max: f64) -> f64 {
        self.0
            .get(col as usize)
            .copied()
            .unwrap_or(0.0)
            .clamp(min, max)
    }
    fn apply(&self, ws: &mut Worksheet, min: f64, max: f64) -> Result<()> {
        for c in 0..self.0.len() as u16 {
            ws.set_column_width(c, self.get(c, min, max))?;
        }
        Ok(())
    }
}

/// Row heights a sheet needs for its wrapped text, applied once at the end.
#[derive(Default)]
struct Heights(std::collections::BTreeMap<u32, f64>);

impl Heights {
    /// `lines` printed lines spread over the `rows` rows starting at `row`.
    fn need(&mut self, row: u32, rows: u32, lines: usize) {
        let per_row = (lines as f64 * LINE_PT + 4.0) / f64::from(rows.max(1));
        for r in row..row + rows.max(1) {
            let h = self.0.entry(r).or_insert(0.0);
            *h = h.max(per_row);
        }
    }
    fn apply(&self, ws: &mut Worksheet) -> Result<()> {
        for (&r, &h) in &self.0 {
            if h > 18.0 {
                ws.set_row_height(r, h.min(409.0))?;
            }
        }
        Ok(())
    }
}

/// Writes `text` over a range, merged when it spans more than one cell (a one-cell
/// merge is an error in xlsx).
fn put(
    ws: &mut Worksheet,
    (r1, c1): (u32, u16),
    (r2, c2): (u32, u16),
    text: &str,
    f: &Format,
) -> Result<()> {
    if r1 == r2 && c1 == c2 {
        ws.write_string_with_format(r1, c1, text, f)?;
    } else {
        ws.merge_range(r1, c1, r2, c2, text, f)?;
    }
    Ok(())
}

/// Writes the 사업 / 세부사업 cells (columns 0 and 1) of consecutive row blocks, one
/// block per leaf: a program is merged down over its sub-programs, and a program
/// without sub-programs spans both columns, as in the plan's tables.
fn leaf_groups(
    ws: &mut Worksheet,
    first_row: u32,
    blocks: &[(&LeafKey, u32)],
    widths: (f64, f64),
    fmt: &Format,
    heights: &mut Heights,
) -> Result<()> {
    let mut row = first_row;
    let mut i = 0;
    while i < blocks.len() {
        let program = &blocks[i].0.program;
        let mut j = i;
        while j < blocks.len() && &blocks[j].0.program == program {
            j += 1;
        }
        let group = &blocks[i..j];
        let rows: u32 = group.iter().map(|(_, n)| n).sum();
        if rows == 0 {
            i = j;
            continue;
        }
        let last = row + rows - 1;
        if group.iter().all(|(k, _)| k.subprogram.is_none()) {
            put(ws, (row, 0), (last, 1), program, fmt)?;
            heights.need(row, rows, wrapped_lines(program, widths.0 + widths.1));
        } else {
            put(ws, (row, 0), (last, 0), program, fmt)?;
            heights.need(row, rows, wrapped_lines(program, widths.0));
            let mut r = row;
            for (k, n) in group.iter().filter(|(_, n)| *n > 0) {
                let sub = k.subprogram.as_deref().unwrap_or("-");
                put(ws, (r, 1), (r + n - 1, 1), sub, fmt)?;
                heights.need(r, *n, wrapped_lines(sub, widths.1));
                r += n;
            }
        }
        row = last + 1;
        i = j;
    }
    Ok(())
}

/// A4 landscape, one page wide, `0..=repeat_to` repeated on each page, page numbers.
fn setup_print(ws: &mut Worksheet, repeat_to: u32) -> Result<()> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(0, repeat_to)?;
    ws.set_footer("&C&P / &N");
    Ok(())
}

fn amount_str(d: Decimal) -> String {
    crate::parse::fmt_amount(d)
}

/// Renders the report of one pledge to xlsx bytes.
///
/// # Errors
/// Only on rust_xlsxwriter failures (bad sheet geometry), not on any submitted data.
pub fn render_report(report: &PledgeReport, generated_at: DateTime<Local>) -> Result<Vec<u8>> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(&report.pledge.title)
        .set_subject("공약 추진계획 통합 보고서")
        .set_author(&report.pledge.department)
        .set_company(&report.pledge.department)
        .set_category("공약 추진현황")
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_timestamp(
            generated_at.timestamp(),
        )?);
    wb.set_properties(&props);

    summary_sheet(wb.add_worksheet(), report, generated_at, &st)?;
    invest_sheet(wb.add_worksheet(), report, &st)?;
    targets_sheet(wb.add_worksheet(), report, &st)?;
    roadmap_sheet(wb.add_worksheet(), report, &st)?;
    findings_sheet(wb.add_worksheet(), report, &st)?;
    history_sheet(wb.add_worksheet(), report, &st)?;
    Ok(wb.save_to_buffer()?)
}

/// Column widths of 사업 / 세부사업 where program names wrap.
const PROGRAM_COL: f64 = 22.0;
const SUBPROGRAM_COL: f64 = 24.0;

fn summary_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    generated_at: DateTime<Local>,
    st: &Styles,
) -> Result<()> {
    ws.set_name(SHEET_SUMMARY)?;
    let mut w = Widths::default();
    let mut hs = Heights::default();
    let p = &r.pledge;
    let heads = [
        "사업",
        "세부사업",
        "제출",
        "파일",
        "기준일",
        "상태",
        "경고",
        "총계",
        "공약 사업비",
        "차이",
    ];
    let last = heads.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, &p.title, &st.title)?;
    ws.set_row_height(0, 30)?;
    ws.write_string_with_format(1, 0, "생성 시각", &st.label)?;
    let generated = generated_at.format("%Y-%m-%d %H:%M:%S").to_string();
    ws.write_string_with_format(1, 1, &generated, &st.text)?;
    w.see(1, &generated);
    ws.write_string_with_format(2, 0, "추진부서", &st.label)?;
    ws.write_string_with_format(2, 1, &p.department, &st.text)?;
    let mut row = 4u32;
    if !p.facts.is_empty() {
        for (i, f) in p.facts.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, &f.label, &st.header)?;
            ws.write_string_with_format(row + 1, i as u16, &f.value, &st.text)?;
            w.see(i as u16, &f.label);
            w.see(i as u16, &f.value);
        }
        row += 3;
    }
    if !p.contacts.is_empty() {
        ws.write_string_with_format(row, 0, "공약실명제", &st.subtitle)?;
        row += 1;
        for (i, h) in ["구분", "성명", "전화"].iter().enumerate() {
            ws.write_string_with_format(row, i as u16, *h, &st.header)?;
        }
        row += 1;
        for c in &p.contacts {
            ws.write_string_with_format(row, 0, &c.role, &st.label)?;
            ws.write_string_with_format(row, 1, &c.name, &st.text)?;
            ws.write_string_with_format(row, 2, &c.phone, &st.text)?;
            w.see(0, &c.role);
            w.see(1, &c.name);
            w.see(2, &c.phone);
            row += 1;
        }
        row += 1;
    }
    let submitted = r.leaves.iter().filter(|l| l.current.is_some()).count();
    ws.write_string_with_format(
        row,
        0,
        format!("제출 현황 ({submitted}/{} 제출)", r.leaves.len()),
        &st.subtitle,
    )?;
    ws.write_string_with_format(row, last, format!("(단위 : {})", p.unit), &st.unit)?;
    row += 1;
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    row += 1;
    let blocks: Vec<(&LeafKey, u32)> = r.leaves.iter().map(|l| (&l.key, 1)).collect();
    leaf_groups(
        ws,
        row,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        &mut hs,
    )?;
    for l in &r.leaves {
        match &l.current {
            Some(c) => {
                ws.write_string_with_format(row, 2, "제출", &st.text)?;
                ws.write_string_with_format(row, 3, &c.file, &st.text)?;
                ws.write_string_with_format(row, 4, c.base_date.to_string(), &st.text)?;
                let status = if c.warnings > 0 {
                    "접수(경고 있음)"
                } else {
                    "접수"
                };
                ws.write_string_with_format(
                    row,
                    5,
                    status,
                    if c.warnings > 0 { &st.warn } else { &st.text },
                )?;
                ws.write_number_with_format(row, 6, c.warnings as f64, &st.amount)?;
                ws.write_with_format(row, 7, c.total, &st.amount)?;
                w.see(3, &c.file);
                w.see(4, &c.base_date.to_string());
                w.see(5, status);
                let diff = c.total - l.declared;
                ws.write_with_format(
                    row,
                    9,
                    diff,
                    if diff.is_zero() {
                        &st.amount
                    } else {
                        &st.amount_bad
                    },
                )?;
            }
            None => {
                ws.write_string_with_format(row, 2, "미제출", &st.missing)?;
                for c in [3u16, 4, 5, 6, 7, 9] {
                    ws.write_blank(row, c, &st.missing)?;
                }
            }
        }
        ws.write_with_format(row, 8, l.declared, &st.amount)?;
        w.see(8, &amount_str(l.declared));
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "공약 총사업비 대비", &st.subtitle)?;
    ws.write_string_with_format(row, 3, format!("(단위 : {})", p.unit), &st.unit)?;
    row += 1;
    for (i, h) in ["구분", "공약 총사업비", "제출 합계", "차이"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, i as u16, *h, &st.header)?;
    }
    row += 1;
    for d in &r.declared {
        ws.write_string_with_format(row, 0, &d.label, &st.label)?;
        ws.write_with_format(row, 1, d.declared, &st.amount)?;
        ws.write_with_format(row, 2, d.actual, &st.amount)?;
        let diff = d.diff();
        ws.write_with_format(
            row,
            3,
            diff,
            if diff.is_zero() {
                &st.amount
            } else {
                &st.amount_bad
            },
        )?;
        row += 1;
    }
    for c in 0..=last {
        let (min, max) = match c {
            // Fixed: leaf_groups sized the rows for wrapped names at these widths.
            0 => (PROGRAM_COL, PROGRAM_COL),
            1 => (SUBPROGRAM_COL, SUBPROGRAM_COL),
            3 => (10.0, 40.0),
            _ => (9.0, 16.0),
        };
        ws.set_column_width(c, w.get(c, min, max))?;
    }
    hs.apply(ws)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}

/// First row of the pledge table on 연차별 투자계획 (its `구분` header); the chart
/// refers to the rows below it.
const INVEST_HEADER_ROW: u32 = 3;
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

fn invest_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
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
        row = write_invest_table(
            ws,
            row + 1,
            &r.columns,
            &prog.table,
            sum_label,
            &|s| s.is_none().then_some(prog.declared),
            st,
        )? + 1;
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
            row = write_invest_table(
                ws,
                row + 1,
                &r.columns,
                &sub.table,
                "계",
                &|s| s.is_none().then_some(sub.declared),
                st,
            )? + 1;
        }
    }
    ws.set_page_breaks(&breaks)?;
    ws.set_freeze_panes(INVEST_HEADER_ROW + 1, 2)?;
    setup_print(ws, INVEST_HEADER_ROW)?;
    Ok(())
}

/// Width of a year column on 연차별 추진목표.
const TARGET_YEAR_COL: f64 = 28.0;

fn targets_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
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

/// First Gantt column on 추진일정 (after 사업, 세부사업, 세부내용).
const GANTT_COL: u16 = 3;

fn roadmap_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_ROADMAP)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let quarters = years.len() as u16 * 4;
    let last = GANTT_COL + quarters.max(1) - 1;
    ws.merge_range(0, 0, 0, last, "추진일정", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(1, 0, 2, 0, "사업", &st.header)?;
    ws.merge_range(1, 1, 2, 1, "세부사업", &st.header)?;
    ws.merge_range(1, 2, 2, 2, "세부내용", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        let c = GANTT_COL + 4 * i as u16;
        ws.merge_range(1, c, 1, c + 3, &format!("{y}년"), &st.header)?;
        for q in 0..4u16 {
            ws.write_number_with_format(2, c + q, f64::from(q + 1), &st.header)?;
            ws.set_column_width(c + q, 3.5)?;
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
        hs.need(row, 1, wrapped_lines(&item.item.name, name_col));
        for k in 0..quarters {
            let ord = first + i64::from(k);
            let active = ord >= item.item.start.ordinal() && ord <= item.item.end.ordinal();
            ws.write_blank(
                row,
                GANTT_COL + k,
                if active { &st.gantt } else { &st.text },
            )?;
        }
    }
    if r.roadmap.is_empty() {
        ws.write_string_with_format(3, 0, "제출된 추진일정이 없습니다.", &st.plain)?;
    }
    ws.set_column_width(0, PROGRAM_COL)?;
    ws.set_column_width(1, SUBPROGRAM_COL)?;
    ws.set_column_width(2, name_col)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(3, GANTT_COL)?;
    setup_print(ws, 2)?;
    Ok(())
}

fn findings_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_FINDINGS)?;
    let heads = ["사업", "파일", "구분", "코드", "위치", "내용"];
    let mut w = Widths::default();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    for (k, f) in r.findings.iter().enumerate() {
        let row = 1 + k as u32;
        let leaf = f.leaf.as_ref().map(|l| l.label()).unwrap_or_default();
        let sev = f.finding.severity();
        let fmt = if sev == Severity::Warning {
            &st.warn
        } else {
            &st.text
        };
        let cells = [
            leaf,
            f.file.clone(),
            sev.label().to_owned(),
            f.finding.code.as_str().to_owned(),
            f.finding.place_text(),
            f.finding.message.clone(),
        ];
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, c, fmt)?;
            w.see(i as u16, c);
        }
    }
    if r.findings.is_empty() {
        ws.write_string_with_format(1, 0, "현재 제출본에 지적 사항이 없습니다.", &st.plain)?;
    }
    w.apply(ws, 6.0, 80.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}

fn history_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_HISTORY)?;
    let heads = [
        "번호",
        "받은 시각",
        "파일명",
        "해시",
        "사업",
        "결과",
        "코드",
    ];
    let mut w = Widths::default();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    for (k, h) in r.history.iter().enumerate() {
        let row = 1 + k as u32;
        let codes: Vec<&str> = h.codes.iter().map(|c| c.as_str()).collect();
        let cells = [
            h.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            h.name.clone(),
            h.hash_prefix.clone(),
            h.leaf.as_ref().map(|l| l.label()).unwrap_or_default(),
            h.outcome.label().to_owned(),
            codes.join(", "),
        ];
        ws.write_number_with_format(row, 0, h.seq as f64, &st.amount)?;
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, 1 + i as u16, c, &st.text)?;
            w.see(1 + i as u16, c);
        }
    }
    w.apply(ws, 6.0, 60.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::Catalog;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn hangul_counts_double_in_widths_and_wraps() {
        // 8 syllables = 16 columns; the same count of Latin letters is half as wide.
        assert!(text_width("스마트제조혁신센터") > 1.9 * text_width("abcdefghi") - 4.0);
        assert_eq!(wrapped_lines("가나다라", 12.0), 1);
        assert_eq!(wrapped_lines("가나다라마바사아자차", 12.0), 2);
        assert_eq!(wrapped_lines("한 줄\n두 줄\n세 줄", 30.0), 3);
        assert_eq!(wrapped_lines("", 10.0), 1);
    }

    #[test]
    fn heights_spread_merged_lines_and_keep_the_tallest() {
        let mut h = Heights::default();
        h.need(5, 2, 4);
        h.need(5, 1, 1);
        assert_eq!(h.0[&5], (4.0 * LINE_PT + 4.0) / 2.0);
        assert_eq!(h.0[&6], h.0[&5]);
    }

    #[test]
    fn an_empty_ledger_renders_every_sheet_with_missing_leaves() {
        let cat =
            Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
                .unwrap();
        let report = crate::consolidate::consolidate(&cat.pledges[0], &[]);
        let bytes = render_report(&report, Local::now()).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            [
                SHEET_SUMMARY,
                SHEET_INVEST,
                SHEET_TARGETS,
                SHEET_ROADMAP,
                SHEET_FINDINGS,
                SHEET_HISTORY
            ]
        );
        let summary = wb.worksheet_range(SHEET_SUMMARY).unwrap();
        let missing = summary
            .used_cells()
            .filter(|(_, _, d)| matches!(d, Data::String(s) if s == "미제출"))
            .count();
        assert_eq!(missing, report.leaves.len());
        let invest = wb.worksheet_range(SHEET_INVEST).unwrap();
        // The pledge table's 계 row: all zero, as numbers, not text.
        let (r0, _) = invest.start().unwrap();
        let sum_row = (INVEST_HEADER_ROW + 1 - r0) as usize;
        let row: Vec<&Data> = invest.rows().nth(sum_row).unwrap()[2..10].iter().collect();
        assert!(row.iter().all(|d| **d == Data::Float(0.0)), "{row:?}");
    }
}
