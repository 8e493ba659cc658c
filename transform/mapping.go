package transform

import (
	"context"
	"database/sql"
	"fmt"
)

// Mapping is the pipeline file's mapping section, resolved to names the SQL joins on. The pipelines
// package checks every target name against the target directory (with the file's line numbers)
// before it gets here; Run writes each list as a transform_map_* table.
type Mapping struct {
	Agents     []AgentMap    // source agent → admin
	Groups     []GroupMap    // source group → team
	Statuses   []StatusMap   // source status → ticket state
	Properties []PropertyMap // priority, type, channel → a ticket attribute
	Values     []ValueMap    // priority, type, channel values → the attribute's values
	Fields     []FieldMap    // custom fields → ticket attributes or contact/company data attributes
	// TicketTypes give tickets of a source type (Zendesk's question, incident, …) their own
	// Intercom ticket type; the others get Settings.TicketType.
	TicketTypes []TicketTypeMap
}

// TicketTypeMap maps a source ticket type to an Intercom ticket type by name; Create plans the
// type (with Settings.TicketTypeCategory) when the workspace lacks it.
type TicketTypeMap struct {
	Source, TicketType string
	Create             bool
}

// AgentMap maps a source agent, named by email (lower-case) or id, to an admin's email; an empty
// AdminEmail sends the agent's records to the default admin.
type AgentMap struct{ Source, AdminEmail string }

// GroupMap maps a source group, by name, to a team's name; empty: the default team (or none).
type GroupMap struct{ Source, Team string }

// StatusMap maps a source status to a ticket state, named by its label or its category.
type StatusMap struct{ Source, State string }

// PropertyMap says which ticket attribute (string) holds a ticket property: priority, type or
// channel. Create plans the attribute when the ticket type lacks it.
type PropertyMap struct {
	Property, Attribute string
	Create              bool
}

// ValueMap renames one value of a property; values without one go as the source wrote them.
type ValueMap struct{ Property, Source, Target string }

// FieldMap maps a custom field of Model (ticket, contact or company), named by title, key or id,
// to an attribute. Skip leaves the field out; Default is the value of records that leave it empty;
// DataType is the data attribute's type when Create plans one (contact and company fields).
type FieldMap struct {
	Model, Source, Attribute string
	Create, Skip             bool
	Default, DataType        string
}

// mapTables are the tables Run writes from the mapping, with their columns.
var mapTables = []struct{ name, columns string }{
	{"transform_map_agents", "source TEXT, admin_email TEXT"},
	{"transform_map_groups", "source TEXT, team TEXT"},
	{"transform_map_statuses", "source TEXT, state TEXT"},
	{"transform_map_properties", "property TEXT, attribute TEXT, create_attribute BOOLEAN"},
	{"transform_map_values", "property TEXT, source TEXT, target TEXT"},
	{"transform_map_fields", "model TEXT, source TEXT, attribute TEXT, create_attribute BOOLEAN, skip BOOLEAN, default_value TEXT, data_type TEXT"},
	{"transform_map_ticket_types", "source TEXT, ticket_type TEXT, create_type BOOLEAN"},
}

// rows returns the rows of each mapTables table, in the same order.
func (m Mapping) rows() [][][]any {
	out := make([][][]any, len(mapTables))
	for _, a := range m.Agents {
		out[0] = append(out[0], []any{a.Source, a.AdminEmail})
	}
	for _, g := range m.Groups {
		out[1] = append(out[1], []any{g.Source, g.Team})
	}
	for _, s := range m.Statuses {
		out[2] = append(out[2], []any{s.Source, s.State})
	}
	for _, p := range m.Properties {
		out[3] = append(out[3], []any{p.Property, p.Attribute, p.Create})
	}
	for _, v := range m.Values {
		out[4] = append(out[4], []any{v.Property, v.Source, v.Target})
	}
	for _, f := range m.Fields {
		out[5] = append(out[5], []any{f.Model, f.Source, f.Attribute, f.Create, f.Skip, f.Default, f.DataType})
	}
	for _, t := range m.TicketTypes {
		out[6] = append(out[6], []any{t.Source, t.TicketType, t.Create})
	}
	return out
}

// writeMapping replaces the transform_map_* tables with m.
func writeMapping(ctx context.Context, tx *sql.Tx, m Mapping) error {
	rows := m.rows()
	for i, t := range mapTables {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TABLE %s (%s)", t.name, t.columns)); err != nil {
			return fmt.Errorf("transform: writing %s: %w", t.name, err)
		}
		if len(rows[i]) == 0 {
			continue
		}
		r := rows[i]
		if err := insertRows(ctx, tx, t.name, len(r[0]), len(r), func(j int) []any { return r[j] }); err != nil {
			return err
		}
	}
	return nil
}
