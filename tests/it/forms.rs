//! Issue 5: `gongyak template` writes foolproof submission forms.
//!
//! Each form is inspected the way Excel sees it (the sheet XML: validations, protection,
//! which cells are unlocked), read by the same reader as any submission, and
//! round-tripped through other programs: Python openpyxl fills the input cells, and
//! LibreOffice recalculates and saves the workbook.
//!
//! The round trips need `python3` with openpyxl and LibreOffice's `soffice`. Under
//! `CI=true` a missing tool fails the test; otherwise the test prints a note and
//! returns.

use crate::common::*;
use chrono::NaiveDate;
use gongyak::core::check::{Checked, check};
use gongyak::core::definition::{Catalog, Leaf, Pledge};
use gongyak::core::finding::{Kind, Severity};
use gongyak::core::model::{Submission, TargetValue};
use gongyak::xlsx::forms::{FormSpec, ROADMAP_ROWS, form_bytes, form_specs};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const GUIDE: &str = "작성요령";
const INFO: &str = "제출정보";
const INV: &str = "투자계획";
const TARGETS: &str = "추진목표";
const ROADMAP: &str = "추진일정";
const PROGRESS: &str = "추진실적";

/// A second pledge unlike Ansan in every dimension the forms depend on: term, column
/// labels, number of sources, indicators on a sub-program, and a program name with
/// characters Windows forbids in file names.
const SECOND: &str = r#"
id = "youth-city"
title = "청년이 머무는 도시 조성"
department = "청년정책과"
sources = ["국비", "시비", "민자"]
before_label = "이전투자"
after_label = "차기"

[term]
start = 2026
end = 2030

[declared]
total = 3000
by_source = [
  { source = "국비", amount = 1000 },
  { source = "시비", amount = 1500 },
  { source = "민자", amount = 500 },
]

[[programs]]
name = "청년 창업/주거 지원: 1단계?"
budget = 1000
indicators = [{ name = "창업 지원", unit = "명" }]

[[programs]]
name = "청년 공간 조성"
budget = 2000

[[programs.subprograms]]
name = "청년센터 건립"
budget = 1200

[[programs.subprograms]]
name = "청년센터 운영"
budget = 800
indicators = [{ name = "이용자", unit = "명" }, { name = "프로그램", unit = "개" }]
"#;

/// The shipped Ansan definition plus [`SECOND`].
fn two_pledges() -> Catalog {
    let mut c = catalog();
    c.add(
        Pledge::from_toml(SECOND).unwrap(),
        PathBuf::from("youth-city.toml"),
    )
    .unwrap();
    c
}

// ---------------------------------------------------------------------------------
// Cells, as a person reading the blank form would find them (by their labels).

fn a1(r: usize, c: usize) -> String {
    format!("{}{}", gongyak::core::finding::column_name(c as u32), r + 1)
}

fn find(g: &SheetGrid, sheet: &str, text: &str) -> (usize, usize) {
    g.find(text)
        .unwrap_or_else(|| panic!("{sheet}: no cell reads {text:?}"))
}

/// Finds `text` in row `r` and returns its column.
fn col_in_row(g: &SheetGrid, r: usize, text: &str) -> usize {
    g.rows
        .get(r)
        .and_then(|row| row.iter().position(|t| t == text))
        .unwrap_or_else(|| panic!("header row {} has no {text:?}: {:?}", r + 1, g.rows.get(r)))
}

/// Finds `text` in column `c` below row `below` and returns its row.
fn row_in_col(g: &SheetGrid, c: usize, below: usize, text: &str) -> usize {
    (below + 1..g.rows.len())
        .find(|&r| g.get(r, c) == text)
        .unwrap_or_else(|| panic!("no {text:?} in column {} below row {}", c + 1, below + 1))
}

/// Where everything is in one form, found by label.
#[derive(Debug, Default)]
struct Layout {
    /// 제출부서, 담당자, 연락처, 기준일, 변경사유 → value cell.
    info: BTreeMap<&'static str, String>,
    /// 공약명, 사업명, (세부사업) → (value cell, text shown).
    fixed: BTreeMap<&'static str, (String, String)>,
    /// (source, column label) → cell; column labels are the header texts.
    amounts: BTreeMap<(String, String), String>,
    /// The 계 row (every amount column) and the 총계 column (every source).
    formulas: Vec<String>,
    /// 계 row cells by column label and 총계 cells by source, for cached values.
    sum_row: BTreeMap<String, String>,
    total_col: BTreeMap<String, String>,
    /// Every amount column label in order (총계 first).
    columns: Vec<String>,
    content: BTreeMap<i32, String>,
    /// (indicator, year) → cell, and the unit each indicator row shows.
    indicators: BTreeMap<(String, i32), String>,
    indicator_units: BTreeMap<String, String>,
    /// 비고: the input cell (top-left) and every cell of its merged input area.
    note: String,
    note_area: Vec<String>,
    /// (세부내용, 시작, 종료) per offered line.
    roadmap: Vec<(String, String, String)>,
}

impl Layout {
    fn read(path: &Path, pledge: &Pledge, leaf: Leaf<'_>) -> Layout {
        let mut l = Layout::default();
        let g = read_sheet(path, INFO);
        for label in ["제출부서", "담당자", "연락처", "기준일", "변경사유"] {
            let (r, c) = find(&g, INFO, label);
            l.info.insert(label, a1(r, c + 1));
        }
        let mut fixed = vec!["공약명", "사업명"];
        if leaf.subprogram.is_some() {
            fixed.push("세부사업");
        } else {
            assert!(
                g.find("세부사업").is_none(),
                "{}: 세부사업 row on a program without sub-programs",
                path.display()
            );
        }
        for label in fixed {
            let (r, c) = find(&g, INFO, label);
            l.fixed
                .insert(label, (a1(r, c + 1), g.get(r, c + 1).to_owned()));
        }

        let g = read_sheet(path, INV);
        let (hr, hc) = find(&g, INV, "구분");
        let mut columns = vec!["총계".to_owned(), pledge.before_label.clone()];
        columns.extend(pledge.term.years().map(|y| format!("{y}년")));
        columns.push(pledge.after_label.clone());
        let cols: Vec<usize> = columns.iter().map(|h| col_in_row(&g, hr, h)).collect();
        let sum_r = row_in_col(&g, hc, hr, "계");
        for (h, &c) in columns.iter().zip(&cols) {
            l.sum_row.insert(h.clone(), a1(sum_r, c));
            l.formulas.push(a1(sum_r, c));
        }
        for s in &pledge.sources {
            let r = row_in_col(&g, hc, hr, s);
            for (h, &c) in columns.iter().zip(&cols) {
                if h == "총계" {
                    l.total_col.insert(s.clone(), a1(r, c));
                    l.formulas.push(a1(r, c));
                } else {
                    l.amounts.insert((s.clone(), h.clone()), a1(r, c));
                }
            }
        }
        l.columns = columns;

        let g = read_sheet(path, TARGETS);
        let (hr, hc) = find(&g, TARGETS, "구분");
        let unit_c = col_in_row(&g, hr, "단위");
        let years: Vec<(i32, usize)> = pledge
            .term
            .years()
            .map(|y| (y, col_in_row(&g, hr, &format!("{y}년"))))
            .collect();
        let r = row_in_col(&g, hc, hr, "추진내용");
        for &(y, c) in &years {
            l.content.insert(y, a1(r, c));
        }
        for ind in &leaf.def().indicators {
            let r = row_in_col(&g, hc, hr, &ind.name);
            l.indicator_units
                .insert(ind.name.clone(), g.get(r, unit_c).to_owned());
            for &(y, c) in &years {
                l.indicators.insert((ind.name.clone(), y), a1(r, c));
            }
        }
        let r = row_in_col(&g, hc, hr, "비고");
        l.note = a1(r, years[0].1);
        l.note_area = years.iter().map(|&(_, c)| a1(r, c)).collect();

        let g = read_sheet(path, ROADMAP);
        let (hr, nc) = find(&g, ROADMAP, "세부내용");
        let (sc, ec) = (col_in_row(&g, hr, "시작"), col_in_row(&g, hr, "종료"));
        for i in 1..=ROADMAP_ROWS as usize {
            l.roadmap
                .push((a1(hr + i, nc), a1(hr + i, sc), a1(hr + i, ec)));
        }
        l
    }

    /// Every cell staff are meant to type into, per sheet (merged areas in full).
    fn input_cells(&self) -> BTreeMap<&'static str, BTreeSet<String>> {
        let mut m: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        m.entry(INFO)
            .or_default()
            .extend(self.info.values().cloned());
        m.entry(INV)
            .or_default()
            .extend(self.amounts.values().cloned());
        let t = m.entry(TARGETS).or_default();
        t.extend(self.content.values().cloned());
        t.extend(self.indicators.values().cloned());
        t.extend(self.note_area.iter().cloned());
        let rm = m.entry(ROADMAP).or_default();
        for (n, s, e) in &self.roadmap {
            rm.extend([n.clone(), s.clone(), e.clone()]);
        }
        m
    }
}

// ---------------------------------------------------------------------------------
// The package as Excel sees it.

fn zip_parts(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(name, data);
    }
    out
}

fn text_part(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("no part {name}"))
            .clone(),
    )
    .unwrap()
}

/// The part name of each sheet, by sheet name (workbook.xml → its relationships).
fn sheet_parts(parts: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    let wb = text_part(parts, "xl/workbook.xml");
    let rels = text_part(parts, "xl/_rels/workbook.xml.rels");
    let rel_re = Regex::new(r#"<Relationship Id="([^"]+)" Type="[^"]+" Target="([^"]+)""#).unwrap();
    let targets: BTreeMap<String, String> = rel_re
        .captures_iter(&rels)
        .map(|c| (c[1].to_owned(), format!("xl/{}", &c[2])))
        .collect();
    let sheet_re = Regex::new(r#"<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)""#).unwrap();
    sheet_re
        .captures_iter(&wb)
        .map(|c| (c[1].to_owned(), targets[&c[2]].clone()))
        .collect()
}

/// Whether each cell format (cellXfs index) is locked.
fn xf_locked(styles: &str) -> Vec<bool> {
    let start = styles.find("<cellXfs").expect("cellXfs");
    let end = styles[start..].find("</cellXfs>").expect("/cellXfs") + start;
    let xf_re = Regex::new(r"(?s)<xf [^>]*?(?:/>|>.*?</xf>)").unwrap();
    xf_re
        .find_iter(&styles[start..end])
        .map(|m| !m.as_str().contains(r#"locked="0""#))
        .collect()
}

/// Cell → style index of every `<c>` in a sheet.
fn cell_styles(sheet_xml: &str) -> BTreeMap<String, usize> {
    let re = Regex::new(r#"<c r="([A-Z]+\d+)"(?: s="(\d+)")?"#).unwrap();
    re.captures_iter(sheet_xml)
        .map(|c| {
            (
                c[1].to_owned(),
                c.get(2).map_or(0, |s| s.as_str().parse().unwrap()),
            )
        })
        .collect()
}

#[derive(Debug)]
struct Validation {
    kind: String,
    operator: String,
    cells: BTreeSet<String>,
    prompt: String,
    prompt_title: String,
    formula1: String,
}

fn attr(tag: &str, name: &str) -> String {
    Regex::new(&format!(r#"\b{name}="([^"]*)""#))
        .unwrap()
        .captures(tag)
        .map(|c| c[1].to_owned())
        .unwrap_or_default()
}

/// Expands `A1:C3 E5` into its cells.
fn expand(sqref: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in sqref.split_whitespace() {
        let (first, last) = part.split_once(':').unwrap_or((part, part));
        let (r1, c1) = a1_to_rc(first);
        let (r2, c2) = a1_to_rc(last);
        for r in r1..=r2 {
            for c in c1..=c2 {
                out.insert(a1(r as usize, c as usize));
            }
        }
    }
    out
}

fn validations(sheet_xml: &str) -> Vec<Validation> {
    let re = Regex::new(r"(?s)<dataValidation ([^>]*?)(?:/>|>(.*?)</dataValidation>)").unwrap();
    let f1 = Regex::new(r"(?s)<formula1>(.*?)</formula1>").unwrap();
    re.captures_iter(sheet_xml)
        .map(|c| Validation {
            kind: attr(&c[1], "type"),
            operator: attr(&c[1], "operator"),
            cells: expand(&attr(&c[1], "sqref")),
            prompt: attr(&c[1], "prompt"),
            prompt_title: attr(&c[1], "promptTitle"),
            formula1: f1
                .captures(c.get(2).map_or("", |m| m.as_str()))
                .map(|m| m[1].to_owned())
                .unwrap_or_default(),
        })
        .collect()
}

fn quarters(pledge: &Pledge) -> Vec<String> {
    pledge
        .term
        .years()
        .flat_map(|y| (1..=4).map(move |q| format!("{y}-Q{q}")))
        .collect()
}

/// Writes every blank form of `catalog` into `dir` with the library entry point.
fn generate(catalog: &Catalog, dir: &Path) -> Vec<PathBuf> {
    let forms = gongyak::xlsx::forms::form_files(catalog).unwrap();
    let paths = gongyak::shell::fsio::write_all(dir, &forms).unwrap();
    let expected: usize = catalog.pledges.iter().map(|p| p.leaves().len()).sum();
    assert_eq!(paths.len(), expected, "one form per leaf: {paths:?}");
    paths
}

/// Each (pledge, spec, path) of a generated catalog.
fn forms_of<'a>(catalog: &'a Catalog, dir: &Path) -> Vec<(&'a Pledge, FormSpec<'a>, PathBuf)> {
    catalog
        .pledges
        .iter()
        .flat_map(|p| form_specs(p).into_iter().map(move |s| (p, s)))
        .map(|(p, s)| {
            let path = dir.join(&s.file_name);
            (p, s, path)
        })
        .collect()
}

#[test]
fn every_form_has_validations_protection_and_only_its_input_cells_unlocked() {
    let cat = two_pledges();
    let tmp = tempfile::tempdir().unwrap();
    let paths = generate(&cat, tmp.path());
    let forms = forms_of(&cat, tmp.path());
    assert_eq!(
        paths,
        forms.iter().map(|(_, _, p)| p.clone()).collect::<Vec<_>>()
    );
    let font_re = Regex::new(r#"<name val="([^"]+)"/>"#).unwrap();
    let prot_re = Regex::new(r"<sheetProtection[^>]*/>").unwrap();
    let setup_re = Regex::new(r"<pageSetup[^>]*/>").unwrap();
    let cell_re = Regex::new(r#"(?s)<c r="([A-Z]+\d+)"[^>]*?>(.*?)</c>"#).unwrap();
    for (pledge, spec, path) in &forms {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // File names: the leaf's own name, nothing Windows refuses.
        assert!(
            name.contains(&gongyak::xlsx::forms::safe_name_part(&spec.leaf.def().name)),
            "{name}"
        );
        assert!(
            !name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*']),
            "{name}"
        );
        assert_eq!(
            sheet_names(path),
            [GUIDE, INFO, INV, TARGETS, ROADMAP, PROGRESS],
            "{name}"
        );

        let parts = zip_parts(&std::fs::read(path).unwrap());
        let styles = text_part(&parts, "xl/styles.xml");
        let locked = xf_locked(&styles);
        let fonts: BTreeSet<String> = font_re
            .captures_iter(&styles)
            .map(|c| c[1].to_owned())
            .collect();
        assert_eq!(
            fonts,
            BTreeSet::from(["맑은 고딕".to_owned()]),
            "{name}: fonts"
        );

        let layout = Layout::read(path, pledge, spec.leaf);
        let inputs = layout.input_cells();
        let sheets = sheet_parts(&parts);
        for sheet in [GUIDE, INFO, INV, TARGETS, ROADMAP] {
            let xml = text_part(&parts, &sheets[sheet]);
            let ctx = format!("{name} {sheet}");
            // Protected, without a password.
            let prot = prot_re
                .find(&xml)
                .unwrap_or_else(|| panic!("{ctx}: no <sheetProtection>"))
                .as_str()
                .to_owned();
            assert!(prot.contains(r#"sheet="1""#), "{ctx}: {prot}");
            assert!(
                !prot.contains("password") && !prot.contains("hashValue"),
                "{ctx}: {prot}"
            );
            // A4 landscape, one page wide.
            let setup = setup_re
                .find(&xml)
                .unwrap_or_else(|| panic!("{ctx}: no <pageSetup>"))
                .as_str()
                .to_owned();
            for a in [
                r#"paperSize="9""#,
                r#"orientation="landscape""#,
                r#"fitToHeight="0""#,
            ] {
                assert!(setup.contains(a), "{ctx}: {setup}");
            }
            assert!(!setup.contains("fitToWidth=") || setup.contains(r#"fitToWidth="1""#));
            assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{ctx}");

            // Exactly the input cells are unlocked.
            let unlocked: BTreeSet<String> = cell_styles(&xml)
                .into_iter()
                .filter(|(_, s)| !locked[*s])
                .map(|(c, _)| c)
                .collect();
            let expected = inputs.get(sheet).cloned().unwrap_or_default();
            assert_eq!(unlocked, expected, "{ctx}: unlocked cells");
        }

        // Pre-filled identity, locked.
        let info_xml = text_part(&parts, &sheets[INFO]);
        let styles_of = cell_styles(&info_xml);
        let mut want = vec![
            ("공약명", pledge.title.clone()),
            ("사업명", spec.leaf.program.name.clone()),
        ];
        if let Some(s) = spec.leaf.subprogram {
            want.push(("세부사업", s.name.clone()));
        }
        for (label, value) in want {
            let (cell, shown) = &layout.fixed[label];
            assert_eq!(shown, &value, "{name}: {label}");
            assert!(
                locked[styles_of[cell]],
                "{name}: {label} {cell} must be locked"
            );
        }
        // Every input cell explains itself, and the rules that matter are there.
        let info_v = validations(&info_xml);
        let date = info_v
            .iter()
            .find(|v| v.cells.contains(&layout.info["기준일"]))
            .unwrap_or_else(|| panic!("{name}: no validation on 기준일"));
        assert_eq!(date.kind, "date", "{name}");
        assert!(!date.prompt.is_empty(), "{name}");
        for label in ["제출부서", "담당자", "연락처", "변경사유"] {
            assert!(
                info_v
                    .iter()
                    .any(|v| v.cells.contains(&layout.info[label]) && !v.prompt.is_empty()),
                "{name}: {label} has no input message"
            );
        }

        let inv_xml = text_part(&parts, &sheets[INV]);
        let inv_v = validations(&inv_xml);
        for cell in layout.amounts.values() {
            let v = inv_v
                .iter()
                .find(|v| v.cells.contains(cell))
                .unwrap_or_else(|| panic!("{name}: amount {cell} has no validation"));
            assert_eq!(
                (v.kind.as_str(), v.operator.as_str(), v.formula1.as_str()),
                ("decimal", "greaterThanOrEqual", "0"),
                "{name} {cell}"
            );
            assert!(
                v.prompt.contains(&pledge.unit) || v.prompt_title.contains(&pledge.unit),
                "{name}: the input message must name the unit: {v:?}"
            );
        }
        // 계 and 총계: formulas whose cached result is the blank form's 0.
        let bodies: BTreeMap<String, String> = cell_re
            .captures_iter(&inv_xml)
            .map(|c| (c[1].to_owned(), c[2].to_owned()))
            .collect();
        for cell in &layout.formulas {
            let body = bodies.get(cell).map_or("", String::as_str);
            assert!(
                body.starts_with("<f>SUM(") && body.ends_with("<v>0</v>"),
                "{name}: {cell} is {body:?}"
            );
        }
        let g = read_sheet(path, INV);
        assert!(
            g.rows
                .iter()
                .flatten()
                .any(|t| t == &format!("(단위 : {})", pledge.unit)),
            "{name}: unit note"
        );

        let tg_v = validations(&text_part(&parts, &sheets[TARGETS]));
        for cell in layout
            .content
            .values()
            .chain(layout.indicators.values())
            .chain([&layout.note])
        {
            assert!(
                tg_v.iter()
                    .any(|v| v.cells.contains(cell) && !v.prompt.is_empty()),
                "{name}: {TARGETS}!{cell} has no input message"
            );
        }
        for ind in &spec.leaf.def().indicators {
            assert_eq!(layout.indicator_units[&ind.name], ind.unit, "{name}");
        }

        let rm_v = validations(&text_part(&parts, &sheets[ROADMAP]));
        let list = rm_v
            .iter()
            .find(|v| v.kind == "list")
            .unwrap_or_else(|| panic!("{name}: no quarter dropdown"));
        for (_, s, e) in &layout.roadmap {
            assert!(
                list.cells.contains(s) && list.cells.contains(e),
                "{name}: {s}/{e}"
            );
        }
        // The dropdown offers exactly the term's quarters.
        let range = list.formula1.replace('$', "");
        let g = read_sheet(path, ROADMAP);
        let offered: Vec<String> = expand(&range)
            .iter()
            .map(|c| a1_to_rc(c))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|(r, c)| g.get(r as usize, c as usize).to_owned())
            .collect();
        assert_eq!(offered, quarters(pledge), "{name}: dropdown {range}");
    }
}

// ---------------------------------------------------------------------------------
// Filling forms.

#[derive(Debug, Clone)]
enum Val {
    Num(String),
    Text(String),
    Date(NaiveDate),
}

/// One value into one cell of a form.
#[derive(Debug, Clone)]
struct Fill {
    sheet: &'static str,
    cell: String,
    val: Val,
}

fn fill(sheet: &'static str, cell: &str, val: Val) -> Fill {
    Fill {
        sheet,
        cell: cell.to_owned(),
        val,
    }
}

/// What staff would type to enter `s` into a form laid out as `l`: every value of the
/// submission, into the input cells only.
fn fills_for(s: &Submission, pledge: &Pledge, l: &Layout) -> Vec<Fill> {
    let mut out = vec![
        fill(
            INFO,
            &l.info["제출부서"],
            Val::Text(s.info.department.clone()),
        ),
        fill(INFO, &l.info["담당자"], Val::Text(s.info.person.clone())),
        fill(INFO, &l.info["연락처"], Val::Text(s.info.phone.clone())),
        fill(INFO, &l.info["기준일"], Val::Date(s.base_date)),
    ];
    out.extend(amount_fills(s, pledge, l));
    for (y, text) in &s.targets.content {
        out.push(fill(TARGETS, &l.content[y], Val::Text(text.clone())));
    }
    for row in &s.targets.indicators {
        for (y, v) in &row.values {
            let cell = &l.indicators[&(row.name.clone(), *y)];
            match v {
                TargetValue::Number(d) => out.push(fill(TARGETS, cell, Val::Num(d.to_string()))),
                TargetValue::ToBeFixed(t) if t.is_empty() => {}
                TargetValue::ToBeFixed(t) | TargetValue::Text(t) => {
                    out.push(fill(TARGETS, cell, Val::Text(t.clone())))
                }
            }
        }
    }
    if let Some(note) = &s.targets.note {
        out.push(fill(TARGETS, &l.note, Val::Text(note.clone())));
    }
    assert!(s.roadmap.len() <= l.roadmap.len());
    for (item, (n, st, en)) in s.roadmap.iter().zip(&l.roadmap) {
        out.push(fill(ROADMAP, n, Val::Text(item.name.clone())));
        out.push(fill(ROADMAP, st, Val::Text(item.start.to_string())));
        out.push(fill(ROADMAP, en, Val::Text(item.end.to_string())));
    }
    out
}

fn amount_fills(s: &Submission, pledge: &Pledge, l: &Layout) -> Vec<Fill> {
    let mut out = Vec::new();
    for (src, row) in &s.investment.sources {
        let mut put = |col: String, v: rust_decimal::Decimal| {
            out.push(fill(
                INV,
                &l.amounts[&(src.clone(), col)],
                Val::Num(v.to_string()),
            ));
        };
        put(pledge.before_label.clone(), row.before);
        for (y, v) in &row.years {
            put(format!("{y}년"), *v);
        }
        put(pledge.after_label.clone(), row.after);
    }
    out
}

fn excel_serial(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Fills a form by editing its sheet XML, as a tool that writes values but never
/// computes formulas does (Excel in manual calculation mode, simple generators): the
/// cached results of 계/총계 stay the blank form's 0. Every target must be a blank,
/// styled (input) cell of the form.
fn fill_xml(form: &[u8], fills: &[Fill]) -> Vec<u8> {
    let parts = zip_parts(form);
    let sheets = sheet_parts(&parts);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(form)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let mine: Vec<&Fill> = fills
            .iter()
            .filter(|x| sheets.get(x.sheet) == Some(&name))
            .collect();
        if !mine.is_empty() {
            let mut xml = String::from_utf8(data).unwrap();
            for x in mine {
                let re = Regex::new(&format!(r#"<c r="{}" s="(\d+)"/>"#, x.cell)).unwrap();
                let s = re
                    .captures(&xml)
                    .unwrap_or_else(|| panic!("{}!{} is not a blank input cell", x.sheet, x.cell))
                    [1]
                .to_owned();
                let cell = match &x.val {
                    Val::Num(n) => format!(r#"<c r="{}" s="{s}"><v>{n}</v></c>"#, x.cell),
                    Val::Date(d) => {
                        format!(
                            r#"<c r="{}" s="{s}"><v>{}</v></c>"#,
                            x.cell,
                            excel_serial(*d)
                        )
                    }
                    Val::Text(t) => format!(
                        r#"<c r="{}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        x.cell,
                        xml_escape(t)
                    ),
                };
                xml = re.replace(&xml, regex::NoExpand(&cell)).into_owned();
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn checked(bytes: &[u8], cat: &Catalog) -> Checked {
    check(bytes, cat, &Default::default())
}

fn errors(c: &Checked) -> BTreeSet<(String, String)> {
    c.findings
        .iter()
        .filter(|f| f.code.severity() == Severity::Error)
        .map(|f| (f.code.as_str().to_owned(), f.place_text()))
        .collect()
}

/// The seed submissions (tests/fixtures/seed), read by the ordinary reader.
fn seed_submissions() -> Vec<(String, Submission)> {
    let cat = catalog();
    seed_files()
        .iter()
        .map(|f| {
            let bytes = std::fs::read(fixtures().join("seed").join(f)).unwrap();
            let c = checked(&bytes, &cat);
            assert!(c.accepted(), "{f}: {:#?}", c.findings);
            (f.to_string(), c.submission.unwrap())
        })
        .collect()
}

fn spec_for<'a>(pledge: &'a Pledge, s: &Submission) -> FormSpec<'a> {
    form_specs(pledge)
        .into_iter()
        .find(|x| x.leaf.key() == s.leaf)
        .unwrap_or_else(|| panic!("no form for {}", s.leaf.label()))
}

#[test]
fn a_blank_form_is_rejected_only_for_missing_values_and_names_its_leaf() {
    let cat = two_pledges();
    let tmp = tempfile::tempdir().unwrap();
    generate(&cat, tmp.path());
    for (pledge, spec, path) in forms_of(&cat, tmp.path()) {
        let name = spec.file_name.clone();
        let bytes = std::fs::read(&path).unwrap();
        let c = checked(&bytes, &cat);
        assert!(!c.accepted(), "{name}: a blank form has no 기준일");
        let errs = errors(&c);
        assert_eq!(
            errs.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["E-DATE"],
            "{name}: {:#?}",
            c.findings
        );
        for f in &c.findings {
            assert!(
                matches!(
                    f.code.as_str(),
                    "E-DATE" | "W-CONTACT" | "W-BUDGET" | "W-INDICATOR"
                ),
                "{name}: unexpected {f}"
            );
        }
        assert_eq!(c.pledge_id.as_deref(), Some(pledge.id.as_str()), "{name}");

        // With only the 기준일 typed in, it is accepted and routed to its own leaf.
        let layout = Layout::read(&path, pledge, spec.leaf);
        let dated = fill_xml(
            &bytes,
            &[fill(
                INFO,
                &layout.info["기준일"],
                Val::Date(NaiveDate::from_ymd_opt(pledge.term.end, 6, 30).unwrap()),
            )],
        );
        let c = checked(&dated, &cat);
        assert!(c.accepted(), "{name}: {:#?}", c.findings);
        let s = c.submission.unwrap();
        assert_eq!(s.pledge_id, pledge.id, "{name}");
        assert_eq!(s.leaf, spec.leaf.key(), "{name}");
        assert!(s.investment.sum.total.is_zero(), "{name}");
        assert_eq!(
            s.investment.sources.keys().collect::<BTreeSet<_>>(),
            pledge.sources.iter().collect::<BTreeSet<_>>(),
            "{name}"
        );
        let indicators: Vec<(String, String)> = s
            .targets
            .indicators
            .iter()
            .map(|i| (i.name.clone(), i.unit.clone()))
            .collect();
        let defined: Vec<(String, String)> = spec
            .leaf
            .def()
            .indicators
            .iter()
            .map(|i| (i.name.clone(), i.unit.clone()))
            .collect();
        assert_eq!(indicators, defined, "{name}");
        assert!(s.roadmap.is_empty(), "{name}");
    }
}

#[test]
fn a_form_filled_without_recalculation_is_rejected_at_its_stale_totals() {
    let cat = catalog();
    let pledge = &cat.pledges[0];
    for (seed, s) in seed_submissions() {
        let spec = spec_for(pledge, &s);
        let blank = form_bytes(pledge, spec.leaf).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("blank.xlsx");
        std::fs::write(&path, &blank).unwrap();
        let layout = Layout::read(&path, pledge, spec.leaf);
        let filled = fill_xml(&blank, &fills_for(&s, pledge, &layout));
        let c = checked(&filled, &cat);
        assert!(
            !c.accepted(),
            "{seed}: accepted with stale totals: {:#?}",
            c.submission
        );

        // Exactly the stale cells: 총계 of every source row with amounts, 계 of every
        // column with amounts — named in ONE finding that asks for a re-save in Excel
        // or 한셀 (staff cannot type into those formulas), and no W-BUDGET about 0.
        let mut expected = BTreeSet::new();
        for (src, row) in &s.investment.sources {
            if !row.total.is_zero() {
                expected.insert(format!("{INV}!{}", layout.total_col[src]));
            }
        }
        let sum = &s.investment.sum;
        let mut by_col = vec![(pledge.before_label.clone(), sum.before)];
        by_col.extend(sum.years.iter().map(|(y, v)| (format!("{y}년"), *v)));
        by_col.push((pledge.after_label.clone(), sum.after));
        for (col, v) in &by_col {
            if !v.is_zero() {
                expected.insert(format!("{INV}!{}", layout.sum_row[col]));
            }
        }
        assert!(expected.len() >= 4, "{seed}: the seed has amounts");
        let stale: Vec<_> = c
            .findings
            .iter()
            .filter_map(|f| match &f.kind {
                Some(Kind::StaleFormulas { sheet, cells }) => Some(
                    cells
                        .iter()
                        .map(|cell| format!("{sheet}!{cell}"))
                        .collect::<BTreeSet<_>>(),
                ),
                _ => None,
            })
            .collect();
        assert_eq!(stale, [expected], "{seed}: {:#?}", c.findings);
        assert_eq!(
            errors(&c).len(),
            1,
            "{seed}: one error for the stale table: {:#?}",
            c.findings
        );
        assert!(
            !c.findings.iter().any(|f| f.code.as_str() == "W-BUDGET"),
            "{seed}: {:#?}",
            c.findings
        );
        let msg = &c
            .findings
            .iter()
            .find(|f| f.code.as_str() == "E-FORMULA")
            .unwrap()
            .message;
        assert!(
            msg.contains("Excel이나 한셀에서 파일을 열어 저장한 뒤 다시 넣어 주십시오"),
            "{seed}: {msg}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Other programs: Python openpyxl and LibreOffice.

fn have_openpyxl() -> bool {
    need_tool(
        "python3 with openpyxl",
        Command::new("python3").args(["-c", "import openpyxl"]),
    )
}

/// Fills forms like a person in a spreadsheet program would: only cells that are not
/// locked on a protected sheet, which the script checks before writing each value.
const FILL_PY: &str = r#"
import datetime, json, sys
import openpyxl

job = json.load(open(sys.argv[1], encoding="utf-8"))
for form in job:
    wb = openpyxl.load_workbook(form["src"])
    for c in form["cells"]:
        ws = wb[c["sheet"]]
        if not ws.protection.sheet:
            sys.exit("%s: sheet %s is not protected" % (form["src"], c["sheet"]))
        cell = ws[c["cell"]]
        if cell.protection.locked:
            sys.exit("%s: %s!%s is locked, not an input cell" % (form["src"], c["sheet"], c["cell"]))
        v = c["value"]
        if c["kind"] == "number":
            v = float(v) if "." in v else int(v)
        elif c["kind"] == "date":
            v = datetime.date.fromisoformat(v)
        cell.value = v
    wb.save(form["dest"])
"#;

/// Runs [`FILL_PY`] on `(blank form, fills, destination)` jobs.
fn fill_with_openpyxl(work: &Path, jobs: &[(PathBuf, Vec<Fill>, PathBuf)]) {
    let job: Vec<serde_json::Value> = jobs
        .iter()
        .map(|(src, fills, dest)| {
            let cells: Vec<serde_json::Value> = fills
                .iter()
                .map(|f| {
                    let (kind, value) = match &f.val {
                        Val::Num(n) => ("number", n.clone()),
                        Val::Text(t) => ("text", t.clone()),
                        Val::Date(d) => ("date", d.to_string()),
                    };
                    serde_json::json!({"sheet": f.sheet, "cell": f.cell, "kind": kind, "value": value})
                })
                .collect();
            serde_json::json!({"src": src, "dest": dest, "cells": cells})
        })
        .collect();
    let script = work.join("fill.py");
    let job_file = work.join("fill.json");
    std::fs::write(&script, FILL_PY).unwrap();
    std::fs::write(&job_file, serde_json::to_vec(&job).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .arg(&job_file)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "openpyxl fill failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// LibreOffice setting "recalculate on load: always" for xlsx and ods. By default
/// LibreOffice trusts the cached results of a file that says Excel wrote it, so stale
/// totals would survive a conversion; with this it recomputes every formula.
const LO_ALWAYS_RECALC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

/// Opens each file in LibreOffice (headless, private profile), recalculates, and saves
/// it as xlsx into `out_dir`; returns the saved paths in input order.
fn libreoffice_resave(work: &Path, inputs: &[PathBuf], out_dir: &Path) -> Vec<PathBuf> {
    let profile = work.join("lo-profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        LO_ALWAYS_RECALC,
    )
    .unwrap();
    std::fs::create_dir_all(out_dir).unwrap();
    soffice_convert(&profile, "xlsx:Calc MS Excel 2007 XML", out_dir, inputs);
    inputs
        .iter()
        .map(|p| {
            let out = out_dir.join(p.file_name().unwrap());
            assert!(out.is_file(), "LibreOffice wrote no {}", out.display());
            out
        })
        .collect()
}

/// The cached value of a cell as a manager would read it.
fn cached(g: &SheetGrid, cell: &str) -> String {
    let (r, c) = a1_to_rc(cell);
    g.get(r as usize, c as usize).to_owned()
}

#[test]
fn forms_filled_by_openpyxl_and_recalculated_by_libreoffice_consolidate_to_the_plan() {
    if !have_openpyxl() || !have_soffice() {
        return;
    }
    let sb = Sandbox::new();
    sb.gongyak_ok(&["template"]);
    let cat = catalog();
    let pledge = &cat.pledges[0];
    let work = sb.path().join("work");
    std::fs::create_dir_all(&work).unwrap();

    let seeds = seed_submissions();
    let mut jobs = Vec::new();
    let mut expected = Vec::new();
    for (i, (seed, s)) in seeds.iter().enumerate() {
        let spec = spec_for(pledge, s);
        let form = sb.templates().join("forms").join(&spec.file_name);
        assert!(
            form.is_file(),
            "gongyak template wrote no {}",
            form.display()
        );
        let layout = Layout::read(&form, pledge, spec.leaf);
        let fills = fills_for(s, pledge, &layout);
        jobs.push((form, fills, work.join(format!("filled-{i}.xlsx"))));
        expected.push((seed.clone(), s.clone(), layout));
    }
    fill_with_openpyxl(&work, &jobs);
    // One more: a form filled without computing (stale cached totals), which only a real
    // recalculation can make right.
    let (_, s0, layout0) = &expected[0];
    let spec0 = spec_for(pledge, s0);
    let stale = work.join("stale-0.xlsx");
    std::fs::write(
        &stale,
        fill_xml(
            &form_bytes(pledge, spec0.leaf).unwrap(),
            &fills_for(s0, pledge, layout0),
        ),
    )
    .unwrap();
    assert!(!checked(&std::fs::read(&stale).unwrap(), &cat).accepted());

    let mut inputs: Vec<PathBuf> = jobs.iter().map(|(_, _, d)| d.clone()).collect();
    inputs.push(stale);
    let saved = libreoffice_resave(&work, &inputs, &work.join("saved"));

    for (k, path) in saved.iter().enumerate() {
        let (seed, s, layout) = &expected[k % expected.len()];
        let what = format!("{seed} → {}", path.display());
        // The cached 계/총계 are the recomputed sums, not the blank form's 0s.
        let g = read_sheet(path, INV);
        let sum = s.investment.sum.cells(&pledge.columns());
        for (col, v) in layout.columns.iter().zip(&sum) {
            assert_eq!(
                cached(&g, &layout.sum_row[col]),
                v.to_string(),
                "{what}: 계 {col}"
            );
        }
        for (src, row) in &s.investment.sources {
            assert_eq!(
                cached(&g, &layout.total_col[src]),
                row.total.to_string(),
                "{what}: {src} 총계"
            );
        }
        // Read by the ordinary reader, the file is the seed submission, value for value.
        let c = checked(&std::fs::read(path).unwrap(), &cat);
        assert!(c.accepted(), "{what}: {:#?}", c.findings);
        assert_eq!(c.submission.as_ref().unwrap(), s, "{what}");
    }

    // Dropped into the inbox, the four forms consolidate to the plan's pledge table.
    for path in &saved[..expected.len()] {
        std::fs::copy(path, sb.inbox().join(path.file_name().unwrap())).unwrap();
    }
    sb.gongyak_ok(&["run"]);
    assert_eq!(sb.files_in("accepted").len(), expected.len());
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}

#[test]
fn a_form_filled_by_openpyxl_without_recalculation_is_rejected_at_its_formulas() {
    // openpyxl keeps formulas but drops their cached results: the reader must refuse to
    // guess (E-FORMULA naming each 계/총계 cell, in one finding), never read them as 0.
    if !have_openpyxl() {
        return;
    }
    let cat = catalog();
    let pledge = &cat.pledges[0];
    let (seed, s) = seed_submissions().remove(0);
    let spec = spec_for(pledge, &s);
    let tmp = tempfile::tempdir().unwrap();
    let blank = tmp.path().join("blank.xlsx");
    std::fs::write(&blank, form_bytes(pledge, spec.leaf).unwrap()).unwrap();
    let layout = Layout::read(&blank, pledge, spec.leaf);
    let dest = tmp.path().join("filled.xlsx");
    fill_with_openpyxl(
        tmp.path(),
        &[(blank, fills_for(&s, pledge, &layout), dest.clone())],
    );
    let c = checked(&std::fs::read(&dest).unwrap(), &cat);
    assert!(!c.accepted(), "{seed}");
    let expected: BTreeSet<String> = layout.formulas.iter().map(ToString::to_string).collect();
    let formula: Vec<_> = c
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "E-FORMULA")
        .collect();
    assert_eq!(formula.len(), 1, "{seed}: {:#?}", c.findings);
    let named: BTreeSet<String> = formula[0].cells().iter().map(ToString::to_string).collect();
    assert_eq!(named, expected, "{seed}: {:#?}", c.findings);
    assert_eq!(errors(&c).len(), 1, "{seed}: {:#?}", c.findings);
}

#[test]
fn committed_forms_are_what_gongyak_template_writes_now() {
    // `gongyak template` with its defaults, in a fresh folder, writes the same forms as
    // those committed in templates/forms/ (part for part: the files carry a fixed
    // creation time, so regenerating an unchanged definition changes nothing).
    let sb = Sandbox::new();
    let out = sb.gongyak_ok(&["template"]);
    let printed: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| sb.path().join(l))
        .collect();
    let list = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".xlsx"))
            .collect()
    };
    let fresh_dir = sb.templates().join("forms");
    let fresh = list(&fresh_dir);
    assert_eq!(printed.len(), fresh.len(), "one line per form written");
    assert!(printed.iter().all(|p| p.is_file()), "{printed:?}");
    let committed_dir = repo_templates().join("forms");
    let stale = "templates/forms/ is stale: run `cargo run -- template` and commit the result";
    assert_eq!(list(&committed_dir), fresh, "{stale}");
    for name in &fresh {
        let a = zip_parts(&std::fs::read(committed_dir.join(name)).unwrap());
        let b = zip_parts(&std::fs::read(fresh_dir.join(name)).unwrap());
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: {stale}"
        );
        for (part, bytes) in &a {
            assert!(bytes == &b[part], "{name} {part}: {stale}");
        }
    }
    // And a second run over existing forms gives the very same bytes.
    let first: Vec<Vec<u8>> = fresh
        .iter()
        .map(|n| std::fs::read(fresh_dir.join(n)).unwrap())
        .collect();
    assert_eq!(sb.gongyak(&["template"]).status.code(), Some(0));
    for (n, bytes) in fresh.iter().zip(first) {
        assert!(
            std::fs::read(fresh_dir.join(n)).unwrap() == bytes,
            "{n} changed"
        );
    }
}

// ---------------------------------------------------------------------------------
// 추진실적 (SPEC §11, issue 16).

/// Where the inputs of a form's 추진실적 sheet are, found by label.
#[derive(Debug, Default)]
struct ProgressLayout {
    status: String,
    rate: String,
    /// 추진실적, 문제점 및 대책, 향후계획 → input cell (top-left of its merge).
    texts: BTreeMap<&'static str, String>,
    /// The whole merged area of each text input.
    text_areas: Vec<String>,
    /// (group, source, column label) → input cell.
    amounts: BTreeMap<(String, String, String), String>,
    /// (group, column label) → the 계 formula; (group, source) → the 총계 formula.
    sum_row: BTreeMap<(String, String), String>,
    total_col: BTreeMap<(String, String), String>,
    /// (indicator, year) → input cell.
    indicators: BTreeMap<(String, i32), String>,
    indicator_names: Vec<String>,
}

impl ProgressLayout {
    fn read(path: &Path, pledge: &Pledge) -> ProgressLayout {
        let mut l = ProgressLayout::default();
        let g = read_sheet(path, PROGRESS);
        let (r, c) = find(&g, PROGRESS, "추진상황");
        l.status = a1(r, c + 1);
        let (r, c) = find(&g, PROGRESS, "추진율(%)");
        l.rate = a1(r, c + 1);
        let (hr, _) = find(&g, PROGRESS, "재원");
        let last = col_in_row(&g, hr, &format!("{}년", pledge.term.end));
        for label in ["추진실적", "문제점 및 대책", "향후계획"] {
            let (r, c) = find(&g, PROGRESS, label);
            l.texts.insert(label, a1(r, c + 1));
            l.text_areas.extend((c + 1..=last).map(|cc| a1(r, cc)));
        }
        let mut columns = vec!["총계".to_owned(), pledge.before_label.clone()];
        columns.extend(pledge.term.years().map(|y| format!("{y}년")));
        let cols: Vec<usize> = columns.iter().map(|h| col_in_row(&g, hr, h)).collect();
        for group in ["확보액", "집행액"] {
            let gr = row_in_col(&g, 0, hr, group);
            for (h, &c) in columns.iter().zip(&cols) {
                l.sum_row.insert((group.to_owned(), h.clone()), a1(gr, c));
            }
            for (k, s) in pledge.sources.iter().enumerate() {
                let r = gr + 1 + k;
                assert_eq!(g.get(r, 1), s, "{group} rows in source order");
                for (h, &c) in columns.iter().zip(&cols) {
                    let key = (group.to_owned(), s.clone());
                    if h == "총계" {
                        l.total_col.insert(key, a1(r, c));
                    } else {
                        l.amounts.insert((key.0, key.1, h.clone()), a1(r, c));
                    }
                }
            }
        }
        if let Some((ir, _)) = g.find("지표") {
            let mut r = ir + 1;
            while !g.get(r, 0).is_empty() {
                let name = g.get(r, 0).to_owned();
                for (i, y) in pledge.term.years().enumerate() {
                    assert_eq!(g.get(ir, 2 + i), format!("{y}년"));
                    l.indicators.insert((name.clone(), y), a1(r, 2 + i));
                }
                l.indicator_names.push(name);
                r += 1;
            }
        }
        l
    }

    fn inputs(&self) -> BTreeSet<String> {
        let mut s: BTreeSet<String> = [self.status.clone(), self.rate.clone()].into();
        s.extend(self.text_areas.iter().cloned());
        s.extend(self.amounts.values().cloned());
        s.extend(self.indicators.values().cloned());
        s
    }
}

#[test]
fn every_form_has_a_protected_progress_sheet_with_its_rules() {
    let cat = two_pledges();
    let tmp = tempfile::tempdir().unwrap();
    generate(&cat, tmp.path());
    let cell_re = Regex::new(r#"(?s)<c r="([A-Z]+\d+)"[^>]*?>(.*?)</c>"#).unwrap();
    for (pledge, spec, path) in forms_of(&cat, tmp.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let l = ProgressLayout::read(&path, pledge);
        let parts = zip_parts(&std::fs::read(&path).unwrap());
        let locked = xf_locked(&text_part(&parts, "xl/styles.xml"));
        let xml = text_part(&parts, &sheet_parts(&parts)[PROGRESS]);
        assert!(xml.contains("<sheetProtection"), "{name}");
        let unlocked: BTreeSet<String> = cell_styles(&xml)
            .into_iter()
            .filter(|(_, s)| !locked[*s])
            .map(|(c, _)| c)
            .collect();
        assert_eq!(unlocked, l.inputs(), "{name}: unlocked cells");
        // The leaf's own indicators, written in.
        let want: Vec<String> = spec
            .leaf
            .def()
            .indicators
            .iter()
            .map(|i| i.name.clone())
            .collect();
        assert_eq!(l.indicator_names, want, "{name}");
        let v = validations(&xml);
        let status = v.iter().find(|x| x.cells.contains(&l.status)).unwrap();
        assert_eq!(status.kind, "list", "{name}");
        assert_eq!(
            status.formula1, "\"완료,이행후계속추진,정상추진,일부추진,보류,폐기,시기미도래\"",
            "{name}"
        );
        let rate = v.iter().find(|x| x.cells.contains(&l.rate)).unwrap();
        assert_eq!(
            (rate.kind.as_str(), rate.operator.as_str()),
            ("decimal", ""),
            "{name}"
        );
        assert!(
            xml.contains("<formula1>0</formula1><formula2>100</formula2>"),
            "{name}"
        );
        for cell in l.amounts.values() {
            let a = v.iter().find(|x| x.cells.contains(cell)).unwrap();
            assert_eq!(
                (a.kind.as_str(), a.operator.as_str(), a.formula1.as_str()),
                ("decimal", "greaterThanOrEqual", "0"),
                "{name} {cell}"
            );
        }
        let bodies: BTreeMap<String, String> = cell_re
            .captures_iter(&xml)
            .map(|c| (c[1].to_owned(), c[2].to_owned()))
            .collect();
        for cell in l.sum_row.values().chain(l.total_col.values()) {
            let body = bodies.get(cell).map_or("", String::as_str);
            assert!(
                body.starts_with("<f>SUM(") && body.ends_with("<v>0</v>"),
                "{name}: {cell} is {body:?}"
            );
        }
        // A blank 추진실적 is a plan-only submission: the sheet adds no finding.
        let c = checked(&std::fs::read(&path).unwrap(), &cat);
        assert!(
            c.findings
                .iter()
                .all(|f| f.place.as_ref().is_none_or(|p| p.sheet != PROGRESS)),
            "{name}: {:#?}",
            c.findings
        );
    }
    let g = read_sheet(
        &forms_of(&cat, tmp.path())[0].2,
        gongyak::xlsx::forms::SHEET_GUIDE,
    );
    assert!(
        g.rows
            .iter()
            .flatten()
            .any(|t| t.contains("'추진실적' 시트(분기마다)")),
        "작성요령 explains the sheet"
    );
}

/// What staff type into the innopolis form's 추진실적: 정상추진, 85, texts, the test
/// module's 확보액/집행액, and two 기술이전 actuals.
fn progress_fills(pledge: &Pledge, l: &ProgressLayout) -> Vec<Fill> {
    use crate::progress::{SECURED, SPENT};
    let mut out = vec![
        fill(PROGRESS, &l.status, Val::Text("정상추진".into())),
        fill(PROGRESS, &l.rate, Val::Num("85".into())),
        fill(
            PROGRESS,
            &l.texts["추진실적"],
            Val::Text("기술이전 14건".into()),
        ),
        fill(
            PROGRESS,
            &l.texts["문제점 및 대책"],
            Val::Text("없음".into()),
        ),
        fill(
            PROGRESS,
            &l.texts["향후계획"],
            Val::Text("연구소기업 추가 지정".into()),
        ),
    ];
    let mut columns = vec![pledge.before_label.clone()];
    columns.extend(pledge.term.years().map(|y| format!("{y}년")));
    for (group, table) in [("확보액", &SECURED), ("집행액", &SPENT)] {
        for (src, vals) in table.iter() {
            for (col, v) in columns.iter().zip(vals) {
                let cell = &l.amounts[&(group.to_owned(), (*src).to_owned(), col.clone())];
                out.push(fill(PROGRESS, cell, Val::Num(v.to_string())));
            }
        }
    }
    out.push(fill(
        PROGRESS,
        &l.indicators[&("기술이전".into(), 2022)],
        Val::Num("6".into()),
    ));
    out.push(fill(
        PROGRESS,
        &l.indicators[&("기술이전".into(), 2023)],
        Val::Num("8".into()),
    ));
    out
}

#[test]
fn a_progress_sheet_filled_by_openpyxl_and_recalculated_by_libreoffice_reaches_the_report() {
    if !have_openpyxl() || !have_soffice() {
        return;
    }
    let sb = Sandbox::new();
    sb.gongyak_ok(&["template"]);
    let cat = catalog();
    let pledge = &cat.pledges[0];
    let work = sb.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let seeds = seed_submissions();
    let (_, s) = &seeds[0];
    let spec = spec_for(pledge, s);
    let form = sb.templates().join("forms").join(&spec.file_name);
    let layout = Layout::read(&form, pledge, spec.leaf);
    let pl = ProgressLayout::read(&form, pledge);
    let mut fills = fills_for(s, pledge, &layout);
    fills.extend(progress_fills(pledge, &pl));
    let filled = work.join("progress-0.xlsx");
    fill_with_openpyxl(&work, &[(form.clone(), fills, filled.clone())]);
    let saved = libreoffice_resave(&work, &[filled], &work.join("saved"));

    // LibreOffice computed the sheet's 계 and 총계.
    let g = read_sheet(&saved[0], PROGRESS);
    assert_eq!(
        cached(&g, &pl.sum_row[&("확보액".into(), "2022년".into())]),
        "3900"
    );
    assert_eq!(
        cached(&g, &pl.sum_row[&("집행액".into(), "총계".into())]),
        "17560"
    );
    assert_eq!(
        cached(&g, &pl.total_col[&("확보액".into(), "국비".into())]),
        "15360"
    );

    let c = checked(&std::fs::read(&saved[0]).unwrap(), &cat);
    assert!(c.accepted(), "{:#?}", c.findings);
    let sub = c.submission.as_ref().unwrap();
    assert_eq!(sub.investment, s.investment, "the plan is read as before");
    let p = sub.progress.as_ref().expect("progress read");
    assert_eq!(p.status, gongyak::core::model::Status::OnTrack);
    assert_eq!(p.rate, rust_decimal::Decimal::from(85));
    assert_eq!(p.achievements, "기술이전 14건");
    assert_eq!(p.secured.sum.total, rust_decimal::Decimal::from(19960));

    // Dropped and run: accepted, and its figures are in the report's 추진실적 sheet.
    std::fs::copy(&saved[0], sb.inbox().join("추진실적.xlsx")).unwrap();
    sb.gongyak_ok(&["run"]);
    assert!(
        sb.files_in("accepted")
            .contains(&"추진실적.xlsx".to_owned())
    );
    let r = read_sheet(&sb.report(), PROGRESS);
    let (hr, _) = r.find("추진상황").unwrap();
    assert_eq!(r.get(hr + 1, 2), "정상추진");
    assert_eq!(r.get(hr + 1, 3), "0.85");
    assert_eq!(r.get(hr + 1, 5), "기술이전 14건");
    let (ir, _) = r.find("기술이전 (건)").unwrap();
    assert_eq!((r.get(ir + 1, 4), r.get(ir + 1, 5)), ("6", "8"));
}
