//! Findings people can act on (issue 11): each piece of advice is possible in the
//! reader's situation, and a rejected file reaches the report. Assertions are on the
//! finding kinds and their data; the wording itself is the snapshot in
//! `src/core/finding/snapshots/`.

use crate::common::*;
use gongyak::core::check::Checked;
use gongyak::core::finding::{CellRef, Kind, QuarterEnd};
use gongyak::core::normalize::Quarter;
use gongyak::core::read::ReadError;

fn kinds(c: &Checked) -> Vec<Kind> {
    c.findings.iter().filter_map(|f| f.kind.clone()).collect()
}

fn check_raw(bytes: &[u8]) -> Checked {
    gongyak::core::check::check(bytes, &catalog(), &Default::default())
}

fn read_error(bytes: &[u8]) -> (ReadError, String) {
    let c = check_raw(bytes);
    assert_eq!(c.findings.len(), 1, "{:#?}", c.findings);
    match &c.findings[0].kind {
        Some(Kind::Unreadable { error }) => (error.clone(), c.findings[0].message.clone()),
        other => panic!("not E-READ: {other:?}"),
    }
}

#[test]
fn a_truncated_or_empty_file_asks_for_the_original_with_english_last() {
    let whole = innopolis().to_bytes();
    let (e, msg) = read_error(&whole[..whole.len() / 2]);
    assert!(matches!(e, ReadError::Corrupt { .. }), "{e:?}");
    assert!(msg.contains("원본 파일을 다시 넣어 주십시오"), "{msg}");
    assert!(
        !msg.contains("Excel에서 열어"),
        "a broken copy cannot be re-saved: {msg}"
    );
    // The library's English comes last, as technical detail, and only there.
    let (korean, detail) = msg.split_once("(기술 정보: ").expect("technical detail");
    assert!(detail.ends_with(')'), "{msg}");
    assert!(
        !korean.chars().any(|c| c.is_ascii_alphabetic()),
        "English before the technical detail: {msg}"
    );

    let (e, msg) = read_error(b"");
    assert_eq!(e, ReadError::Empty);
    assert!(msg.contains("원본 파일을 다시 넣어 주십시오"), "{msg}");
}

#[test]
fn a_file_in_another_format_is_not_called_damaged() {
    for bytes in [
        &b"\x00\x01\x02\x03 not any format we know \xFF\xFE"[..],
        b"%PDF-1.7\n",
        "구분,총계\n계,1\n".as_bytes(),
    ] {
        let (e, msg) = read_error(bytes);
        assert!(matches!(e, ReadError::NotSpreadsheet { .. }), "{e:?}");
        assert!(!msg.contains("손상"), "{msg}");
    }
}

#[test]
fn a_file_under_document_security_is_told_to_remove_it() {
    // Header markers of the DRM products Korean public offices use.
    for (head, vendor) in [
        (&b"SCDSA004\x00\x00\x00\x01"[..], "Softcamp"),
        (b"\x00\x00\x00\x10<## FASOO DRM HEADER ##>", "Fasoo"),
        (b"<DOCUMENT SAFER V2.0>\x00\x00", "MarkAny"),
    ] {
        let mut bytes = head.to_vec();
        bytes.extend_from_slice(&[0x5A; 2048]);
        let (e, msg) = read_error(&bytes);
        match e {
            ReadError::Drm { vendor: v } => assert!(v.contains(vendor), "{v}"),
            other => panic!("{vendor}: {other:?}"),
        }
        assert!(msg.contains("문서 보안") && msg.contains("해제"), "{msg}");
    }
}

#[test]
fn an_unknown_title_lists_the_valid_names_and_a_similar_one_only_when_close() {
    let mut b = innopolis();
    b.set("제출정보", "B3", t("스마트 그린 물류도시 조성"));
    let c = check_book(&b);
    let Some(Kind::UnknownPledge { valid, similar, .. }) = kinds(&c).into_iter().next() else {
        panic!("{:#?}", c.findings)
    };
    assert_eq!(valid, [ANSAN_TITLE]);
    assert_eq!(similar, None, "one pledge registered is no suggestion");
    assert!(
        c.findings[0]
            .message
            .contains("총괄 부서에서 최신 제출 양식을 받아")
    );

    let mut b = innopolis();
    b.set(
        "제출정보",
        "B3",
        t("안산 강소연구개발특구 및 안산사이언스밸리 첨단산업 육성"),
    );
    let c = check_book(&b);
    let Some(Kind::UnknownPledge { similar, .. }) = kinds(&c).into_iter().next() else {
        panic!("{:#?}", c.findings)
    };
    assert_eq!(similar.as_deref(), Some(ANSAN_TITLE));
}

#[test]
fn a_missing_year_column_adds_no_sum_errors() {
    let mut b = innopolis();
    b.remove("투자계획", "H3"); // the 2026 heading
    let c = check_book(&b);
    let codes: Vec<&str> = c.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        kinds(&c).contains(&Kind::YearMissing {
            year: 2026,
            start: 2022,
            end: 2026
        }),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|c| *c == "E-ROWSUM" || *c == "W-ROUNDING"),
        "{codes:?}"
    );
}

#[test]
fn a_row_and_a_column_error_name_the_amount_where_they_cross() {
    let mut b = innopolis();
    b.set("투자계획", "F5", Cell::Num(3700.0)); // 국비 2024: 3,000 typed as 3,700
    let c = check_book(&b);
    let f5 = CellRef::new(4, 5);
    let crossings: Vec<(String, String, Vec<CellRef>)> = c
        .findings
        .iter()
        .filter_map(|f| match &f.kind {
            Some(Kind::RowSum { crossing, .. } | Kind::ColSum { crossing, .. }) => {
                Some((f.code.as_str().to_owned(), f.place_text(), crossing.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        crossings,
        [
            ("E-ROWSUM".to_owned(), "투자계획!B5".to_owned(), vec![f5]),
            ("E-COLSUM".to_owned(), "투자계획!F4".to_owned(), vec![f5]),
        ],
        "{:#?}",
        c.findings
    );
    let row = message(&c, "E-ROWSUM");
    assert!(
        row.contains("F5 칸") && row.contains("700백만원 적음"),
        "{row}"
    );
}

#[test]
fn quarters_say_start_or_end_and_reversed_ones_what_to_do() {
    let mut b = innopolis();
    b.set("추진일정", "B2", t(""))
        .set("추진일정", "C2", t("언젠가"));
    b.set("추진일정", "A3", t("준공"))
        .set("추진일정", "B3", t("2024-Q1"))
        .set("추진일정", "C3", t("2023-Q2"));
    let c = check_book(&b);
    let example = Quarter { year: 2022, q: 1 };
    assert_eq!(
        kinds(&c)
            .into_iter()
            .filter(|k| k.code().as_str() == "E-QUARTER")
            .collect::<Vec<_>>(),
        [
            Kind::QuarterEmpty {
                end: QuarterEnd::Start,
                example
            },
            Kind::QuarterUnreadable {
                end: QuarterEnd::End,
                text: "언젠가".into(),
                example
            },
            Kind::QuarterReversed {
                start: Quarter { year: 2024, q: 1 },
                end: Quarter { year: 2023, q: 2 }
            },
        ]
    );
}

#[test]
fn a_filled_subprogram_for_a_program_without_any_is_told_to_clear_it() {
    let mut b = innopolis();
    b.set("제출정보", "B5", t("세부 없음"));
    let c = check_book(&b);
    assert_eq!(
        kinds(&c),
        [Kind::NoSubprograms {
            program: "안산 강소연구개발특구 운영".into(),
            typed: "세부 없음".into()
        }]
    );
    assert!(
        !c.findings[0].message.contains("비워 두"),
        "{}",
        c.findings[0].message
    );
}

/// Item 9: a leaf whose only file was rejected is 반려 with its reason in 요약, its
/// findings in 검증결과, and 제출이력 names its 사업 and a Korean reason.
#[test]
fn a_leaf_whose_only_file_was_rejected_shows_banryeo_and_why() {
    let sb = Sandbox::new();
    sb.drop_fixture("flawed/sum_mismatch.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(1));
    let leaf = "안산 강소연구개발특구 운영";

    let s = read_sheet(&sb.report(), "요약");
    let (r, _) = s.find(leaf).expect("leaf row");
    assert_eq!(
        [s.get(r, 2), s.get(r, 3), s.get(r, 5)],
        [
            "반려",
            "sum_mismatch.xlsx",
            "반려: 행 합계 불일치, 열 합계 불일치"
        ]
    );
    assert_eq!(s.find_all("미제출").len(), 3, "the other three leaves");
    assert!(s.find("제출 현황 (0/4 제출, 1 반려)").is_some());

    // Both sheets open with their title and a lead line; the table's header is row 3.
    let f = read_sheet(&sb.report(), "검증결과");
    assert_eq!(f.get(0, 0), "검증결과");
    assert_eq!(f.rows[2], ["사업", "파일", "구분", "코드", "위치", "내용"]);
    let rows: Vec<[&str; 4]> = (3..f.rows.len())
        .map(|i| [f.get(i, 0), f.get(i, 1), f.get(i, 3), f.get(i, 4)])
        .collect();
    assert_eq!(
        rows,
        [
            [leaf, "sum_mismatch.xlsx", "E-ROWSUM", "투자계획!B6"],
            [leaf, "sum_mismatch.xlsx", "E-COLSUM", "투자계획!E4"],
        ]
    );

    let h = read_sheet(&sb.report(), "제출이력");
    assert_eq!(h.get(0, 0), "제출이력");
    assert_eq!(
        h.rows[2],
        [
            "번호",
            "받은 시각",
            "파일명",
            "사업",
            "결과",
            "사유",
            "코드",
            "파일 식별값"
        ]
    );
    assert_eq!(
        [
            h.get(3, 2),
            h.get(3, 3),
            h.get(3, 4),
            h.get(3, 5),
            h.get(3, 6)
        ],
        [
            "sum_mismatch.xlsx",
            leaf,
            "반려",
            "행 합계 불일치, 열 합계 불일치",
            "E-ROWSUM, E-COLSUM"
        ]
    );
    assert_eq!(h.get(3, 7).len(), 12, "a 12-character file identity");

    // The leaf's accepted file arrives: it is current again, and 반려 is gone.
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let s = read_sheet(&sb.report(), "요약");
    let (r, _) = s.find(leaf).unwrap();
    assert_eq!(s.get(r, 2), "제출");
    assert!(s.find_all("반려").is_empty());
}

/// Operators meet Korean first, with the file, line and field; the system's or the
/// parser's English only as `(기술 정보: …)`.
#[test]
fn operator_errors_are_korean_first() {
    let sb = Sandbox::new();
    let out = sb.gongyak(&["check", "없는 파일.xlsx"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("없는 파일.xlsx: 파일이 없습니다.") && err.contains("(기술 정보: "),
        "{err}"
    );

    let missing = sb.path().join("없는 정의 폴더");
    let out = sb.gongyak(&["run", "--templates", missing.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("정의 폴더") && err.contains("--templates 경로가 맞는지 확인해 주십시오"),
        "{err}"
    );

    let def = sb.templates().join("ansan-innopolis.toml");
    let text =
        std::fs::read_to_string(&def)
            .unwrap()
            .replacen("budget = 20560", "budget = 20000", 1);
    std::fs::write(&def, text).unwrap();
    let out = sb.gongyak(&["run"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("공약 정의 파일")
            && err.contains("ansan-innopolis.toml")
            && err.contains("항목 `programs.budget`: 사업비를 모두 더하면 85800인데 declared.total은 86360입니다."),
        "{err}"
    );
}

/// The README's glossary (Korean section) lists every code with its short Korean
/// name, the one 제출이력 and 요약 show.
#[test]
fn the_readme_glossary_names_every_code() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for c in gongyak::core::finding::Code::ALL {
        let row = format!("| {} | {} |", c.as_str(), c.name_ko());
        assert!(readme.contains(&row), "README lacks {row}");
    }
}

/// MESSAGES.md: "twelve identical formula errors are one message listing the cells".
/// A file saved without calculated results had twelve E-FORMULA findings, one per
/// cell; now it has one that lists them, and the review copy still marks each cell.
#[test]
fn twelve_missing_formula_results_are_one_message_listing_the_cells_each_marked() {
    let bytes = std::fs::read(fixtures().join("flawed/no_cached_values.xlsx")).unwrap();
    let c = check_raw(&bytes);
    assert_eq!(c.findings.len(), 1, "{:#?}", c.findings);
    let Some(Kind::FormulasWithoutValues {
        sheet,
        cells,
        formula,
    }) = &c.findings[0].kind
    else {
        panic!("{:#?}", c.findings);
    };
    assert_eq!(sheet, "투자계획");
    assert_eq!(cells.len(), 12);
    assert_eq!(cells[0], CellRef::new(3, 1));
    assert_eq!(formula, "SUM(C4:I4)");
    assert!(
        c.findings[0].message.contains("12칸"),
        "{}",
        c.findings[0].message
    );

    let sb = Sandbox::new();
    sb.drop_fixture("flawed/no_cached_values.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(1));
    let note =
        std::fs::read_to_string(sb.inbox().join("rejected/no_cached_values.오류.txt")).unwrap();
    assert_eq!(note.matches("E-FORMULA").count(), 1, "{note}");
    assert!(note.contains("오류 1건"), "{note}");
    let notes = crate::watch::review_notes(&sb.inbox().join("rejected/no_cached_values.검토.xlsx"));
    let marked: Vec<String> = notes.keys().cloned().collect();
    let expected: Vec<String> = cells.iter().map(|c| format!("투자계획!{c}")).collect();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(marked, expected_sorted);
    assert!(
        notes.values().all(|n| n.contains("E-FORMULA")),
        "{notes:#?}"
    );
}
