//! Stage 3, validate: a parsed draft against its pledge definition (SPEC §5).
//!
//! Which leaf the file covers, whether its sums cross-foot, whether it matches the
//! declared budget. Sums are checked in the file's own unit so that 단수 조정 after
//! rounding (off by one) is a warning, not an error.

use crate::core::definition::{Catalog, LeafKey, Pledge, Program, closest_by};
use crate::core::finding::{Code, Finding, Place, has_errors, josa};
use crate::core::model::{AmountRow, Investment, Submission};
use crate::core::normalize::compact;
use crate::core::parse::{ColKind, Draft, DraftInvestment, RowKind, fmt_amount};
use ::josa::{EunNeun, GwaWa, IGa};
use rust_decimal::Decimal;

/// Validates a draft; returns the normalised submission when nothing rejects it.
pub fn validate(
    draft: &Draft,
    catalog: &Catalog,
    findings: &mut Vec<Finding>,
) -> Option<Submission> {
    let pledge = catalog.by_id(draft.pledge_id.as_deref()?)?;
    let leaf = resolve_leaf(draft, pledge, findings);
    if let Some(inv) = &draft.investment {
        check_sums(inv, findings);
    }
    check_contacts(draft, findings);
    let def = leaf.as_ref().and_then(|k| pledge.leaf(k)).map(|l| l.def());
    let progress = draft.progress.as_ref().and_then(|p| {
        crate::core::progress::check(p, draft.investment.as_ref(), pledge, def, findings)
    });
    let leaf = leaf?;
    if let Some(inv) = &draft.investment
        && let Some(def) = pledge.leaf(&leaf).map(|l| l.def())
    {
        check_budget(inv, def, &leaf, pledge, findings);
        check_indicators(draft, def, findings);
    }
    if has_errors(findings) {
        return None;
    }
    Some(Submission {
        pledge_id: pledge.id.clone(),
        leaf,
        base_date: draft.base_date?,
        info: draft.info.clone(),
        unit: draft.unit,
        investment: investment_of(draft.investment.as_ref()?),
        targets: draft.targets.clone(),
        roadmap: draft.roadmap.clone(),
        progress,
    })
}

fn resolve_leaf(draft: &Draft, pledge: &Pledge, findings: &mut Vec<Finding>) -> Option<LeafKey> {
    let typed = draft.program.as_ref()?;
    let Some(program) = pledge.programs.iter().find(|p| p.matches(&typed.value)) else {
        let closest = closest_by(&pledge.programs, &typed.value, |p| &p.name);
        findings.push(Finding::new(
            Code::Program,
            Some(typed.place.clone()),
            format!(
                "사업명 '{}'{} 이 공약에 없는 사업입니다.{} 공약의 사업명을 정확히 입력하세요.",
                typed.value,
                josa(&typed.value, EunNeun),
                closest.map_or(String::new(), |p| format!(
                    " 가장 가까운 사업: '{}'.",
                    p.name
                ))
            ),
        ));
        return None;
    };
    if program.subprograms.is_empty() {
        if let Some(sub) = &draft.subprogram {
            findings.push(Finding::new(
                Code::Program,
                Some(sub.place.clone()),
                format!(
                    "'{}' 사업에는 세부사업이 없습니다. 세부사업 칸('{}')을 비워 두세요.",
                    program.name, sub.value
                ),
            ));
            return None;
        }
        return Some(LeafKey {
            program: program.name.clone(),
            subprogram: None,
        });
    }
    let names = || -> String {
        program
            .subprograms
            .iter()
            .map(|s| format!("'{}'", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(sub) = &draft.subprogram else {
        let place = draft
            .info_places
            .get("세부사업")
            .cloned()
            .unwrap_or_else(|| typed.place.clone());
        findings.push(Finding::new(
            Code::Program,
            Some(place),
            format!(
                "'{}' 사업은 세부사업별로 제출합니다. 세부사업을 입력하세요: {}.",
                program.name,
                names()
            ),
        ));
        return None;
    };
    match program.subprograms.iter().find(|s| s.matches(&sub.value)) {
        Some(s) => Some(LeafKey {
            program: program.name.clone(),
            subprogram: Some(s.name.clone()),
        }),
        None => {
            let closest = closest_by(&program.subprograms, &sub.value, |p| &p.name);
            findings.push(Finding::new(
                Code::Program,
                Some(sub.place.clone()),
                format!(
                    "세부사업 '{}'{} '{}' 사업에 없습니다.{} (세부사업: {})",
                    sub.value,
                    josa(&sub.value, EunNeun),
                    program.name,
                    closest.map_or(String::new(), |p| format!(
                        " 가장 가까운 세부사업: '{}'.",
                        p.name
                    )),
                    names()
                ),
            ));
            None
        }
    }
}

fn col_label(kind: ColKind) -> String {
    match kind {
        ColKind::Total => "총계".into(),
        ColKind::Before => "기투자".into(),
        ColKind::Year(y) => format!("{y}년"),
        ColKind::After => "임기후".into(),
    }
}

fn row_label(kind: &RowKind) -> String {
    match kind {
        RowKind::Sum => "계".into(),
        RowKind::Source(s) => s.clone(),
    }
}

/// Compares a stated total with the sum of its parts. `None` when they agree.
fn sum_finding(
    code: Code,
    sheet: &str,
    stated: crate::core::parse::DraftAmount,
    sum: Decimal,
    what: &str,
) -> Option<Finding> {
    let diff = stated.raw - sum;
    if diff.is_zero() {
        return None;
    }
    let figures = format!(
        "{what}: 적힌 값 {} ≠ 합계 {} (차이 {})",
        fmt_amount(stated.raw),
        fmt_amount(sum),
        fmt_amount(diff)
    );
    Some(if diff.abs() <= Decimal::ONE {
        Finding::at(
            Code::Rounding,
            sheet,
            stated.cell,
            format!("{figures}. 반올림에 따른 단수 차이로 보고 그대로 받습니다."),
        )
    } else {
        Finding::at(
            code,
            sheet,
            stated.cell,
            format!("{figures}. 금액 또는 합계를 고쳐 주세요."),
        )
    })
}

/// 총계 = 기투자 + Σ years + 임기후 on each row; 계 = Σ sources in each column.
pub(crate) fn check_sums(inv: &DraftInvestment, findings: &mut Vec<Finding>) {
    let Some(total_idx) = inv.column_index(ColKind::Total) else {
        return;
    };
    for row in &inv.rows {
        let Some(stated) = row.cells[total_idx] else {
            continue;
        };
        let parts: Option<Vec<Decimal>> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != total_idx)
            .map(|(_, c)| c.map(|a| a.raw))
            .collect();
        if let Some(parts) = parts {
            let what = format!("{} 행의 총계(기투자+연도별+임기후)", row_label(&row.kind));
            findings.extend(sum_finding(
                Code::RowSum,
                &inv.sheet,
                stated,
                parts.iter().sum(),
                &what,
            ));
        }
    }
    let Some(sum_row) = inv.row(&RowKind::Sum) else {
        return;
    };
    let sources: Vec<_> = inv.rows.iter().filter(|r| r.kind != RowKind::Sum).collect();
    for (i, (kind, _)) in inv.columns.iter().enumerate() {
        let Some(stated) = sum_row.cells[i] else {
            continue;
        };
        let parts: Option<Decimal> = sources.iter().map(|r| r.cells[i].map(|a| a.raw)).sum();
        if let Some(parts) = parts {
            let what = format!("{} 열의 계(재원별 합계)", col_label(*kind));
            findings.extend(sum_finding(Code::ColSum, &inv.sheet, stated, parts, &what));
        }
    }
}

fn check_budget(
    inv: &DraftInvestment,
    def: &Program,
    leaf: &LeafKey,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) {
    let (Some(i), Some(row)) = (inv.column_index(ColKind::Total), inv.row(&RowKind::Sum)) else {
        return;
    };
    let Some(stated) = row.cells[i] else { return };
    if stated.value != def.budget {
        findings.push(Finding::at(
            Code::Budget,
            &inv.sheet,
            stated.cell,
            format!(
                "'{}'의 총계 {}{}{} 공약에 정해진 사업비 {}{}{} 다릅니다 (차이 {}). 변경된 사업비라면 그대로 두어도 됩니다.",
                leaf.label(),
                fmt_amount(stated.value),
                pledge.unit,
                josa(&pledge.unit, IGa),
                fmt_amount(def.budget),
                pledge.unit,
                josa(&pledge.unit, GwaWa),
                fmt_amount(stated.value - def.budget)
            ),
        ));
    }
}

fn check_contacts(draft: &Draft, findings: &mut Vec<Finding>) {
    for (label, value) in [
        ("제출부서", &draft.info.department),
        ("담당자", &draft.info.person),
        ("연락처", &draft.info.phone),
    ] {
        if value.is_empty() {
            findings.push(Finding::new(
                Code::Contact,
                draft
                    .info_places
                    .get(label)
                    .cloned()
                    .or_else(|| Some(Place::sheet(crate::core::parse::SHEET_INFO))),
                format!(
                    "{label}{} 비어 있습니다. 문의할 수 있도록 입력해 주세요.",
                    josa(label, IGa)
                ),
            ));
        }
    }
}

fn check_indicators(draft: &Draft, def: &Program, findings: &mut Vec<Finding>) {
    for ind in &def.indicators {
        if !draft
            .targets
            .indicators
            .iter()
            .any(|r| compact(&r.name) == compact(&ind.name))
        {
            findings.push(Finding::new(
                Code::Indicator,
                Some(Place::sheet(crate::core::parse::SHEET_TARGETS)),
                format!(
                    "추진목표에 지표 '{}'({}) 행이 없습니다. 지표 행을 추가해 목표를 입력하세요.",
                    ind.name, ind.unit
                ),
            ));
        }
    }
}

pub(crate) fn investment_of(inv: &DraftInvestment) -> Investment {
    let to_row = |cells: &[Option<crate::core::parse::DraftAmount>]| -> AmountRow {
        let mut row = AmountRow::default();
        for ((kind, _), c) in inv.columns.iter().zip(cells) {
            let v = c.map(|a| a.value).unwrap_or_default();
            match kind {
                ColKind::Total => row.total = v,
                ColKind::Before => row.before = v,
                ColKind::Year(y) => {
                    row.years.insert(*y, v);
                }
                ColKind::After => row.after = v,
            }
        }
        row
    };
    let mut out = Investment::default();
    for r in &inv.rows {
        match &r.kind {
            RowKind::Sum => out.sum = to_row(&r.cells),
            RowKind::Source(s) => {
                out.sources.insert(s.clone(), to_row(&r.cells));
            }
        }
    }
    out
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::core::finding::CellRef;
    use crate::core::parse::{DraftAmount, DraftRow};
    use proptest::prelude::*;

    /// A consistent 5-row table (계 + 4 sources) × (총계, 기투자, 5 years, 임기후).
    fn table(parts: &[[u32; 7]; 4], sum_delta: i64, total_delta: i64) -> DraftInvestment {
        let mut columns = vec![(ColKind::Total, 1u32), (ColKind::Before, 2)];
        columns.extend((0..5).map(|i| (ColKind::Year(2022 + i), 3 + i as u32)));
        columns.push((ColKind::After, 8));
        let amount = |v: Decimal, row: u32, col: u32| {
            Some(DraftAmount {
                raw: v,
                value: v,
                cell: CellRef::new(row, col),
            })
        };
        let mut rows = Vec::new();
        let mut col_sums = [Decimal::ZERO; 8];
        for (k, p) in parts.iter().enumerate() {
            let row = 4 + k as u32;
            let vals: Vec<Decimal> = p.iter().map(|v| Decimal::from(*v)).collect();
            let total: Decimal = vals.iter().sum::<Decimal>()
                + if k == 0 {
                    Decimal::from(total_delta)
                } else {
                    Decimal::ZERO
                };
            let mut cells = vec![amount(total, row, 1)];
            col_sums[0] += total;
            for (j, v) in vals.iter().enumerate() {
                cells.push(amount(*v, row, 2 + j as u32));
                col_sums[1 + j] += *v;
            }
            rows.push(DraftRow {
                kind: RowKind::Source(format!("s{k}")),
                row,
                cells,
            });
        }
        let mut sum_cells: Vec<_> = col_sums
            .iter()
            .enumerate()
            .map(|(j, v)| amount(*v, 3, 1 + j as u32))
            .collect();
        // Perturb the 계 of the first year column.
        if let Some(Some(a)) = sum_cells.get_mut(2) {
            a.raw += Decimal::from(sum_delta);
        }
        rows.insert(
            0,
            DraftRow {
                kind: RowKind::Sum,
                row: 3,
                cells: sum_cells,
            },
        );
        DraftInvestment {
            sheet: "투자계획".into(),
            header: CellRef::new(2, 0),
            columns,
            rows,
        }
    }

    fn codes_at(f: &[Finding]) -> Vec<(String, String)> {
        f.iter()
            .map(|x| (x.code.as_str().to_owned(), x.place_text()))
            .collect()
    }

    proptest! {
        #[test]
        fn consistent_tables_have_no_sum_findings(parts in prop::array::uniform4(prop::array::uniform7(0u32..1_000_000))) {
            let mut f = Vec::new();
            check_sums(&table(&parts, 0, 0), &mut f);
            prop_assert!(f.is_empty(), "{:?}", codes_at(&f));
        }

        #[test]
        fn a_column_total_off_by_more_than_one_is_e_colsum_at_that_cell(
            parts in prop::array::uniform4(prop::array::uniform7(0u32..1_000_000)),
            delta in prop_oneof![2i64..1_000_000, -1_000_000i64..-1],
        ) {
            let mut f = Vec::new();
            check_sums(&table(&parts, delta, 0), &mut f);
            let c = codes_at(&f);
            prop_assert!(c.contains(&("E-COLSUM".into(), "투자계획!D4".into())), "{:?}", c);
        }

        #[test]
        fn a_row_total_off_by_one_is_only_a_rounding_warning(
            parts in prop::array::uniform4(prop::array::uniform7(0u32..1_000_000)),
            delta in prop_oneof![Just(1i64), Just(-1i64)],
        ) {
            let mut f = Vec::new();
            check_sums(&table(&parts, 0, delta), &mut f);
            prop_assert!(f.iter().all(|x| x.code == Code::Rounding), "{:?}", codes_at(&f));
            prop_assert!(codes_at(&f).contains(&("W-ROUNDING".into(), "투자계획!B5".into())));
        }
    }
}
