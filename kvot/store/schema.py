"""The workspace schema, as numbered migrations applied in order.

Money is DECIMAL(38,10): amounts keep ten decimal places, so an ARR divided by 12 stays exact to
far below a cent through every sum. Exchange rates are DECIMAL(38,14) (migration 3). Dates are ``*_on``, timestamps ``*_at`` (UTC).
"""
from __future__ import annotations

MONEY = "DECIMAL(38,10)"

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "initial schema", [
        "CREATE TABLE _kvot_settings (key VARCHAR NOT NULL, value VARCHAR NOT NULL)",
        """CREATE TABLE _kvot_imports (
            import_id INTEGER NOT NULL, kind VARCHAR NOT NULL, file VARCHAR NOT NULL,
            checksum VARCHAR NOT NULL, rows_read INTEGER NOT NULL, rows_changed INTEGER NOT NULL,
            notes VARCHAR, imported_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE teams (
            team_id VARCHAR NOT NULL, name VARCHAR NOT NULL, parent_id VARCHAR, level VARCHAR,
            import_id INTEGER NOT NULL)""",
        """CREATE TABLE _kvot_team_closure (
            ancestor_id VARCHAR NOT NULL, team_id VARCHAR NOT NULL, depth INTEGER NOT NULL)""",
        """CREATE TABLE reps (
            rep_id VARCHAR NOT NULL, name VARCHAR NOT NULL, email VARCHAR,
            hired_on DATE, left_on DATE, import_id INTEGER NOT NULL)""",
        """CREATE TABLE memberships (
            rep_id VARCHAR NOT NULL, team_id VARCHAR NOT NULL, valid_from DATE, valid_to DATE,
            import_id INTEGER NOT NULL)""",
        f"""CREATE TABLE deals (
            deal_id VARCHAR NOT NULL, name VARCHAR, owner_id VARCHAR, stage VARCHAR NOT NULL,
            is_won BOOLEAN NOT NULL, kind VARCHAR NOT NULL, closed_at TIMESTAMP, close_on DATE,
            amount {MONEY} NOT NULL, amount_basis VARCHAR NOT NULL, months {MONEY} NOT NULL,
            mrr {MONEY} NOT NULL, currency VARCHAR NOT NULL,
            import_id INTEGER NOT NULL, line INTEGER)""",
        f"""CREATE TABLE credits (
            deal_id VARCHAR NOT NULL, rep_id VARCHAR NOT NULL, share {MONEY} NOT NULL,
            credit_type VARCHAR NOT NULL, import_id INTEGER NOT NULL, line INTEGER)""",
        f"""CREATE TABLE quotas (
            rep_id VARCHAR, team_id VARCHAR, starts_on DATE NOT NULL, ends_on DATE NOT NULL,
            amount {MONEY} NOT NULL, currency VARCHAR NOT NULL, kind VARCHAR NOT NULL,
            import_id INTEGER NOT NULL, line INTEGER)""",
        f"""CREATE TABLE fx_rates (
            currency VARCHAR NOT NULL, base VARCHAR NOT NULL, rate_on DATE NOT NULL,
            rate {MONEY} NOT NULL, import_id INTEGER NOT NULL, line INTEGER)""",
    ]),
]

# Tables whose replaced rows are kept, so a figure can be recomputed as it stood after any import.
VERSIONED = ("deals", "credits", "quotas", "fx_rates", "reps", "memberships", "teams")

MIGRATIONS.append((2, "history of replaced rows, rejected rows, undone imports", [
    *(f"CREATE TABLE _kvot_history_{t} AS SELECT *, CAST(NULL AS INTEGER) AS superseded_by "
      f"FROM {t} WHERE 1 = 0" for t in VERSIONED),
    """CREATE TABLE _kvot_rejects (
        import_id INTEGER NOT NULL, file VARCHAR NOT NULL, line INTEGER, column_name VARCHAR,
        value VARCHAR, reason VARCHAR NOT NULL, fix VARCHAR)""",
    "ALTER TABLE _kvot_imports ADD COLUMN undone_at TIMESTAMP",
]))

# Rates need more places than money: 1 IDR = 0.000061234567 USD keeps 10 significant digits.
RATE = "DECIMAL(38,14)"

MIGRATIONS.append((3, "exchange rates kept to 14 decimal places", [
    f"ALTER TABLE {t} ALTER COLUMN rate TYPE {RATE}" for t in ("fx_rates", "_kvot_history_fx_rates")
]))

MIGRATIONS.append((4, "hashes of the source rows behind deals, for incremental re-imports", [
    """CREATE TABLE _kvot_deal_hashes (
        deal_key BIGINT NOT NULL, row_hash BIGINT NOT NULL, import_id INTEGER NOT NULL)""",
]))

MIGRATIONS.append((5, "the last data-quality report, for the gate before figures", [
    """CREATE TABLE _kvot_check_cache (
        cache_key VARCHAR NOT NULL, only_blocking BOOLEAN NOT NULL, report VARCHAR NOT NULL)""",
]))

SCHEMA_VERSION = MIGRATIONS[-1][0]
