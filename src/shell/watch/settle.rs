//! When is a dropped file complete? A pure state machine: listings and the results of
//! reading a file go in, decisions come out; the clock is a parameter, so every
//! transition is tested without sleeping.
//!
//! A file is looked at once its size and modification time have not changed for the
//! settle time. A Windows copy sets the full size at once and Excel saves through a
//! temp file and a rename, so no single event means "complete"; the bytes read then
//! decide ([`content`]): a file whose bytes say what it is goes to the engine at once
//! (a workbook, or a README, PDF, CSV or empty file to be rejected); only a file that
//! could still be a workbook being copied — a zip without its closing directory, an
//! OLE file that does not open, a pre-allocated run of zeros — is held, and handed over
//! to be rejected once it has stayed unchanged for the grace period.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// Longest wait between two looks at a file that cannot be read (locked by another
/// program) or moved.
pub(crate) const MAX_RETRY: Duration = Duration::from_secs(30);

/// Size and modification time of a file as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    pub(crate) size: u64,
    pub(crate) modified: Option<SystemTime>,
}

/// What the bytes of a read file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// Nothing more will come: a workbook that opens, or a file that says it is
    /// something else.
    Complete,
    /// Could be a workbook whose copy has not finished.
    MaybePartial,
}

/// What reading a due file gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    Read(Seen, Content),
    /// Gone since the listing (moved, deleted, replaced by a folder or link).
    Gone,
    /// Written to while being read.
    Changed,
    /// Could not be read (locked, permissions).
    Failed,
}

/// What to do with a file that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Complete: hand it to the engine.
    Ready,
    /// May still be arriving: looked at again later. `first` the first time, so it
    /// is logged once.
    Hold { first: bool },
    /// Still not complete after the grace period: handed to the engine as it is,
    /// which rejects it as unreadable.
    Reject,
    /// Could not be read: looked at again after a growing wait.
    Wait { first: bool },
    /// Changed since it was listed: settling again.
    Restart,
    /// No longer in the inbox.
    Dropped,
}

/// A change a listing showed, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Arrived(PathBuf, u64),
    Vanished(PathBuf),
}

#[derive(Debug, Clone)]
struct Tracked {
    seen: Seen,
    /// When size and time were last seen to change (or first seen).
    changed_at: Instant,
    /// Arrival order, so that the files of one batch are recorded as they came.
    order: u64,
    /// Not looked at before then (held, waiting, paused).
    not_before: Option<Instant>,
    /// Looks that did not end in a hand-over, for the back-off and log-once.
    tries: u32,
}

impl Tracked {
    fn due_at(&self, settle: Duration) -> Instant {
        let settled = self.changed_at + settle;
        self.not_before.map_or(settled, |t| t.max(settled))
    }

    fn restart(&mut self, seen: Seen, now: Instant) {
        self.seen = seen;
        self.changed_at = now;
        self.not_before = None;
        self.tries = 0;
    }

    /// A growing wait, capped: a file locked for an hour is not read every second.
    fn back_off(&mut self, now: Instant, settle: Duration) {
        self.tries = self.tries.saturating_add(1);
        let wait = settle
            .max(Duration::from_millis(200))
            .saturating_mul(1 << self.tries.min(8))
            .min(MAX_RETRY);
        self.not_before = Some(now + wait);
    }
}

/// The files seen in the inbox and not handed over yet.
#[derive(Debug)]
pub(crate) struct Settler {
    files: HashMap<PathBuf, Tracked>,
    arrivals: u64,
    settle: Duration,
    grace: Duration,
}

impl Settler {
    pub(crate) fn new(settle: Duration, grace: Duration) -> Self {
        Self {
            files: HashMap::new(),
            arrivals: 0,
            settle,
            grace,
        }
    }

    /// Takes a full listing of the inbox: new files are tracked, a changed size or
    /// time starts the settle time again, files no longer listed are dropped.
    pub(crate) fn observe(&mut self, listing: &[(PathBuf, Seen)], now: Instant) -> Vec<Change> {
        let mut changes = Vec::new();
        let listed: HashMap<&Path, Seen> = listing.iter().map(|(p, s)| (p.as_path(), *s)).collect();
        self.files.retain(|p, _| {
            let keep = listed.contains_key(p.as_path());
            if !keep {
                changes.push(Change::Vanished(p.clone()));
            }
            keep
        });
        for (path, seen) in listing {
            match self.files.get_mut(path) {
                Some(t) if t.seen == *seen => {}
                Some(t) => t.restart(*seen, now),
                None => {
                    self.arrivals += 1;
                    changes.push(Change::Arrived(path.clone(), seen.size));
                    self.files.insert(
                        path.clone(),
                        Tracked {
                            seen: *seen,
                            changed_at: now,
                            order: self.arrivals,
                            not_before: None,
                            tries: 0,
                        },
                    );
                }
            }
        }
        changes
    }

    /// The files to read now, in arrival order, with their listed sizes.
    pub(crate) fn due(&self, now: Instant) -> Vec<(PathBuf, u64)> {
        let mut due: Vec<(&PathBuf, &Tracked)> = self
            .files
            .iter()
            .filter(|(_, t)| now >= t.due_at(self.settle))
            .collect();
        due.sort_by(|a, b| (a.1.order, a.0).cmp(&(b.1.order, b.0)));
        due.into_iter()
            .map(|(p, t)| (p.clone(), t.seen.size))
            .collect()
    }

    /// Decides on a file from what reading it gave. A file judged [`Verdict::Ready`]
    /// or [`Verdict::Reject`] stays tracked until [`Settler::done`],
    /// [`Settler::retry`] or [`Settler::pause`] says how the hand-over went.
    pub(crate) fn judge(&mut self, path: &Path, look: Look, now: Instant) -> Verdict {
        let Some(t) = self.files.get_mut(path) else {
            return Verdict::Dropped;
        };
        match look {
            Look::Gone => {
                self.files.remove(path);
                Verdict::Dropped
            }
            Look::Changed => {
                let seen = t.seen;
                t.restart(seen, now);
                Verdict::Restart
            }
            Look::Read(seen, _) if seen != t.seen => {
                t.restart(seen, now);
                Verdict::Restart
            }
            Look::Read(_, Content::Complete) => Verdict::Ready,
            Look::Read(_, Content::MaybePartial) => {
                if now.duration_since(t.changed_at) >= self.grace {
                    return Verdict::Reject;
                }
                let first = t.tries == 0;
                t.tries = t.tries.saturating_add(1);
                // A steady pace, so that a file that never completes is handed over
                // soon after the grace period.
                t.not_before = Some(now + self.settle.max(Duration::from_secs(1)));
                Verdict::Hold { first }
            }
            Look::Failed => {
                let first = t.tries == 0;
                t.back_off(now, self.settle);
                Verdict::Wait { first }
            }
        }
    }

    /// The file was recorded and moved away.
    pub(crate) fn done(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// The file was recorded but is still in the inbox (the move failed): looked at
    /// again after a growing wait, not taken as a new arrival.
    pub(crate) fn retry(&mut self, path: &Path, now: Instant) {
        let settle = self.settle;
        if let Some(t) = self.files.get_mut(path) {
            t.back_off(now, settle);
        }
    }

    /// Nothing was recorded (the ledger could not be written): looked at again at
    /// `until`.
    pub(crate) fn pause(&mut self, path: &Path, until: Instant) {
        if let Some(t) = self.files.get_mut(path) {
            t.not_before = Some(until);
        }
    }

    /// When the next file becomes due, if any is tracked.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.files.values().map(|t| t.due_at(self.settle)).min()
    }

    /// Files are tracked (the inbox is looked at every tick while they settle).
    pub(crate) fn is_busy(&self) -> bool {
        !self.files.is_empty()
    }

    /// Nothing is settling: every tracked file waits for a later look. The reports
    /// are written then rather than between two files of a burst.
    pub(crate) fn calm(&self) -> bool {
        self.files.values().all(|t| t.not_before.is_some())
    }
}

/// What a file's bytes say about whether its copy is complete. `opens` is asked only
/// for an OLE file (`.xls`), whose completeness the header does not tell.
pub(crate) fn content(bytes: &[u8], opens: impl FnOnce() -> bool) -> Content {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let partial = |complete: bool| {
        if complete {
            Content::Complete
        } else {
            Content::MaybePartial
        }
    };
    if bytes.starts_with(ZIP) {
        partial(zip_is_closed(bytes))
    } else if bytes.starts_with(OLE) {
        partial(opens())
    } else if !bytes.is_empty() && bytes.iter().take(512).all(|&b| b == 0) {
        // A copy that set the full size first and has not written the start yet.
        Content::MaybePartial
    } else {
        // Text, PDF, an image, an empty file: what it is will not change.
        Content::Complete
    }
}

/// A zip ends with its central directory's closing record (at most 64 KiB of comment
/// after it); a copy cut short has none, or one whose comment runs past the end.
fn zip_is_closed(bytes: &[u8]) -> bool {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    let from = bytes.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    let tail = &bytes[from..];
    tail.windows(EOCD.len())
        .enumerate()
        .rev()
        .filter(|(_, w)| *w == EOCD)
        .any(|(i, _)| {
            let at = from + i;
            bytes
                .get(at + 20..at + 22)
                .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])))
                .is_some_and(|comment| at + EOCD_LEN + comment == bytes.len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_millis(500);
    const GRACE: Duration = Duration::from_secs(10);

    fn seen(size: u64) -> Seen {
        Seen {
            size,
            modified: None,
        }
    }

    fn one(path: &str, size: u64) -> Vec<(PathBuf, Seen)> {
        vec![(PathBuf::from(path), seen(size))]
    }

    fn due_names(s: &Settler, now: Instant) -> Vec<PathBuf> {
        s.due(now).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn a_new_file_is_due_once_unchanged_for_the_settle_time() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let changes = s.observe(&one("a.xlsx", 10), t0);
        assert_eq!(changes, [Change::Arrived("a.xlsx".into(), 10)]);
        assert!(s.due(t0).is_empty(), "settling");
        assert!(!s.calm(), "a settling file holds the reports back");
        assert_eq!(s.next_due(), Some(t0 + SETTLE));
        // Listed again unchanged: no new arrival, the clock keeps running.
        assert!(s.observe(&one("a.xlsx", 10), t0 + SETTLE / 2).is_empty());
        assert_eq!(due_names(&s, t0 + SETTLE), [PathBuf::from("a.xlsx")]);
    }

    #[test]
    fn a_size_change_starts_the_settle_time_again() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        s.observe(&one("a.xlsx", 10), t0);
        let t1 = t0 + SETTLE - Duration::from_millis(1);
        assert!(
            s.observe(&one("a.xlsx", 20), t1).is_empty(),
            "not a new arrival"
        );
        assert!(s.due(t0 + SETTLE).is_empty());
        assert_eq!(s.due(t1 + SETTLE), [(PathBuf::from("a.xlsx"), 20)]);
    }

    #[test]
    fn files_are_due_in_arrival_order() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        s.observe(&one("b.xlsx", 1), t0);
        let mut both = one("a.xlsx", 1);
        both.extend(one("b.xlsx", 1));
        s.observe(&both, t0 + Duration::from_millis(1));
        assert_eq!(
            due_names(&s, t0 + 2 * SETTLE),
            [PathBuf::from("b.xlsx"), PathBuf::from("a.xlsx")]
        );
    }

    #[test]
    fn a_complete_file_is_ready_and_forgotten_once_done() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        s.observe(&one("a.xlsx", 10), t0);
        let v = s.judge(
            Path::new("a.xlsx"),
            Look::Read(seen(10), Content::Complete),
            t0 + SETTLE,
        );
        assert_eq!(v, Verdict::Ready);
        s.done(Path::new("a.xlsx"));
        assert!(!s.is_busy());
    }

    #[test]
    fn a_copy_in_progress_is_held_then_rejected_after_the_grace_period() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let a = Path::new("a.xlsx");
        s.observe(&one("a.xlsx", 10), t0);
        let partial = Look::Read(seen(10), Content::MaybePartial);
        let t1 = t0 + SETTLE;
        assert_eq!(s.judge(a, partial, t1), Verdict::Hold { first: true });
        assert!(s.due(t1).is_empty(), "not looked at again at once");
        assert!(s.calm(), "a held file does not hold the reports back");
        let t2 = t1 + Duration::from_secs(1);
        assert_eq!(due_names(&s, t2), [a.to_path_buf()]);
        assert_eq!(s.judge(a, partial, t2), Verdict::Hold { first: false });
        assert_eq!(s.judge(a, partial, t0 + GRACE), Verdict::Reject);
    }

    #[test]
    fn a_copy_that_grows_while_held_gets_a_new_grace_period() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let a = Path::new("a.xlsx");
        s.observe(&one("a.xlsx", 10), t0);
        s.judge(a, Look::Read(seen(10), Content::MaybePartial), t0 + SETTLE);
        let t1 = t0 + GRACE - Duration::from_secs(1);
        s.observe(&one("a.xlsx", 30), t1);
        let v = s.judge(a, Look::Read(seen(30), Content::MaybePartial), t0 + GRACE);
        assert_eq!(
            v,
            Verdict::Hold { first: true },
            "counted from the last change"
        );
        let v = s.judge(a, Look::Read(seen(30), Content::MaybePartial), t1 + GRACE);
        assert_eq!(v, Verdict::Reject);
    }

    #[test]
    fn a_file_read_at_another_size_than_listed_settles_again() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let a = Path::new("a.xlsx");
        s.observe(&one("a.xlsx", 10), t0);
        let t1 = t0 + SETTLE;
        assert_eq!(
            s.judge(a, Look::Read(seen(15), Content::Complete), t1),
            Verdict::Restart
        );
        assert!(s.due(t1).is_empty());
        assert_eq!(s.due(t1 + SETTLE), [(a.to_path_buf(), 15)]);
        assert_eq!(s.judge(a, Look::Changed, t1 + SETTLE), Verdict::Restart);
        assert!(s.due(t1 + SETTLE).is_empty());
    }

    #[test]
    fn a_vanished_file_is_dropped() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        s.observe(&one("a.xlsx", 10), t0);
        s.observe(&one("b.xlsx", 10), t0);
        assert_eq!(s.observe(&[], t0), [Change::Vanished("b.xlsx".into())]);
        assert!(!s.is_busy());
        s.observe(&one("c.xlsx", 10), t0);
        assert_eq!(
            s.judge(Path::new("c.xlsx"), Look::Gone, t0 + SETTLE),
            Verdict::Dropped
        );
        assert!(!s.is_busy());
        assert_eq!(
            s.judge(Path::new("c.xlsx"), Look::Failed, t0),
            Verdict::Dropped
        );
    }

    #[test]
    fn an_unreadable_file_waits_longer_each_time_up_to_a_cap() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let a = Path::new("a.xlsx");
        s.observe(&one("a.xlsx", 10), t0);
        assert_eq!(s.judge(a, Look::Failed, t0), Verdict::Wait { first: true });
        let first = s.next_due().unwrap() - t0;
        assert_eq!(s.judge(a, Look::Failed, t0), Verdict::Wait { first: false });
        let second = s.next_due().unwrap() - t0;
        assert!(second > first, "{first:?} then {second:?}");
        for _ in 0..20 {
            s.judge(a, Look::Failed, t0);
        }
        assert_eq!(s.next_due().unwrap() - t0, MAX_RETRY);
    }

    #[test]
    fn a_recorded_but_unmoved_file_is_retried_later_and_a_paused_one_at_its_time() {
        let t0 = Instant::now();
        let mut s = Settler::new(SETTLE, GRACE);
        let a = Path::new("a.xlsx");
        s.observe(&one("a.xlsx", 10), t0);
        s.retry(a, t0 + SETTLE);
        assert!(s.next_due().unwrap() > t0 + SETTLE);
        let until = t0 + Duration::from_secs(5);
        s.pause(a, until);
        assert_eq!(s.next_due(), Some(until));
        assert!(
            s.observe(&one("a.xlsx", 10), until).is_empty(),
            "not a new arrival"
        );
    }

    fn closed_zip() -> Vec<u8> {
        let mut z = b"PK\x03\x04 some entries ".to_vec();
        z.extend_from_slice(b"PK\x05\x06");
        z.extend_from_slice(&[0; 16]);
        z.extend_from_slice(&3u16.to_le_bytes());
        z.extend_from_slice(b"abc");
        z
    }

    #[test]
    fn bytes_that_say_what_they_are_are_complete() {
        let never = || panic!("only asked for OLE files");
        assert_eq!(content(&closed_zip(), never), Content::Complete);
        assert_eq!(content(b"# inbox\nDrop folder", never), Content::Complete);
        assert_eq!(content(b"%PDF-1.7\n", never), Content::Complete);
        assert_eq!(content("사업,금액\n".as_bytes(), never), Content::Complete);
        assert_eq!(content(b"", never), Content::Complete);
    }

    #[test]
    fn a_workbook_that_may_be_half_copied_is_maybe_partial() {
        let never = || panic!("only asked for OLE files");
        let zip = closed_zip();
        // Cut short: no closing record, or one whose comment runs past the end.
        assert_eq!(content(&zip[..20], never), Content::MaybePartial);
        assert_eq!(content(&zip[..zip.len() - 1], never), Content::MaybePartial);
        // Pre-allocated: the full size, nothing written yet.
        assert_eq!(content(&[0; 4096], never), Content::MaybePartial);
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(content(&ole, || false), Content::MaybePartial);
        assert_eq!(content(&ole, || true), Content::Complete);
    }
}
