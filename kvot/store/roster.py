"""Find reps and teams named in an import: by id, e-mail or name, case-insensitively.

An id wins; an e-mail or name that fits one rep (or team) finds it; one that fits several is an
error naming them, never a silent pick. An owner or rep that the roster does not know becomes a
new rep (id and name = the value given); the import's notes list every rep added that way. An
unknown team is an error where the team is only referred to (quotas, parents), and a new team
where a rep file assigns someone to it. A team is one name under one parent: ``Enterprise``
under EMEA and ``Enterprise`` under US are two teams.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kvot.errors import KvotError


class AmbiguousName(KvotError):
    """A name or e-mail that fits several reps or teams."""

    def __init__(self, what: str, ref: str, ids: set[str]):
        self.ids = sorted(ids)
        super().__init__(f"{ref!r} names {len(ids)} {what}s ({', '.join(self.ids)})")


def _key(text: str) -> str:
    return text.strip().casefold()


@dataclass
class Roster:
    rep_ids: dict[str, str] = field(default_factory=dict)  # casefolded id -> rep_id
    rep_aliases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    team_ids: dict[str, str] = field(default_factory=dict)  # casefolded id -> team_id
    team_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[tuple, str] = field(default_factory=dict)  # (parent_id, name) -> team_id
    new_reps: dict[str, str] = field(default_factory=dict)  # rep_id -> name

    @classmethod
    def load(cls, workspace) -> "Roster":
        roster = cls()
        for rep_id, name, email in workspace.execute("SELECT rep_id, name, email FROM reps"):
            roster.know_rep(rep_id, name, email)
        for team_id, name, parent_id in workspace.execute("SELECT team_id, name, parent_id FROM teams"):
            roster.know_team(team_id, name, parent_id)
        return roster

    def know_rep(self, rep_id: str, name: str | None, email: str | None) -> None:
        for alias in (email, name):
            if alias:
                self.rep_aliases[_key(alias)].add(rep_id)
        self.rep_ids[_key(rep_id)] = rep_id

    def know_team(self, team_id: str, name: str, parent_id: str | None) -> None:
        self.team_ids[_key(team_id)] = team_id
        self.team_names[_key(name)].add(team_id)
        self.children[(parent_id, _key(name))] = team_id

    def rep_id(self, ref: str) -> str:
        """The rep called ``ref``; a new rep when nobody is; AmbiguousName when several are."""
        found = self._find("rep", ref, self.rep_ids, self.rep_aliases)
        if found is None:
            found = ref.strip()
            self.new_reps[found] = found
            self.know_rep(found, found, ref if "@" in ref else None)
        return found

    def team_id(self, ref: str) -> str | None:
        """The team called ``ref`` (id or name), None when none is; AmbiguousName when several."""
        return self._find("team", ref, self.team_ids, self.team_names)

    def free_team_id(self, name: str, parent_id: str | None) -> str:
        """An id for a new team: its name, or ``parent/name`` when the name is taken."""
        name = name.strip()
        if _key(name) not in self.team_ids:
            return name
        return f"{parent_id}/{name}" if parent_id else f"top/{name}"

    @staticmethod
    def _find(what: str, ref: str, ids: dict, aliases: dict) -> str | None:
        key = _key(ref)
        if key in ids:
            return ids[key]
        found = aliases.get(key, set())
        if len(found) > 1:
            raise AmbiguousName(what, ref, found)
        return next(iter(found), None)

    def notes(self) -> list[str]:
        if not self.new_reps:
            return []
        names = ", ".join(sorted(self.new_reps)[:10])
        more = f" and {len(self.new_reps) - 10} more" if len(self.new_reps) > 10 else ""
        return [f"{len(self.new_reps)} rep(s) not in the roster were added: {names}{more}"]
