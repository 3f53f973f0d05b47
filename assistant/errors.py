"""One error tree for Rapport; the CLI, API and UI translate these at their edges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.models import RejectedRecord


class RapportError(Exception):
    """Base of every error Rapport raises on purpose."""


class InputError(RapportError):
    """Bad input a user can fix: names the file, line and field where known."""

    def __init__(self, reason: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = ""
        if file:
            where = f"{file}"
            if line is not None:
                where += f" line {line}"
            where += ": "
        if field:
            where += f"field '{field}': "
        super().__init__(f"{where}{reason}")


class RecordsRejected(InputError):
    """Records refused as a whole: a request that is all or nothing (REST ingest) had an invalid record, so none
    of it was written. `rejected` says which record (its line: position in the request, from 1) and why."""

    def __init__(self, rejected: Sequence[RejectedRecord]) -> None:
        self.rejected = list(rejected)
        first = self.rejected[0]
        more = f" (and {len(self.rejected) - 1} more)" if len(self.rejected) > 1 else ""
        super().__init__(first.reason + more, file=first.file, line=first.line, field=first.field)


class InteractionConflict(RecordsRejected):
    """An interaction id already stored under another customer: an id belongs to its customer, and moving a
    contact is no side effect of an ingest. The owner is not named."""

    @staticmethod
    def reason_for(interaction_id: str) -> str:
        return f"'{interaction_id}' is already stored under another customer; an interaction id belongs to its customer"


class UnknownCustomer(RapportError):
    """The customer id is not in the store."""

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(f"unknown customer '{customer_id}'")


class StoreUnavailable(RapportError):
    """The Chroma store (embedded folder or server) cannot be opened or reached."""


class StoreInUse(RapportError):
    """Another process (a running server, or a CLI command that writes) is the store's one writer: writing beside it
    would go behind its back (assistant.store_lock). The message says who holds it and what to do instead."""


class Busy(RapportError):
    """Every worker for this kind of work is taken and its queue is full: try again shortly (503, Retry-After)."""

    retry_after_s = 5


class ModelUnavailable(RapportError):
    """The embedding model or the configured LLM cannot be loaded or reached."""


class PromptError(RapportError):
    """A prompt file is malformed, or was rendered with unknown or missing variables."""


class AuthError(RapportError):
    """Missing or wrong credentials."""


class Forbidden(RapportError):
    """Authenticated, but the role does not allow the action."""


class UnknownHandover(RapportError):
    """No handover with that id."""

    def __init__(self, handover_id: str) -> None:
        super().__init__(f"no handover '{handover_id}'")


class HandoverTaken(InputError):
    """Someone took the handover first."""
