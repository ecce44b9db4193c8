//! Rendering the report workbook of one pledge with 1,000 leaves (250 programs of four
//! sub-programs, every leaf submitted with targets and a roadmap line), to see that a
//! city-sized pledge does not slow the daemon's report writes.
//!
//! ```sh
//! cargo bench --bench render
//! ```
//!
//! Under `cargo test --all-targets` criterion runs the routine once, as a smoke test.

use chrono::{Local, NaiveDate, TimeZone};
use criterion::{Criterion, criterion_group, criterion_main};
use gongyak::core::consolidate::{Outcome, PledgeReport, Received, consolidate};
use gongyak::core::definition::{Declared, Fact, Indicator, Pledge, Program, SourceAmount, Term};
use gongyak::core::model::{
    AmountRow, IndicatorRow, Investment, RoadmapItem, Submission, SubmissionInfo, TargetValue,
    Targets,
};
use gongyak::core::normalize::{Quarter, Unit};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const PROGRAMS: usize = 250;
const SUBS: usize = 4;
const SOURCES: [&str; 4] = ["국비", "도비", "시비", "기타"];
const TERM: Term = Term {
    start: 2022,
    end: 2026,
};

/// One source row of leaf `i`: small distinct whole amounts, 총계 their sum.
fn row(i: usize, k: usize) -> AmountRow {
    let base = Decimal::from((i % 97 + 1) * (k + 1));
    let years: BTreeMap<i32, Decimal> = TERM
        .years()
        .map(|y| (y, base + Decimal::from(y - 2022)))
        .collect();
    let before = base * Decimal::from(3);
    let total = before + years.values().copied().sum::<Decimal>();
    AmountRow {
        total,
        before,
        years,
        after: Decimal::ZERO,
    }
}

fn leaf_budget(i: usize) -> Decimal {
    (0..SOURCES.len()).map(|k| row(i, k).total).sum()
}

fn pledge() -> Pledge {
    let programs: Vec<Program> = (0..PROGRAMS)
        .map(|p| {
            let subs: Vec<Program> = (0..SUBS)
                .map(|s| Program {
                    name: format!("세부사업 {p:03}-{s} 스마트제조 기반구축 지원"),
                    aliases: Vec::new(),
                    budget: leaf_budget(p * SUBS + s),
                    indicators: vec![Indicator {
                        name: "기술이전".to_owned(),
                        unit: "건".to_owned(),
                    }],
                    subprograms: Vec::new(),
                    department: None,
                    contact: None,
                })
                .collect();
            Program {
                name: format!("사업 {p:03} 강소연구개발특구 운영"),
                aliases: Vec::new(),
                budget: subs.iter().map(|s| s.budget).sum(),
                indicators: Vec::new(),
                subprograms: subs,
                department: None,
                contact: None,
            }
        })
        .collect();
    let total: Decimal = programs.iter().map(|p| p.budget).sum();
    Pledge {
        id: "bench".to_owned(),
        title: "벤치마크 공약 (1,000개 세부사업)".to_owned(),
        number: None,
        category: None,
        core: false,
        aliases: Vec::new(),
        department: "산업진흥과".to_owned(),
        facts: vec![Fact {
            label: "사업구분".to_owned(),
            value: "계속".to_owned(),
        }],
        contacts: Vec::new(),
        term: TERM,
        before_label: "기투자".to_owned(),
        after_label: "임기후".to_owned(),
        unit: "백만원".to_owned(),
        sources: SOURCES.iter().map(|s| s.to_string()).collect(),
        declared: Declared {
            total,
            by_source: SOURCES
                .iter()
                .enumerate()
                .map(|(k, s)| SourceAmount {
                    source: s.to_string(),
                    amount: (0..PROGRAMS * SUBS).map(|i| row(i, k).total).sum(),
                })
                .collect(),
        },
        programs,
    }
}

/// One accepted submission per leaf, as the ledger holds them.
fn records(p: &Pledge) -> Vec<Received> {
    let at = Local.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    p.leaves()
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            let sources: BTreeMap<String, AmountRow> = SOURCES
                .iter()
                .enumerate()
                .map(|(k, s)| (s.to_string(), row(i, k)))
                .collect();
            let mut sum = AmountRow::default();
            for r in sources.values() {
                sum.add(r);
            }
            let mut values = BTreeMap::new();
            values.insert(2022, TargetValue::Number(Decimal::from(i % 9 + 1)));
            for y in 2023..=2026 {
                values.insert(
                    y,
                    TargetValue::ToBeFixed("*매년 시행계획 수립 후 성과목표 확정".to_owned()),
                );
            }
            Received {
                seq: i as u64 + 1,
                received_at: at,
                name: format!("제출_{i:04}.xlsx"),
                size: 20_000,
                hash: format!("{i:064x}").into(),
                outcome: Outcome::Accepted,
                stored_as: format!("accepted/제출_{i:04}.xlsx").into(),
                pledge_id: Some(p.id.as_str().into()),
                findings: Vec::new(),
                submission: Some(Submission {
                    pledge_id: p.id.clone(),
                    leaf: leaf.key(),
                    base_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    info: SubmissionInfo {
                        department: "산업진흥과".to_owned(),
                        person: "담당자".to_owned(),
                        phone: "031-481-0000".to_owned(),
                        reason: None,
                    },
                    unit: Unit::Million,
                    investment: Investment { sum, sources },
                    targets: Targets {
                        content: TERM
                            .years()
                            .map(|y| (y, format!("사업추진 ({}차년)", y - 2021)))
                            .collect(),
                        indicators: vec![IndicatorRow {
                            name: "기술이전".to_owned(),
                            unit: "건".to_owned(),
                            values,
                        }],
                        note: None,
                    },
                    roadmap: vec![RoadmapItem {
                        name: "기반구축 및 운영".to_owned(),
                        start: Quarter { year: 2022, q: 1 },
                        end: Quarter {
                            year: 2022 + (i % 5) as i32,
                            q: 4,
                        },
                    }],
                    progress: None,
                }),
                named: None,
            }
        })
        .collect()
}

fn bench_render(c: &mut Criterion) {
    let p = pledge();
    let recs = records(&p);
    let report: PledgeReport = consolidate(&p, &recs);
    assert_eq!(report.leaves.len(), PROGRAMS * SUBS);
    assert!(report.leaves.iter().all(|l| l.current.is_some()));
    let now = Local::now();
    let mut g = c.benchmark_group("render");
    g.sample_size(10);
    g.bench_function("report_1000_leaves", |b| {
        b.iter(|| gongyak::xlsx::render::render_report(&report, now).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
