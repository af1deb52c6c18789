"""The resource catalog: resources and the curated vocabularies that describe them."""

import calendar
import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from clearinghouse.models import TimeStampedModel
from clearinghouse.one_mind import Practice
from clearinghouse.uploads import TYPE_LABELS, file_extension, validate_document_upload
from resources.search.synonyms import normalize_synonym_term, split_synonym_terms, term_key

RESOLUTION_KIND_SLUG = "resolution"
RESOLUTION_TERM_YEARS = 5  # An IACP resolution stays in force five years unless renewed.

year_validators = [MinValueValidator(1893), MaxValueValidator(2100)]
review_interval_validators = [MinValueValidator(1), MaxValueValidator(120)]
DEFAULT_REVIEW_INTERVAL_MONTHS = 24
# Addresses under /resources/ that are catalog pages, not resources (resources/urls.py).
RESERVED_SLUGS = {"feed", "suggest", "alerts"}


def add_months(date, months):
    """`date` plus whole months; the month's last day when that day does not exist (31 January + 1 month)."""
    years, month_index = divmod(date.month - 1 + months, 12)
    year, month = date.year + years, month_index + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


class Vocabulary(TimeStampedModel):
    """A curated term: staff add and rename terms; the slug stays stable for URLs."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are listed first.")

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ResourceKind(Vocabulary):
    plural_name = models.CharField(max_length=120, blank=True, help_text="Used in headings, e.g. “Model policies”.")
    review_interval_months = models.PositiveSmallIntegerField(
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        validators=review_interval_validators,
        help_text="How often resources of this kind are due for review, in months, unless a resource says otherwise.",
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "resource kind"

    @property
    def is_resolution(self):
        return self.slug == RESOLUTION_KIND_SLUG


class Topic(Vocabulary):
    class Meta(Vocabulary.Meta):
        pass

    def get_absolute_url(self):
        return f"{reverse('resources:list')}?topic={self.slug}"


class Audience(Vocabulary):
    class Meta(Vocabulary.Meta):
        pass


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Resource.Status.PUBLISHED)

    def visible_to(self, user):
        """Published resources for the public; staff may also preview drafts and archived ones."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def with_card_relations(self):
        """What a resource card needs, fetched in a fixed number of queries.

        `has_published_replacement`: a replacement the public may not see yet (a draft) is not mentioned.
        """
        return (
            self.select_related("kind")
            .defer("search_vector", "search_head")  # Stored out of line or only for ranking: never shown.
            .prefetch_related("topics", "practice_tags")
            .annotate(has_published_replacement=models.Q(superseded_by__status=Resource.Status.PUBLISHED))
        )


class Resource(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255, unique=True, help_text="The resource’s permanent address. Do not change it once published."
    )
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="resources")
    summary = models.TextField(help_text="Plain text, a few sentences. Shown in search results and feeds.")
    body = models.TextField(blank=True, help_text="Longer description shown on the resource page.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="resources")
    publisher = models.CharField(max_length=255, blank=True)
    partners = models.TextField(blank=True, help_text="Partner organizations, one per line.")
    year_published = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)

    file = models.FileField(
        upload_to="resources/%Y/",
        blank=True,
        max_length=255,
        validators=[validate_document_upload],
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument text, image, text or CSV; checked by content.",
    )
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    external_url = models.URLField("external URL", max_length=500, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    featured = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    caution_note = models.TextField(
        blank=True,
        help_text="Shown as a warning on the resource page, e.g. when its terminology is now contested.",
    )

    # Resolutions only.
    year_adopted = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)
    adopted_on = models.DateField(null=True, blank=True, help_text="Exact adoption date, when known.")
    identifier = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]{2,6}\.\d{3}\.[a-z]\d{2}$",
                "Use the IACP format: committee, number, letter and two-digit year, e.g. NDD.028.a07.",
            )
        ],
    )
    submitting_committee = models.CharField(max_length=255, blank=True)
    adopting_conference = models.CharField(
        max_length=255, blank=True, help_text="e.g. 121st Annual Conference, Orlando"
    )
    sunset_date = models.DateField(
        null=True,
        blank=True,
        help_text="Leave blank to set it five years after adoption.",
    )

    # Review: curators confirm now and then that a resource is still current (resources.services).
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When a curator last confirmed the resource is still current."
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=review_interval_validators,
        help_text="Months between reviews. Leave blank for the default of the resource’s kind.",
    )
    # Derived on save (set_derived_fields) so "due for review" is one indexed comparison.
    review_due_on = models.DateField(null=True, blank=True, editable=False, db_index=True)

    # What search finds the resource by besides its own text: the names of its kind, topics,
    # audiences and practices. Kept by resources.search.documents (signals, bulk writers call it).
    search_tags = models.TextField(blank=True, default="", editable=False)
    # Maintained by a database trigger on PostgreSQL (weighted: see resources.search.postgresql):
    # everything search matches, and its title-and-summary part that ranks the matches.
    search_vector = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        indexes = [
            # Published resources newest first, as the home page and this Meta.ordering list them
            # (and the catalog on SQLite, where DESC already puts nulls last). The catalog's own
            # "newest" order on PostgreSQL (nulls last) has a partial index of its own: migration 0005.
            models.Index(fields=["status", "-published_at", "title"], name="resource_status_newest_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if not self.file and not self.external_url:
            message = "Give an uploaded file or an external URL (or both)."
            errors["file"] = message
            errors["external_url"] = message
        if self.kind_id and self.kind.is_resolution and not self.year_adopted:
            errors["year_adopted"] = "A resolution needs the year it was adopted."
        if self.adopted_on and self.year_adopted and self.adopted_on.year != self.year_adopted:
            errors["adopted_on"] = "The adoption date must fall in the year adopted."
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"“{self.slug}” is the address of a catalog page: choose another."
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = "A resource cannot supersede itself."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        resource = super().from_db(db, field_names, values)
        # The sunset date the stored adoption data gives: if the stored sunset date is that one, it
        # was set automatically and must follow a corrected adoption year or date (see save()).
        # Deferred fields are checked first: reading one would cost a query per row (.only() lists).
        adoption_fields = {"year_adopted", "adopted_on", "sunset_date"}
        if not adoption_fields & resource.get_deferred_fields() and resource.year_adopted:
            resource._automatic_sunset_date = resource.computed_sunset_date()
        return resource

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self):
        """Fill in what a save derives: published_at, the automatic sunset date, file_size and review_due_on.

        save() calls it; bulk writes (bulk_create skips save()) must call it on each resource.
        """
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        sunset_was_automatic = self.sunset_date == getattr(self, "_automatic_sunset_date", None)
        if self.year_adopted and (self.sunset_date is None or sunset_was_automatic):
            self.sunset_date = self.computed_sunset_date()
        if not self.file:
            self.file_size = None
        elif not self.file._committed or self.file_size is None:
            # Measure a new upload; a file already in storage keeps its size, so saving never
            # depends on the storage answering (a missing file must not block an edit).
            self.file_size = self.file.size
        self.review_due_on = self.computed_review_due_on()

    def computed_review_due_on(self, kind_interval_months=None):
        """The last review (or, never reviewed, the publication date) plus the review interval; None for drafts."""
        if self.last_reviewed_on:
            reviewed_or_published = self.last_reviewed_on
        elif self.published_at:
            reviewed_or_published = timezone.localdate(self.published_at)
        else:
            return None
        months = self.review_interval_months or kind_interval_months
        if not months:
            months = self.kind.review_interval_months if self.kind_id else DEFAULT_REVIEW_INTERVAL_MONTHS
        return add_months(reviewed_or_published, months)

    @property
    def is_due_for_review(self):
        return self.review_due_on is not None and self.review_due_on <= timezone.localdate()

    def computed_sunset_date(self):
        if self.adopted_on:
            adopted = self.adopted_on
            try:
                return adopted.replace(year=adopted.year + RESOLUTION_TERM_YEARS)
            except ValueError:  # 29 February
                return adopted.replace(year=adopted.year + RESOLUTION_TERM_YEARS, day=28)
        # Only the year is known: the conference is in the autumn, so count to year end.
        return datetime.date(self.year_adopted + RESOLUTION_TERM_YEARS, 12, 31)

    @property
    def is_resolution(self):
        return self.kind.is_resolution

    @property
    def in_force(self):
        """For resolutions: True while the sunset date has not passed; None if unknown."""
        if not self.sunset_date:
            return None
        return self.sunset_date >= timezone.localdate()

    @property
    def display_year(self):
        return self.year_adopted or self.year_published

    @property
    def file_type_label(self):
        return TYPE_LABELS.get(file_extension(self.file.name), "File") if self.file else ""

    @property
    def practices(self):
        """The One Mind practices this resource helps with, as Practice members (uses the prefetch)."""
        return [Practice(tag.practice) for tag in self.practice_tags.all()]

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class ResourceDueForReview(Resource):
    """Published resources whose review is due: a list of its own in the admin (resources.admin)."""

    class Meta:
        proxy = True
        verbose_name = "resource due for review"
        verbose_name_plural = "resources due for review"


class ResourcePractice(models.Model):
    """Tags a resource with a One Mind practice it helps an agency meet."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="practice_tags")
    practice = models.CharField(max_length=20, choices=Practice.choices, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "practice"], name="unique_resource_practice")]
        ordering = ["practice"]
        verbose_name = "One Mind practice"

    def __str__(self):
        return self.get_practice_display()


class SearchSynonym(TimeStampedModel):
    """Terms that mean the same to people searching the catalog: a search for any finds them all.

    Applied at query time (resources.search.synonyms), so an edit takes effect at the next search.
    """

    terms = models.TextField(
        help_text=(
            "Two or more terms that mean the same, separated by commas or one a line, e.g. "
            "“CIT, crisis intervention team”. Words, abbreviations or phrases; capitals do not matter, "
            "and a final “s” is ignored, so “teams” also matches “team”."
        )
    )
    note = models.CharField(
        max_length=255,
        blank=True,
        help_text="Why these are equivalent, or what was deliberately left out (shown to curators only).",
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = "search synonym"

    def __str__(self):
        return ", ".join(term for term in split_synonym_terms(self.terms) if term)

    def clean(self):
        if not self.terms.strip():
            return  # The field itself says it is required.
        errors, seen = [], {}
        for written in split_synonym_terms(self.terms.strip()):
            if not written:
                errors.append("One of the terms is empty: remove the extra comma or blank line.")
                continue
            try:
                key = term_key(normalize_synonym_term(written))
            except ValueError as error:
                errors.append(str(error))
                continue
            if key in seen and seen[key].lower() == written.lower():
                errors.append(f"“{written}” is listed twice.")
            elif key in seen:
                errors.append(
                    f"“{seen[key]}” and “{written}” are the same to search (capitals and a final “s” are "
                    "ignored): keep one."
                )
            else:
                seen[key] = written
        if not errors and len(seen) < 2:
            errors.append("Give at least two terms that mean the same.")
        # A term in two sets would make each set silently include the other: say where it is.
        others = SearchSynonym.objects.exclude(pk=self.pk) if self.pk else SearchSynonym.objects.all()
        for other in others.only("terms"):
            for written in split_synonym_terms(other.terms):
                try:
                    key = term_key(normalize_synonym_term(written))
                except ValueError:
                    continue
                if key in seen:
                    errors.append(f"“{seen[key]}” is already in the synonyms “{other}”: add these terms there instead.")
        if errors:
            raise ValidationError({"terms": errors})


class SearchWord(models.Model):
    """A word of a published resource's title or of a kind, topic or audience name: the vocabulary
    "did you mean" draws corrections from.

    Derived data, not curated (hence no timestamps): signals add the words of a resource saved
    published and of a term saved; `refresh_search_words` (resources.search.suggestions) rebuilds
    the list after bulk writes. On PostgreSQL a trigram index finds the words spelled like a
    misspelled one (migration 0008).
    """

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        verbose_name = "search word"

    def __str__(self):
        return self.word
