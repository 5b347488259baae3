"""POST/GET …/ledger/recurring and …/recurring/{id}/end."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

URL = "/api/v1/coops/home/ledger/recurring"
# A fixed today, years from the real one.
TODAY = datetime(2031, 3, 10, 12, tzinfo=ZoneInfo("America/New_York"))
RENT = {
    "amount": "800.00",
    "category": "space",
    "description": "Kitchen rent",
    "supplier": "Main Street Hall",
    "payer": "bob",
    "cadence": "monthly on the 1st",
    "starts": "2031-04-01",
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_member_sets_up_rent_lists_it_and_its_payer_ends_it(api_client, personas):
    response = api_client(personas.alice).post(URL, RENT)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "800.00"
    assert body["payer"] == "bob"
    assert body["cadence"] == {
        "words": "on day 1 of every month",
        "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
    }
    assert body["next_period"] == "2031-04-01"
    assert body["ended_at"] is None
    listed = api_client(personas.bob).get(URL)
    assert [item["id"] for item in listed.json()] == [body["id"]]
    ended = api_client(personas.bob).post(f"{URL}/{body['id']}/end")
    assert ended.status_code == 200
    assert ended.json()["ended_at"] is not None
    assert ended.json()["next_period"] is None
    again = api_client(personas.bob).post(f"{URL}/{body['id']}/end")
    assert again.status_code == 409


def test_the_pool_pays_and_the_payer_defaults_to_you(api_client, personas):
    pool = api_client(personas.alice).post(URL, RENT | {"payer": "pool"})
    assert pool.json()["payer"] is None
    mine = api_client(personas.alice).post(URL, {k: v for k, v in RENT.items() if k != "payer"})
    assert mine.json()["payer"] == "alice"


def test_another_coop_sees_nothing(api_client, personas):
    created = api_client(personas.alice).post(URL, RENT).json()
    outsider = api_client(personas.outsider)
    assert outsider.get(URL).status_code == 404
    assert outsider.post(URL, RENT).status_code == 404
    assert outsider.post(f"{URL}/{created['id']}/end").status_code == 404
    elsewhere = "/api/v1/coops/elsewhere/ledger/recurring"
    assert outsider.post(f"{elsewhere}/{created['id']}/end").status_code == 404


@pytest.mark.parametrize(
    "change",
    [{"starts": "soon"}, {"amount": 800}, {"cadence": None}, {"ammount": "1.00"}],
)
def test_input_that_does_not_fit_is_422(api_client, personas, change):
    response = api_client(personas.alice).post(URL, RENT | change)
    assert response.status_code == 422
    assert response.json()["code"]


def test_bad_values_and_principles(api_client, personas):
    client = api_client(personas.alice)
    cadence = client.post(URL, RENT | {"cadence": "now and then"})
    assert cadence.status_code == 400
    assert cadence.json()["field"] == "cadence"
    labour = client.post(URL, RENT | {"category": "labour"})
    assert labour.status_code == 403
    assert labour.json()["code"] == "principle_violation"
    stranger = client.post(URL, RENT | {"payer": "outsider"})
    assert stranger.status_code == 403
