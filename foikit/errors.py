"""Exceptions named for the failure. The CLI turns each into one `Error: ...` line."""


class FoikitError(Exception):
    """Base class: the message is what the officer reads after `Error: `."""


class RegisterPathError(FoikitError):
    """The register cannot be opened or created at that path."""


class RegisterNotInitialised(FoikitError):
    """The register file exists but `foikit init` has not been run on it."""


class UnknownSetting(FoikitError):
    pass


class InvalidSetting(FoikitError):
    pass


class UnknownRegime(FoikitError):
    pass


class UnknownOutcome(FoikitError):
    pass


class UnknownExemption(FoikitError):
    pass


class InvalidDate(FoikitError):
    pass


class FigureNotFound(FoikitError):
    pass


class AmbiguousFigure(FoikitError):
    pass


class ReferenceDataError(FoikitError):
    """The reference data files in the repository are inconsistent."""


class RequestNotFound(FoikitError):
    pass


class QuestionNotFound(FoikitError):
    pass


class InvalidRequest(FoikitError):
    """A request, answer or event that the law or the register cannot accept."""


class MissingAnswer(FoikitError):
    pass


class ReviewerNotIndependent(FoikitError):
    pass


class ReviewNotFound(FoikitError):
    pass


class StaleRecord(FoikitError):
    """Somebody else changed the record since it was read (optimistic locking)."""


class HolidayError(FoikitError):
    pass


class TemplateError(FoikitError):
    pass


class ConversionError(FoikitError):
    pass


class PublishError(FoikitError):
    pass


class ImportFailed(FoikitError):
    pass


class NotAuthorised(FoikitError):
    pass
