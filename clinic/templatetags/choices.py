"""A question's answers written out directly: `{% answers field inline %}`.

A PHQ-9 has 36 radio buttons, a BAM 17 questions of up to 31 answers; rendering each through its widget's template
took most of the form page's time. The markup is the widgets' own (name, value, id, class, required, checked,
aria-invalid), written by format_html, which escapes every value."""

from django import template
from django.forms.widgets import RadioSelect, Select
from django.utils.html import format_html, format_html_join

register = template.Library()

RADIO = (
    '<div class="form-check{}"><input type="radio" name="{}" value="{}" class="form-check-input" id="{}"{}{}{}>'
    '<label class="form-check-label" for="{}">{}</label></div>'
)


def _flag(on: bool, name: str, value: str | None = None) -> str:
    """An attribute, when `on`: ` required`, or ` aria-invalid="true"`."""
    if not on:
        return ""
    return format_html(" {}", name) if value is None else format_html(' {}="{}"', name, value)


@register.simple_tag
def answers(field, inline: bool = False):
    """The radio buttons (each with its label) or the select of a bound choice field."""
    widget = field.field.widget
    chosen = "" if field.value() is None else str(field.value())
    required = _flag(field.field.required and field.form.use_required_attribute, "required")
    invalid = _flag(bool(field.errors), "aria-invalid", "true")
    if isinstance(widget, RadioSelect):
        boxes = []
        for index, (value, label) in enumerate(field.field.choices):
            box_id = f"{field.auto_id}_{index}"
            checked = _flag(str(value) == chosen, "checked")
            boxes.append(
                (
                    " form-check-inline" if inline else "",
                    field.html_name,
                    value,
                    box_id,
                    required,
                    invalid,
                    checked,
                    box_id,
                    label,
                )
            )
        return format_html_join("", RADIO, boxes)
    if isinstance(widget, Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, _flag(str(value) == chosen, "selected"), label) for value, label in field.field.choices),
        )
        described = _flag(bool(field.errors), "aria-describedby", f"{field.auto_id}-error")  # _choice_group's
        return format_html(
            '<select name="{}" class="{}" id="{}"{}{}{}>{}</select>',
            field.html_name,
            widget.attrs.get("class", ""),
            field.auto_id,
            required,
            invalid,
            described,
            options,
        )
    return field.as_widget()
