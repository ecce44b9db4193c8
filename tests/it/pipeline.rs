//! Issue: core pipeline. `gongyak run` / `check` / `report` driven as a real binary on
//! the shared samples and generated workbooks.

use crate::common::*;
use gongyak::core::consolidate::Outcome;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn seed_files_consolidate_to_the_expected_pledge_table() {
    let sb = Sandbox::new();
    sb.drop_seed();
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sb.files_in("accepted").len(), 4);
    assert!(
        sb.files_in("")
            .iter()
            .all(|f| f == "accepted" || f == ".gongyak")
    );
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

#[test]
fn each_leaf_table_equals_its_submission() {
    // The consolidated per-leaf data is the submission's, source by source.
    let sb = Sandbox::new();
    sb.drop_seed();
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let records = ledger(&sb);
    let cat = catalog();
    let pledge = &cat.pledges[0];
    let report = gongyak::core::consolidate::consolidate(pledge, &records);
    for r in &records {
        let s = r.submission.as_ref().unwrap();
        let table = match &s.leaf.subprogram {
            Some(sub) => {
                let p = report
                    .programs
                    .iter()
                    .find(|p| p.name == s.leaf.program)
                    .unwrap();
                &p.subprograms.iter().find(|x| &x.name == sub).unwrap().table
            }
            None => {
                &report
                    .programs
                    .iter()
                    .find(|p| p.name == s.leaf.program)
                    .unwrap()
                    .table
            }
        };
        let columns = pledge.columns();
        assert_eq!(
            table.sum.cells(&columns),
            s.investment.sum.cells(&columns),
            "{}",
            r.name
        );
        for (src, amounts) in &table.sources {
            assert_eq!(
                amounts.cells(&columns),
                s.investment.sources[src].cells(&columns),
                "{} {src}",
                r.name
            );
        }
    }
    // The program with two sub-programs is their sum.
    let smart = report
        .programs
        .iter()
        .find(|p| p.subprograms.len() == 2)
        .unwrap();
    for c in pledge.columns() {
        assert_eq!(
            smart.table.sum.get(c),
            smart.subprograms[0].table.sum.get(c) + smart.subprograms[1].table.sum.get(c),
            "{c:?}"
        );
    }
}

#[test]
fn flawed_files_are_rejected_with_the_expected_codes_and_notes() {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("flawed/expected.json")).unwrap(),
    )
    .unwrap();
    let sb = Sandbox::new();
    for name in expected.as_object().unwrap().keys() {
        sb.drop_fixture(&format!("flawed/{name}"));
    }
    let out = sb.gongyak(&["run"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "rejections exit 1: {}",
        stderr(&out)
    );
    // The log names each kind of problem once; the note lists every cell.
    assert!(
        stderr(&out).contains("file=no_cached_values.xlsx seq=")
            && stderr(&out).contains("codes=E-FORMULA to="),
        "{}",
        stderr(&out)
    );
    let records = ledger(&sb);
    for (name, want) in expected.as_object().unwrap() {
        let r = records.iter().find(|r| &r.name == name).unwrap();
        assert_eq!(r.outcome, Outcome::Rejected, "{name}");
        // Exactly the expected codes: a missing one and an extra one both fail.
        let got: std::collections::BTreeSet<&str> =
            r.findings.iter().map(|f| f.code.as_str()).collect();
        let want_codes: Vec<&str> = want["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let want_set: std::collections::BTreeSet<&str> = want_codes.iter().copied().collect();
        assert_eq!(got, want_set, "{name}: codes");
        assert!(
            sb.inbox().join("rejected").join(name).exists(),
            "{name} moved"
        );
        let stem = name.trim_end_matches(".xlsx");
        let note =
            std::fs::read(sb.inbox().join("rejected").join(format!("{stem}.오류.txt"))).unwrap();
        assert_eq!(&note[..3], &[0xEF, 0xBB, 0xBF], "{name}: BOM");
        let text = String::from_utf8(note[3..].to_vec()).unwrap();
        for c in &want_codes {
            assert!(text.contains(c), "{name}: note lacks {c}");
        }
        if let Some(cells) = want.get("cells") {
            for cell in cells.as_array().unwrap() {
                assert!(
                    text.contains(cell.as_str().unwrap()),
                    "{name}: note lacks {cell}"
                );
            }
        }
        if let Some(s) = want.get("suggest") {
            assert!(
                text.contains(s.as_str().unwrap()),
                "{name}: note lacks suggestion"
            );
        }
    }
}

#[test]
fn check_prints_findings_changes_nothing_and_sets_the_exit_code() {
    let sb = Sandbox::new();
    let bad = sb.drop_fixture("flawed/sum_mismatch.xlsx");
    let good = sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    let out = sb.gongyak(&["check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("E-ROWSUM") && stdout.contains("투자계획!B6"),
        "{stdout}"
    );
    let out = sb.gongyak(&["check", good.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(bad.exists() && good.exists(), "check moves nothing");
    assert!(
        !sb.inbox().join(".gongyak").exists(),
        "check writes no ledger"
    );
}

#[test]
fn usage_and_environment_errors_exit_2() {
    let sb = Sandbox::new();
    assert_eq!(sb.gongyak(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(sb.gongyak(&["check"]).status.code(), Some(2));
    let broken = std::fs::read_to_string(sb.templates().join("ansan-innopolis.toml"))
        .unwrap()
        .replacen("start = 2022", "start = \"이천이십이\"", 1);
    std::fs::write(sb.templates().join("ansan-innopolis.toml"), broken).unwrap();
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("공약 정의 파일")
            && err.contains("ansan-innopolis.toml")
            && err.contains("번째 줄, 항목 `start`")
            && err.contains("(기술 정보: "),
        "{err}"
    );
    for cmd in ["watch", "run", "check", "report"] {
        let out = sb.gongyak(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
    }
}

#[test]
fn a_resubmission_supersedes_by_base_date_and_a_copy_is_a_duplicate() {
    let sb = Sandbox::new();
    sb.drop_seed();
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    // Same bytes again: nothing changes.
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    // A later 기준일 with a changed 2026 plan for the same leaf.
    let mut amounts = INNOPOLIS;
    amounts[0].1[5] = 900.0; // 국비 2026: 1000 → 900
    amounts[3].1[5] = 100.0; // 기타 2026: 0 → 100
    let mut newer = submission("안산 강소연구개발특구 운영", None, &amounts);
    newer.set("제출정보", "B9", t("2026-11-23"));
    sb.drop_bytes("innopolis_수정.xlsx", &newer.to_bytes());
    // An older 기준일 arriving later does not win.
    let mut older = submission("안산 강소연구개발특구 운영", None, &INNOPOLIS);
    older.set("제출정보", "B9", t("2026-10-01"));
    older.set("제출정보", "B7", t("예전 담당자"));
    sb.drop_bytes("innopolis_옛날.xlsx", &older.to_bytes());
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let records = ledger(&sb);
    let dup = records
        .iter()
        .find(|r| r.outcome == Outcome::Duplicate)
        .unwrap();
    assert_eq!(dup.findings[0].code.as_str(), "W-DUPLICATE");
    let new = records
        .iter()
        .find(|r| r.name == "innopolis_수정.xlsx")
        .unwrap();
    assert!(
        new.findings
            .iter()
            .any(|f| f.code.as_str() == "W-SUPERSEDED")
    );
    let old = records
        .iter()
        .find(|r| r.name == "innopolis_옛날.xlsx")
        .unwrap();
    // Accepted but not used (미반영): its own outcome and code.
    assert_eq!(old.outcome, Outcome::Older);
    let codes: Vec<&str> = old.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["W-OLDER"]);
    // Duplicate copies never overwrite: both names exist in accepted/.
    assert!(
        sb.files_in("accepted")
            .iter()
            .any(|f| f.starts_with("innopolis_투자계획_제출 (2)"))
    );

    let mut want = expected_pledge_table();
    // 2026: 국비 2000 → 1900, 기타 0 → 100; 계 unchanged.
    want[2][7] = "1900".into();
    want[5][7] = "100".into();
    want[5][1] = "5100".into();
    want[2][1] = "35760".into();
    assert_eq!(report_pledge_table(&sb.report()), want);
}

#[test]
fn lock_temp_and_hidden_files_are_ignored_and_links_never_followed() {
    let sb = Sandbox::new();
    for name in [
        "~$제출.xlsx",
        ".~lock.제출.xlsx#",
        "작성중.tmp",
        ".숨김.xlsx",
    ] {
        sb.drop_bytes(name, b"office lock");
    }
    let outside = sb.path().join("secret.xlsx");
    std::fs::copy(
        fixtures().join("seed/innopolis_투자계획_제출.xlsx"),
        &outside,
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, sb.inbox().join("link.xlsx")).unwrap();
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in [
        "~$제출.xlsx",
        ".~lock.제출.xlsx#",
        "작성중.tmp",
        ".숨김.xlsx",
    ] {
        assert!(sb.inbox().join(name).exists(), "{name} left alone");
    }
    assert!(sb.files_in("accepted").is_empty() && sb.files_in("rejected").is_empty());
    #[cfg(unix)]
    {
        assert!(
            sb.inbox()
                .join("link.xlsx")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(outside.exists());
        assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    }
    assert!(ledger(&sb).is_empty());
}

#[test]
fn nfd_file_names_from_a_mac_are_stored_in_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let sb = Sandbox::new();
    let nfd: String = "혁신_제출.xlsx".nfd().collect();
    std::fs::copy(
        fixtures().join("seed/innopolis_투자계획_제출.xlsx"),
        sb.inbox().join(&nfd),
    )
    .unwrap();
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    assert_eq!(sb.files_in("accepted"), vec!["혁신_제출.xlsx".to_owned()]);
    assert_eq!(ledger(&sb)[0].name, "혁신_제출.xlsx");
}

#[test]
fn report_rebuilds_from_the_ledger_alone() {
    let sb = Sandbox::new();
    sb.drop_seed();
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    std::fs::remove_file(sb.report()).unwrap();
    let out = sb.gongyak(&["report"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

const SECOND: &str = r#"
id = "banwol-green"
title = "반월국가산단 녹색 전환"
department = "기후에너지과"
sources = ["국비", "시비"]
[term]
start = 2023
end = 2025
[declared]
total = 300
by_source = [ { source = "국비", amount = 200 }, { source = "시비", amount = 100 } ]
[[programs]]
name = "태양광 지붕 보급"
budget = 300
"#;

#[test]
fn a_second_pledge_gets_its_own_report_untouched_by_the_other() {
    let sb = Sandbox::new();
    std::fs::write(sb.templates().join("banwol-green.toml"), SECOND).unwrap();
    sb.drop_seed();
    let mut b = Book::default();
    b.set("제출정보", "A1", t("공약명"))
        .set("제출정보", "B1", t("반월국가산단 녹색 전환"));
    b.set("제출정보", "A2", t("사업명"))
        .set("제출정보", "B2", t("태양광 지붕 보급"));
    b.set("제출정보", "A3", t("기준일"))
        .set("제출정보", "B3", t("2026-11-01"));
    b.set("제출정보", "A4", t("제출부서"))
        .set("제출정보", "B4", t("기후에너지과"));
    b.set("제출정보", "A5", t("담당자"))
        .set("제출정보", "B5", t("김담당"));
    b.set("제출정보", "A6", t("연락처"))
        .set("제출정보", "B6", t("031-000-0000"));
    b.set("투자계획", "E1", t("(단위 : 백만원)"));
    for (i, h) in [
        "구분",
        "총계",
        "기투자",
        "2023년",
        "2024년",
        "2025년",
        "임기후",
    ]
    .iter()
    .enumerate()
    {
        b.sheet("투자계획").insert((1, i as u16), t(h));
    }
    for (r, row) in [
        ("계", [300.0, 0.0, 100.0, 100.0, 100.0, 0.0]),
        ("국비", [200.0, 0.0, 100.0, 50.0, 50.0, 0.0]),
        ("시비", [100.0, 0.0, 0.0, 50.0, 50.0, 0.0]),
    ]
    .iter()
    .enumerate()
    {
        b.sheet("투자계획").insert((2 + r as u32, 0), t(row.0));
        for (j, v) in row.1.iter().enumerate() {
            b.sheet("투자계획")
                .insert((2 + r as u32, 1 + j as u16), Cell::Num(*v));
        }
    }
    for (i, h) in ["구분", "단위", "2023년", "2024년", "2025년"]
        .iter()
        .enumerate()
    {
        b.sheet("추진목표").insert((0, i as u16), t(h));
    }
    b.set("추진목표", "A2", t("추진내용"))
        .set("추진목표", "C2", t("설계"));
    sb.drop_bytes("태양광.xlsx", &b.to_bytes());
    let out = sb.gongyak(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Ansan's report is what the seed alone gives.
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    let history = read_sheet(&sb.report(), "제출이력");
    assert!(
        history.find("태양광.xlsx").is_none(),
        "other pledge's file in Ansan history"
    );
    // The second pledge's own report, with its own years and sources.
    let second = sb.outbox().join("banwol-green_공약추진현황.xlsx");
    let table = {
        let g = read_sheet(&second, "연차별 투자계획");
        let (r, c) = g.find("구분").unwrap();
        (0..4)
            .map(|k| {
                (0..8)
                    .map(|j| g.get(r + k, c + j).to_owned())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        table[0],
        [
            "구분",
            "총계",
            "기투자",
            "2023년",
            "2024년",
            "2025년",
            "임기후"
        ]
    );
    assert_eq!(table[1], ["계", "300", "0", "100", "100", "100", "0"]);
    assert_eq!(table[2][..2], ["재원별".to_owned(), "국비".to_owned()]);
    let g = read_sheet(&second, "제출이력");
    assert!(g.find("태양광.xlsx").is_some());
    assert!(g.find("innopolis_투자계획_제출.xlsx").is_none());
}

#[test]
fn the_report_lists_missing_leaves() {
    let sb = Sandbox::new();
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let g = read_sheet(&sb.report(), "요약");
    assert_eq!(g.find_all("미제출").len(), 3, "three leaves not submitted");
}
