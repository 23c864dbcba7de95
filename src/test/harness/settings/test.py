"""Settings for client scripts in mrt's tests. They read the same environment variables as
MCPClient (prefix ARCHIVEMATICA_MCPCLIENT_, then section and option), so whatever mrt hands
a real MCPClient image works here too."""

import os

PREFIX = "ARCHIVEMATICA_MCPCLIENT_"


def _env(name, default):
    return os.environ.get(PREFIX + name, default)


def _flag(name, default):
    # The words configparser's getboolean takes, since MCPClient reads flags that way.
    value = _env(name, default).strip().lower()
    if value in ("1", "yes", "true", "on"):
        return True
    if value in ("0", "no", "false", "off"):
        return False
    raise ValueError("%s%s is not a boolean: %r" % (PREFIX, name, value))


SECRET_KEY = _env("MCPCLIENT_SECRET_KEY", "mrt-test-harness-only")

INSTALLED_APPS = ["main"]

DATABASES = {
    "default": {
        "ENGINE": _env("CLIENT_ENGINE", "django.db.backends.mysql"),
        "NAME": _env("CLIENT_DATABASE", "MCP"),
        "USER": _env("CLIENT_USER", "archivematica"),
        "PASSWORD": _env("CLIENT_PASSWORD", "demo"),
        "HOST": _env("CLIENT_HOST", "localhost"),
        "PORT": _env("CLIENT_PORT", "3306"),
        # One connection for the life of the process, as MCPClient keeps it.
        "CONN_MAX_AGE": 3600,
    }
}

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

CAPTURE_CLIENT_SCRIPT_OUTPUT = _flag("MCPCLIENT_CAPTURE_CLIENT_SCRIPT_OUTPUT", "true")
SHARED_DIRECTORY = _env(
    "MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/var/archivematica/sharedDirectory/"
)
CLIENT_MODULES_FILE = _env(
    "MCPCLIENT_ARCHIVEMATICACLIENTMODULES", "/src/lib/archivematicaClientModules"
)

# Django leaves logging alone: Python's default sends warnings to stderr, stdout stays the
# script's own.
LOGGING_CONFIG = None
