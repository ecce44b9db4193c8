//! The durable ledger: one JSON line per received file, appended and synced before the
//! file is moved (SPEC §6).
//!
//! Why JSON lines: append-only writes are the simplest crash-safe structure (a torn
//! last line is detected and cut on open), the file is human-readable with any text
//! editor when the coordinating officer needs to audit, it needs no server and no
//! C library, and replaying 10,000 records is a single sequential read.

use crate::consolidate::Received;
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
    /// Records appended but not yet synced (group commit).
    unsynced: usize,
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
        file.seek(SeekFrom::End(0))?;
        let mut by_hash: HashMap<String, Vec<usize>> = HashMap::new();
        let mut stored = HashSet::new();
        for (i, r) in records.iter().enumerate() {
            by_hash.entry(r.hash.clone()).or_default().push(i);
            stored.insert(r.stored_as.clone());
        }
        Ok(Self {
            path: path.to_owned(),
            file,
            records,
            by_hash,
            stored,
            unsynced: 0,
        })
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

    /// Whether a destination (relative to the inbox) was ever recorded.
    pub fn is_stored(&self, stored_as: &str) -> bool {
        self.stored.contains(stored_as)
    }

    /// Appends a record without syncing; call [`Ledger::sync`] before acting on it
    /// (moving the file). Batches share one sync.
    ///
    /// # Errors
    /// The write fails (disk full, permissions).
    pub fn append(&mut self, record: Received) -> Result<()> {
        let mut line = serde_json::to_string(&record)?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .with_context(|| format!("cannot write the ledger {}", self.path.display()))?;
        self.by_hash
            .entry(record.hash.clone())
            .or_default()
            .push(self.records.len());
        self.stored.insert(record.stored_as.clone());
        self.records.push(record);
        self.unsynced += 1;
        Ok(())
    }

    /// Makes every appended record durable.
    ///
    /// # Errors
    /// fsync fails.
    pub fn sync(&mut self) -> Result<()> {
        if self.unsynced > 0 {
            self.file
                .sync_data()
                .with_context(|| format!("cannot sync the ledger {}", self.path.display()))?;
            self.unsynced = 0;
        }
        Ok(())
    }
}
