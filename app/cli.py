"""Non-interactive administration for IT deployment: no display needed.

Passphrases come from the environment (``CJIT_PASSPHRASE`` for the acting worker,
``CJIT_NEW_PASSPHRASE`` for a worker being added or reset) or from a prompt.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Settings
from app.errors import UserFacingError
from app.logging_setup import setup_logging

if TYPE_CHECKING:  # the storage stack loads only for the commands that open a store
    from app.storage.store import Store


def _passphrase(env_name: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserFacingError(f"No passphrase: set {env_name} or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != first:
        raise UserFacingError("The two passphrases differ; nothing was changed.")
    return first


def cmd_init(settings: Settings, args) -> int:  # noqa: ANN001
    from app.storage import store

    passphrase = _passphrase("CJIT_PASSPHRASE", f"Passphrase for {args.worker}: ", confirm=True)
    opened, recovery_key = store.initialise(
        settings.data_dir,
        args.worker,
        args.display_name or args.worker,
        passphrase,
        role=args.role.replace("-", "_"),
    )
    opened.close()
    print(f"CJIT Desk data created in {settings.data_dir} with worker '{args.worker}'.")
    print("RECOVERY KEY (print it or write it down; the team leader keeps it; it is shown once):")
    print(f"    {recovery_key}")
    return 0


def _open_as(settings: Settings, username: str) -> Store:
    from app.storage import store

    passphrase = _passphrase("CJIT_PASSPHRASE", f"Passphrase for {username}: ")
    return store.open_store(settings.data_dir, username, passphrase)


def cmd_add_worker(settings: Settings, args) -> int:  # noqa: ANN001
    opened = _open_as(settings, args.as_worker)
    try:
        new = _passphrase(
            "CJIT_NEW_PASSPHRASE", f"New passphrase for {args.worker}: ", confirm=True
        )
        opened.add_worker(
            args.worker, args.display_name or args.worker, new, role=args.role.replace("-", "_")
        )
    finally:
        opened.close()
    print(f"Worker '{args.worker}' added.")
    return 0


def cmd_remove_worker(settings: Settings, args) -> int:  # noqa: ANN001
    opened = _open_as(settings, args.as_worker)
    try:
        opened.remove_worker(args.worker)
    finally:
        opened.close()
    print(
        f"Worker '{args.worker}' removed; the store was re-keyed, so their key slot, and any "
        "copy of it, opens nothing."
    )
    return 0


def cmd_reset_passphrase(settings: Settings, args) -> int:  # noqa: ANN001
    from app.storage import store

    if args.recovery_key:
        opened = store.open_with_recovery_key(settings.data_dir, args.recovery_key)
    else:
        opened = _open_as(settings, args.as_worker)
    try:
        new = _passphrase(
            "CJIT_NEW_PASSPHRASE", f"New passphrase for {args.worker}: ", confirm=True
        )
        opened.reset_passphrase(args.worker, new)
    finally:
        opened.close()
    print(f"The passphrase of '{args.worker}' was reset.")
    return 0


def cmd_verify_audit(settings: Settings, args) -> int:  # noqa: ANN001
    """The chain, the central store's last receipt of it (anchor), and every page."""
    from app.storage import anchor, audit, damage

    opened = _open_as(settings, args.as_worker)
    try:
        with opened.session() as s:
            chain = audit.verify(s)
            anchored = anchor.verify(opened, s)
            pages = damage.pages_problem(s.connection())
    finally:
        opened.close()
    if pages:
        print(str(damage.database_damaged(settings.database_path, pages)), file=sys.stderr)
        return 4
    if not chain.ok:
        print(f"THE AUDIT LOG HAS BEEN TAMPERED WITH: {chain.problem}.", file=sys.stderr)
        return 3
    if not anchored.ok:
        print(
            f"THE AUDIT LOG HAS BEEN TAMPERED WITH, OR SAVED WORK WAS LOST: {anchored.message} "
            "Tell your team leader; the central store keeps the events it received.",
            file=sys.stderr,
        )
        return 3
    print(f"The audit log is intact: {chain.events} events, chain verified. {anchored.message}")
    return 0


def cmd_new_recovery_key(settings: Settings, args) -> int:  # noqa: ANN001
    opened = _open_as(settings, args.as_worker)
    try:
        recovery_key = opened.new_recovery_key()
    finally:
        opened.close()
    print("The old recovery key no longer works. NEW RECOVERY KEY (print it or write it down;")
    print("the team leader keeps it; it is shown once):")
    print(f"    {recovery_key}")
    return 0


def cmd_rekey(settings: Settings, args) -> int:  # noqa: ANN001
    opened = _open_as(settings, args.as_worker)
    try:
        generation = opened.rekey()
    finally:
        opened.close()
    print(
        f"The store was re-keyed (key generation {generation}): every worker still signs in "
        "with their own passphrase; copies of keyslots.json made before now open nothing."
    )
    return 0


def cmd_recover(settings: Settings, args) -> int:  # noqa: ANN001
    from app.storage import recovery

    passphrase = _passphrase("CJIT_PASSPHRASE", f"Passphrase for {args.as_worker}: ")
    print(recovery.recover(settings.data_dir, args.as_worker, passphrase, args.start_again))
    return 0


def add_admin_commands(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("init", help="create the encrypted store and its first worker")
    p.add_argument("--worker", required=True)
    p.add_argument("--display-name")
    p.add_argument("--role", default="team-leader", choices=["team-leader", "worker"])
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("add-worker", help="add a worker (as a team leader)")
    p.add_argument("--as", dest="as_worker", required=True, help="the team leader acting")
    p.add_argument("--worker", required=True)
    p.add_argument("--display-name")
    p.add_argument("--role", default="worker", choices=["worker", "team-leader"])
    p.set_defaults(func=cmd_add_worker)

    p = sub.add_parser("remove-worker", help="remove a worker (as a team leader)")
    p.add_argument("--as", dest="as_worker", required=True)
    p.add_argument("--worker", required=True)
    p.set_defaults(func=cmd_remove_worker)

    p = sub.add_parser("reset-passphrase", help="reset a forgotten passphrase")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="as_worker", help="the team leader acting")
    who.add_argument("--recovery-key")
    p.add_argument("--worker", required=True)
    p.set_defaults(func=cmd_reset_passphrase)

    p = sub.add_parser(
        "rekey", help="new keys for the store; old copies of keyslots.json open nothing"
    )
    p.add_argument("--as", dest="as_worker", required=True, help="the team leader acting")
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("new-recovery-key", help="replace the recovery key (team leader)")
    p.add_argument("--as", dest="as_worker", required=True, help="the team leader acting")
    p.set_defaults(func=cmd_new_recovery_key)

    p = sub.add_parser(
        "recover", help="after damage: keep a copy, go on with what can be read (team leader)"
    )
    p.add_argument("--as", dest="as_worker", required=True, help="the team leader acting")
    p.add_argument(
        "--start-again",
        action="store_true",
        help="if the database cannot be used: set it aside so the workstation can be set up again",
    )
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("verify-audit", help="check the audit log's hash chain")
    p.add_argument("--as", dest="as_worker", required=True)
    p.set_defaults(func=cmd_verify_audit)


DEMO_WORKER, DEMO_PASSPHRASE = "demo", "custody suite demo"


def cmd_demo(settings: Settings, args) -> int:  # noqa: ANN001
    """A fresh data directory with a demo worker and a worked shift of fictional detainees."""
    from app import demo
    from app.services.workspace import Workspace
    from app.storage import store

    opened, recovery_key = store.initialise(
        settings.data_dir, DEMO_WORKER, "Demo Worker", DEMO_PASSPHRASE
    )
    try:
        made = demo.fill(
            Workspace(settings, opened), episodes_today=args.episodes, history_episodes=args.history
        )
    finally:
        opened.close()
    print(f"Demo data in {settings.data_dir}: {made} fictional episodes.")
    print(f"Sign in as '{DEMO_WORKER}' with the passphrase '{DEMO_PASSPHRASE}'.")
    print(f"Recovery key (demo only): {recovery_key}")
    return 0


def add_demo_command(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("demo", help="fill a fresh data directory with a fictional demo shift")
    p.add_argument("--episodes", type=int, default=12, help="episodes today")
    p.add_argument("--history", type=int, default=40, help="closed episodes in the past year")
    p.set_defaults(func=cmd_demo)


def cmd_try(settings: Settings, args) -> int:  # noqa: ANN001
    """``make run``: the app on a demo data directory (created on first use) with its own
    embedded central store, so a newcomer sees a worked shift in one command."""
    from dataclasses import replace

    from app import trial
    from app.selfcheck_xcb import require_platform_libraries

    require_platform_libraries()  # make run on a fresh Debian: name the missing packages
    base = Path(args.dir).resolve()
    settings = replace(settings, data_dir=base / "data")
    setup_logging(settings.log_dir, settings.log_level)
    return trial.run(settings, base)


def add_try_command(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("try", help="open the app on a demo data directory (make run)")
    p.add_argument("--dir", default=".demo", help="where the demo data and central store live")
    p.set_defaults(func=cmd_try)
