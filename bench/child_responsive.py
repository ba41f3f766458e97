"""Child process of the responsiveness row: ``python -m bench.child_responsive DATA_DIR URL CODE
SECONDS [idle]`` (the store already enrolled; URL where its central store listens now). The real window on a large store, a scripted shift driven through it the way a worker
drives it (open episodes from the board, type, let autosave run, search, issue an RA1) while the
background sync runs every few seconds against a real central store. A heartbeat timer ticking
every ``TICK_MS`` measures how long the Qt event loop is ever kept from running: the gap between
two ticks minus the interval is the time the loop was blocked. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

TICK_MS = 5
SYNC_EVERY_MS = 3000
CHAR_MS = 60  # a quick typist


def _prepare(ws, count: int) -> tuple[list[str], list[str]]:
    """Existing episodes to open, and fresh positive-test episodes with an RA1 ready to issue."""
    from sqlalchemy import select

    from app import demo
    from app.services import episodes
    from app.storage.models import CustodyEpisode

    rng = random.Random(7)
    with ws.store.session() as s:
        existing = list(s.scalars(select(CustodyEpisode.id).limit(5000)))
    now = ws.now()
    ready = []
    for _ in range(count):
        person = demo.fictional_person(rng, now.date())
        episode_id = demo.episode(
            ws, rng, now - timedelta(minutes=90), person, "Sam Patel", stage=2, positive=True
        )
        forms = episodes.load_episode(ws, episode_id, consultation=False).answers
        from app.services import forms_context

        typed = forms_context.typed_episode(forms)
        demo.ra1_draft(
            ws, episode_id, typed["dt1"]["tested_at"],
            bool(typed["custody_episode"].get("resident_in_area")), "Sam Patel",
        )  # fmt: skip
        ready.append(episode_id)
    return rng.sample(existing, min(60, len(existing))), ready


class Shift:
    """The scripted shift: a generator of (delay ms, action) steps run from the event loop."""

    def __init__(self, window, to_open: list[str], ready: list[str]) -> None:
        self.window, self.to_open, self.ready = window, to_open, ready
        self.steps = {"opened": 0, "typed": 0, "searched": 0, "issued": 0}
        self.log: list[tuple[float, str]] = []  # (when, what): to name the slowest moments
        self.waits: list[int] = []  # ms from asking for an episode to its page showing
        self.dialogs: list[str] = []  # dialogs found open at a step (each would block the script)

    def mark(self, what: str) -> None:
        """Log the step; and, as a worker's hand on the mouse would, tell the window someone is
        there (every step of the script stands for a key press or a click)."""
        from PySide6.QtCore import QPoint
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        self.log.append((time.perf_counter(), what))
        modal = QApplication.activeModalWidget() or QApplication.activePopupWidget()
        if modal is not None:  # a dialog in the way: the script would be typing into nothing
            text = getattr(modal, "text", lambda: "")()
            self.dialogs.append(
                f"{what}: {type(modal).__name__} {modal.windowTitle()!r} {text!r}"[:300]
            )
        QTest.mouseMove(self.window, QPoint(300 + len(self.log) % 50, 300))

    def _until_shown(self, episode_id: str):
        """A worker waits for the episode to appear before typing into it (its loading waits
        behind the store's other work, a sync's included): so does the script, up to 20 s."""
        started = time.perf_counter()
        while self.window.episode.episode_id != episode_id and time.perf_counter() - started < 20:
            yield 20
        self.waits.append(round((time.perf_counter() - started) * 1000 + 600))

    def script(self):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        w = self.window
        # Keys go to the window, as the window system delivers them (to the focused field),
        # so the window sees the input as it does a worker's (app/ui/wheel_guard.py).
        keys = w.windowHandle()
        for i, episode_id in enumerate(self.to_open):
            self.mark("open episode")
            w.open_episode(episode_id)
            self.steps["opened"] += 1
            yield 600
            yield from self._until_shown(episode_id)
            editor = w.episode.form_pages["custody_episode"].findChild(QLineEdit, "input_postcode")
            self.mark("type postcode")
            editor.setFocus()
            editor.selectAll()
            for ch in f"NG{i % 9 + 1} {i % 9 + 1}AB":
                QTest.keyClick(keys, ch)
                self.steps["typed"] += 1
                yield CHAR_MS
            self.mark("wait for autosave")
            yield 1000
            if i % 3 == 2 and self.ready:
                self.mark("open RA1 episode")
                ra1_episode = self.ready.pop()
                w.open_episode(ra1_episode)
                yield 600
                yield from self._until_shown(ra1_episode)
                self.mark("RA1 step")
                w.episode.show_form("ra1")
                yield 200
                self.mark("issue RA1")
                QTest.keyClick(keys, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
                self.steps["issued"] += 1
                yield 1500
            self.mark("board")
            QTest.keyClick(keys, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
            yield 500
            self.mark("search")
            box = w.board.search
            box.setFocus()
            box.clear()
            for ch in "smi":
                QTest.keyClick(keys, ch)
                yield CHAR_MS
            self.steps["searched"] += 1
            yield 800


def main(data_dir: str, url: str, code: str, seconds: str, mode: str = "shift") -> int:
    """``mode`` "idle": the same window, no shift and no sync (the baseline)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from app.config import Settings
    from app.services import workspace as wsm
    from app.ui import ops
    from app.ui.main import make_application
    from app.ui.main_window import MainWindow
    from bench.datagen import WORKER

    app = make_application()
    # Enrolled by the parent at its first sync; the central store now listens on ``url``.
    settings = Settings(data_dir=Path(data_dir), central_url=url or None)
    ws = wsm.unlock(settings, WORKER[0], WORKER[2])
    to_open, ready = _prepare(ws, 12 if mode != "idle" else 0)
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = MainWindow(ws)
    window.hooks["print"] = lambda *a: None  # no printer here: the preview is not the subject
    window.resize(1366, 768)
    window.show()
    ops.settle(60_000)
    # after sync has installed its own close prompt: quitting here must not wait for an answer
    window.hooks["before_close"] = lambda w, proceed: proceed(True)
    shift = Shift(window, to_open, ready)
    pauses = _watch_collector()
    ticks: list[float] = []
    heartbeat = QTimer(interval=TICK_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    watchdog = _Watchdog(ticks)
    syncs = [0]

    def background_sync() -> None:
        controller = getattr(window, "sync_controller", None)
        if controller is not None and not controller.running:
            syncs[0] += 1
            shift.log.append((time.perf_counter(), "background sync"))
            controller.sync_in_background()

    sync_timer = QTimer(interval=SYNC_EVERY_MS)
    sync_timer.timeout.connect(background_sync)
    steps = shift.script()
    deadline = time.monotonic() + float(seconds)

    def end() -> None:
        """The measured time is the shift: stop the clock, then quit. Qt 6 closes the windows on
        quit, and closing waits for a running sync to reach a safe point (main_window) — the
        end of a session, not a moment of the shift."""
        heartbeat.stop()
        watchdog.running = False
        sync_timer.stop()
        app.quit()

    def next_step() -> None:
        if time.monotonic() > deadline:
            end()
            return
        try:
            QTimer.singleShot(next(steps), next_step)
        except StopIteration:
            end()

    profile = None
    if os.environ.get("CJIT_BENCH_PROFILE"):  # cProfile of the window's thread only
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    heartbeat.start()
    watchdog.start()
    if mode == "idle":
        QTimer.singleShot(int(float(seconds) * 1000), end)
    else:
        if mode != "nosync":  # "nosync": the shift alone, to tell its own cost from the sync's
            sync_timer.start()
        QTimer.singleShot(0, next_step)
    app.exec()
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["CJIT_BENCH_PROFILE"])
    watchdog.running = False
    heartbeat.stop()
    sync_timer.stop()
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
    blocked = sorted(max(0.0, g - TICK_MS) for g in gaps)
    worst = sorted(zip(gaps, ticks, strict=False), reverse=True)[:8]
    begun = ticks[0] if ticks else 0.0
    collections = [
        (g, round(ms, 1), round(at - begun, 2), where[:400])
        for at, g, ms, where in pauses
        if at >= begun and ms > 10
    ]
    slowest = [
        (round(g - TICK_MS, 1), _last(shift.log, start)) for g, start in worst if g > 50 + TICK_MS
    ]
    print(json.dumps({
        "max_block_ms": blocked[-1] if blocked else None,
        "p99_block_ms": blocked[int(len(blocked) * 0.99)] if blocked else None,
        "ticks": len(ticks), "syncs": syncs[0], **shift.steps,
        "over_50ms": sum(1 for b in blocked if b > 50), "slowest": slowest,
        "gc_pauses_over_10ms": collections, "stacks_of_long_blocks": watchdog.summary(), "dialogs": shift.dialogs[:10],
        "episode_shown_ms": _spread(shift.waits),
    }))  # fmt: skip
    ws.close()
    return 0


class _Watchdog(threading.Thread):
    """Names what the window's thread was running while the heartbeat is late: every few ms,
    once no tick has come for ``LATE_MS``, it takes that thread's Python stack and keeps the
    innermost frames of our own code (app/, central/). Python frames only: a long call inside
    Qt shows as the Python line that called it."""

    LATE_MS = 30

    def __init__(self, ticks: list[float]) -> None:
        super().__init__(daemon=True)
        self.ticks, self.running = ticks, True
        self.target = threading.main_thread().ident
        self.samples: dict[float, list[str]] = {}  # block start (the last tick) -> stacks seen

    def run(self) -> None:
        while self.running:
            time.sleep(0.004)
            if not self.ticks:
                continue
            last = self.ticks[-1]
            if (time.perf_counter() - last) * 1000 < self.LATE_MS:
                continue
            frame = sys._current_frames().get(self.target)
            if frame is not None:
                self.samples.setdefault(last, []).append(_ours(frame))

    def summary(self) -> list[dict]:
        from collections import Counter

        out = []
        for start, stacks in sorted(self.samples.items(), key=lambda kv: -len(kv[1]))[:12]:
            common = Counter(stacks).most_common(3)
            out.append({"at": round(start - self.ticks[0], 2), "samples": len(stacks),
                        "stacks": [[n, s] for s, n in common]})  # fmt: skip
        return out


def _ours(frame) -> str:
    lines = []
    while frame is not None and len(lines) < 6:
        name = frame.f_code.co_filename
        if "/app/" in name or "/central/" in name or "/bench/" in name:
            short = name.rsplit("/app/", 1)[-1] if "/app/" in name else name.rsplit("/", 1)[-1]
            lines.append(f"{short}:{frame.f_lineno} {frame.f_code.co_name}")
        elif not lines:
            lines.append(f"[{name.rsplit('/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}]")
        frame = frame.f_back
    return " < ".join(lines)


def _watch_collector() -> list[tuple[float, int, float, str]]:
    """(when, generation, ms, where) of every garbage collection from now on; ``where`` names
    the thread, and for a full collection the code that set it off."""
    import gc
    import traceback

    pauses: list[tuple[float, int, float, str]] = []
    started = [0.0, ""]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            where = threading.current_thread().name
            if info["generation"] == 2:
                frames = traceback.extract_stack(limit=12)[:-1]
                where += ": " + " < ".join(
                    f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
                )
            started[0], started[1] = time.perf_counter(), where
        else:
            ms = (time.perf_counter() - started[0]) * 1000
            pauses.append((started[0], info["generation"], ms, started[1]))

    gc.callbacks.append(timed)
    return pauses


def _spread(values: list[int]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {"n": len(ordered), "median": ordered[len(ordered) // 2], "max": ordered[-1]}


def _last(log: list[tuple[float, str]], before: float) -> str:
    """What the shift last did before a long gap began (the likely cause)."""
    earlier = [what for when, what in log if when <= before + 0.001]
    return earlier[-1] if earlier else "start"


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:6]))
