"""From validated records to workspace rows, one writer per kind of import."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timezone
from decimal import ROUND_HALF_EVEN, Decimal

import pyarrow as pa

from kvot.errors import ImportRejected, RowError
from kvot.ingest.staged import Staged
from kvot.store import deal_hashes
from kvot.store.closure import rebuild_closure
from kvot.store.roster import AmbiguousName, Roster
from kvot.store.write import replace_groups

MONEY = pa.decimal128(38, 10)
RATE = pa.decimal128(38, 14)
PLACES = Decimal("1e-10")
RATE_PLACES = Decimal("1e-14")


def _exact(values, places: Decimal = PLACES) -> list:
    """Decimals rounded (half-even) to the workspace's places; longer inputs are not errors."""
    return [None if v is None else Decimal(v).quantize(places, rounding=ROUND_HALF_EVEN)
            for v in values]


def _table(columns: dict[str, tuple[pa.DataType, list]]) -> pa.Table:
    return pa.table({name: pa.array(values, type) for name, (type, values) in columns.items()})


def _resolve(records, attr: str, find, file: str, column: str) -> list:
    """``find(value)`` for every record's ``attr`` (blank stays None); an ambiguous name is a
    row error naming the candidates, and the file is rejected with all of them."""
    found, errors = [], []
    for r in records:
        value = getattr(r, attr)
        try:
            found.append(find(value) if value else None)
        except AmbiguousName as exc:
            errors.append(RowError(file, r.line, column, value, f"names {len(exc.ids)} "
                                   f"({', '.join(exc.ids)})", "use the id or the e-mail instead"))
            found.append(None)
    if errors:
        raise ImportRejected(errors)
    return found


def _utc_naive(value):
    return None if value is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def write_deals(ws, records, roster: Roster, import_id: int, file: str) -> int:
    deal_hashes.forget_all(ws)
    owners = _resolve(records, "owner", roster.rep_id, file, "owner")
    _add_new_reps(ws, roster, import_id)
    table = _table({
        "deal_id": (pa.string(), [r.deal_id for r in records]),
        "name": (pa.string(), [r.name for r in records]),
        "owner_id": (pa.string(), owners),
        "stage": (pa.string(), [r.stage for r in records]),
        "is_won": (pa.bool_(), [r.is_won for r in records]),
        "kind": (pa.string(), [r.kind for r in records]),
        "closed_at": (pa.timestamp("us"), [_utc_naive(r.closed_at) for r in records]),
        "close_on": (pa.date32(), [r.close_on for r in records]),
        "amount": (MONEY, _exact(r.amount for r in records)),
        "amount_basis": (pa.string(), [r.amount_basis for r in records]),
        "months": (MONEY, _exact(r.months for r in records)),
        "mrr": (MONEY, _exact(r.mrr for r in records)),
        "currency": (pa.string(), [r.currency for r in records]),
        "line": (pa.int32(), [r.line for r in records]),
    })
    return replace_groups(ws, "deals", table, ["deal_id"], import_id)


def prepare_deal_table(ws, staged: Staged, roster: Roster, file: str) -> Staged:
    """Before the write's transaction: owners resolved through the roster once per distinct
    owner, in order of first appearance (so new reps are added in the order ``write_deals``
    adds them), and the deals narrowed to those changed since they were last imported."""
    return deal_hashes.narrow(ws, _resolve_reps(staged, "owner", "owner_id", roster, file))


def write_deal_table(ws, staged: Staged, roster: Roster, import_id: int, file: str) -> int:
    """``write_deals`` for deals read column-wise (see ``prepare_deal_table``)."""
    _add_new_reps(ws, roster, import_id)
    changed = replace_groups(ws, "deals", staged, ["deal_id"], import_id, groups=len(staged))
    deal_hashes.record(ws, staged, import_id, all_written=changed == len(staged))
    return changed


def prepare_credit_table(ws, staged: Staged, roster: Roster, file: str) -> Staged:
    return _resolve_reps(staged, "rep", "rep_id", roster, file)


def write_credit_table(ws, staged: Staged, roster: Roster, import_id: int, file: str) -> int:
    """``write_credits`` for credits read column-wise (reps resolved by ``prepare_credit_table``)."""
    ws.load_temp("_kvot_credits_in", staged)
    try:
        # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over a large table row by row
        missing = ws.execute("SELECT c.line, c.deal_id FROM _kvot_credits_in c WHERE NOT EXISTS "
                             "(SELECT 1 FROM deals d WHERE d.deal_id = c.deal_id) ORDER BY c.line")
    finally:
        ws.drop_temp("_kvot_credits_in")
    if missing:
        raise ImportRejected([RowError(file, line, "deal_id", deal_id,
                                       "is not a deal in the workspace", "import the deals first")
                              for line, deal_id in missing])
    _add_new_reps(ws, roster, import_id)
    return replace_groups(ws, "credits", staged, ["deal_id"], import_id)


def _resolve_reps(staged: Staged, column: str, to: str, roster: Roster, file: str) -> Staged:
    """Replace the rep names of ``column`` by rep ids (column ``to``), through the roster once
    per distinct name, in order of first appearance; a blank name is no rep; a name that fits
    several reps rejects the file, naming every line (as ``_resolve`` does)."""
    scratch = staged.scratch
    names = staged.first_seen(column)
    ids, ambiguous = [], {}
    for name in names:
        try:
            ids.append(roster.rep_id(name) if name else None)
        except AmbiguousName as exc:
            ids.append(None)
            ambiguous[name] = exc.ids
    if ambiguous:
        lines = scratch.con.execute(
            f"SELECT line, {column} FROM ({staged.select}) WHERE list_contains(?, {column}) "
            "ORDER BY line", [list(ambiguous)]).fetchall()
        raise ImportRejected([
            RowError(file, line, column, name, f"names {len(ambiguous[name])} "
                     f"({', '.join(ambiguous[name])})", "use the id or the e-mail instead")
            for line, name in lines])
    lookup = pa.table({"name": pa.array(names, pa.string()), "id": pa.array(ids, pa.string())})
    name = f"_kvot_rep_ids_{column}"
    staged.digest = hashlib.sha256(repr(sorted(zip(names, ids))).encode()).hexdigest()
    return staged.with_lookup(name, lookup, f"SELECT s.* EXCLUDE ({column}), r.id AS {to} "
                              f"FROM ({staged.select}) s LEFT JOIN {name} r ON r.name = s.{column}")


def write_credits(ws, records, roster: Roster, import_id: int, file: str) -> int:
    known = {d for (d,) in ws.execute("SELECT DISTINCT deal_id FROM deals")}
    missing = [RowError(file, r.line, "deal_id", r.deal_id,
                        "is not a deal in the workspace", "import the deals first")
               for r in records if r.deal_id not in known]
    if missing:
        raise ImportRejected(missing)
    reps = _resolve(records, "rep", roster.rep_id, file, "rep")
    _add_new_reps(ws, roster, import_id)
    table = _table({
        "deal_id": (pa.string(), [r.deal_id for r in records]),
        "rep_id": (pa.string(), reps),
        "share": (MONEY, _exact(r.share for r in records)),
        "credit_type": (pa.string(), [r.credit_type for r in records]),
        "line": (pa.int32(), [r.line for r in records]),
    })
    return replace_groups(ws, "credits", table, ["deal_id"], import_id)


def write_quotas(ws, records, roster: Roster, import_id: int, file: str) -> int:
    teams = _resolve(records, "team", roster.team_id, file, "team")
    errors = [RowError(file, r.line, "team", r.team, "is not a team in the workspace",
                       "import teams (or reps with their team) first; in a one-shot report, "
                       "give them with --teams FILE or --reps FILE")
              for r, team_id in zip(records, teams) if r.team and team_id is None]
    if errors:
        raise ImportRejected(errors)
    reps = _resolve(records, "rep", roster.rep_id, file, "rep")
    _add_new_reps(ws, roster, import_id)
    table = _table({
        "rep_id": (pa.string(), reps),
        "team_id": (pa.string(), teams),
        "starts_on": (pa.date32(), [r.starts_on for r in records]),
        "ends_on": (pa.date32(), [r.ends_on for r in records]),
        "amount": (MONEY, _exact(r.amount for r in records)),
        "currency": (pa.string(), [r.currency for r in records]),
        "kind": (pa.string(), ["mrr"] * len(records)),
        "line": (pa.int32(), [r.line for r in records]),
    })
    return replace_groups(ws, "quotas", table, ["rep_id", "team_id", "starts_on", "ends_on", "kind"],
                          import_id)


def write_fx(ws, records, roster: Roster, import_id: int, file: str) -> int:
    table = _table({
        "currency": (pa.string(), [r.currency.upper() for r in records]),
        "base": (pa.string(), [r.base.upper() for r in records]),
        "rate_on": (pa.date32(), [r.rate_on for r in records]),
        "rate": (RATE, _exact((r.rate for r in records), RATE_PLACES)),
        "line": (pa.int32(), [r.line for r in records]),
    })
    return replace_groups(ws, "fx_rates", table, ["currency", "base", "rate_on"], import_id)


def _add_new_reps(ws, roster: Roster, import_id: int) -> None:
    existing = {r for (r,) in ws.execute("SELECT rep_id FROM reps")}
    for rep_id, name in roster.new_reps.items():
        if rep_id not in existing:
            email = rep_id if "@" in rep_id else None
            ws.execute("INSERT INTO reps VALUES (?, ?, ?, NULL, NULL, ?)", [rep_id, name, email, import_id])


def _ensure_team(ws, roster: Roster, name: str, parent_id: str | None, import_id: int,
                 created: list[str]) -> str:
    """The team called ``name`` under ``parent_id``, created when there is none."""
    team_id = roster.children.get((parent_id, name.strip().casefold()))
    if team_id is None:
        team_id = roster.free_team_id(name, parent_id)
        ws.execute("INSERT INTO teams VALUES (?, ?, ?, NULL, ?)",
                   [team_id, name.strip(), parent_id, import_id])
        roster.know_team(team_id, name.strip(), parent_id)
        created.append(team_id)
    return team_id


def _rep_team(ws, roster, record, import_id, created) -> str | None:
    """The team a rep row assigns: a path (top first) is followed, creating the teams that are
    new; a lone team name finds the team of that name anywhere, or is a new top-level team."""
    if len(record.team_path) > 1:
        parent = None
        for name in record.team_path:
            parent = _ensure_team(ws, roster, name, parent, import_id, created)
        return parent
    name = record.team_path[0] if record.team_path else record.team
    if not name:
        return None
    return roster.team_id(name) or _ensure_team(ws, roster, name, None, import_id, created)


def write_reps(ws, records, roster: Roster, import_id: int, file: str) -> int:
    created: list[str] = []
    history = defaultdict(list)
    errors = []
    for r in records:
        roster.know_rep(r.rep_id, r.name, r.email)
        try:
            history[r.rep_id].append((r.team_from, _rep_team(ws, roster, r, import_id, created)))
        except AmbiguousName as exc:
            errors.append(RowError(file, r.line, "team", r.team, f"names {len(exc.ids)} teams "
                                   f"({', '.join(exc.ids)})", "use the team id, or a team path"))
    if errors:
        raise ImportRejected(errors)
    last = {r.rep_id: r for r in records}
    reps = _table({
        "rep_id": (pa.string(), list(last)),
        "name": (pa.string(), [r.name for r in last.values()]),
        "email": (pa.string(), [r.email for r in last.values()]),
        "hired_on": (pa.date32(), [r.hired_on for r in last.values()]),
        "left_on": (pa.date32(), [r.left_on for r in last.values()]),
    })
    changed = replace_groups(ws, "reps", reps, ["rep_id"], import_id)
    changed += replace_groups(ws, "memberships", _memberships(history), ["rep_id"], import_id)
    if created:
        rebuild_closure(ws)
    return changed + len(created)


def _memberships(history: dict) -> pa.Table:
    rows = []
    for rep_id, spells in history.items():
        spells = sorted((s for s in spells if s[1] is not None), key=lambda s: (s[0] is not None, s[0]))
        for i, (start, team_id) in enumerate(spells):
            end = spells[i + 1][0] if i + 1 < len(spells) else None
            rows.append((rep_id, team_id, start, end))
    return _table({
        "rep_id": (pa.string(), [r[0] for r in rows]),
        "team_id": (pa.string(), [r[1] for r in rows]),
        "valid_from": (pa.date32(), [r[2] for r in rows]),
        "valid_to": (pa.date32(), [r[3] for r in rows]),
    })


def write_teams(ws, records, roster: Roster, import_id: int, file: str) -> int:
    for r in records:
        roster.know_team(r.team_id, r.name, None)
    parents = _resolve(records, "parent", roster.team_id, file, "parent")
    errors = [RowError(file, r.line, "parent", r.parent, "is not a team in this file or the workspace",
                       "add the parent team first") for r, parent in zip(records, parents)
              if r.parent and parent is None]
    if errors:
        raise ImportRejected(errors)
    table = _table({
        "team_id": (pa.string(), [r.team_id for r in records]),
        "name": (pa.string(), [r.name for r in records]),
        "parent_id": (pa.string(), parents),
        "level": (pa.string(), [r.level for r in records]),
    })
    changed = replace_groups(ws, "teams", table, ["team_id"], import_id)
    rebuild_closure(ws, file)
    return changed


TABLE_WRITERS = {"deals": write_deal_table, "credits": write_credit_table}  # kind -> writer of staged rows
PREPARERS = {"deals": prepare_deal_table, "credits": prepare_credit_table}  # before the transaction
# The tables an import of each kind may change, besides the history of the versioned ones.
WRITES = {"deals": ("deals", "reps"), "credits": ("credits", "reps"), "quotas": ("quotas",),
          "fx": ("fx_rates",), "reps": ("reps", "memberships", "teams", "_kvot_team_closure"),
          "teams": ("teams", "_kvot_team_closure")}
WRITERS = {"deals": write_deals, "credits": write_credits, "quotas": write_quotas,
           "fx": write_fx, "reps": write_reps, "teams": write_teams}
