"""First run: the set-up wizard creates the store and the first team leader, shows the recovery
key once, and opens the main window."""

from PySide6.QtWidgets import QWizard

from app.config import Settings
from app.storage import store
from app.ui.setup_wizard import SetupWizard


def test_the_wizard_creates_the_store_and_shows_the_recovery_key_once(qtbot, tmp_path):
    settings = Settings(data_dir=tmp_path / "new-data")
    wizard = SetupWizard(settings)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.data_page.path.text() == str(settings.data_dir)
    wizard.next()
    page = wizard.worker_page
    qtbot.keyClicks(page.username, "j.smith")
    qtbot.keyClicks(page.display_name, "Jo Smith")
    qtbot.keyClicks(page.passphrase, "short")
    qtbot.keyClicks(page.confirm, "short")
    wizard.next()
    assert wizard.currentPage() is page and "at least 10 characters" in page.error.text()
    assert not store.is_initialised(settings.data_dir)

    page.passphrase.clear()
    page.confirm.clear()
    qtbot.keyClicks(page.passphrase, "three good words")
    qtbot.keyClicks(page.confirm, "three good words")
    wizard.next()
    key_page = wizard.key_page
    assert wizard.currentPage() is key_page
    assert len(key_page.key.text()) == 39 and key_page.key.text().count("-") == 7
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    key_page.done.setChecked(True)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    wizard.accept()
    assert store.is_initialised(settings.data_dir)
    assert wizard.workspace.worker.username == "j.smith"
    assert wizard.workspace.is_team_leader
    recovered = wizard.recovery_key
    wizard.workspace.close()
    store.open_with_recovery_key(settings.data_dir, recovered).close()


def test_a_folder_that_already_holds_data_is_refused(qtbot, tmp_path):
    data = tmp_path / "data"
    store.initialise(data, "lead", "Lead", "lead passphrase")[0].close()
    wizard = SetupWizard(Settings(data_dir=data))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.data_page
    assert "already holds CJIT Desk data" in wizard.data_page.error.text()
