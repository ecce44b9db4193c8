//! The imperative shell around the stages: takes files from the inbox, records them in
//! the ledger, moves them, and keeps the reports in the outbox current (SPEC §6).
//!
//! Order of effects per batch, which is what makes a crash at any moment safe:
//! 1. check every file (pure, in parallel);
//! 2. append one ledger record per file and sync once (group commit);
//! 3. only then write notes and move the files out of the inbox.
//!
//! A crash before 2 leaves the files in the inbox (processed again); a crash after 2
//! leaves files whose hash and name are in the ledger but which were not moved yet:
//! the next pass finishes the move without a second record.

use crate::core::check::{self, Checked};
use crate::core::consolidate::{Outcome, Received, consolidate_all};
use crate::core::definition::{Catalog, LeafKey};
use crate::core::finding::{Code, Finding};
use crate::core::read::Limits;
use crate::shell::inbox::{self, Entry};
use crate::shell::ledger::Ledger;
use anyhow::{Context, Result, bail};
use chrono::{Local, NaiveDate};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Most files read, checked and recorded as one batch (one ledger sync) by
/// [`Engine::process`]: 1,000 workbooks are ~10 MB held in memory at once, and
/// a sync per thousand files costs nothing measurable.
pub const BATCH_FILES: usize = 1000;

/// Where everything lives.
#[derive(Debug, Clone)]
pub struct Config {
    pub inbox: PathBuf,
    pub outbox: PathBuf,
    pub templates: PathBuf,
    /// Ledger and lock; defaults to `<inbox>/.gongyak`.
    pub state: Option<PathBuf>,
    pub limits: Limits,
}

impl Config {
    pub fn new(
        inbox: impl Into<PathBuf>,
        outbox: impl Into<PathBuf>,
        templates: impl Into<PathBuf>,
    ) -> Self {
        Self {
            inbox: inbox.into(),
            outbox: outbox.into(),
            templates: templates.into(),
            state: None,
            limits: Limits::default(),
        }
    }

    pub fn state_dir(&self) -> PathBuf {
        self.state
            .clone()
            .unwrap_or_else(|| self.inbox.join(inbox::STATE_DIR))
    }
}

/// The second daemon on the same inbox.
#[derive(Debug, thiserror::Error)]
#[error("another gongyak{holder} is already working on {inbox} (lock {lock}); stop it first")]
pub struct AlreadyRunning {
    pub inbox: String,
    pub lock: String,
    /// ` (process 1234)` when the lock file tells, else empty.
    pub holder: String,
}

/// What happened to one file in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub name: String,
    pub outcome: Outcome,
    pub codes: Vec<Code>,
    /// True when this pass only finished a move recorded before a crash.
    pub recovered: bool,
}

/// What one pass over the inbox did.
#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    pub files: Vec<FileResult>,
    /// Pledges whose reports may have changed.
    pub changed: BTreeSet<String>,
    /// Files given back untouched: they did not open and were marked
    /// [`Incoming::hold_unreadable`] (maybe still being copied).
    pub held: Vec<PathBuf>,
    /// Files recorded but not moved (e.g. held open by another program on Windows);
    /// the move is finished on a later pass without a second record.
    pub unmoved: Vec<PathBuf>,
}

impl BatchSummary {
    pub fn rejected(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.outcome == Outcome::Rejected)
            .count()
    }
}

/// Size and modification time of a file, and on Unix which file it is (device and
/// inode): enough to notice it was rewritten in place or replaced by another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    file_id: Option<(u64, u64)>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Self> {
        let m = std::fs::symlink_metadata(path).ok()?;
        m.is_file().then(|| Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            file_id: file_id(&m),
        })
    }

    /// Whether the file just moved to `dest` is still the one read with this stamp.
    /// Where the platform gives no inode (Windows), the content is hashed again.
    fn same_file_after_move(&self, dest: &Path, hash: &str) -> bool {
        if self.file_id.is_some() {
            Stamp::of(dest) == Some(*self)
        } else {
            hash_file(dest).is_ok_and(|(h, _)| h == hash)
        }
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_m: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// A file read from the inbox, with the size and time seen around the read.
#[derive(Debug)]
pub struct Incoming {
    path: PathBuf,
    /// NFC file name.
    name: String,
    hash: String,
    bytes: Vec<u8>,
    stamp: Stamp,
    /// Set by the watcher while a file may still be arriving: if it does not open
    /// (E-READ) it is handed back in [`BatchSummary::held`] instead of being rejected,
    /// because a copy in progress looks exactly like a corrupt file.
    pub hold_unreadable: bool,
}

/// What reading one inbox file gave.
#[derive(Debug)]
pub enum Load {
    Ready(Incoming),
    /// Not a candidate any more (moved away, deleted, replaced by a folder or link).
    Gone,
    /// Written to while being read: the bytes may be half old, half new.
    Changed,
    /// Could not be read (locked by another program, permissions).
    Failed(std::io::Error),
}

impl Incoming {
    /// Reads a candidate file once, noting its size and time before and after.
    ///
    /// A file over `limits.max_file_bytes` is only hashed, in a stream: a 10 GB file
    /// dropped by mistake must be recorded and rejected without being held in memory.
    pub fn load(path: &Path, limits: &Limits) -> Load {
        if !matches!(inbox::classify(path), Entry::Candidate(_)) {
            return Load::Gone;
        }
        let Some(before) = Stamp::of(path) else {
            return Load::Gone;
        };
        let read = if before.len > limits.max_file_bytes {
            hash_file(path).map(|(hash, len)| (hash, len, Vec::new()))
        } else {
            std::fs::read(path).map(|bytes| (sha256_hex(&bytes), bytes.len() as u64, bytes))
        };
        match read {
            Ok((_, len, _)) if Stamp::of(path) != Some(before) || len != before.len => {
                Load::Changed
            }
            Ok((hash, _, bytes)) => Load::Ready(Incoming {
                path: path.to_owned(),
                name: inbox::display_name(path),
                hash,
                bytes,
                stamp: before,
                hold_unreadable: false,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Load::Gone,
            Err(e) => Load::Failed(e),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> u64 {
        self.stamp.len
    }

    pub fn is_empty(&self) -> bool {
        self.stamp.len == 0
    }

    /// Over the size limit: hashed but never read (see [`Incoming::load`]).
    fn oversize(&self, limits: &Limits) -> bool {
        self.stamp.len > limits.max_file_bytes
    }

    /// read → parse → validate; a file too large to have been read is refused by size.
    fn check(&self, catalog: &Catalog, limits: &Limits) -> Checked {
        if self.oversize(limits) {
            return check::too_large(self.stamp.len, limits);
        }
        check::check(&self.bytes, catalog, limits)
    }

    /// Size and modification time when it was read.
    pub fn stamp(&self) -> (u64, Option<std::time::SystemTime>) {
        (self.stamp.len, self.stamp.modified)
    }
}

/// The current submission of a leaf as intake sees it, for W-SUPERSEDED.
#[derive(Debug, Clone)]
struct Current {
    base_date: NaiveDate,
    seq: u64,
    name: String,
}

/// The daemon's state: definitions, ledger, and the lock that makes it the only one.
pub struct Engine {
    cfg: Config,
    catalog: Catalog,
    ledger: Ledger,
    current: HashMap<(String, LeafKey), Current>,
    digests: HashMap<String, String>,
    _locks: Vec<File>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 and length of a file, read in a stream (bounded memory for any size).
fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let len = std::io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok((hex(&hasher.finalize()), len))
}

/// Takes the single-instance lock of an inbox: `<inbox>/.gongyak/lock`, and also
/// `<state>/lock` when the state lives elsewhere, so that neither two daemons on one
/// inbox (with different `--state`) nor two inboxes sharing one ledger can run.
///
/// # Errors
/// [`AlreadyRunning`] when another process holds a lock; I/O errors otherwise.
pub fn lock_inbox(cfg: &Config) -> Result<Vec<File>> {
    let mut dirs = vec![cfg.inbox.join(inbox::STATE_DIR)];
    let state = cfg.state_dir();
    if !same_dir(&state, &dirs[0]) {
        dirs.push(state);
    }
    dirs.iter().map(|dir| lock_in(cfg, dir)).collect()
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

fn lock_in(cfg: &Config, dir: &Path) -> Result<File> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "상태 폴더 {}를 만들 수 없습니다. 제출 폴더에 쓸 권한이 있는지 확인해 주십시오 (기술 정보)",
            dir.display()
        )
    })?;
    let path = dir.join("lock");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| {
            format!(
                "잠금 파일 {}을 열 수 없습니다. 제출 폴더에 쓸 권한이 있는지 확인해 주십시오 (기술 정보)",
                path.display()
            )
        })?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for the second instance's message; a lock without a pid
            // in it works just as well.
            use std::io::Write;
            let _ = file.set_len(0).and_then(|()| {
                let mut f = &file;
                writeln!(f, "{}", std::process::id())
            });
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(AlreadyRunning {
            inbox: cfg.inbox.display().to_string(),
            lock: path.display().to_string(),
            // Windows locks are mandatory: the file cannot be read there.
            holder: std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| t.trim().parse::<u32>().ok())
                .map(|pid| format!(" (process {pid})"))
                .unwrap_or_default(),
        }
        .into()),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

impl Engine {
    /// Loads the definitions, takes the lock, replays the ledger.
    ///
    /// # Errors
    /// Invalid definitions, a second instance, an unusable inbox or ledger.
    pub fn open(cfg: Config) -> Result<Self> {
        let catalog = Catalog::load(&cfg.templates)?;
        if !cfg.inbox.is_dir() {
            std::fs::create_dir_all(&cfg.inbox)
                .with_context(|| {
                    format!(
                        "제출 폴더 {}가 없고 만들 수도 없습니다. --inbox 경로와 권한을 확인해 주십시오 (기술 정보)",
                        cfg.inbox.display()
                    )
                })?;
        }
        let locks = lock_inbox(&cfg)?;
        let ledger = Ledger::open(&cfg.state_dir().join("ledger.jsonl"))?;
        // Temp files of writes a crash interrupted; the lock says none is ours now.
        for dir in [
            cfg.outbox.clone(),
            cfg.outbox.join("history"),
            cfg.inbox.join(inbox::ACCEPTED_DIR),
            cfg.inbox.join(inbox::REJECTED_DIR),
        ] {
            inbox::remove_stale_temps(&dir);
        }
        let mut current: HashMap<(String, LeafKey), Current> = HashMap::new();
        for r in ledger.records() {
            note_current(&mut current, r);
        }
        let digests = load_digests(&cfg.outbox, &catalog);
        Ok(Self {
            cfg,
            catalog,
            ledger,
            current,
            digests,
            _locks: locks,
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The candidate files in the inbox now. Links and special files are logged and
    /// left alone: their targets are never read.
    ///
    /// # Errors
    /// The inbox cannot be listed.
    pub fn scan(&self) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for e in inbox::scan(&self.cfg.inbox)? {
            match e {
                Entry::Candidate(p) => out.push(p),
                Entry::Refused(p, why) => {
                    tracing::warn!(file = %inbox::log_name(&inbox::display_name(&p)), reason = why, "left in inbox, not read");
                }
                Entry::Ignored => {}
            }
        }
        Ok(out)
    }

    /// Processes every candidate in the inbox and rewrites the reports that changed.
    ///
    /// # Errors
    /// Only environment failures (ledger, folders); bad files are findings.
    pub fn run_once(&mut self) -> Result<BatchSummary> {
        let files = self.scan()?;
        let summary = self.process(&files)?;
        self.write_reports(None, false)?;
        Ok(summary)
    }

    /// Takes files in batches of at most [`BATCH_FILES`]: check, record (one sync per
    /// batch), then move. Files that vanish, cannot be read or change while being read
    /// are skipped with a log line and stay where they are. Batching bounds memory (a
    /// batch's bytes are held until its files are moved) while keeping one sync per
    /// thousand files.
    ///
    /// # Errors
    /// The ledger cannot be written or synced; then nothing of the failing batch is
    /// recorded or moved (earlier batches are, completely).
    pub fn process(&mut self, paths: &[PathBuf]) -> Result<BatchSummary> {
        let mut summary = BatchSummary::default();
        for chunk in paths.chunks(BATCH_FILES) {
            let s = self.process_batch(chunk)?;
            summary.files.extend(s.files);
            summary.changed.extend(s.changed);
            summary.held.extend(s.held);
            summary.unmoved.extend(s.unmoved);
        }
        Ok(summary)
    }

    fn process_batch(&mut self, paths: &[PathBuf]) -> Result<BatchSummary> {
        let limits = self.cfg.limits;
        let loaded: Vec<Incoming> = paths
            .par_iter()
            .filter_map(|path| match Incoming::load(path, &limits) {
                Load::Ready(f) => Some(f),
                Load::Gone => None,
                Load::Changed => {
                    tracing::info!(file = %inbox::log_name(&inbox::display_name(path)), "changed while being read; will retry");
                    None
                }
                Load::Failed(e) => {
                    tracing::warn!(file = %inbox::log_name(&inbox::display_name(path)), error = %e, "cannot read, will retry");
                    None
                }
            })
            .collect();
        self.process_loaded(loaded)
    }

    /// [`Engine::process`] for files already read (the watcher reads each file once,
    /// to see whether it is complete, and hands the bytes over).
    ///
    /// # Errors
    /// The ledger cannot be written or synced; then nothing of the batch is recorded
    /// or moved, and the files stay in the inbox.
    pub fn process_loaded(&mut self, loaded: Vec<Incoming>) -> Result<BatchSummary> {
        let result = self.record_and_move(loaded);
        if result.is_err() {
            // Whatever was appended is gone again (see Ledger::sync); so must be what
            // intake derived from it.
            self.ledger.rollback();
            self.current.clear();
            for r in self.ledger.records() {
                note_current(&mut self.current, r);
            }
        }
        result
    }

    fn record_and_move(&mut self, loaded: Vec<Incoming>) -> Result<BatchSummary> {
        // What each file needs, decided against the ledger as it was before the batch.
        enum Plan {
            Finish(usize),
            Duplicate(u64, String),
            Check,
        }
        let plans: Vec<Plan> = loaded
            .iter()
            .map(|f| {
                let mut previous = self.ledger.by_hash(&f.hash).peekable();
                if previous.peek().is_none() {
                    return Plan::Check;
                }
                for r in self.ledger.by_hash(&f.hash) {
                    if r.name == f.name && !self.cfg.inbox.join(&r.stored_as).exists() {
                        let idx = self.ledger.position_of(r.seq).unwrap_or(0);
                        return Plan::Finish(idx);
                    }
                }
                match self
                    .ledger
                    .by_hash(&f.hash)
                    .find(|r| r.outcome == Outcome::Accepted)
                {
                    Some(r) => Plan::Duplicate(r.seq, r.name.clone()),
                    None => Plan::Check,
                }
            })
            .collect();
        let catalog = &self.catalog;
        let limits = self.cfg.limits;
        let checked: Vec<Option<Checked>> = loaded
            .par_iter()
            .zip(plans.par_iter())
            .map(|(f, plan)| matches!(plan, Plan::Check).then(|| f.check(catalog, &limits)))
            .collect();

        let mut summary = BatchSummary::default();
        // Each file with the index of its record in the ledger (not a copy of it).
        let mut moves: Vec<(&Incoming, usize)> = Vec::new();
        // Names given out in this batch, and those found in accepted/ and rejected/
        // (each listed once per batch, not looked up file by file).
        let mut promised: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let mut listed: HashMap<&'static str, HashSet<String>> = HashMap::new();
        // Accepted earlier in this batch, by hash: a byte-identical file later in the
        // same batch is its duplicate, exactly as if it had come in the next batch.
        let mut accepted_now: HashMap<&str, (u64, String)> = HashMap::new();
        // (earlier file, its seq, the file that replaces it in the report)
        let mut superseded: Vec<(String, u64, String)> = Vec::new();
        for ((f, plan), checked) in loaded.iter().zip(plans).zip(checked) {
            let plan = match (plan, accepted_now.get(f.hash.as_str())) {
                (Plan::Check, Some((seq, first))) => Plan::Duplicate(*seq, first.clone()),
                (plan, _) => plan,
            };
            let record = match plan {
                Plan::Finish(idx) => {
                    let r = &self.ledger.records()[idx];
                    tracing::info!(file = %inbox::log_name(&f.name), outcome = ?r.outcome, "finishing a move recorded earlier (before a restart, or when it failed)");
                    summary.files.push(FileResult {
                        name: f.name.clone(),
                        outcome: r.outcome,
                        codes: r.findings.iter().map(|x| x.code).collect(),
                        recovered: true,
                    });
                    moves.push((f, idx));
                    continue;
                }
                Plan::Duplicate(seq, first) => Received {
                    seq: self.ledger.next_seq(),
                    received_at: Local::now(),
                    name: f.name.clone(),
                    size: f.len(),
                    hash: f.hash.clone(),
                    outcome: Outcome::Duplicate,
                    stored_as: String::new(),
                    pledge_id: self
                        .ledger
                        .position_of(seq)
                        .and_then(|i| self.ledger.records()[i].pledge_id.clone()),
                    findings: vec![Finding::new(
                        Code::Duplicate,
                        None,
                        format!(
                            "이미 접수된 파일 '{first}'(접수 번호 {seq})과(와) 내용이 같습니다. 보고서에는 변화가 없습니다."
                        ),
                    )],
                    submission: None,
                    named: None,
                },
                Plan::Check => {
                    let mut c = checked.unwrap_or_else(|| f.check(catalog, &limits));
                    // A copy still arriving is held; a file already over the size
                    // limit only grows, so it is refused at once (and not re-hashed).
                    if f.hold_unreadable
                        && !f.oversize(&limits)
                        && c.findings.iter().any(|x| x.code == Code::Read)
                    {
                        summary.held.push(f.path.clone());
                        continue;
                    }
                    let outcome = if c.accepted() {
                        Outcome::Accepted
                    } else {
                        Outcome::Rejected
                    };
                    if let Some(s) = &c.submission
                        && outcome == Outcome::Accepted
                        && let Some(cur) = self.current.get(&(s.pledge_id.clone(), s.leaf.clone()))
                    {
                        let msg = if s.base_date >= cur.base_date {
                            superseded.push((cur.name.clone(), cur.seq, f.name.clone()));
                            format!(
                                "이 파일이 이전 제출 '{}'(기준일 {}, 접수 번호 {})을(를) 대체합니다.",
                                cur.name, cur.base_date, cur.seq
                            )
                        } else {
                            format!(
                                "기준일 {}이(가) 현재 반영된 제출 '{}'(기준일 {})보다 이전이라 보고서에는 반영되지 않습니다.",
                                s.base_date, cur.name, cur.base_date
                            )
                        };
                        c.findings.push(Finding::new(Code::Superseded, None, msg));
                    }
                    Received {
                        seq: self.ledger.next_seq(),
                        received_at: Local::now(),
                        name: f.name.clone(),
                        size: f.len(),
                        hash: f.hash.clone(),
                        outcome,
                        stored_as: String::new(),
                        pledge_id: c.pledge_id.clone(),
                        named: c.named.clone(),
                        findings: c.findings,
                        submission: if outcome == Outcome::Accepted {
                            c.submission
                        } else {
                            None
                        },
                    }
                }
            };
            let mut record = record;
            let dir_name = inbox::outcome_dir(record.outcome);
            let inbox_dir = &self.cfg.inbox;
            let present = listed
                .entry(dir_name)
                .or_insert_with(|| inbox::list_names(&inbox_dir.join(dir_name)));
            let taken = promised.entry(dir_name).or_default();
            let ledger = &self.ledger;
            let stored = inbox::free_name_among(&record.name, |n| {
                present.contains(n)
                    || taken.contains(n)
                    || ledger.is_stored(&format!("{dir_name}/{n}"))
            });
            taken.insert(stored.clone());
            record.stored_as = format!("{dir_name}/{stored}");
            if record.outcome == Outcome::Accepted {
                accepted_now.insert(&f.hash, (record.seq, record.name.clone()));
                if let Some(p) = &record.pledge_id {
                    summary.changed.insert(p.clone());
                }
            }
            note_current(&mut self.current, &record);
            summary.files.push(FileResult {
                name: record.name.clone(),
                outcome: record.outcome,
                codes: record.findings.iter().map(|x| x.code).collect(),
                recovered: false,
            });
            moves.push((f, self.ledger.records().len()));
            self.ledger.append(record)?;
        }
        // Nothing is moved before every record of the batch is durable.
        self.ledger.sync()?;

        // The moves are independent of each other: done on every core (a rejected
        // file's review copy is a workbook to write), logged afterwards in order.
        let records = self.ledger.records();
        let dirs: BTreeSet<&str> = moves
            .iter()
            .map(|&(_, i)| inbox::outcome_dir(records[i].outcome))
            .collect();
        for dir in dirs {
            let dir = self.cfg.inbox.join(dir);
            if let Err(e) = std::fs::create_dir_all(&dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot create");
            }
        }
        let settled: Vec<Option<Result<()>>> = moves
            .par_iter()
            .map(|&(f, i)| {
                let record = &records[i];
                // Replaced after it was read: the new content is processed next pass
                // under its own hash; the recorded one stays in the ledger.
                (Stamp::of(&f.path) == Some(f.stamp))
                    .then(|| self.settle_file(&f.path, &f.bytes, f.stamp, record))
            })
            .collect();
        for (&(f, i), settled) in moves.iter().zip(settled) {
            let record = &records[i];
            match settled {
                None => {
                    tracing::warn!(file = %inbox::log_name(&record.name), seq = record.seq, "replaced after reading; the new version will be processed on the next pass")
                }
                Some(Err(e)) => {
                    tracing::error!(file = %inbox::log_name(&record.name), error = %format!("{e:#}"), "cannot move; will finish on the next pass");
                    summary.unmoved.push(f.path.clone());
                }
                Some(Ok(())) => log_outcome(record),
            }
        }
        for (old, seq, by) in superseded {
            tracing::info!(file = %inbox::log_name(&old), seq, by = %inbox::log_name(&by), "superseded");
        }
        Ok(summary)
    }

    /// Writes the notes of a recorded file and moves it to where the ledger says.
    fn settle_file(&self, path: &Path, bytes: &[u8], read: Stamp, record: &Received) -> Result<()> {
        let dest = self.cfg.inbox.join(&record.stored_as);
        let dir = dest.parent().unwrap_or(&self.cfg.inbox);
        if !dir.is_dir() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        if record.outcome == Outcome::Rejected {
            let stored = dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let note = inbox::error_note(
                &record.name,
                &record.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                &record.findings,
            );
            inbox::atomic_write(&dir.join(inbox::error_note_name(&stored)), &note)?;
            match crate::xlsx::review::review_copy(bytes, &record.findings, &self.cfg.limits) {
                Ok(Some(review)) => {
                    inbox::atomic_write(&dir.join(inbox::review_name(&stored)), &review)?
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(file = %inbox::log_name(&record.name), error = %format!("{e:#}"), "no review copy")
                }
            }
        }
        if dest.exists() {
            bail!("{} already exists; not overwriting", dest.display());
        }
        std::fs::rename(path, &dest)
            .with_context(|| format!("cannot move {} to {}", path.display(), dest.display()))?;
        // A writer that still had the file open may have changed it after our last
        // look: then what was moved is not what was recorded. Hand it back to the
        // inbox, where it is processed as the new version it is. The stamp (size,
        // modification time, and on Unix device and inode) tells without reading the
        // file again: a rename keeps all of them, any write changes the time.
        if !read.same_file_after_move(&dest, &record.hash) {
            let back = inbox::free_name(&self.cfg.inbox, &record.name, |_| false);
            tracing::warn!(file = %inbox::log_name(&record.name), seq = record.seq, "changed while being moved; returned to the inbox as a new version");
            std::fs::rename(&dest, self.cfg.inbox.join(back))?;
        }
        Ok(())
    }

    /// File name of a pledge's report in the outbox.
    pub fn report_path(&self, pledge_id: &str) -> PathBuf {
        report_path(&self.cfg.outbox, pledge_id)
    }

    /// Rewrites the reports of `only` (or every pledge) whose content changed (every
    /// one when `force`), each atomically, with a dated copy in `outbox/history/` when
    /// the content differs from the last one written.
    ///
    /// # Errors
    /// The outbox cannot be written; the previous report stays intact.
    pub fn write_reports(
        &mut self,
        only: Option<&BTreeSet<String>>,
        force: bool,
    ) -> Result<Vec<PathBuf>> {
        let now = Local::now();
        let reports = consolidate_all(&self.catalog.pledges, self.ledger.records(), |p| {
            only.is_none_or(|o| o.contains(&p.id))
        });
        let (outbox, digests) = (&self.cfg.outbox, &self.digests);
        // Compared, rendered and written on every core; a report whose content did
        // not change is not rendered at all.
        let results: Vec<Result<Option<(String, String, PathBuf)>>> = reports
            .par_iter()
            .map(|(pledge, report)| {
                let digest = sha256_hex(&serde_json::to_vec(report)?);
                let path = report_path(outbox, &pledge.id);
                let changed = digests.get(&pledge.id) != Some(&digest);
                if !force && !changed && path.exists() {
                    return Ok(None);
                }
                let bytes = crate::xlsx::render::render_report(report, now)?;
                inbox::atomic_write(&path, &bytes)?;
                if changed {
                    let history = outbox.join("history");
                    let stem = report_stem(&pledge.id);
                    inbox::atomic_write(
                        &history.join(format!("{stem}_{}.xlsx", now.format("%Y%m%d-%H%M%S-%3f"))),
                        &bytes,
                    )?;
                    inbox::atomic_write(
                        &history.join(format!(".{}.sha256", pledge.id)),
                        digest.as_bytes(),
                    )?;
                }
                tracing::info!(report = %path.display(), pledge = %pledge.id, submitted = report.leaves.iter().filter(|l| l.current.is_some()).count(), leaves = report.leaves.len(), "report written");
                Ok(Some((pledge.id.clone(), digest, path)))
            })
            .collect();
        // Every report that was written counts, even when another one failed.
        let mut written = Vec::new();
        let mut failure = None;
        for r in results {
            match r {
                Ok(Some((id, digest, path))) => {
                    self.digests.insert(id, digest);
                    written.push(path);
                }
                Ok(None) => {}
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(written),
        }
    }
}

fn note_current(current: &mut HashMap<(String, LeafKey), Current>, r: &Received) {
    let Some(s) = &r.submission else { return };
    if r.outcome != Outcome::Accepted {
        return;
    }
    let key = (s.pledge_id.clone(), s.leaf.clone());
    let newer = current
        .get(&key)
        .is_none_or(|c| (s.base_date, r.seq) > (c.base_date, c.seq));
    if newer {
        current.insert(
            key,
            Current {
                base_date: s.base_date,
                seq: r.seq,
                name: r.name.clone(),
            },
        );
    }
}

fn log_outcome(r: &Received) {
    // Each code once, in order of first appearance: twelve E-FORMULA cells are one
    // kind of problem in a log line (the note lists every cell).
    let mut codes: Vec<&str> = Vec::new();
    for f in &r.findings {
        if !codes.contains(&f.code.as_str()) {
            codes.push(f.code.as_str());
        }
    }
    let leaf = r
        .submission
        .as_ref()
        .map(|s| s.leaf.label())
        .unwrap_or_default();
    match r.outcome {
        Outcome::Accepted => {
            tracing::info!(file = %inbox::log_name(&r.name), seq = r.seq, leaf = %leaf, codes = %codes.join(","), to = %inbox::log_name(&r.stored_as), "accepted")
        }
        Outcome::Rejected => {
            tracing::warn!(file = %inbox::log_name(&r.name), seq = r.seq, codes = %codes.join(","), to = %inbox::log_name(&r.stored_as), "rejected")
        }
        Outcome::Duplicate => {
            tracing::info!(file = %inbox::log_name(&r.name), seq = r.seq, to = %inbox::log_name(&r.stored_as), "duplicate")
        }
    }
}

/// `<id>_공약추진현황` — the stable report name managers bookmark.
pub fn report_stem(pledge_id: &str) -> String {
    format!("{pledge_id}_공약추진현황")
}

pub fn report_path(outbox: &Path, pledge_id: &str) -> PathBuf {
    outbox.join(format!("{}.xlsx", report_stem(pledge_id)))
}

fn load_digests(outbox: &Path, catalog: &Catalog) -> HashMap<String, String> {
    catalog
        .pledges
        .iter()
        .filter_map(|p| {
            let d =
                std::fs::read_to_string(outbox.join("history").join(format!(".{}.sha256", p.id)))
                    .ok()?;
            Some((p.id.clone(), d.trim().to_owned()))
        })
        .collect()
}
