package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/deskport/deskport/load"
)

// maxSearchPages bounds how far a reconciling search pages: it is narrowed to one contact and one
// second, so a second page is already rare.
const maxSearchPages = 20

// Reconcile looks in Intercom for what an earlier attempt of op created, when its answer was lost:
//
//   - contact: GET /contacts/find_by_external_id/{external_id}, with our external_id;
//   - company: GET /companies?company_id=…;
//   - tag, ticket_type: listed, matched by name (case-insensitive);
//   - ticket_attribute: the ticket type's attributes, matched by name;
//   - data_attribute: the model's data attributes, matched by name (case-insensitive);
//   - ticket: POST /tickets/search for the contact's tickets created at the plan's created_at,
//     matched by title;
//   - conversation: POST /conversations/search for the contact's conversations created at the
//     plan's created_at, matched by body;
//   - part: the ticket or conversation read back, a part of the same author, kind, time, body and
//     attachment names (GET returns the 500 newest parts).
//   - collection: the collections listed, matched by name and parent; article: the articles
//     listed, matched by title and parent collection (both get the time of the call, so no
//     timestamp narrows the lookup).
//
// contact_company, tagging, ticket_state and article_update are idempotent (attaching, tagging,
// setting a state or rewriting a body twice has the effect of once): they are reported not found, so the loader simply sends them
// again. So is an op whose payload or references do not allow a lookup: Execute reports why.
//
// Searches see new records after a delay (Intercom indexes them within minutes), so a ticket or
// conversation created moments before a crash may not be found yet.
func (c *Client) Reconcile(ctx context.Context, op load.Op, refs load.Refs) (string, bool, error) {
	x := &exec{c: c, op: op, refs: refs}
	var (
		id  string
		err error
	)
	switch op.Kind {
	case kindContact:
		id, err = x.findContact(ctx)
	case kindCompany:
		id, err = x.findCompany(ctx)
	case kindTag:
		id, err = x.findTag(ctx)
	case kindTicketType:
		id, err = x.findTicketType(ctx)
	case kindTicketAttribute:
		id, err = x.findTicketAttribute(ctx)
	case kindTicket:
		id, err = x.findTicket(ctx)
	case kindConversation:
		id, err = x.findConversation(ctx)
	case kindPart:
		id, err = x.findPart(ctx)
	case kindDataAttribute:
		id, err = x.findDataAttribute(ctx)
	case kindCollection:
		id, err = x.findCollection(ctx)
	case kindArticle:
		id, err = x.findArticle(ctx)
	case kindContactCompany, kindTagging, kindTicketState, kindArticleUpdate:
		return "", false, nil
	default:
		return "", false, nil
	}
	if load.NothingSent(err) {
		// Nothing can have been sent for it: Execute will say what is wrong.
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reconciling %s: %w", op.ID, err)
	}
	return id, id != "", nil
}

func (x *exec) findContact(ctx context.Context) (string, error) {
	var p contactPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.ExternalID == "" {
		return "", x.invalid("external_id is missing")
	}
	id, _, err := x.contactByExternalID(ctx, p.ExternalID)
	return id, err
}

type companyJSON struct {
	Type      string `json:"type"`
	ID        flexID `json:"id"`
	CompanyID string `json:"company_id"`
}

func (x *exec) findCompany(ctx context.Context) (string, error) {
	var p companyPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.CompanyID == "" {
		return "", x.invalid("company_id is missing")
	}
	// The spec answers with a list; the API has answered with the company itself: both are read.
	var out struct {
		companyJSON
		Data []companyJSON `json:"data"`
	}
	err := x.send(ctx, &call{method: http.MethodGet, route: "/companies", path: "/companies",
		query: url.Values{"company_id": {p.CompanyID}}}, &out)
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, co := range append(out.Data, out.companyJSON) {
		if co.ID != "" && co.CompanyID == p.CompanyID {
			return string(co.ID), nil
		}
	}
	return "", nil
}

func (x *exec) findTag(ctx context.Context) (string, error) {
	var p tagPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	var list struct {
		Data []struct {
			ID   flexID `json:"id"`
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := x.send(ctx, &call{method: http.MethodGet, route: "/tags", path: "/tags"}, &list); err != nil {
		return "", err
	}
	for _, t := range list.Data {
		if sameName(t.Name, p.Name) {
			return string(t.ID), nil
		}
	}
	return "", nil
}

func (x *exec) findTicketType(ctx context.Context) (string, error) {
	var p ticketTypePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	types, err := x.c.ticketTypes(ctx, x.op.ID)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return "", ae.opError()
		}
		return "", err
	}
	for _, t := range types {
		if !t.Archived && sameName(t.Name, p.Name) {
			return string(t.ID), nil
		}
	}
	return "", nil
}

func (x *exec) findTicketAttribute(ctx context.Context) (string, error) {
	var p ticketAttributePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	typeID, err := x.idOrRef("ticket_type", p.TicketTypeID, p.TicketTypeRef)
	if err != nil {
		return "", err
	}
	var t ticketTypeJSON
	err = x.send(ctx, &call{method: http.MethodGet, route: "/ticket_types/{id}", path: "/ticket_types/" + url.PathEscape(typeID)}, &t)
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, a := range t.Attributes.Data {
		if !a.Archived && sameName(a.Name, p.Name) {
			return string(a.ID), nil
		}
	}
	return "", nil
}

func (x *exec) findTicket(ctx context.Context) (string, error) {
	var p ticketPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	var title *string
	if raw, ok := p.TicketAttributes["_default_title_"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			title = &s
		}
	}
	var found string
	err = x.search(ctx, "/tickets", contact, p.CreatedAt, func(page json.RawMessage) (bool, error) {
		var list struct {
			Tickets []struct {
				ID               flexID                     `json:"id"`
				CreatedAt        int64                      `json:"created_at"`
				TicketAttributes map[string]json.RawMessage `json:"ticket_attributes"`
			} `json:"tickets"`
		}
		if err := json.Unmarshal(page, &list); err != nil {
			return false, err
		}
		for _, t := range list.Tickets {
			if p.CreatedAt != nil && t.CreatedAt != *p.CreatedAt {
				continue
			}
			if title != nil {
				var got string
				_ = json.Unmarshal(t.TicketAttributes["_default_title_"], &got)
				if !sameBody(got, *title) {
					continue
				}
			}
			found = string(t.ID)
			return true, nil
		}
		return false, nil
	})
	return found, err
}

func (x *exec) findConversation(ctx context.Context) (string, error) {
	var p conversationPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	var found string
	err = x.search(ctx, "/conversations", contact, p.CreatedAt, func(page json.RawMessage) (bool, error) {
		var list struct {
			Conversations []struct {
				ID        flexID `json:"id"`
				CreatedAt int64  `json:"created_at"`
				Source    struct {
					Body string `json:"body"`
				} `json:"source"`
			} `json:"conversations"`
		}
		if err := json.Unmarshal(page, &list); err != nil {
			return false, err
		}
		for _, cv := range list.Conversations {
			if (p.CreatedAt == nil || cv.CreatedAt == *p.CreatedAt) && sameBody(cv.Source.Body, p.Body) {
				found = string(cv.ID)
				return true, nil
			}
		}
		return false, nil
	})
	return found, err
}

// searchFilter is one filter of Intercom's search query.
type searchFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

type searchRequest struct {
	Query struct {
		Operator string         `json:"operator"`
		Value    []searchFilter `json:"value"`
	} `json:"query"`
	Pagination struct {
		PerPage       int    `json:"per_page"`
		StartingAfter string `json:"starting_after,omitempty"`
	} `json:"pagination"`
}

// search pages through POST <coll>/search for the contact's records created at createdAt (all of
// the contact's when a 400 says the created_at filter is not accepted), handing each page to
// match until it reports a match.
func (x *exec) search(ctx context.Context, coll, contactID string, createdAt *int64, match func(json.RawMessage) (bool, error)) error {
	filters := []searchFilter{{Field: "contact_ids", Operator: "=", Value: contactID}}
	if createdAt != nil {
		filters = append(filters, searchFilter{Field: "created_at", Operator: "=", Value: *createdAt})
	}
	var req searchRequest
	req.Query.Operator = "AND"
	req.Query.Value = filters
	req.Pagination.PerPage = 150
	for range maxSearchPages {
		var page json.RawMessage
		// A search only reads: safe to send again.
		err := x.send(ctx, &call{method: http.MethodPost, route: coll + "/search", path: coll + "/search", body: req, idempotent: true}, &page)
		var oe *load.OpError
		if errors.As(err, &oe) && oe.Status == http.StatusBadRequest && len(req.Query.Value) > 1 {
			req.Query.Value = req.Query.Value[:1]
			req.Pagination.StartingAfter = ""
			continue
		}
		if err != nil {
			return err
		}
		ok, err := match(page)
		if err != nil {
			return fmt.Errorf("intercom: POST %s/search: reading the answer: %w", coll, err)
		}
		if ok {
			return nil
		}
		var pages struct {
			Pages struct {
				Next *struct {
					StartingAfter string `json:"starting_after"`
				} `json:"next"`
			} `json:"pages"`
		}
		_ = json.Unmarshal(page, &pages)
		if pages.Pages.Next == nil || pages.Pages.Next.StartingAfter == "" || pages.Pages.Next.StartingAfter == req.Pagination.StartingAfter {
			return nil
		}
		req.Pagination.StartingAfter = pages.Pages.Next.StartingAfter
	}
	return nil
}

func (x *exec) findPart(ctx context.Context) (string, error) {
	var p partPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	coll, ok := parentPath(p.Parent)
	if !ok {
		return "", x.invalid("parent is %q; want ticket or conversation", p.Parent)
	}
	parent, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	author, err := x.partAuthor(&p)
	if err != nil {
		return "", err
	}
	var out partsAnswer
	err = x.send(ctx, &call{method: http.MethodGet, route: coll + "/{id}", path: coll + "/" + url.PathEscape(parent)}, &out)
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return findPart(out.parts(), &p, author), nil
}

func notFound(err error) bool {
	var oe *load.OpError
	return errors.As(err, &oe) && oe.Status == http.StatusNotFound
}

// sameName compares names as Intercom does for tags: case-insensitive, around white space.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
