//! Issue 16: the quarterly 추진실적 sheet (SPEC §11) — every field and tolerance read,
//! each finding, a file without the sheet unchanged, and the pledge report's 추진실적
//! sheet for the four seed leaves.

use crate::common::*;
use gongyak::core::check::Checked;
use gongyak::core::finding::Kind;
use gongyak::core::model::{Progress, Status};
use rust_decimal::Decimal;
use std::str::FromStr;

pub const PROG: &str = "추진실적";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Per source `[기투자, 2022..2026]` of 확보액 or 집행액.
pub type Actuals = [(&'static str, [f64; 6]); 4];

/// Within the innopolis plan (INNOPOLIS), 집행 below 확보 everywhere.
pub const SECURED: Actuals = [
    ("국비", [4860.0, 3000.0, 3000.0, 3000.0, 1000.0, 500.0]),
    ("도비", [400.0, 300.0, 300.0, 300.0, 110.0, 0.0]),
    ("시비", [1000.0, 600.0, 600.0, 600.0, 290.0, 100.0]),
    ("기타", [0.0; 6]),
];
pub const SPENT: Actuals = [
    ("국비", [4860.0, 3000.0, 2800.0, 2500.0, 500.0, 0.0]),
    ("도비", [400.0, 300.0, 300.0, 200.0, 0.0, 0.0]),
    ("시비", [1000.0, 600.0, 600.0, 400.0, 100.0, 0.0]),
    ("기타", [0.0; 6]),
];

/// Row (1-based) of the 재원 확보·집행 header, of the first 확보액 row (계) and of the
/// first 집행액 row, and of the 지표 header in the sheet [`add_progress`] writes.
pub const MONEY_HEADER: u32 = 10;
pub const SECURED_SUM: u32 = 11;
pub const SPENT_SUM: u32 = 16;
pub const INDICATOR_HEADER: u32 = 23;

/// Adds a valid 추진실적 sheet in the form's layout: pairs in A3:B7, the money table at
/// A10 (`구분 | 재원 | 총계 | 기투자 | 2022년…2026년`) with 확보액 (rows 11–15) and 집행액
/// (rows 16–20), 구분 merged over each group, then 지표 실적 at A23.
pub fn add_progress(
    b: &mut Book,
    status: &str,
    rate: Cell,
    secured: &Actuals,
    spent: &Actuals,
    indicators: &[(&str, &str, [Option<f64>; 5])],
) {
    let s = PROG;
    b.set(s, "A1", t("공약 추진실적 보고"));
    for (i, (label, value)) in [
        ("추진상황", t(status)),
        ("추진율", rate),
        ("추진실적", t("강소특구 기술사업화 지원 12건 완료")),
        ("문제점 및 대책", t("국비 교부 지연: 중앙부처 협의")),
        ("향후계획", t("2027년 연구소기업 추가 지정 추진")),
    ]
    .into_iter()
    .enumerate()
    {
        b.set(s, &format!("A{}", 3 + i), t(label));
        b.set(s, &format!("B{}", 3 + i), value);
    }
    b.set(s, "A9", t("재원 확보·집행"));
    b.set(s, "I9", t("(단위 : 백만원)"));
    let header = [
        "구분",
        "재원",
        "총계",
        "기투자",
        "2022년",
        "2023년",
        "2024년",
        "2025년",
        "2026년",
    ];
    for (c, h) in header.iter().enumerate() {
        b.sheet(s).insert((MONEY_HEADER - 1, c as u16), t(h));
    }
    for (group, first, table) in [
        ("확보액", SECURED_SUM, secured),
        ("집행액", SPENT_SUM, spent),
    ] {
        let r0 = first - 1;
        b.set(s, &format!("A{first}"), t(group));
        b.merge(s, &format!("A{first}"), &format!("A{}", first + 4));
        b.sheet(s).insert((r0, 1), t("계"));
        let mut sums = [0.0f64; 7];
        for (k, (src, vals)) in table.iter().enumerate() {
            let r = r0 + 1 + k as u32;
            b.sheet(s).insert((r, 1), t(src));
            let total: f64 = vals.iter().sum();
            b.sheet(s).insert((r, 2), Cell::Num(total));
            sums[0] += total;
            for (j, v) in vals.iter().enumerate() {
                b.sheet(s).insert((r, 3 + j as u16), Cell::Num(*v));
                sums[1 + j] += v;
            }
        }
        for (j, v) in sums.iter().enumerate() {
            b.sheet(s).insert((r0, 2 + j as u16), Cell::Num(*v));
        }
    }
    b.set(s, "A22", t("지표 실적"));
    let ih = [
        "지표", "단위", "2022년", "2023년", "2024년", "2025년", "2026년",
    ];
    for (c, h) in ih.iter().enumerate() {
        b.sheet(s).insert((INDICATOR_HEADER - 1, c as u16), t(h));
    }
    for (k, (name, unit, vals)) in indicators.iter().enumerate() {
        let r = INDICATOR_HEADER + k as u32;
        b.sheet(s).insert((r, 0), t(name));
        b.sheet(s).insert((r, 1), t(unit));
        for (j, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                b.sheet(s).insert((r, 2 + j as u16), Cell::Num(*v));
            }
        }
    }
}

/// The innopolis leaf with a valid 추진실적 (정상추진, 85).
fn innopolis_progress() -> Book {
    let mut b = innopolis();
    add_progress(
        &mut b,
        "정상추진",
        Cell::Num(85.0),
        &SECURED,
        &SPENT,
        &[
            ("기술이전", "건", [Some(6.0), Some(8.0), None, None, None]),
            (
                "연구소기업 설립",
                "개소",
                [Some(4.0), None, None, None, None],
            ),
            ("신규창업", "개소", [Some(5.0), None, None, None, None]),
        ],
    );
    b
}

fn progress_of(c: &Checked) -> &Progress {
    assert!(c.accepted(), "expected acceptance, got {:#?}", c.findings);
    c.submission
        .as_ref()
        .and_then(|s| s.progress.as_ref())
        .expect("progress read")
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

fn kinds(c: &Checked) -> Vec<&Kind> {
    c.findings.iter().filter_map(|f| f.kind.as_ref()).collect()
}

// ---- reading ----------------------------------------------------------------------

#[test]
fn every_field_of_the_sheet_is_read() {
    let c = check_book(&innopolis_progress());
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    let p = progress_of(&c);
    assert_eq!(p.status, Status::OnTrack);
    assert_eq!(p.rate, d("85"));
    assert_eq!(p.achievements, "강소특구 기술사업화 지원 12건 완료");
    assert_eq!(p.problems, "국비 교부 지연: 중앙부처 협의");
    assert_eq!(p.plans, "2027년 연구소기업 추가 지정 추진");
    assert_eq!(p.secured.sources["국비"].before, d("4860"));
    assert_eq!(p.secured.sources["국비"].years[&2026], d("500"));
    assert_eq!(p.secured.sources["국비"].total, d("15360"));
    assert_eq!(p.secured.sum.years[&2022], d("3900"));
    assert_eq!(p.spent.sources["시비"].years[&2025], d("100"));
    assert_eq!(p.spent.sum.total, d("17560"));
    let names: Vec<&str> = p.indicators.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["기술이전", "연구소기업 설립", "신규창업"]);
    assert_eq!(p.indicators[0].values[&2023], d("8"));
    assert!(
        !p.indicators[0].values.contains_key(&2024),
        "empty = not measured"
    );
    assert_eq!(p.indicators[0].unit, "건");
}

#[test]
fn a_file_without_the_sheet_is_plan_only() {
    let c = check_book(&innopolis());
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(c.submission.as_ref().unwrap().progress, None);
    // Its ledger form has no progress field at all (old readers see the same line).
    let json = serde_json::to_string(c.submission.as_ref().unwrap()).unwrap();
    assert!(!json.contains("progress"), "{json}");
}

#[test]
fn a_ledger_line_without_progress_still_reads() {
    let c = check_book(&innopolis_progress());
    let mut v = serde_json::to_value(c.submission.as_ref().unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("progress");
    let back: gongyak::core::model::Submission = serde_json::from_value(v).unwrap();
    assert_eq!(back.progress, None);
    // And a submission with progress round-trips whole.
    let s = c.submission.as_ref().unwrap();
    let again: gongyak::core::model::Submission =
        serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
    assert_eq!(&again, s);
}

#[test]
fn status_ignores_spaces_and_rate_takes_percent_in_every_written_form() {
    let cases: [(Cell, &str); 7] = [
        (Cell::Num(85.0), "85"),
        (t("85%"), "85"),
        (t(" 85 % "), "85"),
        (t("85"), "85"),
        // A percent-formatted cell stores 0.85.
        (Cell::Num(0.85), "85"),
        (Cell::Num(1.0), "100"),
        (t("0.5%"), "0.5"),
    ];
    for (cell, want) in cases {
        let mut b = innopolis_progress();
        b.set(PROG, "B3", t("이행 후 계속 추진"));
        b.set(PROG, "B4", cell.clone());
        let c = check_book(&b);
        let p = progress_of(&c);
        assert_eq!(p.status, Status::DoneContinuing);
        assert_eq!(p.rate, d(want), "{cell:?}");
    }
}

#[test]
fn labels_tolerate_spaces_synonyms_and_a_shifted_sheet() {
    let mut b = innopolis_progress();
    b.set(PROG, "A3", t("추 진 상 황"))
        .set(PROG, "A4", t("추진률 :"))
        .set(PROG, "A6", t("문제점 및 해결방안"))
        .set(PROG, "A7", t("향후 추진계획"))
        .set(PROG, "B12", t(" 국 비 "))
        .set(PROG, "D10", t("기투자액"))
        .set(PROG, "E10", t("'22년"))
        .set(PROG, "C10", t("총사업비"));
    b.shift(PROG, 2, 1);
    let c = check_book(&b);
    let p = progress_of(&c);
    assert_eq!(p.status, Status::OnTrack);
    assert_eq!(p.rate, d("85"));
    assert_eq!(p.problems, "국비 교부 지연: 중앙부처 협의");
    assert_eq!(p.plans, "2027년 연구소기업 추가 지정 추진");
    assert_eq!(p.secured.sources["국비"].years[&2022], d("3000"));
}

#[test]
fn amounts_take_every_tolerance_of_section_4() {
    let mut b = innopolis_progress();
    // 천원: every amount × 1,000 reads the same in 백만원.
    for ((r, c), v) in b.sheet(PROG).iter_mut() {
        if (SECURED_SUM - 1..SPENT_SUM + 4).contains(r)
            && (2..=8).contains(c)
            && let Cell::Num(n) = v
        {
            *n *= 1000.0;
        }
    }
    b.set(PROG, "I9", t("(단위: 천원)"));
    // Numeric text with separators, full-width digits, and `-` for zero.
    b.set(PROG, "E12", t("3,000,000"))
        .set(PROG, "F12", t("３００００００"))
        .set(PROG, "I15", t("-"))
        .set(PROG, "I15", t("–"));
    let c = check_book(&b);
    let p = progress_of(&c);
    assert_eq!(p.secured.sources["국비"].years[&2022], d("3000"));
    assert_eq!(p.secured.sources["국비"].years[&2023], d("3000"));
    assert_eq!(p.secured.sources["국비"].total, d("15360"));
    assert_eq!(p.secured.sources["기타"].years[&2026], d("0"));
}

#[test]
fn unreadable_amounts_are_e_number_e_formula_and_negatives_e_negative() {
    let mut b = innopolis_progress();
    b.set(PROG, "E12", t("삼천"))
        .set(PROG, "F17", t("#REF!"))
        .set(PROG, "G14", t("△100"));
    let c = check_book(&b);
    assert_finding(&c, "E-NUMBER", "추진실적!E12");
    assert_finding(&c, "E-FORMULA", "추진실적!F17");
    assert_finding(&c, "E-NEGATIVE", "추진실적!G14");
    assert!(kinds(&c).contains(&&Kind::NegativeActual {
        what: "확보액".into(),
        raw: d("-100"),
        unit: "백만원".into(),
    }));
    let msg = message(&c, "E-NEGATIVE");
    assert!(msg.contains("확보액이 음수(-100백만원)입니다"), "{msg}");
    assert!(!c.accepted());
}

#[test]
fn a_formula_without_its_result_is_e_formula() {
    let mut b = innopolis_progress();
    b.set(PROG, "C11", Cell::Formula("SUM(C12:C15)".into()));
    // rust_xlsxwriter stores a cached 0: a stale 계 formula, one E-FORMULA for the table.
    let c = check_book(&b);
    assert_finding(&c, "E-FORMULA", "추진실적!C11");
    assert!(!c.accepted());
}

// ---- findings ---------------------------------------------------------------------

#[test]
fn status_missing_or_unknown_is_e_status_listing_the_words() {
    let mut b = innopolis_progress();
    b.set(PROG, "B3", t("진행중"));
    let c = check_book(&b);
    assert_finding(&c, "E-STATUS", "추진실적!B3");
    let msg = message(&c, "E-STATUS");
    assert!(
        msg.contains("추진상황 '진행중'은 정해진 값이 아닙니다"),
        "{msg}"
    );
    assert!(
        msg.contains("'완료', '이행후계속추진', '정상추진'"),
        "{msg}"
    );
    assert!(!c.accepted());

    let mut b = innopolis_progress();
    b.remove(PROG, "B3");
    let c = check_book(&b);
    assert_finding(&c, "E-STATUS", "추진실적!B3");
    assert!(kinds(&c).contains(&&Kind::Status { typed: None }));
}

#[test]
fn rate_outside_0_to_100_or_not_a_number_is_e_rate() {
    for (cell, typed) in [
        (Cell::Num(120.0), Some("120")),
        (t("많이"), Some("많이")),
        (Cell::Num(-5.0), Some("-5")),
    ] {
        let mut b = innopolis_progress();
        b.set(PROG, "B4", cell);
        let c = check_book(&b);
        assert_finding(&c, "E-RATE", "추진실적!B4");
        assert!(kinds(&c).contains(&&Kind::Rate {
            typed: typed.map(str::to_owned)
        }));
    }
    let mut b = innopolis_progress();
    b.remove(PROG, "B4");
    let c = check_book(&b);
    assert!(kinds(&c).contains(&&Kind::Rate { typed: None }));
}

#[test]
fn an_unknown_indicator_is_e_indicator_with_a_similar_name_only_when_similar() {
    let mut b = innopolis_progress();
    b.set(PROG, "A24", t("기술 이전 건수"))
        .set(PROG, "A25", t("주민 만족도"));
    let c = check_book(&b);
    assert_finding(&c, "E-INDICATOR", "추진실적!A24");
    assert_finding(&c, "E-INDICATOR", "추진실적!A25");
    let valid: Vec<String> = ["기술이전", "연구소기업 설립", "신규창업"]
        .map(str::to_owned)
        .to_vec();
    let ks = kinds(&c);
    assert!(ks.contains(&&Kind::UnknownIndicator {
        typed: "기술 이전 건수".into(),
        valid: valid.clone(),
        similar: Some("기술이전".into()),
    }));
    assert!(ks.contains(&&Kind::UnknownIndicator {
        typed: "주민 만족도".into(),
        valid,
        similar: None,
    }));
    let msgs: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "E-INDICATOR")
        .map(|f| f.message.as_str())
        .collect();
    assert!(msgs[0].contains("비슷한 이름: '기술이전'"), "{}", msgs[0]);
    assert!(!msgs[1].contains("비슷한 이름"), "{}", msgs[1]);
    assert!(
        msgs[1].contains("'기술이전', '연구소기업 설립', '신규창업'"),
        "{}",
        msgs[1]
    );
}

#[test]
fn a_non_numeric_indicator_actual_is_e_number() {
    let mut b = innopolis_progress();
    b.set(PROG, "D24", t("많음"));
    let c = check_book(&b);
    assert_finding(&c, "E-NUMBER", "추진실적!D24");
}

#[test]
fn spending_above_securing_is_w_overspend_per_source_and_year() {
    let mut spent = SPENT;
    spent[2].1[4] = 700.0; // 시비 2025: 700 spent of 290 secured
    let mut b = innopolis();
    add_progress(&mut b, "정상추진", Cell::Num(85.0), &SECURED, &spent, &[]);
    let c = check_book(&b);
    assert!(c.accepted(), "a warning only: {:#?}", c.findings);
    assert_finding(&c, "W-OVERSPEND", "추진실적!H19");
    assert!(kinds(&c).contains(&&Kind::Overspend {
        source: "시비".into(),
        column: "2025년".into(),
        secured: d("290"),
        spent: d("700"),
        unit: "백만원".into(),
    }));
    let msg = message(&c, "W-OVERSPEND");
    assert!(
        msg.contains("시비 2025년 집행액 700백만원이 확보액 290백만원보다 410백만원 많습니다"),
        "{msg}"
    );
    assert_eq!(
        codes(&c).iter().filter(|(k, _)| k == "W-OVERSPEND").count(),
        1
    );
}

#[test]
fn securing_above_the_plan_is_w_oversecure() {
    let mut secured = SECURED;
    secured[0].1[5] = 1500.0; // 국비 2026: plan 1,000
    let mut b = innopolis();
    add_progress(&mut b, "정상추진", Cell::Num(85.0), &secured, &SPENT, &[]);
    let c = check_book(&b);
    assert!(c.accepted(), "{:#?}", c.findings);
    assert_finding(&c, "W-OVERSECURE", "추진실적!I12");
    assert!(kinds(&c).contains(&&Kind::Oversecure {
        source: "국비".into(),
        column: "2026년".into(),
        planned: d("1000"),
        secured: d("1500"),
        unit: "백만원".into(),
    }));
}

#[test]
fn status_and_rate_that_disagree_are_w_status_rate() {
    for (status, rate, warned) in [
        ("완료", 90.0, true),
        ("정상추진", 100.0, true),
        ("완료", 100.0, false),
        ("이행후계속추진", 100.0, false),
        ("정상추진", 90.0, false),
    ] {
        let mut b = innopolis();
        add_progress(&mut b, status, Cell::Num(rate), &SECURED, &SPENT, &[]);
        let c = check_book(&b);
        assert!(c.accepted(), "{:#?}", c.findings);
        assert_eq!(
            has(&c, "W-STATUS-RATE", "추진실적!B4"),
            warned,
            "{status} {rate}"
        );
    }
}

#[test]
fn sums_on_the_sheet_are_cross_footed() {
    let mut b = innopolis_progress();
    b.set(PROG, "C12", Cell::Num(15000.0)); // 국비 확보 총계 15,360
    b.set(PROG, "F16", Cell::Num(9999.0)); // 집행 계 2023: 3,700
    let c = check_book(&b);
    assert_finding(&c, "E-ROWSUM", "추진실적!C12");
    assert_finding(&c, "E-COLSUM", "추진실적!F16");
    assert!(!c.accepted());
}

#[test]
fn a_sheet_without_the_money_table_is_e_sheet() {
    let mut b = innopolis_progress();
    b.set(PROG, "B10", t("출처"));
    let c = check_book(&b);
    assert_finding(&c, "E-SHEET", "추진실적");
    let mut b = innopolis_progress();
    b.remove(PROG, "B20"); // 집행액 기타 row label
    let c = check_book(&b);
    let msg = message(&c, "E-SHEET");
    assert!(msg.contains("집행액 기타 행이 없습니다"), "{msg}");
}

// ---- the pledge report ------------------------------------------------------------

/// The four seed leaves with progress: innopolis 정상추진 85, smart center 완료 100,
/// IVDX 일부추진 40, smart factory 이행후계속추진 100.
fn seed_with_progress() -> Vec<Book> {
    let mut books = seed_books();
    let zero: Actuals = [
        ("국비", [0.0; 6]),
        ("도비", [0.0; 6]),
        ("시비", [0.0; 6]),
        ("기타", [0.0; 6]),
    ];
    add_progress(
        &mut books[0],
        "정상추진",
        Cell::Num(85.0),
        &SECURED,
        &SPENT,
        &[
            ("기술이전", "건", [Some(6.0), Some(8.0), None, None, None]),
            (
                "연구소기업 설립",
                "개소",
                [Some(4.0), None, None, None, None],
            ),
            ("신규창업", "개소", [Some(5.0), None, None, None, None]),
        ],
    );
    add_progress(&mut books[1], "완료", t("100%"), &zero, &zero, &[]);
    add_progress(&mut books[2], "일부추진", Cell::Num(0.4), &zero, &zero, &[]);
    add_progress(
        &mut books[3],
        "이행후계속추진",
        Cell::Num(100.0),
        &zero,
        &zero,
        &[("기초지원", "개사", [Some(5.0), None, None, None, None])],
    );
    books
}

#[test]
fn the_report_has_a_progress_sheet_for_the_seed_pledge() {
    let sb = Sandbox::new();
    for (i, b) in seed_with_progress().iter().enumerate() {
        sb.drop_bytes(&format!("실적_{i}.xlsx"), &b.to_bytes());
    }
    sb.gongyak_ok(&["run"]);
    let accepted: Vec<String> = sb
        .files_in("accepted")
        .into_iter()
        .filter(|f| f.ends_with(".xlsx"))
        .collect();
    assert_eq!(
        accepted.len(),
        4,
        "all accepted: {:?}",
        sb.files_in("rejected")
    );
    let report = sb.report();
    assert!(sheet_names(&report).contains(&PROG.to_owned()));
    let g = read_sheet(&report, PROG);
    // Derived status: the least advanced leaf (일부추진). 추진율 weighted by the leaves'
    // 공약 사업비: (20,560×85 + 46,500×100 + 16,000×40 + 3,300×100) ÷ 86,360.
    assert_eq!(g.get(1, 0), "공약 추진상황");
    assert_eq!(g.get(1, 1), "일부추진");
    let rate: f64 = g.get(2, 1).parse().unwrap();
    let want =
        (20560.0 * 85.0 + 46500.0 * 100.0 + 16000.0 * 40.0 + 3300.0 * 100.0) / 86360.0 / 100.0;
    assert!((rate - want).abs() < 1e-12, "{rate} vs {want}");
    assert!(g.get(1, 2).contains("가장 덜 진척된"), "the rule is stated");

    // Leaf table: status, 추진율 (as a fraction in a percent cell), 기준일, texts.
    let (hr, _) = g.find("추진상황").unwrap();
    let leaf_rows: Vec<Vec<&str>> = (hr + 1..hr + 5)
        .map(|r| (2..6).map(|c| g.get(r, c)).collect())
        .collect();
    assert_eq!(
        leaf_rows,
        [
            vec![
                "정상추진",
                "0.85",
                "2026-11-20",
                "강소특구 기술사업화 지원 12건 완료"
            ],
            vec![
                "완료",
                "1",
                "2026-11-20",
                "강소특구 기술사업화 지원 12건 완료"
            ],
            vec![
                "일부추진",
                "0.4",
                "2026-11-20",
                "강소특구 기술사업화 지원 12건 완료"
            ],
            vec![
                "이행후계속추진",
                "1",
                "2026-11-20",
                "강소특구 기술사업화 지원 12건 완료"
            ],
        ]
    );

    // Money: the pledge's 계 block first (계획 = all four plans, 확보/집행 = innopolis).
    let (mh, _) = g.find("재원").unwrap();
    assert_eq!(g.get(mh, 4), "2022년");
    assert_eq!(g.get(mh, 9), "임기 내");
    assert_eq!(g.get(mh + 1, 0), "공약 전체");
    assert_eq!(g.get(mh + 1, 2), "계");
    let col = |r: usize| -> Vec<&str> { (4..10).map(|c| g.get(r, c)).collect() };
    // 계획 2022: 3,900 + 3,900 + 2,000 + 400 (the four leaves' plans), and so on.
    assert_eq!(
        col(mh + 1),
        ["10200", "15900", "6900", "3850", "3850", "40700"]
    );
    assert_eq!(
        col(mh + 2),
        ["3900", "3900", "3900", "1400", "600", "13700"]
    );
    let secured_rate: f64 = g.get(mh + 3, 4).parse().unwrap();
    assert!((secured_rate - 3900.0 / 10200.0).abs() < 1e-12);
    assert_eq!(col(mh + 4), ["3900", "3700", "3100", "600", "0", "11300"]);
    let spent_term: f64 = g.get(mh + 5, 9).parse().unwrap();
    assert!((spent_term - 11300.0 / 40700.0).abs() < 1e-12);
    // 기타: no plan in 2024 → 확보율 `-`; 1,000 planned in 2022, none secured → 0.
    let other = mh + 1 + 4 * 5;
    assert_eq!(g.get(other, 2), "기타");
    assert_eq!(g.get(other + 2, 6), "-");
    assert_eq!(g.get(other + 2, 4), "0");

    // Indicators: innopolis 기술이전 target 5 in 2022 (the seed's), actual 6 → 달성;
    // the target of 2023 is 미정 → `-`.
    let (ir, _) = g.find("기술이전 (건)").unwrap();
    assert_eq!(g.get(ir, 3), "목표");
    assert_eq!(g.get(ir, 4), "5");
    assert_eq!(g.get(ir + 1, 4), "6");
    assert_eq!(g.get(ir + 2, 4), "달성");
    assert_eq!(g.get(ir, 5), "미정");
    assert_eq!(g.get(ir + 2, 5), "-");
    let (br, _) = g.find("기초지원 (개사)").unwrap();
    assert_eq!(g.get(br + 2, 4), "달성");
    let (nr, _) = g.find("신규창업 (개소)").unwrap();
    assert_eq!(g.get(nr + 2, 4), "달성");

    // The overview's 총괄 carries the city's status counts and 공약이행완료율 with its
    // numerator and denominator: one pledge, 일부추진 (its least advanced leaf), so 0 ÷ 1.
    let overview = sb.outbox().join("공약총괄현황.xlsx");
    let g = read_sheet(&overview, "총괄");
    let (hr, _) = g.find("공약이행완료율").expect("rates block on 총괄");
    let col = |name: &str| {
        (0..g.rows[hr].len())
            .find(|&c| g.get(hr, c) == name)
            .unwrap()
    };
    let city = (hr + 1..g.rows.len())
        .find(|&r| g.get(r, 0) == "전체")
        .unwrap();
    assert_eq!(g.get(city, col("계")), "1");
    assert_eq!(g.get(city, col("일부추진")), "1");
    assert_eq!(g.get(city, col("완료")), "0");
    assert_eq!(g.get(city, col("분자")), "0");
    assert_eq!(g.get(city, col("분모")), "1");
    // 일부추진 puts its leaf on the 부진사업 list for the 보고회.
    let lag = read_sheet(&overview, "부진사업");
    assert!(lag.find("일부추진").is_some(), "{:?}", lag.rows);
}

#[test]
fn a_plan_only_pledge_report_has_no_progress_sheet() {
    let sb = Sandbox::new();
    sb.drop_seed();
    sb.gongyak_ok(&["run"]);
    assert!(!sheet_names(&sb.report()).contains(&PROG.to_owned()));
}
