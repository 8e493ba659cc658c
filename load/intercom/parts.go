package intercom

import (
	"html"
	"regexp"
	"strings"
)

// partJSON is a conversation_part or ticket_part as Intercom returns it.
type partJSON struct {
	Type      string `json:"type"`
	ID        flexID `json:"id"`
	PartType  string `json:"part_type"`
	Body      string `json:"body"`
	CreatedAt int64  `json:"created_at"`
	Author    struct {
		Type string `json:"type"`
		ID   flexID `json:"id"`
	} `json:"author"`
	Attachments []struct {
		Name string `json:"name"`
	} `json:"attachments"`
}

// partsAnswer is the answer of a reply, or a ticket or conversation read back: a ticket reply
// answers with the ticket_part it created; a conversation reply with the whole conversation.
type partsAnswer struct {
	partJSON
	ConversationParts *struct {
		Parts []partJSON `json:"conversation_parts"`
	} `json:"conversation_parts"`
	TicketParts *struct {
		Parts []partJSON `json:"ticket_parts"`
	} `json:"ticket_parts"`
}

func (a *partsAnswer) parts() []partJSON {
	switch {
	case a.ConversationParts != nil:
		return a.ConversationParts.Parts
	case a.TicketParts != nil:
		return a.TicketParts.Parts
	}
	return nil
}

// partID names the part a reply created: the answer itself when it is a part (tickets); otherwise
// (conversations) the newest part of the answer's list that is ours (findPart), or failing that
// the newest of our author, kind and time (Intercom may rewrite a body), or failing that the
// newest part. Newest is last in the list: parts are listed in the order they were added, while
// their created_at is the imported time.
func (a *partsAnswer) partID(p *partPayload, authorID string) string {
	if a.ConversationParts == nil && a.TicketParts == nil && a.ID != "" &&
		(a.Type == "ticket_part" || a.Type == "conversation_part" || a.PartType != "") {
		return string(a.ID)
	}
	parts := a.parts()
	if m := findPart(parts, p, authorID); m != "" {
		return m
	}
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].ID != "" && p.sameOrigin(&parts[i], authorID) {
			return string(parts[i].ID)
		}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].ID != "" {
			return string(parts[i].ID)
		}
	}
	return ""
}

// findPart returns the id of the newest part that is ours: same author, kind, time, body, and
// the files we uploaded.
func findPart(parts []partJSON, p *partPayload, authorID string) string {
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].ID != "" && p.matches(&parts[i], authorID) {
			return string(parts[i].ID)
		}
	}
	return ""
}

// sameOrigin says whether x has our part's author, kind and time.
func (p *partPayload) sameOrigin(x *partJSON, authorID string) bool {
	switch {
	case string(x.Author.ID) != authorID:
		return false
	case p.AuthorType == "admin" && x.Author.Type != "" && x.Author.Type != "admin":
		return false
	case p.AuthorType == "user" && x.Author.Type == "admin":
		return false
	case x.PartType != "" && x.PartType != p.MessageType:
		return false
	case p.CreatedAt != nil && x.CreatedAt != *p.CreatedAt:
		return false
	}
	return true
}

// matches says whether x is our part: same origin and body, and every file we uploaded is among
// its attachments (files sent by URL are named by Intercom, so only their number is compared).
func (p *partPayload) matches(x *partJSON, authorID string) bool {
	if !p.sameOrigin(x, authorID) || !sameBody(x.Body, p.Body) || len(x.Attachments) != len(p.Attachments) {
		return false
	}
	names := map[string]int{}
	for _, a := range x.Attachments {
		names[a.Name]++
	}
	for _, a := range p.Attachments {
		if a.Download {
			if names[a.FileName] == 0 {
				return false
			}
			names[a.FileName]--
		}
	}
	return true
}

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	breaks = regexp.MustCompile(`(?i)<\s*(br|/p|/div|/li|/h[1-6])\b[^>]*>`)
)

// sameBody compares bodies as text: Intercom wraps plain text in <p> and may rewrite HTML, so
// tags, entities and white space are left out of the comparison.
func sameBody(a, b string) bool { return bodyText(a) == bodyText(b) }

func bodyText(s string) string {
	s = breaks.ReplaceAllString(s, " ")
	s = tags.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
