package intercom

import (
	"fmt"
	"strings"
	"testing"
)

func TestDuplicateContactsConflict(t *testing.T) {
	e := newEnv(t, nil)
	first := e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": "42", "email": "Ann@Example.test"}).str("id")
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"same external_id", map[string]any{"role": "lead", "external_id": "42"}, 409},
		{"same email of a user, other case", map[string]any{"role": "user", "email": "ann@example.test"}, 409},
		{"same email as a lead", map[string]any{"role": "lead", "email": "ann@example.test"}, 200},
		{"other external_id", map[string]any{"role": "user", "external_id": "43"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/contacts", tc.body)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			expectError(t, r, 409, "conflict")
			if r.errorMessage() != "A contact matching those details already exists with id="+first {
				t.Fatalf("message %q", r.errorMessage())
			}
		})
	}
	// An update into another contact's external_id conflicts too.
	other := e.contact("44")
	expectError(t, e.do("PUT", "/contacts/"+other, map[string]any{"external_id": "42"}), 409, "conflict")
	if st := e.srv.Stats(); st.Created["contact"] != 4 || len(st.Duplicates) != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestPhoneValidation(t *testing.T) {
	for _, tc := range []struct {
		validation bool
		phone      string
		status     int
	}{
		{true, "+44 20 7946 0958", 200},
		{true, "(555) 123-4567", 200},
		{true, "12345", 400},
		{true, "call me", 400},
		{true, "+1 555 0100 ext 4", 400},
		{false, "call me", 200},
		{false, "12345", 200},
	} {
		t.Run(fmt.Sprintf("%v %s", tc.validation, tc.phone), func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.PhoneValidation = tc.validation })
			r := e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "p", "phone": tc.phone})
			if tc.status == 200 {
				if r.status != 200 || r.str("phone") != tc.phone {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			expectError(t, r, 400, "data_invalid")
			if !strings.Contains(r.errorMessage(), tc.phone) {
				t.Fatalf("message does not name the phone: %s", r.errorMessage())
			}
		})
	}
}

func TestContactLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	e.ok("POST", "/data_attributes", map[string]any{"name": "plan_tier", "model": "contact", "data_type": "string"})
	created := e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": "zd-1", "email": "a@b.test",
		"name": "Ann", "signed_up_at": 1600000000, "owner_id": 101, "custom_attributes": map[string]any{"plan_tier": "gold"}})
	id := created.str("id")
	if len(id) != 24 || num(created.json["signed_up_at"]) != 1600000000 || num(created.json["owner_id"]) != 101 ||
		created.str("workspace_id") != DefaultWorkspaceID || jsonPath(created.json, "custom_attributes", "plan_tier") != "gold" {
		t.Fatalf("created %s", created.body)
	}
	if got := e.ok("GET", "/contacts/find_by_external_id/zd-1", nil); got.str("id") != id {
		t.Fatalf("find_by_external_id %s", got.body)
	}
	expectError(t, e.do("GET", "/contacts/find_by_external_id/none", nil), 404, "not_found")
	expectError(t, e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "x", "owner_id": 999}), 400, "admin_not_found")
	expectError(t, e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "x",
		"custom_attributes": map[string]any{"undefined_attr": "v"}}), 400, "parameter_not_found")
	expectError(t, e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "x",
		"custom_attributes": map[string]any{"plan_tier": 5}}), 400, "parameter_invalid")
	updated := e.ok("PUT", "/contacts/"+id, map[string]any{"name": "Ann B"})
	if updated.str("name") != "Ann B" || updated.str("email") != "a@b.test" {
		t.Fatalf("update %s", updated.body)
	}
	if del := e.ok("DELETE", "/contacts/"+id, nil); del.json["deleted"] != true || del.str("external_id") != "zd-1" {
		t.Fatalf("delete %s", del.body)
	}
	expectError(t, e.do("GET", "/contacts/"+id, nil), 404, "not_found")
	e.contact("zd-1") // the external_id is free again
}

func TestUndefinedCustomAttributesCanBeAllowed(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AllowUndefinedCustomAttributes = true })
	e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": "x", "custom_attributes": map[string]any{"anything": 1}})
}

func TestListContactsPagination(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 25 {
		e.contact(fmt.Sprint(i))
	}
	var seen []string
	path, pages := "/contacts", 0
	for {
		r := e.ok("GET", path, nil)
		pages++
		if r.str("type") != "list" || num(r.json["total_count"]) != 25 || num(jsonPath(r.json, "pages", "per_page")) != 10 ||
			num(jsonPath(r.json, "pages", "page")) != int64(pages) || num(jsonPath(r.json, "pages", "total_pages")) != 3 {
			t.Fatalf("page %d: %s", pages, r.body)
		}
		for _, c := range r.list("data") {
			seen = append(seen, c["external_id"].(string))
		}
		next, _ := jsonPath(r.json, "pages", "next").(map[string]any)
		if next == nil {
			break
		}
		path = "/contacts?starting_after=" + next["starting_after"].(string)
	}
	if pages != 3 || len(seen) != 25 || seen[0] != "0" || seen[24] != "24" {
		t.Fatalf("%d pages, %v", pages, seen)
	}
	if r := e.ok("GET", "/contacts?per_page=500", nil); len(r.list("data")) != 25 || num(jsonPath(r.json, "pages", "per_page")) != 150 {
		t.Fatalf("per_page cap: %s", r.body)
	}
	expectError(t, e.do("GET", "/contacts?starting_after=garbage", nil), 400, "parameter_invalid")
}

func TestContactCompaniesAndTags(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("1")
	co := e.ok("POST", "/companies", map[string]any{"company_id": "org-1", "name": "Acme"}).str("id")
	expectError(t, e.do("POST", "/contacts/"+ct+"/companies", map[string]any{"id": "nope"}), 404, "company_not_found")
	if r := e.ok("POST", "/contacts/"+ct+"/companies", map[string]any{"id": co}); r.str("company_id") != "org-1" || num(r.json["user_count"]) != 1 {
		t.Fatalf("attach %s", r.body)
	}
	e.ok("POST", "/contacts/"+ct+"/companies", map[string]any{"id": co}) // again: no second membership
	if r := e.ok("GET", "/contacts/"+ct+"/companies", nil); len(r.list("companies")) != 1 {
		t.Fatalf("companies of contact %s", r.body)
	}
	tag := e.ok("POST", "/tags", map[string]any{"name": "VIP"}).str("id")
	if r := e.ok("POST", "/contacts/"+ct+"/tags", map[string]any{"id": tag}); r.str("name") != "VIP" {
		t.Fatalf("tag %s", r.body)
	}
	got := e.ok("GET", "/contacts/"+ct, nil)
	if num(jsonPath(got.json, "companies", "total_count")) != 1 || num(jsonPath(got.json, "tags", "total_count")) != 1 {
		t.Fatalf("contact %s", got.body)
	}
	if st := e.srv.Stats(); st.Created["contact_company"] != 1 || st.Created["tagging"] != 1 {
		t.Fatalf("created %v", st.Created)
	}
}
