#!/usr/bin/env python3
"""Runs the spreadsheets of calamine's and Apache POI's test suites through `gongyak check`.

Every file is checked as it is and, where the sheets can be renamed without rewriting the
rest of the file, with its first sheets renamed 제출정보/투자계획/추진목표/추진일정 so that
gongyak reads their cells. A file fails the suite when gongyak

  * crashes (exit status >= 101, or killed by a signal),
  * runs longer than the time limit (10 s),
  * needs more memory than the limit (400 MB: address space capped with RLIMIT_AS, and
    the peak resident size measured), or
  * calls the file damaged (손상) while calamine itself reads every worksheet of it
    (judged by `examples/calamine_reads.rs`, run under the same limits).

Usage (from the repository root):

    cargo build --release --bin gongyak --example calamine_reads --example rename_xls_sheets
    python3 scripts/peer-suite.py [--calamine PATH] [--poi PATH] [--jobs N] [--only SUBSTR]

PATH is a checkout of the repository or a bare git directory (the files are then taken
from its HEAD). Defaults: $PEER_CALAMINE / $PEER_POI, else peers/calamine and peers/poi in
the repository, else /work/.mirror/tafia+calamine/repo and /work/.mirror/apache+poi/repo.
A missing suite is skipped with a note (CI has no network); with neither present the
script exits 0 after saying so. Exit status 1 when any file failed.

Renaming: xlsx/xlsm (xl/workbook.xml), xlsb (the BrtBundleSh records of xl/workbook.bin)
and ods (content.xml) are renamed in place, every other part of the package copied byte
for byte. Legacy BIFF8 .xls files are renamed by `examples/rename_xls_sheets.rs` (the
BoundSheet records rewritten, the sheet offsets moved, every stream copied into a new
compound file); an .xls it cannot handle (BIFF5, encrypted, a directory the `cfb` crate
refuses) is checked as it is only.

The peers' files are Apache-2.0 (POI) and MIT (calamine) licensed; this script only reads
them, into target/peer-suite/ (not committed).
"""

import argparse
import concurrent.futures as cf
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "peer-suite"
EXTS = {".xls", ".xlsx", ".xlsm", ".xlsb", ".xltx", ".xltm", ".xlt", ".xlam", ".xla", ".ods"}
NAMES = ["제출정보", "투자계획", "추진목표", "추진일정"]
TIME_LIMIT = 10.0
MEM_LIMIT = 400 * 1024 * 1024

SUITES = [
    # name, env var, in-repo checkout, mirror, folder inside the repository
    ("calamine", "PEER_CALAMINE", ROOT / "peers" / "calamine",
     Path("/work/.mirror/tafia+calamine/repo"), "tests"),
    ("poi", "PEER_POI", ROOT / "peers" / "poi",
     Path("/work/.mirror/apache+poi/repo"), "test-data/spreadsheet"),
]


def locate(env, local, mirror, override):
    for cand in [override, os.environ.get(env), local, mirror]:
        if cand and Path(cand).exists():
            return Path(cand)
    return None


def is_bare_git(p):
    return (p / "HEAD").is_file() and (p / "objects").is_dir()


def extract(name, src, folder):
    """Copies the suite's spreadsheets into target/peer-suite/<name>/, returns the paths."""
    dest = WORK / name
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    if is_bare_git(src):
        listing = subprocess.run(
            ["git", "--git-dir", str(src), "ls-tree", "-r", "-z", "HEAD", "--", folder],
            check=True, capture_output=True).stdout.split(b"\0")
        for entry in listing:
            if not entry:
                continue
            meta, path = entry.split(b"\t", 1)
            path = path.decode()
            if Path(path).suffix.lower() not in EXTS:
                continue
            target = dest / path[len(folder) + 1:]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                blob = subprocess.run(["git", "--git-dir", str(src), "cat-file", "blob",
                                       meta.split()[2].decode()], capture_output=True)
                if blob.returncode != 0:
                    # A snapshot may list its largest files without holding them.
                    print(f"note: {name}/{path} absent from {src}; skipped")
                    continue
                target.write_bytes(blob.stdout)
            out.append(target)
    else:
        base = src / folder
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix.lower() in EXTS:
                target = dest / p.relative_to(base)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(p, target)
                out.append(target)
    return sorted(out)


# --- renaming -------------------------------------------------------------------------

def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def rename_xml_attr(xml, element, attr):
    """Renames the first len(NAMES) `element`s' `attr` in document order."""
    count = [0]
    pat = re.compile(r"(<%s\b[^>]*?\b%s\s*=\s*)(\"[^\"]*\"|'[^']*')" % (re.escape(element), re.escape(attr)))

    def sub(m):
        if count[0] >= len(NAMES):
            return m.group(0)
        new = NAMES[count[0]]
        count[0] += 1
        return m.group(1) + '"' + xml_escape(new) + '"'

    return pat.sub(sub, xml), count[0]


def rewrite_zip(src, dst, member, transform):
    """Copies the zip, `member` transformed; None when the package cannot be handled."""
    try:
        with zipfile.ZipFile(src) as zin:
            names = zin.namelist()
            if member not in names:
                return None
            with zipfile.ZipFile(dst, "w") as zout:
                done = False
                for info in zin.infolist():
                    data = zin.read(info.filename)
                    if info.filename == member and not done:
                        data = transform(data)
                        if data is None:
                            return None
                        done = True
                    zout.writestr(info, data)
        return dst
    except Exception:  # a malformed package: checked as it is only
        return None


def rename_xlsx(data):
    text = data.decode("utf-8")
    text, n = rename_xml_attr(text, "sheet", "name")
    return text.encode("utf-8") if n else None


def rename_ods(data):
    text = data.decode("utf-8")
    text, n = rename_xml_attr(text, "table:table", "table:name")
    return text.encode("utf-8") if n else None


def varint_read(b, i, max_bytes):
    v, shift = 0, 0
    for k in range(max_bytes):
        c = b[i + k]
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i + k + 1
    return v, i + max_bytes


def varint_len(n):
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def rename_xlsb(data):
    """Rewrites the names in the BrtBundleSh records (type 0x9C) of xl/workbook.bin."""
    out, i, n = bytearray(), 0, 0
    while i < len(data):
        start = i
        typ, i = varint_read(data, i, 2)
        size, i = varint_read(data, i, 4)
        body = data[i:i + size]
        if len(body) < size:
            return None
        i += size
        if typ == 0x9C and n < len(NAMES) and len(body) >= 12:
            (rel_len,) = struct.unpack_from("<I", body, 8)
            name_at = 12 + (0 if rel_len == 0xFFFFFFFF else rel_len * 2)
            name = NAMES[n].encode("utf-16-le")
            body = body[:name_at] + struct.pack("<I", len(NAMES[n])) + name
            n += 1
            out += data[start:start + (2 if typ >= 0x80 else 1)] + varint_len(len(body)) + body
        else:
            out += data[start:i]
    return bytes(out) if n else None


def renamed_copy(path, xls_renamer):
    ext = path.suffix.lower()
    dst = WORK / "renamed" / path.relative_to(WORK)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if ext in {".xls", ".xlt", ".xla"}:
        if not xls_renamer:
            return None
        try:
            r = subprocess.run([xls_renamer, str(path), str(dst)], capture_output=True,
                               timeout=TIME_LIMIT)
        except subprocess.TimeoutExpired:
            return None
        return dst if r.returncode == 0 else None
    if not zipfile.is_zipfile(path):
        return None
    if ext in {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"}:
        return rewrite_zip(path, dst, "xl/workbook.xml", rename_xlsx)
    if ext == ".xlsb":
        return rewrite_zip(path, dst, "xl/workbook.bin", rename_xlsb)
    if ext == ".ods":
        return rewrite_zip(path, dst, "content.xml", rename_ods)
    return None


# --- running --------------------------------------------------------------------------

def limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))
    os.setsid()


def run_measured(cmd):
    """Runs cmd under the limits, measured by GNU time.

    Returns (exit status or -signal, stdout, stderr, seconds, peak RSS in KB, timed out).
    """
    stats = WORK / f"time.{os.getpid()}"
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M %x", "-o", str(stats)] + cmd,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=limited, cwd=ROOT)
    timed_out = False
    try:
        out, err = p.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    secs = time.monotonic() - t0
    rc, peak_kb = p.returncode, 0
    try:
        lines = stats.read_text().splitlines()
        m = re.search(r"terminated by signal (\d+)", "\n".join(lines))
        peak, status = lines[-1].split()
        peak_kb = int(peak)
        rc = -int(m.group(1)) if m else int(status)
    except (OSError, ValueError, IndexError):
        pass
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), secs, \
        peak_kb, timed_out


def judge(args_bin, args_reader, templates, path):
    rc, out, err, secs, peak_kb, timed_out = run_measured(
        [args_bin, "check", "--templates", str(templates), str(path)])
    problems = []
    if timed_out:
        problems.append(f"timeout (> {TIME_LIMIT:.0f} s)")
    elif rc < 0:
        problems.append(f"crash (signal {-rc})")
    elif rc >= 101:
        problems.append(f"crash (exit {rc})")
    if "memory allocation" in err or peak_kb * 1024 > MEM_LIMIT:
        problems.append(f"memory excess (peak {peak_kb // 1024} MB)")
    damaged = "손상" in out
    if damaged and not timed_out:
        crc, cout, cerr, _, _, ctimed = run_measured([args_reader, str(path)])
        if crc == 0 and not ctimed:
            problems.append("called damaged (손상) but calamine reads every worksheet")
    first = next((line.strip() for line in out.splitlines() if "E-READ" in line), "")
    return problems, secs, peak_kb, first, err.strip().splitlines()[-3:]


def job(bin_, reader, templates, path, variant):
    problems, secs, peak_kb, eread, err = judge(bin_, reader, templates, path)
    return path, variant, problems, secs, peak_kb, eread, err


def main():
    warnings.simplefilter("ignore")  # zipfile: duplicate member names in malformed peers
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calamine")
    ap.add_argument("--poi")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "gongyak"))
    ap.add_argument("--reader", default=str(ROOT / "target" / "release" / "examples" / "calamine_reads"))
    ap.add_argument("--renamer",
                    default=str(ROOT / "target" / "release" / "examples" / "rename_xls_sheets"))
    ap.add_argument("--templates", default=str(ROOT / "templates"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="check only files whose path contains this text")
    ap.add_argument("--verbose", action="store_true", help="list every file with its E-READ")
    args = ap.parse_args()

    files = []
    for name, env, local, mirror, folder in SUITES:
        src = locate(env, local, mirror, getattr(args, name))
        if src is None:
            print(f"note: {name} test suite not found (set {env} or --{name}); skipped")
            continue
        got = extract(name, src, folder)
        print(f"{name}: {len(got)} spreadsheets from {src}")
        files += got
    if not files:
        print("note: no peer files present; nothing checked")
        return 0
    for tool in (args.bin, args.reader):
        if not Path(tool).is_file():
            print(f"error: {tool} missing; run: "
                  "cargo build --release --bin gongyak --example calamine_reads "
                  "--example rename_xls_sheets")
            return 2
    xls_renamer = args.renamer if Path(args.renamer).is_file() else None
    if xls_renamer is None:
        print(f"note: {args.renamer} missing; legacy .xls files are checked as they are only")
    if args.only:
        files = [f for f in files if args.only in str(f)]

    shutil.rmtree(WORK / "renamed", ignore_errors=True)
    work = []
    not_renamed = 0
    for f in files:
        work.append((f, "as is"))
        r = renamed_copy(f, xls_renamer)
        if r is None:
            not_renamed += 1
        else:
            work.append((r, "renamed"))

    failures = []
    ereads = {}
    slowest = (0.0, None)
    biggest = (0, None)
    with cf.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(job, args.bin, args.reader, args.templates, p, v) for p, v in work]
        for fut in cf.as_completed(futs):
            path, variant, problems, secs, peak_kb, eread, err = fut.result()
            rel = path.relative_to(WORK)
            if secs > slowest[0]:
                slowest = (secs, rel)
            if peak_kb > biggest[0]:
                biggest = (peak_kb, rel)
            if eread:
                ereads[(rel, variant)] = eread
            if problems:
                failures.append((rel, variant, problems, eread, err))

    print(f"\n{len(work)} runs ({len(files)} files; {not_renamed} not renamed: "
          "not a package or BIFF8 .xls the renamers handle)")
    print(f"slowest: {slowest[0]:.2f} s ({slowest[1]}); "
          f"largest peak: {biggest[0] // 1024} MB ({biggest[1]})")
    print(f"E-READ refusals: {len(ereads)}")
    if args.verbose:
        for (rel, variant), e in sorted(ereads.items()):
            print(f"  {rel} [{variant}]: {e}")
    if not failures:
        print("no crash, no timeout, no memory excess, no readable workbook called damaged")
        return 0
    print(f"\n{len(failures)} FAILED:")
    for rel, variant, problems, eread, err in sorted(failures):
        print(f"  {rel} [{variant}]: {'; '.join(problems)}")
        if eread:
            print(f"      {eread}")
        for line in err:
            print(f"      stderr: {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
