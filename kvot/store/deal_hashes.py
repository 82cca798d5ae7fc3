"""Re-import only what changed: a hash of the source row behind each stored deal.

``_kvot_deal_hashes`` holds, for deals written by a column-wise import into a DuckDB
workspace, ``deal_key`` (a hash of the deal id), ``row_hash`` (a hash of the row's cells, the deal
id among them, seeded with the settings, the file's format decisions and the rep each owner
resolves to) and the import that wrote it. A stored hash promises that a row with that hash gives exactly the
stored deal, so a later import of the same export skips those rows: it neither parses nor
compares nor writes them (``narrow``), and only the new and changed deals go on. Whatever
else changes a deal drops the promise: replacing a deal drops its hash (``record`` writes the
new one), an import read row by row drops every hash, and undoing an import drops the hashes
of the deal rows it wrote (a hash is kept under the import that wrote its deal's row). A hash that is missing only costs time; one that matched wrongly would need two
64-bit hashes to collide.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

from kvot.ingest.staged import Staged

TABLE = "_kvot_deal_hashes"


def row_hash_sql(staged: Staged) -> str:
    """SQL: a row's hash (BIGINT) from its cells, seeded as the module says."""
    hashes = staged.row_hashes
    seed = hashlib.sha256(f"{hashes.seed}\n{staged.digest}".encode()).hexdigest()[:32]
    cells = ", ".join(f"r.{c}" for c in hashes.cells)
    return f"CAST(hash('{seed}', {cells}) >> 1 AS BIGINT)"


DEAL_KEY = "CAST(hash(r.deal_id) >> 1 AS BIGINT)"


def usable(workspace, staged: Staged) -> bool:
    """Whether the workspace can read the staged rows directly (hashes are kept there)."""
    return (getattr(staged, "row_hashes", None) is not None and staged.scratch.shared
            and workspace.engine == "duckdb")


def narrow(workspace, staged: Staged) -> Staged:
    """The staged deals less those whose row hash is stored: the unchanged ones. Run before
    the write's transaction (it changes the scratch)."""
    if not usable(workspace, staged) or not _any_stored(workspace):
        return staged
    con, hashes = staged.scratch.con, staged.row_hashes
    stored = f"{staged.scratch.workspace_catalog}.main.{TABLE}"
    con.execute(f"""CREATE OR REPLACE TABLE _todo AS SELECT r.i
        FROM ({hashes.kept(staged.scratch, hashes.rows)}) r
        ANTI JOIN {stored} k ON k.row_hash = {row_hash_sql(staged)}""")
    con.execute(f"CREATE OR REPLACE TABLE _data_todo AS SELECT * FROM {hashes.data} "
                "WHERE i IN (SELECT i FROM _todo)")
    con.execute(f"CREATE OR REPLACE VIEW {hashes.narrowed} AS "
                f"{hashes.rows_from.format(data='_data_todo')}")
    return replace(staged, rows=con.execute("SELECT count(*) FROM _todo").fetchone()[0])


def record(workspace, staged: Staged, import_id: int, all_written: bool) -> None:
    """Store the hashes of the deals just read (inside the write's transaction), each under
    the import that wrote the deal's row as it stands: this one for the deals it wrote
    (``all_written``: every one of them), an earlier one for a deal it found unchanged, so
    that undoing that earlier import drops the hash with the row. Where hashes cannot be
    kept, drop the stored ones."""
    if not usable(workspace, staged):
        forget_all(workspace)
        return
    hashes = staged.row_hashes
    written = (f"SELECT r.deal_id, {DEAL_KEY} AS deal_key, {row_hash_sql(staged)} AS row_hash "
               f"FROM ({hashes.kept(staged.scratch, hashes.narrowed)}) r")
    if _any_stored(workspace):
        workspace.execute(f"DELETE FROM {TABLE} WHERE deal_key IN (SELECT deal_key FROM ({written}))")
    if all_written:
        workspace.execute(f"INSERT INTO {TABLE} SELECT deal_key, row_hash, ? FROM ({written})",
                          [import_id])
    else:
        workspace.execute(f"INSERT INTO {TABLE} SELECT w.deal_key, w.row_hash, d.import_id "
                          f"FROM ({written}) w JOIN deals d ON d.deal_id = w.deal_id")


def forget_all(workspace) -> None:
    """Drop every stored hash (deals were written another way)."""
    if _any_stored(workspace):
        workspace.execute(f"DELETE FROM {TABLE}")


def forget_import(workspace, import_id: int) -> None:
    workspace.execute(f"DELETE FROM {TABLE} WHERE import_id = ?", [import_id])


def _any_stored(workspace) -> bool:
    return bool(workspace.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} LIMIT 1) AS x")[0][0])
