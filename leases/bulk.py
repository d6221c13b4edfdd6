"""Writing tens of thousands of rows fast, inside the caller's transaction.

Django's bulk_create prepares every value of every row through the field API and compiles
one INSERT per 30-odd rows on SQLite: 100,000 dwellings of 30 columns took 11 s on the
benchmark machine, alone more than the whole import may take (issue 3: under 10 s). These
two helpers keep Django's own value preparation (get_db_prep_save) for the types that need
it (decimals, dates) and hand plain strings and integers straight to the driver: one
executemany on SQLite, COPY on PostgreSQL. Everything else in the app uses the ORM.
"""

import json

from django.db import connection, models
from django.db.models import Lookup

_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _preparers(fields):
    """One callable per field: identity for plain values, Django's preparation for the others
    (remembered per value: the same timestamp, area or date comes back on thousands of rows)."""
    preparers = []
    for field in fields:
        if isinstance(field, _PLAIN):
            preparers.append(None)
            continue
        cache = {}

        def prepare(value, field=field, cache=cache):
            try:
                return cache[value]
            except KeyError:
                prepared = cache[value] = field.get_db_prep_save(value, connection)
                return prepared

        preparers.append(prepare)
    return preparers


def _prepared(preparers, rows):
    if not any(preparers):
        yield from rows
        return
    pairs = list(enumerate(preparers))
    for row in rows:
        row = list(row)
        for index, prepare in pairs:
            if prepare is not None and row[index] is not None:
                row[index] = prepare(row[index])
        yield row


def insert_rows(model, field_names, rows):
    """INSERT `rows` (tuples in `field_names` order) into `model`'s table; returns the row count."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    prepared = _prepared(_preparers(fields), rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            batch = []
            for row in prepared:
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
                count += len(batch)
    return count


def update_rows(model, field_names, rows):
    """UPDATE `model` SET the fields, WHERE pk = the row's first value: rows are (pk, *values)."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    preparers = _preparers(fields)
    batch = []
    count = 0
    with connection.cursor() as cursor:
        for pk, *values in rows:
            batch.append([*next(_prepared(preparers, [values])), pk])
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


class AnyOf(Lookup):
    """`AnyOf(F("rpls_id"), ids)`: membership in a long list sent as one parameter (a PostgreSQL
    array, a JSON array on SQLite) where `__in` sends and compiles thousands: 2 to 10 times faster
    for the import's 5,000-id checks."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.rhs)]
        placeholders = ", ".join(["%s"] * len(self.rhs)) or "NULL"
        return f"{lhs} IN ({placeholders})", [*params, *self.rhs]
