"""The team hierarchy flattened: every (ancestor, team, depth) pair, a team being its own ancestor."""
from __future__ import annotations

from kvot.errors import ImportRejected, RowError


def ancestors(parents: dict[str, str | None], team_id: str, file: str = "teams") -> list[str]:
    """``team_id`` and its ancestors, nearest first; a cycle is an error."""
    chain = [team_id]
    while (parent := parents.get(chain[-1])) is not None:
        if parent in chain:
            loop = " > ".join(chain + [parent])
            raise ImportRejected([RowError(file, None, "parent", parent,
                                           f"makes a cycle in the team hierarchy ({loop})",
                                           "give each team a parent above it")])
        chain.append(parent)
    return chain


def closure_rows(parents: dict[str, str | None], file: str = "teams") -> list[tuple[str, str, int]]:
    return [(a, t, depth) for t in parents for depth, a in enumerate(ancestors(parents, t, file))]


def rebuild_closure(workspace, file: str = "teams") -> None:
    parents = dict(workspace.execute("SELECT team_id, parent_id FROM teams"))
    rows = closure_rows(parents, file)
    workspace.execute("DELETE FROM _kvot_team_closure")
    workspace.executemany("INSERT INTO _kvot_team_closure VALUES (?, ?, ?)", rows)
