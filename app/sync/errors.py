"""What can go wrong talking to the central store, each with a message the worker can act on.

docs/sync-protocol.md section 2 maps each HTTP answer to one of these; ``Transient`` ones
(network, 5xx, timeouts) mean "offline for now": the outbox is kept and resent later.
"""

from __future__ import annotations

from app.errors import UserFacingError


class SyncError(UserFacingError):
    """Base of every sync failure; ``what_to_do`` is the advice shown beside the reason."""

    what_to_do = "Try again later. Your work is kept on this workstation."

    def __init__(self, detail: str, what_to_do: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if what_to_do is not None:
            self.what_to_do = what_to_do


class InsecureAddress(SyncError):
    what_to_do = "Ask IT for the central store's https:// address."


class Transient(SyncError):
    """Network down, server restarting, timeout, 5xx: offline is a normal state."""

    what_to_do = "Nothing: CJIT Desk syncs when the central store is reachable again."


class Revoked(SyncError):
    """401: the device token is missing, unknown or revoked."""

    what_to_do = "Ask your team leader to enrol this workstation again. Your work is kept."


class UpgradeRequired(SyncError):
    """426: this client speaks a protocol the server no longer accepts."""

    what_to_do = "Ask IT to upgrade CJIT Desk. Your unsent work is kept until then."


class Refused(SyncError):
    """403 (wrong device, enrolment refused) and other 4xx without a better class."""

    what_to_do = "Tell IT; quote the message."


class BatchRefused(SyncError):
    """422 invalid_request: the request itself was malformed, nothing of it was stored.
    ``errors`` is the server's list of ``{field, message}`` (data, never parsed prose)."""

    what_to_do = "Tell IT; quote the message. The records stay on this workstation."

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class BatchIdReused(SyncError):
    """409 batch_id_reused: the server holds a different batch under this id; nothing of this
    one was stored, so its records go out again under a new id."""


class TooLarge(SyncError):
    """413 too_large: the body passed the server's limit (``max_bytes``); nothing was read
    past it. The outbox splits the batch until it fits (4.2)."""

    what_to_do = "Nothing: CJIT Desk sends smaller batches."

    def __init__(self, detail: str, max_bytes: int | None = None) -> None:
        super().__init__(detail)
        self.max_bytes = max_bytes
