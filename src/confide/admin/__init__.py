"""Administration: licences, payers and plans, users, the audit log, network health."""
