"""The root of every error whose message is written for the worker or IT to act on.

The UI shows ``str(error)`` of these; anything else is a bug, logged with its traceback and shown
as a short apology with the log's location.
"""


class UserFacingError(Exception):
    pass
