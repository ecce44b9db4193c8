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
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
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
    fn stale_temps_are_removed_and_other_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gongyak-abc123.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join("a.xlsx"), b"x").unwrap();
        remove_stale_temps(dir.path());
        assert!(!dir.path().join(".gongyak-abc123.tmp").exists());
        assert!(dir.path().join("a.xlsx").exists());
    }
}
