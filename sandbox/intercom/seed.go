package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// SeedSpec describes a workspace for tests that read Intercom as a source. Everything is
// created through the simulated API itself (in process, no socket), so it is stored and rendered
// exactly as records a migration created would be.
type SeedSpec struct {
	Contacts      int   // every third is a lead, the others users
	Companies     int   // each attached to a contact (Intercom lists a company only then)
	Conversations int   // each from a contact, with PartsPer parts after its opening message
	PartsPer      int   // contact replies, admin replies, notes, and a close as the last part
	LongThread    int   // parts of one more conversation (600 passes Intercom's 500); 0: none
	Tickets       int   // of one ticket type, each with one admin reply
	CreatedAt     int64 // created_at of the first record; later ones a minute apart [2024-01-01]
}

// Seeded is what Seed created, by kind, in creation order.
type Seeded struct {
	Contacts, Leads, Companies, Conversations, Tickets []string
	LongThread                                         string // "" unless SeedSpec.LongThread
	TicketType                                         string
}

// Seed fills the workspace through its own API. The server must not be rate limited so tightly
// that the seeding itself is refused.
func Seed(s *Server, spec SeedSpec) (Seeded, error) {
	sd := seeder{s: s, at: spec.CreatedAt}
	if sd.at == 0 {
		sd.at = 1704067200
	}
	var out Seeded
	if spec.Contacts > 0 {
		sd.dataAttributes()
	}
	for i := range spec.Contacts {
		role := "user"
		if i%3 == 2 {
			role = "lead"
		}
		ext := "seed-contact-" + strconv.Itoa(i)
		id := sd.id("POST", "/contacts", obj{"role": role, "external_id": ext, "email": ext + "@customer.test",
			"name": "Seed Contact " + strconv.Itoa(i), "signed_up_at": sd.next(), "custom_attributes": contactAttributes(i)})
		out.Contacts = append(out.Contacts, id)
		if role == "lead" {
			out.Leads = append(out.Leads, id)
		}
	}
	if len(out.Contacts) == 0 && (spec.Companies > 0 || spec.Conversations > 0 || spec.Tickets > 0 || spec.LongThread > 0) {
		return out, fmt.Errorf("seed: companies, conversations and tickets need at least one contact")
	}
	for i := range spec.Companies {
		id := sd.id("POST", "/companies", obj{"company_id": "seed-company-" + strconv.Itoa(i),
			"name": "Seed Company " + strconv.Itoa(i), "remote_created_at": sd.next(), "website": "https://c" + strconv.Itoa(i) + ".example.test",
			"custom_attributes": obj{"account_tier": []string{"Bronze", "Silver", "Gold"}[i%3]}})
		sd.call("POST", "/contacts/"+out.Contacts[i%len(out.Contacts)]+"/companies", obj{"id": id})
		out.Companies = append(out.Companies, id)
	}
	for i := range spec.Conversations {
		out.Conversations = append(out.Conversations, sd.conversation(out.Contacts[i%len(out.Contacts)], spec.PartsPer))
	}
	if spec.LongThread > 0 {
		out.LongThread = sd.conversation(out.Contacts[0], spec.LongThread)
	}
	if spec.Tickets > 0 {
		out.TicketType = sd.id("POST", "/ticket_types", obj{"name": "Seed bug", "category": "Customer"})
	}
	for i := range spec.Tickets {
		id := sd.id("POST", "/tickets", obj{"ticket_type_id": out.TicketType,
			"contacts":          []any{obj{"id": out.Contacts[i%len(out.Contacts)]}},
			"ticket_attributes": obj{titleAttribute: "Seed ticket " + strconv.Itoa(i), descriptionAttribute: "Seeded"},
			"created_at":        sd.next()})
		sd.call("POST", "/tickets/"+id+"/reply", sd.adminPart("comment", "Looking into it"))
		out.Tickets = append(out.Tickets, id)
	}
	return out, sd.err
}

// seeder sends requests to the server in process and keeps the first error.
type seeder struct {
	s   *Server
	at  int64
	err error
}

// dataAttributes defines the custom attributes seeded contacts and companies carry, as a
// workspace's teams do: a subscription plan and seats (a Zendesk account of the generator has
// user fields for them), a referral code (it has none) and the company's account tier.
func (sd *seeder) dataAttributes() {
	for _, a := range []obj{
		{"model": "contact", "name": "subscription_plan", "data_type": "string"},
		{"model": "contact", "name": "seats", "data_type": "integer"},
		{"model": "contact", "name": "referral_code", "data_type": "string"},
		{"model": "company", "name": "account_tier", "data_type": "string"},
	} {
		sd.call("POST", "/data_attributes", a)
	}
}

// contactAttributes are contact i's custom attributes: every contact has a plan, users seats,
// every fourth a referral code.
func contactAttributes(i int) obj {
	attrs := obj{"subscription_plan": []string{"Free", "Pro", "Enterprise"}[i%3]}
	if i%3 != 2 {
		attrs["seats"] = i%7 + 1
	}
	if i%4 == 0 {
		attrs["referral_code"] = "REF-" + strconv.Itoa(1000+i)
	}
	return attrs
}

func (sd *seeder) next() int64 { sd.at += 60; return sd.at }

func (sd *seeder) call(method, path string, body obj) obj {
	if sd.err != nil {
		return nil
	}
	b, _ := json.Marshal(body) // maps of strings and numbers always marshal
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+sd.s.opts.Token)
	req.Header.Set("Intercom-Version", Version)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	sd.s.ServeHTTP(rec, req)
	var out obj
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		sd.err = fmt.Errorf("seed: %s %s: %d %s", method, path, rec.Code, rec.Body.Bytes())
		return nil
	}
	return out
}

func (sd *seeder) id(method, path string, body obj) string {
	s, _ := sd.call(method, path, body)["id"].(string)
	return s
}

func (sd *seeder) adminPart(kind, body string) obj {
	return obj{"message_type": kind, "type": "admin", "admin_id": sd.s.opts.Admins[0].ID, "body": body, "created_at": sd.next()}
}

// conversation opens a conversation from contact and adds parts: contact replies, admin replies
// and notes in turn, the last part a close.
func (sd *seeder) conversation(contact string, parts int) string {
	msg := sd.call("POST", "/conversations", obj{"from": obj{"type": "user", "id": contact},
		"body": "<p>Help, please</p>", "created_at": sd.next()})
	id, _ := msg["conversation_id"].(string)
	for p := range parts {
		if p >= apiParts && p < parts-1 {
			sd.appendPart(id, contact, p)
			continue
		}
		var body obj
		switch {
		case p == parts-1:
			body = obj{"message_type": "close", "type": "admin", "admin_id": sd.s.opts.Admins[0].ID, "body": "Closing"}
			sd.call("POST", "/conversations/"+id+"/parts", body)
			continue
		case p%3 == 0:
			body = obj{"message_type": "comment", "type": "user", "intercom_user_id": contact,
				"body": "Reply " + strconv.Itoa(p), "created_at": sd.next()}
		case p%3 == 1:
			body = sd.adminPart("comment", "Answer "+strconv.Itoa(p))
		default:
			body = sd.adminPart("note", "Note "+strconv.Itoa(p))
		}
		sd.call("POST", "/conversations/"+id+"/reply", body)
	}
	return id
}

// apiParts is how many parts of a thread go through the reply endpoint. Each reply answers with
// the whole thread, so 600 of them would render 300,000 parts; the rest are appended as the
// reply endpoint appends them (same numbering, authors, timestamps and state).
const apiParts = 10

func (sd *seeder) appendPart(convID, contact string, p int) {
	if sd.err != nil {
		return
	}
	s := sd.s
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, ok := s.st.conversations.get(convID)
	if !ok {
		sd.err = fmt.Errorf("seed: conversation %s is gone", convID)
		return
	}
	part := Part{PartType: "comment", AuthorType: "admin", AuthorID: s.opts.Admins[0].ID,
		Body: "Answer " + strconv.Itoa(p), CreatedAt: sd.next(), State: conv.State}
	switch p % 3 {
	case 0:
		ct, _ := s.st.contacts.get(contact)
		part.AuthorType, part.AuthorID, part.Body = ct.Role, contact, "Reply "+strconv.Itoa(p)
	case 2:
		part.PartType, part.Body = "note", "Note "+strconv.Itoa(p)
	}
	conv.Parts, _ = s.addPart(conv.ID, conv.Parts, part)
	conv.UpdatedAt = s.opts.Now().Unix()
}

// SeedChanges names records to change after seeding, as a workspace changes between two extracts.
type SeedChanges struct {
	Contacts      []string // renamed
	Conversations []string // get one more contact reply
	Tickets       []string // get one more admin reply
}

// Change applies ch through the API; every changed record's updated_at becomes the server's now.
func Change(s *Server, ch SeedChanges) error {
	sd := seeder{s: s, at: s.opts.Now().Unix()}
	for _, id := range ch.Contacts {
		sd.call("PUT", "/contacts/"+id, obj{"name": "Renamed " + id})
	}
	for _, id := range ch.Conversations {
		var contact string
		s.mu.Lock()
		if conv, ok := s.st.conversations.get(id); ok && len(conv.ContactIDs) > 0 {
			contact = conv.ContactIDs[0]
		}
		s.mu.Unlock()
		sd.call("POST", "/conversations/"+id+"/reply", obj{"message_type": "comment", "type": "user",
			"intercom_user_id": contact, "body": "One more thing", "created_at": sd.next()})
	}
	for _, id := range ch.Tickets {
		sd.call("POST", "/tickets/"+id+"/reply", sd.adminPart("comment", "Update"))
	}
	return sd.err
}
