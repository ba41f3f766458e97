"""Command line: ``cjit-central`` (also ``python -m central``).

cjit-central serve [--host 127.0.0.1] [--port 8765] [--database-url URL] [--data-dir DIR]
                   [--max-body-mb 20]
cjit-central enrol-code --suite bridewell [--valid-hours 24]
cjit-central report monthly --month 2026-04 [--to 2027-03] [--suite S] [--format table|csv|json]
cjit-central revoke-device DEVICE_ID
cjit-central load-reference DIR
cjit-central new-epoch            (after restoring a backup: every client re-pulls from 0)
cjit-central audit-anchors        (each workstation's audit log as held, and refusals)
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.util import find_spec
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from central import auth, reference, reports
from central.db import make_engine, migrate
from central.settings import load_settings

log = logging.getLogger("central")
ENV_MAX_BODY_MB = "CJIT_CENTRAL_MAX_BODY_MB"


class CliError(Exception):
    """A mistake on the command line or in the set-up: one line for the operator, exit 1."""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1 to 65535 (e.g. 8765)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjit-central", description="The CJIT central store.")
    parser.add_argument(
        "--data-dir", help="folder for the default SQLite store (CJIT_CENTRAL_DATA_DIR)"
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL (CJIT_CENTRAL_DATABASE_URL)")
    # Accepted after the sub-command too (``serve --database-url …``) without overriding.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS)
    common.add_argument("--database-url", default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    _add = sub.add_parser
    sub.add_parser = lambda *a, **k: _add(*a, parents=[common], **k)  # type: ignore[method-assign]
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8765)
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--max-body-mb",
        type=float,
        default=None,
        help=f"largest request body, counted as it streams ({ENV_MAX_BODY_MB}; default 20)",
    )
    code = sub.add_parser("enrol-code", help="print a one-time enrolment code for a workstation")
    code.add_argument("--suite", required=True)
    code.add_argument("--valid-hours", type=float, default=24.0)
    report = sub.add_parser("report", help="partnership reports")
    report.add_argument("kind", choices=["monthly"])
    report.add_argument("--month", required=True, help="YYYY-MM (the first month)")
    report.add_argument("--to", help="YYYY-MM, the last month (default: --month)")
    report.add_argument("--suite", help="one suite (default: all suites together)")
    report.add_argument("--format", choices=["table", "csv", "json"], default="table")
    revoke = sub.add_parser("revoke-device", help="stop a workstation syncing, at once")
    revoke.add_argument("device_id")
    load = sub.add_parser(
        "load-reference", help="load <name>.json reference documents from a folder"
    )
    load.add_argument("directory", type=Path)
    sub.add_parser("new-epoch", help="after restoring a backup: make every client re-pull")
    sub.add_parser(
        "audit-anchors", help="each workstation's audit log as held, and any refusal of it"
    )
    return parser


def _engine(args: argparse.Namespace, create: bool = False) -> Engine:
    """The store's engine, migrated. The setting-up commands (serve, enrol-code,
    load-reference) make a new SQLite store; for the others (report, revoke-device, new-epoch)
    a missing one is a mistyped --data-dir, said as such (before, a report printed zeros and
    left an empty store in the mistyped folder)."""
    settings = load_settings(args.data_dir, args.database_url)
    if settings.is_sqlite and not create:
        path = Path(settings.database_url.split("///", 1)[-1])
        if str(path) != ":memory:" and not path.is_file():
            raise CliError(
                f"there is no central store at {path}: check --data-dir (or "
                "CJIT_CENTRAL_DATA_DIR), or --database-url for PostgreSQL"
            )
    engine = make_engine(settings.database_url)
    migrate(engine)
    return engine


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.api import create_app
    from central.gate import DEFAULT_MAX_BODY_BYTES

    if args.host not in ("127.0.0.1", "::1", "localhost"):
        log.warning(
            "listening on %s: put a TLS-terminating proxy in front (clients refuse "
            "plain HTTP except to loopback)",
            args.host,
        )
    limit = args.max_body_mb or float(os.environ.get(ENV_MAX_BODY_MB) or 0) or None
    max_body = int(limit * 1024 * 1024) if limit else DEFAULT_MAX_BODY_BYTES
    app = create_app(_engine(args, create=True), max_body_bytes=max_body)
    # Everything loaded so far (the form definitions the contract checks against, the app)
    # lives as long as the process: keep it out of the garbage collector's full passes,
    # which would otherwise walk it again and again under load.
    gc.freeze()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


def _enrol_code(args: argparse.Namespace) -> int:
    engine = _engine(args, create=True)
    code, expires = auth.create_enrolment_code(engine, args.suite, args.valid_hours)
    print(code)
    print(
        f"Single use, for suite '{args.suite}', valid until {expires:%Y-%m-%d %H:%M} UTC.",
        file=sys.stderr,
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.suite is not None:
        known = reports.suites(engine)
        if args.suite not in known:
            raise CliError(
                f"no suite called '{args.suite}'; "
                + (f"known suites: {', '.join(known)}" if known else "no suite has synced yet")
            )
    try:
        rows = reports.monthly(engine, args.month, args.to or args.month, args.suite)
    except ValueError as exc:
        print(f"cjit-central: {exc}", file=sys.stderr)
        return 2
    render = {"table": reports.to_table, "csv": reports.to_csv, "json": reports.to_json}
    print(render[args.format](rows).rstrip("\n"))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not auth.revoke_device(_engine(args), args.device_id):
        print(f"cjit-central: no device with id {args.device_id}", file=sys.stderr)
        return 1
    print(f"Device {args.device_id} is revoked; its next request is refused.")
    return 0


def _load_reference(args: argparse.Namespace) -> int:
    try:
        loaded, ignored = reference.load_folder(_engine(args, create=True), args.directory)
    except reference.ReferenceDataError as exc:
        print(f"cjit-central: {exc}", file=sys.stderr)
        return 1
    for item in loaded:
        print(f"{item.name}: version {item.version}{'' if item.changed else ' (unchanged)'}")
    if ignored:
        print(f"Not reference data, ignored: {', '.join(ignored)}", file=sys.stderr)
    return 0


def _new_epoch(args: argparse.Namespace) -> int:
    from central.pull import new_epoch

    print(f"New store epoch {new_epoch(_engine(args))}: every workstation will re-pull from 0.")
    return 0


def _audit_anchors(args: argparse.Namespace) -> int:
    from central.anchors import listing

    lines = listing(_engine(args))
    print("\n".join(lines) if lines else "No workstation is enrolled.")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "audit-anchors": _audit_anchors,
    "serve": _serve,
    "enrol-code": _enrol_code,
    "report": _report,
    "revoke-device": _revoke,
    "load-reference": _load_reference,
    "new-epoch": _new_epoch,
}


# The server stack is the `central` extra: a workstation's `pip install .` leaves it out.
SERVER_MODULES = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "pydantic": "pydantic",
    "psycopg": "psycopg",
}
INSTALL_HINT = (
    "install the central store's packages: pip install 'cjit-desk[central]' from the source "
    "folder, or pip install --require-hashes -r requirements/central.txt and then "
    "pip install --no-deps . (see docs/deployment.md, 'The central store')"
)


def missing_server_packages() -> list[str]:
    return sorted(name for name, module in SERVER_MODULES.items() if find_spec(module) is None)


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_server_packages()
    if missing:
        print(
            f"cjit-central: this installation has the desk only ({', '.join(missing)} missing); "
            f"{INSTALL_HINT}.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    # serve --log-level is the service's level too, not only uvicorn's
    logging.getLogger().setLevel(getattr(args, "log_level", "info").upper())
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        print(f"cjit-central: {exc}.", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        log.debug("database error", exc_info=True)
        print(f"cjit-central: {_database_problem(exc, args)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _database_problem(exc: DBAPIError, args: argparse.Namespace) -> str:
    """One line naming the database (without its password) and what the driver said."""
    settings = load_settings(args.data_dir, args.database_url)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    said = (str(exc.orig or exc).strip().splitlines() or ["no detail"])[0]
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return (
            f"cannot use the database at {where}: {said}. Check that the database server is "
            "running and reachable, and the --database-url (or CJIT_CENTRAL_DATABASE_URL)."
        )
    return f"the database at {where} refused the command: {said}."


if __name__ == "__main__":
    sys.exit(main())
