//! The overview workbook (SPEC §9) for a city: 100 pledges × 5 leaves from the batch
//! generator, a round past its due date, some leaves not filed and some rejected.
//!
//! ```sh
//! cargo bench --bench overview
//! ```
//!
//! * `overview/compute_100_pledges` — consolidate every pledge and build the overview
//!   data (what `write_reports` adds to a run besides rendering);
//! * `overview/render_100_pledges` — render the four sheets to xlsx bytes (target:
//!   under 300 ms).
//!
//! Under `cargo test --all-targets` criterion runs each routine once, as a smoke test.

use criterion::{Criterion, criterion_group, criterion_main};
use gongyak::batch::{BatchSpec, CITY_TOML, definitions, round_records};
use gongyak::core::definition::{Catalog, City};
use gongyak::core::overview::overview;

fn bench_overview(c: &mut Criterion) {
    let spec = BatchSpec::new(0, 100);
    let mut catalog = Catalog::default();
    for p in definitions(&spec).expect("definitions") {
        let path = format!("{}.toml", p.id).into();
        catalog.add(p, path).expect("distinct pledges");
    }
    catalog.city = City::from_toml(CITY_TOML).expect("city file");
    let now = chrono::Local::now();
    let records = round_records(&spec, &catalog.pledges, now);
    let o = overview(&catalog, &records, now);
    assert_eq!((o.counts.pledges, o.counts.leaves), (100, 500));
    assert!(o.counts.missing > 0 && o.counts.rejected > 0 && o.counts.filed > 400);
    let mut g = c.benchmark_group("overview");
    g.sample_size(20);
    g.bench_function("compute_100_pledges", |b| {
        b.iter(|| overview(&catalog, &records, now))
    });
    g.bench_function("render_100_pledges", |b| {
        b.iter(|| gongyak::xlsx::overview::render_overview(&o, now).expect("render"))
    });
    g.finish();
}

criterion_group!(benches, bench_overview);
criterion_main!(benches);
