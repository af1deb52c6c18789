"""Keep `Resource.search_tags` current when the admin or a service changes what it is made of,
and the vocabulary "did you mean" draws from (resources.search.suggestions).

Bulk writes (bulk_create, QuerySet.update) send no signals: their callers call
resources.search.documents.refresh_search_tags and
resources.search.suggestions.refresh_search_words themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from resources.models import Audience, Resource, ResourceKind, ResourcePractice, Topic
from resources.search.documents import refresh_search_tags, refresh_search_tags_for_term
from resources.search.suggestions import add_search_words


@receiver(post_save, sender=Resource)
def resource_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "kind" not in update_fields and "kind_id" not in update_fields):
        return  # Loading fixtures, or a save that cannot have changed the kind.
    refresh_search_tags([instance.pk])


@receiver(post_save, sender=Resource)
def resource_search_words(sender, instance, raw=False, update_fields=None, **kwargs):
    """A published title's words join the vocabulary "did you mean" draws corrections from."""
    if raw or (update_fields is not None and not {"title", "status"} & set(update_fields)):
        return
    if instance.status == Resource.Status.PUBLISHED:
        add_search_words([instance.title])


@receiver(post_save, sender=ResourceKind)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Audience)
def term_search_words(sender, instance, raw=False, **kwargs):
    """So do the words of a kind, topic or audience name."""
    if not raw:
        add_search_words([instance.name])


@receiver(m2m_changed, sender=Resource.topics.through)
@receiver(m2m_changed, sender=Resource.audiences.through)
def resource_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_tags([instance.pk])
    elif action == "post_clear":
        refresh_search_tags()  # A term lost all its resources; which ones is no longer known.
    else:
        refresh_search_tags(pk_set)


@receiver(post_save, sender=ResourcePractice)
@receiver(post_delete, sender=ResourcePractice)
def resource_practice_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_tags([instance.resource_id])


@receiver(post_save, sender=ResourceKind)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Audience)
def term_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh_search_tags_for_term(instance)
