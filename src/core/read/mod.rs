//! Stage 1, read: bytes → a sparse cell grid per sheet.
//!
//! The format is decided by the first bytes, never by the file name (한셀 saves `.xls`
//! content under `.xlsx`), so an encrypted, truncated or foreign file gets a precise
//! finding. xlsx sheets are streamed cell by cell: a hostile `<dimension>` or a cell at
//! XFD1048576 never makes us allocate a dense rectangle.
//!
//! Only worksheets are read: a chart, dialog or macro sheet has no cells, and calamine
//! refuses to read one as a worksheet. Intake reads only the sheets it needs.

mod extent;
mod ole;

use calamine::{Data, DataRef, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};
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
    /// Hidden or very hidden in the workbook (an old copy staff put away).
    pub hidden: bool,
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

    /// Rows that hold at least one cell, in order, each with its cells left to right.
    /// Lazy: the cells are already ordered by row, so a row is gathered only when the
    /// caller gets to it (the parsers stop at the table they look for).
    pub fn rows(&self) -> impl Iterator<Item = (u32, Vec<(u32, &CellValue)>)> + '_ {
        let mut cells = self.cells.iter().peekable();
        std::iter::from_fn(move || {
            let (&(row, col), v) = cells.next()?;
            let mut out = vec![(col, v)];
            while let Some((&(_, c), v)) = cells.next_if(|((r, _), _)| *r == row) {
                out.push((c, v));
            }
            Some((row, out))
        })
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
    /// Excel Binary Workbook: a zip like xlsx holding binary records (`xl/workbook.bin`).
    Xlsb,
    Xls,
    Ods,
}

/// A workbook as a list of sheets.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    /// The worksheets read, in workbook order.
    pub sheets: Vec<Sheet>,
    /// The workbook counts dates from 1904 (a Mac setting): an Excel serial number in
    /// a cell means a date 1,462 days later than in the 1900 system. Date cells are
    /// converted already; this is for serials typed into number cells.
    pub date_1904: bool,
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
    /// A spreadsheet, but in a format no reader here reads (Excel 2.0–4.0, Excel 2003
    /// XML): not damaged, and Excel converts it.
    #[error("spreadsheet format not read: {kind}")]
    Unsupported { kind: &'static str },
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
                "엑셀 통합문서가 아니어서 읽을 수 없습니다(파일 종류: {kind}). .xlsx, .xlsm, .xlsb, \
                 .xls, .ods 파일만 받습니다. 제출 양식에 입력해 저장한 파일을 넣어 주십시오."
            ),
            ReadError::Unsupported { kind } => format!(
                "{kind} 형식의 파일이라 읽을 수 없습니다. Excel에서 열어 [다른 이름으로 저장]에서 \
                 파일 형식을 'Excel 통합 문서(*.xlsx)'로 골라 저장한 뒤 다시 넣어 주십시오."
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
    if let Some(kind) = unsupported_kind(bytes) {
        return Err(ReadError::Unsupported { kind });
    }
    Err(ReadError::NotSpreadsheet {
        kind: foreign_kind(bytes),
    })
}

/// Spreadsheets in formats calamine does not read: Excel 2.0–4.0 (a bare BIFF2–4
/// stream, no OLE container) and Excel 2003 XML.
fn unsupported_kind(bytes: &[u8]) -> Option<&'static str> {
    // A BOF record first: type 0x0009 (BIFF2), 0x0209 (BIFF3) or 0x0409 (BIFF4), with a
    // body of 4 to 8 bytes.
    if let [0x09, 0x00 | 0x02 | 0x04, len, 0x00, ..] = bytes
        && (4..=8).contains(len)
    {
        return Some("Excel 2.0~4.0 통합 문서");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    if head.contains("progid=\"Excel.Sheet\"")
        || head.contains("urn:schemas-microsoft-com:office:spreadsheet")
    {
        return Some("Excel 2003 XML 스프레드시트");
    }
    None
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
    // calamine finds package parts ignoring case; so does this.
    if zip
        .file_names()
        .flatten()
        .any(|n| n.eq_ignore_ascii_case("xl/workbook.bin"))
    {
        return Ok(Format::Xlsb);
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

/// Looks at the directory of a compound file the way calamine does (entries by name,
/// no validation of the directory tree), so a file calamine reads is not refused here.
fn sniff_ole(bytes: &[u8]) -> Result<Format, ReadError> {
    let ole = ole::Ole::parse(bytes).map_err(|detail| ReadError::Corrupt { detail })?;
    // What the document itself is shows in its own streams, under the root: a Word file
    // may embed a workbook, a workbook a Word object. calamine finds a stream at any
    // depth, so a broken tree falls back to that.
    let root = ole.root_names();
    let has = |name: &str| match &root {
        Some(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
        None => ole.exists(name),
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        return Err(ReadError::Encrypted);
    }
    if has("Workbook") || has("Book") {
        return Ok(Format::Xls);
    }
    if has("FileHeader") || has("HwpSummaryInformation") {
        return Err(ReadError::NotSpreadsheet {
            kind: "한글(HWP) 문서",
        });
    }
    if has("WordDocument") {
        return Err(ReadError::NotSpreadsheet {
            kind: "Word 문서"
        });
    }
    // Some DRM products keep the protected document inside an OLE container of their
    // own; their marker shows in a stream name or in the first bytes.
    let streams: String = ole.names().collect::<Vec<_>>().join("/");
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

/// Reads every worksheet of a workbook (chart, dialog and macro sheets have no cells).
///
/// # Errors
/// [`ReadError`] for anything that is not a readable, unencrypted workbook within
/// `limits`.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    read_workbook_with(bytes, limits, &|_| true, &|_| true)
}

/// [`read_workbook`], reading only the worksheets `wanted` names, and the merged ranges
/// only of those `merges_for` names. A sheet intake does not need is never parsed, so
/// nothing in it can make the file unreadable. calamine reads an xlsx sheet's merges by
/// parsing the whole sheet a second time, a third of the cost of reading it; intake
/// needs them on one sheet only.
///
/// # Errors
/// As [`read_workbook`].
pub fn read_workbook_with(
    bytes: &[u8],
    limits: &Limits,
    wanted: &dyn Fn(&str) -> bool,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<Workbook, ReadError> {
    // The readers are third-party parsers of hostile bytes; a panic in one of them
    // (the fuzzer found integer overflows in calamine's xls reader) is a damaged file,
    // not the end of the daemon. Release builds keep overflow checks on for this.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_unguarded(bytes, limits, wanted, merges_for)
    }))
    .unwrap_or_else(|_| {
        Err(ReadError::Corrupt {
            detail: "the reader stopped on a malformed structure (panic)".to_owned(),
        })
    })
}

/// The worksheets of a workbook that `wanted` names, in workbook order, each with
/// whether it is hidden.
fn worksheet_names<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    wb: &R,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<(String, bool)> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && wanted(&s.name))
        .map(|s| (s.name.clone(), s.visible != calamine::SheetVisible::Visible))
        .collect()
}

fn read_unguarded(
    bytes: &[u8],
    limits: &Limits,
    wanted: &dyn Fn(&str) -> bool,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<Workbook, ReadError> {
    let format = sniff(bytes, limits)?;
    let (sheets, date_1904) = match format {
        Format::Xlsx => read_xlsx(bytes, limits, wanted, merges_for)?,
        Format::Xlsb => read_xlsb(bytes, limits, wanted)?,
        Format::Xls => {
            extent::check_xls(bytes, limits)?;
            let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Encrypted,
                e => corrupt(e),
            })?;
            let mut sheets = Vec::new();
            for (name, hidden) in worksheet_names(&wb, wanted) {
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
                    hidden,
                    &values,
                    formulas.as_ref(),
                    merges,
                    limits,
                )?);
            }
            (sheets, wb.has_1904_epoch())
        }
        Format::Ods => {
            extent::check_ods(bytes, limits)?;
            let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => ReadError::Encrypted,
                e => corrupt(e),
            })?;
            let mut sheets = Vec::new();
            for (name, hidden) in worksheet_names(&wb, wanted) {
                let values = wb.worksheet_range(&name).map_err(corrupt)?;
                let formulas = wb.worksheet_formula(&name).ok();
                sheets.push(dense_sheet(
                    name,
                    hidden,
                    &values,
                    formulas.as_ref(),
                    Vec::new(),
                    limits,
                )?);
            }
            // ods stores dates as ISO text, never as serials of an epoch.
            (sheets, false)
        }
    };
    Ok(Workbook {
        format,
        sheets,
        date_1904,
    })
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
    wanted: &dyn Fn(&str) -> bool,
    merges_for: &dyn Fn(&str) -> bool,
) -> Result<(Vec<Sheet>, bool), ReadError> {
    let xlsx_error = |e: calamine::XlsxError| match e {
        calamine::XlsxError::Password => ReadError::Encrypted,
        e => corrupt(e),
    };
    let mut wb = match Xlsx::new(Cursor::new(std::borrow::Cow::Borrowed(bytes))) {
        // calamine 0.38 refuses a workbook holding an Excel 4.0 macro sheet (XLM, still
        // in Excel's Insert menu) outright; read it with those sheets marked as dialog
        // sheets, which are skipped like every sheet that is not a worksheet.
        Err(calamine::XlsxError::Unrecognized {
            typ: "sheet:type", ..
        }) => {
            let patched = macro_sheets_as_dialog_sheets(bytes, limits)?;
            Xlsx::new(Cursor::new(std::borrow::Cow::Owned(patched))).map_err(xlsx_error)?
        }
        other => other.map_err(xlsx_error)?,
    };
    let names = worksheet_names(&wb, wanted);
    let mut sheets = Vec::with_capacity(names.len());
    let mut total_cells = 0usize;
    for (name, hidden) in names {
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
            hidden,
            cells,
            merges,
            formulas,
        });
    }
    Ok((sheets, wb.has_1904_epoch()))
}

fn read_xlsb(
    bytes: &[u8],
    limits: &Limits,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<(Vec<Sheet>, bool), ReadError> {
    extent::check_xlsb(bytes, limits)?;
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsbError::Password => ReadError::Encrypted,
        e => corrupt(e),
    })?;
    let date_1904 = wb.has_1904_epoch();
    let mut sheets = Vec::new();
    let mut total_cells = 0usize;
    for (name, hidden) in worksheet_names(&wb, wanted) {
        let mut cells = BTreeMap::new();
        {
            let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
            while let Some(cell) = reader.next_cell().map_err(corrupt)? {
                let Some(value) = from_data_ref(cell.get_value().clone()) else {
                    continue;
                };
                total_cells += 1;
                if total_cells > limits.max_cells {
                    return Err(ReadError::TooManyCells {
                        limit: limits.max_cells,
                    });
                }
                cells.insert(cell.get_position(), value);
            }
        }
        // calamine's cell reader skips a formula whose result is an error
        // (BrtFmlaError); the formula pass finds such cells, so they are not read as
        // empty. A formula this pass cannot parse (an error, or a panic in calamine's
        // formula decoder) does not make the values unreadable: calamine's own
        // worksheet reading never looks at formulas.
        let formulas = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut found = Vec::new();
            if let Ok(mut reader) = wb.worksheet_cells_reader(&name) {
                while let Ok(Some(f)) = reader.next_formula() {
                    if !f.get_value().trim().is_empty() {
                        found.push((f.get_position(), f.get_value().clone()));
                    }
                }
            }
            found
        }))
        .unwrap_or_default();
        let mut formula_cells = std::collections::BTreeSet::new();
        for (pos, f) in formulas {
            formula_cells.insert(pos);
            cells
                .entry(pos)
                .or_insert(CellValue::FormulaWithoutValue(f));
        }
        sheets.push(Sheet {
            name,
            hidden,
            cells,
            merges: Vec::new(),
            formulas: formula_cells,
        });
    }
    Ok((sheets, date_1904))
}

/// The package with the relationships of Excel 4.0 macro sheets retyped as dialog
/// sheets; every other member copied as it is, compressed bytes and all.
fn macro_sheets_as_dialog_sheets(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let damaged = |e: zip::result::ZipError| corrupt(format!("zip: {e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let name = zip
            .by_index_raw(i)
            .map_err(damaged)?
            .name()
            .map_err(damaged)?
            .into_owned();
        if name.to_ascii_lowercase().ends_with("workbook.xml.rels") {
            let mut rels = String::new();
            zip.by_index(i)
                .map_err(damaged)?
                .take(limits.max_unzipped_bytes)
                .read_to_string(&mut rels)
                .map_err(corrupt)?;
            let rels = rels
                .replace("/xlMacrosheet\"", "/dialogsheet\"")
                .replace("/xlIntlMacrosheet\"", "/dialogsheet\"");
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .map_err(damaged)?;
            std::io::Write::write_all(&mut out, rels.as_bytes()).map_err(corrupt)?;
        } else {
            out.raw_copy_file(zip.by_index_raw(i).map_err(damaged)?)
                .map_err(damaged)?;
        }
    }
    Ok(out.finish().map_err(damaged)?.into_inner())
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
    hidden: bool,
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
        hidden,
        cells,
        merges,
        formulas: formula_cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_is_said_in_korean_with_the_readers_words_last() {
        let msg = ReadError::Corrupt {
            detail: "Xml error: unexpected end".to_owned(),
        }
        .message_ko();
        let (korean, technical) = msg.split_once(" (기술 정보: ").expect("technical detail");
        assert_eq!(technical, "Xml error: unexpected end)");
        // No English in the sentence but the program's name.
        let rest = korean.replace("Excel", "");
        assert!(!rest.chars().any(|c| c.is_ascii_alphabetic()), "{korean}");
        assert!(korean.ends_with("주십시오."), "{korean}");
    }

    #[test]
    fn xlsb_packages_are_told_from_xlsx() {
        let zip = |names: &[&str]| {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for n in names {
                w.start_file(*n, zip::write::SimpleFileOptions::default())
                    .expect("zip");
                std::io::Write::write_all(&mut w, b"<x/>").expect("zip");
            }
            w.finish().expect("zip").into_inner()
        };
        let l = Limits::default();
        let ct = "[Content_Types].xml";
        assert_eq!(sniff(&zip(&[ct, "xl/workbook.bin"]), &l), Ok(Format::Xlsb));
        assert_eq!(sniff(&zip(&[ct, "XL/Workbook.bin"]), &l), Ok(Format::Xlsb));
    }

    #[test]
    fn zero_bytes_is_empty() {
        assert_eq!(sniff(b"", &Limits::default()), Err(ReadError::Empty));
    }

    #[test]
    fn a_word_file_embedding_a_workbook_is_a_word_file() {
        let mut doc = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
        std::io::Write::write_all(
            &mut doc.create_stream("/WordDocument").expect("stream"),
            &[0u8; 5000],
        )
        .expect("write");
        doc.create_storage("/ObjectPool").expect("storage");
        doc.create_storage("/ObjectPool/_1").expect("storage");
        doc.create_stream("/ObjectPool/_1/Workbook")
            .expect("stream");
        doc.flush().expect("flush");
        let bytes = doc.into_inner().into_inner();
        assert_eq!(
            sniff(&bytes, &Limits::default()),
            Err(ReadError::NotSpreadsheet {
                kind: "Word 문서"
            })
        );
    }

    #[test]
    fn spreadsheets_in_formats_not_read_are_not_called_damaged() {
        let l = Limits::default();
        // The BOF of POI's testEXCEL_4.xls (Excel 4.0) and testEXCEL_3.xls (Excel 3.0).
        for bof in [
            &[0x09u8, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00][..],
            &[0x09, 0x02, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00],
        ] {
            let e = sniff(bof, &l).unwrap_err();
            assert_eq!(
                e,
                ReadError::Unsupported {
                    kind: "Excel 2.0~4.0 통합 문서"
                }
            );
            let msg = e.message_ko();
            assert!(!msg.contains("손상"), "{msg}");
            assert!(msg.contains("Excel 통합 문서(*.xlsx)"), "{msg}");
        }
        let xml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>"#;
        assert_eq!(
            sniff(xml.as_bytes(), &l),
            Err(ReadError::Unsupported {
                kind: "Excel 2003 XML 스프레드시트"
            })
        );
        // An HTML table saved as .xls stays what it is.
        assert_eq!(
            sniff(b"<html><table><tr><td>1</td></tr></table></html>", &l),
            Err(ReadError::NotSpreadsheet {
                kind: "HTML/XML 파일"
            })
        );
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
