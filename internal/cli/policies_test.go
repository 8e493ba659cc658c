package cli

import (
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
	if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE kind = 'contact' AND event <> 'loaded'`); n != 0 {
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

	untagged := count(t, db, `SELECT count(*) FROM plan_ops t WHERE t.kind = 'ticket' AND NOT EXISTS (
		SELECT 1 FROM plan_ops g WHERE g.kind = 'tagging' AND g.source_id = t.source_id || ':migrated')`)
	if untagged != 0 {
		t.Errorf("%d tickets without the migrated tag", untagged)
	}
}
