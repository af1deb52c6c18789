import pytest


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    """A fast password hasher, uploads in a temporary folder, and email kept in mail.outbox."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
