"""Adversarial regression tests: each file is one kind of attack or failure found by trying the
product as a resident, a moderator, a clerk and an attacker would, and each test is one case
that failed before its fix. Read the folder as a list:

- test_concurrent_writes.py: two people writing to one testimony at once (an amendment approved
  while its upload was checked, amend against withdraw, two moderators, redactions, campaign
  decisions, take-outs, disputes): nothing unreviewed is published, exactly one writer wins.
- test_hostile_uploads.py: PDFs built to be expensive (page-object floods, deep and wide page
  trees, flate and object-stream bombs, broken cross-references), active content (/JS,
  /Launch, /EmbeddedFiles, /XFA), hostile file names, and the EICAR test virus through ClamAV.
- test_form_state.py: a form built a thousand times shows each error once; files kept from a
  form sent back are reachable from that form only; failed uploads count toward the limits.
- test_pdf_scripts.py: Arabic, Hebrew, bidi overrides and emoji sequences in every field that
  reaches a packet or a speaker list read back in order, joined, and never as a box.
- test_redirects.py: open-redirect tricks (tabs, newlines, backslashes, `//`, `/\\`, encoded
  forms) against every redirect that takes an address from the visitor.
- test_mail_after_crash.py: a worker killed while sending e-mail leaves at most the message in
  flight to be sent twice, and its claims come back within the lease.
- test_sign_in_throttling.py: password guessing against one account from many addresses is
  slowed for the account without locking its owner out, and admins are told once.
- test_refusals_audited.py: 403s and 429s reach the audit log without personal data and
  without flooding it; the session cookie carries the `__Host-` prefix under HTTPS.
- test_hearing_changes.py: closing testimony early or cancelling needs the clerk's explicit
  confirmation; two clerks doing it at once tell residents once; deadlines after the
  hearing's start are refused.
"""
