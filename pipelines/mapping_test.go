package pipelines

import (
	"reflect"
	"strings"
	"testing"

	"github.com/deskport/deskport/transform"
)

// testSides is a small source and target: two agents, two groups, two ticket fields, a contact
// field; admins, a team, states and attributes.
func testSides() *sides {
	return &sides{
		agents:      []sourceAgent{{"21", "Grace", "grace@acme.example"}, {"22", "Linus", "linus@acme.example"}},
		groups:      []named{{"31", "Tier 1"}, {"32", "Billing"}},
		fields:      []sourceField{{"501", "Order number", "integer"}, {"502", "Memo", "text"}},
		values:      map[string][]string{"status": {"open", "hold"}, "priority": {"low", "urgent"}, "type": {"incident", "question", "task"}},
		customKeys:  map[string][]string{"contact": {"tier"}, "company": {"plan"}},
		admins:      map[string]string{"grace@acme.example": "Grace", "lead@acme.example": "Lead"},
		teams:       map[string]string{"first line": "First line"},
		states:      []targetState{{"5", "in_progress", "In progress"}, {"15", "in_progress", "Waiting on engineering"}},
		ticketAttrs: map[string]bool{"priority": true, "order number": true}, ticketAttrTypes: map[string]string{},
		dataAttrs:  map[string]map[string]bool{"contact": {}, "company": {"plan": true}},
		ticketType: "Support ticket", ticketTypes: map[string]string{"incident": "Incident"},
	}
}

func TestResolveMapping(t *testing.T) {
	good := `
mapping:
  agents:
    Grace@acme.example: lead@acme.example
    linus@acme.example: ""
  groups:
    Tier 1: first line
  statuses:
    hold: Waiting on engineering
    open:
  ticket_types:
    incident: incident
    task: {name: Back office, create: true}
    question:
  priorities:
    attribute: Priority
    values: {urgent: P1}
  channels: {attribute: Source channel, create: true}
  fields:
    Order number: {attribute: Order number, default: "0"}
    "502": {skip: true}
  contact_fields:
    tier: {attribute: Tier, create: true, type: string, default: standard}
  company_fields:
    plan: Plan
`
	p, err := Parse("acme.yaml", []byte(minimalFile+good))
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.resolveMapping(testSides())
	if err != nil {
		t.Fatal(err)
	}
	want := transform.Mapping{
		Agents: []transform.AgentMap{{Source: "grace@acme.example", AdminEmail: "lead@acme.example"},
			{Source: "linus@acme.example", AdminEmail: ""}},
		Groups:   []transform.GroupMap{{Source: "Tier 1", Team: "first line"}},
		Statuses: []transform.StatusMap{{Source: "hold", State: "Waiting on engineering"}},
		Properties: []transform.PropertyMap{{Property: "priority", Attribute: "Priority"},
			{Property: "channel", Attribute: "Source channel", Create: true}},
		Values: []transform.ValueMap{{Property: "priority", Source: "urgent", Target: "P1"}},
		TicketTypes: []transform.TicketTypeMap{{Source: "incident", TicketType: "incident"},
			{Source: "task", TicketType: "Back office", Create: true}},
		Fields: []transform.FieldMap{
			{Model: "ticket", Source: "Order number", Attribute: "Order number", Default: "0"},
			{Model: "ticket", Source: "502", Skip: true},
			{Model: "contact", Source: "tier", Attribute: "Tier", Create: true, Default: "standard", DataType: "string"},
			{Model: "company", Source: "plan", Attribute: "Plan"},
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("mapping\n%+v\nwant\n%+v", m, want)
	}
}

// TestResolveMappingErrors: every unknown name is reported at once, each with its line.
func TestResolveMappingErrors(t *testing.T) {
	bad := `
mapping:
  agents:
    grace@acme.example: nobody@acme.example
    ghost@acme.example: lead@acme.example
  groups:
    Tier 1: Second line
  statuses:
    hold: Parked
  ticket_types: {incident: Problem, bug: Incident}
  types: {attribute: Type}
  fields:
    Memo: {attribute: Notes}
    Colour: {attribute: Colour, create: true}
  contact_fields:
    tier: {attribute: Tier}
    size: {attribute: Size, create: true, type: number}
  teams: {}
`
	p, err := Parse("acme.yaml", []byte(minimalFile+bad))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.resolveMapping(testSides())
	if err == nil {
		t.Fatal("no error")
	}
	base := strings.Count(minimalFile, "\n")
	want := []struct {
		line int
		text string
	}{
		{4, `mapping.agents.grace@acme.example: no admin with the email "nobody@acme.example" in the target workspace; did you mean "lead@acme.example"?`},
		{5, "mapping.agents.ghost@acme.example: no source agent with this email or id in staging"},
		{7, `mapping.groups.Tier 1: no team named "Second line" in the target workspace`},
		{9, `mapping.statuses.hold: no ticket state "Parked" in the target workspace`},
		{10, `mapping.ticket_types.incident: no ticket type "Problem" in the target workspace`},
		{10, "mapping.ticket_types.bug: no ticket in staging has this type"},
		{11, `mapping.types.attribute: ticket type "Support ticket" has no attribute "Type": add create: true to create it`},
		{13, `mapping.fields.Memo: ticket type "Support ticket" has no attribute "Notes"`},
		{14, "mapping.fields.Colour: no active source ticket field with this title or id in staging"},
		{16, `mapping.contact_fields.tier: the workspace has no contact data attribute "Tier": add create: true`},
		{17, "mapping.contact_fields.size: no contact in staging has a custom field \"size\""},
		{17, `mapping.contact_fields.size.type: "number": want string, integer, float, boolean, date or datetime`},
		{18, "mapping.teams: unknown key"},
	}
	got := Problems(err)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || (g.Line == base+w.line && strings.Contains(g.Error(), w.text))
		}
		if !found {
			t.Errorf("no problem at line %d with %q in:\n%v", base+w.line, w.text, err)
		}
	}
}
