package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Directory is what the target already has that the plan maps onto: its workspace, the people and
// teams records are assigned to, and the ticket types and states tickets need. Targets read it
// with read-only calls; WriteDirectory puts it into the staging store's target_* tables, which the
// transform's SQL joins (docs/load-plan.md).
type Directory struct {
	Workspace            Workspace
	Admins               []Admin
	Teams                []Team
	TicketTypes          []TicketType
	TicketTypeAttributes []TicketTypeAttribute
	TicketStates         []TicketState
	DataAttributes       []DataAttribute
	// FieldOptions are the values a list-type data attribute takes (Zendesk's dropdown user and
	// organization fields): a record's value must be one of them.
	FieldOptions []FieldOption
}

// Workspace identifies the target account and the admin the credentials act as.
type Workspace struct{ ID, Name, Region, MeAdminID, MeEmail string }

// Admin is a teammate records can be assigned to and authored by.
type Admin struct{ ID, Name, Email string }

// Team is a group of admins tickets can be assigned to.
type Team struct{ ID, Name string }

// TicketType is a kind of ticket with its own attributes.
type TicketType struct{ ID, Name, Category string }

// TicketTypeAttribute is one attribute of a ticket type.
type TicketTypeAttribute struct{ TicketTypeID, ID, Name, DataType string }

// TicketState is one state tickets can be in; Category is submitted, in_progress,
// waiting_on_customer or resolved.
type TicketState struct{ ID, Category, InternalLabel string }

// DataAttribute is a contact or company attribute (built in or custom) records can fill.
type DataAttribute struct{ Model, Name, DataType string }

// FieldOption is one value of a list-type data attribute: Name as people read it, Value as the
// API takes it.
type FieldOption struct{ Model, Field, Name, Value string }

// table is one target_* table with its columns and rows.
type table struct {
	name, columns string
	rows          [][]any
}

// tables are the target_* tables d becomes.
func (d *Directory) tables() []table {
	w := d.Workspace
	out := []table{{"target_workspace", "id VARCHAR, name VARCHAR, region VARCHAR, me_admin_id VARCHAR, me_email VARCHAR",
		[][]any{{w.ID, w.Name, w.Region, w.MeAdminID, w.MeEmail}}}}
	t := table{name: "target_admins", columns: "id VARCHAR, name VARCHAR, email VARCHAR"}
	for _, a := range d.Admins {
		t.rows = append(t.rows, []any{a.ID, a.Name, a.Email})
	}
	out = append(out, t)
	t = table{name: "target_teams", columns: "id VARCHAR, name VARCHAR"}
	for _, x := range d.Teams {
		t.rows = append(t.rows, []any{x.ID, x.Name})
	}
	out = append(out, t)
	t = table{name: "target_ticket_types", columns: "id VARCHAR, name VARCHAR, category VARCHAR"}
	for _, x := range d.TicketTypes {
		t.rows = append(t.rows, []any{x.ID, x.Name, x.Category})
	}
	out = append(out, t)
	t = table{name: "target_ticket_type_attributes", columns: "ticket_type_id VARCHAR, id VARCHAR, name VARCHAR, data_type VARCHAR"}
	for _, x := range d.TicketTypeAttributes {
		t.rows = append(t.rows, []any{x.TicketTypeID, x.ID, x.Name, x.DataType})
	}
	out = append(out, t)
	t = table{name: "target_ticket_states", columns: "id VARCHAR, category VARCHAR, internal_label VARCHAR"}
	for _, x := range d.TicketStates {
		t.rows = append(t.rows, []any{x.ID, x.Category, x.InternalLabel})
	}
	out = append(out, t)
	t = table{name: "target_data_attributes", columns: "model VARCHAR, name VARCHAR, data_type VARCHAR"}
	for _, x := range d.DataAttributes {
		t.rows = append(t.rows, []any{x.Model, x.Name, x.DataType})
	}
	out = append(out, t)
	t = table{name: "target_field_options", columns: "model VARCHAR, field VARCHAR, name VARCHAR, value VARCHAR"}
	for _, x := range d.FieldOptions {
		t.rows = append(t.rows, []any{x.Model, x.Field, x.Name, x.Value})
	}
	return append(out, t)
}

// WriteDirectory replaces the target_* tables with d, in one transaction.
func WriteDirectory(ctx context.Context, db *sql.DB, d *Directory) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("writing the target directory: %w", err)
	}
	defer tx.Rollback()
	for _, t := range d.tables() {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TABLE %s (%s)", t.name, t.columns)); err != nil {
			return fmt.Errorf("writing %s: %w", t.name, err)
		}
		for _, row := range t.rows {
			marks := "?" + strings.Repeat(", ?", len(row)-1)
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES (%s)", t.name, marks), row...); err != nil {
				return fmt.Errorf("writing %s: %w", t.name, err)
			}
		}
	}
	return tx.Commit()
}
