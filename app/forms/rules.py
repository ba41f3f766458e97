"""The public rules API (documented in docs/forms.md). The UI and reports call these."""

from app.forms.annex_e import annex_e_decision
from app.forms.deadlines import (
    annex_e_second_appointment_deadline,
    prison_referral_deadline,
    restriction_on_bail_deadline,
)
from app.forms.fields import Decision
from app.forms.policy import LocalPolicy
from app.forms.target_testing import target_testing_decision
from app.forms.windows import follow_up_deadline, initial_assessment_window
from app.forms.working_days import add_working_days, is_working_day

__all__ = [
    "Decision",
    "LocalPolicy",
    "add_working_days",
    "annex_e_decision",
    "annex_e_second_appointment_deadline",
    "follow_up_deadline",
    "initial_assessment_window",
    "is_working_day",
    "prison_referral_deadline",
    "restriction_on_bail_deadline",
    "target_testing_decision",
]
