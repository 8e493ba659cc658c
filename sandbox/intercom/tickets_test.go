package intercom

import (
	"testing"
)

func TestTicketTypesAndAttributes(t *testing.T) {
	e := newEnv(t, nil)
	tt := e.ok("POST", "/ticket_types", map[string]any{"name": "Support request", "category": "Customer", "description": "from Zendesk"})
	id := tt.str("id")
	attrs := jsonPath(tt.json, "ticket_type_attributes", "data").([]any)
	if len(attrs) != 2 || attrs[0].(map[string]any)["name"] != titleAttribute || attrs[1].(map[string]any)["name"] != descriptionAttribute {
		t.Fatalf("default attributes %s", tt.body)
	}
	a := e.ok("POST", "/ticket_types/"+id+"/attributes", map[string]any{"name": "Priority", "description": "zd priority",
		"data_type": "list", "list_items": "low,normal,high,urgent"})
	if a.str("data_type") != "list" || num(a.json["ticket_type_id"]) == 0 {
		t.Fatalf("attribute %s", a.body)
	}
	expectError(t, e.do("POST", "/ticket_types/"+id+"/attributes", map[string]any{"name": "Bad", "description": "d", "data_type": "list"}), 400, "parameter_invalid")
	e.ok("POST", "/ticket_types/"+id+"/attributes", map[string]any{"name": "Priority", "description": "again", "data_type": "string"})
	list := e.ok("GET", "/ticket_types", nil)
	if list.str("type") != "list" || len(list.list("data")) != 1 {
		t.Fatalf("list %s", list.body)
	}
	got := e.srv.TicketTypes()[0]
	if len(got.Attributes) != 4 || got.Attributes[2].ListItems[3] != "urgent" {
		t.Fatalf("read back %+v", got)
	}
	st := e.srv.Stats()
	if st.Created["ticket_attribute"] != 2 || st.Duplicates["ticket_attribute"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTicketLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	typeID := e.ticketType("Support request", "Customer")
	e.ok("POST", "/ticket_types/"+typeID+"/attributes", map[string]any{"name": "Priority", "description": "p", "data_type": "list", "list_items": "low,high"})
	ct := e.contact("c1")
	co := e.ok("POST", "/companies", map[string]any{"company_id": "org"}).str("id")
	created := e.ok("POST", "/tickets", map[string]any{
		"ticket_type_id": typeID, "contacts": []any{map[string]any{"external_id": "c1"}}, "company_id": co,
		"created_at": 1500000000, "skip_notifications": true,
		"ticket_attributes": map[string]any{titleAttribute: "Printer", descriptionAttribute: "on fire", "Priority": "high"},
		"assignment":        map[string]any{"admin_assignee_id": "101", "team_assignee_id": "201"},
	})
	id := created.str("id")
	if created.str("type") != "ticket" || created.str("ticket_id") != "1" || num(created.json["created_at"]) != 1500000000 ||
		created.str("admin_assignee_id") != "101" || jsonPath(created.json, "ticket_state", "category") != "submitted" ||
		jsonPath(created.json, "contacts", "contacts").([]any)[0].(map[string]any)["id"] != ct {
		t.Fatalf("created %s", created.body)
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"unknown admin", map[string]any{"assignment": map[string]any{"admin_assignee_id": "999"}}, "admin_not_found"},
		{"unknown team", map[string]any{"assignment": map[string]any{"team_assignee_id": "999"}}, "team_not_found"},
		{"unknown attribute", map[string]any{"ticket_attributes": map[string]any{"Severity": "x"}}, "parameter_invalid"},
		{"value not in list", map[string]any{"ticket_attributes": map[string]any{"Priority": "medium"}}, "parameter_invalid"},
		{"two contacts", map[string]any{"contacts": []any{map[string]any{"id": ct}, map[string]any{"email": "c1@customer.test"}}}, "parameter_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"ticket_type_id": typeID, "contacts": []any{map[string]any{"id": ct}}}
			for k, v := range tc.body {
				body[k] = v
			}
			expectError(t, e.do("POST", "/tickets", body), 400, tc.code)
		})
	}
	expectError(t, e.do("POST", "/tickets", map[string]any{"ticket_type_id": typeID, "contacts": []any{map[string]any{"id": "nobody"}}}), 404, "not_found")

	reply := e.ok("POST", "/tickets/"+id+"/reply", map[string]any{"message_type": "comment", "type": "user", "email": "c1@customer.test",
		"body": "any news?", "created_at": 1500000100})
	if reply.str("type") != "ticket_part" || reply.str("part_type") != "comment" || jsonPath(reply.json, "author", "id") != ct {
		t.Fatalf("reply %s", reply.body)
	}
	e.ok("POST", "/tickets/"+id+"/reply", adminReply("102", "looking", 1500000200))
	expectError(t, e.do("POST", "/tickets/"+id+"/reply", adminReply("999", "x", 1)), 400, "admin_not_found")

	resolved := e.ok("PUT", "/tickets/"+id, map[string]any{"ticket_state_id": "8484", "admin_id": 101})
	if jsonPath(resolved.json, "ticket_state", "category") != "resolved" {
		t.Fatalf("state %s", resolved.body)
	}
	expectError(t, e.do("PUT", "/tickets/"+id, map[string]any{"ticket_state_id": "1"}), 400, "ticket_state_id_invalid")
	expectError(t, e.do("PUT", "/tickets/"+id, map[string]any{"assignee_id": "999"}), 404, "assignee_not_found")
	expectError(t, e.do("PUT", "/tickets/"+id, map[string]any{"admin_id": 999}), 400, "admin_not_found")
	e.ok("PUT", "/tickets/"+id, map[string]any{"assignee_id": "102"})

	tag := e.ok("POST", "/tags", map[string]any{"name": "printer"}).str("id")
	expectError(t, e.do("POST", "/tickets/"+id+"/tags", map[string]any{"id": tag, "admin_id": "999"}), 400, "admin_not_found")
	e.ok("POST", "/tickets/"+id+"/tags", map[string]any{"id": tag, "admin_id": "101"})

	got := e.srv.Tickets()[0]
	var kinds []string
	for _, p := range got.Parts {
		kinds = append(kinds, p.PartType)
	}
	if got.Title() != "Printer" || got.State != "resolved" || got.CompanyID != co || got.AdminAssigneeID != "102" ||
		got.TeamAssigneeID != "201" || len(got.TagIDs) != 1 || !got.SkipNotifications ||
		len(kinds) != 5 || kinds[0] != "ticket_state_updated_by_admin" || kinds[1] != "comment" || kinds[3] != "ticket_state_updated_by_admin" ||
		got.Parts[3].PreviousState != "submitted" || got.Parts[3].AuthorID != "101" || kinds[4] != "assignment" {
		t.Fatalf("read back %+v (%v)", got, kinds)
	}
	if del := e.ok("DELETE", "/tickets/"+id, nil); del.json["deleted"] != true {
		t.Fatalf("delete %s", del.body)
	}
	expectError(t, e.do("GET", "/tickets/"+id, nil), 404, "ticket_not_found")
}

func TestContactsCannotReplyOnBackOfficeTickets(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c1")
	id := e.ticket(e.ticketType("Internal", "Back-office"), ct, "t", 1500000000)
	expectError(t, e.do("POST", "/tickets/"+id+"/reply", map[string]any{"message_type": "comment", "type": "user",
		"intercom_user_id": ct, "body": "hi"}), 400, "parameter_mismatch")
	e.ok("POST", "/tickets/"+id+"/reply", map[string]any{"message_type": "note", "type": "admin", "admin_id": "101", "body": "internal"})
}
