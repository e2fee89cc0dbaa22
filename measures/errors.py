from clinic.errors import DomainError


class MeasureError(DomainError):
    """A measure, a drug screen or a safety alert's follow-up was refused; nothing was saved."""
