"""The committee's documents: the packet PDF (its data, front matter, campaigns and pages) and
the speaker list PDF."""
