package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// stageAgents writes GET /admins (one list, no paging) as agents. Admins carry no timestamps.
func (s *Source) stageAgents(ctx context.Context, w *writer, _ int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamAgents)
	if err != nil || cur.Done {
		return err
	}
	var list struct {
		Admins []json.RawMessage `json:"admins"`
	}
	if err := s.get(ctx, "/admins", url.Values{}, &list); err != nil {
		return err
	}
	var rows deskRows
	for _, raw := range list.Admins {
		var a struct {
			ID           id     `json:"id"`
			Name         string `json:"name"`
			Email        string `json:"email"`
			JobTitle     string `json:"job_title"`
			HasInboxSeat *bool  `json:"has_inbox_seat"`
		}
		if err := json.Unmarshal(raw, &a); err != nil || a.ID == "" {
			rows.skips = append(rows.skips, unreadable(schema.Agents, raw, err))
			continue
		}
		// An admin without an inbox seat cannot be assigned conversations: not an active agent.
		active := a.HasInboxSeat == nil || *a.HasInboxSeat
		rows.agents = append(rows.agents, schema.Agent{SourceID: string(a.ID), Name: a.Name, Email: a.Email,
			Role: a.JobTitle, Active: active, Raw: raw})
	}
	return w.writeDesk(ctx, streamAgents, &rows, deskCursor{Done: true})
}

// stageGroups writes GET /teams as groups.
func (s *Source) stageGroups(ctx context.Context, w *writer, _ int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamGroups)
	if err != nil || cur.Done {
		return err
	}
	var list struct {
		Teams []json.RawMessage `json:"teams"`
	}
	if err := s.get(ctx, "/teams", url.Values{}, &list); err != nil {
		return err
	}
	var rows deskRows
	for _, raw := range list.Teams {
		var t struct {
			ID   id     `json:"id"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" {
			rows.skips = append(rows.skips, unreadable(schema.Groups, raw, err))
			continue
		}
		rows.groups = append(rows.groups, schema.Group{SourceID: string(t.ID), Name: t.Name, Raw: raw})
	}
	return w.writeDesk(ctx, streamGroups, &rows, deskCursor{Done: true})
}

// tagNames maps tag ids to names: contacts embed their tags by id only.
func (s *Source) tagNames(ctx context.Context) (map[string]string, error) {
	var list struct {
		Data []struct {
			ID   id     `json:"id"`
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := s.get(ctx, "/tags", url.Values{}, &list); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(list.Data))
	for _, t := range list.Data {
		out[string(t.ID)] = t.Name
	}
	return out, nil
}

// stageContacts pages GET /contacts (a full snapshot: the search index lags behind new
// contacts) or POST /contacts/search by updated_at (a delta), one durable write per page.
func (s *Source) stageContacts(ctx context.Context, w *writer, since int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamContacts)
	if err != nil || cur.Done {
		return err
	}
	tags, err := s.tagNames(ctx)
	if err != nil {
		return err
	}
	for !cur.Done {
		var p struct {
			Data  []json.RawMessage `json:"data"`
			Pages pages             `json:"pages"`
		}
		if since == 0 {
			q := url.Values{"per_page": {strconv.Itoa(perPage)}}
			if cur.After != "" {
				q.Set("starting_after", cur.After)
			}
			err = s.get(ctx, "/contacts", q, &p)
		} else {
			// Contacts compare dates by calendar day: "> d" starts the day after d's, and
			// ">=" is refused. So search from the day before since's and filter here.
			err = s.post(ctx, "/contacts/search", searchBody(since-24*60*60, cur.After), &p)
		}
		if err != nil {
			return err
		}
		var rows deskRows
		for _, raw := range p.Data {
			c, err := contactRow(raw, tags)
			if err != nil {
				rows.skips = append(rows.skips, unreadable(schema.Contacts, raw, err))
				continue
			}
			if c.Tags, err = s.allTags(ctx, raw, c); err != nil {
				return err
			}
			if updatedSince(c.UpdatedAt.Unix(), since) {
				rows.contacts = append(rows.contacts, c)
			}
		}
		next := deskCursor{After: p.Pages.after()}
		next.Done = next.After == "" || len(p.Data) == 0
		if err := w.writeDesk(ctx, streamContacts, &rows, next); err != nil {
			return err
		}
		cur = next
	}
	return nil
}

type refList struct {
	Data []struct {
		ID id `json:"id"`
	} `json:"data"`
	HasMore bool `json:"has_more"`
}

// contactRow maps a contact; the role (user or lead) is kept, its first company is the
// organization, the others stay in the raw payload.
func contactRow(raw json.RawMessage, tags map[string]string) (schema.Contact, error) {
	var c struct {
		ID               id              `json:"id"`
		Role             string          `json:"role"`
		ExternalID       *string         `json:"external_id"`
		Email            *string         `json:"email"`
		Phone            *string         `json:"phone"`
		Name             *string         `json:"name"`
		Language         *string         `json:"language_override"`
		BrowserLanguage  *string         `json:"browser_language"`
		CustomAttributes json.RawMessage `json:"custom_attributes"`
		Tags             refList         `json:"tags"`
		Companies        refList         `json:"companies"`
		CreatedAt        int64           `json:"created_at"`
		UpdatedAt        int64           `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return schema.Contact{}, err
	}
	if c.ID == "" {
		return schema.Contact{}, fmt.Errorf("contact has no id")
	}
	row := schema.Contact{SourceID: string(c.ID), Name: deref(c.Name), Email: deref(c.Email), Phone: deref(c.Phone),
		Role: c.Role, ExternalID: deref(c.ExternalID), Locale: firstNonEmpty(deref(c.Language), deref(c.BrowserLanguage)),
		CustomFields: jsonObject(c.CustomAttributes), CreatedAt: unix(c.CreatedAt), UpdatedAt: unix(c.UpdatedAt), Raw: raw}
	if len(c.Companies.Data) > 0 {
		row.OrganizationID = string(c.Companies.Data[0].ID)
	}
	for _, t := range c.Tags.Data {
		if name, ok := tags[string(t.ID)]; ok {
			row.Tags = append(row.Tags, name)
		}
	}
	return row, nil
}

// stageCompanies reads every company through GET /companies/scroll: POST /companies/list stops
// at 10,000. A scroll cannot be resumed: the page it served before an interrupt may not have been
// staged, and it cannot be asked for again. So an interrupted run's scroll is read to its end and
// dropped (Intercom keeps one scroll open per app, and it would refuse a new one for a minute),
// then a new scroll starts over; pages staged twice are one version in the canonical view.
// A delta keeps the companies updated since: companies have no search.
func (s *Source) stageCompanies(ctx context.Context, w *writer, since int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamCompanies)
	if err != nil || cur.Done {
		return err
	}
	if cur.Scroll != "" {
		s.closeScroll(ctx, cur.Scroll)
	}
	scroll := ""
	for {
		p, err := s.scrollPage(ctx, scroll)
		if err != nil {
			return err
		}
		var rows deskRows
		for _, raw := range p.Data {
			c, updated, err := companyRow(raw)
			switch {
			case err != nil:
				rows.skips = append(rows.skips, unreadable(schema.Companies, raw, err))
			case updatedSince(updated, since):
				rows.companies = append(rows.companies, c)
			}
		}
		done := len(p.Data) == 0 || p.ScrollParam == ""
		next := deskCursor{Done: done}
		if !done {
			next.Scroll = p.ScrollParam
		}
		if err := w.writeDesk(ctx, streamCompanies, &rows, next); err != nil {
			return err
		}
		if done {
			return nil
		}
		scroll = p.ScrollParam
	}
}

type scrollJSON struct {
	Data        []json.RawMessage `json:"data"`
	ScrollParam string            `json:"scroll_param"`
}

// scrollPage reads the next page of the scroll; "" opens one.
func (s *Source) scrollPage(ctx context.Context, scroll string) (scrollJSON, error) {
	var p scrollJSON
	q := url.Values{}
	if scroll != "" {
		q.Set("scroll_param", scroll)
	}
	err := s.get(ctx, "/companies/scroll", q, &p)
	return p, err
}

// closeScroll reads an abandoned scroll to its end so a new one may open. An error means it has
// expired already, which closes it too.
func (s *Source) closeScroll(ctx context.Context, scroll string) {
	for scroll != "" {
		p, err := s.scrollPage(ctx, scroll)
		if err != nil || len(p.Data) == 0 {
			return
		}
		scroll = p.ScrollParam
	}
}

func companyRow(raw json.RawMessage) (schema.Company, int64, error) {
	var c struct {
		ID               id              `json:"id"`
		CompanyID        string          `json:"company_id"`
		Name             string          `json:"name"`
		Website          *string         `json:"website"`
		Industry         *string         `json:"industry"`
		CustomAttributes json.RawMessage `json:"custom_attributes"`
		Tags             struct {
			Tags []struct {
				Name string `json:"name"`
			} `json:"tags"`
		} `json:"tags"`
		RemoteCreatedAt int64 `json:"remote_created_at"`
		CreatedAt       int64 `json:"created_at"`
		UpdatedAt       int64 `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return schema.Company{}, 0, err
	}
	if c.ID == "" {
		return schema.Company{}, 0, fmt.Errorf("company has no id")
	}
	row := schema.Company{SourceID: string(c.ID), Name: c.Name, Details: deref(c.Industry),
		CustomFields: jsonObject(c.CustomAttributes), CreatedAt: unixOr(c.RemoteCreatedAt, c.CreatedAt),
		UpdatedAt: unix(c.UpdatedAt), Raw: raw}
	if host := websiteHost(deref(c.Website)); host != "" {
		row.DomainNames = []string{host}
	}
	for _, t := range c.Tags.Tags {
		row.Tags = append(row.Tags, t.Name)
	}
	return row, c.UpdatedAt, nil
}

// websiteHost is a company website's host name, the closest Intercom has to a domain.
func websiteHost(site string) string {
	if site == "" {
		return ""
	}
	u, err := url.Parse(site)
	if err != nil || u.Host == "" {
		if u, err = url.Parse("https://" + site); err != nil {
			return ""
		}
	}
	return u.Hostname()
}

func unreadable(e schema.Entity, raw json.RawMessage, err error) extract.Skip {
	reason := "record has no id"
	if err != nil {
		reason = err.Error()
	}
	return extract.Skip{Entity: e, SourceID: recordID(raw), Reason: "unreadable record: " + reason}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// allTags is a contact's tags by name. A contact embeds its first 10 tags; past that (has_more)
// they are read from GET /contacts/{id}/tags.
func (s *Source) allTags(ctx context.Context, raw json.RawMessage, c schema.Contact) ([]string, error) {
	var ref struct {
		Tags refList `json:"tags"`
	}
	if json.Unmarshal(raw, &ref) != nil || !ref.Tags.HasMore {
		return c.Tags, nil
	}
	var list struct {
		Data []struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := s.get(ctx, "/contacts/"+url.PathEscape(c.SourceID)+"/tags", url.Values{}, &list); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list.Data))
	for _, t := range list.Data {
		names = append(names, t.Name)
	}
	return names, nil
}
