"""Every key of the app, read from the `BINDINGS` of the classes that define it.

The help screen and the command palette are both built from this (the way
posting builds its help from the focused widget's bindings), so a key added to
a screen's `BINDINGS` shows in both with no second list to keep. Bindings
without a description are internal and stay out. Textual's own bindings count
only where they do what one of ours does (DataTable's `down` beside our `j`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

Row = tuple[str, str]
Section = tuple[str, Sequence[Row]]

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


@dataclass(frozen=True)
class NamedBinding(Binding):
    """A binding whose command palette entry says more than its footer label ("Add task" for "Add")."""

    title: str = ""


@dataclass(frozen=True)
class Key:
    """One thing to do, and the keys that do it."""

    keys: tuple[str, ...]
    action: str
    title: str  # in the command palette
    text: str  # in the help, and under the title in the palette
    source: type  # the class whose instance runs the action

    @property
    def label(self) -> str:
        return key_label(",".join(self.keys))

    @property
    def identity(self) -> tuple[str, str]:
        return (self.action, self.text)


@dataclass(frozen=True)
class Place:
    """Where keys apply: a screen (or a dialog) and the classes whose bindings work there."""

    label: str  # "2 Tasks", what a section shared with other places is called
    title: str  # "2 Tasks — every task: …", the heading of its own section
    sources: tuple[type, ...]

    def all_keys(self) -> list[Key]:
        return merge(key for source in self.sources for key in keys_of(source))


def key_label(keys: str) -> str:
    return ", ".join(KEY_NAMES.get(part.strip(), part.strip()) for part in keys.split(","))


def keys_of(source: type) -> list[Key]:
    """The described keys that work on an instance of `source`, in the order they are declared."""
    bound: dict[str, tuple[Binding, str, bool]] = {}
    # Base classes first, so a subclass's binding of a key replaces its parent's, as in Textual.
    for cls in reversed(source.__mro__):
        builtin = _is_textual(cls)
        for item in cls.__dict__.get("BINDINGS", ()):
            binding = _as_binding(item)
            for key in binding.key.split(","):
                key = key.strip()
                bound.pop(_normalised(key), None)  # re-inserted: the order is the overrider's
                bound[_normalised(key)] = (binding, key, builtin)
    ours = {binding.action for binding, _, builtin in bound.values() if not builtin}
    grouped: dict[str, list[tuple[Binding, str]]] = {}
    for builtin_pass in (False, True):  # ours first: they name the action, Textual's add keys
        for binding, key, builtin in bound.values():
            if builtin != builtin_pass or not binding.description or binding.action not in ours:
                continue
            grouped.setdefault(binding.action, []).append((binding, key))
    keys = []
    for action, pairs in grouped.items():
        first = pairs[0][0]
        keys.append(
            Key(
                keys=tuple(dict.fromkeys(key for _, key in pairs)),
                action=action,
                title=getattr(first, "title", "") or first.description,
                text=first.tooltip or _sentence(first.description),
                source=source,
            )
        )
    return keys


def merge(keys: Iterable[Key]) -> list[Key]:
    """One `Key` per action, with every key that does it."""
    merged: dict[tuple[str, str], Key] = {}
    for key in keys:
        known = merged.get(key.identity)
        if known is None:
            merged[key.identity] = key
        else:
            all_keys = tuple(dict.fromkeys((*known.keys, *key.keys)))
            merged[key.identity] = Key(
                all_keys, known.action, known.title, known.text, known.source
            )
    return list(merged.values())


def rows(keys: Iterable[Key]) -> list[Row]:
    """Help rows; neighbours that only differ by key (`1` … `5` of the energy dialog) share one."""
    result: list[Row] = []
    for key in keys:
        if result and result[-1][1] == key.text:
            result[-1] = (f"{result[-1][0]}, {key.label}", key.text)
        else:
            result.append((key.label, key.text))
    return result


def help_sections(
    everywhere: Sequence[Key], screens: Sequence[Place], dialogs: Sequence[Place]
) -> list[Section]:
    """The help, each key once: under Everywhere, its screen, or the screens that share it."""
    sections: list[Section] = [("Everywhere", rows(everywhere))]
    where: dict[tuple[str, str], list[int]] = {}
    first: dict[tuple[str, str], Key] = {}
    for index, place in enumerate(screens):
        for key in place.all_keys():
            where.setdefault(key.identity, []).append(index)
            first.setdefault(key.identity, key)
    groups: dict[tuple[int, ...], list[Key]] = {}
    for identity, indices in where.items():
        groups.setdefault(tuple(indices), []).append(first[identity])
    for index, place in enumerate(screens):
        own = groups.get((index,), [])
        if own:
            sections.append((place.title, rows(own)))
        for shared_by, keys in groups.items():
            if len(shared_by) > 1 and shared_by[0] == index:
                label = " · ".join(screens[i].label for i in shared_by)
                sections.append((label, rows(keys)))
        if not any(title.startswith(place.label) for title, _ in sections):
            sections.append((place.title, [("", "only the keys above")]))
    sections += [(dialog.title, rows(dialog.all_keys())) for dialog in dialogs]
    return sections


def _as_binding(item: BindingType) -> Binding:
    return item if isinstance(item, Binding) else Binding(*item)


def _normalised(key: str) -> str:
    # "?" and "question_mark" are one key to Textual: ask it, so an override is seen as one.
    return next(iter(Binding.make_bindings([Binding(key, "")]))).key


def _is_textual(cls: type) -> bool:
    return cls.__module__.partition(".")[0].startswith("textual")


def _sentence(description: str) -> str:
    return description[:1].lower() + description[1:]
