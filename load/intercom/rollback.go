package intercom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/deskport/deskport/load"
)

var _ load.Undoer = (*Client)(nil)

// undoRule is how the result of one kind of op goes away in Intercom (reference: Deleting).
type undoRule struct {
	// collection is the path of DELETE {collection}/{id}; empty when Intercom cannot delete it.
	collection string
	// parentField names the payload field whose op takes this one with it when deleted.
	parentField string
	// reason says why it stays otherwise.
	reason string
}

// undoRules is the table rollback follows, one row per kind the plan has. The knowledge base's
// kinds join it as their loader lands: DELETE /articles/{id} and /help_center/collections/{id}.
var undoRules = map[string]undoRule{
	kindContact:      {collection: "/contacts"},
	kindCompany:      {collection: "/companies"},
	kindTicket:       {collection: "/tickets"},
	kindConversation: {collection: "/conversations"},
	// 400 tag_has_dependent_objects while anything still carries it: tickets go first.
	kindTag:                {collection: "/tags"},
	"article":              {collection: "/articles"},
	"collection":           {collection: "/help_center/collections"},
	kindPart:               {parentField: "parent_ref", reason: "Intercom's API cannot delete a reply or note; it goes only with its ticket or conversation"},
	kindTicketState:        {parentField: "parent_ref", reason: "a state change cannot be undone through Intercom's API"},
	kindTicketUpdate:       {parentField: "parent_ref", reason: "an update cannot be undone through Intercom's API"},
	kindConversationUpdate: {parentField: "parent_ref", reason: "an update cannot be undone through Intercom's API"},
	kindTagging:            {parentField: "parent_ref", reason: "the tag stays on a record this run did not create"},
	kindContactCompany:     {parentField: "contact_ref", reason: "the membership stays on a contact this run did not create"},
	kindContactUpdate:      {parentField: "contact_ref", reason: "an update cannot be undone through Intercom's API"},
	"article_update":       {parentField: "article_ref", reason: "an update cannot be undone through Intercom's API"},
	kindTicketType:         {reason: "Intercom cannot delete ticket types; the next load reuses it"},
	kindTicketAttribute:    {reason: "Intercom cannot delete ticket type attributes; the next load reuses it"},
	"data_attribute":       {reason: "Intercom cannot delete data attributes (only archive them); the next load reuses it"},
}

// Kinds of the lifecycle that rollback and verify know of.
const (
	kindTicketUpdate       = "ticket_update"
	kindConversationUpdate = "conversation_update"
	kindContactUpdate      = "contact_update"
)

// HowToUndo says how op's result goes away: by a DELETE of its own, with its parent, or not.
func (c *Client) HowToUndo(op load.Op) load.Undo {
	rule, ok := undoRules[op.Kind]
	if !ok {
		return load.Undo{Reason: "rollback does not know the kind " + op.Kind}
	}
	if rule.collection != "" {
		return load.Undo{Delete: true}
	}
	u := load.Undo{Reason: rule.reason}
	if rule.parentField != "" && len(op.Payload) > 0 {
		var fields map[string]json.RawMessage
		var parent string
		if json.Unmarshal(op.Payload, &fields) == nil && json.Unmarshal(fields[rule.parentField], &parent) == nil {
			u.WithParent = parent
		}
	}
	return u
}

// Delete removes targetID with DELETE {collection}/{id}. DELETE is idempotent: the transport
// sends it again after a lost answer, and a second try answers 404, which rollback counts as gone.
func (c *Client) Delete(ctx context.Context, op load.Op, targetID string) error {
	rule := undoRules[op.Kind]
	if rule.collection == "" {
		return &load.OpError{Code: "not_deletable", Message: "Intercom cannot delete a " + op.Kind}
	}
	x := &exec{c: c, op: op}
	return x.send(ctx, &call{method: http.MethodDelete, route: rule.collection + "/{id}",
		path: rule.collection + "/" + url.PathEscape(targetID)}, nil)
}

// SetRateLog makes the client record every answer's X-RateLimit-Remaining and -Limit in log, for
// the report's chart of budget use. Call it before the client is used.
func (c *Client) SetRateLog(log *load.RateLog) { c.rate = log }

// observeRate feeds the rate log from an answer's headers.
func (c *Client) observeRate(resp *http.Response) {
	if c.rate == nil {
		return
	}
	remaining, rerr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	limit, lerr := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	c.rate.Observe(remaining, limit, rerr == nil && lerr == nil)
}
