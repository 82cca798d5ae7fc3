"""A read-only workspace on Spark: the workspace tables as Parquet files in one folder.

The folder holds ``deals.parquet``, ``credits.parquet``, ``reps.parquet``, ``teams.parquet``,
``memberships.parquet``, ``quotas.parquet``, ``fx_rates.parquet`` and optionally
``kvot_settings.parquet`` and ``kvot_team_closure.parquet`` (computed from ``teams`` when
absent; Spark skips files whose names start with ``_``) — what ``kvot export parquet DIR`` writes, or files with the same columns kept in a lake
(the folder may be any path Spark reads: ``hdfs://``, ``s3a://`` ...). Metrics run through Ibis'
PySpark backend. Spark keeps decimal products exact (``allowPrecisionLoss`` off), as the other
engines do.
"""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.store.closure import closure_rows
from kvot.store.parquet_schema import check_columns
from kvot.store.workspace import Workspace

TABLES = ("deals", "credits", "reps", "teams", "memberships", "quotas", "fx_rates")
OPTIONAL = ("_kvot_settings", "_kvot_team_closure", "_kvot_imports")
MASTER_ENV = "KVOT_SPARK_MASTER"
SPARK_CONF = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
}
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")  # errors only
LOCAL_CONF = {
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
}


def spark_session(master: str | None = None):
    """A Spark session: ``master`` (or ``$KVOT_SPARK_MASTER``, else ``local[*]``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise WorkspaceError("--engine spark needs the spark extra: pip install -e '.[spark]' in the "
                             "kvot folder (or pip install 'kvot[spark]')") from None
    master = master or os.environ.get(MASTER_ENV) or "local[*]"
    builder = SparkSession.builder.master(master).appName("kvot")
    conf = {**(LOCAL_CONF if master.startswith("local") else {}), **SPARK_CONF}
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _quiet_query_loggers()
    for key, value in SPARK_CONF.items():
        session.conf.set(key, value)
    return session


def _quiet_query_loggers() -> None:
    """pyspark logs every failed query's context before raising; kvot explains the error
    it raises (e.g. kvot.store.overflow), so the log would only repeat it, as JSON."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL + 1)


def _read(con: ibis.BaseBackend, path: str, view: str, table: str) -> ibis.Table:
    """The Parquet file ``path`` as ``view``, with the columns kvot reads (checked)."""
    try:
        found = con.read_parquet(path, table_name=view)
    except Exception as exc:  # noqa: BLE001 - Spark raises many kinds for a file it cannot read
        reason = _reason(exc)
        raise WorkspaceError(f"{path} cannot be read as Parquet ({reason}): write it again, "
                             "e.g. with kvot export parquet") from None
    check_columns(path, table, found.schema())
    return found


def _reason(exc: Exception) -> str:
    """The first line of what Spark (or the JVM under it) says at the root of an error."""
    java = getattr(exc, "java_exception", None)
    while java is not None and java.getCause() is not None:  # the root cause says most
        java = java.getCause()
    text = str(java.getMessage()) if java is not None else str(exc)
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return line[:300]


class SparkWorkspace(Workspace):
    engine = "spark"

    def __init__(self, location: str, con: ibis.BaseBackend, tables: dict[str, ibis.Table],
                 session, view_prefix: str = "kvot_"):
        super().__init__(location)
        self._ibis = con
        self._tables = tables
        self.session = session  # for SQL of kvot's own (the checks)
        self.view_prefix = view_prefix  # the Spark views of the tables are named with it

    @classmethod
    def connect(cls, folder: str, master: str | None = None, session=None) -> "SparkWorkspace":
        session = session or spark_session(master)
        con = ibis.pyspark.connect(session)
        prefix = f"kvot_{uuid.uuid4().hex[:8]}_"
        tables = {}
        for name in TABLES + OPTIONAL:
            path = f"{folder.rstrip('/')}/{file_name(name)}"
            if _is_local(folder) and not Path(path).exists():
                if name in TABLES:
                    raise WorkspaceError(f"{path} is missing: a Spark workspace folder needs "
                                         f"{', '.join(t + '.parquet' for t in TABLES)}")
                continue
            tables[name] = _read(con, path, prefix + name.strip("_"), name)
        workspace = cls(folder, con, tables, session, prefix)
        if "_kvot_team_closure" not in tables:
            tables["_kvot_team_closure"] = workspace._closure_from_teams()
        return workspace

    def _closure_from_teams(self) -> ibis.Table:
        teams = self._tables["teams"].select("team_id", "parent_id").to_pyarrow().to_pylist()
        rows = closure_rows({r["team_id"]: r["parent_id"] for r in teams})
        return ibis.memtable(pa.table({
            "ancestor_id": pa.array([r[0] for r in rows], pa.string()),
            "team_id": pa.array([r[1] for r in rows], pa.string()),
            "depth": pa.array([r[2] for r in rows], pa.int32())}))

    def _connect_ibis(self) -> ibis.BaseBackend:
        return self._ibis

    def table(self, name: str) -> ibis.Table:
        return self._tables[name]

    def settings(self) -> dict[str, str]:
        if "_kvot_settings" not in self._tables:
            return {}
        rows = self._tables["_kvot_settings"].to_pyarrow().to_pylist()
        return {r["key"]: r["value"] for r in rows}

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        raise WorkspaceError(
            "a Spark workspace is read-only: import into a DuckDB or PostgreSQL workspace, "
            "then kvot export parquet DIR")

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        self.execute(sql)

    def close(self) -> None:
        """The Spark session is shared by the process and stays up."""


def file_name(table: str) -> str:
    """The Parquet file of a workspace table (no leading ``_``: Spark would skip it)."""
    return f"{table.lstrip('_')}.parquet"


def _is_local(folder: str) -> bool:
    return "://" not in folder or folder.startswith("file://")
