"""One POST, bounded: a slow receiver times out (a failed try, logged), a huge answer is read only up
to the cap and its first kilobyte kept, and in production the request goes to the checked address with
the host name kept for Host and TLS."""

from __future__ import annotations

import pytest

from app.webhooks import transport, urls


async def test_a_huge_answer_is_cut_at_the_cap_and_its_first_kilobyte_kept(receiver):
    receiver.reply = "é" + "x" * (5 * transport.MAX_RESPONSE_BYTES)

    answer = await transport.post(receiver.url, "{}", {"content-type": "application/json"}, production=False)

    assert answer.ok and answer.status == 200
    assert answer.body.startswith("é") and len(answer.body.encode()) <= transport.KEPT_BYTES
    assert len(receiver.received) == 1


async def test_a_receiver_slower_than_the_timeout_is_a_failed_try(receiver, monkeypatch):
    import httpx

    monkeypatch.setattr(transport, "TIMEOUT", httpx.Timeout(0.3))
    receiver.delay = 2.0

    answer = await transport.post(receiver.url, "{}", {}, production=False)

    assert (answer.ok, answer.status) == (False, None)
    assert answer.error.startswith("ReadTimeout")
    assert answer.latency_ms < 1500


async def test_nothing_listening_is_a_failed_try_with_the_error():
    answer = await transport.post("http://127.0.0.1:9/hooks", "{}", {}, production=False)
    assert answer.status is None and "ConnectError" in answer.error


@pytest.mark.parametrize(
    ("url", "address", "expected", "host"),
    [
        (
            "https://erp.example.com/hooks?a=1",
            "93.184.215.14",
            "https://93.184.215.14:443/hooks?a=1",
            "erp.example.com",
        ),
        (
            "https://erp.example.com:8443/h",
            "2606:2800:220:1::1",
            "https://[2606:2800:220:1::1]:8443/h",
            "erp.example.com:8443",
        ),
    ],
)
def test_production_requests_go_to_the_checked_address_under_the_host_name(url, address, expected, host):
    target = urls.Target(
        url=url, host="erp.example.com", port=8443 if ":8443" in url else 443, address=address
    )

    sent_to, headers, extensions = transport._pinned(target)

    assert sent_to == expected
    assert headers == {"host": host} and extensions == {"sni_hostname": "erp.example.com"}
