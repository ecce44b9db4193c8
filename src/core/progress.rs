//! 추진실적 (SPEC §11), pure: the checks of a parsed 추진실적 sheet against its leaf and
//! plan, and the figures the pledge report shows (확보율, 집행률, 달성/미달, the
//! pledge's derived status and budget-weighted 추진율).

use crate::core::definition::{Pledge, Program};
use crate::core::finding::{Finding, Kind, Place};
use crate::core::model::{IndicatorActual, Investment, Progress, Status, TargetValue, Targets};
use crate::core::normalize::{compact, similarity};
use crate::core::parse::{ColKind, DraftInvestment, DraftProgress, RowKind};
use crate::core::validate::{check_sums, investment_of};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// How similar a typed indicator name must be to a valid one to be offered as
/// "비슷한 이름" (normalised Levenshtein, 0–1).
const SIMILAR: f64 = 0.5;

/// Checks a parsed 추진실적 sheet (SPEC §11) and returns the progress when its own
/// values are complete. Findings: sums (E-ROWSUM, E-COLSUM, W-ROUNDING), E-INDICATOR,
/// W-STATUS-RATE, W-OVERSPEND, W-OVERSECURE. `plan` is the same file's 투자계획 and
/// `leaf` the leaf's definition, when known.
pub(crate) fn check(
    draft: &DraftProgress,
    plan: Option<&DraftInvestment>,
    pledge: &Pledge,
    leaf: Option<&Program>,
    findings: &mut Vec<Finding>,
) -> Option<Progress> {
    for table in [&draft.secured, &draft.spent].into_iter().flatten() {
        check_sums(table, pledge, findings);
    }
    if let Some(def) = leaf {
        check_indicator_names(draft, def, findings);
    }
    if let (Some(status), Some(rate)) = (&draft.status, &draft.rate) {
        let (s, r) = (status.value, rate.value);
        if (s == Status::Done && r < Decimal::ONE_HUNDRED)
            || (r == Decimal::ONE_HUNDRED && !s.is_fulfilled())
        {
            findings.push(Finding::of(
                Kind::StatusRate { status: s, rate: r },
                Some(rate.place.clone()),
            ));
        }
    }
    if let (Some(secured), Some(spent)) = (&draft.secured, &draft.spent) {
        over(
            spent,
            secured,
            pledge,
            findings,
            |source, column, secured, spent| Kind::Overspend {
                source,
                column,
                secured,
                spent,
                unit: pledge.unit.clone(),
            },
        );
        if let Some(plan) = plan {
            over(
                secured,
                plan,
                pledge,
                findings,
                |source, column, planned, secured| Kind::Oversecure {
                    source,
                    column,
                    planned,
                    secured,
                    unit: pledge.unit.clone(),
                },
            );
        }
    }
    let indicators = draft
        .indicators
        .iter()
        .filter_map(|row| {
            let def = leaf?
                .indicators
                .iter()
                .find(|i| compact(&i.name) == compact(&row.name.value))?;
            Some(IndicatorActual {
                name: def.name.clone(),
                unit: def.unit.clone(),
                values: row.values.clone(),
            })
        })
        .collect();
    Some(Progress {
        status: draft.status.as_ref()?.value,
        rate: draft.rate.as_ref()?.value,
        achievements: draft.achievements.clone(),
        problems: draft.problems.clone(),
        plans: draft.plans.clone(),
        secured: investment_of(draft.secured.as_ref()?),
        spent: investment_of(draft.spent.as_ref()?),
        indicators,
    })
}

/// One finding per source and column (기투자, years) where `high` exceeds `low`
/// (in 백만원). 총계 and 계 are left out: they follow from the cells already named.
fn over(
    high: &DraftInvestment,
    low: &DraftInvestment,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
    kind: impl Fn(String, String, Decimal, Decimal) -> Kind,
) {
    for row in &high.rows {
        let RowKind::Source(source) = &row.kind else {
            continue;
        };
        let Some(low_row) = low.row(&row.kind) else {
            continue;
        };
        for (i, (col, _)) in high.columns.iter().enumerate() {
            let column = match col {
                ColKind::Year(y) => format!("{y}년"),
                ColKind::Before => pledge.before_label.clone(),
                ColKind::Total | ColKind::After => continue,
            };
            let Some(h) = row.cells[i] else { continue };
            let Some(l) = low
                .column_index(*col)
                .and_then(|j| low_row.cells.get(j).copied().flatten())
            else {
                continue;
            };
            if h.value > l.value {
                findings.push(Finding::of(
                    kind(source.clone(), column, l.value, h.value),
                    Some(Place::cell(&high.sheet, h.cell)),
                ));
            }
        }
    }
}

/// E-INDICATOR for every 지표 실적 row that names none of the leaf's indicators.
fn check_indicator_names(draft: &DraftProgress, def: &Program, findings: &mut Vec<Finding>) {
    let valid: Vec<String> = def.indicators.iter().map(|i| i.name.clone()).collect();
    for row in &draft.indicators {
        let typed = &row.name.value;
        if valid.iter().any(|v| compact(v) == compact(typed)) {
            continue;
        }
        let similar = valid
            .iter()
            .map(|v| (similarity(v, typed), v))
            .filter(|(s, _)| *s >= SIMILAR)
            .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
            .map(|(_, v)| v.clone());
        findings.push(Finding::of(
            Kind::UnknownIndicator {
                typed: typed.clone(),
                valid: valid.clone(),
                similar,
            },
            Some(row.name.place.clone()),
        ));
    }
}

/// A rate as its numerator and denominator, so every figure can show both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ratio {
    pub num: Decimal,
    pub den: Decimal,
}

impl Ratio {
    pub fn new(num: Decimal, den: Decimal) -> Self {
        Self { num, den }
    }

    /// The exact percentage (num ÷ den × 100); `None` for a zero denominator.
    pub fn percent(&self) -> Option<Decimal> {
        if self.den.is_zero() {
            return None;
        }
        self.num
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|n| n.checked_div(self.den))
    }

    /// As shown: one decimal, rounded half away from zero (as Excel's ROUND), with `%`;
    /// `-` for a zero denominator.
    pub fn shown(&self) -> String {
        match self.percent() {
            Some(p) => format!(
                "{:.1}%",
                p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            ),
            None => "-".to_owned(),
        }
    }

    /// The fraction (num ÷ den) for a percent-formatted cell; `None` for a zero
    /// denominator.
    pub fn fraction(&self) -> Option<Decimal> {
        self.percent().map(|p| p / Decimal::ONE_HUNDRED)
    }

    pub fn add(&mut self, other: Ratio) {
        self.num += other.num;
        self.den += other.den;
    }
}

/// One line of a leaf's 확보·집행 table: a year or the whole term.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FinanceLine {
    /// `2024년`, or `임기 내` for the sum over the term years.
    pub label: String,
    pub plan: Decimal,
    pub secured: Decimal,
    pub spent: Decimal,
}

impl FinanceLine {
    /// 확보율 = 확보액 ÷ 계획.
    pub fn secured_rate(&self) -> Ratio {
        Ratio::new(self.secured, self.plan)
    }
    /// 집행률 = 집행액 ÷ 계획 (the Manifesto's reading; not ÷ 확보액).
    pub fn spent_rate(&self) -> Ratio {
        Ratio::new(self.spent, self.plan)
    }
}

/// The amounts of one source (or 계 when `source` is `None`) of an investment table.
fn row_of<'a>(
    inv: &'a Investment,
    source: Option<&str>,
) -> Option<&'a crate::core::model::AmountRow> {
    match source {
        None => Some(&inv.sum),
        Some(s) => inv.sources.get(s),
    }
}

/// 계획 / 확보액 / 집행액 per term year, then the term (`임기 내`), for one source or 계.
/// A leaf without a plan or without progress contributes zeros on that side.
pub fn finance_lines(
    plan: Option<&Investment>,
    progress: Option<&Progress>,
    source: Option<&str>,
    years: impl Iterator<Item = i32>,
) -> Vec<FinanceLine> {
    let get = |inv: Option<&Investment>, y: i32| {
        inv.and_then(|i| row_of(i, source))
            .and_then(|r| r.years.get(&y).copied())
            .unwrap_or_default()
    };
    let mut lines: Vec<FinanceLine> = years
        .map(|y| FinanceLine {
            label: format!("{y}년"),
            plan: get(plan, y),
            secured: get(progress.map(|p| &p.secured), y),
            spent: get(progress.map(|p| &p.spent), y),
        })
        .collect();
    let term = FinanceLine {
        label: TERM_LABEL.to_owned(),
        plan: lines.iter().map(|l| l.plan).sum(),
        secured: lines.iter().map(|l| l.secured).sum(),
        spent: lines.iter().map(|l| l.spent).sum(),
    };
    lines.push(term);
    lines
}

/// The label of the line summing the term years.
pub const TERM_LABEL: &str = "임기 내";

/// Adds lines of the same years, line by line (the pledge's table from its leaves').
pub fn add_lines(acc: &mut Vec<FinanceLine>, lines: Vec<FinanceLine>) {
    if acc.is_empty() {
        *acc = lines;
        return;
    }
    for (a, l) in acc.iter_mut().zip(lines) {
        a.plan += l.plan;
        a.secured += l.secured;
        a.spent += l.spent;
    }
}

/// Whether an indicator's actual met its target in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    /// 달성: actual ≥ a numeric target.
    Met,
    /// 미달: actual below a numeric target.
    NotMet,
    /// A numeric target with no actual yet.
    NotMeasured,
    /// No numeric target (to be fixed, text, or none): shown `-`.
    NoTarget,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "달성",
            Verdict::NotMet => "미달",
            Verdict::NotMeasured | Verdict::NoTarget => "-",
        }
    }
}

/// Target against actual for one year.
pub fn verdict(target: Option<&TargetValue>, actual: Option<Decimal>) -> Verdict {
    match (target, actual) {
        (Some(TargetValue::Number(t)), Some(a)) if a >= *t => Verdict::Met,
        (Some(TargetValue::Number(_)), Some(_)) => Verdict::NotMet,
        (Some(TargetValue::Number(_)), None) => Verdict::NotMeasured,
        _ => Verdict::NoTarget,
    }
}

/// One indicator of a leaf: targets from the plan, actuals from the progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndicatorLine {
    pub name: String,
    pub unit: String,
    pub targets: BTreeMap<i32, TargetValue>,
    pub actuals: BTreeMap<i32, Decimal>,
}

impl IndicatorLine {
    pub fn verdict(&self, year: i32) -> Verdict {
        verdict(self.targets.get(&year), self.actuals.get(&year).copied())
    }
}

/// The plan's indicators with the progress's actuals beside them (by name, spaces
/// ignored); an indicator with actuals but no target row is listed too.
pub fn indicator_lines(targets: &Targets, progress: &Progress) -> Vec<IndicatorLine> {
    let mut lines: Vec<IndicatorLine> = targets
        .indicators
        .iter()
        .map(|t| IndicatorLine {
            name: t.name.clone(),
            unit: t.unit.clone(),
            targets: t.values.clone(),
            actuals: progress
                .indicators
                .iter()
                .find(|a| compact(&a.name) == compact(&t.name))
                .map(|a| a.values.clone())
                .unwrap_or_default(),
        })
        .collect();
    for a in &progress.indicators {
        if !lines.iter().any(|l| compact(&l.name) == compact(&a.name)) {
            lines.push(IndicatorLine {
                name: a.name.clone(),
                unit: a.unit.clone(),
                targets: BTreeMap::new(),
                actuals: a.values.clone(),
            });
        }
    }
    lines
}

/// The rule the pledge report states beside the derived figures.
pub const DERIVED_RULE: &str = "공약의 추진상황은 추진실적을 낸 세부사업 가운데 가장 덜 진척된 \
     상황입니다(폐기 < 보류 < 일부추진 < 시기미도래 < 정상추진 < 이행후계속추진 < 완료). 공약의 \
     추진율은 추진실적을 낸 세부사업 추진율을 공약 사업비로 가중평균한 값입니다(사업비가 모두 \
     0이면 단순평균).";

/// The least advanced of the leaves' statuses (SPEC §11 order); `None` when no leaf
/// reported progress.
pub fn derived_status(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
    statuses.into_iter().min()
}

/// Σ(budget × 추진율) ÷ Σ budget over the leaves that reported; the plain mean when
/// every budget is zero; `None` when no leaf reported.
pub fn weighted_rate(leaves: impl IntoIterator<Item = (Decimal, Decimal)>) -> Option<Decimal> {
    let leaves: Vec<(Decimal, Decimal)> = leaves.into_iter().collect();
    if leaves.is_empty() {
        return None;
    }
    let weight: Decimal = leaves.iter().map(|(w, _)| *w).sum();
    if weight.is_zero() {
        let sum: Decimal = leaves.iter().map(|(_, r)| *r).sum();
        return Some(sum / Decimal::from(leaves.len()));
    }
    let sum: Decimal = leaves.iter().map(|(w, r)| *w * *r).sum();
    Some(sum / weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn derived_status_is_the_least_advanced_in_the_manifesto_order() {
        use Status::*;
        // Each adjacent pair of the order: the lower one wins, whichever comes first.
        let order = [
            Abandoned,
            OnHold,
            Partial,
            NotYetDue,
            OnTrack,
            DoneContinuing,
            Done,
        ];
        for w in order.windows(2) {
            assert_eq!(derived_status([w[1], w[0]]), Some(w[0]), "{w:?}");
            assert_eq!(derived_status([w[0], w[1], Done]), Some(w[0]), "{w:?}");
        }
        assert_eq!(derived_status([Done, Done]), Some(Done));
        assert_eq!(derived_status([Done, OnTrack, Abandoned]), Some(Abandoned));
        assert_eq!(derived_status([NotYetDue, DoneContinuing]), Some(NotYetDue));
        assert_eq!(derived_status(std::iter::empty()), None);
    }

    #[test]
    fn statuses_read_their_words_with_spaces_ignored() {
        for s in Status::LISTED {
            assert_eq!(Status::from_label(s.label()), Some(s));
        }
        assert_eq!(
            Status::from_label(" 이행 후 계속 추진 "),
            Some(Status::DoneContinuing)
        );
        assert_eq!(Status::from_label("진행중"), None);
    }

    #[test]
    fn the_pledge_rate_is_weighted_by_budget() {
        // 20,560 at 80 % and 3,300 at 50 %: (1,644,800 + 165,000) ÷ 23,860.
        let r = weighted_rate([(d("20560"), d("80")), (d("3300"), d("50"))]).unwrap();
        assert_eq!(r, d("1809800") / d("23860"));
        assert_eq!(r.round_dp(4), d("75.8508"), "hand-computed");
        assert_eq!(
            weighted_rate([(Decimal::ZERO, d("40")), (Decimal::ZERO, d("60"))]),
            Some(d("50"))
        );
        assert_eq!(weighted_rate(std::iter::empty()), None);
    }

    #[test]
    fn ratios_are_exact_and_a_zero_denominator_is_a_dash() {
        let r = Ratio::new(d("102"), d("244"));
        assert_eq!(r.percent().unwrap().round_dp(2), d("41.80"));
        assert_eq!(r.shown(), "41.8%");
        let z = Ratio::new(d("5"), Decimal::ZERO);
        assert_eq!(z.percent(), None);
        assert_eq!(z.shown(), "-");
        assert_eq!(Ratio::new(d("1"), d("8")).shown(), "12.5%");
        // Half away from zero at the shown digit: 0.25 % → 0.3 %.
        assert_eq!(Ratio::new(d("1"), d("400")).shown(), "0.3%");
        assert_eq!(
            Ratio::new(d("1"), d("3")).fraction().unwrap().round_dp(4),
            d("0.3333")
        );
    }

    #[test]
    fn verdicts_compare_numeric_targets_only() {
        let n = TargetValue::Number(d("10"));
        assert_eq!(verdict(Some(&n), Some(d("10"))), Verdict::Met);
        assert_eq!(verdict(Some(&n), Some(d("12"))), Verdict::Met);
        assert_eq!(verdict(Some(&n), Some(d("9"))), Verdict::NotMet);
        assert_eq!(verdict(Some(&n), None), Verdict::NotMeasured);
        let tbf = TargetValue::ToBeFixed("미정".into());
        assert_eq!(verdict(Some(&tbf), Some(d("3"))), Verdict::NoTarget);
        assert_eq!(verdict(None, Some(d("3"))).label(), "-");
        assert_eq!(Verdict::NotMet.label(), "미달");
    }

    #[test]
    fn finance_lines_give_rates_per_year_and_for_the_term() {
        let mut plan = Investment::default();
        let mut p = Progress {
            status: Status::OnTrack,
            rate: d("50"),
            achievements: String::new(),
            problems: String::new(),
            plans: String::new(),
            secured: Investment::default(),
            spent: Investment::default(),
            indicators: Vec::new(),
        };
        for (y, pl, se, sp) in [(2022, "100", "100", "80"), (2023, "300", "150", "0")] {
            plan.sum.years.insert(y, d(pl));
            p.secured.sum.years.insert(y, d(se));
            p.spent.sum.years.insert(y, d(sp));
        }
        let lines = finance_lines(Some(&plan), Some(&p), None, 2022..=2024);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].secured_rate().shown(), "100.0%");
        assert_eq!(lines[0].spent_rate().shown(), "80.0%");
        assert_eq!(lines[1].secured_rate().shown(), "50.0%");
        assert_eq!(lines[2].secured_rate().shown(), "-", "no plan in 2024");
        let term = &lines[3];
        assert_eq!(term.label, "임기 내");
        assert_eq!(
            (term.plan, term.secured, term.spent),
            (d("400"), d("250"), d("80"))
        );
        assert_eq!(term.secured_rate().percent(), Some(d("62.5")));
        assert_eq!(term.spent_rate().percent(), Some(d("20")));
        // A source the progress does not carry reads zero, not an error.
        let none = finance_lines(Some(&plan), Some(&p), Some("국비"), 2022..=2022);
        assert_eq!(none[0].plan, Decimal::ZERO);
        assert_eq!(none[0].secured_rate().shown(), "-");
        // The pledge's lines are the leaves' added up; a leaf with a plan only adds plan.
        let mut acc = Vec::new();
        add_lines(
            &mut acc,
            finance_lines(Some(&plan), Some(&p), None, 2022..=2023),
        );
        add_lines(
            &mut acc,
            finance_lines(Some(&plan), None, None, 2022..=2023),
        );
        assert_eq!((acc[2].plan, acc[2].secured), (d("800"), d("250")));
        assert_eq!(acc[2].secured_rate().shown(), "31.3%");
    }
}
