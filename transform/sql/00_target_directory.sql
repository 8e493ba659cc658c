-- The target directory: what `deskport transform` read from the target (read-only calls) before
-- planning, so the SQL can map agents, groups, states and the ticket type without calling anything
-- (docs/load-plan.md). On a store where the directory was never read, the tables are created empty:
-- the plan still builds and the checks in 01_context.sql say what is missing.
CREATE TABLE IF NOT EXISTS target_workspace (id TEXT, name TEXT, region TEXT, me_admin_id TEXT, me_email TEXT);
CREATE TABLE IF NOT EXISTS target_admins (id TEXT, name TEXT, email TEXT);
CREATE TABLE IF NOT EXISTS target_teams (id TEXT, name TEXT);
CREATE TABLE IF NOT EXISTS target_ticket_types (id TEXT, name TEXT, category TEXT);
CREATE TABLE IF NOT EXISTS target_ticket_type_attributes (ticket_type_id TEXT, id TEXT, name TEXT, data_type TEXT);
CREATE TABLE IF NOT EXISTS target_ticket_states (id TEXT, category TEXT, internal_label TEXT);
-- Contact and company data attributes (custom ones and the built-in names), so the plan creates
-- only those the workspace lacks (source_phone, mapped fields with create: true).
CREATE TABLE IF NOT EXISTS target_data_attributes (model TEXT, name TEXT, data_type TEXT);
-- The values a list-type attribute takes (Zendesk's dropdown user and organization fields).
CREATE TABLE IF NOT EXISTS target_field_options (model TEXT, field TEXT, name TEXT, value TEXT);
