-- Hierarchy repair. Intercom holds collection > section (a nested collection) > article: a source
-- category becomes a top-level collection and a source section a section under it. What does not
-- fit is placed by kb_hierarchy:
--   keep            a sectionless article gets a section made in its own category (named after
--                   the category unless kb_category_section names it); sections nested deeper
--                   than one level become sections of their category named by their whole path;
--                   only an article with no category goes to the default category and section.
--   default_folder  every article not in a full category > section path (a top-level section of
--                   an existing category) goes to the default category and section.

-- Every section reachable from a top-level one, with its depth and path. A section whose parent is
-- missing counts as top-level; a cycle is never reached, and its articles count as sectionless.
CREATE OR REPLACE TEMP TABLE t_kb_tree AS
WITH RECURSIVE tree AS (
    SELECT s.source_id, s.category_id, 1 AS depth, [s.name] AS names, [s.source_id] AS ids, s.position
    FROM kb_sections s
    WHERE s.parent_section_id IS NULL
       OR NOT EXISTS (SELECT 1 FROM kb_sections p WHERE p.source_id = s.parent_section_id)
    UNION ALL
    SELECT s.source_id, coalesce(s.category_id, t.category_id), t.depth + 1,
        list_append(t.names, s.name), list_append(t.ids, s.source_id), s.position
    FROM kb_sections s JOIN tree t ON s.parent_section_id = t.source_id
    WHERE NOT list_contains(t.ids, s.source_id) AND t.depth < 100
)
SELECT t.source_id, c.source_id AS category_id, c.name AS category_name, t.depth, t.names, t.position
FROM tree t LEFT JOIN kb_categories c ON c.source_id = t.category_id;

-- Where each article sits at the source and where the policy puts it. The target section is
-- named by an op id: collection:s:<section>, collection:cs:<category> (made for sectionless
-- articles) or collection:default:section.
CREATE OR REPLACE TEMP TABLE t_kb_place AS
WITH src AS (
    SELECT a.source_id, a.title, s.source_id AS section_id, s.depth, s.names,
        coalesce(s.category_id, c.source_id) AS category_id,
        coalesce(s.category_name, c.name) AS category_name
    FROM kb_articles a
    LEFT JOIN t_kb_tree s ON s.source_id = a.section_id
    LEFT JOIN kb_categories c ON c.source_id = a.category_id AND s.source_id IS NULL
), placed AS (
    SELECT src.*, x.hierarchy, x.default_category, x.default_section, x.category_section,
        CASE
            WHEN category_id IS NOT NULL AND section_id IS NOT NULL AND (depth = 1 OR x.hierarchy = 'keep')
                THEN 'collection:s:' || section_id
            WHEN category_id IS NOT NULL AND section_id IS NULL AND x.hierarchy = 'keep'
                THEN 'collection:cs:' || category_id
            ELSE 'collection:default:section'
        END AS section_op,
        CASE
            WHEN category_id IS NULL THEN 'no category: default category and section'
            WHEN x.hierarchy = 'default_folder' AND (section_id IS NULL OR depth > 1)
                THEN 'not in a full category > section path: default category and section'
            WHEN section_id IS NULL THEN 'no section: a section made in its category'
            WHEN depth > 1 THEN 'nested deeper than Intercom allows: flattened, path kept in the section name'
        END AS reason
    FROM src CROSS JOIN t_kb_ctx x
)
SELECT source_id, title, section_id, category_id, section_op,
    CASE WHEN section_op = 'collection:default:section' THEN 'collection:default'
         ELSE 'collection:c:' || category_id END AS category_op,
    coalesce(category_name, '(no category)') || ' > ' ||
        CASE WHEN section_id IS NULL THEN '(no section)' ELSE array_to_string(names, ' > ') END AS old_path,
    CASE
        WHEN section_op = 'collection:default:section' THEN default_category || ' > ' || default_section
        WHEN section_id IS NULL THEN category_name || ' > ' || coalesce(category_section, category_name)
        ELSE category_name || ' > ' || array_to_string(names, ' / ')
    END AS new_path,
    reason
FROM placed;

-- The collections to create: every category; the sections the policy keeps; a section per
-- category that has sectionless articles (keep); the default pair when an article needs it.
CREATE OR REPLACE TEMP TABLE t_kb_collections AS
SELECT 'collection:c:' || c.source_id AS op_id, 'kb_categories' AS entity, c.source_id, 'category' AS source_kind,
    1 AS level, NULL::TEXT AS parent_ref, c.name, c.description, c.position, c.source_id AS translated_from
FROM kb_categories c
UNION ALL
SELECT 'collection:s:' || t.source_id, 'kb_sections', t.source_id, 'section', 2, 'collection:c:' || t.category_id,
    array_to_string(t.names, ' / '), s.description, t.position,
    -- A flattened section's translations would lose its path: only top-level ones keep theirs.
    CASE WHEN t.depth = 1 THEN t.source_id END
FROM t_kb_tree t JOIN kb_sections s USING (source_id) CROSS JOIN t_kb_ctx x
WHERE t.category_id IS NOT NULL AND (t.depth = 1 OR x.hierarchy = 'keep')
UNION ALL
SELECT DISTINCT 'collection:cs:' || p.category_id, 'kb_sections', 'category:' || p.category_id, 'category_section', 2,
    'collection:c:' || p.category_id, coalesce(x.category_section, c.name), '', 0, NULL
FROM t_kb_place p JOIN kb_categories c ON c.source_id = p.category_id CROSS JOIN t_kb_ctx x
WHERE p.section_op = 'collection:cs:' || p.category_id
UNION ALL
SELECT 'collection:default', 'kb_categories', 'default', 'default_category', 1, NULL, x.default_category, '', 1000000, NULL
FROM t_kb_ctx x WHERE EXISTS (SELECT 1 FROM t_kb_place WHERE section_op = 'collection:default:section')
UNION ALL
SELECT 'collection:default:section', 'kb_sections', 'default', 'default_section', 2, 'collection:default',
    x.default_section, '', 0, NULL
FROM t_kb_ctx x WHERE EXISTS (SELECT 1 FROM t_kb_place WHERE section_op = 'collection:default:section');

-- Every article whose place changed, old path → new path: the report's list of moves.
CREATE OR REPLACE TABLE plan_kb_moves AS
SELECT source_id AS article_id, title, old_path, new_path, reason
FROM t_kb_place WHERE reason IS NOT NULL
ORDER BY id_key(source_id), source_id;
