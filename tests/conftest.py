"""Test configuration shared by the whole suite."""

import os

# Qt runs offscreen in tests: set here, before any test imports PySide6, never by hand.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
