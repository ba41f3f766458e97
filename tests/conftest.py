"""Test configuration shared by the whole suite."""

import os

# Qt runs offscreen in tests: set here, before any test imports PySide6, never by hand.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
# Store work on the UI thread is a bug (app/storage/gate.py): in the test suite it raises.
os.environ.setdefault("CJIT_STRICT_THREADS", "1")
