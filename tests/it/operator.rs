//! Issue 13 (operating the daemon) and issue 10 items 2 and 7: what an operator meets
//! on the first day — the command line's values, folders that must exist, the shipped
//! folders, file modes, `report` beside a running daemon. Each test drives the binary.

use crate::common::*;
use std::path::Path;

/// Runs the binary in the sandbox; returns exit code and stderr.
fn run(sb: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let out = sb.gongyak(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_intervals_are_usage_errors_not_panics() {
    let sb = Sandbox::new();
    for args in [
        &["watch", "--poll=-1"][..],
        &["watch", "--poll", "nan"],
        &["watch", "--poll", "inf"],
        &["watch", "--poll", "0"],
        &["watch", "--poll", "0.5"],
        &["watch", "--poll", "abc"],
        &["watch", "--rescan", "inf"],
        &["watch", "--rescan", "0"],
        &["watch", "--rescan=-3"],
        &["watch", "--settle-ms", "-1"],
        &["watch", "--settle-ms", "9999999"],
        &["run", "--max-file-mb", "0"],
    ] {
        let (code, err) = run(&sb, args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("error:"), "{args:?}: a usage error: {err}");
    }
    // The message says what is allowed, in Korean.
    let (_, err) = run(&sb, &["watch", "--poll", "0"]);
    assert!(err.contains("1초 이상"), "{err}");
    // Nothing was started or created by a refused command line.
    assert!(!sb.inbox().join(".gongyak").exists());
}

#[test]
fn report_help_lists_only_flags_that_do_something_there() {
    let sb = Sandbox::new();
    let help = String::from_utf8_lossy(&sb.gongyak_ok(&["report", "--help"]).stdout).into_owned();
    assert!(help.contains("--outbox"), "{help}");
    assert!(!help.contains("--max-file-mb"), "{help}");
    let help = String::from_utf8_lossy(&sb.gongyak_ok(&["watch", "--help"]).stdout).into_owned();
    assert!(help.contains("--max-file-mb"), "{help}");
}

#[test]
fn a_missing_inbox_or_outbox_is_an_error_naming_its_absolute_path_and_not_created() {
    for (flag, what) in [("--inbox", "제출 폴더"), ("--outbox", "보고서 폴더")] {
        for cmd in ["run", "watch", "report"] {
            let sb = Sandbox::new();
            let (code, err) = run(&sb, &[cmd, flag, "deep/inbxo"]);
            assert_eq!(code, Some(2), "{cmd} {flag}: {err}");
            let abs = sb.path().join("deep/inbxo");
            assert!(err.contains(&abs.display().to_string()), "{err}");
            assert!(err.contains(what), "{err}");
            assert!(!sb.path().join("deep").exists(), "{cmd} {flag} created it");
        }
    }
    // A file where the folder should be is not a folder either.
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("afile"), b"x").unwrap();
    let (code, err) = run(&sb, &["run", "--outbox", "afile"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("파일입니다"), "{err}");
}

#[test]
fn only_gongyaks_own_subfolders_are_created() {
    let sb = Sandbox::new();
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    sb.drop_fixture("flawed/sum_mismatch.xlsx");
    let out = sb.gongyak(&["run", "--state", "state/deep"]);
    assert_eq!(out.status.code(), Some(1), "one file rejected");
    let mut made = Vec::new();
    for e in walkdir(sb.path()) {
        made.push(e);
    }
    made.sort();
    let want = [
        "inbox",
        "inbox/accepted",
        "inbox/rejected",
        "outbox",
        "outbox/history",
        "state",
        "state/deep",
        "templates",
    ];
    assert_eq!(made, want, "folders after a run");
}

/// The folders under `root` (relative, `/`-separated), hidden ones left out.
fn walkdir(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() && !name.starts_with('.') {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push(rel);
                stack.push(e.path());
            }
        }
    }
    out
}

/// The files the repository ships in a folder (as git lists them).
fn shipped(dir: &str) -> Vec<String> {
    let out = std::process::Command::new("git")
        .args(["ls-files", "--", dir])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git ls-files");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_shipped_inbox_and_outbox_are_left_untouched_by_a_first_run() {
    let sb = Sandbox::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<String> = ["inbox", "outbox"]
        .iter()
        .flat_map(|d| shipped(d))
        .collect();
    assert!(!files.is_empty(), "the folders ship with a placeholder");
    for f in &files {
        std::fs::copy(repo.join(f), sb.path().join(f)).unwrap();
    }
    let out = sb.gongyak_ok(&["run"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("처리 0건"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for f in &files {
        assert!(sb.path().join(f).is_file(), "{f} was moved");
        assert_eq!(
            std::fs::read(sb.path().join(f)).unwrap(),
            std::fs::read(repo.join(f)).unwrap()
        );
    }
    assert!(sb.files_in("rejected").is_empty());
    assert!(ledger(&sb).is_empty(), "nothing recorded");
}

/// The mode `File::create` gives a new file under `umask`, and the modes of every
/// file gongyak writes (reports, history, notes, review copies, forms) under it.
#[cfg(unix)]
fn modes_under(umask: &str) -> (u32, Vec<(String, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    sb.drop_fixture("flawed/sum_mismatch.xlsx");
    let exe = assert_cmd::cargo::cargo_bin("gongyak");
    let script =
        format!("umask {umask} && touch plain && \"$0\" run; \"$0\" template --out forms",);
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .arg(&exe)
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "{out:?}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let plain = mode(&sb.path().join("plain"));
    let mut written = Vec::new();
    for dir in ["outbox", "outbox/history", "inbox/rejected", "forms"] {
        for e in std::fs::read_dir(sb.path().join(dir)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            // A submission is moved, not written: it keeps the mode it came with.
            let moved =
                dir == "inbox/rejected" && !name.contains(".오류.") && !name.contains(".검토.");
            if e.file_type().unwrap().is_file() && !moved {
                written.push((
                    format!("{dir}/{}", e.file_name().to_string_lossy()),
                    mode(&e.path()),
                ));
            }
        }
    }
    (plain, written)
}

#[cfg(unix)]
#[test]
fn written_files_get_the_mode_a_plain_create_would_under_the_umask() {
    for umask in ["022", "002", "077"] {
        let (plain, written) = modes_under(umask);
        let kinds = [
            "공약추진현황.xlsx",
            ".오류.txt",
            ".검토.xlsx",
            "제출양식.xlsx",
            ".sha256",
        ];
        for k in kinds {
            assert!(
                written.iter().any(|(n, _)| n.ends_with(k)),
                "umask {umask}: no {k} written: {written:?}"
            );
        }
        for (name, mode) in &written {
            assert_eq!(
                *mode, plain,
                "umask {umask}: {name} is {mode:o}, want {plain:o}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn report_while_the_daemon_runs_says_the_daemon_keeps_the_reports_current() {
    use std::process::Stdio;
    let sb = Sandbox::new();
    let log = sb.path().join("daemon.log");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let daemon = Kill(
        gongyak_cmd()
            .current_dir(sb.path())
            .args(["watch", "--settle-ms", "100"])
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !sb.report().exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (code, err) = run(&sb, &["report"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("watch가 실행 중"), "{err}");
    assert!(err.contains("자동으로"), "{err}");
    assert!(
        err.contains(&format!("프로세스 번호 {}", daemon.0.id())),
        "{err}"
    );
}

#[test]
fn the_service_file_keeps_the_ledger_outside_the_share_and_names_real_readme_sections() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(repo.join("deploy/gongyak.service")).unwrap();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let exec = unit
        .lines()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart");
    let arg = |flag: &str| -> String {
        let mut words = exec.split_whitespace();
        words.find(|w| *w == flag);
        words
            .next()
            .unwrap_or_else(|| panic!("{flag} in {exec}"))
            .to_owned()
    };
    let (inbox, state) = (arg("--inbox"), arg("--state"));
    assert!(
        !Path::new(&state).starts_with(&inbox),
        "{state} inside {inbox}"
    );
    assert!(
        unit.contains("StateDirectory=gongyak"),
        "systemd makes {state}"
    );
    // Every README section the unit points to exists.
    let headings: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let mut named = 0;
    for quoted in unit.split('"').skip(1).step_by(2) {
        for part in quoted.split('→').map(str::trim) {
            assert!(headings.contains(&part), "README has no section {part:?}");
            named += 1;
        }
    }
    assert!(named > 0, "the unit points to the README");
}

/// The 변경내역 sheets go through a temp file; a service whose `TMPDIR` cannot be
/// written (a hardened unit, a full /tmp) must still get its reports, with the same
/// content, not an English "Temporary file error".
#[test]
fn reports_are_written_when_the_temp_folder_is_not_writable() {
    let sb = Sandbox::new();
    for f in seed_files() {
        sb.drop_fixture(&format!("seed/{f}"));
    }
    let out = gongyak_cmd()
        .current_dir(sb.path())
        .arg("run")
        .env("TMPDIR", sb.path().join("no-such-folder"))
        .output()
        .expect("run gongyak");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    for (book, sheet) in [
        (sb.report(), "변경내역"),
        (sb.outbox().join("공약총괄현황.xlsx"), "변경내역"),
    ] {
        let s = read_sheet(&book, sheet);
        assert!(s.find("변경 전").is_some(), "{}: {sheet}", book.display());
    }
}
