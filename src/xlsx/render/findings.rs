//! 검증결과: every finding of every current submission, and of each leaf's latest
//! file when it was rejected.

use super::*;

/// Header and width of each column; every column wraps, so a long message grows its
/// row instead of running past the table's border.
const FINDING_COLS: [(&str, f64); 6] = [
    ("사업", 20.0),
    ("파일", 18.0),
    ("구분", 6.0),
    ("코드", 12.0),
    ("위치", 14.0),
    ("내용", 70.0),
];

pub(super) fn findings_sheet(
    ws: &mut Worksheet,
    r: &PledgeReport,
    st: &Styles,
) -> Result<Vec<f64>> {
    ws.set_name(SHEET_FINDINGS)?;
    let widths: Vec<f64> = FINDING_COLS.iter().map(|(_, w)| *w).collect();
    let cols = FINDING_COLS.len() as u16;
    sheet_title(ws, "검증결과", cols, st)?;
    if r.findings.is_empty() {
        let lead = "현재 제출본과 최근 반려된 파일에 지적 사항이 없습니다.";
        ws.merge_range(1, 0, 1, cols - 1, lead, &st.lead)?;
        set_widths(ws, &widths)?;
        ws.set_freeze_panes(2, 0)?;
        setup_print(ws, None)?;
        return Ok(widths);
    }
    let errors = r
        .findings
        .iter()
        .filter(|f| f.finding.severity() == Severity::Error)
        .count();
    let lead = format!(
        "현재 제출본과 최근 반려된 파일의 지적 사항 {}건 (오류 {errors}건, 경고 {}건)",
        r.findings.len(),
        r.findings.len() - errors
    );
    ws.merge_range(1, 0, 1, cols - 1, &lead, &st.lead)?;
    for (i, (h, _)) in FINDING_COLS.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &st.header)?;
    }
    let mut hs = Heights::default();
    let warn = st.warn.clone().set_text_wrap().set_indent(1);
    for (k, f) in r.findings.iter().enumerate() {
        let row = 3 + k as u32;
        let leaf = f.leaf.as_ref().map(|l| l.label()).unwrap_or_default();
        let sev = f.finding.severity();
        let fmt = if sev == Severity::Warning {
            &warn
        } else {
            &st.wrap
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
            hs.need(row, 1, wrapped_lines(c, widths[i] - 2.0));
        }
    }
    set_widths(ws, &widths)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(3, 0)?;
    setup_print(ws, Some((0, 2)))?;
    Ok(widths)
}
