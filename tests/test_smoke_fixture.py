from permittui.store import queries


def test_fixture_database_has_the_requests(store_as):
    store = store_as()
    assert queries.counts_by_status(store) == {"pending": 5}
