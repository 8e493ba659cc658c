package intercom

import (
	"fmt"
	"testing"
)

func TestCompaniesUpsertAndVisibility(t *testing.T) {
	e := newEnv(t, nil)
	e.ok("POST", "/data_attributes", map[string]any{"name": "paid", "model": "company", "data_type": "boolean"})
	first := e.ok("POST", "/companies", map[string]any{"company_id": "org-1", "name": "Acme", "plan": "Pro",
		"remote_created_at": 1500000000, "monthly_spend": 155.98, "custom_attributes": map[string]any{"paid": true}})
	again := e.ok("POST", "/companies", map[string]any{"company_id": "org-1", "name": "Acme Inc"})
	if again.str("id") != first.str("id") || again.str("name") != "Acme Inc" || num(again.json["monthly_spend"]) != 155 ||
		jsonPath(again.json, "plan", "name") != "Pro" || num(again.json["remote_created_at"]) != 1500000000 {
		t.Fatalf("upsert %s / %s", first.body, again.body)
	}
	// Lists show only companies with a contact.
	if r := e.ok("POST", "/companies/list", nil); num(r.json["total_count"]) != 0 {
		t.Fatalf("unattached company listed: %s", r.body)
	}
	if r := e.ok("GET", "/companies?company_id=org-1", nil); len(r.list("data")) != 1 {
		t.Fatalf("by company_id %s", r.body)
	}
	expectError(t, e.do("GET", "/companies?company_id=none", nil), 404, "company_not_found")
	e.ok("POST", "/contacts/"+e.contact("c1")+"/companies", map[string]any{"id": first.str("id")})
	if r := e.ok("GET", "/companies", nil); num(r.json["total_count"]) != 1 {
		t.Fatalf("attached company not listed: %s", r.body)
	}
	if st := e.srv.Stats(); st.Created["company"] != 1 {
		t.Fatalf("created %v", st.Created)
	}
	del := e.ok("DELETE", "/companies/"+first.str("id"), nil)
	if del.json["deleted"] != true || len(e.srv.Contacts()[0].CompanyIDs) != 0 {
		t.Fatalf("delete %s", del.body)
	}
}

func TestCompaniesListPages(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c")
	for i := range 20 {
		id := e.ok("POST", "/companies", map[string]any{"company_id": fmt.Sprint(i), "name": fmt.Sprint("Co ", i)}).str("id")
		e.ok("POST", "/contacts/"+ct+"/companies", map[string]any{"id": id})
	}
	r := e.ok("POST", "/companies/list?page=2&per_page=15", nil)
	data := r.list("data")
	if len(data) != 5 || num(r.json["total_count"]) != 20 || num(jsonPath(r.json, "pages", "total_pages")) != 2 ||
		data[0]["company_id"] != "4" { // newest first
		t.Fatalf("page 2: %s", r.body)
	}
	if r := e.ok("POST", "/companies/list?order=asc", nil); r.list("data")[0]["company_id"] != "0" || len(r.list("data")) != 15 {
		t.Fatalf("asc: %s", r.body)
	}
}
