"""The application as a whole: its OpenAPI description and documentation page."""

from __future__ import annotations

import warnings
from collections import Counter

from fastapi.testclient import TestClient


def test_every_operation_has_its_own_id_and_the_docs_page_is_served(client: TestClient) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FastAPI warns about duplicate operation ids
        spec = client.get("/openapi.json").json()
    ids = Counter(
        operation["operationId"] for path in spec["paths"].values() for operation in path.values()
    )
    assert [name for name, seen in ids.items() if seen > 1] == []
    assert "/api/v1/cooperations/{cooperation_id}/absences/{row_id}" in spec["paths"]
    assert client.get("/docs").status_code == 200
