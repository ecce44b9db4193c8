//! 추진일정: items with start and end quarters.

use super::*;

pub(super) fn parse_roadmap(
    sheet: &Sheet,
    pledge: &Pledge,
    findings: &mut Vec<Finding>,
) -> Vec<RoadmapItem> {
    let example = Quarter {
        year: pledge.term.start,
        q: 1,
    };
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
            findings.push(table_not_found(
                name,
                vec!["세부내용".to_owned(), "시작".to_owned(), "종료".to_owned()],
            ));
        }
        return Vec::new();
    };
    let mut items = Vec::new();
    for (row, _) in sheet.rows().filter(|(r, _)| *r > hrow) {
        let Some(item) = sheet.get(row, ncol).map(text_of).filter(|s| !s.is_empty()) else {
            continue;
        };
        let quarter = |col: u32, end: QuarterEnd, findings: &mut Vec<Finding>| -> Option<Quarter> {
            let cell = CellRef::new(row, col);
            let q = match sheet.get(row, col) {
                Some(CellValue::Text(t)) => parse_quarter(t),
                Some(CellValue::Date(d)) => Some(Quarter::of_date(d.date())),
                _ => None,
            };
            if q.is_none() {
                let shown = sheet.get(row, col).map(text_of).unwrap_or_default();
                let kind = if shown.is_empty() {
                    Kind::QuarterEmpty { end, example }
                } else {
                    Kind::QuarterUnreadable {
                        end,
                        text: shown,
                        example,
                    }
                };
                findings.push(Finding::at(kind, name, cell));
            }
            q
        };
        let start = quarter(scol, QuarterEnd::Start, findings);
        let end = quarter(ecol, QuarterEnd::End, findings);
        if let (Some(start), Some(end)) = (start, end) {
            if start > end {
                findings.push(Finding::at(
                    Kind::QuarterReversed { start, end },
                    name,
                    CellRef::new(row, ecol),
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
