"""``cjit-desk`` / ``python -m app``: the GUI by default, administration commands otherwise."""

from __future__ import annotations

import argparse
import logging
import sys

from app import __version__
from app.config import add_options, load_settings, options_given
from app.errors import UserFacingError

log = logging.getLogger("app")
# Commands that open an existing store: a data folder without one is a mistyped --data-dir,
# said before anything is written there (not even logs/).
NEEDS_STORE = {
    "add-worker",
    "remove-worker",
    "reset-passphrase",
    "rekey",
    "new-recovery-key",
    "verify-audit",
}


def _options_parser(**kw) -> argparse.ArgumentParser:  # noqa: ANN003
    parser = argparse.ArgumentParser(prog="cjit-desk", description="CJIT Desk", **kw)
    parser.add_argument("--version", action="version", version=f"CJIT Desk {__version__}")
    add_options(parser)  # --data-dir, --central-url, --ca-bundle, --config (app/config.py)
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation without a display (a throw-away store) and exit 0 if sound",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the options and every sub-command (help, admin, demo…)."""
    from app.cli import add_admin_commands, add_demo_command, add_try_command
    from app.printing.cli import add_sample_notice_command

    parser = _options_parser()
    sub = parser.add_subparsers(dest="command")
    # The global options are accepted after the sub-command too: cjit-desk init --data-dir X.
    common = argparse.ArgumentParser(add_help=False)
    add_options(common, after_command=True)
    _add = sub.add_parser
    sub.add_parser = lambda *a, **k: _add(*a, parents=[common, *k.pop("parents", [])], **k)  # type: ignore[method-assign]
    add_admin_commands(sub)
    add_demo_command(sub)
    add_try_command(sub)
    add_sample_notice_command(sub)
    p = sub.add_parser("gui", help="open the application (the default)")
    p.set_defaults(func=_gui)
    return parser


def _gui(settings, args) -> int:  # noqa: ANN001
    from app.ui.main import run_gui  # Qt is imported only when a window is wanted

    # Qt's X11 libraries are checked by `make run` and --self-check, not here: an ldd per
    # start would cost the cold start (bench/RESULTS.md) on every workstation already set up.
    return run_gui(settings)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Opening the window (no sub-command, the common case) needs only the options: the
    sub-commands' modules (the CLI, printing, logging handlers…) load only when one is named or
    help is asked for — a cold start to the unlock window pays for nothing else (bench/RESULTS.md,
    "cold start")."""
    argv = sys.argv[1:] if argv is None else argv
    args, rest = _options_parser(add_help=False).parse_known_args(argv)
    if rest or any(a in ("-h", "--help", "--version") for a in argv):
        return build_parser().parse_args(argv)  # the full parser: sub-commands, help, errors
    return args


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    args = parse_args(argv)
    cli = options_given(args)
    config_file = Path(args.config) if args.config else None
    if args.self_check:  # before settings and logging: it must run on an unconfigured machine
        from app import selfcheck

        return selfcheck.main(cli, config_file)
    try:
        settings = load_settings(cli, config_file=config_file)
        command = getattr(args, "command", None)  # the options-only parser has none
        if command in NEEDS_STORE and not settings.database_path.is_file():
            raise UserFacingError(
                f"There is no CJIT Desk store in {settings.data_dir}: check --data-dir (or "
                "CJIT_DATA_DIR); 'cjit-desk init' creates one."
            )
        from app.logging_setup import setup_logging

        func = getattr(args, "func", _gui)
        # The window's start defers the log file until the window is up (app/ui/main.py).
        setup_logging(settings.log_dir, settings.log_level, defer=func is _gui)
        return func(settings, args)
    except UserFacingError as exc:
        print(f"cjit-desk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected error")
        print(
            "cjit-desk: an unexpected error happened; details are in the log file.", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
