-- Reports, their messages and attachments take random ids from now on
-- (given by the portal), so a copy of the database cannot place an
-- anonymous report or answer between attributed, second-precise events.
-- Messages are ordered within their report by position instead of id.
-- Rows written before this migration keep their ids.
ALTER TABLE reports ALTER COLUMN id DROP IDENTITY;
ALTER TABLE report_messages ALTER COLUMN id DROP IDENTITY;
ALTER TABLE report_attachments ALTER COLUMN id DROP IDENTITY;
ALTER TABLE report_messages ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
UPDATE report_messages SET position = (
    SELECT COUNT(*) FROM report_messages m
    WHERE m.report_id = report_messages.report_id AND m.id <= report_messages.id
);
DROP INDEX report_messages_report;
CREATE UNIQUE INDEX report_messages_position ON report_messages(report_id, position);
DROP INDEX reports_status;
CREATE INDEX reports_status ON reports(status, received_hour);

-- Samples no longer keep their exact size in clear (it matched a
-- sample to the same file attached to an anonymous report).
UPDATE analysis_samples SET size = 0;
