"""Following a body, committee, measure or hearing by e-mail: double opt-in, notices, digests."""
