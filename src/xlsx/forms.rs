//! Blank submission forms (SPEC §2, §3): one workbook per leaf program, written from the
//! pledge definition by `gongyak template`, so that staff never have to guess a layout.
//!
//! A form uses exactly the sheet names and labels that [`crate::core::parse`] looks for, so a
//! filled form goes through the same reader as any other workbook. Values that identify
//! the leaf (공약명, 사업명, 세부사업) are written in and locked; `계` and `총계` are
//! formulas whose cached results (0) are right for the blank form; only the input cells
//! are unlocked, each with a data validation and an input message.
//!
//! The sheets are protected **without a password**: the protection guards against
//! accidental edits of labels and formulas, it is not a security measure. Staff who must
//! can lift it with 검토 → 시트 보호 해제; the reader still finds the tables by label.

use crate::core::definition::{Catalog, Leaf, Pledge};
use crate::core::finding::column_name;
use crate::core::normalize::{Quarter, nfc};
use crate::core::parse::{
    InfoLabel, SHEET_INFO, SHEET_INVEST, SHEET_PROGRESS, SHEET_ROADMAP, SHEET_TARGETS,
};
use crate::xlsx::style::{self, FIXED_FILL, HEADER_FILL, INPUT_FILL, NOTE_COLOR, wrapped_height};
use anyhow::{Context, Result};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

/// The first sheet: instructions for the person filling the form.
pub const SHEET_GUIDE: &str = "작성요령";
/// Empty lines offered on 추진일정.
pub const ROADMAP_ROWS: u32 = 15;
/// The folder under `templates/` the forms go to by default.
pub const FORMS_DIR: &str = "forms";
/// Zero-based column of 추진일정 holding the (hidden) quarter list of the dropdown.
pub const QUARTER_LIST_COL: u16 = 25;

/// Longest name part (in characters) kept in a form's file name, so that the whole
/// path stays well inside Windows' 260-character limit.
const NAME_PART_MAX: usize = 40;
/// Creation time written into every form: fixed, so that regenerating the forms from an
/// unchanged definition gives byte-identical files (no spurious diffs in `templates/`).
const CREATED: (u16, u8, u8) = (2022, 1, 1);

/// One form to write: the leaf, its number in plan order (`1`, `2-1`) and its file name.
#[derive(Debug, Clone)]
pub struct FormSpec<'a> {
    pub leaf: Leaf<'a>,
    pub number: String,
    pub file_name: String,
}

/// The forms of one pledge, in plan order.
pub fn form_specs(pledge: &Pledge) -> Vec<FormSpec<'_>> {
    let mut out = Vec::new();
    for (i, program) in pledge.programs.iter().enumerate() {
        let n = i + 1;
        if program.subprograms.is_empty() {
            let leaf = Leaf {
                program,
                subprogram: None,
            };
            out.push(spec(pledge, leaf, n.to_string()));
        } else {
            for (j, sub) in program.subprograms.iter().enumerate() {
                let leaf = Leaf {
                    program,
                    subprogram: Some(sub),
                };
                out.push(spec(pledge, leaf, format!("{n}-{}", j + 1)));
            }
        }
    }
    out
}

fn spec<'a>(pledge: &Pledge, leaf: Leaf<'a>, number: String) -> FormSpec<'a> {
    let file_name = format!(
        "{}_{}_{}_제출양식.xlsx",
        safe_name_part(&pledge.id),
        number,
        safe_name_part(&leaf.def().name)
    );
    FormSpec {
        leaf,
        number,
        file_name,
    }
}

/// A name made safe for a Windows file name: NFC, no `< > : " / \ | ? *` or control
/// characters, single spaces, no trailing dot or space, at most [`NAME_PART_MAX`]
/// characters.
pub fn safe_name_part(name: &str) -> String {
    let cleaned: String = nfc(name)
        .chars()
        .map(|c| {
            if c.is_whitespace() {
                ' '
            } else if c.is_control()
                || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let single: String = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = single.chars().take(NAME_PART_MAX).collect();
    let trimmed = cut.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        "_".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The blank form of every leaf of every pledge, as (file name, bytes), in catalog and
/// plan order; `gongyak template` writes them (the shell's job, [`crate::shell::fsio`]).
///
/// # Errors
/// A workbook cannot be built (a name longer than Excel allows in a validation
/// message, for example).
pub fn form_files(catalog: &Catalog) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for pledge in &catalog.pledges {
        for spec in form_specs(pledge) {
            let bytes = form_bytes(pledge, spec.leaf).with_context(|| {
                format!(
                    "cannot build the form of {} ({})",
                    spec.leaf.key().label(),
                    pledge.id
                )
            })?;
            files.push((spec.file_name, bytes));
        }
    }
    Ok(files)
}

/// The cell formats of a form. Input cells are light yellow and unlocked; everything
/// else is locked, fixed values grey.
struct Styles {
    title: Format,
    note: Format,
    unit_note: Format,
    header: Format,
    label: Format,
    fixed: Format,
    fixed_center: Format,
    formula: Format,
    amount_in: Format,
    text_in: Format,
    wrap_in: Format,
    target_in: Format,
    date_in: Format,
    quarter_in: Format,
    guide_head: Format,
    guide: Format,
    guide_num: Format,
}

/// A form's text is centred vertically everywhere, boxed or not.
fn base() -> Format {
    style::base().set_align(FormatAlign::VerticalCenter)
}

impl Styles {
    fn new() -> Self {
        let boxed = style::cell;
        let input = || {
            boxed()
                .set_background_color(Color::RGB(INPUT_FILL))
                .set_unlocked()
        };
        Styles {
            title: style::title(),
            note: base().set_font_color(Color::RGB(NOTE_COLOR)),
            unit_note: base().set_align(FormatAlign::Right),
            header: boxed()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_align(FormatAlign::Center),
            label: boxed()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            fixed: boxed()
                .set_background_color(Color::RGB(FIXED_FILL))
                .set_text_wrap(),
            fixed_center: boxed()
                .set_background_color(Color::RGB(FIXED_FILL))
                .set_align(FormatAlign::Center),
            formula: boxed()
                .set_bold()
                .set_background_color(Color::RGB(FIXED_FILL))
                .set_num_format("#,##0"),
            amount_in: input().set_num_format("#,##0"),
            text_in: input().set_num_format("@"),
            wrap_in: input().set_num_format("@").set_text_wrap(),
            target_in: input().set_align(FormatAlign::Center).set_text_wrap(),
            date_in: input()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Left),
            quarter_in: input().set_num_format("@").set_align(FormatAlign::Center),
            guide_head: base().set_bold().set_font_size(11),
            guide: base().set_text_wrap().set_align(FormatAlign::Top),
            guide_num: base().set_bold().set_align(FormatAlign::Top),
        }
    }
}

fn a1(row: u32, col: u16) -> String {
    format!("{}{}", column_name(u32::from(col)), row + 1)
}

/// Shared page and protection setup: A4 landscape, one page wide, protected without a
/// password with only the unlocked cells editable.
fn finish_sheet(ws: &mut Worksheet) {
    style::a4_landscape(ws);
    ws.protect_with_options(&ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    });
}

/// Builds the blank form of one leaf.
///
/// # Errors
/// A text longer than Excel allows (a data-validation message over 255 characters, a
/// sheet name) — only possible with an unusual definition.
pub fn form_bytes(pledge: &Pledge, leaf: Leaf<'_>) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    wb.set_default_format(&base(), 20, 64)?;
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 제출 양식", leaf.key().label()))
            .set_subject(pledge.title.clone())
            .set_company(pledge.department.clone())
            .set_author("gongyak")
            .set_comment("gongyak template 으로 만든 제출 양식")
            .set_creation_datetime(&created),
    );
    guide_sheet(wb.add_worksheet(), pledge, leaf, &st)?;
    info_sheet(wb.add_worksheet(), pledge, leaf, &st)?;
    invest_sheet(wb.add_worksheet(), pledge, &st)?;
    targets_sheet(wb.add_worksheet(), pledge, leaf, &st)?;
    roadmap_sheet(wb.add_worksheet(), pledge, &st)?;
    progress_sheet(wb.add_worksheet(), pledge, leaf, &st)?;
    wb.save_to_buffer()
}

fn guide_sheet(
    ws: &mut Worksheet,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    const TEXT_WIDTH: f64 = 110.0;
    ws.set_name(SHEET_GUIDE)?;
    ws.set_column_width(0, 4)?;
    ws.set_column_width(1, TEXT_WIDTH)?;
    ws.set_screen_gridlines(false);
    ws.write_with_format(0, 0, "공약 추진계획 제출 양식 — 작성요령", &st.title)?;
    ws.set_row_height(0, 24)?;

    let mut row = 2;
    let mut fact = |ws: &mut Worksheet, label: &str, value: &str| -> Result<(), XlsxError> {
        ws.write_with_format(row, 1, format!("{label}: {value}"), &st.guide_head)?;
        row += 1;
        Ok(())
    };
    fact(ws, "공약명", &pledge.title)?;
    fact(ws, "사업명", &leaf.program.name)?;
    if let Some(sub) = leaf.subprogram {
        fact(ws, "세부사업", &sub.name)?;
    }
    fact(ws, "사업비(공약에 정해진 총계)", &{
        format!(
            "{} {}",
            crate::core::parse::fmt_amount(leaf.def().budget),
            pledge.unit
        )
    })?;

    let (start, end) = (pledge.term.start, pledge.term.end);
    let steps = guide_steps(pledge, start, end);
    row += 1;
    for (i, text) in steps.iter().enumerate() {
        ws.write_with_format(row, 0, format!("{}.", i + 1), &st.guide_num)?;
        ws.write_with_format(row, 1, text.as_str(), &st.guide)?;
        ws.set_row_height(row, wrapped_height(text, TEXT_WIDTH))?;
        row += 1;
    }
    row += 1;
    ws.write_with_format(
        row,
        1,
        format!("문의: {} (공약 총괄 부서)", pledge.department),
        &st.guide_head,
    )?;
    ws.set_print_area(0, 0, row, 1)?;
    finish_sheet(ws);
    Ok(())
}

/// The numbered instructions of 작성요령.
fn guide_steps(pledge: &Pledge, start: i32, end: i32) -> Vec<String> {
    let unit = &pledge.unit;
    let (before, after) = (&pledge.before_label, &pledge.after_label);
    vec![
        "이 양식은 위 사업 하나의 추진계획을 제출하는 양식입니다. 사업마다 자기 양식을 사용해 주십시오.\n\
         노란 칸만 입력할 수 있습니다. 회색 칸(공약명·사업명, 계·총계)은 미리 채워져 있거나 자동으로 계산되며 잠겨 있습니다."
            .to_owned(),
        format!(
            "'{SHEET_INFO}' 시트: 제출부서, 담당자, 연락처, 기준일(자료의 기준 날짜, 예: {end}-12-31)을 입력합니다.\n\
             같은 사업을 다시 제출하면 기준일이 더 최근인 파일이 반영됩니다(기준일이 같으면 나중에 들어온 파일).\n\
             이전에 낸 계획의 금액·목표·일정을 바꾸었다면 '변경사유' 칸에 그 까닭을 적습니다. 바뀐 값과 사유는 보고서의 '변경내역'에 남습니다."
        ),
        format!(
            "'{SHEET_INVEST}' 시트: 재원별(국비·도비·시비 등) 금액을 {unit} 단위 숫자로 입력합니다. 예: 15억 원은 1,500 입니다.\n\
             '{before}' 열에는 {}년까지 이미 투자한 금액, '{after}' 열에는 {}년 이후에 계획한 금액을 넣습니다. 없는 금액은 비워 두거나 0을 입력합니다.\n\
             '계' 행과 '총계' 열은 수식으로 자동 합계되므로 입력하지 않습니다. 금액 칸에는 0 이상의 숫자만 들어갑니다.",
            start - 1,
            end + 1
        ),
        format!(
            "'{SHEET_TARGETS}' 시트: {start}년~{end}년 연도별 추진내용과 성과지표의 목표(숫자)를 입력합니다.\n\
             아직 정해지지 않은 목표는 '미정'이라고 적거나 비워 둡니다. 필요하면 '비고'에 설명(예: *매년 시행계획 수립 후 성과목표 확정)을 적습니다."
        ),
        format!(
            "'{SHEET_ROADMAP}' 시트: 세부내용을 적고 시작·종료 분기를 목록에서 고릅니다({start}-Q1 = {start}년 1분기 … {end}-Q4). 쓰지 않는 줄은 비워 둡니다."
        ),
        format!(
            "'{SHEET_PROGRESS}' 시트(분기마다): 추진상황을 목록에서 고르고(완료·이행후계속추진·정상추진·일부추진·보류·폐기·시기미도래), \
             추진율을 0~100 숫자로(예: 85), 추진실적·문제점 및 대책·향후계획을 적습니다.\n\
             재원 확보·집행 표에는 재원별로 확보한 금액(확보액)과 쓴 금액(집행액)을 {unit} 단위로, 기준일까지 연도별 누계로 입력합니다. \
             '계' 행과 '총계' 열은 자동 합계입니다. 지표 실적 표에는 지표별 실제 값을 적고, 아직 측정하지 않은 해는 비워 둡니다.\n\
             추진계획만 낼 때는 이 시트를 비워 두면 됩니다(비어 있는 시트는 추진실적이 없는 것으로 봅니다)."
        ),
        "시트 이름과 표의 제목(구분, 총계, 국비, 연도 등)은 바꾸지 마십시오. 시트를 지우거나 행·열을 넣고 빼지 마십시오.\n\
         시트는 실수를 막으려고 보호되어 있습니다(암호 없음). 꼭 필요하면 [검토] → [시트 보호 해제]로 풀 수 있지만, 표의 모양은 그대로 두십시오."
            .to_owned(),
        "제출: 저장한 파일을 총괄 부서가 알려 준 공유 폴더의 inbox 폴더에 넣습니다. 파일 이름은 바꾸어도 됩니다. 몇 초 안에 자동으로 처리됩니다.".to_owned(),
        "결과: 접수되면 파일이 inbox\\accepted 폴더로 옮겨집니다.\n\
         반려되면 inbox\\rejected 폴더로 옮겨지고, 옆에 '<파일명>.오류.txt'(무엇이 왜 틀렸는지 셀 위치와 함께)와 \
         '<파일명>.검토.xlsx'(틀린 셀이 빨갛게 표시되고 메모가 달린 사본)가 생깁니다. 원본 파일을 고쳐 다시 inbox에 넣으면 됩니다."
            .to_owned(),
    ]
}

/// A validation that only shows an input message (any value allowed).
fn hint(title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_any_value()
        .set_input_title(title)?
        .set_input_message(message)
}

fn info_sheet(
    ws: &mut Worksheet,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_INFO)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 72)?;
    ws.merge_range(0, 0, 0, 1, "공약 추진계획 제출서", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_with_format(
        1,
        0,
        "※ 노란 칸에 입력해 주십시오. 회색 칸은 양식이 정한 값이라 바꿀 수 없습니다.",
        &st.note,
    )?;

    let mut row = 3;
    let mut fixed = vec![
        (InfoLabel::Pledge.name(), pledge.title.as_str()),
        (InfoLabel::Program.name(), leaf.program.name.as_str()),
    ];
    if let Some(sub) = leaf.subprogram {
        fixed.push((InfoLabel::Subprogram.name(), sub.name.as_str()));
    }
    for (label, value) in fixed {
        ws.write_with_format(row, 0, label, &st.label)?;
        ws.write_with_format(row, 1, value, &st.fixed)?;
        ws.set_row_height(row, wrapped_height(value, 72.0).max(20.0))?;
        row += 1;
    }
    row = contact_inputs(ws, pledge, leaf, row, st)?;
    ws.write_with_format(row, 0, InfoLabel::BaseDate.name(), &st.label)?;
    ws.write_blank(row, 1, &st.date_in)?;
    ws.set_row_height(row, 20)?;
    let (first, last) = base_date_range(pledge)?;
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(first, last))
        .set_input_title("기준일 (날짜)")?
        .set_input_message(format!(
            "자료의 기준 날짜를 입력해 주십시오.\n예: {}-12-31\n같은 사업을 다시 내면 기준일이 최근인 파일이 반영됩니다.",
            pledge.term.end
        ))?
        .set_error_title("날짜가 아닙니다")?
        .set_error_message(format!(
            "{}-01-01부터 {}-12-31 사이의 날짜를 {}-12-31 형식으로 입력해 주십시오.",
            pledge.term.start - 1,
            pledge.term.end + 5,
            pledge.term.end
        ))?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(row, 1, row, 1, &date_rule)?;
    row += 1;
    // §10: optional, but a changed plan without it is W-REASON (or E-REASON).
    ws.write_with_format(row, 0, InfoLabel::Reason.name(), &st.label)?;
    ws.write_blank(row, 1, &st.text_in)?;
    ws.set_row_height(row, 32)?;
    ws.add_data_validation(
        row,
        1,
        row,
        1,
        &hint(
            "변경사유 (계획을 바꿀 때)",
            "이전에 낸 계획에서 금액·목표·일정을 바꾸었다면 그 까닭을 적어 주십시오.\n예: 공모 결과 사업비 감액, 설계 변경으로 준공 연기\n바꾼 것이 없으면 비워 둡니다.",
        )?,
    )?;
    ws.set_print_area(0, 0, row, 1)?;
    finish_sheet(ws);
    Ok(())
}

/// 제출부서, 담당자 and 연락처 from `row`, each a text input with its hint;
/// returns the row after them.
fn contact_inputs(
    ws: &mut Worksheet,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    mut row: u32,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let text_rule = |title: &str, message: &str| -> Result<DataValidation, XlsxError> {
        DataValidation::new()
            .allow_text_length(DataValidationRule::Between(1, 200))
            .set_input_title(title)?
            .set_input_message(message)?
            .set_error_title("입력할 수 없는 값")?
            .set_error_message("200자 이하로 입력해 주십시오.")
    };
    // Examples from the definition: this leaf's department and contact.
    let department = format!(
        "사업을 맡은 부서와 팀을 입력해 주십시오.\n예: {}",
        leaf.department(pledge)
    );
    let phone = match leaf
        .contact()
        .map(|c| c.phone.as_str())
        .filter(|p| !p.is_empty())
    {
        Some(p) => format!("담당자 전화번호를 입력해 주십시오.\n예: {p}"),
        None => "담당자 전화번호를 지역번호부터 입력해 주십시오.".to_owned(),
    };
    for (label, message) in [
        (InfoLabel::Department, department.as_str()),
        (
            InfoLabel::Person,
            "이 파일을 작성한 담당자 이름을 입력해 주십시오.",
        ),
        (InfoLabel::Phone, phone.as_str()),
    ] {
        ws.write_with_format(row, 0, label.name(), &st.label)?;
        ws.write_blank(row, 1, &st.text_in)?;
        ws.add_data_validation(row, 1, row, 1, &text_rule(label.name(), message)?)?;
        ws.set_row_height(row, 20)?;
        row += 1;
    }
    Ok(row)
}

/// Dates a 기준일 may take: from a year before the term to five years after it.
fn base_date_range(pledge: &Pledge) -> Result<(ExcelDateTime, ExcelDateTime), XlsxError> {
    let year = |y: i32| u16::try_from(y.clamp(1900, 9999)).unwrap_or(1900);
    Ok((
        ExcelDateTime::from_ymd(year(pledge.term.start - 1), 1, 1)?,
        ExcelDateTime::from_ymd(year(pledge.term.end + 5), 12, 31)?,
    ))
}

/// The input rule of an amount cell: a number ≥ 0 in the pledge's unit.
fn amount_rule(pledge: &Pledge) -> Result<DataValidation, XlsxError> {
    Ok(DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_input_title(format!("금액 (단위: {})", pledge.unit))?
        .set_input_message(format!(
            "{} 단위 숫자를 입력해 주십시오.\n예: 15억 원 → 1,500\n없으면 비워 두거나 0을 입력합니다.",
            pledge.unit
        ))?
        .set_error_title("금액이 아닙니다")?
        .set_error_message(format!(
            "0 이상의 숫자만 입력할 수 있습니다(단위: {}). 음수나 글자는 넣을 수 없습니다.",
            pledge.unit
        ))?
        .set_error_style(DataValidationErrorStyle::Stop))
}

fn invest_sheet(ws: &mut Worksheet, pledge: &Pledge, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEET_INVEST)?;
    let years: Vec<i32> = pledge.term.years().collect();
    // Columns: 구분 | 총계 | 기투자 | years… | 임기후
    let last_col = u16::try_from(3 + years.len()).unwrap_or(u16::MAX);
    let first_part = 2u16; // 기투자
    let header_row = 2u32;
    let sum_row = header_row + 1;
    let last_source = sum_row + u32::try_from(pledge.sources.len()).unwrap_or(0);

    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 12)?;
    for c in first_part..=last_col {
        ws.set_column_width(c, 11)?;
    }
    ws.merge_range(0, 0, 0, last_col, "연차별 투자계획", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col - 1,
        "※ 노란 칸에 재원별 금액을 입력해 주십시오. 계와 총계는 자동으로 계산됩니다.",
        &st.note,
    )?;
    ws.write_with_format(
        1,
        last_col,
        format!("(단위 : {})", pledge.unit),
        &st.unit_note,
    )?;

    let mut headers = vec!["구분".to_owned()];
    headers.extend(pledge.columns().into_iter().map(|c| pledge.column_label(c)));
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_with_format(header_row, c, h.as_str(), &st.header)?;
    }
    ws.set_row_height(header_row, 20)?;

    invest_rows(ws, pledge, sum_row, first_part, last_col, st)?;

    let note_row = last_source + 2;
    let note = format!(
        "※ {}: {}년까지 투자한 금액 · {}: {}년 이후 계획 금액 · 총계 = {} + 연도별 + {}",
        pledge.before_label,
        pledge.term.start - 1,
        pledge.after_label,
        pledge.term.end + 1,
        pledge.before_label,
        pledge.after_label
    );
    ws.merge_range(note_row, 0, note_row, last_col, &note, &st.note)?;
    ws.set_print_area(0, 0, note_row, last_col)?;
    finish_sheet(ws);
    Ok(())
}

/// The 계 row (column sums of the sources) and a row of inputs per source,
/// each with its 총계 formula.
fn invest_rows(
    ws: &mut Worksheet,
    pledge: &Pledge,
    sum_row: u32,
    first_part: u16,
    last_col: u16,
    st: &Styles,
) -> Result<(), XlsxError> {
    let (first_source, last_source) = amount_block(
        ws,
        pledge,
        sum_row,
        0,
        (first_part, last_col),
        Some(20.0),
        st,
    )?;
    let amount_rule = amount_rule(pledge)?;
    ws.add_data_validation(
        first_source,
        first_part,
        last_source,
        last_col,
        &amount_rule,
    )?;
    Ok(())
}

fn targets_sheet(
    ws: &mut Worksheet,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_TARGETS)?;
    let years: Vec<i32> = pledge.term.years().collect();
    let first_year = 2u16;
    let last_col = first_year + u16::try_from(years.len()).unwrap_or(1) - 1;
    let header_row = 2u32;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 9)?;
    for c in first_year..=last_col {
        ws.set_column_width(c, 22)?;
    }
    ws.merge_range(0, 0, 0, last_col, "연차별 추진목표", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "※ 노란 칸에 연도별 추진내용과 목표를 입력해 주십시오. 정해지지 않은 목표는 '미정'으로 적거나 비워 둡니다.",
        &st.note,
    )?;
    ws.write_with_format(header_row, 0, "구분", &st.header)?;
    ws.write_with_format(header_row, 1, "단위", &st.header)?;
    for (i, y) in years.iter().enumerate() {
        let c = first_year + u16::try_from(i).unwrap_or(0);
        ws.write_with_format(header_row, c, format!("{y}년"), &st.header)?;
    }
    ws.set_row_height(header_row, 20)?;

    let content_row = header_row + 1;
    ws.write_with_format(content_row, 0, "추진내용", &st.label)?;
    ws.write_blank(content_row, 1, &st.fixed)?;
    for c in first_year..=last_col {
        ws.write_blank(content_row, c, &st.wrap_in)?;
    }
    ws.set_row_height(content_row, 48)?;
    ws.add_data_validation(
        content_row,
        first_year,
        content_row,
        last_col,
        &hint(
            "추진내용",
            &format!(
                "그 해에 추진할 내용을 짧게 적어 주십시오.\n예: {} 추진 ({}년)",
                leaf.def().name,
                years.first().copied().unwrap_or(pledge.term.start)
            ),
        )?,
    )?;

    let mut row = content_row + 1;
    for ind in &leaf.def().indicators {
        ws.write_with_format(row, 0, ind.name.as_str(), &st.label)?;
        ws.write_with_format(row, 1, ind.unit.as_str(), &st.fixed_center)?;
        for c in first_year..=last_col {
            ws.write_blank(row, c, &st.target_in)?;
        }
        ws.add_data_validation(
            row,
            first_year,
            row,
            last_col,
            &hint(
                &format!("목표 ({})", ind.unit),
                &format!(
                    "'{}' 목표를 숫자로 입력해 주십시오(단위: {}).\n정해지지 않았으면 '미정'으로 적습니다.",
                    ind.name, ind.unit
                ),
            )?,
        )?;
        ws.set_row_height(row, 20)?;
        row += 1;
    }
    ws.write_with_format(row, 0, "비고", &st.label)?;
    ws.write_blank(row, 1, &st.fixed)?;
    ws.merge_range(row, first_year, row, last_col, "", &st.wrap_in)?;
    ws.add_data_validation(
        row,
        first_year,
        row,
        first_year,
        &hint(
            "비고",
            "목표에 대한 설명이 있으면 적어 주십시오.\n예: *매년 시행계획 수립 후 성과목표 확정",
        )?,
    )?;
    ws.set_row_height(row, 32)?;
    ws.set_print_area(0, 0, row, last_col)?;
    finish_sheet(ws);
    Ok(())
}

/// Every quarter of the term, `2022-Q1` … `2026-Q4`.
pub fn term_quarters(pledge: &Pledge) -> Vec<String> {
    pledge
        .term
        .years()
        .flat_map(|y| (1..=4).filter_map(move |q| Quarter::new(y, q)))
        .map(|q| q.to_string())
        .collect()
}

fn roadmap_sheet(ws: &mut Worksheet, pledge: &Pledge, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEET_ROADMAP)?;
    ws.set_column_width(0, 60)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 12)?;
    ws.merge_range(0, 0, 0, 2, "추진일정", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(
        1,
        0,
        1,
        2,
        "※ 세부내용을 적고 시작·종료 분기를 목록에서 골라 주십시오. 쓰지 않는 줄은 비워 둡니다.",
        &st.note,
    )?;
    let header_row = 2u32;
    for (c, h) in ["세부내용", "시작", "종료"].into_iter().enumerate() {
        ws.write_with_format(header_row, c as u16, h, &st.header)?;
    }
    let first = header_row + 1;
    let last = header_row + ROADMAP_ROWS;
    for r in first..=last {
        ws.write_blank(r, 0, &st.text_in)?;
        ws.write_blank(r, 1, &st.quarter_in)?;
        ws.write_blank(r, 2, &st.quarter_in)?;
        ws.set_row_height(r, 20)?;
    }

    // The dropdown's list lives in a hidden column: an inline list is limited to 255
    // characters, which a long term would exceed.
    let quarters = term_quarters(pledge);
    for (i, q) in quarters.iter().enumerate() {
        let r = u32::try_from(i).unwrap_or(0);
        ws.write_string(r, QUARTER_LIST_COL, q)?;
    }
    ws.set_column_hidden(QUARTER_LIST_COL)?;
    let col = column_name(u32::from(QUARTER_LIST_COL));
    let list = Formula::new(format!("=${col}$1:${col}${}", quarters.len().max(1)));
    let (qs, qe) = (
        quarters.first().cloned().unwrap_or_default(),
        quarters.last().cloned().unwrap_or_default(),
    );
    let quarter_rule = DataValidation::new()
        .allow_list_formula(list)
        .set_input_title("분기 (목록에서 선택)")?
        .set_input_message(format!(
            "목록에서 분기를 골라 주십시오.\n{qs} = {}년 1분기 … {qe}",
            pledge.term.start
        ))?
        .set_error_title("목록에 없는 분기")?
        .set_error_message(format!(
            "{qs}부터 {qe}까지의 분기를 목록에서 골라 주십시오."
        ))?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(first, 1, last, 2, &quarter_rule)?;
    ws.add_data_validation(
        first,
        0,
        last,
        0,
        &hint(
            "세부내용",
            "추진할 일을 적어 주십시오. 시작·종료 분기도 함께 고릅니다.",
        )?,
    )?;
    ws.set_print_area(0, 0, last, 2)?;
    finish_sheet(ws);
    Ok(())
}

/// The seven 추진상황 words, in the order the drop-down offers them.
fn status_words() -> Vec<&'static str> {
    crate::core::model::Status::LISTED
        .iter()
        .map(|s| s.label())
        .collect()
}

/// Row (zero-based) of the 추진실적 sheet's 재원 확보·집행 header in the form.
pub const PROGRESS_MONEY_HEADER: u32 = 9;

/// 추진실적 (SPEC §11): pairs (추진상황 as a drop-down, 추진율 0–100, three texts), the
/// 재원 확보·집행 table (확보액 and 집행액, each 계 + sources, 총계 and 계 as formulas),
/// and 지표 실적 with the leaf's indicators written in.
fn progress_sheet(
    ws: &mut Worksheet,
    pledge: &Pledge,
    leaf: Leaf<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_PROGRESS)?;
    let years: Vec<i32> = pledge.term.years().collect();
    // Columns: 구분 | 재원 | 총계 | 기투자 | years…
    let first_part = 3u16;
    let last_col = first_part + u16::try_from(years.len()).unwrap_or(0);
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 10)?;
    for c in 2..=last_col {
        ws.set_column_width(c, 12)?;
    }
    ws.merge_range(0, 0, 0, last_col, "공약 추진실적 보고", &st.title)?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "※ 분기마다 노란 칸을 입력하십시오. 추진계획만 낼 때는 이 시트를 비워 둡니다.",
        &st.note,
    )?;
    progress_inputs(ws, last_col, st)?;

    let mut row = money_table(ws, pledge, &years, first_part, last_col, st)?;
    row += 1;
    row = indicator_rows(ws, leaf, &years, row, st)?;
    ws.set_print_area(0, 0, row, last_col)?;
    finish_sheet(ws);
    Ok(())
}

/// 추진상황, 추진율 and the text inputs of rows 2 to 6, each with its rule.
fn progress_inputs(ws: &mut Worksheet, last_col: u16, st: &Styles) -> Result<(), XlsxError> {
    let status_rule = DataValidation::new()
        .allow_list_strings(&status_words())?
        .set_input_title("추진상황 (목록에서 선택)")?
        .set_input_message("기준일 현재 사업의 추진상황을 목록에서 고르십시오.")?
        .set_error_title("목록에 없는 추진상황")?
        .set_error_message(format!(
            "다음 중 하나를 고르십시오: {}.",
            status_words().join(", ")
        ))?
        .set_error_style(DataValidationErrorStyle::Stop);
    let rate_rule = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
        .set_input_title("추진율 (%)")?
        .set_input_message("0부터 100 사이의 숫자를 입력하십시오.\n예: 85 (85%)")?
        .set_error_title("추진율이 아닙니다")?
        .set_error_message("0부터 100 사이의 숫자만 입력할 수 있습니다.")?
        .set_error_style(DataValidationErrorStyle::Stop);
    let pairs: [(&str, u32, DataValidation); 5] = [
        ("추진상황", 2, status_rule),
        ("추진율(%)", 3, rate_rule),
        (
            "추진실적",
            4,
            hint("추진실적", "기준일까지 추진한 내용을 적으십시오.")?,
        ),
        (
            "문제점 및 대책",
            5,
            hint(
                "문제점 및 대책",
                "추진상 문제점과 그 대책을 적으십시오. 없으면 '없음'.",
            )?,
        ),
        (
            "향후계획",
            6,
            hint("향후계획", "다음 분기 이후의 추진 계획을 적으십시오.")?,
        ),
    ];
    for (label, row, rule) in pairs {
        ws.write_with_format(row, 0, label, &st.label)?;
        let (fmt, height) = match row {
            2 => (&st.quarter_in, 20.0),
            3 => (&st.amount_in, 20.0),
            _ => (&st.wrap_in, 48.0),
        };
        if row <= 3 {
            ws.write_blank(row, 1, fmt)?;
        } else {
            ws.merge_range(row, 1, row, last_col, "", fmt)?;
        }
        ws.add_data_validation(row, 1, row, 1, &rule)?;
        ws.set_row_height(row, height)?;
    }
    Ok(())
}

/// The 재원 확보·집행 table at [`PROGRESS_MONEY_HEADER`]; returns the row after it.
fn money_table(
    ws: &mut Worksheet,
    pledge: &Pledge,
    years: &[i32],
    first_part: u16,
    last_col: u16,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let header = PROGRESS_MONEY_HEADER;
    ws.write_with_format(header - 1, 0, "재원 확보·집행", &st.guide_head)?;
    ws.write_with_format(
        header - 1,
        last_col,
        format!("(단위 : {})", pledge.unit),
        &st.unit_note,
    )?;
    let mut headers = vec![
        "구분".to_owned(),
        "재원".to_owned(),
        "총계".to_owned(),
        pledge.before_label.clone(),
    ];
    headers.extend(years.iter().map(|y| format!("{y}년")));
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_with_format(header, c, h.as_str(), &st.header)?;
    }
    let group_rows = 1 + u32::try_from(pledge.sources.len()).unwrap_or(0);
    let mut row = header + 1;
    for group in ["확보액", "집행액"] {
        money_group(ws, pledge, group, row, first_part, last_col, st)?;
        row += group_rows;
    }
    Ok(row)
}

/// 지표 실적 from `row`, when the leaf has indicators: a row of yearly inputs
/// per indicator; returns the last row written (`row` itself without any).
fn indicator_rows(
    ws: &mut Worksheet,
    leaf: Leaf<'_>,
    years: &[i32],
    mut row: u32,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let indicators = &leaf.def().indicators;
    if !indicators.is_empty() {
        ws.write_with_format(row, 0, "지표 실적", &st.guide_head)?;
        row += 1;
        ws.write_with_format(row, 0, "지표", &st.header)?;
        ws.write_with_format(row, 1, "단위", &st.header)?;
        for (i, y) in years.iter().enumerate() {
            let c = 2 + u16::try_from(i).unwrap_or(0);
            ws.write_with_format(row, c, format!("{y}년"), &st.header)?;
        }
        let year_end = 1 + u16::try_from(years.len()).unwrap_or(0);
        for ind in indicators {
            row += 1;
            ws.write_with_format(row, 0, ind.name.as_str(), &st.label)?;
            ws.write_with_format(row, 1, ind.unit.as_str(), &st.fixed_center)?;
            for c in 2..=year_end {
                ws.write_blank(row, c, &st.amount_in)?;
            }
            ws.add_data_validation(
                row,
                2,
                row,
                year_end,
                &hint(
                    &format!("실적 ({})", ind.unit),
                    &format!(
                        "'{}'의 그 해 실적을 숫자로 입력하십시오(단위: {}).\n아직 측정하지 않았으면 비워 둡니다.",
                        ind.name, ind.unit
                    ),
                )?,
            )?;
        }
    }
    Ok(row)
}

/// An amount table's body, shared by 투자계획 and the 확보·집행 groups of 추진실적: the
/// 계 row (labels in `label_col`, 총계 beside it, column sums of the sources as formulas)
/// and one input row per source with its 총계 formula. Returns the first and last
/// source rows (where the inputs are).
fn amount_block(
    ws: &mut Worksheet,
    pledge: &Pledge,
    sum_row: u32,
    label_col: u16,
    (first_part, last_col): (u16, u16),
    row_height: Option<f64>,
    st: &Styles,
) -> Result<(u32, u32), XlsxError> {
    let first_source = sum_row + 1;
    let last_source = sum_row + u32::try_from(pledge.sources.len()).unwrap_or(0);
    let total_col = label_col + 1;
    let row_total = |r: u32| {
        Formula::new(format!("=SUM({}:{})", a1(r, first_part), a1(r, last_col))).set_result("0")
    };
    ws.write_with_format(sum_row, label_col, "계", &st.header)?;
    ws.write_formula_with_format(sum_row, total_col, row_total(sum_row), &st.formula)?;
    for c in first_part..=last_col {
        let column_sum = format!("=SUM({}:{})", a1(first_source, c), a1(last_source, c));
        ws.write_formula_with_format(
            sum_row,
            c,
            Formula::new(column_sum).set_result("0"),
            &st.formula,
        )?;
    }
    for (i, source) in pledge.sources.iter().enumerate() {
        let r = first_source + u32::try_from(i).unwrap_or(0);
        ws.write_with_format(r, label_col, source.as_str(), &st.header)?;
        ws.write_formula_with_format(r, total_col, row_total(r), &st.formula)?;
        for c in first_part..=last_col {
            ws.write_blank(r, c, &st.amount_in)?;
        }
    }
    if let Some(h) = row_height {
        for r in sum_row..=last_source {
            ws.set_row_height(r, h)?;
        }
    }
    Ok((first_source, last_source))
}

/// One group of the 재원 확보·집행 table: the 구분 cell merged over 계 + sources, the 계
/// row and every 총계 as formulas, the amounts as inputs.
fn money_group(
    ws: &mut Worksheet,
    pledge: &Pledge,
    group: &str,
    sum_row: u32,
    first_part: u16,
    last_col: u16,
    st: &Styles,
) -> Result<(), XlsxError> {
    let last_source = sum_row + u32::try_from(pledge.sources.len()).unwrap_or(0);
    ws.merge_range(sum_row, 0, last_source, 0, group, &st.label)?;
    let (first_source, last_source) =
        amount_block(ws, pledge, sum_row, 1, (first_part, last_col), None, st)?;
    let rule = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_input_title(format!("{group} (단위: {})", pledge.unit))?
        .set_input_message(format!(
            "기준일까지 연도별 {group}을 {} 단위 숫자로 입력하십시오.\n없으면 비워 두거나 0.",
            pledge.unit
        ))?
        .set_error_title("금액이 아닙니다")?
        .set_error_message(format!(
            "0 이상의 숫자만 입력할 수 있습니다(단위: {}).",
            pledge.unit
        ))?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(first_source, first_part, last_source, last_col, &rule)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_for_windows() {
        assert_eq!(safe_name_part("a/b:c*d?\"e<f>g|h\\i"), "a_b_c_d__e_f_g_h_i");
        assert_eq!(safe_name_part("  이름.  "), "이름");
        assert_eq!(safe_name_part("탭\t과\n줄"), "탭 과 줄");
        assert_eq!(safe_name_part("..."), "_");
        assert_eq!(
            safe_name_part(&"가".repeat(100)).chars().count(),
            NAME_PART_MAX
        );
    }
}
