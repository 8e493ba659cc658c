package intercom

import (
	"slices"
	"strconv"
	"strings"
)

func (s *Server) registerTicketTypes() {
	s.handle("GET /ticket_types", s.listTicketTypes)
	s.handle("POST /ticket_types", s.createTicketType)
	s.handle("GET /ticket_types/{id}", s.getTicketType)
	s.handle("PUT /ticket_types/{id}", s.updateTicketType)
	s.handle("POST /ticket_types/{id}/attributes", s.createTicketTypeAttribute)
}

// The attributes every ticket type has.
const (
	titleAttribute       = "_default_title_"
	descriptionAttribute = "_default_description_"
)

var ticketCategories = []string{"Customer", "Back-office", "Tracker"}

var ticketAttributeTypes = []string{"string", "list", "integer", "decimal", "boolean", "datetime", "files"}

type ticketTypeRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Category    *string `json:"category"`
	Icon        *string `json:"icon"`
	IsInternal  *bool   `json:"is_internal"`
}

func (s *Server) listTicketTypes(c *call) (any, error) {
	data := make([]obj, 0, s.st.ticketTypes.len())
	for _, e := range s.st.ticketTypes.order {
		data = append(data, s.renderTicketType(e.v))
	}
	return obj{"type": "list", "data": data}, nil
}

func (s *Server) createTicketType(c *call) (any, error) {
	var req ticketTypeRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(str(req.Name)) == "" {
		return nil, badRequest("parameter_missing", "name is required").onField("name")
	}
	tt := &TicketType{Category: "Customer", Icon: "🎟️", CreatedAt: c.now}
	if err := applyTicketType(tt, req, c.now); err != nil {
		return nil, err
	}
	st := s.st
	tt.ID = st.numericID("ticket_type", 80)
	tt.Attributes = []TicketTypeAttribute{
		st.defaultAttribute(titleAttribute, "Title", false, c.now),
		st.defaultAttribute(descriptionAttribute, "Description", true, c.now),
	}
	st.ticketTypes.add(st.nextSeq(), tt.ID, tt)
	if st.seenBefore(tt.ID, "ticket_type", strings.ToLower(tt.Name)) {
		s.stats.duplicate("ticket_type")
	}
	s.stats.created("ticket_type")
	return s.renderTicketType(tt), nil
}

func applyTicketType(tt *TicketType, req ticketTypeRequest, now int64) error {
	if req.Category != nil && !slices.Contains(ticketCategories, *req.Category) {
		return invalid("category must be Customer, Back-office or Tracker, not %q", *req.Category).onField("category")
	}
	setIf(&tt.Name, req.Name)
	setIf(&tt.Description, req.Description)
	setIf(&tt.Category, req.Category)
	setIf(&tt.Icon, req.Icon)
	setIf(&tt.IsInternal, req.IsInternal)
	tt.UpdatedAt = now
	return nil
}

// defaultAttribute is _default_title_ or _default_description_. Their
// required_to_create is a rule of the Inbox UI, not of the API.
func (st *state) defaultAttribute(name, description string, multiline bool, now int64) TicketTypeAttribute {
	return TicketTypeAttribute{
		ID: st.numericID("ticket_attribute", 190), Name: name, Description: description, DataType: "string",
		RequiredToCreate: true, VisibleOnCreate: true, VisibleToContacts: true, Multiline: multiline,
		Default: true, CreatedAt: now,
	}
}

func (s *Server) ticketType(id string) (*TicketType, error) {
	tt, ok := s.st.ticketTypes.get(id)
	if !ok {
		return nil, notFound("not_found", "Ticket type not found")
	}
	return tt, nil
}

func (s *Server) getTicketType(c *call) (any, error) {
	tt, err := s.ticketType(c.id())
	if err != nil {
		return nil, err
	}
	return s.renderTicketType(tt), nil
}

func (s *Server) updateTicketType(c *call) (any, error) {
	tt, err := s.ticketType(c.id())
	if err != nil {
		return nil, err
	}
	var req ticketTypeRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := applyTicketType(tt, req, c.now); err != nil {
		return nil, err
	}
	return s.renderTicketType(tt), nil
}

type ticketAttributeRequest struct {
	Name                        *string `json:"name"`
	Description                 *string `json:"description"`
	DataType                    string  `json:"data_type"`
	RequiredToCreate            bool    `json:"required_to_create"`
	RequiredToCreateForContacts bool    `json:"required_to_create_for_contacts"`
	VisibleOnCreate             *bool   `json:"visible_on_create"`
	VisibleToContacts           *bool   `json:"visible_to_contacts"`
	Multiline                   bool    `json:"multiline"`
	ListItems                   string  `json:"list_items"` // comma separated
	AllowMultipleValues         bool    `json:"allow_multiple_values"`
}

func (s *Server) createTicketTypeAttribute(c *call) (any, error) {
	tt, err := s.ticketType(c.id())
	if err != nil {
		return nil, err
	}
	var req ticketAttributeRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	a, err := s.newTicketAttribute(req, c.now)
	if err != nil {
		return nil, err
	}
	if tt.attribute(a.Name) != nil {
		s.stats.duplicate("ticket_attribute")
	}
	tt.Attributes = append(tt.Attributes, a)
	tt.UpdatedAt = c.now
	s.stats.created("ticket_attribute")
	return s.renderTicketAttribute(tt, a), nil
}

func (s *Server) newTicketAttribute(req ticketAttributeRequest, now int64) (TicketTypeAttribute, error) {
	switch {
	case strings.TrimSpace(str(req.Name)) == "":
		return TicketTypeAttribute{}, badRequest("parameter_missing", "name is required").onField("name")
	case !slices.Contains(ticketAttributeTypes, req.DataType):
		return TicketTypeAttribute{}, invalid("data_type must be one of %s, not %q", strings.Join(ticketAttributeTypes, ", "), req.DataType).onField("data_type")
	}
	a := TicketTypeAttribute{
		ID: s.st.numericID("ticket_attribute", 190), Name: *req.Name, Description: str(req.Description),
		DataType: req.DataType, RequiredToCreate: req.RequiredToCreate,
		RequiredToCreateForContacts: req.RequiredToCreateForContacts,
		VisibleOnCreate:             req.VisibleOnCreate == nil || *req.VisibleOnCreate,
		VisibleToContacts:           req.VisibleToContacts == nil || *req.VisibleToContacts,
		Multiline:                   req.Multiline, AllowMultipleValues: req.AllowMultipleValues, CreatedAt: now,
	}
	if req.DataType == "list" {
		a.ListItems = splitList(req.ListItems)
		if len(a.ListItems) == 0 {
			return TicketTypeAttribute{}, invalid("a list attribute needs list_items").onField("list_items")
		}
	}
	return a, nil
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (tt *TicketType) attribute(name string) *TicketTypeAttribute {
	for i := range tt.Attributes {
		if tt.Attributes[i].Name == name {
			return &tt.Attributes[i]
		}
	}
	return nil
}

// renderTicketType is the ticket_type schema. Attributes come as
// {type: list, data}, as in the description's examples of real responses
// (its schema names the array ticket_type_attributes).
func (s *Server) renderTicketType(tt *TicketType) obj {
	o := renderTicketTypeSummary(tt)
	attrs := make([]obj, 0, len(tt.Attributes))
	for _, a := range tt.Attributes {
		attrs = append(attrs, s.renderTicketAttribute(tt, a))
	}
	o["workspace_id"] = s.opts.WorkspaceID
	o["ticket_type_attributes"] = obj{"type": "list", "data": attrs}
	states := make([]obj, 0, len(s.st.states))
	for _, ts := range s.st.states {
		states = append(states, renderTicketState(ts))
	}
	o["ticket_states"] = obj{"type": "list", "data": states}
	return o
}

func renderTicketTypeSummary(tt *TicketType) obj {
	return obj{
		"type": "ticket_type", "id": tt.ID, "category": tt.Category, "name": tt.Name,
		"description": tt.Description, "icon": tt.Icon, "archived": false, "is_internal": tt.IsInternal,
		"created_at": tt.CreatedAt, "updated_at": tt.UpdatedAt,
	}
}

func (s *Server) renderTicketAttribute(tt *TicketType, a TicketTypeAttribute) obj {
	typeID, _ := strconv.ParseInt(tt.ID, 10, 64)
	return obj{
		"type": "ticket_type_attribute", "id": a.ID, "workspace_id": s.opts.WorkspaceID,
		"name": a.Name, "description": a.Description, "data_type": a.DataType,
		"input_options": inputOptions(a), "order": slices.IndexFunc(tt.Attributes, func(b TicketTypeAttribute) bool { return b.ID == a.ID }),
		"required_to_create": a.RequiredToCreate, "required_to_create_for_contacts": a.RequiredToCreateForContacts,
		"visible_on_create": a.VisibleOnCreate, "visible_to_contacts": a.VisibleToContacts,
		"default": a.Default, "ticket_type_id": typeID, "archived": false,
		"created_at": a.CreatedAt, "updated_at": a.CreatedAt,
	}
}

func inputOptions(a TicketTypeAttribute) any {
	switch {
	case a.DataType == "list":
		opts := make([]obj, 0, len(a.ListItems))
		for i, item := range a.ListItems {
			opts = append(opts, obj{"id": a.ID + "-" + strconv.Itoa(i), "label": item, "archived": false})
		}
		return obj{"list_options": opts}
	case a.DataType == "string":
		return obj{"multiline": a.Multiline}
	case a.DataType == "files":
		return obj{"allow_multiple_values": a.AllowMultipleValues}
	}
	return nil
}
