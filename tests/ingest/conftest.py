from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA as DATA  # noqa: E402


@pytest.fixture
def write(tmp_path, monkeypatch):
    """Write ``text`` to ``name`` in a fresh working directory; return the relative path,
    so error messages name the file as a user would give it."""
    monkeypatch.chdir(tmp_path)

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = Path(name)
        path.write_bytes(text.encode(encoding))
        return path
    return _write


@pytest.fixture
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"public data sets not found at {DATA.resolve()} (they live beside the "
                    "repository, or set KVOT_SHARED_DATA to their folder)")
    return DATA
