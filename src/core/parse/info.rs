//! 제출정보: label/value pairs (공약명, 사업명, 기준일, …).

use super::*;

pub(super) fn parse_info(
    sheet: &Sheet,
    catalog: &Catalog,
    date_1904: bool,
    draft: &mut Draft,
    findings: &mut Vec<Finding>,
) {
    let found = find_labels(sheet);
    let name = sheet.name.as_str();
    let mut text = |label: InfoLabel| -> Option<Located<String>> {
        let (label_cell, value) = found.get(&label)?;
        let place = Place::cell(name, value.map_or(right_of(*label_cell), |(c, _)| c));
        draft.info_places.insert(label, place.clone());
        let value = value.map(|(_, v)| text_of(v)).unwrap_or_default();
        Some(Located { value, place })
    };
    let pledge = text(InfoLabel::Pledge);
    let program = text(InfoLabel::Program);
    let sub = text(InfoLabel::Subprogram);
    let dept = text(InfoLabel::Department);
    let person = text(InfoLabel::Person);
    let phone = text(InfoLabel::Phone);
    let reason = text(InfoLabel::Reason).map(|r| r.value.trim().to_owned());

    let missing: Vec<String> = [InfoLabel::Pledge, InfoLabel::Program, InfoLabel::BaseDate]
        .into_iter()
        .filter(|l| !found.contains_key(l))
        .map(|l| l.name().to_owned())
        .collect();
    if !missing.is_empty() {
        findings.push(Finding::of(
            Kind::InfoLabelsMissing {
                sheet: name.to_owned(),
                missing,
            },
            Some(Place::sheet(name)),
        ));
    }
    match pledge {
        Some(p) if p.value.is_empty() => findings.push(Finding::of(
            Kind::PledgeEmpty {
                valid: catalog.pledges.iter().map(|p| p.title.clone()).collect(),
            },
            Some(p.place),
        )),
        Some(p) => draft.pledge_typed = Some(p),
        None => {}
    }
    match program {
        Some(p) if p.value.is_empty() => {
            findings.push(Finding::of(Kind::ProgramEmpty, Some(p.place)))
        }
        Some(p) => draft.program = Some(p),
        None => {}
    }
    draft.subprogram = sub.filter(|s| !s.value.is_empty());
    draft.info = SubmissionInfo {
        department: dept.map(|d| d.value).unwrap_or_default(),
        person: person.map(|d| d.value).unwrap_or_default(),
        phone: phone.map(|d| d.value).unwrap_or_default(),
        reason: reason.filter(|r| !r.is_empty()),
    };

    if let Some(&(label_cell, value)) = found.get(&InfoLabel::BaseDate) {
        read_base_date(label_cell, value, name, catalog, date_1904, draft, findings);
    }
}

/// Each known label's cell and the first non-blank cell to its right; the first
/// occurrence of a label wins.
fn find_labels(sheet: &Sheet) -> BTreeMap<InfoLabel, InfoCell<'_>> {
    let mut found: BTreeMap<InfoLabel, InfoCell<'_>> = BTreeMap::new();
    for (row, cells) in sheet.rows() {
        for (i, &(col, v)) in cells.iter().enumerate() {
            let CellValue::Text(t) = v else { continue };
            let Some(label) = InfoLabel::of(&label_key(t)) else {
                continue;
            };
            if found.contains_key(&label) {
                continue;
            }
            let value = cells[i + 1..]
                .iter()
                .find(|(_, v)| !matches!(v, CellValue::Text(s) if s.trim().is_empty()))
                .map(|&(c, v)| (CellRef::new(row, c), v));
            found.insert(label, (CellRef::new(row, col), value));
        }
    }
    found
}

/// The 기준일 value next to its label, or a finding when it is empty or unreadable.
fn read_base_date(
    label_cell: CellRef,
    value: Option<(CellRef, &CellValue)>,
    name: &str,
    catalog: &Catalog,
    date_1904: bool,
    draft: &mut Draft,
    findings: &mut Vec<Finding>,
) {
    let example = date_example(catalog);
    match value {
        None => findings.push(Finding::at(
            Kind::DateEmpty { example },
            name,
            right_of(label_cell),
        )),
        Some((cell, v)) => match date_of(v, date_1904) {
            Some(d) => draft.base_date = Some(d),
            None => findings.push(Finding::at(
                Kind::DateUnreadable {
                    text: text_of(v),
                    example,
                },
                name,
                cell,
            )),
        },
    }
}
