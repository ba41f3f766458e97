"""What a custody episode is: form definitions, rules and validation. Pure Python, no Qt.

from app.forms import FORMS, FormContext
problems = FORMS["ra1"].validate(answers, ctx)
"""

from app.forms.context import FormContext
from app.forms.definition import FormDefinition, FormDocumentError
from app.forms.fields import Decision, Field, Problem, Section
from app.forms.policy import LocalPolicy
from app.forms.reference import ReferenceData, ReferenceDataError
from app.forms.registry import FORMS, form

__all__ = [
    "FORMS",
    "Decision",
    "Field",
    "FormContext",
    "FormDefinition",
    "FormDocumentError",
    "LocalPolicy",
    "Problem",
    "ReferenceData",
    "ReferenceDataError",
    "Section",
    "form",
]
