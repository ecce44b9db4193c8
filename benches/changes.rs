//! 변경내역 at city scale (issue 15): the reports rebuilt from a ledger of 10,000
//! accepted submissions of 100 pledges (20 per leaf), every resubmission changing
//! amounts, targets and the roadmap as the batch generator does round by round.
//!
//! ```sh
//! cargo bench --bench changes
//! ```
//!
//! * `changes/consolidate_…` — every pledge's tables and change log (diffs included).
//! * `changes/report_rebuild_…` — that, plus every report workbook rendered (on every
//!   core), i.e. `gongyak report` without reading the ledger and writing the files.
//!
//! In test mode (`cargo test --all-targets`) the ledger has 40 records of 4 pledges.

use criterion::{Criterion, criterion_group, criterion_main};
use gongyak::batch::BatchSpec;
use gongyak::core::check::check;
use gongyak::core::consolidate::{Outcome, Received, consolidate_all};
use gongyak::core::definition::Catalog;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

fn scale() -> (usize, usize) {
    let bench = std::env::args().any(|a| a == "--bench");
    if bench { (10_000, 100) } else { (40, 4) }
}

/// The batch's files checked and recorded as intake would, one minute apart.
fn ledger(files: usize, pledges: usize) -> (Catalog, Vec<Received>) {
    let spec = BatchSpec::new(files, pledges);
    let defs = gongyak::batch::definitions(&spec).expect("definitions");
    let mut catalog = Catalog::default();
    for p in defs.clone() {
        let path = PathBuf::from(format!("{}.toml", p.id));
        catalog.add(p, path).expect("catalog");
    }
    let start = chrono::Local::now() - chrono::Duration::days(365);
    let records = (0..files)
        .into_par_iter()
        .map(|i| {
            let f = gongyak::batch::file(&spec, &defs, i).expect("file");
            let c = check(&f.bytes, &catalog, &Default::default());
            let accepted = c.accepted();
            Received {
                seq: i as u64 + 1,
                received_at: start + chrono::Duration::minutes(i as i64),
                name: f.name,
                size: f.bytes.len() as u64,
                hash: format!("{i:064x}").into(),
                outcome: if accepted {
                    Outcome::Accepted
                } else {
                    Outcome::Rejected
                },
                stored_as: format!("accepted/{i}.xlsx").into(),
                pledge_id: c.pledge_id.clone().map(Into::into),
                submission: if accepted { c.submission } else { None },
                named: c.named.clone(),
                findings: c.findings,
            }
        })
        .collect();
    (catalog, records)
}

fn bench_changes(c: &mut Criterion) {
    let (files, pledges) = scale();
    let (catalog, records) = ledger(files, pledges);
    let reports = consolidate_all(&catalog.pledges, &records, |_| true);
    let rows: usize = reports
        .iter()
        .flat_map(|(_, r)| &r.changes.events)
        .map(|e| e.changes.len())
        .sum();
    eprintln!(
        "changes: {files} records, {} pledges, {rows} 변경내역 rows in all",
        reports.len()
    );
    assert!(rows > 0, "a ledger full of changes");
    let mut g = c.benchmark_group("changes");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(format!("consolidate_{files}"), |b| {
        b.iter(|| consolidate_all(&catalog.pledges, &records, |_| true))
    });
    let now = chrono::Local::now();
    g.bench_function(format!("report_rebuild_{files}"), |b| {
        b.iter(|| {
            consolidate_all(&catalog.pledges, &records, |_| true)
                .par_iter()
                .map(|(_, r)| {
                    gongyak::xlsx::render::render_report(r, now)
                        .expect("render")
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_changes);
criterion_main!(benches);
