//! Stage 5, render: a pledge's tables → the report workbook managers open (SPEC §7).
//!
//! Every submitted text is written with `write_string`, so a 추진내용 of `=HYPERLINK(…)`
//! stays text; formulas are never built from submitted data.

use crate::core::consolidate::{InvestmentTable, PledgeReport};
use crate::core::definition::LeafKey;
use crate::core::finding::Severity;
use crate::core::normalize::Quarter;
use anyhow::Result;
use chrono::{DateTime, Local};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartFont, ChartLegendPosition, ChartType, Color, DocProperties, Format, FormatAlign,
    FormatBorder, Note, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

mod findings;
mod history;
mod invest;
mod progress;
mod roadmap;
mod summary;
mod targets;

use findings::findings_sheet;
use history::history_sheet;
use invest::invest_sheet;
use progress::progress_sheet;
use roadmap::roadmap_sheet;
use summary::summary_sheet;
use targets::targets_sheet;

/// Column widths of 사업 / 세부사업 where program names wrap.
const PROGRAM_COL: f64 = 22.0;
const SUBPROGRAM_COL: f64 = 24.0;

pub const SHEET_SUMMARY: &str = "요약";
pub const SHEET_INVEST: &str = "연차별 투자계획";
pub const SHEET_TARGETS: &str = "연차별 추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";
/// Present only when a leaf of the pledge reported 추진실적 (a plan-only pledge's report
/// is unchanged).
pub const SHEET_PROGRESS: &str = "추진실적";
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
    crate::core::parse::fmt_amount(d)
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
    if report.progress.iter().any(|l| l.progress.is_some()) {
        progress_sheet(wb.add_worksheet(), report, &st)?;
    }
    findings_sheet(wb.add_worksheet(), report, &st)?;
    history_sheet(wb.add_worksheet(), report, &st)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::invest::INVEST_HEADER_ROW;
    use super::*;
    use crate::core::definition::Catalog;
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
        let report = crate::core::consolidate::consolidate(&cat.pledges[0], &[]);
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
