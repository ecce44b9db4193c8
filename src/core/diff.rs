//! What changed between two accepted submissions of the same leaf (SPEC §10).
//!
//! A pure comparison, value by value: 투자계획 (source × column), 추진목표 (추진내용 and
//! each indicator × year, 비고), 추진일정 (each item's start and end). Who sent it, its
//! 기준일 and the unit it was typed in are not part of the plan: re-sending the same
//! figures with a later 기준일, or in 천원 instead of 백만원, is no change.
//!
//! §11's 추진실적 figures (추진상황, 추진율, 확보액, 집행액, 지표 실적) are compared the
//! same way when both submissions carry them ([`Section::Progress`]); they are progress,
//! not a plan change, so they never ask for a 변경사유. Every consumer (변경내역, the
//! overview's list, W-REASON) goes through [`Change`].

use crate::core::definition::Pledge;
use crate::core::finding::{Finding, Kind, Place};
use crate::core::model::{AmountRow, IndicatorRow, Submission, TargetValue};
use crate::core::normalize::Quarter;
use crate::core::parse::fmt_amount;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The part of the plan a change belongs to: the 구분 column of 변경내역.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Section {
    Invest,
    Targets,
    Roadmap,
    /// §11's 추진실적 (확보액·집행액, 추진상황, 지표 실적): see the module docs.
    Progress,
}

impl Section {
    pub fn label(self) -> &'static str {
        match self {
            Section::Invest => "투자계획",
            Section::Targets => "추진목표",
            Section::Roadmap => "추진일정",
            Section::Progress => "추진실적",
        }
    }

    /// A change of the plan itself (투자계획, 추진목표, 추진일정): what needs a
    /// 변경사유 and what a city publishes as an adjustment. §11's figures are
    /// progress, which moves every quarter by nature.
    pub fn is_plan(self) -> bool {
        self != Section::Progress
    }
}

/// A column of an investment row: the model's one column type.
pub use crate::core::model::Column;

/// What exactly changed: enough to name it (항목) and, for an amount, find its cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Item {
    /// One amount of a funding source's row.
    Amount { source: String, column: Column },
    /// 추진내용 of a year.
    Content { year: i32 },
    /// An indicator's target of a year.
    Indicator { name: String, year: i32 },
    /// 비고 of 추진목표.
    Note,
    /// A roadmap item's first quarter.
    Start { name: String },
    /// A roadmap item's last quarter.
    End { name: String },
    /// §11: 추진상황.
    Status,
    /// §11: 추진율 (percent).
    Rate,
    /// §11: one 확보액 of a funding source's row.
    Secured { source: String, column: Column },
    /// §11: one 집행액 of a funding source's row.
    Spent { source: String, column: Column },
    /// §11: an indicator's actual of a year.
    Actual { name: String, year: i32 },
}

impl Item {
    pub fn section(&self) -> Section {
        match self {
            Item::Amount { .. } => Section::Invest,
            Item::Content { .. } | Item::Indicator { .. } | Item::Note => Section::Targets,
            Item::Start { .. } | Item::End { .. } => Section::Roadmap,
            Item::Status
            | Item::Rate
            | Item::Secured { .. }
            | Item::Spent { .. }
            | Item::Actual { .. } => Section::Progress,
        }
    }

    /// 항목 as people read it: `국비 2024년`, `기술이전 2023년`, `센터 준공 종료`.
    pub fn label(&self, pledge: &Pledge) -> String {
        match self {
            Item::Amount { source, column } => format!("{source} {}", pledge.column_label(*column)),
            Item::Content { year } => format!("추진내용 {year}년"),
            Item::Indicator { name, year } => format!("{name} {year}년"),
            Item::Note => "비고".to_owned(),
            Item::Start { name } => format!("{name} 시작"),
            Item::End { name } => format!("{name} 종료"),
            Item::Status => "추진상황".to_owned(),
            Item::Rate => "추진율".to_owned(),
            Item::Secured { source, column } => {
                format!("확보액 {source} {}", pledge.column_label(*column))
            }
            Item::Spent { source, column } => {
                format!("집행액 {source} {}", pledge.column_label(*column))
            }
            Item::Actual { name, year } => format!("{name} {year}년 실적"),
        }
    }
}

/// One side of a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// Not there (a source, indicator or roadmap item added or removed).
    Empty,
    Amount(Decimal),
    Text(String),
    /// An indicator target, with the indicator's unit.
    Target(TargetValue, String),
    Quarter(Quarter),
}

impl Value {
    /// As shown in 변경내역 and messages; amounts without their unit (the sheet states it).
    pub fn display(&self) -> String {
        match self {
            Value::Empty => "(없음)".to_owned(),
            Value::Amount(d) => fmt_amount(*d),
            Value::Text(t) if t.trim().is_empty() => "(빈 칸)".to_owned(),
            Value::Text(t) => t.clone(),
            Value::Target(TargetValue::Number(n), unit) => format!("{}{unit}", fmt_amount(*n)),
            Value::Target(TargetValue::ToBeFixed(n), _) if n.is_empty() => "미정".to_owned(),
            Value::Target(TargetValue::ToBeFixed(n) | TargetValue::Text(n), _) => n.clone(),
            Value::Quarter(q) => format!("{}년 {}분기", q.year, q.q),
        }
    }

    pub fn amount(&self) -> Option<Decimal> {
        match self {
            Value::Amount(d) => Some(*d),
            Value::Empty => Some(Decimal::ZERO),
            _ => None,
        }
    }
}

/// One value that differs between two submissions of a leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub item: Item,
    pub before: Value,
    pub after: Value,
}

impl Change {
    /// 차이 (after − before) for amounts; `None` for text, targets and quarters.
    pub fn delta(&self) -> Option<Decimal> {
        match self.item {
            Item::Amount { .. }
            | Item::Secured { .. }
            | Item::Spent { .. }
            | Item::Actual { .. } => Some(self.after.amount()? - self.before.amount()?),
            _ => None,
        }
    }

    /// `국비 2024년 4,000백만원 → 3,500백만원`, for messages.
    pub fn describe(&self, pledge: &Pledge) -> String {
        let unit = if matches!(self.item, Item::Amount { .. }) {
            pledge.unit.as_str()
        } else {
            ""
        };
        let side = |v: &Value| match v {
            Value::Amount(_) => format!("{}{unit}", v.display()),
            _ => v.display(),
        };
        format!(
            "{} {} → {}",
            self.item.label(pledge),
            side(&self.before),
            side(&self.after)
        )
    }
}

/// Every value that differs from `prev` to `next`, in plan order: 투자계획 by source
/// (by name; [`crate::core::changes`] puts them in the definition's order) and
/// column, 추진목표 by year and indicator, 추진일정 by item.
pub fn diff(prev: &Submission, next: &Submission) -> Vec<Change> {
    let mut out = Vec::new();
    invest(prev, next, &mut out);
    targets(prev, next, &mut out);
    roadmap(prev, next, &mut out);
    progress(prev, next, &mut out);
    out
}

/// §11's figures, when both submissions carry 추진실적: a plan-only file after a
/// progress report withdraws nothing, so it is no change here.
fn progress(prev: &Submission, next: &Submission, out: &mut Vec<Change>) {
    let (Some(a), Some(b)) = (&prev.progress, &next.progress) else {
        return;
    };
    let text = |s: &str| Value::Text(s.to_owned());
    push(
        out,
        Item::Status,
        text(a.status.label()),
        text(b.status.label()),
    );
    let rate = |r: Decimal| Value::Text(format!("{}%", fmt_amount(r)));
    push(out, Item::Rate, rate(a.rate), rate(b.rate));
    amount_rows(
        &a.secured.sources,
        &b.secured.sources,
        |source, column| Item::Secured { source, column },
        out,
    );
    amount_rows(
        &a.spent.sources,
        &b.spent.sources,
        |source, column| Item::Spent { source, column },
        out,
    );
    let names: BTreeSet<&String> = a
        .indicators
        .iter()
        .chain(&b.indicators)
        .map(|i| &i.name)
        .collect();
    for name in names {
        let of = |p: &crate::core::model::Progress| {
            p.indicators
                .iter()
                .find(|i| &i.name == name)
                .map(|i| i.values.clone())
                .unwrap_or_default()
        };
        let (va, vb) = (of(a), of(b));
        let years: BTreeSet<i32> = va.keys().chain(vb.keys()).copied().collect();
        for year in years {
            let v = |m: &BTreeMap<i32, Decimal>| {
                m.get(&year).map_or(Value::Empty, |d| Value::Amount(*d))
            };
            push(
                out,
                Item::Actual {
                    name: name.clone(),
                    year,
                },
                v(&va),
                v(&vb),
            );
        }
    }
}

fn push(out: &mut Vec<Change>, item: Item, before: Value, after: Value) {
    if before != after {
        out.push(Change {
            item,
            before,
            after,
        });
    }
}

fn row_cells(row: Option<&AmountRow>, years: &BTreeSet<i32>) -> Vec<(Column, Decimal)> {
    let empty = AmountRow::default();
    let r = row.unwrap_or(&empty);
    let mut v = vec![(Column::Total, r.total), (Column::Before, r.before)];
    v.extend(years.iter().map(|y| {
        (
            Column::Year(*y),
            r.years.get(y).copied().unwrap_or_default(),
        )
    }));
    v.push((Column::After, r.after));
    v
}

fn invest(prev: &Submission, next: &Submission, out: &mut Vec<Change>) {
    amount_rows(
        &prev.investment.sources,
        &next.investment.sources,
        |source, column| Item::Amount { source, column },
        out,
    );
}

/// Compares two tables of amount rows by source and column (an amount is 0 whether
/// its row is there or not: a source row added with zeros changes nothing). §11's
/// 확보액 and 집행액 have the same shape: call this with their own [`Item`] variant.
fn amount_rows(
    a: &BTreeMap<String, AmountRow>,
    b: &BTreeMap<String, AmountRow>,
    item: impl Fn(String, Column) -> Item,
    out: &mut Vec<Change>,
) {
    let sources: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for source in sources {
        let (ra, rb) = (a.get(source), b.get(source));
        if ra == rb {
            continue;
        }
        let years: BTreeSet<i32> = ra
            .iter()
            .chain(rb.iter())
            .flat_map(|r| r.years.keys().copied())
            .collect();
        for ((column, x), (_, y)) in row_cells(ra, &years).into_iter().zip(row_cells(rb, &years)) {
            push(
                out,
                item(source.clone(), column),
                Value::Amount(x),
                Value::Amount(y),
            );
        }
    }
}

fn targets(prev: &Submission, next: &Submission, out: &mut Vec<Change>) {
    let (a, b) = (&prev.targets, &next.targets);
    // Values are compared by reference and built only when they differ: a city's
    // ledger is mostly unchanged resubmissions.
    let text = |t: Option<&String>| match t {
        Some(t) if !t.trim().is_empty() => Value::Text(t.clone()),
        _ => Value::Empty,
    };
    let years: BTreeSet<i32> = a.content.keys().chain(b.content.keys()).copied().collect();
    for y in years {
        let (x, z) = (a.content.get(&y), b.content.get(&y));
        if x != z {
            push(out, Item::Content { year: y }, text(x), text(z));
        }
    }
    let mut names: Vec<&str> = a.indicators.iter().map(|i| i.name.as_str()).collect();
    for i in &b.indicators {
        if !names.contains(&i.name.as_str()) {
            names.push(&i.name);
        }
    }
    for name in names {
        let ia = a.indicators.iter().find(|i| i.name == name);
        let ib = b.indicators.iter().find(|i| i.name == name);
        if ia == ib {
            continue;
        }
        let years: BTreeSet<i32> = ia
            .iter()
            .chain(ib.iter())
            .flat_map(|i| i.values.keys().copied())
            .collect();
        let get = target_of;
        let value = |v: Option<(&TargetValue, &String)>| {
            v.map_or(Value::Empty, |(v, u)| Value::Target(v.clone(), u.clone()))
        };
        for y in years {
            let (x, z) = (get(ia, y), get(ib, y));
            if x != z {
                let item = Item::Indicator {
                    name: name.to_owned(),
                    year: y,
                };
                push(out, item, value(x), value(z));
            }
        }
    }
    if a.note != b.note {
        push(
            out,
            Item::Note,
            text(a.note.as_ref()),
            text(b.note.as_ref()),
        );
    }
}

/// An indicator's target of a year, with its unit.
fn target_of(i: Option<&IndicatorRow>, y: i32) -> Option<(&TargetValue, &String)> {
    i.and_then(|i| Some((i.values.get(&y)?, &i.unit)))
}

fn roadmap(prev: &Submission, next: &Submission, out: &mut Vec<Change>) {
    let mut names: Vec<&str> = prev.roadmap.iter().map(|i| i.name.as_str()).collect();
    for i in &next.roadmap {
        if !names.contains(&i.name.as_str()) {
            names.push(&i.name);
        }
    }
    for name in names {
        let a = prev.roadmap.iter().find(|i| i.name == name);
        let b = next.roadmap.iter().find(|i| i.name == name);
        if a == b {
            continue;
        }
        let q = |i: Option<&crate::core::model::RoadmapItem>, end: bool| {
            i.map_or(Value::Empty, |i| {
                Value::Quarter(if end { i.end } else { i.start })
            })
        };
        let name = name.to_owned();
        push(
            out,
            Item::Start { name: name.clone() },
            q(a, false),
            q(b, false),
        );
        push(out, Item::End { name }, q(a, true), q(b, true));
    }
}

/// How many changed values a message quotes before `외 N건`.
const QUOTED: usize = 3;

/// W-REASON / E-REASON for `next`, which replaces `prev` (the leaf's current accepted
/// submission) in the report: any changed value without a 변경사유 is a finding —
/// an error when the city requires a reason (`require_change_reason`), else a warning.
/// `None` when nothing changed or a reason is given.
pub fn reason_finding(
    pledge: &Pledge,
    prev: &Submission,
    next: &Submission,
    require: bool,
) -> Option<Finding> {
    if next
        .info
        .reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        return None;
    }
    let changes: Vec<Change> = diff(prev, next)
        .into_iter()
        .filter(|c| c.item.section().is_plan())
        .collect();
    if changes.is_empty() {
        return None;
    }
    let examples: Vec<String> = changes
        .iter()
        .take(QUOTED)
        .map(|c| c.describe(pledge))
        .collect();
    let (count, previous) = (changes.len(), prev.base_date);
    let kind = if require {
        Kind::ReasonRequired {
            count,
            examples,
            previous,
        }
    } else {
        Kind::ReasonMissing {
            count,
            examples,
            previous,
        }
    };
    Some(Finding::of(kind, Some(Place::sheet(INFO_SHEET))))
}

/// [`reason_finding`] with the pledge and the city rule looked up in the catalog: what
/// intake calls when an accepted `next` is about to replace the current `prev` of its
/// leaf. `None` for a pledge the catalog does not know.
pub fn reason_check(
    catalog: &crate::core::definition::Catalog,
    prev: &Submission,
    next: &Submission,
) -> Option<Finding> {
    let pledge = catalog.pledges.iter().find(|p| p.id == next.pledge_id)?;
    reason_finding(pledge, prev, next, catalog.city.require_change_reason)
}

/// The sheet where 변경사유 is written.
const INFO_SHEET: &str = "제출정보";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::definition::{Catalog, LeafKey};
    use crate::core::finding::Code;
    use crate::core::model::{
        IndicatorActual, Investment, Progress, RoadmapItem, Status, SubmissionInfo, Targets,
    };
    use crate::core::normalize::Unit;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn q(year: i32, q: u8) -> Quarter {
        Quarter::new(year, q).unwrap()
    }

    pub(crate) fn sample() -> Submission {
        let mut sources = BTreeMap::new();
        for (name, per_year) in [("국비", 1000), ("시비", 500)] {
            let years: BTreeMap<i32, Decimal> = (2022..=2026).map(|y| (y, d(per_year))).collect();
            sources.insert(
                name.to_owned(),
                AmountRow {
                    total: d(per_year * 5),
                    before: d(0),
                    years,
                    after: d(0),
                },
            );
        }
        Submission {
            pledge_id: "p".into(),
            leaf: LeafKey {
                program: "사업".into(),
                subprogram: None,
            },
            base_date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            info: SubmissionInfo::default(),
            unit: Unit::Million,
            investment: Investment {
                sum: AmountRow::default(),
                sources,
            },
            targets: Targets {
                content: (2022..=2026).map(|y| (y, format!("{y} 추진"))).collect(),
                indicators: vec![IndicatorRow {
                    name: "기술이전".into(),
                    unit: "건".into(),
                    values: (2022..=2026)
                        .map(|y| (y, TargetValue::Number(d(10))))
                        .collect(),
                }],
                note: None,
            },
            roadmap: vec![RoadmapItem {
                name: "센터 준공".into(),
                start: q(2023, 1),
                end: q(2025, 4),
            }],
            progress: None,
        }
    }

    fn pledge() -> Pledge {
        Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
            .unwrap()
            .pledges[0]
            .clone()
    }

    fn with_progress(
        mut s: Submission,
        status: Status,
        rate: i64,
        secured: i64,
        actual: i64,
    ) -> Submission {
        let mut row = AmountRow::default();
        row.years.insert(2024, d(secured));
        let table = Investment {
            sum: row.clone(),
            sources: [("국비".to_owned(), row)].into(),
        };
        s.progress = Some(Progress {
            status,
            rate: d(rate),
            achievements: String::new(),
            problems: String::new(),
            plans: String::new(),
            secured: table.clone(),
            spent: table,
            indicators: vec![IndicatorActual {
                name: "기술이전".into(),
                unit: "건".into(),
                values: [(2024, d(actual))].into(),
            }],
        });
        s
    }

    #[test]
    fn progress_figures_are_compared_and_never_need_a_reason() {
        let p = pledge();
        let a = with_progress(sample(), Status::Partial, 40, 100, 2);
        let b = with_progress(sample(), Status::OnTrack, 55, 150, 3);
        let changes = diff(&a, &b);
        let items: Vec<String> = changes.iter().map(|c| c.item.label(&p)).collect();
        assert!(items.contains(&"추진상황".to_owned()), "{items:?}");
        assert!(items.contains(&"추진율".to_owned()), "{items:?}");
        assert!(
            items.contains(&"확보액 국비 2024년".to_owned()),
            "{items:?}"
        );
        assert!(
            items.contains(&"집행액 국비 2024년".to_owned()),
            "{items:?}"
        );
        assert!(
            items.contains(&"기술이전 2024년 실적".to_owned()),
            "{items:?}"
        );
        assert!(
            changes
                .iter()
                .all(|c| c.item.section() == Section::Progress)
        );
        let secured = changes
            .iter()
            .find(|c| matches!(c.item, Item::Secured { .. }))
            .unwrap();
        assert_eq!(secured.delta(), Some(d(50)));
        // Only progress changed: no 변경사유 is asked for.
        assert!(reason_finding(&p, &a, &b, true).is_none());
        // A plan-only file after a progress report withdraws nothing.
        let plan_only = sample();
        assert!(diff(&a, &plan_only).is_empty());
        assert!(diff(&a, &a.clone()).is_empty());
    }

    #[test]
    fn same_figures_with_a_later_base_date_and_another_unit_is_no_change() {
        let a = sample();
        let mut b = a.clone();
        b.base_date = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        b.unit = Unit::Thousand;
        b.info.person = "다른 사람".into();
        b.info.reason = Some("분기 보고".into());
        assert!(diff(&a, &b).is_empty());
        assert_eq!(reason_finding(&pledge(), &a, &b, true), None);
    }

    #[test]
    fn an_amount_change_names_source_and_column_with_its_difference() {
        let a = sample();
        let mut b = a.clone();
        let row = b.investment.sources.get_mut("국비").unwrap();
        row.years.insert(2024, d(600));
        row.total = d(4600);
        let c = diff(&a, &b);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(
            c[0].item,
            Item::Amount {
                source: "국비".into(),
                column: Column::Total
            }
        );
        assert_eq!(c[0].delta(), Some(d(-400)));
        assert_eq!(c[1].item.label(&pledge()), "국비 2024년");
        assert_eq!(c[1].before, Value::Amount(d(1000)));
        assert_eq!(c[1].after, Value::Amount(d(600)));
        assert_eq!(
            c[1].describe(&pledge()),
            "국비 2024년 1,000백만원 → 600백만원"
        );
    }

    #[test]
    fn a_source_added_is_compared_with_zeros() {
        let a = sample();
        let mut b = a.clone();
        let mut row = AmountRow::default();
        row.years.insert(2025, d(70));
        row.total = d(70);
        b.investment.sources.insert("도비".into(), row);
        let labels: Vec<String> = diff(&a, &b)
            .iter()
            .map(|c| c.item.label(&pledge()))
            .collect();
        assert_eq!(labels, ["도비 총계", "도비 2025년"]);
        // and a row of zeros added is no change at all
        let mut z = a.clone();
        z.investment
            .sources
            .insert("기타".into(), AmountRow::default());
        assert!(diff(&a, &z).is_empty());
    }

    #[test]
    fn target_text_indicator_and_note_changes() {
        let a = sample();
        let mut b = a.clone();
        b.targets.content.insert(2023, "설계 완료".into());
        b.targets.indicators[0]
            .values
            .insert(2024, TargetValue::ToBeFixed("미정".into()));
        b.targets.indicators.push(IndicatorRow {
            name: "신규창업".into(),
            unit: "개소".into(),
            values: [(2026, TargetValue::Number(d(3)))].into(),
        });
        b.targets.note = Some("*매년 확정".into());
        let c = diff(&a, &b);
        let got: Vec<(String, String, String)> = c
            .iter()
            .map(|c| {
                assert_eq!(c.item.section(), Section::Targets);
                assert_eq!(c.delta(), None);
                (
                    c.item.label(&pledge()),
                    c.before.display(),
                    c.after.display(),
                )
            })
            .collect();
        let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(
            got,
            [
                s("추진내용 2023년", "2023 추진", "설계 완료"),
                s("기술이전 2024년", "10건", "미정"),
                s("신규창업 2026년", "(없음)", "3개소"),
                s("비고", "(없음)", "*매년 확정"),
            ]
        );
    }

    #[test]
    fn roadmap_end_moved_item_added_and_removed() {
        let a = sample();
        let mut b = a.clone();
        b.roadmap[0].end = q(2026, 2);
        b.roadmap.push(RoadmapItem {
            name: "장비 도입".into(),
            start: q(2024, 1),
            end: q(2024, 2),
        });
        let c = diff(&a, &b);
        let labels: Vec<String> = c.iter().map(|c| c.item.label(&pledge())).collect();
        assert_eq!(
            labels,
            ["센터 준공 종료", "장비 도입 시작", "장비 도입 종료"]
        );
        assert_eq!(c[0].before.display(), "2025년 4분기");
        assert_eq!(c[0].after.display(), "2026년 2분기");
        assert_eq!(c[0].item.section(), Section::Roadmap);
        let back = diff(&b, &a);
        assert_eq!(back.len(), 3);
        assert_eq!(back[1].after, Value::Empty);
    }

    #[test]
    fn a_change_without_reason_is_a_warning_or_with_the_city_rule_an_error() {
        let p = pledge();
        let a = sample();
        let mut b = a.clone();
        b.roadmap[0].end = q(2026, 2);
        let w = reason_finding(&p, &a, &b, false).unwrap();
        assert_eq!(w.code, Code::ReasonMissing);
        assert!(
            w.message
                .contains("센터 준공 종료 2025년 4분기 → 2026년 2분기"),
            "{}",
            w.message
        );
        let e = reason_finding(&p, &a, &b, true).unwrap();
        assert_eq!(e.code, Code::ReasonRequired);
        assert!(e.is_error());
        b.info.reason = Some("   ".into());
        assert!(
            reason_finding(&p, &a, &b, true).is_some(),
            "blank is no reason"
        );
        b.info.reason = Some("준공 지연(설계 변경)".into());
        assert_eq!(reason_finding(&p, &a, &b, true), None);
    }
}
