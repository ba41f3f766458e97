"""Answers a push already carried (protocol 3, docs/sync-protocol.md 4.7).

A protocol-3 push asks the central store to answer, with its acknowledgement, what the sync
would ask next: the first pull page, the count check, the test history, and (on the sync's
last push) the audit anchor. ``Answered`` stands in for the transport in the rest of the sync
and serves each of those answers ONCE, in place of the request — only to the very request it
answers (the same cursor, epoch and page size; the same ``since``; the same claim), and the
counts only together with the page read in their snapshot: a count check used with any other
pull would compare the workstation with a different state. Anything else goes to the network
as before, so a part the server left out (counts after a page with more to come) or a step
that asks differently (a repair's pull by type) simply costs its own request.
"""

from __future__ import annotations

from typing import Any

from app.sync.transport import Transport


class Answered:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._page: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self._counts_with_page: dict[str, Any] | None = None
        self._counts: dict[str, Any] | None = None
        self._history: tuple[str | None, dict[str, Any]] | None = None
        self._anchor: tuple[dict[str, Any], dict[str, Any]] | None = None

    def __getattr__(self, name: str) -> Any:  # base_url, push, enrol, hello, monthly, close…
        return getattr(self._transport, name)

    def take(self, asked: dict[str, Any], answer: dict[str, Any]) -> None:
        """What a push asked (``then``) and what came back: replaces anything kept before."""
        self.__init__(self._transport)  # type: ignore[misc]
        pull, counts = answer.get("pull"), answer.get("counts")
        if isinstance(asked.get("pull"), dict) and isinstance(pull, dict):
            ask = asked["pull"]
            key = (ask.get("cursor"), ask.get("limit"), ask.get("epoch"), ask.get("skip_own"))
            self._page = (key, pull)
            self._counts_with_page = counts if isinstance(counts, dict) else None
        elif asked.get("counts") and isinstance(counts, dict):
            self._counts = counts
        history = answer.get("history")
        if isinstance(asked.get("history"), dict) and isinstance(history, dict):
            self._history = (asked["history"].get("since"), history)
        anchor = answer.get("anchor")
        if isinstance(asked.get("anchor"), dict) and isinstance(anchor, dict):
            self._anchor = (asked["anchor"], anchor)

    # --- the calls an answer may stand in for ------------------------------------------------

    def pull(
        self,
        cursor: int,
        limit: int = 500,
        epoch: str | None = None,
        types: list[str] | None = None,
        skip_own: bool = False,
    ) -> dict[str, Any]:
        kept, self._page = self._page, None
        counts, self._counts_with_page = self._counts_with_page, None
        if kept is not None and not types and kept[0] == (cursor, limit, epoch, skip_own):
            self._counts = counts  # read in the page's snapshot: good for the check after it
            return kept[1]
        self._counts = None  # any other pull makes kept counts stale
        return self._transport.pull(cursor, limit, epoch, types, skip_own)

    def counts(self) -> dict[str, Any]:
        kept, self._counts = self._counts, None
        return kept if kept is not None else self._transport.counts()

    def history(self, since: str | None = None) -> dict[str, Any]:
        kept, self._history = self._history, None
        if kept is not None and kept[0] == since:
            return kept[1]
        return self._transport.history(since)

    def anchor(self, claim: dict[str, Any]) -> dict[str, Any]:
        kept, self._anchor = self._anchor, None
        if kept is not None and kept[0] == claim:
            return kept[1]
        return self._transport.anchor(claim)
