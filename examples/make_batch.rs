//! Writes a synthetic city-scale batch (see `gongyak::batch`): pledge definitions into
//! `DIR/templates` and submission workbooks into `DIR/inbox`, ready for
//! `gongyak run --inbox DIR/inbox --outbox DIR/outbox --templates DIR/templates`.
//!
//! ```sh
//! cargo run --release --example make_batch -- 5000 /tmp/batch --pledges 100
//! ```
//!
//! Options: `--pledges K` (default 100), `--seed S` (default 7), `--progress P` (the
//! percent of files that also carry a 추진실적 sheet, default 0).

use anyhow::{Context, Result, bail};
use gongyak::batch::{BatchSpec, write_batch};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut pledges = 100usize;
    let mut seed = None;
    let mut progress = 0u64;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pledges" => {
                pledges = args
                    .next()
                    .context("--pledges needs a number")?
                    .parse()
                    .context("--pledges needs a number")?
            }
            "--seed" => {
                seed = Some(
                    args.next()
                        .context("--seed needs a number")?
                        .parse::<u64>()
                        .context("--seed needs a number")?,
                )
            }
            "--progress" => {
                progress = args
                    .next()
                    .context("--progress needs a percent")?
                    .parse()
                    .context("--progress needs a percent")?
            }
            "-h" | "--help" => {
                println!("usage: make_batch N DIR [--pledges K] [--seed S] [--progress P]");
                return Ok(());
            }
            _ => positional.push(a),
        }
    }
    let [n, dir] = positional.as_slice() else {
        bail!("usage: make_batch N DIR [--pledges K] [--seed S] [--progress P]");
    };
    let n: usize = n.parse().context("N must be a number of files")?;
    let dir = PathBuf::from(dir);
    let mut spec = BatchSpec::new(n, pledges).with_progress(progress);
    if let Some(s) = seed {
        spec.seed = s;
    }
    let started = Instant::now();
    let w = write_batch(&spec, &dir.join("templates"), &dir.join("inbox"))?;
    // gongyak run never creates the outbox; the batch folder is ready to run in.
    std::fs::create_dir_all(dir.join("outbox"))?;
    println!(
        "{} files ({:.1} MB) over {} pledges in {} ({:.1} s)",
        w.files,
        w.bytes as f64 / 1e6,
        w.definitions,
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
