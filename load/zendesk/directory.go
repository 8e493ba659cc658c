package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/deskport/deskport/load"
)

// statuses are Zendesk's fixed ticket statuses, as target_ticket_states rows: id and internal
// label are the status, category what the transform maps source states onto.
var statuses = []load.TicketState{
	{ID: "new", Category: "submitted", InternalLabel: "new"},
	{ID: "open", Category: "in_progress", InternalLabel: "open"},
	{ID: "pending", Category: "waiting_on_customer", InternalLabel: "pending"},
	{ID: "hold", Category: "in_progress", InternalLabel: "hold"},
	{ID: "solved", Category: "resolved", InternalLabel: "solved"},
	{ID: "closed", Category: "resolved", InternalLabel: "closed"},
}

// person is a user as the directory reads it.
type person struct {
	ID    *int64 `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// Workspace is the account's id as pipelines name it: the subdomain of a *.zendesk.com base URL,
// or "sandbox" for any other host (the simulator on loopback).
func (c *Client) Workspace() string {
	host := c.base.Hostname()
	if sub, ok := strings.CutSuffix(host, ".zendesk.com"); ok && sub != "" && !strings.Contains(sub, ".") {
		return sub
	}
	if net.ParseIP(host) != nil || host == "localhost" || !strings.Contains(host, ".") {
		return "sandbox"
	}
	return host
}

// me reads the user the credentials act as; an anonymous answer (id null) means Zendesk did not
// accept them.
func (c *Client) me(ctx context.Context) (person, error) {
	var out struct {
		User person `json:"user"`
	}
	if _, err := c.do(ctx, &call{method: "GET", route: "/api/v2/users/me.json", path: "/api/v2/users/me.json"}, &out); err != nil {
		return person{}, err
	}
	if out.User.ID == nil {
		return person{}, errors.New("zendesk: GET /api/v2/users/me.json answers an anonymous user: the email and API token were not accepted")
	}
	if out.User.Role != "agent" && out.User.Role != "admin" {
		return person{}, fmt.Errorf("zendesk: GET /api/v2/users/me.json: the credentials act as a %q, not an agent or admin: imports need an admin", out.User.Role)
	}
	return out.User, nil
}

// Check confirms, before anything is written, that the credentials reach an agent of the account
// the pipeline names.
func (c *Client) Check(ctx context.Context, workspaceID string) error {
	if _, err := c.me(ctx); err != nil {
		return err
	}
	got := c.Workspace()
	switch {
	case strings.TrimSpace(workspaceID) == "":
		return fmt.Errorf("zendesk: the pipeline names no target workspace_id; the base URL reaches account %q", got)
	case !strings.EqualFold(got, workspaceID):
		return fmt.Errorf("zendesk: the base URL reaches account %q, but the pipeline names workspace %q: nothing was written", got, workspaceID)
	}
	return nil
}

// Directory reads what the transform maps onto: the account and its agent, agents and admins,
// groups (as teams), ticket fields (as attributes of no ticket type), the fixed statuses, and
// user and organization fields (as contact and company data attributes).
func (c *Client) Directory(ctx context.Context) (*load.Directory, error) {
	me, err := c.me(ctx)
	if err != nil {
		return nil, err
	}
	d := &load.Directory{
		Workspace:    load.Workspace{ID: c.Workspace(), Name: c.Workspace(), MeAdminID: strconv.FormatInt(*me.ID, 10), MeEmail: me.Email},
		TicketStates: statuses,
	}
	q := url.Values{"role[]": {"agent", "admin"}}
	err = c.each(ctx, "/api/v2/users.json", q, "users", func(raw json.RawMessage) error {
		var p person
		if err := json.Unmarshal(raw, &p); err != nil || p.ID == nil {
			return fmt.Errorf("a user without id: %v", err)
		}
		d.Admins = append(d.Admins, load.Admin{ID: strconv.FormatInt(*p.ID, 10), Name: p.Name, Email: p.Email})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = c.each(ctx, "/api/v2/groups.json", nil, "groups", func(raw json.RawMessage) error {
		var g struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Deleted bool   `json:"deleted"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			return err
		}
		if !g.Deleted {
			d.Teams = append(d.Teams, load.Team{ID: strconv.FormatInt(g.ID, 10), Name: g.Name})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = c.each(ctx, "/api/v2/ticket_fields.json", nil, "ticket_fields", func(raw json.RawMessage) error {
		var f struct {
			ID     int64  `json:"id"`
			Title  string `json:"title"`
			Type   string `json:"type"`
			Active *bool  `json:"active"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return err
		}
		if f.Active == nil || *f.Active {
			d.TicketTypeAttributes = append(d.TicketTypeAttributes, load.TicketTypeAttribute{ID: strconv.FormatInt(f.ID, 10), Name: f.Title, DataType: f.Type})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := c.profileFields(ctx, d, "/api/v2/user_fields.json", "user_fields", "contact"); err != nil {
		return nil, err
	}
	if err := c.profileFields(ctx, d, "/api/v2/organization_fields.json", "organization_fields", "company"); err != nil {
		return nil, err
	}
	return d, nil
}

// profileFields reads the account's active user or organization fields as data attributes of
// model (contact or company), named by key, and a dropdown's options. Zendesk drops a value under
// any other key without a word, so the transform sends only these.
func (c *Client) profileFields(ctx context.Context, d *load.Directory, path, key, model string) error {
	return c.each(ctx, path, nil, key, func(raw json.RawMessage) error {
		var f struct {
			Key     string `json:"key"`
			Type    string `json:"type"`
			Active  *bool  `json:"active"`
			Options []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"custom_field_options"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return err
		}
		if f.Key == "" || (f.Active != nil && !*f.Active) {
			return nil
		}
		d.DataAttributes = append(d.DataAttributes, load.DataAttribute{Model: model, Name: f.Key, DataType: f.Type})
		for _, o := range f.Options {
			d.FieldOptions = append(d.FieldOptions, load.FieldOption{Model: model, Field: f.Key, Name: o.Name, Value: o.Value})
		}
		return nil
	})
}

// each calls fn with every record of a list endpoint, following its pages.
func (c *Client) each(ctx context.Context, path string, query url.Values, key string, fn func(json.RawMessage) error) error {
	q := url.Values{"page[size]": {"100"}}
	for k, v := range query {
		q[k] = v
	}
	route := path
	for range 10000 {
		var page map[string]json.RawMessage
		cl := &call{method: "GET", route: route, path: path, query: q}
		if _, err := c.do(ctx, cl, &page); err != nil {
			return err
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(page[key], &recs); err != nil {
			return fmt.Errorf("zendesk: %s: the answer has no %s list", cl.where(), key)
		}
		for i, r := range recs {
			if err := fn(r); err != nil {
				return fmt.Errorf("zendesk: %s: %s %d: %w", cl.where(), key, i, err)
			}
		}
		next := nextPage(page)
		if next == nil {
			return nil
		}
		path, q = strings.TrimPrefix(next.Path, c.base.Path), next.Query()
	}
	return fmt.Errorf("zendesk: GET %s: too many pages", route)
}
