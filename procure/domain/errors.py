"""Domain errors: every refusal says, in plain words, which rule blocked it."""


class ProcureError(Exception):
    """Base of every error procure reports to a person (exit code 1 on the CLI)."""


class InvalidInput(ProcureError):
    """The request or the data given is malformed: a bad USCC, a negative budget."""


class NotFound(ProcureError):
    """The thing named does not exist: an unknown project code, organization or state."""


class Refused(ProcureError):
    """A well-formed request that a rule of the lifecycle refuses (role, state or guard)."""


class ConfigError(ProcureError):
    """A workflow, scorecard or policy file is invalid; the message names file and key."""


class Busy(ProcureError):
    """Another writer held what this change needs for longer than the wait allows: try again."""
