"""Factory helpers for catalogue tests, on top of `parvis.testing.factories`."""

import itertools

from parvis.procedures.models import LifeEvent, ProcedureStatus, Regime
from parvis.testing.factories import make_procedure

_seq = itertools.count(1)


def make_life_event(**fields):
    n = next(_seq)
    values = {"name": f"Moment de vie {n}", "slug": f"moment-de-vie-{n}"}
    values.update(fields)
    return LifeEvent.objects.create(**values)


def make_draft_procedure(**fields):
    return make_procedure(publish=False, **fields)


def make_closed_procedure(**fields):
    procedure = make_procedure(**fields)
    procedure.status = ProcedureStatus.CLOSED
    procedure.save(update_fields=["status"])
    return procedure


def make_procedure_without_implicit_decision(**fields):
    return make_procedure(regime=Regime.NONE, period_value=None, legal_basis="", **fields)
