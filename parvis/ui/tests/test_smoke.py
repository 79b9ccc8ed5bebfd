import pytest
from django.core.mail import send_mail


@pytest.mark.django_db
def test_home_renders(client):
    response = client.get("/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_unknown_page_is_themed_404(client):
    response = client.get("/nexiste-pas/ni-ici/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_mail_goes_through_real_smtp(mailbox):
    send_mail("Bonjour", "Corps", "mairie@example.org", ["usager@example.org"])
    assert mailbox.messages[0]["Subject"] == "Bonjour"
