-- 001_initial.sql - the DMARC report store: one schema for SQLite (one machine) and
-- PostgreSQL (a fleet). Portable SQL only: TEXT, BIGINT, INTEGER; no dialect types.
-- A row per message evaluated for DMARC (RFC 9989), holding what an RFC 9990 aggregate
-- report and an RFC 9991 failure report need. Domains are A-labels, lower case.
-- Booleans are INTEGER 0/1. Times are seconds since the epoch (UTC).

CREATE TABLE dmarc_message (
  node TEXT NOT NULL,              -- the enma node (report.node, default: the host name)
  seq BIGINT NOT NULL,             -- per node, strictly increasing (node start µs + counter)
  received_at BIGINT NOT NULL,     -- end of message
  source_ip TEXT NOT NULL,         -- the SMTP client address, as text
  header_from TEXT NOT NULL,       -- the Author Domain (RFC 5322.From)
  envelope_from TEXT NOT NULL,     -- the MAIL FROM domain ('' for the null path)
  envelope_to TEXT NOT NULL,       -- the first RCPT TO domain ('' if unknown)
  policy_domain TEXT NOT NULL,     -- where the applied record was found
  discovery_method TEXT NOT NULL,  -- 'treewalk' or 'psl'
  p TEXT NOT NULL,                 -- none | quarantine | reject (as published)
  sp TEXT NOT NULL,                -- '' when not published
  np TEXT NOT NULL,                -- '' when not published
  adkim TEXT NOT NULL,             -- r | s
  aspf TEXT NOT NULL,              -- r | s
  testing TEXT NOT NULL,           -- n | y (t=)
  fo TEXT NOT NULL,                -- as published ('0' by default)
  rua TEXT NOT NULL,               -- comma-separated URIs as published ('' none)
  ruf TEXT NOT NULL,               -- comma-separated URIs as published ('' none)
  dmarc_result TEXT NOT NULL,      -- pass | fail | temperror | permerror | none
  disposition TEXT NOT NULL,       -- none | pass | quarantine | reject (RFC 9990, applied)
  dkim_aligned INTEGER NOT NULL,   -- policy_evaluated/dkim: 1 pass, 0 fail
  spf_aligned INTEGER NOT NULL,    -- policy_evaluated/spf: 1 pass, 0 fail
  override_type TEXT NOT NULL,     -- RFC 9990 PolicyOverride ('' none)
  override_comment TEXT NOT NULL,
  spf_domain TEXT NOT NULL,        -- the SPF identity's domain
  spf_scope TEXT NOT NULL,         -- mfrom | helo
  spf_result TEXT NOT NULL,        -- none | neutral | pass | fail | softfail | temperror | permerror
  dnssec TEXT NOT NULL,            -- secure | insecure | bogus | unchecked (the DMARC lookups)
  PRIMARY KEY (node, seq)
);
CREATE INDEX dmarc_message_by_domain ON dmarc_message (policy_domain, received_at);

-- Every DKIM signature evaluated on the message (RFC 9990 auth_results/dkim).
CREATE TABLE dmarc_dkim (
  node TEXT NOT NULL,
  seq BIGINT NOT NULL,
  position INTEGER NOT NULL,       -- order in the message, from 0
  domain TEXT NOT NULL,            -- d=
  selector TEXT NOT NULL,          -- s=
  result TEXT NOT NULL,            -- none | pass | fail | policy | neutral | temperror | permerror
  human_result TEXT NOT NULL,      -- the reason, '' none
  PRIMARY KEY (node, seq, position)
);

-- What enma-report sent: one row per report (policy domain, period, destination). A re-run
-- for a period finds its rows and sends nothing twice.
CREATE TABLE dmarc_report_sent (
  policy_domain TEXT NOT NULL,
  period_begin BIGINT NOT NULL,
  period_end BIGINT NOT NULL,
  destination TEXT NOT NULL,       -- the rua URI (or the output directory)
  report_id TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  status TEXT NOT NULL,            -- sent | failed | refused (external destination unverified)
  PRIMARY KEY (policy_domain, period_begin, destination)
);

-- The schema version, one row; migrations run in file-name order inside one transaction.
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
