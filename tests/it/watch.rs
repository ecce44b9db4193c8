//! Issue 4: `gongyak watch`, the daemon. Every test runs the real binary as a child
//! process in its own scratch folder, waits for conditions with a deadline (never a
//! fixed sleep standing in for one), and kills the child when it ends, pass or fail.

use crate::common::*;
use gongyak::core::consolidate::{Outcome, Received};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Short settle and rescan times keep the suite fast; the daemon's defaults are for
/// people copying files over a network.
const FAST: &[&str] = &["--settle-ms", "100", "--rescan", "1"];
/// Long enough for a loaded 2-core CI machine, short enough that a hang is noticed.
const DEADLINE: Duration = Duration::from_secs(60);

/// A running `gongyak watch`; killed (SIGKILL) when dropped, so no test leaves one
/// behind or hangs on it.
struct Daemon {
    child: Child,
    log: PathBuf,
}

static LOGS: AtomicUsize = AtomicUsize::new(0);

impl Daemon {
    /// `gongyak watch` in the sandbox with the fast timings and `extra` flags, its log
    /// (stderr) going to a file of its own.
    fn start(sb: &Sandbox, extra: &[&str]) -> Self {
        Self::start_with(gongyak_cmd(), sb, extra)
    }

    /// [`Daemon::start`] through another command line (e.g. with fewer privileges).
    fn start_with(mut cmd: std::process::Command, sb: &Sandbox, extra: &[&str]) -> Self {
        let log = sb.path().join(format!(
            "daemon-{}.log",
            LOGS.fetch_add(1, Ordering::SeqCst)
        ));
        let child = cmd
            .current_dir(sb.path())
            .arg("watch")
            .args(FAST)
            .args(extra)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start gongyak watch");
        Self { child, log }
    }

    /// Starts and waits until the daemon listens (its first report is written).
    fn running(sb: &Sandbox, extra: &[&str]) -> Self {
        let d = Self::start(sb, extra);
        d.wait_for("the daemon to start", || !d.event("watching").is_empty());
        d
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Lines of the log of one kind, told by a structured field (`event="held"`,
    /// ` report=`): the wording of a message is for people, not an API.
    fn with(&self, field: &str) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.contains(field))
            .map(str::to_owned)
            .collect()
    }

    /// Lines with `event="name"`, the daemon's own file and life-cycle events.
    fn event(&self, name: &str) -> Vec<String> {
        self.with(&format!("event=\"{name}\""))
    }

    /// Waits for `cond`, failing with the daemon's log after the deadline or when the
    /// daemon has died.
    fn wait_for(&self, what: &str, mut cond: impl FnMut() -> bool) {
        let start = Instant::now();
        loop {
            if cond() {
                return;
            }
            let elapsed = start.elapsed();
            assert!(
                elapsed < DEADLINE,
                "timed out after {elapsed:?} waiting for {what}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    #[cfg(unix)]
    fn signal(&self, sig: &str) {
        let sent = std::process::Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill {sig} failed");
    }

    /// Waits for the daemon to exit by itself.
    fn exit_status(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return s;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the daemon did not exit; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Lines in the ledger; a torn last line (the daemon was killed mid-write) counts as
/// not written.
fn ledger_len(sb: &Sandbox) -> usize {
    std::fs::read(sb.inbox().join(".gongyak/ledger.jsonl"))
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Files (not folders, not hidden state) still at the top of the inbox.
fn waiting(sb: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sb.inbox())
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A seed or flawed fixture with different bytes but the same cells: the document's
/// author property is changed, which nothing reads.
fn variant(fixture: &str, n: usize) -> Vec<u8> {
    let bytes = std::fs::read(fixtures().join(fixture)).unwrap();
    patch_xlsx(
        &bytes,
        "<dc:creator>openpyxl</dc:creator>",
        &format!("<dc:creator>variant {n}</dc:creator>"),
    )
}

/// The notes of a review workbook as `시트!셀 → text`, read from the xlsx parts
/// (workbook → sheet → its comments part).
pub(crate) fn review_notes(path: &Path) -> BTreeMap<String, String> {
    let parts: HashMap<String, String> = zip_entries(&std::fs::read(path).unwrap())
        .into_iter()
        .map(|(n, d)| (n, String::from_utf8_lossy(&d).into_owned()))
        .collect();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let re = regex::Regex::new(&format!(r#"\b{}="([^"]*)""#, regex::escape(name))).unwrap();
        re.captures(tag).map(|c| c[1].to_owned())
    };
    let tags = |xml: &str, el: &str| -> Vec<String> {
        regex::Regex::new(&format!(r"<{el}\b[^>]*>"))
            .unwrap()
            .find_iter(xml)
            .map(|m| m.as_str().to_owned())
            .collect()
    };
    let rels = |part: &str| -> HashMap<String, String> {
        parts
            .get(part)
            .map(|xml| {
                tags(xml, "Relationship")
                    .iter()
                    .filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let text_re = regex::Regex::new(r"(?s)<t[^>]*>(.*?)</t>").unwrap();
    let comment_re =
        regex::Regex::new(r#"(?s)<comment\b[^>]*\bref="([A-Z]+[0-9]+)"[^>]*>(.*?)</comment>"#)
            .unwrap();
    let book_rels = rels("xl/_rels/workbook.xml.rels");
    let mut notes = BTreeMap::new();
    for sheet in tags(&parts["xl/workbook.xml"], "sheet") {
        let (Some(name), Some(rid)) = (attr(&sheet, "name"), attr(&sheet, "r:id")) else {
            continue;
        };
        let target = book_rels[&rid]
            .trim_start_matches('/')
            .trim_start_matches("xl/");
        let file = target.rsplit('/').next().unwrap();
        let sheet_rels = rels(&format!("xl/worksheets/_rels/{file}.rels"));
        for target in sheet_rels.values().filter(|t| t.contains("comments")) {
            let part = format!("xl/{}", target.trim_start_matches("../"));
            for c in comment_re.captures_iter(&parts[&part]) {
                let text: String = text_re
                    .captures_iter(&c[2])
                    .map(|t| t[1].to_owned())
                    .collect();
                notes.insert(format!("{name}!{}", &c[1]), text);
            }
        }
    }
    notes
}

/// Drops the seed files into a running daemon and checks the report it writes.
fn seed_files_make_the_report(extra: &[&str], mode: &str) {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, extra);
    assert!(
        d.event("watching")[0].contains(&format!("mode=\"{mode}\"")),
        "{}",
        d.log()
    );
    sb.drop_seed();
    d.wait_for("the report with all four leaves", || {
        d.event("report_written")
            .iter()
            .any(|l| l.contains("submitted=4"))
    });
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    assert_eq!(
        sb.files_in("accepted"),
        seed_files().map(String::from).to_vec()
    );
    assert!(waiting(&sb).is_empty(), "{:?}", waiting(&sb));
    // One log line per file event: received, then accepted.
    for f in seed_files() {
        let n = d
            .event("received")
            .iter()
            .filter(|l| l.contains(&format!("file={f} ")))
            .count();
        assert_eq!(n, 1, "received {f}:\n{}", d.log());
        let recorded = ledger(&sb).iter().filter(|r| r.name == f).count();
        assert_eq!(recorded, 1, "recorded {f}");
    }
}

#[test]
fn seed_files_dropped_into_a_running_daemon_make_the_expected_report() {
    seed_files_make_the_report(&[], "events");
}

#[test]
fn poll_mode_makes_the_same_report_without_file_events() {
    seed_files_make_the_report(&["--poll", "1"], "poll");
}

#[test]
fn a_file_copied_slowly_in_chunks_is_accepted_not_rejected() {
    use std::io::Write;
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    let bytes = std::fs::read(fixtures().join("seed/innopolis_투자계획_제출.xlsx")).unwrap();
    let dest = sb.inbox().join("느린복사.xlsx");
    let mut f = std::fs::File::create(&dest).unwrap();
    // 10 chunks over 3 s: each pause is longer than the 100 ms settle time, so the
    // daemon sees a half-written file that has stopped changing, more than once.
    let chunk = bytes.len().div_ceil(10);
    for part in bytes.chunks(chunk) {
        f.write_all(part).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(f);
    d.wait_for("the file to be taken", || waiting(&sb).is_empty());
    assert_eq!(sb.files_in("accepted"), vec!["느린복사.xlsx"]);
    assert!(
        sb.files_in("rejected").is_empty(),
        "{:?}",
        sb.files_in("rejected")
    );
    let records = ledger(&sb);
    assert_eq!(
        records.len(),
        1,
        "no record of a partial file: {records:#?}"
    );
    assert_eq!(records[0].outcome, Outcome::Accepted);
    assert_eq!(records[0].hash, sha(&bytes));
    // The partial file was really looked at (and given back), or this proved nothing.
    assert!(!d.event("held").is_empty(), "{}", d.log());
}

#[test]
fn a_flawed_file_is_rejected_with_an_error_note_and_a_review_copy_with_cell_notes() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    sb.drop_fixture("flawed/sum_mismatch.xlsx");
    // The notes are written before the move.
    d.wait_for("the rejection", || {
        sb.files_in("rejected")
            .contains(&"sum_mismatch.xlsx".to_owned())
    });
    assert!(waiting(&sb).is_empty());
    assert_eq!(
        sb.files_in("rejected"),
        vec![
            "sum_mismatch.xlsx",
            "sum_mismatch.검토.xlsx",
            "sum_mismatch.오류.txt"
        ]
    );
    let records = ledger(&sb);
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].outcome, Outcome::Rejected);
    let codes: BTreeSet<&str> = records[0]
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(codes, BTreeSet::from(["E-ROWSUM", "E-COLSUM"]));

    let note = std::fs::read(sb.inbox().join("rejected/sum_mismatch.오류.txt")).unwrap();
    assert!(note.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM for Notepad");
    let note = String::from_utf8(note[3..].to_vec()).unwrap();
    for expected in ["E-ROWSUM", "E-COLSUM", "투자계획!B6", "투자계획!E4"] {
        assert!(note.contains(expected), "{expected} missing in:\n{note}");
    }

    let review = sb.inbox().join("rejected/sum_mismatch.검토.xlsx");
    let notes = review_notes(&review);
    let b6 = notes
        .get("투자계획!B6")
        .unwrap_or_else(|| panic!("no note on B6: {notes:#?}"));
    assert!(b6.contains("E-ROWSUM"), "{b6}");
    let e4 = notes
        .get("투자계획!E4")
        .unwrap_or_else(|| panic!("no note on E4: {notes:#?}"));
    assert!(e4.contains("E-COLSUM"), "{e4}");
    // The notes are on the offending cells only.
    assert_eq!(
        notes.keys().cloned().collect::<Vec<_>>(),
        vec!["투자계획!B6", "투자계획!E4"]
    );
    // The first sheet lists the findings.
    assert_eq!(sheet_names(&review)[0], "검토결과");
    let list = read_sheet(&review, "검토결과");
    assert!(list.find("E-ROWSUM").is_some() && list.find("E-COLSUM").is_some());
    // The submitted values are in the copy, at their own cells.
    let original = read_sheet(&fixtures().join("flawed/sum_mismatch.xlsx"), "투자계획");
    let copy = read_sheet(&review, "투자계획");
    assert_eq!(copy.get(5, 1), original.get(5, 1));
    assert_eq!(copy.get(3, 4), original.get(3, 4));
}

#[test]
fn office_lock_and_temp_files_are_ignored_and_never_moved() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    // Complete workbooks under names that must not be taken: the names decide.
    let seed = std::fs::read(fixtures().join("seed/ivdx_투자계획_제출.xlsx")).unwrap();
    let ignored = ["~$제출.xlsx", ".~lock.제출.xlsx#", "제출.tmp", ".숨김.xlsx"];
    for name in ignored {
        sb.drop_bytes(name, &seed);
    }
    // A real submission dropped after them: once it is done, the others have been
    // listed and settled long since.
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    d.wait_for("the real submission", || {
        sb.files_in("accepted") == vec!["innopolis_투자계획_제출.xlsx"]
    });
    d.wait_for("the report after it", || {
        d.event("report_written")
            .iter()
            .any(|l| l.contains("submitted=1"))
    });
    let mut left = waiting(&sb);
    left.sort();
    let mut want: Vec<String> = ignored.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(left, want);
    for name in ignored {
        assert_eq!(
            std::fs::read(sb.inbox().join(name)).unwrap(),
            seed,
            "{name}"
        );
        assert!(!d.log().contains(name), "{name} in the log:\n{}", d.log());
    }
    assert_eq!(ledger(&sb).len(), 1);
    assert!(sb.files_in("rejected").is_empty());
}

/// Every file of `files` recorded exactly once, moved to where its record says with
/// the recorded content, nothing else in accepted/rejected but their notes, and
/// nothing left in the inbox.
fn assert_accounted_once(sb: &Sandbox, files: &[(String, Vec<u8>)]) {
    let records = ledger(sb);
    let by_hash: HashMap<&str, &Received> = records.iter().map(|r| (r.hash.as_str(), r)).collect();
    assert_eq!(by_hash.len(), records.len(), "a file recorded twice");
    assert_eq!(records.len(), files.len(), "one record per file");
    let mut stored = BTreeSet::new();
    for (name, bytes) in files {
        let r = by_hash
            .get(sha(bytes).as_str())
            .unwrap_or_else(|| panic!("{name} lost"));
        assert_eq!(&r.name, name);
        let moved = std::fs::read(sb.inbox().join(&r.stored_as))
            .unwrap_or_else(|e| panic!("{name}: {} missing: {e}", r.stored_as));
        assert_eq!(
            sha(&moved),
            r.hash,
            "{name}: other content at {}",
            r.stored_as
        );
        stored.insert(r.stored_as.to_string());
    }
    let mut on_disk = BTreeSet::new();
    for dir in ["accepted", "rejected"] {
        for f in sb.files_in(dir) {
            if !is_note(&f) {
                on_disk.insert(format!("{dir}/{f}"));
            }
        }
    }
    assert_eq!(on_disk, stored, "files in accepted/rejected vs the ledger");
    for r in records.iter().filter(|r| r.outcome == Outcome::Rejected) {
        let stem = r.stored_as.trim_end_matches(".xlsx");
        assert!(
            sb.inbox().join(format!("{stem}.오류.txt")).is_file(),
            "{}",
            r.stored_as
        );
    }
    assert!(
        waiting(sb).is_empty(),
        "left in the inbox: {:?}",
        waiting(sb)
    );
}

/// 300 distinct files: the four leaves over and over with later 기준일 (the last
/// version of each leaf is the seed's), and every 25th a flawed one.
fn three_hundred() -> Vec<(String, Vec<u8>)> {
    let mut files = burst(300);
    for (i, f) in files.iter_mut().enumerate().filter(|(i, _)| i % 25 == 7) {
        *f = (
            format!("오류_{i:04}.xlsx"),
            variant("flawed/sum_mismatch.xlsx", i),
        );
    }
    files
}

fn drop_all(sb: &Sandbox, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        sb.drop_bytes(name, bytes);
    }
}

/// The names of `files` missing from the report's submission history.
fn history_vs(sb: &Sandbox, files: &[(String, Vec<u8>)]) -> Vec<String> {
    if !sb.report().is_file() {
        return vec!["(no report)".to_owned()];
    }
    let g = read_sheet(&sb.report(), "제출이력");
    let cells: BTreeSet<&str> = g.rows.iter().flatten().map(String::as_str).collect();
    files
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !cells.contains(n.as_str()))
        .cloned()
        .collect()
}

/// Waits until every file is recorded, the inbox is empty and the report (a pure
/// function of the ledger) lists every file.
fn wait_until_done(d: &Daemon, sb: &Sandbox, files: &[(String, Vec<u8>)]) {
    d.wait_for("every file processed and on the report", || {
        ledger_len(sb) >= files.len() && waiting(sb).is_empty() && history_vs(sb, files).is_empty()
    });
}

#[test]
fn three_hundred_files_at_once_are_all_processed_with_few_report_writes() {
    let files = three_hundred();
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    // The pledge report's own write lines (the overview's are `overview_written`).
    let before = d.event("report_written").len();
    drop_all(&sb, &files);
    wait_until_done(&d, &sb, &files);

    assert_accounted_once(&sb, &files);
    assert_eq!(sb.files_in("accepted").len(), 288);
    let outcomes = ledger(&sb);
    let count = |o: Outcome| outcomes.iter().filter(|r| r.outcome == o).count();
    assert_eq!(count(Outcome::Accepted), 288);
    assert_eq!(count(Outcome::Rejected), 12);
    assert_eq!(d.event("received").len(), 300);
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    let history = || {
        std::fs::read_dir(sb.outbox().join("history"))
            .unwrap()
            .flatten()
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("ansan-innopolis_") && n.ends_with(".xlsx")
            })
            .count()
    };
    // Each write logs its line after its dated copy.
    d.wait_for("the last write logged", || {
        d.event("report_written").len() == history()
    });
    let writes = d.event("report_written").len() - before;
    let history = history();
    assert!(
        (1..20).contains(&writes),
        "{writes} report writes for one burst"
    );
    assert_eq!(history, writes + before, "one dated copy per write");
    // Later versions replace earlier ones, and the log says so.
    assert_eq!(d.event("superseded").len(), 288 - 4);
}

/// When to kill the daemon.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// Once this many files of the burst have been dropped (the rest still coming).
    Dropped(usize),
    /// As soon as the ledger has grown since the daemon started: a batch has just
    /// been synced and its files are being moved.
    BatchRecorded,
}

/// What the test saw when it killed the daemon.
#[derive(Debug)]
struct Kill {
    #[allow(dead_code)] // shown in failure messages
    moment: Moment,
    recorded: usize,
    waiting: usize,
}

/// Drops the burst with a daemon running and kills it (SIGKILL) at each moment in
/// turn, restarting it after each kill; then lets a last one finish and checks that
/// every file is accounted for exactly once and the report is right.
fn kill_during_burst(moments: &[Moment]) -> Vec<Kill> {
    let files = three_hundred();
    let sb = Sandbox::new();
    let mut kills = Vec::new();
    let mut dropped = 0;
    for &moment in moments {
        let mut d = Daemon::running(&sb, &[]);
        let recorded_at_start = ledger_len(&sb);
        // Keep dropping while waiting for the moment (the burst may still be coming).
        loop {
            let all_done = dropped == files.len() && waiting(&sb).is_empty();
            let now = match moment {
                Moment::Dropped(n) => dropped >= n,
                Moment::BatchRecorded => ledger_len(&sb) > recorded_at_start || all_done,
            };
            if now {
                break;
            }
            if dropped < files.len() {
                let (name, bytes) = &files[dropped];
                sb.drop_bytes(name, bytes);
                dropped += 1;
            } else {
                assert!(d.child.try_wait().unwrap().is_none(), "{}", d.log());
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        d.kill9();
        kills.push(Kill {
            moment,
            recorded: ledger_len(&sb),
            waiting: waiting(&sb).len(),
        });
    }
    drop_all(&sb, &files[dropped..]);
    let d = Daemon::running(&sb, &[]);
    wait_until_done(&d, &sb, &files);
    assert_accounted_once(&sb, &files);
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    kills
}

#[test]
fn kill_9_mid_burst_then_restart_accounts_for_every_file_exactly_once() {
    // While the files are still being dropped, then each time right after a batch
    // is synced to the ledger, while its files are being moved.
    let kills = kill_during_burst(&[
        Moment::Dropped(100),
        Moment::BatchRecorded,
        Moment::BatchRecorded,
        Moment::BatchRecorded,
    ]);
    eprintln!("{kills:#?}");
    assert!(kills[0].waiting > 0, "{:?}", kills[0]);
    // The kills must land with work left, or the restarts prove nothing.
    assert!(
        kills[1..].iter().any(|k| k.recorded > 0 && k.waiting > 0),
        "no kill landed between a ledger sync and the end of the burst: {kills:#?}"
    );
}

#[test]
fn kill_9_while_catching_up_on_a_full_inbox_then_restart() {
    // The whole burst is in the inbox before the daemon starts: it catches up in
    // batches, and is killed each time as soon as a batch is recorded.
    let files = three_hundred();
    let sb = Sandbox::new();
    drop_all(&sb, &files);
    let mut interrupted = 0;
    for _ in 0..3 {
        let recorded = ledger_len(&sb);
        let mut d = Daemon::start(&sb, &[]);
        d.wait_for("a batch recorded", || {
            ledger_len(&sb) > recorded || waiting(&sb).is_empty()
        });
        d.kill9();
        if !waiting(&sb).is_empty() {
            interrupted += 1;
        }
    }
    let d = Daemon::running(&sb, &[]);
    wait_until_done(&d, &sb, &files);
    assert_accounted_once(&sb, &files);
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    assert!(
        interrupted >= 1,
        "no kill landed before the inbox was empty"
    );
}

#[test]
fn a_second_instance_exits_2_with_a_clear_message() {
    let sb = Sandbox::new();
    let first = Daemon::running(&sb, &[]);
    for extra in [&[][..], &["--state", "elsewhere"][..]] {
        let mut second = Daemon::start(&sb, extra);
        let status = second.exit_status();
        assert_eq!(status.code(), Some(2), "{extra:?}: {}", second.log());
        let msg = second.log();
        assert!(msg.contains("이미 다른 gongyak"), "{msg}");
        assert!(
            msg.contains(&format!("프로세스 번호 {}", first.child.id())),
            "names the running one: {msg}"
        );
        assert!(!msg.contains("watching"), "{msg}");
    }
    // The first one is unaffected.
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    first.wait_for("the first daemon to go on", || {
        sb.files_in("accepted").len() == 1
    });
}

#[cfg(unix)]
#[test]
fn sigterm_exits_0_with_the_report_written() {
    let sb = Sandbox::new();
    let mut d = Daemon::running(&sb, &[]);
    sb.drop_seed();
    d.wait_for("the files taken", || sb.files_in("accepted").len() == 4);
    d.signal("-TERM");
    let status = d.exit_status();
    assert_eq!(status.code(), Some(0), "{}", d.log());
    assert_eq!(d.event("stopped").len(), 1, "{}", d.log());
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_burst_finishes_the_batch_in_hand_and_writes_its_report() {
    let files = burst(120);
    let sb = Sandbox::new();
    let mut d = Daemon::running(&sb, &[]);
    drop_all(&sb, &files);
    d.wait_for("a batch recorded", || ledger_len(&sb) > 0);
    d.signal("-TERM");
    assert_eq!(d.exit_status().code(), Some(0), "{}", d.log());
    // Everything recorded was moved; what was not recorded is still in the inbox.
    let records = ledger(&sb);
    for r in &records {
        assert!(sb.inbox().join(&r.stored_as).is_file(), "{}", r.stored_as);
    }
    assert_eq!(records.len() + waiting(&sb).len(), files.len());
    // The report on disk is the one of the ledger as it was left.
    let written = report_pledge_table(&sb.report());
    let listed = read_sheet(&sb.report(), "제출이력");
    let names: BTreeSet<&str> = listed.rows.iter().flatten().map(String::as_str).collect();
    for r in &records {
        assert!(
            names.contains(r.name.as_str()),
            "{} not on the report",
            r.name
        );
    }
    assert_eq!(sb.gongyak(&["report"]).status.code(), Some(0));
    assert_eq!(report_pledge_table(&sb.report()), written);
    // A restart takes the rest.
    let d = Daemon::running(&sb, &[]);
    wait_until_done(&d, &sb, &files);
    assert_accounted_once(&sb, &files);
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

#[test]
fn byte_identical_files_in_one_batch_are_one_submission_and_a_duplicate() {
    let sb = Sandbox::new();
    let bytes = std::fs::read(fixtures().join("seed/innopolis_투자계획_제출.xlsx")).unwrap();
    sb.drop_bytes("가_원본.xlsx", &bytes);
    sb.drop_bytes("나_사본.xlsx", &bytes);
    // One pass takes both in one batch.
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let records = ledger(&sb);
    let outcomes: Vec<(&str, Outcome)> = records
        .iter()
        .map(|r| (r.name.as_str(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("가_원본.xlsx", Outcome::Accepted),
            ("나_사본.xlsx", Outcome::Duplicate)
        ]
    );
    assert_eq!(records[1].findings[0].code.as_str(), "W-DUPLICATE");
    // No note: W-DUPLICATE asks nothing of anyone.
    assert_eq!(sb.files_in("accepted"), ["가_원본.xlsx", "나_사본.xlsx"]);
}

#[test]
fn a_copy_cut_short_is_held_then_rejected_once_after_the_grace_period() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    // The first 2,000 bytes of a workbook: a zip without its closing directory, what a
    // copy looks like half way; it never completes.
    let bytes = std::fs::read(fixtures().join("seed/innopolis_투자계획_제출.xlsx")).unwrap();
    sb.drop_bytes("잘린복사.xlsx", &bytes[..2000]);
    d.wait_for("the rejection", || {
        sb.files_in("rejected")
            .contains(&"잘린복사.xlsx".to_owned())
    });
    assert_eq!(
        sb.files_in("rejected"),
        ["잘린복사.xlsx", "잘린복사.오류.txt"]
    );
    assert_eq!(
        d.event("held").len(),
        1,
        "held, and said so once:\n{}",
        d.log()
    );
    assert_eq!(d.event("gave_up").len(), 1, "{}", d.log());
    let records = ledger(&sb);
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].outcome, Outcome::Rejected);
    assert_eq!(records[0].findings[0].code.as_str(), "E-READ");
}

#[test]
fn files_whose_bytes_say_they_are_not_workbooks_are_rejected_without_waiting() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    // Each is handed over when it settles: none is held as a copy in progress.
    sb.drop_fixture("flawed/not_a_workbook.xlsx");
    sb.drop_bytes("README.md", b"# inbox\n\nDrop folder.\n");
    sb.drop_bytes("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n");
    sb.drop_bytes("table.csv", "사업,금액\n운영,100\n".as_bytes());
    sb.drop_bytes("empty.xlsx", b"");
    d.wait_for("all five recorded", || {
        ledger(&sb).len() == 5 && waiting(&sb).is_empty()
    });
    assert!(d.event("held").is_empty(), "{}", d.log());
    for r in ledger(&sb) {
        assert_eq!(r.outcome, Outcome::Rejected, "{}", r.name);
        assert_eq!(r.findings[0].code.as_str(), "E-READ", "{}", r.name);
    }
}

/// The binary without the root privilege to ignore file modes, so that a read-only
/// folder is read-only even in a root container (CI).
#[cfg(target_os = "linux")]
fn unprivileged() -> std::process::Command {
    let mut c = std::process::Command::new("setpriv");
    c.args(["--bounding-set=-dac_override,-dac_read_search", "--"])
        .arg(assert_cmd::cargo::cargo_bin("gongyak"));
    c
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_moved_is_recorded_once_and_moved_when_it_can() {
    use std::os::unix::fs::PermissionsExt;
    // What Windows does while a program holds the file open: it can be read, not moved.
    let sb = Sandbox::new();
    let accepted = sb.inbox().join("accepted");
    std::fs::create_dir_all(&accepted).unwrap();
    let mode = |m| std::fs::set_permissions(&accepted, std::fs::Permissions::from_mode(m));
    mode(0o555).unwrap();
    let d = Daemon::start_with(unprivileged(), &sb, &[]);
    d.wait_for("the daemon to start", || !d.event("watching").is_empty());
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    d.wait_for("two failed moves", || d.event("move_failed").len() >= 2);
    mode(0o755).unwrap();
    d.wait_for("the move", || !sb.files_in("accepted").is_empty());
    assert!(waiting(&sb).is_empty());
    assert_eq!(sb.files_in("accepted"), ["innopolis_투자계획_제출.xlsx"]);
    assert_eq!(ledger(&sb).len(), 1, "recorded once, however often retried");
    // Retried in place, with a growing wait, not taken as a new arrival each time.
    assert_eq!(d.event("received").len(), 1, "{}", d.log());
}

#[cfg(unix)]
#[test]
fn a_ledger_inside_a_shared_inbox_is_warned_about_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    // A share staff write to: group-writable, as Samba sets it up.
    std::fs::set_permissions(sb.inbox(), std::fs::Permissions::from_mode(0o2775)).unwrap();
    let d = Daemon::running(&sb, &[]);
    let warned = d.with("shared_state=true");
    assert_eq!(warned.len(), 1, "{}", d.log());
    assert!(warned[0].contains("writable_by=\"group\""), "{}", warned[0]);
    drop(d);
    // With --state outside the share, nothing to warn about.
    let d = Daemon::running(&sb, &["--state", "state"]);
    assert!(d.with("shared_state=true").is_empty(), "{}", d.log());
}

#[test]
fn the_daemon_keeps_the_overview_current_with_the_pledge_reports() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &[]);
    sb.drop_seed();
    d.wait_for("the overview with all four leaves filed", || {
        d.event("overview_written")
            .iter()
            .any(|l| l.contains("filed=4"))
    });
    // A rejected file of a leaf: no pledge table changes, but the overview says 반려.
    let mut bad = innopolis();
    bad.set("투자계획", "C5", Cell::Num(99999.0));
    sb.drop_bytes("innopolis_수정.xlsx", &bad.to_bytes());
    d.wait_for("the overview with the rejected leaf", || {
        d.event("overview_written")
            .iter()
            .any(|l| l.contains("filed=3") && l.contains("sent_back=1"))
    });
    let g = read_sheet(&sb.outbox().join("공약총괄현황.xlsx"), "제출 현황");
    let (r, c) = g
        .find("innopolis_수정.xlsx")
        .expect("the rejected file is listed");
    assert!(
        g.get(r, c - 1).starts_with("반려 (E-"),
        "{}",
        g.get(r, c - 1)
    );
}

/// Issue 13 item 2: in `watch` every ledger change reaches the report, not only
/// accepted files: after flawed drops (one no pledge claims), and a duplicate,
/// 제출이력 lists exactly the ledger's records, as `run` does.
#[test]
fn the_history_follows_the_ledger_after_rejections_and_duplicates() {
    let sb = Sandbox::new();
    sb.drop_seed();
    let d = Daemon::running(&sb, &[]);
    d.wait_for("the seed files", || ledger(&sb).len() == 4);
    for f in [
        "sum_mismatch.xlsx",
        "unknown_program.xlsx",
        "not_a_workbook.xlsx",
        "no_cached_values.xlsx",
    ] {
        sb.drop_fixture(&format!("flawed/{f}"));
    }
    let copy = std::fs::read(fixtures().join("seed/innopolis_투자계획_제출.xlsx")).unwrap();
    sb.drop_bytes("사본.xlsx", &copy);
    d.wait_for("every file recorded", || ledger(&sb).len() == 9);
    let seqs = |sb: &Sandbox| -> Vec<String> {
        if !sb.report().is_file() {
            return Vec::new();
        }
        let g = read_sheet(&sb.report(), "제출이력");
        let Some((hr, col)) = g.find("번호") else {
            return Vec::new();
        };
        (hr + 1..g.rows.len())
            .map(|r| g.get(r, col).to_owned())
            .filter(|c| c.parse::<u64>().is_ok())
            .collect()
    };
    let want: Vec<String> = ledger(&sb).iter().map(|r| r.seq.to_string()).collect();
    d.wait_for("제출이력 to list every record", || seqs(&sb) == want);
}

/// The watcher holds a file that could still be a workbook being copied; one already
/// over the size limit can only grow, so it is refused at once, not held (and hashed
/// again and again) for the grace period.
#[test]
fn a_file_over_the_limit_is_not_held_as_a_copy_in_progress() {
    let sb = Sandbox::new();
    let d = Daemon::running(&sb, &["--max-file-mb", "1"]);
    // Sparse: a run of zeros, which under the limit would be held as a copy that has
    // set its full size and not written yet.
    let huge = sb.inbox().join("huge.xlsx");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(3 << 20)
        .unwrap();
    d.wait_for("the rejection", || {
        sb.files_in("rejected").contains(&"huge.xlsx".to_owned())
    });
    assert!(d.event("held").is_empty(), "{}", d.log());
    assert_eq!(sb.files_in("rejected"), ["huge.xlsx", "huge.오류.txt"]);
    // The same zeros under the limit are held.
    sb.drop_bytes("zeros.xlsx", &vec![0; 4096]);
    d.wait_for("the hold", || !d.event("held").is_empty());
    assert!(
        d.event("held")[0].contains("file=zeros.xlsx"),
        "{}",
        d.log()
    );
}
