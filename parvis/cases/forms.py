import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# What residents may add to a case, recognised from the file's content, never from its name.
ALLOWED_TYPES = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


def check_upload(uploaded):
    """Returns (content type, safe name) of an allowed file, or raises ValidationError."""
    if uploaded.size > settings.CASE_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)s."),
            params={"size": filesizeformat(settings.CASE_UPLOAD_MAX_BYTES)}, code="too_big")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise forms.ValidationError(_("Ce fichier n'est pas accepté : envoyez un PDF, un JPEG ou un PNG."),
                                    code="bad_type")
    extensions = ALLOWED_TYPES[kind.mime]
    name = uploaded.name or "document"
    if not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    return kind.mime, name


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Votre message"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    document = forms.FileField(label=_("Document (facultatif)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("PDF, JPEG ou PNG, %(size)s au plus.") % {
            "size": filesizeformat(settings.CASE_UPLOAD_MAX_BYTES)}
        self.fields["document"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            self.document_type, self.document_name = check_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("document"):
            raise forms.ValidationError(_("Écrivez un message ou choisissez un document."), code="empty")
        return cleaned


class PiecesUploadForm(forms.Form):
    """The resident sends the pieces of a request: one file field per piece asked, and an optional message."""

    body = forms.CharField(label=_("Message au service (facultatif)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, pieces_request, *args, **kwargs):
        kwargs.setdefault("prefix", f"pieces-{pieces_request.pk}")
        super().__init__(*args, **kwargs)
        self.pieces_request = pieces_request
        hint = _("PDF, JPEG ou PNG, %(size)s au plus.") % {"size": filesizeformat(settings.CASE_UPLOAD_MAX_BYTES)}
        self.piece_fields = []
        for index, piece in enumerate(pieces_request.pieces):
            name = f"piece_{index}"
            self.fields[name] = forms.FileField(label=piece, required=False, help_text=hint)
            self.fields[name].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            self.piece_fields.append(name)
        self.fields["body"] = self.fields.pop("body")  # after the files
        self.checked = {}

    def clean(self):
        cleaned = super().clean()
        for name in self.piece_fields:
            uploaded = cleaned.get(name)
            if uploaded:
                try:
                    self.checked[name] = check_upload(uploaded)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if not self.errors and not self.checked:
            raise forms.ValidationError(_("Choisissez au moins un fichier à envoyer."), code="empty")
        return cleaned

    def uploads(self):
        """(piece label, uploaded file named safely, content type) of each file chosen."""
        result = []
        for name in self.piece_fields:
            if name in self.checked:
                uploaded = self.cleaned_data[name]
                content_type, safe_name = self.checked[name]
                uploaded.name = safe_name
                result.append((self.fields[name].label, uploaded, content_type))
        return result
