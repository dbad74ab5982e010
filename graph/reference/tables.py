"""Reading the shared reference tables (CSV) and refusing tables the layer cannot rely on."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from graph.reference.terms import ReferenceError

Row = dict[str, str]
Tables = dict[str, list[Row]]

#: Table key → file name in the reference folder.
FILES = {
    "regions": "regions.csv",
    "region_ids": "regions_ids.csv",
    "municipalities": "municipalities.csv",
    "forbund": "kommunalforbund_members.csv",
    "authorities": "authorities.csv",
    "legislation": "legislation.csv",
}
EXPECTED_PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5, "12": 33,
    "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7, "23": 8, "24": 15,
    "25": 14,
}  # fmt: skip


def read_table(folder: Path, name: str) -> list[Row]:
    path = folder / name
    if not path.is_file():
        raise ReferenceError(f"{path}: reference table not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def luhn_valid(orgnr: str) -> bool:
    """True if ``orgnr`` is ``NNNNNN-NNNN`` and its last digit is the Luhn check digit."""
    if not re.fullmatch(r"\d{6}-\d{4}", orgnr):
        return False
    digits = [int(c) for c in orgnr.replace("-", "")]
    total = 0
    for i, d in enumerate(digits[:9]):
        p = d * 2 if i % 2 == 0 else d
        total += p - 9 if p > 9 else p
    return (10 - total % 10) % 10 == digits[9]


def _code_problems(regions: list[Row], munis: list[Row]) -> list[str]:
    problems = []
    if len(regions) != 21 or len({r["lanskod"] for r in regions}) != 21:
        problems.append("regions.csv: expected 21 distinct länskoder")
    if len(munis) != 290 or len({m["kommunkod"] for m in munis}) != 290:
        problems.append("municipalities.csv: expected 290 distinct kommunkoder")
    per_county = Counter(m["lanskod"] for m in munis)
    if dict(per_county) != EXPECTED_PER_COUNTY:
        problems.append(f"municipalities.csv: municipalities per county differ: {dict(per_county)}")
    for m in munis:
        if not re.fullmatch(r"\d{4}", m["kommunkod"]) or m["kommunkod"][:2] != m["lanskod"]:
            problems.append(f"municipalities.csv: bad kommunkod/lanskod {m['kommunkod']}")
    return problems


def _orgnr_problems(tables: Tables) -> list[str]:
    orgnrs = [r["regional_authority_orgnr"] for r in tables["regions"]]
    orgnrs += [m["orgnr"] for m in tables["municipalities"]]
    orgnrs += [a["orgnr"] for a in tables["authorities"]]
    orgnrs += [f["forbund_orgnr"] for f in tables["forbund"]]
    orgnrs += [r["orgnr"] for r in tables["region_ids"]]
    return [
        f"orgnr {value} fails the Luhn check"
        for value in filter(None, orgnrs)
        if not luhn_valid(value)
    ]


def _region_id_problems(regions: list[Row], ids: list[Row]) -> list[str]:
    """regions_ids.csv: a row per region; its orgnr agrees with regions.csv where both give one."""
    problems = []
    if sorted(r["lanskod"] for r in ids) != sorted(r["lanskod"] for r in regions):
        problems.append("regions_ids.csv: expected one row for each of the 21 länskoder")
    known = {r["lanskod"]: r["regional_authority_orgnr"] for r in regions}
    for r in ids:
        if not r["orgnr"] or not r["orgnr_source"]:
            problems.append(f"regions_ids.csv: {r['lanskod']} has no orgnr or no source")
        elif known.get(r["lanskod"]) and known[r["lanskod"]] != r["orgnr"]:
            problems.append(f"regions_ids.csv: {r['lanskod']} orgnr differs from regions.csv")
        if r["region_qid"] and not re.fullmatch(r"Q\d+", r["region_qid"]):
            problems.append(f"regions_ids.csv: {r['lanskod']} bad QID {r['region_qid']!r}")
    return problems


def check_tables(tables: Tables) -> None:
    """Refuse tables that break the counts, formats and cross-checks the layer relies on."""
    problems = _code_problems(tables["regions"], tables["municipalities"])
    problems += _region_id_problems(tables["regions"], tables["region_ids"])
    problems += _orgnr_problems(tables)
    if problems:
        raise ReferenceError("; ".join(problems))


def load_tables(folder: Path) -> Tables:
    tables = {key: read_table(folder, name) for key, name in FILES.items()}
    check_tables(tables)
    return tables
