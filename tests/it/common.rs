//! Shared helpers for the integration tests: a scratch folder per test, the real
//! binary, workbooks written on the fly, and reading reports back cell by cell.

#![allow(dead_code)]

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Format, Formula, Workbook};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const ANSAN_TITLE: &str = "안산 강소연구개발특구 및 안산사이언스밸리 첨단산업 거점 육성";

/// The header row of the Ansan 투자계획 table, as the seed files and the report have it.
pub const INVEST_HEADER: [&str; 9] = [
    "구분",
    "총계",
    "기투자",
    "2022년",
    "2023년",
    "2024년",
    "2025년",
    "2026년",
    "임기후",
];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo_templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// A scratch working folder with `inbox/`, `outbox/` and the shipped definitions.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
        std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::copy(
            repo_templates().join("ansan-innopolis.toml"),
            dir.path().join("templates/ansan-innopolis.toml"),
        )
        .unwrap();
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn inbox(&self) -> PathBuf {
        self.path().join("inbox")
    }
    pub fn outbox(&self) -> PathBuf {
        self.path().join("outbox")
    }
    pub fn templates(&self) -> PathBuf {
        self.path().join("templates")
    }

    /// Copies a fixture (path relative to tests/fixtures) into the inbox.
    pub fn drop_fixture(&self, rel: &str) -> PathBuf {
        let src = fixtures().join(rel);
        let dest = self.inbox().join(src.file_name().unwrap());
        std::fs::copy(&src, &dest).unwrap();
        dest
    }

    pub fn drop_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let dest = self.inbox().join(name);
        std::fs::write(&dest, bytes).unwrap();
        dest
    }

    pub fn drop_seed(&self) {
        for f in seed_files() {
            self.drop_fixture(&format!("seed/{f}"));
        }
    }

    /// Runs the real binary in this folder.
    pub fn gongyak(&self, args: &[&str]) -> Output {
        gongyak_cmd()
            .current_dir(self.path())
            .args(args)
            .env("RUST_LOG", "info")
            .output()
            .expect("run gongyak")
    }

    /// Runs the real binary and insists on exit code 0 (stderr shown otherwise).
    pub fn gongyak_ok(&self, args: &[&str]) -> Output {
        let out = self.gongyak(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn report(&self) -> PathBuf {
        self.outbox().join("ansan-innopolis_공약추진현황.xlsx")
    }

    pub fn files_in(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.inbox().join(sub))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

pub fn gongyak_cmd() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("gongyak"))
}

pub fn seed_files() -> [&'static str; 4] {
    [
        "innopolis_투자계획_제출.xlsx",
        "ivdx_투자계획_제출.xlsx",
        "smart-center_투자계획_제출.xlsx",
        "smart-factory_투자계획_제출.xlsx",
    ]
}

/// A cell's display text as a manager would read it (numbers without `.0`).
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A sheet as rows of display texts, plus its merged ranges.
pub struct SheetGrid {
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<calamine::Dimensions>,
}

impl SheetGrid {
    pub fn get(&self, r: usize, c: usize) -> &str {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", String::as_str)
    }
    /// Position of the first cell whose text equals `text`.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        for (r, row) in self.rows.iter().enumerate() {
            if let Some(c) = row.iter().position(|t| t == text) {
                return Some((r, c));
            }
        }
        None
    }
    pub fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if t == text {
                    out.push((r, c));
                }
            }
        }
        out
    }
}

pub fn read_sheet(path: &Path, sheet: &str) -> SheetGrid {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{sheet}: {e}"));
    let merges = wb.merge_cells_by_sheet_name(sheet).unwrap_or_default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut v = vec![String::new(); c0 as usize];
        v.extend(row.iter().map(cell_text));
        rows.push(v);
    }
    SheetGrid { rows, merges }
}

pub fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.sheet_names()
}

/// Reads an investment table whose `구분` header is at `(r, c)`: the rows below it as
/// `[label, 총계, 기투자, years…, 임기후]`, the label being the source name (or 계).
pub fn investment_table_at(g: &SheetGrid, r: usize, c: usize, width: usize) -> Vec<Vec<String>> {
    let mut out = vec![{
        let mut h = vec!["구분".to_owned()];
        // header texts of the amount columns
        let mut col = c + 1;
        while h.len() < width {
            let t = g.get(r, col);
            if !t.is_empty() && t != "구분" {
                h.push(t.to_owned());
            }
            col += 1;
        }
        h
    }];
    for row in r + 1..r + 6 {
        let label = if !g.get(row, c + 1).is_empty() {
            g.get(row, c + 1)
        } else {
            g.get(row, c)
        };
        let first_amount = out[0].len();
        let mut line = vec![label.to_owned()];
        let mut col = c + 2;
        while line.len() < first_amount {
            line.push(g.get(row, col).to_owned());
            col += 1;
        }
        out.push(line);
    }
    out
}

/// The expected pledge table from the fixture CSV.
pub fn expected_pledge_table() -> Vec<Vec<String>> {
    std::fs::read_to_string(fixtures().join("expected_pledge_table.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|s| s.trim().to_owned()).collect())
        .collect()
}

/// Reads the report's pledge table (the first table on 연차별 투자계획).
pub fn report_pledge_table(report: &Path) -> Vec<Vec<String>> {
    let g = read_sheet(report, "연차별 투자계획");
    let (r, c) = g.find("구분").expect("구분 header");
    investment_table_at(&g, r, c, 9)
}

/// One cell to write into a generated workbook.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Num(f64),
    Formula(String),
    Date(chrono::NaiveDate),
}

pub fn t(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// The cells of one generated sheet by (row, col), zero-based.
pub type SheetCells = BTreeMap<(u32, u16), Cell>;

/// A workbook under construction: sheets of cells at (row, col), zero-based.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<(String, SheetCells)>,
    /// Merged ranges per sheet: (sheet, first A1, last A1); the first cell's value is
    /// written into the merge.
    pub merges: Vec<(String, String, String)>,
    /// Hidden rows per sheet (zero-based).
    pub hidden_rows: Vec<(String, u32)>,
    /// Chart sheets (Excel's F11) as (position among the sheets, name): each holds a
    /// column chart of the first sheet's A1:A3.
    pub chartsheets: Vec<(usize, String)>,
    /// Worksheets hidden in the workbook (Format → Hide).
    pub hidden_sheets: Vec<String>,
}

impl Book {
    pub fn sheet(&mut self, name: &str) -> &mut BTreeMap<(u32, u16), Cell> {
        if let Some(i) = self.sheets.iter().position(|(n, _)| n == name) {
            return &mut self.sheets[i].1;
        }
        self.sheets.push((name.to_owned(), BTreeMap::new()));
        &mut self.sheets.last_mut().unwrap().1
    }

    /// Sets a cell by A1 reference (`투자계획`, `D7`).
    pub fn set(&mut self, sheet: &str, a1: &str, cell: Cell) -> &mut Self {
        let (r, c) = a1_to_rc(a1);
        self.sheet(sheet).insert((r, c), cell);
        self
    }

    pub fn remove(&mut self, sheet: &str, a1: &str) -> &mut Self {
        let (r, c) = a1_to_rc(a1);
        self.sheet(sheet).remove(&(r, c));
        self
    }

    pub fn rename_sheet(&mut self, from: &str, to: &str) -> &mut Self {
        for s in &mut self.sheets {
            if s.0 == from {
                s.0 = to.to_owned();
            }
        }
        self
    }

    pub fn merge(&mut self, sheet: &str, first: &str, last: &str) -> &mut Self {
        self.merges
            .push((sheet.to_owned(), first.to_owned(), last.to_owned()));
        self
    }

    /// Adds a chart sheet at `position` among the sheets (`usize::MAX`: last).
    pub fn chartsheet(&mut self, position: usize, name: &str) -> &mut Self {
        self.chartsheets.push((position, name.to_owned()));
        self
    }

    pub fn hide_row(&mut self, sheet: &str, row: u32) -> &mut Self {
        self.hidden_rows.push((sheet.to_owned(), row));
        self
    }

    /// Moves every cell of a sheet down and right (a table "starting anywhere").
    pub fn shift(&mut self, sheet: &str, rows: u32, cols: u16) -> &mut Self {
        let cells = std::mem::take(self.sheet(sheet));
        *self.sheet(sheet) = cells
            .into_iter()
            .map(|((r, c), v)| ((r + rows, c + cols), v))
            .collect();
        self
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let add_charts = |wb: &mut Workbook, at: &dyn Fn(usize) -> bool| {
            for (_, name) in self.chartsheets.iter().filter(|(p, _)| at(*p)) {
                let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
                chart
                    .add_series()
                    .set_values((self.sheets[0].0.as_str(), 0, 0, 2, 0));
                let cs = wb.add_chartsheet();
                cs.set_name(name).unwrap();
                cs.insert_chart(0, 0, &chart).unwrap();
            }
        };
        let first_visible = self
            .sheets
            .iter()
            .position(|(n, _)| !self.hidden_sheets.contains(n));
        for (i, (name, cells)) in self.sheets.iter().enumerate() {
            add_charts(&mut wb, &|p| p == i);
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            if self.hidden_sheets.contains(name) {
                ws.set_hidden(true);
            } else if Some(i) == first_visible && i > 0 {
                ws.set_active(true);
            }
            let mut merged_first = std::collections::HashSet::new();
            for (s, first, last) in &self.merges {
                if s == name {
                    let (r1, c1) = a1_to_rc(first);
                    let (r2, c2) = a1_to_rc(last);
                    let text = match cells.get(&(r1, c1)) {
                        Some(Cell::Text(t)) => t.clone(),
                        _ => String::new(),
                    };
                    ws.merge_range(r1, c1, r2, c2, &text, &Format::new())
                        .unwrap();
                    merged_first.insert((r1, c1));
                }
            }
            for (s, r) in &self.hidden_rows {
                if s == name {
                    ws.set_row_hidden(*r).unwrap();
                }
            }
            for (&(r, c), v) in cells {
                if merged_first.contains(&(r, c)) {
                    continue;
                }
                match v {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Cell::Num(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    Cell::Formula(f) => {
                        ws.write_formula(r, c, Formula::new(f)).unwrap();
                    }
                    Cell::Date(d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            chrono::Datelike::year(d) as u16,
                            chrono::Datelike::month(d) as u8,
                            chrono::Datelike::day(d) as u8,
                        )
                        .unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                }
            }
        }
        let n = self.sheets.len();
        add_charts(&mut wb, &|p| p >= n);
        wb.save_to_buffer().unwrap()
    }
}

pub fn a1_to_rc(a1: &str) -> (u32, u16) {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits: String = a1.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
    let mut col: u32 = 0;
    for ch in letters.chars() {
        col = col * 26 + (ch.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    (digits.parse::<u32>().unwrap() - 1, (col - 1) as u16)
}

/// Amounts of one leaf: per source, `[기투자, y1..y5, 임기후]`.
pub type Amounts = [(&'static str, [f64; 7]); 4];

/// The innopolis seed leaf's amounts.
pub const INNOPOLIS: Amounts = [
    (
        "국비",
        [4860.0, 3000.0, 3000.0, 3000.0, 1000.0, 1000.0, 0.0],
    ),
    ("도비", [400.0, 300.0, 300.0, 300.0, 110.0, 0.0, 0.0]),
    ("시비", [1000.0, 600.0, 600.0, 600.0, 290.0, 200.0, 0.0]),
    ("기타", [0.0; 7]),
];

/// A valid submission in the seed layout, with literal (not formula) totals, for one
/// leaf of the Ansan pledge. Tests then break one thing at a time.
pub fn submission(program: &str, sub: Option<&str>, amounts: &Amounts) -> Book {
    let mut b = Book::default();
    let info = "제출정보";
    b.set(info, "A1", t("공약 추진계획 제출서"));
    for (i, (label, value)) in [
        ("공약명", ANSAN_TITLE),
        ("사업명", program),
        ("세부사업", sub.unwrap_or("")),
        ("제출부서", "산업진흥과"),
        ("담당자", "홍길동"),
        ("연락처", "031-481-0000"),
    ]
    .iter()
    .enumerate()
    {
        let row = 3 + i;
        b.set(info, &format!("A{row}"), t(label));
        if !value.is_empty() {
            b.set(info, &format!("B{row}"), t(value));
        }
    }
    b.set(info, "A9", t("기준일"));
    b.set(
        info,
        "B9",
        Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
    );

    let inv = "투자계획";
    b.set(inv, "A1", t("연차별 투자계획"));
    b.set(inv, "I2", t("(단위 : 백만원)"));
    for (i, h) in INVEST_HEADER.iter().enumerate() {
        b.sheet(inv).insert((2, i as u16), t(h));
    }
    b.sheet(inv).insert((3, 0), t("계"));
    let mut col_sums = [0.0f64; 8];
    for (k, (src, vals)) in amounts.iter().enumerate() {
        let r = 4 + k as u32;
        b.sheet(inv).insert((r, 0), t(src));
        let total: f64 = vals.iter().sum();
        b.sheet(inv).insert((r, 1), Cell::Num(total));
        col_sums[0] += total;
        for (j, v) in vals.iter().enumerate() {
            b.sheet(inv).insert((r, 2 + j as u16), Cell::Num(*v));
            col_sums[1 + j] += v;
        }
    }
    for (j, v) in col_sums.iter().enumerate() {
        b.sheet(inv).insert((3, 1 + j as u16), Cell::Num(*v));
    }

    let tg = "추진목표";
    for (i, h) in [
        "구분", "단위", "2022년", "2023년", "2024년", "2025년", "2026년",
    ]
    .iter()
    .enumerate()
    {
        b.sheet(tg).insert((2, i as u16), t(h));
    }
    b.set(tg, "A4", t("추진내용"));
    for c in 2..7u16 {
        b.sheet(tg)
            .insert((3, c), t(&format!("사업 추진 {}차년", c - 1)));
    }
    let indicators: &[(&str, &str)] = match program {
        "안산 강소연구개발특구 운영" => &[
            ("기술이전", "건"),
            ("연구소기업 설립", "개소"),
            ("신규창업", "개소"),
        ],
        "안산시 스마트공장 보급·확산 지원사업" => &[
            ("기초지원", "개사"),
            ("고도화지원", "개사"),
            ("선도형 디지털 클러스터", "컨소시엄"),
        ],
        _ => &[],
    };
    for (k, (name, unit)) in indicators.iter().enumerate() {
        let r = 4 + k as u32;
        b.sheet(tg).insert((r, 0), t(name));
        b.sheet(tg).insert((r, 1), t(unit));
        b.sheet(tg).insert((r, 2), Cell::Num(5.0));
        for c in 3..7u16 {
            b.sheet(tg).insert((r, c), t("미정"));
        }
    }

    let rm = "추진일정";
    b.set(rm, "A1", t("세부내용"));
    b.set(rm, "B1", t("시작"));
    b.set(rm, "C1", t("종료"));
    b.set(rm, "A2", t("사업추진"));
    b.set(rm, "B2", t("2022-Q1"));
    b.set(rm, "C2", t("2026-Q4"));
    b
}

/// The innopolis leaf, valid, as a generated workbook.
pub fn innopolis() -> Book {
    submission("안산 강소연구개발특구 운영", None, &INNOPOLIS)
}

/// Runs `gongyak check` on bytes and returns (exit code, stdout).
pub fn check_bytes(sb: &Sandbox, name: &str, bytes: &[u8]) -> (i32, String) {
    let path = sb.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = sb.gongyak(&["check", path.to_str().unwrap()]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every member of a zip package as (name, bytes), in order.
pub fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// A zip package of the given members.
pub fn zip_of<N: AsRef<str>, D: AsRef<[u8]>>(entries: &[(N, D)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(name.as_ref(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data.as_ref()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Replaces text inside the first part of an xlsx package that contains it (to
/// produce what other tools write, e.g. a real `t="e"` error cell).
pub fn patch_xlsx(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut entries = zip_entries(bytes);
    let part = entries
        .iter_mut()
        .find(|(_, d)| String::from_utf8_lossy(d).contains(from))
        .unwrap_or_else(|| panic!("no part holds {from:?}"));
    part.1 = String::from_utf8_lossy(&part.1)
        .replacen(from, to, 1)
        .into_bytes();
    zip_of(&entries)
}

/// The message of the first finding with `code`.
pub fn message(c: &gongyak::core::check::Checked, code: &str) -> String {
    c.findings
        .iter()
        .find(|f| f.code.as_str() == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", c.findings))
        .message
        .clone()
}

/// The Ansan catalog shipped in templates/.
pub fn catalog() -> gongyak::core::definition::Catalog {
    gongyak::core::definition::Catalog::load(&repo_templates()).unwrap()
}

/// Checks a generated workbook in-process.
pub fn check_book(b: &Book) -> gongyak::core::check::Checked {
    gongyak::core::check::check(&b.to_bytes(), &catalog(), &Default::default())
}

/// `(code, place)` of every finding, for compact assertions.
pub fn codes(c: &gongyak::core::check::Checked) -> Vec<(String, String)> {
    c.findings
        .iter()
        .map(|f| (f.code.as_str().to_owned(), f.place_text()))
        .collect()
}

/// The other three seed leaves' amounts (`[기투자, 2022..2026, 임기후]` per source).
pub const IVDX: Amounts = [
    (
        "국비",
        [5000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 0.0],
    ),
    ("도비", [1000.0, 500.0, 500.0, 500.0, 250.0, 250.0, 0.0]),
    ("시비", [1000.0, 500.0, 500.0, 500.0, 250.0, 250.0, 0.0]),
    ("기타", [0.0; 7]),
];
pub const SMART_CENTER: Amounts = [
    ("국비", [10000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    ("도비", [5700.0, 1770.0, 3220.0, 220.0, 240.0, 350.0, 0.0]),
    ("시비", [12800.0, 1130.0, 4880.0, 380.0, 360.0, 450.0, 0.0]),
    ("기타", [2500.0, 1000.0, 1500.0, 0.0, 0.0, 0.0, 0.0]),
];
pub const SMART_FACTORY: Amounts = [
    ("국비", [0.0; 7]),
    ("도비", [0.0; 7]),
    ("시비", [1400.0, 400.0, 400.0, 400.0, 350.0, 350.0, 0.0]),
    ("기타", [0.0; 7]),
];

/// The four Ansan leaves with their seed amounts, as generated workbooks.
pub fn seed_books() -> Vec<Book> {
    let smart = "스마트제조혁신센터 기반구축 및 활성화";
    vec![
        submission("안산 강소연구개발특구 운영", None, &INNOPOLIS),
        submission(smart, Some("스마트제조혁신센터 설립"), &SMART_CENTER),
        submission(
            smart,
            Some("산업 밸류체인 디지털전환(IVDX) 지원센터 조성"),
            &IVDX,
        ),
        submission("안산시 스마트공장 보급·확산 지원사업", None, &SMART_FACTORY),
    ]
}

/// `n` distinct valid submissions: the four leaves in turn, each version with a later
/// 기준일 and its own 담당자, so every file has its own hash and the latest version of
/// each leaf is well defined.
pub fn burst(n: usize) -> Vec<(String, Vec<u8>)> {
    let books = seed_books();
    (0..n)
        .map(|i| {
            let mut b = books[i % 4].clone();
            let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                + chrono::Days::new((i / 4) as u64);
            b.set("제출정보", "B9", Cell::Date(day));
            b.set("제출정보", "B7", t(&format!("담당자 {i:04}")));
            (format!("제출_{i:04}.xlsx"), b.to_bytes())
        })
        .collect()
}

/// Every record of the sandbox's ledger (none when it does not exist yet), read as
/// gongyak reads it.
pub fn ledger(sb: &Sandbox) -> Vec<gongyak::core::consolidate::Received> {
    let path = sb.inbox().join(".gongyak/ledger.jsonl");
    if !path.exists() {
        return Vec::new();
    }
    gongyak::shell::ledger::read_records(&path).expect("a readable ledger")
}

/// A note gongyak writes beside a received file (`.오류.txt`, `.검토.xlsx`,
/// `.검토결과.txt`), not a submitted file.
pub fn is_note(name: &str) -> bool {
    name.ends_with(".오류.txt") || name.ends_with(".검토.xlsx") || name.ends_with(".검토결과.txt")
}

/// Whether an external tool is usable. Under `CI` a missing tool fails the test
/// (CI installs it); elsewhere the test prints a note and passes.
pub fn need_tool(what: &str, probe: &mut std::process::Command) -> bool {
    let ok = probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    if ci {
        panic!("{what} is required for this test under CI (see .ci/run)");
    }
    eprintln!("note: skipping — {what} is not available (CI is not set)");
    false
}

pub fn have_soffice() -> bool {
    need_tool(
        "LibreOffice (soffice)",
        std::process::Command::new("soffice").arg("--version"),
    )
}

/// Runs `soffice --headless --convert-to <filter>` on `inputs` with the private
/// profile `profile` (so parallel tests never share one), writing into `out_dir`.
/// Returns LibreOffice's stderr; fails the test when it fails or takes over 240 s.
pub fn soffice_convert(profile: &Path, filter: &str, out_dir: &Path, inputs: &[PathBuf]) -> String {
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(out_dir)
        .args(inputs)
        .stdout(std::process::Stdio::null())
        .stderr(err.reopen().unwrap())
        .spawn()
        .expect("start soffice");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(240);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("soffice did not finish within 240 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(err.path()).unwrap_or_default();
    assert!(status.success(), "soffice failed: {status}: {stderr}");
    stderr
}

/// The XML of the worksheet named `sheet` in an xlsx package, with the package's
/// `xl/styles.xml` (found through `workbook.xml` and its relationships).
pub fn sheet_xml(bytes: &[u8], sheet: &str) -> (String, String) {
    let parts: BTreeMap<String, String> = zip_entries(bytes)
        .into_iter()
        .map(|(n, d)| (n, String::from_utf8(d).unwrap_or_default()))
        .collect();
    let id = regex::Regex::new(&format!(r#"<sheet name="{sheet}"[^>]* r:id="(rId\d+)""#))
        .unwrap()
        .captures(&parts["xl/workbook.xml"])
        .unwrap_or_else(|| panic!("no sheet {sheet}"))[1]
        .to_owned();
    let target = regex::Regex::new(&format!(r#"Id="{id}"[^>]*Target="([^"]+)""#))
        .unwrap()
        .captures(&parts["xl/_rels/workbook.xml.rels"])
        .unwrap()[1]
        .to_owned();
    (
        parts[&format!("xl/{target}")].clone(),
        parts["xl/styles.xml"].clone(),
    )
}
