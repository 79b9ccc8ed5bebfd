"""Keyset pagination ("page suivante" / "page précédente") for long lists.

A page is read with `WHERE (sort value, id) > (last value seen, last id seen) ORDER BY sort value, id
LIMIT n + 1` instead of `OFFSET`: the database walks an index from the cursor, so page 2,000 costs what
page 1 costs, however large the archive. Rows whose sort value is NULL (cases without an implicit-decision
date) come after every other row, ordered by id: they are read by a second query when the first one does
not fill the page. A page therefore costs one query, or two at the boundary.

The cursor is a short text in the URL (`apres=` / `avant=`): the sort value and the row id. It is not
secret and needs no signature: it only says where to start in a queryset the caller has already limited
to what the user may see; a malformed cursor gives the first page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

# Sort value (days or microseconds since 1970, or "n" for NULL), then the id (18 digits fit a bigint).
_CURSOR_RE = re.compile(r"^(n|-?\d{1,20})\.(\d{1,18})$")
_EPOCH_DATE = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class SortKey:
    """Order by `field` (then by primary key, in the same direction); `kind` is "date" or "datetime"."""

    field: str
    descending: bool = False
    nullable: bool = False
    kind: str = "date"

    def encode(self, value, pk):
        if value is None:
            return f"n.{pk}"
        if self.kind == "date":
            return f"{(value - _EPOCH_DATE).days}.{pk}"
        delta = value - _EPOCH
        return f"{delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds}.{pk}"

    def decode(self, cursor):
        """(value, pk) from a cursor, or None when it is malformed."""
        match = _CURSOR_RE.match(cursor or "")
        if not match:
            return None
        raw, pk = match.groups()
        if raw == "n":
            return (None, int(pk)) if self.nullable else None
        try:
            if self.kind == "date":
                return _EPOCH_DATE + dt.timedelta(days=int(raw)), int(pk)
            return _EPOCH + dt.timedelta(microseconds=int(raw)), int(pk)
        except (OverflowError, ValueError):
            return None


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous


def _ordered(queryset, key: SortKey, reverse: bool):
    descending = key.descending != reverse
    prefix = "-" if descending else ""
    return queryset.order_by(f"{prefix}{key.field}", f"{prefix}pk")


def _beyond(key: SortKey, value, pk, reverse: bool):
    """Rows after (value, pk) in the order of `key` (before it when `reverse`), among non-null values."""
    greater = key.descending == reverse  # moving towards larger values?
    op, op_eq = ("gt", "gte") if greater else ("lt", "lte")
    return Q(**{f"{key.field}__{op_eq}": value}) & (
        Q(**{f"{key.field}__{op}": value}) | Q(**{f"pk__{op}": pk})
    )


def _values_part(queryset, key, reverse):
    if key.nullable:
        queryset = queryset.filter(**{f"{key.field}__isnull": False})
    return _ordered(queryset, key, reverse)


def _nulls_part(queryset, key, reverse):
    # NULLs come last in the forward order, ordered by pk in the key's direction.
    queryset = queryset.filter(**{f"{key.field}__isnull": True})
    descending = key.descending != reverse
    return queryset.order_by("-pk" if descending else "pk")


def _cut(queryset, key, limit):
    """(pk, sort value) of the first `limit` rows: a narrow query the database answers from an index."""
    return list(queryset.values_list("pk", key.field)[:limit])


def paginate(queryset, key: SortKey, *, after="", before="", size=50, fetch=None) -> KeysetPage:
    """The page of `queryset` after the cursor `after` (or before `before`), `size` rows at most.

    The page's keys are read first (`pk` and sort value only, `LIMIT size + 1`), then its rows by primary key
    with `fetch(pks)` (default: `queryset.filter(pk__in=pks)`), which may join whatever the page shows: the
    database then joins 50 rows, never the whole filtered set before sorting it.
    """
    limit = size + 1
    if before and (position := key.decode(before)):
        value, pk = position
        keys = []
        if value is None:  # in the NULL tail: earlier NULLs first, then the last non-null values
            keys = _cut(_nulls_part(queryset, key, True).filter(**{f"pk__{'gt' if key.descending else 'lt'}": pk}),
                        key, limit)
            if len(keys) < limit:
                keys += _cut(_values_part(queryset, key, True), key, limit - len(keys))
        else:
            keys = _cut(_values_part(queryset, key, True).filter(_beyond(key, value, pk, True)), key, limit)
        has_previous, has_next = len(keys) > size, True
        keys = list(reversed(keys[:size]))
    else:
        position = key.decode(after) if after else None
        keys = []
        if position is None or position[0] is not None:
            part = _values_part(queryset, key, False)
            if position is not None:
                part = part.filter(_beyond(key, position[0], position[1], False))
            keys = _cut(part, key, limit)
        if key.nullable and len(keys) < limit:
            part = _nulls_part(queryset, key, False)
            if position is not None and position[0] is None:
                part = part.filter(**{f"pk__{'lt' if key.descending else 'gt'}": position[1]})
            keys += _cut(part, key, limit - len(keys))
        has_next, has_previous = len(keys) > size, position is not None
        keys = keys[:size]
    rows = []
    if keys:
        pks = [pk for pk, _value in keys]
        found = {row.pk: row for row in (fetch(pks) if fetch else queryset.filter(pk__in=pks))}
        rows = [found[pk] for pk in pks if pk in found]
    page = KeysetPage(rows=rows, has_next=has_next, has_previous=has_previous)
    if keys:
        (first_pk, first_value), (last_pk, last_value) = keys[0], keys[-1]
        page.next_cursor = key.encode(_aware(last_value), last_pk) if has_next else ""
        page.previous_cursor = key.encode(_aware(first_value), first_pk) if has_previous else ""
    return page


def _aware(value):
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def bounded_count(queryset, limit):
    """min(count, limit + 1) without counting every row: `SELECT COUNT(*) FROM (... LIMIT limit + 1)`."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def ordered_for_export(queryset, key: SortKey):
    """The whole queryset in the order of `key` (NULLs last, then by id), for exports."""
    from django.db.models import F

    expression = F(key.field).desc(nulls_last=True) if key.descending else F(key.field).asc(nulls_last=True)
    return queryset.order_by(expression, "-pk" if key.descending else "pk")
