-- The target has no ticket type of the configured name: a ticket_type op is planned in stage 1,
-- attributes for every usable field in stage 2 (with ticket_type_ref), and tickets refer to it.
-- Fields of every type; an inactive one, one of a type Intercom lacks, two with one title, and a
-- value of a field the staging does not know are skipped. Values that do not fit their type are
-- dropped with a note; a multiselect keeps its first value.
INSERT INTO raw_contacts (source_id, created_at, name, email, role) VALUES
    ('11', '2023-06-01 10:00:00', 'Ada Lovelace', 'ada@example.com', 'end-user');

INSERT INTO raw_ticket_fields (source_id, created_at, title, type, active, options) VALUES
    ('501', '2022-01-01 00:00:00', 'Serial', 'text', true, NULL),
    ('502', '2022-01-01 00:00:00', 'Steps', 'textarea', true, NULL),
    ('503', '2022-01-01 00:00:00', 'SKU', 'regexp', true, NULL),
    ('504', '2022-01-01 00:00:00', 'Seats', 'integer', true, NULL),
    ('505', '2022-01-01 00:00:00', 'Amount', 'decimal', true, NULL),
    ('506', '2022-01-01 00:00:00', 'VIP', 'checkbox', true, NULL),
    ('507', '2022-01-01 00:00:00', 'Due', 'date', true, NULL),
    ('508', '2022-01-01 00:00:00', 'Plan', 'dropdown', true,
        '[{"name":"Free","value":"plan_free"},{"name":"Pro","value":"plan_pro"}]'),
    ('509', '2022-01-01 00:00:00', 'Areas', 'multiselect', true,
        '[{"name":"Billing","value":"area_billing"},{"name":"Login","value":"area_login"}]'),
    ('510', '2022-01-01 00:00:00', 'Legacy', 'text', false, NULL),
    ('511', '2022-01-01 00:00:00', 'Card', 'partialcreditcard', true, NULL),
    ('512', '2022-01-01 00:00:00', ' serial', 'text', true, NULL),
    ('513', '2022-01-01 00:00:00', 'Unused', 'text', true, NULL);

INSERT INTO raw_tickets (source_id, created_at, subject, description, status, requester_id, custom_fields) VALUES
    ('101', '2024-01-02 10:00:00', 'All fields', 'Everything set', 'new', '11',
        '{"501":"SN-1","502":"one\ntwo","503":"AB-12","504":"12","505":"12.50","506":true,"507":"2024-03-01",
          "508":"plan_pro","509":["area_login","area_billing"],"510":"old","511":"XXXX1234","512":"dup","513":null,"599":"ghost"}'),
    ('102', '2024-01-03 10:00:00', 'Bad values', 'Values that do not fit', 'new', '11',
        '{"504":"twelve","506":false,"507":"not a date","508":"plan_unknown"}');

INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example');
INSERT INTO target_ticket_types VALUES ('62', 'Bug report', 'Tracker');
INSERT INTO target_ticket_type_attributes VALUES ('62', 'b1', 'Serial', 'string');
INSERT INTO target_ticket_states VALUES ('4', 'submitted', 'Submitted');
