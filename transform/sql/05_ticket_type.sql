-- The Intercom ticket type, its attributes for the source's custom ticket fields, and each
-- ticket's attribute values. Ticket mode only: conversations have no type.

-- Which type each ticket gets: mapping.ticket_types by the ticket's source type, else the
-- configured one.
CREATE OR REPLACE TEMP TABLE t_ticket_type_of AS
SELECT t.source_id AS ticket_id,
    coalesce((SELECT min(nullif(trim(m.ticket_type), '')) FROM transform_map_ticket_types m
              WHERE name_key(m.source) = name_key(t.type)), c.ticket_type_name) AS type_name
FROM t_tickets t CROSS JOIN t_context c
WHERE c.ticket_mode = 'ticket';

-- The types tickets use: each is used when the target has it (by name, trimmed,
-- case-insensitive), else planned. The configured type keeps the op id it always had.
CREATE OR REPLACE TEMP TABLE t_ticket_type AS
SELECT u.name, c.ticket_type_category AS category,
    (SELECT min_by(id, id_key(id)) FROM target_ticket_types
     WHERE name_key(name) = name_key(u.name)) AS target_id,
    'ticket_type:' || u.name AS op_id,
    name_key(u.name) = name_key(c.ticket_type_name) AS is_default
FROM (
    SELECT CASE WHEN bool_or(name_key(o.type_name) = name_key(x.ticket_type_name)) THEN min(x.ticket_type_name)
        ELSE min(o.type_name) END AS name
    FROM t_ticket_type_of o CROSS JOIN t_context x
    GROUP BY name_key(o.type_name)
) u CROSS JOIN t_context c;

INSERT INTO t_mapping
SELECT 'ticket_type', name, category, target_id, target_id IS NOT NULL FROM t_ticket_type WHERE is_default;

-- The source types mapping.ticket_types sends to a type of their own.
INSERT INTO t_mapping
SELECT DISTINCT 'source_ticket_type', t.type, tt.name, tt.target_id, tt.target_id IS NOT NULL
FROM t_tickets t JOIN t_ticket_type_of o ON o.ticket_id = t.source_id
JOIN t_ticket_type tt ON name_key(tt.name) = name_key(o.type_name)
WHERE NOT tt.is_default;

CREATE OR REPLACE TABLE plan_ticket_types AS
SELECT op_id, name AS source_id, name, category, 'Imported by deskport' AS description
FROM t_ticket_type WHERE target_id IS NULL
ORDER BY source_id;

-- Custom field values as the source gave them ({"<field id>": value}), one row per ticket and
-- field. A value counts when it says something: not null, "", false or [] (Zendesk reports every
-- field on every ticket, unchecked checkboxes as false).
CREATE OR REPLACE TEMP TABLE t_field_values AS
SELECT t.source_id AS ticket_id, j.key AS field_id, j.value AS value
FROM t_tickets t, json_each(t.custom_fields) j
WHERE j.type <> 'NULL' AND j.value::VARCHAR NOT IN ('""', 'false', '[]');

-- mapping.fields entries for ticket fields, by title or id: a new attribute name, left out, or
-- a default for tickets that leave the field empty.
CREATE OR REPLACE TEMP TABLE t_field_map AS
SELECT f.source_id, min(nullif(trim(m.attribute), '')) AS attribute, bool_or(m.skip) AS skip,
    min(nullif(m.default_value, '')) AS default_value
FROM ticket_fields f JOIN transform_map_fields m
    ON m.model = 'ticket' AND (name_key(m.source) = name_key(f.title) OR m.source = f.source_id)
GROUP BY f.source_id;

CREATE OR REPLACE TEMP TABLE t_field_defaults AS
SELECT t.source_id AS ticket_id, m.source_id AS field_id, m.default_value
FROM t_tickets t CROSS JOIN t_field_map m CROSS JOIN t_context c
WHERE c.ticket_mode = 'ticket' AND m.default_value IS NOT NULL AND NOT m.skip
  AND NOT EXISTS (SELECT 1 FROM t_field_values v WHERE v.ticket_id = t.source_id AND v.field_id = m.source_id);

INSERT INTO t_policy
SELECT 'tickets', ticket_id, 'field_default', 'field ' || field_id || ' was empty: default from mapping.fields'
FROM t_field_defaults;
INSERT INTO t_field_values SELECT ticket_id, field_id, to_json(default_value) FROM t_field_defaults;

-- Ticket properties Intercom has no field for (priority, type, channel), kept in the attribute
-- mapping.priorities/types/channels names, with the values renamed as mapped; and, with
-- keep_source_ids, the source id and updated_at (Intercom keeps created_at, not updated_at).
-- Their field ids start with ~ so they never meet a source field's id.
INSERT INTO t_field_values
WITH props AS (
    SELECT source_id, 'priority' AS property, priority AS value FROM t_tickets
    UNION ALL SELECT source_id, 'type', type FROM t_tickets
    UNION ALL SELECT source_id, 'channel', channel FROM t_tickets
)
SELECT p.source_id, '~' || p.property,
    to_json(coalesce((SELECT min(v.target) FROM transform_map_values v
                      WHERE v.property = p.property AND name_key(v.source) = name_key(p.value)), p.value))
FROM props p JOIN transform_map_properties mp ON mp.property = p.property
WHERE coalesce(trim(p.value), '') <> ''
UNION ALL
SELECT t.source_id, '~source_id', to_json(t.source_id)
FROM t_tickets t CROSS JOIN t_context c WHERE c.keep_source_ids
UNION ALL
SELECT t.source_id, '~source_updated_at', to_json(strftime(t.updated_at, '%Y-%m-%dT%H:%M:%S'))
FROM t_tickets t CROSS JOIN t_context c WHERE c.keep_source_ids AND t.updated_at IS NOT NULL;

-- The fields in use, with the Intercom data type each maps to. A title shared by two fields can
-- name only one attribute: the lowest id keeps it.
CREATE OR REPLACE TEMP TABLE t_fields AS
WITH used AS (
    SELECT f.source_id, coalesce(m.attribute, f.title) AS title, f.type, f.active, coalesce(m.skip, false) AS skip,
        from_json(coalesce(f.options, '[]'), '[{"name":"VARCHAR","value":"VARCHAR"}]') AS options,
        CASE
            WHEN f.type IN ('text', 'textarea', 'regexp') THEN 'string'
            WHEN f.type = 'integer' THEN 'integer'
            WHEN f.type = 'decimal' THEN 'decimal'
            WHEN f.type = 'checkbox' THEN 'boolean'
            WHEN f.type = 'date' THEN 'datetime'
            WHEN f.type IN ('tagger', 'dropdown', 'multiselect') THEN 'list'
        END AS data_type
    FROM ticket_fields f LEFT JOIN t_field_map m ON m.source_id = f.source_id
    WHERE f.source_id IN (SELECT field_id FROM t_field_values)
    UNION ALL
    SELECT v.field_id, v.title, v.type, true, false, []::STRUCT(name VARCHAR, value VARCHAR)[], v.data_type
    FROM (
        SELECT '~' || property AS field_id, attribute AS title, 'text' AS type, 'string' AS data_type
        FROM transform_map_properties
        UNION ALL SELECT '~source_id', 'Source ID', 'text', 'string'
        UNION ALL SELECT '~source_updated_at', 'Source updated at', 'date', 'datetime'
    ) v
    WHERE v.field_id IN (SELECT field_id FROM t_field_values)
), eligible AS (
    SELECT *, active AND NOT skip AND data_type IS NOT NULL AND coalesce(trim(title), '') <> '' AS ok FROM used
)
SELECT *,
    CASE WHEN ok THEN row_number() OVER (PARTITION BY ok, name_key(title) ORDER BY id_key(source_id)) END AS title_rank
FROM eligible;

INSERT INTO t_skips
SELECT 'ticket_attributes', f.source_id,
    CASE
        WHEN c.ticket_mode <> 'ticket' THEN 'conversation mode: ticket field values are not migrated'
        WHEN f.skip THEN 'left out by mapping.fields'
        WHEN NOT f.active THEN 'field is inactive at the source: its values are not migrated'
        WHEN f.data_type IS NULL THEN 'field type ' || coalesce(f.type, '(none)') || ' has no Intercom equivalent'
        WHEN coalesce(trim(f.title), '') = '' THEN 'field has no title'
        ELSE 'another field has the same title'
    END
FROM t_fields f CROSS JOIN t_context c
WHERE c.ticket_mode <> 'ticket' OR NOT f.ok OR f.title_rank > 1
UNION ALL
SELECT DISTINCT 'ticket_attributes', v.field_id, 'field not in staging: its values are not migrated'
FROM t_field_values v
WHERE NOT starts_with(v.field_id, '~') AND NOT EXISTS (SELECT 1 FROM ticket_fields f WHERE f.source_id = v.field_id);

-- The attributes tickets fill: an attribute of the existing type with the same name, or a new one.
-- A list without options cannot hold a value: it becomes a string.
CREATE OR REPLACE TEMP TABLE t_attributes AS
SELECT f.source_id, f.title, f.type, f.options,
    CASE WHEN f.data_type = 'list' AND len(f.options) = 0 THEN 'string' ELSE f.data_type END AS data_type,
    ta.id AS target_id, coalesce(ta.name, f.title) AS attr_name, tt.op_id AS type_op_id, tt.target_id AS type_id,
    -- The configured type's attributes keep their op ids; a mapped type's name its own.
    'ticket_attribute:' || CASE WHEN tt.is_default THEN '' ELSE tt.name || ':' END || f.source_id AS op_id,
    tt.is_default
FROM t_fields f CROSS JOIN t_ticket_type tt
LEFT JOIN (
    SELECT ticket_type_id, name_key(name) AS k, min_by(id, id_key(id)) AS id, min(name) AS name
    FROM target_ticket_type_attributes GROUP BY ALL
) ta ON ta.ticket_type_id = tt.target_id AND ta.k = name_key(f.title)
WHERE f.ok AND f.title_rank = 1;

INSERT INTO t_mapping
SELECT 'ticket_attribute', source_id, title, target_id, target_id IS NOT NULL FROM t_attributes;

-- Intercom wants a description for every attribute, and list items as one comma-delimited string.
CREATE OR REPLACE TABLE plan_ticket_attributes AS
SELECT op_id, source_id, type_id AS ticket_type_id,
    CASE WHEN type_id IS NULL THEN type_op_id END AS ticket_type_ref,
    title AS name, 'Imported by deskport (source field ' || source_id || ')' AS description, data_type,
    CASE WHEN type = 'textarea' THEN true END AS multiline,
    CASE WHEN data_type = 'list' THEN array_to_string(list_transform(options, o -> o.name), ',') END AS list_items
FROM t_attributes WHERE target_id IS NULL
ORDER BY id_key(source_id), op_id;

-- Each value converted to its attribute's type; one that does not convert (or a list value that is
-- none of the field's options) is dropped with a note. A list value is the option's name, the label
-- of the attribute's list item; a multiselect keeps its first value, as an Intercom list holds one.
CREATE OR REPLACE TEMP TABLE t_converted AS
SELECT v.ticket_id, a.source_id AS field_id, a.attr_name, a.data_type,
    json_type(v.value) = 'ARRAY' AND json_array_length(v.value) > 1 AS several,
    CASE a.data_type
        WHEN 'string' THEN to_json(v.value ->> '$')
        WHEN 'integer' THEN to_json(try_cast(v.value ->> '$' AS BIGINT))
        WHEN 'decimal' THEN to_json(try_cast(v.value ->> '$' AS DOUBLE))
        WHEN 'boolean' THEN to_json(try_cast(v.value ->> '$' AS BOOLEAN))
        WHEN 'datetime' THEN to_json(unix_s(try_cast(v.value ->> '$' AS TIMESTAMP)))
        WHEN 'list' THEN to_json(list_filter(a.options, o -> o.value = (CASE WHEN json_type(v.value) = 'ARRAY'
            THEN v.value ->> '$[0]' ELSE v.value ->> '$' END))[1].name)
    END AS out
FROM t_field_values v JOIN (
    -- One attribute per field: the configured type's name for it wins over a mapped type's.
    SELECT * FROM t_attributes QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY is_default DESC, op_id) = 1
) a ON a.source_id = v.field_id;

INSERT INTO t_notes
SELECT 'tickets', ticket_id, 'field value not valid for its type: not migrated' FROM t_converted WHERE out IS NULL
UNION ALL
SELECT 'tickets', ticket_id, 'multiselect field with several values: only the first is kept' FROM t_converted WHERE several;

-- {attribute name: value} per ticket, in field id order.
CREATE OR REPLACE TEMP TABLE t_ticket_values AS
SELECT ticket_id, to_json(map_from_entries(list({'k': attr_name, 'v': out} ORDER BY id_key(field_id)))) AS attrs
FROM t_converted WHERE out IS NOT NULL GROUP BY ticket_id;
