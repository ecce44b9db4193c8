//! Stage 5, render: a pledge's tables → the report workbook managers open (SPEC §7).
//!
//! Every submitted text is written with `write_string`, so a 추진내용 of `=HYPERLINK(…)`
//! stays text; formulas are never built from submitted data.

use crate::core::consolidate::{InvestmentTable, PledgeReport};
use crate::core::definition::LeafKey;
use crate::core::finding::Severity;
use crate::core::model::Column;
use crate::core::normalize::Quarter;
use crate::xlsx::style::{
    AMOUNT_FORMAT, BAD_FILL, FONT, GANTT_FILL, HEADER_FILL, Heights, LABEL_FILL, LINE_PT,
    WARN_FILL, Widths, wrapped_lines,
};
use anyhow::Result;
use chrono::{DateTime, Local};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartFont, ChartLegendPosition, ChartType, Color, DocProperties, Format, FormatAlign,
    FormatBorder, Note, Workbook, Worksheet,
};

mod changes;
mod findings;
mod history;
mod invest;
mod progress;
mod roadmap;
mod summary;
mod targets;

use changes::changes_sheet;
pub use changes::{SHEET_CHANGES, city_changes_sheet};
use findings::findings_sheet;
use history::history_sheet;
use invest::invest_sheet;
use progress::progress_sheet;
use roadmap::roadmap_sheet;
use summary::summary_sheet;
use targets::targets_sheet;

/// Column widths of 사업 / 세부사업 where program names wrap.
const PROGRAM_COL: f64 = 20.0;
const SUBPROGRAM_COL: f64 = 20.0;

/// Left and right page margins in inches (A4 landscape keeps 10.69 in of width).
const SIDE_MARGIN_IN: f64 = 0.5;
/// The printable width of A4 landscape between the margins, in Excel pixels at 100 %
/// (96 per inch).
const PRINTABLE_PX: f64 = (11.69 - 2.0 * SIDE_MARGIN_IN) * 96.0;
/// The smallest print scale a report sheet may get: its 10 pt text prints at 8 pt or
/// larger. Column widths are chosen so that fit-to-width never goes below it.
#[cfg(test)]
pub(crate) const MIN_PRINT_SCALE: f64 = 0.8;

pub const SHEET_SUMMARY: &str = "요약";
pub const SHEET_INVEST: &str = "연차별 투자계획";
pub const SHEET_TARGETS: &str = "연차별 추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";
/// Present only when a leaf of the pledge reported 추진실적 (a plan-only pledge's report
/// is unchanged).
pub const SHEET_PROGRESS: &str = "추진실적";
pub const SHEET_FINDINGS: &str = "검증결과";
pub const SHEET_HISTORY: &str = "제출이력";

/// The formats of one report, built once.
pub(crate) struct Styles {
    pub(crate) title: Format,
    /// A short line under a sheet's title (what the sheet lists, or that it is empty).
    pub(crate) lead: Format,
    pub(crate) subtitle: Format,
    pub(crate) unit: Format,
    pub(crate) header: Format,
    pub(crate) label: Format,
    pub(crate) group: Format,
    pub(crate) text: Format,
    pub(crate) wrap: Format,
    pub(crate) amount: Format,
    pub(crate) amount_bold: Format,
    pub(crate) amount_bad: Format,
    pub(crate) missing: Format,
    pub(crate) warn: Format,
    pub(crate) gantt: Format,
    pub(crate) plain: Format,
}

impl Styles {
    pub(crate) fn new() -> Self {
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
            lead: base.clone().set_align(FormatAlign::VerticalCenter),
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
                .set_text_wrap()
                .set_indent(1),
            text: cell.clone(),
            // Indented and centred so that wrapped text keeps off the borders.
            wrap: cell.clone().set_text_wrap().set_indent(1),
            amount_bold: amount.clone().set_bold(),
            amount_bad: amount.clone().set_background_color(Color::RGB(BAD_FILL)),
            amount,
            // Wrapped: a 반려 reason or a 미제출 note may be longer than its column.
            missing: cell
                .clone()
                .set_background_color(Color::RGB(BAD_FILL))
                .set_text_wrap(),
            warn: cell
                .clone()
                .set_background_color(Color::RGB(WARN_FILL))
                .set_text_wrap(),
            gantt: cell.clone().set_background_color(Color::RGB(GANTT_FILL)),
            plain: base,
        }
    }
}

/// Writes `text` over a range, merged when it spans more than one cell (a one-cell
/// merge is an error in xlsx).
pub(crate) fn put(
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
            heights.need(row, rows, wrapped_lines(program, widths.0 + widths.1 - 2.0));
        } else {
            put(ws, (row, 0), (last, 0), program, fmt)?;
            heights.need(row, rows, wrapped_lines(program, widths.0 - 2.0));
            let mut r = row;
            for (k, n) in group.iter().filter(|(_, n)| *n > 0) {
                let sub = k.subprogram.as_deref().unwrap_or("-");
                put(ws, (r, 1), (r + n - 1, 1), sub, fmt)?;
                heights.need(r, *n, wrapped_lines(sub, widths.1 - 2.0));
                r += n;
            }
        }
        row = last + 1;
        i = j;
    }
    Ok(())
}

/// Width of a column in Excel pixels at 100 % (the 7-pixel digit of the default font,
/// plus 5 pixels of padding), as Excel and rust_xlsxwriter convert it.
fn column_px(width: f64) -> f64 {
    if width < 1.0 {
        (width * 12.0 + 0.5).floor()
    } else {
        (width * 7.0 + 0.5).floor() + 5.0
    }
}

/// The scale fit-to-width gives a sheet with these column widths on A4 landscape
/// (1.0 when it is narrower than the page).
#[cfg(test)]
pub(crate) fn print_scale(widths: &[f64]) -> f64 {
    let total: f64 = widths.iter().map(|w| column_px(*w)).sum();
    (PRINTABLE_PX / total.max(1.0)).min(1.0)
}

/// Sets the column widths of a sheet, in order from column 0.
fn set_widths(ws: &mut Worksheet, widths: &[f64]) -> Result<()> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

/// A4 landscape, one page wide, `repeat` rows (first, last) on top of each page, page
/// numbers. The widths are the sheet's own, chosen so that the scale stays at or above
/// [`MIN_PRINT_SCALE`] (a unit test checks every sheet).
pub(crate) fn setup_print(ws: &mut Worksheet, repeat: Option<(u32, u32)>) -> Result<()> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_margins(SIDE_MARGIN_IN, SIDE_MARGIN_IN, 0.75, 0.75, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    ws.set_footer("&C&P / &N");
    Ok(())
}

/// A sheet's title in row 0, merged over its `columns` columns.
fn sheet_title(ws: &mut Worksheet, text: &str, columns: u16, st: &Styles) -> Result<()> {
    put(ws, (0, 0), (0, columns.max(1) - 1), text, &st.title)?;
    ws.set_row_height(0, 24)?;
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
    render_report_as_of(report, generated_at, None)
}

/// [`render_report`] of a report rebuilt as the ledger stood at `as_of` (SPEC §10,
/// `gongyak report --as-of`): `기준 시점` on 요약 and in every sheet's page header.
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn render_report_as_of(
    report: &PledgeReport,
    generated_at: DateTime<Local>,
    as_of: Option<DateTime<Local>>,
) -> Result<Vec<u8>> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
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

    render_sheets(&mut wb, report, generated_at, &st)?;
    if let Some(t) = as_of {
        // In the row left free below 추진부서, beside 생성 시각.
        mark_as_of(&mut wb, t, (SHEET_SUMMARY, 3, 0, 1), &st)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes every sheet; returns each sheet's name and column widths (what its print
/// scale follows from).
fn render_sheets(
    wb: &mut Workbook,
    report: &PledgeReport,
    generated_at: DateTime<Local>,
    st: &Styles,
) -> Result<Vec<(&'static str, Vec<f64>)>> {
    let mut sheets = vec![
        (
            SHEET_SUMMARY,
            summary_sheet(wb.add_worksheet(), report, generated_at, st)?,
        ),
        (SHEET_INVEST, invest_sheet(wb.add_worksheet(), report, st)?),
        (
            SHEET_TARGETS,
            targets_sheet(wb.add_worksheet(), report, st)?,
        ),
        (
            SHEET_ROADMAP,
            roadmap_sheet(wb.add_worksheet(), report, st)?,
        ),
    ];
    if report.progress.iter().any(|l| l.progress.is_some()) {
        sheets.push((
            SHEET_PROGRESS,
            progress_sheet(wb.add_worksheet(), report, st)?,
        ));
    }
    sheets.extend([
        (
            SHEET_FINDINGS,
            findings_sheet(wb.add_worksheet(), report, st)?,
        ),
        (
            SHEET_HISTORY,
            history_sheet(wb.add_worksheet(), report, st)?,
        ),
    ]);
    // 변경내역 grows with every resubmission of every leaf (hundreds of rows a year):
    // written row by row to a temp file (rust_xlsxwriter's low-memory mode) it
    // costs neither the memory nor the per-cell bookkeeping of a sheet held whole.
    let mut changes = crate::xlsx::style::streamed_worksheet(wb);
    changes_sheet(&mut changes, report, st)?;
    wb.push_worksheet(changes);
    Ok(sheets)
}

/// `기준 시점: 2026-06-30 23:59:59` as a label and its value on a workbook's first
/// sheet (요약 of a pledge report, 총괄 of the overview) and in the page header of
/// every sheet: a printed page of a workbook rebuilt for an audit (SPEC §10,
/// `gongyak report --as-of`) says which moment it shows. `(sheet, row, col, last)`:
/// the label goes in `col`, the value over `col + 1 ..= last` (merged when wider than
/// one cell). Called after every sheet is written, the streamed ones included.
pub(crate) fn mark_as_of(
    wb: &mut Workbook,
    t: DateTime<Local>,
    (sheet, row, col, last): (&str, u32, u16, u16),
    st: &Styles,
) -> Result<()> {
    let when = changes::local_time(&t);
    let ws = wb.worksheet_from_name(sheet)?;
    ws.write_string_with_format(row, col, "기준 시점", &st.label)?;
    put(
        ws,
        (row, col + 1),
        (row, last.max(col + 1)),
        &when,
        &st.text,
    )?;
    for ws in wb.worksheets_mut() {
        ws.set_header(format!("&L기준 시점: {when}"));
    }
    Ok(())
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
        assert!(
            crate::xlsx::style::text_width("스마트제조혁신센터")
                > 1.9 * crate::xlsx::style::text_width("abcdefghi") - 4.0
        );
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
                SHEET_HISTORY,
                SHEET_CHANGES
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

    fn shipped_pledge() -> crate::core::definition::Pledge {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        Catalog::load(&dir).unwrap().pledges.remove(0)
    }

    #[test]
    fn every_sheet_prints_at_8_pt_or_larger_on_a4_landscape() {
        let four_years = shipped_pledge();
        let mut six_years = four_years.clone();
        six_years.term.end += 1;
        for pledge in [four_years, six_years] {
            let report = crate::core::consolidate::consolidate(&pledge, &[]);
            let mut wb = Workbook::new();
            let sheets = render_sheets(&mut wb, &report, Local::now(), &Styles::new()).unwrap();
            assert_eq!(sheets.len(), 6);
            for (name, widths) in sheets {
                // 5 % above the floor: LibreOffice measured columns about 4 % wider
                // than Excel's pixel rule.
                let scale = print_scale(&widths);
                assert!(
                    scale >= MIN_PRINT_SCALE + 0.05,
                    "{name} ({} years) prints at {scale:.2}",
                    pledge.term.len()
                );
            }
        }
        // The rule itself: a sheet twice the page's width prints at half size.
        let page_cols = PRINTABLE_PX / column_px(10.0);
        let scale = print_scale(&vec![10.0; (2.0 * page_cols) as usize]);
        assert!((scale - 0.5).abs() < 0.01, "{scale}");
        assert_eq!(print_scale(&[10.0]), 1.0);
    }

    #[test]
    fn a_pledges_own_column_labels_show_in_every_table() {
        let mut pledge = shipped_pledge();
        pledge.before_label = "기집행".into();
        pledge.after_label = "향후 투자".into();
        let report = crate::core::consolidate::consolidate(&pledge, &[]);
        let bytes = render_report(&report, Local::now()).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let invest = wb.worksheet_range(SHEET_INVEST).unwrap();
        let headers: Vec<Vec<String>> = invest
            .rows()
            .filter(|r| matches!(&r[0], Data::String(s) if s == "구분"))
            .map(|r| r.iter().map(|d| d.to_string()).collect())
            .collect();
        let tables = 1 + report
            .programs
            .iter()
            .map(|p| 1 + p.subprograms.len())
            .sum::<usize>();
        assert_eq!(headers.len(), tables, "one header per table");
        for h in &headers {
            assert_eq!(h[2..5], ["총계", "기집행", "2022년"], "{h:?}");
            assert_eq!(h[9], "향후 투자", "{h:?}");
        }
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            for (_, _, d) in range.used_cells() {
                let text = d.to_string();
                assert!(
                    !text.contains("기투자") && !text.contains("임기후"),
                    "{name}: {text}"
                );
            }
        }
    }
}
