"""Finds client scripts: the INI file that maps Gearman functions to modules, and the import
of one module from the clientScripts package."""

import configparser
import importlib
import warnings


def get_supported_modules(path):
    """{function: module} from the [supportedBatchCommands] section of the modules file."""
    # Raw: values are module names, never interpolated; keys come back lowercased.
    parser = configparser.RawConfigParser()
    parser.read(path)
    return dict(parser.items("supportedBatchCommands"))


def load_module(module_name):
    """The module clientScripts.<module_name>, or None (with a RuntimeWarning) if it cannot
    be imported: a missing script must not stop the other functions from loading."""
    try:
        return importlib.import_module("clientScripts." + module_name)
    except ImportError as err:
        warnings.warn(
            "cannot load client script %s: %s" % (module_name, err),
            RuntimeWarning,
            stacklevel=2,
        )
        return None
