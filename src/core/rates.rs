//! The city's progress figures (SPEC §11) from the pledge reports, pure: status counts
//! and shares, 공약이행완료율, 재정확보율, 임기내 재정확보율, 재정집행률 (by source and in
//! total), 목표달성률 — for the city, by 분야 and for 핵심공약 — and the 부진사업 list.
//! Every rate keeps its numerator and denominator ([`Ratio`]).

use crate::core::consolidate::{LeafProgress, PledgeReport};
use crate::core::definition::{LeafKey, Pledge};
use crate::core::model::{Status, TargetValue};
use crate::core::progress::{Ratio, Verdict, derived_status, verdict};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The word for a pledge none of whose leaves reported progress.
pub const NOT_FILED: &str = "미제출";
/// The 분야 of a pledge whose definition has none.
pub const NO_CATEGORY: &str = "미분류";

/// How many pledges stand at each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// 계: every pledge counted.
    pub total: usize,
    pub by_status: BTreeMap<Status, usize>,
    /// 미제출: no leaf reported progress.
    pub not_filed: usize,
}

impl StatusCounts {
    pub fn count(&self, s: Status) -> usize {
        self.by_status.get(&s).copied().unwrap_or(0)
    }
    /// A status's share of all pledges.
    pub fn share(&self, s: Status) -> Ratio {
        Ratio::new(Decimal::from(self.count(s)), Decimal::from(self.total))
    }
    pub fn not_filed_share(&self) -> Ratio {
        Ratio::new(Decimal::from(self.not_filed), Decimal::from(self.total))
    }
}

/// The money rates of one source (or 계).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FinanceRates {
    /// 재정확보율 = 확보액 (all years to date) ÷ 계획 총계.
    pub secured: Ratio,
    /// 임기내 재정확보율 = 확보액 within the term ÷ 계획 within the term.
    pub secured_term: Ratio,
    /// 재정집행률 = 집행액 within the term ÷ 계획 within the term.
    pub spent_term: Ratio,
}

impl FinanceRates {
    fn add(&mut self, o: &FinanceRates) {
        self.secured.add(o.secured);
        self.secured_term.add(o.secured_term);
        self.spent_term.add(o.spent_term);
    }
}

/// Every figure of one group of pledges (the city, a 분야, the 핵심공약).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rates {
    pub counts: StatusCounts,
    /// 공약이행완료율 = (완료 + 이행후계속추진) ÷ all pledges.
    pub completion: Ratio,
    /// `계` first, then each source.
    pub finance: Vec<(String, FinanceRates)>,
    /// 목표달성률 = pledges whose leaves met every numeric target of the year ÷ pledges
    /// with a numeric target that year.
    pub targets: Ratio,
}

/// The figures of the whole city.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CityRates {
    /// The year 목표달성률 looks at.
    pub year: i32,
    pub city: Rates,
    /// 핵심공약 (`core = true`) only.
    pub core: Rates,
    /// By 분야, in name order ([`NO_CATEGORY`] for pledges without one).
    pub by_category: Vec<(String, Rates)>,
}

/// One pledge's contribution to the rates.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PledgeFigures {
    status: Option<Status>,
    finance: Vec<(String, FinanceRates)>,
    /// `None`: no numeric target that year; `Some(met)` otherwise.
    targets_met: Option<bool>,
}

/// The pledge's status derived from its leaves (SPEC §11); `None` = 미제출.
pub fn pledge_status(progress: &[LeafProgress]) -> Option<Status> {
    derived_status(progress.iter().filter_map(|l| l.progress.as_ref().map(|p| p.status)))
}

fn figures(report: &PledgeReport, year: i32) -> PledgeFigures {
    let term = report.pledge.term;
    let mut finance: Vec<(String, FinanceRates)> = Vec::new();
    let keys = std::iter::once(None).chain(report.pledge.sources.iter().map(|s| Some(s.as_str())));
    for source in keys {
        let mut f = FinanceRates::default();
        for l in &report.progress {
            let row = |inv: &crate::core::model::Investment| match source {
                None => Some(inv.sum.clone()),
                Some(s) => inv.sources.get(s).cloned(),
            };
            let in_term = |r: &crate::core::model::AmountRow| -> Decimal {
                term.years()
                    .map(|y| r.years.get(&y).copied().unwrap_or_default())
                    .sum()
            };
            if let Some(plan) = l.plan.as_ref().and_then(row) {
                f.secured.den += plan.total;
                f.secured_term.den += in_term(&plan);
                f.spent_term.den += in_term(&plan);
            }
            if let Some(p) = &l.progress {
                if let Some(sec) = row(&p.secured) {
                    f.secured.num += sec.before + in_term(&sec);
                    f.secured_term.num += in_term(&sec);
                }
                if let Some(sp) = row(&p.spent) {
                    f.spent_term.num += in_term(&sp);
                }
            }
        }
        finance.push((source.unwrap_or("계").to_owned(), f));
    }
    PledgeFigures {
        status: pledge_status(&report.progress),
        finance,
        targets_met: targets_met(&report.progress, year),
    }
}

/// Whether every numeric target of `year` in the pledge's leaves was met; `None` when
/// no leaf has a numeric target that year. A target without an actual is not met.
fn targets_met(leaves: &[LeafProgress], year: i32) -> Option<bool> {
    let mut any = false;
    let mut all = true;
    for l in leaves {
        let Some(targets) = &l.targets else { continue };
        for ind in &targets.indicators {
            let target = ind.values.get(&year);
            if !matches!(target, Some(TargetValue::Number(_))) {
                continue;
            }
            any = true;
            let actual = l.progress.as_ref().and_then(|p| {
                p.indicators
                    .iter()
                    .find(|a| {
                        crate::core::normalize::compact(&a.name)
                            == crate::core::normalize::compact(&ind.name)
                    })
                    .and_then(|a| a.values.get(&year).copied())
            });
            all &= verdict(target, actual) == Verdict::Met;
        }
    }
    any.then_some(all)
}

fn rates_of<'a>(figs: impl IntoIterator<Item = &'a PledgeFigures>) -> Rates {
    let mut r = Rates::default();
    for f in figs {
        r.counts.total += 1;
        match f.status {
            Some(s) => *r.counts.by_status.entry(s).or_default() += 1,
            None => r.counts.not_filed += 1,
        }
        for (name, fr) in &f.finance {
            match r.finance.iter_mut().find(|(n, _)| n == name) {
                Some((_, acc)) => acc.add(fr),
                None => r.finance.push((name.clone(), fr.clone())),
            }
        }
        if let Some(met) = f.targets_met {
            r.targets.den += Decimal::ONE;
            if met {
                r.targets.num += Decimal::ONE;
            }
        }
    }
    let done = r.counts.count(Status::Done) + r.counts.count(Status::DoneContinuing);
    r.completion = Ratio::new(Decimal::from(done), Decimal::from(r.counts.total));
    r
}

/// The city's figures for `year` (목표달성률 looks at that year's targets).
pub fn city_rates(reports: &[&PledgeReport], year: i32) -> CityRates {
    let figs: Vec<(&Pledge, PledgeFigures)> = reports
        .iter()
        .map(|r| (&r.pledge, figures(r, year)))
        .collect();
    let mut categories: BTreeMap<&str, Vec<&PledgeFigures>> = BTreeMap::new();
    for (p, f) in &figs {
        categories
            .entry(p.category.as_deref().unwrap_or(NO_CATEGORY))
            .or_default()
            .push(f);
    }
    CityRates {
        year,
        city: rates_of(figs.iter().map(|(_, f)| f)),
        core: rates_of(figs.iter().filter(|(p, _)| p.core).map(|(_, f)| f)),
        by_category: categories
            .into_iter()
            .map(|(c, fs)| (c.to_owned(), rates_of(fs)))
            .collect(),
    }
}

/// One line of the 부진사업 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Laggard {
    pub number: Option<String>,
    pub pledge: String,
    pub department: String,
    pub leaf: LeafKey,
    pub base_date: NaiveDate,
    pub status: Status,
    pub rate: Decimal,
    pub previous_rate: Option<Decimal>,
    /// 재정집행률 of the leaf within the term.
    pub spent: Ratio,
    /// Share of the term elapsed at the 기준일 (days ÷ days of the term).
    pub elapsed: Ratio,
    /// Why it is listed, in Korean.
    pub reasons: Vec<String>,
}

/// The share of the term elapsed on `day`: days since 1 January of the first term year
/// ÷ days of the term, within 0–1.
pub fn elapsed(pledge: &Pledge, day: NaiveDate) -> Ratio {
    let (Some(start), Some(end)) = (
        NaiveDate::from_ymd_opt(pledge.term.start, 1, 1),
        NaiveDate::from_ymd_opt(pledge.term.end + 1, 1, 1),
    ) else {
        return Ratio::default();
    };
    let total = (end - start).num_days();
    let done = (day - start).num_days().clamp(0, total);
    Ratio::new(Decimal::from(done), Decimal::from(total))
}

/// The leaves to discuss at the 보고회 (SPEC §11): 보류 or 일부추진; or a 집행률 below
/// half of the term elapsed at their 기준일; or a 추진율 lower than at their previous
/// report. In the reports' order, then leaf order.
pub fn laggards(reports: &[&PledgeReport]) -> Vec<Laggard> {
    let mut out = Vec::new();
    for r in reports {
        for l in &r.progress {
            let (Some(p), Some(day)) = (&l.progress, l.base_date) else {
                continue;
            };
            let mut spent = Ratio::default();
            if let Some(plan) = &l.plan {
                for y in r.pledge.term.years() {
                    spent.den += plan.sum.years.get(&y).copied().unwrap_or_default();
                    spent.num += p.spent.sum.years.get(&y).copied().unwrap_or_default();
                }
            }
            let elapsed = elapsed(&r.pledge, day);
            let mut reasons = Vec::new();
            if matches!(p.status, Status::OnHold | Status::Partial) {
                reasons.push(format!("추진상황 {}", p.status.label()));
            }
            if let (Some(s), Some(e)) = (spent.percent(), elapsed.percent())
                && s < e / Decimal::TWO
            {
                reasons.push(format!(
                    "집행률 {}: 임기 경과율 {}의 절반 미만",
                    spent.shown(),
                    elapsed.shown()
                ));
            }
            if let Some(prev) = l.previous_rate.filter(|prev| p.rate < *prev) {
                reasons.push(format!(
                    "추진율 하락: {}% → {}%",
                    prev.normalize(),
                    p.rate.normalize()
                ));
            }
            if reasons.is_empty() {
                continue;
            }
            out.push(Laggard {
                number: r.pledge.number.clone(),
                pledge: r.pledge.title.clone(),
                department: r
                    .pledge
                    .leaf(&l.key)
                    .map_or(r.pledge.department.as_str(), |lf| lf.department(&r.pledge))
                    .to_owned(),
                leaf: l.key.clone(),
                base_date: day,
                status: p.status,
                rate: p.rate,
                previous_rate: l.previous_rate,
                spent,
                elapsed,
                reasons,
            });
        }
    }
    out
}
