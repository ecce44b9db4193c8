//! A compound file (OLE/CFB) read the way calamine reads it, for the pre-scan.
//!
//! The `cfb` crate validates the directory tree (sibling name order, red-black colours)
//! and refuses files that Excel and calamine open: Apache POI's
//! `ConditionalFormattingSamples.xls` has directory siblings out of order. calamine
//! never walks that tree: it scans the directory entries in order and follows sector
//! chains. So does this reader, refusing only what would hurt: a chain followed for
//! more sectors than the file has (a loop calamine would follow up to the stream's
//! declared length, terabytes for a hostile entry) or pointing outside the file or its
//! allocation table (calamine would fail or index past its tables). What calamine
//! tolerates is read as calamine reads it: a stream declaring more bytes than its chain
//! holds, a short loop within the declared length.

/// Sector numbers at and above this are markers, not sectors.
const MAX_REG_SECT: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// A stream shorter than this lives in the mini stream.
const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;

/// One directory entry.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    start: u32,
    len: u64,
    /// Directory tree links (entry indices, `u32::MAX` for none).
    left: u32,
    right: u32,
    child: u32,
}

/// The directory and allocation tables of a compound file, borrowing its bytes.
#[derive(Debug)]
pub(crate) struct Ole<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    entries: Vec<Entry>,
    mini_fat: Vec<u32>,
    /// Start sector and length of the root entry's stream, which holds the mini sectors.
    mini_stream: Option<(u32, u64)>,
}

impl<'a> Ole<'a> {
    /// Reads the header, the allocation tables and the directory.
    ///
    /// # Errors
    /// A short description of the damage (English, for the technical detail).
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let header = bytes
            .get(..512)
            .ok_or("OLE: file shorter than its header")?;
        if header[..8] != SIGNATURE {
            return Err("OLE: no signature".to_owned());
        }
        let sector = match u16_at(header, 30) {
            9 => 512,
            12 => 4096,
            s => return Err(format!("OLE: sector shift {s}")),
        };
        let version = u16_at(header, 26);
        let dir_start = u32_at(header, 48);
        let mini_fat_start = u32_at(header, 60);
        let mini_fat_len = u32_at(header, 64);
        let mut ole = Ole {
            bytes,
            sector,
            fat: Vec::new(),
            entries: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: None,
        };
        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose last
        // entry points to the next one.
        let mut difat: Vec<u32> = (0..109).map(|i| u32_at(header, 76 + 4 * i)).collect();
        let mut next = u32_at(header, 68);
        let mut steps = 0usize;
        while next < MAX_REG_SECT {
            steps += 1;
            if steps > ole.sector_count() {
                return Err("OLE: DIFAT chain loops".to_owned());
            }
            let s = ole.sector_bytes(next)?;
            let ids: Vec<u32> = s.chunks_exact(4).map(|c| u32_at(c, 0)).collect();
            let Some((&last, rest)) = ids.split_last() else {
                break;
            };
            difat.extend_from_slice(rest);
            next = last;
        }
        let mut fat = Vec::new();
        for id in difat.into_iter().filter(|&id| id < DIFSECT) {
            // calamine skips nothing here: a FAT sector outside the file is damage.
            let s = ole.sector_bytes(id)?;
            fat.extend(s.chunks_exact(4).map(|c| u32_at(c, 0)));
        }
        ole.fat = fat;
        let dir = ole.chain(dir_start, None)?;
        ole.entries = dir
            .chunks_exact(128)
            .map(|e| {
                let mut units: Vec<u16> = e[..64]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                if let Some(end) = units.iter().position(|&u| u == 0) {
                    units.truncate(end);
                }
                let len = if version == 3 || sector == 512 {
                    u64::from(u32_at(e, 120))
                } else {
                    u64::from(u32_at(e, 120)) | (u64::from(u32_at(e, 124)) << 32)
                };
                Entry {
                    name: String::from_utf16_lossy(&units),
                    start: u32_at(e, 116),
                    len,
                    left: u32_at(e, 68),
                    right: u32_at(e, 72),
                    child: u32_at(e, 76),
                }
            })
            .collect();
        let root = ole.entries.first().ok_or("OLE: empty directory")?.clone();
        if mini_fat_len > 0 && mini_fat_start < MAX_REG_SECT {
            let mini_fat = ole.chain(mini_fat_start, None)?;
            ole.mini_fat = mini_fat.chunks_exact(4).map(|c| u32_at(c, 0)).collect();
            ole.mini_stream = Some((root.start, root.len));
        }
        Ok(ole)
    }

    fn sector_count(&self) -> usize {
        self.bytes.len().saturating_sub(512).div_ceil(self.sector)
    }

    /// The bytes of one sector; the last sector of the file may be short.
    fn sector_bytes(&self, id: u32) -> Result<&'a [u8], String> {
        let start = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_add(1))
            .and_then(|i| i.checked_mul(self.sector))
            .filter(|&s| s < self.bytes.len())
            .ok_or_else(|| format!("OLE: sector {id} beyond the end of the file"))?;
        let end = (start + self.sector).min(self.bytes.len());
        Ok(&self.bytes[start..end])
    }

    /// The bytes of a chain of sectors from `start`, at most `len` of them.
    fn chain(&self, start: u32, len: Option<u64>) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        let want = len.map(|l| usize::try_from(l).unwrap_or(usize::MAX));
        while id != END_OF_CHAIN {
            if want.is_some_and(|w| out.len() >= w) {
                break;
            }
            steps += 1;
            if steps > self.sector_count() {
                return Err("OLE: sector chain loops".to_owned());
            }
            out.extend_from_slice(self.sector_bytes(id)?);
            id = *self
                .fat
                .get(id as usize)
                .ok_or_else(|| format!("OLE: sector {id} outside the allocation table"))?;
        }
        if let Some(w) = want {
            out.truncate(w);
        }
        Ok(out)
    }

    fn mini_chain(&self, start: u32, len: u64) -> Result<Vec<u8>, String> {
        let (root_start, root_len) = self.mini_stream.ok_or("OLE: no mini stream")?;
        let mini = self.chain(root_start, Some(root_len))?;
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        let want = usize::try_from(len).unwrap_or(usize::MAX);
        while id != END_OF_CHAIN && out.len() < want {
            steps += 1;
            if steps > mini.len() / MINI_SECTOR + 1 {
                return Err("OLE: mini sector chain loops".to_owned());
            }
            let at = (id as usize)
                .checked_mul(MINI_SECTOR)
                .filter(|&a| a < mini.len())
                .ok_or_else(|| format!("OLE: mini sector {id} beyond the mini stream"))?;
            out.extend_from_slice(&mini[at..(at + MINI_SECTOR).min(mini.len())]);
            id = *self
                .mini_fat
                .get(id as usize)
                .ok_or_else(|| format!("OLE: mini sector {id} outside its table"))?;
        }
        out.truncate(want);
        Ok(out)
    }

    /// Whether an entry of this name exists (ASCII case ignored, as calamine does).
    pub(crate) fn exists(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The names of every directory entry, in directory order (the root's first).
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    /// The names of the entries directly under the root (the document's own streams,
    /// not those of an embedded object), following the tree's links in any order; `None`
    /// when the links are broken.
    pub(crate) fn root_names(&self) -> Option<Vec<&str>> {
        let mut names = Vec::new();
        let mut seen = vec![false; self.entries.len()];
        let mut stack = vec![self.entries.first()?.child];
        while let Some(id) = stack.pop() {
            if id == u32::MAX {
                continue;
            }
            let i = usize::try_from(id).ok()?;
            if std::mem::replace(seen.get_mut(i)?, true) {
                return None; // a loop
            }
            let e = self.entries.get(i)?;
            names.push(e.name.as_str());
            stack.push(e.left);
            stack.push(e.right);
        }
        Some(names)
    }

    fn find(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The content of the first stream of this name, as calamine would read it.
    ///
    /// # Errors
    /// The stream is missing or its chain is broken. A chain never yields more bytes
    /// than the file holds, whatever length the entry declares.
    pub(crate) fn stream(&self, name: &str) -> Result<Vec<u8>, String> {
        let e = self
            .find(name)
            .ok_or_else(|| format!("OLE: no {name} stream"))?;
        if e.len < MINI_CUTOFF {
            self.mini_chain(e.start, e.len)
        } else {
            self.chain(e.start, Some(e.len))
        }
    }
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn fixture(rel: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every stream reads as the `cfb` crate reads it, from the mini stream (short
    /// streams) and from regular sectors alike.
    #[test]
    fn streams_read_as_the_cfb_crate_reads_them() {
        for rel in [
            "formats/innopolis.xls",
            "formats/encrypted.xls",
            "peers/calamine/date_1904.xls",
            "peers/calamine/any_sheets.xls",
        ] {
            let bytes = fixture(rel);
            let ole = Ole::parse(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut strict = cfb::CompoundFile::open(Cursor::new(&bytes)).expect(rel);
            let streams: Vec<_> = strict
                .walk()
                .filter(|e| e.is_stream())
                .map(|e| (e.name().to_owned(), e.path().to_path_buf(), e.len()))
                .collect();
            assert!(
                streams.iter().any(|(_, _, len)| *len < MINI_CUTOFF),
                "{rel}"
            );
            for (name, path, _) in streams {
                let mut want = Vec::new();
                strict
                    .open_stream(&path)
                    .and_then(|mut s| s.read_to_end(&mut want))
                    .expect(rel);
                assert_eq!(ole.stream(&name).ok(), Some(want), "{rel}: {name}");
            }
        }
    }

    #[test]
    fn the_documents_own_streams_are_those_under_the_root() {
        let mut doc = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
        doc.create_stream("/WordDocument").expect("stream");
        doc.create_storage("/ObjectPool").expect("storage");
        doc.create_storage("/ObjectPool/_1").expect("storage");
        std::io::Write::write_all(
            &mut doc
                .create_stream("/ObjectPool/_1/Workbook")
                .expect("stream"),
            b"embedded",
        )
        .expect("write");
        doc.flush().expect("flush");
        let bytes = doc.into_inner().into_inner();
        let ole = Ole::parse(&bytes).expect("parses");
        let root = ole.root_names().expect("an intact tree");
        assert!(root.contains(&"WordDocument") && root.contains(&"ObjectPool"));
        assert!(!root.contains(&"Workbook"));
        // calamine, looking by name at any depth, would find the embedded one.
        assert!(ole.exists("Workbook"));
    }

    #[test]
    fn a_sector_chain_that_loops_is_damage() {
        let mut bytes = fixture("formats/innopolis.xls");
        let ole = Ole::parse(&bytes).expect("parses");
        let entry = ole.find("Workbook").expect("Workbook").clone();
        assert!(entry.len >= MINI_CUTOFF);
        // Point the Workbook stream's first sector back at itself in the FAT.
        let first_fat_sector = u32_at(&bytes, 76) as usize;
        let at = (first_fat_sector + 1) * ole.sector + 4 * entry.start as usize;
        bytes[at..at + 4].copy_from_slice(&entry.start.to_le_bytes());
        // A loop within the declared length reads as calamine reads it (the same
        // sector again); one that would run past the whole file is refused.
        let ole = Ole::parse(&bytes).expect("the directory is intact");
        assert!(ole.stream("Workbook").is_ok());
        let name: Vec<u8> = "Workbook"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let dir = bytes
            .windows(name.len())
            .position(|w| w == name)
            .expect("directory entry");
        bytes[dir + 120..dir + 124].copy_from_slice(&u32::MAX.to_le_bytes());
        let ole = Ole::parse(&bytes).expect("the directory is intact");
        let err = ole.stream("Workbook").expect_err("a loop");
        assert!(err.contains("loops"), "{err}");
    }
}
