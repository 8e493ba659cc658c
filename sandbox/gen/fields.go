package gen

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// systemFields are listed by the platform beside custom fields; a client must
// tell them apart.
var systemFields = []struct{ title, typ string }{
	{"Subject", "subject"}, {"Description", "description"}, {"Status", "status"},
	{"Type", "tickettype"}, {"Priority", "priority"}, {"Group", "group"}, {"Assignee", "assignee"},
}

// customField describes one custom field to generate.
type customField struct {
	title, typ, regexp string
	options            [][2]string // name, value
	active             bool
}

var customFields = []customField{
	{title: "Product area", typ: FieldTagger, active: true, options: [][2]string{
		{"Billing::Refunds", "billing_refunds"}, {"Billing::Invoices", "billing_invoices"},
		{"Compte / Connexion", "account_login"}, {"Mobile app", "mobile_app"}, {"API", "api"},
		{"配送", "shipping_jp"},
	}},
	{title: "Affected platforms", typ: FieldMultiselect, active: true, options: [][2]string{
		{"iOS", "platform_ios"}, {"Android", "platform_android"}, {"Web", "platform_web"},
		{"Desktop", "platform_desktop"},
	}},
	{title: "VIP customer", typ: FieldCheckbox, active: true},
	{title: "Renewal date", typ: FieldDate, active: true},
	{title: "Refund amount (€)", typ: FieldDecimal, active: true},
	{title: "Seats", typ: FieldInteger, active: true},
	{title: "Order number", typ: FieldRegexp, regexp: `^[A-Z]{2}-\d{6}$`, active: true},
	{title: "Serial number", typ: FieldText, active: true},
	{title: "Steps to reproduce", typ: FieldTextarea, active: true},
	{title: "Legacy code (retired)", typ: FieldText, active: false},
}

// genTicketFields returns the system fields followed by the custom ones.
func genTicketFields(r *rand.Rand, ids *idAllocators) []TicketField {
	out := make([]TicketField, 0, len(systemFields)+len(customFields))
	for i, sf := range systemFields {
		out = append(out, TicketField{
			ID: ids.Field.next(r), Title: sf.title, Type: sf.typ, System: true, Active: true,
			Required: sf.typ == "subject", Position: i,
			CreatedAt: rangeStart, UpdatedAt: rangeStart,
		})
	}
	for i, cf := range customFields {
		created := between(r, rangeStart, rangeStart.AddDate(2, 0, 0))
		f := TicketField{
			ID: ids.Field.next(r), Title: cf.title, Type: cf.typ, Active: cf.active,
			Description: "Custom field: " + cf.title, Regexp: cf.regexp,
			Required: i == 0, Position: len(systemFields) + i,
			CreatedAt: created, UpdatedAt: between(r, created, rangeEnd),
		}
		for _, o := range cf.options {
			f.Options = append(f.Options, FieldOption{ID: ids.Option.next(r), Name: o[0], Value: o[1]})
		}
		out = append(out, f)
	}
	return out
}

// fieldValues returns a value for every active custom field (nil for about
// 40%), typed as the field type requires, and the tags the values imply.
func fieldValues(r *rand.Rand, fields []TicketField, created time.Time) ([]FieldValue, []string) {
	var out []FieldValue
	var implied []string
	for _, f := range fields {
		if f.System || !f.Active {
			continue
		}
		var v any
		if r.IntN(10) >= 4 {
			v = fieldValue(r, f, created)
		}
		switch vv := v.(type) {
		case string:
			if f.Type == FieldTagger {
				implied = append(implied, vv)
			}
		case []string:
			implied = append(implied, vv...)
		}
		out = append(out, FieldValue{FieldID: f.ID, Value: v})
	}
	return out, implied
}

func fieldValue(r *rand.Rand, f TicketField, created time.Time) any {
	switch f.Type {
	case FieldCheckbox:
		return r.IntN(5) == 0
	case FieldDate:
		return created.AddDate(0, 0, r.IntN(400)).Format("2006-01-02")
	case FieldDecimal:
		return float64(r.IntN(100000)) / 100
	case FieldInteger:
		return int64(1 + r.IntN(500))
	case FieldTagger:
		return f.Options[r.IntN(len(f.Options))].Value
	case FieldMultiselect:
		var vals []string
		for _, i := range r.Perm(len(f.Options))[:1+r.IntN(len(f.Options))] {
			vals = append(vals, f.Options[i].Value)
		}
		return vals
	case FieldRegexp:
		return string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + "-" +
			strconv.Itoa(100000+r.IntN(900000))
	case FieldTextarea:
		return pick(r, sentences) + "\n" + pick(r, sentences)
	default:
		return "SN-" + strconv.Itoa(r.IntN(1_000_000)) + " ✓"
	}
}

// Profile fields every account has. Their ids are fixed rather than drawn, so adding them moves
// no other generated value.
var (
	userFields = []ProfileField{
		{ID: 7100001, Key: "subscription_plan", Title: "Subscription plan", Type: "dropdown", Active: true, Options: []FieldOption{
			{ID: 7200001, Name: "Free", Value: "free"}, {ID: 7200002, Name: "Pro", Value: "pro"},
			{ID: 7200003, Name: "Enterprise", Value: "enterprise"}}},
		{ID: 7100002, Key: "seats", Title: "Seats", Type: "integer", Active: true, Position: 1},
		{ID: 7100003, Key: "vip", Title: "VIP", Type: "checkbox", Active: true, Position: 2},
		{ID: 7100004, Key: "renewal_date", Title: "Renewal date", Type: "date", Active: true, Position: 3},
	}
	organizationFields = []ProfileField{
		{ID: 7100101, Key: "industry", Title: "Industry", Type: "text", Active: true},
		{ID: 7100102, Key: "account_tier", Title: "Account tier", Type: "dropdown", Active: true, Position: 1, Options: []FieldOption{
			{ID: 7200101, Name: "Bronze", Value: "bronze"}, {ID: 7200102, Name: "Silver", Value: "silver"},
			{ID: 7200103, Name: "Gold", Value: "gold"}}},
	}
)

// genProfileFields returns copies of the user and organization fields.
func genProfileFields() (users, orgs []ProfileField) {
	copyOf := func(fs []ProfileField) []ProfileField {
		out := make([]ProfileField, len(fs))
		for i, f := range fs {
			out[i] = f
			out[i].Options = append([]FieldOption(nil), f.Options...)
		}
		return out
	}
	return copyOf(userFields), copyOf(organizationFields)
}
