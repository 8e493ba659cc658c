package pipelines

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/transform"
)

// pipelineOptions are the keys of the pipeline-wide options block: what is migrated and the data
// policies, whatever the systems. target.options keeps what only the target's shape decides
// (ticket mode, ticket type, default admin and team, batch size).
var pipelineOptions = map[string]string{
	"tag":             `tag added to every migrated ticket (default "migrated"; "" for none)`,
	"date_range":      "only tickets created (or updated) in a range: {by: created|updated, from: DATE, to: DATE}; a date as to includes that day",
	"keep_source_ids": "keep each ticket's source id and updated_at in ticket attributes (Source ID, Source updated at)",
	"originally_by":   `replies by agents without an admin start with "Originally by NAME" (default true)`,
	"attachments":     "{skip, skip_inline_images, allow_types: [ext, …], max_size_mb}",
	"phones":          "{validate (default true), default_region: US}: phones in E.164; invalid ones kept in source_phone",
	"assignment":      "{unassigned: leave | team:NAME | admin:EMAIL}",
	"notifications":   "{skip (default true)}: skip_notifications on every write the API allows",
}

var optionSubKeys = map[string][]string{
	"date_range":    {"by", "from", "to"},
	"attachments":   {"skip", "skip_inline_images", "allow_types", "max_size_mb"},
	"phones":        {"validate", "default_region"},
	"assignment":    {"unassigned"},
	"notifications": {"skip"},
}

// optionReader reads the options block into settings, collecting one problem per bad value.
type optionReader struct {
	s        *transform.Settings
	problems []string
}

func (r *optionReader) bad(field, format string, args ...any) {
	r.problems = append(r.problems, "options."+field+": "+fmt.Sprintf(format, args...))
}

// applyOptions sets s from the pipeline's options block and returns the problems found, each
// naming its field.
func (p *Pipeline) applyOptions(s *transform.Settings) []string {
	r := &optionReader{s: s}
	for _, key := range slices.Sorted(maps.Keys(p.Options)) {
		val := p.Options[key]
		if _, ok := pipelineOptions[key]; !ok {
			r.bad(key, "unknown option%s", suggest(key, slices.Sorted(maps.Keys(pipelineOptions))))
			continue
		}
		if sub, ok := optionSubKeys[key]; ok {
			m, ok := val.(map[string]any)
			if !ok {
				r.bad(key, "must be a map with the keys %s", listOr(sub))
				continue
			}
			for k := range m {
				if !slices.Contains(sub, k) {
					r.bad(key+"."+k, "unknown key%s", suggest(k, sub))
				}
			}
			r.group(key, m)
			continue
		}
		r.top(key, val)
	}
	return r.problems
}

func (r *optionReader) top(key string, val any) {
	switch key {
	case "tag":
		if val == nil {
			r.s.Tag = ""
			return
		}
		r.s.Tag, _ = r.str(key, val)
	case "keep_source_ids":
		r.s.KeepSourceIDs = r.boolean(key, val, r.s.KeepSourceIDs)
	case "originally_by":
		r.s.OriginallyBy = r.boolean(key, val, r.s.OriginallyBy)
	}
}

func (r *optionReader) group(key string, m map[string]any) {
	s := r.s
	switch key {
	case "date_range":
		if by, ok := m["by"]; ok {
			s.DateRangeBy, _ = r.str("date_range.by", by)
			if s.DateRangeBy != "created" && s.DateRangeBy != "updated" {
				r.bad("date_range.by", "%q: want created or updated", s.DateRangeBy)
			}
		}
		s.DateFrom = r.date("date_range.from", m["from"], false)
		s.DateTo = r.date("date_range.to", m["to"], true)
	case "attachments":
		s.SkipAttachments = r.boolean("attachments.skip", m["skip"], s.SkipAttachments)
		s.SkipInlineImages = r.boolean("attachments.skip_inline_images", m["skip_inline_images"], s.SkipInlineImages)
		s.AllowedAttachmentTypes = append(s.AllowedAttachmentTypes, r.list("attachments.allow_types", m["allow_types"])...)
		if v, ok := m["max_size_mb"]; ok {
			n, ok := v.(int)
			if !ok || n < 1 || n > 100 {
				r.bad("attachments.max_size_mb", "%v: want a whole number of MB from 1 to 100 (Intercom's limit)", v)
			}
			s.MaxAttachmentBytes = int64(n) << 20
		}
	case "phones":
		s.ValidatePhones = r.boolean("phones.validate", m["validate"], s.ValidatePhones)
		if v, ok := m["default_region"]; ok {
			s.PhoneRegion, _ = r.str("phones.default_region", v)
		}
	case "assignment":
		if v, ok := m["unassigned"]; ok {
			s.Unassigned, _ = r.str("assignment.unassigned", v)
			u := s.Unassigned
			team, admin := strings.CutPrefix(u, "team:")
			email, isAdmin := strings.CutPrefix(u, "admin:")
			if u != "leave" && !(admin && strings.TrimSpace(team) != "") && !(isAdmin && strings.Contains(email, "@")) {
				r.bad("assignment.unassigned", "%q: want leave, team:NAME or admin:EMAIL", u)
			}
		}
	case "notifications":
		s.SkipNotifications = r.boolean("notifications.skip", m["skip"], s.SkipNotifications)
	}
}

func (r *optionReader) str(field string, v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case int, float64, bool:
		return fmt.Sprint(x), true
	}
	r.bad(field, "must be a single value")
	return "", false
}

// boolean reads true/false; absent (nil) keeps def.
func (r *optionReader) boolean(field string, v any, def bool) bool {
	if v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		r.bad(field, "%v: want true or false", v)
		return def
	}
	return b
}

func (r *optionReader) list(field string, v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return strings.Split(x, ",")
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := r.str(field, e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	r.bad(field, "want a list like [csv, docx]")
	return nil
}

// date reads a date (YYYY-MM-DD, UTC midnight) or a timestamp (RFC 3339). A bare date as the end
// of the range means through that day: the range ends at the next midnight.
func (r *optionReader) date(field string, v any, end bool) time.Time {
	var t time.Time
	dateOnly := false
	switch x := v.(type) {
	case nil:
		return time.Time{}
	case time.Time:
		t = x.UTC()
		dateOnly = t.Equal(t.Truncate(24 * time.Hour))
	case string:
		var err error
		if t, err = time.Parse(time.DateOnly, strings.TrimSpace(x)); err == nil {
			dateOnly = true
		} else if t, err = time.Parse(time.RFC3339, strings.TrimSpace(x)); err != nil {
			r.bad(field, "%q: want a date (2024-01-31) or a time (2024-01-31T12:00:00Z)", x)
			return time.Time{}
		}
	default:
		r.bad(field, "want a date (2024-01-31) or a time (2024-01-31T12:00:00Z)")
		return time.Time{}
	}
	if end && dateOnly {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC()
}
