//! 추진실적 (SPEC §11): the pledge's derived status and 추진율 with the rule, then per
//! leaf its status, 추진율, texts and 기준일; 계획 / 확보액 / 확보율 / 집행액 / 집행률 per
//! source and year (the pledge, then each leaf); indicators target vs actual.

use super::*;
use crate::core::consolidate::LeafProgress;
use crate::core::progress::{
    DERIVED_RULE, FinanceLine, Ratio, add_lines, derived_status, finance_lines, indicator_lines,
    weighted_rate,
};
use crate::core::rates::NOT_FILED;

/// Rows of one source in the money table: 계획, 확보액, 확보율, 집행액, 집행률.
const MONEY_ROWS: [&str; 5] = ["계획", "확보액", "확보율", "집행액", "집행률"];
/// Columns of the leaf table after 사업 / 세부사업.
const LEAF_COLS: [&str; 6] = [
    "추진상황",
    "추진율",
    "기준일",
    "추진실적",
    "문제점 및 대책",
    "향후계획",
];
const TEXT_COL: f64 = 34.0;
const PERCENT_FORMAT: &str = "0.0%";

/// A percent cell: the rate as a fraction formatted `0.0%`, or `-` for a zero
/// denominator.
fn put_ratio(ws: &mut Worksheet, row: u32, col: u16, r: Ratio, f: &Format) -> Result<()> {
    match r.fraction() {
        Some(v) => ws.write_with_format(row, col, v, f)?,
        None => ws.write_string_with_format(row, col, "-", f)?,
    };
    Ok(())
}

pub(super) fn progress_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    st: &Styles,
) -> Result<Vec<f64>> {
    ws.set_name(SHEET_PROGRESS)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let percent = st.amount.clone().set_num_format(PERCENT_FORMAT);
    let last_col = (4 + years.len() as u16).max(2 + LEAF_COLS.len() as u16 - 1);
    ws.merge_range(0, 0, 0, last_col, "추진실적", &st.title)?;
    ws.set_row_height(0, 24)?;
    let mut hs = Heights::default();

    // The pledge's derived figures and the rule behind them.
    let reported: Vec<(&LeafProgress, &crate::core::model::Progress)> = r
        .progress
        .iter()
        .filter_map(|l| l.progress.as_ref().map(|p| (l, p)))
        .collect();
    let status = derived_status(reported.iter().map(|(_, p)| p.status));
    let rate = weighted_rate(reported.iter().map(|(l, p)| (l.budget, p.rate)));
    ws.write_string_with_format(1, 0, "공약 추진상황", &st.label)?;
    ws.write_string_with_format(1, 1, status.map_or(NOT_FILED, |s| s.label()), &st.text)?;
    ws.write_string_with_format(2, 0, "공약 추진율", &st.label)?;
    match rate {
        Some(v) => ws.write_with_format(2, 1, v / Decimal::ONE_HUNDRED, &percent)?,
        None => ws.write_string_with_format(2, 1, "-", &st.text)?,
    };
    put(ws, (1, 2), (2, last_col), DERIVED_RULE, &st.wrap)?;
    hs.need(1, 2, wrapped_lines(DERIVED_RULE, 120.0));

    let row = leaf_table(ws, 4, r, st, &percent, &mut hs)?;
    let row = money_table(ws, row + 1, r, &years, st, &percent, &mut hs)?;
    indicator_table(ws, row + 1, r, &years, st, &mut hs)?;

    let mut widths = vec![PROGRAM_COL, SUBPROGRAM_COL];
    widths.extend((2..=last_col).map(|c| if (5..=7).contains(&c) { TEXT_COL } else { 12.0 }));
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    hs.apply(ws)?;
    ws.set_freeze_panes(1, 2)?;
    setup_print(ws, Some((0, 0)))?;
    Ok(widths)
}

/// 세부사업별 추진상황: one row per leaf; a leaf without 추진실적 shows 미제출.
fn leaf_table(
    ws: &mut Worksheet,
    top: u32,
    r: &PledgeReport,
    st: &Styles,
    percent: &Format,
    hs: &mut Heights,
) -> Result<u32> {
    ws.write_string_with_format(top, 0, "세부사업별 추진상황", &st.subtitle)?;
    let head = top + 1;
    ws.write_string_with_format(head, 0, "사업", &st.header)?;
    ws.write_string_with_format(head, 1, "세부사업", &st.header)?;
    for (i, h) in LEAF_COLS.iter().enumerate() {
        ws.write_string_with_format(head, 2 + i as u16, *h, &st.header)?;
    }
    let blocks: Vec<(&LeafKey, u32)> = r.progress.iter().map(|l| (&l.key, 1)).collect();
    leaf_groups(
        ws,
        head + 1,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        hs,
    )?;
    for (row, l) in (head + 1..).zip(&r.progress) {
        let Some(p) = &l.progress else {
            for c in 2..2 + LEAF_COLS.len() as u16 {
                let text = if c == 2 { NOT_FILED } else { "" };
                ws.write_string_with_format(row, c, text, &st.missing)?;
            }
            continue;
        };
        ws.write_string_with_format(row, 2, p.status.label(), &st.text)?;
        ws.write_with_format(row, 3, p.rate / Decimal::ONE_HUNDRED, percent)?;
        let day = l.base_date.map(|d| d.to_string()).unwrap_or_default();
        ws.write_string_with_format(row, 4, &day, &st.text)?;
        for (c, text) in [(5u16, &p.achievements), (6, &p.problems), (7, &p.plans)] {
            ws.write_string_with_format(row, c, text, &st.wrap)?;
            hs.need(row, 1, wrapped_lines(text, TEXT_COL));
        }
    }
    Ok(head + 1 + r.progress.len() as u32)
}

/// 재원 확보·집행: per source (계 first) the five rows of [`MONEY_ROWS`] by year and for
/// the term — for the pledge, then for each leaf that reported.
fn money_table(
    ws: &mut Worksheet,
    top: u32,
    r: &PledgeReport,
    years: &[i32],
    st: &Styles,
    percent: &Format,
    hs: &mut Heights,
) -> Result<u32> {
    ws.write_string_with_format(top, 0, "재원 확보·집행", &st.subtitle)?;
    let term_col = 4 + years.len() as u16;
    ws.write_string_with_format(top, term_col, "(단위 : 백만원)", &st.unit)?;
    let head = top + 1;
    for (c, h) in ["사업", "세부사업", "재원", "구분"].iter().enumerate() {
        ws.write_string_with_format(head, c as u16, *h, &st.header)?;
    }
    for (i, y) in years.iter().enumerate() {
        ws.write_string_with_format(head, 4 + i as u16, format!("{y}년"), &st.header)?;
    }
    ws.write_string_with_format(
        head,
        term_col,
        crate::core::progress::TERM_LABEL,
        &st.header,
    )?;
    let sources: Vec<Option<&str>> = std::iter::once(None)
        .chain(r.pledge.sources.iter().map(|s| Some(s.as_str())))
        .collect();
    let per_block = (sources.len() * MONEY_ROWS.len()) as u32;
    let mut row = head + 1;

    // The pledge: every leaf's plan, and the progress of those that reported.
    put(
        ws,
        (row, 0),
        (row + per_block - 1, 1),
        "공약 전체",
        &st.group,
    )?;
    let lines = |l: &LeafProgress, source: Option<&str>| {
        finance_lines(
            l.plan.as_ref(),
            l.progress.as_ref(),
            source,
            years.iter().copied(),
        )
    };
    money_blocks(ws, row, &sources, st, percent, |source| {
        let mut acc = Vec::new();
        for l in &r.progress {
            add_lines(&mut acc, lines(l, source));
        }
        acc
    })?;
    row += per_block;

    let reported: Vec<&LeafProgress> = r.progress.iter().filter(|l| l.progress.is_some()).collect();
    let blocks: Vec<(&LeafKey, u32)> = reported.iter().map(|l| (&l.key, per_block)).collect();
    leaf_groups(
        ws,
        row,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        hs,
    )?;
    for l in reported {
        money_blocks(ws, row, &sources, st, percent, |source| lines(l, source))?;
        row += per_block;
    }
    Ok(row)
}

/// One [`money_block`] per source (`None`: 계) from `row` down, the lines of each from
/// `lines_of`: the same blocks for the pledge and for each leaf.
fn money_blocks(
    ws: &mut Worksheet,
    row: u32,
    sources: &[Option<&str>],
    st: &Styles,
    percent: &Format,
    lines_of: impl Fn(Option<&str>) -> Vec<FinanceLine>,
) -> Result<()> {
    for (i, source) in sources.iter().enumerate() {
        let at = row + (i * MONEY_ROWS.len()) as u32;
        money_block(
            ws,
            at,
            source.unwrap_or("계"),
            &lines_of(*source),
            st,
            percent,
        )?;
    }
    Ok(())
}

/// The five rows of one source: 재원 merged down, then 계획 … 집행률 by column.
fn money_block(
    ws: &mut Worksheet,
    row: u32,
    source: &str,
    lines: &[FinanceLine],
    st: &Styles,
    percent: &Format,
) -> Result<()> {
    put(
        ws,
        (row, 2),
        (row + MONEY_ROWS.len() as u32 - 1, 2),
        source,
        &st.label,
    )?;
    for (i, name) in MONEY_ROWS.iter().enumerate() {
        ws.write_string_with_format(row + i as u32, 3, *name, &st.label)?;
    }
    for (c, l) in (4u16..).zip(lines) {
        ws.write_with_format(row, c, l.plan, &st.amount)?;
        ws.write_with_format(row + 1, c, l.secured, &st.amount)?;
        put_ratio(ws, row + 2, c, l.secured_rate(), percent)?;
        ws.write_with_format(row + 3, c, l.spent, &st.amount)?;
        put_ratio(ws, row + 4, c, l.spent_rate(), percent)?;
    }
    Ok(())
}

/// 지표 실적: per indicator of each reporting leaf, 목표 / 실적 / 달성 by year.
fn indicator_table(
    ws: &mut Worksheet,
    top: u32,
    r: &PledgeReport,
    years: &[i32],
    st: &Styles,
    hs: &mut Heights,
) -> Result<u32> {
    ws.write_string_with_format(top, 0, "지표 실적", &st.subtitle)?;
    let head = top + 1;
    for (c, h) in ["사업", "세부사업", "지표", "구분"].iter().enumerate() {
        ws.write_string_with_format(head, c as u16, *h, &st.header)?;
    }
    for (i, y) in years.iter().enumerate() {
        ws.write_string_with_format(head, 4 + i as u16, format!("{y}년"), &st.header)?;
    }
    let leaves: Vec<(&LeafKey, Vec<crate::core::progress::IndicatorLine>)> = r
        .progress
        .iter()
        .filter_map(|l| {
            let p = l.progress.as_ref()?;
            let lines = indicator_lines(l.targets.as_ref()?, p);
            (!lines.is_empty()).then_some((&l.key, lines))
        })
        .collect();
    let blocks: Vec<(&LeafKey, u32)> = leaves
        .iter()
        .map(|(k, lines)| (*k, 3 * lines.len() as u32))
        .collect();
    let mut row = head + 1;
    leaf_groups(
        ws,
        row,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        hs,
    )?;
    for (_, lines) in &leaves {
        for line in lines {
            let name = if line.unit.is_empty() {
                line.name.clone()
            } else {
                format!("{} ({})", line.name, line.unit)
            };
            put(ws, (row, 2), (row + 2, 2), &name, &st.label)?;
            for (i, h) in ["목표", "실적", "달성"].iter().enumerate() {
                ws.write_string_with_format(row + i as u32, 3, *h, &st.label)?;
            }
            for (c, y) in (4u16..).zip(years) {
                match line.targets.get(y) {
                    Some(crate::core::model::TargetValue::Number(n)) => {
                        ws.write_with_format(row, c, *n, &st.amount)?
                    }
                    Some(
                        crate::core::model::TargetValue::ToBeFixed(t)
                        | crate::core::model::TargetValue::Text(t),
                    ) if !t.is_empty() => ws.write_string_with_format(row, c, t, &st.wrap)?,
                    _ => ws.write_string_with_format(row, c, "-", &st.text)?,
                };
                match line.actuals.get(y) {
                    Some(a) => ws.write_with_format(row + 1, c, *a, &st.amount)?,
                    None => ws.write_string_with_format(row + 1, c, "", &st.text)?,
                };
                let v = line.verdict(*y);
                let f = if v == crate::core::progress::Verdict::NotMet {
                    &st.warn
                } else {
                    &st.text
                };
                ws.write_string_with_format(row + 2, c, v.label(), f)?;
            }
            row += 3;
        }
    }
    Ok(row)
}
