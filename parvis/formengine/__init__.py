"""The form engine: a procedure's form schema (JSON) validated, turned into Django forms page by page,
with conditions, pre-fill from the profile and a display of the answers as filed.

Public API (documented in docs/dev/form-schema.md):
    validate_schema(schema) -> list[str]
    FormDefinition(schema)  (raises SchemaError(problems))
"""

from parvis.formengine.definition import FormDefinition, PageForm, SubmissionError
from parvis.formengine.fields import FileAnswer, ValidatedUpload
from parvis.formengine.schema import SchemaError, validate_schema

__all__ = ["FileAnswer", "FormDefinition", "PageForm", "SchemaError", "SubmissionError", "ValidatedUpload",
           "validate_schema"]
