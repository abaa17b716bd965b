#!/usr/bin/env python3
"""Generate Sources/IntentMatching/HanziTables.swift.

The keyword matcher folds traditional characters to simplified ones and compares
toneless pinyin, so a recogniser's 户照 or a traditional 護照 still reaches 护照. The data
comes from Unihan and OpenCC. It is baked into Swift source so nothing is read at run time.
It is written as compact string literals, because array literals are slow to compile.
HanziTable.swift decodes them once.

Inputs (Debian: unicode-data, opencc):
  Unihan_Readings.txt.bz2  first reading of kMandarin, else kHanyuPinyin, else kXHC1983
  TSCharacters.txt         traditional -> simplified; if only the binary TSCharacters.ocd2
                           is installed (as on Debian), it is dumped with opencc_dict
  TWVariantsRev / HKVariantsRev (same directory, optional)  Taiwan/Hong Kong variant forms
                           (衞, 枱, 粧, ...) that recognisers and IMEs emit; kept only when
                           their standard traditional form is itself simplified by
                           TSCharacters

Usage: python3 scripts/gen-hanzi-tables.py [--unihan PATH] [--opencc-dir DIR] [--output PATH]
"""

import argparse
import bz2
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

FIRST, LAST = 0x3400, 0x9FFF  # CJK Extension A through the end of the Unified block
COUNT = LAST - FIRST + 1
DIGIT_BASE = 0x30  # base-64 digits are '0'...'o': no '"' or '#', so safe in a #"""…"""# literal
READINGS_PER_LINE = 64
PAIRS_PER_LINE = 32
SYLLABLES_PER_LINE = 24
READING_FIELDS = ("kMandarin", "kHanyuPinyin", "kXHC1983")  # in order of preference

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def in_range(ch):
    return len(ch) == 1 and FIRST <= ord(ch) <= LAST


def first_reading(field, value):
    """The first reading in a Unihan reading field, still with its tone mark."""
    token = value.split()[0]
    if field == "kMandarin":
        return token
    # kHanyuPinyin "10001.010:yī,qí" and kXHC1983 "1351.020:yī" (several locations may
    # precede the colon).
    return token.partition(":")[2].split(",")[0]


def toneless(reading):
    """'lǜ' -> 'lv', 'nǚ' -> 'nv', 'ê̄' -> 'e': pinyin as typed on a keyboard."""
    s = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    s = "".join(c for c in s if not unicodedata.combining(c))
    if not re.fullmatch("[a-z]+", s):
        sys.exit(f"gen-hanzi-tables: cannot make ASCII pinyin of {reading!r}")
    return s


def read_unihan(path):
    """{code point: toneless syllable} for the range, and the file's version line."""
    fields = {}  # (code point, field) -> value
    version = "unknown version"
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Unicode version:"):
                version = "Unicode " + line.split(":", 1)[1].strip()
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t", 2)
            code = int(cp[2:], 16)
            if FIRST <= code <= LAST and field in READING_FIELDS:
                fields[(code, field)] = value
    readings = {}
    for code in range(FIRST, LAST + 1):
        for field in READING_FIELDS:
            value = fields.get((code, field))
            if value:
                readings[code] = toneless(first_reading(field, value))
                break
    return readings, version


def read_opencc(path):
    """{source: [candidates]} from an OpenCC text dictionary."""
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                source, targets = line.split("\t", 1)
                table[source] = targets.split()
    return table


def opencc_dictionary(directory, name, scratch):
    """Path of NAME.txt, dumping NAME.ocd2 with opencc_dict when only the binary exists."""
    text = os.path.join(directory, name + ".txt")
    if os.path.exists(text):
        return text
    binary = os.path.join(directory, name + ".ocd2")
    tool = shutil.which("opencc_dict")
    if not (os.path.exists(binary) and tool):
        return None
    out = os.path.join(scratch, name + ".txt")
    subprocess.run([tool, "-i", binary, "-o", out, "-f", "ocd2", "-t", "text"], check=True)
    return out


def traditional_pairs(opencc_dir):
    """{traditional: simplified} for single in-range characters, chains resolved."""
    with tempfile.TemporaryDirectory() as scratch:
        ts_path = opencc_dictionary(opencc_dir, "TSCharacters", scratch)
        if ts_path is None:
            sys.exit(f"gen-hanzi-tables: no TSCharacters.txt or .ocd2 + opencc_dict in {opencc_dir}")
        ts = read_opencc(ts_path)
        variants = []
        for name in ("TWVariantsRev", "HKVariantsRev"):
            path = opencc_dictionary(opencc_dir, name, scratch)
            if path:
                variants.append(read_opencc(path))

    mapping = {}
    for source, targets in ts.items():
        # Identity first candidates (阪, 藉, 瞭, ...) mean "usually already simplified".
        if len(source) == 1 and len(targets[0]) == 1 and targets[0] != source:
            mapping[source] = targets[0]
    # A regional variant goes through its standard form (衞 -> 衛 -> 卫). Only when that form
    # really simplifies: TWVariantsRev also lists 么 -> 幺, 著 -> 着, 抬 -> 擡, which would
    # break 什么, 著名 and 抬.
    for table in variants:
        for variant, targets in table.items():
            standard = targets[0]
            if len(variant) == 1 and variant not in ts and standard in mapping:
                mapping.setdefault(variant, mapping[standard])

    def settle(ch):  # 薴 -> 苧 -> 苎: simplified() must be idempotent
        seen = {ch}
        while ch in mapping and mapping[ch] not in seen:
            ch = mapping[ch]
            seen.add(ch)
        return ch

    # Out-of-range sources and targets (mostly Extension B) are dropped: a character the
    # reading table cannot see is better left as it is.
    settled = {source: settle(source) for source in mapping}
    return {s: t for s, t in settled.items() if in_range(s) and in_range(t) and t != s}


def digits(n):
    return chr(DIGIT_BASE + (n >> 6)) + chr(DIGIT_BASE + (n & 63))


def render(readings, version, pairs, unihan_path, opencc_dir):
    syllables = sorted(set(readings.values()))
    assert len(syllables) < 64 * 64, "syllable ids must fit in two base-64 digits"
    ids = {s: i + 1 for i, s in enumerate(syllables)}  # id 0 = no reading

    encoded = "".join(digits(ids.get(readings.get(code), 0)) for code in range(FIRST, LAST + 1))
    width = 2 * READINGS_PER_LINE
    reading_lines = [encoded[i:i + width] for i in range(0, len(encoded), width)]

    flat = [t + s for t, s in sorted(pairs.items())]
    pair_lines = ["".join(flat[i:i + PAIRS_PER_LINE]) for i in range(0, len(flat), PAIRS_PER_LINE)]
    syllable_lines = [" ".join(syllables[i:i + SYLLABLES_PER_LINE])
                      for i in range(0, len(syllables), SYLLABLES_PER_LINE)]

    def block(lines):
        return "\n".join(lines)

    return f"""\
// GENERATED by scripts/gen-hanzi-tables.py. Do not edit; rerun the script instead.
// Sources: {os.path.basename(unihan_path)} ({version}; kMandarin, else kHanyuPinyin, else
// kXHC1983, first reading, toneless, ü written v) and OpenCC TSCharacters + TW/HK variants
// from {opencc_dir}.
// {len(readings)} of {COUNT} code points in U+{FIRST:04X}...U+{LAST:04X} have a reading; \
{len(syllables)} syllables; {len(pairs)} traditional pairs.
// Decoded once by HanziTable.swift; string literals keep compile time low.

enum HanziTables {{
    /// Distinct toneless syllables separated by spaces or newlines. Syllable id n is the
    /// n-th word counting from 1; id 0 means "no reading".
    static let syllables = \"\"\"
{block(syllable_lines)}
\"\"\"

    /// Syllable id of each code point from U+{FIRST:04X} to U+{LAST:04X}, in order: two base-64
    /// digits (high, low), each byte - 0x{DIGIT_BASE:02X}. {READINGS_PER_LINE} code points a line; newlines are skipped.
    static let readings = #\"\"\"
{block(reading_lines)}
\"\"\"#

    /// Traditional then simplified character, alternating; newlines are skipped.
    static let traditionalPairs = \"\"\"
{block(pair_lines)}
\"\"\"
}}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unihan", default="/usr/share/unicode/Unihan_Readings.txt.bz2")
    parser.add_argument("--opencc-dir", default="/usr/share/opencc")
    parser.add_argument("--output", default=os.path.join(REPO, "Sources/IntentMatching/HanziTables.swift"))
    args = parser.parse_args()

    readings, version = read_unihan(args.unihan)
    pairs = traditional_pairs(args.opencc_dir)
    source = render(readings, version, pairs, args.unihan, args.opencc_dir)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(source)
    print(f"wrote {args.output}: {len(source.encode())} bytes, {len(readings)} readings, "
          f"{len(pairs)} traditional pairs")


if __name__ == "__main__":
    main()
