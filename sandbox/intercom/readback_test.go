package intercom

import "testing"

// The read-back functions return deep copies: changing them changes
// nothing in the simulator.
func TestReadBackIsACopy(t *testing.T) {
	e := newEnv(t, nil)
	e.ok("POST", "/data_attributes", map[string]any{"name": "tier", "model": "contact", "data_type": "string"})
	ct := e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": "c1", "custom_attributes": map[string]any{"tier": "gold"}}).str("id")
	conv := e.conversation(ct, "hi", 1500000000)
	e.ok("POST", "/conversations/"+conv+"/reply", adminReply("101", "hello", 1500000001))
	id := e.ticket(e.ticketType("Bug", "Customer"), ct, "title", 1500000000)
	tag := e.ok("POST", "/tags", map[string]any{"name": "t"}).str("id")
	e.ok("POST", "/tickets/"+id+"/tags", map[string]any{"id": tag, "admin_id": "101"})
	e.ok("POST", "/companies", map[string]any{"company_id": "org"})

	contacts, convs, tickets, types := e.srv.Contacts(), e.srv.Conversations(), e.srv.Tickets(), e.srv.TicketTypes()
	contacts[0].CustomAttributes["tier"] = "changed"
	convs[0].Parts[0].Body = "changed"
	tickets[0].Attributes[titleAttribute] = "changed"
	tickets[0].TagIDs[0] = "changed"
	types[0].Attributes[0].Name = "changed"

	if e.srv.Contacts()[0].CustomAttributes["tier"] != "gold" || e.srv.Conversations()[0].Parts[0].Body != "hello" ||
		e.srv.Tickets()[0].Title() != "title" || e.srv.Tickets()[0].TagIDs[0] != tag ||
		e.srv.TicketTypes()[0].Attributes[0].Name != titleAttribute {
		t.Fatal("read-back shares memory with the simulator")
	}
	if len(e.srv.Companies()) != 1 || len(e.srv.Tags()) != 1 || len(e.srv.TicketStates()) != 4 || len(e.srv.DataAttributes()) == 0 {
		t.Fatal("read-back lists incomplete")
	}
}
