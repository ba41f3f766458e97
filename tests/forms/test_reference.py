from datetime import date

import pytest

from app.forms import ReferenceData, ReferenceDataError
from app.forms.reference import DOCUMENT_NAMES


def test_every_reference_document_has_a_version_and_a_source(reference):
    for name in DOCUMENT_NAMES:
        assert reference.documents[name]["version"]
        assert reference.documents[name]["source"]


def test_the_trigger_offence_list_has_the_21_current_offences(reference):
    current = [o for o in reference.trigger_offences if not o["repealed"]]
    assert len(current) == 21
    assert len(reference.choices("trigger_offences")) == 21


def test_the_trigger_offence_file_cites_schedule_6_on_legislation_gov_uk(reference):
    assert (
        "legislation.gov.uk/ukpga/2000/43/schedule/6"
        in reference.documents["trigger_offences"]["source"]
    )


def test_misuse_of_drugs_offences_are_class_a_only_and_attempts_are_marked(reference):
    by_id = {o["id"]: o for o in reference.trigger_offences}
    assert by_id["mda_possession"]["class_a_only"] is True
    assert by_id["theft"]["class_a_only"] is False
    assert by_id["attempted_burglary"]["attempt"] is True


def test_deception_still_resolves_but_is_a_trigger_offence_only_before_its_repeal(reference):
    assert (
        reference.trigger_offence("obtaining_property_by_deception")["reference"]
        == "Theft Act 1968 s.15"
    )
    assert reference.is_trigger_offence("obtaining_property_by_deception", on=date(2006, 6, 1))
    assert not reference.is_trigger_offence("obtaining_property_by_deception", on=date(2007, 1, 15))
    assert "obtaining_property_by_deception" in reference.choice_values("trigger_offences")
    assert "obtaining_property_by_deception" not in reference.choice_values(
        "trigger_offences", include_retired=False
    )


def test_the_spoc_directory_is_marked_fictional_and_starts_with_nottingham_at_the_aot(reference):
    assert reference.documents["spoc_directory"]["fictional"] is True
    assert "FICTIONAL" in reference.documents["spoc_directory"]["source"]
    assert reference.spoc_address("nottingham").endswith("24-30 Castle Gate\nNottingham\nNG1 7AT")
    assert len(reference.spoc_directory) >= 9


def test_ethnicity_has_the_19_ons_2021_categories_and_not_stated(reference):
    assert len(reference.ethnicity) == 20
    assert reference.ethnicity[-1]["id"] == "not_stated"


def test_substances_are_data(reference):
    assert [s["id"] for s in reference.tested_substances] == ["opiates", "cocaine"]
    assert {"alcohol", "cannabis", "cocaine_hydrochloride", "amphetamine", "nps", "other"} == {
        s["id"] for s in reference.other_substances
    }


def test_wording_says_it_is_not_the_official_text_and_has_the_copy_labels(reference):
    assert "NOT the official Home Office text" in reference.documents["wording"]["source"]
    assert reference.wording("copy_labels.custody_record") == "CUSTODY RECORD COPY"
    assert "liable to prosecution" in reference.wording("statutory_warning")
    with pytest.raises(KeyError):
        reference.wording("ra9.heading")


def test_the_policy_file_matches_the_defaults(reference):
    from app.forms.policy import DEFAULT_POLICY

    assert reference.policy() == DEFAULT_POLICY


def test_the_central_store_can_replace_a_document(reference):
    newer = {**reference.documents["spoc_directory"], "version": "2026.2", "cjits": []}
    replaced = reference.replace(spoc_directory=newer)
    assert replaced.versions()["spoc_directory"] == "2026.2"
    assert replaced.spoc("nottingham") is None
    assert reference.spoc("nottingham") is not None


def test_a_missing_document_is_reported_by_name(reference):
    docs = dict(reference.documents)
    del docs["wording"]
    with pytest.raises(ReferenceDataError, match="wording"):
        ReferenceData.from_documents(docs)


def test_a_document_without_a_version_is_refused(reference):
    docs = {**reference.documents, "policy": {"source": "x"}}
    with pytest.raises(ReferenceDataError, match="policy"):
        ReferenceData.from_documents(docs)
