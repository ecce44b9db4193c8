//! 추진일정: items with start and end quarters.

use super::*;

pub(super) fn parse_roadmap(sheet: &Sheet, findings: &mut Vec<Finding>) -> Vec<RoadmapItem> {
    let name = sheet.name.as_str();
    const NAME: &[&str] = &["세부내용", "추진내용", "내용", "과제", "세부과제"];
    const START: &[&str] = &["시작", "시작분기", "착수", "시작시기"];
    const END: &[&str] = &["종료", "종료분기", "완료", "종료시기"];
    let mut header = None;
    for (row, cells) in sheet.rows() {
        let find = |set: &[&str]| {
            cells
                .iter()
                .find(|(_, v)| {
                    v.as_label()
                        .is_some_and(|s| set.contains(&label_key(&s).as_str()))
                })
                .map(|(c, _)| *c)
        };
        if let (Some(n), Some(s), Some(e)) = (find(NAME), find(START), find(END)) {
            header = Some((row, n, s, e));
            break;
        }
    }
    let Some((hrow, ncol, scol, ecol)) = header else {
        if !sheet.cells.is_empty() {
            findings.push(Finding::new(
                Code::Sheet,
                Some(Place::sheet(name)),
                format!("'{name}' 시트에서 표 머리글을 찾을 수 없습니다. 찾은 이름표: 세부내용, 시작, 종료."),
            ));
        }
        return Vec::new();
    };
    let mut items = Vec::new();
    for (row, _) in sheet.rows().filter(|(r, _)| *r > hrow) {
        let Some(item) = sheet.get(row, ncol).map(text_of).filter(|s| !s.is_empty()) else {
            continue;
        };
        let quarter = |col: u32, findings: &mut Vec<Finding>| -> Option<Quarter> {
            let cell = CellRef::new(row, col);
            let q = match sheet.get(row, col) {
                Some(CellValue::Text(t)) => parse_quarter(t),
                Some(CellValue::Date(d)) => Some(Quarter::of_date(d.date())),
                _ => None,
            };
            if q.is_none() {
                let shown = sheet.get(row, col).map(text_of).unwrap_or_default();
                findings.push(Finding::at(
                    Code::Quarter,
                    name,
                    cell,
                    format!(
                        "분기 '{shown}'{} 읽을 수 없습니다. 2022-Q1 형식으로 입력하세요.",
                        josa(&shown, EulReul)
                    ),
                ));
            }
            q
        };
        let start = quarter(scol, findings);
        let end = quarter(ecol, findings);
        if let (Some(start), Some(end)) = (start, end) {
            if start > end {
                findings.push(Finding::at(
                    Code::Quarter,
                    name,
                    CellRef::new(row, ecol),
                    format!("종료 분기({end})가 시작 분기({start})보다 앞섭니다."),
                ));
            } else {
                items.push(RoadmapItem {
                    name: item,
                    start,
                    end,
                });
            }
        }
    }
    items
}
