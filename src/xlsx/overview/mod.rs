//! The overview workbook `outbox/공약총괄현황.xlsx` (SPEC §9): the city's view across
//! all pledges. One file per sheet; the sheet list is [`SHEETS`], so another sheet
//! (변경내역 §10, 부진사업 §11) is one function and one line there.
//!
//! Submitted text (names of files, 담당자, 연락처) is written with `write_string`: never
//! a formula, whatever it starts with.

use crate::core::overview::{Overview, Table};
pub(crate) use crate::xlsx::render::{Styles, put, setup_print};
pub(crate) use crate::xlsx::style::{Heights, Widths, wrapped_lines};
use anyhow::Result;
use chrono::{DateTime, Local};
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

mod invest;
mod leaves;
mod pledges;
mod summary;

/// The overview's stable name in the outbox.
pub const FILE_NAME: &str = "공약총괄현황.xlsx";

pub const SHEET_SUMMARY: &str = "총괄";
pub const SHEET_PLEDGES: &str = "공약별 현황";
pub const SHEET_LEAVES: &str = "제출 현황";
pub const SHEET_INVEST: &str = "연차별 투자계획(전체)";

/// What every sheet function gets besides the data.
pub(crate) struct Ctx {
    pub(crate) st: Styles,
    pub(crate) generated_at: DateTime<Local>,
}

/// One sheet: names its worksheet and fills it.
pub(crate) type SheetFn = fn(&mut Worksheet, &Overview, &Ctx) -> Result<()>;

/// How a sheet's rows are kept until the workbook is saved.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// In memory: cells may be written in any order.
    Held,
    /// Streamed to a temp file as they are written, in row order (rust_xlsxwriter's
    /// low-memory mode): for the one sheet that grows with every change of
    /// every pledge.
    Streamed,
}

/// The sheets in workbook order.
pub(crate) const SHEETS: &[(SheetFn, Rows)] = &[
    (summary::summary_sheet, Rows::Held),
    (pledges::pledges_sheet, Rows::Held),
    (leaves::leaves_sheet, Rows::Held),
    (invest::invest_sheet, Rows::Held),
    (changes_sheet, Rows::Streamed),
    (laggards_sheet, Rows::Held),
];

/// 변경내역 across all pledges (SPEC §10), in the format cities publish.
fn changes_sheet(ws: &mut Worksheet, o: &Overview, _: &Ctx) -> Result<()> {
    crate::xlsx::render::city_changes_sheet(ws, &o.changes)
}

/// 부진사업 for the 보고회 (SPEC §11).
fn laggards_sheet(ws: &mut Worksheet, o: &Overview, _: &Ctx) -> Result<()> {
    crate::xlsx::rates::laggards_sheet(ws, &o.laggards)
}

/// Renders the overview to xlsx bytes.
///
/// # Errors
/// Only on rust_xlsxwriter failures (bad sheet geometry), not on any submitted data.
pub fn render_overview(o: &Overview, generated_at: DateTime<Local>) -> Result<Vec<u8>> {
    render_overview_as_of(o, generated_at, None)
}

/// Row of `기준 시점` on 총괄: the row between the title and the round's facts, so the
/// moment an as-of overview shows is the first thing read under its title.
const AS_OF_ROW: u32 = 1;

/// [`render_overview`] of an overview rebuilt as the ledger stood at `as_of` (SPEC
/// §10, `gongyak report --as-of`): `기준 시점` on 총괄 (above the round's facts) and
/// in every sheet's page header, as in the pledge reports.
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn render_overview_as_of(
    o: &Overview,
    generated_at: DateTime<Local>,
    as_of: Option<DateTime<Local>>,
) -> Result<Vec<u8>> {
    let ctx = Ctx {
        st: Styles::new(),
        generated_at,
    };
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
    let title = title(o);
    let props = DocProperties::new()
        .set_title(&title)
        .set_subject("공약 총괄현황")
        .set_category("공약 추진현황")
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_timestamp(
            generated_at.timestamp(),
        )?);
    wb.set_properties(&props);
    for &(sheet, rows) in SHEETS {
        match rows {
            Rows::Held => sheet(wb.add_worksheet(), o, &ctx)?,
            Rows::Streamed => {
                let mut ws = crate::xlsx::style::streamed_worksheet(&mut wb);
                sheet(&mut ws, o, &ctx)?;
                wb.push_worksheet(ws);
            }
        }
    }
    if let Some(t) = as_of {
        // Label in column 0, the value over columns 1–2 like the facts below it.
        crate::xlsx::render::mark_as_of(&mut wb, t, (SHEET_SUMMARY, AS_OF_ROW, 0, 2), &ctx.st)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// `안산시 공약 총괄현황`, or without the city's name when the city file gives none.
pub(crate) fn title(o: &Overview) -> String {
    match &o.city {
        Some(c) => format!("{c} 공약 총괄현황"),
        None => "공약 총괄현황".to_owned(),
    }
}

/// Writes a table with a label column at `col` and amounts to its right; the first
/// row bold when `sum_first`. Returns the next free row.
pub(crate) fn amount_table(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    label_head: &str,
    t: &Table,
    sum_first: bool,
    st: &Styles,
    w: &mut Widths,
) -> Result<u32> {
    ws.write_string_with_format(row, col, label_head, &st.header)?;
    w.see(col, label_head);
    for (i, c) in t.columns.iter().enumerate() {
        ws.write_string_with_format(row, col + 1 + i as u16, c, &st.header)?;
        w.see(col + 1 + i as u16, c);
    }
    for (k, (label, cells)) in t.rows.iter().enumerate() {
        let r = row + 1 + k as u32;
        ws.write_string_with_format(r, col, label, &st.label)?;
        w.see(col, label);
        let f = if sum_first && k == 0 {
            &st.amount_bold
        } else {
            &st.amount
        };
        for (i, v) in cells.iter().enumerate() {
            ws.write_with_format(r, col + 1 + i as u16, *v, f)?;
            w.see(col + 1 + i as u16, &amount_str(*v));
        }
    }
    Ok(row + 1 + t.rows.len() as u32)
}

pub(crate) fn amount_str(d: Decimal) -> String {
    crate::core::parse::fmt_amount(d)
}

/// Writes a text cell and notes its width.
pub(crate) fn text(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    s: &str,
    f: &Format,
    w: &mut Widths,
) -> Result<()> {
    ws.write_string_with_format(row, col, s, f)?;
    w.see(col, s);
    Ok(())
}

#[cfg(test)]
mod tests;
