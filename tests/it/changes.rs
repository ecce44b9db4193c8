//! Every change traced (SPEC §10, issue 15): 변경내역, the marks on changed cells,
//! W-REASON / E-REASON, `gongyak report --as-of`, local time.

use crate::common::*;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

const INNO: &str = "안산 강소연구개발특구 운영";

/// The innopolis leaf with `amounts`, 기준일 `day` (2026-mm-dd) and a 변경사유.
fn version(amounts: &Amounts, (m, d): (u32, u32), reason: Option<&str>) -> Book {
    let mut b = submission(INNO, None, amounts);
    b.set(
        "제출정보",
        "B9",
        Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
    );
    if let Some(r) = reason {
        b.set("제출정보", "A10", t("변경사유"));
        b.set("제출정보", "B10", t(r));
    }
    b
}

/// v1 = the seed plan; v2 = 국비 2024 3,000 → 2,500 and the 2023 추진내용 rewritten;
/// v3 = 시비 2025 290 → 390 and the roadmap ending two quarters earlier.
fn three_versions() -> [Book; 3] {
    let v1 = version(&INNOPOLIS, (11, 20), None);
    let mut a2 = INNOPOLIS;
    a2[0].1[3] = 2500.0;
    let mut v2 = version(&a2, (11, 25), Some("국비 공모 감액"));
    v2.set("추진목표", "D4", t("특구 2단계 지정 추진"));
    let mut a3 = a2;
    a3[2].1[4] = 390.0;
    let mut v3 = version(&a3, (12, 1), Some("준공 일정 조정"));
    v3.set("추진목표", "D4", t("특구 2단계 지정 추진"));
    v3.set("추진일정", "C2", t("2026-Q2"));
    [v1, v2, v3]
}

/// Drops each book in turn and runs intake after each (so each is its own arrival).
fn drop_in_turn(sb: &Sandbox, books: &[Book]) {
    for (i, b) in books.iter().enumerate() {
        sb.drop_bytes(&format!("innopolis_v{}.xlsx", i + 1), &b.to_bytes());
        sb.gongyak_ok(&["run"]);
    }
}

fn local(r: &gongyak::core::consolidate::Received) -> String {
    r.received_at.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[test]
fn golden_change_log_of_a_leaf_changed_twice() {
    let sb = Sandbox::new();
    drop_in_turn(&sb, &three_versions());
    let ledger = ledger(&sb);
    assert_eq!(ledger.len(), 3);
    let g = read_sheet(&sb.report(), "변경내역");
    let (hr, _) = g.find("받은 시각").expect("변경내역 header");
    let heads: Vec<&str> = (0..13).map(|c| g.get(hr, c)).collect();
    assert_eq!(
        heads,
        [
            "받은 시각",
            "기준일",
            "사업",
            "세부사업",
            "구분",
            "항목",
            "변경 전",
            "변경 후",
            "차이",
            "변경사유",
            "제출부서·담당자",
            "이전 파일",
            "변경 파일"
        ]
    );
    let (t3, t2) = (local(&ledger[2]), local(&ledger[1]));
    let row = |at: &str,
               date: &str,
               sec: &str,
               item: &str,
               b: &str,
               a: &str,
               d: &str,
               why: &str,
               files: (&str, &str)| {
        [
            at,
            date,
            INNO,
            "",
            sec,
            item,
            b,
            a,
            d,
            why,
            "산업진흥과 홍길동",
            files.0,
            files.1,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let f32 = ("innopolis_v2.xlsx", "innopolis_v3.xlsx");
    let f21 = ("innopolis_v1.xlsx", "innopolis_v2.xlsx");
    let want = vec![
        row(
            &t3,
            "2026-12-01",
            "투자계획",
            "시비 총계",
            "3290",
            "3390",
            "100",
            "준공 일정 조정",
            f32,
        ),
        row(
            &t3,
            "2026-12-01",
            "투자계획",
            "시비 2025년",
            "290",
            "390",
            "100",
            "준공 일정 조정",
            f32,
        ),
        row(
            &t3,
            "2026-12-01",
            "추진일정",
            "사업추진 종료",
            "2026년 4분기",
            "2026년 2분기",
            "",
            "준공 일정 조정",
            f32,
        ),
        row(
            &t2,
            "2026-11-25",
            "투자계획",
            "국비 총계",
            "15860",
            "15360",
            "-500",
            "국비 공모 감액",
            f21,
        ),
        row(
            &t2,
            "2026-11-25",
            "투자계획",
            "국비 2024년",
            "3000",
            "2500",
            "-500",
            "국비 공모 감액",
            f21,
        ),
        row(
            &t2,
            "2026-11-25",
            "추진목표",
            "추진내용 2023년",
            "사업 추진 2차년",
            "특구 2단계 지정 추진",
            "",
            "국비 공모 감액",
            f21,
        ),
    ];
    let got: Vec<Vec<String>> = (hr + 1..hr + 1 + want.len())
        .map(|r| (0..13).map(|c| g.get(r, c).to_owned()).collect())
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        g.get(hr + 1 + want.len(), 0),
        "",
        "no row for anything else"
    );

    // 당초 (the first accepted version) against the current plan, by source.
    let (tr, tc) = g.find("구분").unwrap();
    let labels: Vec<&str> = (tc..tc + 6).map(|c| g.get(tr, c)).collect();
    assert_eq!(labels, ["구분", "계", "국비", "도비", "시비", "기타"]);
    let total: f64 = INNOPOLIS.iter().flat_map(|(_, v)| v.iter()).sum();
    let num = |r: usize, c: usize| g.get(r, c).parse::<f64>().unwrap();
    assert_eq!(g.get(tr + 1, tc), "당초");
    assert_eq!(num(tr + 1, tc + 1), total);
    assert_eq!(num(tr + 2, tc + 1), total - 500.0 + 100.0);
    assert_eq!(num(tr + 3, tc + 1), -400.0);
    assert_eq!(
        (num(tr + 1, tc + 2), num(tr + 2, tc + 2)),
        (15860.0, 15360.0)
    );
    assert_eq!((num(tr + 1, tc + 4), num(tr + 2, tc + 4)), (3290.0, 3390.0));
}

/// The notes of the 연차별 투자계획 sheet (the second sheet): cell → text, from the
/// `xl/comments*.xml` part its relations name.
fn notes(report: &Path) -> Vec<(String, String)> {
    let parts = zip_entries(&std::fs::read(report).unwrap());
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
    };
    let Some(rels) = part("xl/worksheets/_rels/sheet2.xml.rels") else {
        return Vec::new();
    };
    let target = Regex::new(r#"Target="\.\./(comments[0-9]*\.xml)""#).unwrap();
    let Some(t) = target.captures(&rels) else {
        return Vec::new();
    };
    let xml = part(&format!("xl/{}", &t[1])).expect("the comments part");
    let comment = Regex::new(r#"(?s)<comment ref="([A-Z]+[0-9]+)"[^>]*>(.*?)</comment>"#).unwrap();
    let text = Regex::new(r"(?s)<t(?:\s[^>]*)?>(.*?)</t>").unwrap();
    comment
        .captures_iter(&xml)
        .map(|c| {
            let t: String = text.captures_iter(&c[2]).map(|m| m[1].to_owned()).collect();
            (
                c[1].to_owned(),
                t.replace("&amp;", "&").replace("&gt;", ">"),
            )
        })
        .collect()
}

fn a1(r: usize, c: usize) -> String {
    format!("{}{}", (b'A' + c as u8) as char, r + 1)
}

#[test]
fn notes_and_fill_mark_exactly_the_cells_the_latest_submission_changed() {
    let sb = Sandbox::new();
    drop_in_turn(&sb, &three_versions());
    let report = sb.report();
    let parts = zip_entries(&std::fs::read(&report).unwrap());
    // v3 changed 시비 총계 and 시비 2025년 (and with them the 계 row's cells):
    // in the pledge table (header row 4) and in the program's own table.
    let g = read_sheet(&report, "연차별 투자계획");
    let (pr, _) = g
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| {
            r.first()
                .is_some_and(|t| t.starts_with(&format!("■ {INNO}")))
        })
        .expect("the program's table");
    let (total_col, y2025_col) = (2, 2 + 2 + 3);
    let mut want = BTreeSet::new();
    for header in [3, pr + 1] {
        for r in [header + 1, header + 4] {
            for c in [total_col, y2025_col] {
                want.insert(a1(r, c));
            }
        }
    }
    let got = notes(&report);
    let cells: BTreeSet<String> = got.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(cells, want, "{got:#?}");

    let own_siebi_total = a1(pr + 5, total_col);
    let note_of = |cell: &str| got.iter().find(|(c, _)| c == cell).unwrap().1.clone();
    assert_eq!(
        note_of(&own_siebi_total),
        "변경 전 3,290 → 3,390 (2026-12-01, 사유: 준공 일정 조정)"
    );
    assert_eq!(
        note_of(&a1(3 + 4, y2025_col)),
        format!("변경 전 290 → 390\n{INNO}: 100 증가 (2026-12-01, 사유: 준공 일정 조정)")
    );
    // The changed cells share a fill no unchanged amount has.
    let sheet = parts
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet2.xml")
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .unwrap();
    let style = |cell: &str| {
        Regex::new(&format!(r#"<c r="{cell}" s="(\d+)""#))
            .unwrap()
            .captures(&sheet)
            .map(|c| c[1].to_owned())
            .unwrap_or_default()
    };
    let marked: BTreeSet<String> = want.iter().map(|c| style(c)).collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    // 국비 2024년 changed with v2, not with the latest file: not marked.
    let unmarked = [
        a1(3 + 2, 2 + 2 + 2),
        a1(3 + 4, y2025_col - 1),
        a1(pr + 3, 2),
    ];
    for c in &unmarked {
        assert!(!marked.contains(&style(c)), "{c} looks changed");
    }
}

fn write_city(sb: &Sandbox, require: bool) {
    std::fs::write(
        sb.templates().join("gongyak.toml"),
        format!("city = \"안산시\"\nrequire_change_reason = {require}\n"),
    )
    .unwrap();
}

fn codes_of(r: &gongyak::core::consolidate::Received) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_change_without_reason_is_w_reason_and_with_the_city_rule_e_reason() {
    let sb = Sandbox::new();
    let mut a2 = INNOPOLIS;
    a2[0].1[3] = 2500.0;
    drop_in_turn(
        &sb,
        &[
            version(&INNOPOLIS, (11, 20), None),
            // same figures, later 기준일: no change, no finding
            version(&INNOPOLIS, (11, 22), None),
            // changed without a reason: accepted with W-REASON
            version(&a2, (11, 25), None),
        ],
    );
    let l = ledger(&sb);
    assert!(
        !codes_of(&l[1]).contains(&"W-REASON"),
        "{:?}",
        codes_of(&l[1])
    );
    assert!(
        codes_of(&l[2]).contains(&"W-REASON"),
        "{:?}",
        codes_of(&l[2])
    );
    assert_eq!(l[2].outcome, gongyak::core::consolidate::Outcome::Accepted);
    let msg = &l[2]
        .findings
        .iter()
        .find(|f| f.code.as_str() == "W-REASON")
        .unwrap()
        .message;
    assert!(
        msg.contains("국비 2024년 3,000백만원 → 2,500백만원"),
        "{msg}"
    );
    assert!(msg.contains("'변경사유' 칸"), "{msg}");
    // The report shows it; 변경내역 has the rows with an empty 변경사유.
    let g = read_sheet(&sb.report(), "변경내역");
    assert!(g.find("국비 2024년").is_some());

    // The city now requires a reason: the next change without one is rejected.
    write_city(&sb, true);
    let mut a3 = a2;
    a3[0].1[4] = 900.0;
    sb.drop_bytes(
        "innopolis_v4.xlsx",
        &version(&a3, (11, 28), None).to_bytes(),
    );
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(1));
    let l = ledger(&sb);
    assert_eq!(l[3].outcome, gongyak::core::consolidate::Outcome::Rejected);
    assert!(
        codes_of(&l[3]).contains(&"E-REASON"),
        "{:?}",
        codes_of(&l[3])
    );
    let note = std::fs::read_to_string(sb.inbox().join("rejected/innopolis_v4.오류.txt")).unwrap();
    assert!(
        note.contains("E-REASON") && note.contains("반려합니다"),
        "{note}"
    );
    // With a reason it goes through.
    sb.drop_bytes(
        "innopolis_v5.xlsx",
        &version(&a3, (11, 28), Some("사업비 조정")).to_bytes(),
    );
    sb.gongyak_ok(&["run"]);
    let l = ledger(&sb);
    assert_eq!(l[4].outcome, gongyak::core::consolidate::Outcome::Accepted);
    assert!(!codes_of(&l[4]).iter().any(|c| c.ends_with("REASON")));
}

/// Runs the binary with a time zone.
fn gongyak_tz(sb: &Sandbox, tz: &str, args: &[&str]) -> Output {
    gongyak_cmd()
        .current_dir(sb.path())
        .args(args)
        .env("TZ", tz)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run gongyak")
}

/// Rewrites the arrival times of the ledger (RFC 3339, one per record in order).
fn set_received(sb: &Sandbox, times: &[&str]) {
    let path = sb.inbox().join(".gongyak/ledger.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<String> = text
        .lines()
        .zip(times)
        .map(|(l, t)| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["received_at"] = serde_json::Value::String((*t).to_owned());
            v.to_string()
        })
        .collect();
    assert_eq!(lines.len(), times.len());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

fn two_submissions_in_june_and_july() -> Sandbox {
    let sb = Sandbox::new();
    let [v1, v2, _] = three_versions();
    drop_in_turn(&sb, &[v1, v2]);
    set_received(
        &sb,
        &["2026-06-10T10:00:00+09:00", "2026-07-10T10:00:00+09:00"],
    );
    sb
}

#[test]
fn as_of_between_two_submissions_rebuilds_the_earlier_table_and_leaves_the_outbox() {
    let sb = two_submissions_in_june_and_july();
    let live = std::fs::read(sb.report()).unwrap();
    let live_listing = std::fs::read_dir(sb.outbox()).unwrap().count();
    let out = gongyak_tz(
        &sb,
        "Asia/Seoul",
        &["report", "--as-of", "2026-06-30", "--out", "감사"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let past = sb.path().join("감사/ansan-innopolis_공약추진현황.xlsx");
    let table = report_pledge_table(&past);
    assert_eq!(table, expected_innopolis_only(&INNOPOLIS));
    let mut a2 = INNOPOLIS;
    a2[0].1[3] = 2500.0;
    assert_eq!(
        report_pledge_table(&sb.report()),
        expected_innopolis_only(&a2)
    );
    assert_eq!(
        std::fs::read(sb.report()).unwrap(),
        live,
        "outbox untouched"
    );
    assert_eq!(
        std::fs::read_dir(sb.outbox()).unwrap().count(),
        live_listing
    );
    // 기준 시점 on 요약 and in every sheet's page header; no change yet then.
    let summary = read_sheet(&past, "요약");
    let (r, c) = summary.find("기준 시점").unwrap();
    assert_eq!(summary.get(r, c + 1), "2026-06-30 23:59:59");
    every_page_header_says(&past, "2026-06-30 23:59:59", 7);
    let changes = read_sheet(&past, "변경내역");
    assert!(changes.find("변경된 값이 없습니다.").is_some());
    // July: the later table, and its change.
    gongyak_tz(
        &sb,
        "Asia/Seoul",
        &["report", "--as-of", "2026-07-31", "--out", "감사7"],
    );
    let july = sb.path().join("감사7/ansan-innopolis_공약추진현황.xlsx");
    assert_eq!(report_pledge_table(&july), expected_innopolis_only(&a2));
    assert!(read_sheet(&july, "변경내역").find("국비 2024년").is_some());
}

/// Asserts that each of the `sheets` sheets of `book` has `기준 시점: {when}` in its
/// printed page header.
fn every_page_header_says(book: &Path, when: &str, sheets: usize) {
    let parts = zip_entries(&std::fs::read(book).unwrap());
    let found: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(found.len(), sheets, "{}", book.display());
    for (n, d) in found {
        assert!(
            String::from_utf8_lossy(d).contains(&format!("&amp;L기준 시점: {when}")),
            "{}: {n}",
            book.display()
        );
    }
}

/// The pledge table when only the innopolis leaf is submitted, with `a` its amounts.
fn expected_innopolis_only(a: &Amounts) -> Vec<Vec<String>> {
    let fmt = |v: f64| format!("{}", v as i64);
    let mut rows = vec![
        INVEST_HEADER
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
    ];
    let mut sum = [0.0f64; 8];
    let mut body = Vec::new();
    for (src, vals) in a {
        let total: f64 = vals.iter().sum();
        let mut row = vec![(*src).to_owned(), fmt(total)];
        row.extend(vals.iter().map(|v| fmt(*v)));
        sum[0] += total;
        for (i, v) in vals.iter().enumerate() {
            sum[1 + i] += v;
        }
        body.push(row);
    }
    let mut s = vec!["계".to_owned()];
    s.extend(sum.iter().map(|v| fmt(*v)));
    rows.push(s);
    rows.extend(body);
    rows
}

#[test]
fn as_of_before_the_first_file_has_every_leaf_missing() {
    let sb = two_submissions_in_june_and_july();
    let out = gongyak_tz(
        &sb,
        "Asia/Seoul",
        &["report", "--as-of", "2026-06-01T09:00", "--out", "early"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let past = sb.path().join("early/ansan-innopolis_공약추진현황.xlsx");
    let summary = read_sheet(&past, "요약");
    assert_eq!(summary.find_all("미제출").len(), 4);
    let history = read_sheet(&past, "제출이력");
    assert!(history.find("innopolis_v1.xlsx").is_none());
    // The overview too: no file then, so every leaf is 미제출 and nothing is summed.
    let overview = sb.path().join("early").join(OVERVIEW);
    let g = read_sheet(&overview, "총괄");
    assert_eq!(counts_on_summary(&g), ["1", "4", "0", "4", "0", "0"]);
    let (r, c) = g.find("기준 시점").expect("기준 시점 on 총괄");
    assert_eq!(g.get(r, c + 1), "2026-06-01 09:00:00");
    let leaves = leaf_rows(&overview);
    assert_eq!(leaves.len(), 4);
    for l in &leaves {
        assert_eq!((l[5].as_str(), l[6].as_str()), ("미제출", ""), "{l:?}");
    }
    let pledge = pledge_row(&overview);
    assert_eq!((pledge[5].as_str(), pledge[9].as_str()), ("0/4", "0"));
    assert!(
        read_sheet(&overview, "변경내역")
            .find("변경된 공약이 없습니다.")
            .is_some()
    );
}

const OVERVIEW: &str = "공약총괄현황.xlsx";
/// The overview's sheets (a page header each).
const OVERVIEW_SHEETS: usize = 6;

/// 총계 of a leaf's amounts.
fn total(a: &Amounts) -> i64 {
    a.iter().flat_map(|(_, v)| v).sum::<f64>() as i64
}

/// The counts under `공약 사업 제출 미제출 반려 기한 경과` on 총괄.
fn counts_on_summary(g: &SheetGrid) -> Vec<String> {
    let (r, c) = g.find("기한 경과").expect("counts on 총괄");
    g.rows[r + 1][c - 5..=c].to_vec()
}

/// The Ansan pledge's row of 공약별 현황 (제출 at 5, 당초 총사업비 at 8,
/// 총사업비(제출) at 9, 국비 at 11).
fn pledge_row(overview: &Path) -> Vec<String> {
    let g = read_sheet(overview, "공약별 현황");
    let r = g.find(ANSAN_TITLE).expect("the pledge's row").0;
    g.rows[r].clone()
}

/// The rows of 제출 현황 (상태 at 5, 최근 파일 at 6, 기준일 at 7, 받은 시각 at 8).
fn leaf_rows(overview: &Path) -> Vec<Vec<String>> {
    let g = read_sheet(overview, "제출 현황");
    let (h, _) = g.find("부서").expect("제출 현황 header");
    g.rows[h + 1..]
        .iter()
        .take_while(|r| r.get(2).is_some_and(|t| t == ANSAN_TITLE))
        .cloned()
        .collect()
}

fn leaf_row(overview: &Path, program: &str) -> Vec<String> {
    leaf_rows(overview)
        .into_iter()
        .find(|r| r[3] == program)
        .unwrap_or_else(|| panic!("no row for {program}"))
}

/// Runs `report --as-of WHEN --out DIR` in Seoul time; the overview it wrote.
fn as_of_overview(sb: &Sandbox, when: &str, dir: &str) -> std::path::PathBuf {
    let out = gongyak_tz(sb, "Asia/Seoul", &["report", "--as-of", when, "--out", dir]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = sb.path().join(dir).join(OVERVIEW);
    // Listed with the pledge reports it was written with, last.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let listed: Vec<&str> = stdout.lines().collect();
    assert_eq!(listed.len(), 2, "{stdout}");
    assert!(listed[1].ends_with(OVERVIEW), "{stdout}");
    path
}

#[test]
fn as_of_between_two_submissions_rebuilds_the_overview_of_that_moment() {
    let sb = two_submissions_in_june_and_july();
    let live_path = sb.outbox().join(OVERVIEW);
    let live = std::fs::read(&live_path).unwrap();
    let past = as_of_overview(&sb, "2026-06-30", "감사");
    assert_eq!(
        std::fs::read(&live_path).unwrap(),
        live,
        "live overview untouched"
    );
    let mut a2 = INNOPOLIS;
    a2[0].1[3] = 2500.0;
    let (v1, v2) = (total(&INNOPOLIS).to_string(), total(&a2).to_string());
    assert_ne!(v1, v2);

    // 기준 시점 on 총괄 and in every sheet's page header; the live one has neither.
    let g = read_sheet(&past, "총괄");
    let (r, c) = g.find("기준 시점").expect("기준 시점 on 총괄");
    assert_eq!(g.get(r, c + 1), "2026-06-30 23:59:59");
    assert!(g.find("생성 시각").is_some());
    every_page_header_says(&past, "2026-06-30 23:59:59", OVERVIEW_SHEETS);
    assert!(read_sheet(&live_path, "총괄").find("기준 시점").is_none());
    assert!(!String::from_utf8_lossy(&live).contains("기준 시점"));
    assert_eq!(counts_on_summary(&g), ["1", "4", "1", "3", "0", "0"]);

    // 공약별 현황: the June plan (v1), 당초 the same; the live one has July's (v2).
    let then = pledge_row(&past);
    assert_eq!(
        [&then[5], &then[8], &then[9], &then[11]].map(String::as_str),
        ["1/4", v1.as_str(), v1.as_str(), "15860"]
    );
    let now = pledge_row(&live_path);
    assert_eq!(
        [&now[5], &now[8], &now[9], &now[11]].map(String::as_str),
        ["1/4", v1.as_str(), v2.as_str(), "15360"]
    );
    // 제출 현황: June's file, its 기준일 and arrival.
    let leaf = leaf_row(&past, INNO);
    assert_eq!(
        leaf[5..9],
        [
            "제출",
            "innopolis_v1.xlsx",
            "2026-11-20",
            "2026-06-10 10:00"
        ]
    );
    assert_eq!(leaf_row(&live_path, INNO)[6], "innopolis_v2.xlsx");
    // 변경내역: no change yet in June; July's change in the live overview.
    let changes = read_sheet(&past, "변경내역");
    assert!(changes.find("변경된 공약이 없습니다.").is_some());
    assert!(
        !changes
            .rows
            .iter()
            .flatten()
            .any(|t| t.contains("국비 2024년"))
    );
    let live_changes = read_sheet(&live_path, "변경내역");
    assert!(
        live_changes
            .rows
            .iter()
            .flatten()
            .any(|t| t.contains("국비 2024년"))
    );
    // The 공약명 links open the as-of reports beside it, not the live ones.
    let parts = zip_entries(&std::fs::read(&past).unwrap());
    let rels = crate::report::part_text(&parts, "xl/worksheets/_rels/sheet2.xml.rels");
    let target = Regex::new(r#"Target="([^"]+)" TargetMode="External""#)
        .unwrap()
        .captures(&rels)
        .expect("a link")[1]
        .to_owned();
    assert!(
        past.with_file_name(&target).is_file(),
        "{target} beside the overview"
    );

    // As of July: the later plan and its change.
    let july = as_of_overview(&sb, "2026-07-31", "감사7");
    assert_eq!(pledge_row(&july)[9], v2);
    let changes = read_sheet(&july, "변경내역");
    let (h, _) = changes.find("관리번호").unwrap();
    let items: Vec<&str> = (h + 1..changes.rows.len())
        .map(|r| changes.get(r, 4))
        .take_while(|t| !t.is_empty())
        .collect();
    assert!(
        items.contains(&"안산 강소연구개발특구 운영: 국비 2024년"),
        "{items:?}"
    );
}

/// The city file with a reporting round open 1 July, due 5 July 2026.
fn july_round(sb: &Sandbox) {
    std::fs::write(
        sb.templates().join("gongyak.toml"),
        "city = \"안산시\"\n\n[round]\nname = \"2026년 7월\"\nopens = 2026-07-01\ndue = 2026-07-05\n",
    )
    .unwrap();
}

#[test]
fn as_of_overview_is_late_as_of_that_moment_and_skips_a_round_not_yet_open() {
    let sb = two_submissions_in_june_and_july();
    july_round(&sb);
    // End of July: v2 arrived in the round (10 July); the other leaves had filed
    // nothing and were 26 days past the 5 July due date then, whatever today is.
    let july = as_of_overview(&sb, "2026-07-31", "7월말");
    let g = read_sheet(&july, "총괄");
    let (r, c) = g.find("보고 회차").unwrap();
    assert_eq!(g.get(r, c + 1), "2026년 7월");
    assert_eq!(counts_on_summary(&g), ["1", "4", "1", "3", "0", "3"]);
    for l in leaf_rows(&july) {
        let want = if l[3] == INNO {
            "제출"
        } else {
            "기한 경과 26일"
        };
        assert_eq!(l[5], want, "{l:?}");
    }
    // End of June: the July round had not opened; counted against it every leaf
    // would be 미제출. Without it, June's accepted file counts and nothing is late.
    let june = as_of_overview(&sb, "2026-06-30", "6월말");
    let g = read_sheet(&june, "총괄");
    let (r, c) = g.find("보고 회차").unwrap();
    assert_eq!(g.get(r, c + 1), "(회차 없음: 최신 제출 기준)");
    assert_eq!(counts_on_summary(&g), ["1", "4", "1", "3", "0", "0"]);
    assert_eq!(leaf_row(&june, INNO)[5], "제출");
    // A moment still ahead is judged now: no lateness that has not happened yet.
    let seoul = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let late_today = |l: &Vec<String>| {
        let today = chrono::Utc::now().with_timezone(&seoul).date_naive();
        let due = chrono::NaiveDate::from_ymd_opt(2026, 7, 5).unwrap();
        l[5] == format!("기한 경과 {}일", (today - due).num_days())
    };
    let ahead = as_of_overview(&sb, "2099-12-31", "미래");
    let g = read_sheet(&ahead, "총괄");
    let (r, c) = g.find("기준 시점").unwrap();
    assert_eq!(g.get(r, c + 1), "2099-12-31 23:59:59");
    let owing: Vec<Vec<String>> = leaf_rows(&ahead)
        .into_iter()
        .filter(|l| l[3] != INNO)
        .collect();
    assert_eq!(owing.len(), 3);
    assert!(owing.iter().all(late_today), "{owing:?}");
}

#[test]
fn as_of_refuses_the_outbox_and_bad_values_with_exit_2() {
    let sb = two_submissions_in_june_and_july();
    let live = std::fs::read(sb.report()).unwrap();
    for out_dir in ["outbox", "./outbox/", "inbox/../outbox"] {
        let out = sb.gongyak(&["report", "--as-of", "2026-06-30", "--out", out_dir]);
        assert_eq!(out.status.code(), Some(2), "{out_dir}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("보고서 폴더(--outbox)"), "{err}");
    }
    assert_eq!(std::fs::read(sb.report()).unwrap(), live);
    let bad = sb.gongyak(&["report", "--as-of", "어제", "--out", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2026-06-30T14:00 형식"));
    let alone = sb.gongyak(&["report", "--as-of", "2026-06-30"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(!sb.path().join("x").exists());
}

#[test]
fn times_people_read_and_type_are_local_time() {
    // 23:30 in Seoul on June 30 is 14:30 UTC.
    let sb = Sandbox::new();
    let [v1, v2, _] = three_versions();
    drop_in_turn(&sb, &[v1, v2]);
    set_received(
        &sb,
        &["2026-06-30T23:00:00+09:00", "2026-06-30T23:30:00+09:00"],
    );
    let seoul = |args: &[&str]| {
        let o = gongyak_tz(&sb, "Asia/Seoul", args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    // Typed: 23:15 Seoul time falls between the two.
    seoul(&["report", "--as-of", "2026-06-30T23:15", "--out", "seoul"]);
    let s = sb.path().join("seoul/ansan-innopolis_공약추진현황.xlsx");
    assert_eq!(report_pledge_table(&s), expected_innopolis_only(&INNOPOLIS));
    let h = read_sheet(&s, "제출이력");
    assert!(
        h.find("2026-06-30 23:00:00").is_some(),
        "제출이력 in Seoul time"
    );
    let summary = read_sheet(&s, "요약");
    let (r, c) = summary.find("기준 시점").unwrap();
    assert_eq!(summary.get(r, c + 1), "2026-06-30 23:15:00");
    // Read: the change in 변경내역 at its Seoul time, as the rebuilt live report shows.
    seoul(&["report"]);
    let g = read_sheet(&sb.report(), "변경내역");
    assert!(
        g.find("2026-06-30 23:30:00").is_some(),
        "변경내역 in Seoul time"
    );
    assert!(
        read_sheet(&sb.report(), "제출이력")
            .find("2026-06-30 23:30:00")
            .is_some()
    );
    // The same ledger on a UTC server reads 14:30, and `2026-06-30T20:00` there is
    // after both files.
    let o = gongyak_tz(
        &sb,
        "UTC",
        &["report", "--as-of", "2026-06-30T20:00", "--out", "utc"],
    );
    assert_eq!(o.status.code(), Some(0));
    let u = sb.path().join("utc/ansan-innopolis_공약추진현황.xlsx");
    assert!(
        read_sheet(&u, "변경내역")
            .find("2026-06-30 14:30:00")
            .is_some()
    );
    let mut a2 = INNOPOLIS;
    a2[0].1[3] = 2500.0;
    assert_eq!(report_pledge_table(&u), expected_innopolis_only(&a2));
}

#[test]
fn libreoffice_opens_a_report_with_changes_and_notes() {
    if !have_soffice() {
        return;
    }
    let sb = Sandbox::new();
    drop_in_turn(&sb, &three_versions());
    let work = sb.path().join("lo");
    std::fs::create_dir_all(&work).unwrap();
    let stderr = soffice_convert(
        &work.join("profile"),
        "pdf",
        &work,
        std::slice::from_ref(&sb.report()),
    );
    let pdf = std::fs::read(work.join("ansan-innopolis_공약추진현황.pdf"))
        .unwrap_or_else(|_| panic!("no pdf; soffice said {stderr}"));
    assert!(pdf.starts_with(b"%PDF"));
    let pages = Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&String::from_utf8_lossy(&pdf))
        .count();
    assert!(pages >= 7, "{pages} pages for seven sheets");
}

#[test]
fn forty_resubmissions_stay_readable_newest_first_one_row_per_changed_value() {
    use gongyak::core::consolidate::{Outcome, Received, consolidate};
    use rust_decimal::Decimal;
    let cat = catalog();
    let base = check_book(&innopolis()).submission.expect("valid");
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00+09:00")
        .unwrap()
        .with_timezone(&chrono::Local);
    // Ten years of quarters; every other resubmission changes 국비 2024년, the others
    // re-send the same figures with a later 기준일.
    let records: Vec<Received> = (0..40u64)
        .map(|k| {
            let mut s = base.clone();
            s.base_date = s.base_date + chrono::Days::new(91 * k);
            let bump = Decimal::from(10 * (k / 2));
            let row = s.investment.sources.get_mut("국비").unwrap();
            *row.years.get_mut(&2024).unwrap() += bump;
            row.total += bump;
            s.investment.sum.total += bump;
            Received {
                seq: k + 1,
                received_at: t0 + chrono::Duration::days(91 * k as i64),
                name: format!("v{:02}.xlsx", k + 1),
                size: 1,
                hash: format!("{k:064x}").into(),
                outcome: Outcome::Accepted,
                stored_as: format!("accepted/v{:02}.xlsx", k + 1).into(),
                pledge_id: Some(s.pledge_id.clone().into()),
                findings: vec![],
                submission: Some(s),
                named: None,
            }
        })
        .collect();
    let report = consolidate(&cat.pledges[0], &records);
    assert_eq!(
        report.changes.events.len(),
        19,
        "one event per changing file"
    );
    let bytes = gongyak::xlsx::render::render_report(&report, chrono::Local::now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let g = read_sheet(&path, "변경내역");
    let (hr, _) = g.find("받은 시각").unwrap();
    let rows: Vec<&Vec<String>> = g.rows[hr + 1..]
        .iter()
        .filter(|r| !r.is_empty() && !r[0].is_empty())
        .collect();
    assert_eq!(
        rows.len(),
        38,
        "국비 총계 and 국비 2024년 per changing file"
    );
    let times: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let files: Vec<&str> = rows.iter().step_by(2).map(|r| r[12].as_str()).collect();
    let want: Vec<String> = (1..=19)
        .rev()
        .map(|j| format!("v{:02}.xlsx", 2 * j + 1))
        .collect();
    assert_eq!(files, want);
    assert!(rows.iter().all(|r| r[8] == "10"), "each change is +10");
}

#[test]
fn the_overview_lists_every_change_of_every_pledge_in_the_published_format() {
    let sb = Sandbox::new();
    drop_in_turn(&sb, &three_versions());
    let report = read_sheet(&sb.report(), "변경내역");
    let (hr, _) = report.find("받은 시각").expect("변경내역 header");
    let changed: Vec<&str> = (hr + 1..report.rows.len())
        .map(|r| report.get(r, 5))
        .take_while(|item| !item.is_empty())
        .collect();
    assert!(!changed.is_empty());

    let overview = sb.outbox().join("공약총괄현황.xlsx");
    let g = read_sheet(&overview, "변경내역");
    let (h, _) = g.find("관리번호").expect("overview 변경내역 header");
    let heads: Vec<&str> = (0..8).map(|c| g.get(h, c)).collect();
    assert_eq!(
        heads,
        [
            "관리번호",
            "공약명",
            "변경일",
            "구분",
            "항목",
            "변경 전",
            "변경 후",
            "변경사유"
        ]
    );
    let rows: Vec<usize> = (h + 1..g.rows.len())
        .take_while(|&r| !g.get(r, 1).is_empty())
        .collect();
    // One row per changed value, as in the pledge's own 변경내역, each naming the pledge.
    assert_eq!(rows.len(), changed.len());
    for &r in &rows {
        assert_eq!(g.get(r, 1), ANSAN_TITLE);
    }
    assert!(rows.iter().any(|&r| g.get(r, 4).contains("국비 2024년")));
}

/// Both 변경내역 lists are written without a format per cell (see
/// `xlsx::style::list_columns`): the borders come from one conditional format over
/// exactly the list's rows, and each cell takes its column's format — amounts keep
/// the amount format, text its font.
#[test]
fn change_lists_are_bordered_over_their_rows_and_amounts_keep_their_format() {
    let num_fmt_id = Regex::new(r#"numFmtId="(\d+)""#).unwrap();
    let sb = Sandbox::new();
    drop_in_turn(&sb, &three_versions());
    for (book, head, last_col, amount_col) in [
        (sb.report(), "받은 시각", "M", Some("G")),
        (sb.outbox().join("공약총괄현황.xlsx"), "관리번호", "H", None),
    ] {
        let g = read_sheet(&book, "변경내역");
        let (hr, _) = g.find(head).unwrap();
        let rows = (hr + 1..g.rows.len())
            .take_while(|&r| !g.get(r, 4).is_empty())
            .count();
        assert!(rows > 3, "{}", book.display());
        let (xml, styles) = sheet_xml(&std::fs::read(&book).unwrap(), "변경내역");
        // Rows are 1-based in xlsx: the header is row hr + 1, the list follows it.
        let (first, last) = (hr + 2, hr + 1 + rows);
        assert!(
            xml.contains(&format!(
                r#"<conditionalFormatting sqref="A{first}:{last_col}{last}">"#
            )),
            "{}: {xml:.3000}",
            book.display()
        );
        let dxf = &styles[styles.find("<dxfs").unwrap()..];
        assert!(dxf.contains(r#"<left style="thin">"#), "{dxf:.500}");
        let Some(col) = amount_col else { continue };
        // The first changed value is an amount (시비 총계 3,290 → 3,390).
        let cell = Regex::new(&format!(r#"<c r="{col}{first}" s="(\d+)""#)).unwrap();
        let xf: usize = cell.captures(&xml).expect("a styled amount")[1]
            .parse()
            .unwrap();
        let xfs: Vec<&str> = styles[styles.find("<cellXfs").unwrap()..]
            .split("<xf ")
            .skip(1)
            .collect();
        let num_fmt = num_fmt_id.captures(xfs[xf]).unwrap()[1].to_owned();
        assert!(
            styles.contains(&format!(
                r##"<numFmt numFmtId="{num_fmt}" formatCode="#,##0;"##
            )),
            "{}",
            xfs[xf]
        );
    }
}
