import shutil
from datetime import UTC, date, datetime

import pytest

from app.config import Settings
from app.services import episodes, forms_context
from app.services import workspace as ws
from app.storage import store

NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)  # Tuesday, in duty hours


@pytest.fixture(scope="session")
def _svc_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("svc") / "data"
    opened, _ = store.initialise(data_dir, "lead", "Lee Leader", "lead passphrase 1")
    opened.add_worker("ann", "Ann Worker", "worker passphrase 2")
    opened.close()
    return data_dir


@pytest.fixture
def workspace(_svc_template, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(_svc_template, target)
    opened = ws.unlock(Settings(data_dir=target), "ann", "worker passphrase 2")
    opened.clock = lambda: NOW
    yield opened
    opened.close()


def save(workspace, episode_id, form_key, **answers):
    stored, version = forms_context.stored(form_key, answers)
    return episodes.save_answers(workspace, episode_id, form_key, stored, version)


def person(workspace, family, given, dob=date(1990, 5, 17), pnc=None, custody="52/11111/26"):
    episode_id = episodes.new_episode(workspace)
    answers = {
        "family_name": family,
        "given_names": given,
        "date_of_birth": dob,
        "custody_record_number": custody,
        "arrived_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    }
    if pnc:
        answers["pnc_id"] = pnc
    save(workspace, episode_id, "custody_episode", **answers)
    return episode_id
