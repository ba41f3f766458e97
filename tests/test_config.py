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
