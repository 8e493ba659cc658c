-- Zendesk target: the scratch tables go (99_results.sql writes the shared tables).
DROP TABLE t_context;
DROP TABLE t_out_of_range; DROP TABLE t_tickets; DROP TABLE t_comments; DROP TABLE t_persons;
DROP TABLE t_agent_ids; DROP TABLE t_needed_users; DROP TABLE t_users; DROP TABLE t_admins_by_email;
DROP TABLE t_agent_map; DROP TABLE t_teams_by_name; DROP TABLE t_group_map;
DROP TABLE t_zd_phones; DROP TABLE t_zd_status_map; DROP TABLE t_zd_status; DROP TABLE t_zd_field_values;
DROP TABLE t_zd_custom_fields; DROP TABLE t_zd_truncated; DROP TABLE t_zd_truncated_now; DROP TABLE t_zd_heads;
DROP TABLE t_zd_attachments; DROP TABLE t_zd_files; DROP TABLE t_zd_notices; DROP TABLE t_zd_thread;
DROP TABLE t_zd_solved; DROP TABLE t_ops; DROP TABLE t_kb_ctx; DROP TABLE t_kb_tree; DROP TABLE t_kb_place;
DROP TABLE t_kb_tr; DROP TABLE t_kb_ops;
