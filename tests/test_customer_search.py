"""Finding a customer as an agent types them (issue 17 items 3 and 15): phone numbers in any format of the
configured regions, names with typos or in another order, part of an e-mail; ranked, each saying why."""

from __future__ import annotations

import json

import pytest

from assistant.models import Customer
from assistant.settings import Settings
from assistant.store import Store


@pytest.fixture()
def store(settings, demo_files):
    """The twelve demo customers (no model needed: the search reads the catalog only)."""
    opened = Store(settings)
    _, customers = demo_files
    opened.upsert_customers(Customer.model_validate(json.loads(x)) for x in customers.read_text().splitlines() if x)
    yield opened
    opened.close()


def find(store: Store, text: str, regions=("GB", "US")):
    from assistant.memory.customer_search import CustomerSearch

    return CustomerSearch(store, regions).find(text)


def first(store: Store, text: str) -> tuple[str, str]:
    found = find(store, text)
    assert found, f"nothing found for {text!r}"
    return found[0].customer.customer_id, found[0].why


@pytest.mark.parametrize("typed", ["07700 900456", "07700900456", "+44 7700 900456", "0044 7700 900 456",
                                   "+44 (0)7700 900456", "+447700900456", "(07700) 900-456"])
def test_a_phone_number_in_any_uk_format_finds_its_customer(store, typed):
    found = find(store, typed)
    assert [m.customer.customer_id for m in found if m.score == 100] == ["cust-miles-okafor"], typed
    assert found[0].why == "phone +447700900456"


def test_part_of_a_number_finds_it_ranked_below_a_whole_number(store):
    cid, why = first(store, "07700 9004")
    assert cid == "cust-miles-okafor" and why == "phone +447700900456 (part)"
    assert find(store, "07700 900")[0].score < find(store, "07700 900456")[0].score


def test_the_regions_setting_decides_how_a_national_number_is_read(store):
    assert Settings.model_fields["phone_regions"].default_factory() == ["GB", "US"]
    us_only = find(store, "07700 900456", regions=["US"])  # no US number starts 0: only its digits match
    assert [(m.score, m.why) for m in us_only] == [(80.0, "phone +447700900456 (part)")]
    us = Customer(customer_id="cust-us", name="Dana Ortiz", contact={"phone": "+1 212 555 0100"})
    store.upsert_customers([us])
    assert [m.customer.customer_id for m in find(store, "(212) 555-0100", regions=["US"])] == ["cust-us"]


def test_a_typo_in_the_name_still_finds_the_customer(store):
    cid, why = first(store, "Mria Lopez")
    assert cid == "cust-maria-lopez" and why == "name close to 'Mria Lopez'"
    assert first(store, "Okafr")[0] == "cust-miles-okafor"


def test_surname_first_with_a_comma_finds_the_customer(store):
    assert first(store, "Okafor, Miles") == ("cust-miles-okafor", "name, words in another order")
    assert first(store, "lopez maria") == ("cust-maria-lopez", "name, words in another order")


def test_part_of_an_email_finds_its_customer(store):
    for typed in ("maria.lopez@exa", "lopez@example", "MARIA.LOPEZ@EXAMPLE.COM"):
        found = find(store, typed)
        assert [m.customer.customer_id for m in found] == ["cust-maria-lopez"], typed
    assert first(store, "maria.lopez@exa")[1] == "e-mail maria.lopez@example.com"
    assert first(store, "maria.lopez@example.com")[1] == "e-mail"


def test_exact_beats_close_and_unrelated_names_are_not_matched(store):
    store.upsert_customers([Customer(customer_id="cust-marian", name="Marian Lopez"),
                            Customer(customer_id="cust-tim", name="Tim Baker")])
    exact = find(store, "Maria Lopez")
    assert [m.customer.customer_id for m in exact] == ["cust-maria-lopez", "cust-marian"]
    assert exact[0].score > exact[1].score and exact[0].why == "name"
    assert [m.customer.customer_id for m in find(store, "Marian Lopez")][0] == "cust-marian"
    assert "cust-tom-becker" not in {m.customer.customer_id for m in find(store, "Tim Baker")}
    assert find(store, "Zed Quinn") == []
    typo = {m.customer.customer_id for m in find(store, "Mria Lopez")}
    assert typo == {"cust-maria-lopez", "cust-marian"}  # no Miles, no Priya: nothing else is close


def test_a_name_word_is_found_by_its_start(store):
    assert first(store, "Hann") == ("cust-hannah-novak", "name contains 'Hann'")
    assert first(store, "cust-owen") == ("cust-owen-price", "customer id cust-owen-price")
    assert first(store, "cust-owen-price") == ("cust-owen-price", "customer id")


def test_nothing_typed_lists_everyone_by_name(store):
    listed = find(store, "  ")
    assert len(listed) == 12 and [m.customer.display_name for m in listed][:2] == ["Chloe Martin", "Eleanor Whitfield"]
    assert all(m.why == "" for m in listed)


def test_a_customer_written_by_another_process_is_found(store, settings):
    from assistant.memory.customer_search import CustomerSearch

    search = CustomerSearch(store, ["GB"])
    assert search.find("Zed Quinn") == []
    other = Store(settings)  # another process's connection to the same store
    other.upsert_customers([Customer(customer_id="cust-zed", name="Zed Quinn", contact={"phone": "07700 900999"})])
    other.close()
    assert [m.customer.customer_id for m in search.find("Zed Quinn")] == ["cust-zed"]
    assert search.find("+44 7700 900999")[0].why == "phone +447700900999"


def test_an_empty_search_says_no_customers_match(store):
    from assistant.memory.customer_search import no_match
    from assistant.ui.desk import result_choices, results_label

    assert find(store, "Zed Quinn") == [] and no_match(" Zed Quinn ") == "no customers match 'Zed Quinn'"
    assert results_label("Zed Quinn", []) == "No customers match 'Zed Quinn'"
    found = find(store, "07700 900456")
    assert result_choices(found)[0] == ("Miles Okafor · cust-miles-okafor\nmatched: phone +447700900456",
                                        "cust-miles-okafor")
    assert results_label("07700 900456", found) == "Customers (1 found)"


def test_the_cli_says_no_customers_match(settings, embedder, demo_files, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.facade import Assistant

    _, customers = demo_files
    Assistant(settings, embedder=embedder).ingest([], customers=customers)
    monkeypatch.setenv("RAPPORT_STORE_DIR", str(settings.store_dir))
    empty = CliRunner().invoke(app, ["customers", "--search", "Zed Quinn"])
    assert empty.exit_code == 0 and empty.output.strip() == "no customers match 'Zed Quinn'"
    found = CliRunner().invoke(app, ["customers", "--search", "07700 900456"])
    assert "cust-miles-okafor" in found.output.splitlines()[0] and "matched: phone +447700900456" in found.output
    as_json = json.loads(CliRunner().invoke(app, ["customers", "--search", "Mria Lopez", "--json"]).output)
    assert as_json[0]["customer_id"] == "cust-maria-lopez" and as_json[0]["why"] == "name close to 'Mria Lopez'"


def test_the_same_customers_again_do_not_rebuild_the_index(store, demo_files):
    before = store.customers_version()
    _, customers = demo_files
    store.upsert_customers(Customer.model_validate(json.loads(x)) for x in customers.read_text().splitlines() if x)
    assert store.customers_version() == before
    moved = Customer(customer_id="cust-owen-price", name="Owen Price", contact={"phone": "+1 212 555 0199"})
    store.upsert_customers([moved])
    assert store.customers_version() == before + 1
    assert first(store, "(212) 555-0199") == ("cust-owen-price", "phone +12125550199")
