"""Undo of the last change: each mutating action returns the step that reverses it."""

from __future__ import annotations

from focusplan.domain import DomainModel, FocusSession, Task


class UndoStep(DomainModel):
    """How to put the database back as it was before one action."""

    description: str
    delete_task_id: int | None = None
    restore_task: Task | None = None
    delete_energy_id: int | None = None
    delete_session_id: int | None = None
    # Completing a task ends its running focus session; undo lets it run on from its start.
    resume_session: FocusSession | None = None
    # A completion or focus start also recorded a learning choice; undo removes it.
    delete_choice: tuple[int, str] | None = None
    # Accepting a reweighting is undone by making the earlier version active again.
    activate_weights: int | None = None
