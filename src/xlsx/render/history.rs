//! 제출이력: every file ever received.

use super::*;

/// Header and width of each column: file names, leaves, reasons and codes wrap.
const HISTORY_COLS: [(&str, f64); 8] = [
    ("번호", 6.0),
    ("받은 시각", 22.0),
    ("파일명", 22.0),
    ("사업", 26.0),
    ("결과", 10.0),
    ("사유", 24.0),
    ("코드", 14.0),
    ("파일 식별값", 16.0),
];

pub(super) fn history_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<Vec<f64>> {
    ws.set_name(SHEET_HISTORY)?;
    let widths: Vec<f64> = HISTORY_COLS.iter().map(|(_, w)| *w).collect();
    let cols = HISTORY_COLS.len() as u16;
    sheet_title(ws, "제출이력", cols, st)?;
    let lead = format!("받은 파일 {}개, 받은 순서대로", r.history.len());
    ws.merge_range(1, 0, 1, cols - 1, &lead, &st.lead)?;
    for (i, (h, _)) in HISTORY_COLS.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &st.header)?;
    }
    ws.insert_note(
        2,
        cols - 1,
        &Note::new(
            "파일 내용에서 계산한 값(SHA-256의 앞 12자리)입니다. 이름이 달라도 이 값이 같으면 \
             내용이 똑같은 파일입니다.",
        )
        .set_author("gongyak"),
    )?;
    let mut hs = Heights::default();
    for (k, h) in r.history.iter().enumerate() {
        let row = 3 + k as u32;
        let codes: Vec<&str> = h.codes.iter().map(|c| c.as_str()).collect();
        let cells = [
            h.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            h.name.clone(),
            h.leaf.as_ref().map(|l| l.label()).unwrap_or_default(),
            h.outcome.label().to_owned(),
            h.reason(),
            codes.join(", "),
            h.hash_prefix.clone(),
        ];
        ws.write_number_with_format(row, 0, h.seq as f64, &st.amount)?;
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, 1 + i as u16, c, &st.wrap)?;
            hs.need(row, 1, wrapped_lines(c, widths[1 + i] - 2.0));
        }
    }
    set_widths(ws, &widths)?;
    hs.apply(ws)?;
    ws.set_freeze_panes(3, 0)?;
    setup_print(ws, Some((0, 2)))?;
    Ok(widths)
}
