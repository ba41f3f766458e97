"""Reference data: trigger offences, the SPOC directory, substances, ethnicity, notice wording.

Data, not code: the JSON files in `resources/` ship with the release and the central store can
replace any of them without one (`ReferenceData.from_documents`). Every document carries a
`version` and a `source`, so a record can say which list it was checked against.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.forms.policy import LocalPolicy

DOCUMENT_NAMES = (
    "trigger_offences",
    "spoc_directory",
    "wording",
    "policy",
    "substances",
    "ethnicity",
)


class ReferenceDataError(Exception):
    """A reference document is missing or malformed; the message says which."""


@dataclass(frozen=True)
class ReferenceData:
    documents: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_documents(cls, docs: Mapping[str, Mapping[str, Any]]) -> ReferenceData:
        missing = [name for name in DOCUMENT_NAMES if name not in docs]
        if missing:
            raise ReferenceDataError(f"Reference data is missing: {', '.join(missing)}.")
        for name in DOCUMENT_NAMES:
            if "version" not in docs[name] or "source" not in docs[name]:
                raise ReferenceDataError(
                    f"Reference document {name!r} needs a version and a source."
                )
        return cls(documents=dict(docs))

    @classmethod
    def load(cls, directory: Path | None = None) -> ReferenceData:
        """Load the bundled files (or those in `directory`)."""
        if directory is None:
            from app.paths import resources_dir

            directory = resources_dir()
        docs = {}
        for name in DOCUMENT_NAMES:
            path = directory / f"{name}.json"
            try:
                docs[name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ReferenceDataError(f"Cannot read reference file {path}: {exc}") from exc
        return cls.from_documents(docs)

    def replace(self, **docs: Mapping[str, Any]) -> ReferenceData:
        """A copy with some documents replaced (e.g. a newer SPOC list from the central store)."""
        return ReferenceData.from_documents({**self.documents, **docs})

    def versions(self) -> dict[str, str]:
        return {name: str(doc["version"]) for name, doc in self.documents.items()}

    # -- trigger offences -------------------------------------------------------------------

    @property
    def trigger_offences(self) -> list[Mapping[str, Any]]:
        return list(self.documents["trigger_offences"]["offences"])

    def trigger_offence(self, offence_id: str) -> Mapping[str, Any] | None:
        return next((o for o in self.trigger_offences if o["id"] == offence_id), None)

    def repealed_on(self, offence_id: str) -> date | None:
        offence = self.trigger_offence(offence_id)
        if not offence or not offence.get("repealed"):
            return None
        return date.fromisoformat(offence["repealed"]["on"])

    def is_trigger_offence(self, offence_id: str, on: date | None = None) -> bool:
        """True for a listed offence that was not repealed by `on` (any date when None)."""
        if self.trigger_offence(offence_id) is None:
            return False
        repealed = self.repealed_on(offence_id)
        return repealed is None or (on is not None and on < repealed)

    # -- SPOC directory ---------------------------------------------------------------------

    @property
    def spoc_directory(self) -> list[Mapping[str, Any]]:
        return list(self.documents["spoc_directory"]["cjits"])

    def spoc(self, cjit_id: str) -> Mapping[str, Any] | None:
        return next((c for c in self.spoc_directory if c["id"] == cjit_id), None)

    def spoc_address(self, cjit_id: str) -> str:
        """The CJIT's address as printed on a notice, one line each, postcode last."""
        cjit = self.spoc(cjit_id)
        if cjit is None:
            return ""
        return "\n".join([*cjit["address_lines"], cjit["postcode"]])

    # -- substances, ethnicity, wording, policy ---------------------------------------------

    @property
    def tested_substances(self) -> list[Mapping[str, Any]]:
        return list(self.documents["substances"]["tested"])

    @property
    def other_substances(self) -> list[Mapping[str, Any]]:
        return list(self.documents["substances"]["other"])

    @property
    def ethnicity(self) -> list[Mapping[str, Any]]:
        return list(self.documents["ethnicity"]["categories"])

    def wording(self, path: str) -> Any:
        """A notice text by dotted path, e.g. wording("ra1.heading") or wording("copy_labels")."""
        node: Any = self.documents["wording"]
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"No notice wording at {path!r}")
            node = node[part]
        return node

    def policy(self) -> LocalPolicy:
        return LocalPolicy.from_dict(self.documents["policy"])

    # -- choices for fields -----------------------------------------------------------------

    def choices(self, source: str, *, include_retired: bool = False) -> list[tuple[str, str]]:
        """(value, label) pairs for a field's `choices_source`, in display order.

        Repealed offences are left out of what a worker can pick unless `include_retired`,
        but `choice_values(..., include_retired=True)` still accepts them so old records load.
        """
        if source == "trigger_offences":
            return [
                (o["id"], f"{o['title']} ({o['reference']})")
                for o in self.trigger_offences
                if include_retired or not o.get("repealed")
            ]
        lists = {
            "spoc_directory": lambda: [(c["id"], c["name"]) for c in self.spoc_directory],
            "tested_substances": lambda: [(s["id"], s["label"]) for s in self.tested_substances],
            "other_substances": lambda: [(s["id"], s["label"]) for s in self.other_substances],
            "ethnicity": lambda: [(e["id"], f"{e['group']}: {e['label']}") for e in self.ethnicity],
        }
        if source not in lists:
            raise KeyError(f"No reference list called {source!r}")
        return lists[source]()

    def choice_values(self, source: str, *, include_retired: bool = True) -> set[str]:
        return {value for value, _ in self.choices(source, include_retired=include_retired)}
