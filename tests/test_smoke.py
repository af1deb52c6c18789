import pytest


@pytest.mark.django_db
def test_home_page_renders_the_site_name(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Mental Health Response Clearinghouse" in response.content.decode()
