"""The settings, each declared once: name, type, default, help, and where it may come from.

Precedence, highest first: command line > environment (``CJIT_*``) > config file > defaults.
The config file is TOML; IT deploys a machine-wide one (docs/deployment.md, "Configuration for
silent deployment"). Its location: ``--config`` or ``CJIT_CONFIG``, else the platform's site
config directory (``/etc/xdg/cjit-desk/config.toml`` on Linux,
``C:\\ProgramData\\CJIT\\cjit-desk\\config.toml`` on Windows).

Each field of ``Settings`` carries its declaration (``setting(...)``, after Electrum's
``ConfigVar``): the command-line options (``add_options``), the environment variables, the
config-file keys and their error messages, and the tables in the README and
docs/deployment.md (``tools/settings_table.py``) are all made from it. To add a setting, add a
field here and run ``python tools/settings_table.py --write``.

Standard library only, on purpose: the unlock window waits for this module (pydantic-settings
would add about half a second to a cold start, measured in issue 17's report).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.errors import UserFacingError

APP_NAME = "cjit-desk"
APP_AUTHOR = "CJIT"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(UserFacingError):
    """A setting has a value that cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Declaration:
    """Everything about one setting except its Python name, type and default (the field's)."""

    label: str  # for people: the docs' tables
    help: str  # the command line's --help
    default_text: str  # the default, as the docs say it
    parse: Callable[[Any], Any]  # raises ValueError for a value that cannot be used
    must_be: str = "a valid value"  # completes "... it must be ..." in the error message
    option: str | None = None  # the command-line option, if there is one
    env: str | None = None  # the environment variable, if there is one
    in_file: bool = True  # may be set in the config file (under the field's name)
    metavar: str = "VALUE"  # the command line's name for the value


def _path(value: Any) -> Path:
    return Path(os.path.expanduser(str(value)))


def _text(value: Any) -> str:
    return str(value)


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    minutes = int(value)
    if not 1 <= minutes <= 120:
        raise ValueError(value)
    return minutes


def _log_level(value: Any) -> str:
    level = str(value).upper()
    if level not in LOG_LEVELS:
        raise ValueError(value)
    return level


THEMES = ("standard", "high-contrast")


def _theme(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in THEMES:
        raise ValueError(value)
    return name


def setting(
    *, default: Any = None, default_factory: Callable[[], Any] | None = None, **kw: Any
) -> Any:  # a dataclasses.field
    """A dataclass field that carries its Declaration."""
    metadata = {"setting": Declaration(**kw)}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def default_data_dir() -> Path:
    import platformdirs  # here, not at the top: the cold start pays only for what it uses

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_config_file() -> Path:
    import platformdirs

    return Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR)) / "config.toml"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = setting(
        default_factory=default_data_dir,
        label="data directory",
        help="where the encrypted store lives",
        default_text="the user's data folder (`%LOCALAPPDATA%\\CJIT\\cjit-desk`, "
        "`~/.local/share/cjit-desk`)",
        parse=_path,
        option="--data-dir",
        metavar="DIR",
        env="CJIT_DATA_DIR",
    )
    central_url: str | None = setting(
        label="central store address",
        help="the central store's address (https://…; plain http only to loopback)",
        default_text="none: stand-alone (offline)",
        parse=_text,
        option="--central-url",
        metavar="URL",
        env="CJIT_CENTRAL_URL",
    )
    ca_bundle: Path | None = setting(
        label="CA bundle for the central store",
        help="CA certificates to trust for the central store (PEM)",
        default_text="the system's certificates",
        parse=_path,
        option="--ca-bundle",
        metavar="FILE",
        env="CJIT_CA_BUNDLE",
    )
    idle_lock_minutes: int = setting(
        default=5,
        label="idle lock, minutes (1–120)",
        help="minutes without input before the window locks",
        default_text="5",
        parse=_minutes,
        must_be="a whole number of minutes from 1 to 120",
        env="CJIT_IDLE_LOCK_MINUTES",
    )
    log_level: str = setting(
        default="INFO",
        label=f"log level ({', '.join(LOG_LEVELS)})",
        help="how much the log file records",
        default_text="INFO",
        parse=_log_level,
        must_be=f"one of {', '.join(LOG_LEVELS)}",
        env="CJIT_LOG_LEVEL",
    )

    theme: str = setting(
        default="standard",
        label="colour theme (standard, high-contrast)",
        help="high-contrast: white on black with a yellow focus, for low vision or glare",
        default_text="standard",
        parse=_theme,
        must_be="standard or high-contrast",
        env="CJIT_THEME",
    )

    @property
    def database_path(self) -> Path:
        return self.data_dir / "cjit.db"

    @property
    def keyslots_path(self) -> Path:
        return self.data_dir / "keyslots.json"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


# Where the config file is: a setting of its own, read before the others (never from the file).
CONFIG_FILE = Declaration(
    label="config file",
    help="a config file to use instead of the machine-wide one",
    default_text="`/etc/xdg/cjit-desk/config.toml` (Linux), "
    "`C:\\ProgramData\\CJIT\\cjit-desk\\config.toml` (Windows)",
    parse=_path,
    option="--config",
    metavar="FILE",
    env="CJIT_CONFIG",
    in_file=False,
)


def declared() -> Iterator[tuple[str, Declaration]]:
    """(name, declaration) of every setting, in declaration order, the config file last."""
    for item in fields(Settings):
        yield item.name, item.metadata["setting"]
    yield "config", CONFIG_FILE


ENV_NAMES = {name: d.env for name, d in declared() if d.env and name != "config"}


def add_options(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """One command-line option per setting that has one; its help names the other sources.
    ``after_command``: the same options for a sub-command's parser (``init --data-dir X``),
    setting nothing when absent so they never undo one given before the sub-command."""
    for name, declaration in declared():
        if declaration.option is None:
            continue
        sources = [f"environment {declaration.env}"] if declaration.env else []
        if declaration.in_file:
            sources.append(f"config file key {name}")
        extra = f" ({'; '.join(sources)})" if sources else ""
        parser.add_argument(
            declaration.option,
            dest=name,
            metavar=declaration.metavar,
            help=declaration.help + extra,
            **({"default": argparse.SUPPRESS} if after_command else {}),
        )


def options_given(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (not the config file's location)."""
    return {
        name: getattr(args, name, None)
        for name, declaration in declared()
        if declaration.option and name != "config"
    }


def config_file_location(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    environ = os.environ if environ is None else environ
    if config_file is not None:
        return config_file
    if environ.get(CONFIG_FILE.env or ""):
        return CONFIG_FILE.parse(environ[CONFIG_FILE.env or ""])
    return default_config_file()


def _coerce(name: str, value: Any, source: str) -> Any:
    if value is None:
        return None
    declaration = dict(declared())[name]
    try:
        return declaration.parse(value)
    except (ValueError, TypeError):
        raise ConfigError(
            f"The setting '{name}' from {source} is {value!r}; it must be {declaration.must_be}."
        ) from None


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import tomllib  # only when there is a config file (most desks have none)

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML ({exc}). Fix or remove it."
        ) from None
    known = {name for name, declaration in declared() if declaration.in_file}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"The config file {path} has unknown settings: {', '.join(sorted(unknown))}. "
            f"Known settings: {', '.join(sorted(known))}."
        )
    return {k: _coerce(k, v, f"the config file {path}") for k, v in raw.items()}


def load_settings(
    cli: dict[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the layers; ``cli`` holds only options the user actually gave (None = not given)."""
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    values = _from_file(config_file_location(config_file, environ))
    for name, env_name in ENV_NAMES.items():
        if environ.get(env_name):
            values[name] = _coerce(name, environ[env_name], f"the environment variable {env_name}")
    for name, value in cli.items():
        values[name] = _coerce(name, value, "the command line")
    return Settings(**values)  # (the default data folder is looked up only when not given)
