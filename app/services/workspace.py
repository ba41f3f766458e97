"""The unlocked workspace the UI holds: the store, the settings, the clock.

Every operation the UI performs goes through a service function taking a Workspace; widgets hold
no SQL and no rule logic. The clock is injectable so tests can pin a date.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from app.config import Settings

# The storage stack (SQLAlchemy, Alembic, SQLCipher) loads at unlock, not at start: the
# unlock window must appear at once.
if TYPE_CHECKING:
    from app.storage import store as store_mod

UK = ZoneInfo("Europe/London")
T = TypeVar("T")


@dataclass
class Workspace:
    settings: Settings
    store: store_mod.Store
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock().astimezone(UK)

    @property
    def worker(self):  # noqa: ANN201
        return self.store.worker

    @property
    def is_team_leader(self) -> bool:
        return self.store.role == "team_leader"

    # One thread runs the window's store work, in the order it was asked for (Anki's taskman):
    # an autosave queued before "Issue" is saved before the notice is issued.
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="cjit-store")
    )

    def submit(self, fn: Callable[[], T], origin: Any = None) -> Future[T]:
        """Run ``fn`` on the store executor; its commits carry ``origin`` (see changes.py)."""
        from app.storage import changes

        def job() -> T:
            with changes.origin(origin):
                return fn()

        try:
            return self.executor.submit(job)
        except RuntimeError:  # shut down: the window is closing
            from app.storage.gate import StoreClosed

            closed: Future[T] = Future()
            closed.set_exception(StoreClosed("CJIT Desk is closing."))
            return closed

    def close(self) -> None:
        """Finish the queued store work, then close the store (which waits for a sync's unit
        of work in progress)."""
        self.executor.shutdown(wait=True)
        self.store.close()


def known_workers(settings: Settings) -> list[str]:
    """Usernames with a key slot, for the unlock window's picker (no unlock needed). A damaged
    or unreadable file gives none: signing in shows why, with what to do."""
    from app.storage.slotnames import usernames

    return usernames(settings.keyslots_path)


def unlock(settings: Settings, username: str, passphrase: str) -> Workspace:
    from app.storage import store as store_mod

    return Workspace(settings, store_mod.open_store(settings.data_dir, username, passphrase))


def set_up(
    settings: Settings, username: str, display_name: str, passphrase: str
) -> tuple[Workspace, str]:
    from app.storage import store as store_mod

    opened, recovery_key = store_mod.initialise(
        settings.data_dir, username, display_name, passphrase
    )
    return Workspace(settings, opened), recovery_key
