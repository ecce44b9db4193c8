//! The durable ledger: one JSON line per received file, appended and synced before the
//! file is moved (SPEC §6).
//!
//! Why JSON lines: append-only writes are the simplest crash-safe structure (a torn
//! last line is detected and cut on open), the file is human-readable with any text
//! editor when the coordinating officer needs to audit, it needs no server and no
//! C library, and replaying 10,000 records is a single sequential read.

use crate::core::consolidate::Received;
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The ledger file and its in-memory replay.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    file: File,
    records: Vec<Received>,
    by_hash: HashMap<String, Vec<usize>>,
    /// Every destination ever recorded, so no two records share one.
    stored: HashSet<String>,
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

impl Ledger {
    /// Opens (or creates) the ledger and replays it. A torn final line — a crash in
    /// the middle of an append — is cut off; the file it described is still in the
    /// inbox and will be processed again.
    ///
    /// # Errors
    /// The file cannot be created, read or truncated.
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
        let mut records = Vec::new();
        let mut good_len: u64 = 0;
        let mut torn = false;
        {
            let mut reader = BufReader::new(&mut file);
            let mut line = String::new();
            let mut offset: u64 = 0;
            loop {
                line.clear();
                let n = reader
                    .read_line(&mut line)
                    .with_context(|| format!("cannot read the ledger {}", path.display()))?;
                if n == 0 {
                    break;
                }
                offset += n as u64;
                if !line.ends_with('\n') {
                    torn = true;
                    break;
                }
                match serde_json::from_str::<Received>(line.trim_end()) {
                    Ok(r) => {
                        records.push(r);
                        good_len = offset;
                    }
                    Err(e) if line.trim().is_empty() => {
                        let _ = e;
                        good_len = offset;
                    }
                    Err(e) => {
                        tracing::error!(ledger = %path.display(), offset, error = %e, "unreadable ledger line skipped");
                        good_len = offset;
                    }
                }
            }
        }
        if torn {
            tracing::warn!(ledger = %path.display(), "torn last ledger line cut (crash during a write)");
            file.set_len(good_len)
                .with_context(|| format!("cannot repair the ledger {}", path.display()))?;
            file.sync_all()?;
        }
        let synced_len = file.seek(SeekFrom::End(0))?;
        let mut ledger = Self {
            path: path.to_owned(),
            file,
            synced_records: records.len(),
            records,
            by_hash: HashMap::new(),
            stored: HashSet::new(),
            buffer: Vec::new(),
            synced_len,
            broken: false,
        };
        ledger.reindex();
        Ok(ledger)
    }

    fn reindex(&mut self) {
        self.by_hash.clear();
        self.stored.clear();
        for (i, r) in self.records.iter().enumerate() {
            self.by_hash.entry(r.hash.clone()).or_default().push(i);
            self.stored.insert(r.stored_as.clone());
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn records(&self) -> &[Received] {
        &self.records
    }

    pub fn next_seq(&self) -> u64 {
        self.records.last().map_or(1, |r| r.seq + 1)
    }

    /// Every record of a content hash, oldest first.
    pub fn by_hash(&self, hash: &str) -> impl Iterator<Item = &Received> {
        self.by_hash
            .get(hash)
            .into_iter()
            .flatten()
            .map(|&i| &self.records[i])
    }

    /// The index of the record with this arrival number. Seqs only grow, so this is a
    /// binary search, not a scan of the whole ledger per file.
    pub fn position_of(&self, seq: u64) -> Option<usize> {
        self.records.binary_search_by_key(&seq, |r| r.seq).ok()
    }

    /// Whether a destination (relative to the inbox) was ever recorded.
    pub fn is_stored(&self, stored_as: &str) -> bool {
        self.stored.contains(stored_as)
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
        let line = serde_json::to_string(&record)?;
        self.buffer.extend_from_slice(line.as_bytes());
        self.buffer.push(b'\n');
        self.by_hash
            .entry(record.hash.clone())
            .or_default()
            .push(self.records.len());
        self.stored.insert(record.stored_as.clone());
        self.records.push(record);
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
                self.synced_records = self.records.len();
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
        if self.records.len() != self.synced_records {
            self.records.truncate(self.synced_records);
            self.reindex();
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::consolidate::Outcome;

    fn record(seq: u64, hash: &str) -> Received {
        Received {
            seq,
            received_at: chrono::Local::now(),
            name: format!("{hash}.xlsx"),
            size: 1,
            hash: hash.to_owned(),
            outcome: Outcome::Rejected,
            stored_as: format!("rejected/{hash}.xlsx"),
            pledge_id: None,
            findings: Vec::new(),
            submission: None,
            named: None,
        }
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
        assert!(l.is_stored("rejected/b.xlsx"));
        l.rollback();
        assert_eq!(l.records().len(), 1);
        assert_eq!(l.by_hash("b").count(), 0);
        assert!(!l.is_stored("rejected/b.xlsx"));
        assert_eq!(l.next_seq(), 2);
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
        torn.extend_from_slice(br#"{"seq":2,"received_at":"#);
        std::fs::write(&path, &torn).unwrap();
        let mut l = Ledger::open(&path).unwrap();
        assert_eq!(l.records().len(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        l.append(record(2, "b")).unwrap();
        l.sync().unwrap();
        drop(l);
        assert_eq!(Ledger::open(&path).unwrap().records().len(), 2);
    }
}
