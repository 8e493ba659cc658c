package cli

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
)

// TestPhoneValidationAcceptance: with phone validation on in the workspace and more than 5% of
// the source's phones invalid, every contact migrates and none is rejected. Valid phones arrive
// in E.164; invalid ones are left off the contact and kept in source_phone, and the plan's
// plan_notes say which and why. Every migrated ticket carries the migrated tag.
func TestPhoneValidationAcceptance(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 5, Tickets: 200, Intercom: intercom.Options{PhoneValidation: true}})
	file := sandboxPipeline(t, url)
	migrate(t, file)
	db := openStaging(t, file)

	staged := count(t, db, `SELECT count(*) FROM contacts WHERE nullif(trim(phone), '') IS NOT NULL`)
	invalid := count(t, db, `SELECT count(*) FROM plan_notes WHERE entity = 'contacts' AND code = 'phone_invalid'`)
	all := count(t, db, `SELECT count(*) FROM contacts`)
	if invalid*100 < all*5 {
		t.Fatalf("only %d of %d source contacts have an invalid phone: the test needs at least 5%%", invalid, all)
	}
	if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE entity = 'contacts' AND event <> 'loaded'`); n != 0 {
		t.Errorf("%d contacts not loaded: %v", n, failures(t, db))
	}
	planned := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = 'contact'`)
	if got := len(sb.Intercom().Contacts()); got != planned {
		t.Errorf("%d contacts in the workspace, %d planned", got, planned)
	}
	if st := sb.Intercom().Stats(); st.StatusCounts["400"] != 0 || st.StrictErrors != 0 {
		t.Errorf("the workspace refused %d requests (%d by strict validation)", st.StatusCounts["400"], st.StrictErrors)
	}

	raw := map[string]string{} // external id → the source's phone
	rows, err := db.Query(`SELECT source_id, phone FROM contacts WHERE nullif(trim(phone), '') IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, phone string
		if err := rows.Scan(&id, &phone); err != nil {
			t.Fatal(err)
		}
		raw[id] = phone
	}
	rows.Close()
	kept, normal := 0, 0
	for _, c := range sb.Intercom().Contacts() {
		src, ok := raw[c.ExternalID]
		switch {
		case !ok:
		case c.Phone == "":
			if c.CustomAttributes["source_phone"] != src {
				t.Errorf("contact %s: phone %q dropped, source_phone %v", c.ExternalID, src, c.CustomAttributes["source_phone"])
			}
			kept++
		case !strings.HasPrefix(c.Phone, "+") || strings.ContainsAny(c.Phone, " -()"):
			t.Errorf("contact %s: phone %q is not E.164 (source %q)", c.ExternalID, c.Phone, src)
		default:
			normal++
		}
	}
	if kept != invalid || kept+normal != staged {
		t.Errorf("%d phones kept in source_phone and %d in E.164, of %d staged (%d noted invalid)", kept, normal, staged, invalid)
	}

	// The report shows each policy's outcome: every contact whose phone was invalid migrated.
	code, out, stderr := run(t, context.Background(), "report", "-p", file, "--policies", "--format", "csv")
	if want := "contacts,phone_invalid," + strconv.Itoa(invalid) + "," + strconv.Itoa(invalid) + ",0,0,"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("report --policies: exit %d, lacks %q:\n%s%s", code, want, out, stderr)
	}

	untagged := count(t, db, `SELECT count(*) FROM plan_ops t WHERE t.kind = 'ticket' AND NOT EXISTS (
		SELECT 1 FROM plan_ops g WHERE g.kind = 'tagging' AND g.source_id = t.source_id || ':migrated')`)
	if untagged != 0 {
		t.Errorf("%d tickets without the migrated tag", untagged)
	}
}

// TestMappingAndOptionsEndToEnd loads a plan made with a mapping and options into the strict
// simulator: a source ticket type onto a ticket type the load creates (with the fields'
// attributes), the priority kept in a created attribute with renamed values, source ids kept,
// unassigned tickets given to an admin, inline images taken out and a date range. Every op loads.
func TestMappingAndOptionsEndToEnd(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 3, Tickets: 120})
	file := sandboxPipeline(t, url)
	admin := sb.Intercom().Admins()[0]
	text := readFile(t, file) + `
mapping:
  ticket_types:
    incident: {name: Incident, create: true}
  priorities: {attribute: Priority, create: true, values: {urgent: P1}}
options:
  keep_source_ids: true
  assignment: {unassigned: "admin:` + admin.Email + `"}
  attachments: {skip_inline_images: true}
  date_range: {from: 2000-01-01}
`
	text = strings.Replace(strings.Replace(text, "\noptions: {}\n", "\n", 1), "\nmapping: {}\n", "\n", 1)
	writeFile(t, file, text)
	migrate(t, file)
	db := openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event NOT IN ('loaded', 'skipped')`); n != 0 {
		t.Fatalf("%d ops neither loaded nor skipped: %v", n, failures(t, db))
	}
	if st := sb.Intercom().Stats(); st.StrictErrors != 0 {
		t.Errorf("%d requests failed strict validation", st.StrictErrors)
	}
	ic := sb.Intercom()
	types := map[string]intercom.TicketType{}
	for _, tt := range ic.TicketTypes() {
		types[tt.ID] = tt
	}
	ids := map[string]string{} // target ticket id → source id
	rows, err := db.Query(`SELECT source_id, target_id FROM id_map WHERE op_id LIKE 'ticket:%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var src, dst string
		if err := rows.Scan(&src, &dst); err != nil {
			t.Fatal(err)
		}
		ids[dst] = src
	}
	rows.Close()
	incidents, loose := 0, 0
	for _, tk := range ic.Tickets() {
		src := ids[tk.ID]
		var srcType, priority string
		var assignee *string
		if err := db.QueryRow(`SELECT coalesce(type, ''), coalesce(priority, ''), assignee_id FROM tickets WHERE source_id = ?`, src).
			Scan(&srcType, &priority, &assignee); err != nil {
			t.Fatalf("ticket %s: %v", src, err)
		}
		if got := types[tk.TicketTypeID].Name; (srcType == "incident") != (got == "Incident") {
			t.Errorf("ticket %s of type %q has ticket type %q", src, srcType, got)
		}
		if srcType == "incident" {
			incidents++
		}
		if tk.Attributes["Source ID"] != src {
			t.Errorf("ticket %s: Source ID %v", src, tk.Attributes["Source ID"])
		}
		want := map[string]string{"urgent": "P1"}[priority]
		if want == "" {
			want = priority
		}
		if got, _ := tk.Attributes["Priority"].(string); got != want {
			t.Errorf("ticket %s: Priority %q, want %q", src, got, want)
		}
		if assignee == nil {
			loose++
			if tk.AdminAssigneeID != admin.ID {
				t.Errorf("ticket %s without an assignee has admin %q, want %s (%s)", src, tk.AdminAssigneeID, admin.Email, admin.ID)
			}
		}
		for _, p := range tk.Parts {
			if strings.Contains(strings.ToLower(p.Body), "<img") {
				t.Errorf("ticket %s: a part still has an image: %.80s", src, p.Body)
			}
		}
	}
	if incidents == 0 || loose == 0 {
		t.Errorf("%d incidents, %d tickets without an assignee: the sample does not exercise the mapping", incidents, loose)
	}
}
