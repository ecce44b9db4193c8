use super::*;
use crate::core::model::Outcome;

fn record(seq: u64, hash: &str) -> Received {
    Received {
        seq,
        received_at: chrono::Local::now(),
        name: format!("{hash}.xlsx"),
        size: 1,
        hash: ContentHash::from(hash),
        outcome: Outcome::Rejected,
        stored_as: StoredPath::new(format!("rejected/{hash}.xlsx")),
        pledge_id: None,
        findings: Vec::new(),
        submission: None,
        named: None,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ledger")
        .join(name)
}

/// The error of opening a ledger with this content.
fn open_error(content: &[u8]) -> anyhow::Error {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    std::fs::write(&path, content).unwrap();
    let err = Ledger::open(&path).unwrap_err();
    assert_eq!(std::fs::read(&path).unwrap(), content, "left as it was");
    err
}

#[test]
fn nothing_is_on_disk_before_sync_and_a_rollback_forgets_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let mut l = Ledger::open(&path).unwrap();
    l.append(record(1, "a")).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap().len(),
        0,
        "buffered until sync"
    );
    l.sync().unwrap();
    let synced = std::fs::read(&path).unwrap();

    l.append(record(2, "b")).unwrap();
    assert_eq!(l.records().len(), 2);
    assert!(l.view().is_stored("rejected/b.xlsx"));
    l.rollback();
    assert_eq!(l.records().len(), 1);
    assert_eq!(l.view().by_hash(&"b".into()).count(), 0);
    assert!(!l.view().is_stored("rejected/b.xlsx"));
    assert_eq!(l.view().next_seq(), 2);
    assert_eq!(std::fs::read(&path).unwrap(), synced);

    l.append(record(2, "c")).unwrap();
    l.sync().unwrap();
    drop(l);
    let l = Ledger::open(&path).unwrap();
    let hashes: Vec<&str> = l.records().iter().map(|r| r.hash.as_str()).collect();
    assert_eq!(hashes, ["a", "c"]);
}

#[test]
fn a_torn_last_line_is_cut_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let mut l = Ledger::open(&path).unwrap();
    l.append(record(1, "a")).unwrap();
    l.sync().unwrap();
    drop(l);
    let whole = std::fs::read(&path).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(br#"{"v":1,"seq":2,"received_at":"#);
    std::fs::write(&path, &torn).unwrap();
    let mut l = Ledger::open(&path).unwrap();
    assert_eq!(l.records().len(), 1);
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    l.append(record(2, "b")).unwrap();
    l.sync().unwrap();
    drop(l);
    assert_eq!(Ledger::open(&path).unwrap().records().len(), 2);
}

/// `tests/fixtures/ledger/v0.jsonl` was written by gongyak before versioning (commit
/// 0adab64) from the seed and flawed samples: 4 accepted, 4 rejected, then a copy of a
/// seed file, a later and an older 기준일 of one leaf. Every version ever written must
/// still read, field for field.
#[test]
fn every_ledger_version_ever_written_still_reads() {
    let path = fixture("v0.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let records = read_records(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(records.len(), lines.len());
    let outcomes: Vec<Outcome> = records.iter().map(|r| r.outcome).collect();
    use Outcome::*;
    assert_eq!(
        outcomes,
        [
            Accepted, Accepted, Accepted, Accepted, Rejected, Rejected, Rejected, Rejected,
            Duplicate, Accepted, Older
        ]
    );
    assert_eq!(
        records.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=11).collect::<Vec<_>>()
    );
    assert!(records[..4].iter().all(|r| r.submission.is_some()));
    // Written back as the current version, every line carries the same data: only
    // `v` is added, and the 미반영 line's outcome is what version 0 could not say.
    for (line, r) in lines.iter().zip(&records) {
        let mut old: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut new = serde_json::to_value(LineOut::of(r)).unwrap();
        assert_eq!(new["v"], LEDGER_VERSION);
        new.as_object_mut().unwrap().remove("v");
        if r.outcome == Older {
            assert_eq!(old["outcome"], "accepted");
            old["outcome"] = "older".into();
        }
        assert_eq!(new, old, "seq {}", r.seq);
    }
}

#[test]
fn a_current_line_is_written_and_read_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let v0 = read_records(&fixture("v0.jsonl")).unwrap();
    let mut l = Ledger::open(&path).unwrap();
    for r in &v0 {
        l.append(r.clone()).unwrap();
    }
    l.sync().unwrap();
    drop(l);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.lines().all(|l| l.starts_with(r#"{"v":1,"seq":"#)));
    let back = read_records(&path).unwrap();
    assert_eq!(back, v0);
}

#[test]
fn an_unknown_version_stops_start_up_with_file_and_line() {
    let mut content = Vec::new();
    let good = serde_json::to_string(&LineOut::of(&record(1, "a"))).unwrap();
    content.extend_from_slice(good.as_bytes());
    content.push(b'\n');
    // A future version may change anything, even the fields this build knows.
    content.extend_from_slice(br#"{"v":7,"sequence":2}"#);
    content.push(b'\n');
    let err = open_error(&content);
    match err.downcast_ref::<LedgerError>() {
        Some(LedgerError::UnknownVersion { line, version, .. }) => {
            assert_eq!((*line, *version), (2, 7))
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("ledger.jsonl") && text.contains("2번째 줄"),
        "{text}"
    );
    // Known fields with a newer version: refused too, not half read.
    let newer = good.replacen(r#""v":1"#, r#""v":2"#, 1);
    let err = open_error(format!("{newer}\n").as_bytes());
    assert!(matches!(
        err.downcast_ref::<LedgerError>(),
        Some(LedgerError::UnknownVersion {
            line: 1,
            version: 2,
            ..
        })
    ));
}

#[test]
fn a_damaged_line_that_is_not_the_torn_last_one_stops_start_up() {
    let a = serde_json::to_string(&LineOut::of(&record(1, "a"))).unwrap();
    let b = serde_json::to_string(&LineOut::of(&record(2, "b"))).unwrap();
    // In the middle, and last but whole (ends with a newline: not a torn write).
    for content in [
        format!("{a}\n{{\"seq\":\n{b}\n"),
        format!("{a}\n\n{}\n", a.replace("\"seq\":1", "\"seq\":\"x\"")),
    ] {
        let err = open_error(content.as_bytes());
        match err.downcast_ref::<LedgerError>() {
            Some(LedgerError::Unreadable { line, .. }) => {
                assert_eq!(*line, 2 + usize::from(content.contains("\n\n")))
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("기술 정보"), "{err}");
    }
    // A field renamed by mistake is not silently read as missing.
    let renamed = a.replace("\"stored_as\"", "\"stored\"");
    assert!(
        open_error(format!("{renamed}\n").as_bytes())
            .downcast_ref::<LedgerError>()
            .is_some()
    );
}

#[test]
fn a_sequence_number_is_never_given_out_twice() {
    let a = serde_json::to_string(&LineOut::of(&record(5, "a"))).unwrap();
    let b = serde_json::to_string(&LineOut::of(&record(5, "b"))).unwrap();
    let err = open_error(format!("{a}\n{b}\n").as_bytes());
    assert!(matches!(
        err.downcast_ref::<LedgerError>(),
        Some(LedgerError::Unreadable { line: 2, .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    std::fs::write(&path, format!("{a}\n")).unwrap();
    let mut l = Ledger::open(&path).unwrap();
    assert_eq!(l.view().next_seq(), 6);
    assert!(l.append(record(5, "c")).is_err(), "5 is taken");
    l.append(record(6, "c")).unwrap();
}
