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


def test_it_takes_the_call_result_codes_from_expertflows_uccx_table():
    assert mapping.CallResult.VOICE == 10  # connected
    assert mapping.CallResult.NO_ANSWER == 15
    unconfirmed = frozenset(mapping.CallResult) - mapping.CONFIRMED_CALL_RESULTS
    assert unconfirmed == {mapping.CallResult.ABANDONED}


def test_it_gives_every_code_a_source_or_marks_it_unconfirmed():
    for codes in (mapping.CallStatus, mapping.CallResult, mapping.ContactDisposition):
        for code in codes:
            source = mapping.code_source(code)
            assert source == mapping.UNCONFIRMED or "http" in source, code
    assert mapping.is_confirmed(mapping.CallResult.BUSY)
    assert not mapping.is_confirmed(mapping.CallResult.ABANDONED)
    assert not any(mapping.is_confirmed(status) for status in mapping.CallStatus)
    assert not any(mapping.is_confirmed(d) for d in mapping.ContactDisposition)


def test_the_history_table_has_the_dialing_list_columns():
    assert mapping.DIALING_LIST_HISTORY.column_names == mapping.DIALING_LIST.column_names
    assert mapping.DIALING_TABLES == (mapping.DIALING_LIST, mapping.DIALING_LIST_HISTORY)
