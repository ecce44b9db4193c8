//! The review copy `<name>.검토.xlsx` left beside a rejected file: the submitted values,
//! every offending cell filled red with a note saying what is wrong, and a first sheet
//! listing the findings. Staff fix their own file by looking at this one.
//!
//! Printed, the copy is the submission page for page (its widths, heights, merges and
//! page setup are carried over from the xlsx, see [`source_layout`]) plus the findings,
//! which fit the width of one A4 landscape page.

use crate::core::finding::{Finding, Severity};
use crate::core::read::{CellValue, Limits, Sheet, read_workbook};
use crate::xlsx::source_layout::{self, SheetLayout};
use crate::xlsx::style::{
    FONT, HEADER_FILL, MARK_ERROR_FILL, MARK_WARN_FILL, lines_height, text_width, wrapped_lines,
};
use anyhow::Result;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet};
use std::collections::HashMap;

const LIST_SHEET: &str = "검토결과";
/// Columns of 검토결과: header and width. 내용 wraps; together they fit A4 landscape.
const LIST_COLS: [(&str, f64); 5] = [
    ("번호", 6.0),
    ("구분", 6.0),
    ("코드", 13.0),
    ("위치", 18.0),
    ("내용", 80.0),
];

/// The formats of one review copy.
struct Formats {
    base: Format,
    header: Format,
    cell: Format,
    wrap: Format,
    bad: Format,
    warn: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            wrap: cell.clone().set_text_wrap(),
            bad: cell
                .clone()
                .set_background_color(Color::RGB(MARK_ERROR_FILL)),
            warn: cell
                .clone()
                .set_background_color(Color::RGB(MARK_WARN_FILL)),
            cell,
            base,
        }
    }
}

/// Builds the review copy, or `None` when the file could not be read at all (then the
/// `.오류.txt` is all there is to show).
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn review_copy(bytes: &[u8], findings: &[Finding], limits: &Limits) -> Result<Option<Vec<u8>>> {
    let Ok(source) = read_workbook(bytes, limits) else {
        return Ok(None);
    };
    let layouts = source_layout::read_layouts(bytes);
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    findings_list(wb.add_worksheet(), findings, &fmt)?;

    // Findings by (sheet, cell); several findings on one cell share one note.
    let mut by_cell: HashMap<(&str, u32, u32), Vec<&Finding>> = HashMap::new();
    for f in findings {
        let Some(p) = &f.place else { continue };
        for c in f.cells() {
            by_cell
                .entry((p.sheet.as_str(), c.row, c.col))
                .or_default()
                .push(f);
        }
    }
    for sheet in &source.sheets {
        if sheet.name == LIST_SHEET {
            continue;
        }
        let ws = wb.add_worksheet();
        if ws.set_name(&sheet.name).is_err() {
            continue;
        }
        let marked: HashMap<(u32, u32), &Vec<&Finding>> = by_cell
            .iter()
            .filter(|((s, _, _), _)| *s == sheet.name)
            .map(|((_, r, c), fs)| ((*r, *c), fs))
            .collect();
        copy_sheet(ws, sheet, &marked, layouts.get(&sheet.name), &fmt)?;
    }
    Ok(Some(wb.save_to_buffer()?))
}

/// 검토결과: what to do, then one row per finding; one page wide on A4 landscape.
fn findings_list(list: &mut Worksheet, findings: &[Finding], fmt: &Formats) -> Result<()> {
    list.set_name(LIST_SHEET)?;
    let last = LIST_COLS.len() as u16 - 1;
    let intro = "이 파일은 아래 이유로 반려되었습니다. 빨간 칸에 마우스를 올리면 설명이 보입니다. 원본 파일을 고쳐 제출 폴더에 다시 넣어 주십시오.";
    let bold = fmt.base.clone().set_bold().set_text_wrap();
    list.merge_range(0, 0, 0, last, intro, &bold)?;
    let page_width: f64 = LIST_COLS.iter().map(|(_, w)| w).sum();
    list.set_row_height(0, lines_height(wrapped_lines(intro, page_width)))?;
    for (i, (h, w)) in LIST_COLS.iter().enumerate() {
        list.write_string_with_format(2, i as u16, *h, &fmt.header)?;
        list.set_column_width(i as u16, *w)?;
    }
    for (k, f) in findings.iter().enumerate() {
        let r = 3 + k as u32;
        let place = f.place_text();
        list.write_number_with_format(r, 0, (k + 1) as f64, &fmt.cell)?;
        list.write_string_with_format(r, 1, f.severity().label(), &fmt.cell)?;
        list.write_string_with_format(r, 2, f.code.as_str(), &fmt.cell)?;
        list.write_string_with_format(r, 3, &place, &fmt.wrap)?;
        list.write_string_with_format(r, 4, &f.message, &fmt.wrap)?;
        let lines =
            wrapped_lines(&f.message, LIST_COLS[4].1).max(wrapped_lines(&place, LIST_COLS[3].1));
        if lines > 1 {
            list.set_row_height(r, lines_height(lines))?;
        }
    }
    list.set_landscape();
    list.set_paper_size(9);
    list.set_print_fit_to_pages(1, 0);
    list.set_print_center_horizontally(true);
    list.set_footer("&C&P / &N");
    list.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
    list.set_repeat_rows(2, 2)?;
    Ok(())
}

/// Writes one submitted value.
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<&CellValue>,
    fmt: &Format,
) -> Result<()> {
    match v {
        Some(CellValue::Text(t)) => ws.write_string_with_format(row, col, t, fmt)?,
        Some(CellValue::Number(n)) => ws.write_number_with_format(row, col, *n, fmt)?,
        Some(CellValue::Bool(b)) => ws.write_boolean_with_format(row, col, *b, fmt)?,
        Some(CellValue::Date(d)) => {
            ws.write_string_with_format(row, col, d.date().to_string(), fmt)?
        }
        Some(CellValue::Error(e)) => ws.write_string_with_format(row, col, e, fmt)?,
        Some(CellValue::FormulaWithoutValue(f)) => {
            ws.write_string_with_format(row, col, format!("={f} (계산 결과 없음)"), fmt)?
        }
        None => ws.write_blank(row, col, fmt)?,
    };
    Ok(())
}

/// One submitted sheet: its values, the marked cells red (errors) or yellow
/// (warnings) with a note, and the source's layout when it has one.
fn copy_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    marked: &HashMap<(u32, u32), &Vec<&Finding>>,
    layout: Option<&SheetLayout>,
    fmt: &Formats,
) -> Result<()> {
    let at = |r: u32, c: u32| (r.min(1_048_575), c.min(16_383) as u16);
    if let Some(l) = layout {
        for &(r1, c1, r2, c2) in &l.merges {
            // A merge that overlaps another (a broken file) is left unmerged.
            let _ = ws.merge_range(r1, c1, r2, c2, "", &fmt.base);
        }
    }
    let mut widths: HashMap<u16, f64> = HashMap::new();
    for (&(r, c), v) in &sheet.cells {
        if marked.contains_key(&(r, c)) {
            continue;
        }
        let (row, col) = at(r, c);
        write_value(ws, row, col, Some(v), &fmt.base)?;
        if let CellValue::Text(t) = v {
            let e = widths.entry(col).or_insert(8.0);
            *e = e.max(text_width(t).min(50.0));
        }
    }
    for (&(r, c), fs) in marked {
        let is_error = fs.iter().any(|f| f.severity() == Severity::Error);
        let (row, col) = at(r, c);
        let cell_fmt = if is_error { &fmt.bad } else { &fmt.warn };
        write_value(ws, row, col, sheet.cells.get(&(r, c)), cell_fmt)?;
        let text: Vec<String> = fs
            .iter()
            .map(|f| format!("[{}] {}", f.code, f.message))
            .collect();
        let note = Note::new(text.join("\n\n"))
            .set_author("gongyak")
            .set_width(420)
            .set_height(160);
        ws.insert_note(row, col, &note)?;
    }
    match layout {
        Some(l) => apply_layout(ws, l)?,
        None => {
            for (c, w) in widths {
                ws.set_column_width(c, w)?;
            }
            ws.set_paper_size(9);
            ws.set_print_fit_to_pages(1, 0);
        }
    }
    Ok(())
}

/// The source sheet's widths, heights and page setup on the copy.
fn apply_layout(ws: &mut Worksheet, l: &SheetLayout) -> Result<()> {
    for &(first, last, width, hidden) in &l.cols {
        for c in first..=last.min(first.saturating_add(1_000)) {
            if let Some(w) = width {
                ws.set_column_width(c, w)?;
            }
            if hidden {
                ws.set_column_hidden(c)?;
            }
        }
    }
    for &(r, height, hidden) in &l.rows {
        if let Some(h) = height {
            ws.set_row_height(r, h)?;
        }
        if hidden {
            ws.set_row_hidden(r)?;
        }
    }
    if l.landscape {
        ws.set_landscape();
    }
    if let Some(p) = l.paper_size {
        ws.set_paper_size(p);
    }
    if let Some((w, h)) = l.fit_to {
        ws.set_print_fit_to_pages(w, h);
    } else if let Some(s) = l.scale.filter(|s| (10..=400).contains(s)) {
        ws.set_print_scale(s);
    }
    if let Some([left, right, top, bottom, header, footer]) = l.margins {
        ws.set_margins(left, right, top, bottom, header, footer);
    }
    ws.set_print_center_horizontally(l.center_horizontally);
    if !l.row_breaks.is_empty() {
        ws.set_page_breaks(&l.row_breaks)?;
    }
    if let Some((first, last)) = l.repeat_rows {
        ws.set_repeat_rows(first, last)?;
    }
    Ok(())
}
