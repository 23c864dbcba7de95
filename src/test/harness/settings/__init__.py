"""Django settings modules of the test harness (DJANGO_SETTINGS_MODULE=settings.test)."""
