"""The Celery application: the distributed executor of Thunderclap moments.

Used only when a broker is configured (CELERY_BROKER_URL, e.g. amqp://guest:guest@host//);
otherwise the embedded worker (`manage.py run_thunderclaps`) does the same work with no broker.
Run workers with `celery -A solidarity.celery worker` and one scheduler with
`celery -A solidarity.celery beat` (it sends `tick` every second).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")

app = Celery("solidarity")
# Every CELERY_* Django setting configures Celery (see solidarity/settings.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["solidarity.campaigns"])
