//! Issue: hostile input and faults. Nothing crashes, nothing is lost, nothing gets in.

use crate::common::*;
use gongyak::core::check::check;
use gongyak::core::read::Limits;
use std::io::Write;

fn read_error(bytes: &[u8], limits: &Limits) -> String {
    let c = check(bytes, &catalog(), limits);
    assert!(!c.accepted());
    assert_eq!(c.findings.len(), 1, "{:#?}", c.findings);
    assert_eq!(c.findings[0].code.as_str(), "E-READ");
    c.findings[0].message.clone()
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let big = vec![b'P'; 2_000_001];
    let msg = read_error(
        &big,
        &Limits {
            max_file_bytes: 2_000_000,
            ..Limits::default()
        },
    );
    assert!(msg.contains("너무 큽니다"), "{msg}");
}

/// Regression: a file far over the limit used to be read whole into memory before its
/// size was looked at. Under an address-space limit smaller than the file, that read
/// aborts the process; refused by its size, the file is only hashed in a stream.
#[test]
fn a_huge_file_is_refused_by_its_size_without_being_read_into_memory() {
    let sb = Sandbox::new();
    sb.drop_seed();
    let huge = sb.inbox().join("huge.xlsx");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300 << 20) // sparse: no disk used
        .unwrap();
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 256u64 << 20))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_gongyak"))
        .args(["run", "--max-file-mb", "20"])
        .current_dir(sb.path())
        .output()
        .expect("prlimit (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(sb.files_in("accepted").len(), 4, "{stderr}");
    assert_eq!(
        sb.files_in("rejected"),
        vec!["huge.xlsx".to_owned(), "huge.오류.txt".to_owned()]
    );
    let note = std::fs::read_to_string(sb.inbox().join("rejected/huge.오류.txt")).unwrap();
    assert!(
        note.contains("E-READ") && note.contains("너무 큽니다(300.0MB, 한도 20.0MB)"),
        "{note}"
    );
    // `check` looks at the size first too.
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 256u64 << 20))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_gongyak"))
        .args(["check"])
        .arg(sb.inbox().join("rejected/huge.xlsx"))
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("너무 큽니다"));
}

#[test]
fn a_zip_bomb_is_refused_by_its_unpacked_size() {
    // sharedStrings that unpacks to 4 MB, against a 1 MB limit.
    let mut book = innopolis().to_bytes();
    let huge = "<si><t>a</t></si>".repeat(250_000);
    let sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">{huge}</sst>"
    );
    let mut entries = zip_entries(&book);
    entries.push(("xl/bomb.xml".into(), sst.into_bytes()));
    book = zip_of(&entries);
    assert!(book.len() < 200_000, "compresses well: {}", book.len());
    let msg = read_error(
        &book,
        &Limits {
            max_unzipped_bytes: 1 << 20,
            ..Limits::default()
        },
    );
    assert!(msg.contains("압축"), "{msg}");
}

#[test]
fn a_zip_entry_that_lies_about_its_size_fails_in_bounded_memory() {
    // The declared size says 1,000 bytes; the data inflates to 30 MB. The reader stops
    // at the declared size instead of inflating everything.
    const REAL: usize = 30_000_017;
    let payload = vec![b'<'; REAL];
    let honest = zip_of(&[
        ("[Content_Types].xml", &b"<Types><Default ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"[..]),
        ("xl/sharedStrings.xml", payload.as_slice()),
    ]);
    let needle = (REAL as u32).to_le_bytes();
    let mut lying = honest.clone();
    let mut replaced = 0;
    let mut i = 0;
    while i + 4 <= lying.len() {
        if lying[i..i + 4] == needle {
            lying[i..i + 4].copy_from_slice(&1000u32.to_le_bytes());
            replaced += 1;
        }
        i += 1;
    }
    assert!(replaced >= 2, "local and central headers patched");
    let msg = read_error(&lying, &Limits::default());
    assert!(msg.contains("손상") || msg.contains("엑셀"), "{msg}");
}

#[test]
fn a_two_cell_file_claiming_xfd1048576_does_not_allocate_for_it() {
    let mut b = innopolis();
    b.set("투자계획", "XFD1048576", t("끝"));
    let c = check(&b.to_bytes(), &catalog(), &Limits::default());
    assert!(c.accepted(), "{:#?}", c.findings);
    let mut only = Book::default();
    only.set("Sheet1", "A1", t("x"))
        .set("Sheet1", "XFD1048576", t("y"));
    let c = check(&only.to_bytes(), &catalog(), &Limits::default());
    assert!(!c.accepted());
    assert!(c.findings.iter().any(|f| f.code.as_str() == "E-SHEET"));
}

/// Regression: calamine builds xls and ods sheets as dense grids and expands ods
/// repeated cells, so an 810-byte ods (one value repeated over the whole sheet) cost
/// 5 GB and a 6 KB xls with cells at A1 and IV65536 cost 1 GB before any limit applied.
#[test]
fn xls_and_ods_spanning_a_huge_area_are_refused_before_the_reader_allocates_it() {
    for (file, area) in [
        ("hostile/repeat-bomb.ods", "1048576행 × 16384열"),
        ("hostile/corners.xls", "65536행 × 256열"),
    ] {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let msg = read_error(&bytes, &Limits::default());
        assert!(
            msg.contains(area) && msg.contains("너무 넓습니다"),
            "{file}: {msg}"
        );
    }
    // Many row elements, each repeating one value across every column: refused while
    // scanning, before the reader expands a single row.
    let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="S">{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        row.repeat(100)
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let msg = read_error(&bytes, &Limits::default());
    assert!(msg.contains("셀이 너무 많습니다"), "{msg}");
    // Real files, with LibreOffice's trailing runs of repeated empty cells and rows,
    // are unaffected.
    for file in ["formats/innopolis.ods", "formats/innopolis.xls"] {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let c = check(&bytes, &catalog(), &Limits::default());
        assert!(c.accepted(), "{file}: {:#?}", c.findings);
    }
}

#[test]
fn too_many_cells_is_refused() {
    let mut b = innopolis();
    for r in 0..300u32 {
        for c in 0..10u16 {
            b.sheet("추진일정").insert((1000 + r, c), Cell::Num(1.0));
        }
    }
    let msg = read_error(
        &b.to_bytes(),
        &Limits {
            max_cells: 2_000,
            ..Limits::default()
        },
    );
    assert!(msg.contains("셀이 너무 많습니다"), "{msg}");
}

#[test]
fn truncated_files_are_reported_as_damaged() {
    let bytes = std::fs::read(fixtures().join("seed/innopolis_투자계획_제출.xlsx")).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 30, 100] {
        let msg = read_error(&bytes[..cut], &Limits::default());
        assert!(msg.contains("손상"), "cut {cut}: {msg}");
    }
    let xls = std::fs::read(fixtures().join("formats/innopolis.xls")).unwrap();
    let msg = read_error(&xls[..xls.len() / 2], &Limits::default());
    assert!(msg.contains("손상"), "{msg}");
}

#[test]
fn files_dropped_by_mistake_are_named_in_the_finding() {
    let l = Limits::default();
    let zip = zip_of(&[("메모.txt", "안녕".as_bytes())]);
    assert!(read_error(&zip, &l).contains("압축(zip) 파일"));
    let docx = zip_of(&[(
        "[Content_Types].xml",
        b"<Types><Override ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
    )]);
    assert!(read_error(&docx, &l).contains("Word 문서"));
    assert!(read_error(b"%PDF-1.7\n%....", &l).contains("PDF"));
    assert!(read_error("구분,총계,기투자\n계,1,2\n".as_bytes(), &l).contains("CSV"));
    // HWP 5: an OLE compound file with a FileHeader stream.
    let mut hwp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    hwp.create_stream("/FileHeader")
        .unwrap()
        .write_all(b"HWP Document File")
        .unwrap();
    let bytes = hwp.into_inner().into_inner();
    assert!(read_error(&bytes, &l).contains("한글(HWP)"));
}

#[test]
fn password_protected_files_of_every_format_say_so() {
    // xlsx encrypted by msoffcrypto-tool; xls and ods saved with a password by
    // LibreOffice (password "secret").
    for f in ["encrypted.xlsx", "encrypted.xls", "encrypted.ods"] {
        let bytes = std::fs::read(fixtures().join("formats").join(f)).unwrap();
        let msg = read_error(&bytes, &Limits::default());
        assert!(msg.contains("암호"), "{f}: {msg}");
    }
}

#[cfg(unix)]
#[test]
fn special_files_in_the_inbox_are_left_alone() {
    let sb = Sandbox::new();
    let fifo = sb.inbox().join("pipe.xlsx");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(st.success());
    sb.drop_seed();
    let out = sb.gongyak_ok(&["run"]);
    assert!(fifo.exists(), "the fifo stays");
    assert_eq!(sb.files_in("accepted").len(), 4);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
}

#[test]
fn odd_and_very_long_file_names_are_stored_and_logged_safely() {
    let sb = Sandbox::new();
    let long = format!("{}.xlsx", "가나다라마바사".repeat(11)); // 77 syllables, 236 bytes
    let seed = fixtures().join("seed/innopolis_투자계획_제출.xlsx");
    std::fs::copy(&seed, sb.inbox().join(&long)).unwrap();
    #[cfg(unix)]
    std::fs::copy(
        fixtures().join("flawed/sum_mismatch.xlsx"),
        sb.inbox().join("줄\n바꿈.xlsx"),
    )
    .unwrap();
    let first = sb.gongyak(&["run"]);
    assert_eq!(first.status.code(), Some(if cfg!(unix) { 1 } else { 0 }));
    let first_log = String::from_utf8_lossy(&first.stderr).into_owned();
    // The same long name again (different content): stored beside, shortened to fit.
    let mut other = innopolis();
    other.set("제출정보", "B7", t("다른 담당자"));
    sb.drop_bytes(&long, &other.to_bytes());
    sb.gongyak_ok(&["run"]);
    let accepted = sb.files_in("accepted");
    let submitted = accepted.iter().filter(|n| !is_note(n)).count();
    assert_eq!(submitted, 2, "{accepted:?}");
    assert!(accepted.iter().all(|n| n.len() <= 255), "notes included");
    assert!(
        sb.files_in("")
            .iter()
            .all(|f| f == "accepted" || f == "rejected" || f == ".gongyak")
    );
    #[cfg(unix)]
    {
        assert!(sb.files_in("rejected").iter().any(|f| f == "줄\n바꿈.xlsx"));
        assert!(!first_log.contains("줄\n바꿈"), "raw newline in the log");
        assert!(first_log.contains("줄\\n바꿈"), "{first_log}");
    }
}

/// Rewrites `inbox/고쳐쓰기.xlsx` with whole versions while an engine processes the
/// inbox, then lets it finish; returns the sandbox, the versions and the engine.
fn churn(in_place: bool) -> (Sandbox, Vec<Vec<u8>>, gongyak::shell::engine::Engine) {
    let sb = Sandbox::new();
    let versions: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            let mut b = innopolis();
            b.set("제출정보", "B7", t(&format!("담당자 {i}")));
            b.to_bytes()
        })
        .collect();
    let target = sb.inbox().join("고쳐쓰기.xlsx");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (target, versions, stop) = (target.clone(), versions.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && i < 400 {
                let v = &versions[i % versions.len()];
                if in_place {
                    // Truncate and write in place, as many programs save.
                    if let Ok(mut f) = std::fs::File::create(&target) {
                        let _ = f.write_all(v);
                    }
                } else {
                    // A temporary file renamed over the target, as Excel saves.
                    let tmp = target.with_file_name("~$고쳐쓰기.tmp");
                    if std::fs::write(&tmp, v).is_ok() {
                        let _ = std::fs::rename(&tmp, &target);
                    }
                }
                i += 1;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let cfg = gongyak::shell::engine::Config::new(sb.inbox(), sb.outbox(), sb.templates());
    let mut engine = gongyak::shell::engine::Engine::open(cfg).unwrap();
    for _ in 0..60 {
        engine.run_once().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.join().unwrap();
    engine.run_once().unwrap();
    engine.run_once().unwrap();
    assert!(
        sb.files_in("")
            .iter()
            .all(|f| f == "accepted" || f == "rejected" || f == ".gongyak"),
        "the last version was processed too: {:?}",
        sb.files_in("")
    );
    (sb, versions, engine)
}

fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Submitted files in accepted/ or rejected/ with their hashes.
fn stored_files(sb: &Sandbox) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["accepted", "rejected"] {
        for name in sb.files_in(dir) {
            if !is_note(&name) {
                let bytes = std::fs::read(sb.inbox().join(dir).join(&name)).unwrap();
                out.push((format!("{dir}/{name}"), sha(&bytes)));
            }
        }
    }
    out
}

/// Excel-style saves (temp file renamed over the original) while gongyak works: what
/// is moved is always exactly what the ledger recorded for it.
#[test]
fn a_file_replaced_while_being_processed_is_never_mixed_up() {
    let (sb, versions, engine) = churn(false);
    let whole: Vec<String> = versions.iter().map(|v| sha(v)).collect();
    let records = engine.ledger().records();
    assert!(
        records.iter().all(|r| whole.iter().any(|h| *h == r.hash)),
        "only whole versions are read"
    );
    for (stored, hash) in stored_files(&sb) {
        let r = records
            .iter()
            .find(|r| r.stored_as == stored)
            .unwrap_or_else(|| panic!("{stored} not in the ledger"));
        assert_eq!(
            r.hash, hash,
            "{stored}: moved content differs from the recorded one"
        );
    }
}

/// In-place rewrites (truncate, then write) while gongyak works: a half-written file is
/// never accepted, and every version that ends up stored is a whole one. (A writer
/// holding the file open can still change it after it was moved; such a file is
/// returned to the inbox when the move notices, see Engine::settle_file.)
#[test]
fn a_file_rewritten_in_place_is_retried_and_never_accepted_half_written() {
    let (sb, versions, engine) = churn(true);
    let whole: Vec<String> = versions.iter().map(|v| sha(v)).collect();
    for r in engine.ledger().records() {
        if r.outcome == gongyak::core::consolidate::Outcome::Accepted {
            assert!(whole.iter().any(|h| *h == r.hash), "accepted a torn read");
        }
    }
    for (stored, hash) in stored_files(&sb) {
        if stored.starts_with("accepted/") {
            assert!(whole.contains(&hash), "{stored} is not a whole version");
        }
    }
}

/// Inputs the fuzzer found (tests/fixtures/fuzz/): each must give E-READ, not a panic.
#[test]
fn fuzzer_regressions_are_read_errors() {
    let dir = fixtures().join("fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let c = check(&bytes, &catalog(), &Limits::default());
        assert!(!c.accepted(), "{}", path.display());
        assert!(
            c.findings.iter().any(|f| f.code.as_str() == "E-READ"),
            "{}: {:?}",
            path.display(),
            codes(&c)
        );
        n += 1;
    }
    assert!(n > 0);
}
