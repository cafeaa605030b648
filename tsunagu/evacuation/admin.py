"""Nothing of the plans is in the admin: plans and supporters are personal data, read and changed only through
the plan pages, which apply the access policy and write the audit log."""
