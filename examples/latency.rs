//! Drop-to-report latency of the daemon: starts the release binary with its default
//! settings (500 ms settle time, native file events) in a scratch folder, drops each
//! seed file into the inbox one at a time, and measures until the report in the outbox
//! has changed. Prints every sample and the median.
//!
//! ```sh
//! cargo build --release && cargo run --release --example latency [-- ROUNDS]
//! ```
//!
//! `GONGYAK_BIN` overrides the binary (default `target/release/gongyak`). Each round
//! uses a fresh folder and daemon, so every drop changes the report.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the daemon however the benchmark ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("GONGYAK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            root.join("target/release")
                .join(format!("gongyak{}", std::env::consts::EXE_SUFFIX))
        });
    if !bin.is_file() {
        bail!(
            "{} not found: run `cargo build --release` first",
            bin.display()
        );
    }
    let rounds: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().context("ROUNDS must be a number")?,
        None => 5,
    };
    let seed_dir = root.join("tests/fixtures/seed");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&seed_dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    seeds.sort();

    let mut samples = Vec::new();
    for round in 1..=rounds {
        let dir = tempfile::tempdir()?;
        for sub in ["inbox", "outbox", "templates"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        for def in std::fs::read_dir(root.join("templates"))? {
            let def = def?.path();
            if def.extension().is_some_and(|e| e == "toml") {
                std::fs::copy(
                    &def,
                    dir.path().join("templates").join(def.file_name().unwrap()),
                )?;
            }
        }
        let _daemon = Daemon(
            Command::new(&bin)
                .current_dir(dir.path())
                .args(["--quiet", "watch"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .with_context(|| format!("cannot start {}", bin.display()))?,
        );
        // The daemon watches the inbox before it writes its first (empty) report.
        let report = dir.path().join("outbox/ansan-innopolis_공약추진현황.xlsx");
        wait_until(Duration::from_secs(30), || report.is_file())
            .context("the daemon wrote no report")?;
        for seed in &seeds {
            let before = std::fs::read(&report)?;
            let dest = dir.path().join("inbox").join(seed.file_name().unwrap());
            let start = Instant::now();
            std::fs::copy(seed, &dest)?;
            wait_until(Duration::from_secs(30), || {
                std::fs::read(&report).is_ok_and(|now| now != before)
            })
            .with_context(|| format!("no report after {}", dest.display()))?;
            let took = start.elapsed();
            println!(
                "round {round} {:<36} {:>6.0} ms",
                seed.file_name().unwrap().to_string_lossy(),
                took.as_secs_f64() * 1000.0
            );
            samples.push(took);
        }
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = if samples.len() % 2 == 1 {
        ms(samples[samples.len() / 2])
    } else {
        (ms(samples[samples.len() / 2 - 1]) + ms(samples[samples.len() / 2])) / 2.0
    };
    println!(
        "drop-to-report latency over {} drops: median {median:.0} ms, min {:.0} ms, max {:.0} ms",
        samples.len(),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
    Ok(())
}

fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> Result<()> {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > limit {
            bail!("timed out after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}
