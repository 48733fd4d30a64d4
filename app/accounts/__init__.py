"""Staff accounts: moderators, clerks and admins; residents have no accounts."""
