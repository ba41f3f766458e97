from datetime import date

from app.services.search import search_people
from tests.services.conftest import person


def _names(hits):
    return [h.display_name for h in hits]


def test_a_family_name_prefix_finds_the_person_whatever_the_case_or_accents(workspace):
    person(workspace, "Zielinski", "Zoë")
    person(workspace, "Ziegler", "Adam")
    assert _names(search_people(workspace, "ziel")) == ["ZIELINSKI, Zoë"]
    assert _names(search_people(workspace, "zoe zielinski")) == ["ZIELINSKI, Zoë"]
    assert _names(search_people(workspace, "Zielinski, Zoe")) == ["ZIELINSKI, Zoë"]


def test_a_date_of_birth_pnc_id_or_custody_number_finds_the_person(workspace):
    person(
        workspace, "Okafor", "Chidi", dob=date(1985, 2, 3), pnc="07/123456X", custody="52/54321/26"
    )
    person(workspace, "Other", "Person", dob=date(1970, 1, 1), custody="52/99999/26")
    assert _names(search_people(workspace, "03/02/1985")) == ["OKAFOR, Chidi"]
    assert _names(search_people(workspace, "07/123456X")) == ["OKAFOR, Chidi"]
    assert _names(search_people(workspace, "52/5432")) == ["OKAFOR, Chidi"]


def test_one_person_with_several_episodes_is_one_hit(workspace):
    for custody in ("52/1/26", "52/2/26", "52/3/26"):
        person(workspace, "Usher", "Reece", dob=date(2003, 7, 9), custody=custody)
    person(workspace, "Usher", "Reece", dob=date(1999, 1, 1))  # a namesake, not the same person
    hits = search_people(workspace, "usher")
    assert sorted(h.episodes for h in hits) == [1, 3]


def test_too_short_a_query_finds_nothing_rather_than_everyone(workspace):
    person(workspace, "Abbott", "Liam")
    assert search_people(workspace, "a") == []
    assert search_people(workspace, "nobody-like-this") == []
