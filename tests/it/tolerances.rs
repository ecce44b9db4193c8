//! One test per reading tolerance of SPEC §4 and per finding code of §5, on workbooks
//! the tests write (plus real files from other programs in tests/fixtures/formats).

use crate::common::*;
use chrono::NaiveDate;
use gongyak::core::check::Checked;
use gongyak::core::model::{RoadmapItem, TargetValue};
use gongyak::core::normalize::Quarter;
use rust_decimal::Decimal;
use std::str::FromStr;

const INV: &str = "투자계획";
const INFO: &str = "제출정보";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn accepted(c: &Checked) -> &gongyak::core::model::Submission {
    assert!(c.accepted(), "expected acceptance, got {:#?}", c.findings);
    c.submission.as_ref().unwrap()
}

fn has(c: &Checked, code: &str, place: &str) -> bool {
    codes(c).iter().any(|(k, p)| k == code && p == place)
}

fn assert_finding(c: &Checked, code: &str, place: &str) {
    assert!(
        has(c, code, place),
        "expected {code} at {place}, got {:#?}",
        codes(c)
    );
}

/// Multiplies every amount of the investment table (rows 4–8, columns B–I).
fn scale(b: &mut Book, factor: f64) {
    for ((r, c), v) in b.sheet(INV).iter_mut() {
        if (3..=7).contains(r)
            && (1..=8).contains(c)
            && let Cell::Num(n) = v
        {
            *n *= factor;
        }
    }
}

fn baseline() -> gongyak::core::model::Submission {
    accepted(&check_book(&innopolis())).clone()
}

#[test]
fn a_valid_generated_submission_is_accepted_without_findings() {
    let c = check_book(&innopolis());
    let s = accepted(&c);
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(s.investment.sum.total, d("20560"));
    assert_eq!(s.investment.sources["국비"].years[&2022], d("3000"));
}

// ---- §4 labels -----------------------------------------------------------------

#[test]
fn labels_with_spaces_full_width_digits_and_synonyms_are_recognised() {
    let mut b = innopolis();
    b.set(INV, "A4", t("합 계"))
        .set(INV, "A5", t("국 비"))
        .set(INV, "A7", t(" 시비 "))
        .set(INV, "B3", t("총사업비"))
        .set(INV, "D3", t("'22년"))
        .set(INV, "E3", t("23년"))
        .set(INV, "F3", Cell::Num(2024.0))
        .set(INV, "G3", t("２０２５년"))
        .set(INV, "A3", t("구 분"))
        .set(INFO, "A3", t("공 약 명"))
        .rename_sheet(INV, "투자 계획");
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, baseline().investment);
}

#[test]
fn sheet_names_are_matched_after_normalisation_and_in_any_order() {
    let mut b = innopolis();
    b.rename_sheet(INFO, "1. 제출 정보");
    b.sheets.reverse();
    accepted(&check_book(&b));
}

// ---- §4 amounts ----------------------------------------------------------------

#[test]
fn numeric_text_with_thousands_separators_is_a_number() {
    let mut b = innopolis();
    b.set(INV, "C5", t("4,860")).set(INV, "B5", t("15,860"));
    assert_eq!(accepted(&check_book(&b)).investment, baseline().investment);
}

#[test]
fn full_width_digits_are_numbers() {
    let mut b = innopolis();
    b.set(INV, "D5", t("３，０００"))
        .set(INV, "C6", t("４００"));
    assert_eq!(accepted(&check_book(&b)).investment, baseline().investment);
}

#[test]
fn dashes_and_empty_cells_are_zero() {
    let mut b = innopolis();
    b.set(INV, "I5", t("-"))
        .set(INV, "I6", t("–"))
        .set(INV, "I7", t("－"))
        .remove(INV, "I8")
        .set(INV, "C8", t(" - "));
    assert_eq!(accepted(&check_book(&b)).investment, baseline().investment);
}

#[test]
fn triangle_and_parentheses_mean_negative_and_are_rejected_with_their_cells() {
    let mut b = innopolis();
    b.set(INV, "C8", t("△500")).set(INV, "D8", t("(500)"));
    let c = check_book(&b);
    assert!(!c.accepted());
    assert_finding(&c, "E-NEGATIVE", "투자계획!C8");
    assert_finding(&c, "E-NEGATIVE", "투자계획!D8");
    // The negative cells are not summed again into cascading sum errors.
    assert!(
        !codes(&c)
            .iter()
            .any(|(k, _)| k == "E-COLSUM" || k == "E-ROWSUM")
    );
}

#[test]
fn a_negative_number_cell_is_rejected() {
    let mut b = innopolis();
    b.set(INV, "E8", Cell::Num(-10.0));
    assert_finding(&check_book(&b), "E-NEGATIVE", "투자계획!E8");
}

#[test]
fn a_float_cell_keeps_the_value_excel_shows() {
    // 158.6 as an f64 is 158.599999…; the submission must hold exactly 158.6.
    let mut b = innopolis();
    b.set(INV, "C5", Cell::Num(158.6))
        .set(INV, "B5", Cell::Num(11158.6))
        .set(INV, "C4", Cell::Num(1558.6))
        .set(INV, "B4", Cell::Num(15858.6));
    let c = check_book(&b);
    let s = accepted(&c);
    assert_eq!(s.investment.sources["국비"].before, d("158.6"));
    assert_eq!(s.investment.sum.total, d("15858.6"));
    assert_finding(&c, "W-FRACTION", "투자계획!C5");
    assert_finding(&c, "W-BUDGET", "투자계획!B4");
}

#[test]
fn text_that_is_not_a_number_is_quoted_in_the_finding() {
    let mut b = innopolis();
    b.set(INV, "D6", t("약 300"));
    let c = check_book(&b);
    assert_finding(&c, "E-NUMBER", "투자계획!D6");
    assert!(c.findings.iter().any(|f| f.message.contains("약 300")));
}

// ---- §4 units ------------------------------------------------------------------

#[test]
fn amounts_in_cheonwon_are_divided_by_a_thousand() {
    let mut b = innopolis();
    scale(&mut b, 1000.0);
    b.set(INV, "I2", t("(단위 : 천원)"));
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, baseline().investment);
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn amounts_in_eokwon_are_multiplied_by_a_hundred() {
    let mut b = innopolis();
    scale(&mut b, 0.01);
    b.set(INV, "I2", t("단위: 억원"));
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, baseline().investment);
}

#[test]
fn amounts_in_won_are_divided_by_a_million() {
    let mut b = innopolis();
    scale(&mut b, 1_000_000.0);
    b.set(INV, "I2", t("[단위 : 원]"));
    assert_eq!(accepted(&check_book(&b)).investment, baseline().investment);
}

#[test]
fn no_unit_note_assumes_million_with_a_warning() {
    let mut b = innopolis();
    b.remove(INV, "I2");
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, baseline().investment);
    assert!(
        codes(&c).iter().any(|(k, _)| k == "W-UNIT"),
        "{:#?}",
        codes(&c)
    );
}

#[test]
fn an_unknown_unit_is_an_error() {
    let mut b = innopolis();
    b.set(INV, "I2", t("(단위 : 달러)"));
    assert_finding(&check_book(&b), "E-UNIT", "투자계획!I2");
}

#[test]
fn cheonwon_that_is_not_a_whole_million_is_kept_exact_and_warned() {
    let mut b = innopolis();
    scale(&mut b, 1000.0);
    b.set(INV, "I2", t("(단위 : 천원)"));
    // 국비 기투자 4,860,500천원 = 4,860.5백만원; totals follow.
    b.set(INV, "C5", Cell::Num(4_860_500.0))
        .set(INV, "B5", Cell::Num(15_860_500.0))
        .set(INV, "C4", Cell::Num(6_260_500.0))
        .set(INV, "B4", Cell::Num(20_560_500.0));
    let c = check_book(&b);
    let s = accepted(&c);
    assert_eq!(s.investment.sources["국비"].before, d("4860.5"));
    assert_finding(&c, "W-FRACTION", "투자계획!C5");
}

#[test]
fn a_sum_off_by_one_in_the_files_unit_is_a_rounding_warning() {
    let mut b = innopolis();
    scale(&mut b, 1000.0);
    b.set(INV, "I2", t("(단위 : 천원)"));
    b.set(INV, "D4", Cell::Num(3_900_001.0)); // 계 of 2022 off by 1천원
    let c = check_book(&b);
    accepted(&c);
    assert_finding(&c, "W-ROUNDING", "투자계획!D4");
}

#[test]
fn a_sum_off_by_two_is_an_error_not_a_rounding() {
    let mut b = innopolis();
    b.set(INV, "D4", Cell::Num(3902.0));
    let c = check_book(&b);
    assert_finding(&c, "E-COLSUM", "투자계획!D4");
    assert!(!c.accepted());
}

// ---- §4 formulas and error values ----------------------------------------------

#[test]
fn formulas_without_cached_values_are_errors_naming_each_cell() {
    let bytes = std::fs::read(fixtures().join("flawed/no_cached_values.xlsx")).unwrap();
    let c = gongyak::core::check::check(&bytes, &catalog(), &Default::default());
    assert!(!c.accepted());
    // One finding at the first cell, whose message names every cell.
    assert_finding(&c, "E-FORMULA", "투자계획!B4");
    let f = c
        .findings
        .iter()
        .find(|f| f.code.as_str() == "E-FORMULA")
        .unwrap();
    for cell in ["B4", "C4", "I4", "B5", "B8"] {
        assert!(f.message.contains(cell), "{cell} in {}", f.message);
    }
    // Never silently 0: no sum finding claims the totals are 0.
    assert!(
        !codes(&c)
            .iter()
            .any(|(k, _)| k == "E-COLSUM" || k == "E-ROWSUM")
    );
}

#[test]
fn an_excel_error_value_is_an_error_naming_the_cell() {
    let patched = patch_xlsx(
        &innopolis().to_bytes(),
        "<c r=\"E6\"><v>300</v></c>",
        "<c r=\"E6\" t=\"e\"><f>#REF!*1</f><v>#REF!</v></c>",
    );
    let c = gongyak::core::check::check(&patched, &catalog(), &Default::default());
    assert_finding(&c, "E-FORMULA", "투자계획!E6");
    assert!(c.findings.iter().any(|f| f.message.contains("#REF!")));
}

#[test]
fn an_error_literal_typed_as_text_is_a_formula_error() {
    let mut b = innopolis();
    b.set(INV, "F6", t("#DIV/0!"));
    assert_finding(&check_book(&b), "E-FORMULA", "투자계획!F6");
}

// ---- §4 dates ------------------------------------------------------------------

#[test]
fn base_dates_in_every_listed_form() {
    let want = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    for cell in [
        Cell::Date(want),
        t("2026-11-24"),
        t("2026.11.24"),
        t("2026. 11. 24."),
        Cell::Num(46350.0),
    ] {
        let mut b = innopolis();
        b.set(INFO, "B9", cell.clone());
        let c = check_book(&b);
        assert_eq!(accepted(&c).base_date, want, "{cell:?}");
    }
}

#[test]
fn an_unreadable_base_date_is_an_error_at_its_cell() {
    let mut b = innopolis();
    b.set(INFO, "B9", t("어제"));
    assert_finding(&check_book(&b), "E-DATE", "제출정보!B9");
    let mut b = innopolis();
    b.remove(INFO, "B9");
    assert_finding(&check_book(&b), "E-DATE", "제출정보!B9");
}

// ---- §3 roadmap quarters -------------------------------------------------------

#[test]
fn roadmap_quarters_in_every_listed_form() {
    let mut b = innopolis();
    b.set("추진일정", "B2", t("2022년 1분기"))
        .set("추진일정", "C2", t("26.4Q"))
        .set("추진일정", "A3", t("연구소기업 설립"))
        .set("추진일정", "B3", t("2023.1/4"))
        .set("추진일정", "C3", t("2024-Q2"));
    let s = accepted(&check_book(&b)).clone();
    let q = |y, n| Quarter::new(y, n).unwrap();
    assert_eq!(
        s.roadmap,
        vec![
            RoadmapItem {
                name: "사업추진".into(),
                start: q(2022, 1),
                end: q(2026, 4)
            },
            RoadmapItem {
                name: "연구소기업 설립".into(),
                start: q(2023, 1),
                end: q(2024, 2)
            },
        ]
    );
}

#[test]
fn an_unreadable_quarter_is_an_error_at_its_cell() {
    let mut b = innopolis();
    b.set("추진일정", "B2", t("상반기"));
    assert_finding(&check_book(&b), "E-QUARTER", "추진일정!B2");
}

// ---- §3 targets ----------------------------------------------------------------

#[test]
fn to_be_fixed_targets_are_not_zero() {
    let s = baseline();
    let ind = &s.targets.indicators[0];
    assert_eq!(ind.name, "기술이전");
    assert_eq!(ind.values[&2022], TargetValue::Number(d("5")));
    assert_eq!(ind.values[&2023], TargetValue::ToBeFixed("미정".into()));
}

/// Merged ranges are read only for the 추진목표 sheet (issue 7: calamine parses a
/// sheet a second time for them); a 추진내용 merged over two years must still count for
/// both.
#[test]
fn a_target_merged_over_two_years_counts_for_each() {
    let mut b = innopolis();
    b.sheet("추진목표").remove(&(3, 3)); // D4, 2023
    b.set("추진목표", "C4", t("기반 구축"))
        .merge("추진목표", "C4", "D4");
    let c = check_book(&b);
    let s = accepted(&c);
    assert_eq!(s.targets.content[&2022], "기반 구축");
    assert_eq!(s.targets.content[&2023], "기반 구축");
    assert_eq!(s.targets.content[&2024], "사업 추진 3차년");
}

// ---- §3 layout drift -----------------------------------------------------------

#[test]
fn a_table_starting_anywhere_with_title_rows_and_hidden_rows_is_found() {
    let mut b = innopolis();
    b.shift(INV, 4, 2);
    b.set(INV, "A1", t("2026년 안산시 공약 추진계획"));
    b.set(INV, "C3", t("※ 금액은 백만원 단위로 적습니다"));
    b.hide_row(INV, 9); // the 도비 row, hidden
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, baseline().investment);
    // Places follow the table: 도비 총계 is now at D10.
    let mut broken = b.clone();
    broken.set(INV, "F10", Cell::Num(999.0));
    assert_finding(&check_book(&broken), "E-ROWSUM", "투자계획!D10");
}

#[test]
fn a_two_row_header_with_merged_cells_and_a_leading_column_is_read() {
    let mut b = innopolis();
    let base = baseline();
    let mut inv = Book::default();
    inv.set(INV, "B1", t("연차별 투자계획"));
    inv.set(INV, "J2", t("(단위 : 백만원)"));
    // An extra leading 번호 column, 구분/총계/기투자/임기후 merged over two header rows,
    // 연도별 merged over the years.
    inv.set(INV, "A3", t("번호"));
    inv.set(INV, "B3", t("구분")).merge(INV, "B3", "B4");
    inv.set(INV, "C3", t("총계")).merge(INV, "C3", "C4");
    inv.set(INV, "D3", t("기투자")).merge(INV, "D3", "D4");
    inv.set(INV, "E3", t("연도별")).merge(INV, "E3", "I3");
    inv.set(INV, "J3", t("임기후")).merge(INV, "J3", "J4");
    for (i, y) in (2022..=2026).enumerate() {
        inv.sheet(INV)
            .insert((3, 4 + i as u16), t(&format!("{y}년")));
    }
    let rows: Vec<(&str, &gongyak::core::model::AmountRow)> =
        std::iter::once(("계", &base.investment.sum))
            .chain(["국비", "도비", "시비", "기타"].map(|s| (s, &base.investment.sources[s])))
            .collect();
    for (k, (label, row)) in rows.iter().enumerate() {
        let r = 4 + k as u32;
        inv.sheet(INV).insert((r, 0), Cell::Num((k + 1) as f64));
        inv.sheet(INV).insert((r, 1), t(label));
        let cells = row.cells(&catalog().pledges[0].columns());
        for (j, v) in cells.iter().enumerate() {
            let f: f64 = v.to_string().parse().unwrap();
            inv.sheet(INV).insert((r, 2 + j as u16), Cell::Num(f));
        }
    }
    let pos = b.sheets.iter().position(|(n, _)| n == INV).unwrap();
    b.sheets[pos].1 = inv.sheets[0].1.clone();
    b.merges = inv.merges.clone();
    let c = check_book(&b);
    assert_eq!(accepted(&c).investment, base.investment);
}

#[test]
fn the_reference_layout_with_a_merged_jaewonbyeol_column_is_read() {
    let base = baseline();
    let mut b = innopolis();
    let mut inv = Book::default();
    inv.set(INV, "J2", t("(단위 : 백만원)"));
    inv.set(INV, "A3", t("구분")).merge(INV, "A3", "B3");
    for (i, h) in INVEST_HEADER[1..].iter().enumerate() {
        inv.sheet(INV).insert((2, 2 + i as u16), t(h));
    }
    inv.set(INV, "A4", t("계")).merge(INV, "A4", "B4");
    inv.set(INV, "A5", t("재원별")).merge(INV, "A5", "A8");
    let put = |inv: &mut Book, r: u32, row: &gongyak::core::model::AmountRow| {
        for (j, v) in row
            .cells(&catalog().pledges[0].columns())
            .iter()
            .enumerate()
        {
            inv.sheet(INV)
                .insert((r, 2 + j as u16), Cell::Num(v.to_string().parse().unwrap()));
        }
    };
    put(&mut inv, 3, &base.investment.sum);
    for (k, s) in ["국비", "도비", "시비", "기타"].iter().enumerate() {
        inv.sheet(INV).insert((4 + k as u32, 1), t(s));
        put(&mut inv, 4 + k as u32, &base.investment.sources[*s]);
    }
    let pos = b.sheets.iter().position(|(n, _)| n == INV).unwrap();
    b.sheets[pos].1 = inv.sheets[0].1.clone();
    b.merges = inv.merges.clone();
    assert_eq!(accepted(&check_book(&b)).investment, base.investment);
}

// ---- §3 formats ----------------------------------------------------------------

fn check_fixture(rel: &str) -> Checked {
    let bytes = std::fs::read(fixtures().join(rel)).unwrap();
    gongyak::core::check::check(&bytes, &catalog(), &Default::default())
}

#[test]
fn xls_ods_and_xlsm_written_by_libreoffice_are_read() {
    let seed = check_fixture("seed/innopolis_투자계획_제출.xlsx");
    let want = &seed.submission.as_ref().unwrap().investment;
    for f in [
        "formats/innopolis.xls",
        "formats/innopolis.ods",
        "formats/innopolis.xlsm",
    ] {
        let c = check_fixture(f);
        assert_eq!(&accepted(&c).investment, want, "{f}");
    }
}

#[test]
fn xls_content_under_an_xlsx_name_is_read_by_its_bytes() {
    accepted(&check_fixture("formats/hancell_xls_named.xlsx"));
}

// ---- §5 codes ------------------------------------------------------------------

#[test]
fn e_read_for_text_zero_bytes_and_encrypted_files() {
    let c = check_fixture("flawed/not_a_workbook.xlsx");
    assert_eq!(
        codes(&c),
        vec![("E-READ".to_owned(), "파일 전체".to_owned())]
    );
    let empty = gongyak::core::check::check(b"", &catalog(), &Default::default());
    assert_eq!(empty.findings[0].code.as_str(), "E-READ");
    let enc = check_fixture("formats/encrypted.xlsx");
    assert_eq!(enc.findings[0].code.as_str(), "E-READ");
    assert!(
        enc.findings[0].message.contains("암호"),
        "{}",
        enc.findings[0].message
    );
}

#[test]
fn e_sheet_when_a_required_sheet_or_header_is_missing() {
    let mut b = innopolis();
    b.rename_sheet(INV, "Sheet1");
    let c = check_book(&b);
    assert!(
        codes(&c).contains(&("E-SHEET".into(), "투자계획".into())),
        "{:#?}",
        codes(&c)
    );

    let mut b = innopolis();
    b.set(INV, "A3", t("항목명"));
    let c = check_book(&b);
    let f = message(&c, "E-SHEET");
    assert!(f.contains("구분") && f.contains("총계"), "{}", f);

    let mut b = innopolis();
    b.set(INV, "A8", t("민자"));
    let c = check_book(&b);
    let f = message(&c, "E-SHEET");
    assert!(f.contains("기타"), "{}", f);
}

#[test]
fn e_pledge_names_the_closest_known_pledge() {
    let mut b = innopolis();
    b.set(INFO, "B3", t("안산 강소연구개발특구 첨단산업 거점 육성"));
    let c = check_book(&b);
    assert_finding(&c, "E-PLEDGE", "제출정보!B3");
    assert!(c.findings[0].message.contains(ANSAN_TITLE));
}

#[test]
fn e_program_for_unknown_program_missing_or_unknown_subprogram() {
    let c = check_fixture("flawed/unknown_program.xlsx");
    assert_finding(&c, "E-PROGRAM", "제출정보!B4");
    assert!(
        c.findings[0]
            .message
            .contains("'안산 강소연구개발특구 운영'")
    );

    let amounts: Amounts = [
        (
            "국비",
            [5000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 0.0],
        ),
        ("도비", [1000.0, 500.0, 500.0, 500.0, 250.0, 250.0, 0.0]),
        ("시비", [1000.0, 500.0, 500.0, 500.0, 250.0, 250.0, 0.0]),
        ("기타", [0.0; 7]),
    ];
    let program = "스마트제조혁신센터 기반구축 및 활성화";
    let ok = submission(
        program,
        Some("산업 밸류체인 디지털전환(IVDX) 지원센터 조성"),
        &amounts,
    );
    accepted(&check_book(&ok));
    let missing = submission(program, None, &amounts);
    let c = check_book(&missing);
    assert_finding(&c, "E-PROGRAM", "제출정보!B5");
    assert!(
        c.findings
            .iter()
            .any(|f| f.message.contains("스마트제조혁신센터 설립"))
    );
    let unknown = submission(program, Some("IVDX 센터"), &amounts);
    assert_finding(&check_book(&unknown), "E-PROGRAM", "제출정보!B5");
    let mut extra = innopolis();
    extra.set(INFO, "B5", t("세부 없음"));
    assert_finding(&check_book(&extra), "E-PROGRAM", "제출정보!B5");
}

#[test]
fn e_rowsum_and_e_colsum_show_both_figures() {
    let c = check_fixture("flawed/sum_mismatch.xlsx");
    assert_finding(&c, "E-ROWSUM", "투자계획!B6");
    assert_finding(&c, "E-COLSUM", "투자계획!E4");
    let row = message(&c, "E-ROWSUM");
    assert!(row.contains("1,410") && row.contains("4,210"), "{}", row);
    let col = message(&c, "E-COLSUM");
    assert!(col.contains("3,900") && col.contains("6,700"), "{}", col);
}

#[test]
fn e_year_for_missing_duplicated_and_out_of_term_years() {
    let mut b = innopolis();
    b.remove(INV, "H3");
    let c = check_book(&b);
    assert!(
        c.findings
            .iter()
            .any(|f| f.code.as_str() == "E-YEAR" && f.message.contains("2026"))
    );

    let mut b = innopolis();
    b.set(INV, "H3", t("2025년"));
    assert_finding(&check_book(&b), "E-YEAR", "투자계획!H3");

    let mut b = innopolis();
    b.set(INV, "H3", t("2027년"));
    let c = check_book(&b);
    assert_finding(&c, "E-YEAR", "투자계획!H3");
    assert!(!c.accepted());
}

#[test]
fn w_budget_when_a_leaf_total_differs_from_its_declared_budget() {
    let mut amounts = INNOPOLIS;
    amounts[3].1 = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0]; // 기타 임기후 100
    let c = check_book(&submission("안산 강소연구개발특구 운영", None, &amounts));
    accepted(&c);
    assert_finding(&c, "W-BUDGET", "투자계획!B4");
    let f = message(&c, "W-BUDGET");
    assert!(f.contains("20,660") && f.contains("20,560"), "{}", f);
}

#[test]
fn w_contact_when_the_person_is_missing() {
    let mut b = innopolis();
    b.remove(INFO, "B7");
    let c = check_book(&b);
    accepted(&c);
    assert_finding(&c, "W-CONTACT", "제출정보!B7");
}
