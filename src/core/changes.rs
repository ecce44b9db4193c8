//! The change log of a pledge (SPEC §10): every accepted submission that replaced an
//! earlier one of its leaf, compared value by value with it ([`diff`]), and the 당초
//! (original) plan — the first accepted submission of each leaf — against the current
//! one. A pure function of the ledger records, like the rest of the report.

use crate::core::consolidate::{Outcome, PledgeReport, Received};
use crate::core::definition::{LeafKey, Pledge};
use crate::core::diff::{Change, Column, Item, Section, Value, diff};
use crate::core::model::Submission;
use chrono::{DateTime, Local, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One accepted submission that changed its leaf's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// The ledger's arrival number of the new submission.
    pub seq: u64,
    /// The arrival number of the submission it replaced (compared against).
    pub prev_seq: u64,
    pub received_at: DateTime<Local>,
    pub base_date: NaiveDate,
    pub leaf: LeafKey,
    /// 변경사유 as written, if any.
    pub reason: Option<String>,
    pub department: String,
    pub person: String,
    /// The file replaced and the file that replaced it.
    pub file_before: String,
    pub file_after: String,
    /// This submission is still the leaf's current one: its changes are marked in
    /// place in 연차별 투자계획.
    pub latest: bool,
    pub changes: Vec<Change>,
}

/// Serialised (the report's content digest is all serialising is for) as the two
/// ledger records it compares and whether it is current: every other field is a pure
/// function of those two records, which never change once recorded, and of the
/// pledge's definition, which the report carries in full. Writing out every changed
/// value instead cost more than rendering them (a city's 변경내역 runs to tens of
/// thousands of rows).
impl Serialize for ChangeEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.prev_seq, self.seq, self.latest).serialize(s)
    }
}

/// 당초 against the current plan for the pledge total (`계`) or one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceTotal {
    pub label: String,
    pub original: Decimal,
    pub current: Decimal,
}

/// Everything 변경내역 shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChangeLog {
    /// `계`, then each source in the definition's order.
    pub totals: Vec<SourceTotal>,
    /// Newest first; only submissions that changed something.
    pub events: Vec<ChangeEvent>,
}

impl ChangeLog {
    /// 당초 총사업비: the first accepted versions of the leaves, summed.
    pub fn original_total(&self) -> Decimal {
        self.totals.first().map_or(Decimal::ZERO, |t| t.original)
    }

    /// The amounts changed by the latest submission of each leaf, by leaf, source and
    /// column: what 연차별 투자계획 marks with a fill and a note.
    pub fn latest_amounts(&self) -> HashMap<(&LeafKey, &str, Column), (&ChangeEvent, &Change)> {
        let mut out = HashMap::new();
        for e in self.events.iter().filter(|e| e.latest) {
            for c in &e.changes {
                if let Item::Amount { source, column } = &c.item {
                    out.insert((&e.leaf, source.as_str(), *column), (e, c));
                }
            }
        }
        out
    }
}

/// The change log of `pledge` from ledger records in arrival order (records of other
/// pledges are skipped). A submission replaces its leaf's current one when its
/// (기준일, arrival) is later, exactly as consolidation picks the current submission;
/// a late file with an older 기준일 (미반영) changes nothing.
pub fn history<'a>(pledge: &Pledge, records: impl IntoIterator<Item = &'a Received>) -> ChangeLog {
    let leaves: Vec<LeafKey> = pledge.leaves().iter().map(|l| l.key()).collect();
    let mut first: BTreeMap<&LeafKey, &Submission> = BTreeMap::new();
    let mut current: BTreeMap<&LeafKey, &Received> = BTreeMap::new();
    let mut events = Vec::new();
    for r in records {
        let Some(sub) = r.submission.as_ref() else {
            continue;
        };
        if r.outcome != Outcome::Accepted || sub.pledge_id != pledge.id {
            continue;
        }
        let Some(leaf) = leaves.iter().find(|k| **k == sub.leaf) else {
            continue;
        };
        match current.get(leaf) {
            None => {
                first.insert(leaf, sub);
            }
            Some(cur) => {
                let Some(prev) = cur.submission.as_ref() else {
                    continue;
                };
                if (sub.base_date, r.seq) <= (prev.base_date, cur.seq) {
                    continue;
                }
                let mut changes = diff(prev, sub);
                // Amounts in the definition's source order (국비, 도비, 시비, 기타), each
                // source's columns as in the table; then targets and roadmap.
                changes.sort_by_key(|c| match &c.item {
                    Item::Amount { source, .. } => {
                        let at = pledge.sources.iter().position(|s| s == source);
                        (0, at.unwrap_or(usize::MAX))
                    }
                    other => (1 + other.section() as usize, 0),
                });
                if !changes.is_empty() {
                    events.push(event(r, sub, cur, changes));
                }
            }
        }
        current.insert(leaf, r);
    }
    for e in &mut events {
        e.latest = current.get(&e.leaf).is_some_and(|c| c.seq == e.seq);
    }
    events.reverse();
    ChangeLog {
        totals: totals(pledge, &first, &current),
        events,
    }
}

fn event(r: &Received, sub: &Submission, cur: &Received, changes: Vec<Change>) -> ChangeEvent {
    ChangeEvent {
        seq: r.seq,
        prev_seq: cur.seq,
        received_at: r.received_at,
        base_date: sub.base_date,
        leaf: sub.leaf.clone(),
        reason: sub.info.reason.clone().filter(|s| !s.trim().is_empty()),
        department: sub.info.department.clone(),
        person: sub.info.person.clone(),
        file_before: cur.name.clone(),
        file_after: r.name.clone(),
        latest: false,
        changes,
    }
}

fn totals(
    pledge: &Pledge,
    first: &BTreeMap<&LeafKey, &Submission>,
    current: &BTreeMap<&LeafKey, &Received>,
) -> Vec<SourceTotal> {
    let current: Vec<&Submission> = current
        .values()
        .filter_map(|r| r.submission.as_ref())
        .collect();
    let first: Vec<&Submission> = first.values().copied().collect();
    let sum = |subs: &[&Submission], source: Option<&str>| -> Decimal {
        subs.iter()
            .map(|s| match source {
                None => s.investment.sum.total,
                Some(src) => s
                    .investment
                    .sources
                    .get(src)
                    .map_or(Decimal::ZERO, |r| r.total),
            })
            .sum()
    };
    std::iter::once(None)
        .chain(pledge.sources.iter().map(|s| Some(s.as_str())))
        .map(|source| SourceTotal {
            label: source.unwrap_or("계").to_owned(),
            original: sum(&first, source),
            current: sum(&current, source),
        })
        .collect()
}

/// One line of the city's published change list (the overview's 변경내역).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CityChange {
    /// 관리번호 (empty when the definition has none).
    pub number: String,
    pub title: String,
    pub pledge_id: String,
    /// 변경일: the 기준일 of the changing submission.
    pub date: NaiveDate,
    pub received_at: DateTime<Local>,
    pub section: Section,
    /// `사업 > 세부사업: 국비 2024년`.
    pub item: String,
    /// Amounts with their unit (`4,000백만원`).
    pub before: String,
    pub after: String,
    pub reason: String,
    /// Position in the order the reports and their plans were given: the tie-break.
    #[serde(skip)]
    rank: usize,
}

/// Every adjustment of every pledge's plan, newest first (ties: 관리번호 order as
/// given): the table a city publishes. §11's quarterly figures are progress, not
/// adjustments ([`Section::is_plan`]); each pledge report's 변경내역 has them.
pub fn city_changes<'a>(reports: impl IntoIterator<Item = &'a PledgeReport>) -> Vec<CityChange> {
    let mut out = Vec::new();
    for r in reports {
        let p = &r.pledge;
        for e in &r.changes.events {
            for c in e.changes.iter().filter(|c| c.item.section().is_plan()) {
                let side = |v: &Value| match v {
                    Value::Amount(_) => format!("{}{}", v.display(), p.unit),
                    _ => v.display(),
                };
                out.push(CityChange {
                    rank: out.len(),
                    number: p.number.clone().unwrap_or_default(),
                    title: p.title.clone(),
                    pledge_id: p.id.clone(),
                    date: e.base_date,
                    received_at: e.received_at,
                    section: c.item.section(),
                    item: format!("{}: {}", e.leaf.label(), c.item.label(p)),
                    before: side(&c.before),
                    after: side(&c.after),
                    reason: e.reason.clone().unwrap_or_default(),
                });
            }
        }
    }
    // Within one moment the order of the reports and of the plan is kept: `rank`
    // breaks ties, so an in-place sort does (a stable sort's buffer is half the list,
    // megabytes for a term of changes).
    out.sort_unstable_by_key(|c| (std::cmp::Reverse(c.received_at), c.rank));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::definition::Catalog;
    use crate::core::model::{AmountRow, Investment, SubmissionInfo, Targets};
    use crate::core::normalize::Unit;
    use chrono::TimeZone;

    #[test]
    fn an_event_serialises_as_the_two_records_it_compares() {
        let p = pledge();
        let log = history(
            &p,
            &[rec(&p, 1, 5, 100, None), rec(&p, 2, 6, 150, Some("증액"))],
        );
        let e = &log.events[0];
        assert_eq!((e.prev_seq, e.seq, e.latest), (1, 2, true));
        assert_eq!(serde_json::to_string(e).unwrap(), "[1,2,true]");
    }

    fn pledge() -> Pledge {
        Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
            .unwrap()
            .pledges[0]
            .clone()
    }

    /// An accepted record of the first leaf with 국비 `gukbi` in 2024 (and total).
    fn rec(p: &Pledge, seq: u64, day: u32, gukbi: i64, reason: Option<&str>) -> Received {
        let leaf = p.leaves()[0].key();
        let mut row = AmountRow {
            total: Decimal::from(gukbi),
            ..AmountRow::default()
        };
        row.years.insert(2024, Decimal::from(gukbi));
        Received {
            seq,
            received_at: Local.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap(),
            name: format!("f{seq}.xlsx"),
            size: 1,
            hash: format!("h{seq}").into(),
            outcome: Outcome::Accepted,
            stored_as: format!("accepted/f{seq}.xlsx").into(),
            pledge_id: Some(p.id.clone().into()),
            findings: vec![],
            submission: Some(Submission {
                pledge_id: p.id.clone(),
                leaf,
                base_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
                info: SubmissionInfo {
                    reason: reason.map(str::to_owned),
                    ..SubmissionInfo::default()
                },
                unit: Unit::Million,
                investment: Investment {
                    sum: row.clone(),
                    sources: [("국비".to_owned(), row)].into(),
                },
                targets: Targets::default(),
                roadmap: vec![],
                progress: None,
            }),
            named: None,
        }
    }

    #[test]
    fn newest_first_one_event_per_changing_submission_and_baseline_totals() {
        let p = pledge();
        let mut late = rec(&p, 4, 1, 9999, None); // older 기준일: 미반영, no change
        late.received_at = Local.with_ymd_and_hms(2026, 1, 20, 9, 0, 0).unwrap();
        let records = vec![
            rec(&p, 1, 2, 4000, None),
            rec(&p, 2, 3, 4000, None), // same figures, later 기준일: nothing
            rec(&p, 3, 5, 3500, Some("공모 감액")),
            late,
            rec(&p, 5, 6, 3000, None),
        ];
        let log = history(&p, &records);
        let seqs: Vec<u64> = log.events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [5, 3]);
        assert!(log.events[0].latest && !log.events[1].latest);
        assert_eq!(log.events[1].reason.as_deref(), Some("공모 감액"));
        assert_eq!(log.events[1].file_before, "f2.xlsx");
        assert_eq!(log.events[0].file_before, "f3.xlsx");
        assert_eq!(log.events[0].changes.len(), 2); // 국비 총계, 국비 2024년
        assert_eq!(log.totals[0].label, "계");
        assert_eq!(log.original_total(), Decimal::from(4000));
        assert_eq!(log.totals[0].current, Decimal::from(3000));
        let gukbi = log.totals.iter().find(|t| t.label == "국비").unwrap();
        assert_eq!((gukbi.original, gukbi.current), (4000.into(), 3000.into()));
        let marks = log.latest_amounts();
        assert_eq!(marks.len(), 2);
        let leaf = p.leaves()[0].key();
        let (e, c) = marks[&(&leaf, "국비", Column::Year(2024))];
        assert_eq!((e.seq, c.delta()), (5, Some(Decimal::from(-500))));
    }

    #[test]
    fn a_leaf_never_changed_has_no_events_and_a_rejected_file_counts_for_nothing() {
        let p = pledge();
        let mut rejected = rec(&p, 2, 3, 1, None);
        rejected.outcome = Outcome::Rejected;
        let log = history(&p, &[rec(&p, 1, 2, 4000, None), rejected]);
        assert!(log.events.is_empty());
        assert_eq!(log.original_total(), Decimal::from(4000));
        assert_eq!(history(&p, &[]).original_total(), Decimal::ZERO);
    }

    #[test]
    fn the_city_list_is_newest_first_with_units_and_leaf_names() {
        let p = pledge();
        let records = vec![
            rec(&p, 1, 2, 4000, None),
            rec(&p, 2, 3, 3500, Some("감액")),
            rec(&p, 3, 4, 3000, None),
        ];
        let report = crate::core::consolidate::consolidate(&p, &records);
        let list = city_changes([&report]);
        assert_eq!(list.len(), 4);
        assert_eq!(list[0].date, NaiveDate::from_ymd_opt(2026, 1, 4).unwrap());
        assert_eq!(list[0].before, "3,500백만원");
        assert_eq!(list[0].after, "3,000백만원");
        assert_eq!(list[2].reason, "감액");
        assert!(list[1].item.ends_with(": 국비 2024년"), "{}", list[1].item);
        assert!(list[1].item.starts_with(&p.leaves()[0].key().label()));
    }

    /// Rows of one moment keep the order the reports and their plans were given in
    /// (the sort is in place, so the tie-break is explicit).
    #[test]
    fn the_city_list_keeps_report_and_plan_order_within_one_moment() {
        let p = pledge();
        let records = vec![rec(&p, 1, 2, 4000, None), rec(&p, 2, 3, 3500, Some("감액"))];
        let a = crate::core::consolidate::consolidate(&p, &records);
        let mut b = a.clone();
        b.pledge.title = "둘째 공약".into();
        let list = city_changes([&a, &b]);
        let titles: Vec<&str> = list.iter().map(|c| c.title.as_str()).collect();
        let first = p.title.as_str();
        assert_eq!(titles, [first, first, "둘째 공약", "둘째 공약"]);
        let items: Vec<&str> = list[..2].iter().map(|c| c.item.as_str()).collect();
        let own: Vec<String> = a.changes.events[0]
            .changes
            .iter()
            .map(|c| format!("{}: {}", a.changes.events[0].leaf.label(), c.item.label(&p)))
            .collect();
        assert_eq!(items, own);
    }

    /// A quarterly report moves 추진율 and 확보액 without touching the plan: the pledge's
    /// 변경내역 shows it, the city's list of plan adjustments does not.
    #[test]
    fn the_city_list_publishes_plan_adjustments_not_quarterly_progress() {
        use crate::core::model::{Progress, Status};
        let p = pledge();
        let progress = |rate: i64, secured: i64| {
            let mut row = AmountRow::default();
            row.years.insert(2024, Decimal::from(secured));
            let table = Investment {
                sum: row.clone(),
                sources: [("국비".to_owned(), row)].into(),
            };
            Some(Progress {
                status: Status::OnTrack,
                rate: Decimal::from(rate),
                achievements: String::new(),
                problems: String::new(),
                plans: String::new(),
                secured: table.clone(),
                spent: table,
                indicators: vec![],
            })
        };
        let mut q1 = rec(&p, 1, 2, 4000, None);
        let mut q2 = rec(&p, 2, 3, 4000, None);
        let mut q3 = rec(&p, 3, 4, 3500, Some("감액"));
        for (r, rate, secured) in [(&mut q1, 20, 100), (&mut q2, 45, 900), (&mut q3, 60, 1500)] {
            r.submission.as_mut().unwrap().progress = progress(rate, secured);
        }
        let report = crate::core::consolidate::consolidate(&p, &[q1, q2, q3]);
        let sections = |e: &ChangeEvent| -> Vec<Section> {
            e.changes.iter().map(|c| c.item.section()).collect()
        };
        // The pledge's own log: q2 changed progress only, q3 both.
        assert_eq!(report.changes.events.len(), 2);
        assert!(
            sections(&report.changes.events[1])
                .iter()
                .all(|s| !s.is_plan())
        );
        assert!(sections(&report.changes.events[0]).contains(&Section::Progress));
        let list = city_changes([&report]);
        assert!(!list.is_empty());
        assert!(list.iter().all(|c| c.section.is_plan()), "{list:#?}");
        assert!(list.iter().all(|c| c.reason == "감액"), "{list:#?}");
    }
}
