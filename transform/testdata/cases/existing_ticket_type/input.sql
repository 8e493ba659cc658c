-- The configured ticket type exists (names compare trimmed and case-insensitively): tickets use
-- its id, no ticket_type op is planned, attributes it already has (by name) are used as they are
-- (their own spelling keys the values) and only the missing ones are planned, with ticket_type_id.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active, options) VALUES
    ('501', '2022-01-01 00:00:00', 'serial number', 'text', true, NULL),
    ('502', '2022-01-01 00:00:00', 'Severity', 'tagger', true, '[{"name":"Low","value":"sev_low"},{"name":"High","value":"sev_high"}]');
INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', 'Crash', 'It crashes', 'new', '11', '{"501":"SN-9","502":"sev_high"}');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example');
INSERT INTO target_ticket_types VALUES ('61', 'Support ticket', 'Customer'), ('62', 'Bug Report', 'Tracker');
INSERT INTO target_ticket_type_attributes VALUES
    ('61', 'a1', 'Severity', 'list'), ('62', 'b1', 'Serial Number', 'string');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
