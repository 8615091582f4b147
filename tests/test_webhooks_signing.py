"""Our Standard Webhooks signing against the specification's published vectors and the reference
verifier (ported in tests/webhook_receiver.py): what we send is what any standard receiver accepts."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.webhooks import signing
from tests.webhook_receiver import WebhookVerificationError, reference_sign, verify

# The reference library's own test vector (libraries/python/tests/test_webhooks.py, test_sign_function).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_published_vector_signs_to_the_published_signature():
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    # The prefix is optional for the key, as in the reference.
    assert signing.sign(VECTOR_SECRET[6:], VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_ported_reference_signer_agrees_with_the_vector():
    moment = datetime.fromtimestamp(VECTOR_TIMESTAMP, UTC)
    assert reference_sign(VECTOR_SECRET, VECTOR_ID, moment, VECTOR_BODY) == VECTOR_SIGNATURE


def test_our_headers_pass_the_reference_verifier_and_a_changed_byte_fails():
    secret = signing.new_secret()
    moment = datetime(2027, 5, 1, 9, 30, tzinfo=UTC)
    body = '{"type":"payment.succeeded","data":{"amount":{"amount":"12.50","currencyCode":"USD"}}}'
    headers = signing.headers([secret], "msg_abc", moment, body)

    assert verify(secret, body.encode(), headers, now=moment) == {
        "type": "payment.succeeded",
        "data": {"amount": {"amount": "12.50", "currencyCode": "USD"}},
    }
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verify(secret, body.replace("12.50", "12.51"), headers, now=moment)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verify(signing.new_secret(), body, headers, now=moment)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(secret, body, headers, now=moment + timedelta(minutes=6))


def test_two_secrets_give_two_signatures_and_either_verifies():
    old, new = signing.new_secret(), signing.new_secret()
    moment = datetime(2027, 5, 1, tzinfo=UTC)
    headers = signing.headers([new, old], "msg_rot", moment, "{}")

    assert len(headers["webhook-signature"].split(" ")) == 2
    assert all(s.startswith("v1,") for s in headers["webhook-signature"].split(" "))
    assert verify(new, "{}", headers, now=moment) == {}
    assert verify(old, "{}", headers, now=moment) == {}
    assert headers["webhook-id"] == "msg_rot" and headers["webhook-timestamp"] == str(int(moment.timestamp()))


def test_a_new_secret_is_whsec_and_32_random_bytes():
    a, b = signing.new_secret(), signing.new_secret()
    assert a.startswith("whsec_") and a != b
    assert len(base64.b64decode(a[6:])) == 32
