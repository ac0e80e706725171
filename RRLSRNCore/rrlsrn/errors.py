"""The one exception type a user can meet: its message is printed as one sentence."""


class RRLSRNError(Exception):
    """An error caused by the user's input (file, option, weights), not by a bug."""
