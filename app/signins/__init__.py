"""Position sign-ins: a resident's support, opposition or neutrality on measures of a hearing,
noted for the record without written testimony."""
