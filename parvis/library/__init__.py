"""The library of ready-made municipal procedures (démarches types), shared as JSON.

Each model is a file of `parvis/library/models/` in the exchange format of docs/procedure-format.md. An
administrator installs one in a click (`install_model`): it becomes a new, unpublished procedure of their
department, to adapt, test and publish. The demo installs and publishes them all
(`install_library_into_demo`).
"""

from parvis.library.loader import (
    LibraryError,
    LibraryModel,
    get_model,
    install_library_into_demo,
    install_model,
    list_models,
    read_model,
)

__all__ = ["LibraryError", "LibraryModel", "get_model", "install_library_into_demo", "install_model", "list_models",
           "read_model"]
