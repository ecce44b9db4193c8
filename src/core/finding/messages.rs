//! Every sentence a finding shows a person, in one place (MESSAGES.md: what → where →
//! what to do, 합니다체). A wording change here is a visible diff in the snapshot test.

use super::Kind;

impl Kind {
    /// The Korean message for staff.
    pub fn message_ko(&self) -> String {
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
        }
    }
}
