//! Stage 3, validate: a parsed draft against its pledge definition (SPEC §5).
//!
//! Which leaf the file covers, whether its sums cross-foot, whether it matches the
//! declared budget. Sums are checked in the file's own unit so that 단수 조정 after
//! rounding (off by one) is a warning, not an error.

use crate::core::definition::{Catalog, LeafKey, Pledge, Program, similar_by};
use crate::core::finding::{CellRef, Finding, Kind, Place, SumLine, has_errors};
use crate::core::model::{AmountRow, Investment, Submission};
use crate::core::normalize::compact;
use crate::core::parse::{ColKind, Draft, DraftAmount, DraftInvestment, InfoLabel, RowKind};
use rust_decimal::Decimal;

/// Validates a draft; returns the normalised submission when nothing rejects it.
pub fn validate(
    draft: &Draft,
    catalog: &Catalog,
    findings: &mut Vec<Finding>,
) -> Option<Submission> {
    let pledge = catalog.by_id(draft.pledge_id.as_deref()?)?;
    let leaf = resolve_leaf(draft, pledge, findings);
    let stale = match &draft.investment {
        Some(inv) => check_sums(inv, pledge, findings),
        None => Vec::new(),
    };
    check_contacts(draft, findings);
    let def = leaf.as_ref().and_then(|k| pledge.leaf(k)).map(|l| l.def());
    let progress = draft.progress.as_ref().and_then(|p| {
        crate::core::progress::check(p, draft.investment.as_ref(), pledge, def, findings)
    });
    let leaf = leaf?;
    if let Some(inv) = &draft.investment
        && let Some(def) = pledge.leaf(&leaf).map(|l| l.def())
    {
        check_budget(inv, def, &leaf, pledge, &stale, findings);
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

/// The leaf a file names, even when it is rejected: the definition's names where
/// 사업명 and 세부사업 match, else what was typed — so 제출이력 and 요약 can say which
/// 사업 a rejected file was for.
pub fn named_leaf(draft: &Draft, catalog: &Catalog) -> Option<LeafKey> {
    let typed = draft.program.as_ref()?;
    let sub_typed = draft.subprogram.as_ref().map(|s| s.value.clone());
    let program = draft
        .pledge_id
        .as_deref()
        .and_then(|id| catalog.by_id(id))
        .and_then(|p| p.programs.iter().find(|p| p.matches(&typed.value)));
    let Some(program) = program else {
        return Some(LeafKey {
            program: typed.value.clone(),
            subprogram: sub_typed,
        });
    };
    let subprogram = sub_typed.map(|t| {
        program
            .subprograms
            .iter()
            .find(|s| s.matches(&t))
            .map_or(t.clone(), |s| s.name.clone())
    });
    Some(LeafKey {
        program: program.name.clone(),
        subprogram,
    })
}

fn resolve_leaf(draft: &Draft, pledge: &Pledge, findings: &mut Vec<Finding>) -> Option<LeafKey> {
    let typed = draft.program.as_ref()?;
    let Some(program) = pledge.programs.iter().find(|p| p.matches(&typed.value)) else {
        findings.push(Finding::of(
            Kind::UnknownProgram {
                typed: typed.value.clone(),
                valid: pledge.programs.iter().map(|p| p.name.clone()).collect(),
                similar: similar_by(&pledge.programs, &typed.value, |p| &p.name)
                    .map(|p| p.name.clone()),
            },
            Some(typed.place.clone()),
        ));
        return None;
    };
    if program.subprograms.is_empty() {
        if let Some(sub) = &draft.subprogram {
            findings.push(Finding::of(
                Kind::NoSubprograms {
                    program: program.name.clone(),
                    typed: sub.value.clone(),
                },
                Some(sub.place.clone()),
            ));
            return None;
        }
        return Some(LeafKey {
            program: program.name.clone(),
            subprogram: None,
        });
    }
    let names = || -> Vec<String> { program.subprograms.iter().map(|s| s.name.clone()).collect() };
    let Some(sub) = &draft.subprogram else {
        let place = draft
            .info_places
            .get(&InfoLabel::Subprogram)
            .cloned()
            .unwrap_or_else(|| typed.place.clone());
        findings.push(Finding::of(
            Kind::SubprogramMissing {
                program: program.name.clone(),
                valid: names(),
            },
            Some(place),
        ));
        return None;
    };
    match program.subprograms.iter().find(|s| s.matches(&sub.value)) {
        Some(s) => Some(LeafKey {
            program: program.name.clone(),
            subprogram: Some(s.name.clone()),
        }),
        None => {
            findings.push(Finding::of(
                Kind::UnknownSubprogram {
                    program: program.name.clone(),
                    typed: sub.value.clone(),
                    valid: names(),
                    similar: similar_by(&program.subprograms, &sub.value, |p| &p.name)
                        .map(|p| p.name.clone()),
                },
                Some(sub.place.clone()),
            ));
            None
        }
    }
}

fn row_label(kind: &RowKind) -> String {
    match kind {
        RowKind::Sum => "계".into(),
        RowKind::Source(s) => s.clone(),
    }
}

/// One stated total that does not agree with the sum of its parts.
struct Mismatch {
    line: SumLine,
    stated: DraftAmount,
    sum: Decimal,
    /// Row sum (총계 of a row) or column sum (계 of a column).
    row: bool,
    /// The table row and column the total belongs to (for crossings).
    at: (u32, u32),
}

/// Every stated total against the sum of its parts: 총계 = 기투자 + Σ years + 임기후 on
/// each row (skipped when the heading is broken: the sums would repeat that error),
/// 계 = Σ sources in each column.
fn mismatches(inv: &DraftInvestment, pledge: &Pledge) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let total_idx = inv.column_index(ColKind::Total);
    if let Some(total_idx) = total_idx.filter(|_| !inv.header_broken) {
        let mut parts_labels = vec![pledge.before_label.clone(), "연도별".to_owned()];
        parts_labels.push(pledge.after_label.clone());
        for row in &inv.rows {
            let Some(stated) = row.cells[total_idx] else {
                continue;
            };
            let parts: Option<Decimal> = row
                .cells
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != total_idx)
                .map(|(_, c)| c.map(|a| a.raw))
                .sum();
            if let Some(sum) = parts.filter(|s| *s != stated.raw) {
                out.push(Mismatch {
                    line: SumLine::Row {
                        row: row_label(&row.kind),
                        parts: parts_labels.clone(),
                    },
                    stated,
                    sum,
                    row: true,
                    at: (row.row, inv.columns[total_idx].1),
                });
            }
        }
    }
    let Some(sum_row) = inv.row(&RowKind::Sum) else {
        return out;
    };
    let sources: Vec<_> = inv.rows.iter().filter(|r| r.kind != RowKind::Sum).collect();
    let source_names: Vec<String> = sources.iter().map(|r| row_label(&r.kind)).collect();
    for (i, (kind, col)) in inv.columns.iter().enumerate() {
        let Some(stated) = sum_row.cells[i] else {
            continue;
        };
        let parts: Option<Decimal> = sources.iter().map(|r| r.cells[i].map(|a| a.raw)).sum();
        if let Some(sum) = parts.filter(|s| *s != stated.raw) {
            out.push(Mismatch {
                line: SumLine::Column {
                    column: pledge.column_label(*kind),
                    parts: source_names.clone(),
                },
                stated,
                sum,
                row: false,
                at: (sum_row.row, *col),
            });
        }
    }
    out
}

/// Reports the sum checks; returns the cells of stale 계/총계 formulas (reported once
/// for the whole table), so the budget check does not read their stale results.
pub(crate) fn check_sums(
    inv: &DraftInvestment,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) -> Vec<CellRef> {
    let unit = inv.unit.label().to_owned();
    let all = mismatches(inv, pledge);
    let stale: Vec<CellRef> = all
        .iter()
        .filter(|m| m.stated.formula)
        .map(|m| m.stated.cell)
        .collect();
    if let Some(first) = stale.first() {
        findings.push(Finding::at(
            Kind::StaleFormulas {
                sheet: inv.sheet.clone(),
                cells: stale.clone(),
            },
            &inv.sheet,
            *first,
        ));
    }
    let errors: Vec<&Mismatch> = all
        .iter()
        .filter(|m| !m.stated.formula && (m.stated.raw - m.sum).abs() > Decimal::ONE)
        .collect();
    // A source row's 총계 and a year's 계 that are both wrong meet at one amount: the
    // likely typo. The 계 row and the 총계 column hold totals, not parts.
    let crossing = |m: &Mismatch| -> Vec<CellRef> {
        errors
            .iter()
            .filter(|o| o.row != m.row)
            .map(|o| {
                if m.row {
                    (m.at.0, o.at.1)
                } else {
                    (o.at.0, m.at.1)
                }
            })
            .filter(|&(r, c)| {
                inv.rows
                    .iter()
                    .any(|x| x.row == r && x.kind != RowKind::Sum)
                    && inv
                        .columns
                        .iter()
                        .any(|(k, cc)| *cc == c && *k != ColKind::Total)
            })
            .map(|(r, c)| CellRef::new(r, c))
            .collect()
    };
    for m in all.iter().filter(|m| !m.stated.formula) {
        let (written, computed) = (m.stated.raw, m.sum);
        let kind = if (written - computed).abs() <= Decimal::ONE {
            Kind::Rounding {
                line: m.line.clone(),
                written,
                computed,
                unit: unit.clone(),
            }
        } else if m.row {
            Kind::RowSum {
                line: m.line.clone(),
                written,
                computed,
                unit: unit.clone(),
                crossing: crossing(m),
            }
        } else {
            Kind::ColSum {
                line: m.line.clone(),
                written,
                computed,
                unit: unit.clone(),
                crossing: crossing(m),
            }
        };
        findings.push(Finding::at(kind, &inv.sheet, m.stated.cell));
    }
    stale
}

fn check_budget(
    inv: &DraftInvestment,
    def: &Program,
    leaf: &LeafKey,
    pledge: &Pledge,
    stale: &[CellRef],
    findings: &mut Vec<Finding>,
) {
    let (Some(i), Some(row)) = (inv.column_index(ColKind::Total), inv.row(&RowKind::Sum)) else {
        return;
    };
    let Some(stated) = row.cells[i] else { return };
    // A table with stale formulas holds stored totals (often 0) that are not what
    // staff planned: its 총계 says nothing about the budget until it is recalculated.
    if !stale.is_empty() {
        return;
    }
    if stated.value != def.budget {
        findings.push(Finding::at(
            Kind::Budget {
                leaf: leaf.label(),
                written: stated.value,
                declared: def.budget,
                unit: pledge.unit.clone(),
            },
            &inv.sheet,
            stated.cell,
        ));
    }
}

fn check_contacts(draft: &Draft, findings: &mut Vec<Finding>) {
    for (label, value) in [
        (InfoLabel::Department, &draft.info.department),
        (InfoLabel::Person, &draft.info.person),
        (InfoLabel::Phone, &draft.info.phone),
    ] {
        if value.is_empty() {
            findings.push(Finding::of(
                Kind::ContactMissing {
                    label: label.name().to_owned(),
                },
                draft
                    .info_places
                    .get(&label)
                    .cloned()
                    .or_else(|| Some(Place::sheet(crate::core::parse::SHEET_INFO))),
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
            findings.push(Finding::of(
                Kind::IndicatorMissing {
                    name: ind.name.clone(),
                    unit: ind.unit.clone(),
                },
                Some(Place::sheet(crate::core::parse::SHEET_TARGETS)),
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
    use crate::core::finding::Code;
    use crate::core::parse::DraftRow;
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
                formula: false,
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
            unit: crate::core::normalize::Unit::Million,
            header_broken: false,
        }
    }

    fn pledge() -> Pledge {
        Pledge::from_toml(include_str!("../../templates/ansan-innopolis.toml")).unwrap()
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
            check_sums(&table(&parts, 0, 0), &pledge(), &mut f);
            prop_assert!(f.is_empty(), "{:?}", codes_at(&f));
        }

        #[test]
        fn a_column_total_off_by_more_than_one_is_e_colsum_at_that_cell(
            parts in prop::array::uniform4(prop::array::uniform7(0u32..1_000_000)),
            delta in prop_oneof![2i64..1_000_000, -1_000_000i64..-1],
        ) {
            let mut f = Vec::new();
            check_sums(&table(&parts, delta, 0), &pledge(), &mut f);
            let c = codes_at(&f);
            prop_assert!(c.contains(&("E-COLSUM".into(), "투자계획!D4".into())), "{:?}", c);
        }

        #[test]
        fn a_row_total_off_by_one_is_only_a_rounding_warning(
            parts in prop::array::uniform4(prop::array::uniform7(0u32..1_000_000)),
            delta in prop_oneof![Just(1i64), Just(-1i64)],
        ) {
            let mut f = Vec::new();
            check_sums(&table(&parts, 0, delta), &pledge(), &mut f);
            prop_assert!(f.iter().all(|x| x.code == Code::Rounding), "{:?}", codes_at(&f));
            prop_assert!(codes_at(&f).contains(&("W-ROUNDING".into(), "투자계획!B5".into())));
        }
    }

    fn kinds(f: &[Finding]) -> Vec<Kind> {
        f.iter().filter_map(|x| x.kind.clone()).collect()
    }

    const PARTS: [[u32; 7]; 4] = [
        [100, 10, 20, 30, 40, 50, 0],
        [10, 1, 2, 3, 4, 5, 0],
        [0; 7],
        [5, 0, 0, 0, 0, 0, 5],
    ];

    #[test]
    fn a_wrong_row_total_says_both_figures_and_the_difference_in_words() {
        let mut f = Vec::new();
        check_sums(&table(&PARTS, 0, -2800), &pledge(), &mut f);
        // 계 (row 4) takes the wrong 총계 into its own, so both rows disagree.
        assert_eq!(
            kinds(&f)[1],
            Kind::RowSum {
                line: SumLine::Row {
                    row: "s0".into(),
                    parts: vec!["기투자".into(), "연도별".into(), "임기후".into()],
                },
                written: Decimal::from(250 - 2800),
                computed: Decimal::from(250),
                unit: "백만원".into(),
                crossing: vec![],
            }
        );
        let msg = &f[1].message;
        assert!(msg.starts_with("'s0' 행의 총계가 -2,550백만원인데, 기투자·연도별·임기후를 더하면 250백만원입니다(총계가 2,800백만원 적음)."), "{msg}");
        assert!(!msg.contains('≠'), "{msg}");
    }

    #[test]
    fn a_row_and_a_column_error_name_the_cell_where_they_cross() {
        let mut t = table(&PARTS, 0, 0);
        // A typo in s1's 2024 amount (row 5, column 5): its 총계 and 2024's 계 both
        // disagree with it.
        if let Some(Some(a)) = t.rows[2].cells.get_mut(4) {
            a.raw += Decimal::from(700);
        }
        let mut f = Vec::new();
        check_sums(&t, &pledge(), &mut f);
        let crossings: Vec<(Code, Vec<CellRef>)> = kinds(&f)
            .into_iter()
            .map(|k| match &k {
                Kind::RowSum { crossing, .. } | Kind::ColSum { crossing, .. } => {
                    (k.code(), crossing.clone())
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        let cell = CellRef::new(5, 5);
        assert_eq!(
            crossings,
            [(Code::RowSum, vec![cell]), (Code::ColSum, vec![cell])]
        );
        assert!(f[0].message.contains("F6 칸"), "{}", f[0].message);
    }

    #[test]
    fn stale_formula_totals_are_one_finding_and_no_budget_warning() {
        let mut t = table(&PARTS, 0, 0);
        // A program that does not recalculate left every 계/총계 formula at 0.
        for row in &mut t.rows {
            let is_sum = row.kind == RowKind::Sum;
            for (i, c) in row.cells.iter_mut().enumerate() {
                if let Some(a) = c
                    && (is_sum || i == 0)
                {
                    a.formula = true;
                    a.raw = Decimal::ZERO;
                    a.value = Decimal::ZERO;
                }
            }
        }
        let mut f = Vec::new();
        let stale = check_sums(&t, &pledge(), &mut f);
        assert_eq!(f.len(), 1, "{:?}", codes_at(&f));
        let Some(Kind::StaleFormulas { cells, .. }) = &f[0].kind else {
            panic!("{:?}", f[0].kind)
        };
        assert_eq!(cells, &stale);
        assert!(cells.len() > 3);
        assert!(
            f[0].message
                .contains("Excel이나 한셀에서 파일을 열어 저장한 뒤 다시 넣어 주십시오")
        );
        let p = pledge();
        let def = &p.programs[0];
        let leaf = LeafKey {
            program: def.name.clone(),
            subprogram: None,
        };
        let mut g = Vec::new();
        check_budget(&t, def, &leaf, &p, &stale, &mut g);
        assert!(g.is_empty(), "{:?}", codes_at(&g));
    }

    #[test]
    fn a_broken_heading_adds_no_row_sum_errors() {
        let mut t = table(&PARTS, 0, 0);
        // The 2024 column was not recognised: every row total now looks wrong.
        t.columns.remove(4);
        for r in &mut t.rows {
            r.cells.remove(4);
        }
        t.header_broken = true;
        let mut f = Vec::new();
        check_sums(&t, &pledge(), &mut f);
        assert!(
            f.iter()
                .all(|x| x.code != Code::RowSum && x.code != Code::Rounding),
            "{:?}",
            codes_at(&f)
        );
    }
}
