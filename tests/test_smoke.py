import pytest

pytestmark = pytest.mark.django_db


def test_home(client, seeded):
    assert client.get("/").status_code == 200
