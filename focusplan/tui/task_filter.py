"""The `/` filter of the task lists: words, `project:x`, `tag:y`, `status:done`.

Terms are AND-ed; a bare word matches the title, notes, project or tags
(case-insensitive). Plain Python so it is tested without the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from focusplan.domain import Task

_KEYS = {"project", "tag", "status", "id", "demand"}
KEY_NAMES = ("project", "tag", "status", "demand", "id")


@dataclass(frozen=True)
class TaskFilter:
    words: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    # `due:x`: a key the filter does not know, left out of the match and reported.
    unknown: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> TaskFilter:
        words: list[str] = []
        fields: dict[str, list[str]] = {key: [] for key in _KEYS}
        ids: list[int] = []
        unknown: list[str] = []
        for raw in text.split():
            key, sep, value = raw.partition(":")
            key = key.lower()
            if sep and value and key.isalpha() and key not in _KEYS:
                unknown.append(key)
                continue
            if sep and key in _KEYS and value:
                if key == "id":
                    if value.lstrip("#").isdigit():
                        ids.append(int(value.lstrip("#")))
                    continue
                fields[key].append(value.lower().lstrip("+@#"))
            else:
                words.append(raw.lower())
        return cls(
            words=tuple(words),
            projects=tuple(fields["project"]),
            tags=tuple(fields["tag"]),
            statuses=tuple(fields["status"]),
            demands=tuple(fields["demand"]),
            ids=tuple(ids),
            unknown=tuple(dict.fromkeys(unknown)),
        )

    def unknown_message(self) -> str:
        """What to tell a person who typed `due:x`; empty when every key is known."""
        if not self.unknown:
            return ""
        names = ", ".join(f"{key}:" for key in self.unknown)
        known = ", ".join(f"{key}:" for key in KEY_NAMES)
        verb = "is not a filter key" if len(self.unknown) == 1 else "are not filter keys"
        return f"{names} {verb} (left out); the keys are {known} and plain words."

    @property
    def empty(self) -> bool:
        return not (
            self.words or self.projects or self.tags or self.statuses or self.demands or self.ids
        )

    @property
    def names_status(self) -> bool:
        """Whether the person asked for statuses (otherwise lists show their default)."""
        return bool(self.statuses)

    def matches(self, task: Task) -> bool:
        if self.ids and task.id not in self.ids:
            return False
        if self.statuses and not any(task.status.startswith(s) for s in self.statuses):
            return False
        if self.demands and not any(task.demand.startswith(d) for d in self.demands):
            return False
        project = (task.project or "").lower()
        if self.projects and not any(p in project for p in self.projects):
            return False
        tags = [tag.lower() for tag in task.tags]
        if self.tags and not all(
            any(t == tag or tag.startswith(t) for tag in tags) for t in self.tags
        ):
            return False
        if self.words:
            haystack = " ".join([task.title, task.notes, project, *tags]).lower()
            if not all(word in haystack for word in self.words):
                return False
        return True
