import pytest

from parvis.connectors.ban.testserver import BanTestServer, add_admiville_sample
from parvis.reports.tests.factories import make_world


@pytest.fixture(autouse=True)
def _reports_settings(settings):
    """Every test starts with the default Admiville box, no BAN and the OSM tile template."""
    settings.COMMUNE_BOUNDARY_FILE = ""
    settings.COMMUNE_BBOX = ["48.8350", "2.3250", "48.8650", "2.3750"]
    settings.BAN_API_URL = ""
    settings.OPEN311_JURISDICTION_ID = "admiville.fr"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def ban(settings):
    """A local Base Adresse Nationale with a few Admiville addresses (and one outside the commune)."""
    with BanTestServer() as server:
        add_admiville_sample(server)
        server.add_address("3 rue Lointaine 99200 Autreville", lat=48.9000, lon=2.5000, postcode="99200",
                           city="Autreville", citycode="99200")
        settings.BAN_API_URL = server.url
        settings.BAN_TIMEOUT_SECONDS = 1
        yield server
