"""Two workstations syncing through the real central service (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.services import episodes, history, notices, reference
from app.services import sync as sync_service
from app.storage import audit
from app.storage.models import AuditEvent, CustodyEpisode, SyncErased
from central import reference as central_reference
from tests.sync.helpers import (
    answers,
    assert_same_everywhere,
    local_ids,
    new_episode,
    save_dt1,
    server_counts,
    sync,
)

pytestmark = pytest.mark.slow


def test_an_episode_created_on_one_workstation_appears_on_the_other(pair):
    a, b = pair
    episode_id = new_episode(a, "Okafor", "Ada")
    summary = sync(a)
    assert summary.pushed >= 3 and not summary.failures
    sync(b)
    assert answers(b, episode_id, "custody_episode")["family_name"] == "Okafor"
    with b.store.session() as s:
        episode = s.get(CustodyEpisode, episode_id)
        assert episode.person.family_key == "okafor"
        assert episode.created_by is not None  # a placeholder for A's worker, id kept
    assert_same_everywhere(a, b)


def test_edits_to_different_fields_of_one_form_on_two_workstations_merge(pair):
    a, b = pair
    episode_id = new_episode(a)
    sync(a)
    sync(b)
    episodes.save_answers(
        a,
        episode_id,
        "custody_episode",
        {**answers(a, episode_id, "custody_episode"), "postcode": "NG1 1AA"},
    )
    episodes.save_answers(
        b,
        episode_id,
        "custody_episode",
        {**answers(b, episode_id, "custody_episode"), "given_names": "Joanne"},
    )
    sync(a)
    summary = sync(b)
    assert summary.conflicts == 0
    sync(a)
    for ws in (a, b):
        merged = answers(ws, episode_id, "custody_episode")
        assert (merged["postcode"], merged["given_names"]) == ("NG1 1AA", "Joanne")
    assert_same_everywhere(a, b)


def test_the_same_field_edited_on_both_is_a_conflict_the_server_wins_and_the_worker_resolves_it(
    pair,
):
    a, b = pair
    episode_id = new_episode(a, "Smyth")
    sync(a)
    sync(b)
    base = answers(a, episode_id, "custody_episode")
    episodes.save_answers(a, episode_id, "custody_episode", {**base, "family_name": "Smythe"})
    episodes.save_answers(b, episode_id, "custody_episode", {**base, "family_name": "Smith"})
    sync(a)
    summary = sync(b)
    assert summary.conflicts >= 1 and any("conflicting" in n for n in summary.notes)
    # The server's version (A's, received first) wins everywhere; B's value is kept aside.
    assert answers(b, episode_id, "custody_episode")["family_name"] == "Smythe"
    [conflict] = [c for c in sync_service.conflicts(b) if c.field == "answers.family_name"]
    assert (conflict.kept, conflict.other, conflict.who) == ("Smythe", "Smith", "this workstation")
    for each in sync_service.conflicts(b):  # the form's answer and the person's name
        sync_service.resolve_conflict(b, each.id, "Smith")  # the worker changes it
    sync(b)
    assert sync_service.conflicts(b) == []
    sync(a)
    assert answers(a, episode_id, "custody_episode")["family_name"] == "Smith"
    assert sync_service.conflicts(a) == []
    assert server_counts(a)["open_conflicts"] == 0
    assert_same_everywhere(a, b)


def test_notices_and_audit_events_push_without_conflicts(pair):
    a, b = pair
    from app import demo

    demo.fill(a, episodes_today=6, history_episodes=0)
    assert sync(a).failures == []
    sync(b)
    sync(a)  # A again: nothing new may conflict with what it already sent
    assert local_ids(b, "notice") == local_ids(a, "notice") != set()
    assert server_counts(a)["open_conflicts"] == 0
    with a.store.session() as s:
        mine = s.query(AuditEvent).count()
    assert server_counts(a)["types"]["audit_event"]["live"] >= mine - 1  # all but the last sync's
    with b.store.session() as s:
        assert audit.verify(s).ok  # other devices' events never entered B's hash chain
    assert_same_everywhere(a, b)


def test_reference_data_pulled_from_the_central_store_is_used(pair, central, tmp_path):
    a, _ = pair
    spoc = dict(reference.bundled().documents["spoc_directory"])
    spoc["cjits"] = [*spoc["cjits"], {**spoc["cjits"][0], "id": "test_cjit_x", "name": "Test CJIT"}]
    spoc["version"] = "test-" + tmp_path.name
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "spoc_directory.json").write_text(__import__("json").dumps(spoc))
    central_reference.load_folder(central.engine, folder)
    sync(a)
    assert reference.reference_data(a).spoc("test_cjit_x")["name"] == "Test CJIT"


def test_history_pulled_prefills_the_profile_on_the_other_workstation(pair):
    a, b = pair
    earlier = new_episode(a, "Brown", "Kim", pnc_id="01/123456A")
    save_dt1(a, earlier, datetime.now(UTC) - timedelta(days=40), opiates="positive")
    sync(a)
    later = new_episode(b, "Brown", "Kim", pnc_id="01/123456A")
    sync(b)
    # B now holds both the pulled form and the central history summary; the summary rows
    # (source "central") are what survive erasure of the old episode, checked below.
    prefill = history.target_testing_prefill(b, later)
    assert prefill["positive_test_last_12_months"][0] is True
    assert (
        "partnership" in prefill["positive_test_last_12_months"][1]
        or "workstation" in (prefill["positive_test_last_12_months"][1])
    )
    from sqlalchemy import select

    from app.storage.models import TestHistory

    with b.store.session() as s:
        rows = s.scalars(select(TestHistory).where(TestHistory.source == "central")).all()
        assert [r.substances for r in rows] == [["opiates"]]


def test_old_closed_episodes_are_erased_after_sync_audited_and_kept_on_the_server(pair):
    a, _ = pair
    old = new_episode(a, "Grey", "Sam")
    save_dt1(a, old, datetime.now(UTC) - timedelta(days=1), cocaine="positive")
    episodes.close_episode(a, old)
    recent = new_episode(a, "Green", "Lee")
    episodes.close_episode(a, recent)
    sync(a)
    a.clock = lambda: datetime.now(UTC) + timedelta(days=45)  # 45 days later
    summary = sync(a)
    a.clock = lambda: datetime.now(UTC)
    assert summary.erased == 2  # both are old by then; the person rows stay
    assert old not in local_ids(a, "episode")
    assert local_ids(a, "person")  # the profile's history needs them
    with a.store.session() as s:
        assert s.get(SyncErased, old) is not None
        erasures = s.query(AuditEvent).filter(AuditEvent.action == "erasure").all()
        assert {e.record_id for e in erasures} == {old, recent}
    counts = server_counts(a)["types"]
    assert counts["episode"]["live"] == 2  # still on the central store
    again = sync(a)  # the count check agrees and nothing comes back
    assert again.failures == [] and old not in local_ids(a, "episode")


def test_a_count_mismatch_is_repaired(pair):
    a, b = pair
    episode_id = new_episode(a)
    sync(a)
    sync(b)
    with b.store.session() as s:  # a row lost behind the engine's back
        from sqlalchemy import delete, text

        from app.storage.models import FormRecord, FormRecordVersion

        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        s.execute(delete(FormRecordVersion))
        s.execute(delete(FormRecord).where(FormRecord.episode_id == episode_id))
    summary = sync(b)
    assert summary.failures == []
    assert answers(b, episode_id, "custody_episode")["family_name"] == "Smith"
    assert_same_everywhere(a, b)


def test_a_reset_of_the_central_store_keeps_unsent_work(pair, central):
    a, b = pair
    episode_id = new_episode(a)
    sync(a)
    sync(b)
    episodes.save_answers(
        b,
        episode_id,
        "custody_episode",
        {**answers(b, episode_id, "custody_episode"), "postcode": "NG7 2RD"},
    )
    unsent = new_episode(b, "Unsent", "Work")
    from central.pull import new_epoch

    new_epoch(central.engine)
    summary = sync(b)
    assert any("history does not match" in n for n in summary.notes)
    assert unsent in local_ids(b, "episode")
    sync(a)
    assert answers(a, episode_id, "custody_episode")["postcode"] == "NG7 2RD"
    assert answers(a, unsent, "custody_episode")["family_name"] == "Unsent"
    assert_same_everywhere(a, b)


def test_an_issued_notice_arrives_whole_on_the_other_workstation(pair):
    a, b = pair
    from app import demo

    demo.fill(a, episodes_today=8, history_episodes=0)
    sync(a)
    sync(b)
    with a.store.session() as s:
        from app.storage.models import Notice

        sent = {n.id: (n.reference, n.content) for n in s.query(Notice)}
    with b.store.session() as s:
        got = {n.id: (n.reference, n.content) for n in s.query(Notice)}
    assert got == sent
    assert notices  # the module that issued them


def test_a_central_store_restored_from_an_older_backup_gets_the_later_versions_back(pair, central):
    a, b = pair
    episode_id = new_episode(a)
    sync(a)
    for postcode in ("NG1 1AA", "NG2 2BB", "NG3 3CC"):  # the form's rev climbs past 2
        episodes.save_answers(
            a, episode_id, "custody_episode",
            {**answers(a, episode_id, "custody_episode"), "postcode": postcode},
        )  # fmt: skip
        sync(a)
    from sqlalchemy import text

    with central.engine.begin() as c:  # the backup was taken after the first sync
        rows = c.execute(text("SELECT record_id, fields FROM record_versions WHERE rev = 1")).all()
        c.execute(text("DELETE FROM record_versions WHERE rev > 1"))
        for record_id, fields in rows:
            c.execute(
                text("UPDATE records SET rev = 1, fields = :f WHERE id = :i"),
                {"f": fields if isinstance(fields, str) else __import__("json").dumps(fields),
                 "i": record_id},
            )  # fmt: skip
    summary = sync(a)
    assert summary.failures == [], summary.failures
    assert sync(a).failures == []  # and the count check agrees from then on
    sync(b)
    assert answers(b, episode_id, "custody_episode")["postcode"] == "NG3 3CC"
    assert_same_everywhere(a, b)


def test_a_central_store_restored_from_an_older_backup_takes_the_audit_log_again(pair, central):
    """The backup holds the log and its anchor as they were at the first sync. The entries made
    since are refused at first (they do not follow the held chain: those before them are
    missing); the count check finds the central store short and the whole log goes again, in
    order, and is accepted: no failure for the worker, and the next sync is quiet."""
    from sqlalchemy import text

    a, _b = pair
    new_episode(a)
    sync(a)
    mine = "SELECT id FROM records WHERE type = 'audit_event' AND updated_by_device_id = :d"
    with a.store.session() as s:
        from sqlalchemy import select

        device = s.scalar(select(AuditEvent.id).limit(1))
    with central.engine.begin() as c:
        device = c.scalar(
            text("SELECT updated_by_device_id FROM records WHERE id = :i"), {"i": device}
        )
        kept = set(c.scalars(text(mine), {"d": device}))
        anchor = c.execute(
            text("SELECT device_id, length, head FROM device_anchors WHERE device_id = :d"),
            {"d": device},
        ).one()
    new_episode(a, "Later", "Work")
    sync(a)
    sync(a)
    with central.engine.begin() as c:  # the restore
        lost = set(c.scalars(text(mine), {"d": device})) - kept
        assert lost, "the later syncs pushed audit entries"
        for record_id in lost:
            c.execute(text("DELETE FROM record_versions WHERE record_id = :i"), {"i": record_id})
            c.execute(text("DELETE FROM records WHERE id = :i"), {"i": record_id})
        c.execute(
            text("UPDATE device_anchors SET length = :n, head = :h WHERE device_id = :d"),
            {"n": anchor.length, "h": anchor.head, "d": anchor.device_id},
        )
    new_episode(a, "After", "Restore")  # new entries, made on top of the ones the backup lost
    summary = sync(a)
    assert summary.failures == [], summary.failures
    with a.store.session() as s:
        from sqlalchemy import func

        held = s.scalar(select(func.count()).where(AuditEvent.sync_state != "synced"))
    with central.engine.begin() as c:
        on_central = len(set(c.scalars(text(mine), {"d": device})))
    assert held <= 1  # at most this sync's own closing entry, sent with the next one
    assert sync(a).failures == []
    with a.store.session() as s:
        assert audit.verify(s).ok
    assert on_central >= len(kept) + len(lost)


def test_re_sending_the_log_keeps_its_refusals_until_the_central_store_answers(pair):
    """The count check re-sends entries refused as not extending the chain; their refusals
    (the team leader's warning) stay until the central store accepts or refuses them again,
    so a push cut short does not silence the warning."""
    from sqlalchemy import select

    from app.storage.models import SyncProblem
    from app.sync import counts, names

    a, _ = pair
    with a.store.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        event.sync_state = "attention"
        s.add(SyncProblem(record_id=event.id, record_type="audit_event", reason="not extending",
                          code=names.CHAIN_BROKEN))  # fmt: skip
        seq = event.seq
    counts.repush_audit_events(a.store)
    with a.store.session() as s:
        assert s.get(AuditEvent, seq).sync_state == "pending"  # goes again
    assert [h.code for h in names.needing_attention(a.store)] == [names.CHAIN_BROKEN]
    assert sync(a).failures == []  # accepted: the refusal is cleared by the acknowledgement
    assert names.needing_attention(a.store) == []
