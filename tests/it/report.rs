//! Issue 3: the report workbook managers open (SPEC §7). Golden read-back of every
//! table with its merged labels, print and style settings, formula-injection texts,
//! atomic replacement with history, and LibreOffice opening the report.
//!
//! The LibreOffice test needs `soffice`: under `CI=true` a missing one fails the test;
//! otherwise the test prints a note and passes.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

const INVEST: &str = "연차별 투자계획";
const SMART: &str = "스마트제조혁신센터 기반구축 및 활성화";

fn run_seed() -> Sandbox {
    let sb = Sandbox::new();
    sb.drop_seed();
    sb.gongyak_ok(&["run"]);
    sb
}

/// The table the report must show for the sum of some leaves' amounts, as display
/// texts `[label, 총계, 기투자, 2022년…2026년, 임기후]`, `sum_label` on the first row.
fn expected_table(leaves: &[&Amounts], sum_label: &str) -> Vec<Vec<String>> {
    let mut rows = vec![INVEST_HEADER.map(str::to_owned).to_vec()];
    let mut sum = [0i64; 8];
    let mut sources = Vec::new();
    for k in 0..4 {
        let mut cells = [0i64; 8];
        for leaf in leaves {
            for (j, v) in leaf[k].1.iter().enumerate() {
                cells[1 + j] += *v as i64;
            }
        }
        cells[0] = cells[1..].iter().sum();
        for j in 0..8 {
            sum[j] += cells[j];
        }
        sources.push((leaves[0][k].0, cells));
    }
    let line = |label: &str, c: &[i64; 8]| {
        std::iter::once(label.to_owned())
            .chain(c.iter().map(|v| v.to_string()))
            .collect::<Vec<_>>()
    };
    rows.push(line(sum_label, &sum));
    for (name, c) in &sources {
        rows.push(line(name, c));
    }
    rows
}

/// Whether a merged range covers exactly rows r1..=r2 and columns c1..=c2 (0-based).
fn merged(g: &SheetGrid, (r1, c1): (usize, usize), (r2, c2): (usize, usize)) -> bool {
    g.merges
        .iter()
        .any(|d| d.start == (r1 as u32, c1 as u32) && d.end == (r2 as u32, c2 as u32))
}

/// Checks the reference layout of the table whose `구분` header is at (r, 0): 구분 and
/// the sum label merged over the two label columns, 재원별 merged down the sources,
/// (the unit note is checked by the callers: once per printed page).
fn assert_reference_layout(g: &SheetGrid, r: usize, what: &str) {
    assert_eq!(g.get(r, 0), "구분", "{what}");
    assert!(merged(g, (r, 0), (r, 1)), "{what}: 구분 not merged");
    assert!(merged(g, (r + 1, 0), (r + 1, 1)), "{what}: 계 not merged");
    assert_eq!(g.get(r + 2, 0), "재원별", "{what}");
    assert!(
        merged(g, (r + 2, 0), (r + 5, 0)),
        "{what}: 재원별 not merged"
    );
    let sources: Vec<&str> = (r + 2..r + 6).map(|k| g.get(k, 1)).collect();
    assert_eq!(sources, ["국비", "도비", "시비", "기타"], "{what}");
}

/// Row of the first cell in column 0 that starts with `prefix`.
fn row_starting(g: &SheetGrid, prefix: &str) -> usize {
    (0..g.rows.len())
        .find(|&r| g.get(r, 0).starts_with(prefix))
        .unwrap_or_else(|| panic!("no row starting with {prefix:?}"))
}

#[test]
fn golden_pledge_and_leaf_tables_in_the_reference_layout() {
    let sb = run_seed();
    let path = sb.report();
    assert_eq!(
        sheet_names(&path),
        [
            "요약",
            INVEST,
            "연차별 추진목표",
            "추진일정",
            "검증결과",
            "제출이력"
        ]
    );

    // The pledge table: figures equal the plan, labels in the reference positions.
    let g = read_sheet(&path, INVEST);
    let (r, c) = g.find("구분").unwrap();
    assert_eq!(c, 0);
    assert_eq!(investment_table_at(&g, r, 0, 9), expected_pledge_table());
    assert_reference_layout(&g, r, "pledge table");
    assert_eq!(
        g.get(r - 1, 9),
        "(단위 : 백만원)",
        "pledge table: unit note"
    );
    assert!(
        merged(&g, (0, 0), (0, 9)),
        "title not merged over the table"
    );

    // Every program and sub-program table (사업별).
    let smart_title = format!("■ {SMART}");
    let cases: [(&str, Vec<&Amounts>, &str); 5] = [
        ("■ 안산 강소연구개발특구 운영", vec![&INNOPOLIS], "계"),
        (&smart_title, vec![&SMART_CENTER, &IVDX], "소계"),
        ("  - 스마트제조혁신센터 설립", vec![&SMART_CENTER], "계"),
        (
            "  - 산업 밸류체인 디지털전환(IVDX) 지원센터 조성",
            vec![&IVDX],
            "계",
        ),
        (
            "■ 안산시 스마트공장 보급·확산 지원사업",
            vec![&SMART_FACTORY],
            "계",
        ),
    ];
    // The unit is printed once per page: on the 사업별 caption line, not on each table.
    let programs = row_starting(&g, "연차별 투자계획 — 사업별");
    assert_eq!(g.get(programs, 9), "(단위 : 백만원)", "사업별 unit note");
    for (title, leaves, sum_label) in &cases {
        let t = row_starting(&g, title);
        assert_eq!(g.get(t, 9), "", "{title}: no unit note of its own");
        assert_eq!(
            investment_table_at(&g, t + 1, 0, 9),
            expected_table(leaves, sum_label),
            "{title}"
        );
        assert_reference_layout(&g, t + 1, title);
    }
    // The four leaves add up to the pledge table.
    assert_eq!(
        expected_table(&[&INNOPOLIS, &SMART_CENTER, &IVDX, &SMART_FACTORY], "계"),
        expected_pledge_table()
    );

    // 요약: one row per leaf with its file, 기준일, status and totals against budgets.
    let s = read_sheet(&path, "요약");
    assert_eq!(s.get(0, 0), ANSAN_TITLE);
    for fact in [
        "사업구분",
        "예산구분",
        "완료시기",
        "사업권한",
        "사업시기",
        "공약실명제",
    ] {
        assert!(s.find(fact).is_some(), "요약 lacks {fact}");
    }
    let (h, _) = s.find("파일").unwrap();
    let rows: Vec<Vec<&str>> = (h + 1..h + 5)
        .map(|r| (0..10).map(|c| s.get(r, c)).collect())
        .collect();
    assert_eq!(
        rows,
        [
            [
                "안산 강소연구개발특구 운영",
                "",
                "제출",
                "innopolis_투자계획_제출.xlsx",
                "2026-11-20",
                "접수",
                "0",
                "20560",
                "20560",
                "0"
            ],
            [
                SMART,
                "스마트제조혁신센터 설립",
                "제출",
                "smart-center_투자계획_제출.xlsx",
                "2026-11-20",
                "접수",
                "0",
                "46500",
                "46500",
                "0"
            ],
            [
                "",
                "산업 밸류체인 디지털전환(IVDX) 지원센터 조성",
                "제출",
                "ivdx_투자계획_제출.xlsx",
                "2026-11-20",
                "접수",
                "0",
                "16000",
                "16000",
                "0"
            ],
            [
                "안산시 스마트공장 보급·확산 지원사업",
                "",
                "제출",
                "smart-factory_투자계획_제출.xlsx",
                "2026-11-20",
                "접수",
                "0",
                "3300",
                "3300",
                "0"
            ],
        ]
    );
    // The program with two sub-programs is merged down over them; the others span
    // both name columns.
    assert!(merged(&s, (h + 2, 0), (h + 3, 0)));
    assert!(merged(&s, (h + 1, 0), (h + 1, 1)));
    // 공약 총사업비 대비 stands beside 공약실명제: 구분 over two columns, then amounts.
    let (d, c) = s.find("공약 총사업비").unwrap();
    assert_eq!(s.get(d, c - 2), "구분");
    for (k, want) in expected_pledge_table()[1..].iter().enumerate() {
        let row: Vec<&str> = [c - 2, c, c + 1, c + 2]
            .into_iter()
            .map(|c| s.get(d + 1 + k, c))
            .collect();
        assert_eq!(
            row,
            [want[0].as_str(), &want[1], &want[1], "0"],
            "totals vs declared"
        );
    }
}

#[test]
fn targets_show_text_indicators_and_the_pending_note_never_zero() {
    let sb = run_seed();
    let g = read_sheet(&sb.report(), "연차별 추진목표");
    let (h, _) = g.find("2022년").unwrap();
    let years: Vec<&str> = (2..7).map(|c| g.get(h, c)).collect();
    assert_eq!(years, ["2022년", "2023년", "2024년", "2025년", "2026년"]);
    let inno = (h + 1..g.rows.len())
        .find(|&r| g.get(r, 0) == "안산 강소연구개발특구 운영")
        .unwrap();
    let y2022 = g.get(inno, 2);
    for want in [
        "강소특구육성 사업추진 (3차년)",
        "기술이전: 10건",
        "연구소기업 설립: 4개소",
        "신규창업: 6개소",
    ] {
        assert!(y2022.contains(want), "2022 cell {y2022:?} lacks {want:?}");
    }
    for c in 3..7 {
        let cell = g.get(inno, c);
        assert!(
            cell.contains("매년 시행계획 수립 후 성과목표 확정"),
            "pending target not shown as its note: {cell:?}"
        );
        assert!(!cell.contains(": 0"), "pending target shown as 0: {cell:?}");
    }

    // Wrapped and tall enough: the row height covers the cell's lines.
    let parts = zip_entries(&std::fs::read(sb.report()).unwrap());
    let sheet = part_text(&parts, "xl/worksheets/sheet3.xml");
    let re = Regex::new(&format!(r#"<row r="{}"[^>]*\sht="([\d.]+)""#, inno + 1)).unwrap();
    let ht: f64 = re
        .captures(&sheet)
        .unwrap_or_else(|| panic!("row {} has no height", inno + 1))[1]
        .parse()
        .unwrap();
    assert!(
        ht >= 4.0 * 13.0,
        "row of 4 lines only {ht} pt high: text clipped"
    );
}

#[test]
fn roadmap_is_a_gantt_of_quarters_filled_where_active() {
    let sb = run_seed();
    let g = read_sheet(&sb.report(), "추진일정");
    // Years merged over their four quarters.
    for (i, y) in (2022..=2026).enumerate() {
        let c = 3 + 4 * i;
        assert_eq!(g.get(1, c), format!("{y}년"));
        assert!(merged(&g, (1, c), (1, c + 3)), "{y}년 not merged");
        let qs: Vec<&str> = (c..c + 4).map(|k| g.get(2, k)).collect();
        assert_eq!(qs, ["1", "2", "3", "4"]);
    }
    // Filled cells exactly where each submitted line is active.
    let cat = catalog();
    let report = gongyak::core::consolidate::consolidate(&cat.pledges[0], &ledger(&sb));
    assert!(report.roadmap.len() >= 5, "seed roadmap lines");
    let parts = zip_entries(&std::fs::read(sb.report()).unwrap());
    let filled = filled_cells(&parts, "xl/worksheets/sheet4.xml", "FF5B9BD5");
    let mut want = BTreeSet::new();
    for (i, item) in report.roadmap.iter().enumerate() {
        let row = 3 + i;
        assert_eq!(g.get(row, 2), item.item.name);
        for k in 0..20usize {
            let ord = 2022 * 4 + k as i64;
            if ord >= item.item.start.ordinal() && ord <= item.item.end.ordinal() {
                want.insert((row, 3 + k));
            }
        }
    }
    assert_eq!(filled, want);
    // Grouped by program: the program cell spans its lines.
    let smart_rows: Vec<usize> = report
        .roadmap
        .iter()
        .enumerate()
        .filter(|(_, r)| r.leaf.program == SMART)
        .map(|(i, _)| 3 + i)
        .collect();
    let (first, last) = (smart_rows[0], *smart_rows.last().unwrap());
    assert_eq!(g.get(first, 0), SMART);
    assert!(merged(&g, (first, 0), (last, 0)));
}

/// Text of one part of an xlsx package.
fn part_text(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, d) = parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(d.clone()).unwrap()
}

/// (row, col), 0-based, of every cell in a sheet whose style fills it with `rgb`.
fn filled_cells(parts: &[(String, Vec<u8>)], sheet: &str, rgb: &str) -> BTreeSet<(usize, usize)> {
    let styles = part_text(parts, "xl/styles.xml");
    let fills_at = styles.find("<fills").unwrap();
    let fills_end = styles.find("</fills>").unwrap();
    let fill = Regex::new(r"(?s)<fill>.*?</fill>")
        .unwrap()
        .find_iter(&styles[fills_at..fills_end])
        .position(|m| m.as_str().contains(&format!(r#"rgb="{rgb}""#)))
        .expect("the fill is defined");
    let xfs_at = styles.find("<cellXfs").unwrap();
    let xfs_end = styles.find("</cellXfs>").unwrap();
    let xf_fill: Vec<usize> = Regex::new(r"<xf [^>]*")
        .unwrap()
        .find_iter(&styles[xfs_at..xfs_end])
        .map(|m| {
            Regex::new(r#"fillId="(\d+)""#)
                .unwrap()
                .captures(m.as_str())
                .map_or(0, |c| c[1].parse().unwrap())
        })
        .collect();
    let xml = part_text(parts, sheet);
    Regex::new(r#"<c r="([A-Z]+\d+)"(?: s="(\d+)")?"#)
        .unwrap()
        .captures_iter(&xml)
        .filter(|c| {
            c.get(2)
                .is_some_and(|s| xf_fill[s.as_str().parse::<usize>().unwrap()] == fill)
        })
        .map(|c| {
            let (r, col) = a1_to_rc(&c[1]);
            (r as usize, col as usize)
        })
        .collect()
}

#[test]
fn print_setup_fonts_chart_and_document_properties() {
    let sb = run_seed();
    let parts = zip_entries(&std::fs::read(sb.report()).unwrap());
    let styles = part_text(&parts, "xl/styles.xml");
    assert!(styles.contains(r#"<name val="맑은 고딕"/>"#), "font");
    assert!(styles.contains(r##"formatCode="#,##0;"##), "amount format");
    assert!(styles.contains(r#"<left style="thin">"#), "thin borders");
    let workbook = part_text(&parts, "xl/workbook.xml");
    for i in 1..=6 {
        let sheet = part_text(&parts, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(
            sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#),
            "sheet{i}: A4 landscape"
        );
        assert!(sheet.contains(r#"fitToHeight="0""#), "sheet{i}: fit width");
        assert!(
            sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "sheet{i}"
        );
        assert!(
            sheet.contains(r#"state="frozen""#),
            "sheet{i}: frozen panes"
        );
        // Titles and headers repeat on each page, except on 연차별 투자계획 (each
        // table has its own caption and header) and an empty 검증결과 (one page).
        let repeats = workbook.contains(&format!(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="{}">"#,
            i - 1
        ));
        assert_eq!(
            repeats,
            ![2, 5].contains(&i),
            "sheet{i}: repeated header rows"
        );
    }
    // Column widths measured for Korean text: the longest program name fits its
    // wrapped column in at most two lines, the 요약 file column in two (it wraps, so
    // the sheet prints at 100 % on A4 landscape).
    let summary = part_text(&parts, "xl/worksheets/sheet1.xml");
    // (Adjacent columns of one width are written as one `<col min max>` range.)
    let width = |col: usize| -> f64 {
        let re = Regex::new(r#"<col min="(\d+)" max="(\d+)" width="([\d.]+)""#).unwrap();
        re.captures_iter(&summary)
            .find(|c| (c[1].parse::<usize>().unwrap()..=c[2].parse().unwrap()).contains(&col))
            .unwrap()[3]
            .parse()
            .unwrap()
    };
    let display = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum::<f64>()
    };
    let file = "smart-factory_투자계획_제출.xlsx";
    assert!(
        width(4) * 2.0 >= display(file),
        "file column {} too narrow",
        width(4)
    );
    assert!(
        width(1) * 2.0 >= display(SMART),
        "사업 column {} does not hold {SMART} in two lines",
        width(1)
    );

    // A native stacked-column chart over the pledge table's years.
    let chart = part_text(&parts, "xl/charts/chart1.xml");
    assert!(chart.contains(r#"<c:barDir val="col"/>"#));
    assert!(chart.contains(r#"<c:grouping val="stacked"/>"#));
    assert_eq!(chart.matches("<c:ser>").count(), 4, "one series per source");
    assert!(
        chart.contains("'연차별 투자계획'!$E$4:$I$4"),
        "year categories"
    );
    assert!(chart.contains("'연차별 투자계획'!$E$6:$I$6"), "국비 values");

    let core = part_text(&parts, "docProps/core.xml");
    assert!(core.contains(&format!("<dc:title>{ANSAN_TITLE}</dc:title>")));
    assert!(core.contains("<dc:creator>산업진흥과</dc:creator>"));
    assert!(
        Regex::new(r"<dcterms:created [^>]*>\d{4}-\d\d-\d\dT")
            .unwrap()
            .is_match(&core)
    );
}

#[test]
fn submitted_text_that_looks_like_a_formula_stays_text() {
    let sb = Sandbox::new();
    let mut b = innopolis();
    let hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "@SUM(1)", "-2+3"];
    for (i, h) in hostile.iter().enumerate() {
        b.set("추진목표", &format!("{}4", ["C", "D", "E", "F"][i]), t(h));
    }
    b.set("추진일정", "A2", t("@SUM(1)"));
    sb.drop_bytes("=1+1.xlsx", &b.to_bytes());
    sb.gongyak_ok(&["run"]);

    let mut wb: Xlsx<_> = open_workbook(sb.report()).unwrap();
    let targets = wb.worksheet_range("연차별 추진목표").unwrap();
    let formulas = wb.worksheet_formula("연차별 추진목표").unwrap();
    let (h, _) = find_data(&targets, "2022년");
    for (i, h_text) in hostile.iter().enumerate() {
        let pos = (h + 1, 2 + i as u32);
        match targets.get_value(pos) {
            // The first line of the cell is the 추진내용, word for word.
            Some(Data::String(s)) => {
                assert_eq!(s.lines().next(), Some(format!("⋅{h_text}").as_str()))
            }
            other => panic!("{h_text}: {other:?}, not a text cell"),
        }
        assert!(
            formulas.get_value(pos).is_none_or(|f| f.is_empty()),
            "{h_text}: became a formula"
        );
    }
    for sheet in ["추진일정", "요약", "제출이력"] {
        let (range, formulas) = (
            wb.worksheet_range(sheet).unwrap(),
            wb.worksheet_formula(sheet).unwrap(),
        );
        let want = if sheet == "추진일정" {
            "@SUM(1)"
        } else {
            "=1+1.xlsx"
        };
        let pos = find_data(&range, want);
        assert!(matches!(range.get_value(pos), Some(Data::String(_))));
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet}"
        );
    }
    let parts = zip_entries(&std::fs::read(sb.report()).unwrap());
    for (name, data) in &parts {
        if name.starts_with("xl/worksheets/") {
            assert!(
                !String::from_utf8_lossy(data).contains("<f>"),
                "{name}: formula"
            );
        }
    }
}

/// Position of the first text cell equal to `text` (absolute row, col).
fn find_data(range: &calamine::Range<Data>, text: &str) -> (u32, u32) {
    range
        .cells()
        .find(|(_, _, d)| matches!(d, Data::String(s) if s == text))
        .map(|(r, c, _)| {
            let (r0, c0) = range.start().unwrap();
            (r0 + r as u32, c0 + c as u32)
        })
        .unwrap_or_else(|| panic!("no cell {text:?}"))
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap())
}

fn history(sb: &Sandbox) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(sb.outbox().join("history"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    v.sort();
    v
}

#[test]
fn report_is_replaced_by_rename_and_dated_copies_follow_content_changes() {
    let sb = run_seed();
    assert_eq!(history(&sb).len(), 1, "first report: one dated copy");
    let first = std::fs::read(sb.report()).unwrap();
    let copy = std::fs::read(sb.outbox().join("history").join(&history(&sb)[0])).unwrap();
    assert_eq!(first, copy, "the dated copy is the report");
    #[cfg(unix)]
    let before = inode(&sb.report());

    // Rebuilding with nothing changed rewrites the report but adds no dated copy.
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(sb.gongyak(&["report"]).status.code(), Some(0));
    assert_eq!(history(&sb).len(), 1, "unchanged content, no new copy");
    #[cfg(unix)]
    assert_ne!(
        inode(&sb.report()),
        before,
        "report rewritten in place, not replaced by a rename"
    );

    // A change of content: a new dated copy equal to the new report.
    let mut b = innopolis();
    b.set(
        "제출정보",
        "B9",
        Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
    );
    b.set("추진목표", "C4", t("변경된 추진내용"));
    sb.drop_bytes("innopolis_수정.xlsx", &b.to_bytes());
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let h = history(&sb);
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(
        std::fs::read(sb.outbox().join("history").join(&h[1])).unwrap(),
        std::fs::read(sb.report()).unwrap()
    );
    // Only the report and history: no temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(sb.outbox())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ansan-innopolis_공약추진현황.xlsx", "history"]);
}

// ---------------------------------------------------------------------------------
// LibreOffice, the real client.

/// A csv LibreOffice wrote, as rows of fields.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn libreoffice_opens_the_report_and_shows_the_same_numbers() {
    if !have_soffice() {
        return;
    }
    let sb = run_seed();
    let work = sb.path().join("lo");
    std::fs::create_dir_all(&work).unwrap();
    let report = sb.report();

    // PDF: LibreOffice lays out and prints every sheet.
    let profile = work.join("lo-profile");
    let stderr = soffice_convert(&profile, "pdf", &work, std::slice::from_ref(&report));
    let pdf = work.join("ansan-innopolis_공약추진현황.pdf");
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no pdf; soffice said {stderr}"));
    assert!(bytes.starts_with(b"%PDF"), "not a pdf");
    let pages = Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&String::from_utf8_lossy(&bytes))
        .count();
    assert!(pages >= 6, "{pages} pages for six sheets");

    // One csv per sheet: the numbers LibreOffice reads are the report's.
    let csv_dir = work.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    soffice_convert(
        &profile,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        &csv_dir,
        std::slice::from_ref(&report),
    );
    let sheet_csv =
        |name: &str| read_csv(&csv_dir.join(format!("ansan-innopolis_공약추진현황-{name}.csv")));
    for name in [
        "요약",
        INVEST,
        "연차별 추진목표",
        "추진일정",
        "검증결과",
        "제출이력",
    ] {
        assert!(!sheet_csv(name).is_empty(), "{name}: empty csv");
    }
    let inv = sheet_csv(INVEST);
    let h = inv.iter().position(|r| r[0] == "구분").unwrap();
    let table: Vec<Vec<String>> = inv[h..h + 6]
        .iter()
        .map(|r| {
            let label = if r[1].is_empty() { &r[0] } else { &r[1] };
            std::iter::once(label.clone())
                .chain(r[2..10].iter().cloned())
                .collect()
        })
        .collect();
    assert_eq!(table, expected_pledge_table());
    let all: BTreeMap<String, usize> = inv.iter().flatten().fold(BTreeMap::new(), |mut m, f| {
        *m.entry(f.clone()).or_default() += 1;
        m
    });
    for total in ["20560", "46500", "16000", "3300", "62500"] {
        assert!(all.contains_key(total), "사업별 total {total} not shown");
    }
    let summary = sheet_csv("요약");
    for file in seed_files() {
        assert!(
            summary.iter().any(|r| r.iter().any(|f| f == file)),
            "요약 lacks {file}"
        );
    }
    let targets = sheet_csv("연차별 추진목표");
    assert!(
        targets
            .iter()
            .flatten()
            .any(|f| f.contains("기술이전: 10건")),
        "targets text"
    );
}
