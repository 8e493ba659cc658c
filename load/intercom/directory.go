package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// flexID reads an id Intercom (or the plan) gives as a string or as an integer.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want an id (a string or an integer), got %s", b)
	}
	if _, err := n.Int64(); err != nil {
		return fmt.Errorf("want an id (a string or an integer), got %s", b)
	}
	*f = flexID(n.String())
	return nil
}

type meResponse struct {
	ID    flexID `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	App   *struct {
		IDCode string `json:"id_code"`
		Name   string `json:"name"`
		Region string `json:"region"`
	} `json:"app"`
}

type ticketTypeJSON struct {
	ID         flexID `json:"id"`
	Name       string `json:"name"`
	Category   string `json:"category"`
	Archived   bool   `json:"archived"`
	Attributes struct {
		Data []attributeJSON `json:"data"`
	} `json:"ticket_type_attributes"`
}

type attributeJSON struct {
	ID       flexID `json:"id"`
	Name     string `json:"name"`
	DataType string `json:"data_type"`
	Archived bool   `json:"archived"`
}

// me reads GET /me; a rejected token gets an error that says so (and never repeats it).
func (c *Client) me(ctx context.Context) (*meResponse, error) {
	var me meResponse
	if err := c.do(ctx, &call{method: http.MethodGet, route: "/me", path: "/me"}, &me); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && errors.Is(err, httpx.ErrCredentials) {
			return nil, fmt.Errorf("intercom: the access token was rejected (GET /me: %d %s: %s); check the target's credential: %w",
				ae.Status, ae.Code, ae.Message, httpx.ErrCredentials)
		}
		return nil, err
	}
	if me.App == nil || me.App.IDCode == "" {
		return nil, errors.New("intercom: GET /me answered without app.id_code: is base_url an Intercom API host?")
	}
	return &me, nil
}

// Directory reads the workspace, its admins, teams, ticket types with their attributes, and ticket
// states: read-only calls the transform needs before it can write the plan.
func (c *Client) Directory(ctx context.Context) (*load.Directory, error) {
	me, err := c.me(ctx)
	if err != nil {
		return nil, err
	}
	d := &load.Directory{Workspace: load.Workspace{
		ID: me.App.IDCode, Name: me.App.Name, Region: me.App.Region,
		MeAdminID: string(me.ID), MeEmail: strings.ToLower(strings.TrimSpace(me.Email)),
	}}

	var admins struct {
		Admins []struct {
			ID    flexID `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"admins"`
	}
	if err := c.do(ctx, &call{method: http.MethodGet, route: "/admins", path: "/admins"}, &admins); err != nil {
		return nil, err
	}
	for _, a := range admins.Admins {
		d.Admins = append(d.Admins, load.Admin{ID: string(a.ID), Name: a.Name, Email: strings.ToLower(strings.TrimSpace(a.Email))})
	}

	var teams struct {
		Teams []struct {
			ID   flexID `json:"id"`
			Name string `json:"name"`
		} `json:"teams"`
	}
	if err := c.do(ctx, &call{method: http.MethodGet, route: "/teams", path: "/teams"}, &teams); err != nil {
		return nil, err
	}
	for _, t := range teams.Teams {
		d.Teams = append(d.Teams, load.Team{ID: string(t.ID), Name: t.Name})
	}

	types, err := c.ticketTypes(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if t.Archived {
			continue
		}
		d.TicketTypes = append(d.TicketTypes, load.TicketType{ID: string(t.ID), Name: t.Name, Category: t.Category})
		for _, a := range t.Attributes.Data {
			if !a.Archived {
				d.TicketTypeAttributes = append(d.TicketTypeAttributes,
					load.TicketTypeAttribute{TicketTypeID: string(t.ID), ID: string(a.ID), Name: a.Name, DataType: a.DataType})
			}
		}
	}

	var states struct {
		Data []struct {
			ID            flexID `json:"id"`
			Category      string `json:"category"`
			InternalLabel string `json:"internal_label"`
		} `json:"data"`
	}
	if err := c.do(ctx, &call{method: http.MethodGet, route: "/ticket_states", path: "/ticket_states"}, &states); err != nil {
		return nil, err
	}
	for _, s := range states.Data {
		d.TicketStates = append(d.TicketStates, load.TicketState{ID: string(s.ID), Category: s.Category, InternalLabel: s.InternalLabel})
	}
	if err := c.directoryDataAttributes(ctx, d); err != nil {
		return nil, err
	}
	sortDirectory(d)
	return d, nil
}

// ticketTypes lists the ticket types (GET /ticket_types) for op (empty for the directory).
func (c *Client) ticketTypes(ctx context.Context, op string) ([]ticketTypeJSON, error) {
	var list struct {
		Data []ticketTypeJSON `json:"data"`
	}
	err := c.do(ctx, &call{method: http.MethodGet, route: "/ticket_types", path: "/ticket_types", op: op}, &list)
	return list.Data, err
}

// sortDirectory orders every table by id (numerically when ids are numbers), so the same
// workspace gives the same rows.
func sortDirectory(d *load.Directory) {
	slices.SortFunc(d.Admins, func(a, b load.Admin) int { return compareIDs(a.ID, b.ID) })
	slices.SortFunc(d.Teams, func(a, b load.Team) int { return compareIDs(a.ID, b.ID) })
	slices.SortFunc(d.TicketTypes, func(a, b load.TicketType) int { return compareIDs(a.ID, b.ID) })
	slices.SortFunc(d.TicketTypeAttributes, func(a, b load.TicketTypeAttribute) int {
		if c := compareIDs(a.TicketTypeID, b.TicketTypeID); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
	slices.SortFunc(d.TicketStates, func(a, b load.TicketState) int { return compareIDs(a.ID, b.ID) })
	slices.SortFunc(d.DataAttributes, func(a, b load.DataAttribute) int {
		return strings.Compare(a.Model+"\x00"+a.Name, b.Model+"\x00"+b.Name)
	})
}

// compareIDs orders numeric ids by value, before any other id, and other ids as strings.
func compareIDs(a, b string) int {
	da, db := isDigits(a), isDigits(b)
	switch {
	case da && db && len(a) != len(b):
		return len(a) - len(b)
	case da != db:
		if da {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
