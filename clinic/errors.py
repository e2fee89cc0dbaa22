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


def full_clean_or_raise(instance, error_class: type[DomainError], *, exclude=(), code: str = "invalid") -> None:
    """Run the model's validation; on failure raise `error_class` with every message, each after its field's
    label ("Date of birth: ..."), so a service refuses bad data with one readable sentence."""
    from django.core.exceptions import ValidationError
    from django.utils.text import capfirst

    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        messages = [
            msg if field == "__all__" else f"{capfirst(instance._meta.get_field(field).verbose_name)}: {msg}"
            for field, msgs in error.message_dict.items()
            for msg in msgs
        ]
        raise error_class(" ".join(messages), code=code) from error


class OutOfScopeError(DomainError):
    """The acting user may not see this patient's record (outside a counselor's caseload and groups), so may not
    act on it either. Services raise it before anything else, so it reveals nothing about the record."""

    default_message = "This patient is not in your caseload or your groups."

    def __init__(self, message: str = default_message, *, code="out_of_scope"):
        super().__init__(message, code=code)
