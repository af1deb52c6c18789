"""Fixed vocabulary of the One Mind pledge: roles, wording, time limits and place names.

Practice thresholds are not here: they live in pledges/rules.py, selected by settings.
"""

import datetime

# The staff group that reviews pledges, verifies practices and sees contact details.
# Created, with its permissions, by pledges/migrations/0002_pledge_reviewers_group.py.
PLEDGE_REVIEWERS_GROUP = "Pledge reviewers"

# Custom permissions on Pledge (codenames; the app label is "pledges").
PERMISSION_VIEW_CONTACT = "view_pledge_contact"
PERMISSION_EXPORT = "export_pledges"

# What the chief executive attests by ticking the box. Stored on each pledge as
# submitted (Pledge.attestation_text), so later edits of this wording never
# change what an agency agreed to.
ATTESTATION_TEXT = (
    "As chief executive of this agency, I pledge that it will implement the four promising practices "
    "of the One Mind Campaign within the time frame given: a sustainable partnership with one or more "
    "community mental health organizations; a model policy on police response to persons affected by "
    "mental illness; Mental Health First Aid (or equivalent) training for sworn officers; and Crisis "
    "Intervention Team (CIT, CRIT or equivalent) training for at least 20% of sworn officers. I am "
    "authorized to make this commitment on the agency's behalf."
)

# Who acted, when no staff user did (PledgeTransition.actor_label and similar).
ACTOR_CONTACT = "agency contact"
ACTOR_SYSTEM = "system"
ACTOR_DEMO = "demo data"

# The pledge window, in months after approval.
TARGET_MONTHS_MIN = 12
TARGET_MONTHS_MAX = 36

# A verification link works this long after it was sent.
VERIFICATION_LINK_MAX_AGE = datetime.timedelta(days=7)
# A contact may ask for another verification email at most this often.
VERIFICATION_RESEND_INTERVAL = datetime.timedelta(minutes=2)

# Deadline reminders go to the contact this many days before the deadline.
REMINDER_DAYS_BEFORE = (90, 30)

DEFAULT_COUNTRY = "US"

# 2-letter codes stored in Agency.state when the country is the US: the states,
# DC and the inhabited territories.
US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "American Samoa"),
    ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"),
    ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
]
US_STATE_NAMES = dict(US_STATES)

# ISO 3166-1 alpha-2 codes. The US first, then the countries whose agencies most
# often join IACP campaigns, then others alphabetically. Extend as agencies ask
# (a new choice is a one-line change and a migration). US territories are states
# of the US here, not countries.
COUNTRIES = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("IE", "Ireland"),
    ("AR", "Argentina"),
    ("AT", "Austria"),
    ("BS", "Bahamas"),
    ("BB", "Barbados"),
    ("BE", "Belgium"),
    ("BM", "Bermuda"),
    ("BR", "Brazil"),
    ("KY", "Cayman Islands"),
    ("CL", "Chile"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CZ", "Czechia"),
    ("DK", "Denmark"),
    ("DO", "Dominican Republic"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GH", "Ghana"),
    ("GR", "Greece"),
    ("HK", "Hong Kong"),
    ("IS", "Iceland"),
    ("IN", "India"),
    ("IL", "Israel"),
    ("IT", "Italy"),
    ("JM", "Jamaica"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MT", "Malta"),
    ("MX", "Mexico"),
    ("NL", "Netherlands"),
    ("NG", "Nigeria"),
    ("NO", "Norway"),
    ("PA", "Panama"),
    ("PH", "Philippines"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("SG", "Singapore"),
    ("ZA", "South Africa"),
    ("KR", "South Korea"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
    ("CH", "Switzerland"),
    ("TW", "Taiwan"),
    ("TT", "Trinidad and Tobago"),
    ("UA", "Ukraine"),
    ("AE", "United Arab Emirates"),
]
COUNTRY_NAMES = dict(COUNTRIES)
