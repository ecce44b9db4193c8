//! The drop folder: which entries are submissions, the text of the notes left beside
//! received files, and atomic writes (SPEC §6). File-system edge code; which folder
//! and name a file gets is decided in `core::intake`.

use crate::core::finding::{Finding, Severity};
pub use crate::core::intake::{
    ACCEPTED_DIR, REJECTED_DIR, error_note_name, free_name_among, outcome_dir, review_name,
};
use crate::core::model::Outcome;
use crate::core::normalize::nfc;
use anyhow::{Context, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Our own state inside the inbox (ledger, lock): hidden, so never taken as input.
pub const STATE_DIR: &str = ".gongyak";

/// The dated copies of the reports, under the outbox.
pub const HISTORY_DIR: &str = "history";

/// A folder the operator names that is not there: gongyak never creates the inbox or
/// the outbox, since a typo or an unmounted share would otherwise be watched as an
/// empty local folder while staff drop their files elsewhere.
#[derive(Debug, thiserror::Error)]
#[error(
    "{what}({path})가 없습니다{detail}. 경로가 맞는지, 공유 폴더가 연결(마운트)되어 있는지 확인해 주십시오. 새로 쓰려면 폴더를 먼저 만든 뒤 다시 실행해 주십시오."
)]
pub struct MissingFolder {
    /// `제출 폴더` or `보고서 폴더`.
    pub what: &'static str,
    /// Absolute, so the operator sees where gongyak looked.
    pub path: String,
    /// ` (폴더가 아닌 파일입니다)` when something else is there.
    pub detail: &'static str,
}

/// Checks that the inbox and the outbox exist. gongyak's own subfolders
/// (`accepted/`, `rejected/`, `history/`) are made when first needed, the state
/// folder by the lock.
///
/// # Errors
/// [`MissingFolder`] for an inbox or outbox that is missing or not a folder.
pub fn prepare_folders(inbox: &Path, outbox: &Path) -> Result<()> {
    for (what, dir) in [("제출 폴더", inbox), ("보고서 폴더", outbox)] {
        if !dir.is_dir() {
            let detail = if dir.exists() {
                " (폴더가 아닌 파일입니다)"
            } else {
                ""
            };
            let path = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
            return Err(MissingFolder {
                what,
                path: path.display().to_string(),
                detail,
            }
            .into());
        }
    }
    Ok(())
}

/// Office lock and temp files, hidden files: never submissions, never moved.
pub fn is_ignored_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with("~$")
        || name.starts_with('.')
        || name.starts_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".temp")
        || lower.ends_with(".crdownload")
        || lower.ends_with(".part")
        || lower.ends_with('#')
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

#[cfg(windows)]
fn is_hidden(meta: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const HIDDEN: u32 = 0x2;
    const SYSTEM: u32 = 0x4;
    meta.file_attributes() & (HIDDEN | SYSTEM) != 0
}

#[cfg(not(windows))]
fn is_hidden(_meta: &std::fs::Metadata) -> bool {
    false
}

/// What a top-level inbox entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file to process.
    Candidate(PathBuf),
    /// A lock/temp/hidden file or a folder: left alone silently.
    Ignored,
    /// A symbolic link or special file: never followed or read, left in place.
    Refused(PathBuf, &'static str),
}

/// Classifies one directory entry without following links.
pub fn classify(path: &Path) -> Entry {
    let Some(name) = path.file_name().map(OsStr::to_string_lossy) else {
        return Entry::Ignored;
    };
    if is_ignored_name(&name) {
        return Entry::Ignored;
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Entry::Ignored; // vanished meanwhile
    };
    let ft = meta.file_type();
    if ft.is_dir() || is_hidden(&meta) {
        Entry::Ignored
    } else if ft.is_symlink() {
        Entry::Refused(path.to_owned(), "symbolic link")
    } else if !ft.is_file() {
        Entry::Refused(path.to_owned(), "not a regular file")
    } else {
        Entry::Candidate(path.to_owned())
    }
}

/// Lists the inbox's top level in name order.
///
/// # Errors
/// The inbox cannot be listed.
pub fn scan(inbox: &Path) -> Result<Vec<Entry>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(inbox)
        .with_context(|| format!("cannot list the inbox {}", inbox.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths.iter().map(|p| classify(p)).collect())
}

/// A name in `dir` that overwrites nothing: `a.xlsx`, `a (2).xlsx`, … also keeping the
/// `<stem>.오류.txt` / `<stem>.검토.xlsx` companions free. `taken` tells names already
/// promised elsewhere (in this batch, or recorded in the ledger).
pub fn free_name(dir: &Path, name: &str, taken: impl Fn(&str) -> bool) -> String {
    free_name_among(name, |n| taken(n) || dir.join(n).exists())
}

/// The names in a folder, listed once: a batch of thousands of files then picks free
/// names without three `stat` calls per file (issue 7). Empty when it does not exist.
pub fn list_names(dir: &Path) -> std::collections::HashSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A file name made safe for a one-line log: control characters escaped.
pub fn log_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The NFC name of a path's file name (a Mac sends NFD).
pub fn display_name(path: &Path) -> String {
    nfc(&path
        .file_name()
        .map(OsStr::to_string_lossy)
        .unwrap_or_default())
}

/// The text of `<name>.오류.txt`: every finding, in plain Korean, with CRLF line ends
/// and a BOM so Windows Notepad shows it correctly.
pub fn error_note(name: &str, received: &str, findings: &[Finding]) -> Vec<u8> {
    note(name, received, Outcome::Rejected, findings)
}

/// The note beside a received file (`.오류.txt` for a rejected one, `.검토결과.txt`
/// for any other with findings): the outcome, what to do, every finding with its
/// place. UTF-8 with a BOM and CRLF line ends, so Windows Notepad shows it correctly.
pub fn note(name: &str, received: &str, outcome: Outcome, findings: &[Finding]) -> Vec<u8> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity() == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let todo = match outcome {
        Outcome::Rejected => {
            "아래 오류를 고친 뒤 파일을 다시 제출 폴더에 넣어 주십시오. 자동으로 다시 검토합니다."
        }
        Outcome::Accepted if warnings > 0 => {
            "접수되어 보고서에 반영되었습니다. 아래 경고를 확인하고, 고칠 것이 있으면 파일을 고쳐 \
             다시 제출 폴더에 넣어 주십시오."
        }
        Outcome::Accepted => "접수되어 보고서에 반영되었습니다. 아래 안내를 확인해 주십시오.",
        Outcome::Older => {
            "접수되었지만 보고서에는 반영되지 않았습니다(미반영). 아래 안내를 확인해 주십시오."
        }
        Outcome::Duplicate => "이미 접수된 파일과 같아 보고서에는 바뀐 것이 없습니다.",
    };
    let mut lines = vec![
        format!("공약 추진계획 제출 검토 결과: {}", outcome.label()),
        String::new(),
        format!("파일: {name}"),
        format!("받은 시각: {received}"),
        format!("오류 {errors}건, 경고 {warnings}건, 안내 {infos}건"),
        String::new(),
        todo.to_owned(),
        String::new(),
    ];
    for (i, f) in findings.iter().enumerate() {
        lines.push(format!(
            "{}. [{}] {}  위치: {}",
            i + 1,
            f.severity().label(),
            f.code,
            f.place_text()
        ));
        lines.push(format!("   {}", f.message));
    }
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(lines.join("\r\n").into_bytes());
    out.extend(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_and_temp_files_are_ignored() {
        for n in [
            "~$제출.xlsx",
            ".~lock.제출.xlsx#",
            "제출.tmp",
            ".hidden.xlsx",
            "~WRL0001.tmp",
            "Thumbs.db",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("제출.xlsx"));
    }

    #[test]
    fn free_names_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.xlsx"), b"x").unwrap();
        assert_eq!(free_name(dir.path(), "a.xlsx", |_| false), "a (2).xlsx");
        std::fs::write(dir.path().join("b.오류.txt"), b"x").unwrap();
        assert_eq!(free_name(dir.path(), "b.xls", |_| false), "b (2).xls");
        assert_eq!(
            free_name(dir.path(), "c.xlsx", |n| n == "c.xlsx"),
            "c (2).xlsx"
        );
    }

    #[test]
    fn log_names_escape_control_characters() {
        assert_eq!(log_name("a\nb.xlsx"), "a\\nb.xlsx");
        assert_eq!(log_name("가.xlsx"), "가.xlsx");
    }

    #[test]
    fn error_note_has_bom_and_cells() {
        let f = Finding::at(
            crate::core::finding::Kind::ColumnTwice {
                label: "2024년".into(),
            },
            "투자계획",
            crate::core::finding::CellRef::new(5, 1),
        );
        let note = error_note("a.xlsx", "2026-11-24 10:00", &[f]);
        assert!(note.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(note[3..].to_vec()).unwrap();
        assert!(text.contains("투자계획!B6"));
        assert!(text.contains("\r\n"));
    }
}
