//! 변경내역 (SPEC §10): the pledge's 당초 against its current plan by source, every
//! changed value newest first; the marks (fill and note) on the 연차별 투자계획 cells
//! that the latest submission of their leaf changed; and the city-wide list the
//! overview publishes.

use super::*;
use crate::core::changes::{ChangeEvent, CityChange};
use crate::core::diff::{Change, Column, Value};
use crate::xlsx::style::{list_borders, list_columns};
use rust_xlsxwriter::Note;
use std::collections::HashMap;

pub const SHEET_CHANGES: &str = "변경내역";

/// Fill of a cell whose value the latest submission of its leaf changed.
const CHANGED_FILL: u32 = 0xE4DFEC;

const HEADS: [&str; 13] = [
    "받은 시각",
    "기준일",
    "사업",
    "세부사업",
    "구분",
    "항목",
    "변경 전",
    "변경 후",
    "차이",
    "변경사유",
    "제출부서·담당자",
    "이전 파일",
    "변경 파일",
];

/// A time as people read it here: the server's local time.
pub(super) fn local_time(t: &DateTime<Local>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn reason_words(e: &ChangeEvent) -> String {
    match &e.reason {
        Some(r) => format!("사유: {r}"),
        None => "사유 없음".to_owned(),
    }
}

pub(super) fn changes_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_CHANGES)?;
    let p = &r.pledge;
    let last = HEADS.len() as u16 - 1;
    let mut w = Widths::default();
    ws.merge_range(0, 0, 0, last, &format!("변경내역 — {}", p.title), &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(
        1,
        0,
        "당초 = 사업마다 처음 접수된 제출본의 합계, 현재 = 보고서에 반영된 제출본의 합계",
        &st.plain,
    )?;
    ws.write_string_with_format(1, last, format!("(단위 : {})", p.unit), &st.unit)?;
    // 당초 against the current plan, by source; row by row, as a low-memory
    // sheet is written (see `changes_sheet`'s caller).
    let changed = st
        .amount
        .clone()
        .set_background_color(Color::RGB(CHANGED_FILL));
    let totals = &r.changes.totals;
    ws.write_string_with_format(2, 0, "구분", &st.header)?;
    for (i, t) in totals.iter().enumerate() {
        ws.write_string_with_format(2, 1 + i as u16, &t.label, &st.header)?;
    }
    for (k, label) in ["당초", "현재", "차이"].iter().enumerate() {
        let row = 3 + k as u32;
        ws.write_string_with_format(row, 0, *label, &st.label)?;
        for (i, t) in totals.iter().enumerate() {
            let c = 1 + i as u16;
            match k {
                0 => ws.write_with_format(row, c, t.original, &st.amount)?,
                1 => ws.write_with_format(row, c, t.current, &st.amount)?,
                _ => {
                    let diff = t.current - t.original;
                    let fmt = if diff.is_zero() { &st.amount } else { &changed };
                    ws.write_with_format(row, c, diff, fmt)?
                }
            };
        }
    }

    let head_row = 7;
    for (i, h) in HEADS.iter().enumerate() {
        ws.write_string_with_format(head_row, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    // Hundreds of rows per pledge: the cells take their columns' formats.
    list_columns(ws, HEADS.len() as u16, &[6, 7, 8])?;
    let mut row = head_row + 1;
    for e in &r.changes.events {
        let shared = EventCells::of(e);
        shared.measure(&mut w);
        for c in &e.changes {
            change_row(ws, row, r, &shared, c, &mut w)?;
            row += 1;
        }
    }
    if r.changes.events.is_empty() {
        ws.merge_range(row, 0, row, last, "변경된 값이 없습니다.", &st.text)?;
    } else {
        list_borders(ws, head_row + 1, row - 1, last)?;
    }
    let mut widths = w;
    widths.see(0, "2026-12-31 23:59:59");
    widths.apply(ws, 8.0, 40.0)?;
    ws.set_freeze_panes(head_row + 1, 0)?;
    setup_print(ws, Some((0, head_row)))?;
    Ok(())
}

/// The cells every row of one submission repeats (when, which leaf, why, who, the
/// two files): made and measured once per submission, not once per changed value —
/// a quarterly report changes a dozen values, and a pledge has hundreds of reports.
struct EventCells([(u16, String); 8]);

impl EventCells {
    fn of(e: &ChangeEvent) -> Self {
        let who = [e.department.as_str(), e.person.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        Self([
            (0, local_time(&e.received_at)),
            (1, e.base_date.to_string()),
            (2, e.leaf.program.clone()),
            (3, e.leaf.subprogram.clone().unwrap_or_default()),
            (9, e.reason.clone().unwrap_or_default()),
            (10, who),
            (11, e.file_before.clone()),
            (12, e.file_after.clone()),
        ])
    }

    fn measure(&self, w: &mut Widths) {
        for (col, t) in &self.0 {
            w.see(*col, t);
        }
    }
}

/// One changed value: its submission's cells, what changed, before, after and by how
/// much; written without formats (see [`list_columns`]).
fn change_row(
    ws: &mut Worksheet,
    row: u32,
    r: &PledgeReport,
    shared: &EventCells,
    c: &Change,
    w: &mut Widths,
) -> Result<()> {
    for (col, t) in &shared.0 {
        ws.write_string(row, *col, t)?;
    }
    let item = c.item.label(&r.pledge);
    w.see(5, &item);
    ws.write_string(row, 4, c.item.section().label())?;
    ws.write_string(row, 5, item)?;
    for (col, v) in [(6, &c.before), (7, &c.after)] {
        match v {
            Value::Amount(d) => {
                ws.write(row, col, *d)?;
                w.see(col, &amount_str(*d));
            }
            other => {
                let text = other.display();
                w.see(col, &text);
                ws.write_string(row, col, text)?;
            }
        };
    }
    if let Some(d) = c.delta() {
        ws.write(row, 8, d)?;
    }
    Ok(())
}

/// The 연차별 투자계획 cells the latest submission of each leaf changed, looked up by
/// leaf, source and column; [`CellMarks::apply`] marks one written table.
pub(super) struct CellMarks<'a> {
    by_cell: HashMap<(&'a LeafKey, &'a str, Column), (&'a ChangeEvent, &'a Change)>,
    /// The report's columns, in table order (as `write_invest_table` writes them).
    columns: Vec<Column>,
}

impl<'a> CellMarks<'a> {
    pub(super) fn of(r: &'a PledgeReport) -> Self {
        Self {
            by_cell: r.changes.latest_amounts(),
            columns: r.columns.clone(),
        }
    }

    /// Marks the changed cells of the table whose `구분` header is at `header_row`
    /// (geometry of `write_invest_table`): a distinct fill and a note `변경 전 … → …
    /// (기준일, 사유: …)`. `in_table` selects the leaves the table sums; `own` is true
    /// for a leaf's own table (then the note does not name the leaf).
    pub(super) fn apply(
        &self,
        ws: &mut Worksheet,
        header_row: u32,
        t: &InvestmentTable,
        in_table: &dyn Fn(&LeafKey) -> bool,
        own: bool,
        st: &Styles,
    ) -> Result<()> {
        if self.by_cell.is_empty() {
            return Ok(());
        }
        let fill = st
            .amount
            .clone()
            .set_background_color(Color::RGB(CHANGED_FILL));
        let sum_row = header_row + 1;
        for (i, &column) in self.columns.iter().enumerate() {
            let parts = self.parts(in_table, None, column);
            self.mark(
                ws,
                (sum_row, 2 + i as u16),
                t.sum.get(column),
                &parts,
                own,
                &fill,
            )?;
        }
        for (k, (source, cells)) in t.sources.iter().enumerate() {
            let rr = sum_row + 1 + k as u32;
            for (i, &column) in self.columns.iter().enumerate() {
                let parts = self.parts(in_table, Some(source), column);
                self.mark(
                    ws,
                    (rr, 2 + i as u16),
                    cells.get(column),
                    &parts,
                    own,
                    &fill,
                )?;
            }
        }
        Ok(())
    }

    /// Per leaf of the table, how much the latest submission changed this cell
    /// (`source` None: the 계 row, summed over sources).
    fn parts(
        &self,
        in_table: &dyn Fn(&LeafKey) -> bool,
        source: Option<&str>,
        column: Column,
    ) -> Vec<(&'a ChangeEvent, Decimal)> {
        let mut by_leaf: Vec<(&ChangeEvent, Decimal)> = Vec::new();
        for ((leaf, src, col), (e, c)) in &self.by_cell {
            if *col != column || !in_table(leaf) || source.is_some_and(|s| s != *src) {
                continue;
            }
            let d = c.delta().unwrap_or_default();
            match by_leaf.iter_mut().find(|(x, _)| x.seq == e.seq) {
                Some((_, acc)) => *acc += d,
                None => by_leaf.push((e, d)),
            }
        }
        by_leaf.retain(|(_, d)| !d.is_zero());
        by_leaf.sort_by(|a, b| a.0.leaf.cmp(&b.0.leaf));
        by_leaf
    }

    fn mark(
        &self,
        ws: &mut Worksheet,
        (row, col): (u32, u16),
        value: Decimal,
        parts: &[(&ChangeEvent, Decimal)],
        own: bool,
        fill: &Format,
    ) -> Result<()> {
        let total: Decimal = parts.iter().map(|(_, d)| *d).sum();
        if parts.is_empty() || total.is_zero() {
            return Ok(());
        }
        let text = note_text(value, parts, own);
        let lines = text.lines().count() as u32;
        ws.write_with_format(row, col, value, fill)?;
        let note = Note::new(text)
            .set_author("gongyak")
            .add_author_prefix(false)
            .set_width(320)
            .set_height(24 + 18 * lines);
        ws.insert_note(row, col, &note)?;
        Ok(())
    }
}

/// `변경 전 4,000 → 3,500 (2026-11-20, 사유: …)`; in a table summing several leaves,
/// the total's change and then each leaf's part.
fn note_text(value: Decimal, parts: &[(&ChangeEvent, Decimal)], own: bool) -> String {
    let total: Decimal = parts.iter().map(|(_, d)| *d).sum();
    let head = format!(
        "변경 전 {} → {}",
        amount_str(value - total),
        amount_str(value)
    );
    if let [(e, _)] = parts
        && own
    {
        return format!("{head} ({}, {})", e.base_date, reason_words(e));
    }
    let mut lines = vec![head];
    for (e, d) in parts {
        let way = if d.is_sign_negative() {
            "감소"
        } else {
            "증가"
        };
        lines.push(format!(
            "{}: {} {way} ({}, {})",
            e.leaf.label(),
            amount_str(d.abs()),
            e.base_date,
            reason_words(e)
        ));
    }
    lines.join("\n")
}

/// The overview's 변경내역 sheet: every change of every pledge, newest first, in the
/// columns cities publish (관리번호, 공약명, 변경일, 구분, 항목, 변경 전, 변경 후,
/// 변경사유). `rows` come from [`crate::core::changes::city_changes`].
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn city_changes_sheet(ws: &mut Worksheet, rows: &[CityChange]) -> Result<()> {
    let st = Styles::new();
    ws.set_name(SHEET_CHANGES)?;
    let heads = [
        "관리번호",
        "공약명",
        "변경일",
        "구분",
        "항목",
        "변경 전",
        "변경 후",
        "변경사유",
    ];
    let last = heads.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, "공약 변경내역", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(
        1,
        0,
        "투자계획·추진목표·추진일정의 변경(계획 조정)을 싣습니다. 분기마다 바뀌는 추진실적은 공약별 보고서의 변경내역 시트에 있습니다.",
        &st.plain,
    )?;
    let mut w = Widths::default();
    let head_row = 2;
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(head_row, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    // Tens of thousands of rows across a city: the cells take their columns' formats.
    list_columns(ws, heads.len() as u16, &[])?;
    for (k, c) in rows.iter().enumerate() {
        let row = head_row + 1 + k as u32;
        let date = c.date.to_string();
        let cells: [&str; 8] = [
            &c.number,
            &c.title,
            &date,
            c.section.label(),
            &c.item,
            &c.before,
            &c.after,
            &c.reason,
        ];
        for (i, t) in cells.into_iter().enumerate() {
            ws.write_string(row, i as u16, t)?;
            w.see(i as u16, t);
        }
    }
    list_borders(ws, head_row + 1, head_row + rows.len() as u32, last)?;
    if rows.is_empty() {
        ws.merge_range(
            head_row + 1,
            0,
            head_row + 1,
            last,
            "변경된 공약이 없습니다.",
            &st.text,
        )?;
    } else {
        ws.autofilter(head_row, 0, head_row + rows.len() as u32, last)?;
    }
    w.apply(ws, 8.0, 50.0)?;
    ws.set_freeze_panes(head_row + 1, 0)?;
    setup_print(ws, Some((0, head_row)))?;
    Ok(())
}
