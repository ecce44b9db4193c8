//! 요약: header facts, one row per leaf, totals against the declared budgets.

use super::*;

pub(super) fn summary_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    generated_at: DateTime<Local>,
    st: &Styles,
) -> Result<()> {
    ws.set_name(SHEET_SUMMARY)?;
    let mut w = Widths::default();
    let mut hs = Heights::default();
    let p = &r.pledge;
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
    let last = heads.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, &p.title, &st.title)?;
    ws.set_row_height(0, 30)?;
    ws.write_string_with_format(1, 0, "생성 시각", &st.label)?;
    let generated = generated_at.format("%Y-%m-%d %H:%M:%S").to_string();
    ws.write_string_with_format(1, 1, &generated, &st.text)?;
    w.see(1, &generated);
    ws.write_string_with_format(2, 0, "추진부서", &st.label)?;
    ws.write_string_with_format(2, 1, &p.department, &st.text)?;
    let mut row = 4u32;
    if !p.facts.is_empty() {
        for (i, f) in p.facts.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, &f.label, &st.header)?;
            ws.write_string_with_format(row + 1, i as u16, &f.value, &st.text)?;
            w.see(i as u16, &f.label);
            w.see(i as u16, &f.value);
        }
        row += 3;
    }
    if !p.contacts.is_empty() {
        ws.write_string_with_format(row, 0, "공약실명제", &st.subtitle)?;
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
            w.see(2, &c.phone);
            row += 1;
        }
        row += 1;
    }
    let submitted = r.leaves.iter().filter(|l| l.current.is_some()).count();
    let rejected = r
        .leaves
        .iter()
        .filter(|l| l.current.is_none() && l.rejected.is_some())
        .count();
    let mut heading = format!("제출 현황 ({submitted}/{} 제출", r.leaves.len());
    if rejected > 0 {
        heading.push_str(&format!(", {rejected} 반려"));
    }
    heading.push(')');
    ws.write_string_with_format(row, 0, heading, &st.subtitle)?;
    ws.write_string_with_format(row, last, format!("(단위 : {})", p.unit), &st.unit)?;
    row += 1;
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    row += 1;
    let blocks: Vec<(&LeafKey, u32)> = r.leaves.iter().map(|l| (&l.key, 1)).collect();
    leaf_groups(
        ws,
        row,
        &blocks,
        (PROGRAM_COL, SUBPROGRAM_COL),
        &st.group,
        &mut hs,
    )?;
    for l in &r.leaves {
        match &l.current {
            Some(c) => {
                ws.write_string_with_format(row, 2, "제출", &st.text)?;
                ws.write_string_with_format(row, 3, &c.file, &st.text)?;
                ws.write_string_with_format(row, 4, c.base_date.to_string(), &st.text)?;
                // A later file of this leaf was rejected: the current one still
                // counts, but its staff have something to fix.
                let mut status = match &l.rejected {
                    Some(rj) => format!("최근 파일 반려: {}", rj.reason()),
                    None if c.warnings > 0 => "접수(경고 있음)".to_owned(),
                    None => "접수".to_owned(),
                };
                if c.not_used > 0 {
                    status.push_str(&format!(", 미반영 {}건", c.not_used));
                }
                ws.write_string_with_format(
                    row,
                    5,
                    &status,
                    if c.warnings > 0 || l.rejected.is_some() {
                        &st.warn
                    } else {
                        &st.text
                    },
                )?;
                ws.write_number_with_format(row, 6, c.warnings as f64, &st.amount)?;
                ws.write_with_format(row, 7, c.total, &st.amount)?;
                w.see(3, &c.file);
                w.see(4, &c.base_date.to_string());
                w.see(5, &status);
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
            // Its only or latest file was rejected: 반려 with the reason, never 미제출.
            None => match &l.rejected {
                Some(rj) => {
                    let status = format!("반려: {}", rj.reason());
                    ws.write_string_with_format(row, 2, "반려", &st.missing)?;
                    ws.write_string_with_format(row, 3, &rj.file, &st.missing)?;
                    ws.write_string_with_format(row, 5, &status, &st.missing)?;
                    for c in [4u16, 6, 7, 9] {
                        ws.write_blank(row, c, &st.missing)?;
                    }
                    w.see(3, &rj.file);
                    w.see(5, &status);
                }
                None => {
                    ws.write_string_with_format(row, 2, "미제출", &st.missing)?;
                    for c in [3u16, 4, 5, 6, 7, 9] {
                        ws.write_blank(row, c, &st.missing)?;
                    }
                }
            },
        }
        ws.write_with_format(row, 8, l.declared, &st.amount)?;
        w.see(8, &amount_str(l.declared));
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "공약 총사업비 대비", &st.subtitle)?;
    ws.write_string_with_format(row, 3, format!("(단위 : {})", p.unit), &st.unit)?;
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
    for c in 0..=last {
        let (min, max) = match c {
            // Fixed: leaf_groups sized the rows for wrapped names at these widths.
            0 => (PROGRAM_COL, PROGRAM_COL),
            1 => (SUBPROGRAM_COL, SUBPROGRAM_COL),
            3 => (10.0, 40.0),
            // 상태 holds the Korean reason of a 반려.
            5 => (9.0, 30.0),
            _ => (9.0, 16.0),
        };
        ws.set_column_width(c, w.get(c, min, max))?;
    }
    hs.apply(ws)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}
