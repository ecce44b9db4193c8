//! Synthetic batches at city scale, for the benchmarks and `examples/make_batch.rs`
//! (issue 7). Behind the `batch` feature: it is test equipment, not part of the daemon.
//!
//! A batch is `K` pledge definitions (TOML, in the layout of
//! `templates/ansan-innopolis.toml`) with five leaf programs each, and `N` submission
//! workbooks in the layout of `tests/fixtures/seed/*.xlsx`: 제출정보 / 투자계획 (with
//! `SUM` formulas and their cached results, as Excel and LibreOffice save them) /
//! 추진목표 / 추진일정. Files cycle through the leaves, each round with a later
//! 기준일, so later versions supersede earlier ones; every round after the first changes
//! the plan and, as departments are asked to, nearly always says why (변경사유). With
//! `progress_percent`, files also carry 추진실적 as quarterly reports do (settled past
//! years, the current year growing). A few percent of them are what real intake sees: amounts in 천원 or 억원, form drift the reader tolerates (SPEC §3–4),
//! late files with an older 기준일, byte-identical re-sends, and files with a typo in one
//! amount (rejected). Everything is deterministic in the seed, and every amount is an
//! exact decimal.

use crate::core::definition::{Leaf, Pledge};
use crate::core::parse::InfoLabel;
use anyhow::{Context, Result};
use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_xlsxwriter::utility::cell_range;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Leaf programs per generated pledge (a city: ~100 pledges, ~500 leaves).
pub const LEAVES_PER_PLEDGE: usize = 5;

const SOURCES: [&str; 4] = ["국비", "도비", "시비", "기타"];
const TERM: std::ops::RangeInclusive<i32> = 2022..=2026;
/// Columns of the investment table: 기투자, the term years, 임기후.
const COLS: usize = 7;

/// What to generate.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    /// Submission workbooks.
    pub files: usize,
    /// Pledge definitions the files are spread over.
    pub pledges: usize,
    pub seed: u64,
    /// Share of files (percent) written in 천원 or 억원 instead of 백만원.
    pub unit_percent: u64,
    /// Share of files with form drift (moved tables, synonyms, numeric text …).
    pub drift_percent: u64,
    /// Share of files with a typo that makes a row and a column not add up.
    pub error_percent: u64,
    /// Share of files that are byte-identical re-sends of an earlier file.
    pub duplicate_percent: u64,
    /// Share of files that arrive late, with a 기준일 older than the leaf's current one.
    pub stale_percent: u64,
    /// Share of files (percent) that carry a 추진실적 sheet (SPEC §11); the others are
    /// plan-only. A realistic mix of 추진상황, 확보액 below the plan, 집행액 below 확보액.
    pub progress_percent: u64,
    /// Share of the files with progress where one 집행액 exceeds its 확보액
    /// (W-OVERSPEND, accepted).
    pub overspend_percent: u64,
    /// Share of resubmissions (every round after the first changes the plan) that
    /// give no 변경사유 (W-REASON, accepted, with a note); the others say why, as
    /// departments are asked to (SPEC §10).
    pub no_reason_percent: u64,
}

impl BatchSpec {
    /// `files` submissions over `pledges` pledges with the default mix of irregular
    /// files (3 % other units, 5 % drift, 1 % errors, 1 % re-sends, 2 % late).
    pub fn new(files: usize, pledges: usize) -> Self {
        Self {
            files,
            pledges: pledges.max(1),
            seed: 7,
            unit_percent: 3,
            drift_percent: 5,
            error_percent: 1,
            duplicate_percent: 1,
            stale_percent: 2,
            progress_percent: 0,
            overspend_percent: 5,
            no_reason_percent: 5,
        }
    }

    /// The same batch with `percent` of its files carrying 추진실적.
    pub fn with_progress(mut self, percent: u64) -> Self {
        self.progress_percent = percent;
        self
    }
}

/// What [`write_batch`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub definitions: usize,
    pub files: usize,
    pub bytes: u64,
}

/// A small deterministic generator (SplitMix64): the batch is the same on every run
/// and every machine, and files can be generated in parallel, each from its own seed.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

const THEMES: [&str; 20] = [
    "스마트 교통체계 구축",
    "청년 창업 생태계 조성",
    "어르신 돌봄 안전망 강화",
    "탄소중립 녹색도시 전환",
    "원도심 도시재생 활성화",
    "공공 체육시설 확충",
    "문화예술 공간 조성",
    "아동 친화도시 실현",
    "전통시장 현대화 지원",
    "하천 생태 복원",
    "디지털 행정 혁신",
    "안전한 보행환경 조성",
    "공공의료 인프라 확충",
    "지역 일자리 창출",
    "평생학습 도시 조성",
    "반려동물 친화 환경 조성",
    "주거 취약계층 지원",
    "관광 거점 육성",
    "미세먼지 저감 대책",
    "스마트 농업 육성",
];

const ACTIONS: [&str; 8] = [
    "기반 조성",
    "시설 건립",
    "운영 지원",
    "인력 양성",
    "시스템 구축",
    "네트워크 구축",
    "홍보 및 확산",
    "성과 관리",
];

/// 분야 of the generated pledges, in turn (SPEC §9).
pub const CATEGORIES: [&str; 6] = ["경제", "복지", "문화", "환경", "교통", "안전"];

/// The city file of a batch: a city and a reporting round that opened at the start of
/// 2026 and whose due date has passed, so leaves still owing a file are overdue.
pub const CITY_TOML: &str = "city = \"가상시\"\n\n[round]\nname = \"2026년 상반기\"\nopens = 2026-01-01\ndue = 2026-07-10\n";

const DISTRICTS: [&str; 5] = ["상록구", "단원구", "중앙동", "고잔동", "초지동"];

/// The id of the `i`-th generated pledge (from 0).
pub fn pledge_id(i: usize) -> String {
    format!("pledge-{:03}", i + 1)
}

/// The generated amounts of one leaf, in 백만원: per source, 기투자, term years, 임기후.
fn leaf_amounts(seed: u64, pledge: usize, leaf: usize) -> [[i64; COLS]; 4] {
    let mut rng = Rng::new(seed, 1_000_000 + (pledge * LEAVES_PER_PLEDGE + leaf) as u64);
    let mut a = [[0i64; COLS]; 4];
    for (s, row) in a.iter_mut().enumerate() {
        // 기타 is mostly empty, 도비 smaller than 국비 and 시비: as in real plans.
        let scale: u64 = match s {
            0 => 3000,
            1 => 800,
            2 => 2000,
            _ if rng.percent(20) => 500,
            _ => 0,
        };
        if scale == 0 {
            continue;
        }
        for (c, v) in row.iter_mut().enumerate() {
            // 임기후 is rarely planned.
            if c == COLS - 1 && !rng.percent(15) {
                continue;
            }
            *v = (rng.below(scale) / 10 * 10) as i64;
        }
    }
    a
}

fn leaf_total(a: &[[i64; COLS]; 4]) -> i64 {
    a.iter().flatten().sum()
}

/// The text of the `i`-th pledge definition, in the layout of
/// `templates/ansan-innopolis.toml`; declared budgets are the sums of what the
/// leaves will submit, so a complete pledge matches its declaration.
pub fn definition_toml(seed: u64, i: usize) -> String {
    let theme = THEMES[i % THEMES.len()];
    let district = DISTRICTS[(i / THEMES.len()) % DISTRICTS.len()];
    let title = format!("{district} {theme} (공약 {}호)", i + 1);
    let amounts: Vec<[[i64; COLS]; 4]> = (0..LEAVES_PER_PLEDGE)
        .map(|l| leaf_amounts(seed, i, l))
        .collect();
    let by_source: Vec<i64> = (0..4)
        .map(|s| amounts.iter().map(|a| a[s].iter().sum::<i64>()).sum())
        .collect();
    let total: i64 = by_source.iter().sum();
    let name = |k: usize| format!("{theme} {}", ACTIONS[(i + k) % ACTIONS.len()]);
    // 관리번호 within the 분야 (`경제-3`), every seventh a 핵심공약.
    let c = i % CATEGORIES.len();
    let category = CATEGORIES[c];
    let number = format!("{}-{}", c + 1, i / CATEGORIES.len() + 1);
    let core = i.is_multiple_of(7);
    let mut t = format!(
        "# 공약 정의: {title}\n# Generated by gongyak::batch (benchmarks); amounts in 백만원.\n\n\
         id = \"{id}\"\ntitle = \"{title}\"\nnumber = \"{number}\"\ncategory = \"{category}\"\ncore = {core}\ndepartment = \"{theme}과\"\nunit = \"백만원\"\n\
         sources = [\"국비\", \"도비\", \"시비\", \"기타\"]\nbefore_label = \"기투자\"\nafter_label = \"임기후\"\n\n\
         [term]\nstart = {start}\nend = {end}\n\n\
         [[facts]]\nlabel = \"사업구분\"\nvalue = \"{kind}\"\n\n[[facts]]\nlabel = \"사업시기\"\nvalue = \"중기\"\n\n\
         [[contacts]]\nrole = \"추진부서\"\nname = \"{theme}과\"\n\n\
         [[contacts]]\nrole = \"담당자\"\nname = \"담당자{n}\"\nphone = \"481-{phone:04}\"\n\n\
         [declared]\ntotal = {total}\nby_source = [\n",
        id = pledge_id(i),
        start = TERM.start(),
        end = TERM.end(),
        kind = if i.is_multiple_of(3) {
            "신규"
        } else {
            "계속"
        },
        n = i + 1,
        phone = 1000 + i,
    );
    for (s, amount) in SOURCES.iter().zip(&by_source) {
        t.push_str(&format!("  {{ source = \"{s}\", amount = {amount} }},\n"));
    }
    t.push_str("]\n");
    // Leaves: program 1, program 2 with two sub-programs, programs 3 and 4.
    let leaf_budget = |l: usize| leaf_total(&amounts[l]);
    let indicators = "indicators = [\n  { name = \"참여기업\", unit = \"개사\" },\n  { name = \"교육 인원\", unit = \"명\" },\n]\n";
    t.push_str(&format!(
        "\n[[programs]]\nname = \"{}\"\nbudget = {}\n{indicators}",
        name(0),
        leaf_budget(0)
    ));
    t.push_str(&format!(
        "\n[[programs]]\nname = \"{}\"\nbudget = {}\n\n[[programs.subprograms]]\nname = \"{}\"\nbudget = {}\n\n[[programs.subprograms]]\nname = \"{}\"\nbudget = {}\ndepartment = \"{theme}지원과\"\n",
        name(1),
        leaf_budget(1) + leaf_budget(2),
        format_args!("{} 1단계", name(1)),
        leaf_budget(1),
        format_args!("{} 2단계", name(1)),
        leaf_budget(2),
    ));
    t.push_str(&format!(
        "\n[[programs]]\nname = \"{}\"\nbudget = {}\ncontact = {{ name = \"담당자{}-4\", phone = \"031-481-{:04}\" }}\n",
        name(2),
        leaf_budget(3),
        i + 1,
        2000 + i
    ));
    t.push_str(&format!(
        "\n[[programs]]\nname = \"{}\"\nbudget = {}\n{indicators}",
        name(3),
        leaf_budget(4)
    ));
    t
}

/// The generated pledge definitions, parsed (what the daemon will load).
///
/// # Errors
/// Only if the generator wrote an invalid definition (a bug).
pub fn definitions(spec: &BatchSpec) -> Result<Vec<Pledge>> {
    (0..spec.pledges)
        .map(|i| Pledge::from_toml(&definition_toml(spec.seed, i)))
        .collect()
}

/// Which kind of form drift a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drift {
    None,
    /// Title rows and an extra leading column: every table starts elsewhere.
    Shifted,
    /// Synonym labels: 합계, 총사업비, `'22년`, `국 비`, 작성일, 담당부서 ….
    Synonyms,
    /// Amounts typed as text with separators (`1,234`), zero as `-`, 기준일 as text.
    TypedText,
    /// Blank rows between header and rows, and a hidden spare row.
    BlankRows,
}

/// The unit a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileUnit {
    Million,
    Thousand,
    HundredMillion,
}

impl FileUnit {
    fn note(self) -> &'static str {
        match self {
            FileUnit::Million => "(단위 : 백만원)",
            FileUnit::Thousand => "(단위 : 천원)",
            FileUnit::HundredMillion => "(단위: 억원)",
        }
    }
    /// An amount in 백만원 as written in this unit, exactly.
    fn written(self, v: i64) -> Decimal {
        match self {
            FileUnit::Million => Decimal::from(v),
            FileUnit::Thousand => Decimal::from(v) * Decimal::from(1000),
            FileUnit::HundredMillion => Decimal::new(v, 2),
        }
    }
}

/// One generated file: its name in the inbox and its bytes.
#[derive(Debug, Clone)]
pub struct BatchFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// How a file's content is chosen: which leaf, which round, and what is irregular.
#[derive(Debug, Clone, Copy)]
struct Plan {
    pledge: usize,
    leaf: usize,
    round: usize,
    base_date: NaiveDate,
    unit: FileUnit,
    drift: Drift,
    typo: bool,
    /// Whether the file carries 추진실적, and whether one 집행액 is over its 확보액.
    progress: Option<bool>,
    /// Whether 제출정보 gives a 변경사유 (rounds after the first change the plan).
    reason: bool,
}

fn plan(spec: &BatchSpec, i: usize) -> Plan {
    let leaves = spec.pledges * LEAVES_PER_PLEDGE;
    let mut rng = Rng::new(spec.seed, i as u64);
    let round = i / leaves;
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    // Each round a week later; a late file carries last month's date.
    let mut base_date = start + Days::new(7 * round as u64);
    if round > 0 && rng.percent(spec.stale_percent) {
        base_date = base_date - Days::new(7 * (1 + rng.below(round as u64)));
    }
    let unit = if rng.percent(spec.unit_percent) {
        if rng.percent(50) {
            FileUnit::Thousand
        } else {
            FileUnit::HundredMillion
        }
    } else {
        FileUnit::Million
    };
    let drift = if rng.percent(spec.drift_percent) {
        match rng.below(4) {
            0 => Drift::Shifted,
            1 => Drift::Synonyms,
            2 => Drift::TypedText,
            _ => Drift::BlankRows,
        }
    } else {
        Drift::None
    };
    Plan {
        pledge: (i % leaves) / LEAVES_PER_PLEDGE,
        leaf: i % LEAVES_PER_PLEDGE,
        round,
        base_date,
        unit,
        drift,
        typo: rng.percent(spec.error_percent),
        progress: {
            let mut r = Rng::new(spec.seed ^ 0x9_0A15, i as u64);
            r.percent(spec.progress_percent)
                .then(|| r.percent(spec.overspend_percent))
        },
        reason: round > 0
            && !Rng::new(spec.seed ^ 0x5A_EA50, i as u64).percent(spec.no_reason_percent),
    }
}

/// Whether file `i` is a byte-identical re-send of an earlier file, and which.
fn resend_of(spec: &BatchSpec, i: usize) -> Option<usize> {
    let mut rng = Rng::new(spec.seed ^ 0xD0B1E, i as u64);
    (i > 0 && rng.percent(spec.duplicate_percent)).then(|| rng.below(i as u64) as usize)
}

/// The `i`-th file of the batch, generated from `pledges` (= [`definitions`]).
///
/// # Errors
/// Only if rust_xlsxwriter fails (a bug).
pub fn file(spec: &BatchSpec, pledges: &[Pledge], i: usize) -> Result<BatchFile> {
    let source = resend_of(spec, i).unwrap_or(i);
    let p = plan(spec, source);
    let pledge = &pledges[p.pledge];
    let leaves = pledge.leaves();
    let leaf = leaves[p.leaf];
    let bytes = submission_bytes(spec.seed, pledge, leaf, &p)
        .with_context(|| format!("generating file {i}"))?;
    let name = format!(
        "{}_{}_{}_{:03}차_{:05}.xlsx",
        pledge.id,
        p.leaf + 1,
        crate::xlsx::forms::safe_name_part(&leaf.def().name),
        p.round + 1,
        i + 1,
    );
    Ok(BatchFile { name, bytes })
}

/// Writes the definitions into `templates` and `spec.files` workbooks into `inbox`
/// (both created if needed), generating on every core.
///
/// # Errors
/// The folders cannot be written.
pub fn write_batch(spec: &BatchSpec, templates: &Path, inbox: &Path) -> Result<Written> {
    std::fs::create_dir_all(templates)
        .with_context(|| format!("cannot create {}", templates.display()))?;
    std::fs::create_dir_all(inbox).with_context(|| format!("cannot create {}", inbox.display()))?;
    for i in 0..spec.pledges {
        let path = templates.join(format!("{}.toml", pledge_id(i)));
        std::fs::write(&path, definition_toml(spec.seed, i))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let city = templates.join(crate::core::definition::CITY_FILE);
    std::fs::write(&city, CITY_TOML).with_context(|| format!("cannot write {}", city.display()))?;
    let pledges = definitions(spec)?;
    let bytes = (0..spec.files)
        .into_par_iter()
        .map(|i| -> Result<u64> {
            let f = file(spec, &pledges, i)?;
            let path = inbox.join(&f.name);
            std::fs::write(&path, &f.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(f.bytes.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok(Written {
        definitions: spec.pledges,
        files: spec.files,
        bytes,
    })
}

/// The ledger of a reporting round over `pledges` (from [`definitions`]), without
/// workbooks: one accepted submission per leaf received at `received`, except every
/// ninth leaf (not filed) and every thirteenth (its file rejected), so the overview
/// has every state to show. For the overview's benchmark and tests.
pub fn round_records(
    spec: &BatchSpec,
    pledges: &[Pledge],
    received: chrono::DateTime<chrono::Local>,
) -> Vec<crate::core::consolidate::Received> {
    use crate::core::consolidate::{Outcome, Received};
    use crate::core::finding::{Code, Finding};
    use crate::core::model::{AmountRow, Investment, Submission, SubmissionInfo};
    let mut out = Vec::new();
    for (i, pledge) in pledges.iter().enumerate() {
        for (l, leaf) in pledge.leaves().into_iter().enumerate() {
            let n = i * LEAVES_PER_PLEDGE + l;
            if n % 9 == 4 {
                continue;
            }
            let rejected = n % 13 == 6;
            let amounts = leaf_amounts(spec.seed, i, l);
            let row = |a: &[i64; COLS]| AmountRow {
                total: Decimal::from(a.iter().sum::<i64>()),
                before: Decimal::from(a[0]),
                years: TERM
                    .zip(&a[1..COLS - 1])
                    .map(|(y, v)| (y, Decimal::from(*v)))
                    .collect(),
                after: Decimal::from(a[COLS - 1]),
            };
            let mut sum = AmountRow::default();
            let sources = SOURCES
                .iter()
                .zip(&amounts)
                .map(|(s, a)| {
                    let r = row(a);
                    sum.add(&r);
                    (s.to_string(), r)
                })
                .collect();
            let seq = out.len() as u64 + 1;
            out.push(Received {
                seq,
                received_at: received,
                name: format!("{}_{}.xlsx", pledge.id, l + 1),
                size: 8_500,
                hash: format!("{seq:064x}").into(),
                outcome: if rejected {
                    Outcome::Rejected
                } else {
                    Outcome::Accepted
                },
                stored_as: format!("accepted/{}_{}.xlsx", pledge.id, l + 1).into(),
                pledge_id: Some(pledge.id.clone().into()),
                findings: if rejected {
                    vec![Finding::new(Code::RowSum, None, "합계가 맞지 않습니다.")]
                } else {
                    Vec::new()
                },
                named: rejected.then(|| leaf.key()),
                submission: (!rejected).then(|| Submission {
                    pledge_id: pledge.id.clone(),
                    leaf: leaf.key(),
                    base_date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
                    info: SubmissionInfo {
                        department: leaf.department(pledge).to_owned(),
                        person: format!("담당자{}-{}", i + 1, l + 1),
                        phone: format!("031-481-{:04}", 1000 + n),
                        reason: None,
                    },
                    unit: crate::core::normalize::Unit::Million,
                    investment: Investment { sum, sources },
                    targets: Default::default(),
                    roadmap: Vec::new(),
                    progress: None,
                }),
            });
        }
    }
    out
}

/// Where the tables of one file start, and which labels it uses.
struct Layout {
    /// Offset of every table (rows, columns).
    dr: u32,
    dc: u16,
    /// Blank rows between a table's header and its first row.
    gap: u32,
    sum_label: &'static str,
    total_label: &'static str,
    year_label: fn(i32) -> String,
    source_label: fn(&str) -> String,
    info_labels: [&'static str; 7],
    typed_text: bool,
}

fn layout(drift: Drift) -> Layout {
    let plain = Layout {
        dr: 0,
        dc: 0,
        gap: 0,
        sum_label: "계",
        total_label: "총계",
        year_label: |y| format!("{y}년"),
        source_label: |s| s.to_owned(),
        // The form's words, as `gongyak template` writes them (변경사유 comes later).
        info_labels: std::array::from_fn(|k| InfoLabel::ALL[k].name()),
        typed_text: false,
    };
    match drift {
        Drift::None => plain,
        Drift::Shifted => Layout {
            dr: 2,
            dc: 1,
            ..plain
        },
        Drift::Synonyms => Layout {
            sum_label: "합계",
            total_label: "총사업비",
            year_label: |y| format!("'{}년", y % 100),
            source_label: |s| {
                s.chars()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            info_labels: [
                "공약사항",
                "단위사업명",
                "세부사업명",
                "담당부서",
                "작성자",
                "전화번호",
                "작성기준일",
            ],
            ..plain
        },
        Drift::TypedText => Layout {
            year_label: |y| y.to_string(),
            typed_text: true,
            ..plain
        },
        Drift::BlankRows => Layout { gap: 1, ..plain },
    }
}

fn submission_bytes(
    seed: u64,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    p: &Plan,
) -> Result<Vec<u8>, XlsxError> {
    let lay = layout(p.drift);
    let mut amounts = leaf_amounts(seed, p.pledge, p.leaf);
    // Each round moves part of one year's amount to another year of the same
    // source: the plan changes, its total stays what was declared.
    let mut rng = Rng::new(seed, 2_000_000 + p.round as u64);
    for _ in 0..p.round.min(3) {
        let s = rng.below(3) as usize;
        let (from, to) = (1 + rng.below(5) as usize, 1 + rng.below(5) as usize);
        let moved = amounts[s][from] / 10 * (rng.below(5) as i64) / 10 * 10;
        amounts[s][from] -= moved;
        amounts[s][to] += moved;
    }

    let mut wb = Workbook::new();
    // The creation time is the plan's 기준일, not the clock: two calls must give the
    // same bytes (the workbook's properties otherwise carry the second they ran).
    let created = ExcelDateTime::from_ymd(
        p.base_date.year() as u16,
        p.base_date.month() as u8,
        p.base_date.day() as u8,
    )?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let amount_fmt = Format::new().set_num_format("#,##0");
    let key = leaf.key();
    let person = format!("담당자{}-{}", p.pledge + 1, p.leaf + 1);

    // 제출정보
    let ws = wb.add_worksheet().set_name("제출정보")?;
    let (r0, c0) = (lay.dr, lay.dc);
    ws.write_string(r0, c0, "공약 추진계획 제출서")?;
    let values = [
        pledge.title.clone(),
        key.program.clone(),
        key.subprogram.clone().unwrap_or_default(),
        pledge.department.clone(),
        person,
        format!("031-481-{:04}", 1000 + p.pledge * 10 + p.leaf),
    ];
    for (k, (label, value)) in lay.info_labels.iter().zip(&values).enumerate() {
        let r = r0 + 2 + k as u32;
        ws.write_string(r, c0, *label)?;
        if !value.is_empty() {
            ws.write_string(r, c0 + 1, value)?;
        }
    }
    let r = r0 + 8;
    ws.write_string(r, c0, lay.info_labels[6])?;
    if lay.typed_text {
        ws.write_string(r, c0 + 1, p.base_date.format("%Y. %m. %d.").to_string())?;
    } else {
        let d = &p.base_date;
        let dt = ExcelDateTime::from_ymd(
            chrono::Datelike::year(d) as u16,
            chrono::Datelike::month(d) as u8,
            chrono::Datelike::day(d) as u8,
        )?;
        ws.write_datetime_with_format(r, c0 + 1, &dt, &date_fmt)?;
    }
    if p.reason {
        ws.write_string(r + 1, c0, InfoLabel::Reason.name())?;
        let why = format!(
            "{}차 보고: 연도별 재원 배분 조정, 추진일정 현행화",
            p.round + 1
        );
        ws.write_string(r + 1, c0 + 1, why)?;
    }
    ws.set_column_width(c0, 12)?;
    ws.set_column_width(c0 + 1, 40)?;

    // 투자계획
    let ws = wb.add_worksheet().set_name("투자계획")?;
    invest_sheet(ws, &lay, p, &amounts, &amount_fmt)?;

    // 추진목표
    let ws = wb.add_worksheet().set_name("추진목표")?;
    targets_sheet(ws, &lay, leaf, p)?;

    // 추진일정
    let ws = wb.add_worksheet().set_name("추진일정")?;
    roadmap_sheet(ws, &lay, leaf, p)?;

    if let Some(overspent) = p.progress {
        let ws = wb.add_worksheet().set_name("추진실적")?;
        progress_sheet(ws, seed, leaf, p, &amounts, overspent, &amount_fmt)?;
    }

    wb.save_to_buffer()
}

fn invest_sheet(
    ws: &mut Worksheet,
    lay: &Layout,
    p: &Plan,
    amounts: &[[i64; COLS]; 4],
    fmt: &Format,
) -> Result<(), XlsxError> {
    let (r0, c0) = (lay.dr, lay.dc);
    ws.write_string(r0, c0, "연차별 투자계획")?;
    ws.write_string(r0 + 1, c0 + 8, p.unit.note())?;
    let header = r0 + 2;
    let mut labels = vec![
        "구분".to_owned(),
        lay.total_label.to_owned(),
        "기투자".to_owned(),
    ];
    labels.extend(TERM.map(lay.year_label));
    labels.push("임기후".to_owned());
    for (j, l) in labels.iter().enumerate() {
        ws.write_string(header, c0 + j as u16, l)?;
    }
    let sum_row = header + 1 + lay.gap;
    if lay.gap > 0 {
        ws.set_row_hidden(header + 1)?;
    }
    let first_src = sum_row + 1;
    let last_src = first_src + 3;
    let unit = p.unit;
    // A typo: one year cell of 시비 off by 1,000 백만원, every total left as it was.
    let typo_at = p.typo.then_some((2usize, 3usize));
    let col_sum = |c: usize| -> i64 { amounts.iter().map(|row| row[c]).sum() };
    let row_sum = |s: usize| -> i64 { amounts[s].iter().sum() };
    let write_amount = |ws: &mut Worksheet, r: u32, c: u16, v: Decimal| -> Result<(), XlsxError> {
        if lay.typed_text {
            if v.is_zero() {
                ws.write_string(r, c, "-")?;
            } else {
                ws.write_string(r, c, thousands(v))?;
            }
        } else {
            ws.write_with_format(r, c, v, fmt)?;
        }
        Ok(())
    };
    let formula = |ws: &mut Worksheet, r: u32, c: u16, range: String, v: Decimal| {
        ws.write_formula_with_format(
            r,
            c,
            Formula::new(format!("=SUM({range})")).set_result(v.to_string()),
            fmt,
        )
        .map(|_| ())
    };

    ws.write_string(sum_row, c0, lay.sum_label)?;
    let total_all: i64 = (0..4).map(row_sum).sum();
    formula(
        ws,
        sum_row,
        c0 + 1,
        cell_range(sum_row, c0 + 2, sum_row, c0 + 8),
        unit.written(total_all),
    )?;
    for c in 0..COLS {
        let col = c0 + 2 + c as u16;
        formula(
            ws,
            sum_row,
            col,
            cell_range(first_src, col, last_src, col),
            unit.written(col_sum(c)),
        )?;
    }
    for (s, name) in SOURCES.iter().enumerate() {
        let r = first_src + s as u32;
        ws.write_string(r, c0, (lay.source_label)(name))?;
        formula(
            ws,
            r,
            c0 + 1,
            cell_range(r, c0 + 2, r, c0 + 8),
            unit.written(row_sum(s)),
        )?;
        for (c, v) in amounts[s].iter().enumerate() {
            let mut v = unit.written(*v);
            if typo_at == Some((s, c)) {
                v += unit.written(1000);
            }
            write_amount(ws, r, c0 + 2 + c as u16, v)?;
        }
    }
    ws.set_column_width(c0, 10)?;
    ws.set_column_range_width(c0 + 1, c0 + 8, 11)?;
    Ok(())
}

/// `1234567` → `1,234,567`, as staff type amounts; decimals (억원) kept.
fn thousands(v: Decimal) -> String {
    let s = v.normalize().to_string();
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (k, ch) in digits.iter().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

fn targets_sheet(
    ws: &mut Worksheet,
    lay: &Layout,
    leaf: Leaf<'_>,
    p: &Plan,
) -> Result<(), XlsxError> {
    let (r0, c0) = (lay.dr, lay.dc);
    ws.write_string(r0, c0, "연차별 추진목표")?;
    let header = r0 + 2;
    ws.write_string(header, c0, "구분")?;
    ws.write_string(header, c0 + 1, "단위")?;
    for (j, y) in TERM.enumerate() {
        ws.write_string(header, c0 + 2 + j as u16, (lay.year_label)(y))?;
    }
    let mut r = header + 1 + lay.gap;
    ws.write_string(r, c0, "추진내용")?;
    let name = &leaf.def().name;
    for (j, _) in TERM.enumerate() {
        ws.write_string(r, c0 + 2 + j as u16, format!("{name} 추진 ({}차년)", j + 1))?;
    }
    for (k, ind) in leaf.def().indicators.iter().enumerate() {
        r += 1;
        ws.write_string(r, c0, &ind.name)?;
        ws.write_string(r, c0 + 1, &ind.unit)?;
        for (j, _) in TERM.enumerate() {
            // Targets are fixed up to the current round's year; later ones are open.
            if j <= 1 + p.round % 3 {
                ws.write_number(r, c0 + 2 + j as u16, (5 * (k + 1) + 2 * j) as u32)?;
            } else {
                ws.write_string(r, c0 + 2 + j as u16, "미정")?;
            }
        }
    }
    r += 1;
    ws.write_string(r, c0, "비고")?;
    ws.write_string(r, c0 + 2, "*매년 시행계획 수립 후 성과목표 확정")?;
    ws.set_column_width(c0, 16)?;
    ws.set_column_range_width(c0 + 2, c0 + 6, 24)?;
    Ok(())
}

fn roadmap_sheet(
    ws: &mut Worksheet,
    lay: &Layout,
    leaf: Leaf<'_>,
    p: &Plan,
) -> Result<(), XlsxError> {
    let (r0, c0) = (lay.dr, lay.dc);
    ws.write_string(r0, c0, "세부내용")?;
    ws.write_string(r0, c0 + 1, "시작")?;
    ws.write_string(r0, c0 + 2, "종료")?;
    // Quarters in the forms staff use: 2022-Q1, 2022년 1분기, 22.1Q, 2022.1/4.
    let quarter = |k: usize, y: i32, q: u8| match k % 4 {
        0 => format!("{y}-Q{q}"),
        1 => format!("{y}년 {q}분기"),
        2 => format!("{}.{q}Q", y % 100),
        _ => format!("{y}.{q}/4"),
    };
    let steps = ["계획 수립", "설계 및 준비", "본 사업 추진", "성과 점검"];
    for (k, step) in steps.iter().enumerate() {
        let r = r0 + 1 + k as u32;
        let start = TERM.start() + k as i32;
        ws.write_string(r, c0, format!("{} {step}", leaf.def().name))?;
        ws.write_string(r, c0 + 1, quarter(p.round + k, start, 1 + (k % 4) as u8))?;
        ws.write_string(r, c0 + 2, quarter(p.round + k + 1, start + 1, 4))?;
    }
    ws.set_column_width(c0, 36)?;
    Ok(())
}

/// 추진상황 with the share (percent, cumulative) of files that report it: most on
/// track, some done, a few partial, on hold, not yet due or abandoned.
const STATUS_MIX: [(&str, u64); 7] = [
    ("완료", 10),
    ("이행후계속추진", 30),
    ("정상추진", 75),
    ("일부추진", 85),
    ("보류", 90),
    ("시기미도래", 97),
    ("폐기", 100),
];

/// 추진실적 in the form's layout, as a leaf reports it quarter after quarter: its
/// 추진상황 is its own (a realistic mix across leaves) and its 추진율 grows round by
/// round, with a rare setback; 확보액 and 집행액 of 기투자 and of the past term years
/// are settled (a share of the original plan, never above the current one), and only
/// the current year's grow each round; with `overspent`, the current year's 시비
/// 집행액 is above its 확보액. 지표 실적: the past years settled, the current one growing.
fn progress_sheet(
    ws: &mut Worksheet,
    seed: u64,
    leaf: Leaf<'_>,
    p: &Plan,
    plan: &[[i64; COLS]; 4],
    overspent: bool,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let leaf_no = (p.pledge * LEAVES_PER_PLEDGE + p.leaf) as u64;
    let mut rng = Rng::new(seed ^ 0x5EC, leaf_no);
    let roll = rng.below(100);
    let status = STATUS_MIX
        .iter()
        .find(|(_, upto)| roll < *upto)
        .map_or("정상추진", |(s, _)| *s);
    let setback = Rng::new(seed ^ 0x5E7_BAC, leaf_no * 1000 + p.round as u64).percent(3);
    let rate = match status {
        "완료" | "이행후계속추진" => 100,
        _ => (10 + rng.below(40) + 5 * p.round as u64).min(95) - if setback { 10 } else { 0 },
    };
    ws.write_string(0, 0, "공약 추진실적 보고")?;
    ws.write_string(2, 0, "추진상황")?;
    ws.write_string(2, 1, status)?;
    ws.write_string(3, 0, "추진율")?;
    ws.write_number(3, 1, rate as f64)?;
    ws.write_string(4, 0, "추진실적")?;
    ws.write_string(
        4,
        1,
        format!("{} 추진 중 ({}차 보고)", leaf.def().name, p.round + 1),
    )?;
    ws.write_string(5, 0, "문제점 및 대책")?;
    ws.write_string(5, 1, "예산 확보 지연: 관계 부처 협의")?;
    ws.write_string(6, 0, "향후계획")?;
    ws.write_string(6, 1, "다음 분기 사업 추진")?;

    let header = 9u32;
    ws.write_string(header - 1, 0, "재원 확보·집행")?;
    ws.write_string(header - 1, 8, p.unit.note())?;
    let mut labels = vec![
        "구분".to_owned(),
        "재원".to_owned(),
        "총계".to_owned(),
        "기투자".to_owned(),
    ];
    labels.extend(TERM.map(|y| format!("{y}년")));
    for (j, l) in labels.iter().enumerate() {
        ws.write_string(header, j as u16, l)?;
    }
    // Columns 기투자 + term years (the plan's 임기후 is not secured yet); the last
    // term year is the current one.
    let original = leaf_amounts(seed, p.pledge, p.leaf);
    let current = 5;
    let grown = (2 + p.round as i64).min(10);
    let secured: Vec<[i64; 6]> = (0..4)
        .map(|s| {
            let share = 5 + rng.below(6) as i64;
            std::array::from_fn(|j| {
                let settled = original[s][j] * share / 10;
                let v = if j == current {
                    plan[s][j] * grown / 10
                } else {
                    settled
                };
                v.min(plan[s][j])
            })
        })
        .collect();
    let mut spent: Vec<[i64; 6]> = secured
        .iter()
        .map(|row| {
            let share = 3 + rng.below(8) as i64;
            std::array::from_fn(|j| row[j] * share / 10)
        })
        .collect();
    if overspent {
        spent[2][current] = secured[2][current] + 100;
    }
    for (g, (name, table)) in [("확보액", &secured), ("집행액", &spent)]
        .iter()
        .enumerate()
    {
        let sum_row = header + 1 + 5 * g as u32;
        ws.write_string(sum_row, 0, *name)?;
        ws.write_string(sum_row, 1, "계")?;
        let col_sum = |j: usize| -> i64 { table.iter().map(|r| r[j]).sum() };
        let all: i64 = (0..6).map(col_sum).sum();
        ws.write_with_format(sum_row, 2, p.unit.written(all), fmt)?;
        for j in 0..6 {
            ws.write_with_format(sum_row, 3 + j as u16, p.unit.written(col_sum(j)), fmt)?;
        }
        for (s, src) in SOURCES.iter().enumerate() {
            let r = sum_row + 1 + s as u32;
            ws.write_string(r, 1, *src)?;
            ws.write_with_format(r, 2, p.unit.written(table[s].iter().sum()), fmt)?;
            for (j, v) in table[s].iter().enumerate() {
                ws.write_with_format(r, 3 + j as u16, p.unit.written(*v), fmt)?;
            }
        }
    }
    let ind_header = header + 13;
    ws.write_string(ind_header - 1, 0, "지표 실적")?;
    ws.write_string(ind_header, 0, "지표")?;
    ws.write_string(ind_header, 1, "단위")?;
    for (j, y) in TERM.enumerate() {
        ws.write_string(ind_header, 2 + j as u16, format!("{y}년"))?;
    }
    for (k, ind) in leaf.def().indicators.iter().enumerate() {
        let r = ind_header + 1 + k as u32;
        ws.write_string(r, 0, &ind.name)?;
        ws.write_string(r, 1, &ind.unit)?;
        for j in 0..2u16 {
            let settled = 4 * (k + 1) + 2 * j as usize + rng.below(3) as usize;
            ws.write_number(r, 2 + j, settled as f64)?;
        }
        ws.write_number(r, 2 + current as u16 - 1, (k + 1 + p.round / 2) as f64)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::check::check;
    use crate::core::definition::Catalog;
    use crate::core::finding::Code;

    fn catalog(spec: &BatchSpec) -> Catalog {
        let mut c = Catalog::default();
        for (i, p) in definitions(spec).unwrap().into_iter().enumerate() {
            c.add(p, format!("{}.toml", pledge_id(i)).into()).unwrap();
        }
        c
    }

    #[test]
    fn a_city_has_categories_departments_and_a_round_with_every_leaf_state() {
        let spec = BatchSpec::new(0, 12);
        let mut c = catalog(&spec);
        c.city = crate::core::definition::City::from_toml(CITY_TOML).unwrap();
        let p = &c.pledges[7];
        assert_eq!(
            (p.number.as_deref(), p.category.as_deref(), p.core),
            (Some("2-2"), Some("복지"), true)
        );
        let leaves = p.leaves();
        assert_eq!(
            leaves[2].department(p),
            format!("{}지원과", p.department.trim_end_matches('과'))
        );
        assert!(leaves[3].contact().is_some() && leaves[0].contact().is_none());
        let cats: std::collections::BTreeSet<_> = c
            .pledges
            .iter()
            .filter_map(|p| p.category.clone())
            .collect();
        assert_eq!(cats.len(), CATEGORIES.len());
        let now = chrono::Local::now();
        let o = crate::core::overview::overview(&c, &round_records(&spec, &c.pledges, now), now);
        assert_eq!(o.counts.leaves, 60);
        assert!(o.counts.filed > 0 && o.counts.rejected > 0 && o.counts.missing > 0);
        // The round's due date has passed: whoever owes a file is overdue.
        assert_eq!(o.counts.overdue, o.counts.missing + o.counts.rejected);
        // Sums of a complete pledge match its declaration.
        let complete = o.pledges.iter().find(|p| p.filed == p.leaves).unwrap();
        assert_eq!(complete.diff(), Decimal::ZERO);
    }

    #[test]
    fn thousands_groups_like_staff_type() {
        assert_eq!(thousands(Decimal::from(1234567)), "1,234,567");
        assert_eq!(thousands(Decimal::from(100)), "100");
        assert_eq!(thousands(Decimal::new(123456, 2)), "1,234.56");
    }

    /// Every kind of file the generator writes reads back as what it means: the
    /// regular and irregular ones are accepted with the leaf's amounts in 백만원,
    /// the ones with a typo are rejected for their sums.
    #[test]
    fn every_kind_of_generated_file_checks_as_intended() {
        let spec = BatchSpec::new(0, 2);
        let cat = catalog(&spec);
        let pledges = definitions(&spec).unwrap();
        for drift in [
            Drift::None,
            Drift::Shifted,
            Drift::Synonyms,
            Drift::TypedText,
            Drift::BlankRows,
        ] {
            for unit in [
                FileUnit::Million,
                FileUnit::Thousand,
                FileUnit::HundredMillion,
            ] {
                for leaf in 0..LEAVES_PER_PLEDGE {
                    for (typo, progress) in [
                        (false, None),
                        (true, None),
                        (false, Some(false)),
                        (false, Some(true)),
                    ] {
                        let p = Plan {
                            pledge: 1,
                            leaf,
                            round: 2,
                            base_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                            unit,
                            drift,
                            typo,
                            progress,
                            reason: leaf % 2 == 0,
                        };
                        let pledge = &pledges[1];
                        let l = pledge.leaves()[leaf];
                        let bytes = submission_bytes(spec.seed, pledge, l, &p).unwrap();
                        let c = check(&bytes, &cat, &Default::default());
                        let what = format!(
                            "{drift:?} {unit:?} leaf {leaf} typo {typo} progress {progress:?}"
                        );
                        if typo {
                            assert!(!c.accepted(), "{what}");
                            // The totals are formulas whose stored results the typo
                            // left behind: a stale table, one finding for all of it.
                            assert!(
                                c.findings.iter().any(|f| matches!(
                                    f.kind,
                                    Some(crate::core::finding::Kind::StaleFormulas { .. })
                                )),
                                "{what}: {:#?}",
                                c.findings
                            );
                            continue;
                        }
                        assert!(c.accepted(), "{what}: {:#?}", c.findings);
                        let overspent = c.findings.iter().any(|f| f.code == Code::Overspend);
                        assert_eq!(overspent, progress == Some(true), "{what}");
                        assert!(
                            c.findings.iter().all(|f| matches!(f.code, Code::Overspend)),
                            "{what}: {:#?}",
                            c.findings
                        );
                        let s = c.submission.unwrap();
                        assert_eq!(s.progress.is_some(), progress.is_some(), "{what}");
                        assert_eq!(s.info.reason.is_some(), p.reason, "{what}");
                        assert_eq!(s.leaf, l.key(), "{what}");
                        assert_eq!(s.base_date, p.base_date, "{what}");
                        assert_eq!(s.investment.sum.total, l.def().budget, "{what}");
                        assert!(
                            !c.findings
                                .iter()
                                .any(|f| matches!(f.code, Code::Budget | Code::Fraction)),
                            "{what}: {:#?}",
                            c.findings
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_batch_supersedes_by_round_and_is_deterministic() {
        let spec = BatchSpec::new(30, 2);
        let pledges = definitions(&spec).unwrap();
        let a = file(&spec, &pledges, 12).unwrap();
        let b = file(&spec, &pledges, 12).unwrap();
        assert_eq!(a.name, b.name);
        assert_eq!(a.bytes, b.bytes);
        // File 12 is round 2 (10 leaves per round) of leaf 3 of the first pledge.
        assert!(a.name.starts_with("pledge-001_3_"), "{}", a.name);
        assert!(a.name.contains("_002차_"), "{}", a.name);
        let p0 = plan(&spec, 2);
        let p1 = plan(&spec, 12);
        assert_eq!((p0.pledge, p0.leaf), (p1.pledge, p1.leaf));
        assert!(p1.base_date > p0.base_date);
    }
}
