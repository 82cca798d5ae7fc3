"""Which reps or teams a report is about, and finding them by id or name."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import ibis

from kvot.errors import SettingsError, UsageError
from kvot.metrics.context import MetricContext, Tables


@dataclass(frozen=True)
class Selection:
    level: str
    team: str | None = None
    rep: str | None = None


def _find(table: ibis.Table, id_col: str, what: str, wanted: str,
          also: tuple[str, ...] = ("name",)) -> str:
    """An id, or a name (any case; for reps also an e-mail) that only one rep or team has."""
    rows = table.select(id_col, *also).to_pyarrow().to_pylist()
    key = wanted.strip().casefold()
    for r in rows:
        if r[id_col].casefold() == key:
            return r[id_col]
    named = sorted({r[id_col] for r in rows
                    if any(r[c] is not None and r[c].strip().casefold() == key for c in also)})
    if len(named) == 1:
        return named[0]
    if named:
        raise SettingsError(f"{wanted!r} names {len(named)} {what}s ({', '.join(named)}); "
                            "give the id instead")
    close = difflib.get_close_matches(wanted, [r["name"] for r in rows if r["name"]], n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise SettingsError(f"no {what} called {wanted!r} in the workspace{hint}")


def find_rep(tables: Tables, wanted: str) -> str:
    return _find(tables.reps, "rep_id", "rep", wanted, ("name", "email"))


def find_team(tables: Tables, wanted: str) -> str:
    return _find(tables.teams, "team_id", "team", wanted)


def subtree(tables: Tables, team_id: str) -> ibis.Table:
    """The team and every team below it (column ``team_id``)."""
    c = tables.closure
    return c.filter(c.ancestor_id == team_id).select("team_id")


def _reps(ctx: MetricContext, sel: Selection) -> ibis.Table:
    r = ctx.tables.reps
    reps = r.select(id=r.rep_id, name=r.name, parent=ibis.null("string"),
                    active_from=r.hired_on, active_to=r.left_on,
                    strict=ibis.literal(sel.team is not None))
    if sel.rep:
        reps = reps.filter(reps.id == find_rep(ctx.tables, sel.rep))
    if sel.team:
        m = ctx.tables.memberships
        inside = m.semi_join(subtree(ctx.tables, find_team(ctx.tables, sel.team)), "team_id")
        spans = inside.group_by("rep_id").aggregate(
            m_from=inside.valid_from.min(), m_to=(inside.valid_to - ibis.interval(days=1)).max(),
            open_from=inside.valid_from.isnull().any(), open_to=inside.valid_to.isnull().any())
        reps = reps.join(spans, reps.id == spans.rep_id)
        reps = reps.select(
            "id", "name", "parent", "strict",
            active_from=ibis.ifelse(spans.open_from, reps.active_from,
                                    ibis.greatest(spans.m_from, reps.active_from.fill_null(spans.m_from))),
            active_to=ibis.ifelse(spans.open_to, reps.active_to,
                                  ibis.least(spans.m_to, reps.active_to.fill_null(spans.m_to))))
    return reps


def _teams(ctx: MetricContext, sel: Selection) -> ibis.Table:
    t = ctx.tables.teams
    teams = t.select(id=t.team_id, name=t.name, parent=t.parent_id,
                     active_from=ibis.null("date"), active_to=ibis.null("date"),
                     strict=ibis.literal(False))
    if sel.team:
        inside = subtree(ctx.tables, find_team(ctx.tables, sel.team)).rename(id="team_id")
        teams = teams.semi_join(inside, "id")
    return teams


def select_entities(ctx: MetricContext, sel: Selection) -> ibis.Table | None:
    if sel.level == "rep":
        return _reps(ctx, sel)
    if sel.rep:
        raise UsageError("--rep narrows a rep report; use --by rep with --rep")
    if sel.level == "team":
        return _teams(ctx, sel)
    if sel.team:
        raise UsageError("--team narrows a rep or team report; the company is every team: "
                         "use --by team --team NAME for that team and those under it")
    return None


def team_paths(tables: Tables) -> dict[str, tuple[str, ...]]:
    """Each team's names from the top of the hierarchy down to it (a small query)."""
    rows = tables.teams.select("team_id", "name", "parent_id").to_pyarrow().to_pylist()
    by_id = {r["team_id"]: r for r in rows}

    def path(team_id: str, seen: tuple = ()) -> tuple[str, ...]:
        row = by_id[team_id]
        parent = row["parent_id"]
        if parent is None or parent not in by_id or parent in seen:
            return (row["name"],)
        return path(parent, seen + (team_id,)) + (row["name"],)

    return {team_id: path(team_id) for team_id in by_id}
