"""Every example file in docs/import.md imports as documented."""
import re
from pathlib import Path

import pytest

from kvot.config import from_mapping
from kvot.ingest import READERS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"
BLOCK = re.compile(r"```csv ([^\n]*)\n(.*?)```", re.S)


def examples():
    for n, (info, body) in enumerate(BLOCK.findall(DOC.read_text(encoding="utf-8"))):
        options = dict(pair.split("=", 1) for pair in info.split())
        yield pytest.param(options.pop("kind"), options, body, id=f"example-{n}")


@pytest.mark.parametrize("kind, options, body", list(examples()))
def test_doc_example_imports(write, kind, options, body):
    path = write(f"{kind}.csv", body)
    result = READERS[kind](path, from_mapping(options))
    assert result.records
