package intercom

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestMappingGolden maps each testdata/mapping/*.json record (written from the 2.15 description)
// onto canonical rows and compares them, payloads aside, with its .golden file. Rewrite the
// goldens with -update.
func TestMappingGolden(t *testing.T) {
	tags := map[string]string{"123456": "Billing ✓"} // tag 999 is unknown: left out
	fields := map[string]map[string]string{"81": {"_default_title_": "188", "Severity": "190"}}
	mappers := map[string]func(json.RawMessage, *deskRows) error{
		"conversation": func(raw json.RawMessage, r *deskRows) error { return r.addConversation(raw) },
		"ticket":       func(raw json.RawMessage, r *deskRows) error { return r.addTicket(raw, fields) },
		"contact": func(raw json.RawMessage, r *deskRows) error {
			c, err := contactRow(raw, tags)
			r.contacts = append(r.contacts, c)
			return err
		},
		"company": func(raw json.RawMessage, r *deskRows) error {
			c, _, err := companyRow(raw)
			r.companies = append(r.companies, c)
			return err
		},
	}
	inputs, _ := filepath.Glob(filepath.Join("testdata", "mapping", "*.json"))
	if len(inputs) != len(mappers) {
		t.Fatalf("inputs %v, want one per mapper", inputs)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var rows deskRows
			if err := mappers[name](raw, &rows); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, strings.TrimSuffix(in, ".json")+".golden", rowsJSON(t, &rows))
		})
	}
}

// rowsJSON shows the rows without their payloads, which are the input's own JSON (checked to be
// there).
func rowsJSON(t *testing.T, r *deskRows) []byte {
	t.Helper()
	clear := func(raw *[]byte, what string) {
		if len(*raw) == 0 {
			t.Errorf("%s has no payload", what)
		}
		*raw = nil
	}
	for i := range r.tickets {
		clear(&r.tickets[i].Raw, "ticket "+r.tickets[i].SourceID)
	}
	for i := range r.comments {
		clear(&r.comments[i].Raw, "comment "+r.comments[i].SourceID)
	}
	for i := range r.attachments {
		clear(&r.attachments[i].Raw, "attachment "+r.attachments[i].SourceID)
	}
	for i := range r.contacts {
		clear(&r.contacts[i].Raw, "contact "+r.contacts[i].SourceID)
	}
	for i := range r.companies {
		clear(&r.companies[i].Raw, "company "+r.companies[i].SourceID)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // bodies are HTML: keep them readable
	enc.SetIndent("", "  ")
	err := enc.Encode(map[string]any{"tickets": r.tickets, "comments": r.comments,
		"attachments": r.attachments, "contacts": r.contacts, "companies": r.companies,
		"truncations": r.truncations, "skips": r.skips})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}
