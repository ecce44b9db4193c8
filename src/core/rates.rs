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
    derived_status(
        progress
            .iter()
            .filter_map(|l| l.progress.as_ref().map(|p| p.status)),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::consolidate::{Outcome, Received, consolidate};
    use crate::core::model::{
        AmountRow, IndicatorActual, IndicatorRow, Investment, Progress, Submission, SubmissionInfo,
        Targets,
    };
    use crate::core::normalize::Unit;
    use chrono::{Local, TimeZone};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A one-leaf pledge with term 2022–2026 and sources 국비, 시비.
    fn pledge(id: &str, category: Option<&str>, core: bool, budget: i64) -> Pledge {
        let cat = category.map_or(String::new(), |c| format!("category = \"{c}\"\n"));
        Pledge::from_toml(&format!(
            "id = \"{id}\"\ntitle = \"공약 {id}\"\ndepartment = \"과\"\nunit = \"백만원\"\n\
             sources = [\"국비\", \"시비\"]\nbefore_label = \"기투자\"\nafter_label = \"임기후\"\n\
             core = {core}\n{cat}[term]\nstart = 2022\nend = 2026\n[declared]\ntotal = {budget}\nby_source = []\n\
             [[programs]]\nname = \"사업\"\nbudget = {budget}\n\
             indicators = [{{ name = \"건수\", unit = \"건\" }}]\n"
        ))
        .unwrap()
    }

    /// An amount row with `per_year` in each of 2022–2026 plus `before` and `after`.
    fn row(before: &str, per_year: &str, after: &str) -> AmountRow {
        let years: BTreeMap<i32, Decimal> = (2022..=2026).map(|y| (y, d(per_year))).collect();
        let total = d(before) + d(per_year) * Decimal::from(5) + d(after);
        AmountRow {
            total,
            before: d(before),
            years,
            after: d(after),
        }
    }

    /// 국비 carries everything, 시비 nothing: the 계 equals 국비.
    fn inv(r: AmountRow) -> Investment {
        let mut sources = BTreeMap::new();
        sources.insert("국비".to_owned(), r.clone());
        sources.insert("시비".to_owned(), AmountRow::default());
        Investment { sum: r, sources }
    }

    struct Leaf {
        plan: AmountRow,
        progress: Option<(Status, &'static str, AmountRow, AmountRow)>,
        target_2026: Option<&'static str>,
        actual_2026: Option<&'static str>,
    }

    fn received(p: &Pledge, seq: u64, day: u32, leaf: &Leaf) -> Received {
        let mut targets = Targets::default();
        if let Some(t) = leaf.target_2026 {
            targets.indicators.push(IndicatorRow {
                name: "건수".into(),
                unit: "건".into(),
                values: [(2026, TargetValue::Number(d(t)))].into_iter().collect(),
            });
        }
        let progress = leaf.progress.as_ref().map(|(s, r, sec, sp)| Progress {
            status: *s,
            rate: d(r),
            achievements: String::new(),
            problems: String::new(),
            plans: String::new(),
            secured: inv(sec.clone()),
            spent: inv(sp.clone()),
            indicators: leaf
                .actual_2026
                .map(|a| IndicatorActual {
                    name: "건수".into(),
                    unit: "건".into(),
                    values: [(2026, d(a))].into_iter().collect(),
                })
                .into_iter()
                .collect(),
        });
        Received {
            seq,
            received_at: Local.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap(),
            name: format!("{}_{seq}.xlsx", p.id),
            size: 1,
            hash: format!("{seq:064x}").into(),
            outcome: Outcome::Accepted,
            stored_as: String::new().into(),
            pledge_id: Some(p.id.as_str().into()),
            findings: Vec::new(),
            named: None,
            submission: Some(Submission {
                pledge_id: p.id.clone(),
                leaf: p.leaves()[0].key(),
                base_date: NaiveDate::from_ymd_opt(2026, 6, day).unwrap(),
                info: SubmissionInfo::default(),
                unit: Unit::Million,
                investment: inv(leaf.plan.clone()),
                targets,
                roadmap: Vec::new(),
                progress,
            }),
        }
    }

    fn report(p: &Pledge, leaf: &Leaf) -> PledgeReport {
        consolidate(p, &[received(p, 1, 30, leaf)])
    }

    fn plan_only(plan: AmountRow) -> Leaf {
        Leaf {
            plan,
            progress: None,
            target_2026: None,
            actual_2026: None,
        }
    }

    fn with(status: Status, plan: AmountRow, secured: AmountRow, spent: AmountRow) -> Leaf {
        Leaf {
            plan,
            progress: Some((status, "50", secured, spent)),
            target_2026: None,
            actual_2026: None,
        }
    }

    /// The Manifesto Center's published figures for a metropolitan city: 22 완료 + 80
    /// 이행후계속추진 of 244 pledges = 41.80 %; 7,426 of 15,165 억원 secured = 48.97 %.
    #[test]
    fn reference_city_gives_the_published_rates() {
        let mut reports = Vec::new();
        // 244 pledges: 22 완료, 80 이행후계속추진, 100 정상추진, 30 일부추진, 12 시기미도래.
        let mix = [
            (Status::Done, 22),
            (Status::DoneContinuing, 80),
            (Status::OnTrack, 100),
            (Status::Partial, 30),
            (Status::NotYetDue, 12),
        ];
        // Plans: 243 pledges of 6,200백만원 and one of 9,900 = 1,516,500백만원
        // (15,165억원); secured 742,600백만원 (7,426억원), all of it within the term.
        let mut i = 0;
        for (status, n) in mix {
            for _ in 0..n {
                let id = format!("p{i:03}");
                let (plan, secured) = if i == 0 {
                    (row("0", "1980", "0"), row("0", "290", "0"))
                } else {
                    (row("0", "1240", "0"), row("0", "610", "0"))
                };
                let p = pledge(&id, None, false, plan.total.try_into().unwrap());
                reports.push(report(&p, &with(status, plan, secured, row("0", "0", "0"))));
                i += 1;
            }
        }
        assert_eq!(reports.len(), 244);
        let refs: Vec<&PledgeReport> = reports.iter().collect();
        let rates = city_rates(&refs, 2026);
        let c = &rates.city;
        assert_eq!(c.counts.total, 244);
        assert_eq!(c.counts.count(Status::Done), 22);
        assert_eq!(c.counts.count(Status::DoneContinuing), 80);
        assert_eq!(c.completion, Ratio::new(d("102"), d("244")));
        assert_eq!(c.completion.percent().unwrap().round_dp(2), d("41.80"));
        assert_eq!(c.completion.shown(), "41.8%");
        let (name, total) = &c.finance[0];
        assert_eq!(name, "계");
        assert_eq!(total.secured, Ratio::new(d("742600"), d("1516500")));
        assert_eq!(total.secured.percent().unwrap().round_dp(2), d("48.97"));
        assert_eq!(total.secured.shown(), "49.0%");
        // Everything is 국비 here, so the source row equals the total and 시비 has no plan.
        assert_eq!(c.finance[1].1, *total);
        assert_eq!(c.finance[2].1.secured.shown(), "-");
    }

    #[test]
    fn status_counts_shares_and_not_filed() {
        let a = pledge("a", Some("경제"), true, 500);
        let b = pledge("b", Some("경제"), false, 500);
        let c = pledge("c", Some("복지"), true, 500);
        let e = pledge("e", None, false, 500);
        let plan = || row("0", "100", "0");
        let reports = [
            report(&a, &with(Status::Done, plan(), plan(), plan())),
            report(&b, &with(Status::OnHold, plan(), plan(), plan())),
            report(&c, &plan_only(plan())),
            consolidate(&e, &[]),
        ];
        let refs: Vec<&PledgeReport> = reports.iter().collect();
        let r = city_rates(&refs, 2026);
        assert_eq!(r.city.counts.total, 4);
        assert_eq!(r.city.counts.not_filed, 2, "plan only and nothing filed");
        assert_eq!(r.city.counts.share(Status::Done).shown(), "25.0%");
        assert_eq!(r.city.counts.share(Status::OnHold).shown(), "25.0%");
        assert_eq!(r.city.counts.not_filed_share().shown(), "50.0%");
        assert_eq!(r.city.completion, Ratio::new(d("1"), d("4")));
        // 핵심공약 a and c: one 완료 of two.
        assert_eq!(r.core.counts.total, 2);
        assert_eq!(r.core.completion.shown(), "50.0%");
        let names: Vec<&str> = r.by_category.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["경제", "미분류", "복지"]);
        assert_eq!(r.by_category[0].1.completion, Ratio::new(d("1"), d("2")));
        assert_eq!(r.by_category[2].1.completion, Ratio::new(d("0"), d("1")));
        // An empty group: every rate is a dash, never a division by zero.
        let none = city_rates(&[], 2026);
        assert_eq!(none.city.completion.shown(), "-");
        assert_eq!(none.city.targets.shown(), "-");
        assert!(none.city.finance.is_empty());
    }

    #[test]
    fn finance_rates_split_all_years_term_and_spending() {
        let p = pledge("a", None, false, 1700);
        // Plan: 기투자 100, 300 a year, 임기후 100 → 총계 1,700, term 1,500.
        // Secured: 기투자 100, 200 a year → all years to date 1,100, term 1,000.
        // Spent: 기투자 50, 60 a year → term 300.
        let r = report(
            &p,
            &with(
                Status::OnTrack,
                row("100", "300", "100"),
                row("100", "200", "0"),
                row("50", "60", "0"),
            ),
        );
        let rates = city_rates(&[&r], 2026);
        let total = &rates.city.finance[0].1;
        assert_eq!(total.secured, Ratio::new(d("1100"), d("1700")));
        assert_eq!(total.secured.shown(), "64.7%");
        assert_eq!(total.secured_term, Ratio::new(d("1000"), d("1500")));
        assert_eq!(total.secured_term.shown(), "66.7%");
        assert_eq!(total.spent_term, Ratio::new(d("300"), d("1500")));
        assert_eq!(total.spent_term.shown(), "20.0%");
        let city = &rates.city.finance[2];
        assert_eq!(city.0, "시비");
        assert_eq!(city.1.spent_term.shown(), "-");
    }

    #[test]
    fn target_achievement_counts_pledges_with_a_numeric_target_that_year() {
        let plan = || row("0", "100", "0");
        let mk = |id: &str, target: Option<&'static str>, actual: Option<&'static str>| {
            let p = pledge(id, None, false, 500);
            let mut l = with(Status::OnTrack, plan(), plan(), plan());
            l.target_2026 = target;
            l.actual_2026 = actual;
            report(&p, &l)
        };
        let reports = [
            mk("met", Some("10"), Some("12")),
            mk("exact", Some("10"), Some("10")),
            mk("short", Some("10"), Some("9")),
            mk("unmeasured", Some("10"), None),
            mk("no-target", None, Some("3")),
        ];
        let refs: Vec<&PledgeReport> = reports.iter().collect();
        let r = city_rates(&refs, 2026);
        assert_eq!(r.city.targets, Ratio::new(d("2"), d("4")));
        assert_eq!(r.city.targets.shown(), "50.0%");
        // No numeric target in 2025: zero denominator.
        assert_eq!(city_rates(&refs, 2025).city.targets.shown(), "-");
    }

    #[test]
    fn laggards_are_on_hold_partial_slow_spending_or_falling() {
        let plan = || row("0", "100", "0");
        let term_plan_fifth = || row("0", "20", "0");
        // 기준일 2026-06-30: 4.5 of 5 years elapsed (1,641 of 1,826 days = 89.9 %).
        let cases = [
            ("hold", with(Status::OnHold, plan(), plan(), plan())),
            ("partial", with(Status::Partial, plan(), plan(), plan())),
            // 집행률 20 % < 89.9 % ÷ 2.
            (
                "slow",
                with(Status::OnTrack, plan(), plan(), term_plan_fifth()),
            ),
            (
                "fine",
                with(Status::OnTrack, plan(), plan(), row("0", "50", "0")),
            ),
        ];
        let reports: Vec<PledgeReport> = cases
            .iter()
            .map(|(id, l)| report(&pledge(id, None, false, 500), l))
            .collect();
        let refs: Vec<&PledgeReport> = reports.iter().collect();
        let list = laggards(&refs);
        let ids: Vec<&str> = list.iter().map(|l| l.pledge.as_str()).collect();
        assert_eq!(ids, ["공약 hold", "공약 partial", "공약 slow"]);
        assert_eq!(list[0].reasons, ["추진상황 보류"]);
        assert_eq!(list[2].elapsed, Ratio::new(d("1641"), d("1826")));
        assert_eq!(
            list[2].reasons,
            ["집행률 20.0%: 임기 경과율 89.9%의 절반 미만"]
        );

        // A fall of 추진율 since the previous report (earlier 기준일).
        let p = pledge("fall", None, false, 500);
        let mut early = with(Status::OnTrack, plan(), plan(), plan());
        early.progress.as_mut().unwrap().1 = "80";
        let mut late = with(Status::OnTrack, plan(), plan(), plan());
        late.progress.as_mut().unwrap().1 = "70";
        let r = consolidate(
            &p,
            &[received(&p, 1, 10, &early), received(&p, 2, 30, &late)],
        );
        assert_eq!(r.progress[0].previous_rate, Some(d("80")));
        let list = laggards(&[&r]);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].reasons, ["추진율 하락: 80% → 70%"]);
        // Rising is not a fall; a resend with the same 기준일 has no previous report.
        let r = consolidate(
            &p,
            &[received(&p, 1, 10, &late), received(&p, 2, 30, &early)],
        );
        assert!(laggards(&[&r]).is_empty());
        let r = consolidate(
            &p,
            &[received(&p, 1, 30, &early), received(&p, 2, 30, &late)],
        );
        assert_eq!(r.progress[0].previous_rate, None);
    }

    #[test]
    fn elapsed_is_clamped_to_the_term() {
        let p = pledge("a", None, false, 500);
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(elapsed(&p, day(2021, 5, 1)).shown(), "0.0%");
        assert_eq!(elapsed(&p, day(2027, 5, 1)).shown(), "100.0%");
        assert_eq!(
            elapsed(&p, day(2024, 7, 2)),
            Ratio::new(d("913"), d("1826"))
        );
    }
}
