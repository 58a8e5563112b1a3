"""Errors raised by the Wallaroo API."""


class WallarooParameterError(ValueError):
    """An application was put together wrongly; the message says what to change."""
