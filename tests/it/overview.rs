//! Issue 14: the city's view (SPEC §9). A city of three pledges — one complete, one
//! with a leaf not filed, one whose latest file was rejected — in a round whose due
//! date has passed: each sheet of `outbox/공약총괄현황.xlsx` read back cell by cell,
//! its hyperlinks resolved in the outbox, LibreOffice printing it, and `gongyak status`.

use crate::common::*;
use crate::report::{filled_cells, part_text};
use chrono::{Local, NaiveDate};

const OVERVIEW: &str = "공약총괄현황.xlsx";
const DUE: (i32, u32, u32) = (2026, 6, 30);
/// The fill of rows that still owe a file (render's BAD_FILL).
const OWES_FILL: &str = "FFF8CBAD";

/// A second pledge made from the shipped Ansan definition: its own id, title,
/// 관리번호 and 분야; `extra` goes on the first program (department, contact).
fn pledge_toml(id: &str, title: &str, number: &str, category: &str, extra: &str) -> String {
    let ansan = std::fs::read_to_string(repo_templates().join("ansan-innopolis.toml")).unwrap();
    let text = ansan
        .replacen(
            "id = \"ansan-innopolis\"",
            &format!("id = \"{id}\"\nnumber = \"{number}\"\ncategory = \"{category}\""),
            1,
        )
        .replacen(
            &format!("title = \"{ANSAN_TITLE}\""),
            &format!("title = \"{title}\""),
            1,
        )
        .replacen(
            "name = \"안산 강소연구개발특구 운영\"",
            &format!("name = \"안산 강소연구개발특구 운영\"\n{extra}"),
            1,
        );
    assert_ne!(text, ansan);
    text
}

/// The seed leaves of a pledge titled `title`.
fn books_for(title: &str) -> Vec<Book> {
    seed_books()
        .into_iter()
        .map(|mut b| {
            b.set("제출정보", "B3", t(title));
            b
        })
        .collect()
}

const B_TITLE: &str = "상록수 문화벨트 조성";
const C_TITLE: &str = "반월 청년창업 지원";

/// ansan (number 1, complete, 핵심공약), c (number 2, latest file of its first leaf
/// rejected), b (number 10, first leaf not filed, with its own department and contact).
fn city() -> Sandbox {
    let sb = Sandbox::new();
    let tpl = sb.templates();
    let ansan = std::fs::read_to_string(tpl.join("ansan-innopolis.toml")).unwrap();
    std::fs::write(
        tpl.join("ansan-innopolis.toml"),
        ansan.replacen(
            "id = \"ansan-innopolis\"",
            "id = \"ansan-innopolis\"\nnumber = \"1\"\ncategory = \"경제\"\ncore = true",
            1,
        ),
    )
    .unwrap();
    std::fs::write(
        tpl.join("b.toml"),
        pledge_toml("b", B_TITLE, "10", "문화", "department = \"문화예술과\"\ncontact = { name = \"박담당\", phone = \"031-481-1111\" }"),
    )
    .unwrap();
    std::fs::write(
        tpl.join("c.toml"),
        pledge_toml("c", C_TITLE, "2", "경제", ""),
    )
    .unwrap();
    std::fs::write(
        tpl.join("gongyak.toml"),
        format!(
            "city = \"안산시\"\n\n[round]\nname = \"2026년 상반기\"\nopens = 2026-01-01\ndue = {:04}-{:02}-{:02}\n",
            DUE.0, DUE.1, DUE.2
        ),
    )
    .unwrap();
    for (i, b) in books_for(ANSAN_TITLE).iter().enumerate() {
        sb.drop_bytes(&format!("a{i}.xlsx"), &b.to_bytes());
    }
    for (i, b) in books_for(B_TITLE).iter().enumerate().skip(1) {
        sb.drop_bytes(&format!("b{i}.xlsx"), &b.to_bytes());
    }
    for (i, b) in books_for(C_TITLE).iter().enumerate() {
        sb.drop_bytes(&format!("c{i}.xlsx"), &b.to_bytes());
    }
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    // Then c's first leaf again, with a sum that does not add up: rejected.
    let mut bad = books_for(C_TITLE).remove(0);
    bad.set("투자계획", "C5", Cell::Num(99999.0));
    sb.drop_bytes("c0_수정.xlsx", &bad.to_bytes());
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(1));
    sb
}

fn overdue_days() -> i64 {
    (Local::now().date_naive() - NaiveDate::from_ymd_opt(DUE.0, DUE.1, DUE.2).unwrap()).num_days()
}

/// The seed total of the first leaf (안산 강소연구개발특구 운영).
const FIRST_LEAF: i64 = 20560;
const PLEDGE: i64 = 86360;

fn row_of(g: &SheetGrid, col: usize, text: &str) -> usize {
    g.rows
        .iter()
        .position(|r| r.get(col).is_some_and(|t| t == text))
        .unwrap_or_else(|| panic!("no row with {text:?} in column {col}"))
}

#[test]
fn golden_overview_of_a_city_of_three_pledges() {
    let sb = city();
    let path = sb.outbox().join(OVERVIEW);
    assert_eq!(
        sheet_names(&path),
        [
            "총괄",
            "공약별 현황",
            "제출 현황",
            "연차별 투자계획(전체)",
            "변경내역",
            "부진사업"
        ]
    );
    let late = overdue_days().to_string();

    // 총괄: the round and the counts, then 분야.
    let g = read_sheet(&path, "총괄");
    assert_eq!(g.get(0, 0), "안산시 공약 총괄현황");
    let (r, c) = g.find("보고 회차").unwrap();
    assert_eq!(g.get(r, c + 1), "2026년 상반기");
    let (r, c) = g.find("제출 기한").unwrap();
    assert_eq!(g.get(r, c + 1), "2026-06-30");
    let (r, _) = g.find("공약").unwrap();
    assert_eq!(
        g.rows[r][..6],
        ["공약", "사업", "제출", "미제출", "반려", "기한 경과"]
    );
    assert_eq!(g.rows[r + 1][..6], ["3", "12", "10", "1", "1", "2"]);
    let (h, _) = g.find("분야").unwrap();
    assert_eq!(
        g.rows[h][..9],
        [
            "분야",
            "공약 수",
            "사업 수",
            "공약 총사업비",
            "총사업비 계",
            "국비",
            "도비",
            "시비",
            "기타"
        ]
    );
    // 관리번호 order: 1 (경제), 2 (경제), 10 (문화).
    let b_total = PLEDGE - FIRST_LEAF;
    assert_eq!(
        g.rows[h + 1][..5],
        [
            "경제",
            "2",
            "8",
            &(2 * PLEDGE).to_string(),
            &(2 * PLEDGE).to_string()
        ]
    );
    assert_eq!(
        g.rows[h + 2][..5],
        ["문화", "1", "4", &PLEDGE.to_string(), &b_total.to_string()]
    );
    assert_eq!(
        g.rows[h + 3][..5],
        [
            "계",
            "3",
            "12",
            &(3 * PLEDGE).to_string(),
            &(2 * PLEDGE + b_total).to_string()
        ]
    );

    // 공약별 현황: one row per pledge in 관리번호 order, a 합계 row.
    let g = read_sheet(&path, "공약별 현황");
    let h = row_of(&g, 0, "관리번호");
    assert_eq!(
        g.rows[h][..11],
        [
            "관리번호",
            "분야",
            "핵심",
            "공약명",
            "주관부서",
            "제출",
            "최근 기준일",
            "공약 총사업비",
            "당초 총사업비",
            "총사업비(제출)",
            "차이"
        ]
    );
    let rows: Vec<Vec<&str>> = (h + 1..h + 5)
        .map(|r| {
            [0, 1, 2, 3, 5, 7, 8, 9, 10]
                .iter()
                .map(|&c| g.get(r, c))
                .collect()
        })
        .collect();
    let (p, bt, d) = (
        PLEDGE.to_string(),
        b_total.to_string(),
        (-FIRST_LEAF).to_string(),
    );
    assert_eq!(
        rows,
        [
            // 당초 (the first accepted version of each leaf) equals the current
            // plan: no leaf of this city was changed.
            vec!["1", "경제", "●", ANSAN_TITLE, "4/4", &p, &p, &p, "0"],
            vec!["2", "경제", "", C_TITLE, "3/4", &p, &p, &p, "0"],
            vec!["10", "문화", "", B_TITLE, "3/4", &p, &bt, &bt, &d],
            vec![
                "합계",
                "",
                "",
                "",
                "10/12",
                &(3 * PLEDGE).to_string(),
                &(2 * PLEDGE + b_total).to_string(),
                &(2 * PLEDGE + b_total).to_string(),
                &d
            ],
        ]
    );
    assert_eq!(g.get(h + 1, 6), "2026-11-20");

    // 제출 현황: grouped by department; the leaf not filed and the rejected one are late.
    let g = read_sheet(&path, "제출 현황");
    let h = row_of(&g, 0, "부서");
    assert_eq!(
        g.rows[h][..11],
        [
            "부서",
            "관리번호",
            "공약명",
            "사업",
            "세부사업",
            "상태",
            "최근 파일",
            "기준일",
            "받은 시각",
            "담당자",
            "연락처"
        ]
    );
    let body = &g.rows[h + 1..h + 13];
    let depts: Vec<&str> = body.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = depts.clone();
    sorted.sort();
    assert_eq!(depts, sorted, "grouped by department");
    let missing = body
        .iter()
        .find(|r| r[0] == "문화예술과")
        .expect("b's first leaf");
    assert_eq!(missing[1], "10");
    assert_eq!(missing[3], "안산 강소연구개발특구 운영");
    assert_eq!(missing[5], format!("기한 경과 {late}일"));
    assert_eq!(
        (
            missing[6].as_str(),
            missing[9].as_str(),
            missing[10].as_str()
        ),
        ("", "박담당", "031-481-1111")
    );
    let rejected = body
        .iter()
        .find(|r| r[2] == C_TITLE && r[3] == "안산 강소연구개발특구 운영")
        .unwrap();
    assert!(
        rejected[5].starts_with("반려 (E-ROWSUM"),
        "{:?}",
        rejected[5]
    );
    assert!(
        rejected[5].ends_with(&format!("기한 경과 {late}일")),
        "{:?}",
        rejected[5]
    );
    assert_eq!(rejected[6], "c0_수정.xlsx");
    // The accepted earlier file still gives 기준일 and the person who filed it.
    assert_eq!(
        (rejected[7].as_str(), rejected[9].as_str()),
        ("2026-11-20", "홍길동")
    );
    let filed: Vec<&Vec<String>> = body.iter().filter(|r| r[5] == "제출").collect();
    assert_eq!(filed.len(), 10);
    assert!(
        filed
            .iter()
            .all(|r| !r[6].is_empty() && r[8].len() == 16 && r[9] == "홍길동")
    );
    // Rows that owe a file are filled, and only those.
    let parts = zip_entries(&std::fs::read(&path).unwrap());
    let filled: std::collections::BTreeSet<usize> =
        filled_cells(&parts, "xl/worksheets/sheet3.xml", OWES_FILL)
            .into_iter()
            .map(|(r, _)| r)
            .collect();
    let owing: std::collections::BTreeSet<usize> =
        (h + 1..h + 13).filter(|&r| g.get(r, 5) != "제출").collect();
    assert_eq!(filled, owing);
    // The 반려 cell carries the Korean reason of the rejected file as a note.
    let reason = ledger(&sb)
        .into_iter()
        .find(|r| r.name == "c0_수정.xlsx")
        .and_then(|r| r.findings.into_iter().find(|f| f.is_error()))
        .unwrap()
        .message;
    let comments = parts
        .iter()
        .find(|(n, _)| n.starts_with("xl/comments"))
        .expect("a note");
    let xml = String::from_utf8_lossy(&comments.1);
    let escaped = reason
        .replace('&', "&amp;")
        .replace('\'', "&apos;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(xml.contains(&escaped) || xml.contains(&reason), "{xml}");

    // 연차별 투자계획(전체): the reference layout summed over the city.
    let g = read_sheet(&path, "연차별 투자계획(전체)");
    let (r, c) = g.find("구분").unwrap();
    let table = investment_table_at(&g, r, c, 9);
    assert_eq!(table[0], INVEST_HEADER.map(str::to_owned).to_vec());
    let ansan = expected_pledge_table();
    // Three pledges of the seed amounts, less b's first leaf.
    let first = [
        ("국비", [15860, 4860, 3000, 3000, 3000, 1000, 1000, 0]),
        ("도비", [1410, 400, 300, 300, 300, 110, 0, 0]),
        ("시비", [3290, 1000, 600, 600, 600, 290, 200, 0]),
    ];
    for (k, row) in table.iter().enumerate().skip(1) {
        for j in 1..9 {
            let one: i64 = ansan[k][j].replace(',', "").parse().unwrap_or(0);
            let less: i64 = match row[0].as_str() {
                "계" => first.iter().map(|(_, v)| v[j - 1]).sum(),
                s => first
                    .iter()
                    .find(|(n, _)| *n == s)
                    .map_or(0, |(_, v)| v[j - 1]),
            };
            assert_eq!(
                row[j].replace(',', "").parse::<i64>().unwrap_or(0),
                3 * one - less,
                "{} column {j}",
                row[0]
            );
        }
    }
    let (r, c) = g.find("분야 × 재원").map(|(r, _)| (r + 1, 1)).unwrap();
    assert_eq!(
        g.rows[r][c..c + 6],
        ["분야", "총계", "국비", "도비", "시비", "기타"]
    );
    assert_eq!(g.get(r + 1, c), "경제");
    assert_eq!(g.get(r + 1, c + 1), (2 * PLEDGE).to_string());
    assert_eq!(g.get(r + 2, c), "문화");
    let (r, _) = g.find("분야 × 연도").unwrap();
    assert_eq!(
        g.rows[r + 1][1..8],
        [
            "분야", "총계", "2022년", "2023년", "2024년", "2025년", "2026년"
        ]
    );
    assert_eq!(g.get(r + 3, 2), b_total.to_string());
    // A native stacked chart of the years by source.
    let chart = part_text(&parts, "xl/charts/chart1.xml");
    assert!(
        chart.contains("<c:grouping val=\"stacked\"/>"),
        "stacked chart"
    );
    assert!(
        chart.contains("연차별 투자계획(전체)"),
        "series on the city table"
    );
}

#[test]
fn pledge_names_link_to_their_reports_in_the_outbox_relatively() {
    let sb = city();
    let parts = zip_entries(&std::fs::read(sb.outbox().join(OVERVIEW)).unwrap());
    let rels = part_text(&parts, "xl/worksheets/_rels/sheet2.xml.rels");
    let targets: Vec<String> = regex::Regex::new(r#"Target="([^"]+)" TargetMode="External""#)
        .unwrap()
        .captures_iter(&rels)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(targets.len(), 3, "{rels}");
    for target in &targets {
        // Relative (no drive, no share, no scheme): it opens from a mapped drive too.
        assert!(
            !target.contains(':') && !target.starts_with('/') && !target.starts_with('\\'),
            "{target}"
        );
        assert!(
            sb.outbox().join(target).is_file(),
            "{target} is not in the outbox"
        );
    }
    assert!(targets.contains(&"b_공약추진현황.xlsx".to_owned()));
    // The link cells are the 공약명 themselves.
    let sheet = part_text(&parts, "xl/worksheets/sheet2.xml");
    assert_eq!(sheet.matches("<hyperlink ref=\"D").count(), 3);
}

#[test]
fn overview_is_rewritten_only_when_its_content_changes() {
    let sb = city();
    let history = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(sb.outbox().join("history"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("공약총괄현황_"))
            .collect();
        v.sort();
        v
    };
    // Two runs so far, each changed it.
    assert_eq!(history().len(), 2);
    let path = sb.outbox().join(OVERVIEW);
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    sb.gongyak_ok(&["run"]);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before,
        "not rewritten"
    );
    assert_eq!(history().len(), 2);
    // `report` rewrites it (forced) without a history copy: the content is the same.
    sb.gongyak_ok(&["report"]);
    assert_ne!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(history().len(), 2);
}

#[test]
fn status_lists_who_owes_a_file_and_exits_1_until_everyone_filed() {
    let sb = city();
    // The daemon's lock held: status only reads.
    let lock = std::fs::File::create(sb.inbox().join(".gongyak/lock")).unwrap();
    lock.try_lock().unwrap();
    let out = sb.gongyak(&["status"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let late = overdue_days();
    assert!(
        text.starts_with("안산시 2026년 상반기: 제출 기간 2026-01-01 ~ 2026-06-30"),
        "{text}"
    );
    let culture = text.find("[문화예술과]").expect("department heading");
    let industry = text.find("[산업진흥과]").expect("department heading");
    assert!(culture < industry, "{text}");
    assert!(text.contains(&format!("  기한 경과 {late}일: 10 {B_TITLE} > 안산 강소연구개발특구 운영 — 담당 박담당 031-481-1111")), "{text}");
    assert!(text.contains("  반려 (E-ROWSUM"), "{text}");
    assert!(text.contains("      사유: "), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("공약 3개, 사업 12개: 제출 10, 미제출 1, 반려 1, 기한 경과 2"),
        "{text}"
    );

    let out = sb.gongyak(&["status", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["city"], "안산시");
    assert_eq!(v["round"]["due"], "2026-06-30");
    assert_eq!(v["counts"]["filed"], 10);
    assert_eq!(v["complete"], false);
    let open = v["open"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["state"]["state"], "overdue");
    assert_eq!(open[0]["state"]["days"], late);
    assert_eq!(open[1]["state"]["state"], "rejected");
    assert_eq!(open[1]["state"]["codes"][0], "E-ROWSUM");
    drop(lock);
}

#[test]
fn status_exits_0_when_every_leaf_is_filed_and_2_on_usage_errors() {
    let sb = Sandbox::new();
    // No ledger yet: everything is 미제출.
    let out = sb.gongyak(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("미제출: "));
    sb.drop_seed();
    sb.gongyak_ok(&["run"]);
    let out = sb.gongyak_ok(&["status"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("보고 회차가 정해져 있지 않아"), "{text}");
    assert!(
        text.contains("제출 4, 미제출 0, 반려 0, 기한 경과 0"),
        "{text}"
    );
    assert!(
        text.contains("모든 사업이 제출되어 접수되었습니다."),
        "{text}"
    );
    assert_eq!(sb.gongyak(&["status", "--bogus"]).status.code(), Some(2));
    assert_eq!(
        sb.gongyak(&["status", "--templates", "nowhere"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_broken_city_file_stops_start_up_with_file_line_and_field() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.templates().join("gongyak.toml"),
        "city = \"안산시\"\n[round]\nname = \"2026년 4분기\"\nopens = \"다음 주\"\ndue = 2027-01-10\n",
    )
    .unwrap();
    sb.drop_seed();
    for cmd in ["run", "status", "report"] {
        let out = sb.gongyak(&[cmd]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("gongyak.toml") && err.contains("4번째 줄") && err.contains("`opens`"),
            "{cmd}: {err}"
        );
    }
    // Nothing was taken.
    assert_eq!(
        sb.files_in("")
            .iter()
            .filter(|n| n.ends_with(".xlsx"))
            .count(),
        4
    );
}

#[test]
fn a_definition_without_the_new_fields_still_reads_and_sorts_last() {
    // The shipped Ansan definition has no 관리번호 or 분야; with one that has them,
    // it comes after it and under 미분류.
    let sb = Sandbox::new();
    std::fs::write(
        sb.templates().join("b.toml"),
        pledge_toml("b", B_TITLE, "3-1", "문화", ""),
    )
    .unwrap();
    sb.gongyak(&["run"]);
    let g = read_sheet(&sb.outbox().join(OVERVIEW), "공약별 현황");
    let h = row_of(&g, 0, "관리번호");
    assert_eq!((g.get(h + 1, 0), g.get(h + 1, 3)), ("3-1", B_TITLE));
    assert_eq!(
        (g.get(h + 2, 0), g.get(h + 2, 1), g.get(h + 2, 3)),
        ("-", "-", ANSAN_TITLE)
    );
    let g = read_sheet(&sb.outbox().join(OVERVIEW), "총괄");
    assert!(g.find("미분류").is_some());
    assert_eq!(g.get(0, 0), "공약 총괄현황");
}

#[test]
fn libreoffice_prints_the_overview() {
    if !have_soffice() {
        return;
    }
    let sb = city();
    let work = sb.path().join("lo");
    std::fs::create_dir_all(&work).unwrap();
    let overview = sb.outbox().join(OVERVIEW);
    let stderr = soffice_convert(
        &work.join("profile"),
        "pdf",
        &work,
        std::slice::from_ref(&overview),
    );
    let pdf = work.join("공약총괄현황.pdf");
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no pdf; soffice said {stderr}"));
    assert!(bytes.starts_with(b"%PDF"));
    let pages = regex::Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&String::from_utf8_lossy(&bytes))
        .count();
    assert!(pages >= 4, "{pages} pages for four sheets");
    // A page renders (poppler), with ink on it.
    if need_tool(
        "pdftoppm (poppler-utils)",
        std::process::Command::new("pdftoppm").arg("-v"),
    ) {
        let status = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "40", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(work.join("page"))
            .status()
            .unwrap();
        assert!(status.success());
        let png = std::fs::read_dir(&work)
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().ends_with(".png"))
            .expect("a page image");
        assert!(std::fs::metadata(png.path()).unwrap().len() > 2_000);
    }
}

#[test]
fn every_sheet_prints_on_a4_landscape_one_page_wide_in_the_report_font() {
    let sb = city();
    let parts = zip_entries(&std::fs::read(sb.outbox().join(OVERVIEW)).unwrap());
    let styles = part_text(&parts, "xl/styles.xml");
    assert!(styles.contains(r#"<name val="맑은 고딕"/>"#), "font");
    assert!(styles.contains(r##"formatCode="#,##0;"##), "amount format");
    let workbook = part_text(&parts, "xl/workbook.xml");
    for i in 1..=4 {
        let sheet = part_text(&parts, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(
            sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#),
            "sheet{i}"
        );
        assert!(
            sheet.contains(r#"fitToHeight="0""#)
                && sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "sheet{i}"
        );
        assert!(
            sheet.contains(r#"state="frozen""#),
            "sheet{i}: frozen panes"
        );
        assert!(
            workbook.contains(&format!(
                r#"<definedName name="_xlnm.Print_Titles" localSheetId="{}">"#,
                i - 1
            )),
            "sheet{i}: repeated header rows"
        );
        // Values are values: no formula anywhere.
        assert!(!sheet.contains("<f>"), "sheet{i} has a formula");
    }
    // The lists can be filtered.
    for i in [2, 3] {
        assert!(
            part_text(&parts, &format!("xl/worksheets/sheet{i}.xml")).contains("<autoFilter ref="),
            "sheet{i}"
        );
    }
}

#[test]
fn submitted_text_that_looks_like_a_formula_stays_text_on_the_overview() {
    let sb = Sandbox::new();
    let mut b = innopolis();
    b.set("제출정보", "B7", t("=HYPERLINK(\"http://x\",\"y\")"));
    b.set("제출정보", "B8", t("+82-31-481-0000"));
    sb.drop_bytes("@수식.xlsx", &b.to_bytes());
    sb.gongyak_ok(&["run"]);
    let g = read_sheet(&sb.outbox().join(OVERVIEW), "제출 현황");
    let (r, _) = g.find("@수식.xlsx").unwrap();
    assert!(
        g.rows[r].contains(&"=HYPERLINK(\"http://x\",\"y\")".to_owned()),
        "{:?}",
        g.rows[r]
    );
    assert!(g.rows[r].contains(&"+82-31-481-0000".to_owned()));
}

#[test]
fn the_readme_example_of_a_second_pledge_is_a_valid_definition() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let at = readme
        .find("A second pledge, with the optional fields")
        .expect("the example");
    let start = at + readme[at..].find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let p = gongyak::core::definition::Pledge::from_toml(&readme[start..end]).unwrap();
    assert_eq!(
        (p.number.as_deref(), p.category.as_deref(), p.core),
        (Some("III-②-1"), Some("문화"), true)
    );
    let depts: Vec<(&str, Option<&str>)> = p
        .leaves()
        .iter()
        .map(|l| (l.department(&p), l.contact().map(|c| c.name.as_str())))
        .collect();
    assert_eq!(
        depts,
        [
            ("문화예술과", Some("박담당")),
            ("공공건축과", Some("이설계")),
            ("건축과", None)
        ]
    );
    // The shipped city file is valid and names the city, with no round.
    let city = gongyak::core::definition::City::load(&repo_templates()).unwrap();
    assert_eq!(city.name.as_deref(), Some("안산시"));
    assert!(city.round.is_none());
}
