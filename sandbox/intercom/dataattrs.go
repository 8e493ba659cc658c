package intercom

import (
	"slices"
	"strings"
	"unicode"
)

func (s *Server) registerDataAttributes() {
	s.handle("GET /data_attributes", s.listDataAttributes)
	s.handle("POST /data_attributes", s.createDataAttribute)
}

// builtinDataAttributes are a few of the attributes every workspace has,
// so listing them shows what is built in (custom: false).
func builtinDataAttributes(now int64) []DataAttribute {
	builtin := []struct{ model, name, typ string }{
		{"contact", "name", "string"}, {"contact", "email", "string"}, {"contact", "phone", "string"},
		{"contact", "external_id", "string"}, {"contact", "role", "string"}, {"contact", "signed_up_at", "date"},
		{"contact", "last_seen_at", "date"}, {"contact", "owner_id", "integer"},
		{"company", "name", "string"}, {"company", "company_id", "string"}, {"company", "plan", "string"},
		{"company", "size", "integer"}, {"company", "website", "string"}, {"company", "industry", "string"},
		{"company", "remote_created_at", "date"}, {"company", "monthly_spend", "float"},
	}
	out := make([]DataAttribute, 0, len(builtin))
	for i, b := range builtin {
		out = append(out, DataAttribute{ID: int64(12000 + i), Model: b.model, Name: b.name, DataType: b.typ, CreatedAt: now})
	}
	return out
}

func (s *Server) listDataAttributes(c *call) (any, error) {
	model := c.query().Get("model")
	data := []obj{}
	for _, d := range s.st.dataAttrs {
		if model == "" || d.Model == model {
			data = append(data, s.renderDataAttribute(d))
		}
	}
	return obj{"type": "list", "data": data}, nil
}

type dataAttributeRequest struct {
	Name              string `json:"name"`
	Model             string `json:"model"`
	DataType          string `json:"data_type"`
	Description       string `json:"description"`
	MessengerWritable bool   `json:"messenger_writable"`
	Options           []struct {
		Value string `json:"value"`
	} `json:"options"`
}

var dataAttributeTypes = []string{"string", "integer", "float", "boolean", "datetime", "date", "options"}

func (s *Server) createDataAttribute(c *call) (any, error) {
	var req dataAttributeRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.st.checkDataAttribute(req); err != nil {
		return nil, err
	}
	d := DataAttribute{
		ID: int64(13000) + int64(len(s.st.dataAttrs)), Model: req.Model, Name: req.Name,
		Description: req.Description, DataType: responseDataType(req.DataType), Custom: true,
		MessengerWritable: req.MessengerWritable, CreatedAt: c.now,
	}
	for _, o := range req.Options {
		d.Options = append(d.Options, o.Value)
	}
	s.st.dataAttrs = append(s.st.dataAttrs, d)
	s.stats.created("data_attribute")
	return s.renderDataAttribute(d), nil
}

// checkDataAttribute applies the rules and wording of the description's
// error examples. Names are unique across contact and company data.
func (st *state) checkDataAttribute(req dataAttributeRequest) error {
	switch {
	case req.Model != "contact" && req.Model != "company":
		return invalid("The Data Attribute model field must be either contact or company").onField("model")
	case !slices.Contains(dataAttributeTypes, req.DataType):
		return invalid("Data Type isn't an option").onField("data_type")
	case req.DataType == "options" && len(req.Options) < 2:
		return invalid("At least two options are required for a list attribute").onField("options")
	case !validAttributeName(req.Name):
		return invalid("Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens").onField("name")
	}
	for _, d := range st.dataAttrs {
		if d.Model != "conversation" && strings.EqualFold(d.Name, req.Name) {
			return invalid("You already have '%s' in your %s data. To save this as new %s data, use a different name.",
				req.Name, modelWord(d.Model), modelWord(req.Model)).onField("name")
		}
	}
	return nil
}

func modelWord(model string) string {
	if model == "contact" {
		return "people"
	}
	return model
}

// validAttributeName allows letters, digits, currency symbols, hyphens,
// and the spaces and underscores the description's own examples use.
func validAttributeName(name string) bool {
	if strings.TrimSpace(name) == "" {
		return false
	}
	for _, r := range name {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Sc, r) || strings.ContainsRune("-_ ", r)
		if !ok {
			return false
		}
	}
	return true
}

// responseDataType maps the request's types to the response's (date for
// datetime, string for options).
func responseDataType(t string) string {
	switch t {
	case "datetime":
		return "date"
	case "options":
		return "string"
	}
	return t
}

func (st *state) customAttribute(model, name string) (DataAttribute, bool) {
	for _, d := range st.dataAttrs {
		if d.Custom && d.Model == model && d.Name == name {
			return d, true
		}
	}
	return DataAttribute{}, false
}

func (s *Server) renderDataAttribute(d DataAttribute) obj {
	fullName := d.Name
	if d.Custom {
		fullName = "custom_attributes." + d.Name
	}
	o := obj{
		"type": "data_attribute", "id": d.ID, "model": d.Model, "name": d.Name, "full_name": fullName,
		"label": d.Name, "description": d.Description, "data_type": d.DataType,
		"api_writable": true, "ui_writable": true, "messenger_writable": d.MessengerWritable,
		"custom": d.Custom, "archived": false, "created_at": d.CreatedAt, "updated_at": d.CreatedAt,
		"admin_id": s.st.me().ID,
	}
	if len(d.Options) > 0 {
		o["options"] = d.Options
	}
	return o
}
