//! Stage 4, consolidate: the ledger's current submissions → the standard tables of one
//! pledge (SPEC §1, §7). A pure function: the report can be rebuilt at any time.

use crate::core::definition::{LeafKey, Pledge};
use crate::core::finding::{Code, Finding, Severity};
use crate::core::model::{
    AmountRow, Column, IndicatorRow, Investment, Precedence, Progress, RoadmapItem, Submission,
    TargetValue, Targets,
};
use chrono::{DateTime, Local, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

// Shared with the ledger and intake; re-exported where the report code found them.
pub use crate::core::model::{Outcome, Received};

/// The current submission of one leaf, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeafStatus {
    pub key: LeafKey,
    pub declared: Decimal,
    pub current: Option<CurrentSubmission>,
    /// The leaf's latest file, when it was rejected (반려, not 미제출): the report
    /// says why, even if an earlier accepted file is still current.
    pub rejected: Option<RejectedFile>,
}

/// A rejected file as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedFile {
    pub seq: u64,
    pub file: String,
    pub received_at: DateTime<Local>,
    /// The error codes, in order, once each.
    pub codes: Vec<Code>,
}

impl RejectedFile {
    /// The reason in Korean for a manager: the errors' short names.
    pub fn reason(&self) -> String {
        reason_ko(&self.codes)
    }
}

/// `행 합계 불일치, 열 합계 불일치`: the short Korean names of the codes, once each.
pub fn reason_ko(codes: &[Code]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for c in codes {
        if !names.contains(&c.name_ko()) {
            names.push(c.name_ko());
        }
    }
    names.join(", ")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrentSubmission {
    pub seq: u64,
    pub file: String,
    pub base_date: NaiveDate,
    pub received_at: DateTime<Local>,
    pub warnings: usize,
    pub department: String,
    pub person: String,
    /// 총계 of the leaf.
    pub total: Decimal,
    /// Files of this leaf accepted but not used (미반영: an older 기준일).
    pub not_used: usize,
}

/// One investment table: the 계 row and one row per source, each read by
/// [`Column`] (`row.total`, `row.get(Column::Year(2024))`) in the order of
/// [`PledgeReport::columns`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvestmentTable {
    pub sum: AmountRow,
    /// In the definition's source order.
    pub sources: Vec<(String, AmountRow)>,
}

/// The table of one program (사업별), with its sub-programs when it has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramTable {
    pub name: String,
    pub declared: Decimal,
    pub table: InvestmentTable,
    /// Leaves of this program that have no current submission.
    pub missing: Vec<String>,
    pub subprograms: Vec<SubprogramTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubprogramTable {
    pub name: String,
    pub declared: Decimal,
    pub submitted: bool,
    pub table: InvestmentTable,
}

/// Declared against consolidated, for the pledge total and each source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeclaredCheck {
    pub label: String,
    pub declared: Decimal,
    pub actual: Decimal,
}

impl DeclaredCheck {
    pub fn diff(&self) -> Decimal {
        self.actual - self.declared
    }
}

/// 연차별 추진목표 for one leaf.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetRow {
    pub leaf: LeafKey,
    pub submitted: bool,
    pub content: BTreeMap<i32, String>,
    pub indicators: Vec<IndicatorRow>,
    pub note: Option<String>,
}

impl TargetRow {
    /// The text of one year's cell: 추진내용 and its indicators, as in the plan
    /// (`기술이전 10건`); a target not fixed yet shows its note, never 0.
    pub fn cell_text(&self, year: i32) -> String {
        let mut lines = Vec::new();
        if let Some(c) = self.content.get(&year).filter(|c| !c.is_empty()) {
            lines.push(format!("⋅{c}"));
        }
        let mut pending: Option<String> = None;
        for ind in &self.indicators {
            match ind.values.get(&year) {
                Some(TargetValue::Number(n)) => {
                    lines.push(format!(" - {}: {}{}", ind.name, n.normalize(), ind.unit))
                }
                Some(TargetValue::Text(t)) => lines.push(format!(" - {}: {t}", ind.name)),
                Some(TargetValue::ToBeFixed(note)) => {
                    pending.get_or_insert_with(|| note.clone());
                }
                None => {}
            }
        }
        if let Some(p) = pending {
            let shown = if p.is_empty() || p == "미정" {
                self.note
                    .clone()
                    .unwrap_or_else(|| "성과목표 미정".to_owned())
            } else {
                p
            };
            if !lines.iter().any(|l| l.contains(&shown)) {
                lines.push(shown);
            }
        } else if self.indicators.is_empty()
            && year == *self.content.keys().next().unwrap_or(&year)
            && let Some(n) = &self.note
        {
            lines.push(n.clone());
        }
        lines.join("\n")
    }
}

/// One roadmap line with the leaf it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadmapRow {
    pub leaf: LeafKey,
    pub item: RoadmapItem,
}

/// A finding of a current submission, with its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeafFinding {
    pub leaf: Option<LeafKey>,
    pub file: String,
    pub finding: Finding,
}

/// One line of 제출이력.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryRow {
    pub seq: u64,
    pub received_at: DateTime<Local>,
    pub name: String,
    pub hash_prefix: String,
    /// The leaf of an accepted file, or the one a rejected file names.
    pub leaf: Option<LeafKey>,
    pub outcome: Outcome,
    pub codes: Vec<Code>,
}

impl HistoryRow {
    /// The Korean reason beside the codes: the errors of a rejected file, else every
    /// code's short name.
    pub fn reason(&self) -> String {
        let errors: Vec<Code> = self
            .codes
            .iter()
            .copied()
            .filter(|c| c.severity() == Severity::Error)
            .collect();
        if self.outcome == Outcome::Rejected && !errors.is_empty() {
            reason_ko(&errors)
        } else {
            reason_ko(&self.codes)
        }
    }
}

/// Everything the report of one pledge shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PledgeReport {
    pub pledge: Pledge,
    /// The columns of every investment table, in order ([`Pledge::columns`]); their
    /// headers are [`Pledge::column_label`].
    pub columns: Vec<Column>,
    pub leaves: Vec<LeafStatus>,
    pub total: InvestmentTable,
    pub programs: Vec<ProgramTable>,
    pub declared: Vec<DeclaredCheck>,
    pub targets: Vec<TargetRow>,
    pub roadmap: Vec<RoadmapRow>,
    pub findings: Vec<LeafFinding>,
    pub history: Vec<HistoryRow>,
    /// 변경내역 and 당초 vs current (SPEC §10).
    pub changes: crate::core::changes::ChangeLog,
    /// 추진실적 per leaf, in leaf order (SPEC §11).
    pub progress: Vec<LeafProgress>,
}

/// What the 추진실적 sheet and the overview's rates need of one leaf: its plan (from the
/// current submission) and its latest progress report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeafProgress {
    pub key: LeafKey,
    /// 공약 사업비 of the leaf (the weight of its 추진율).
    pub budget: Decimal,
    /// The current plan; `None` when the leaf has no accepted submission.
    pub plan: Option<Investment>,
    pub targets: Option<Targets>,
    /// The latest accepted submission that carried 추진실적, and its 기준일.
    pub progress: Option<Progress>,
    pub base_date: Option<NaiveDate>,
    /// 추진율 of the report before it (an earlier 기준일), to see a fall.
    pub previous_rate: Option<Decimal>,
}

impl PledgeReport {
    /// Leaves without a current submission (미제출).
    pub fn missing(&self) -> impl Iterator<Item = &LeafStatus> {
        self.leaves.iter().filter(|l| l.current.is_none())
    }
}

/// Each leaf's latest file by arrival, when it was rejected (duplicates change
/// nothing and are skipped).
fn latest_rejected<'a>(
    pledge: &Pledge,
    records: impl Iterator<Item = &'a Received>,
) -> HashMap<LeafKey, &'a Received> {
    let mut latest: HashMap<LeafKey, &'a Received> = HashMap::new();
    for r in records {
        if r.pledge_id.as_deref() != Some(pledge.id.as_str()) || r.outcome == Outcome::Duplicate {
            continue;
        }
        if let Some(k) = r.leaf_named()
            && latest.get(k).is_none_or(|b| r.seq > b.seq)
        {
            latest.insert(k.clone(), r);
        }
    }
    latest.retain(|_, r| r.outcome == Outcome::Rejected);
    latest
}

fn error_codes(r: &Received) -> Vec<Code> {
    let mut c: Vec<Code> = Vec::new();
    for f in r.findings.iter().filter(|f| f.is_error()) {
        if !c.contains(&f.code) {
            c.push(f.code);
        }
    }
    c
}

/// Picks the current submission of each leaf by [`Received::precedence`], the rule
/// intake's notices use too.
pub fn current_by_leaf<'a>(
    pledge: &Pledge,
    records: impl IntoIterator<Item = &'a Received>,
) -> BTreeMap<LeafKey, &'a Received> {
    let mut best: BTreeMap<LeafKey, (Precedence, &Received)> = BTreeMap::new();
    for r in records {
        let (Some(p), Some(sub)) = (r.precedence(), r.submission.as_ref()) else {
            continue;
        };
        if sub.pledge_id != pledge.id {
            continue;
        }
        if best.get(&sub.leaf).is_none_or(|(b, _)| p > *b) {
            best.insert(sub.leaf.clone(), (p, r));
        }
    }
    best.into_iter().map(|(k, (_, r))| (k, r)).collect()
}

fn table_of(
    pledge: &Pledge,
    rows: &[&AmountRow],
    by_source: &[BTreeMap<String, AmountRow>],
) -> InvestmentTable {
    let mut sum = AmountRow::default();
    for r in rows {
        sum.add(r);
    }
    let sources = pledge
        .sources
        .iter()
        .map(|s| {
            let mut acc = AmountRow::default();
            for m in by_source {
                if let Some(r) = m.get(s) {
                    acc.add(r);
                }
            }
            (s.clone(), acc)
        })
        .collect();
    InvestmentTable { sum, sources }
}

/// Builds the report of one pledge from every ledger record (in arrival order).
/// Records of other pledges are ignored, except files no pledge could claim
/// (unreadable, unknown 공약명), which every report lists in its history.
pub fn consolidate(pledge: &Pledge, records: &[Received]) -> PledgeReport {
    consolidate_from(pledge, records)
}

/// The records that can matter to each pledge of `pledges` (same order), each list in
/// arrival order, from one pass over the ledger: the pledge's own (by routing or by
/// submission) and the files no pledge claimed, which every report lists. The reports
/// of a whole city then cost O(records), not O(pledges × records).
pub fn by_pledge<'a>(pledges: &[Pledge], records: &'a [Received]) -> Vec<Vec<&'a Received>> {
    let index: HashMap<&str, usize> = pledges
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut out = vec![Vec::new(); pledges.len()];
    for r in records {
        let Some(routed) = r.pledge_id.as_deref() else {
            out.iter_mut().for_each(|v| v.push(r));
            continue;
        };
        if let Some(&i) = index.get(routed) {
            out[i].push(r);
        }
        if let Some(s) = r.submission.as_ref().filter(|s| s.pledge_id != routed)
            && let Some(&i) = index.get(s.pledge_id.as_str())
        {
            out[i].push(r);
        }
    }
    out
}

/// The reports of the pledges `keep` selects (in catalog order), from one pass over
/// the ledger, consolidated on every core.
pub fn consolidate_all<'p>(
    pledges: &'p [Pledge],
    records: &[Received],
    keep: impl Fn(&Pledge) -> bool + Sync,
) -> Vec<(&'p Pledge, PledgeReport)> {
    use rayon::prelude::*;
    let groups = by_pledge(pledges, records);
    pledges
        .par_iter()
        .zip(groups.par_iter())
        .filter(|(p, _)| keep(p))
        .map(|(p, records)| (p, consolidate_from(p, records)))
        .collect()
}

/// [`consolidate`] over any records in arrival order (e.g. one group of
/// [`by_pledge`]).
pub fn consolidate_from<'a, R>(pledge: &Pledge, records: &'a [R]) -> PledgeReport
where
    R: std::borrow::Borrow<Received> + 'a,
{
    let records = || records.iter().map(|r| r.borrow());
    let current = current_by_leaf(pledge, records());
    let not_used = not_used_counts(pledge, records());
    let rejected = latest_rejected(pledge, records());

    let leaves = leaf_statuses(pledge, &current, &not_used, &rejected);
    let all_keys: Vec<LeafKey> = leaves.iter().map(|l| l.key.clone()).collect();
    let total = table_for(pledge, &subs_of(&current, &all_keys));
    let programs = program_tables(pledge, &current, &all_keys);
    let declared = declared_checks(pledge, &total);
    let targets = target_rows(&current, &all_keys);
    let roadmap = roadmap_rows(&current, &all_keys);
    let findings = leaf_findings(&current, &rejected, &all_keys);
    let history = history_rows(pledge, records());

    let progress = pledge
        .leaves()
        .iter()
        .map(|l| leaf_progress(pledge, l, &current, records()))
        .collect();

    PledgeReport {
        pledge: pledge.clone(),
        columns: pledge.columns(),
        leaves,
        total,
        programs,
        declared,
        targets,
        roadmap,
        findings,
        history,
        changes: crate::core::changes::history(pledge, records()),
        progress,
    }
}

/// The current file of each leaf, by leaf.
type CurrentByLeaf<'a> = BTreeMap<LeafKey, &'a Received>;
/// The latest rejected file of each leaf, by leaf.
type RejectedByLeaf<'a> = HashMap<LeafKey, &'a Received>;

/// How many of each leaf's files of this pledge were superseded (Older).
fn not_used_counts<'a>(
    pledge: &Pledge,
    records: impl Iterator<Item = &'a Received>,
) -> HashMap<&'a LeafKey, usize> {
    let mut not_used: HashMap<&LeafKey, usize> = HashMap::new();
    for s in records
        .filter(|r| r.outcome == Outcome::Older)
        .filter_map(|r| r.submission.as_ref())
        .filter(|s| s.pledge_id == pledge.id)
    {
        *not_used.entry(&s.leaf).or_default() += 1;
    }
    not_used
}

/// The current submissions of the given leaves, in order, skipping the
/// leaves with none.
fn subs_of<'a>(current: &CurrentByLeaf<'a>, keys: &[LeafKey]) -> Vec<&'a Submission> {
    keys.iter()
        .filter_map(|k| current.get(k).and_then(|r| r.submission.as_ref()))
        .collect()
}

/// The investment table summed over the given submissions.
fn table_for(pledge: &Pledge, subs: &[&Submission]) -> InvestmentTable {
    let sums: Vec<&AmountRow> = subs.iter().map(|s| &s.investment.sum).collect();
    let srcs: Vec<BTreeMap<String, AmountRow>> =
        subs.iter().map(|s| s.investment.sources.clone()).collect();
    table_of(pledge, &sums, &srcs)
}

/// Each leaf's current and latest rejected file.
fn leaf_statuses(
    pledge: &Pledge,
    current: &CurrentByLeaf<'_>,
    not_used: &HashMap<&LeafKey, usize>,
    rejected: &RejectedByLeaf<'_>,
) -> Vec<LeafStatus> {
    pledge
        .leaves()
        .iter()
        .map(|l| {
            let key = l.key();
            let cur = current.get(&key).and_then(|r| {
                let s = r.submission.as_ref()?;
                Some(CurrentSubmission {
                    seq: r.seq,
                    file: r.name.clone(),
                    base_date: s.base_date,
                    received_at: r.received_at,
                    warnings: r.warnings(),
                    department: s.info.department.clone(),
                    person: s.info.person.clone(),
                    total: s.investment.sum.total,
                    not_used: not_used.get(&key).copied().unwrap_or(0),
                })
            });
            LeafStatus {
                rejected: rejected.get(&key).map(|r| RejectedFile {
                    seq: r.seq,
                    file: r.name.clone(),
                    received_at: r.received_at,
                    codes: error_codes(r),
                }),
                key,
                declared: l.def().budget,
                current: cur,
            }
        })
        .collect()
}

/// Each program's table, its missing leaves and its subprograms' tables.
fn program_tables(
    pledge: &Pledge,
    current: &CurrentByLeaf<'_>,
    all_keys: &[LeafKey],
) -> Vec<ProgramTable> {
    pledge
        .programs
        .iter()
        .map(|p| {
            let keys: Vec<LeafKey> = all_keys
                .iter()
                .filter(|k| k.program == p.name)
                .cloned()
                .collect();
            let missing = keys
                .iter()
                .filter(|k| !current.contains_key(*k))
                .map(LeafKey::label)
                .collect();
            let subprograms = p
                .subprograms
                .iter()
                .map(|s| {
                    let key = LeafKey {
                        program: p.name.clone(),
                        subprogram: Some(s.name.clone()),
                    };
                    SubprogramTable {
                        name: s.name.clone(),
                        declared: s.budget,
                        submitted: current.contains_key(&key),
                        table: table_for(pledge, &subs_of(current, std::slice::from_ref(&key))),
                    }
                })
                .collect();
            ProgramTable {
                name: p.name.clone(),
                declared: p.budget,
                table: table_for(pledge, &subs_of(current, &keys)),
                missing,
                subprograms,
            }
        })
        .collect()
}

/// The declared 총사업비 against the submitted one: the total, then each
/// source the pledge declares.
fn declared_checks(pledge: &Pledge, total: &InvestmentTable) -> Vec<DeclaredCheck> {
    let mut declared = vec![DeclaredCheck {
        label: "계".to_owned(),
        declared: pledge.declared.total,
        actual: total.sum.total,
    }];
    for (name, cells) in &total.sources {
        if let Some(d) = pledge.declared_for(name) {
            declared.push(DeclaredCheck {
                label: name.clone(),
                declared: d,
                actual: cells.total,
            });
        }
    }
    declared
}

/// Each leaf's targets, or an empty row when it has no current submission.
fn target_rows(current: &CurrentByLeaf<'_>, all_keys: &[LeafKey]) -> Vec<TargetRow> {
    all_keys
        .iter()
        .map(
            |k| match current.get(k).and_then(|r| r.submission.as_ref()) {
                Some(s) => TargetRow {
                    leaf: k.clone(),
                    submitted: true,
                    content: s.targets.content.clone(),
                    indicators: s.targets.indicators.clone(),
                    note: s.targets.note.clone(),
                },
                None => TargetRow {
                    leaf: k.clone(),
                    submitted: false,
                    content: BTreeMap::new(),
                    indicators: Vec::new(),
                    note: None,
                },
            },
        )
        .collect()
}

/// The roadmap items of the current submissions, leaf by leaf.
fn roadmap_rows(current: &CurrentByLeaf<'_>, all_keys: &[LeafKey]) -> Vec<RoadmapRow> {
    all_keys
        .iter()
        .filter_map(|k| current.get(k).and_then(|r| r.submission.as_ref()))
        .flat_map(|s| {
            s.roadmap.iter().map(|item| RoadmapRow {
                leaf: s.leaf.clone(),
                item: item.clone(),
            })
        })
        .collect()
}

/// The current submission's findings, then those of a later file that was
/// rejected: that is what the leaf's staff have to fix.
fn leaf_findings(
    current: &CurrentByLeaf<'_>,
    rejected: &RejectedByLeaf<'_>,
    all_keys: &[LeafKey],
) -> Vec<LeafFinding> {
    all_keys
        .iter()
        .flat_map(|k| current.get(k).into_iter().chain(rejected.get(k)))
        .flat_map(|r| {
            r.findings.iter().map(|f| LeafFinding {
                leaf: r.leaf_named().cloned(),
                file: r.name.clone(),
                finding: f.clone(),
            })
        })
        .collect()
}

/// Every file of this pledge (or of none), in arrival order.
fn history_rows<'a>(
    pledge: &Pledge,
    records: impl Iterator<Item = &'a Received>,
) -> Vec<HistoryRow> {
    records
        .filter(|r| r.pledge_id.as_deref().is_none_or(|id| id == pledge.id))
        .map(|r| HistoryRow {
            seq: r.seq,
            received_at: r.received_at,
            name: r.name.clone(),
            hash_prefix: r.hash.chars().take(12).collect(),
            leaf: r.leaf_named().cloned(),
            outcome: r.outcome,
            codes: {
                let mut c: Vec<Code> = r.findings.iter().map(|f| f.code).collect();
                c.dedup();
                c
            },
        })
        .collect()
}

/// The plan and the progress reports of one leaf: the latest report by (기준일,
/// arrival), and the 추진율 of the latest one with an earlier 기준일.
fn leaf_progress<'a>(
    pledge: &Pledge,
    leaf: &crate::core::definition::Leaf<'_>,
    current: &BTreeMap<LeafKey, &Received>,
    records: impl Iterator<Item = &'a Received>,
) -> LeafProgress {
    let key = leaf.key();
    let cur = current.get(&key).and_then(|r| r.submission.as_ref());
    let mut reports: Vec<(&Received, &Submission, &Progress)> = records
        .filter(|r| r.outcome == Outcome::Accepted)
        .filter_map(|r| {
            let s = r.submission.as_ref()?;
            let p = s.progress.as_ref()?;
            (s.pledge_id == pledge.id && s.leaf == key).then_some((r, s, p))
        })
        .collect();
    reports.sort_by_key(|(r, _, _)| r.precedence());
    let latest = reports.last();
    let previous_rate = latest.and_then(|(_, s, _)| {
        reports
            .iter()
            .rev()
            .find(|(_, e, _)| e.base_date < s.base_date)
            .map(|(_, _, p)| p.rate)
    });
    LeafProgress {
        budget: leaf.def().budget,
        plan: cur.map(|s| s.investment.clone()),
        targets: cur.map(|s| s.targets.clone()),
        progress: latest.map(|(_, _, p)| (*p).clone()),
        base_date: latest.map(|(_, s, _)| s.base_date),
        previous_rate,
        key,
    }
}
