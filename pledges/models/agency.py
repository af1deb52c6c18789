"""Agencies: the law enforcement agencies that take the pledge."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Upper
from django.urls import reverse
from django.utils.text import slugify

from clearinghouse.models import TimeStampedModel
from pledges.constants import COUNTRIES, COUNTRY_NAMES, DEFAULT_COUNTRY, US_STATE_NAMES

ORI_PATTERN = r"^[A-Z]{2}[A-Z0-9]{7}$"
# Written only by pledges.services.refresh_roster_entry (a plain save() of an agency leaves them alone).
ROSTER_FIELDS = ("roster_pledge", "roster_status", "roster_approved_at")
# The public roster's order, and the columns its filters read besides the name search.
ROSTER_ORDER_FIELDS = ("name", "state", "roster_pledge")
ROSTER_FILTER_FIELDS = ("country", "roster_status", "agency_type", "sworn_officers", "roster_approved_at")


def region_label(country, state):
    """“Illinois” (a US state code's name), “Ontario, Canada”, “Ireland”: see Agency.region_label."""
    if country == "US":
        return US_STATE_NAMES.get(state, state)
    return ", ".join(part for part in (state, COUNTRY_NAMES.get(country, country)) if part)


def normalize_agency_name(name):
    """Trim and collapse inner whitespace: the form in which names are stored and compared."""
    return " ".join((name or "").split())


class Agency(TimeStampedModel):
    """A law enforcement agency. It exists because it took the pledge, possibly more than once."""

    class AgencyType(models.TextChoices):
        MUNICIPAL_POLICE = "municipal_police", "Municipal police department"
        SHERIFF = "sheriff", "Sheriff’s office"
        STATE_POLICE = "state_police", "State police or highway patrol"
        COUNTY_POLICE = "county_police", "County police department"
        CAMPUS = "campus", "Campus police department"
        TRIBAL = "tribal", "Tribal police department"
        TRANSIT = "transit", "Transit police department"
        PORT_AIRPORT = "port_airport", "Port or airport police"
        SCHOOL_DISTRICT = "school_district", "School district police"
        FEDERAL = "federal", "Federal agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, help_text="The agency’s full name, e.g. “Springfield Police Department”.")
    slug = models.SlugField(
        max_length=220,
        unique=True,
        blank=True,
        help_text="The agency’s address on the public roster. Generated from the name when left blank.",
    )
    agency_type = models.CharField("type of agency", max_length=20, choices=AgencyType.choices)
    city = models.CharField("city or town", max_length=120)
    country = models.CharField(max_length=2, choices=COUNTRIES, default=DEFAULT_COUNTRY)
    state = models.CharField(
        "state, province or region",
        max_length=100,
        blank=True,
        help_text="Required in the United States (the two-letter code). Optional elsewhere.",
    )
    ori = models.CharField(
        "ORI",
        max_length=9,
        blank=True,
        validators=[
            RegexValidator(
                ORI_PATTERN,
                "An ORI is 9 characters: the 2-letter state code then 7 letters or digits, e.g. IL0840000.",
                code="invalid_ori",
            )
        ],
        help_text="The agency’s FBI Originating Agency Identifier, if it has one.",
    )
    sworn_officers = models.PositiveIntegerField(
        "number of sworn officers",
        validators=[MinValueValidator(1, "An agency taking the pledge has at least one sworn officer.")],
        help_text="Training targets are percentages of this number.",
    )
    non_sworn_staff = models.PositiveIntegerField(
        "number of non-sworn staff", null=True, blank=True, help_text="Dispatchers, civilian staff and others."
    )
    website = models.URLField(max_length=500, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real agency.")
    # The name and the city in capitals, kept by the database, for the roster's name search: one
    # LIKE per word against it, rather than upper-casing two columns of every agency per search.
    search_text = models.GeneratedField(
        expression=Upper(Concat("name", Value(" "), "city")),
        output_field=models.TextField(),
        db_persist=True,
    )

    # The public roster's entry for this agency: its current public pledge (the latest approved,
    # completed or lapsed one), that pledge's status and approval time; empty when the agency is not
    # on the roster. Copied here so that the roster filters, orders, pages and counts agencies without
    # joining pledges. Written only by pledges.services.refresh_roster_entries, which every status
    # change runs; save() leaves them alone (ROSTER_FIELDS).
    roster_pledge = models.OneToOneField(
        "pledges.Pledge",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The pledge the public roster shows: the latest approved, completed or lapsed one.",
    )
    roster_status = models.CharField(
        max_length=20,
        blank=True,
        editable=False,
        help_text="The status of roster_pledge; empty when the agency is not on the roster.",
    )
    roster_approved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When roster_pledge was approved: the roster’s “pledged on” date.",
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name", "state", "country"]
        indexes = [
            # The roster's order (name, state, then the pledge as the tie-break), agencies on it only.
            # The columns after those let the filters be checked in the index too: a page's keys,
            # filtered or not and however deep, are read from this index alone.
            models.Index(
                fields=[*ROSTER_ORDER_FIELDS, *ROSTER_FILTER_FIELDS],
                condition=Q(roster_pledge__isnull=False),
                name="pledges_agency_roster_order",
            ),
            # The roster's counts by state and status, and the count of a filtered list, from the index alone.
            models.Index(
                fields=["country", "state", "roster_status", "agency_type", "sworn_officers", "roster_approved_at"],
                condition=Q(roster_pledge__isnull=False),
                name="pledges_agency_roster_counts",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ori"],
                condition=~Q(ori=""),
                name="pledges_agency_unique_ori",
                violation_error_message="Another agency already has this ORI.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "state",
                "country",
                name="pledges_agency_unique_name_state_country",
                violation_error_message="An agency with this name is already registered in this state and country.",
            ),
            models.CheckConstraint(condition=Q(sworn_officers__gte=1), name="pledges_agency_sworn_officers_positive"),
            models.CheckConstraint(
                condition=~Q(country="US") | Q(state__in=list(US_STATE_NAMES)),
                name="pledges_agency_us_state_code",
                violation_error_message="Choose the state.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.region_label})" if self.region_label else self.name

    def get_absolute_url(self):
        """The public agency page: URL name `pledges:agency` with a `slug` kwarg (built by the views)."""
        return reverse("pledges:agency", kwargs={"slug": self.slug})

    @property
    def state_name(self):
        """The state's full name in the US; the free-text state or province elsewhere."""
        if self.country == "US":
            return US_STATE_NAMES.get(self.state, self.state)
        return self.state

    @property
    def country_name(self):
        return COUNTRY_NAMES.get(self.country, self.country)

    @property
    def region_label(self):
        """Where the agency is, at the level its name must be unique: “Illinois”, “Ontario, Canada”, “Ireland”."""
        return region_label(self.country, self.state)

    @property
    def location_label(self):
        """City and region: “Springfield, Illinois”, “Toronto, Ontario, Canada”."""
        return ", ".join(part for part in (self.city, self.region_label) if part)

    def normalize(self):
        """Store names, codes and the ORI in their canonical form (idempotent)."""
        self.name = normalize_agency_name(self.name)
        self.city = " ".join((self.city or "").split())
        self.country = (self.country or DEFAULT_COUNTRY).strip().upper()
        self.state = " ".join((self.state or "").split())
        if self.country == "US":
            self.state = self.state.upper()
        self.ori = "".join((self.ori or "").split()).upper()

    def duplicate_errors(self):
        """Field errors naming an existing agency with this ORI or this name in this state and country."""
        errors = {}
        others = Agency.objects.exclude(pk=self.pk) if self.pk else Agency.objects.all()
        if self.ori:
            same_ori = others.filter(ori=self.ori).first()
            if same_ori:
                errors["ori"] = ValidationError(
                    "The ORI %(ori)s belongs to %(agency)s in %(region)s, which has already taken the pledge.",
                    code="duplicate_ori",
                    params={"ori": self.ori, "agency": same_ori.name, "region": same_ori.region_label},
                )
        if self.name:
            same_name = others.filter(name__iexact=self.name, state__iexact=self.state, country=self.country).first()
            if same_name:
                errors["name"] = ValidationError(
                    "An agency named %(agency)s in %(region)s has already taken the pledge.",
                    code="duplicate_agency",
                    params={"agency": same_name.name, "region": same_name.region_label},
                )
        return errors

    def clean_fields(self, exclude=None):
        # Normalize first, so “il0840000” passes the ORI format check as “IL0840000”.
        self.normalize()
        super().clean_fields(exclude=exclude)

    def location_errors(self):
        """Field errors about the state: required, and one of US_STATES, in the United States."""
        if self.country != "US":
            return {}
        if not self.state:
            return {"state": ValidationError("Choose the state.", code="required")}
        if self.state not in US_STATE_NAMES:
            return {"state": ValidationError("Choose a US state, DC or territory.", code="invalid_state")}
        return {}

    def clean(self):
        self.normalize()
        errors = self.location_errors()
        errors.update(self.duplicate_errors())
        if not self.slug and self.name:
            self.slug = self.unique_slug()
        if errors:
            raise ValidationError(errors)

    def unique_slug(self):
        """A free slug from the name and the state (or country), e.g. “springfield-police-department-il”."""
        region = self.state if self.country == "US" else f"{self.state} {self.country}"
        base = slugify(f"{self.name} {region}")[:200].strip("-") or "agency"
        slug, number = base, 2
        while Agency.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    def save(self, *args, **kwargs):
        self.normalize()
        if not self.slug:
            self.slug = self.unique_slug()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # An agency loaded before a status change must not put back the roster entry it was
            # loaded with: saving an existing agency writes every field but those.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and not field.generated
                and field.attname not in deferred
                and field.name not in ROSTER_FIELDS
            ]
        super().save(*args, **kwargs)
