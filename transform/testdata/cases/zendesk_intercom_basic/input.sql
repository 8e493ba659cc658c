-- An Intercom workspace planned for Zendesk: admins (one with a Zendesk agent of its email, one
-- without), a team that matches a group, contacts (a user in a company with an invalid phone, a
-- lead), a company with tags; a closed conversation with a note, an assignment part without a
-- body, a close part and an attachment; a snoozed conversation whose thread Intercom truncated;
-- an Intercom ticket with a description attribute and custom attributes (one with a Zendesk ticket
-- field of its name); a Help Center with nested sections, a sectionless article, an article with
-- no collection, translations (one per locale twice, one of a collection).

INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'GRACE@support.example', 'admin', true),
    ('22', '2022-01-01 00:00:00', 'Alan Turing', 'alan@support.example', 'admin', true);

INSERT INTO raw_groups (source_id, created_at, name) VALUES ('31', '2022-01-01 00:00:00', 'Billing ');

INSERT INTO raw_companies (source_id, created_at, name, domain_names, details, notes, tags, custom_fields) VALUES
    ('c1', '2023-05-01 09:00:00', 'Acme Corp', [], '', '', ['VIP customer', 'vip customer'], '{"Industry": "Retail", "Account Tier": "GOLD"}');

INSERT INTO raw_contacts (source_id, created_at, name, email, phone, role, organization_id, tags, custom_fields) VALUES
    ('u1', '2023-06-01 10:00:00', 'Ada Lovelace', 'Ada@Example.COM', '12', 'user', 'c1', ['Beta'],
        '{"plan": "Pro", "seats": 12, "renewal_date": 1735689600, "referral_code": "XK-12", "vip": "maybe"}'),
    ('u2', '2023-06-02 10:00:00', '', NULL, NULL, 'lead', NULL, [], '{"plan": "platinum", "seats": null}');

INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active) VALUES
    ('901', '2022-01-01 00:00:00', 'Order number', 'integer', true),
    ('902', '2022-01-01 00:00:00', 'Internal code', 'string', true);

INSERT INTO raw_tickets (source_id, created_at, updated_at, subject, description, status, priority, channel,
        requester_id, assignee_id, group_id, organization_id, tags, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', '2024-01-03 09:00:00', 'Printer on fire', '<p>It is on fire.</p>', 'closed', 'priority',
        'conversation', 'u1', '21', '31', 'c1', ['printer'], '{"Order number": 4711}'),
    ('102', '2024-01-04 10:00:00', '2024-01-05 10:00:00', '', '', 'snoozed', 'not_priority', 'conversation', 'u2', '22', NULL, NULL, [], '{}'),
    ('201', '2024-02-01 10:00:00', '2024-02-02 10:00:00', 'Refund', 'Please refund order 4711', 'waiting_on_customer', NULL,
        'ticket', 'u1', NULL, '31', 'c1', [], '{"901": 4711, "902": "x-1", "_default_title_": "Refund"}');

INSERT INTO raw_comments (source_id, created_at, ticket_id, author_id, public, body_html, body_text, channel) VALUES
    ('1001', '2024-01-02 10:00:00', '101', 'u1', true, '<p>It is on fire.</p>', '', 'source'),
    ('1002', '2024-01-02 10:05:00', '101', '21', false, '<p>Call the fire brigade</p>', '', 'note'),
    ('1003', '2024-01-02 10:06:00', '101', '21', true, '', '', 'assignment'),
    ('1004', '2024-01-02 10:07:00', '101', '21', true, '<p>We are on it</p>', '', 'comment'),
    ('1005', '2024-01-02 11:00:00', '101', '21', true, '<p>Fixed.</p>', '', 'close'),
    ('1101', '2024-01-04 10:00:00', '102', 'u2', true, '<p>Hello?</p>', '', 'source'),
    ('1102', '2024-01-04 10:30:00', '102', '22', true, '<p>Hi there</p>', '', 'comment'),
    ('2001', '2024-02-01 11:00:00', '201', '22', true, '<p>On it</p>', '', 'comment');

INSERT INTO raw_attachments (source_id, comment_id, ticket_id, file_name, content_type, size, content_url, inline) VALUES
    ('1001:0', '1001', '101', 'fire.jpg', 'image/jpeg', 12345, 'https://downloads.intercomcdn.com/i/o/1/fire.jpg', false),
    ('1004:0', '1004', '101', 'huge.mov', 'video/quicktime', 99999999, 'https://downloads.intercomcdn.com/i/o/2/huge.mov', false);

INSERT INTO extract_truncations VALUES (1, 1, 'tickets', '102', 'comments', 600, 2);

INSERT INTO raw_kb_categories (source_id, created_at, name, description, locale, position) VALUES
    ('1', '2023-01-01 00:00:00', 'Getting started', 'First things', 'en', 0);
INSERT INTO raw_kb_sections (source_id, created_at, category_id, parent_section_id, name, description, locale, position) VALUES
    ('10', '2023-01-02 00:00:00', '1', NULL, 'Account', '', 'en', 0),
    ('11', '2023-01-02 00:00:00', '1', '10', 'Passwords', '', 'en', 0);
INSERT INTO raw_kb_articles (source_id, created_at, section_id, category_id, title, body_html, state, author_id, position, source_locale, labels) VALUES
    ('100', '2023-02-01 00:00:00', '11', NULL, 'Reset your password', '<p>Click reset.</p>', 'published', '21', 0, 'en', []),
    ('102', '2023-02-03 00:00:00', NULL, '1', 'Welcome', '<p>Hello.</p>', 'draft', '22', 1, 'en', []),
    ('103', '2023-02-04 00:00:00', NULL, NULL, 'Stray', '<p>No home.</p>', 'published', NULL, 0, 'en', []);
INSERT INTO raw_kb_translations (source_id, created_at, parent_type, parent_id, locale, title, body_html, state) VALUES
    ('500', '2023-02-01 00:00:00', 'article', '100', 'en', 'Reset your password', '<p>Click reset.</p>', 'published'),
    ('501', '2023-02-01 00:00:00', 'article', '100', 'fr', 'Réinitialiser', '<p>Cliquez.</p>', 'published'),
    ('502', '2023-02-01 00:00:00', 'article', '100', 'FR', 'Réinitialiser (bis)', '<p>Bis.</p>', 'draft'),
    ('510', '2023-01-01 00:00:00', 'category', '1', 'fr', 'Premiers pas', '', 'published');

-- The Zendesk account's directory.
INSERT INTO target_workspace VALUES ('acme', 'Acme Support', '', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
INSERT INTO target_teams VALUES ('801', 'billing');
INSERT INTO target_ticket_type_attributes VALUES ('', '360001', 'Order Number', 'integer');
INSERT INTO target_data_attributes VALUES ('contact', 'plan', 'dropdown'), ('contact', 'seats', 'integer'),
    ('contact', 'renewal_date', 'date'), ('contact', 'vip', 'checkbox'), ('company', 'industry', 'text'),
    ('company', 'account_tier', 'dropdown');
INSERT INTO target_field_options VALUES ('contact', 'plan', 'Free', 'free'), ('contact', 'plan', 'Pro', 'pro'),
    ('company', 'account_tier', 'Gold', 'gold');
INSERT INTO target_ticket_states VALUES ('open', 'open', 'Open'), ('solved', 'solved', 'Solved');
