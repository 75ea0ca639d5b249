"""One client per process, built from the CAPILLARY_* settings and rebuilt when they change."""

import pytest
from django.test import override_settings

from membercare.capillary import CapillaryClient, client_from_settings
from membercare.capillary.errors import ConfigurationError


def test_the_client_is_built_once_per_process():
    client = client_from_settings()
    assert isinstance(client, CapillaryClient)
    assert client_from_settings() is client


def test_the_client_follows_the_settings():
    with override_settings(
        CAPILLARY_BASE_URL="https://eu.api.capillarytech.test/",
        CAPILLARY_READ_TIMEOUT=1.5,
        CAPILLARY_BATCH_SIZE=3,
    ):
        client = client_from_settings()
        assert client.base_url == "https://eu.api.capillarytech.test"
        assert client.timeout[1] == 1.5
        assert client.batch_size == 3
    assert client_from_settings() is not client  # the override ended: rebuilt again


def test_an_empty_base_url_is_a_configuration_error():
    with override_settings(CAPILLARY_BASE_URL=""), pytest.raises(ConfigurationError):
        client_from_settings()


def test_other_settings_changes_keep_the_client():
    client = client_from_settings()
    with override_settings(CUSTOMER_CACHE_SECONDS=5):
        assert client_from_settings() is client
