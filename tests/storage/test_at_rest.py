"""Nothing sensitive touches disk in plaintext: database, WAL, SHM, slot file, logs."""

import logging
from datetime import UTC, date, datetime

from app.logging_setup import setup_logging
from app.storage import audit, store
from app.storage.models import CustodyEpisode, FormRecord, Person
from tests.storage.conftest import WORKER_PASS

SECRETS = ["Zebedee Quartermaine", "Quartermaine", "07/123456X", "14 Wollaton Crescent", "NG7 9QZ"]


def _all_bytes(data_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def _write_person(opened):
    with opened.session() as s:
        person = Person(
            family_name="Quartermaine",
            given_names="Zebedee",
            pnc_id="07/123456X",
            date_of_birth=date(1990, 5, 17),
            postcode="NG7 9QZ",
            family_key="quartermaine",
            given_key="zebedee",
        )
        s.add(person)
        s.flush()
        episode = CustodyEpisode(
            person_id=person.id,
            custody_record_number="BW/9876/26",
            arrived_at=datetime(2026, 11, 23, 10, 5, tzinfo=UTC),
        )
        s.add(episode)
        s.flush()
        s.add(
            FormRecord(
                episode_id=episode.id,
                form_key="custody_episode",
                answers={
                    "family_name": "Quartermaine",
                    "given_names": "Zebedee",
                    "pnc_id": "07/123456X",
                    "address": "14 Wollaton Crescent, Nottingham",
                    "postcode": "NG7 9QZ",
                },
            )
        )
        audit.record(s, opened.worker, "collection", "custody_episode", episode.id)


def test_personal_details_are_in_no_file_of_the_data_directory(data_dir):
    setup_logging(data_dir / "logs")
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    _write_person(opened)
    # Check while open too: the WAL holds the latest pages until a checkpoint.
    files_open = _all_bytes(data_dir)
    opened.close()
    logging.shutdown()
    files_closed = _all_bytes(data_dir)
    assert "cjit.db-wal" in files_open, "the WAL journal should have been checked while in use"
    for files in (files_open, files_closed):
        for name, content in files.items():
            for secret in SECRETS:
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    assert secret.encode(encoding) not in content, f"{secret!r} found in {name}"


def test_the_details_are_really_there_for_the_unlocked_store(data_dir):
    # The negative test above means something only if the data is in fact stored.
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        _write_person(opened)
        with opened.session() as s:
            assert (
                s.query(Person).filter_by(family_name="Quartermaine").one().pnc_id == "07/123456X"
            )
    finally:
        opened.close()


def test_a_failed_statement_does_not_log_the_values_it_carried(data_dir, caplog):
    opened = store.open_store(data_dir, "ann", WORKER_PASS)
    try:
        try:
            with opened.session() as s:
                s.add(
                    Person(
                        family_name="Quartermaine",
                        given_names="Zebedee",
                        family_key="quartermaine",
                        given_key="zebedee",
                    )
                )
                s.flush()
                s.add(CustodyEpisode(person_id="no-such-person", custody_record_number="BW/1/26"))
                s.flush()
        except Exception as exc:
            logging.getLogger("test").exception("save failed")
            message = str(exc)
        assert "no-such-person" not in message and "BW/1/26" not in message
        assert "Quartermaine" not in caplog.text and "BW/1/26" not in caplog.text
        assert "FOREIGN KEY" in message
    finally:
        opened.close()
