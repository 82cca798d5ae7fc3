"""Find reps and teams named in an import: by id, e-mail or name, case-insensitively.

An owner or rep that the roster does not know becomes a new rep (id and name = the value given);
the import's notes list every rep added that way. An unknown team is an error where the team is
only referred to (quotas, parents), and a new team where a rep file assigns someone to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Roster:
    reps: dict[str, str] = field(default_factory=dict)  # casefolded id / e-mail / name -> rep_id
    teams: dict[str, str] = field(default_factory=dict)  # casefolded id / name -> team_id
    new_reps: dict[str, str] = field(default_factory=dict)  # rep_id -> name

    @classmethod
    def load(cls, workspace) -> "Roster":
        roster = cls()
        for rep_id, name, email in workspace.execute("SELECT rep_id, name, email FROM reps"):
            roster.know_rep(rep_id, name, email)
        for team_id, name in workspace.execute("SELECT team_id, name FROM teams"):
            roster.teams.setdefault(name.casefold(), team_id)
            roster.teams[team_id.casefold()] = team_id
        return roster

    def know_rep(self, rep_id: str, name: str | None, email: str | None) -> None:
        for alias in (email, name):
            if alias:
                self.reps.setdefault(alias.strip().casefold(), rep_id)
        self.reps[rep_id.strip().casefold()] = rep_id

    def rep_id(self, ref: str) -> str:
        """The rep called ``ref``; a new rep when nobody is."""
        found = self.reps.get(ref.strip().casefold())
        if found is None:
            found = ref.strip()
            self.new_reps[found] = found
            self.know_rep(found, found, ref if "@" in ref else None)
        return found

    def team_id(self, ref: str) -> str | None:
        return self.teams.get(ref.strip().casefold())

    def notes(self) -> list[str]:
        if not self.new_reps:
            return []
        names = ", ".join(sorted(self.new_reps)[:10])
        more = f" and {len(self.new_reps) - 10} more" if len(self.new_reps) > 10 else ""
        return [f"{len(self.new_reps)} rep(s) not in the roster were added: {names}{more}"]
