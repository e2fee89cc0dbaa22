class DomainError(Exception):
    """A clinical or business rule refused an action.

    The message is written for clinic staff: views show it as it is. Services raise it before writing
    anything, or from inside their transaction so that nothing is left half-written.
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
