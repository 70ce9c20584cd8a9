"""Every answer a change still needs, found in one pass instead of one failed run at a time.

``scaffold configure auth=jwt`` makes the ``jwt_*`` questions relevant. Copier's non-interactive update
takes each default and stops at the first one its validator refuses, so a user would learn of the next
missing answer only after fixing the previous one. This walks copier's own questionnaire (its ``Question``
objects, so ``when``, defaults and validators mean exactly what they mean to copier) without prompting,
and collects every refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AnswerRejected
from .cache import scaffold_urls


@dataclass(frozen=True)
class Missing:
    question: str
    reason: str


# Asks for one missing answer, given why it is needed and the question's help; returns the answer.
Asker = Callable[[Missing, str], str]


def missing_answers(root: Path, data: Mapping[str, Any], vcs_ref: str | None) -> list[Missing]:
    """The questions whose answer (given or default) copier would refuse, in questionnaire order."""
    from copier._main import Worker
    from copier._user_data import AnswersMap, Question

    missing: list[Missing] = []
    with (
        scaffold_urls(),
        Worker(dst_path=root, data=dict(data), vcs_ref=vcs_ref, defaults=True, quiet=True) as w,
    ):
        w.answers = AnswersMap(
            init=w.data,
            last=w.subproject.last_answers,
            metadata=w.template.metadata,
            external=w._external_data(),
        )
        for name, details in w.template.questions_data.items():
            question = Question(
                answers=w.answers,
                context=w._render_context(),
                jinja_env=w.jinja_env,
                settings=w.settings,
                var_name=name,
                **details,
            )
            if not question.get_when():
                continue
            source = w.answers.init if name in w.answers.init else w.answers.last
            try:
                if name in source:
                    answer = question.parse_answer(source[name])
                    question.validate_answer(answer)
                else:
                    answer = question.get_default()
            except ValueError as exc:
                missing.append(Missing(name, _reason(exc, name)))
                answer = source.get(name, "")
            w.answers.user[name] = answer
    return missing


def refuse_missing(missing: list[Missing], data: Mapping[str, Any]) -> AnswerRejected:
    """One line naming every missing answer, with a command that would pass them all."""
    given = " ".join(f"{key}={value}" for key, value in data.items())
    listed = "; ".join(f"{item.question} ({item.reason})" for item in missing)
    wanted = " ".join(f"{item.question}=..." for item in missing)
    plural = "s" if len(missing) > 1 else ""
    return AnswerRejected(
        f"{given} needs {len(missing)} more answer{plural}: {listed}. Pass them in one command, e.g. "
        f"scaffold configure {given} {wanted}, or run it in a terminal to be asked (nothing was changed)."
    )


def _reason(exc: ValueError, name: str) -> str:
    text = " ".join(str(exc).split())
    prefix = f"Validation error for question '{name}':"
    return text.removeprefix(prefix).strip().rstrip(".") or "an answer is required"
