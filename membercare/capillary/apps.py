import logging

from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext

from membercare.log_filters import DropQueryStrings

from . import _text
from .settings import forget_client
from .transport import URLLIB3_LOGGERS


class CapillaryConfig(AppConfig):
    name = "membercare.capillary"
    verbose_name = "Capillary client"

    def ready(self) -> None:
        # A logger-level filter runs for every record these loggers make, before any handler,
        # whatever the deployment's logging configuration: no query string (no identifier) in
        # urllib3's retry warnings and debug lines.
        for name in URLLIB3_LOGGERS:
            urllib3_logger = logging.getLogger(name)
            if not any(isinstance(f, DropQueryStrings) for f in urllib3_logger.filters):
                urllib3_logger.addFilter(DropQueryStrings())
        setting_changed.connect(forget_client, dispatch_uid="capillary.forget_client")
        # What agents read of the client's errors and labels, in their language (_text.py).
        _text.use_translation(gettext)
