//! The print layout of a submitted xlsx, read from its XML: column widths, row
//! heights, merged cells, page setup, print titles and page breaks. The review copy
//! (`.검토.xlsx`) applies it to its copy of each sheet, so the copy prints page for page
//! as the submission does. Cell values come from calamine; this reads only layout,
//! and anything it cannot read is left at the spreadsheet's defaults.

use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

/// Bytes of one part read at most (a layout never needs more; a huge sheet is cut).
const MAX_PART_BYTES: u64 = 64 << 20;

/// What one sheet's print looks like.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SheetLayout {
    /// (first, last column, 0-based), width in character units, hidden.
    pub cols: Vec<(u16, u16, Option<f64>, bool)>,
    /// Row (0-based) → custom height in points, hidden.
    pub rows: Vec<(u32, Option<f64>, bool)>,
    /// Merged ranges (first row, first col, last row, last col), 0-based.
    pub merges: Vec<(u32, u16, u32, u16)>,
    pub landscape: bool,
    pub paper_size: Option<u8>,
    pub scale: Option<u16>,
    /// (width, height) in pages, when the sheet is set to fit pages.
    pub fit_to: Option<(u16, u16)>,
    /// left, right, top, bottom, header, footer (inches).
    pub margins: Option<[f64; 6]>,
    pub center_horizontally: bool,
    /// Manual page breaks: rows that start a page.
    pub row_breaks: Vec<u32>,
    /// Rows repeated on each page (first, last), 0-based.
    pub repeat_rows: Option<(u32, u32)>,
}

/// The layout of each sheet of an xlsx, by sheet name; empty for anything else (xls,
/// ods, a damaged package), which then prints with defaults.
pub(crate) fn read_layouts(bytes: &[u8]) -> HashMap<String, SheetLayout> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let workbook = part(&mut zip, "xl/workbook.xml");
    let rels = part(&mut zip, "xl/_rels/workbook.xml.rels");
    let (sheets, titles) = sheets_of(&workbook);
    let targets = targets_of(&rels);
    let mut out = HashMap::new();
    for (i, (name, rid)) in sheets.iter().enumerate() {
        let Some(target) = targets.get(rid) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_owned(),
            None => format!("xl/{target}"),
        };
        let mut layout = sheet_layout(&part(&mut zip, &path));
        layout.repeat_rows = titles.get(&i).copied();
        out.insert(name.clone(), layout);
    }
    out
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(f) = zip.by_name(name) {
        // A part that cannot be read whole yields what was read: layout is best effort.
        let _ = f.take(MAX_PART_BYTES).read_to_end(&mut out);
    }
    out
}

/// Calls `f` with each start or empty element of an XML part, and the text of
/// `definedName` elements (the only text this module needs).
fn each_element(xml: &[u8], mut f: impl FnMut(&BytesStart<'_>, Option<&str>)) {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut pending: Option<BytesStart<'static>> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().into_inner() == "definedName" => {
                pending = Some(e.into_owned());
            }
            Ok(Event::Text(t)) => {
                if let Some(e) = pending.take() {
                    let raw = t.into_inner();
                    let text = quick_xml::escape::unescape(&raw)
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| raw.to_string());
                    f(&e, Some(&text));
                }
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => f(&e, None),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| {
            let k = a.key.into_inner();
            k == key || k.rsplit(':').next() == Some(key)
        })
        .map(|a| {
            quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
}

fn num<T: std::str::FromStr>(e: &BytesStart<'_>, key: &str) -> Option<T> {
    attr(e, key).and_then(|v| v.trim().parse().ok())
}

fn flag(e: &BytesStart<'_>, key: &str) -> bool {
    attr(e, key).is_some_and(|v| v == "1" || v == "true")
}

/// Sheets in workbook order (name, relationship id).
type SheetRefs = Vec<(String, String)>;
/// Print titles (first, last row) by sheet index.
type Titles = HashMap<usize, (u32, u32)>;

/// Sheets in workbook order and their print titles.
fn sheets_of(workbook: &[u8]) -> (SheetRefs, Titles) {
    let mut sheets = Vec::new();
    let mut titles = HashMap::new();
    each_element(workbook, |e, text| {
        match (e.local_name().into_inner(), text) {
            ("sheet", None) => {
                if let (Some(name), Some(rid)) = (attr(e, "name"), attr(e, "id")) {
                    sheets.push((name, rid));
                }
            }
            ("definedName", Some(text))
                if attr(e, "name").as_deref() == Some("_xlnm.Print_Titles") =>
            {
                if let (Some(i), Some(rows)) = (num::<usize>(e, "localSheetId"), title_rows(text)) {
                    titles.insert(i, rows);
                }
            }
            _ => {}
        }
    });
    (sheets, titles)
}

/// The rows of a print-titles reference such as `'투자계획'!$1:$4` (0-based).
fn title_rows(text: &str) -> Option<(u32, u32)> {
    let rows = text.split(',').find_map(|part| {
        let r = part.rsplit('!').next()?.replace('$', "");
        let (a, b) = r.split_once(':')?;
        Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?))
    })?;
    Some((rows.0.checked_sub(1)?, rows.1.checked_sub(1)?))
}

fn targets_of(rels: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    each_element(rels, |e, _| {
        if e.local_name().into_inner() == "Relationship"
            && let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target"))
        {
            out.insert(id, target);
        }
    });
    out
}

/// `B3` → (row 2, column 1).
fn cell_ref(s: &str) -> Option<(u32, u16)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let col = letters
        .bytes()
        .try_fold(0u32, |acc, b| {
            b.is_ascii_uppercase()
                .then(|| acc * 26 + u32::from(b - b'A' + 1))
        })?
        .checked_sub(1)?;
    let row = digits.parse::<u32>().ok()?.checked_sub(1)?;
    Some((row, u16::try_from(col).ok()?))
}

fn sheet_layout(xml: &[u8]) -> SheetLayout {
    let mut l = SheetLayout::default();
    let mut in_row_breaks = false;
    each_element(xml, |e, _| match e.local_name().into_inner() {
        "col" => {
            let (Some(min), Some(max)) = (num::<u16>(e, "min"), num::<u16>(e, "max")) else {
                return;
            };
            let width = flag(e, "customWidth").then(|| num(e, "width")).flatten();
            let (first, last) = (min.saturating_sub(1), max.saturating_sub(1).min(16_383));
            l.cols.push((first, last, width, flag(e, "hidden")));
        }
        "row" => {
            if let Some(r) = num::<u32>(e, "r").and_then(|r| r.checked_sub(1)) {
                let height = flag(e, "customHeight").then(|| num(e, "ht")).flatten();
                if height.is_some() || flag(e, "hidden") {
                    l.rows.push((r, height, flag(e, "hidden")));
                }
            }
        }
        "mergeCell" => {
            if let Some((a, b)) = attr(e, "ref").as_deref().and_then(|r| r.split_once(':'))
                && let (Some((r1, c1)), Some((r2, c2))) = (cell_ref(a), cell_ref(b))
            {
                l.merges.push((r1, c1, r2, c2));
            }
        }
        "pageSetUpPr" if flag(e, "fitToPage") => l.fit_to = Some((1, 1)),
        "pageSetup" => {
            l.landscape = attr(e, "orientation").as_deref() == Some("landscape");
            l.paper_size = num(e, "paperSize");
            l.scale = num(e, "scale");
            if l.fit_to.is_some() {
                l.fit_to = Some((
                    num(e, "fitToWidth").unwrap_or(1),
                    num(e, "fitToHeight").unwrap_or(1),
                ));
            }
        }
        "pageMargins" => {
            let m = ["left", "right", "top", "bottom", "header", "footer"].map(|k| num(e, k));
            if m.iter().all(Option::is_some) {
                l.margins = Some(m.map(Option::unwrap_or_default));
            }
        }
        "printOptions" => l.center_horizontally = flag(e, "horizontalCentered"),
        "rowBreaks" => in_row_breaks = true,
        "colBreaks" => in_row_breaks = false,
        "brk" if in_row_breaks => {
            if let Some(r) = num::<u32>(e, "id") {
                l.row_breaks.push(r);
            }
        }
        _ => {}
    });
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_back_its_widths_setup_and_titles() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("투자계획").unwrap();
        ws.set_column_width(1, 30).unwrap();
        ws.set_row_height(3, 40).unwrap();
        ws.merge_range(2, 0, 2, 3, "구분", &rust_xlsxwriter::Format::new())
            .unwrap();
        ws.set_landscape()
            .set_paper_size(9)
            .set_print_fit_to_pages(1, 0);
        ws.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
        ws.set_repeat_rows(0, 3).unwrap();
        ws.set_page_breaks(&[20]).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let l = &read_layouts(&bytes)["투자계획"];
        let col = l.cols.iter().find(|c| c.0 == 1).expect("column B");
        assert!(col.2.is_some_and(|w| (w - 30.0).abs() < 1.0), "{col:?}");
        // Heights are stored in whole pixels: 40 pt is written as 39.75 pt.
        assert_eq!(l.rows.len(), 1);
        assert!(
            l.rows[0].1.is_some_and(|h| (h - 40.0).abs() < 0.5),
            "{:?}",
            l.rows
        );
        assert_eq!(l.merges, [(2, 0, 2, 3)]);
        assert!(l.landscape);
        assert_eq!(l.paper_size, Some(9));
        assert_eq!(l.fit_to, Some((1, 0)));
        assert_eq!(l.margins, Some([0.5, 0.5, 0.75, 0.75, 0.3, 0.3]));
        assert_eq!(l.row_breaks, [20]);
        assert_eq!(l.repeat_rows, Some((0, 3)));
    }

    #[test]
    fn cell_refs_and_titles_parse_and_junk_reads_as_nothing() {
        assert_eq!(cell_ref("B3"), Some((2, 1)));
        assert_eq!(cell_ref("AA10"), Some((9, 26)));
        assert_eq!(cell_ref("3B"), None);
        assert_eq!(title_rows("'투자계획'!$1:$4"), Some((0, 3)));
        assert_eq!(title_rows("Sheet1!$A:$B"), None);
        assert!(read_layouts(b"not a zip").is_empty());
    }
}
