"""The audit trail: who changed what in the catalog, the pledges and the staff accounts (decision 0015).

django-auditlog records the changes (one LogEntry table, JSON field diffs, many-to-many
changes); this app says which models and fields are recorded (registry), who acted
(middleware), how bulk writers record their changes (services.record_change and
record_changes), who may read what (access) and shows it in the admin (admin, history).
"""
