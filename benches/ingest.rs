//! Intake at city scale (issue 7), beside the floor it is measured against.
//!
//! ```sh
//! cargo bench --bench ingest            # full scale: 5,000-file run, 10,000-record ledger
//! cargo bench --bench ingest -- run/    # one group
//! ```
//!
//! * `check/one_submission` — read + parse + validate one seed workbook.
//! * `consolidate/…` — the tables of every pledge from 10,000 accepted submissions.
//! * `run/gongyak_run_5000` — `gongyak run` (the release binary) over a generated batch
//!   of 5,000 workbooks in 100 pledges: read, check, record, move, write the reports.
//! * `run/floor_5000` — **the floor**: read every file of the same batch and inflate
//!   every zip member, on one core. No intake can do less work than this.
//! * `run/gongyak_run_5000_progress80` — the same run where 80 % of the files also carry
//!   the quarterly 추진실적 sheet (issue 16: within 25 % of `gongyak_run_5000`).
//! * `restart/gongyak_report_10000` — `gongyak report` on a ledger of 10,000
//!   submissions: replay it and rewrite every report.
//!
//! Rendering one report at 1,000 leaves is `benches/render.rs`.
//!
//! `cargo test --all-targets` runs every benchmark once, in test mode (no `--bench`
//! argument): then the batch is tiny, so the benchmarks are exercised in CI without
//! costing it minutes. `GONGYAK_BENCH_FILES=N` overrides the batch size.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gongyak::batch::{BatchSpec, LEAVES_PER_PLEDGE, write_batch};
use gongyak::core::check::check;
use gongyak::core::consolidate::{Outcome, Received, consolidate_all};
use gongyak::core::definition::Catalog;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Sizes of this run: full under `cargo bench`, tiny in test mode.
struct Scale {
    files: usize,
    pledges: usize,
    ledger: usize,
}

fn scale() -> &'static Scale {
    static SCALE: OnceLock<Scale> = OnceLock::new();
    SCALE.get_or_init(|| {
        let bench = std::env::args().any(|a| a == "--bench");
        let files = std::env::var("GONGYAK_BENCH_FILES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if bench { 5000 } else { 40 });
        Scale {
            files,
            pledges: if bench { 100 } else { 4 },
            ledger: if bench { 10_000 } else { 40 },
        }
    })
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongyak")
}

/// A generated batch in a scratch folder: `templates/` and a pristine `inbox/` that
/// every iteration copies (hard links) before gongyak moves the files away.
struct Batch {
    dir: tempfile::TempDir,
}

impl Batch {
    fn new(files: usize, pledges: usize) -> Self {
        Self::of(&BatchSpec::new(files, pledges))
    }

    fn of(spec: &BatchSpec) -> Self {
        let dir = tempfile::tempdir().expect("scratch folder");
        write_batch(
            spec,
            &dir.path().join("templates"),
            &dir.path().join("pristine"),
        )
        .expect("batch");
        Self { dir }
    }

    fn templates(&self) -> PathBuf {
        self.dir.path().join("templates")
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("pristine"))
            .expect("pristine batch")
            .map(|e| e.expect("entry").path())
            .collect();
        v.sort();
        v
    }

    /// A fresh inbox holding the whole batch, and an empty outbox.
    fn fresh(&self) -> Run {
        let run = tempfile::tempdir_in(self.dir.path()).expect("run folder");
        let inbox = run.path().join("inbox");
        std::fs::create_dir_all(&inbox).expect("inbox");
        // gongyak never creates the outbox (a typo must not be written to).
        std::fs::create_dir_all(run.path().join("outbox")).expect("outbox");
        for f in self.files() {
            let to = inbox.join(f.file_name().expect("name"));
            if std::fs::hard_link(&f, &to).is_err() {
                std::fs::copy(&f, &to).expect("copy");
            }
        }
        Run { dir: run }
    }
}

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn gongyak(&self, cmd: &str, templates: &Path) {
        let d = self.dir.path();
        let out = Command::new(bin())
            .args(["--quiet", cmd, "--inbox"])
            .arg(d.join("inbox"))
            .arg("--outbox")
            .arg(d.join("outbox"))
            .arg("--templates")
            .arg(templates)
            .output()
            .expect("gongyak starts");
        // 1 = some files were rejected, which a realistic batch has.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "gongyak {cmd}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Reads each file and inflates every member of its zip package, on one core.
fn floor(files: &[PathBuf]) -> u64 {
    let mut total = 0;
    for path in files {
        let bytes = std::fs::read(path).expect("read");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        for i in 0..zip.len() {
            let mut member = zip.by_index(i).expect("member");
            total += std::io::copy(&mut member.by_ref(), &mut std::io::sink()).expect("inflate");
        }
    }
    total
}

fn bench_check(c: &mut Criterion) {
    let catalog = Catalog::load(&root().join("templates")).expect("templates");
    let bytes = std::fs::read(root().join("tests/fixtures/seed/innopolis_투자계획_제출.xlsx"))
        .expect("seed file");
    c.bench_function("check/one_submission", |b| {
        b.iter(|| check(&bytes, &catalog, &Default::default()))
    });
}

fn bench_consolidate(c: &mut Criterion) {
    let s = scale();
    let pledges = s.pledges;
    let spec = BatchSpec::new(s.ledger, pledges);
    let defs = gongyak::batch::definitions(&spec).expect("definitions");
    let mut catalog = Catalog::default();
    for p in defs.clone() {
        let path = PathBuf::from(format!("{}.toml", p.id));
        catalog.add(p, path).expect("catalog");
    }
    // One checked submission per leaf, received again every round with a later date.
    let leaves = pledges * LEAVES_PER_PLEDGE;
    let first: Vec<Received> = (0..leaves.min(s.ledger))
        .map(|i| {
            let f = gongyak::batch::file(&spec, &defs, i).expect("file");
            let checked = check(&f.bytes, &catalog, &Default::default());
            Received {
                seq: 0,
                received_at: chrono::Local::now(),
                name: f.name,
                size: f.bytes.len() as u64,
                hash: format!("{i:064x}").into(),
                outcome: if checked.accepted() {
                    Outcome::Accepted
                } else {
                    Outcome::Rejected
                },
                stored_as: String::new().into(),
                pledge_id: checked.pledge_id.clone().map(Into::into),
                submission: checked.submission.clone(),
                named: checked.named.clone(),
                findings: checked.findings,
            }
        })
        .collect();
    let records: Vec<Received> = (0..s.ledger)
        .map(|i| {
            let mut r = first[i % first.len()].clone();
            r.seq = i as u64 + 1;
            r.hash = format!("{i:064x}").into();
            r.stored_as = format!("accepted/{i}.xlsx").into();
            if let Some(sub) = &mut r.submission {
                sub.base_date = sub.base_date + chrono::Days::new(7 * (i / leaves) as u64);
            }
            r
        })
        .collect();
    c.bench_function(
        &format!("consolidate/{}_submissions_{}_pledges", s.ledger, pledges),
        |b| b.iter(|| consolidate_all(&catalog.pledges, &records, |_| true)),
    );
}

fn bench_run(c: &mut Criterion) {
    let s = scale();
    let batch = Batch::new(s.files, s.pledges);
    let files = batch.files();
    let mut g = c.benchmark_group("run");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function(format!("gongyak_run_{}", s.files), |b| {
        b.iter_batched(
            || batch.fresh(),
            |run| {
                run.gongyak("run", &batch.templates());
                run
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(format!("floor_{}", s.files), |b| b.iter(|| floor(&files)));
    let progress = Batch::of(&BatchSpec::new(s.files, s.pledges).with_progress(80));
    g.bench_function(format!("gongyak_run_{}_progress80", s.files), |b| {
        b.iter_batched(
            || progress.fresh(),
            |run| {
                run.gongyak("run", &progress.templates());
                run
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn bench_restart(c: &mut Criterion) {
    let s = scale();
    let batch = Batch::new(s.ledger, s.pledges);
    let run = batch.fresh();
    run.gongyak("run", &batch.templates());
    let mut g = c.benchmark_group("restart");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(format!("gongyak_report_{}", s.ledger), |b| {
        b.iter(|| run.gongyak("report", &batch.templates()))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_check,
    bench_consolidate,
    bench_run,
    bench_restart
);
criterion_main!(benches);
