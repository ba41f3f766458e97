"""How strong a passphrase must be, judged by zxcvbn (Dropbox's estimator, pinned in
pyproject.toml) rather than by its length alone.

The bar is 10^10 guesses (zxcvbn's score 4). A stolen slot file can only be attacked offline,
one Argon2id derivation per guess (64 MiB, 3 passes: docs/security.md has the measured cost), so
10^10 guesses is years of a single machine and months of a large rig; 10^8 (score 3) would be
days. ``aaaaaaaaaa`` (10^2), ``Password123!`` (10^4.6) and the worker's own name fail; three or
four unrelated words pass ("custody suite demo": 10^13.7).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import UserFacingError

MIN_PASSPHRASE_LENGTH = 10
MAX_PASSPHRASE_LENGTH = 200  # zxcvbn's time grows with length; nobody types more
MIN_GUESSES_LOG10 = 10
# Words an attacker tries first at this workplace.
LOCAL_WORDS = ("cjit", "custody", "bridewell", "nottingham", "police", "drugs", "desk")


class WeakPassphrase(UserFacingError):
    pass


ADVICE = "A few unrelated words are easy to remember and hard to guess (e.g. four words chosen at random)."


def check_passphrase_strength(passphrase: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise WeakPassphrase with what is wrong and how to do better."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            f"The passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters. "
            + ADVICE
        )
    if len(passphrase) > MAX_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            f"The passphrase is too long: use at most {MAX_PASSPHRASE_LENGTH} characters."
        )
    from zxcvbn import zxcvbn  # loads its word lists (~0.1 s): only when a passphrase is set

    words = [w for w in (*user_inputs, *LOCAL_WORDS) if w]
    result = zxcvbn(passphrase, user_inputs=words)
    if result["guesses_log10"] >= MIN_GUESSES_LOG10:
        return
    feedback = result.get("feedback") or {}
    why = feedback.get("warning") or "It follows a pattern that guessers try early."
    tips = " ".join(feedback.get("suggestions") or [])
    raise WeakPassphrase(
        f"This passphrase is too easy to guess. {why.rstrip('.')}. {tips} {ADVICE}".replace(
            "  ", " "
        ).strip()
    )
