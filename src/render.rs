//! Stage 5, render: a pledge's tables → the report workbook managers open (SPEC §7).
//!
//! Every submitted text is written with `write_string`, so a 추진내용 of `=HYPERLINK(…)`
//! stays text; formulas are never built from submitted data.

use crate::consolidate::{InvestmentTable, PledgeReport};
use crate::finding::Severity;
use crate::normalize::Quarter;
use anyhow::Result;
use chrono::{DateTime, Local};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

pub const SHEET_SUMMARY: &str = "요약";
pub const SHEET_INVEST: &str = "연차별 투자계획";
pub const SHEET_TARGETS: &str = "연차별 추진목표";
pub const SHEET_ROADMAP: &str = "추진일정";
pub const SHEET_FINDINGS: &str = "검증결과";
pub const SHEET_HISTORY: &str = "제출이력";

const FONT: &str = "맑은 고딕";
const HEADER_FILL: u32 = 0xD9E1F2;
const LABEL_FILL: u32 = 0xF2F2F2;
const WARN_FILL: u32 = 0xFFF2CC;
const BAD_FILL: u32 = 0xF8CBAD;
const GANTT_FILL: u32 = 0x5B9BD5;

/// The formats of one report, built once.
struct Styles {
    title: Format,
    unit: Format,
    header: Format,
    label: Format,
    text: Format,
    wrap: Format,
    amount: Format,
    amount_bold: Format,
    amount_bad: Format,
    missing: Format,
    warn: Format,
    gantt: Format,
    plain: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let amount = cell
            .clone()
            .set_num_format("#,##0")
            .set_align(FormatAlign::Right);
        Self {
            title: base.clone().set_bold().set_font_size(14),
            unit: base.clone().set_align(FormatAlign::Right),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            label: cell
                .clone()
                .set_background_color(Color::RGB(LABEL_FILL))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            amount_bold: amount.clone().set_bold(),
            amount_bad: amount.clone().set_background_color(Color::RGB(BAD_FILL)),
            amount,
            missing: cell.clone().set_background_color(Color::RGB(BAD_FILL)),
            warn: cell.clone().set_background_color(Color::RGB(WARN_FILL)),
            gantt: cell.clone().set_background_color(Color::RGB(GANTT_FILL)),
            plain: base,
        }
    }
}

/// Display width of a text in Excel character units (Hangul counts double, which
/// `autofit` gets wrong).
pub fn text_width(s: &str) -> f64 {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64 * 1.1 + 2.0
}

/// Tracks the widest text of each column to size columns for Korean text.
#[derive(Default)]
struct Widths(Vec<f64>);

impl Widths {
    fn see(&mut self, col: u16, s: &str) {
        let c = col as usize;
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(text_width(s));
    }
    fn apply(&self, ws: &mut Worksheet, min: f64, max: f64) -> Result<()> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, w.clamp(min, max))?;
        }
        Ok(())
    }
}

fn setup_print(ws: &mut Worksheet, repeat_to: u32) -> Result<()> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, repeat_to)?;
    Ok(())
}

fn amount_str(d: Decimal) -> String {
    crate::parse::fmt_amount(d)
}

/// Renders the report of one pledge to xlsx bytes.
///
/// # Errors
/// Only on rust_xlsxwriter failures (bad sheet geometry), not on any submitted data.
pub fn render_report(report: &PledgeReport, generated_at: DateTime<Local>) -> Result<Vec<u8>> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(&report.pledge.title)
        .set_subject("공약 추진계획 통합 보고서")
        .set_author(&report.pledge.department)
        .set_company(&report.pledge.department)
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_timestamp(
            generated_at.timestamp(),
        )?);
    wb.set_properties(&props);

    summary_sheet(wb.add_worksheet(), report, generated_at, &st)?;
    invest_sheet(&mut wb, report, &st)?;
    targets_sheet(wb.add_worksheet(), report, &st)?;
    roadmap_sheet(wb.add_worksheet(), report, &st)?;
    findings_sheet(wb.add_worksheet(), report, &st)?;
    history_sheet(wb.add_worksheet(), report, &st)?;
    Ok(wb.save_to_buffer()?)
}

fn summary_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    generated_at: DateTime<Local>,
    st: &Styles,
) -> Result<()> {
    ws.set_name(SHEET_SUMMARY)?;
    let mut w = Widths::default();
    let p = &r.pledge;
    ws.merge_range(0, 0, 0, 6, &p.title, &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(1, 0, "생성 시각", &st.label)?;
    ws.write_string_with_format(
        1,
        1,
        generated_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        &st.text,
    )?;
    ws.write_string_with_format(2, 0, "추진부서", &st.label)?;
    ws.write_string_with_format(2, 1, &p.department, &st.text)?;
    let mut row = 4u32;
    for (i, f) in p.facts.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, &f.label, &st.header)?;
        ws.write_string_with_format(row + 1, i as u16, &f.value, &st.text)?;
        w.see(i as u16, &f.label);
        w.see(i as u16, &f.value);
    }
    row += 3;
    if !p.contacts.is_empty() {
        ws.write_string_with_format(row, 0, "공약실명제", &st.title)?;
        row += 1;
        for (i, h) in ["구분", "성명", "전화"].iter().enumerate() {
            ws.write_string_with_format(row, i as u16, *h, &st.header)?;
        }
        row += 1;
        for c in &p.contacts {
            ws.write_string_with_format(row, 0, &c.role, &st.label)?;
            ws.write_string_with_format(row, 1, &c.name, &st.text)?;
            ws.write_string_with_format(row, 2, &c.phone, &st.text)?;
            w.see(0, &c.role);
            w.see(1, &c.name);
            row += 1;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "제출 현황", &st.title)?;
    row += 1;
    let heads = [
        "사업",
        "세부사업",
        "제출",
        "파일",
        "기준일",
        "상태",
        "경고",
        "총계",
        "공약 사업비",
        "차이",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    row += 1;
    for l in &r.leaves {
        ws.write_string_with_format(row, 0, &l.key.program, &st.text)?;
        ws.write_string_with_format(row, 1, l.key.subprogram.as_deref().unwrap_or("-"), &st.text)?;
        w.see(0, &l.key.program);
        w.see(1, l.key.subprogram.as_deref().unwrap_or("-"));
        match &l.current {
            Some(c) => {
                ws.write_string_with_format(row, 2, "제출", &st.text)?;
                ws.write_string_with_format(row, 3, &c.file, &st.text)?;
                ws.write_string_with_format(row, 4, c.base_date.to_string(), &st.text)?;
                let status = if c.warnings > 0 {
                    "접수(경고 있음)"
                } else {
                    "접수"
                };
                ws.write_string_with_format(
                    row,
                    5,
                    status,
                    if c.warnings > 0 { &st.warn } else { &st.text },
                )?;
                ws.write_number_with_format(row, 6, c.warnings as f64, &st.amount)?;
                ws.write_with_format(row, 7, c.total, &st.amount)?;
                w.see(3, &c.file);
                w.see(5, status);
                let diff = c.total - l.declared;
                ws.write_with_format(
                    row,
                    9,
                    diff,
                    if diff.is_zero() {
                        &st.amount
                    } else {
                        &st.amount_bad
                    },
                )?;
            }
            None => {
                ws.write_string_with_format(row, 2, "미제출", &st.missing)?;
                for c in [3u16, 4, 5, 6, 7, 9] {
                    ws.write_blank(row, c, &st.text)?;
                }
            }
        }
        ws.write_with_format(row, 8, l.declared, &st.amount)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "공약 총사업비 대비", &st.title)?;
    ws.write_string_with_format(row, 4, format!("(단위 : {})", p.unit), &st.unit)?;
    row += 1;
    for (i, h) in ["구분", "공약 총사업비", "제출 합계", "차이"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, i as u16, *h, &st.header)?;
    }
    row += 1;
    for d in &r.declared {
        ws.write_string_with_format(row, 0, &d.label, &st.label)?;
        ws.write_with_format(row, 1, d.declared, &st.amount)?;
        ws.write_with_format(row, 2, d.actual, &st.amount)?;
        let diff = d.diff();
        ws.write_with_format(
            row,
            3,
            diff,
            if diff.is_zero() {
                &st.amount
            } else {
                &st.amount_bad
            },
        )?;
        row += 1;
    }
    w.apply(ws, 8.0, 60.0)?;
    setup_print(ws, 0)?;
    Ok(())
}

/// Writes one investment table in the reference layout at `row`; returns the next
/// free row. Cells differing from `declared` (총계 of 계) are highlighted.
fn write_invest_table(
    ws: &mut Worksheet,
    row: u32,
    columns: &[String],
    t: &InvestmentTable,
    declared_total: Option<Decimal>,
    declared_by_source: &dyn Fn(&str) -> Option<Decimal>,
    st: &Styles,
) -> Result<u32> {
    let last = 1 + columns.len() as u16;
    ws.merge_range(row, 0, row, 1, "구분", &st.header)?;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(row, 2 + i as u16, c, &st.header)?;
    }
    let r = row + 1;
    ws.merge_range(r, 0, r, 1, "계", &st.label)?;
    for (i, v) in t.sum.iter().enumerate() {
        let bad = i == 0 && declared_total.is_some_and(|d| d != *v);
        ws.write_with_format(
            r,
            2 + i as u16,
            *v,
            if bad { &st.amount_bad } else { &st.amount_bold },
        )?;
    }
    let n = t.sources.len() as u32;
    if n > 1 {
        ws.merge_range(r + 1, 0, r + n, 0, "재원별", &st.label)?;
    } else if n == 1 {
        ws.write_string_with_format(r + 1, 0, "재원별", &st.label)?;
    }
    for (k, (name, cells)) in t.sources.iter().enumerate() {
        let rr = r + 1 + k as u32;
        ws.write_string_with_format(rr, 1, name, &st.label)?;
        for (i, v) in cells.iter().enumerate() {
            let bad = i == 0 && declared_by_source(name).is_some_and(|d| d != *v);
            ws.write_with_format(
                rr,
                2 + i as u16,
                *v,
                if bad { &st.amount_bad } else { &st.amount },
            )?;
        }
    }
    let _ = last;
    Ok(r + 1 + n)
}

fn invest_sheet(wb: &mut Workbook, r: &PledgeReport, st: &Styles) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_INVEST)?;
    let p = &r.pledge;
    let last = 1 + r.columns.len() as u16;
    ws.merge_range(0, 0, 0, last, "연차별 투자계획", &st.title)?;
    ws.write_string_with_format(1, last, format!("(단위 : {})", p.unit), &st.unit)?;
    let declared_src = |s: &str| p.declared_for(s);
    let mut row = write_invest_table(
        ws,
        2,
        &r.columns,
        &r.total,
        Some(p.declared.total),
        &declared_src,
        st,
    )?;
    let pledge_rows = row;
    row += 1;
    ws.write_string_with_format(row, 0, "사업별", &st.title)?;
    row += 1;
    let none = |_: &str| None;
    for prog in &r.programs {
        let mut title = format!(
            "■ {} (사업비 {}{})",
            prog.name,
            amount_str(prog.declared),
            p.unit
        );
        if !prog.missing.is_empty() {
            title.push_str(&format!(" — 미제출: {}", prog.missing.join(", ")));
        }
        ws.write_string_with_format(row, 0, &title, &st.plain)?;
        ws.write_string_with_format(row, last, format!("(단위 : {})", p.unit), &st.unit)?;
        row = write_invest_table(
            ws,
            row + 1,
            &r.columns,
            &prog.table,
            Some(prog.declared),
            &none,
            st,
        )? + 1;
        for sub in &prog.subprograms {
            let mut title = format!(
                "  - {} (사업비 {}{})",
                sub.name,
                amount_str(sub.declared),
                p.unit
            );
            if !sub.submitted {
                title.push_str(" — 미제출");
            }
            ws.write_string_with_format(row, 0, &title, &st.plain)?;
            ws.write_string_with_format(row, last, format!("(단위 : {})", p.unit), &st.unit)?;
            row = write_invest_table(
                ws,
                row + 1,
                &r.columns,
                &sub.table,
                Some(sub.declared),
                &none,
                st,
            )? + 1;
        }
    }
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 8)?;
    for c in 2..=last {
        ws.set_column_width(c, 11)?;
    }
    ws.set_freeze_panes(3, 2)?;
    setup_print(ws, 2)?;

    // Yearly amounts stacked by funding source: the term-year columns of the pledge table.
    let years = p.term.len() as u16;
    if years > 0 {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        for k in 0..r.total.sources.len() as u32 {
            let rr = 4 + k;
            chart
                .add_series()
                .set_name((SHEET_INVEST, rr, 1))
                .set_categories((SHEET_INVEST, 2, 4, 2, 3 + years))
                .set_values((SHEET_INVEST, rr, 4, rr, 3 + years));
        }
        chart.title().set_name("연도별 투자계획 (재원별)");
        chart.y_axis().set_num_format("#,##0");
        ws.insert_chart(pledge_rows + 1, last + 2, &chart)?;
    }
    Ok(())
}

fn targets_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_TARGETS)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let last = 1 + years.len() as u16;
    ws.merge_range(0, 0, 0, last, "연차별 추진목표", &st.title)?;
    ws.write_string_with_format(1, 0, "사업", &st.header)?;
    ws.write_string_with_format(1, 1, "세부사업", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        ws.write_string_with_format(1, 2 + i as u16, format!("{y}년"), &st.header)?;
    }
    for (row, t) in (2u32..).zip(&r.targets) {
        ws.write_string_with_format(row, 0, &t.leaf.program, &st.wrap)?;
        ws.write_string_with_format(
            row,
            1,
            t.leaf.subprogram.as_deref().unwrap_or("-"),
            &st.wrap,
        )?;
        let mut lines = 1;
        for (i, y) in years.iter().enumerate() {
            let text = if t.submitted {
                t.cell_text(*y)
            } else {
                "미제출".to_owned()
            };
            lines = lines.max(text.lines().count().max(1) + text.chars().count() / 24);
            ws.write_string_with_format(
                row,
                2 + i as u16,
                &text,
                if t.submitted { &st.wrap } else { &st.missing },
            )?;
        }
        ws.set_row_height(row, (15 * lines).min(400) as f64)?;
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 22)?;
    for c in 2..=last {
        ws.set_column_width(c, 26)?;
    }
    ws.set_freeze_panes(2, 2)?;
    setup_print(ws, 1)?;
    Ok(())
}

fn roadmap_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_ROADMAP)?;
    let years: Vec<i32> = r.pledge.term.years().collect();
    let quarters = years.len() as u16 * 4;
    ws.merge_range(0, 0, 0, 1 + quarters, "추진일정", &st.title)?;
    ws.merge_range(1, 0, 2, 0, "사업", &st.header)?;
    ws.merge_range(1, 1, 2, 1, "세부내용", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        let c = 2 + 4 * i as u16;
        ws.merge_range(1, c, 1, c + 3, &format!("{y}년"), &st.header)?;
        for q in 0..4u16 {
            ws.write_number_with_format(2, c + q, f64::from(q + 1), &st.header)?;
            ws.set_column_width(c + q, 3.5)?;
        }
    }
    let mut w = Widths::default();
    let first = Quarter {
        year: r.pledge.term.start,
        q: 1,
    }
    .ordinal();
    for (row, item) in (3u32..).zip(&r.roadmap) {
        let leaf = item.leaf.label();
        ws.write_string_with_format(row, 0, &leaf, &st.text)?;
        ws.write_string_with_format(row, 1, &item.item.name, &st.text)?;
        w.see(0, &leaf);
        w.see(1, &item.item.name);
        for k in 0..quarters {
            let ord = first + i64::from(k);
            let active = ord >= item.item.start.ordinal() && ord <= item.item.end.ordinal();
            ws.write_blank(row, 2 + k, if active { &st.gantt } else { &st.text })?;
        }
    }
    if r.roadmap.is_empty() {
        ws.write_string_with_format(3, 0, "제출된 추진일정이 없습니다.", &st.plain)?;
    }
    ws.set_column_width(0, w.0.first().copied().unwrap_or(10.0).clamp(10.0, 50.0))?;
    ws.set_column_width(1, w.0.get(1).copied().unwrap_or(10.0).clamp(10.0, 50.0))?;
    ws.set_freeze_panes(3, 2)?;
    setup_print(ws, 2)?;
    Ok(())
}

fn findings_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_FINDINGS)?;
    let heads = ["사업", "파일", "구분", "코드", "위치", "내용"];
    let mut w = Widths::default();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    for (k, f) in r.findings.iter().enumerate() {
        let row = 1 + k as u32;
        let leaf = f.leaf.as_ref().map(|l| l.label()).unwrap_or_default();
        let sev = f.finding.severity();
        let fmt = if sev == Severity::Warning {
            &st.warn
        } else {
            &st.text
        };
        let cells = [
            leaf,
            f.file.clone(),
            sev.label().to_owned(),
            f.finding.code.as_str().to_owned(),
            f.finding.place_text(),
            f.finding.message.clone(),
        ];
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, c, fmt)?;
            w.see(i as u16, c);
        }
    }
    if r.findings.is_empty() {
        ws.write_string_with_format(1, 0, "현재 제출본에 지적 사항이 없습니다.", &st.plain)?;
    }
    w.apply(ws, 6.0, 80.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}

fn history_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_HISTORY)?;
    let heads = [
        "번호",
        "받은 시각",
        "파일명",
        "해시",
        "사업",
        "결과",
        "코드",
    ];
    let mut w = Widths::default();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    for (k, h) in r.history.iter().enumerate() {
        let row = 1 + k as u32;
        let codes: Vec<&str> = h.codes.iter().map(|c| c.as_str()).collect();
        let cells = [
            h.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            h.name.clone(),
            h.hash_prefix.clone(),
            h.leaf.as_ref().map(|l| l.label()).unwrap_or_default(),
            h.outcome.label().to_owned(),
            codes.join(", "),
        ];
        ws.write_number_with_format(row, 0, h.seq as f64, &st.amount)?;
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, 1 + i as u16, c, &st.text)?;
            w.see(1 + i as u16, c);
        }
    }
    w.apply(ws, 6.0, 60.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}
