package intercom

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/deskport/deskport/schema"
)

const streamTicketFields = "ticket_fields"

type ticketTypeJSON struct {
	ID         id `json:"id"`
	Attributes struct {
		Data []json.RawMessage `json:"data"`
	} `json:"ticket_type_attributes"`
}

type ticketAttributeJSON struct {
	ID           id     `json:"id"`
	Name         string `json:"name"`
	DataType     string `json:"data_type"`
	Required     bool   `json:"required_to_create"`
	Archived     bool   `json:"archived"`
	InputOptions *struct {
		ListOptions []struct {
			ID    id     `json:"id"`
			Label string `json:"label"`
		} `json:"list_options"`
	} `json:"input_options"`
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// ticketTypes reads GET /ticket_types: every type with its attributes.
func (s *Source) ticketTypes(ctx context.Context) ([]ticketTypeJSON, error) {
	var list struct {
		Data []ticketTypeJSON `json:"data"`
	}
	err := s.get(ctx, "/ticket_types", url.Values{}, &list)
	return list.Data, err
}

// attributeIDs maps each ticket type's attribute names to their ids: a ticket carries its
// attributes by name, the canonical custom fields by field id.
func attributeIDs(types []ticketTypeJSON) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, tt := range types {
		names := map[string]string{}
		for _, raw := range tt.Attributes.Data {
			var a ticketAttributeJSON
			if json.Unmarshal(raw, &a) == nil && a.ID != "" {
				names[a.Name] = string(a.ID)
			}
		}
		out[string(tt.ID)] = names
	}
	return out
}

// stageTicketFields writes every ticket type attribute as a ticket field; the attribute's raw
// payload names its ticket type (ticket_type_id). Types have no search: always read whole.
func (s *Source) stageTicketFields(ctx context.Context, w *writer, _ int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamTicketFields)
	if err != nil || cur.Done {
		return err
	}
	types, err := s.ticketTypes(ctx)
	if err != nil {
		return err
	}
	var rows deskRows
	for _, tt := range types {
		for _, raw := range tt.Attributes.Data {
			var a ticketAttributeJSON
			if err := json.Unmarshal(raw, &a); err != nil || a.ID == "" {
				rows.skips = append(rows.skips, unreadable(schema.TicketFields, raw, err))
				continue
			}
			rows.ticketFields = append(rows.ticketFields, ticketField(a, raw))
		}
	}
	return w.writeDesk(ctx, streamTicketFields, &rows, deskCursor{Done: true})
}

func ticketField(a ticketAttributeJSON, raw json.RawMessage) schema.TicketField {
	f := schema.TicketField{SourceID: string(a.ID), Title: a.Name, Type: a.DataType, Active: !a.Archived,
		Required: a.Required, CreatedAt: unix(a.CreatedAt), UpdatedAt: unixOr(a.UpdatedAt, a.CreatedAt), Raw: raw}
	if a.InputOptions != nil && len(a.InputOptions.ListOptions) > 0 {
		type option struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		}
		opts := make([]option, 0, len(a.InputOptions.ListOptions))
		for _, o := range a.InputOptions.ListOptions {
			opts = append(opts, option{Name: o.Label, Value: string(o.ID)})
		}
		b, _ := json.Marshal(opts) // strings always marshal
		f.Options = string(b)
	}
	return f
}

// customFieldsByID rewrites a ticket's attributes {name: value} as {attribute id: value} with
// its type's attributes; a name its type does not list keeps its name.
func customFieldsByID(attrs json.RawMessage, ids map[string]string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(attrs, &m) != nil || len(m) == 0 {
		return ""
	}
	out := make(map[string]json.RawMessage, len(m))
	for name, v := range m {
		if fid, ok := ids[name]; ok {
			name = fid
		}
		out[name] = v
	}
	b, err := json.Marshal(out)
	if err != nil {
		return string(attrs)
	}
	return string(b)
}
