"""Every form of a custody episode, in episode order."""

from __future__ import annotations

from app.forms import annex_e, custody_episode, dt1, ra1, ra2, ra3, ra4, ra5, target_testing
from app.forms.definition import FormDefinition

FORMS: dict[str, FormDefinition] = {
    form.key: form
    for form in (
        custody_episode.FORM,
        target_testing.FORM,
        dt1.FORM,
        ra1.FORM,
        ra2.FORM,
        ra3.FORM,
        ra4.FORM,
        ra5.FORM,
        ra3.FOLLOW_UP_FORM,
        annex_e.FORM,
    )
}


def form(key: str) -> FormDefinition:
    """The definition of a form by key; KeyError names the unknown key."""
    try:
        return FORMS[key]
    except KeyError:
        raise KeyError(f"No form called {key!r}; known: {', '.join(FORMS)}") from None
