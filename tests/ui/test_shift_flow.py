"""A whole shift, driven through the widgets: profile → positive test → RA1 → lock → colleague."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QTableWidget
from sqlalchemy import select

from app.storage.models import AuditEvent, Notice
from tests.ui.conftest import WORKER_PASS, choose, find, in_store, settle, tick, type_into


def _new_episode(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert window.pages.currentWidget() is window.episode


def _fill_arrival(qtbot, window, name=("Quartermaine", "Zebedee")):
    type_into(qtbot, window, "custody_episode", "custody_record_number", "52/12345/26")
    type_into(qtbot, window, "custody_episode", "arrived_at", "24/11/2026 09:15")
    tick(qtbot, window, "custody_episode", "arrest_offences", "Theft (Theft Act")
    type_into(qtbot, window, "custody_episode", "family_name", name[0])
    type_into(qtbot, window, "custody_episode", "given_names", name[1])
    type_into(qtbot, window, "custody_episode", "date_of_birth", "17/05/1990")
    type_into(qtbot, window, "custody_episode", "address", "14 Wollaton Crescent\nNottingham")
    type_into(qtbot, window, "custody_episode", "postcode", "NG8 1AA")
    choose(qtbot, window, "custody_episode", "gender", "Male")
    choose(qtbot, window, "custody_episode", "ethnicity", "White: English")
    choose(qtbot, window, "custody_episode", "resident_in_area", "Yes")


def _answer_profile(qtbot, window):
    window.episode.show_form("target_testing")
    for key in ("prison_production", "subject_to_drr"):
        choose(qtbot, window, "target_testing", key, "No")
    choose(qtbot, window, "target_testing", "disclosed_class_a_use", "Yes")


def _positive_dt1(qtbot, window):
    window.episode.show_form("dt1")
    choose(qtbot, window, "dt1", "test_outcome", "Test completed")
    type_into(qtbot, window, "dt1", "tested_at", "24/11/2026 10:05")
    type_into(qtbot, window, "dt1", "tested_by", "DO Smith 4421")
    opiates = window.findChild(QComboBox, "result_opiates")
    opiates.setFocus()
    qtbot.keyClicks(opiates, "Positive")
    cocaine = window.findChild(QComboBox, "result_cocaine")
    cocaine.setFocus()
    qtbot.keyClicks(cocaine, "Negative")
    choose(qtbot, window, "dt1", "disputed", "No")
    choose(qtbot, window, "dt1", "authority", "Trigger offence")
    choose(qtbot, window, "dt1", "court_file_indicator", "Yes")


def test_a_positive_test_leads_to_an_issued_ra1_then_a_colleague_takes_over(qtbot, window, printed):
    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window)
    _answer_profile(qtbot, window)
    decision = find(window, QLabel, "decision_target_testing")
    assert "Decision: Test" in decision.text() and "disclosed" in decision.text().lower()
    _positive_dt1(qtbot, window)

    window.episode.show_form("ra1")
    issue = find(window, QPushButton, "issue_ra1")
    choose(qtbot, window, "ra1", "requirement_made", "Yes")
    assert not issue.isEnabled() and "Not ready to issue" in issue.toolTip()
    type_into(qtbot, window, "ra1", "appointment_at", "24/11/2026 15:00")
    choose(qtbot, window, "ra1", "follow_up_required_if_assessor_requires", "Yes")
    for copy in ("Detainee", "Custody record", "CJIT"):
        tick(qtbot, window, "ra1", "copies", copy)
    type_into(qtbot, window, "ra1", "given_by", "Ann Worker, CJIT")
    type_into(qtbot, window, "ra1", "given_at", "24/11/2026 10:40")
    assert issue.isEnabled(), issue.toolTip()

    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert len(printed) == 1 and printed[0][1] is False
    text = _pdf_text(printed[0][2])
    for label in ("DETAINEE COPY", "CUSTODY RECORD COPY", "CJIT COPY"):
        assert label in text
    assert "QUARTERMAINE" in text.upper() and "Tuesday 24 November 2026 at 15:00" in text
    notice = in_store(window, lambda s: s.scalars(select(Notice)).one())
    assert notice.kind == "ra1" and notice.content["form"]["answers"]["appointment_at"]
    assert find(window, QListWidget, "noticeList").count() == 1
    assert not issue.isEnabled()

    # Idle lock: the content is hidden, the unsaved answer is kept.
    type_into(qtbot, window, "ra3", "notes", "Spoke briefly before release")
    window.idle.idle.emit()
    assert window.frame.currentWidget() is window.lock_panel
    panel = window.lock_panel
    panel.worker.setCurrentText("lead")
    qtbot.keyClicks(panel.passphrase, "lead passphrase 1")
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.frame.currentWidget() is window.pages, timeout=10000)
    assert window.workspace.worker.username == "lead"
    assert window.episode.form_pages["ra3"].answers()["notes"] == "Spoke briefly before release"
    last = in_store(
        window,
        lambda s: s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "authentication")
            .order_by(AuditEvent.seq.desc())
        ).first(),
    )
    assert (last.actor, last.detail["event"]) == ("lead", "switched")


def test_the_board_lists_the_episode_with_its_steps(qtbot, window):
    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Okafor", "Chidi"))
    _answer_profile(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    settle()
    table = find(window, QTableWidget, "episodeTable")
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == "OKAFOR, Chidi"
    assert table.item(0, 4).text() == "Test"


def test_a_wrong_passphrase_at_the_lock_screen_says_so(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    panel = window.lock_panel
    qtbot.keyClicks(panel.passphrase, "not my passphrase")
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "wrong" in panel.message.text(), timeout=10000)
    assert "2 more tries" in panel.message.text()
    assert window.frame.currentWidget() is panel
    qtbot.keyClicks(panel.passphrase, WORKER_PASS)
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.frame.currentWidget() is window.pages, timeout=10000)


def test_enter_moves_to_the_next_field_as_on_a_paper_form(qtbot, window):
    from PySide6.QtWidgets import QApplication, QWidget

    _new_episode(qtbot, window)
    page = find(window, QWidget, "page_custody_episode")
    first = page.findChild(QWidget, "input_custody_record_number")
    first.setFocus()
    qtbot.keyClicks(first, "52/1/26")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.findChild(QWidget, "input_arrived_at")


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _issue_ra1(qtbot, window):
    window.episode.show_form("ra1")
    choose(qtbot, window, "ra1", "requirement_made", "Yes")
    type_into(qtbot, window, "ra1", "appointment_at", "24/11/2026 15:00")
    choose(qtbot, window, "ra1", "follow_up_required_if_assessor_requires", "Yes")
    for copy in ("Detainee", "Custody record", "CJIT"):
        tick(qtbot, window, "ra1", "copies", copy)
    type_into(qtbot, window, "ra1", "given_by", "Ann Worker, CJIT")
    type_into(qtbot, window, "ra1", "given_at", "24/11/2026 10:40")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()


def test_the_dt1_prints_with_its_court_file_cover_from_its_own_page(
    qtbot, window, printed, monkeypatch
):
    from PySide6.QtWidgets import QApplication, QMessageBox

    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Cartwright", "Paige"))
    _answer_profile(qtbot, window)
    _positive_dt1(qtbot, window)
    tick(qtbot, window, "dt1", "other_substances", "Cannabis")
    # A positive DT1 states the assessment the RA1 sets: not printed before the RA1 is issued.
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    box = find(window, QMessageBox, "errorMessage")
    assert "issue the RA1 first" in box.text() and printed == []
    box.close()
    # The offscreen platform does not hand activation back to the window as a desktop does.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    _issue_ra1(qtbot, window)
    window.episode.show_form("dt1")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert len(printed) == 2  # the RA1, then the DT1
    text = _pdf_text(printed[1][2])
    assert "DT1 INCLUDED IN THIS FILE" in text and "CARTWRIGHT" in text.upper()
    assert "Cannabis" in text and "Opiates (heroin): Positive" in text
    assert "Tuesday 24 November 2026 at 15:00" in text
    kinds = in_store(
        window, lambda s: [n.kind for n in s.scalars(select(Notice).order_by(Notice.issued_at))]
    )
    assert kinds == ["ra1", "dt1"]
    # The DT1 stays a record the police can still correct.
    assert window.episode.form_pages["dt1"].editors["tested_by"].isEnabled()


def test_the_dt1_asks_before_printing_an_appointment_changed_since_it_was_printed(
    qtbot, window, printed, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from app.services import notices
    from tests.services.conftest import save
    from tests.services.helpers import AOT, at

    _new_episode(qtbot, window)
    _fill_arrival(qtbot, window, ("Cartwright", "Paige"))
    _positive_dt1(qtbot, window)
    _issue_ra1(qtbot, window)
    window.episode.show_form("dt1")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    episode_id = window.episode.episode_id
    ra1 = next(n for n in window.episode.data.notices if n["kind"] == "ra1")
    ws = window.workspace

    def vary() -> None:  # an RA2 issued meanwhile (another worker, the same store)
        save(
            ws,
            episode_id,
            "ra2",
            varies_kind="ra1",
            varies_notice=ra1["reference"],
            varied_by="cjit",
            reason="Worker ill.",
            new_appointment_at=at(25, 10),
            new_place=AOT,
            copies=["detainee", "cjit"],
            given_by="Ann Worker",
            given_at=at(24, 11),
        )
        notices.issue_notice(ws, episode_id, "ra2")

    ws.submit(vary).result(timeout=30)
    window.episode.load(episode_id)
    settle()
    asked: list[str] = []

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    window.episode.show_form("dt1")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert len(asked) == 1 and "it is now Wednesday 25 November 2026 at 10:00" in asked[0]
    assert len(printed) == 2  # nothing printed when the worker says no
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert len(printed) == 3
    assert "Wednesday 25 November 2026 at 10:00" in _pdf_text(printed[2][2])


def test_a_stored_value_that_cannot_be_read_is_shown_beside_its_field(qtbot, window):
    from sqlalchemy import select

    from app.storage.models import FormRecord
    from tests.services.helpers import episode

    ws = window.workspace
    episode_id = ws.submit(lambda: episode(ws)).result(timeout=30)

    def damage(s) -> None:
        record = s.scalars(select(FormRecord).where(FormRecord.form_key == "custody_episode")).one()
        record.answers = {**record.answers, "date_of_birth": "17/05/1990"}

    in_store(window, damage)
    window.episode.load(episode_id)
    settle()
    label = find(window, QLabel, "problem_date_of_birth")
    assert "'17/05/1990' cannot be read as a date" in label.text()
    assert window.episode.form_pages["custody_episode"].answers()["family_name"] == "Quinn"
