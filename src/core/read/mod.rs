//! Stage 1, read: bytes → a sparse cell grid per sheet.
//!
//! The format is decided by the first bytes, never by the file name (한셀 saves `.xls`
//! content under `.xlsx`), so an encrypted, truncated or foreign file gets a precise
//! finding. xlsx sheets are streamed cell by cell: a hostile `<dimension>` or a cell at
//! XFD1048576 never makes us allocate a dense rectangle.

mod extent;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

/// The value of one cell as the file stores it. Numbers stay as the f64 the file
/// holds; the parser converts them to exact decimals.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDateTime),
    /// An Excel error value such as `#REF!`.
    Error(String),
    /// A formula whose result was never stored (a tool that does not recalculate).
    FormulaWithoutValue(String),
}

impl CellValue {
    /// The text of a text cell, or a number's plain rendering (for labels typed as
    /// numbers, such as a year header `2022`).
    pub fn as_label(&self) -> Option<String> {
        match self {
            CellValue::Text(s) => Some(s.clone()),
            CellValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Some(format!("{}", *n as i64))
            }
            _ => None,
        }
    }
}

/// A merged range, inclusive, zero-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// One worksheet: only the cells that hold something.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), CellValue>,
    pub merges: Vec<Merge>,
    /// Cells that hold a formula (with or without a stored result): a 계/총계 whose
    /// stored result disagrees with its parts was saved by a program that does not
    /// recalculate, and staff cannot fix it by typing.
    pub formulas: std::collections::BTreeSet<(u32, u32)>,
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> Option<&CellValue> {
        self.cells.get(&(row, col))
    }

    /// True when the cell holds a formula.
    pub fn is_formula(&self, row: u32, col: u32) -> bool {
        self.formulas.contains(&(row, col))
    }

    /// Rows that hold at least one cell, in order.
    pub fn rows(&self) -> impl Iterator<Item = (u32, Vec<(u32, &CellValue)>)> + '_ {
        let mut out: BTreeMap<u32, Vec<(u32, &CellValue)>> = BTreeMap::new();
        for (&(r, c), v) in &self.cells {
            out.entry(r).or_default().push((c, v));
        }
        out.into_iter()
    }

    /// The merge that starts at this cell, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merges
            .iter()
            .find(|m| m.first_row == row && m.first_col == col)
    }
}

/// What the bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
}

/// A workbook as a list of sheets.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
}

/// Bounds on what one file may cost us (SPEC §6, issue: hostile input).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    /// Sum of the declared uncompressed sizes of a zip package's members.
    pub max_unzipped_bytes: u64,
    pub max_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_unzipped_bytes: 64 * 1024 * 1024,
            max_cells: 500_000,
        }
    }
}

/// Why a file could not be read; each becomes an E-READ finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("empty file")]
    Empty,
    #[error("file of {size} bytes exceeds the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("unpacked content exceeds the limit of {limit} bytes")]
    TooLargeUnpacked { limit: u64 },
    #[error("more than {limit} cells")]
    TooManyCells { limit: usize },
    #[error("cells span {rows} rows by {cols} columns")]
    TooWide { rows: u64, cols: u64 },
    #[error("password protected / encrypted")]
    Encrypted,
    #[error("under document security (DRM): {vendor}")]
    Drm { vendor: &'static str },
    #[error("not a spreadsheet: {kind}")]
    NotSpreadsheet { kind: &'static str },
    #[error("damaged spreadsheet: {detail}")]
    Corrupt { detail: String },
}

impl ReadError {
    /// What staff read: what the file is and what they can do about it (MESSAGES.md:
    /// a broken copy cannot be re-saved, so they are asked for the original; the
    /// library's English goes last, as technical detail).
    pub fn message_ko(&self) -> String {
        match self {
            ReadError::Empty => "파일 내용이 비어 있습니다(0바이트). 복사나 저장이 끝나기 전의 \
                 파일로 보입니다. 원본 파일을 다시 넣어 주십시오."
                .to_owned(),
            ReadError::TooLarge { size, limit } => format!(
                "파일이 너무 큽니다({:.1}MB, 한도 {:.1}MB). 제출 양식 외의 시트나 그림을 지우고 \
                 저장한 뒤 다시 넣어 주십시오.",
                *size as f64 / 1_048_576.0,
                *limit as f64 / 1_048_576.0
            ),
            ReadError::TooLargeUnpacked { .. } => "압축을 풀면 지나치게 커지는 파일입니다. \
                 제출 양식에 값만 입력해 저장한 뒤 다시 넣어 주십시오."
                .to_owned(),
            ReadError::TooManyCells { limit } => format!(
                "셀이 너무 많습니다(한도 {limit}개). 제출 양식 외의 내용을 지우고 저장한 뒤 \
                 다시 넣어 주십시오."
            ),
            ReadError::TooWide { rows, cols } => format!(
                "시트의 사용 범위가 너무 넓습니다({rows}행 × {cols}열). 표에서 멀리 떨어진 칸의 \
                 내용을 지우고 저장한 뒤 다시 넣어 주십시오."
            ),
            ReadError::Encrypted => "암호가 걸린 파일이라 열 수 없습니다. 암호를 해제하고 \
                 저장한 뒤 다시 넣어 주십시오."
                .to_owned(),
            ReadError::Drm { vendor } => format!(
                "문서 보안(DRM)이 걸린 파일이라 열 수 없습니다({vendor}). 문서 보안 프로그램에서 \
                 보안을 해제한 파일을 다시 넣어 주십시오. 해제할 권한이 없으면 부서의 문서 \
                 보안 담당자에게 해제를 요청해 주십시오."
            ),
            ReadError::NotSpreadsheet { kind } => format!(
                "엑셀 통합문서가 아니어서 읽을 수 없습니다(파일 종류: {kind}). .xlsx, .xlsm, .xls, \
                 .ods 파일만 받습니다. 제출 양식에 입력해 저장한 파일을 넣어 주십시오."
            ),
            ReadError::Corrupt { detail } => format!(
                "파일이 손상되었거나 중간에 잘려 열 수 없습니다. 복사나 내려받기가 끝나기 전의 \
                 파일일 수 있습니다. 원본 파일을 다시 넣어 주십시오. (기술 정보: {detail})"
            ),
        }
    }
}

/// Document-security (DRM) products common in Korean public offices wrap a document
/// in their own container; these markers in the first bytes name the product.
const DRM_MARKERS: &[(&[u8], &str)] = &[
    (b"SCDSA", "Softcamp Document Security"),
    (b"FASOO", "Fasoo DRM"),
    (b"Fasoo", "Fasoo DRM"),
    (b"DOCUMENT SAFER", "MarkAny Document SAFER"),
    (b"MarkAny", "MarkAny Document SAFER"),
    (b"DRMONE", "DRM ONE"),
];

/// The DRM product whose marker appears in the first 1 KiB, if any.
fn drm_vendor(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(1024)];
    DRM_MARKERS
        .iter()
        .find(|(m, _)| head.windows(m.len()).any(|w| w == *m))
        .map(|(_, v)| *v)
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format from the first bytes and the package's own manifest.
pub fn sniff(bytes: &[u8], limits: &Limits) -> Result<Format, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, limits);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return sniff_ole(bytes);
    }
    if let Some(vendor) = drm_vendor(bytes) {
        return Err(ReadError::Drm { vendor });
    }
    Err(ReadError::NotSpreadsheet {
        kind: foreign_kind(bytes),
    })
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<Format, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        detail: format!("zip: {e}"),
    })?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            unpacked = unpacked.saturating_add(f.size());
        }
    }
    if unpacked > limits.max_unzipped_bytes {
        return Err(ReadError::TooLargeUnpacked {
            limit: limits.max_unzipped_bytes,
        });
    }
    if let Ok(mut f) = zip.by_name("mimetype") {
        let mut m = String::new();
        let _ = f.by_ref().take(200).read_to_string(&mut m);
        return if m.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            Ok(Format::Ods)
        } else {
            Err(ReadError::NotSpreadsheet {
                kind: "OpenDocument 문서(스프레드시트 아님)",
            })
        };
    }
    let content_types = match zip.by_name("[Content_Types].xml") {
        Ok(mut f) => {
            let mut s = String::new();
            let _ = f.by_ref().take(1 << 20).read_to_string(&mut s);
            s
        }
        Err(_) => {
            return Err(ReadError::NotSpreadsheet {
                kind: "압축(zip) 파일",
            });
        }
    };
    if content_types.contains("spreadsheetml") || content_types.contains("ms-excel") {
        Ok(Format::Xlsx)
    } else if content_types.contains("wordprocessingml") {
        Err(ReadError::NotSpreadsheet {
            kind: "Word 문서"
        })
    } else if content_types.contains("presentationml") {
        Err(ReadError::NotSpreadsheet {
            kind: "PowerPoint 문서",
        })
    } else {
        Err(ReadError::NotSpreadsheet {
            kind: "Office 문서(스프레드시트 아님)",
        })
    }
}

fn sniff_ole(bytes: &[u8]) -> Result<Format, ReadError> {
    let cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        detail: format!("OLE: {e}"),
    })?;
    let has = |name: &str| cfb.exists(name);
    if has("/EncryptedPackage") || has("/EncryptionInfo") {
        return Err(ReadError::Encrypted);
    }
    if has("/Workbook") || has("/Book") {
        return Ok(Format::Xls);
    }
    if has("/FileHeader") || has("/HwpSummaryInformation") {
        return Err(ReadError::NotSpreadsheet {
            kind: "한글(HWP) 문서",
        });
    }
    if has("/WordDocument") {
        return Err(ReadError::NotSpreadsheet {
            kind: "Word 문서"
        });
    }
    // Some DRM products keep the protected document inside an OLE container of their
    // own; their marker shows in a stream name or in the first bytes.
    let streams: String = cfb
        .walk()
        .map(|e| e.name().to_owned())
        .collect::<Vec<_>>()
        .join("/");
    if let Some(vendor) = drm_vendor(streams.as_bytes())
        .or_else(|| drm_vendor(bytes.get(512..bytes.len().min(4096)).unwrap_or(&[])))
    {
        return Err(ReadError::Drm { vendor });
    }
    Err(ReadError::NotSpreadsheet {
        kind: "알 수 없는 OLE 문서",
    })
}

/// A best guess at what a non-spreadsheet is, so the message can name it.
fn foreign_kind(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"%PDF") {
        "PDF 문서"
    } else if bytes.starts_with(b"HWP Document File") {
        "한글(HWP) 문서"
    } else if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF") {
        "그림 파일"
    } else if bytes.starts_with(b"<") || bytes.starts_with(b"\xEF\xBB\xBF<") {
        "HTML/XML 파일"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok()
        || bytes.starts_with(b"\xEF\xBB\xBF")
    {
        if bytes.iter().take(4096).any(|&b| b == b',' || b == b'\t') {
            "CSV/텍스트 파일"
        } else {
            "텍스트 파일"
        }
    } else {
        "알 수 없는 형식"
    }
}

/// Reads every sheet of a workbook.
///
/// # Errors
/// [`ReadError`] for anything that is not a readable, unencrypted workbook within
/// `limits`.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    read_workbook_merging(bytes, limits, &|_| true)
}

/// [`read_workbook`], with the merged ranges of xlsx sheets read only for the sheets
/// `merges_for` names. calamine reads an xlsx sheet's merges by parsing the whole
/// sheet a second time, a third of the cost of reading it; intake needs them on one
/// sheet only.
///
/// # Errors
/// As [`read_workbook`].
pub fn read_workbook_merging(
    bytes: &[u8],
    limits: &Limits,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<Workbook, ReadError> {
    // The readers are third-party parsers of hostile bytes; a panic in one of them
    // (the fuzzer found integer overflows in calamine's xls reader) is a damaged file,
    // not the end of the daemon. Release builds keep overflow checks on for this.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_unguarded(bytes, limits, merges_for)
    }))
    .unwrap_or_else(|_| {
        Err(ReadError::Corrupt {
            detail: "the reader stopped on a malformed structure (panic)".to_owned(),
        })
    })
}

fn read_unguarded(
    bytes: &[u8],
    limits: &Limits,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<Workbook, ReadError> {
    let format = sniff(bytes, limits)?;
    let sheets = match format {
        Format::Xlsx => read_xlsx(bytes, limits, merges_for)?,
        Format::Xls => {
            extent::check_xls(bytes, limits)?;
            let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Encrypted,
                e => corrupt(e),
            })?;
            let names = wb.sheet_names();
            let mut sheets = Vec::new();
            for name in names {
                let merges = wb
                    .merge_cells_by_sheet_name(&name)
                    .unwrap_or_default()
                    .into_iter()
                    .map(merge_from_dims)
                    .collect();
                let values = wb.worksheet_range(&name).map_err(corrupt)?;
                let formulas = wb.worksheet_formula(&name).ok();
                sheets.push(dense_sheet(
                    name,
                    &values,
                    formulas.as_ref(),
                    merges,
                    limits,
                )?);
            }
            sheets
        }
        Format::Ods => {
            extent::check_ods(bytes, limits)?;
            let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => ReadError::Encrypted,
                e => corrupt(e),
            })?;
            let names = wb.sheet_names();
            let mut sheets = Vec::new();
            for name in names {
                let values = wb.worksheet_range(&name).map_err(corrupt)?;
                let formulas = wb.worksheet_formula(&name).ok();
                sheets.push(dense_sheet(
                    name,
                    &values,
                    formulas.as_ref(),
                    Vec::new(),
                    limits,
                )?);
            }
            sheets
        }
    };
    Ok(Workbook { format, sheets })
}

fn corrupt(e: impl std::fmt::Display) -> ReadError {
    let mut detail = e.to_string();
    if detail.chars().count() > 120 {
        detail = detail.chars().take(120).collect::<String>() + "…";
    }
    ReadError::Corrupt { detail }
}

fn merge_from_dims(d: calamine::Dimensions) -> Merge {
    Merge {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

fn read_xlsx(
    bytes: &[u8],
    limits: &Limits,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<Vec<Sheet>, ReadError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => ReadError::Encrypted,
        e => corrupt(e),
    })?;
    let names = wb.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    let mut total_cells = 0usize;
    for name in names {
        let merges = if merges_for(&name) {
            wb.merge_cells_by_sheet_name(&name)
                .unwrap_or_default()
                .into_iter()
                .map(merge_from_dims)
                .collect()
        } else {
            Vec::new()
        };
        let mut cells = BTreeMap::new();
        let mut formulas = std::collections::BTreeSet::new();
        {
            let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
            while let Some(cell) = reader.next_cell_with_formula().map_err(corrupt)? {
                let formula = cell.formula.filter(|f| !f.trim().is_empty());
                if formula.is_some() {
                    formulas.insert(cell.pos);
                }
                let value = match (from_data_ref(cell.value), formula) {
                    (Some(v), _) => v,
                    (None, Some(f)) => CellValue::FormulaWithoutValue(f),
                    (None, None) => continue,
                };
                total_cells += 1;
                if total_cells > limits.max_cells {
                    return Err(ReadError::TooManyCells {
                        limit: limits.max_cells,
                    });
                }
                cells.insert(cell.pos, value);
            }
        }
        sheets.push(Sheet {
            name,
            cells,
            merges,
            formulas,
        });
    }
    Ok(sheets)
}

fn from_data_ref(v: DataRef<'_>) -> Option<CellValue> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::String(s) => CellValue::Text(s),
        DataRef::SharedString(s) => CellValue::Text(s.to_owned()),
        DataRef::Float(f) => CellValue::Number(f),
        DataRef::Int(i) => CellValue::Number(i as f64),
        DataRef::Bool(b) => CellValue::Bool(b),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => CellValue::Date(dt),
            _ => CellValue::Number(d.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => iso_cell(s),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    })
}

fn iso_cell(s: String) -> CellValue {
    match chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        }) {
        Some(dt) => CellValue::Date(dt),
        None => CellValue::Text(s),
    }
}

fn from_data(v: &Data) -> Option<CellValue> {
    Some(match v {
        Data::Empty => return None,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Float(f) => CellValue::Number(*f),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => CellValue::Date(dt),
            _ => CellValue::Number(d.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => iso_cell(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
    })
}

fn dense_sheet(
    name: String,
    values: &calamine::Range<Data>,
    formulas: Option<&calamine::Range<String>>,
    merges: Vec<Merge>,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let mut cells = BTreeMap::new();
    for (r, c, v) in values.used_cells() {
        if let Some(cv) = from_data(v) {
            if cells.len() >= limits.max_cells {
                return Err(ReadError::TooManyCells {
                    limit: limits.max_cells,
                });
            }
            let (r0, c0) = values.start().unwrap_or((0, 0));
            cells.insert((r0 + r as u32, c0 + c as u32), cv);
        }
    }
    let mut formula_cells = std::collections::BTreeSet::new();
    if let Some(formulas) = formulas {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            let pos = (r0 + r as u32, c0 + c as u32);
            if f.trim().is_empty() {
                continue;
            }
            formula_cells.insert(pos);
            cells
                .entry(pos)
                .or_insert_with(|| CellValue::FormulaWithoutValue(f.clone()));
        }
    }
    Ok(Sheet {
        name,
        cells,
        merges,
        formulas: formula_cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bytes_is_empty() {
        assert_eq!(sniff(b"", &Limits::default()), Err(ReadError::Empty));
    }

    #[test]
    fn foreign_files_are_named() {
        let l = Limits::default();
        assert_eq!(
            sniff(b"%PDF-1.7 ...", &l),
            Err(ReadError::NotSpreadsheet { kind: "PDF 문서" })
        );
        assert_eq!(
            sniff("구분,총계\n계,1\n".as_bytes(), &l),
            Err(ReadError::NotSpreadsheet {
                kind: "CSV/텍스트 파일"
            })
        );
        assert!(matches!(
            sniff(b"PK\x03\x04garbage", &l),
            Err(ReadError::Corrupt { .. })
        ));
    }

    #[test]
    fn size_limit_applies_before_parsing() {
        let l = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            sniff(&[0u8; 11], &l),
            Err(ReadError::TooLarge { .. })
        ));
    }
}
