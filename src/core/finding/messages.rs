//! Every sentence a finding shows a person, in one place (MESSAGES.md: what → where →
//! what to do, 합니다체). A wording change here is a visible diff in the snapshot test.

use super::{Kind, josa};
use crate::core::model::Status;
use crate::core::parse::fmt_amount;
use ::josa::{EunNeun, IGa};
use rust_decimal::Decimal;

/// `'완료', '이행후계속추진', …` — the words staff may type, to copy.
fn status_words() -> String {
    quoted(Status::LISTED.iter().map(|s| s.label()))
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `85%`, `0.5%`: a rate as staff wrote it.
fn percent(rate: Decimal) -> String {
    format!("{}%", rate.normalize())
}

impl Kind {
    /// The Korean message for staff.
    pub fn message_ko(&self) -> String {
        match self {
            Kind::Older { base_date, current } => format!(
                "이 파일의 기준일({base_date})이 보고서에 반영된 제출본의 기준일({current})보다 \
                 이전이어서 보고서에 반영하지 않았습니다(미반영). 최신 자료라면 기준일을 \
                 {current} 이후로 고쳐 다시 넣어 주십시오."
            ),
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
                "지표 '{typed}'{} 이 사업에 정해진 지표가 아닙니다. 다음 중 하나를 똑같이 \
                 입력해 주십시오: {}.{}",
                josa(typed, EunNeun),
                quoted(valid.iter().map(String::as_str)),
                similar
                    .as_ref()
                    .map_or(String::new(), |s| format!(" 비슷한 이름: '{s}'."))
            ),
            Kind::IndicatorNumber {
                indicator,
                year,
                typed,
            } => format!(
                "지표 '{indicator}'의 {year}년 실적 '{typed}'{} 숫자가 아닙니다. 숫자만 \
                 입력하고(예: 10), 아직 측정하지 않았으면 칸을 비워 두십시오.",
                josa(typed, EunNeun)
            ),
            Kind::NegativeActual { what, raw } => format!(
                "{what}{} 음수({})입니다. {what}{} 0 이상이어야 하니 금액을 고쳐 주십시오.",
                josa(what, IGa),
                fmt_amount(*raw),
                josa(what, EunNeun)
            ),
            Kind::Overspend {
                source,
                column,
                secured,
                spent,
                unit,
            } => format!(
                "{source} {column} 집행액 {}{unit}{} 확보액 {}{unit}보다 {}{unit} 많습니다. \
                 집행액과 확보액을 확인해 주십시오. 맞는 값이면 그대로 두어도 됩니다.",
                fmt_amount(*spent),
                josa(unit, IGa),
                fmt_amount(*secured),
                fmt_amount(*spent - *secured)
            ),
            Kind::Oversecure {
                source,
                column,
                planned,
                secured,
                unit,
            } => format!(
                "{source} {column} 확보액 {}{unit}{} '투자계획' 시트의 계획 {}{unit}보다 \
                 {}{unit} 많습니다. 계획이 바뀌었다면 '투자계획' 시트의 금액도 고쳐 주십시오.",
                fmt_amount(*secured),
                josa(unit, IGa),
                fmt_amount(*planned),
                fmt_amount(*secured - *planned)
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
        }
    }
}
