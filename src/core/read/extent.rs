//! The sheet area calamine's xls and ods readers would allocate, found before they run.
//!
//! Both readers build every sheet as a dense grid spanning the used cells, and ods
//! repeats cells that declare `number-columns-repeated`: an 800-byte ods or a 6 KB xls
//! with cells at A1 and IV65536 costs gigabytes there. These scans walk the raw
//! records in bounded memory and refuse such files first.

use super::{Limits, ReadError};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// Bounding box of one sheet's cells, in cells (rows × columns).
#[derive(Debug, Default, Clone, Copy)]
struct Bounds {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Bounds {
    fn add(&mut self, row: u64, first_col: u64, last_col: u64) {
        let (r0, r1) = self.rows.get_or_insert((row, row));
        *r0 = (*r0).min(row);
        *r1 = (*r1).max(row);
        let (c0, c1) = self.cols.get_or_insert((first_col, last_col));
        *c0 = (*c0).min(first_col);
        *c1 = (*c1).max(last_col);
    }

    fn check(&self, limits: &Limits) -> Result<(), ReadError> {
        let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) else {
            return Ok(());
        };
        let (rows, cols) = (r1 - r0 + 1, c1 - c0 + 1);
        if rows.saturating_mul(cols) > limits.max_cells as u64 {
            return Err(ReadError::TooWide { rows, cols });
        }
        Ok(())
    }
}

/// Refuses an xls whose cells, or whose DIMENSIONS record, span more than
/// `limits.max_cells` on one sheet. Walks the records the way calamine does: the
/// globals first, then each sheet from the offset its BOUNDSHEET record gives.
pub(super) fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    // The stream calamine reads: its directory lookup (Workbook, else Book) and sector
    // chains, read as calamine reads them (see `ole`). The stream cannot be larger
    // than the file, which is within its limit. A stream whose sector chain is broken
    // is damage: calamine's more lenient reader would go on with whatever it finds (the
    // fuzzer found such a file asking it for 30 TB).
    let ole = super::ole::Ole::parse(bytes).map_err(|detail| ReadError::Corrupt { detail })?;
    let Some(name) = ["Workbook", "Book"].into_iter().find(|n| ole.exists(n)) else {
        return Ok(()); // calamine reports the missing stream
    };
    let stream = ole.stream(name).map_err(|e| ReadError::Corrupt {
        detail: format!("xls: {e}"),
    })?;
    let mut sheets = Vec::new();
    for (typ, data) in records(&stream) {
        match typ {
            // FilePass: password protected. calamine refuses RC4 encryption itself;
            // XOR obfuscation (type 0) it would read as garbage (POI's
            // xor-encryption-abc.xls then looked like a sheet of 1.3 billion rows).
            0x002F => return Err(ReadError::Encrypted),
            // BoundSheet8: where a sheet's records start.
            0x0085 => sheets.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    for pos in sheets {
        let Some(sheet) = usize::try_from(pos).ok().and_then(|p| stream.get(p..)) else {
            continue;
        };
        check_xls_sheet(sheet, limits)?;
    }
    Ok(())
}

/// Records as calamine's iterator yields them: type and own data, until the bytes
/// run out or a length does not fit.
fn records(mut rest: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

fn check_xls_sheet(sheet: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut bounds = Bounds::default();
    let mut seen_bof = false;
    let mut nested = 0usize;
    for (typ, data) in records(sheet) {
        // Embedded substreams (charts) are skipped by calamine, and so here.
        if nested > 0 {
            match typ {
                0x0809 => nested += 1,
                0x000A => nested -= 1,
                _ => {}
            }
            continue;
        }
        let at = |i| u16_at(data, i);
        match typ {
            0x0809 if seen_bof => nested += 1,
            0x0809 => seen_bof = true,
            // Dimensions: calamine reserves room for the whole declared area up front,
            // so a lying record (the fuzzer found 4 billion rows) would abort on the
            // allocation. Read as calamine reads it.
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (at(0), at(2), at(4), at(6)),
                    14 | 16 => (u32_at(data, 0), u32_at(data, 4), at(8), at(10)),
                    _ => continue,
                };
                if let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) {
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl > rf && cl > cf {
                        let (rows, cols) = (rl - rf, cl - cf);
                        if rows.saturating_mul(cols) > limits.max_cells as u64 {
                            return Err(ReadError::TooWide { rows, cols });
                        }
                    }
                }
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: row, column first.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(r), Some(c)) = (at(0), at(2)) {
                    bounds.add(r, c, c);
                }
            }
            // MulRk: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                if let (Some(r), Some(c0), Some(c1)) = (at(0), at(2), at(data.len() - 2)) {
                    bounds.add(r, c0, c1.max(c0));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    bounds.check(limits)
}

fn u16_at(data: &[u8], i: usize) -> Option<u64> {
    data.get(i..i + 2)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

/// Refuses an ods whose cells, with their repeats, exceed `limits.max_cells` on one
/// sheet, either as the rows calamine expands or as the dense grid it then builds.
pub(super) fn check_ods(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    // An encrypted package's content.xml is not XML; calamine reports the password,
    // judged as calamine judges it (an encryption-data element in a file entry).
    if let Ok(manifest) = zip.by_name("META-INF/manifest.xml") {
        let mut reader = quick_xml::Reader::from_reader(BufReader::new(
            manifest.take(limits.max_unzipped_bytes),
        ));
        reader.config_mut().check_end_names = false;
        reader.config_mut().expand_empty_elements = true;
        let mut buf = Vec::new();
        let mut in_entry = false;
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => match e.name().into_inner() {
                    "manifest:file-entry" => in_entry = true,
                    "manifest:encryption-data" if in_entry => return Ok(()),
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader =
        quick_xml::Reader::from_reader(BufReader::new(content.take(limits.max_unzipped_bytes)));
    let mut buf = Vec::new();
    let max = limits.max_cells as u64;
    let mut sheet = OdsSheet::default();
    loop {
        let (event, is_start) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(e)) => {
                match e.name().into_inner() {
                    "table:table-row" => sheet.end_row(),
                    "table:table" => sheet.check(limits)?,
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) => break,
            // What this scan cannot follow is not handed on to calamine unchecked.
            Err(e) => {
                return Err(ReadError::Corrupt {
                    detail: format!("ods: {e}"),
                });
            }
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        match event.name().into_inner() {
            "table:table" => sheet = OdsSheet::default(),
            "table:table-row" => {
                sheet.row_repeats = repeats(&event, "table:number-rows-repeated");
                sheet.col = 0;
                sheet.width = 0;
                if !is_start {
                    sheet.end_row();
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let n = repeats(&event, "table:number-columns-repeated");
                sheet.col = sheet.col.saturating_add(n);
                // An empty element without a value is an empty cell; anything with
                // content or a value counts (over-counting only errs on the safe side).
                let has_value = event
                    .attributes()
                    .flatten()
                    .any(|a| matches!(a.key.into_inner(), "office:value-type" | "table:formula"));
                if is_start || has_value {
                    sheet.width = sheet.col;
                }
            }
            _ => {}
        }
        if sheet.expanded > max {
            return Err(ReadError::TooManyCells {
                limit: limits.max_cells,
            });
        }
        buf.clear();
    }
    Ok(())
}

fn u32_at(data: &[u8], i: usize) -> Option<u64> {
    data.get(i..i + 4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

fn repeats(e: &BytesStart<'_>, key: &str) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == key)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// Running totals of one ods sheet.
#[derive(Debug, Default)]
struct OdsSheet {
    /// Rows so far, repeats included.
    row: u64,
    row_repeats: u64,
    /// Columns so far in the current row, repeats included.
    col: u64,
    /// Columns up to the last cell with content in the current row.
    width: u64,
    /// Cells the reader holds before building the grid: each row element's width.
    expanded: u64,
    bounds: Bounds,
}

impl OdsSheet {
    fn end_row(&mut self) {
        if self.width > 0 {
            self.expanded = self.expanded.saturating_add(self.width);
            let last = self.row.saturating_add(self.row_repeats - 1);
            self.bounds.add(self.row, 0, self.width - 1);
            self.bounds.add(last, 0, self.width - 1);
        }
        self.row = self.row.saturating_add(self.row_repeats);
        self.row_repeats = 1;
        self.width = 0;
    }

    fn check(&self, limits: &Limits) -> Result<(), ReadError> {
        self.bounds.check(limits)
    }
}

/// Refuses an xlsb whose binary parts hold a record declaring far more bytes than what
/// is left of its part: calamine allocates a record's declared length (up to 256 MB)
/// before reading it. A small overrun costs nothing and is left to calamine. Walks the parts calamine reads: the workbook, styles, shared strings and the
/// worksheets.
pub(super) fn check_xlsb(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the damage
    };
    let parts: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            matches!(
                n.as_str(),
                "xl/workbook.bin" | "xl/styles.bin" | "xl/sharedstrings.bin"
            ) || (n.starts_with("xl/worksheets/")
                && n.ends_with(".bin")
                && !n["xl/worksheets/".len()..].contains('/'))
        })
        .map(|n| n.into_owned())
        .collect();
    let mut budget = limits.max_unzipped_bytes;
    let mut data = Vec::new();
    for name in parts {
        let Ok(part) = zip.by_name(&name) else {
            continue;
        };
        data.clear();
        // Sizes were checked against the declared ones; a member that inflates beyond
        // them is held to the same total.
        if part
            .take(budget.saturating_add(1))
            .read_to_end(&mut data)
            .is_err()
        {
            return Err(ReadError::Corrupt {
                detail: format!("xlsb: {name} cannot be unpacked"),
            });
        }
        if data.len() as u64 > budget {
            return Err(ReadError::TooLargeUnpacked {
                limit: limits.max_unzipped_bytes,
            });
        }
        budget -= data.len() as u64;
        check_xlsb_records(&data).map_err(|at| ReadError::Corrupt {
            detail: format!("xlsb: {name}: record at byte {at} runs past the end"),
        })?;
    }
    Ok(())
}

/// A record may declare this much more than its part holds: calamine's allocation for
/// it stays small, and its read error is calamine's to report.
const XLSB_OVERRUN: usize = 1 << 20;

/// Walks MS-XLSB records (a 1–2 byte type, a 1–4 byte length, the body) as calamine
/// reads them; the offset of the first record that declares more than
/// [`XLSB_OVERRUN`] bytes beyond the data.
fn check_xlsb_records(data: &[u8]) -> Result<(), usize> {
    let mut i = 0usize;
    while i < data.len() {
        let start = i;
        let Some(&b) = data.get(i) else { break };
        i += if b & 0x80 != 0 { 2 } else { 1 };
        let mut len = 0usize;
        for k in 0..4 {
            let Some(&b) = data.get(i) else {
                // A header cut short: calamine stops with an I/O error, allocating
                // nothing.
                return Ok(());
            };
            i += 1;
            len |= usize::from(b & 0x7F) << (7 * k);
            if b & 0x80 == 0 {
                break;
            }
        }
        let left = data.len().saturating_sub(i);
        if len > left {
            return if len - left > XLSB_OVERRUN {
                Err(start)
            } else {
                Ok(())
            };
        }
        i += len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record: one-byte type, length as MS-XLSB encodes it, then `body` bytes.
    fn record(typ: u8, len: usize, body: usize) -> Vec<u8> {
        let mut out = vec![typ];
        let mut n = len;
        loop {
            let b = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend(std::iter::repeat_n(0u8, body));
        out
    }

    #[test]
    fn xlsb_records_that_fit_pass() {
        let mut data = record(0x01, 3, 3);
        data.extend(record(0x05, 300, 300));
        assert_eq!(check_xlsb_records(&data), Ok(()));
        // A header cut short allocates nothing in calamine.
        data.push(0x85);
        assert_eq!(check_xlsb_records(&data), Ok(()));
    }

    #[test]
    fn an_xlsb_record_claiming_far_more_than_its_part_is_refused() {
        let mut data = record(0x01, 3, 3);
        let at = data.len();
        data.extend(record(0x05, 200 << 20, 10));
        assert_eq!(check_xlsb_records(&data), Err(at));
        // A small overrun is left to calamine, which reports it as it reads.
        let mut small = record(0x01, 3, 3);
        small.extend(record(0x05, 5000, 10));
        assert_eq!(check_xlsb_records(&small), Ok(()));
    }
}
