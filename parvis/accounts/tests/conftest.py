import pytest

from parvis.accounts.tests.helpers import PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; these tests hash many passwords. `test_signup` checks argon2 itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signup_data():
    return {"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@example.org",
            "password": PASSWORD}
