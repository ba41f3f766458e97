"""The settings tables in README.md and docs/deployment.md, made from app/config.py.

    python tools/settings_table.py --write    rewrite the tables between the markers
    python tools/settings_table.py --check    exit 1 when a table differs from app/config.py

tests/test_config.py runs the check, so a stale table fails the suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.config import declared  # noqa: E402

DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "deployment.md")
BEGIN = "<!-- settings table: made by tools/settings_table.py from app/config.py -->"
END = "<!-- end of settings table -->"


def _code(text: str | None) -> str:
    return f"`{text}`" if text else "—"


def table() -> str:
    rows = [
        "| setting | option | environment variable | config file key | default |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, d in declared():
        key = _code(name) if d.in_file else "—"
        rows.append(
            f"| {d.label} | {_code(d.option)} | {_code(d.env)} | {key} | {d.default_text} |"
        )
    return "\n".join(rows)


def updated(text: str, path: Path) -> str:
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise SystemExit(f"{path}: needs exactly one pair of settings-table markers")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def stale_documents() -> list[Path]:
    return [
        p
        for p in DOCUMENTS
        if updated(p.read_text(encoding="utf-8"), p) != p.read_text(encoding="utf-8")
    ]


def main(argv: list[str]) -> int:
    if argv[1:] == ["--check"]:
        stale = stale_documents()
        for path in stale:
            print(
                f"{path.relative_to(ROOT)}: the settings table differs from app/config.py; "
                f"run `python tools/settings_table.py --write`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    if argv[1:] == ["--write"]:
        for path in DOCUMENTS:
            path.write_text(updated(path.read_text(encoding="utf-8"), path), encoding="utf-8")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
