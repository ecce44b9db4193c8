//! The look every workbook gongyak writes shares — report, review copy, blank forms:
//! one font, one set of fills, one way to size columns and rows for Korean text, one
//! page setup. Each writer builds its own formats from these, so a report, a form and
//! a review copy printed side by side look like one family.

use anyhow::Result;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Every cell of every workbook uses this font (Windows' default Korean UI font).
pub(crate) const FONT: &str = "맑은 고딕";
/// Body text size in points.
pub(crate) const FONT_SIZE: f64 = 10.0;
/// Titles on the first row of a sheet.
pub(crate) const TITLE_SIZE: f64 = 14.0;

/// Table headers.
pub(crate) const HEADER_FILL: u32 = 0xD9E1F2;
/// Row labels of a report table (사업 / 세부사업, 구분).
pub(crate) const LABEL_FILL: u32 = 0xF2F2F2;
/// A report value worth a look (a warning).
pub(crate) const WARN_FILL: u32 = 0xFFF2CC;
/// A report value that is wrong or missing.
pub(crate) const BAD_FILL: u32 = 0xF8CBAD;
/// A quarter with work planned on the 추진일정 Gantt grid.
pub(crate) const GANTT_FILL: u32 = 0x5B9BD5;
/// A form's input cells (staff type here).
pub(crate) const INPUT_FILL: u32 = 0xFFF2CC;
/// A form's fixed values and formulas (locked).
pub(crate) const FIXED_FILL: u32 = 0xEDEDED;
/// Grey explanatory text under a form's tables.
pub(crate) const NOTE_COLOR: u32 = 0x595959;
/// A review copy's cell with an error: stronger than [`BAD_FILL`], since it must be
/// found among the submitter's own colours.
pub(crate) const MARK_ERROR_FILL: u32 = 0xFF7C80;
/// A review copy's cell with only warnings.
pub(crate) const MARK_WARN_FILL: u32 = 0xFFE699;

/// `#,##0`, with zero shown as `-` the way the plan prints empty years.
pub(crate) const AMOUNT_FORMAT: &str = "#,##0;-#,##0;\"-\"";

/// Points per printed line of [`FONT_SIZE`] text, for row heights of wrapped text.
pub(crate) const LINE_PT: f64 = 14.5;
/// Padding above and below the lines of a wrapped cell, in points.
const ROW_PADDING_PT: f64 = 4.0;
/// Excel's tallest row, in points.
pub(crate) const MAX_ROW_PT: f64 = 409.0;

/// The font at body size, nothing else.
pub(crate) fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

/// A table cell: thin border, text centred vertically.
pub(crate) fn cell() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

/// A sheet's title line.
pub(crate) fn title() -> Format {
    base()
        .set_bold()
        .set_font_size(TITLE_SIZE)
        .set_align(FormatAlign::VerticalCenter)
}

/// Display width of a text in Excel character units: Hangul and other wide characters
/// count 2 (Excel's `autofit` counts them 1 and cuts Korean text off), plus a margin.
pub(crate) fn text_width(s: &str) -> f64 {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64 * 1.1 + 2.0
}

/// Printed lines a text takes in a wrapped cell `width` characters wide, so rows can
/// be made tall enough (Excel does not grow a row whose height was set).
pub(crate) fn wrapped_lines(s: &str, width: f64) -> usize {
    let usable = (width - 1.5).max(1.0);
    s.lines()
        .map(|l| (UnicodeWidthStr::width(l) as f64 / usable).ceil().max(1.0) as usize)
        .sum::<usize>()
        .max(1)
}

/// Height in points of a row holding `lines` printed lines.
pub(crate) fn lines_height(lines: usize) -> f64 {
    (lines as f64 * LINE_PT + ROW_PADDING_PT).min(MAX_ROW_PT)
}

/// Height in points of a row whose wrapped text `s` sits in a column `width` wide.
pub(crate) fn wrapped_height(s: &str, width: f64) -> f64 {
    lines_height(wrapped_lines(s, width))
}

/// Tracks the widest text of each column to size columns for Korean text.
#[derive(Default)]
pub(crate) struct Widths(Vec<f64>);

impl Widths {
    pub(crate) fn see(&mut self, col: u16, s: &str) {
        let c = col as usize;
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(text_width(s));
    }
    /// The width a column will get.
    pub(crate) fn get(&self, col: u16, min: f64, max: f64) -> f64 {
        self.0
            .get(col as usize)
            .copied()
            .unwrap_or(0.0)
            .clamp(min, max)
    }
    /// Sets every tracked column to its width, clamped to `min..=max`.
    pub(crate) fn apply(&self, ws: &mut Worksheet, min: f64, max: f64) -> Result<()> {
        for c in 0..self.0.len() as u16 {
            ws.set_column_width(c, self.get(c, min, max))?;
        }
        Ok(())
    }
}

/// Row heights a sheet needs for its wrapped text, applied once at the end.
#[derive(Default)]
pub(crate) struct Heights(pub(crate) BTreeMap<u32, f64>);

impl Heights {
    /// `lines` printed lines spread over the `rows` rows starting at `row`.
    pub(crate) fn need(&mut self, row: u32, rows: u32, lines: usize) {
        let per_row = (lines as f64 * LINE_PT + ROW_PADDING_PT) / f64::from(rows.max(1));
        for r in row..row + rows.max(1) {
            let h = self.0.entry(r).or_insert(0.0);
            *h = h.max(per_row);
        }
    }
    pub(crate) fn apply(&self, ws: &mut Worksheet) -> Result<()> {
        for (&r, &h) in &self.0 {
            if h > 18.0 {
                ws.set_row_height(r, h.min(MAX_ROW_PT))?;
            }
        }
        Ok(())
    }
}

/// The page every sheet prints on: A4 landscape, one page wide, centred, page
/// numbers in the footer. Writers add what is theirs (repeated rows, protection).
pub(crate) fn a4_landscape(ws: &mut Worksheet) {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C&P / &N");
}

/// A worksheet whose rows go to a temp file as they are written, in row order
/// (rust_xlsxwriter's low-memory mode; its strings go to the workbook's shared table,
/// so a text repeated on every row — a pledge's title, a 변경사유 — is stored once):
/// for the sheets that grow with every resubmission (변경내역). Where no temp file can
/// be made (an unwritable `TMPDIR`), an ordinary sheet held in memory instead: the
/// report is still written. Add it with `Workbook::push_worksheet` once filled.
pub(crate) fn streamed_worksheet(wb: &mut rust_xlsxwriter::Workbook) -> Worksheet {
    wb.new_worksheet_with_low_memory()
        .unwrap_or_else(|_| Worksheet::new())
}

/// The columns of a long list whose cells are written without a format of their own
/// ([`list_borders`] draws their borders): each column's format — the font, centred
/// vertically, and for `numeric` columns the amount format — is set once and applies
/// to every unformatted cell in it. rust_xlsxwriter hashes the whole `Format` on each
/// formatted write, a third of the time of a 30,000-row 변경내역. Call before the
/// list's first row: a low-memory sheet resolves a cell's format when its row is
/// written out.
pub(crate) fn list_columns(ws: &mut Worksheet, columns: u16, numeric: &[u16]) -> Result<()> {
    let text = base().set_align(FormatAlign::VerticalCenter);
    let number = text.clone().set_num_format(AMOUNT_FORMAT);
    for c in 0..columns {
        ws.set_column_format(c, if numeric.contains(&c) { &number } else { &text })?;
    }
    Ok(())
}

/// Thin borders on every cell of rows `first..=last`, columns `0..=last_col`, drawn by
/// one conditional format instead of a format per cell (see [`list_columns`]); Excel
/// and LibreOffice show and print them alike. Nothing for an empty list.
pub(crate) fn list_borders(ws: &mut Worksheet, first: u32, last: u32, last_col: u16) -> Result<()> {
    if last < first {
        return Ok(());
    }
    let borders = rust_xlsxwriter::ConditionalFormatFormula::new()
        .set_rule("=TRUE")
        .set_format(Format::new().set_border(FormatBorder::Thin));
    ws.add_conditional_format(first, 0, last, last_col, &borders)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_counts_double_in_widths_and_wraps() {
        // 9 syllables = 18 columns; the same count of Latin letters is half as wide.
        assert_eq!(text_width("스마트제조혁신센터"), 18.0 * 1.1 + 2.0);
        assert_eq!(text_width("abcdefghi"), 9.0 * 1.1 + 2.0);
        assert_eq!(text_width("짧은\n조금 더 긴 줄"), 13.0 * 1.1 + 2.0);
        assert_eq!(wrapped_lines("가나다라", 12.0), 1);
        assert_eq!(wrapped_lines("가나다라마바사아자차", 12.0), 2);
        assert_eq!(wrapped_lines("한 줄\n두 줄\n세 줄", 30.0), 3);
        assert_eq!(wrapped_lines("", 10.0), 1);
    }

    #[test]
    fn heights_follow_one_formula_and_stop_at_excels_limit() {
        assert_eq!(lines_height(1), LINE_PT + 4.0);
        assert_eq!(
            wrapped_height("가나다라마바사아자차", 12.0),
            lines_height(2)
        );
        assert_eq!(lines_height(1000), MAX_ROW_PT);
        let mut h = Heights::default();
        h.need(5, 2, 4);
        h.need(5, 1, 1);
        assert_eq!(h.0[&5], lines_height(4) / 2.0);
        assert_eq!(h.0[&6], h.0[&5]);
    }

    #[test]
    fn widths_keep_the_widest_text_within_bounds() {
        let mut w = Widths::default();
        w.see(2, "가");
        w.see(2, "가나다라마바사");
        assert_eq!(w.get(2, 0.0, 100.0), text_width("가나다라마바사"));
        assert_eq!(w.get(2, 0.0, 10.0), 10.0);
        assert_eq!(
            w.get(0, 6.0, 10.0),
            6.0,
            "an unseen column gets the minimum"
        );
    }
}
