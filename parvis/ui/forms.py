"""Form rendering shared by every app: inputs tied to the hint and error paragraphs that
ui/components/field.html renders (ids `<id>-aide` and `<id>-erreur`).

Django 5.2's own `aria-describedby` points at `<id>_helptext` / `<id>_error`, ids our component does not
render; the project-wide form renderer (settings.FORM_RENDERER) uses this bound field for every form.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class AccessibleBoundField(BoundField):
    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}-aide")
            if self.errors:
                ids.append(f"{self.auto_id}-erreur")
        return " ".join(ids)


class AccessibleFormMixin:
    """For forms that must say so explicitly (the renderer already applies it project-wide)."""

    bound_field_class = AccessibleBoundField


class FormRenderer(DjangoTemplates):
    bound_field_class = AccessibleBoundField


class DateInput(forms.DateInput):
    """The browser's date picker (`type="date"`), whose value is always in ISO format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
