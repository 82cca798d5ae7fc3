"""Replace groups of rows in a workspace table with what an import brings, changing only what differs.

A "group" is the set of rows sharing a key (one deal, the credits of one deal, one quota span).
Incoming groups identical to the stored ones are left alone, so importing the same data twice
changes nothing; a group that differs is replaced whole, and stamped with the new import id.
The rows it replaces move to ``_kvot_history_<table>`` with the id of the import that replaced
them (see :mod:`kvot.store.history`).
"""
from __future__ import annotations

import pyarrow as pa

from kvot.ingest.staged import Staged


def _key_sql(columns: list[str], alias: str) -> str:
    """One value per group: the key column itself (single keys are NOT NULL), or the key's
    columns joined, NULL as a character of its own."""
    if len(columns) == 1:
        return f"{alias}.{columns[0]}"
    parts = [f"coalesce(CAST({alias}.{c} AS VARCHAR), chr(30))" for c in columns]
    return "concat_ws(chr(31), " + ", ".join(parts) + ")"


def replace_groups(workspace, table: str, incoming: pa.Table | Staged, key: list[str],
                   import_id: int, groups: int | None = None) -> int:
    """Write ``incoming`` (every column of ``table`` but import_id/line... as given) into ``table``.

    Returns the number of groups that were new or changed. ``groups``: how many groups
    ``incoming`` has, when the caller knows (one row per deal).
    """
    values = [c for c in incoming.column_names if c != "line"]
    workspace.load_temp("_kvot_incoming", incoming)
    try:
        inc_key, cur_key = _key_sql(key, "i"), _key_sql(key, "t")
        if not _overlaps(workspace, table, key):
            return _insert_new(workspace, table, incoming, inc_key, import_id, groups)
        cols = ", ".join(values)
        workspace.execute("DROP TABLE IF EXISTS _kvot_changed")
        workspace.execute(f"""
            CREATE TEMP TABLE _kvot_changed AS
            WITH inc AS (SELECT {inc_key} AS k, {cols} FROM _kvot_incoming i),
                 cur AS (SELECT {cur_key} AS k, {cols} FROM {table} t
                         WHERE {cur_key} IN (SELECT k FROM inc)),
                 diff AS ((SELECT * FROM inc EXCEPT SELECT * FROM cur)
                          UNION (SELECT * FROM cur EXCEPT SELECT * FROM inc))
            SELECT DISTINCT k FROM diff""")
        changed = workspace.execute("SELECT count(*) FROM _kvot_changed")[0][0]
        if changed:
            workspace.execute(f"""
                INSERT INTO _kvot_history_{table}
                SELECT t.*, ? FROM {table} t WHERE {cur_key} IN (SELECT k FROM _kvot_changed)""",
                              [import_id])
            workspace.execute(f"DELETE FROM {table} t WHERE {cur_key} IN (SELECT k FROM _kvot_changed)")
            all_cols = ", ".join(incoming.column_names)
            workspace.execute(f"""
                INSERT INTO {table} ({all_cols}, import_id)
                SELECT {all_cols}, ? FROM _kvot_incoming i
                WHERE {inc_key} IN (SELECT k FROM _kvot_changed)""", [import_id])
        workspace.execute("DROP TABLE _kvot_changed")
        return changed
    finally:
        workspace.drop_temp("_kvot_incoming")


def _overlaps(workspace, table: str, key: list[str]) -> bool:
    """Whether any incoming group may already be in ``table`` (a first import has none)."""
    if not workspace.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS x")[0][0]:
        return False
    first = key[0]
    return bool(workspace.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM _kvot_incoming i WHERE i.{first} IN "
        f"(SELECT {first} FROM {table}) OR i.{first} IS NULL LIMIT 1) AS x")[0][0])


def _insert_new(workspace, table: str, incoming, inc_key: str, import_id: int,
                groups: int | None) -> int:
    """Every group is new: insert the rows; the count of groups is what changed."""
    all_cols = ", ".join(incoming.column_names)
    workspace.execute(f"INSERT INTO {table} ({all_cols}, import_id) "
                      f"SELECT {all_cols}, ? FROM _kvot_incoming i", [import_id])
    if groups is not None:
        return groups
    return workspace.execute(f"SELECT count(DISTINCT {inc_key}) FROM _kvot_incoming i")[0][0]
