//! The overview's §11 parts, ready to be placed by the overview workbook: the block of
//! status counts and rates for the 총괄 sheet ([`rates_block`]) and the 부진사업 sheet
//! ([`laggards_sheet`]). Each rate shows its numerator and denominator beside it; a zero
//! denominator shows `-`.
//!
//! These write with their own formats (맑은 고딕, thin borders, the report's fills) so
//! that the overview can call them on any worksheet.

use crate::core::progress::Ratio;
use crate::core::rates::{CityRates, Laggard, NOT_FILED, Rates};
use anyhow::Result;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet};

/// The name of the 부진사업 sheet.
pub const SHEET_LAGGARDS: &str = "부진사업";

/// How the rates are computed, printed under the block.
pub const RATE_RULES: &[&str] = &[
    "공약이행완료율 = (완료 + 이행후계속추진) ÷ 전체 공약 수. 공약의 추진상황은 세부사업 가운데 가장 덜 진척된 상황입니다.",
    "재정확보율 = 확보액(기투자와 임기 중 연도의 합) ÷ 계획 총계(임기후 포함).",
    "임기내 재정확보율 = 임기 중 연도의 확보액 ÷ 임기 중 연도의 계획.",
    "재정집행률 = 임기 중 연도의 집행액 ÷ 임기 중 연도의 계획(확보액이 아니라 계획으로 나눕니다).",
    "목표달성률 = 그 해의 숫자 목표를 모두 달성한 공약 수 ÷ 그 해에 숫자 목표가 있는 공약 수.",
    "분모가 0이면 '-'로 표시합니다. 비율은 소수 첫째 자리까지 반올림해 보입니다.",
];

struct Formats {
    subtitle: Format,
    header: Format,
    label: Format,
    count: Format,
    amount: Format,
    percent: Format,
    text: Format,
    wrap: Format,
    note: Format,
    bad: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name("맑은 고딕").set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            subtitle: base.clone().set_bold().set_font_size(11),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            label: cell
                .clone()
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_text_wrap(),
            count: cell
                .clone()
                .set_num_format("#,##0")
                .set_align(FormatAlign::Right),
            amount: cell
                .clone()
                .set_num_format("#,##0;-#,##0;\"-\"")
                .set_align(FormatAlign::Right),
            percent: cell
                .clone()
                .set_num_format("0.0%")
                .set_align(FormatAlign::Right),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            note: base.clone().set_font_color(Color::RGB(0x595959)),
            bad: cell.set_background_color(Color::RGB(0xF8CBAD)),
        }
    }
}

/// A rate as a fraction in a `0.0%` cell, or `-` for a zero denominator.
fn put_ratio(ws: &mut Worksheet, row: u32, col: u16, r: Ratio, f: &Formats) -> Result<()> {
    match r.fraction() {
        Some(v) => ws.write_with_format(row, col, v, &f.percent)?,
        None => ws.write_string_with_format(row, col, "-", &f.text)?,
    };
    Ok(())
}

/// The groups of a block: 전체, 핵심공약, then each 분야.
fn groups(r: &CityRates) -> Vec<(String, &Rates)> {
    let mut out = vec![
        ("전체".to_owned(), &r.city),
        ("핵심공약".to_owned(), &r.core),
    ];
    out.extend(
        r.by_category
            .iter()
            .map(|(c, rates)| (format!("분야: {c}"), rates)),
    );
    out
}

/// Writes the §11 block at `top` on the 총괄 sheet: status counts and shares,
/// 공약이행완료율 and 목표달성률 (each with 분자 and 분모), then the money rates by source,
/// then the rules. Returns the next free row. Columns used: 0–12.
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn rates_block(ws: &mut Worksheet, top: u32, r: &CityRates) -> Result<u32> {
    let f = Formats::new();
    let groups = groups(r);
    ws.write_string_with_format(top, 0, "추진상황 및 공약이행완료율", &f.subtitle)?;
    let head = top + 1;
    let mut heads: Vec<String> = vec!["구분".into(), "계".into()];
    heads.extend(
        crate::core::model::Status::LISTED
            .iter()
            .map(|s| s.label().to_owned()),
    );
    heads.push(NOT_FILED.into());
    heads.extend(["공약이행완료율".into(), "분자".into(), "분모".into()]);
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(head, c as u16, h, &f.header)?;
    }
    let mut row = head + 1;
    for (name, g) in &groups {
        // Counts on one row, shares under them.
        ws.write_string_with_format(row, 0, name, &f.label)?;
        ws.write_string_with_format(row + 1, 0, "비율", &f.label)?;
        ws.write_with_format(row, 1, g.counts.total as u32, &f.count)?;
        put_ratio(ws, row + 1, 1, Ratio::new(Decimal::ONE, Decimal::ONE), &f)?;
        for (i, s) in crate::core::model::Status::LISTED.iter().enumerate() {
            ws.write_with_format(row, 2 + i as u16, g.counts.count(*s) as u32, &f.count)?;
            put_ratio(ws, row + 1, 2 + i as u16, g.counts.share(*s), &f)?;
        }
        let nf = 2 + crate::core::model::Status::LISTED.len() as u16;
        ws.write_with_format(row, nf, g.counts.not_filed as u32, &f.count)?;
        put_ratio(ws, row + 1, nf, g.counts.not_filed_share(), &f)?;
        put_ratio(ws, row, nf + 1, g.completion, &f)?;
        ws.write_with_format(row, nf + 2, g.completion.num, &f.count)?;
        ws.write_with_format(row, nf + 3, g.completion.den, &f.count)?;
        for c in nf + 1..=nf + 3 {
            ws.write_blank(row + 1, c, &f.text)?;
        }
        row += 2;
    }

    row += 1;
    ws.write_string_with_format(
        row,
        0,
        format!("목표달성률 ({}년 숫자 목표)", r.year),
        &f.subtitle,
    )?;
    row += 1;
    for (c, h) in ["구분", "목표달성률", "분자", "분모"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    row += 1;
    for (name, g) in &groups {
        ws.write_string_with_format(row, 0, name, &f.label)?;
        put_ratio(ws, row, 1, g.targets, &f)?;
        ws.write_with_format(row, 2, g.targets.num, &f.count)?;
        ws.write_with_format(row, 3, g.targets.den, &f.count)?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "재정확보율 · 재정집행률", &f.subtitle)?;
    row += 1;
    let money_heads = [
        "구분",
        "재원",
        "재정확보율",
        "확보액",
        "계획 총계",
        "임기내 재정확보율",
        "임기내 확보액",
        "임기내 계획",
        "재정집행률",
        "임기내 집행액",
        "임기내 계획",
    ];
    for (c, h) in money_heads.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    row += 1;
    for (name, g) in &groups {
        for (source, m) in &g.finance {
            ws.write_string_with_format(row, 0, name, &f.label)?;
            ws.write_string_with_format(row, 1, source, &f.label)?;
            for (k, ratio) in [m.secured, m.secured_term, m.spent_term].iter().enumerate() {
                let c = 2 + 3 * k as u16;
                put_ratio(ws, row, c, *ratio, &f)?;
                ws.write_with_format(row, c + 1, ratio.num, &f.amount)?;
                ws.write_with_format(row, c + 2, ratio.den, &f.amount)?;
            }
            row += 1;
        }
    }
    row += 1;
    for rule in RATE_RULES {
        ws.write_string_with_format(row, 0, *rule, &f.note)?;
        row += 1;
    }
    Ok(row)
}

/// The 부진사업 sheet for the 보고회: one row per leaf that is 보류 or 일부추진, spends
/// below half of the term elapsed, or reports a lower 추진율 than before.
///
/// # Errors
/// Only on rust_xlsxwriter failures.
pub fn laggards_sheet(ws: &mut Worksheet, list: &[Laggard]) -> Result<()> {
    let f = Formats::new();
    ws.set_name(SHEET_LAGGARDS)?;
    ws.write_string_with_format(0, 0, "부진사업", &f.subtitle)?;
    ws.write_string_with_format(
        1,
        0,
        "보류 또는 일부추진이거나, 재정집행률이 기준일까지 지난 임기의 절반에 못 미치거나, \
         추진율이 이전 보고보다 낮아진 사업입니다.",
        &f.note,
    )?;
    let heads = [
        "관리번호",
        "공약명",
        "주관부서",
        "사업",
        "세부사업",
        "기준일",
        "추진상황",
        "추진율",
        "이전 추진율",
        "재정집행률",
        "임기 경과율",
        "사유",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &f.header)?;
    }
    for (row, l) in (4u32..).zip(list) {
        ws.write_string_with_format(row, 0, l.number.as_deref().unwrap_or(""), &f.text)?;
        ws.write_string_with_format(row, 1, &l.pledge, &f.wrap)?;
        ws.write_string_with_format(row, 2, &l.department, &f.text)?;
        ws.write_string_with_format(row, 3, &l.leaf.program, &f.wrap)?;
        ws.write_string_with_format(row, 4, l.leaf.subprogram.as_deref().unwrap_or("-"), &f.wrap)?;
        ws.write_string_with_format(row, 5, l.base_date.to_string(), &f.text)?;
        let held = matches!(
            l.status,
            crate::core::model::Status::OnHold | crate::core::model::Status::Partial
        );
        let sf = if held { &f.bad } else { &f.text };
        ws.write_string_with_format(row, 6, l.status.label(), sf)?;
        put_ratio(ws, row, 7, Ratio::new(l.rate, Decimal::ONE_HUNDRED), &f)?;
        match l.previous_rate {
            Some(p) => put_ratio(ws, row, 8, Ratio::new(p, Decimal::ONE_HUNDRED), &f)?,
            None => {
                ws.write_string_with_format(row, 8, "-", &f.text)?;
            }
        }
        put_ratio(ws, row, 9, l.spent, &f)?;
        put_ratio(ws, row, 10, l.elapsed, &f)?;
        ws.write_string_with_format(row, 11, l.reasons.join("\n"), &f.wrap)?;
    }
    for (c, w) in [
        8.0, 30.0, 12.0, 24.0, 24.0, 11.0, 12.0, 9.0, 10.0, 10.0, 10.0, 40.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(4, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(3, 3)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::definition::LeafKey;
    use crate::core::model::Status;
    use crate::core::rates::{FinanceRates, StatusCounts};
    use calamine::{Data, Reader, Xlsx};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn read(bytes: Vec<u8>, sheet: &str) -> calamine::Range<Data> {
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        wb.worksheet_range(sheet).unwrap()
    }

    #[test]
    fn the_block_shows_each_rate_with_its_numerator_and_denominator() {
        let mut counts = StatusCounts {
            total: 244,
            not_filed: 0,
            ..Default::default()
        };
        counts.by_status.insert(Status::Done, 22);
        counts.by_status.insert(Status::DoneContinuing, 80);
        counts.by_status.insert(Status::OnTrack, 142);
        let city = Rates {
            counts,
            completion: Ratio::new(d("102"), d("244")),
            finance: vec![(
                "계".into(),
                FinanceRates {
                    secured: Ratio::new(d("742600"), d("1516500")),
                    secured_term: Ratio::new(d("1"), d("0")),
                    spent_term: Ratio::new(d("0"), d("10")),
                },
            )],
            targets: Ratio::default(),
        };
        let rates = CityRates {
            year: 2026,
            city,
            core: Rates::default(),
            by_category: Vec::new(),
        };
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("총괄").unwrap();
        let end = rates_block(ws, 0, &rates).unwrap();
        let range = read(wb.save_to_buffer().unwrap(), "총괄");
        let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        // Row 2: 전체 — 계 244, 완료 22, 이행후계속추진 80; 공약이행완료율 102 ÷ 244.
        assert_eq!(at(2, 0), Data::String("전체".into()));
        assert_eq!(at(2, 1), Data::Float(244.0));
        assert_eq!(at(2, 2), Data::Float(22.0));
        assert_eq!(at(2, 3), Data::Float(80.0));
        assert_eq!(at(1, 10), Data::String("공약이행완료율".into()));
        let Data::Float(done) = at(2, 10) else {
            panic!("공약이행완료율 is a number");
        };
        assert!((done - 102.0 / 244.0).abs() < 1e-12, "{done}");
        assert_eq!(
            (at(2, 11), at(2, 12)),
            (Data::Float(102.0), Data::Float(244.0))
        );
        // 핵심공약 with no pledge: every rate is a dash.
        assert_eq!(at(4, 0), Data::String("핵심공약".into()));
        assert_eq!(at(4, 10), Data::String("-".into()));
        assert_eq!(at(5, 2), Data::String("-".into()));
        // The money rates: 재정확보율 742,600 ÷ 1,516,500, a zero denominator as `-`.
        let money = (0..end)
            .find(|r| {
                at(*r, 0) == Data::String("전체".into()) && at(*r, 1) == Data::String("계".into())
            })
            .unwrap();
        let Data::Float(secured) = at(money, 2) else {
            panic!("재정확보율 is a number: {:?}", at(money, 2));
        };
        assert!((secured - 742600.0 / 1516500.0).abs() < 1e-12, "{secured}");
        assert_eq!(at(money, 3), Data::Float(742600.0));
        assert_eq!(at(money, 4), Data::Float(1516500.0));
        assert_eq!(at(money, 5), Data::String("-".into()));
        assert_eq!(at(money, 8), Data::Float(0.0));
        assert!(
            (0..end).any(|r| matches!(at(r, 0), Data::String(s) if s.starts_with("재정집행률 ="))),
            "the rules are printed"
        );
    }

    #[test]
    fn the_laggards_sheet_lists_each_leaf_with_its_reasons() {
        let l = Laggard {
            number: Some("3-1".into()),
            pledge: "공약".into(),
            department: "산업진흥과".into(),
            leaf: LeafKey {
                program: "사업".into(),
                subprogram: None,
            },
            base_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            status: Status::OnHold,
            rate: d("40"),
            previous_rate: Some(d("50")),
            spent: Ratio::new(d("1"), d("0")),
            elapsed: Ratio::new(d("1641"), d("1826")),
            reasons: vec!["추진상황 보류".into(), "추진율 하락: 50% → 40%".into()],
        };
        let mut wb = rust_xlsxwriter::Workbook::new();
        laggards_sheet(wb.add_worksheet(), &[l]).unwrap();
        let range = read(wb.save_to_buffer().unwrap(), SHEET_LAGGARDS);
        let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(at(3, 0), Data::String("관리번호".into()));
        assert_eq!(at(4, 0), Data::String("3-1".into()));
        assert_eq!(at(4, 4), Data::String("-".into()));
        assert_eq!(at(4, 6), Data::String("보류".into()));
        assert_eq!(at(4, 7), Data::Float(0.4));
        assert_eq!(at(4, 8), Data::Float(0.5));
        assert_eq!(at(4, 9), Data::String("-".into()));
        assert_eq!(
            at(4, 11),
            Data::String("추진상황 보류\n추진율 하락: 50% → 40%".into())
        );
    }
}
