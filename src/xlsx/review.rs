//! The review copy `<name>.검토.xlsx` left beside a rejected file: the submitted values,
//! every offending cell filled red with a note saying what is wrong, and a first sheet
//! listing the findings. Staff fix their own file by looking at this one.

use crate::core::finding::{Finding, Severity};
use crate::core::read::{CellValue, Limits, read_workbook};
use anyhow::Result;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Workbook};
use std::collections::HashMap;

const FONT: &str = "맑은 고딕";

/// Builds the review copy, or `None` when the file could not be read at all (then the
/// `.오류.txt` is all there is to show).
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn review_copy(bytes: &[u8], findings: &[Finding], limits: &Limits) -> Result<Option<Vec<u8>>> {
    let Ok(source) = read_workbook(bytes, limits) else {
        return Ok(None);
    };
    let base = Format::new().set_font_name(FONT).set_font_size(10);
    let header = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9E1F2));
    let cell = base.clone().set_border(FormatBorder::Thin);
    let bad = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xFF7C80));
    let warn = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xFFE699));

    let mut wb = Workbook::new();
    let list = wb.add_worksheet();
    list.set_name("검토결과")?;
    list.write_string_with_format(0, 0, "이 파일은 아래 이유로 반려되었습니다. 빨간 칸에 마우스를 올리면 설명이 보입니다. 원본 파일을 고쳐 제출 폴더에 다시 넣어 주십시오.", &base.clone().set_bold())?;
    for (i, h) in ["번호", "구분", "코드", "위치", "내용"].iter().enumerate() {
        list.write_string_with_format(2, i as u16, *h, &header)?;
    }
    for (k, f) in findings.iter().enumerate() {
        let r = 3 + k as u32;
        list.write_number_with_format(r, 0, (k + 1) as f64, &cell)?;
        list.write_string_with_format(r, 1, f.severity().label(), &cell)?;
        list.write_string_with_format(r, 2, f.code.as_str(), &cell)?;
        list.write_string_with_format(r, 3, f.place_text(), &cell)?;
        list.write_string_with_format(r, 4, &f.message, &cell)?;
    }
    list.set_column_width(0, 6)?;
    list.set_column_width(1, 6)?;
    list.set_column_width(2, 13)?;
    list.set_column_width(3, 16)?;
    list.set_column_width(4, 100)?;

    // Findings by (sheet, cell); several findings on one cell share one note.
    let mut by_cell: HashMap<(&str, u32, u32), Vec<&Finding>> = HashMap::new();
    for f in findings {
        if let Some(p) = &f.place
            && let Some(c) = p.cell
        {
            by_cell
                .entry((p.sheet.as_str(), c.row, c.col))
                .or_default()
                .push(f);
        }
    }
    let used_names: Vec<String> = vec!["검토결과".to_owned()];
    for sheet in &source.sheets {
        if used_names.contains(&sheet.name) {
            continue;
        }
        let ws = wb.add_worksheet();
        if ws.set_name(&sheet.name).is_err() {
            continue;
        }
        let mut marked: HashMap<(u32, u32), &Vec<&Finding>> = HashMap::new();
        for ((s, r, c), fs) in &by_cell {
            if *s == sheet.name {
                marked.insert((*r, *c), fs);
            }
        }
        let mut widths: HashMap<u16, f64> = HashMap::new();
        let mut notes: Vec<(u32, u16, Note)> = Vec::new();
        let mut write = |r: u32, c: u32, v: Option<&CellValue>, fmt: &Format| -> Result<()> {
            let col = c.min(16_383) as u16;
            let row = r.min(1_048_575);
            match v {
                Some(CellValue::Text(t)) => {
                    ws.write_string_with_format(row, col, t, fmt)?;
                    let w = crate::xlsx::render::text_width(t);
                    let e = widths.entry(col).or_insert(8.0);
                    *e = e.max(w.min(50.0));
                }
                Some(CellValue::Number(n)) => {
                    ws.write_number_with_format(row, col, *n, fmt)?;
                }
                Some(CellValue::Bool(b)) => {
                    ws.write_boolean_with_format(row, col, *b, fmt)?;
                }
                Some(CellValue::Date(d)) => {
                    ws.write_string_with_format(row, col, d.date().to_string(), fmt)?;
                }
                Some(CellValue::Error(e)) => {
                    ws.write_string_with_format(row, col, e, fmt)?;
                }
                Some(CellValue::FormulaWithoutValue(f)) => {
                    ws.write_string_with_format(row, col, format!("={f} (계산 결과 없음)"), fmt)?;
                }
                None => {
                    ws.write_blank(row, col, fmt)?;
                }
            }
            Ok(())
        };
        for (&(r, c), v) in &sheet.cells {
            if !marked.contains_key(&(r, c)) {
                write(r, c, Some(v), &base)?;
            }
        }
        for (&(r, c), fs) in &marked {
            let is_error = fs.iter().any(|f| f.severity() == Severity::Error);
            write(
                r,
                c,
                sheet.cells.get(&(r, c)),
                if is_error { &bad } else { &warn },
            )?;
            let text: Vec<String> = fs
                .iter()
                .map(|f| format!("[{}] {}", f.code, f.message))
                .collect();
            let note = Note::new(text.join("\n\n"))
                .set_author("gongyak")
                .set_width(420)
                .set_height(160);
            notes.push((r.min(1_048_575), c.min(16_383) as u16, note));
        }
        for (r, c, note) in &notes {
            ws.insert_note(*r, *c, note)?;
        }
        for (c, w) in widths {
            ws.set_column_width(c, w)?;
        }
    }
    Ok(Some(wb.save_to_buffer()?))
}
