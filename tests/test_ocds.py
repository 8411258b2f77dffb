"""The OCDS 1.1 release package of a year, validated against the official 1.1.5 schemas kept in tests/data."""
import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.common.timeutil import now_wib, to_wib, today_wib
from app.extensions import db
from app.procurement.models import Order

from .api_helpers import assert_error
from .report_world import YEAR, market  # noqa: F401 (fixture)

pytestmark = pytest.mark.one_clock  # the module's tests share one world and its logins

SCHEMAS = Path(__file__).parent / "data" / "ocds-1.1.5"


@pytest.fixture(scope="module")
def package_validator():
    """A validator of release packages whose $ref to the release schema resolves to the local copy."""
    package_schema = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    release_schema = json.loads((SCHEMAS / "release-schema.json").read_text())
    release_url = package_schema["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(release_url, Resource.from_contents(release_schema, default_specification=DRAFT4))

    def retrieve_nothing(uri):  # no network: anything not in the registry is an error
        raise LookupError(uri)

    registry = Registry(retrieve=retrieve_nothing).with_resources(registry.items())
    return Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def releases(client, **params):
    return client.get("/api/v1/ocds/releases", query_string=params)


def test_the_package_validates_and_describes_every_accepted_order(client, market, package_validator):
    paid = market.order(market.dispar, market.keripik, 120, "dibayar")
    received = market.order(market.dispar, market.tent, 2, "diterima", days=2)
    processing = market.order(market.dinkes, market.meals, 40, "diproses")
    market.order(market.dinkes, market.keripik, 10, "ditolak")
    market.order(market.dispar, market.meals, 10, "menunggu_penyedia")
    market.order(market.dinkes, market.tent, 1, "dibatalkan")

    response = releases(client, year=YEAR)  # public: no token
    assert response.status_code == 200, response.get_json()
    package = response.get_json()
    errors = sorted(package_validator.iter_errors(package), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert package["version"] == "1.1"
    assert urlparse(package["uri"]).scheme in ("http", "https") and f"year={YEAR}" in package["uri"]
    assert package["publisher"]["name"]
    for stamp in [package["publishedDate"]] + [r["date"] for r in package["releases"]]:
        assert datetime.fromisoformat(stamp).utcoffset() is not None

    by_ocid = {r["ocid"]: r for r in package["releases"]}
    expected = {o["number"]: o for o in (paid, received, processing)}
    assert set(by_ocid) == {f"ocds-elokal-{number}" for number in expected}
    for number, order in expected.items():
        release = by_ocid[f"ocds-elokal-{number}"]
        stored = db.session.get(Order, order["id"])
        roles = {party["name"]: party["roles"] for party in release["parties"]}
        assert "buyer" in roles[stored.skpd.name] and "supplier" in roles[stored.supplier.business_name]
        assert release["buyer"]["name"] == stored.skpd.name
        assert release["awards"][0]["suppliers"][0]["name"] == stored.supplier.business_name
        contract = release["contracts"][0]
        assert contract["awardID"] == release["awards"][0]["id"]
        for block in (release["tender"], release["awards"][0], contract):
            assert block["value"] == {"amount": stored.total, "currency": "IDR"}
        assert sum(i["quantity"] * i["unit"]["value"]["amount"] for i in contract["items"]) == stored.subtotal
        assert contract["dateSigned"] == to_wib(stored.accepted_at).isoformat(timespec="seconds")
    assert by_ocid[f"ocds-elokal-{paid['number']}"]["contracts"][0]["status"] == "terminated"
    assert by_ocid[f"ocds-elokal-{received['number']}"]["contracts"][0]["status"] == "active"
    assert by_ocid[f"ocds-elokal-{processing['number']}"]["contracts"][0]["status"] == "active"
    paid_release = by_ocid[f"ocds-elokal-{paid['number']}"]
    assert "implementation" in paid_release["tag"]
    assert paid_release["contracts"][0]["implementation"]["transactions"][0]["id"] == f"SP2D-{paid['id']:04d}/{YEAR}"
    assert "implementation" not in by_ocid[f"ocds-elokal-{processing['number']}"]["tag"]
    rental = by_ocid[f"ocds-elokal-{received['number']}"]["contracts"][0]
    assert rental["period"]["startDate"] and rental["items"][0]["quantity"] == 4  # 2 tents × 2 days


def test_a_year_without_accepted_orders_and_bad_years(client, market):
    market.order(market.dispar, market.keripik, 10, "menunggu_ppk")
    assert_error(releases(client, year=YEAR - 5), 404)
    assert_error(releases(client, year="abc"), 422, fields=("year",))
    assert_error(releases(client, year=YEAR, extra="1"), 422)


def test_the_validator_catches_a_broken_package(package_validator):
    broken = {"uri": "https://contoh.id/ocds", "version": "1.1", "publishedDate": "kemarin",
              "publisher": {"name": "X"},
              "releases": [{"ocid": "ocds-x-1", "id": "1", "date": f"{today_wib()}T00:00:00+07:00", "tag": ["bogus"],
                            "initiationType": "tender",
                            "contracts": [{"id": "1", "awardID": "a", "status": "selesai"}]}]}
    messages = " ".join(e.message for e in package_validator.iter_errors(broken))
    assert "'bogus' is not one of" in messages and "'selesai' is not one of" in messages
    assert "is not a 'date-time'" in messages


def test_a_rating_leaves_the_release_as_it_was(client, market, clock):
    paid = market.order(market.dispar, market.keripik, 10, "dibayar")
    before = releases(client, year=YEAR).get_json()
    clock.move_to(now_wib() + timedelta(hours=1))  # rated an hour after the payment
    rated = client.post(f"/api/v1/orders/{paid['id']}/rate", json={"score": 5}, headers=market.headers("ppk:DISPAR"))
    assert rated.status_code == 200 and rated.get_json()["history"][-1]["action"] == "rate"
    assert releases(client, year=YEAR).get_json() == before
