"""Shared helpers: small readable input files and a workspace built from them."""
from __future__ import annotations

import os
import textwrap
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

import kvot

REPO = Path(__file__).resolve().parents[1]
# the public data sets: ../shared/data beside the repository, or $KVOT_SHARED_DATA
SHARED_DATA = Path(os.environ.get("KVOT_SHARED_DATA") or REPO.parent / "shared" / "data")

IMPORT_ORDER = ("teams", "reps", "deals", "credits", "quotas", "fx")


def need_shared(folder: str) -> Path:
    path = SHARED_DATA / folder
    if not path.is_dir():
        pytest.skip(f"public data set {path} is not present (it lives beside the repository, "
                    "or set KVOT_SHARED_DATA to its folder)")
    return path


POSTGRES_URL = os.environ.get("KVOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
ENGINES = ("duckdb", "postgres", "spark")
_SPARK: list = []


def spark_or_skip():
    """One local Spark session for the whole test run; skip when PySpark or Java is missing."""
    if not _SPARK:
        try:
            from kvot.store.spark import spark_session
            _SPARK.append(spark_session("local[2]"))
        except Exception as exc:  # noqa: BLE001 - any failure means: no Spark to test on
            _SPARK.append(exc)
    if isinstance(_SPARK[0], Exception):
        pytest.skip(f"no local Spark ({type(_SPARK[0]).__name__}: {_SPARK[0]}); "
                    "install kvot[spark] and Java 17")
    return _SPARK[0]


def postgres_or_skip() -> str:
    """The test server's URL; skip when no PostgreSQL server answers there."""
    try:
        import psycopg
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL} ({type(exc).__name__}); "
                    "set KVOT_TEST_POSTGRES to a server's URL")
    return POSTGRES_URL


def new_workspace(engine: str, cleanups: list):
    """An empty workspace on ``engine``: DuckDB in memory, or a fresh PostgreSQL schema."""
    if engine == "duckdb":
        ws = kvot.open_workspace(":memory:")
    else:
        import psycopg
        url = postgres_or_skip()
        schema = f"kvot_test_{uuid.uuid4().hex[:12]}"
        ws = kvot.open_workspace(f"{url}?schema={schema}")

        def drop():
            with psycopg.connect(url, autocommit=True) as con:
                con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cleanups.append(drop)
    cleanups.insert(0, ws.close)
    return ws


def make_builder(engine: str, tmp_path: Path, cleanups: list):
    """On Spark, the files go into a DuckDB workspace that is exported to Parquet and read back.
    ``changes``: SQL statements run on the tables after the imports (SQL that DuckDB and
    PostgreSQL read alike), for states no import makes."""
    def _build(settings: dict | None = None, changes: tuple[str, ...] = (), **files: str):
        if engine == "spark":
            return _on_spark(_build_on("duckdb", settings, files, changes), tmp_path)
        return _build_on(engine, settings, files, changes)

    def _build_on(engine: str, settings: dict | None, files: dict, changes: tuple[str, ...]):
        ws = new_workspace(engine, cleanups)
        for kind in IMPORT_ORDER:
            if kind in files:
                path = tmp_path / f"{kind}.csv"
                path.write_text(textwrap.dedent(files[kind]).lstrip(), encoding="utf-8")
                kvot.import_file(ws, kind, path, config=_no_config(tmp_path), **(settings or {}))
        for sql in changes:
            ws.execute(sql)
        return ws
    return _build


def _on_spark(workspace, tmp_path: Path):
    from kvot.store.export import export_parquet
    from kvot.store.spark import SparkWorkspace

    session = spark_or_skip()
    folder = tmp_path / f"parquet-{uuid.uuid4().hex[:8]}"
    export_parquet(workspace, folder)
    return SparkWorkspace.connect(str(folder), session=session)


@pytest.fixture
def build(tmp_path):
    """build(deals=..., quotas=..., ..., settings={...}) -> a DuckDB workspace holding those CSV texts."""
    cleanups: list = []
    yield make_builder("duckdb", tmp_path, cleanups)
    for cleanup in cleanups:
        cleanup()


@pytest.fixture(params=ENGINES)
def build_on_every_engine(request, tmp_path):
    """Like ``build``, once per engine kvot supports."""
    cleanups: list = []
    yield make_builder(request.param, tmp_path, cleanups)
    for cleanup in cleanups:
        cleanup()


@pytest.fixture
def config(tmp_path) -> Path:
    """An empty config file, to pass as ``config=`` to ``kvot.import_file``."""
    return _no_config(tmp_path)


def _no_config(tmp_path: Path) -> Path:
    """An empty config file, so a kvot.toml in the working directory never leaks into tests."""
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    return path


def figures(report) -> dict[tuple[str, str], tuple]:
    """(id, period) -> (mrr_closed, quota, attainment_pct rounded to 2 places or None)."""
    out = {}
    for r in report.rows:
        pct = None if r.attainment_pct is None else r.attainment_pct.quantize(Decimal("0.01"))
        out[(r.id, r.period)] = (r.mrr_closed, r.quota, pct)
    return out


def D(text: str) -> Decimal:
    return Decimal(text)
