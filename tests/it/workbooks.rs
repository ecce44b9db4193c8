//! Workbooks as staff really make them (issue 12): chart sheets, Excel Binary
//! Workbooks, the Mac 1904 date system, legacy files with harmless irregularities, and
//! the peers' test files that exposed a rejection (tests/fixtures/peers/README.md).

use crate::common::*;
use calamine::{Reader, SheetType, Xlsx};
use chrono::NaiveDate;
use gongyak::core::check::{Checked, check};
use gongyak::core::read::{CellValue, Format, Limits, ReadError, read_workbook};
use std::io::Cursor;

fn peer(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("peers").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn check_bytes_in_process(bytes: &[u8]) -> Checked {
    check(bytes, &catalog(), &Limits::default())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn has_read_error(c: &Checked) -> bool {
    c.findings.iter().any(|f| f.code.as_str() == "E-READ")
}

#[test]
fn a_chart_sheet_after_the_four_sheets_reads_as_without_it() {
    let plain = innopolis();
    let mut charted = plain.clone();
    charted.chartsheet(usize::MAX, "차트1");
    let bytes = charted.to_bytes();
    // The file really holds a chart sheet (what Excel's F11 adds).
    let xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert!(
        xlsx.sheets_metadata()
            .iter()
            .any(|s| s.name == "차트1" && s.typ == SheetType::ChartSheet)
    );
    let c = check_bytes_in_process(&bytes);
    assert!(c.accepted(), "{:#?}", c.findings);
    let without = check_book(&plain);
    assert_eq!(codes(&c), codes(&without));
    assert_eq!(c.submission, without.submission);
}

#[test]
fn a_chart_sheet_named_like_a_form_sheet_is_not_taken_for_it() {
    // First in the workbook, and named so that it contains '투자계획' and '추진일정'.
    let mut b = innopolis();
    b.chartsheet(0, "투자계획 차트")
        .chartsheet(2, "추진일정(그래프)");
    let c = check_bytes_in_process(&b.to_bytes());
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission, check_book(&innopolis()).submission);
}

#[test]
fn a_sheet_intake_does_not_need_cannot_make_the_file_unreadable() {
    // A fifth sheet whose XML calamine cannot parse: never read, so the submission
    // stands (it is still read, and refused, where every worksheet is read).
    let mut b = innopolis();
    b.set("메모", "A1", t("참고용 메모"));
    let mut entries = zip_entries(&b.to_bytes());
    let memo = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/worksheets/sheet5.xml")
        .expect("the fifth sheet");
    memo.1 = String::from_utf8_lossy(&memo.1)
        .replace(
            "</sheetData>",
            r#"<row r="100"><c r="A100" t="s"><v>99999</v></c></row></sheetData>"#,
        )
        .into_bytes();
    let bytes = zip_of(&entries);
    assert!(
        read_workbook(&bytes, &Limits::default()).is_err(),
        "the fifth sheet must really be unreadable"
    );
    let c = check_bytes_in_process(&bytes);
    assert!(c.accepted(), "{:#?}", c.findings);
}

#[test]
fn a_hidden_old_copy_of_a_form_sheet_is_not_taken_for_it() {
    // Staff copied 투자계획 before changing it, hid the copy, and the real sheet is
    // named '1.투자계획': the copy, first in the workbook, matches the name as well.
    let plain = {
        let mut b = innopolis();
        b.rename_sheet("투자계획", "1.투자계획");
        b
    };
    let mut b = plain.clone();
    let mut old = innopolis();
    old.set("투자계획", "D6", Cell::Num(999.0));
    let (_, cells) = old.sheets.remove(1);
    b.sheets.insert(0, ("투자계획(작년)".to_owned(), cells));
    b.hidden_sheets.push("투자계획(작년)".to_owned());
    let bytes = b.to_bytes();
    let wb = read_workbook(&bytes, &Limits::default()).unwrap();
    assert!(wb.sheets[0].hidden && wb.sheets[0].name == "투자계획(작년)");
    let c = check_bytes_in_process(&bytes);
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission, check_book(&plain).submission);
}

/// The peers' workbooks with chart sheets (and calamine's with hidden and very hidden
/// sheets and a chart sheet in every format): their worksheets read, no E-READ.
#[test]
fn peer_workbooks_with_chart_sheets_read_their_worksheets() {
    let any = ["Visible", "Hidden", "VeryHidden"];
    for (rel, names) in [
        (
            "poi/WithChartSheet.xlsx",
            &["Sheet1", "Sheet6", "Sheet5", "Sheet4", "Sheet3", "Sheet2"][..],
        ),
        ("poi/chart_sheet.xlsx", &["Sheet1", "Sheet2", "Sheet3"][..]),
        ("calamine/any_sheets.xlsx", &any[..]),
        ("calamine/any_sheets.xls", &any[..]),
        ("calamine/any_sheets.xlsb", &any[..]),
        // OpenDocument has no chart sheets: its "Chart" is a worksheet.
        (
            "calamine/any_sheets.ods",
            &["Visible", "Hidden", "VeryHidden", "Chart"][..],
        ),
    ] {
        let bytes = peer(rel);
        let wb = read_workbook(&bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{rel}: {}", e.message_ko()));
        let got: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(got, names, "{rel}");
        let c = check_bytes_in_process(&bytes);
        assert!(!has_read_error(&c), "{rel}: {:#?}", c.findings);
    }
}

/// Adds an Excel 4.0 macro sheet (Insert → MS Excel 4.0 Macro) named `name`.
fn with_macro_sheet(bytes: &[u8], name: &str) -> Vec<u8> {
    let bytes = patch_xlsx(
        bytes,
        "</sheets>",
        &format!(r#"<sheet name="{name}" sheetId="90" r:id="rIdXlm"/></sheets>"#),
    );
    let mut entries = zip_entries(&bytes);
    let rels = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/_rels/workbook.xml.rels")
        .expect("workbook relationships");
    rels.1 = String::from_utf8_lossy(&rels.1)
        .replace(
            "</Relationships>",
            r#"<Relationship Id="rIdXlm" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#,
        )
        .into_bytes();
    entries.push((
        "xl/macrosheets/sheet1.xml".to_owned(),
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1" t="str"><f>RETURN()</f><v></v></c></row></sheetData></xm:macrosheet>"#
            .to_vec(),
    ));
    zip_of(&entries)
}

#[test]
fn an_excel_4_macro_sheet_reads_as_without_it() {
    let plain = innopolis();
    let bytes = with_macro_sheet(&plain.to_bytes(), "투자계획 매크로");
    let c = check_bytes_in_process(&bytes);
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission, check_book(&plain).submission);

    // POI's workbook with a macro sheet first: its two worksheets are read.
    let wb = read_workbook(&peer("poi/xlmmacro.xlsm"), &Limits::default())
        .unwrap_or_else(|e| panic!("{}", e.message_ko()));
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Sheet1", "Sheet2"]);
}

#[test]
fn xlsb_reads_like_the_same_workbook_saved_as_xlsx() {
    let xlsb = read_workbook(&peer("calamine/any_sheets.xlsb"), &Limits::default()).unwrap();
    let xlsx = read_workbook(&peer("calamine/any_sheets.xlsx"), &Limits::default()).unwrap();
    assert_eq!(xlsb.format, Format::Xlsb);
    assert_eq!(xlsb.sheets.len(), xlsx.sheets.len());
    assert!(xlsb.sheets.iter().any(|s| !s.cells.is_empty()));
    for (b, x) in xlsb.sheets.iter().zip(&xlsx.sheets) {
        assert_eq!(b.name, x.name);
        assert_eq!(b.cells, x.cells, "{}", b.name);
    }
}

#[test]
fn xlsb_is_decided_by_content_whatever_its_name() {
    let sb = Sandbox::new();
    let (code, out) = check_bytes(&sb, "제출.xlsx", &peer("calamine/any_sheets.xlsb"));
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("E-READ"), "{out}");
    assert!(out.contains("E-SHEET"), "{out}");
}

#[test]
fn xlsb_is_held_to_the_same_limits() {
    let bytes = peer("calamine/any_sheets.xlsb");
    let cells = |l: Limits| read_workbook(&bytes, &l).map(|_| ()).unwrap_err();
    assert_eq!(
        cells(Limits {
            max_cells: 2,
            ..Limits::default()
        }),
        ReadError::TooManyCells { limit: 2 }
    );
    assert_eq!(
        cells(Limits {
            max_unzipped_bytes: 1000,
            ..Limits::default()
        }),
        ReadError::TooLargeUnpacked { limit: 1000 }
    );
    assert!(matches!(
        cells(Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        }),
        ReadError::TooLarge { .. }
    ));

    // A cell record declaring 256 MB right after BrtBeginSheetData: calamine would
    // reserve all of it before finding the data missing. The pre-scan refuses it.
    let mut entries = zip_entries(&bytes);
    let sheet = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/worksheets/sheet1.bin")
        .expect("sheet1.bin");
    let begin_data = [0x91u8, 0x01, 0x00];
    let at = sheet
        .1
        .windows(3)
        .position(|w| w == begin_data)
        .expect("BrtBeginSheetData")
        + 3;
    sheet.1.splice(at..at, [0x05u8, 0xFF, 0xFF, 0xFF, 0x7F]);
    let lying = zip_of(&entries);
    match read_workbook(&lying, &Limits::default()) {
        Err(ReadError::Corrupt { detail }) => {
            assert!(detail.contains("sheet1.bin"), "{detail}")
        }
        other => panic!("expected a damaged file, got {other:?}"),
    }
}

/// Rewrites the first BrtFmlaNum record (a formula with a number result) of an xlsb
/// worksheet part into a BrtFmlaError (the same formula, result `#DIV/0!`).
fn formula_result_to_error(part: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut done = false;
    while i < part.len() {
        let start = i;
        let mut typ = usize::from(part[i] & 0x7F);
        i += 1;
        if part[start] & 0x80 != 0 {
            typ |= usize::from(part[i] & 0x7F) << 7;
            i += 1;
        }
        let mut len = 0usize;
        for k in 0..4 {
            let b = part[i];
            i += 1;
            len |= usize::from(b & 0x7F) << (7 * k);
            if b & 0x80 == 0 {
                break;
            }
        }
        let body = &part[i..i + len];
        i += len;
        if typ == 0x09 && !done {
            // cell (8 bytes), then fErr instead of the 8-byte number, then the flags
            // and the formula as they were.
            let mut new = body[..8].to_vec();
            new.push(0x07);
            new.extend_from_slice(&body[16..]);
            assert!(new.len() < 0x80);
            out.extend_from_slice(&[0x0B, new.len() as u8]);
            out.extend_from_slice(&new);
            done = true;
        } else {
            out.extend_from_slice(&part[start..i]);
        }
    }
    assert!(done, "no formula with a number result");
    out
}

#[test]
fn an_xlsb_formula_whose_result_is_an_error_is_not_read_as_empty() {
    let original = peer("calamine/issues.xlsb");
    let mut entries = zip_entries(&original);
    let part = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/worksheets/sheet3.bin")
        .expect("sheet3.bin");
    part.1 = formula_result_to_error(&part.1);
    let patched = zip_of(&entries);
    let cells = |bytes: &[u8]| {
        let wb = read_workbook(bytes, &Limits::default()).unwrap();
        let all: Vec<CellValue> = wb
            .sheets
            .iter()
            .flat_map(|s| s.cells.values().cloned())
            .collect();
        let formulas = all
            .iter()
            .filter(|v| matches!(v, CellValue::FormulaWithoutValue(_)))
            .count();
        (all.len(), formulas)
    };
    let (before, none) = cells(&original);
    assert_eq!(none, 0);
    // calamine's cell reader skips the error result; the cell is still there, as a
    // formula without a usable value (E-FORMULA where an amount is read).
    assert_eq!(cells(&patched), (before, 1));
}

/// An OLE directory whose sibling entries are out of name order: the `cfb` crate
/// refuses it, Excel and calamine read it (POI's ConditionalFormattingSamples.xls).
#[test]
fn an_xls_with_its_directory_out_of_order_is_read() {
    let bytes = peer("poi/ConditionalFormattingSamples.xls");
    assert!(
        cfb::CompoundFile::open(Cursor::new(&bytes)).is_err(),
        "the fixture must hold the irregularity the strict reader refuses"
    );
    let wb =
        read_workbook(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{}", e.message_ko()));
    assert_eq!(wb.format, Format::Xls);
    assert!(wb.sheets.iter().any(|s| !s.cells.is_empty()));
    assert!(!has_read_error(&check_bytes_in_process(&bytes)));
}

/// Swaps the left and right sibling of the first directory entry that has one, so that
/// the red-black tree is out of name order (what other writers produce).
fn disorder_ole_directory(bytes: &mut [u8]) {
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let sector = 1usize << u16::from_le_bytes([bytes[30], bytes[31]]);
    let dir = (u32_at(bytes, 48) as usize + 1) * sector;
    for e in (dir..dir + sector).step_by(128).skip(1) {
        let (left, right) = (u32_at(bytes, e + 68), u32_at(bytes, e + 72));
        if left != u32::MAX || right != u32::MAX {
            bytes[e + 68..e + 72].copy_from_slice(&right.to_le_bytes());
            bytes[e + 72..e + 76].copy_from_slice(&left.to_le_bytes());
            return;
        }
    }
    panic!("no directory entry with a sibling");
}

#[test]
fn a_submission_whose_ole_directory_is_out_of_order_is_accepted() {
    let original = std::fs::read(fixtures().join("formats/innopolis.xls")).unwrap();
    let mut bytes = original.clone();
    disorder_ole_directory(&mut bytes);
    assert!(
        cfb::CompoundFile::open(Cursor::new(&bytes)).is_err(),
        "the directory must really be out of order"
    );
    let c = check_bytes_in_process(&bytes);
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission, check_bytes_in_process(&original).submission);
}

#[test]
fn dates_of_a_1904_workbook_are_read_in_its_system() {
    for rel in [
        "calamine/date_1904.xlsx",
        "calamine/date_1904.xls",
        "calamine/date_1904.xlsb",
    ] {
        let wb = read_workbook(&peer(rel), &Limits::default()).unwrap();
        assert!(wb.date_1904, "{rel}");
        assert_eq!(
            wb.sheets[0].get(0, 0),
            Some(&CellValue::Date(
                date(2021, 1, 1).and_hms_opt(0, 0, 0).unwrap()
            )),
            "{rel}"
        );
    }
}

/// The same workbook with the 1904 date system switched on (Excel for Mac).
fn as_1904(b: &Book) -> Vec<u8> {
    patch_xlsx(&b.to_bytes(), "<workbookPr", "<workbookPr date1904=\"1\"")
}

#[test]
fn a_base_date_in_a_1904_workbook_is_the_date_staff_see() {
    let want = date(2026, 11, 20);
    // A date cell: the file stores 2022-11-19 as a 1900 serial, which Excel shows as
    // 2026-11-20 in a 1904 workbook.
    let mut b = innopolis();
    b.set("제출정보", "B9", Cell::Date(date(2022, 11, 19)));
    let c = check_bytes_in_process(&as_1904(&b));
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission.unwrap().base_date, want);

    // A serial typed into a number cell counts in the workbook's system too.
    let serial_1904 = 46346.0 - 1462.0;
    let mut b = innopolis();
    b.set("제출정보", "B9", Cell::Num(serial_1904));
    let c = check_bytes_in_process(&as_1904(&b));
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_eq!(c.submission.unwrap().base_date, want);
    // … and the same number in a 1900 workbook is four years earlier.
    let c = check_book(&b);
    assert_eq!(c.submission.unwrap().base_date, date(2022, 11, 19));
}

#[test]
fn base_dates_typed_as_text_in_every_listed_form() {
    for text in [
        "2026년 11월 20일",
        "2026년11월20일",
        "2026/11/20",
        "2026-11-20",
        "2026.11.20",
        "2026. 11. 20.",
    ] {
        let mut b = innopolis();
        b.set("제출정보", "B9", t(text));
        let c = check_book(&b);
        assert!(c.accepted(), "{text}: {:#?}", c.findings);
        assert_eq!(
            c.submission.unwrap().base_date,
            date(2026, 11, 20),
            "{text}"
        );
    }
}

#[test]
fn roadmap_quarters_with_a_short_year() {
    let mut b = innopolis();
    b.set("추진일정", "B2", t("'23. 3/4분기"));
    b.set("추진일정", "C2", t("'26. 4/4분기"));
    b.set("추진일정", "A3", t("성과 확산"));
    b.set("추진일정", "B3", t("23년 1분기"));
    b.set("추진일정", "C3", t("'24년 2/4분기"));
    let c = check_book(&b);
    assert!(c.accepted(), "{:#?}", c.findings);
    let items: Vec<String> = c
        .submission
        .unwrap()
        .roadmap
        .iter()
        .map(|i| format!("{} {}..{}", i.name, i.start, i.end))
        .collect();
    assert_eq!(
        items,
        ["사업추진 2023-Q3..2026-Q4", "성과 확산 2023-Q1..2024-Q2"]
    );
}

#[test]
fn an_xls_obfuscated_with_a_password_is_called_password_protected() {
    // XOR obfuscation, Excel 95's "password to open": the records after FilePass are
    // scrambled; read anyway they looked like a sheet of 1.3 billion rows.
    let bytes = peer("poi/xor-encryption-abc.xls");
    assert_eq!(
        read_workbook(&bytes, &Limits::default()).map(|_| ()),
        Err(ReadError::Encrypted)
    );
}
