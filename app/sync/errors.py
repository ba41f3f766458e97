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
    """409 batch_rejected or 422 invalid_request: nothing of the batch was stored (4.4)."""

    what_to_do = "Check the records listed; change them and sync again, or tell IT."

    def __init__(self, detail: str, problems: list[str]) -> None:
        super().__init__(detail)
        self.problems = problems


class TooLarge(SyncError):
    what_to_do = "CJIT Desk sends smaller batches next time; sync again."
