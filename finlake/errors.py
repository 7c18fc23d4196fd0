"""Exceptions that the command line turns into one plain sentence and a non-zero exit."""


class FinlakeError(Exception):
    """A failure a user can act on; the message names the file, column or setting."""

    exit_code = 1


class ConfigError(FinlakeError):
    """A setting, flag or environment variable has a value finlake cannot use."""

    exit_code = 2
