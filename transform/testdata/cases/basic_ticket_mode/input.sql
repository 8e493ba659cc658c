-- A small Zendesk account: two end users (one in an organization), one agent who maps onto an
-- Intercom admin, one group that maps onto a team, custom fields, tags and every status.

INSERT INTO raw_companies (source_id, created_at, name) VALUES
    ('301', '2023-05-01 09:00:00', 'Acme Corp');

INSERT INTO raw_contacts (source_id, created_at, name, email, phone, role, organization_id, suspended) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'Ada@Example.COM', '+44 20 7946 0000', 'end-user', '301', false),
    ('12', '2023-06-02 10:00:00', 'Bob Builder', NULL, NULL, 'end-user', NULL, true);

INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'GRACE@support.example', 'agent', true);

INSERT INTO raw_groups (source_id, created_at, name) VALUES
    ('31', '2022-01-01 00:00:00', 'Tier 1 ');

INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active, options) VALUES
    ('501', '2022-01-01 00:00:00', 'Product', 'dropdown', true,
        '[{"name":"Widget Pro","value":"widget_pro"},{"name":"Gadget","value":"gadget"}]'),
    ('502', '2022-01-01 00:00:00', 'Order number', 'integer', true, NULL),
    ('503', '2022-01-01 00:00:00', 'Notes', 'textarea', true, NULL),
    ('504', '2022-01-01 00:00:00', 'Subject', 'subject', true, NULL);

INSERT INTO raw_tickets (source_id, created_at, subject, description, status, priority, requester_id,
        assignee_id, group_id, organization_id, tags, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', 'Printer on fire', 'It is on fire.', 'open', 'urgent', '11', '21', '31', '301',
        ['printer', 'Urgent'], '{"501":"widget_pro","502":"4711","503":null}'),
    ('102', '2024-01-03 11:00:00', '', 'No subject here', 'new', NULL, '12', NULL, NULL, NULL,
        [], '{"501":null,"502":null,"503":"line one"}'),
    ('103', '2024-01-04 12:00:00', 'Waiting', 'Waiting on you', 'pending', NULL, '12', '21', NULL, NULL, ['urgent'], NULL),
    ('104', '2024-01-05 13:00:00', 'Parked', 'On hold', 'hold', NULL, '11', NULL, '31', NULL, NULL, NULL),
    ('105', '2024-01-06 14:00:00', 'Done', 'Solved it', 'solved', NULL, '11', '21', NULL, NULL, NULL, NULL),
    ('106', '2024-01-07 15:00:00', 'Old', 'Closed long ago', 'closed', NULL, '12', '21', NULL, NULL, NULL, NULL);

INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html, body_text) VALUES
    ('1001', '2024-01-02 10:00:00', '101', '11', true, '<p>It is on fire.</p>', 'It is on fire.'),
    ('1002', '2024-01-02 10:05:00', '101', '21', false, '<p>Internal: call the fire brigade</p>', 'Internal'),
    ('1003', '2024-01-02 10:06:00', '101', '21', true, '<p>We are on it</p>', 'We are on it'),
    ('1004', '2024-01-03 11:00:00', '102', '12', true, '', 'No subject <here> & there');

INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url, inline) VALUES
    ('7001', '1001', '101', 'fire.jpg', 'image/jpeg', 12345, 'https://acme.zendesk.com/attachments/7001/fire.jpg', false),
    ('7002', '1001', '101', 'logo.png', 'image/png', 99, 'https://acme.zendesk.com/attachments/7002/logo.png', true);

-- The target directory.
INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_teams VALUES ('801', 'tier 1');
INSERT INTO target_ticket_types VALUES ('61', 'Support Ticket', 'Customer');
INSERT INTO target_ticket_type_attributes VALUES ('61', 'a1', '_default_title_', 'string'), ('61', 'a2', 'product', 'list');
INSERT INTO target_ticket_states VALUES
    ('4', 'submitted', 'Submitted'), ('5', 'in_progress', 'In progress'), ('15', 'in_progress', 'Escalated'),
    ('6', 'waiting_on_customer', 'Waiting on customer'), ('7', 'resolved', 'Resolved');
