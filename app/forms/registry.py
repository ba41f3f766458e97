"""Every form of a custody episode, in episode order."""

from __future__ import annotations

from app.forms import (
    annex_e,
    annex_e_fu,
    custody_episode,
    drr_report,
    dt1,
    fta_report,
    lab_result,
    ra1,
    ra2,
    ra3,
    ra4,
    ra5,
    referral_in,
    remand,
    restriction_on_bail,
    target_testing,
    transfer,
)
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
        # After the custody suite (issue 13): disputed results, out of area, failures, court.
        lab_result.FORM,
        transfer.FORM,
        referral_in.FORM,
        fta_report.FORM,
        annex_e_fu.FORM,
        remand.FORM,
        restriction_on_bail.FORM,
        drr_report.FORM,
    )
}


def form(key: str) -> FormDefinition:
    """The definition of a form by key; KeyError names the unknown key."""
    try:
        return FORMS[key]
    except KeyError:
        raise KeyError(f"No form called {key!r}; known: {', '.join(FORMS)}") from None
