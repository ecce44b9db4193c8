//! The durable ledger: one JSON line per received file, appended and synced before the
//! file is moved (SPEC §6). Every report is rebuilt from it.
//!
//! Why JSON lines: append-only writes are the simplest crash-safe structure (a torn
//! last line is detected and cut on open), the file is human-readable with any text
//! editor when the coordinating officer needs to audit, it needs no server and no
//! C library, and replaying 10,000 records is a single sequential read.
//!
//! The lines are versioned ([`LEDGER_VERSION`]) and kept apart from the in-memory
//! [`Received`] by explicit conversions, so the file format changes only on purpose.
//! `tests/fixtures/ledger/` holds a ledger of every version ever written; each must
//! still read (`every_ledger_version_ever_written_still_reads`). A line that cannot be
//! read stops start-up with its file and line number: skipping it would silently
//! drop an accepted submission from every report.

use crate::core::definition::LeafKey;
use crate::core::finding::Finding;
use crate::core::intake::LedgerView;
use crate::core::model::{ContentHash, Outcome, PledgeId, Received, StoredPath, Submission};
use anyhow::{Context, Result};
use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The version this build writes. Every version ever written is read:
/// * 0 — lines from before versioning (no `v`). Read through the compatibility path:
///   version 0 had no `older` outcome, so an accepted line whose 기준일 was older than
///   the current submission of its leaf when it came is read as `older` (미반영); its
///   findings stay as they were recorded (W-SUPERSEDED), the words staff were shown.
/// * 1 — `v` first on every line; the outcome `older` (W-OLDER).
pub const LEDGER_VERSION: u32 = 1;

/// One line of `ledger.jsonl`, as written: the stored form of a [`Received`].
///
/// **Adding a field.** An optional field is a backward-compatible change that needs no
/// new version: add it here, in [`LineIn`] and in the model type with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]` (`Vec::is_empty` for a
/// list). Lines without it read as `None`, and lines that do not use it are written
/// byte for byte as before. The same holds inside the model types stored in their
/// serde form (`Submission` and what it holds, e.g. `변경사유` in `SubmissionInfo`, §11
/// progress data in `Submission`; `Finding`): one line, the field with that attribute.
/// Renaming or removing a field, or changing what a value means, is a new version:
/// bump [`LEDGER_VERSION`], convert the old form in [`LineIn::into_received`], and add
/// a fixture of the new version under `tests/fixtures/ledger/`.
#[derive(Serialize)]
struct LineOut<'a> {
    v: u32,
    seq: u64,
    received_at: &'a DateTime<Local>,
    name: &'a str,
    size: u64,
    hash: &'a ContentHash,
    outcome: Outcome,
    stored_as: &'a StoredPath,
    pledge_id: &'a Option<PledgeId>,
    findings: &'a [Finding],
    submission: &'a Option<Submission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    named: &'a Option<LeafKey>,
}

impl<'a> LineOut<'a> {
    fn of(r: &'a Received) -> Self {
        // Destructured so that a field added to `Received` does not compile until it
        // is stored here too.
        let Received {
            seq,
            received_at,
            name,
            size,
            hash,
            outcome,
            stored_as,
            pledge_id,
            findings,
            submission,
            named,
        } = r;
        Self {
            v: LEDGER_VERSION,
            seq: *seq,
            received_at,
            name,
            size: *size,
            hash,
            outcome: *outcome,
            stored_as,
            pledge_id,
            findings,
            submission,
            named,
        }
    }
}

/// One line as read, of any version (see [`LineOut`] for the rules).
#[derive(Deserialize)]
struct LineIn {
    /// Absent before versioning: version 0.
    #[serde(default)]
    v: u32,
    seq: u64,
    received_at: DateTime<Local>,
    name: String,
    size: u64,
    hash: ContentHash,
    outcome: Outcome,
    stored_as: StoredPath,
    pledge_id: Option<PledgeId>,
    findings: Vec<Finding>,
    submission: Option<Submission>,
    /// Since the 반려 rows of the report (an optional field, no new version).
    #[serde(default)]
    named: Option<LeafKey>,
}

impl LineIn {
    /// The record a line stands for, given the records before it (version 0 needs
    /// them to tell a 미반영 file).
    fn into_received(self, before: &LedgerView) -> Received {
        let LineIn {
            v,
            seq,
            received_at,
            name,
            size,
            hash,
            mut outcome,
            stored_as,
            pledge_id,
            findings,
            submission,
            named,
        } = self;
        let r = Received {
            seq,
            received_at,
            name,
            size,
            hash,
            outcome,
            stored_as,
            pledge_id,
            findings,
            submission,
            named,
        };
        if v == 0
            && outcome == Outcome::Accepted
            && r.submission.is_some()
            && !before.replaces_current(&r)
        {
            outcome = Outcome::Older;
        }
        Received { outcome, ..r }
    }
}

/// Only the version of a line that did not read, to tell "newer than this build" from
/// "damaged".
#[derive(Deserialize)]
struct VersionOnly {
    v: u64,
}

/// A ledger that cannot be read safely: start-up stops (exit 2) rather than lose or
/// duplicate a record.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "원장 파일 {path}의 {line}번째 줄은 이 gongyak이 모르는 형식 버전({version})으로 \
         기록되어 있습니다(이 gongyak은 버전 {known}까지 읽습니다). 이 원장을 쓴 것과 같거나 더 \
         새로운 gongyak을 설치해 주십시오."
    )]
    UnknownVersion {
        path: String,
        line: usize,
        version: u64,
        known: u32,
    },
    #[error(
        "원장 파일 {path}의 {line}번째 줄을 읽을 수 없습니다. 접수 기록을 잃지 않도록 시작하지 \
         않았습니다. 이 줄을 백업과 비교해 고치거나 백업에서 원장을 되살린 뒤 다시 시작해 \
         주십시오. (기술 정보: {detail})"
    )]
    Unreadable {
        path: String,
        line: usize,
        detail: String,
    },
}

/// The ledger file and its in-memory replay.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    file: File,
    view: LedgerView,
    /// Lines appended since the last sync, written by [`Ledger::sync`] in one go
    /// (group commit).
    buffer: Vec<u8>,
    /// Length of the file and number of records as of the last successful sync.
    synced_len: u64,
    synced_records: usize,
    /// Set when a failed write could not be undone: the file may end in a torn line,
    /// so nothing more is appended until a restart repairs it.
    broken: bool,
}

/// What replaying the file gave.
struct Replay {
    view: LedgerView,
    /// Bytes up to the end of the last whole line.
    good_len: u64,
    torn: bool,
}

fn replay(path: &Path, file: &mut File) -> Result<Replay> {
    let shown = path.display().to_string();
    let mut view = LedgerView::default();
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let (mut good_len, mut number) = (0u64, 0usize);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("원장 파일 {shown}을 읽을 수 없습니다"))?;
        if n == 0 {
            return Ok(Replay {
                view,
                good_len,
                torn: false,
            });
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            // A crash in the middle of an append: the file it described is still in
            // the inbox (nothing moves before the sync) and is taken again.
            return Ok(Replay {
                view,
                good_len,
                torn: true,
            });
        }
        good_len += n as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let r = parse_line(&line, &view).map_err(|e| with_place(e, &shown, number))?;
        if r.seq < view.next_seq() {
            return Err(LedgerError::Unreadable {
                path: shown,
                line: number,
                detail: format!(
                    "seq {} is not above the previous line's {}",
                    r.seq,
                    view.next_seq() - 1
                ),
            }
            .into());
        }
        view.push(r);
    }
}

/// A line's error before its place is known.
enum LineError {
    Version(u64),
    Damaged(String),
}

fn parse_line(line: &[u8], before: &LedgerView) -> std::result::Result<Received, LineError> {
    match serde_json::from_slice::<LineIn>(line) {
        Ok(l) if l.v > LEDGER_VERSION => Err(LineError::Version(u64::from(l.v))),
        Ok(l) => Ok(l.into_received(before)),
        Err(e) => match serde_json::from_slice::<VersionOnly>(line) {
            Ok(VersionOnly { v }) if v > u64::from(LEDGER_VERSION) => Err(LineError::Version(v)),
            _ => Err(LineError::Damaged(e.to_string())),
        },
    }
}

fn with_place(e: LineError, path: &str, line: usize) -> anyhow::Error {
    match e {
        LineError::Version(version) => LedgerError::UnknownVersion {
            path: path.to_owned(),
            line,
            version,
            known: LEDGER_VERSION,
        },
        LineError::Damaged(detail) => LedgerError::Unreadable {
            path: path.to_owned(),
            line,
            detail,
        },
    }
    .into()
}

impl Ledger {
    /// Opens (or creates) the ledger and replays it. A torn final line — a crash in
    /// the middle of an append — is cut off; the file it described is still in the
    /// inbox and will be processed again.
    ///
    /// # Errors
    /// The file cannot be created, read or truncated; a [`LedgerError`] when a line
    /// is of an unknown version or damaged (not the torn last line).
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open the ledger {}", path.display()))?;
        let Replay {
            view,
            good_len,
            torn,
        } = replay(path, &mut file)?;
        if torn {
            tracing::warn!(ledger = %path.display(), "torn last ledger line cut (crash during a write)");
            file.set_len(good_len)
                .with_context(|| format!("cannot repair the ledger {}", path.display()))?;
            file.sync_all()?;
        }
        let synced_len = file.seek(SeekFrom::End(0))?;
        Ok(Self {
            path: path.to_owned(),
            file,
            synced_records: view.records().len(),
            view,
            buffer: Vec::new(),
            synced_len,
            broken: false,
        })
    }

    pub fn records(&self) -> &[Received] {
        self.view.records()
    }

    /// The records with their indexes, for intake's decisions.
    pub fn view(&self) -> &LedgerView {
        &self.view
    }

    /// Appends a record in memory; [`Ledger::sync`] writes and syncs every appended
    /// record at once and must succeed before anything is acted on (a file moved).
    /// Until then the record is visible to [`Ledger::records`] but not durable.
    ///
    /// # Errors
    /// The record cannot be serialised, or the ledger is broken (see
    /// [`Ledger::is_broken`]).
    pub fn append(&mut self, record: Received) -> Result<()> {
        self.check_usable()?;
        anyhow::ensure!(
            record.seq >= self.view.next_seq(),
            "seq {} given out twice",
            record.seq
        );
        serde_json::to_writer(&mut self.buffer, &LineOut::of(&record))?;
        self.buffer.push(b'\n');
        self.view.push(record);
        Ok(())
    }

    /// Writes every appended record and makes it durable (one write, one fsync). On
    /// failure the appended records are rolled back, in memory and on disk, as if
    /// they had never been appended: their files stay in the inbox and are taken
    /// again on the next pass.
    ///
    /// # Errors
    /// The write or the fsync fails (disk full, I/O error), or the ledger is broken.
    pub fn sync(&mut self) -> Result<()> {
        self.check_usable()?;
        if self.buffer.is_empty() {
            return Ok(());
        }
        let written = self
            .file
            .write_all(&self.buffer)
            .and_then(|()| self.file.sync_data());
        match written {
            Ok(()) => {
                self.synced_len += self.buffer.len() as u64;
                self.synced_records = self.view.records().len();
                self.buffer.clear();
                Ok(())
            }
            Err(e) => {
                self.rollback();
                Err(e).with_context(|| format!("cannot write the ledger {}", self.path.display()))
            }
        }
    }

    /// Forgets every record appended since the last successful sync and cuts the
    /// file back to its synced length (a failed write may have left part of a line).
    /// If the file cannot be cut, the ledger is marked broken.
    pub fn rollback(&mut self) {
        self.buffer.clear();
        self.view.truncate(self.synced_records);
        let cut = self
            .file
            .set_len(self.synced_len)
            .and_then(|()| self.file.seek(SeekFrom::End(0)).map(|_| ()));
        if let Err(e) = cut {
            tracing::error!(ledger = %self.path.display(), error = %e, "cannot cut the ledger back after a failed write; stopping appends until a restart repairs it");
            self.broken = true;
        }
    }

    /// True when a failed write could not be undone: the process should stop and be
    /// restarted, which repairs the file on open.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    fn check_usable(&self) -> Result<()> {
        if self.broken {
            anyhow::bail!(
                "the ledger {} could not be repaired after a failed write; restart gongyak",
                self.path.display()
            );
        }
        Ok(())
    }
}

/// Reads every record of a ledger file without opening it for writing (no lock, no
/// repair): for tests and tools that inspect a ledger.
///
/// # Errors
/// As [`Ledger::open`], except that a torn last line is only left out.
pub fn read_records(path: &Path) -> Result<Vec<Received>> {
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(replay(path, &mut file)?.view.into_records())
}

#[cfg(test)]
mod tests;
