//! The imperative shell around the stages: takes files from the inbox, records them in
//! the ledger, moves them, and keeps the reports in the outbox current (SPEC §6).
//! What becomes of each file is decided by the pure [`crate::core::intake::decide`];
//! the engine gathers its facts (the files read, the ledger, the names in `accepted/`
//! and `rejected/`, the time) and carries the decisions out.
//!
//! Order of effects per batch, which is what makes a crash at any moment safe:
//! 1. decide every file (checked on every core);
//! 2. append one ledger record per file and sync once (group commit);
//! 3. only then write notes and move the files out of the inbox.
//!
//! A crash before 2 leaves the files in the inbox (processed again); a crash after 2
//! leaves files whose hash and name are in the ledger but which were not moved yet:
//! the next pass finishes the move without a second record.

use crate::core::check::{self, Checked};
use crate::core::consolidate::consolidate_all;
use crate::core::definition::Catalog;
use crate::core::intake::{self, Arrival, Decision, Folders};
use crate::core::model::{ContentHash, Outcome, PledgeId, Received};
use crate::core::read::Limits;
use crate::shell::fsio::{self, Staged};
use crate::shell::inbox::{self, Entry};
use crate::shell::ledger::Ledger;
use anyhow::{Context, Result, bail};
use chrono::Local;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

/// How much one batch (one ledger sync) takes, by files and by bytes: the bytes of a
/// batch are held in memory until its files are moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimit {
    pub files: usize,
    pub bytes: u64,
}

/// The one batch limit of `run` and `watch`: 1,000 files (a sync per thousand files
/// costs nothing measurable; a batch takes well under a second, so a stop request is
/// answered soon) and 256 MB (1,000 files of the 20 MB limit must not be held at
/// once).
pub const BATCH: BatchLimit = BatchLimit {
    files: 1000,
    bytes: 256 * 1024 * 1024,
};

impl BatchLimit {
    /// How many of the files (by size, in order) the next batch takes: as many as fit
    /// both limits, and always at least one (a file over the byte limit goes alone).
    pub fn take(&self, sizes: impl IntoIterator<Item = u64>) -> usize {
        let mut bytes = 0u64;
        let mut n = 0;
        for size in sizes.into_iter().take(self.files) {
            bytes = bytes.saturating_add(size);
            if n > 0 && bytes > self.bytes {
                break;
            }
            n += 1;
        }
        n
    }
}

/// Why a batch was not taken.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Nothing of the batch was recorded (the ledger could not be written: disk full,
    /// I/O error); its files stay in the inbox and are taken again later.
    #[error("the batch was not recorded; its files stay in the inbox: {0:#}")]
    Retry(anyhow::Error),
    /// The ledger could not be cut back after a failed write: nothing more can be
    /// appended safely. Stop; a restart repairs the file.
    #[error("the ledger can no longer be written safely; restart gongyak: {0:#}")]
    Fatal(anyhow::Error),
}

impl IntakeError {
    pub fn is_fatal(&self) -> bool {
        matches!(self, IntakeError::Fatal(_))
    }
}

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
    pub codes: Vec<crate::core::finding::Code>,
    /// True when this pass only finished a move recorded before a crash.
    pub recovered: bool,
}

impl FileResult {
    fn of(r: &Received, recovered: bool) -> Self {
        Self {
            name: r.name.clone(),
            outcome: r.outcome,
            codes: r.findings.iter().map(|x| x.code).collect(),
            recovered,
        }
    }
}

/// What one pass over the inbox did.
#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    pub files: Vec<FileResult>,
    /// Pledges whose reports show something this pass recorded (see
    /// [`intake::reports_touched`]): every record, not only accepted files.
    pub changed: BTreeSet<PledgeId>,
    /// Files recorded but not moved (e.g. held open by another program on Windows);
    /// the move is finished on a later pass without a second record.
    pub unmoved: Vec<PathBuf>,
}

impl BatchSummary {
    /// Files of this outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.files.iter().filter(|f| f.outcome == outcome).count()
    }

    pub fn rejected(&self) -> usize {
        self.count(Outcome::Rejected)
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
    fn same_file_after_move(&self, dest: &Path, hash: &ContentHash) -> bool {
        if self.file_id.is_some() {
            Stamp::of(dest) == Some(*self)
        } else {
            hash_file(dest).is_ok_and(|(h, _)| h == *hash)
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
    hash: ContentHash,
    bytes: Vec<u8>,
    stamp: Stamp,
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
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Load::Gone,
            Err(e) => Load::Failed(e),
        }
    }

    /// What intake needs to know of it.
    fn arrival(&self, limits: &Limits) -> Arrival {
        Arrival {
            name: self.name.clone(),
            hash: self.hash.clone(),
            size: self.stamp.len,
            oversize: self.oversize(limits),
        }
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

    /// The bytes read (empty for a file over the size limit, which is only hashed).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Size and modification time when it was read.
    pub fn stamp(&self) -> (u64, Option<std::time::SystemTime>) {
        (self.stamp.len, self.stamp.modified)
    }
}

fn sha256_hex(bytes: &[u8]) -> ContentHash {
    hex(Sha256::digest(bytes))
}

fn hex(digest: impl std::fmt::LowerHex) -> ContentHash {
    ContentHash::new(format!("{digest:x}"))
}

/// What a content digest covers beside the content: the form of the digest and the
/// gongyak version, so that a new version (a new layout, a new rule) rewrites every
/// report once instead of leaving the old ones until their content changes.
const DIGEST_SALT: &str = concat!("gongyak ", env!("CARGO_PKG_VERSION"), "; digest 2\n");

/// SHA-256 of a value's JSON (after [`DIGEST_SALT`]), hashed as it is written.
fn json_digest<T: serde::Serialize>(content: &T) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(DIGEST_SALT);
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut hasher);
        serde_json::to_writer(&mut w, content)?;
        std::io::Write::flush(&mut w)?;
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// SHA-256 and length of a file, read in a stream (bounded memory for any size).
fn hash_file(path: &Path) -> std::io::Result<(ContentHash, u64)> {
    let mut hasher = Sha256::new();
    let len = std::io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok((hex(hasher.finalize()), len))
}

/// Takes the single-instance lock of an inbox: `<inbox>/.gongyak/lock`, and also
/// `<state>/lock` when the state lives elsewhere, so that neither two daemons on one
/// inbox (with different `--state`) nor two inboxes sharing one ledger can run.
///
/// # Errors
/// [`AlreadyRunning`] when another process holds a lock; I/O errors otherwise.
pub(crate) fn lock_inbox(cfg: &Config) -> Result<Vec<File>> {
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

/// The daemon's state: definitions, ledger, and the lock that makes it the only one.
pub struct Engine {
    cfg: Config,
    catalog: Catalog,
    ledger: Ledger,
    digests: HashMap<String, String>,
    _locks: Vec<File>,
}

/// A file of a batch with the record it settles to (an index into the ledger).
type Move<'a> = (&'a Incoming, usize);
/// The moves of a recorded batch, and (earlier file, its seq, the file replacing it)
/// for each supersession, to log once the moves are done.
type Recorded<'a> = (Vec<Move<'a>>, Vec<(String, u64, String)>);

impl Engine {
    /// Loads the definitions, takes the lock, replays the ledger.
    ///
    /// # Errors
    /// Invalid definitions, a second instance, an unusable inbox or ledger.
    pub fn open(cfg: Config) -> Result<Self> {
        let catalog = Catalog::load(&cfg.templates)?;
        inbox::prepare_folders(&cfg.inbox, &cfg.outbox)?;
        let locks = lock_inbox(&cfg)?;
        let ledger = Ledger::open(&cfg.state_dir().join("ledger.jsonl"))?;
        // Temp files of writes a crash interrupted; the lock says none is ours now.
        for dir in [
            cfg.outbox.clone(),
            cfg.outbox.join("history"),
            cfg.inbox.join(inbox::ACCEPTED_DIR),
            cfg.inbox.join(inbox::REJECTED_DIR),
        ] {
            fsio::remove_stale_temps(&dir);
        }
        let digests = load_digests(&cfg.outbox, &catalog);
        Ok(Self {
            cfg,
            catalog,
            ledger,
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

    /// How many files and bytes one batch takes, for `run` and `watch` alike.
    pub fn batch_limit(&self) -> BatchLimit {
        BATCH
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
                    tracing::warn!(file = %inbox::log_name(&inbox::display_name(&p)), reason = why, event = "left_in_inbox", "left in inbox, not read");
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

    /// Takes files in batches of at most [`Engine::batch_limit`]: check, record (one
    /// sync per batch), then move. Files that vanish, cannot be read or change while
    /// being read are skipped with a log line and stay where they are. Batching bounds
    /// memory (a batch's bytes are held until its files are moved).
    ///
    /// # Errors
    /// The ledger cannot be written or synced; then nothing of the failing batch is
    /// recorded or moved (earlier batches are, completely).
    pub fn process(&mut self, paths: &[PathBuf]) -> Result<BatchSummary, IntakeError> {
        let mut summary = BatchSummary::default();
        let mut rest = paths;
        while !rest.is_empty() {
            let n = BATCH.take(
                rest.iter()
                    .map(|p| std::fs::symlink_metadata(p).map_or(0, |m| m.len())),
            );
            let (chunk, later) = rest.split_at(n);
            rest = later;
            let s = self.process_loaded(load_all(chunk, &self.cfg.limits))?;
            summary.files.extend(s.files);
            summary.changed.extend(s.changed);
            summary.unmoved.extend(s.unmoved);
        }
        Ok(summary)
    }

    /// [`Engine::process`] for files already read (the watcher reads each file once,
    /// to see whether it is complete, and hands the bytes over).
    ///
    /// # Errors
    /// The ledger cannot be written or synced: nothing of the batch is recorded or
    /// moved, the files stay in the inbox ([`IntakeError::Retry`]), or the ledger
    /// could not even be cut back ([`IntakeError::Fatal`]).
    pub fn process_loaded(&mut self, loaded: Vec<Incoming>) -> Result<BatchSummary, IntakeError> {
        let folders = Folders {
            accepted: inbox::list_names(&self.cfg.inbox.join(inbox::ACCEPTED_DIR)),
            rejected: inbox::list_names(&self.cfg.inbox.join(inbox::REJECTED_DIR)),
        };
        let limits = self.cfg.limits;
        let arrivals: Vec<Arrival> = loaded.iter().map(|f| f.arrival(&limits)).collect();
        let catalog = &self.catalog;
        // §10 변경사유 (issue 15): the pure rule, given to intake with the catalog.
        let reason = |prev: &_, next: &_| crate::core::diff::reason_check(catalog, prev, next);
        let decisions = intake::decide_with(
            &arrivals,
            self.ledger.view(),
            &folders,
            Local::now(),
            |i| loaded[i].check(catalog, &limits),
            &reason,
        );
        let mut summary = BatchSummary::default();
        let recorded =
            self.record(&loaded, decisions, &mut summary)
                .and_then(|(moves, replaced)| {
                    // Nothing is moved before every record of the batch is durable.
                    self.ledger.sync()?;
                    Ok((moves, replaced))
                });
        let (moves, replaced) = match recorded {
            Ok(done) => done,
            Err(e) => {
                // Whatever was appended is gone again (see Ledger::sync).
                self.ledger.rollback();
                return Err(if self.ledger.is_broken() {
                    IntakeError::Fatal(e)
                } else {
                    IntakeError::Retry(e)
                });
            }
        };
        self.move_all(&moves, &mut summary);
        for (old, seq, by) in replaced {
            tracing::info!(file = %inbox::log_name(&old), seq, by = %inbox::log_name(&by), event = "superseded", "superseded");
        }
        // A batch's files and workbooks are gone now; what the ledger keeps stays.
        crate::shell::mem::release_free_memory();
        Ok(summary)
    }

    /// Carries the decisions out in the ledger (appended, not yet synced) and the
    /// summary. Returns the moves to make, and (earlier file, its seq, new file) for
    /// each supersession.
    fn record<'a>(
        &mut self,
        loaded: &'a [Incoming],
        decisions: Vec<Decision>,
        summary: &mut BatchSummary,
    ) -> Result<Recorded<'a>> {
        let mut moves = Vec::new();
        let mut replaced = Vec::new();
        for (f, d) in loaded.iter().zip(decisions) {
            match d {
                Decision::Finish { index } => {
                    let r = &self.ledger.records()[index];
                    tracing::info!(file = %inbox::log_name(&f.name), outcome = ?r.outcome, event = "finishing_move", "finishing a move recorded earlier (before a restart, or when it failed)");
                    summary.files.push(FileResult::of(r, true));
                    moves.push((f, index));
                }
                Decision::Record { record, replaces } => {
                    match intake::reports_touched(&record) {
                        Some(ids) => summary.changed.extend(ids.into_iter().map(PledgeId::from)),
                        None => summary.changed.extend(
                            self.catalog
                                .pledges
                                .iter()
                                .map(|p| PledgeId::from(p.id.as_str())),
                        ),
                    }
                    if let Some(old) = replaces {
                        replaced.push((old.name, old.seq, record.name.clone()));
                    }
                    summary.files.push(FileResult::of(&record, false));
                    moves.push((f, self.ledger.records().len()));
                    self.ledger.append(*record)?;
                }
            }
        }
        Ok((moves, replaced))
    }

    /// Moves every recorded file (with its notes) on every core — a rejected file's
    /// review copy is a workbook to write — and logs the outcomes in order. The
    /// batch's notes are written first and made durable together (one disk flush for
    /// the batch, not one per note); then each file's notes are put in place and the
    /// file is moved.
    fn move_all(&self, moves: &[Move<'_>], summary: &mut BatchSummary) {
        let records = self.ledger.records();
        let dirs: BTreeSet<&str> = moves
            .iter()
            .map(|&(_, i)| intake::outcome_dir(records[i].outcome))
            .collect();
        for dir in dirs {
            let dir = self.cfg.inbox.join(dir);
            if let Err(e) = std::fs::create_dir_all(&dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot create");
            }
        }
        // Replaced after it was read (None): the new content is processed next pass
        // under its own hash; the recorded one stays in the ledger.
        let notes: Vec<Option<Result<Vec<Staged>>>> = moves
            .par_iter()
            .map(|&(f, i)| {
                (Stamp::of(&f.path) == Some(f.stamp))
                    .then(|| self.stage_notes(&f.bytes, &records[i]))
            })
            .collect();
        let synced = fsio::sync_staged(notes.iter().flatten().flatten().flatten())
            .map_err(|e| format!("{e:#}"));
        let settled: Vec<Option<Result<()>>> = moves
            .par_iter()
            .zip(notes)
            .map(|(&(f, i), notes)| {
                notes.map(|notes| {
                    let notes = notes?;
                    if let (false, Err(e)) = (notes.is_empty(), &synced) {
                        bail!("{e}");
                    }
                    self.settle_file(&f.path, f.stamp, &records[i], notes)
                })
            })
            .collect();
        for (&(f, i), settled) in moves.iter().zip(settled) {
            let record = &records[i];
            match settled {
                None => {
                    tracing::warn!(file = %inbox::log_name(&record.name), seq = record.seq, event = "replaced_after_reading", "replaced after reading; the new version will be processed on the next pass")
                }
                Some(Err(e)) => {
                    tracing::error!(file = %inbox::log_name(&record.name), error = %format!("{e:#}"), event = "move_failed", "cannot move; will finish on the next pass");
                    summary.unmoved.push(f.path.clone());
                }
                Some(Ok(())) => log_outcome(record),
            }
        }
    }

    /// Puts a recorded file's synced notes in place and moves the file to where the
    /// ledger says.
    fn settle_file(
        &self,
        path: &Path,
        read: Stamp,
        record: &Received,
        notes: Vec<Staged>,
    ) -> Result<()> {
        let dest = self.cfg.inbox.join(&record.stored_as);
        for note in notes {
            note.persist()?;
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
            tracing::warn!(file = %inbox::log_name(&record.name), seq = record.seq, event = "changed_while_moving", "changed while being moved; returned to the inbox as a new version");
            std::fs::rename(&dest, self.cfg.inbox.join(back))?;
        }
        Ok(())
    }

    /// Writes, unsynced, the notes of a recorded file into the folder it goes to: the
    /// note beside it (`.오류.txt` for a rejected one, `.검토결과.txt` for any other
    /// with findings) and a rejected file's review copy.
    fn stage_notes(&self, bytes: &[u8], record: &Received) -> Result<Vec<Staged>> {
        let dest = self.cfg.inbox.join(&record.stored_as);
        let dir = dest.parent().unwrap_or(&self.cfg.inbox);
        if !dir.is_dir() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let stored = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(note_name) = intake::note_name(record, &stored) else {
            return Ok(Vec::new());
        };
        let received = record.received_at.format("%Y-%m-%d %H:%M:%S").to_string();
        let note = inbox::note(&record.name, &received, record.outcome, &record.findings);
        let mut staged = vec![fsio::stage(&dir.join(note_name), &note)?];
        if record.outcome != Outcome::Rejected {
            return Ok(staged);
        }
        match crate::xlsx::review::review_copy(bytes, &record.findings, &self.cfg.limits) {
            Ok(Some(review)) => {
                staged.push(fsio::stage(
                    &dir.join(intake::review_name(&stored)),
                    &review,
                )?);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(file = %inbox::log_name(&record.name), error = %format!("{e:#}"), "no review copy");
            }
        }
        Ok(staged)
    }

    /// Rewrites the reports of `only` (or every pledge) whose content changed (every
    /// one when `force`), each atomically, with a dated copy in `outbox/history/` when
    /// the content differs from the last one written.
    ///
    /// # Errors
    /// The outbox cannot be written; the previous report stays intact.
    pub fn write_reports(
        &mut self,
        only: Option<&BTreeSet<PledgeId>>,
        force: bool,
    ) -> Result<Vec<PathBuf>> {
        let now = Local::now();
        // Every pledge is consolidated (cheap: one pass over the ledger) because the
        // overview sums them all; only the selected ones are rendered.
        let reports = consolidate_all(&self.catalog.pledges, self.ledger.records(), |_| true);
        // Every report's digest first: the overview's covers its 변경내역 (a function of
        // the pledge reports) through them.
        let contents = reports
            .par_iter()
            .map(|(_, r)| json_digest(r))
            .collect::<Result<Vec<_>>>()?;
        let (outbox, digests) = (&self.cfg.outbox, &self.digests);
        // Compared, rendered and written on every core; a report whose content did
        // not change is not rendered at all. The overview is built and rendered beside
        // the pledge reports, not after them.
        let render_pledges = || -> Vec<Result<Option<Publication>>> {
            reports
                .par_iter()
                .zip(&contents)
                .filter(|((p, _), _)| only.is_none_or(|o| o.contains(p.id.as_str())))
                .map(|((pledge, report), content)| {
                    let out = Published {
                        path: report_path(outbox, &pledge.id),
                        key: &pledge.id,
                        stem: &report_stem(&pledge.id),
                    };
                    let written = out.publish(digests, content, force, now, || {
                        crate::xlsx::render::render_report(report, now)
                    })?;
                    let (id, leaves) = (pledge.id.clone(), report.leaves.len());
                    let submitted = report.leaves.iter().filter(|l| l.current.is_some()).count();
                    Ok(written.map(|p| {
                        p.announce(move |path| {
                            tracing::info!(report = %path.display(), pledge = %id, submitted, leaves, event = "report_written", "report written");
                        })
                    }))
                })
                .collect()
        };
        let (mut results, overview) = rayon::join(render_pledges, || {
            self.write_overview(&reports, &contents, force, now)
        });
        results.push(overview);
        // One flush for every workbook, copy and digest of the run, then each is put
        // in place. Every report that was written counts, even when another failed.
        let mut staged = Vec::new();
        let mut failure = None;
        for r in results {
            match r {
                Ok(Some(p)) => staged.push(p),
                Ok(None) => {}
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        fsio::sync_staged(staged.iter().flat_map(|p| &p.files))?;
        let mut written = Vec::new();
        for p in staged {
            match p.complete() {
                Ok((id, digest, path)) => {
                    self.digests.insert(id, digest);
                    written.push(path);
                }
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(written),
        }
    }
}

impl Engine {
    /// Writes `outbox/공약총괄현황.xlsx` from the reports just consolidated, with the
    /// same rules as a pledge report (SPEC §9). Its digest is that of the overview and
    /// of the reports' digests (`contents`, in report order): its 변경내역 is derived
    /// from the reports and left out of its own serialisation.
    fn write_overview(
        &self,
        reports: &[(
            &crate::core::definition::Pledge,
            crate::core::consolidate::PledgeReport,
        )],
        contents: &[String],
        force: bool,
        now: chrono::DateTime<Local>,
    ) -> Result<Option<Publication>> {
        let overview =
            crate::core::overview::overview_of(&self.catalog, reports, self.ledger.records(), now);
        let out = Published {
            path: self.cfg.outbox.join(crate::xlsx::overview::FILE_NAME),
            key: OVERVIEW_KEY,
            stem: OVERVIEW_KEY,
        };
        let written = out.publish(
            &self.digests,
            &json_digest(&(&overview, contents))?,
            force,
            now,
            || crate::xlsx::overview::render_overview(&overview, now),
        )?;
        let c = overview.counts.clone();
        Ok(written.map(|p| {
            p.announce(move |path| {
                tracing::info!(report = %path.display(), pledges = c.pledges, leaves = c.leaves, filed = c.filed, missing = c.missing, sent_back = c.rejected, overdue = c.overdue, event = "overview_written", "overview written");
            })
        }))
    }
}

/// The overview's key among the digests (its history copies are named after it).
const OVERVIEW_KEY: &str = "공약총괄현황";

/// A workbook in the outbox under a stable name.
struct Published<'a> {
    path: PathBuf,
    /// Names its digest file `history/.<key>.sha256`.
    key: &'a str,
    /// Names its dated copies `history/<stem>_<time>.xlsx`.
    stem: &'a str,
}

impl Published<'_> {
    /// Renders the workbook and stages it (see [`fsio::Staged`]) when its content
    /// digest changed from the one last written (`digests`), or it is missing, or
    /// `force`; with a dated copy for `history/` and the new digest only when the
    /// content changed. Nothing is in place until [`Publication::complete`].
    fn publish(
        &self,
        digests: &HashMap<String, String>,
        digest: &str,
        force: bool,
        now: chrono::DateTime<Local>,
        render: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<Option<Publication>> {
        let changed = digests.get(self.key).map(String::as_str) != Some(digest);
        if !force && !changed && self.path.exists() {
            return Ok(None);
        }
        let bytes = render()?;
        let mut files = vec![fsio::stage(&self.path, &bytes)?];
        if changed {
            let history = self.path.with_file_name("history");
            // Our own subfolder of the outbox: made when missing.
            std::fs::create_dir_all(&history)
                .with_context(|| format!("cannot create {}", history.display()))?;
            let stamp = now.format("%Y%m%d-%H%M%S-%3f");
            files.push(fsio::stage(
                &history.join(format!("{}_{stamp}.xlsx", self.stem)),
                &bytes,
            )?);
            files.push(fsio::stage(
                &history.join(format!(".{}.sha256", self.key)),
                digest.as_bytes(),
            )?);
        }
        Ok(Some(Publication {
            key: self.key.to_owned(),
            digest: digest.to_owned(),
            files,
            announce: Box::new(|_| {}),
        }))
    }
}

/// A rendered workbook staged for the outbox: the workbook, and when its content
/// changed its dated copy and digest, in the order they are put in place; and the
/// log line to write once it is.
struct Publication {
    key: String,
    digest: String,
    files: Vec<fsio::Staged>,
    announce: Box<dyn FnOnce(&Path) + Send>,
}

impl Publication {
    /// Sets the log line written when the workbook is in place.
    fn announce(self, log: impl FnOnce(&Path) + Send + 'static) -> Self {
        Self {
            announce: Box::new(log),
            ..self
        }
    }

    /// Puts the synced files in place: the workbook first and the digest last, so a
    /// crash in between leaves a digest that does not match and the workbook is
    /// written again on the next start. Returns (key, digest, workbook path).
    fn complete(self) -> Result<(String, String, PathBuf)> {
        let path = self.files[0].path().to_owned();
        for f in self.files {
            f.persist()?;
        }
        (self.announce)(&path);
        Ok((self.key, self.digest, path))
    }
}

/// Reads a batch's files on every core; those that vanished, changed while being
/// read or could not be read are logged and stay in the inbox.
fn load_all(paths: &[PathBuf], limits: &Limits) -> Vec<Incoming> {
    paths
        .par_iter()
        .filter_map(|path| match Incoming::load(path, limits) {
            Load::Ready(f) => Some(f),
            Load::Gone => None,
            Load::Changed => {
                tracing::info!(file = %inbox::log_name(&inbox::display_name(path)), event = "changed_while_reading", "changed while being read; will retry");
                None
            }
            Load::Failed(e) => {
                tracing::warn!(file = %inbox::log_name(&inbox::display_name(path)), error = %e, event = "read_failed", "cannot read, will retry");
                None
            }
        })
        .collect()
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
    let (file, to) = (inbox::log_name(&r.name), inbox::log_name(&r.stored_as));
    let codes = codes.join(",");
    match r.outcome {
        Outcome::Accepted => {
            tracing::info!(file = %file, seq = r.seq, leaf = %leaf, codes = %codes, to = %to, event = "accepted", "accepted")
        }
        Outcome::Older => {
            tracing::info!(file = %file, seq = r.seq, leaf = %leaf, outcome = "미반영", codes = %codes, to = %to, event = "not_used", "not used (older 기준일)")
        }
        Outcome::Rejected => {
            tracing::warn!(file = %file, seq = r.seq, codes = %codes, to = %to, event = "rejected", "rejected")
        }
        Outcome::Duplicate => {
            tracing::info!(file = %file, seq = r.seq, to = %to, event = "duplicate", "duplicate")
        }
    }
}

/// `<id>_공약추진현황` — the stable report name managers bookmark.
pub(crate) fn report_stem(pledge_id: &str) -> String {
    format!("{pledge_id}_공약추진현황")
}

pub(crate) fn report_path(outbox: &Path, pledge_id: &str) -> PathBuf {
    outbox.join(format!("{}.xlsx", report_stem(pledge_id)))
}

fn load_digests(outbox: &Path, catalog: &Catalog) -> HashMap<String, String> {
    catalog
        .pledges
        .iter()
        .map(|p| p.id.as_str())
        .chain([OVERVIEW_KEY])
        .filter_map(|key| {
            let d = std::fs::read_to_string(outbox.join("history").join(format!(".{key}.sha256")))
                .ok()?;
            Some((key.to_owned(), d.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_stops_at_the_file_or_the_byte_limit_and_takes_at_least_one() {
        let limit = BatchLimit {
            files: 3,
            bytes: 100,
        };
        assert_eq!(limit.take([10, 10, 10, 10]), 3, "file limit");
        assert_eq!(limit.take([60, 40, 1]), 2, "exactly at the byte limit");
        assert_eq!(limit.take([60, 41, 1]), 1, "over it");
        assert_eq!(limit.take([500, 1]), 1, "a file over the limit goes alone");
        assert_eq!(limit.take(std::iter::empty()), 0);
        assert_eq!(BATCH.take(std::iter::repeat_n(0, 5000)), 1000);
    }

    #[test]
    fn a_file_result_is_the_record_seen_by_the_command_line() {
        let r = Received {
            seq: 3,
            received_at: Local::now(),
            name: "a.xlsx".into(),
            size: 1,
            hash: ContentHash::from("h"),
            outcome: Outcome::Older,
            stored_as: "accepted/a.xlsx".into(),
            pledge_id: None,
            findings: vec![crate::core::finding::Finding::new(
                crate::core::finding::Code::Older,
                None,
                "x",
            )],
            submission: None,
            named: None,
        };
        let f = FileResult::of(&r, false);
        assert_eq!(
            (f.outcome, f.codes, f.recovered),
            (
                Outcome::Older,
                vec![crate::core::finding::Code::Older],
                false
            )
        );
        let s = BatchSummary {
            files: vec![FileResult::of(&r, true)],
            ..Default::default()
        };
        assert_eq!((s.count(Outcome::Older), s.rejected()), (1, 0));
    }
}
