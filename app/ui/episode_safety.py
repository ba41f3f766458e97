"""What keeps an episode from being changed by accident or entered twice (issue 14), part of
the episode screen (``EpisodeView`` mixes it in):

- "Close episode" asks, with No as the default (``ask``);
- an episode with nothing entered (an accidental Ctrl+N) is discarded when the worker leaves
  it, or by its "Discard empty episode" button: it was never sent (``episodes.LOCAL_ONLY``) and
  the audit log keeps a line;
- a custody record number another episode already has is said beside the field.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from app.forms.fields import warning
from app.services import episodes

log = logging.getLogger(__name__)


class EpisodeSafety:
    """Mixed into EpisodeView: uses its episode_id, data, form_pages, _touched, _op and
    window_."""

    def _check_custody_number(self) -> None:
        """Another episode with the same custody record number: said beside the field."""
        page = self.form_pages["custody_episode"]
        number = page.answers().get("custody_record_number")
        ws, episode_id = self.ws, self.episode_id

        def show(found: str | None) -> None:
            if self.episode_id != episode_id:
                return
            problem = warning("custody_record_number", found, "episode.custody_number_used")
            before = dict(page.found_elsewhere)
            page.set_found_elsewhere("custody_record_number", number, problem if found else None)
            if page.found_elsewhere != before:  # most numbers are nobody else's: nothing to redo
                self.refresh_rules()

        self._op(lambda: episodes.custody_number_in_use(ws, episode_id, number)).success(show).run()

    def _update_close_button(self) -> None:
        closed = bool(self.data and self.data.status == "closed")
        self.close_button.setText(
            "Reopen episode"
            if closed
            else "Discard empty episode"
            if self.is_empty()
            else "Close episode"
        )

    def is_empty(self) -> bool:
        """Nothing entered yet (what the pages show as defaults or pre-fills is not saved);
        the store has the last word (episodes.discard_empty_episode)."""
        return bool(
            self.data
            and self.data.status != "closed"
            and not self.data.answers
            and not self.data.notices
            and not self._touched
        )

    def leave(self) -> None:
        """Leaving an episode with nothing entered (an accidental Ctrl+N) discards it."""
        if not self.is_empty():
            return
        ws, episode_id = self.ws, self.episode_id
        self._op(lambda: episodes.discard_empty_episode(ws, episode_id)).success(
            lambda _: self.window_.status.showMessage(
                "The new episode had nothing entered: it was discarded.", 8000
            )
        ).failure(lambda exc: log.info("episode kept: %s", type(exc).__name__)).run()
        if self.episode_id == episode_id:
            self.episode_id = self.data = None

    def _toggle_closed(self) -> None:
        if not self.episode_id or not self.data:
            return
        if self.is_empty():
            if ask(self, "Discard episode", "Nothing has been entered in this episode. Discard "
                   "it? It is not sent to the central store; the audit log keeps a line."):  # fmt: skip
                self.leave()
                self.window_.show_board()
            return
        closing = self.data.status != "closed"
        if closing and not ask(
            self,
            "Close episode",
            "Close this episode? It leaves the shift board's open list; you can reopen it later.",
        ):
            return
        self.flush()
        ws, episode_id = self.ws, self.episode_id
        change = episodes.close_episode if closing else episodes.reopen_episode
        self._op(lambda: change(ws, episode_id)).success(lambda _: self.load(episode_id)).run()


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A question whose safe answer (No) is the default: Enter or Space on it changes nothing."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
