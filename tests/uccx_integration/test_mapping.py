import sqlite3

from uccx_integration import mapping


def table_columns(path, table):
    with sqlite3.connect(path) as db:
        return tuple(row[1] for row in db.execute(f"PRAGMA table_info({table})"))


def test_it_shapes_the_simulator_tables_exactly_as_the_mapping_names_them(simulator):
    for table in mapping.TABLES:
        assert table_columns(simulator.store.path, table.name) == table.column_names


def test_it_names_every_rest_status_filter_of_the_adminapi():
    assert set(mapping.STATUS_BY_REST_FILTER) == {
        "PENDING",
        "CALLBACK",
        "RETRY",
        "RETRIES_WITH_DELAY",
        "MAX_CALLS",
        "UNKNOWN",
    }
    assert mapping.CallStatus.PENDING.rest_filter == "PENDING"
    assert mapping.CallStatus.CLOSED.rest_filter is None


def test_it_keeps_the_third_party_call_result_codes():
    assert mapping.CallResult.FAX == 2
    assert mapping.CallResult.ANSWERING_MACHINE == 3
    assert mapping.CallResult.INVALID_NUMBER == 4
    assert mapping.CallResult.BUSY == 11
    assert len({int(code) for code in mapping.CallResult}) == len(mapping.CallResult)
