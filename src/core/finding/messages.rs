//! Every sentence a finding shows a person, in one place (MESSAGES.md: what → where →
//! what to do, 합니다체). A wording change here is a visible diff in the snapshot test
//! (`tests/it/messages.rs`).

use super::{CellRef, Kind, QuarterEnd, SumLine, josa};
use crate::core::model::Status;
use crate::core::normalize::Quarter;
use crate::core::parse::fmt_amount;
use ::josa::{EulReul, EunNeun, IGa};
use rust_decimal::Decimal;

/// What staff do when a locked cell of the form is wrong: an outdated form, or one
/// whose protection was lifted and its fixed parts edited.
const LATEST_FORM: &str = "총괄 부서에서 최신 제출 양식을 받아 다시 작성해 주십시오.";

/// An amount with its unit written together: `1,410백만원`.
fn amount(d: Decimal, unit: &str) -> String {
    format!("{}{unit}", fmt_amount(d))
}

/// `'A', 'B'` for names staff copy.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `'완료', '이행후계속추진', …` — the 추진상황 words staff may type, to copy.
fn status_words() -> String {
    let words: Vec<String> = Status::LISTED
        .iter()
        .map(|s| s.label().to_owned())
        .collect();
    quoted(&words)
}

/// `85%`, `0.5%`: a 추진율 as staff wrote it.
fn percent(rate: Decimal) -> String {
    format!("{}%", rate.normalize())
}

/// `A, B` joined for labels in running text.
fn listed(names: &[String]) -> String {
    names.join(", ")
}

/// "다음 중 하나를 똑같이 입력해 주십시오: 'A', 'B'." plus a similar name when there is one.
fn choose_from(valid: &[String], similar: &Option<String>) -> String {
    let mut s = format!("다음 중 하나를 똑같이 입력해 주십시오: {}.", quoted(valid));
    if let Some(n) = similar {
        s.push_str(&format!(" 비슷한 이름: '{n}'."));
    }
    s
}

/// `(총계가 2,800백만원 적음)`: the difference with its sign in words.
fn difference(subject: &str, written: Decimal, computed: Decimal, unit: &str) -> String {
    let diff = written - computed;
    let word = if diff.is_sign_negative() {
        "적음"
    } else {
        "많음"
    };
    format!(
        "{subject}{} {} {word}",
        josa(subject, IGa),
        amount(diff.abs(), unit)
    )
}

/// The sum sentence shared by E-ROWSUM, E-COLSUM and W-ROUNDING.
fn sum_sentence(line: &SumLine, written: Decimal, computed: Decimal, unit: &str) -> String {
    let (whose, subject, parts) = match line {
        SumLine::Row { row, parts } => (format!("'{row}' 행"), "총계", parts),
        SumLine::Column { column, parts } => (format!("'{column}' 열"), "계", parts),
    };
    let parts = parts.join("·");
    format!(
        "{whose}의 {subject}{} {}인데, {parts}{} 더하면 {}입니다({}).",
        josa(subject, IGa),
        amount(written, unit),
        josa(&parts, EulReul),
        amount(computed, unit),
        difference(subject, written, computed, unit)
    )
}

fn cells(list: &[CellRef]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do about a wrong sum; the crossing cell first when a row and a column meet.
fn fix_sum(crossing: &[CellRef]) -> String {
    match crossing {
        [] => "더한 금액과 합계 가운데 틀린 쪽을 고쳐 주십시오.".to_owned(),
        [c] => format!(
            "행의 총계와 열의 계가 함께 맞지 않는 {c} 칸의 금액이 틀렸을 가능성이 큽니다. 그 칸부터 확인해 고쳐 주십시오."
        ),
        many => format!(
            "행의 총계와 열의 계가 함께 맞지 않는 칸({})의 금액부터 확인해 고쳐 주십시오.",
            cells(many)
        ),
    }
}

fn end_word(end: QuarterEnd) -> &'static str {
    match end {
        QuarterEnd::Start => "시작 분기",
        QuarterEnd::End => "종료 분기",
    }
}

/// `2022-Q1` and `2022년 1분기`, the two ways staff may write a quarter.
fn quarter_forms(q: Quarter) -> String {
    format!("{q} 또는 {}년 {}분기", q.year, q.q)
}

impl super::Code {
    /// A short Korean name for managers (제출이력, 요약, the README's glossary).
    pub fn name_ko(self) -> &'static str {
        use super::Code::*;
        match self {
            Read => "파일을 읽을 수 없음",
            Sheet => "시트·표 없음",
            Pledge => "공약명 불일치",
            Program => "사업명 불일치",
            Number => "숫자가 아닌 금액",
            Negative => "음수 금액",
            Formula => "수식 결과 없음·오류",
            RowSum => "행 합계 불일치",
            ColSum => "열 합계 불일치",
            Year => "연도 열 오류",
            Unit => "알 수 없는 단위",
            Date => "기준일 오류",
            Quarter => "분기 오류",
            Rounding => "단수 차이",
            UnitAssumed => "단위 표시 없음",
            Fraction => "백만원 미만 끝수",
            Budget => "공약 사업비와 다름",
            Contact => "담당자 정보 없음",
            Indicator => "지표 행 없음",
            Superseded => "이전 제출 대체",
            Duplicate => "같은 파일 재제출",
            Older => "미반영(이전 기준일)",
            ReasonRequired => "변경사유 없음(필수)",
            ReasonMissing => "변경사유 없음",
            Status => "추진상황 오류",
            Rate => "추진율 오류",
            UnknownIndicator => "지표 이름 불일치",
            Overspend => "집행액이 확보액 초과",
            Oversecure => "확보액이 계획 초과",
            StatusRate => "추진상황·추진율 불일치",
        }
    }
}

impl Kind {
    /// The Korean message for staff. Dispatches by family so each match stays short.
    pub fn message_ko(&self) -> String {
        match self {
            Kind::Unreadable { .. }
            | Kind::SheetMissing { .. }
            | Kind::InfoLabelsMissing { .. }
            | Kind::TableNotFound { .. }
            | Kind::ColumnsMissing { .. }
            | Kind::RowsMissing { .. }
            | Kind::PledgeEmpty { .. }
            | Kind::UnknownPledge { .. }
            | Kind::ProgramEmpty
            | Kind::UnknownProgram { .. }
            | Kind::NoSubprograms { .. }
            | Kind::SubprogramMissing { .. }
            | Kind::UnknownSubprogram { .. } => self.sheet_message_ko(),
            Kind::NotExact { .. }
            | Kind::NotANumber { .. }
            | Kind::DateInAmount { .. }
            | Kind::BoolInAmount { .. }
            | Kind::Negative { .. }
            | Kind::ErrorValue { .. }
            | Kind::FormulaWithoutValue { .. }
            | Kind::UnitUnknown { .. }
            | Kind::UnitAssumed { .. }
            | Kind::Fraction { .. } => self.value_message_ko(),
            Kind::StaleFormulas { .. }
            | Kind::FormulasWithoutValues { .. }
            | Kind::RowSum { .. }
            | Kind::ColSum { .. }
            | Kind::Rounding { .. }
            | Kind::ColumnTwice { .. }
            | Kind::YearOutsideTerm { .. }
            | Kind::YearMissing { .. }
            | Kind::Budget { .. } => self.sum_message_ko(),
            Kind::DateEmpty { .. }
            | Kind::DateUnreadable { .. }
            | Kind::QuarterEmpty { .. }
            | Kind::QuarterUnreadable { .. }
            | Kind::QuarterReversed { .. }
            | Kind::ContactMissing { .. }
            | Kind::IndicatorMissing { .. } => self.date_message_ko(),
            Kind::Status { .. }
            | Kind::Rate { .. }
            | Kind::UnknownIndicator { .. }
            | Kind::IndicatorNumber { .. }
            | Kind::NegativeActual { .. }
            | Kind::Overspend { .. }
            | Kind::Oversecure { .. }
            | Kind::StatusRate { .. } => self.progress_message_ko(),
            Kind::Older { .. }
            | Kind::Superseded { .. }
            | Kind::Duplicate { .. }
            | Kind::ReasonMissing { .. }
            | Kind::ReasonRequired { .. } => self.intake_message_ko(),
        }
    }

    /// Reading the file and its sheets, and naming the pledge/program.
    fn sheet_message_ko(&self) -> String {
        match self {
            Kind::Unreadable { error } => error.message_ko(),
            Kind::SheetMissing { sheet } => format!(
                "'{sheet}' 시트가 없습니다. 제출 양식의 '{sheet}' 시트에 입력해 주십시오. 시트를 \
                 지웠거나 이름을 바꿨다면 {LATEST_FORM}"
            ),
            Kind::InfoLabelsMissing { sheet, missing } => {
                let list = listed(missing);
                format!(
                    "'{sheet}' 시트에 항목 {list}{} 없습니다. 항목 이름을 왼쪽 칸에, 값을 바로 \
                     오른쪽 칸에 적어 주십시오. 양식에서 지워진 것이라면 {LATEST_FORM}",
                    josa(&list, IGa)
                )
            }
            Kind::TableNotFound { sheet, labels } => format!(
                "'{sheet}' 시트에서 표를 찾지 못했습니다. 표의 첫 줄에 항목 이름 {}{} 있어야 \
                 합니다. 항목 이름을 양식대로 되돌리거나, {LATEST_FORM}",
                listed(labels),
                josa(labels.last().map_or("", String::as_str), IGa)
            ),
            Kind::ColumnsMissing { sheet, missing } => {
                let list = listed(missing);
                format!(
                    "'{sheet}' 표에 {list} 열이 없습니다. 표의 첫 줄에 '{}' 열을 되살리거나, \
                     {LATEST_FORM}",
                    missing.join("', '")
                )
            }
            Kind::RowsMissing { sheet, missing } => {
                let list = listed(missing);
                format!(
                    "'{sheet}' 표에 {list} 행이 없습니다. 구분 열에 '{}' 행을 되살리거나, \
                     {LATEST_FORM}",
                    missing.join("', '")
                )
            }
            Kind::PledgeEmpty { valid } => {
                format!("공약명이 비어 있습니다. {}", choose_from(valid, &None))
            }
            Kind::UnknownPledge {
                typed,
                valid,
                similar,
            } => format!(
                "공약명 '{typed}'{} 등록된 공약이 아닙니다. {} 공약명 칸이 잠겨 있어 고칠 수 \
                 없다면 {LATEST_FORM}",
                josa(typed, EunNeun),
                choose_from(valid, similar)
            ),
            Kind::ProgramEmpty => {
                "사업명이 비어 있습니다. 제출 양식에 적힌 사업명을 입력해 주십시오.".to_owned()
            }
            Kind::UnknownProgram {
                typed,
                valid,
                similar,
            } => format!(
                "사업명 '{typed}'{} 이 공약의 사업이 아닙니다. {} 사업명 칸이 잠겨 있어 고칠 수 \
                 없다면 {LATEST_FORM}",
                josa(typed, EunNeun),
                choose_from(valid, similar)
            ),
            Kind::NoSubprograms { program, typed } => format!(
                "'{program}' 사업에는 세부사업이 없는데 세부사업 칸에 '{typed}'{} 적혀 \
                 있습니다. 세부사업 칸의 내용을 지워 주십시오.",
                josa(typed, IGa)
            ),
            Kind::SubprogramMissing { program, valid } => format!(
                "'{program}' 사업은 세부사업별로 제출합니다. 세부사업 칸에 다음 중 하나를 똑같이 \
                 입력해 주십시오: {}.",
                quoted(valid)
            ),
            Kind::UnknownSubprogram {
                program,
                typed,
                valid,
                similar,
            } => format!(
                "세부사업 '{typed}'{} '{program}' 사업의 세부사업이 아닙니다. {} 세부사업 칸이 \
                 잠겨 있어 고칠 수 없다면 {LATEST_FORM}",
                josa(typed, EunNeun),
                choose_from(valid, similar)
            ),
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }

    /// One amount cell's value and its unit.
    fn value_message_ko(&self) -> String {
        match self {
            Kind::NotExact { shown } => format!(
                "금액 칸의 값({shown})을 정확한 숫자로 읽을 수 없습니다. 금액을 숫자로 다시 \
                 입력해 주십시오."
            ),
            Kind::NotANumber { text } => format!(
                "금액 칸의 '{text}'{} 숫자가 아닙니다. 숫자만 입력해 주십시오(예: 1,000).",
                josa(text, EunNeun)
            ),
            Kind::DateInAmount { date } => format!(
                "금액 칸에 날짜({date})가 들어 있습니다. 숫자만 입력해 주십시오. 칸의 표시 형식이 \
                 날짜라면 [셀 서식]에서 숫자로 바꿔 주십시오."
            ),
            Kind::BoolInAmount { value } => format!(
                "금액 칸에 참·거짓 값({})이 들어 있습니다. 숫자만 입력해 주십시오.",
                if *value { "TRUE" } else { "FALSE" }
            ),
            Kind::Negative { amount: a, unit } => format!(
                "금액이 음수(-{})입니다. 계획 금액은 0 이상이어야 합니다. 0 이상의 금액으로 고쳐 \
                 주십시오.",
                amount(a.abs(), unit)
            ),
            Kind::ErrorValue { value } => format!(
                "수식 오류 값({value})이 들어 있습니다. 수식이 가리키는 칸을 고치거나 금액을 숫자로 \
                 직접 입력해 주십시오."
            ),
            Kind::FormulaWithoutValue { formula } => format!(
                "수식 ={formula}의 계산 결과가 파일에 저장되어 있지 않습니다. 수식을 계산하지 않는 \
                 프로그램으로 저장된 파일입니다. Excel이나 한셀에서 파일을 열어 저장한 뒤 다시 넣어 \
                 주십시오."
            ),
            Kind::UnitUnknown { text } if text.is_empty() => {
                "단위 표시에 단위가 비어 있습니다. 원, 천원, 백만원, 억원 가운데 하나로 적어 \
                 주십시오."
                    .to_owned()
            }
            Kind::UnitUnknown { text } => format!(
                "단위 '{text}'{} 알 수 없습니다. 원, 천원, 백만원, 억원 가운데 하나로 적어 주십시오.",
                josa(text, EulReul)
            ),
            Kind::UnitAssumed { unit } => format!(
                "표 위에 단위 표시(예: (단위 : {unit}))가 없어 {unit}{} 보았습니다. 단위가 \
                 다르면 표 위에 단위를 적어 다시 넣어 주십시오.",
                josa(unit, ::josa::Josa::Eu).to_owned() + "로"
            ),
            Kind::Fraction { raw, unit, million } => {
                if unit == "백만원" {
                    format!(
                        "금액 {}에 백만원 미만의 끝수가 있습니다. 값은 그대로 반영했습니다. \
                         백만원 단위로 맞춰야 한다면 고쳐 다시 넣어 주십시오.",
                        amount(*raw, unit)
                    )
                } else {
                    format!(
                        "금액 {}{} {}이라 백만원 단위로 떨어지지 않습니다. 값은 그대로 \
                         반영했습니다. 백만원 단위로 맞춰야 한다면 고쳐 다시 넣어 주십시오.",
                        amount(*raw, unit),
                        josa(unit, EunNeun),
                        amount(million.normalize(), "백만원")
                    )
                }
            }
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }

    /// Sums, year columns and the declared budget.
    fn sum_message_ko(&self) -> String {
        match self {
            Kind::FormulasWithoutValues {
                sheet,
                cells: list,
                formula,
            } => format!(
                "'{sheet}' 시트의 수식 칸({}, {}칸)에 계산 결과가 저장되어 있지 않습니다(예: {} 칸의 \
                 ={formula}). 수식을 계산하지 않는 프로그램으로 저장된 파일입니다. Excel이나 \
                 한셀에서 파일을 열어 저장한 뒤 다시 넣어 주십시오.",
                cells(list),
                list.len(),
                list.first().map(ToString::to_string).unwrap_or_default()
            ),
            Kind::StaleFormulas { sheet, cells: list } => format!(
                "'{sheet}' 시트의 계·총계 칸({}, {}칸)은 수식인데, 파일에 저장된 계산 결과가 입력한 \
                 금액의 합과 맞지 않습니다. 수식을 다시 계산하지 않는 프로그램으로 저장된 파일로 \
                 보입니다. Excel이나 한셀에서 파일을 열어 저장한 뒤 다시 넣어 주십시오.",
                cells(list),
                list.len()
            ),
            Kind::RowSum {
                line,
                written,
                computed,
                unit,
                crossing,
            }
            | Kind::ColSum {
                line,
                written,
                computed,
                unit,
                crossing,
            } => format!(
                "{} {}",
                sum_sentence(line, *written, *computed, unit),
                fix_sum(crossing)
            ),
            Kind::Rounding {
                line,
                written,
                computed,
                unit,
            } => format!(
                "{} 반올림에 따른 단수 차이로 보고 그대로 받았습니다.",
                sum_sentence(line, *written, *computed, unit)
            ),
            Kind::ColumnTwice { label } => {
                format!("'{label}' 열이 두 번 있습니다. 둘 중 하나를 지워 주십시오.")
            }
            Kind::YearOutsideTerm {
                year,
                start,
                end,
                move_to,
            } => match move_to {
                Some((before, after)) => format!(
                    "{year}년은 공약 임기({start}년~{end}년) 밖의 연도입니다. 임기 전 금액은 \
                     '{before}' 열에, 임기 후 금액은 '{after}' 열에 넣고 이 열은 지워 주십시오."
                ),
                None => format!(
                    "{year}년은 공약 임기({start}년~{end}년) 밖의 연도입니다. 이 열을 지워 \
                     주십시오."
                ),
            },
            Kind::YearMissing { year, start, end } => format!(
                "{year}년 열이 없습니다. 임기 {start}년~{end}년의 모든 연도에 열이 있어야 합니다. \
                 '{year}년' 열을 되살리거나, {LATEST_FORM}"
            ),
            Kind::Budget {
                leaf,
                written,
                declared,
                unit,
            } => format!(
                "'{leaf}'의 총계가 {}인데, 공약 사업비는 {}입니다({}). 사업비가 바뀐 것이라면 \
                 그대로 두어도 됩니다. 아니라면 금액을 확인해 주십시오.",
                amount(*written, unit),
                amount(*declared, unit),
                difference("총계", *written, *declared, unit)
            ),
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }

    /// Dates, quarters, contacts and targets.
    fn date_message_ko(&self) -> String {
        match self {
            Kind::DateEmpty { example } => format!(
                "기준일이 비어 있습니다. 자료의 기준 날짜를 {example} 형식으로 입력해 주십시오."
            ),
            Kind::DateUnreadable { text, example } => format!(
                "기준일 '{text}'{} 날짜로 읽을 수 없습니다. {example} 형식으로 입력해 주십시오.",
                josa(text, EulReul)
            ),
            Kind::QuarterEmpty { end, example } => format!(
                "{}가 비어 있습니다. {} 형식으로 입력하거나 목록에서 골라 주십시오.",
                end_word(*end),
                quarter_forms(*example)
            ),
            Kind::QuarterUnreadable { end, text, example } => format!(
                "{} '{text}'{} 분기로 읽을 수 없습니다. {} 형식으로 입력하거나 목록에서 골라 \
                 주십시오.",
                end_word(*end),
                josa(text, EulReul),
                quarter_forms(*example)
            ),
            Kind::QuarterReversed { start, end } => format!(
                "종료 분기({}년 {}분기)가 시작 분기({}년 {}분기)보다 앞섭니다. 시작과 종료가 \
                 바뀌었는지 확인하고, 종료 분기를 시작 분기와 같거나 그 뒤로 고쳐 주십시오.",
                end.year, end.q, start.year, start.q
            ),
            Kind::ContactMissing { label } => format!(
                "{label}{} 비어 있습니다. 문의할 수 있도록 {label}{} 입력해 주십시오.",
                josa(label, IGa),
                josa(label, EulReul)
            ),
            Kind::IndicatorMissing { name, unit } => format!(
                "'추진목표' 시트에 지표 '{name}'({unit}) 행이 없습니다. 제출 양식에는 이 지표의 \
                 행이 있습니다. 이전 양식을 쓰셨다면 {LATEST_FORM}"
            ),
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }

    /// §10/§11 progress: status, rate, indicators, actuals.
    fn progress_message_ko(&self) -> String {
        match self {
            Kind::Status { typed: None } => format!(
                "추진상황이 비어 있습니다. 다음 중 하나를 똑같이 입력해 주십시오: {}.",
                status_words()
            ),
            Kind::Status { typed: Some(t) } => format!(
                "추진상황 '{t}'{} 정해진 값이 아닙니다. 다음 중 하나를 똑같이 입력해 주십시오: {}.",
                josa(t, EunNeun),
                status_words()
            ),
            Kind::Rate { typed: None } => {
                "추진율이 비어 있습니다. 0부터 100 사이의 숫자(예: 85)를 \
                 입력해 주십시오."
                    .to_owned()
            }
            Kind::Rate { typed: Some(t) } => format!(
                "추진율 '{t}'{} 0부터 100 사이의 숫자가 아닙니다. 0부터 100 사이의 숫자(예: 85 \
                 또는 85%)를 입력해 주십시오.",
                josa(t, EunNeun)
            ),
            Kind::UnknownIndicator { typed, valid, .. } if valid.is_empty() => format!(
                "지표 '{typed}'{} 이 사업에 정해진 지표가 아닙니다. 이 사업에는 지표가 없으니 \
                 지표 이름과 실적을 지워 주십시오.",
                josa(typed, EunNeun)
            ),
            Kind::UnknownIndicator {
                typed,
                valid,
                similar,
            } => format!(
                "지표 '{typed}'{} 이 사업에 정해진 지표가 아닙니다. {}",
                josa(typed, EunNeun),
                choose_from(valid, similar)
            ),
            Kind::IndicatorNumber {
                indicator,
                year,
                typed,
            } => format!(
                "지표 '{indicator}'의 {year}년 실적 '{typed}'{} 숫자가 아닙니다. 숫자만 \
                 입력해 주십시오(예: 10). 아직 측정하지 않았으면 칸을 비워 둡니다.",
                josa(typed, EunNeun)
            ),
            Kind::NegativeActual { what, raw, unit } => format!(
                "{what}{} 음수({})입니다. {what}{} 0 이상이어야 하니 금액을 고쳐 주십시오.",
                josa(what, IGa),
                amount(*raw, unit),
                josa(what, EunNeun)
            ),
            Kind::Overspend {
                source,
                column,
                secured,
                spent,
                unit,
            } => format!(
                "{source} {column} 집행액 {}{} 확보액 {}보다 {} 많습니다. 집행액과 확보액을 \
                 확인해 주십시오. 맞는 값이면 그대로 두어도 됩니다.",
                amount(*spent, unit),
                josa(unit, IGa),
                amount(*secured, unit),
                amount(*spent - *secured, unit)
            ),
            Kind::Oversecure {
                source,
                column,
                planned,
                secured,
                unit,
            } => format!(
                "{source} {column} 확보액 {}{} '투자계획' 시트의 계획 {}보다 {} 많습니다. \
                 계획이 바뀌었다면 '투자계획' 시트의 금액도 고쳐 주십시오.",
                amount(*secured, unit),
                josa(unit, IGa),
                amount(*planned, unit),
                amount(*secured - *planned, unit)
            ),
            Kind::StatusRate { status, rate } if *status == Status::Done => format!(
                "추진상황이 '완료'인데 추진율이 {}입니다. 사업을 마쳤다면 추진율을 100으로, \
                 아직이라면 추진상황을 고쳐 주십시오.",
                percent(*rate)
            ),
            Kind::StatusRate { status, rate } => format!(
                "추진율이 {}인데 추진상황이 '{}'입니다. 사업을 마쳤다면 추진상황을 '완료' 또는 \
                 '이행후계속추진'으로, 아직이라면 추진율을 고쳐 주십시오.",
                percent(*rate),
                status.label()
            ),
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }

    /// Intake notices: older, superseded, duplicate, missing 변경사유.
    fn intake_message_ko(&self) -> String {
        match self {
            Kind::Older {
                base_date,
                current,
                current_file,
            } => format!(
                "이 파일의 기준일({base_date})이 보고서에 반영된 제출본(파일 '{current_file}')의 \
                 기준일({current})보다 이전이어서 보고서에 반영하지 않았습니다(미반영). 이 파일이 \
                 최신 자료라면 기준일을 {current} 이후로 고쳐 다시 넣어 주십시오."
            ),
            Kind::Superseded {
                previous,
                base_date,
                seq,
            } => format!(
                "이 파일이 보고서에 반영되어, 같은 사업의 이전 제출본(파일 '{previous}', 기준일 \
                 {base_date}, 접수 번호 {seq})을 대신합니다."
            ),
            Kind::Duplicate { first, seq } => format!(
                "이미 접수된 파일(파일 '{first}', 접수 번호 {seq})과 내용이 같아 보고서에는 바뀐 \
                 것이 없습니다. 따로 하실 일은 없습니다."
            ),
            Kind::ReasonMissing {
                count,
                examples,
                previous,
            } => format!(
                "보고서에 반영된 이전 제출본(기준일 {previous})과 비교해 계획 값 {}이 \
                 바뀌었는데 변경사유가 비어 있습니다({}). 이번 파일은 접수했으며 \
                 보고서의 변경내역에는 사유 없이 남습니다. 바꾼 까닭을 총괄 부서에 \
                 알려 주시고, 다음에 계획을 바꿀 때는 '제출정보' 시트의 '변경사유' 칸에 \
                 적어 주십시오.",
                count_words(*count),
                changed_quoted(*count, examples)
            ),
            Kind::ReasonRequired {
                count,
                examples,
                previous,
            } => format!(
                "보고서에 반영된 이전 제출본(기준일 {previous})과 비교해 계획 값 {}이 \
                 바뀌었는데 변경사유가 비어 있습니다({}). 계획을 바꿀 때는 변경사유를 \
                 반드시 적어야 하므로 반려합니다. 바꾼 까닭을 '제출정보' 시트의 \
                 '변경사유' 칸에 적어 다시 넣어 주십시오.",
                count_words(*count),
                changed_quoted(*count, examples)
            ),
            _ => unreachable!("message_ko dispatches only this family here"),
        }
    }
}

/// `1건`, `12건`.
fn count_words(n: usize) -> String {
    format!("{n}건")
}

/// The first changes, then `외 N건` for the rest.
fn changed_quoted(count: usize, examples: &[String]) -> String {
    let mut s = examples.join(", ");
    if count > examples.len() {
        s.push_str(&format!(" 외 {}건", count - examples.len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::read::ReadError;
    use chrono::NaiveDate;

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// One example of every kind (and of every E-READ reason). The match in
    /// `variant` has no wildcard: a new kind does not compile until it has an example
    /// here, and then its sentence shows in the snapshot.
    fn examples() -> Vec<Kind> {
        let date = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap_or_default();
        let q = |year, q| Quarter { year, q };
        let row = SumLine::Row {
            row: "도비".into(),
            parts: names(&["기투자", "연도별", "임기후"]),
        };
        let col = SumLine::Column {
            column: "2024년".into(),
            parts: names(&["국비", "도비", "시비", "기타"]),
        };
        let read = [
            ReadError::Empty,
            ReadError::TooLarge {
                size: 300 << 20,
                limit: 20 << 20,
            },
            ReadError::TooLargeUnpacked { limit: 64 << 20 },
            ReadError::TooManyCells { limit: 500_000 },
            ReadError::TooWide {
                rows: 65536,
                cols: 256,
            },
            ReadError::Encrypted,
            ReadError::Drm {
                vendor: "Softcamp Document Security",
            },
            ReadError::NotSpreadsheet { kind: "PDF 문서" },
            ReadError::Unsupported {
                kind: "Excel 2.0~4.0 통합 문서",
            },
            ReadError::Corrupt {
                detail: "zip: invalid Zip archive: Could not find EOCD".into(),
            },
        ];
        let mut out: Vec<Kind> = read
            .into_iter()
            .map(|error| Kind::Unreadable { error })
            .collect();
        out.extend([
            Kind::SheetMissing {
                sheet: "투자계획".into(),
            },
            Kind::InfoLabelsMissing {
                sheet: "제출정보".into(),
                missing: names(&["공약명", "기준일"]),
            },
            Kind::TableNotFound {
                sheet: "투자계획".into(),
                labels: names(&["구분", "총계", "기투자", "2022년~2026년", "임기후"]),
            },
            Kind::ColumnsMissing {
                sheet: "투자계획".into(),
                missing: names(&["임기후"]),
            },
            Kind::RowsMissing {
                sheet: "투자계획".into(),
                missing: names(&["기타"]),
            },
            Kind::PledgeEmpty {
                valid: names(&["공약 가", "공약 나"]),
            },
            Kind::UnknownPledge {
                typed: "스마트시티".into(),
                valid: names(&["공약 가"]),
                similar: None,
            },
            Kind::UnknownPledge {
                typed: "공약 가나".into(),
                valid: names(&["공약 가", "공약 나"]),
                similar: Some("공약 가".into()),
            },
            Kind::ProgramEmpty,
            Kind::UnknownProgram {
                typed: "특구 운영".into(),
                valid: names(&["사업 가", "사업 나"]),
                similar: None,
            },
            Kind::NoSubprograms {
                program: "사업 가".into(),
                typed: "세부 없음".into(),
            },
            Kind::SubprogramMissing {
                program: "사업 나".into(),
                valid: names(&["세부 1", "세부 2"]),
            },
            Kind::UnknownSubprogram {
                program: "사업 나".into(),
                typed: "세부 3".into(),
                valid: names(&["세부 1", "세부 2"]),
                similar: Some("세부 1".into()),
            },
            Kind::NotExact {
                shown: "NaN".into(),
            },
            Kind::NotANumber {
                text: "약 300".into(),
            },
            Kind::DateInAmount { date },
            Kind::BoolInAmount { value: true },
            Kind::Negative {
                amount: d(-500),
                unit: "백만원".into(),
            },
            Kind::ErrorValue {
                value: "#REF!".into(),
            },
            Kind::FormulaWithoutValue {
                formula: "SUM(C5:I5)".into(),
            },
            Kind::FormulasWithoutValues {
                sheet: "투자계획".into(),
                cells: vec![CellRef::new(3, 1), CellRef::new(3, 2), CellRef::new(4, 1)],
                formula: "SUM(C4:I4)".into(),
            },
            Kind::StaleFormulas {
                sheet: "투자계획".into(),
                cells: vec![CellRef::new(3, 1), CellRef::new(4, 1), CellRef::new(3, 3)],
            },
            Kind::RowSum {
                line: row.clone(),
                written: d(1410),
                computed: d(4210),
                unit: "백만원".into(),
                crossing: vec![],
            },
            Kind::RowSum {
                line: row.clone(),
                written: d(4210),
                computed: d(1410),
                unit: "천원".into(),
                crossing: vec![CellRef::new(5, 4)],
            },
            Kind::ColSum {
                line: col.clone(),
                written: d(3900),
                computed: d(6700),
                unit: "백만원".into(),
                crossing: vec![CellRef::new(5, 4), CellRef::new(6, 4)],
            },
            Kind::Rounding {
                line: col,
                written: d(1001),
                computed: d(1000),
                unit: "백만원".into(),
            },
            Kind::ColumnTwice {
                label: "2025년".into(),
            },
            Kind::YearOutsideTerm {
                year: 2027,
                start: 2022,
                end: 2026,
                move_to: Some(("기투자".into(), "임기후".into())),
            },
            Kind::YearOutsideTerm {
                year: 2027,
                start: 2022,
                end: 2026,
                move_to: None,
            },
            Kind::YearMissing {
                year: 2026,
                start: 2022,
                end: 2026,
            },
            Kind::UnitUnknown {
                text: "조원".into(),
            },
            Kind::UnitUnknown {
                text: String::new(),
            },
            Kind::UnitAssumed {
                unit: "백만원".into(),
            },
            Kind::Fraction {
                raw: Decimal::new(1586, 1),
                unit: "백만원".into(),
                million: Decimal::new(1586, 1),
            },
            Kind::Fraction {
                raw: d(1_234_567),
                unit: "천원".into(),
                million: Decimal::new(1_234_567, 3),
            },
            Kind::DateEmpty { example: date },
            Kind::DateUnreadable {
                text: "작년 말".into(),
                example: date,
            },
            Kind::QuarterEmpty {
                end: QuarterEnd::Start,
                example: q(2022, 1),
            },
            Kind::QuarterUnreadable {
                end: QuarterEnd::End,
                text: "내년".into(),
                example: q(2022, 1),
            },
            Kind::QuarterReversed {
                start: q(2024, 1),
                end: q(2023, 2),
            },
            Kind::Budget {
                leaf: "사업 가".into(),
                written: d(20660),
                declared: d(20560),
                unit: "백만원".into(),
            },
            Kind::ContactMissing {
                label: "담당자".into(),
            },
            Kind::IndicatorMissing {
                name: "기술이전".into(),
                unit: "건".into(),
            },
            Kind::Status { typed: None },
            Kind::Status {
                typed: Some("진행중".into()),
            },
            Kind::Rate { typed: None },
            Kind::Rate {
                typed: Some("120".into()),
            },
            Kind::UnknownIndicator {
                typed: "기술 이전 건수".into(),
                valid: names(&["기술이전", "연구소기업 설립", "신규창업"]),
                similar: Some("기술이전".into()),
            },
            Kind::UnknownIndicator {
                typed: "주민 만족도".into(),
                valid: Vec::new(),
                similar: None,
            },
            Kind::IndicatorNumber {
                indicator: "기술이전".into(),
                year: 2023,
                typed: "많음".into(),
            },
            Kind::NegativeActual {
                what: "확보액".into(),
                raw: d(-100),
                unit: "백만원".into(),
            },
            Kind::Overspend {
                source: "시비".into(),
                column: "2025년".into(),
                secured: d(290),
                spent: d(700),
                unit: "백만원".into(),
            },
            Kind::Oversecure {
                source: "국비".into(),
                column: "2026년".into(),
                planned: d(1000),
                secured: d(1500),
                unit: "백만원".into(),
            },
            Kind::StatusRate {
                status: Status::Done,
                rate: d(90),
            },
            Kind::StatusRate {
                status: Status::OnTrack,
                rate: d(100),
            },
            Kind::Older {
                base_date: date,
                current: NaiveDate::from_ymd_opt(2023, 3, 31).unwrap_or_default(),
                current_file: "강소특구_제출.xlsx".into(),
            },
            Kind::Superseded {
                previous: "강소특구_제출.xlsx".into(),
                base_date: date,
                seq: 7,
            },
            Kind::Duplicate {
                first: "강소특구_제출.xlsx".into(),
                seq: 7,
            },
            Kind::ReasonMissing {
                count: 5,
                examples: names(&[
                    "국비 2024년 3,000백만원 → 2,500백만원",
                    "추진내용 2023년 사업 추진 2차년 → 특구 2단계 지정 추진",
                    "사업추진 종료 2026년 4분기 → 2026년 2분기",
                ]),
                previous: date,
            },
            Kind::ReasonRequired {
                count: 1,
                examples: names(&["시비 2025년 290백만원 → 390백만원"]),
                previous: date,
            },
        ]);
        out
    }

    /// The variant's name; no wildcard, so every kind must be listed.
    fn variant(k: &Kind) -> &'static str {
        match k {
            Kind::Unreadable { .. } => "Unreadable",
            Kind::SheetMissing { .. } => "SheetMissing",
            Kind::InfoLabelsMissing { .. } => "InfoLabelsMissing",
            Kind::TableNotFound { .. } => "TableNotFound",
            Kind::ColumnsMissing { .. } => "ColumnsMissing",
            Kind::RowsMissing { .. } => "RowsMissing",
            Kind::PledgeEmpty { .. } => "PledgeEmpty",
            Kind::UnknownPledge { .. } => "UnknownPledge",
            Kind::ProgramEmpty => "ProgramEmpty",
            Kind::UnknownProgram { .. } => "UnknownProgram",
            Kind::NoSubprograms { .. } => "NoSubprograms",
            Kind::SubprogramMissing { .. } => "SubprogramMissing",
            Kind::UnknownSubprogram { .. } => "UnknownSubprogram",
            Kind::NotExact { .. } => "NotExact",
            Kind::NotANumber { .. } => "NotANumber",
            Kind::DateInAmount { .. } => "DateInAmount",
            Kind::BoolInAmount { .. } => "BoolInAmount",
            Kind::Negative { .. } => "Negative",
            Kind::ErrorValue { .. } => "ErrorValue",
            Kind::FormulaWithoutValue { .. } => "FormulaWithoutValue",
            Kind::FormulasWithoutValues { .. } => "FormulasWithoutValues",
            Kind::StaleFormulas { .. } => "StaleFormulas",
            Kind::RowSum { .. } => "RowSum",
            Kind::ColSum { .. } => "ColSum",
            Kind::Rounding { .. } => "Rounding",
            Kind::ColumnTwice { .. } => "ColumnTwice",
            Kind::YearOutsideTerm { .. } => "YearOutsideTerm",
            Kind::YearMissing { .. } => "YearMissing",
            Kind::UnitUnknown { .. } => "UnitUnknown",
            Kind::UnitAssumed { .. } => "UnitAssumed",
            Kind::Fraction { .. } => "Fraction",
            Kind::DateEmpty { .. } => "DateEmpty",
            Kind::DateUnreadable { .. } => "DateUnreadable",
            Kind::QuarterEmpty { .. } => "QuarterEmpty",
            Kind::QuarterUnreadable { .. } => "QuarterUnreadable",
            Kind::QuarterReversed { .. } => "QuarterReversed",
            Kind::Budget { .. } => "Budget",
            Kind::ContactMissing { .. } => "ContactMissing",
            Kind::IndicatorMissing { .. } => "IndicatorMissing",
            Kind::Status { .. } => "Status",
            Kind::Rate { .. } => "Rate",
            Kind::UnknownIndicator { .. } => "UnknownIndicator",
            Kind::IndicatorNumber { .. } => "IndicatorNumber",
            Kind::NegativeActual { .. } => "NegativeActual",
            Kind::Overspend { .. } => "Overspend",
            Kind::Oversecure { .. } => "Oversecure",
            Kind::StatusRate { .. } => "StatusRate",
            Kind::Older { .. } => "Older",
            Kind::Superseded { .. } => "Superseded",
            Kind::Duplicate { .. } => "Duplicate",
            Kind::ReasonMissing { .. } => "ReasonMissing",
            Kind::ReasonRequired { .. } => "ReasonRequired",
        }
    }

    /// Every sentence staff can be shown, one per line: a wording change is a diff
    /// in `snapshots/`.
    #[test]
    fn every_message() {
        let text: String = examples()
            .iter()
            .map(|k| format!("{} {}: {}\n", k.code(), variant(k), k.message_ko()))
            .collect();
        insta::assert_snapshot!(text);
    }

    /// MESSAGES.md's style rules, over every example: no `≠`, no empty quotes, no
    /// 해요체 `-세요`, no `을(를)` after Hangul, and an instruction in 합니다체.
    #[test]
    fn every_message_follows_the_style_rules() {
        for k in examples() {
            let m = k.message_ko();
            assert!(!m.contains('≠'), "{m}");
            assert!(!m.contains("''"), "{m}");
            assert!(!m.contains("세요"), "{m}");
            assert!(!m.contains("(를)") && !m.contains("(가)"), "{m}");
            assert!(!m.contains("이름표") && !m.contains("머리글"), "{m}");
            if k.code().severity() != crate::core::finding::Severity::Info {
                assert!(
                    m.contains("주십시오") || m.contains("받았습니다"),
                    "no instruction: {m}"
                );
            }
        }
    }

    #[test]
    fn differences_are_said_in_words_with_units() {
        assert_eq!(
            difference("총계", d(1410), d(4210), "백만원"),
            "총계가 2,800백만원 적음"
        );
        assert_eq!(difference("계", d(5), d(2), "천원"), "계가 3천원 많음");
    }
}
