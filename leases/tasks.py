"""Background work of the imports (django-tasks; `manage.py db_worker` runs it), and the same
steps run during the request for a small file (leases/views/imports.py).

An upload is a batch: its file waits under MEDIA_ROOT while it is checked (validate_batch), then
until the landlord confirms it (apply_batch: checked again, then written) or abandons it. The
file is deleted as soon as the import ends. Task arguments are ids: a task is stored as JSON
until a worker picks it up.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_fsm import ConcurrentTransition
from django_tasks import task

from accounts.models import User

from .imports import ImportCancelled, Outcome, check_file, write
from .models import ImportBatch, ImportState

logger = logging.getLogger(__name__)


@task()
def validate_import(batch_id):
    batch = ImportBatch.objects.select_related("landlord").filter(pk=batch_id, state=ImportState.PENDING).first()
    if batch is not None:
        validate_batch(batch)


@task()
def apply_import(batch_id, user_id=None):
    batch = ImportBatch.objects.select_related("landlord").filter(pk=batch_id, state=ImportState.APPLYING).first()
    if batch is not None:
        apply_batch(batch, by=User.objects.filter(pk=user_id).first())


def stored_path(batch):
    return Path(settings.MEDIA_ROOT) / batch.stored_file


def forget_file(batch):
    """The uploaded file is kept only until the import ends: lease references are personal data."""
    if batch.stored_file:
        stored_path(batch).unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")
        batch.stored_file = ""


def _progress(batch, state):
    """Commits the rows checked so far (the progress page reads them) and notices an abandon."""

    def report(done, total):
        updated = ImportBatch.objects.filter(pk=batch.pk, state=state).update(validated_rows=done, total_rows=total)
        if not updated:
            raise ImportCancelled

    return report


UNEXPECTED = (
    "Une erreur inattendue a interrompu l'import : rien n'a été enregistré. Déposez le fichier à nouveau ; "
    "si l'erreur persiste, écrivez à l'équipe Quartiers Connectés."
)


def _fail(batch):
    """A bug must not leave an import 'in progress' forever: it ends refused, nothing written."""
    logger.exception("Import %s interrompu", batch.pk)
    batch = ImportBatch.objects.get(pk=batch.pk)
    if batch.is_running:
        with transaction.atomic():
            batch.refuse(outcome=Outcome.refused(batch.kind, UNEXPECTED))
            batch.save()
    forget_file(batch)
    return batch


def validate_batch(batch):
    """Check an uploaded file and leave the batch ready (the preview) or invalid (the errors)."""
    try:
        with transaction.atomic():
            batch.start_validation()
            batch.save()
        outcome = check_file(
            batch.kind, batch.landlord, stored_path(batch), batch.file_name, _progress(batch, ImportState.VALIDATING)
        )
        with transaction.atomic():
            if outcome.ok:
                batch.accept(outcome=outcome)
            else:
                batch.refuse(outcome=outcome)
            batch.save()
    except (ImportCancelled, ConcurrentTransition):
        batch.refresh_from_db()
    except Exception:
        return _fail(batch)
    if batch.state in (ImportState.INVALID, ImportState.CANCELLED):
        forget_file(batch)
    return batch


def apply_batch(batch, *, by=None):
    """After the landlord confirmed: check the file again against today's stock, then write it in
    one short transaction if the preview still holds; otherwise show the new preview."""
    try:
        outcome = check_file(
            batch.kind, batch.landlord, stored_path(batch), batch.file_name, _progress(batch, ImportState.APPLYING)
        )
        announced = (batch.created_count, batch.updated_count, batch.unchanged_count, batch.absent_count)
        found = (outcome.created, outcome.updated, outcome.unchanged, outcome.absent)
        if not outcome.ok:
            with transaction.atomic():
                batch.refuse(outcome=outcome)
                batch.save()
        elif found != announced or outcome.preview.get("digest") != batch.preview.get("digest"):
            outcome.preview["revised"] = True
            with transaction.atomic():
                batch.revise(outcome=outcome)
                batch.save()
        else:
            write(outcome, landlord=batch.landlord, batch=batch, by=by)
    except (ImportCancelled, ConcurrentTransition):
        batch.refresh_from_db()
    except Exception:
        return _fail(batch)
    if batch.state in (ImportState.INVALID, ImportState.APPLIED):
        forget_file(batch)
    return batch
