"""The names of the monthly figures of the rest of the pathway (issue 13; 000 Figures 1-5),
declared once: the central store counts them under these keys (``central.reports_pathway``,
README "Monthly report") and the client's Reports screen shows them with these headings."""

from __future__ import annotations

PATHWAY_FIGURES: dict[str, str] = {
    "positive_opiates_only": "Positive: opiates only",
    "positive_cocaine_only": "Positive: cocaine only",
    "positive_both": "Positive: opiates and cocaine",
    "tests_confirmed_negative": "Disputed, confirmed negative",
    "initial_attended": "Initial RA attended",
    "initial_failed": "Initial RA failed",
    "follow_up_attended": "Follow-up attended",
    "follow_up_failed": "Follow-up failed",
    "failures_reported": "Failures reported",
    "rob_applied": "RoB applied",
    "rob_assessed": "RoB assessed",
    "rob_failed": "RoB failed to attend",
    "prison_referrals": "Prison referrals",
    "prison_referrals_late": "Prison referrals late",
    "transfers_out": "Transfers out",
    "transfers_in": "Transfers in",
}
