"""The phone number on the custody episode: a warning unless it is a UK number in use."""

import pytest

from app.forms.validation import phone_ok


@pytest.mark.parametrize(
    "number",
    [
        "0115 915 5555",  # Nottingham landline
        "(0115) 915 5555",
        "0115-915-5555",
        "+44 115 915 5555",
        "+44 (0) 115 915 5555",
        "0044 115 915 5555",
        "07911 123456",  # mobile
        "+447911123456",
        "020 7946 0018",
        "0800 123 4567",
        "01534 123456",  # Jersey: +44 too
        "07700 900123",  # Ofcom's fictional ranges, used by the demo and the samples
        "0115 496 0123",
        "01632 960001",
    ],
)
def test_uk_numbers_in_use_pass(number):
    assert phone_ok(number)


@pytest.mark.parametrize(
    "number",
    [
        "12",
        "999",
        "07911 12345",  # a digit short
        "07911 1234567",  # a digit too many
        "0611 123 4567",  # 06 is not a UK range
        "01159 155",  # too short for Nottingham
        "+1 212 555 0100",  # not a UK number
        "call the hostel",
        "",
    ],
)
def test_numbers_that_cannot_be_dialled_in_the_uk_are_flagged(number):
    assert not phone_ok(number)
