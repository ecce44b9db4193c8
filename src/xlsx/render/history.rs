//! 제출이력: every file ever received.

use super::*;

pub(super) fn history_sheet(ws: &mut Worksheet, r: &PledgeReport, st: &Styles) -> Result<()> {
    ws.set_name(SHEET_HISTORY)?;
    let heads = [
        "번호",
        "받은 시각",
        "파일명",
        "사업",
        "결과",
        "사유",
        "코드",
        "파일 식별값",
    ];
    let mut w = Widths::default();
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &st.header)?;
        w.see(i as u16, h);
    }
    ws.insert_note(
        0,
        heads.len() as u16 - 1,
        &Note::new(
            "파일 내용에서 계산한 값(SHA-256의 앞 12자리)입니다. 이름이 달라도 이 값이 같으면 \
             내용이 똑같은 파일입니다.",
        )
        .set_author("gongyak"),
    )?;
    for (k, h) in r.history.iter().enumerate() {
        let row = 1 + k as u32;
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
            ws.write_string_with_format(row, 1 + i as u16, c, &st.text)?;
            w.see(1 + i as u16, c);
        }
    }
    w.apply(ws, 6.0, 60.0)?;
    ws.set_freeze_panes(1, 0)?;
    setup_print(ws, 0)?;
    Ok(())
}
