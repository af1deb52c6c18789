from django.db import models


class TimeStampedModel(models.Model):
    """Every model records when it was created and last changed (STYLE.md, convention 4)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
