-- Every planned operation in one table, with its payload (the request in Intercom's field names,
-- references named by op id), its refs and its natural sort key. Stages are the dependency levels
-- of docs/load-plan.md; ord orders ops within a kind (ids numerically, then time, then id).
CREATE OR REPLACE TEMP TABLE t_ops AS
SELECT op_id, 1 AS stage, 'ticket_type' AS kind, 'ticket_types' AS entity, source_id, '' AS chain,
    payload(json_object('name', name, 'category', category, 'description', description)) AS payload,
    []::TEXT[] AS refs, [source_id] AS ord
FROM plan_ticket_types

UNION ALL
SELECT op_id, 2, 'ticket_attribute', 'ticket_attributes', source_id, '',
    payload(json_object('ticket_type_id', ticket_type_id, 'ticket_type_ref', ticket_type_ref, 'name', name,
        'description', description, 'data_type', data_type, 'multiline', multiline, 'list_items', list_items)),
    list_filter([ticket_type_ref], r -> r IS NOT NULL), [id_key(source_id)]
FROM plan_ticket_attributes

UNION ALL
SELECT op_id, 2, 'data_attribute', 'data_attributes', source_id, '',
    payload(json_object('model', model, 'name', name, 'data_type', data_type, 'description', description)),
    [], [source_id]
FROM plan_data_attributes

UNION ALL
SELECT op_id, 3, 'company', 'companies', source_id, '',
    payload(json_object('company_id', company_id, 'name', name, 'remote_created_at', remote_created_at,
        'custom_attributes', custom_attributes)),
    [], [id_key(source_id)]
FROM plan_companies

UNION ALL
SELECT op_id, 4, 'contact', 'contacts', source_id, '',
    payload(json_object('role', role, 'external_id', external_id, 'email', email, 'phone', phone, 'name', name,
        'signed_up_at', signed_up_at, 'custom_attributes', custom_attributes)),
    [], [id_key(source_id)]
FROM plan_contacts

UNION ALL
SELECT op_id, 5, 'contact_company', 'company_memberships', source_id, '',
    payload(json_object('contact_ref', contact_ref, 'company_ref', company_ref)),
    [contact_ref, company_ref], [id_key(contact_id), id_key(company_id)]
FROM plan_contact_companies

UNION ALL
SELECT op_id, 5, 'tag', 'tags', source_id, '',
    payload(json_object('name', name)), [], [source_id]
FROM plan_tags

UNION ALL
SELECT op_id, 6, kind, 'tickets', source_id, '',
    CASE kind
        WHEN 'ticket' THEN payload(json_object(
            'ticket_type_id', ticket_type_id, 'ticket_type_ref', ticket_type_ref,
            'contact_ref', contact_ref, 'company_ref', company_ref, 'created_at', created_at,
            'ticket_attributes', json_merge_patch(
                json_object('_default_title_', title, '_default_description_', description), custom_attributes),
            'admin_assignee_id', admin_assignee_id, 'team_assignee_id', team_assignee_id,
            'skip_notifications', skip_notifications))
        ELSE payload(json_object('contact_ref', contact_ref, 'body', body, 'subject', subject, 'created_at', created_at))
    END,
    list_filter([ticket_type_ref, contact_ref, company_ref], r -> r IS NOT NULL), [id_key(source_id)]
FROM plan_tickets

UNION ALL
SELECT op_id, 7, 'part', 'comments', source_id, chain,
    payload(json_object('parent', parent, 'parent_ref', parent_ref, 'message_type', message_type,
        'author_type', author_type, 'admin_id', admin_id, 'contact_ref', contact_ref, 'body', body,
        'created_at', created_at, 'attachments', attachments, 'skip_notifications', skip_notifications)),
    list_filter([parent_ref, contact_ref], r -> r IS NOT NULL),
    [id_key(ticket_id), time_key(source_created_at), id_key(source_id), lpad(CAST(n AS TEXT), 10, '0')]
FROM plan_parts

UNION ALL
SELECT op_id, 8, 'ticket_state', 'ticket_states', source_id, '',
    payload(json_object('parent', parent, 'parent_ref', parent_ref, 'ticket_state_id', ticket_state_id,
        'admin_id', admin_id, 'close', close, 'skip_notifications', skip_notifications)),
    [parent_ref], [id_key(source_id)]
FROM plan_ticket_states

UNION ALL
SELECT op_id, 8, 'tagging', 'taggings', source_id, '',
    payload(json_object('parent', parent, 'parent_ref', parent_ref, 'tag_ref', tag_ref, 'admin_id', admin_id)),
    [parent_ref, tag_ref], [id_key(ticket_id), tag_key]
FROM plan_taggings;
