"""A seeded generator of a realistic sales organisation, in kvot's generic import format.

    python benchmarks/generate.py --rows 1000000 --out bench-data/1000000

writes ``teams.csv``, ``reps.csv``, ``fx.csv``, ``quotas.csv``, ``deals.csv`` and
``credits.csv`` (see docs/import.md) plus ``kvot.toml``, the settings to import them with.
The same seed and size give the same bytes.

The company (fixed whatever the size; only the deals scale):

- 100 teams in three levels: 4 regions > 16 areas > 80 teams; about 2 000 reps in the 80 teams.
- Five years, 2021-01-01 .. 2025-12-31. 40 % of the reps are hired during them (new hires, with
  ramped quotas: 25/50/75/100 % of the full quota in their first four months); 15 % leave; 20 %
  change team once (a team history row in reps.csv with ``team_from``).
- Monthly MRR quotas per rep, in the rep's region currency (SEK, EUR, USD), plus explicit
  monthly team quotas for the four regions (an explicit team quota wins over the members' sum).
- Daily FX rates (business days only, so a weekend deal takes Friday's rate) of SEK and EUR in
  USD, the reporting currency.
- ``rows`` deal rows: 3 % are identical repeats of another row (kvot drops them); 55 % won,
  30 % lost, 15 % open; kinds new / expansion / renewal / contraction / churn, and one-time fees
  (see below); billing periods monthly .. 3-year; amounts per billing period; close dates with
  month-end peaks (a quarter of the deals close on the last days of a month); each deal is
  owned by a rep employed on its close date, in the rep's region currency 80 % of the time.
- 10 % of the deals are split (60/40, 50/50 or 50/30/20 revenue credits between reps employed
  on the close date); 1 % also carry a 100 % overlay credit.

One-time fees: kvot has no kind or billing period for a charge that is not recurring (SPEC 2:
"one-time fees are not MRR"), so they are written as kind ``other`` with billing period ``1``
(one month): kvot reads them and never counts them.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

START = np.datetime64("2021-01-01")
END = np.datetime64("2025-12-31")
REPORTING = "USD"
CURRENCIES = np.array(["SEK", "EUR", "USD"])
REGIONS = [("nordics", "Nordics", 0), ("dach", "DACH", 1), ("na", "North America", 2),
           ("uki", "UK & Ireland", 1)]  # (id, name, currency index)
AREAS_PER_REGION, TEAMS_PER_AREA, REPS = 4, 5, 2000
FULL_QUOTA = {"SEK": 120_000, "EUR": 11_000, "USD": 12_000}  # a ramped-up rep's monthly quota
RAMP = (0.25, 0.50, 0.75)  # first three months of a new hire; 100 % afterwards
MRR_SCALE = {"SEK": 9_000.0, "EUR": 800.0, "USD": 900.0}  # median monthly amount of a deal
STAGES = np.array(["Closed Won", "Closed Lost", "Negotiation", "Proposal"])
STAGE_P = [0.55, 0.30, 0.10, 0.05]
KINDS = np.array(["new", "expansion", "renewal", "contraction", "churn", "other"])
KIND_P = [0.50, 0.22, 0.15, 0.03, 0.02, 0.08]
PERIODS = np.array(["monthly", "quarterly", "semi-annual", "annual", "2-year", "3-year"])
PERIOD_MONTHS = np.array([1, 3, 6, 12, 24, 36])
PERIOD_P = [0.35, 0.15, 0.05, 0.35, 0.05, 0.05]
ONE_TIME = "1"  # billing period written for one-time fees (kind other): one month
REPEAT_SHARE, SPLIT_SHARE, OVERLAY_SHARE = 0.03, 0.10, 0.01
FIRST = ["Anna", "Erik", "Maja", "Lars", "Sara", "Johan", "Elin", "Karl", "Ida", "Per", "Lena",
         "Nils", "Emma", "Oskar", "Frida", "Jonas", "Klara", "Hugo", "Sofia", "Axel", "Hanna",
         "Max", "Julia", "Leon", "Lea", "Paul", "Mia", "Felix", "Laura", "Lukas", "Emily", "Jack",
         "Olivia", "Noah", "Grace", "Liam", "Ava", "Ethan", "Chloe", "Owen", "Åsa", "Örjan",
         "Jürgen", "Zoë", "Björn", "Märta", "Søren", "Chloé", "Renée", "Ólafur"]
LAST = ["Berg", "Lind", "Ek", "Holm", "Nyström", "Åberg", "Öberg", "Sjöberg", "Wallin", "Dahl",
        "Müller", "Schmidt", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Bauer",
        "Richter", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
        "Johnson", "Roberts", "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Jackson",
        "O'Brien", "Murphy", "Kelly", "Ryan", "Byrne", "Walsh", "Quinn", "Nolan", "Doyle",
        "Lindqvist", "Forsberg", "Engström", "Hedlund"]
WORDS = ["Nord", "Alpha", "Vega", "Polar", "Fjord", "Berg", "Delta", "Nova", "Orbit", "Lumen",
         "Kraft", "Stern", "Blue", "Summit", "Cedar", "Pine", "Atlas", "Iron", "Silver", "Echo"]
SUFFIXES = ["AB", "GmbH", "Inc", "Ltd", "Oy", "AS", "& Co", "Holding AB", "Group, Inc"]


@dataclass
class Org:
    """The reps and teams drawn for one seed."""

    team_ids: list[str]  # leaf teams
    region_of_team: np.ndarray  # leaf team -> region index
    rep_ids: np.ndarray
    rep_names: np.ndarray
    home: np.ndarray  # leaf team index of the first spell
    moved_to: np.ndarray  # leaf team index after a move, -1 when the rep never moves
    moved_on: np.ndarray  # datetime64[D]
    hired_on: np.ndarray
    left_on: np.ndarray  # NaT when still employed
    currency: np.ndarray  # index into CURRENCIES (region of the home team)

    @property
    def active_from(self) -> np.ndarray:
        return np.maximum(self.hired_on, START)

    @property
    def active_to(self) -> np.ndarray:
        return np.where(np.isnat(self.left_on), END, np.minimum(self.left_on, END))


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _month_end(days: np.ndarray) -> np.ndarray:
    return (days.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def _teams() -> tuple[pa.Table, list[str], np.ndarray]:
    rows, leaves, leaf_region = [], [], []
    for r, (rid, rname, _) in enumerate(REGIONS):
        rows.append((rid, rname, None, "region"))
        for a in range(1, AREAS_PER_REGION + 1):
            aid = f"{rid}-{a}"
            rows.append((aid, f"{rname} {a}", rid, "area"))
            for t in range(1, TEAMS_PER_AREA + 1):
                tid = f"{aid}-{t}"
                rows.append((tid, f"{rname} {a}.{t}", aid, "team"))
                leaves.append(tid)
                leaf_region.append(r)
    cols = list(zip(*rows))
    table = pa.table({k: pa.array(v, pa.string()) for k, v in
                      zip(("team_id", "name", "parent", "level"), cols)})
    return table, leaves, np.array(leaf_region)


def _org(rng: np.random.Generator) -> Org:
    _, leaves, leaf_region = _teams()
    n = REPS
    combos = rng.choice(len(FIRST) * len(LAST), size=n, replace=False)
    names = np.array([f"{FIRST[c // len(LAST)]} {LAST[c % len(LAST)]}" for c in combos])
    home = np.arange(n) % len(leaves)
    span = int((END - START).astype(int))
    new_hire = rng.random(n) < 0.40
    hired = np.where(new_hire, START + rng.integers(0, span - 120, n),
                     START - rng.integers(30, 3000, n)).astype("datetime64[D]")
    leaves_at = hired + rng.integers(180, 2500, n)
    left = np.where((rng.random(n) < 0.15) & (leaves_at < END) & (leaves_at > START + 90),
                    leaves_at, np.datetime64("NaT")).astype("datetime64[D]")
    org = Org(leaves, leaf_region, np.array([f"R{i + 1:04d}" for i in range(n)]), names, home,
              np.full(n, -1), np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), hired, left,
              np.array([REGIONS[leaf_region[h]][2] for h in home]))
    first, last = org.active_from, org.active_to
    room = (last - first).astype(int)
    moves = (rng.random(n) < 0.20) & (room > 120)
    org.moved_on = np.where(moves, first + 60 + (rng.random(n) * np.maximum(room - 120, 1)).astype(int),
                            np.datetime64("NaT")).astype("datetime64[D]")
    org.moved_to = np.where(moves, (home + rng.integers(1, len(leaves), n)) % len(leaves), -1)
    return org


def _reps_table(org: Org) -> pa.Table:
    first = ~np.zeros(len(org.rep_ids), bool)
    moved = org.moved_to >= 0
    idx = np.concatenate([np.flatnonzero(first), np.flatnonzero(moved)])
    team = np.concatenate([org.home, org.moved_to[moved]])
    team_from = np.concatenate([org.hired_on, org.moved_on[moved]])
    order = np.lexsort((team_from, idx))
    idx, team, team_from = idx[order], team[order], team_from[order]
    leaves = np.array(org.team_ids)
    emails = np.char.add(np.char.add(np.char.lower(org.rep_ids[idx]), "@"), "example.com")
    return pa.table({
        "rep_id": org.rep_ids[idx], "name": org.rep_names[idx], "email": emails,
        "team": leaves[team], "team_from": pa.array(team_from),
        "hired_on": pa.array(org.hired_on[idx]),
        "left_on": pa.array(org.left_on[idx], mask=np.isnat(org.left_on[idx]))})


def _quotas_table(org: Org, rng: np.random.Generator) -> pa.Table:
    """Monthly rep quotas while employed (ramped for new hires) and region team quotas."""
    months = np.arange(START.astype("datetime64[M]"), END.astype("datetime64[M]") + 1)
    hired_month = org.hired_on.astype("datetime64[M]")
    first_full = hired_month + (org.hired_on != hired_month.astype("datetime64[D]")).astype(int)
    last_full = np.where(np.isnat(org.left_on), months[-1],
                         (org.left_on + 1).astype("datetime64[M]") - 1)
    rep, month = np.meshgrid(np.arange(len(org.rep_ids)), months, indexing="ij")
    rep, month = rep.ravel(), month.ravel()
    keep = (month >= first_full[rep]) & (month <= last_full[rep])
    rep, month = rep[keep], month[keep]
    tenure = (month - first_full[rep]).astype(int)
    ramp = np.where(org.hired_on[rep] >= START,
                    np.array(RAMP + (1.0,))[np.minimum(tenure, len(RAMP))], 1.0)
    full = np.array([FULL_QUOTA[c] for c in CURRENCIES])[org.currency[rep]]
    personal = 1 + 0.25 * rng.standard_normal(len(org.rep_ids))
    amount = np.round(full * np.clip(personal[rep], 0.5, 1.6) * ramp / 100) * 100
    labels = np.datetime_as_string(month, unit="M")
    region_month = [(rid, m, int(FULL_QUOTA["USD"] * 500 * (1 + 0.01 * i)), "USD")
                    for i, m in enumerate(np.datetime_as_string(months, unit="M"))
                    for rid, _, _ in REGIONS]
    return pa.concat_tables([
        pa.table({"rep": org.rep_names[rep], "team": pa.nulls(len(rep), pa.string()),
                  "period": labels, "amount": amount.astype(np.int64),
                  "currency": CURRENCIES[org.currency[rep]]}),
        pa.table({"rep": pa.nulls(len(region_month), pa.string()),
                  "team": [r[0] for r in region_month], "period": [r[1] for r in region_month],
                  "amount": pa.array([r[2] for r in region_month], pa.int64()),
                  "currency": [r[3] for r in region_month]}),
    ])


def _fx_table(rng: np.random.Generator) -> pa.Table:
    days = np.arange(START - 45, END + 1)
    days = days[np.is_busday(days)]
    parts = []
    for currency, level, vol in (("SEK", 0.100, 0.004), ("EUR", 1.100, 0.003)):
        walk = level * np.exp(np.cumsum(vol * rng.standard_normal(len(days))) * 0.3)
        parts.append(pa.table({"currency": [currency] * len(days), "base": [REPORTING] * len(days),
                               "date": pa.array(days), "rate": np.round(walk, 6)}))
    return pa.concat_tables(parts)


def _close_dates(org: Org, owner: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first, last = org.active_from[owner], org.active_to[owner]
    room = (last - first).astype(np.int64) + 1
    day = first + (rng.random(len(owner)) * room).astype(np.int64)
    peak = rng.random(len(owner)) < 0.25  # month-end close peak: the last three days
    snapped = _month_end(day) - rng.integers(0, 3, len(owner))
    return np.where(peak, np.clip(snapped, first, last), day)


def _active(org: Org, rep: np.ndarray, day: np.ndarray) -> np.ndarray:
    return (org.active_from[rep] <= day) & (org.active_to[rep] >= day)


def _deals(org: Org, n_unique: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    owner = rng.integers(0, len(org.rep_ids), n_unique)
    close = _close_dates(org, owner, rng)
    stage = rng.choice(len(STAGES), n_unique, p=STAGE_P)
    kind = rng.choice(len(KINDS), n_unique, p=KIND_P)
    period = rng.choice(len(PERIODS), n_unique, p=PERIOD_P)
    own_currency = rng.random(n_unique) < 0.8
    currency = np.where(own_currency, org.currency[owner], rng.integers(0, 3, n_unique))
    scale = np.array([MRR_SCALE[c] for c in CURRENCIES])[currency]
    mrr = scale * rng.lognormal(0.0, 0.8, n_unique)
    months = np.where(kind == 5, 1, PERIOD_MONTHS[period])
    cents = np.maximum(np.round(mrr * months * 100), 100).astype(np.int64)
    return {"owner": owner, "close": close, "stage": stage, "kind": kind, "period": period,
            "currency": currency, "cents": cents, "name": rng.integers(0, len(WORDS) ** 2 * len(SUFFIXES), n_unique)}


def _company_names() -> pa.Array:
    return pa.array([f"{a}{b.lower()} {s}" for a in WORDS for b in WORDS for s in SUFFIXES])


def _deals_table(org: Org, d: dict, n_rows: int, rng: np.random.Generator) -> pa.Table:
    n_unique = len(d["owner"])
    repeats = rng.integers(0, n_unique, n_rows - n_unique)
    rows = rng.permutation(np.concatenate([np.arange(n_unique), repeats]))
    open_no_date = (d["stage"][rows] >= 2) & (rows % 5 == 0)  # some open deals have no date yet
    is_fee = d["kind"][rows] == 5
    period_text = np.where(is_fee, ONE_TIME, PERIODS[d["period"][rows]])
    return pa.table({
        "deal_id": _deal_ids(rows),
        "name": pa.DictionaryArray.from_arrays(pa.array(d["name"][rows], pa.int32()), _company_names()),
        "owner": pa.DictionaryArray.from_arrays(pa.array(d["owner"][rows], pa.int32()),
                                                pa.array(org.rep_names)),
        "stage": pa.DictionaryArray.from_arrays(pa.array(d["stage"][rows], pa.int8()), pa.array(STAGES)),
        "close_date": pa.array(d["close"][rows], mask=open_no_date),
        "cents": d["cents"][rows],
        "currency": pa.DictionaryArray.from_arrays(pa.array(d["currency"][rows], pa.int8()),
                                                   pa.array(CURRENCIES)),
        "kind": pa.DictionaryArray.from_arrays(pa.array(d["kind"][rows], pa.int8()), pa.array(KINDS)),
        "billing_period": pa.array(period_text),
    })


def _deal_ids(rows: np.ndarray) -> pa.Array:
    """``D000012345`` without a Python string per row (numpy's char functions are slow)."""
    digits = np.zeros((len(rows), 10), dtype=np.uint8)
    digits[:, 0] = ord("D")
    value = rows.copy()
    for pos in range(9, 0, -1):
        digits[:, pos] = ord("0") + value % 10
        value //= 10
    offsets = np.arange(0, 10 * len(rows) + 1, 10, dtype=np.int32)
    return pa.StringArray.from_buffers(len(rows), pa.py_buffer(offsets), pa.py_buffer(digits.tobytes()))


def _credits_table(org: Org, d: dict, rng: np.random.Generator) -> pa.Table:
    n = len(d["owner"])
    split = np.flatnonzero(rng.random(n) < SPLIT_SHARE)
    parts = [], [], [], []

    def partner(deals: np.ndarray, exclude: list[np.ndarray]) -> np.ndarray:
        """A rep employed on each deal's close date, other than ``exclude``; -1 if none found."""
        out = np.full(len(deals), -1)
        for _ in range(12):
            todo = np.flatnonzero(out < 0)
            if not len(todo):
                break
            cand = (d["owner"][deals[todo]] + rng.integers(1, 40, len(todo))) % len(org.rep_ids)
            ok = _active(org, cand, d["close"][deals[todo]])
            for ex in exclude:
                ok &= cand != ex[todo]
            out[todo[ok]] = cand[ok]
        return out

    second = partner(split, [d["owner"][split]])
    split, second = split[second >= 0], second[second >= 0]
    three = rng.random(len(split)) < 0.2
    third = partner(split, [d["owner"][split], second])
    three &= third >= 0
    even = rng.random(len(split)) < 0.5
    shares = [np.where(three, 50, np.where(even, 50, 60)), np.where(three, 30, np.where(even, 50, 40))]
    for reps, share, mask in ((d["owner"][split], shares[0], None), (second, shares[1], None),
                              (third, np.full(len(split), 20), three)):
        keep = np.ones(len(split), bool) if mask is None else mask
        parts[0].append(split[keep]), parts[1].append(reps[keep])
        parts[2].append(share[keep]), parts[3].append(np.zeros(keep.sum(), np.int8))
    overlay = np.flatnonzero(rng.random(n) < OVERLAY_SHARE)
    specialist = partner(overlay, [d["owner"][overlay]])
    overlay, specialist = overlay[specialist >= 0], specialist[specialist >= 0]
    parts[0].append(overlay), parts[1].append(specialist)
    parts[2].append(np.full(len(overlay), 100)), parts[3].append(np.ones(len(overlay), np.int8))
    deal, rep, share, ctype = (np.concatenate(p) for p in parts)
    order = np.lexsort((ctype, deal))
    deal, rep, share, ctype = deal[order], rep[order], share[order], ctype[order]
    return pa.table({
        "deal_id": _deal_ids(deal),
        "rep": pa.DictionaryArray.from_arrays(pa.array(rep, pa.int32()), pa.array(org.rep_names)),
        "share": share.astype(np.int64),
        "credit_type": pa.DictionaryArray.from_arrays(pa.array(ctype, pa.int8()),
                                                      pa.array(["revenue", "overlay"])),
    })


def _copy(con: duckdb.DuckDBPyConnection, table: pa.Table, select: str, path: Path) -> None:
    con.register("t", table)
    con.execute(f"COPY (SELECT {select} FROM t) TO '{path}' (HEADER, DELIMITER ',')")
    con.unregister("t")


CONFIG = """# settings for importing the generated files (kvot import ... --config kvot.toml)
amount = "per_billing_period"
reporting_currency = "USD"
"""


def generate(out: Path, rows: int, seed: int = 42) -> dict:
    """Write the six CSV files for ``rows`` deal rows into ``out``; return a summary."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    org = _org(rng)
    con = duckdb.connect()
    teams, _, _ = _teams()
    _copy(con, teams, "*", out / "teams.csv")
    _copy(con, _reps_table(org), "*", out / "reps.csv")
    _copy(con, _fx_table(rng), "currency, base, date, printf('%.6f', rate) AS rate", out / "fx.csv")
    quotas = _quotas_table(org, rng)
    _copy(con, quotas, "*", out / "quotas.csv")
    n_unique = round(rows / (1 + REPEAT_SHARE))
    d = _deals(org, n_unique, np.random.default_rng([seed, rows]))
    deals = _deals_table(org, d, rows, np.random.default_rng([seed, rows, 1]))
    _copy(con, deals, "deal_id, name, owner, stage, close_date, "
          "CAST(cents AS DECIMAL(18,0)) * CAST(0.01 AS DECIMAL(3,2)) AS amount, currency, kind, billing_period",
          out / "deals.csv")
    credits = _credits_table(org, d, np.random.default_rng([seed, rows, 2]))
    _copy(con, credits, "deal_id, rep, share, credit_type", out / "credits.csv")
    (out / "kvot.toml").write_text(CONFIG)
    summary = {"seed": seed, "rows": rows, "unique_deals": n_unique, "reps": REPS,
               "teams": teams.num_rows, "quota_rows": quotas.num_rows, "credit_rows": credits.num_rows}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.rows, args.seed)))


if __name__ == "__main__":
    main()
