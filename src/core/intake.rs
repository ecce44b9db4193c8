//! Intake decisions: what becomes of each file of a batch (SPEC §5 W-SUPERSEDED,
//! W-DUPLICATE, W-OLDER; §6), decided from data alone.
//!
//! The engine (`shell::engine`) gathers the facts — the files read (name, hash, size),
//! the ledger so far as a [`LedgerView`], the names already in `accepted/` and
//! `rejected/` as [`Folders`], the time — and carries the [`Decision`]s out: append
//! the records, sync, write the notes, move the files. Everything that can be decided
//! without touching the disk is decided here, with a unit test per branch:
//!
//! * a file recorded before whose move never happened (a crash, a file held open) is
//!   [`Decision::Finish`]ed without a second record;
//! * a file byte-identical to one already taken is a duplicate (W-DUPLICATE);
//! * any other file is checked; an accepted one either becomes the current submission
//!   of its leaf (W-SUPERSEDED when it replaces one) or, when its leaf already has a
//!   later 기준일, is kept but not used (`미반영`, W-OLDER) — by the one rule in
//!   [`Precedence`];
//! * every file gets a name in its folder that overwrites nothing. (Whether a file is
//!   complete is the watcher's question, settled before a file reaches intake.)

use crate::core::check::Checked;
use crate::core::definition::LeafKey;
use crate::core::finding::{Code, Finding, Kind};
use crate::core::model::{
    ContentHash, Outcome, PledgeId, Precedence, Received, StoredPath, Submission,
};
use chrono::{DateTime, Local};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Folder (inside the inbox) of files taken into the report, duplicates and 미반영.
pub const ACCEPTED_DIR: &str = "accepted";
/// Folder of rejected files, each with its `.오류.txt` and `.검토.xlsx`.
pub const REJECTED_DIR: &str = "rejected";

/// The folder (relative to the inbox) an outcome's files go to.
pub fn outcome_dir(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Accepted | Outcome::Duplicate | Outcome::Older => ACCEPTED_DIR,
        Outcome::Rejected => REJECTED_DIR,
    }
}

/// The ledger as intake needs it: every record in arrival order, with indexes by
/// content hash, by destination, and the current submission of every leaf. Pure data;
/// `shell::ledger::Ledger` keeps one beside its file.
#[derive(Debug, Default, Clone)]
pub struct LedgerView {
    records: Vec<Received>,
    by_hash: HashMap<ContentHash, Vec<usize>>,
    stored: HashSet<StoredPath>,
    /// Index of the current record of each (pledge, leaf).
    current: HashMap<(String, LeafKey), usize>,
}

impl LedgerView {
    pub fn from_records(records: Vec<Received>) -> Self {
        let mut v = Self::default();
        for r in records {
            v.push(r);
        }
        v
    }

    pub fn records(&self) -> &[Received] {
        &self.records
    }

    /// The records, without copying them (a ledger of a term is tens of thousands).
    pub fn into_records(self) -> Vec<Received> {
        self.records
    }

    /// The next arrival number: one past the greatest ever recorded.
    pub fn next_seq(&self) -> u64 {
        self.records.last().map_or(1, |r| r.seq + 1)
    }

    pub fn push(&mut self, r: Received) {
        let i = self.records.len();
        self.by_hash.entry(r.hash.clone()).or_default().push(i);
        self.stored.insert(r.stored_as.clone());
        if self.replaces_current(&r)
            && let Some(s) = r.submission.as_ref()
        {
            self.current
                .insert((s.pledge_id.clone(), s.leaf.clone()), i);
        }
        self.records.push(r);
    }

    /// Whether `r`, recorded now, would become the current submission of its leaf
    /// (by [`Precedence`], the one rule).
    pub fn replaces_current(&self, r: &Received) -> bool {
        let (Some(p), Some(s)) = (r.precedence(), r.submission.as_ref()) else {
            return false;
        };
        self.current(&s.pledge_id, &s.leaf)
            .and_then(Received::precedence)
            .is_none_or(|c| p > c)
    }

    /// Forgets every record from index `len` on (a batch rolled back).
    pub fn truncate(&mut self, len: usize) {
        if len < self.records.len() {
            let kept: Vec<Received> = self.records.drain(..len).collect();
            *self = Self::from_records(kept);
        }
    }

    /// Every record of a content hash, oldest first.
    pub fn by_hash<'a>(
        &'a self,
        hash: &ContentHash,
    ) -> impl Iterator<Item = (usize, &'a Received)> {
        self.by_hash
            .get(hash)
            .into_iter()
            .flatten()
            .map(|&i| (i, &self.records[i]))
    }

    /// The index of the record with this arrival number (seqs only grow: a binary
    /// search, not a scan per file).
    pub fn position_of(&self, seq: u64) -> Option<usize> {
        self.records.binary_search_by_key(&seq, |r| r.seq).ok()
    }

    /// Whether a destination was ever recorded (so no two records share one).
    pub fn is_stored(&self, stored_as: &str) -> bool {
        self.stored.contains(stored_as)
    }

    /// The current submission of a leaf.
    pub fn current(&self, pledge_id: &str, leaf: &LeafKey) -> Option<&Received> {
        self.current
            .get(&(pledge_id.to_owned(), leaf.clone()))
            .map(|&i| &self.records[i])
    }
}

/// The names present in `accepted/` and `rejected/`, listed once per batch.
#[derive(Debug, Default, Clone)]
pub struct Folders {
    pub accepted: HashSet<String>,
    pub rejected: HashSet<String>,
}

impl Folders {
    fn of(&self, dir: &str) -> &HashSet<String> {
        if dir == REJECTED_DIR {
            &self.rejected
        } else {
            &self.accepted
        }
    }

    /// Whether a stored path (`accepted/a.xlsx`) is present on disk.
    pub fn has(&self, stored: &str) -> bool {
        stored
            .split_once('/')
            .is_some_and(|(dir, name)| self.of(dir).contains(name))
    }
}

/// One file of a batch, as read.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// NFC file name.
    pub name: String,
    pub hash: ContentHash,
    pub size: u64,
    /// Over the size limit: refused by size, never read.
    pub oversize: bool,
}

/// The earlier current submission a new file replaces, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub name: String,
    pub seq: u64,
}

/// What to do with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Recorded earlier (record `index`) but never moved: finish the move, no new
    /// record.
    Finish { index: usize },
    /// Append this record, then move the file to its `stored_as`.
    Record {
        record: Box<Received>,
        replaces: Option<Replaced>,
    },
}

/// What a file needs, from the ledger before the batch.
#[derive(Debug, Clone, PartialEq)]
enum Triage {
    Finish(usize),
    Duplicate(Earlier),
    Check,
}

/// A file's triage with the check done where it was needed: a file to check always
/// comes with its result.
enum Ready {
    Finish(usize),
    Duplicate(Earlier),
    Checked(Box<Checked>),
}

/// A file already taken (accepted or 미반영) that a later file duplicates.
#[derive(Debug, Clone, PartialEq)]
struct Earlier {
    seq: u64,
    name: String,
    pledge_id: Option<PledgeId>,
}

fn taken(r: &Received) -> bool {
    matches!(r.outcome, Outcome::Accepted | Outcome::Older)
}

fn triage(f: &Arrival, ledger: &LedgerView, folders: &Folders) -> Triage {
    let mut earlier = None;
    for (i, r) in ledger.by_hash(&f.hash) {
        if r.name == f.name && !folders.has(&r.stored_as) {
            return Triage::Finish(i);
        }
        if earlier.is_none() && taken(r) {
            earlier = Some(Earlier {
                seq: r.seq,
                name: r.name.clone(),
                pledge_id: r.pledge_id.clone(),
            });
        }
    }
    earlier.map_or(Triage::Check, Triage::Duplicate)
}

/// Decides every file of a batch, in order, as if each were recorded before the next
/// is looked at (a copy later in the same batch is a duplicate; a later 기준일 later
/// in the batch supersedes an earlier one). `check(i)` checks file `i` (pure; called
/// on every core, only for the files that need it).
pub fn decide<C>(
    files: &[Arrival],
    ledger: &LedgerView,
    folders: &Folders,
    now: DateTime<Local>,
    check: C,
) -> Vec<Decision>
where
    C: Fn(usize) -> Checked + Sync,
{
    decide_with(files, ledger, folders, now, check, &|_, _| None)
}

/// A finding about a submission that is about to replace its leaf's current one
/// (`prev`, `next`): §10's 변경사유 rule (`core::diff::reason_check`); an error
/// rejects `next`.
pub type ReasonRule<'r> = &'r dyn Fn(&Submission, &Submission) -> Option<Finding>;

/// [`decide`] with the 변경사유 rule (issue 15) applied to every accepted file that
/// replaces its leaf's current submission (in the ledger, or earlier in the batch).
pub fn decide_with<C>(
    files: &[Arrival],
    ledger: &LedgerView,
    folders: &Folders,
    now: DateTime<Local>,
    check: C,
    reason: ReasonRule<'_>,
) -> Vec<Decision>
where
    C: Fn(usize) -> Checked + Sync,
{
    let ready: Vec<Ready> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| match triage(f, ledger, folders) {
            Triage::Finish(index) => Ready::Finish(index),
            Triage::Duplicate(e) => Ready::Duplicate(e),
            Triage::Check => Ready::Checked(Box::new(check(i))),
        })
        .collect();
    let mut batch = Batch::new(ledger, folders, now, reason);
    files
        .iter()
        .zip(ready)
        .map(|(f, r)| batch.decide_one(f, r))
        .collect()
}

/// What the batch has decided so far, on top of the ledger.
struct Batch<'a> {
    ledger: &'a LedgerView,
    folders: &'a Folders,
    now: DateTime<Local>,
    next_seq: u64,
    /// Names given out in this batch, per folder.
    promised: HashMap<&'static str, HashSet<String>>,
    /// Files taken in this batch, by hash.
    taken_now: HashMap<ContentHash, Earlier>,
    /// Current submissions set in this batch: precedence and file name.
    current_now: HashMap<(String, LeafKey), (Precedence, String)>,
    /// Their submissions, and the 변경사유 rule they are compared with (issue 15).
    subs_now: HashMap<(String, LeafKey), Submission>,
    reason: ReasonRule<'a>,
}

impl<'a> Batch<'a> {
    fn new(
        ledger: &'a LedgerView,
        folders: &'a Folders,
        now: DateTime<Local>,
        reason: ReasonRule<'a>,
    ) -> Self {
        Self {
            ledger,
            folders,
            now,
            next_seq: ledger.next_seq(),
            promised: HashMap::new(),
            taken_now: HashMap::new(),
            current_now: HashMap::new(),
            subs_now: HashMap::new(),
            reason,
        }
    }

    fn decide_one(&mut self, f: &Arrival, ready: Ready) -> Decision {
        // A byte-identical file taken earlier in this batch makes it a duplicate.
        let ready = match (ready, self.taken_now.get(&f.hash)) {
            (Ready::Checked(_), Some(e)) => Ready::Duplicate(e.clone()),
            (r, _) => r,
        };
        match ready {
            Ready::Finish(index) => Decision::Finish { index },
            Ready::Duplicate(e) => {
                let finding = Finding::of(
                    Kind::Duplicate {
                        first: e.name.clone(),
                        seq: e.seq,
                    },
                    None,
                );
                self.record(
                    f,
                    Outcome::Duplicate,
                    e.pledge_id,
                    vec![finding],
                    None,
                    None,
                )
            }
            Ready::Checked(c) => self.checked(f, *c),
        }
    }

    fn checked(&mut self, f: &Arrival, c: Checked) -> Decision {
        if !c.accepted() {
            let pledge = c.pledge_id.map(PledgeId::from);
            return self.record(f, Outcome::Rejected, pledge, c.findings, None, c.named);
        }
        let Checked {
            submission,
            mut findings,
            pledge_id,
            named,
        } = c;
        let pledge = pledge_id.map(PledgeId::from);
        let Some(sub) = submission else {
            return self.record(f, Outcome::Rejected, pledge, findings, None, named);
        };
        let key = (sub.pledge_id.clone(), sub.leaf.clone());
        let mine = Precedence {
            base_date: sub.base_date,
            seq: self.next_seq,
        };
        let current = self.current_now.get(&key).cloned().or_else(|| {
            let r = self.ledger.current(&key.0, &key.1)?;
            Some((r.precedence()?, r.name.clone()))
        });
        let (outcome, replaces) = match current {
            Some((cur, name)) if mine > cur => {
                // §10 변경사유 (issue 15): compared with the submission it replaces; an
                // E-REASON rejects the file, which then replaces nothing.
                let prev = self
                    .subs_now
                    .get(&key)
                    .or_else(|| self.ledger.current(&key.0, &key.1)?.submission.as_ref());
                let reason = prev.and_then(|p| (self.reason)(p, &sub));
                if let Some(r) = reason.clone().filter(Finding::is_error) {
                    findings.push(r);
                    return self.record(f, Outcome::Rejected, pledge, findings, None, named);
                }
                findings.push(Finding::of(
                    Kind::Superseded {
                        previous: name.clone(),
                        base_date: cur.base_date,
                        seq: cur.seq,
                    },
                    None,
                ));
                findings.extend(reason);
                (Outcome::Accepted, Some(Replaced { name, seq: cur.seq }))
            }
            Some((cur, name)) => {
                findings.push(Finding::of(
                    Kind::Older {
                        base_date: sub.base_date,
                        current: cur.base_date,
                        current_file: name,
                    },
                    None,
                ));
                (Outcome::Older, None)
            }
            None => (Outcome::Accepted, None),
        };
        if outcome == Outcome::Accepted {
            self.subs_now.insert(key.clone(), sub.clone());
            self.current_now.insert(key, (mine, f.name.clone()));
        }
        match self.record(f, outcome, pledge, findings, Some(sub), named) {
            Decision::Record { record, .. } => Decision::Record { record, replaces },
            d => d,
        }
    }

    /// The one place a record is built.
    fn record(
        &mut self,
        f: &Arrival,
        outcome: Outcome,
        pledge_id: Option<PledgeId>,
        findings: Vec<Finding>,
        submission: Option<crate::core::model::Submission>,
        named: Option<LeafKey>,
    ) -> Decision {
        let seq = self.next_seq;
        self.next_seq += 1;
        let dir = outcome_dir(outcome);
        let (ledger, present) = (self.ledger, self.folders.of(dir));
        let promised = self.promised.entry(dir).or_default();
        let name = free_name_among(&f.name, |n| {
            present.contains(n) || promised.contains(n) || ledger.is_stored(&format!("{dir}/{n}"))
        });
        promised.insert(name.clone());
        if matches!(outcome, Outcome::Accepted | Outcome::Older) {
            self.taken_now.entry(f.hash.clone()).or_insert(Earlier {
                seq,
                name: f.name.clone(),
                pledge_id: pledge_id.clone(),
            });
        }
        Decision::Record {
            record: Box::new(Received {
                seq,
                received_at: self.now,
                name: f.name.clone(),
                size: f.size,
                hash: f.hash.clone(),
                outcome,
                stored_as: StoredPath::new(format!("{dir}/{name}")),
                pledge_id,
                findings,
                submission,
                named,
            }),
            replaces: None,
        }
    }
}

/// Which reports a new record shows in: its pledge's (제출이력, and the tables when it
/// is a submission), or every report when no pledge could claim it (unreadable,
/// unknown 공약명), because every report lists such files in its 제출이력 (see
/// `consolidate::by_pledge`). `None` means every pledge.
pub fn reports_touched(r: &Received) -> Option<Vec<&str>> {
    let routed = r.pledge_id.as_deref()?;
    let mut out = vec![routed];
    if let Some(s) = r.submission.as_ref().filter(|s| s.pledge_id != routed) {
        out.push(s.pledge_id.as_str());
    }
    Some(out)
}

/// Whether a record's file gets a note beside it, and which: every rejected file
/// (`.오류.txt`), and every other file with a finding that asks its submitter to look
/// at something — a warning, or W-OLDER (`.검토결과.txt`) — so the person told to
/// check something is the one who sees it. A notice that only confirms (W-SUPERSEDED:
/// this file replaced the earlier one; W-DUPLICATE: nothing changed) asks nothing and
/// writes no note: otherwise every routine resubmission would leave one.
pub fn note_name(r: &Received, stored_name: &str) -> Option<String> {
    let asks = |f: &Finding| !matches!(f.code, Code::Superseded | Code::Duplicate);
    match r.outcome {
        Outcome::Rejected => Some(error_note_name(stored_name)),
        _ if r.findings.iter().any(asks) => Some(result_note_name(stored_name)),
        _ => None,
    }
}

/// The usual limit on one file name's length in bytes (ext4; NTFS allows 255 UTF-16
/// units, which 255 bytes of UTF-8 Korean never exceed).
const MAX_NAME_BYTES: usize = 255;

/// A name that overwrites nothing: `a.xlsx`, `a (2).xlsx`, … also keeping the
/// companions (`.오류.txt`, `.검토.xlsx`, `.검토결과.txt`) free. `occupied` tells
/// whether a name is in use (listed in the folder, promised in this batch, recorded).
pub fn free_name_among(name: &str, occupied: impl Fn(&str) -> bool) -> String {
    let (stem, ext) = split_name(name);
    // Room for " (n)" and the longest companion suffix within the limit.
    let ext = truncate_bytes(ext, 40);
    let budget = MAX_NAME_BYTES - ext.len().max(".검토결과.txt".len()) - " (99999)".len();
    let stem = truncate_bytes(stem, budget);
    let mut n = 1u64;
    loop {
        let candidate = if n == 1 {
            format!("{stem}{ext}")
        } else {
            format!("{stem} ({n}){ext}")
        };
        let clash = occupied(&candidate)
            || occupied(&error_note_name(&candidate))
            || occupied(&review_name(&candidate))
            || occupied(&result_note_name(&candidate));
        if !clash {
            return candidate;
        }
        n += 1;
    }
}

/// The longest prefix of `s` within `max` bytes, cut at a character boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn split_name(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// `<stem>.오류.txt` for a stored file name (beside a rejected file).
pub fn error_note_name(stored: &str) -> String {
    format!("{}.오류.txt", split_name(stored).0)
}

/// `<stem>.검토.xlsx` for a stored file name (the review copy of a rejected file).
pub fn review_name(stored: &str) -> String {
    format!("{}.검토.xlsx", split_name(stored).0)
}

/// `<stem>.검토결과.txt` for a stored file name (beside an accepted file with
/// warnings or notices).
pub fn result_note_name(stored: &str) -> String {
    format!("{}.검토결과.txt", split_name(stored).0)
}

#[cfg(test)]
mod tests;
