"""Translate copier's exceptions into scaffold's one-line errors with meaningful exit codes.

Copier reports a rejected answer as a bare ``ValueError``, a broken template as ``ConfigFileError`` (also a
``ValueError``) or a pydantic ``ValidationError``, and so on; the order of the checks below matters.
"""

from __future__ import annotations

from .errors import AnswerRejected, Interrupted, ScaffoldError, TemplateFailure

NOTHING_CREATED = "nothing was created"


def translate_copier_error(exc: BaseException, template: str) -> ScaffoldError | None:
    """The scaffold error for ``exc``, or ``None`` for an unknown failure (a bug: let it propagate)."""
    if isinstance(exc, ScaffoldError):
        return exc
    if isinstance(exc, KeyboardInterrupt):  # includes copier's CopierAnswersInterrupt
        return Interrupted(f"Cancelled; {NOTHING_CREATED}.")

    from copier import errors as copier_errors
    from plumbum.commands.processes import ProcessExecutionError
    from pydantic import ValidationError

    if isinstance(exc, copier_errors.InteractiveSessionError):
        return AnswerRejected(
            f"A question needs an answer and there is no terminal to ask it on; pass --defaults or "
            f"--data KEY=VALUE ({NOTHING_CREATED})."
        )
    if isinstance(exc, copier_errors.UnsafeTemplateError):
        return TemplateFailure(
            f"The template {template} uses features scaffold does not run (tasks, migrations or Jinja "
            f"extensions): {exc}"
        )
    if isinstance(exc, (copier_errors.ConfigFileError, copier_errors.InvalidTypeError, ValidationError)):
        return TemplateFailure(f"The template {template} has an invalid copier.yml: {_first_line(exc)}")
    if isinstance(exc, copier_errors.CopierError):  # UserMessageError and the rest
        return TemplateFailure(f"{exc} ({NOTHING_CREATED})")
    if isinstance(exc, ProcessExecutionError):
        return TemplateFailure(f"Could not fetch the template {template}: {_first_line(exc)}")
    if isinstance(exc, ValueError):  # validator, choice and required-question failures
        return AnswerRejected(f"{exc} ({NOTHING_CREATED}; set answers with --data KEY=VALUE)")
    if isinstance(exc, OSError):
        return TemplateFailure(f"Could not render the project: {exc.strerror or exc} ({exc.filename})")
    return None


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines[:3]) if lines else type(exc).__name__
