//! Does calamine itself read this workbook? The referee of `scripts/peer-suite.py`:
//! gongyak may call a file damaged (손상) only when calamine cannot read it either.
//!
//! ```sh
//! cargo run --release --example calamine_reads -- FILE
//! ```
//!
//! Opens FILE with whichever calamine reader accepts it (xls, xlsx, xlsb, ods, tried in
//! that order, as `open_workbook_auto_from_rs` does) and reads every worksheet (chart,
//! dialog and macro sheets have no cells to read). Exit status: 0 when every worksheet
//! was read, 1 when a worksheet could not be read, 2 when no reader opens the file,
//! 3 on a usage error. What failed is printed on stderr.

use calamine::{Reader, SheetType, open_workbook_auto_from_rs};
use std::io::Cursor;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: calamine_reads FILE");
        return ExitCode::from(3);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::from(3);
        }
    };
    let mut wb = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            eprintln!("open: {e}");
            return ExitCode::from(2);
        }
    };
    let worksheets: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut failed = 0usize;
    for name in &worksheets {
        if let Err(e) = wb.worksheet_range(name) {
            eprintln!("sheet {name:?}: {e}");
            failed += 1;
        }
    }
    println!("{} worksheet(s), {failed} unreadable", worksheets.len());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
