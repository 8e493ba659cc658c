-- Conversation mode: tickets become conversations with an HTML body made from the plain-text
-- description; solved and closed ones are closed by the default admin (the /me admin), the others
-- stay open. Custom field values have nowhere to go and are skipped; no ticket type is planned.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');
INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true);
INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active) VALUES
    ('501', '2022-01-01 00:00:00', 'Order number', 'integer', true);

INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, assignee_id, tags, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', 'Refund <urgent>', 'Line one & "two"' || chr(10) || 'Line three', 'solved', '11', '21', ['billing'], '{"501":"42"}'),
    ('102', '2024-01-03 10:00:00', NULL, 'Still open', 'open', '11', NULL, [], NULL),
    ('103', '2024-01-04 10:00:00', 'Closed', 'Done', 'closed', '11', NULL, NULL, NULL);

INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html, body_text) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>Line one &amp; "two"</p>', 'Line one'),
    ('1002', '2024-01-02 11:00:00', '101', '21', false, '<p>check the invoice</p>', 'check'),
    ('1003', '2024-01-02 12:00:00', '101', '21', true, '<p>Refunded</p>', 'Refunded');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted'), ('7', 'resolved', 'Resolved');
