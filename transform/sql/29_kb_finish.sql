-- The knowledge base's scratch tables go, like the tickets' in 11_finish.sql.
DROP TABLE t_kb_ctx; DROP TABLE t_kb_target_locales; DROP TABLE t_kb_locales; DROP TABLE t_kb_authors;
DROP TABLE t_kb_tree; DROP TABLE t_kb_place; DROP TABLE t_kb_collections; DROP TABLE t_kb_tr;
DROP TABLE t_kb_translated; DROP TABLE t_kb_articles; DROP TABLE t_kb_links; DROP TABLE t_kb_ops;
