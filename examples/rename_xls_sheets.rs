//! Renames the first sheets of a legacy `.xls` to 제출정보/투자계획/추진목표/추진일정, for
//! `scripts/peer-suite.py`, so that gongyak parses their cells.
//!
//! ```sh
//! cargo run --release --example rename_xls_sheets -- IN.xls OUT.xls
//! ```
//!
//! Rewrites the names in the BoundSheet8 records of the BIFF8 `Workbook` stream, moves
//! every sheet's stream offset (`lbPlyPos`) by the change in length, and writes a new
//! compound file holding every stream of the old one. Exit status 0 when renamed, 2 when
//! the file is not one this handles (not a compound file the `cfb` crate opens, no BIFF8
//! `Workbook` stream, encrypted, records that do not parse), 3 on a usage or I/O error.

use std::io::{Cursor, Read, Write};
use std::process::ExitCode;

const NAMES: [&str; 4] = ["제출정보", "투자계획", "추진목표", "추진일정"];

/// The stream with its first sheets renamed, or `None` when it cannot be done safely.
fn rename(stream: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(stream.len() + 64);
    // Where each BoundSheet8's lbPlyPos sits in `out`.
    let mut offsets = Vec::new();
    let mut i = 0usize;
    let mut renamed = 0usize;
    loop {
        let head = stream.get(i..i + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = stream.get(i + 4..i + 4 + len)?;
        i += 4 + len;
        match typ {
            0x002F => return None, // FilePass: encrypted
            0x0809 if out.is_empty() => {
                // BOF of the globals: BIFF8 only (version 0x0600).
                if data.get(0..2)? != [0x00, 0x06] {
                    return None;
                }
                out.extend_from_slice(&stream[i - 4 - len..i]);
            }
            0x0085 => {
                offsets.push(out.len() + 4);
                if renamed < NAMES.len() {
                    let name: Vec<u16> = NAMES[renamed].encode_utf16().collect();
                    renamed += 1;
                    let mut body = data.get(0..6)?.to_vec();
                    body.push(u8::try_from(name.len()).ok()?);
                    body.push(1); // fHighByte: UTF-16LE
                    body.extend(name.iter().flat_map(|u| u.to_le_bytes()));
                    out.extend_from_slice(&0x0085u16.to_le_bytes());
                    out.extend_from_slice(&u16::try_from(body.len()).ok()?.to_le_bytes());
                    out.extend_from_slice(&body);
                } else {
                    out.extend_from_slice(&stream[i - 4 - len..i]);
                }
            }
            0x000A => {
                out.extend_from_slice(&stream[i - 4 - len..i]);
                break;
            }
            _ => out.extend_from_slice(&stream[i - 4 - len..i]),
        }
    }
    if renamed == 0 {
        return None;
    }
    let delta = out.len() as i64 - i as i64;
    out.extend_from_slice(&stream[i..]);
    for at in offsets {
        let pos = i64::from(u32::from_le_bytes(out.get(at..at + 4)?.try_into().ok()?));
        let moved = u32::try_from(pos + delta).ok()?;
        out[at..at + 4].copy_from_slice(&moved.to_le_bytes());
    }
    Some(out)
}

fn run(input: &str, output: &str) -> Result<bool, std::io::Error> {
    let bytes = std::fs::read(input)?;
    let Ok(mut old) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(false);
    };
    if !old.is_stream("/Workbook") {
        return Ok(false);
    }
    let mut stream = Vec::new();
    if old
        .open_stream("/Workbook")?
        .read_to_end(&mut stream)
        .is_err()
    {
        return Ok(false);
    }
    let Some(stream) = rename(&stream) else {
        return Ok(false);
    };
    // Version 3 (512-byte sectors), as Excel writes: calamine refuses a version 4 file
    // without a mini stream ("Empty Root directory").
    let mut new =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    let entries: Vec<(std::path::PathBuf, bool)> = old
        .walk()
        .filter(|e| !e.is_root())
        .map(|e| (e.path().to_path_buf(), e.is_stream()))
        .collect();
    for (path, is_stream) in entries {
        if !is_stream {
            new.create_storage(&path)?;
            continue;
        }
        let data = if path == std::path::Path::new("/Workbook") {
            stream.clone()
        } else {
            let mut d = Vec::new();
            if old.open_stream(&path)?.read_to_end(&mut d).is_err() {
                return Ok(false);
            }
            d
        };
        new.create_stream(&path)?.write_all(&data)?;
    }
    new.flush()?;
    std::fs::write(output, new.into_inner().into_inner())?;
    Ok(true)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: rename_xls_sheets IN.xls OUT.xls");
        return ExitCode::from(3);
    };
    match run(input, output) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("{input}: {e}");
            ExitCode::from(3)
        }
    }
}
