//! Issue 10 (pure intake, versioned ledger) and issue 11 items 7–8 through the real
//! binary: 미반영 files, notes beside accepted files, old ledgers read, damaged ones
//! refused.

use crate::common::*;
use gongyak::core::consolidate::Outcome;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The seed submission of 안산 강소연구개발특구 운영 with another 기준일.
fn innopolis_as_of(date: &str) -> Vec<u8> {
    let mut b = submission("안산 강소연구개발특구 운영", None, &INNOPOLIS);
    b.set("제출정보", "B9", t(date));
    b.to_bytes()
}

/// A note's text: UTF-8 with a BOM.
fn note_text(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

/// The rows of 제출이력 below its 번호 header: (seq, 결과).
fn history_rows(sb: &Sandbox) -> Vec<(String, String)> {
    let g = read_sheet(&sb.report(), "제출이력");
    let (hr, seq_col) = g.find("번호").expect("번호 header");
    let (_, outcome_col) = g.find("결과").expect("결과 header");
    (hr + 1..g.rows.len())
        .filter(|&r| g.get(r, seq_col).parse::<u64>().is_ok())
        .map(|r| {
            (
                g.get(r, seq_col).to_owned(),
                g.get(r, outcome_col).to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_older_base_date_is_kept_not_used_and_said_so_everywhere() {
    let sb = Sandbox::new();
    sb.drop_seed();
    sb.gongyak_ok(&["run"]);
    let seed_report = report_pledge_table(&sb.report());
    sb.drop_bytes("innopolis_옛날.xlsx", &innopolis_as_of("2026-10-01"));
    let out = sb.gongyak_ok(&["run"]);
    assert!(
        stdout(&out).contains("처리 1건: 접수 0건, 미반영 1건, 중복 0건, 반려 0건"),
        "{}",
        stdout(&out)
    );
    // The log names the outcome.
    assert!(stderr(&out).contains("미반영"), "{}", stderr(&out));

    let records = ledger(&sb);
    let old = records.last().unwrap();
    assert_eq!(old.outcome, Outcome::Older);
    let codes: Vec<&str> = old.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["W-OLDER"], "its own code, not W-SUPERSEDED");
    assert_eq!(old.stored_as, "accepted/innopolis_옛날.xlsx");

    // A note beside it says so and what to do.
    let note = note_text(&sb.inbox().join("accepted/innopolis_옛날.검토결과.txt"));
    assert!(
        note.contains("미반영") && note.contains("W-OLDER"),
        "{note}"
    );
    assert!(
        note.contains("2026-10-01") && note.contains("2026-11-20"),
        "{note}"
    );

    // The report: unchanged tables, 미반영 in 제출이력 and in 요약.
    assert_eq!(report_pledge_table(&sb.report()), seed_report);
    let rows = history_rows(&sb);
    assert_eq!(rows.last().unwrap(), &("5".to_owned(), "미반영".to_owned()));
    let summary = read_sheet(&sb.report(), "요약");
    let marked: Vec<&String> = summary
        .rows
        .iter()
        .flatten()
        .filter(|c| c.ends_with(", 미반영 1건"))
        .collect();
    assert_eq!(marked.len(), 1, "{:?}", summary.rows);

    // A later 기준일 for the same leaf supersedes, and says whom.
    sb.drop_bytes("innopolis_새.xlsx", &innopolis_as_of("2026-11-25"));
    let out = sb.gongyak_ok(&["run"]);
    assert!(
        stdout(&out).contains("접수 1건, 미반영 0건"),
        "{}",
        stdout(&out)
    );
    let new = ledger(&sb).pop().unwrap();
    assert_eq!(new.outcome, Outcome::Accepted);
    assert_eq!(new.findings[0].code.as_str(), "W-SUPERSEDED");
    assert!(
        new.findings[0]
            .message
            .contains("innopolis_투자계획_제출.xlsx")
    );
    // W-SUPERSEDED only confirms: no note to clutter accepted/.
    assert!(
        !sb.inbox()
            .join("accepted/innopolis_새.검토결과.txt")
            .exists()
    );
}

#[test]
fn accepted_files_with_warnings_get_a_note_and_clean_ones_none() {
    let sb = Sandbox::new();
    let mut b = submission("안산 강소연구개발특구 운영", None, &INNOPOLIS);
    b.remove("제출정보", "B8"); // no 연락처: a warning, still accepted
    let checked = check_book(&b);
    assert!(checked.accepted());
    let warned: Vec<&str> = checked
        .findings
        .iter()
        .filter(|f| !f.is_error())
        .map(|f| f.code.as_str())
        .collect();
    assert!(!warned.is_empty(), "the book must have a warning");
    sb.drop_bytes("연락처없음.xlsx", &b.to_bytes());
    sb.drop_fixture("seed/ivdx_투자계획_제출.xlsx");
    let out = sb.gongyak_ok(&["run"]);
    assert!(stdout(&out).contains("접수 2건"), "{}", stdout(&out));
    assert_eq!(
        sb.files_in("accepted"),
        [
            "ivdx_투자계획_제출.xlsx",
            "연락처없음.xlsx",
            "연락처없음.검토결과.txt"
        ]
    );
    let note = note_text(&sb.inbox().join("accepted/연락처없음.검토결과.txt"));
    assert!(note.contains("\r\n"));
    assert!(note.contains("접수"), "{note}");
    for code in warned {
        assert!(note.contains(code), "{code} in {note}");
    }
}

#[test]
fn a_ledger_written_before_versioning_is_read_and_extended() {
    let sb = Sandbox::new();
    let state = sb.inbox().join(".gongyak");
    std::fs::create_dir_all(&state).unwrap();
    let v0 = fixtures().join("ledger/v0.jsonl");
    std::fs::copy(&v0, state.join("ledger.jsonl")).unwrap();
    sb.gongyak_ok(&["report"]);
    let rows = history_rows(&sb);
    assert_eq!(rows.len(), 11, "{rows:?}");
    assert_eq!(rows[10].1, "미반영", "read through the compatibility path");
    // The current submission of 강소특구 운영 is the later one (seq 10).
    let summary = read_sheet(&sb.report(), "요약");
    assert!(summary.find("innopolis_수정.xlsx").is_some());

    // Same bytes as seq 2 under another name (the same name would be taken as seq 2's
    // move never finished, since this sandbox's accepted/ is empty).
    let ivdx = std::fs::read(fixtures().join("seed/ivdx_투자계획_제출.xlsx")).unwrap();
    sb.drop_bytes("ivdx_사본.xlsx", &ivdx);
    sb.gongyak_ok(&["run"]);
    let text = std::fs::read_to_string(state.join("ledger.jsonl")).unwrap();
    let old = std::fs::read_to_string(&v0).unwrap();
    assert!(text.starts_with(&old), "old lines are never rewritten");
    let last = text.lines().last().unwrap();
    assert!(last.starts_with(r#"{"v":1,"seq":12,"#), "{last}");
    assert_eq!(ledger(&sb).last().unwrap().outcome, Outcome::Duplicate);
}

#[test]
fn a_damaged_or_newer_ledger_stops_start_up_and_touches_nothing() {
    let v0 = std::fs::read_to_string(fixtures().join("ledger/v0.jsonl")).unwrap();
    let lines: Vec<&str> = v0.lines().collect();
    let damaged = format!("{}\n{{\"seq\":\n{}\n", lines[0], lines[1]);
    let newer = format!("{}\n{{\"v\":9,\"seq\":2}}\n", lines[0]);
    for (content, want) in [(damaged, "읽을 수 없습니다"), (newer, "형식 버전(9)")] {
        let sb = Sandbox::new();
        let state = sb.inbox().join(".gongyak");
        std::fs::create_dir_all(&state).unwrap();
        std::fs::write(state.join("ledger.jsonl"), &content).unwrap();
        sb.drop_seed();
        for cmd in ["run", "report"] {
            let out = sb.gongyak(&[cmd]);
            assert_eq!(out.status.code(), Some(2), "{cmd}");
            let err = stderr(&out);
            assert!(
                err.contains("ledger.jsonl") && err.contains("2번째 줄") && err.contains(want),
                "{err}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(state.join("ledger.jsonl")).unwrap(),
            content
        );
        assert!(sb.files_in("accepted").is_empty(), "nothing taken");
    }
}
