"""Choosing a counselor by typing: one label for a counselor, the search behind the suggestions, and the form field
that turns what was typed (a suggestion, a user name, part of a name, or an id from a link) into one counselor.

A clinic has hundreds of counselors, so no page lists them: a picker is a text box whose suggestions come from the
staff app's `counselor-search` endpoint, and every lookup here reads a few rows with a LIMIT."""

import re

from django import forms
from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse
from django.utils.html import format_html

from clinic.models import User

SUGGESTIONS = 15  # counselors suggested at once
MAX_TYPED = 200  # longer than any label: no counselor matches it
_WORDS = 4  # words of the typed text matched; more would only narrow an already unique match
_LABEL = re.compile(r"^.*\((?P<username>[^()]+)\)\s*$")
_BIGINT = 2**63 - 1


def _as_id(text: str) -> int | None:
    """`text` as a user's id (ASCII digits that fit a bigint), else None."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(_BIGINT)) and int(text) <= _BIGINT:
        return int(text)
    return None


def counselor_label(user: User) -> str:
    """ "Last, First (username)": the user name makes it unique, so a label names one counselor."""
    name = ", ".join(part for part in (user.last_name, user.first_name) if part)
    return f"{name} ({user.username})" if name else user.username


def _name_matches(text: str) -> Q:
    """Every word of `text` (commas and parentheses aside) is part of the first name, last name or user name."""
    words = re.sub(r"[,()]", " ", text).split()[:_WORDS]
    match = Q()
    for word in words:
        match &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(username__icontains=word)
    return match


def clinicians_matching(text: str, *, among: QuerySet[User] | None = None, limit: int = SUGGESTIONS) -> list[User]:
    """Up to `limit` active clinicians (of `among`, by name) whose name or user name contains each word of `text`;
    the first `limit` of them all when `text` is blank. One query, which reads only what a label needs."""
    among = User.objects.clinicians() if among is None else among
    text = text.replace("\x00", "")[:MAX_TYPED]
    return list(among.filter(_name_matches(text)).only("pk", "username", "first_name", "last_name")[:limit])


class CounselorPicker(forms.TextInput):
    """A search box that suggests counselors as one types (static/js/clinic.js fills its empty <datalist>); with
    no script, the typed name is looked up when the form is sent."""

    input_type = "search"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        context["widget"]["list_id"] = f"{widget_attrs.get('id') or name}-options"
        widget_attrs.update(
            {
                "list": context["widget"]["list_id"],
                "autocomplete": "off",
                "spellcheck": "false",
                "data-counselor-picker": True,
                "data-source": reverse("counselor-search"),  # the staff app's endpoint
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        box = self._render(self.template_name, context, renderer)
        return box + format_html('<datalist id="{}"></datalist>', context["widget"]["list_id"])


class CounselorField(forms.Field):
    """A counselor among `queryset` (active clinicians unless narrowed), chosen by what was typed: an id (links
    such as /?counselor=12), a label, a user name, or words of a name that only one counselor has. Blank is None.
    At most two queries, each reading two rows or fewer: never every counselor."""

    widget = CounselorPicker

    def __init__(self, *, queryset: QuerySet[User] | None = None, empty_label: str = "", **kwargs):
        super().__init__(**kwargs)
        self.queryset = User.objects.clinicians() if queryset is None else queryset
        if empty_label:
            self.widget.attrs.setdefault("placeholder", empty_label)
        self._chosen: dict[str, User] = {}  # what was typed -> whom it named, so the box shows their label

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._chosen = {}
        return result

    def clean(self, value):
        text = str(value if value is not None else "").strip()
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        user = self._resolve(text)
        self._chosen[text] = user
        return user

    def _resolve(self, text: str) -> User:
        nothing = forms.ValidationError("No counselor matches “%(text)s”.", code="no_match", params={"text": text})
        if "\x00" in text or len(text) > MAX_TYPED:
            raise nothing
        if text.isascii() and text.isdigit():  # an id, from a link
            user = self.queryset.filter(pk=pk).first() if (pk := _as_id(text)) is not None else None
            if user is None:
                raise nothing
            return user
        # A label ("Lee, Jordan (jordan)") or a user name.
        label = _LABEL.match(text)
        username = label["username"].strip() if label else text
        named = list(self.queryset.filter(username__iexact=username)[:2])
        named = [user for user in named if user.username == username] or (named if len(named) == 1 else [])
        if named and (label is None or counselor_label(named[0]).casefold() == text.casefold()):
            return named[0]
        # Words of a name: unique, or say how many.
        found = list(self.queryset.filter(_name_matches(text)).annotate(matching=Window(Count("pk")))[:2])
        if not found:
            raise nothing
        if len(found) > 1:
            raise forms.ValidationError(
                "%(count)d counselors match “%(text)s”: type more of the name, or pick one of the suggestions.",
                code="ambiguous",
                params={"count": found[0].matching, "text": text},
            )
        return found[0]

    def prepare_value(self, value):
        """What the box shows: the chosen counselor's label, else what was typed."""
        if isinstance(value, User):
            return counselor_label(value)
        if value is None or value == "":
            return ""
        text = str(value).strip()
        if text in self._chosen:
            return counselor_label(self._chosen[text])
        if (pk := _as_id(text)) is not None:  # an initial given as an id
            user = self.queryset.filter(pk=pk).first()
            return counselor_label(user) if user else text
        return text
