//! 총괄: the round, the counts, and the money by 분야 — the page the 총괄 officer
//! prints for the mayor's staff.

use super::*;

/// Header row of the counts table (the `공약` … `기한 경과` labels).
pub(crate) const COUNTS_ROW: u32 = 7;

pub(crate) fn summary_sheet(ws: &mut Worksheet, o: &Overview, ctx: &Ctx) -> Result<()> {
    let st = &ctx.st;
    ws.set_name(SHEET_SUMMARY)?;
    let mut w = Widths::default();
    let last = 3 + o.sources.len() as u16 + 1;
    ws.merge_range(0, 0, 0, last.max(6), &title(o), &st.title)?;
    ws.set_row_height(0, 30)?;
    facts(ws, o, ctx, &mut w)?;
    counts(ws, o, st, &mut w)?;
    let r = categories(ws, o, st, last, &mut w)?;
    // §11: status counts and rates, each with its numerator and denominator.
    crate::xlsx::rates::rates_block(ws, r + 3, &o.rates)?;
    w.apply(ws, 10.0, 20.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, Some((0, 0)))?;
    Ok(())
}

/// The round and when the workbook was made.
fn facts(ws: &mut Worksheet, o: &Overview, ctx: &Ctx, w: &mut Widths) -> Result<()> {
    let st = &ctx.st;
    let round = o.round.as_ref();
    let facts = [
        (
            "보고 회차",
            round.map_or("(회차 없음: 최신 제출 기준)".to_owned(), |r| {
                r.name.clone()
            }),
        ),
        (
            "제출 시작일",
            round.map_or("-".to_owned(), |r| r.opens.to_string()),
        ),
        (
            "제출 기한",
            round.map_or("-".to_owned(), |r| r.due.to_string()),
        ),
        (
            "생성 시각",
            ctx.generated_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        ),
    ];
    for (i, (label, value)) in facts.iter().enumerate() {
        // Below the row an as-of overview's 기준 시점 takes (left blank otherwise).
        let r = AS_OF_ROW + 1 + i as u32;
        text(ws, (r, 0), label, &st.label, w)?;
        put(ws, (r, 1), (r, 2), value, &st.text)?;
    }
    Ok(())
}

/// 제출 현황: the counts of pledges, leaves and their states.
fn counts(ws: &mut Worksheet, o: &Overview, st: &Styles, w: &mut Widths) -> Result<()> {
    ws.write_string_with_format(COUNTS_ROW - 1, 0, "제출 현황", &st.subtitle)?;
    let c = &o.counts;
    let counts = [
        ("공약", c.pledges),
        ("사업", c.leaves),
        ("제출", c.filed),
        ("미제출", c.missing),
        ("반려", c.rejected),
        ("기한 경과", c.overdue),
    ];
    for (i, (label, n)) in counts.iter().enumerate() {
        let col = i as u16;
        text(ws, (COUNTS_ROW, col), label, &st.header, w)?;
        let f = if (*label == "미제출" || *label == "반려" || *label == "기한 경과") && *n > 0
        {
            &st.missing
        } else {
            &st.amount
        };
        ws.write_with_format(COUNTS_ROW + 1, col, *n as u32, f)?;
    }
    ws.write_string_with_format(
        COUNTS_ROW + 2,
        0,
        "사업은 제출 단위(사업 또는 세부사업)입니다. 기한 경과는 기한이 지났는데 미제출이거나 반려된 사업 수입니다.",
        &st.plain,
    )?;
    Ok(())
}

/// 분야별 현황 and its 계 row (the row returned), with the note below it.
fn categories(
    ws: &mut Worksheet,
    o: &Overview,
    st: &Styles,
    last: u16,
    w: &mut Widths,
) -> Result<u32> {
    let row = COUNTS_ROW + 4;
    ws.write_string_with_format(row, 0, "분야별 현황", &st.subtitle)?;
    ws.write_string_with_format(row, last, format!("(단위 : {})", o.unit), &st.unit)?;
    let mut heads = vec![
        "분야".to_owned(),
        "공약 수".to_owned(),
        "사업 수".to_owned(),
        "공약 총사업비".to_owned(),
        "총사업비 계".to_owned(),
    ];
    heads.extend(o.sources.iter().cloned());
    let head_row = row + 1;
    for (i, h) in heads.iter().enumerate() {
        text(ws, (head_row, i as u16), h, &st.header, w)?;
    }
    let mut r = head_row + 1;
    let mut sum = vec![Decimal::ZERO; 2 + o.sources.len()];
    for cat in &o.categories {
        text(ws, (r, 0), &cat.category, &st.label, w)?;
        ws.write_with_format(r, 1, cat.pledges as u32, &st.amount)?;
        ws.write_with_format(r, 2, cat.leaves as u32, &st.amount)?;
        let cells: Vec<Decimal> = [cat.declared, cat.total]
            .into_iter()
            .chain(cat.by_source.iter().copied())
            .collect();
        for (i, v) in cells.iter().enumerate() {
            ws.write_with_format(r, 3 + i as u16, *v, &st.amount)?;
            w.see(3 + i as u16, &amount_str(*v));
            sum[i] += *v;
        }
        r += 1;
    }
    text(ws, (r, 0), "계", &st.label, w)?;
    ws.write_with_format(r, 1, o.counts.pledges as u32, &st.amount_bold)?;
    ws.write_with_format(r, 2, o.counts.leaves as u32, &st.amount_bold)?;
    for (i, v) in sum.iter().enumerate() {
        ws.write_with_format(r, 3 + i as u16, *v, &st.amount_bold)?;
    }
    ws.write_string_with_format(
        r + 1,
        0,
        "공약 총사업비는 정의 파일의 금액, 총사업비 계와 재원별 금액은 제출된 계획의 합계입니다.",
        &st.plain,
    )?;
    Ok(r)
}
