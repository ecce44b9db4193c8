//! Issue 13, items 8–11: the report and the review copy on paper, as LibreOffice prints
//! them to PDF. Pages are read back with poppler's `pdftotext -bbox`: which sheet each
//! page belongs to (its first line), how many pages each sheet takes, where the unit
//! line is, and how large the text prints — measured against a one-cell workbook in
//! the same 10 pt font printed at 100 %, so the check holds whatever Korean font the
//! machine substitutes for 맑은 고딕.
//!
//! Needs `soffice`, `pdftotext` and the Carlito font (Calibri's metrics, which column
//! widths are measured in): under `CI=true` a missing one fails the test; otherwise the
//! test prints a note and passes.

use crate::common::*;
use regex::Regex;
use std::path::{Path, PathBuf};
use std::process::Command;

const INVEST: &str = "연차별 투자계획";

/// One word of a printed page, its box in points.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    text: String,
}

impl Word {
    fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// A printed page: its words in reading order.
#[derive(Debug)]
struct Page(Vec<Word>);

impl Page {
    fn text(&self) -> String {
        self.0
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// The smallest Hangul word on the page (Hangul, because the Korean font is the
    /// one the calibration measures).
    fn smallest_hangul(&self) -> f64 {
        let hangul = Regex::new("[가-힣]").unwrap();
        self.0
            .iter()
            .filter(|w| hangul.is_match(&w.text))
            .map(Word::height)
            .fold(f64::INFINITY, f64::min)
    }
    /// How often `needle` occurs in the page's text (pdftotext splits `(단위` into
    /// two words, so this counts in the joined text).
    fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}

fn tools_ready() -> bool {
    have_soffice()
        && need_tool(
            "poppler-utils (pdftotext)",
            Command::new("pdftotext").arg("-v"),
        )
        && need_tool(
            "the Carlito font (fonts-crosextra-carlito), Calibri's metrics",
            Command::new("sh").args(["-c", "fc-match Calibri | grep -q Carlito"]),
        )
}

/// The pages of a PDF, from `pdftotext -bbox`.
fn pages(pdf: &Path) -> Vec<Page> {
    let html = pdf.with_extension("html");
    let ok = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg(&html)
        .status()
        .unwrap();
    assert!(ok.success(), "pdftotext failed on {}", pdf.display());
    let text = std::fs::read_to_string(&html).unwrap();
    let word = Regex::new(
        r#"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>"#,
    )
    .unwrap();
    text.split("<page ")
        .skip(1)
        .map(|p| {
            Page(
                word.captures_iter(p)
                    .map(|c| Word {
                        x0: c[1].parse().unwrap(),
                        y0: c[2].parse().unwrap(),
                        x1: c[3].parse().unwrap(),
                        y1: c[4].parse().unwrap(),
                        text: c[5]
                            .replace("&amp;", "&")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">"),
                    })
                    .collect(),
            )
        })
        .collect()
}

/// A workbook with one 10 pt 맑은 고딕 Hangul word printed at 100 %: its word height
/// is what 10 pt measures on this machine.
fn calibration_book(dir: &Path) -> PathBuf {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let f = rust_xlsxwriter::Format::new()
        .set_font_name("맑은 고딕")
        .set_font_size(10);
    let ws = wb.add_worksheet();
    ws.write_string_with_format(0, 0, "가나다라", &f).unwrap();
    ws.set_print_scale(100);
    let path = dir.join("calibration.xlsx");
    wb.save(&path).unwrap();
    path
}

/// Converts `inputs` to PDF in `dir` (with the calibration book); returns the pages
/// of each input and the height of 10 pt text.
fn print(dir: &Path, inputs: &[PathBuf]) -> (Vec<Vec<Page>>, f64) {
    let calibration = calibration_book(dir);
    let mut all = inputs.to_vec();
    all.push(calibration);
    let pdf_dir = dir.join("pdf");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    let stderr = soffice_convert(&dir.join("lo-profile"), "pdf", &pdf_dir, &all);
    let pdf_of = |p: &Path| pdf_dir.join(p.with_extension("pdf").file_name().unwrap());
    let mut printed: Vec<Vec<Page>> = all
        .iter()
        .map(|p| {
            let pdf = pdf_of(p);
            assert!(
                pdf.exists(),
                "no pdf for {}; soffice said {stderr}",
                p.display()
            );
            pages(&pdf)
        })
        .collect();
    let calib = printed.pop().unwrap();
    let ten_pt = calib[0].smallest_hangul();
    assert!(ten_pt.is_finite() && ten_pt > 5.0, "calibration: {ten_pt}");
    (printed, ten_pt)
}

/// The sheet a report page belongs to, by its first words (every sheet prints its
/// title on each page; 요약's title is the pledge's).
fn sheet_of(page: &Page) -> &'static str {
    let text = page.text();
    [
        INVEST,
        "연차별 추진목표",
        "추진일정",
        "검증결과",
        "제출이력",
        "변경내역",
        "추진실적",
    ]
    .into_iter()
    .find(|t| text.starts_with(t))
    .unwrap_or_else(|| {
        assert!(
            text.starts_with(ANSAN_TITLE),
            "page without a title: {text:.80}"
        );
        "요약"
    })
}

#[test]
fn the_report_prints_each_sheet_titled_legible_and_with_one_unit_line_per_page() {
    if !tools_ready() {
        return;
    }
    let sb = Sandbox::new();
    sb.drop_seed();
    sb.gongyak_ok(&["run"]);
    let (printed, ten_pt) = print(sb.path(), &[sb.report()]);
    let pages = &printed[0];

    let sheets: Vec<&str> = pages.iter().map(sheet_of).collect();
    assert_eq!(
        sheets,
        [
            "요약",
            INVEST,
            INVEST,
            INVEST,
            "연차별 추진목표",
            "추진일정",
            "검증결과",
            "제출이력",
            "변경내역"
        ],
        "pages per sheet"
    );
    for (k, (page, sheet)) in pages.iter().zip(&sheets).enumerate() {
        // 10 pt text at a print scale of 80 % or more: 8 pt or larger on paper.
        let pt = 10.0 * page.smallest_hangul() / ten_pt;
        assert!(pt >= 7.95, "page {} ({sheet}) prints at {pt:.1} pt", k + 1);
    }
    // 연차별 투자계획: no repeated header block; one unit line on each page.
    for (k, page) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| sheet_of(p) == INVEST)
    {
        assert_eq!(page.count("단위 :"), 1, "page {}: {}", k + 1, page.text());
        assert_eq!(page.count("○"), usize::from(k == 1), "page {}", k + 1);
    }
    // 검증결과 without findings: its title and one sentence, no empty table.
    let findings = &pages[6];
    assert_eq!(
        findings.text(),
        "검증결과 현재 제출본과 최근 반려된 파일에 지적 사항이 없습니다. 7 / 9"
    );
}

#[test]
fn a_long_finding_wraps_inside_the_findings_table() {
    if !tools_ready() {
        return;
    }
    let sb = Sandbox::new();
    let mut amounts = INNOPOLIS;
    amounts[3].1 = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0]; // 기타 임기후 100: W-BUDGET
    let book = submission("안산 강소연구개발특구 운영", None, &amounts);
    let message = message(&check_book(&book), "W-BUDGET");
    for (k, other) in seed_books().iter().enumerate().skip(1) {
        sb.drop_bytes(&format!("seed-{k}.xlsx"), &other.to_bytes());
    }
    sb.drop_bytes("innopolis_예산초과.xlsx", &book.to_bytes());
    sb.gongyak_ok(&["run"]);
    let (printed, _) = print(sb.path(), &[sb.report()]);
    let page = printed[0]
        .iter()
        .find(|p| sheet_of(p) == "검증결과")
        .expect("a 검증결과 page");
    assert!(page.text().contains("W-BUDGET"), "{}", page.text());
    // The message's first and last plain Hangul words, where they printed.
    let plain: Vec<&str> = message
        .split_whitespace()
        .filter(|w| w.chars().all(|c| ('가'..='힣').contains(&c)))
        .collect();
    // Only the 내용 column: right of the 위치 cell.
    let place = page
        .0
        .iter()
        .find(|w| w.text.starts_with("투자계획!"))
        .unwrap();
    let column = place.x1;
    let find = |text: &str| {
        page.0
            .iter()
            .find(|w| w.text == text && w.x0 >= column)
            .unwrap_or_else(|| panic!("{text:?} not printed: {}", page.text()))
    };
    let (first, last) = (find(plain[0]), find(plain[plain.len() - 1]));
    assert!(
        last.y0 > first.y0 + first.height() / 2.0,
        "the message is not wrapped onto a second line: {message} {first:?} {last:?}"
    );
    // A4 landscape is 842 pt wide; nothing runs into the 0.5 in right margin.
    let right = page.0.iter().map(|w| w.x1).fold(0.0, f64::max);
    assert!(right <= 842.0 - 36.0, "text reaches x = {right}");
}

#[test]
fn a_review_copy_prints_as_the_submission_plus_one_page_of_findings() {
    if !tools_ready() {
        return;
    }
    let sb = Sandbox::new();
    let source = fixtures().join("flawed/sum_mismatch.xlsx");
    sb.drop_fixture("flawed/sum_mismatch.xlsx");
    sb.gongyak(&["run"]);
    let review = sb.inbox().join("rejected/sum_mismatch.검토.xlsx");
    assert!(review.exists(), "no review copy");
    let work = sb.path().join("print");
    std::fs::create_dir_all(&work).unwrap();
    let (printed, _) = print(&work, &[source, review]);
    let (source_pages, review_pages) = (&printed[0], &printed[1]);
    assert_eq!(
        review_pages.len(),
        source_pages.len() + 1,
        "review copy pages vs the submission's"
    );
    // Page 1 is the whole findings list, 내용 included.
    let first = review_pages[0].text();
    for code in ["E-ROWSUM", "E-COLSUM", "내용"] {
        assert!(first.contains(code), "page 1 lacks {code}: {first}");
    }
    // Then the submission, page for page.
    for (k, (s, r)) in source_pages.iter().zip(&review_pages[1..]).enumerate() {
        let first_word = |p: &Page| p.0.first().map(|w| w.text.clone());
        assert_eq!(first_word(r), first_word(s), "page {}", k + 2);
    }
}
