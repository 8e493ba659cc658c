package zendesk

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// User and organization fields: GET /api/v2/user_fields.json and
// /api/v2/organization_fields.json list the account's definitions; users and organizations carry
// their values under user_fields / organization_fields, every defined key present (null when
// unset). Writes are permissive as Zendesk's API is: a key the account does not define is
// dropped without a word, but a value that does not fit its field's type is a RecordInvalid.

func (s *Server) registerProfileFields() {
	s.handle("GET /api/v2/user_fields.json", route{}, func(w http.ResponseWriter, r *http.Request) {
		s.serveProfileFields(w, r, "user_fields", "user_fields", func() []gen.ProfileField { return s.acct.UserFields })
	})
	s.handle("GET /api/v2/organization_fields.json", route{}, func(w http.ResponseWriter, r *http.Request) {
		s.serveProfileFields(w, r, "organization_fields", "organization_fields", func() []gen.ProfileField { return s.acct.OrganizationFields })
	})
}

func (s *Server) serveProfileFields(w http.ResponseWriter, r *http.Request, key, path string, defs func() []gen.ProfileField) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	fs := defs()
	base := s.base(r, r.Host)
	s.serveList(w, r, list{key: key, n: len(fs),
		id:     func(p int) int64 { return fs[p].ID },
		render: func(p int) any { return profileFieldJSON(base, path, &fs[p]) }})
}

func profileFieldJSON(base, path string, f *gen.ProfileField) map[string]any {
	out := map[string]any{
		"id": f.ID, "url": base + "/api/v2/" + path + "/" + strconv.FormatInt(f.ID, 10) + ".json",
		"key": f.Key, "type": f.Type, "title": f.Title, "raw_title": f.Title, "description": "", "raw_description": "",
		"position": f.Position, "active": f.Active, "system": false, "regexp_for_validation": nil,
		"created_at": ts(time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC)), "updated_at": ts(time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC)),
	}
	if f.Type == "dropdown" {
		opts := make([]map[string]any, len(f.Options))
		for i, o := range f.Options {
			opts[i] = map[string]any{"id": o.ID, "name": o.Name, "raw_name": o.Name, "value": o.Value}
		}
		out["custom_field_options"] = opts
	}
	return out
}

// fieldValues is a record's user_fields or organization_fields: every defined key, null when
// the record has no value.
func fieldValues(defs []gen.ProfileField, vals map[string]any) map[string]any {
	out := make(map[string]any, len(defs))
	for _, f := range defs {
		out[f.Key] = vals[f.Key]
	}
	return out
}

// checkFieldValues adds to v what in says that its fields' types refuse; keys no field defines
// are not checked (they are dropped).
func checkFieldValues(v invalid, defs []gen.ProfileField, in map[string]json.RawMessage) {
	for _, f := range defs {
		raw, ok := in[f.Key]
		if !ok || string(raw) == "null" {
			continue
		}
		if _, err := fieldValue(&f, raw); err != "" {
			v.add(f.Key, "%s", err)
		}
	}
}

// applyFieldValues sets the defined fields in gives on *vals (null clears one).
func applyFieldValues(vals *map[string]any, defs []gen.ProfileField, in map[string]json.RawMessage) {
	for _, f := range defs {
		raw, ok := in[f.Key]
		if !ok {
			continue
		}
		if *vals == nil {
			*vals = map[string]any{}
		}
		if string(raw) == "null" {
			delete(*vals, f.Key)
			continue
		}
		val, _ := fieldValue(&f, raw)
		(*vals)[f.Key] = val
	}
}

// fieldValue reads raw as f's type takes it, or says why it does not fit.
func fieldValue(f *gen.ProfileField, raw json.RawMessage) (any, string) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, "is not a JSON value"
	}
	switch f.Type {
	case "checkbox":
		if b, ok := v.(bool); ok {
			return b, ""
		}
		return nil, "is not true or false"
	case "integer":
		if n, ok := v.(float64); ok && n == float64(int64(n)) {
			return int64(n), ""
		}
		if s, ok := v.(string); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, ""
			}
		}
		return nil, "is not a number"
	case "decimal":
		if n, ok := v.(float64); ok {
			return n, ""
		}
		return nil, "is not a number"
	case "date":
		if s, ok := v.(string); ok {
			if d, err := time.Parse("2006-01-02", s); err == nil {
				return d.Format("2006-01-02"), ""
			}
		}
		return nil, "is not a date (YYYY-MM-DD)"
	case "dropdown":
		if s, ok := v.(string); ok {
			for _, o := range f.Options {
				if o.Value == s {
					return s, ""
				}
			}
		}
		return nil, "is not one of the field's options"
	default:
		if s, ok := v.(string); ok {
			return s, ""
		}
		if _, ok := v.(float64); ok {
			return string(raw), ""
		}
		return nil, "is not text"
	}
}
