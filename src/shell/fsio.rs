//! Writing files: the one way gongyak puts bytes on disk (reports, history copies,
//! `.오류.txt`, `.검토.xlsx`, blank forms).
//!
//! A file is written to a temp file in its own folder, synced, then renamed over the
//! target, so a reader (a manager opening the report over the share) never sees half
//! of it, and a failed write leaves the previous file as it was. The temp file is
//! created with mode `0666` filtered by the umask — exactly what a plain
//! `File::create` would give — not the private `0600` of a temp file, so the deploy's
//! `UMask=` decides who can read the outbox.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix and suffix of the temp files [`atomic_write`] renames into place.
const TEMP_PREFIX: &str = ".gongyak-";
const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` so a reader never sees half of it; the file gets the mode
/// a new file gets under the process's umask.
///
/// # Errors
/// The folder does not exist or is not writable, or the disk is full; the previous
/// file stays intact and no temp file is left behind.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let staged = stage(path, bytes)?;
    sync_staged([&staged])?;
    staged.persist()
}

/// A file written under a temp name in its target's folder, not yet synced nor in
/// place. Many files are written faster in three steps than one [`atomic_write`] at a
/// time: stage them all, make them durable together ([`sync_staged`]), then put each
/// in place ([`Staged::persist`]) in the order readers should see them. A staged file
/// holds no open file (a batch of a thousand notes must not run out of descriptors);
/// dropped before it is persisted, the temp file is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::TempPath,
    path: PathBuf,
}

/// Writes `bytes` to a temp file beside `path` (see [`Staged`]) and, on Linux, starts
/// writing it out to disk.
///
/// # Errors
/// The folder does not exist or is not writable, or the disk is full; nothing is
/// left behind.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The kernel applies the umask to the mode given at creation.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: sync_file_range only starts write-back of the open file's pages; a
        // failure shows again in sync_staged's fsync, which is checked.
        unsafe {
            libc::sync_file_range(tmp.as_file().as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    Ok(Staged {
        tmp: tmp.into_temp_path(),
        path: path.to_owned(),
    })
}

impl Staged {
    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file into place, replacing what was there. Call after
    /// [`sync_staged`]: renamed unsynced, a crash could leave an empty file.
    ///
    /// # Errors
    /// The rename failed; the temp file is removed and the previous file stays.
    pub fn persist(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .persist(&path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    }
}

/// Makes every staged file durable, one at a time. Their write-out started when they
/// were staged, so on Linux the first fsync commits one journal transaction holding
/// them all and the others find little left to do: a batch's notes or a run's
/// reports cost about one disk flush instead of one each.
///
/// # Errors
/// A file could not be synced (the disk failed or is full); which one is named.
pub fn sync_staged<'a>(staged: impl IntoIterator<Item = &'a Staged>) -> Result<()> {
    for s in staged {
        // Opened for writing: Windows flushes only a handle with write access.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&s.tmp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", s.path.display()))?;
    }
    Ok(())
}

/// Writes each `(name, bytes)` into `dir` (created if missing) with [`atomic_write`]
/// and returns the paths written, in order.
///
/// # Errors
/// The folder cannot be created or a file cannot be written.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            atomic_write(&path, bytes).map(|()| path)
        })
        .collect()
}

/// Deletes the temp files of [`atomic_write`]s that a crash interrupted (the lock
/// guarantees no other gongyak is writing). Failures are only logged.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            let shown = crate::shell::inbox::log_name(&name);
            match std::fs::remove_file(e.path()) {
                Ok(()) => {
                    tracing::info!(file = %shown, dir = %dir.display(), "removed a temp file left by an interrupted write")
                }
                Err(err) => {
                    tracing::warn!(file = %shown, error = %err, "cannot remove a stale temp file")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("보고서.xlsx");
        atomic_write(&path, b"first version, longer").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["보고서.xlsx"]);
    }

    #[test]
    fn a_missing_folder_is_an_error_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("없는 폴더").join("a.txt");
        assert!(atomic_write(&path, b"x").is_err());
        assert!(!dir.path().join("없는 폴더").exists());
    }

    #[test]
    fn staged_files_appear_only_when_persisted_in_the_order_given() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("보고서.xlsx");
        std::fs::write(&report, b"old").unwrap();
        let staged = [
            stage(&report, b"new report").unwrap(),
            stage(&dir.path().join(".digest"), b"abc").unwrap(),
        ];
        sync_staged(&staged).unwrap();
        // Synced but not in place: readers still see the previous report.
        assert_eq!(std::fs::read(&report).unwrap(), b"old");
        assert!(!dir.path().join(".digest").exists());
        for s in staged {
            s.persist().unwrap();
        }
        assert_eq!(std::fs::read(&report).unwrap(), b"new report");
        assert_eq!(std::fs::read(dir.path().join(".digest")).unwrap(), b"abc");
        let temps = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(TEMP_PREFIX)
            })
            .count();
        assert_eq!(temps, 0);
    }

    /// A batch of a thousand rejected files stages two thousand notes and review
    /// copies before syncing them: none may stay open (the usual limit is 1,024).
    #[cfg(target_os = "linux")]
    #[test]
    fn staged_files_hold_no_descriptor_open() {
        let open = || std::fs::read_dir("/proc/self/fd").unwrap().count();
        let dir = tempfile::tempdir().unwrap();
        let before = open();
        let staged: Vec<Staged> = (0..2000)
            .map(|i| stage(&dir.path().join(format!("{i}.txt")), b"note").unwrap())
            .collect();
        assert!(open() < before + 10, "{} descriptors open", open() - before);
        sync_staged(&staged).unwrap();
        for s in staged {
            s.persist().unwrap();
        }
        assert_eq!(std::fs::read(dir.path().join("1999.txt")).unwrap(), b"note");
    }

    #[test]
    fn a_staged_file_dropped_unpersisted_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        drop(stage(&path, b"never").unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn stale_temps_are_removed_and_other_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gongyak-abc123.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join("a.xlsx"), b"x").unwrap();
        remove_stale_temps(dir.path());
        assert!(!dir.path().join(".gongyak-abc123.tmp").exists());
        assert!(dir.path().join("a.xlsx").exists());
    }
}
