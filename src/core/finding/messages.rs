//! Every sentence a finding shows a person, in one place (MESSAGES.md: what → where →
//! what to do, 합니다체). A wording change here is a visible diff in the snapshot test.

use super::Kind;

impl Kind {
    /// The Korean message for staff.
    pub fn message_ko(&self) -> String {
        match self {
            Kind::Older { base_date, current } => format!(
                "이 파일의 기준일({base_date})이 보고서에 반영된 제출본의 기준일({current})보다 \
                 이전이어서 보고서에 반영하지 않았습니다(미반영). 최신 자료라면 기준일을 \
                 {current} 이후로 고쳐 다시 넣어 주십시오."
            ),
        }
    }
}
