//! The city's view (SPEC §9): every pledge at once, and who still owes a file for the
//! reporting round. A pure function of the catalog, the ledger and `now` (never the
//! clock), built on the pledge reports of [`consolidate_all`] so the overview's sums
//! are exactly the pledge reports' sums.
//!
//! Extending it: another helper's figures go in a new field of [`Overview`] computed
//! here, and a new sheet is one function in `xlsx/overview/` listed in its `SHEETS`.

use crate::core::changes::{CityChange, city_changes};
use crate::core::consolidate::{Outcome, PledgeReport, Received, consolidate_all};
use crate::core::definition::{Catalog, LeafKey, Pledge, Round};
use crate::core::finding::Code;
use crate::core::model::AmountRow;
use crate::core::rates::{CityRates, Laggard, city_rates, laggards};
use chrono::{DateTime, Datelike, Local, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// 분야 of a pledge whose definition names none.
pub const NO_CATEGORY: &str = "미분류";

/// Where one leaf stands in the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LeafState {
    /// An accepted submission counts for the round, and no later file was rejected.
    Filed,
    /// Nothing counts for the round yet; the due date has not passed (or no round).
    Missing,
    /// The latest file of the leaf in the round was rejected (with its error codes);
    /// `overdue` days when the due date has passed too.
    Rejected {
        codes: Vec<Code>,
        reason: String,
        overdue: Option<i64>,
    },
    /// Nothing counts for the round and the due date passed `days` days ago.
    Overdue { days: i64 },
}

impl LeafState {
    pub fn is_filed(&self) -> bool {
        matches!(self, LeafState::Filed)
    }

    /// Days past the due date, for a leaf that still owes a file.
    pub fn overdue_days(&self) -> Option<i64> {
        match self {
            LeafState::Overdue { days } => Some(*days),
            LeafState::Rejected { overdue, .. } => *overdue,
            _ => None,
        }
    }

    /// The word on 제출 현황 and in `gongyak status`: `제출`, `미제출`,
    /// `반려 (E-ROWSUM)`, `기한 경과 3일`.
    pub fn label(&self) -> String {
        match self {
            LeafState::Filed => "제출".to_owned(),
            LeafState::Missing => "미제출".to_owned(),
            LeafState::Overdue { days } => format!("기한 경과 {days}일"),
            LeafState::Rejected { codes, overdue, .. } => {
                let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
                let mut s = format!("반려 ({})", codes.join(", "));
                if let Some(d) = overdue {
                    s.push_str(&format!(", 기한 경과 {d}일"));
                }
                s
            }
        }
    }
}

/// One row of 제출 현황: a leaf, who files it, and its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeafRow {
    pub department: String,
    pub pledge_id: String,
    pub number: Option<String>,
    pub title: String,
    pub leaf: LeafKey,
    pub state: LeafState,
    /// The latest file received for the leaf (accepted or rejected).
    pub file: Option<String>,
    pub received_at: Option<DateTime<Local>>,
    /// 기준일 of the submission in the report.
    pub base_date: Option<NaiveDate>,
    /// From the latest accepted submission, else the definition.
    pub person: String,
    pub phone: String,
}

/// One row of 공약별 현황.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PledgeRow {
    pub id: String,
    pub number: Option<String>,
    pub category: Option<String>,
    pub core: bool,
    pub title: String,
    pub department: String,
    /// The pledge report's file name, for a relative hyperlink from the outbox.
    pub report_file: String,
    pub leaves: usize,
    pub filed: usize,
    pub latest_base_date: Option<NaiveDate>,
    /// 공약 총사업비 from the definition.
    pub declared: Decimal,
    /// 당초: 총계 of the first accepted submission of each leaf (SPEC §10).
    pub original_total: Decimal,
    /// 총계 of the consolidated submissions.
    pub total: Decimal,
    /// 총계 by source, aligned with [`Overview::sources`].
    pub by_source: Vec<Decimal>,
}

impl PledgeRow {
    pub fn diff(&self) -> Decimal {
        self.total - self.declared
    }
}

/// The round's counts over every leaf. `overdue` counts leaves that still owe a file
/// after the due date, whether 미제출 or 반려.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pledges: usize,
    pub leaves: usize,
    pub filed: usize,
    pub missing: usize,
    pub rejected: usize,
    pub overdue: usize,
}

/// An amount table with its own columns: `총계, 기투자, years…, 임기후` (the union of
/// the pledges' years) or, for 분야 × 재원, `총계, sources…`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    /// Label and cells, aligned with `columns`.
    pub rows: Vec<(String, Vec<Decimal>)>,
}

/// One line of the 분야 table on 총괄.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    pub category: String,
    pub pledges: usize,
    pub leaves: usize,
    pub declared: Decimal,
    pub total: Decimal,
    /// Aligned with [`Overview::sources`].
    pub by_source: Vec<Decimal>,
}

/// Everything the overview workbook shows. No generation time in it: its digest
/// decides whether the workbook is rewritten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub city: Option<String>,
    pub round: Option<Round>,
    pub unit: String,
    /// Funding sources of all pledges, in order of first appearance.
    pub sources: Vec<String>,
    /// Term years of all pledges (their union), ascending.
    pub years: Vec<i32>,
    pub counts: Counts,
    /// In 관리번호 order.
    pub pledges: Vec<PledgeRow>,
    /// Grouped by department, then in 관리번호 and plan order.
    pub leaves: Vec<LeafRow>,
    pub categories: Vec<CategoryRow>,
    /// City-wide 연차별 투자계획: `계` then one row per source.
    pub invest: Table,
    /// 분야 × 재원 (총계 by source).
    pub by_category_source: Table,
    /// 분야 × 연도 (the 계 row of each 분야).
    pub by_category_year: Table,
    /// Every plan change across pledges, in the published format (SPEC §10). Not
    /// serialised: it is a function of the pledge reports, so the overview's content
    /// digest covers it through theirs (`Engine::write_reports`).
    #[serde(skip)]
    pub changes: Vec<CityChange>,
    /// §11's rates by 분야, for the city and for 핵심공약, with their denominators.
    pub rates: CityRates,
    /// 부진사업 for the 보고회 (SPEC §11).
    pub laggards: Vec<Laggard>,
}

/// The file name of a pledge's report (as in the outbox).
pub fn report_file_name(pledge_id: &str) -> String {
    format!("{pledge_id}_공약추진현황.xlsx")
}

/// Builds the overview from every ledger record (in arrival order).
pub fn overview(catalog: &Catalog, records: &[Received], now: DateTime<Local>) -> Overview {
    let reports = consolidate_all(&catalog.pledges, records, |_| true);
    overview_of(catalog, &reports, records, now)
}

/// [`overview`] from pledge reports already consolidated (the engine has them).
pub fn overview_of(
    catalog: &Catalog,
    reports: &[(&Pledge, PledgeReport)],
    records: &[Received],
    now: DateTime<Local>,
) -> Overview {
    let round = catalog.city.round.as_ref();
    let today = now.date_naive();
    let files = files_by_leaf(records, round);
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|&a, &b| number_order(reports[a].0, reports[b].0));

    let sources = union_sources(reports.iter().map(|(p, _)| *p));
    let years = union_years(reports.iter().map(|(p, _)| *p));
    let mut pledges = Vec::new();
    let mut leaves = Vec::new();
    for &i in &order {
        let (pledge, report) = &reports[i];
        let mut filed = 0;
        for (leaf, status) in pledge.leaves().iter().zip(&report.leaves) {
            let row = leaf_row(pledge, leaf, status, &files, records, round, today);
            filed += usize::from(row.state.is_filed());
            leaves.push(row);
        }
        pledges.push(pledge_row(pledge, report, filed, &sources));
    }
    // Stable: within a department, leaves stay in 관리번호 and plan order.
    leaves.sort_by(|a, b| a.department.cmp(&b.department));

    let ordered: Vec<&(&Pledge, PledgeReport)> = order.iter().map(|&i| &reports[i]).collect();
    let counts = count(&pledges, &leaves);
    let categories = categories(&pledges);
    let (before, after) = labels(reports.iter().map(|(p, _)| *p));
    let invest = city_table(&ordered, &sources, &years, &before, &after);
    let by_category_source = category_sources(&categories, &sources);
    let by_category_year = category_years(&ordered, &years);
    let refs: Vec<&PledgeReport> = ordered.iter().map(|(_, r)| r).collect();
    // 목표달성률 looks at "the current year": the round's, else today's.
    let year = round.map_or(today.year(), |r| r.opens.year());
    Overview {
        city: catalog.city.name.clone(),
        round: round.cloned(),
        unit: reports
            .first()
            .map_or_else(|| "백만원".to_owned(), |(p, _)| p.unit.clone()),
        sources,
        years,
        counts,
        pledges,
        leaves,
        categories,
        invest,
        by_category_source,
        by_category_year,
        changes: city_changes(refs.iter().copied()),
        rates: city_rates(&refs, year),
        laggards: laggards(&refs),
    }
}

/// One leaf's row of 제출 현황: its state, last file and contact.
fn leaf_row(
    pledge: &Pledge,
    leaf: &crate::core::definition::Leaf<'_>,
    status: &crate::core::consolidate::LeafStatus,
    files: &HashMap<(&str, &LeafKey), LeafFiles<'_>>,
    records: &[Received],
    round: Option<&Round>,
    today: NaiveDate,
) -> LeafRow {
    let key = leaf.key();
    let seen = files.get(&(pledge.id.as_str(), &key));
    let state = state_of(seen, round, today);
    let last = seen.and_then(|s| s.last_any);
    let cur = status.current.as_ref();
    let info = cur
        .and_then(|c| {
            let i = records.binary_search_by_key(&c.seq, |r| r.seq).ok()?;
            records.get(i)
        })
        .and_then(|r| r.submission.as_ref())
        .map(|s| &s.info);
    let def = leaf.contact();
    let pick = |sub: Option<&String>, def: Option<&String>| {
        sub.filter(|s| !s.trim().is_empty())
            .or(def)
            .cloned()
            .unwrap_or_default()
    };
    LeafRow {
        department: leaf.department(pledge).to_owned(),
        pledge_id: pledge.id.clone(),
        number: pledge.number.clone(),
        title: pledge.title.clone(),
        leaf: key,
        state,
        file: last.map(|r| r.name.clone()),
        received_at: last.map(|r| r.received_at),
        base_date: cur.map(|c| c.base_date),
        person: pick(info.map(|i| &i.person), def.map(|c| &c.name)),
        phone: pick(info.map(|i| &i.phone), def.map(|c| &c.phone)),
    }
}

/// One pledge's row of 공약별 현황, `filed` of its leaves having filed.
fn pledge_row(
    pledge: &Pledge,
    report: &PledgeReport,
    filed: usize,
    sources: &[String],
) -> PledgeRow {
    PledgeRow {
        id: pledge.id.clone(),
        number: pledge.number.clone(),
        category: pledge.category.clone(),
        core: pledge.core,
        title: pledge.title.clone(),
        department: pledge.department.clone(),
        report_file: report_file_name(&pledge.id),
        leaves: report.leaves.len(),
        filed,
        latest_base_date: report
            .leaves
            .iter()
            .filter_map(|l| l.current.as_ref().map(|c| c.base_date))
            .max(),
        declared: pledge.declared.total,
        original_total: report.changes.original_total(),
        total: report.total.sum.total,
        by_source: sources
            .iter()
            .map(|s| source_total(report, s).unwrap_or_default())
            .collect(),
    }
}

/// The files of one leaf that matter to its state.
#[derive(Default)]
struct LeafFiles<'a> {
    /// Latest file (accepted or rejected) ever received.
    last_any: Option<&'a Received>,
    /// Latest file received in the round (or ever, without a round).
    last_in_round: Option<&'a Received>,
    /// Whether an accepted file was received in the round.
    accepted_in_round: bool,
}

fn files_by_leaf<'a>(
    records: &'a [Received],
    round: Option<&Round>,
) -> HashMap<(&'a str, &'a LeafKey), LeafFiles<'a>> {
    let mut out: HashMap<(&str, &LeafKey), LeafFiles> = HashMap::new();
    for r in records {
        if r.outcome == Outcome::Duplicate {
            continue;
        }
        let pledge = r
            .submission
            .as_ref()
            .map(|s| s.pledge_id.as_str())
            .or(r.pledge_id.as_deref());
        let (Some(pledge), Some(leaf)) = (pledge, r.leaf_named()) else {
            continue;
        };
        let e = out.entry((pledge, leaf)).or_default();
        // Records come in arrival order; `seq` decides anyway.
        if e.last_any.is_none_or(|l| l.seq < r.seq) {
            e.last_any = Some(r);
        }
        let in_round = round.is_none_or(|rd| r.received_at.date_naive() >= rd.opens);
        if in_round {
            if e.last_in_round.is_none_or(|l| l.seq < r.seq) {
                e.last_in_round = Some(r);
            }
            e.accepted_in_round |= r.outcome == Outcome::Accepted;
        }
    }
    out
}

/// The round's rule: filed when an accepted file arrived in the round, unless the
/// latest file of the round was rejected; overdue once `today` is past the due date.
fn state_of(files: Option<&LeafFiles>, round: Option<&Round>, today: NaiveDate) -> LeafState {
    let overdue = round.map(|r| (today - r.due).num_days()).filter(|d| *d > 0);
    match files.and_then(|f| f.last_in_round) {
        Some(last) if last.outcome == Outcome::Rejected => {
            let mut codes: Vec<Code> = Vec::new();
            for f in last.findings.iter().filter(|f| f.is_error()) {
                if !codes.contains(&f.code) {
                    codes.push(f.code);
                }
            }
            let reason = last
                .findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| f.message.clone())
                .unwrap_or_default();
            LeafState::Rejected {
                codes,
                reason,
                overdue,
            }
        }
        _ if files.is_some_and(|f| f.accepted_in_round) => LeafState::Filed,
        _ => match overdue {
            Some(days) => LeafState::Overdue { days },
            None => LeafState::Missing,
        },
    }
}

fn count(pledges: &[PledgeRow], leaves: &[LeafRow]) -> Counts {
    let mut c = Counts {
        pledges: pledges.len(),
        leaves: leaves.len(),
        ..Counts::default()
    };
    for l in leaves {
        match l.state {
            LeafState::Filed => c.filed += 1,
            LeafState::Rejected { .. } => c.rejected += 1,
            LeafState::Missing | LeafState::Overdue { .. } => c.missing += 1,
        }
        c.overdue += usize::from(l.state.overdue_days().is_some());
    }
    c
}

/// 관리번호 order: natural, pledges without a number last (in catalog order).
fn number_order(a: &Pledge, b: &Pledge) -> Ordering {
    match (&a.number, &b.number) {
        (Some(x), Some(y)) => natural_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// One piece of a 관리번호 for comparison.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u64),
    Text(String),
}

/// Splits a 관리번호 into numbers and text: digit runs, circled numbers (`①`) and
/// Roman numerals standing alone (`III`, `Ⅳ`) are numbers, so `2` < `10`,
/// `II` < `IX` < `X`. natord and similar crates know only ASCII digits.
fn parts(s: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while i < chars.len() && chars[i].is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(chars[i] as u32 - '0' as u32));
                i += 1;
            }
            out.push(Part::Number(n));
        } else if let Some(n) = circled(c) {
            out.push(Part::Number(n));
            i += 1;
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len()
                && chars[i].is_alphanumeric()
                && !chars[i].is_ascii_digit()
                && circled(chars[i]).is_none()
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(match roman(&word) {
                Some(n) => Part::Number(n),
                None => Part::Text(word.to_lowercase()),
            });
        } else {
            // Separators (`-`, `.`, spaces) only split.
            i += 1;
        }
    }
    out
}

fn circled(c: char) -> Option<u64> {
    match c {
        '①'..='⑳' => Some(u64::from(c as u32 - '①' as u32 + 1)),
        '❶'..='❿' => Some(u64::from(c as u32 - '❶' as u32 + 1)),
        _ => None,
    }
}

/// A Roman numeral written with Latin capitals or the Unicode forms (`Ⅲ`).
fn roman(word: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut prev = 0;
    for c in word.chars().rev() {
        let v = match c {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            'L' => 50,
            'C' => 100,
            'Ⅰ'..='Ⅻ' => {
                return (word.chars().count() == 1).then(|| u64::from(c as u32 - 'Ⅰ' as u32 + 1));
            }
            'ⅰ'..='ⅻ' => {
                return (word.chars().count() == 1).then(|| u64::from(c as u32 - 'ⅰ' as u32 + 1));
            }
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

/// Natural order of 관리번호: `3-2` < `3-10`, `III-①-1` < `III-②-1` < `IV-①-1`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

fn union_sources<'a>(pledges: impl Iterator<Item = &'a Pledge>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pledges {
        for s in &p.sources {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

fn union_years<'a>(pledges: impl Iterator<Item = &'a Pledge>) -> Vec<i32> {
    let set: std::collections::BTreeSet<i32> = pledges.flat_map(|p| p.term.years()).collect();
    set.into_iter().collect()
}

/// 기투자 / 임기후 as the first pledge calls them.
fn labels<'a>(mut pledges: impl Iterator<Item = &'a Pledge>) -> (String, String) {
    pledges.next().map_or_else(
        || ("기투자".to_owned(), "임기후".to_owned()),
        |p| (p.before_label.clone(), p.after_label.clone()),
    )
}

fn source_total(report: &PledgeReport, source: &str) -> Option<Decimal> {
    report
        .total
        .sources
        .iter()
        .find(|(s, _)| s == source)
        .map(|(_, row)| row.total)
}

/// A pledge's row (`총계, 기투자, its years…, 임기후`) spread over the union columns.
fn spread(pledge: &Pledge, row: &AmountRow, years: &[i32], acc: &mut [Decimal]) {
    if acc.len() != years.len() + 3 {
        return;
    }
    acc[0] += row.total;
    acc[1] += row.before;
    for y in pledge.term.years() {
        if let (Ok(j), Some(v)) = (years.binary_search(&y), row.years.get(&y)) {
            acc[2 + j] += *v;
        }
    }
    acc[years.len() + 2] += row.after;
}

fn amount_columns(years: &[i32], before: &str, after: &str) -> Vec<String> {
    let mut columns = vec!["총계".to_owned(), before.to_owned()];
    columns.extend(years.iter().map(|y| format!("{y}년")));
    columns.push(after.to_owned());
    columns
}

fn city_table(
    reports: &[&(&Pledge, PledgeReport)],
    sources: &[String],
    years: &[i32],
    before: &str,
    after: &str,
) -> Table {
    let width = years.len() + 3;
    let mut sum = vec![Decimal::ZERO; width];
    let mut by_source = vec![vec![Decimal::ZERO; width]; sources.len()];
    for (pledge, report) in reports {
        spread(pledge, &report.total.sum, years, &mut sum);
        for (name, cells) in &report.total.sources {
            if let Some(i) = sources.iter().position(|s| s == name) {
                spread(pledge, cells, years, &mut by_source[i]);
            }
        }
    }
    let mut rows = vec![("계".to_owned(), sum)];
    rows.extend(sources.iter().cloned().zip(by_source));
    Table {
        columns: amount_columns(years, before, after),
        rows,
    }
}

fn categories(pledges: &[PledgeRow]) -> Vec<CategoryRow> {
    let mut out: Vec<CategoryRow> = Vec::new();
    for p in pledges {
        let name = p.category.as_deref().unwrap_or(NO_CATEGORY);
        let i = match out.iter().position(|c| c.category == name) {
            Some(i) => i,
            None => {
                out.push(CategoryRow {
                    category: name.to_owned(),
                    pledges: 0,
                    leaves: 0,
                    declared: Decimal::ZERO,
                    total: Decimal::ZERO,
                    by_source: vec![Decimal::ZERO; p.by_source.len()],
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.pledges += 1;
        c.leaves += p.leaves;
        c.declared += p.declared;
        c.total += p.total;
        for (acc, v) in c.by_source.iter_mut().zip(&p.by_source) {
            *acc += *v;
        }
    }
    out
}

fn category_sources(categories: &[CategoryRow], sources: &[String]) -> Table {
    let mut columns = vec!["총계".to_owned()];
    columns.extend(sources.iter().cloned());
    let rows = categories
        .iter()
        .map(|c| {
            let mut cells = vec![c.total];
            cells.extend(c.by_source.iter().copied());
            (c.category.clone(), cells)
        })
        .collect();
    Table { columns, rows }
}

fn category_years(reports: &[&(&Pledge, PledgeReport)], years: &[i32]) -> Table {
    let mut acc: Vec<(String, Vec<Decimal>)> = Vec::new();
    let width = years.len() + 3;
    for (pledge, report) in reports {
        let name = pledge.category.as_deref().unwrap_or(NO_CATEGORY);
        let i = match acc.iter().position(|(c, _)| c == name) {
            Some(i) => i,
            None => {
                acc.push((name.to_owned(), vec![Decimal::ZERO; width]));
                acc.len() - 1
            }
        };
        spread(pledge, &report.total.sum, years, &mut acc[i].1);
    }
    // 총계 and the years: 기투자 and 임기후 are on the city table above.
    let mut columns = vec!["총계".to_owned()];
    columns.extend(years.iter().map(|y| format!("{y}년")));
    let rows = acc
        .into_iter()
        .map(|(c, cells)| {
            let mut row = vec![cells[0]];
            row.extend_from_slice(&cells[2..2 + years.len()]);
            (c, row)
        })
        .collect();
    Table { columns, rows }
}

/// Per-department lines of the leaves that still owe something, for `gongyak status`.
pub fn open_by_department(o: &Overview) -> BTreeMap<&str, Vec<&LeafRow>> {
    let mut out: BTreeMap<&str, Vec<&LeafRow>> = BTreeMap::new();
    for l in o.leaves.iter().filter(|l| !l.state.is_filed()) {
        out.entry(l.department.as_str()).or_default().push(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::finding::Finding;
    use crate::core::model::{AmountRow, Investment, Submission, SubmissionInfo};
    use chrono::TimeZone;

    const ANSAN: &str = include_str!("../../templates/ansan-innopolis.toml");

    /// A second and third pledge made from the Ansan one: other id, title, 관리번호,
    /// 분야 and (for `term`) other years.
    fn pledge(id: &str, number: Option<&str>, category: Option<&str>, term: (i32, i32)) -> Pledge {
        let mut text = ANSAN
            .replacen("id = \"ansan-innopolis\"", &format!("id = \"{id}\""), 1)
            .replacen(
                "title = \"안산 강소연구개발특구 및 안산사이언스밸리 첨단산업 거점 육성\"",
                &format!("title = \"공약 {id}\""),
                1,
            )
            .replacen("start = 2022", &format!("start = {}", term.0), 1)
            .replacen("end = 2026", &format!("end = {}", term.1), 1);
        let mut head = String::new();
        if let Some(n) = number {
            head.push_str(&format!("number = \"{n}\"\n"));
        }
        if let Some(c) = category {
            head.push_str(&format!("category = \"{c}\"\n"));
        }
        text = format!("{head}{text}");
        Pledge::from_toml(&text).unwrap()
    }

    fn catalog(pledges: Vec<Pledge>, round: Option<(u32, u32)>) -> Catalog {
        let mut c = Catalog::default();
        for p in pledges {
            let path = format!("{}.toml", p.id).into();
            c.add(p, path).unwrap();
        }
        c.city.name = Some("안산시".into());
        c.city.round = round.map(|(opens, due)| Round {
            name: "2026년 4분기".into(),
            opens: NaiveDate::from_ymd_opt(2026, 12, opens).unwrap(),
            due: NaiveDate::from_ymd_opt(2026, 12, due).unwrap(),
        });
        c
    }

    fn at(day: u32) -> DateTime<Local> {
        Local.with_ymd_and_hms(2026, 12, day, 10, 0, 0).unwrap()
    }

    /// One record of `leaf` (index in plan order) of `p`: accepted with `amount` in
    /// every term year and source 국비, or rejected with E-ROWSUM.
    fn rec(seq: u64, p: &Pledge, leaf: usize, day: u32, accepted: bool, amount: i64) -> Received {
        let key = p.leaves()[leaf].key();
        let mut row = AmountRow::default();
        for y in p.term.years() {
            row.years.insert(y, Decimal::from(amount));
        }
        row.total = Decimal::from(amount * p.term.len() as i64);
        let mut sources = std::collections::BTreeMap::new();
        sources.insert("국비".to_owned(), row.clone());
        Received {
            seq,
            received_at: at(day),
            name: format!("{}_{leaf}_{seq}.xlsx", p.id),
            size: 1,
            hash: format!("{seq:064x}").into(),
            outcome: if accepted {
                Outcome::Accepted
            } else {
                Outcome::Rejected
            },
            stored_as: String::new().into(),
            pledge_id: Some(p.id.clone().into()),
            findings: if accepted {
                Vec::new()
            } else {
                vec![Finding::new(Code::RowSum, None, "합계가 맞지 않습니다.")]
            },
            submission: accepted.then(|| Submission {
                pledge_id: p.id.clone(),
                leaf: key.clone(),
                base_date: NaiveDate::from_ymd_opt(2026, 11, day.min(30)).unwrap(),
                info: SubmissionInfo {
                    department: p.department.clone(),
                    person: if seq.is_multiple_of(2) {
                        "김담당".into()
                    } else {
                        String::new()
                    },
                    phone: "031-000-0000".into(),
                    reason: None,
                },
                unit: crate::core::normalize::Unit::Million,
                investment: Investment { sum: row, sources },
                targets: Default::default(),
                roadmap: Vec::new(),
                progress: None,
            }),
            named: (!accepted).then_some(key),
        }
    }

    fn state<'a>(o: &'a Overview, id: &str, leaf: usize) -> &'a LeafState {
        let rows: Vec<&LeafRow> = o.leaves.iter().filter(|l| l.pledge_id == id).collect();
        &rows[leaf].state
    }

    #[test]
    fn management_numbers_sort_naturally() {
        let sorted = |v: &[&'static str]| {
            let mut v = v.to_vec();
            v.sort_by(|a, b| natural_cmp(a, b));
            v
        };
        assert_eq!(
            sorted(&["10", "2", "3-10", "3-2", "1"]),
            ["1", "2", "3-2", "3-10", "10"]
        );
        assert_eq!(
            sorted(&["IV-①-1", "III-②-1", "III-①-10", "III-①-2", "IX", "X"]),
            ["III-①-2", "III-①-10", "III-②-1", "IV-①-1", "IX", "X"]
        );
        assert_eq!(natural_cmp("Ⅱ-1", "Ⅲ-1"), Ordering::Less);
        assert_eq!(natural_cmp("경제-2", "경제-10"), Ordering::Less);
        assert_eq!(natural_cmp("경제-2", "복지-1"), Ordering::Less);
    }

    #[test]
    fn pledges_in_number_order_without_number_last() {
        let c = catalog(
            vec![
                pledge("a", None, None, (2022, 2026)),
                pledge("b", Some("10"), Some("경제"), (2022, 2026)),
                pledge("c", Some("2"), Some("복지"), (2022, 2026)),
            ],
            None,
        );
        let o = overview(&c, &[], at(1));
        let ids: Vec<&str> = o.pledges.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        let cats: Vec<&str> = o.categories.iter().map(|c| c.category.as_str()).collect();
        assert_eq!(cats, ["복지", "경제", NO_CATEGORY]);
        assert_eq!(o.counts.leaves, 12);
        assert_eq!(o.counts.missing, 12);
        assert!(o.leaves.iter().all(|l| l.state == LeafState::Missing));
    }

    #[test]
    fn round_counts_files_received_on_or_after_it_opens_and_overdue_after_due() {
        let p = pledge("a", Some("1"), None, (2022, 2026));
        let c = catalog(vec![p.clone()], Some((5, 10)));
        let records = vec![
            rec(1, &p, 0, 4, true, 1),  // before the round: does not count
            rec(2, &p, 1, 5, true, 1),  // on the opening day: counts
            rec(3, &p, 2, 6, true, 1),  // accepted, then
            rec(4, &p, 2, 7, false, 0), // rejected: the latest file decides
            rec(5, &p, 3, 6, false, 0), // rejected, then
            rec(6, &p, 3, 8, true, 1),  // accepted again: filed
        ];
        let o = overview(&c, &records, at(9));
        assert_eq!(state(&o, "a", 0), &LeafState::Missing);
        assert_eq!(state(&o, "a", 1), &LeafState::Filed);
        assert!(
            matches!(state(&o, "a", 2), LeafState::Rejected { codes, overdue: None, .. } if codes == &[Code::RowSum])
        );
        assert_eq!(state(&o, "a", 3), &LeafState::Filed);
        assert_eq!(
            o.counts,
            Counts {
                pledges: 1,
                leaves: 4,
                filed: 2,
                missing: 1,
                rejected: 1,
                overdue: 0
            }
        );
        // Three days after the due date.
        let late = overview(&c, &records, at(13));
        assert_eq!(state(&late, "a", 0), &LeafState::Overdue { days: 3 });
        assert_eq!(state(&late, "a", 0).label(), "기한 경과 3일");
        assert_eq!(state(&late, "a", 2).overdue_days(), Some(3));
        assert_eq!(late.counts.overdue, 2);
        assert_eq!(late.pledges[0].filed, 2);
        // On the due date itself nothing is late yet.
        assert_eq!(overview(&c, &records, at(10)).counts.overdue, 0);
    }

    #[test]
    fn without_a_round_the_latest_accepted_counts_and_nothing_is_overdue() {
        let p = pledge("a", None, None, (2022, 2026));
        let c = catalog(vec![p.clone()], None);
        let records = vec![rec(1, &p, 0, 1, true, 1), rec(2, &p, 1, 2, false, 0)];
        let o = overview(&c, &records, at(31));
        assert_eq!(state(&o, "a", 0), &LeafState::Filed);
        assert!(matches!(
            state(&o, "a", 1),
            LeafState::Rejected { overdue: None, .. }
        ));
        assert_eq!(o.counts.overdue, 0);
        assert_eq!(o.counts.missing, 2);
    }

    #[test]
    fn totals_come_from_the_consolidated_reports_over_the_union_of_years() {
        let a = pledge("a", Some("1"), Some("경제"), (2022, 2026));
        let b = pledge("b", Some("2"), Some("경제"), (2024, 2028));
        let c = catalog(vec![a.clone(), b.clone()], None);
        let records = vec![rec(1, &a, 0, 1, true, 10), rec(2, &b, 0, 1, true, 100)];
        let o = overview(&c, &records, at(2));
        assert_eq!(o.years, (2022..=2028).collect::<Vec<_>>());
        let reports = consolidate_all(&c.pledges, &records, |_| true);
        let (sum_label, sum) = &o.invest.rows[0];
        assert_eq!(sum_label, "계");
        assert_eq!(
            sum[0],
            reports
                .iter()
                .map(|(_, r)| r.total.sum.total)
                .sum::<Decimal>()
        );
        assert_eq!(sum[0], Decimal::from(550));
        // 2022: only a; 2024: both; 2028: only b.
        let col = |y: i32| 2 + o.years.iter().position(|x| *x == y).unwrap();
        assert_eq!(sum[col(2022)], Decimal::from(10));
        assert_eq!(sum[col(2024)], Decimal::from(110));
        assert_eq!(sum[col(2028)], Decimal::from(100));
        assert_eq!(o.invest.rows[1].0, "국비");
        assert_eq!(o.invest.rows[1].1[0], Decimal::from(550));
        assert_eq!(o.invest.columns.len(), o.years.len() + 3);
        // 분야 × 재원 and 분야 × 연도.
        assert_eq!(
            o.by_category_source.rows,
            vec![("경제".to_owned(), {
                let mut v = vec![Decimal::from(550), Decimal::from(550)];
                v.extend([Decimal::ZERO; 3]);
                v
            })]
        );
        assert_eq!(o.by_category_year.rows[0].1[0], Decimal::from(550));
        assert_eq!(o.by_category_year.rows[0].1.len(), 1 + o.years.len());
        // Per pledge: declared against consolidated.
        assert_eq!(o.pledges[0].total, Decimal::from(50));
        assert_eq!(o.pledges[0].diff(), Decimal::from(50) - a.declared.total);
        assert_eq!(
            o.pledges[0].latest_base_date,
            NaiveDate::from_ymd_opt(2026, 11, 1)
        );
        assert_eq!(o.pledges[0].report_file, "a_공약추진현황.xlsx");
    }

    #[test]
    fn leaves_grouped_by_department_with_contacts_from_submission_else_definition() {
        let text = ANSAN.replacen(
            "name = \"스마트제조혁신센터 설립\"",
            "name = \"스마트제조혁신센터 설립\"\ndepartment = \"기업지원과\"\ncontact = { name = \"홍길동\", phone = \"481-0000\" }",
            1,
        );
        let p = Pledge::from_toml(&text).unwrap();
        let c = catalog(vec![p.clone()], None);
        // seq 2 is even: its submission names 김담당.
        let records = vec![rec(2, &p, 0, 1, true, 1)];
        let o = overview(&c, &records, at(2));
        let depts: Vec<&str> = o.leaves.iter().map(|l| l.department.as_str()).collect();
        assert_eq!(
            depts,
            ["기업지원과", "산업진흥과", "산업진흥과", "산업진흥과"]
        );
        assert_eq!(
            (o.leaves[0].person.as_str(), o.leaves[0].phone.as_str()),
            ("홍길동", "481-0000")
        );
        assert_eq!(o.leaves[1].person, "김담당");
        assert_eq!(
            o.leaves[1].file.as_deref(),
            Some("ansan-innopolis_0_2.xlsx")
        );
        let open = open_by_department(&o);
        assert_eq!(
            open.keys().copied().collect::<Vec<_>>(),
            ["기업지원과", "산업진흥과"]
        );
        assert_eq!(open["산업진흥과"].len(), 2);
    }
}
