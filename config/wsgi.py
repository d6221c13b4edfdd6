import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)

from accounts.checks import missing_settings_message  # noqa: E402

# Never serve without the settings production cannot do without (see config/settings.py).
if settings.MISSING_PRODUCTION_SETTINGS:
    raise ImproperlyConfigured(missing_settings_message(settings.MISSING_PRODUCTION_SETTINGS))
