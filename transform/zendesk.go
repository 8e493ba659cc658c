package transform

import "slices"

// zendeskPlanTables are the tables the Zendesk set writes (sql/zendesk), except plan_meta.
var zendeskPlanTables = []hashedTable{
	{"plan_ops", "seq"}, {"plan_skips", byRow},
	{"plan_organizations", "op_id"}, {"plan_users", "op_id"}, {"plan_tickets", "op_id"},
	{"plan_comments", "ticket_id, source_id"}, {"plan_attachments", "source_id"},
	{"plan_kb_containers", "op_id"}, {"plan_kb_articles", "op_id"}, {"plan_kb_translations", "op_id"},
	{"plan_kb_moves", "article_id"},
	{"transform_mapping", byRow}, {"transform_notes", byRow}, {"plan_notes", byRow},
}

// planTablesFor are the plan tables of a target's SQL set.
func planTablesFor(target string) []hashedTable {
	if target == TargetZendesk {
		return zendeskPlanTables
	}
	return planTables
}

// inputTablesFor are a target's inputs. A Zendesk plan also reads extract_truncations (a thread
// the source returned in part is noted on its ticket) and target_field_options (a dropdown user
// or organization field takes only its options' values).
func inputTablesFor(target string) []hashedTable {
	if target == TargetZendesk {
		return append(slices.Clone(inputTables), hashedTable{"extract_truncations", byRow}, hashedTable{"target_field_options", byRow})
	}
	return inputTables
}
