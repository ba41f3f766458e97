"""The transport refuses unencrypted addresses except loopback, and maps refusals to errors."""

from __future__ import annotations

import httpx
import pytest

from app.sync import errors
from app.sync.transport import Transport, check_address


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8765", "http://127.9.9.9", "http://localhost:1", "http://[::1]:8765",
     "https://central.example.nhs.uk"],
)  # fmt: skip
def test_https_anywhere_and_plain_http_only_to_loopback_are_accepted(url):
    assert check_address(url).startswith(url.split(":")[0])


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8765", "http://central.example.nhs.uk", "ftp://x"]
)
def test_plain_http_to_another_computer_is_refused_with_a_clear_message(url):
    with pytest.raises(errors.InsecureAddress, match="https://"):
        check_address(url)


def _answering(status: int, body: dict) -> Transport:
    mock = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return Transport("http://127.0.0.1:1", "token", http_transport=mock)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, errors.Revoked), (426, errors.UpgradeRequired), (409, errors.Refused),
     (422, errors.BatchRefused), (503, errors.Transient), (403, errors.Refused),
     (413, errors.TooLarge)],
)  # fmt: skip
def test_each_refusal_becomes_its_own_error_carrying_the_servers_words(status, kind):
    body = {"detail": "Words for the worker.", "code": "x"}
    with pytest.raises(kind) as caught, _answering(status, body) as transport:
        transport.counts()
    if status < 500:
        assert caught.value.detail == "Words for the worker."
    assert caught.value.what_to_do


def test_an_unreachable_central_store_is_transient():
    with pytest.raises(errors.Transient), Transport("http://127.0.0.1:9", "t") as transport:
        transport.counts()


def test_refusals_are_read_from_their_code_and_data_never_from_the_sentence():
    reused = {
        "detail": "record 0f8fad5b-d9cb-469f-a165-70867728950e was …",
        "code": "batch_id_reused",
    }
    with pytest.raises(errors.BatchIdReused), _answering(409, reused) as transport:
        transport.counts()
    too_large = {"detail": "Too large.", "code": "too_large", "max_bytes": 1024}
    with pytest.raises(errors.TooLarge) as caught, _answering(413, too_large) as transport:
        transport.counts()
    assert caught.value.max_bytes == 1024
    malformed = {
        "detail": "No.",
        "code": "invalid_request",
        "errors": [{"field": "x", "message": "y"}, 3],
    }
    with pytest.raises(errors.BatchRefused) as refused, _answering(422, malformed) as transport:
        transport.counts()
    assert refused.value.errors == [{"field": "x", "message": "y"}]
