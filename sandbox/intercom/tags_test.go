package intercom

import "testing"

func TestTagsAreIdempotentByName(t *testing.T) {
	e := newEnv(t, nil)
	id := e.ok("POST", "/tags", map[string]any{"name": "Billing"}).str("id")
	if again := e.ok("POST", "/tags", map[string]any{"name": "billing"}); again.str("id") != id || again.str("name") != "Billing" {
		t.Fatalf("create-or-return %s", again.body)
	}
	if r := e.ok("GET", "/tags", nil); r.str("type") != "list" || len(r.list("data")) != 1 {
		t.Fatalf("list %s", r.body)
	}
	conv := e.conversation(e.contact("c1"), "hi", 1500000000)
	expectError(t, e.do("POST", "/conversations/"+conv+"/tags", map[string]any{"id": id, "admin_id": "999"}), 400, "admin_not_found")
	expectError(t, e.do("POST", "/conversations/"+conv+"/tags", map[string]any{"id": "404", "admin_id": "101"}), 404, "not_found")
	e.ok("POST", "/conversations/"+conv+"/tags", map[string]any{"id": id, "admin_id": "101"})
	expectError(t, e.do("DELETE", "/tags/"+id, nil), 400, "tag_has_dependent_objects")
	unused := e.ok("POST", "/tags", map[string]any{"name": "unused"}).str("id")
	if r := e.do("DELETE", "/tags/"+unused, nil); r.status != 200 || len(r.body) != 0 {
		t.Fatalf("delete %d %s", r.status, r.body)
	}
	if st := e.srv.Stats(); st.Created["tag"] != 2 || st.Created["tagging"] != 1 || len(e.srv.Tags()) != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDataAttributes(t *testing.T) {
	e := newEnv(t, nil)
	created := e.ok("POST", "/data_attributes", map[string]any{"name": "zendesk_id", "model": "contact", "data_type": "integer"})
	if created.str("full_name") != "custom_attributes.zendesk_id" || created.json["custom"] != true {
		t.Fatalf("created %s", created.body)
	}
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"same name, other model", map[string]any{"name": "zendesk_id", "model": "company", "data_type": "string"}},
		{"bad name", map[string]any{"name": "a.b", "model": "contact", "data_type": "string"}},
		{"one option", map[string]any{"name": "tier", "model": "contact", "data_type": "options", "options": []any{map[string]any{"value": "a"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, e.do("POST", "/data_attributes", tc.body), 400, "parameter_invalid")
		})
	}
	list := e.ok("GET", "/data_attributes?model=contact", nil)
	custom := 0
	for _, d := range list.list("data") {
		if d["model"] != "contact" {
			t.Fatalf("model filter: %v", d)
		}
		if d["custom"] == true {
			custom++
		}
	}
	if custom != 1 {
		t.Fatalf("custom attributes listed: %d", custom)
	}
	e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": "1", "custom_attributes": map[string]any{"zendesk_id": 9007199254740993}})
	if v := e.srv.Contacts()[0].CustomAttributes["zendesk_id"]; v == nil || v.(interface{ String() string }).String() != "9007199254740993" {
		t.Fatalf("int64 attribute lost precision: %v", v)
	}
}
