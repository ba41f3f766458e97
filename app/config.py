"""One typed settings object.

Precedence, highest first: command line > environment (``CJIT_*``) > config file > defaults.
The config file is TOML; IT deploys a machine-wide one (see README, "Silent deployment").
Its location: ``--config`` or ``CJIT_CONFIG``, else the platform's site config directory
(``/etc/xdg/cjit-desk/config.toml`` on Linux, ``C:\\ProgramData\\CJIT\\cjit-desk\\config.toml``
on Windows).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from app.errors import UserFacingError

APP_NAME = "cjit-desk"
APP_AUTHOR = "CJIT"


class ConfigError(UserFacingError):
    """A setting has a value that cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    )
    central_url: str | None = None
    ca_bundle: Path | None = None
    idle_lock_minutes: int = 5
    log_level: str = "INFO"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "cjit.db"

    @property
    def keyslots_path(self) -> Path:
        return self.data_dir / "keyslots.json"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


ENV_NAMES = {
    "data_dir": "CJIT_DATA_DIR",
    "central_url": "CJIT_CENTRAL_URL",
    "ca_bundle": "CJIT_CA_BUNDLE",
    "idle_lock_minutes": "CJIT_IDLE_LOCK_MINUTES",
    "log_level": "CJIT_LOG_LEVEL",
}


def default_config_file() -> Path:
    return Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR)) / "config.toml"


def _coerce(name: str, value: Any, source: str) -> Any:
    if value is None:
        return None
    try:
        if name in ("data_dir", "ca_bundle"):
            return Path(os.path.expanduser(str(value)))
        if name == "idle_lock_minutes":
            minutes = int(value)
            if not 1 <= minutes <= 120:
                raise ValueError
            return minutes
        if name == "log_level":
            level = str(value).upper()
            if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
                raise ValueError
            return level
        return str(value)
    except ValueError:
        hints = {
            "idle_lock_minutes": "a whole number of minutes from 1 to 120",
            "log_level": "one of DEBUG, INFO, WARNING, ERROR",
        }
        raise ConfigError(
            f"The setting '{name}' from {source} is {value!r}; it must be "
            f"{hints.get(name, 'a valid value')}."
        ) from None


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML ({exc}). Fix or remove it."
        ) from None
    known = {f.name for f in fields(Settings)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"The config file {path} has unknown settings: {', '.join(sorted(unknown))}. "
            f"Known settings: {', '.join(sorted(known))}."
        )
    return {k: _coerce(k, v, f"the config file {path}") for k, v in raw.items()}


def load_settings(
    cli: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the layers; ``cli`` holds only options the user actually gave (None = not given)."""
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    if config_file is None:
        config_file = (
            Path(environ["CJIT_CONFIG"]) if environ.get("CJIT_CONFIG") else default_config_file()
        )
    values = _from_file(config_file)
    for name, env_name in ENV_NAMES.items():
        if environ.get(env_name):
            values[name] = _coerce(name, environ[env_name], f"the environment variable {env_name}")
    for name, value in cli.items():
        values[name] = _coerce(name, value, "the command line")
    return replace(Settings(), **values)
