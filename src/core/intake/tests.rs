//! One test per intake decision (issue 10 item 1).

use super::*;
use crate::core::model::Submission;
use chrono::{NaiveDate, TimeZone};
use std::sync::atomic::{AtomicUsize, Ordering};

fn now() -> DateTime<Local> {
    Local.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn leaf(program: &str) -> LeafKey {
    LeafKey {
        program: program.to_owned(),
        subprogram: None,
    }
}

fn sub(program: &str, base: NaiveDate) -> Submission {
    Submission {
        pledge_id: "p".to_owned(),
        leaf: leaf(program),
        base_date: base,
        info: Default::default(),
        unit: Default::default(),
        investment: Default::default(),
        targets: Default::default(),
        roadmap: Vec::new(),
        progress: None,
    }
}

fn ok(program: &str, base: NaiveDate) -> Checked {
    Checked {
        submission: Some(sub(program, base)),
        findings: Vec::new(),
        pledge_id: Some("p".to_owned()),
        named: Some(leaf(program)),
    }
}

fn bad(code: Code) -> Checked {
    Checked {
        submission: None,
        findings: vec![Finding::new(code, None, "틀림")],
        pledge_id: (code != Code::Read).then(|| "p".to_owned()),
        named: (code != Code::Read).then(|| leaf("사업")),
    }
}

fn arrival(name: &str, hash: &str) -> Arrival {
    Arrival {
        name: name.to_owned(),
        hash: ContentHash::from(hash),
        size: 10,
        oversize: false,
    }
}

/// A ledger record as intake would have made it.
fn recorded(seq: u64, name: &str, hash: &str, outcome: Outcome, s: Option<Submission>) -> Received {
    Received {
        seq,
        received_at: now(),
        name: name.to_owned(),
        size: 10,
        hash: ContentHash::from(hash),
        outcome,
        stored_as: StoredPath::new(format!("{}/{name}", outcome_dir(outcome))),
        pledge_id: Some(PledgeId::from("p")),
        findings: Vec::new(),
        submission: s,
        named: None,
    }
}

/// Runs `decide` with one check result per file (`None`: must not be checked).
fn run(
    files: &[Arrival],
    ledger: &LedgerView,
    folders: &Folders,
    checks: Vec<Option<Checked>>,
) -> Vec<Decision> {
    let calls = AtomicUsize::new(0);
    let out = decide(files, ledger, folders, now(), |i| {
        calls.fetch_add(1, Ordering::Relaxed);
        checks[i]
            .clone()
            .unwrap_or_else(|| panic!("file {i} was checked"))
    });
    assert!(calls.load(Ordering::Relaxed) <= files.len());
    out
}

fn record(d: &Decision) -> &Received {
    match d {
        Decision::Record { record, .. } => record.as_ref(),
        other => panic!("not a record: {other:?}"),
    }
}

fn kinds(r: &Received) -> Vec<Kind> {
    r.findings.iter().filter_map(|f| f.kind.clone()).collect()
}

/// Folders holding every stored file of the ledger (nothing left to finish).
fn folders_of(ledger: &LedgerView) -> Folders {
    let mut f = Folders::default();
    for r in ledger.records() {
        let (dir, name) = r.stored_as.split_once('/').unwrap();
        if dir == REJECTED_DIR {
            f.rejected.insert(name.to_owned());
        } else {
            f.accepted.insert(name.to_owned());
        }
    }
    f
}

#[test]
fn a_first_file_is_accepted_with_the_next_seq_and_its_own_name() {
    let ledger =
        LedgerView::from_records(vec![recorded(7, "x.xlsx", "h0", Outcome::Rejected, None)]);
    let d = run(
        &[arrival("a.xlsx", "h1")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(ok("사업", date(20)))],
    );
    let r = record(&d[0]);
    assert_eq!((r.seq, r.outcome), (8, Outcome::Accepted));
    assert_eq!(r.stored_as, "accepted/a.xlsx");
    assert_eq!(r.received_at, now());
    assert_eq!(r.pledge_id.as_deref(), Some("p"));
    assert!(r.submission.is_some() && r.findings.is_empty());
    assert!(matches!(&d[0], Decision::Record { replaces: None, .. }));
}

#[test]
fn a_file_with_errors_is_rejected_with_its_pledge_and_no_data() {
    let ledger = LedgerView::default();
    let d = run(
        &[arrival("a.xlsx", "h1")],
        &ledger,
        &Folders::default(),
        vec![Some(bad(Code::RowSum))],
    );
    let r = record(&d[0]);
    assert_eq!((r.seq, r.outcome), (1, Outcome::Rejected));
    assert_eq!(r.stored_as, "rejected/a.xlsx");
    assert_eq!(r.pledge_id.as_deref(), Some("p"));
    assert!(r.submission.is_none());
    assert_eq!(r.findings[0].code, Code::RowSum);
}

#[test]
fn a_later_base_date_supersedes_and_says_which_file_it_replaces() {
    let ledger = LedgerView::from_records(vec![recorded(
        1,
        "old.xlsx",
        "h0",
        Outcome::Accepted,
        Some(sub("사업", date(20))),
    )]);
    let d = run(
        &[arrival("new.xlsx", "h1")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(ok("사업", date(23)))],
    );
    let r = record(&d[0]);
    assert_eq!(r.outcome, Outcome::Accepted);
    assert_eq!(
        kinds(r),
        [Kind::Superseded {
            previous: "old.xlsx".into(),
            base_date: date(20),
            seq: 1
        }]
    );
    assert!(matches!(
        &d[0],
        Decision::Record { replaces: Some(Replaced { name, seq: 1 }), .. } if name == "old.xlsx"
    ));
}

#[test]
fn the_same_base_date_arriving_later_supersedes_too() {
    let ledger = LedgerView::from_records(vec![recorded(
        1,
        "old.xlsx",
        "h0",
        Outcome::Accepted,
        Some(sub("사업", date(20))),
    )]);
    let d = run(
        &[arrival("new.xlsx", "h1")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(ok("사업", date(20)))],
    );
    assert_eq!(record(&d[0]).findings[0].code, Code::Superseded);
    assert_eq!(record(&d[0]).outcome, Outcome::Accepted);
}

#[test]
fn an_older_base_date_is_kept_but_not_used() {
    let ledger = LedgerView::from_records(vec![recorded(
        1,
        "cur.xlsx",
        "h0",
        Outcome::Accepted,
        Some(sub("사업", date(20))),
    )]);
    let d = run(
        &[arrival("late.xlsx", "h1")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(ok("사업", date(1)))],
    );
    let r = record(&d[0]);
    assert_eq!(r.outcome, Outcome::Older);
    assert_eq!(r.stored_as, "accepted/late.xlsx");
    assert!(r.submission.is_some(), "kept for audit");
    assert_eq!(
        kinds(r),
        [Kind::Older {
            base_date: date(1),
            current: date(20),
            current_file: "cur.xlsx".into()
        }]
    );
    assert_eq!(r.findings[0].code, Code::Older);
    assert!(matches!(&d[0], Decision::Record { replaces: None, .. }));
}

#[test]
fn another_leaf_is_not_compared() {
    let ledger = LedgerView::from_records(vec![recorded(
        1,
        "cur.xlsx",
        "h0",
        Outcome::Accepted,
        Some(sub("사업", date(20))),
    )]);
    let d = run(
        &[arrival("b.xlsx", "h1")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(ok("다른 사업", date(1)))],
    );
    let r = record(&d[0]);
    assert_eq!(r.outcome, Outcome::Accepted);
    assert!(r.findings.is_empty());
}

#[test]
fn a_copy_of_a_taken_file_is_a_duplicate_and_is_not_checked() {
    for earlier in [Outcome::Accepted, Outcome::Older] {
        let ledger = LedgerView::from_records(vec![recorded(
            4,
            "first.xlsx",
            "h0",
            earlier,
            Some(sub("사업", date(20))),
        )]);
        let d = run(
            &[arrival("copy.xlsx", "h0")],
            &ledger,
            &folders_of(&ledger),
            vec![None],
        );
        let r = record(&d[0]);
        assert_eq!(r.outcome, Outcome::Duplicate);
        assert_eq!(r.stored_as, "accepted/copy.xlsx");
        assert_eq!(r.pledge_id.as_deref(), Some("p"), "the first one's pledge");
        assert!(r.submission.is_none());
        assert_eq!(
            kinds(r),
            [Kind::Duplicate {
                first: "first.xlsx".into(),
                seq: 4
            }]
        );
    }
}

#[test]
fn a_rejected_file_dropped_again_is_checked_again() {
    let ledger =
        LedgerView::from_records(vec![recorded(1, "a.xlsx", "h0", Outcome::Rejected, None)]);
    let d = run(
        &[arrival("a.xlsx", "h0")],
        &ledger,
        &folders_of(&ledger),
        vec![Some(bad(Code::RowSum))],
    );
    let r = record(&d[0]);
    assert_eq!(r.outcome, Outcome::Rejected);
    assert_eq!(r.stored_as, "rejected/a (2).xlsx", "the first one stays");
}

#[test]
fn a_copy_later_in_the_same_batch_is_a_duplicate_of_the_first() {
    let ledger = LedgerView::default();
    let d = run(
        &[arrival("a.xlsx", "h1"), arrival("b.xlsx", "h1")],
        &ledger,
        &Folders::default(),
        vec![Some(ok("사업", date(20))), Some(ok("사업", date(20)))],
    );
    assert_eq!(record(&d[0]).outcome, Outcome::Accepted);
    let r = record(&d[1]);
    assert_eq!((r.seq, r.outcome), (2, Outcome::Duplicate));
    assert_eq!(
        kinds(r),
        [Kind::Duplicate {
            first: "a.xlsx".into(),
            seq: 1
        }]
    );
}

#[test]
fn later_files_of_one_batch_are_compared_with_earlier_ones() {
    let ledger = LedgerView::default();
    let d = run(
        &[
            arrival("a.xlsx", "h1"),
            arrival("b.xlsx", "h2"),
            arrival("c.xlsx", "h3"),
        ],
        &ledger,
        &Folders::default(),
        vec![
            Some(ok("사업", date(20))),
            Some(ok("사업", date(22))),
            Some(ok("사업", date(21))),
        ],
    );
    assert!(record(&d[0]).findings.is_empty());
    assert!(matches!(
        &d[1],
        Decision::Record {
            replaces: Some(Replaced { seq: 1, .. }),
            ..
        }
    ));
    let r = record(&d[2]);
    assert_eq!(r.outcome, Outcome::Older);
    assert!(
        matches!(&r.findings[0].kind, Some(Kind::Older { current_file, .. }) if current_file == "b.xlsx")
    );
}

#[test]
fn a_recorded_file_never_moved_is_finished_without_a_second_record() {
    let ledger = LedgerView::from_records(vec![
        recorded(1, "x.xlsx", "h9", Outcome::Rejected, None),
        recorded(
            2,
            "a.xlsx",
            "h0",
            Outcome::Accepted,
            Some(sub("사업", date(20))),
        ),
    ]);
    // accepted/a.xlsx is not there: the move never happened.
    let d = run(
        &[arrival("a.xlsx", "h0")],
        &ledger,
        &Folders::default(),
        vec![None],
    );
    assert_eq!(d, [Decision::Finish { index: 1 }]);
    // Moved already: a second drop of the same bytes is a duplicate.
    let d = run(
        &[arrival("a.xlsx", "h0")],
        &ledger,
        &folders_of(&ledger),
        vec![None],
    );
    assert_eq!(record(&d[0]).outcome, Outcome::Duplicate);
}

#[test]
fn names_never_clash_with_files_present_promised_or_recorded() {
    // rejected/a.xlsx recorded (file since removed by hand), accepted/a.xlsx present.
    let ledger =
        LedgerView::from_records(vec![recorded(1, "a.xlsx", "h0", Outcome::Rejected, None)]);
    let mut folders = Folders::default();
    folders.accepted.insert("a.xlsx".into());
    folders.rejected.insert("a (2).오류.txt".into());
    let d = run(
        &[
            arrival("a.xlsx", "h1"),
            arrival("a.xlsx", "h2"),
            arrival("a.xlsx", "h3"),
        ],
        &ledger,
        &folders,
        vec![
            Some(ok("사업", date(20))),
            Some(bad(Code::RowSum)),
            Some(bad(Code::RowSum)),
        ],
    );
    let stored: Vec<&str> = d.iter().map(|d| record(d).stored_as.as_str()).collect();
    assert_eq!(
        stored,
        [
            "accepted/a (2).xlsx",
            "rejected/a (3).xlsx",
            "rejected/a (4).xlsx"
        ]
    );
}

#[test]
fn long_names_are_shortened_with_room_for_every_companion() {
    let long = format!("{}.xlsx", "가".repeat(120));
    let first = free_name_among(&long, |_| false);
    assert!(first.len() <= 255 && first.ends_with(".xlsx"));
    let second = free_name_among(&long, |n| n == first);
    assert_ne!(first, second);
    assert!(result_note_name(&second).len() <= 255);
    assert!(review_name(&second).len() <= 255);
    // A companion in use blocks the name too.
    let taken = result_note_name("b.xlsx");
    assert_eq!(free_name_among("b.xlsx", |n| n == taken), "b (2).xlsx");
}

#[test]
fn reports_touched_are_the_pledge_or_all_for_an_unrouted_file() {
    let mut r = recorded(1, "a.xlsx", "h", Outcome::Rejected, None);
    assert_eq!(reports_touched(&r), Some(vec!["p"]));
    r.pledge_id = None;
    assert_eq!(reports_touched(&r), None, "every report lists it");
}

#[test]
fn notes_go_beside_rejected_files_and_files_with_findings() {
    let mut r = recorded(1, "a.xlsx", "h", Outcome::Rejected, None);
    assert_eq!(note_name(&r, "a.xlsx").as_deref(), Some("a.오류.txt"));
    r.outcome = Outcome::Accepted;
    assert_eq!(note_name(&r, "a.xlsx"), None, "nothing to say");
    r.findings
        .push(Finding::new(Code::Superseded, None, "대신합니다"));
    assert_eq!(note_name(&r, "a.xlsx"), None, "a confirmation asks nothing");
    r.outcome = Outcome::Duplicate;
    r.findings = vec![Finding::new(Code::Duplicate, None, "같습니다")];
    assert_eq!(note_name(&r, "a.xlsx"), None);
    r.outcome = Outcome::Accepted;
    r.findings
        .push(Finding::new(Code::UnitAssumed, None, "단위"));
    assert_eq!(
        note_name(&r, "a (2).xlsx").as_deref(),
        Some("a (2).검토결과.txt")
    );
    r.outcome = Outcome::Older;
    r.findings = vec![Finding::new(Code::Older, None, "미반영")];
    assert!(
        note_name(&r, "a.xlsx").is_some(),
        "W-OLDER asks for a later 기준일"
    );
}

#[test]
fn the_view_and_the_report_agree_on_the_current_submission() {
    use crate::core::consolidate::current_by_leaf;
    // Dates out of arrival order, a rejected and a 미반영 record among them.
    let records = vec![
        recorded(1, "a", "1", Outcome::Accepted, Some(sub("사업", date(20)))),
        recorded(2, "b", "2", Outcome::Accepted, Some(sub("사업", date(22)))),
        recorded(3, "c", "3", Outcome::Older, Some(sub("사업", date(25)))),
        recorded(4, "d", "4", Outcome::Rejected, None),
        recorded(5, "e", "5", Outcome::Accepted, Some(sub("사업", date(22)))),
        recorded(6, "f", "6", Outcome::Accepted, Some(sub("사업", date(21)))),
    ];
    let view = LedgerView::from_records(records.clone());
    assert_eq!(view.current("p", &leaf("사업")).map(|r| r.seq), Some(5));
    let pledge = crate::core::definition::Pledge::from_toml(include_str!(
        "../../../templates/ansan-innopolis.toml"
    ))
    .unwrap();
    let mut records = records;
    for r in &mut records {
        if let Some(s) = &mut r.submission {
            s.pledge_id = pledge.id.clone();
            s.leaf = pledge.leaves()[0].key();
        }
    }
    let view = LedgerView::from_records(records.clone());
    let leaf0 = pledge.leaves()[0].key();
    let by_report = current_by_leaf(&pledge, &records);
    assert_eq!(
        view.current(&pledge.id, &leaf0).map(|r| r.seq),
        by_report.get(&leaf0).map(|r| r.seq)
    );
}

#[test]
fn a_rolled_back_view_forgets_the_batch_and_its_current() {
    let mut view = LedgerView::from_records(vec![recorded(
        1,
        "a",
        "1",
        Outcome::Accepted,
        Some(sub("사업", date(20))),
    )]);
    view.push(recorded(
        2,
        "b",
        "2",
        Outcome::Accepted,
        Some(sub("사업", date(22))),
    ));
    assert_eq!(view.current("p", &leaf("사업")).map(|r| r.seq), Some(2));
    view.truncate(1);
    assert_eq!(view.current("p", &leaf("사업")).map(|r| r.seq), Some(1));
    assert_eq!(view.next_seq(), 2);
    assert_eq!(view.by_hash(&"2".into()).count(), 0);
    assert!(!view.is_stored("accepted/b"));
    assert_eq!(view.position_of(1), Some(0));
}
