"""The domain's errors. Services raise them; each edge translates them once.

API: ``{"detail": ..., "code": ...}`` with the error's 4xx status. Web: a form error or a
message. CLI: ``CommandError``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class FourfoldError(Exception):
    code = "error"
    status = 400

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = str(detail)
        self.field = field


class Invalid(FourfoldError):
    """The input breaks a rule of the data (a duplicate slug, an unknown cadence)."""

    code = "invalid"
    status = 400


class NeedsConfirmation(Invalid):
    """Allowed, but unusual enough that the member confirms it first (a far larger amount
    than the co-op's usual entries): sent again with the confirmation, it goes through."""

    code = "confirm_large"


class NotFound(FourfoldError):
    """Also what a non-member is told about a co-op: never reveal that it exists."""

    code = "not_found"
    status = 404


class Conflict(FourfoldError):
    """The request is valid but the current state forbids it (already a member, code used)."""

    code = "conflict"
    status = 409


class Throttled(FourfoldError):
    code = "throttled"
    status = 429


class PrincipleViolation(FourfoldError):
    """A request that would break one of the co-op principles of DESIGN.md.

    403: the request is understood and well-formed, and the co-op's principles forbid it.
    """

    code = "principle_violation"
    status = 403

    PRINCIPLES = {
        "self_funded": _("self-funded"),
        "no_paid_staff": _("no paid staff"),
        "flat": _("flat"),
        "consistent_production": _("consistent production"),
        "members_only": _("no external producers or consumers"),
        "all_four_roles": _("everyone in all four roles"),
    }

    def __init__(self, principle: str, detail: str) -> None:
        if principle not in self.PRINCIPLES:
            raise ValueError(f"unknown principle {principle!r}")
        self.principle = principle
        super().__init__(
            _("Refused by the principle “%(principle)s”: %(detail)s")
            % {"principle": self.PRINCIPLES[principle], "detail": detail}
        )


class PrincipleCheck(PrincipleViolation):
    """Words that read like a breach of a principle (outside money, pay for work) where the
    structure holds: asked, not refused. Sent again with ``declare`` naming the principle,
    the entry is recorded with the member's written declaration, visible to every member.

    422: the entry is well-formed and waits for the member's word.
    """

    code = "principle_check"
    status = 422

    def __init__(self, principle: str, detail: str, *, words: list[str]) -> None:
        if principle not in self.PRINCIPLES:
            raise ValueError(f"unknown principle {principle!r}")
        self.principle = principle
        self.words = words
        FourfoldError.__init__(
            self,
            _("Checked against the principle “%(principle)s”: %(detail)s")
            % {"principle": self.PRINCIPLES[principle], "detail": detail},
            field="declare",
        )
