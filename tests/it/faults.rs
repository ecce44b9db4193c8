//! Issue: hostile input and faults. SIGKILL at random moments during a burst, then a
//! restart: every file accounted for exactly once, the report equal to a clean run's.

use crate::common::*;
use std::collections::HashSet;
use std::time::Duration;

fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a manager sees, minus the generation time: every sheet's cells.
fn report_content(sb: &Sandbox) -> Vec<Vec<Vec<String>>> {
    let path = sb.report();
    sheet_names(&path)
        .iter()
        .filter(|s| s.as_str() != "제출이력")
        .map(|s| {
            let mut g = read_sheet(&path, s).rows;
            if s == "요약" {
                // The generated time and received times differ between runs.
                for row in &mut g {
                    for c in row.iter_mut() {
                        if c.len() == 19 && c.as_bytes().get(4) == Some(&b'-') && c.contains(':') {
                            c.clear();
                        }
                    }
                }
            }
            g
        })
        .collect()
}

fn assert_accounted_once(sb: &Sandbox, files: &[(String, Vec<u8>)]) {
    let records = ledger(sb);
    let hashes: HashSet<&str> = records.iter().map(|r| r.hash.as_str()).collect();
    assert_eq!(records.len(), files.len(), "one record per file");
    assert_eq!(hashes.len(), files.len(), "no file recorded twice");
    for (name, bytes) in files {
        let r = records
            .iter()
            .find(|r| &r.name == name)
            .unwrap_or_else(|| panic!("{name} lost"));
        assert_eq!(r.hash, sha(bytes), "{name}");
        let stored = std::fs::read(sb.inbox().join(&r.stored_as))
            .unwrap_or_else(|_| panic!("{} missing", r.stored_as));
        assert_eq!(sha(&stored), r.hash, "{name}");
    }
    let left: Vec<String> = sb
        .files_in("")
        .into_iter()
        .filter(|f| !matches!(f.as_str(), "accepted" | "rejected" | ".gongyak"))
        .collect();
    assert!(left.is_empty(), "left in the inbox: {left:?}");
}

#[test]
fn sigkill_at_random_moments_during_a_burst_loses_and_doubles_nothing() {
    const FILES: usize = 40;
    const TRIALS: u64 = 30;
    let files = burst(FILES);

    let clean = Sandbox::new();
    for (name, bytes) in &files {
        clean.drop_bytes(name, bytes);
    }
    let started = std::time::Instant::now();
    assert_eq!(clean.gongyak(&["run"]).status.code(), Some(0));
    // Kills are spread over as long as a whole run takes with this build (a release
    // build is several times faster than a debug one), so they land mid-run.
    let span = started.elapsed().as_micros().max(1_000) as u64;
    assert_accounted_once(&clean, &files);
    let want = report_content(&clean);

    // Deterministic pseudo-random kill moments (xorshift), spread over the run.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut interrupted = 0;
    for trial in 0..TRIALS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let sb = Sandbox::new();
        for (name, bytes) in &files {
            sb.drop_bytes(name, bytes);
        }
        // Two kills per trial at different depths, then a run to completion.
        for k in 0..2 {
            let delay = Duration::from_micros((seed >> (k * 16)) % span);
            let mut child = gongyak_cmd()
                .current_dir(sb.path())
                .args(["--quiet", "run"])
                .spawn()
                .unwrap();
            std::thread::sleep(delay);
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            let pending = sb
                .files_in("")
                .iter()
                .filter(|f| f.ends_with(".xlsx"))
                .count();
            if pending > 0 || !sb.report().exists() {
                interrupted += 1;
            }
        }
        let out = sb.gongyak(&["run"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "trial {trial}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_accounted_once(&sb, &files);
        assert_eq!(
            report_content(&sb),
            want,
            "trial {trial}: report differs from a clean run"
        );
    }
    eprintln!("{interrupted} of {} kills landed mid-run", 2 * TRIALS);
    // The kills must really land mid-burst, or this test proves nothing.
    assert!(
        interrupted >= 20,
        "only {interrupted} of {} kills landed mid-run",
        2 * TRIALS
    );
}

/// Runs the binary without the root privilege to ignore file modes, so a read-only
/// folder is read-only even in a root container (CI).
#[cfg(target_os = "linux")]
fn unprivileged(sb: &Sandbox) -> std::process::Command {
    let present = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        present,
        "setpriv (util-linux) is needed for the read-only outbox tests"
    );
    let mut c = std::process::Command::new("setpriv");
    c.current_dir(sb.path())
        .args(["--bounding-set=-dac_override,-dac_read_search", "--"])
        .arg(assert_cmd::cargo::cargo_bin("gongyak"));
    c
}

#[cfg(target_os = "linux")]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_outbox_keeps_the_previous_report_and_the_run_still_takes_the_files() {
    let sb = Sandbox::new();
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let before = std::fs::read(sb.report()).unwrap();

    for f in seed_files().iter().skip(1) {
        sb.drop_fixture(&format!("seed/{f}"));
    }
    set_mode(&sb.outbox(), 0o555);
    let out = unprivileged(&sb).arg("run").output().unwrap();
    set_mode(&sb.outbox(), 0o755);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&sb.outbox().display().to_string()),
        "names the folder: {err}"
    );
    assert_eq!(
        std::fs::read(sb.report()).unwrap(),
        before,
        "previous report intact"
    );
    assert_eq!(sb.files_in("accepted").len(), 4, "files taken all the same");
    // Once the outbox is writable again the report catches up.
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

#[cfg(target_os = "linux")]
#[test]
fn the_daemon_survives_a_read_only_outbox_and_writes_once_it_can() {
    use std::time::Instant;
    let sb = Sandbox::new();
    sb.drop_fixture("seed/innopolis_투자계획_제출.xlsx");
    assert_eq!(sb.gongyak(&["run"]).status.code(), Some(0));
    let before = std::fs::read(sb.report()).unwrap();
    set_mode(&sb.outbox(), 0o555);
    let log = sb.path().join("daemon.log");
    /// Kills the daemon if the test fails half way.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut daemon = Kill(
        unprivileged(&sb)
            .args(["watch", "--settle-ms", "100", "--rescan", "1"])
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    for f in seed_files().iter().skip(1) {
        sb.drop_fixture(&format!("seed/{f}"));
    }
    wait_for("the files to be taken", &|| {
        sb.files_in("accepted").len() == 4
    });
    wait_for("the failure to be logged", &|| {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("event=\"reports_failing\"")
    });
    assert!(
        daemon.0.try_wait().unwrap().is_none(),
        "daemon still running"
    );
    assert_eq!(
        std::fs::read(sb.report()).unwrap(),
        before,
        "previous report intact"
    );
    set_mode(&sb.outbox(), 0o755);
    wait_for("the report to catch up", &|| {
        std::fs::read(sb.report()).is_ok_and(|b| b != before)
    });
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
    let pid = daemon.0.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = daemon.0.wait().unwrap();
    assert_eq!(status.code(), Some(0), "SIGTERM ends the daemon cleanly");
}

/// Log lines with the structured field `event="name"`.
#[cfg(target_os = "linux")]
fn events_in(log: &std::path::Path, name: &str) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(&format!("event=\"{name}\"")))
        .map(str::to_owned)
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_outbox_is_said_once_accurately_and_retried_with_a_growing_wait() {
    use std::time::Instant;
    let sb = Sandbox::new();
    // No report has ever been written here: nothing is "kept".
    set_mode(&sb.outbox(), 0o555);
    let log = sb.path().join("daemon.log");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _daemon = Kill(
        unprivileged(&sb)
            .args(["watch", "--settle-ms", "100", "--rescan", "1"])
            .env("RUST_LOG", "debug")
            .env("NO_COLOR", "1")
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !cond() {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for("the failure", &|| {
        !events_in(&log, "reports_failing").is_empty()
    });
    let first = events_in(&log, "reports_failing").remove(0);
    assert!(first.contains("previous_kept=0"), "{first}");
    assert!(first.contains("no_report_yet=1"), "{first}");
    assert!(first.contains("retry_in_s=5"), "{first}");
    // Two more tries (5 s, then 10 s later), said at debug level only.
    wait_for("two retries", &|| {
        events_in(&log, "reports_still_failing").len() >= 2
    });
    assert_eq!(events_in(&log, "reports_failing").len(), 1, "said once");
    set_mode(&sb.outbox(), 0o755);
    wait_for("the report", &|| sb.report().is_file());
    wait_for("the recovery said", &|| {
        !events_in(&log, "reports_recovered").is_empty()
    });
    let recovered = events_in(&log, "reports_recovered").remove(0);
    assert!(
        recovered.contains("failed_tries=3") || recovered.contains("failed_tries=4"),
        "{recovered}"
    );
}
