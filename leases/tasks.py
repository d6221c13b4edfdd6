"""Background work of the imports (django-tasks; `manage.py db_worker` runs it).

Arguments are ids: a task is stored as JSON until a worker picks it up.
"""

from django_tasks import task

from accounts.models import User

from .imports import apply_batch, validate_batch
from .models import ImportBatch, ImportState


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
