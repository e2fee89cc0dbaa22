"""The attendance sheet's forms: one form per roster row, a formset for the whole sheet, and the group narrative.

A row's fields are named `<field>-<patient id>` (`status-12`, `minutes-12`...) and the roster, not the post, says
which rows there are. A post that names a patient who is not on the sheet, or gives a field twice, is refused
whole: saving the rest would silently drop what the user meant."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property

from clinic.errors import DomainError
from sessions.models import AttendanceStatus, TherapySession
from sessions.models.attendance import PARTIAL
from sessions.selectors.attendance_sheet import AttendanceSheet, SheetRow
from sessions.services.attendance import BulkAttendanceError, Entry
from sessions.services.attendance_sheet import SheetNote

ROW_FIELDS = ("status", "minutes", "data", "assessment", "plan", "sign", "objectives")
MULTIPLE = {"objectives"}  # fields a row may give more than once (checkboxes)
NOTE_FIELDS = ("data", "assessment", "plan")
ROWS_MARKED = "Nothing was saved: correct the rows marked below."


class PastedText(forms.CharField):
    """Text that says, in its own words, that it holds a NUL: PostgreSQL text cannot store one (the request guard
    usually answers first)."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(required=False, **kwargs)
        message = f"{what} contains a null character (usually from pasted text); retype it."
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(ProhibitNullCharactersValidator(message=message))


class MinutesField(forms.Field):
    widget = forms.NumberInput

    def to_python(self, value):
        raw = (value or "").strip()
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit()):  # str.isdigit() also takes "²" and "①", which int() refuses
            raise ValidationError("Minutes must be a whole number, written with the digits 0 to 9.", code="invalid")
        if len(raw) > 4:  # no session lasts 10,000 minutes, and int() refuses thousands of digits
            raise ValidationError("Minutes attended cannot be more than the session's length.", code="max_length")
        return int(raw)


def _textarea(rows: int, css: str) -> forms.Textarea:
    widget = forms.Textarea(attrs={"rows": rows, "class": css})
    del widget.attrs["cols"]  # the column sets the width
    return widget


def _note_text() -> PastedText:
    return PastedText(what="The note", widget=_textarea(2, "form-control form-control-sm"))


class AttendanceRowForm(forms.Form):
    """One patient's row: attendance and minutes, and the note (data, assessment, plan) with a box to sign it."""

    status = forms.ChoiceField(
        choices=[("", "\N{EN DASH}"), *AttendanceStatus.choices],
        required=False,
        error_messages={"invalid_choice": "Choose an attendance status."},
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-status": True}),
    )
    minutes = MinutesField(
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 1, "data-minutes": True}),
    )
    data, assessment, plan = _note_text(), _note_text(), _note_text()
    sign = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    # The open objectives of the patient's plan in force that the note worked on (the staff layer links them).
    objectives = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        error_messages={"invalid_choice": "Choose objectives from this patient's current treatment plan."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        data=None,
        *args,
        row: SheetRow,
        session: TherapySession,
        alone: bool = False,
        present_by_default: bool = False,
        objectives=(),
        linked=frozenset(),
        **kwargs,
    ):
        # Named after the patient, whatever index a formset would give: `status-12`, with the same id.
        signed = row.note is not None and row.note.is_signed
        if signed:  # only what the signed note worked on, shown and fixed
            objectives = [o for o in objectives if o.pk in linked]
        offered = {o.pk for o in objectives}
        initial = _initial(row) | {"objectives": sorted(set(linked) & offered)}
        if present_by_default and not initial["status"] and not (row.note is not None and row.note.is_signed):
            initial["status"] = AttendanceStatus.PRESENT  # "Mark all present": shown, not saved
        kwargs |= {"prefix": str(row.patient.pk), "auto_id": "%s", "initial": initial}
        super().__init__(data, *args, **kwargs)
        self.row, self.alone, self.linked, self.offered = row, alone, set(linked), offered
        self.fields["objectives"].choices = [(o.pk, f"{o.text[:90]} (by {o.target_date:%b %-d})") for o in objectives]
        # A signed note's links are part of it: the boxes are shown ticked and disabled, and whatever a post says
        # of them is ignored (a disabled field keeps its initial value).
        self.fields["objectives"].disabled = signed
        self.fields["minutes"].widget.attrs["max"] = session.duration_minutes
        # Minutes are asked for only when the status needs them (late, left early): for the other statuses the
        # service records the whole session or none of it. The page's script follows a change of status.
        minutes = self.fields["minutes"].widget.attrs
        if self["status"].value() in PARTIAL:
            minutes["required"] = True
        else:
            minutes["disabled"] = True
        if row.note is not None and row.note.is_signed:
            # Disabled in the browser only: a field it does not send stays empty here, and is not recorded.
            for name in ("status", "minutes"):
                self.fields[name].widget.attrs["disabled"] = True

    @property
    def has_objectives(self) -> bool:
        return bool(self.fields["objectives"].choices)

    def clean_objectives(self) -> list[int]:
        chosen = self.cleaned_data["objectives"]
        wrote = any((self.data.get(self.add_prefix(k)) or "").strip() for k in NOTE_FIELDS)
        if set(chosen) - self.linked and self.row.note is None and not wrote:
            raise ValidationError("Write the note before linking it to the plan's objectives.", code="no_note")
        return chosen

    @property
    def objective_boxes(self) -> list[dict]:
        """The objectives' checkboxes as plain values for the template to write out: a sheet of twelve attendees with
        a plan each has a hundred boxes, and rendering each through its widget's template cost more than the rest
        of the page."""
        field = self["objectives"]
        ticked = {str(value) for value in field.value() or ()}
        return [
            {"id": f"{field.html_name}_{i}", "value": value, "label": label, "checked": str(value) in ticked}
            for i, (value, label) in enumerate(self.fields["objectives"].choices)
        ]

    @property
    def objectives_fixed(self) -> bool:
        return self.fields["objectives"].disabled

    def objective_change(self) -> list[int] | None:
        """The note's links once saved, when the ticks changed them (None when they did not): the boxes ticked,
        and the links to objectives the sheet did not offer (an earlier plan version's, one no longer open), which
        it leaves as they are. An empty list unlinks every box that was shown ticked."""
        if self.objectives_fixed:
            return None
        chosen = set(self.cleaned_data.get("objectives") or ())
        if chosen == self.linked & self.offered:
            return None
        return sorted(chosen | (self.linked - self.offered))

    def add_prefix(self, field_name):
        return f"{field_name}-{self.prefix}"

    def clean(self):
        if self.alone:  # the htmx row posts its own fields only
            _check_posted_rows(self.data, {self.row.patient.pk}, where="in this row")
        return super().clean()

    @property
    def error(self) -> str:
        """The one message the page shows next to the row."""
        messages = [*self.non_field_errors(), *(m for name in self.fields for m in self.errors.get(name, []))]
        return messages[0] if messages else ""

    def entry(self) -> Entry | None:
        status, minutes = self.cleaned_data["status"], self.cleaned_data["minutes"]
        return Entry(self.row.patient, status, minutes) if status else None

    def note(self) -> SheetNote:
        return SheetNote(self.row.patient, *(self.cleaned_data[k] for k in (*NOTE_FIELDS, "sign")))


def _initial(row: SheetRow) -> dict:
    attendance, note = row.attendance, row.note
    return {
        "status": attendance.status if attendance else "",
        "minutes": attendance.minutes_attended if attendance and attendance.status in PARTIAL else None,
        **{k: getattr(note, k) if note else "" for k in NOTE_FIELDS},
        "sign": False,
    }


def _check_posted_rows(data, patient_ids: set[int], *, where: str) -> None:
    """Refuse a post whose row fields name a patient who is not on the sheet (`where`), or give one field twice."""
    if not data:  # nothing posted (a formset keeps an empty post as a plain dict)
        return
    for key in data:
        prefix, dash, pid = key.partition("-")
        if prefix not in ROW_FIELDS or not dash:
            continue
        if not (pid.isascii() and pid.isdigit() and len(pid) < 19 and int(pid) in patient_ids):
            raise ValidationError(
                f"The form names a patient who is not {where}. Nothing was saved: reload the sheet and try again.",
                code="not_on_sheet",
            )
        if prefix not in MULTIPLE and len(data.getlist(key)) > 1:
            raise ValidationError(
                "The form gives one patient's row twice. Nothing was saved: reload the sheet and try again.",
                code="twice",
            )
    if len(data.getlist("narrative")) > 1:
        raise ValidationError(
            "The form gives the group narrative twice. Nothing was saved: reload the sheet and try again.",
            code="twice",
        )


class NarrativeForm(forms.Form):
    narrative = PastedText(
        what="The group narrative",
        label="Group narrative (shared by every attendee's note)",
        widget=_textarea(3, "form-control"),
    )


class BaseAttendanceSheetFormSet(forms.BaseFormSet):
    """The whole sheet: a row form per patient on the roster, and the group narrative."""

    def __init__(
        self, data=None, *, sheet: AttendanceSheet, present_by_default: bool = False, objectives=None, linked=None
    ):
        """`present_by_default`: show every row not yet recorded as present (the user then changes the exceptions
        and saves). `objectives`: each patient's open plan objectives (by patient id); `linked`: the objectives
        each note already worked on (by note id)."""
        self.sheet, self.objectives, self.linked = sheet, objectives or {}, linked or {}
        super().__init__(data, form_kwargs={"session": sheet.session, "present_by_default": present_by_default})
        text = sheet.narrative.text if sheet.narrative else ""
        self.narrative = NarrativeForm(data, auto_id="%s", initial={"narrative": text})
        self.refusal = ""  # a service's message for the whole sheet

    # The roster, not the post, says how many rows there are: the page sends no management form.
    def total_form_count(self):
        return len(self.sheet.rows)

    initial_form_count = total_form_count

    @cached_property
    def management_form(self):
        count = self.total_form_count()
        form = ManagementForm({TOTAL_FORM_COUNT: count, INITIAL_FORM_COUNT: count}, renderer=self.renderer)
        form.full_clean()
        return form

    def get_form_kwargs(self, index):
        row = self.sheet.rows[index]
        note = row.note
        return {
            **super().get_form_kwargs(index),
            "row": row,
            "objectives": self.objectives.get(row.patient.pk, ()),
            "linked": self.linked.get(note.pk, set()) if note is not None else set(),
        }

    def objective_changes(self) -> dict[int, list[int]]:
        """Each note's links as they are to be once the sheet is saved, for the rows whose ticks changed them
        (an empty list included: unticking every box unlinks them): objective ids by patient id."""
        return {form.row.patient.pk: ids for form in self if (ids := form.objective_change()) is not None}

    def clean(self):
        _check_posted_rows(self.data, {row.patient.pk for row in self.sheet.rows}, where="on this session's roster")

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.narrative.is_valid()])

    def service_arguments(self) -> dict:
        """What attendance_sheet_save takes, from the cleaned rows."""
        return {
            "entries": [entry for form in self if (entry := form.entry())],
            "narrative": self.narrative.cleaned_data["narrative"],
            "notes": [form.note() for form in self],
        }

    def refuse(self, error: DomainError) -> None:
        """Show a service's refusal: next to each row it names, or above the sheet."""
        by_row = error.errors if isinstance(error, BulkAttendanceError) else {}
        forms_marked = [form for form in self if form.row.patient.pk in by_row]
        for form in forms_marked:
            form.add_error(None, by_row[form.row.patient.pk])
        if not forms_marked:
            self.refusal = error.message

    @property
    def sheet_error(self) -> str:
        """The message above the sheet: why the whole post was refused, or that rows need correcting."""
        if not self.is_bound:
            return ""
        problems = [*self.non_form_errors(), *self.narrative.errors.get("narrative", [])]
        if self.refusal:
            problems.append(self.refusal)
        if problems:
            return problems[0]
        return ROWS_MARKED if any(form.errors for form in self) else ""


AttendanceSheetFormSet = forms.formset_factory(AttendanceRowForm, formset=BaseAttendanceSheetFormSet, extra=0)
