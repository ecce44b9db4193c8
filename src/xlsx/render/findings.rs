//! 검증결과: every finding of every current submission, and of each leaf's latest
//! file when it was rejected.

use super::*;

pub(super) fn findings_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
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
        ws.write_string_with_format(
            1,
            0,
            "현재 제출본과 최근 반려된 파일에 지적 사항이 없습니다.",
            &st.plain,
        )?;
    }
    w.apply(ws, 6.0, 80.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}
