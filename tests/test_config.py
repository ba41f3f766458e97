from pathlib import Path

import pytest

from app.config import ConfigError, load_settings


def test_the_command_line_beats_the_environment_which_beats_the_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        'data_dir = "/from/file"\ncentral_url = "https://file.example"\nidle_lock_minutes = 9\n'
    )
    env = {"CJIT_DATA_DIR": "/from/env", "CJIT_IDLE_LOCK_MINUTES": "7"}
    settings = load_settings({"data_dir": "/from/cli"}, environ=env, config_file=config)
    assert settings.data_dir == Path("/from/cli")
    assert settings.idle_lock_minutes == 7
    assert settings.central_url == "https://file.example"


def test_defaults_apply_when_nothing_is_set(tmp_path):
    settings = load_settings({}, environ={}, config_file=tmp_path / "absent.toml")
    assert settings.idle_lock_minutes == 5 and settings.central_url is None
    assert "cjit-desk" in str(settings.data_dir)


def test_the_config_file_is_found_through_cjit_config(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('central_url = "https://central.example"\n')
    settings = load_settings({}, environ={"CJIT_CONFIG": str(config)})
    assert settings.central_url == "https://central.example"


@pytest.mark.parametrize(
    "content, message",
    [
        ("idle_lock_minutes = 0", "whole number of minutes from 1 to 120"),
        ("colour = 'red'", "unknown settings: colour"),
        ("data_dir = ", "not valid TOML"),
    ],
)
def test_a_bad_config_file_says_what_is_wrong(tmp_path, content, message):
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings({}, environ={}, config_file=config)


def test_the_readme_and_deployment_tables_are_made_from_the_declarations():
    from tools import settings_table

    assert settings_table.stale_documents() == [], "run python tools/settings_table.py --write"


def test_a_hand_edited_settings_table_is_found_stale():
    from tools import settings_table

    readme = settings_table.DOCUMENTS[0]
    text = readme.read_text(encoding="utf-8")
    edited = text.replace("| idle lock, minutes (1–120) | — |", "| idle lock | `--idle` |")
    assert edited != text
    assert settings_table.updated(edited, readme) == text


def test_every_declared_option_is_on_the_command_line_and_wins():
    from app.__main__ import build_parser
    from app.config import declared, options_given

    parser = build_parser()
    with_option = [(n, d) for n, d in declared() if d.option]
    argv = []
    for name, declaration in with_option:
        argv += [declaration.option, f"/from/cli/{name}"]
    args = parser.parse_args(argv)
    assert args.config == "/from/cli/config"
    given = options_given(args)
    assert set(given) == {n for n, _ in with_option} - {"config"}
    settings = load_settings(given, environ={"CJIT_DATA_DIR": "/from/env"}, config_file=Path("/x"))
    assert settings.data_dir == Path("/from/cli/data_dir")
    help_text = " ".join(parser.format_help().split())
    assert "CJIT_CENTRAL_URL" in help_text and "config file key ca_bundle" in help_text


def test_a_bad_environment_value_names_the_variable_and_the_fix():
    with pytest.raises(ConfigError, match="CJIT_LOG_LEVEL.*one of DEBUG, INFO, WARNING, ERROR"):
        load_settings({}, environ={"CJIT_LOG_LEVEL": "loud"}, config_file=Path("/absent"))
    with pytest.raises(ConfigError, match="whole number of minutes from 1 to 120"):
        load_settings({}, environ={"CJIT_IDLE_LOCK_MINUTES": "2.5"}, config_file=Path("/absent"))


def test_the_config_file_location_comes_from_cjit_config_unless_given(tmp_path):
    from app.config import config_file_location, default_config_file

    assert config_file_location(None, {}) == default_config_file()
    assert config_file_location(None, {"CJIT_CONFIG": str(tmp_path)}) == tmp_path
    assert config_file_location(Path("/given"), {"CJIT_CONFIG": str(tmp_path)}) == Path("/given")
