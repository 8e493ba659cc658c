package pipelines

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/transform"
)

// TestOptions: each option of the options block reaches the transform's settings, and a bad one
// is an error naming its field.
func TestOptions(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		options string
		check   func(s transform.Settings) bool
		wantErr []string
	}{
		{"defaults", "", func(s transform.Settings) bool {
			return s.Tag == "migrated" && s.ValidatePhones && s.OriginallyBy && s.SkipNotifications && s.Unassigned == "leave"
		}, nil},
		{"no tag", `{tag: ""}`, func(s transform.Settings) bool { return s.Tag == "" }, nil},
		{"tag", `{tag: imported-2024}`, func(s transform.Settings) bool { return s.Tag == "imported-2024" }, nil},
		{"date range, a date as to includes the day", `{date_range: {by: updated, from: 2024-01-01, to: 2024-06-30}}`,
			func(s transform.Settings) bool {
				return s.DateRangeBy == "updated" && s.DateFrom.Equal(day(2024, 1, 1)) && s.DateTo.Equal(day(2024, 7, 1))
			}, nil},
		{"date range with times", `{date_range: {from: "2024-01-01T12:00:00Z", to: "2024-02-01T00:00:00+01:00"}}`,
			func(s transform.Settings) bool {
				return s.DateRangeBy == "created" && s.DateFrom.Equal(day(2024, 1, 1).Add(12*time.Hour)) && s.DateTo.Equal(day(2024, 1, 31).Add(23*time.Hour))
			}, nil},
		{"attachments", `{attachments: {skip: true, skip_inline_images: true, allow_types: [CSV, .docx], max_size_mb: 20}}`,
			func(s transform.Settings) bool {
				return s.SkipAttachments && s.SkipInlineImages && s.MaxAttachmentBytes == 20<<20 &&
					slices.Contains(s.AllowedAttachmentTypes, "csv") && slices.Contains(s.AllowedAttachmentTypes, "docx")
			}, nil},
		{"phones, assignment, notifications, source ids, originally by",
			`{phones: {validate: false, default_region: gb}, assignment: {unassigned: "team:Tier 2"}, notifications: {skip: false}, keep_source_ids: true, originally_by: false}`,
			func(s transform.Settings) bool {
				return !s.ValidatePhones && s.PhoneRegion == "GB" && s.Unassigned == "team:Tier 2" && !s.SkipNotifications && s.KeepSourceIDs && !s.OriginallyBy
			}, nil},
		{"bad values", `{tagg: x, date_range: {by: closed, from: yesterday}, attachments: {max_size_mb: 500, skip: yes please}, phones: {region: US}, assignment: {unassigned: somebody}}`,
			nil, []string{"options.tagg: unknown option; did you mean \"tag\"?", `options.date_range.by: "closed"`, `options.date_range.from: "yesterday"`,
				"options.attachments.max_size_mb: 500", "options.attachments.skip: yes please: want true or false",
				"options.phones.region: unknown key", `options.assignment.unassigned: "somebody": want leave, team:NAME or admin:EMAIL`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := minimalFile
			if tt.options != "" {
				data += "options: " + tt.options + "\n"
			}
			p, err := Parse("acme.yaml", []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.transformSettings()
			if err == nil {
				err = s.Validate()
			}
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error; settings %+v", s)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q\nlacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("settings %+v", s)
			}
		})
	}
}

// TestExampleOptions: the options the example pipeline file documents are all valid, and its
// mapping section is well-formed against a workspace that has the names it uses.
func TestExampleOptions(t *testing.T) {
	p, err := Load(filepath.Join("examples", "zendesk-to-intercom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.transformSettings()
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.Tag != "migrated" || !s.KeepSourceIDs || s.PhoneRegion != "US" || s.Unassigned != "team:First line" ||
		!slices.Contains(s.AllowedAttachmentTypes, "xlsx") || s.DateTo.Format(time.DateOnly) != "2025-01-01" {
		t.Errorf("settings %+v", s)
	}
	sd := &sides{values: map[string][]string{}, customKeys: map[string][]string{},
		admins: map[string]string{"grace@acme.example": "Grace"}, teams: map[string]string{"first line": "First line"},
		states:      []targetState{{"15", "in_progress", "Waiting on engineering"}},
		ticketAttrs: map[string]bool{}, dataAttrs: map[string]map[string]bool{"contact": {}, "company": {"plan": true}}}
	m, err := p.resolveMapping(sd)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Agents) != 2 || len(m.Fields) != 4 || len(m.Properties) != 1 {
		t.Errorf("mapping %+v", m)
	}
}
