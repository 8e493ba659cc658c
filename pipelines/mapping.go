package pipelines

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/deskport/deskport/transform"
)

// The mapping section's keys (docs: README, "Mapping and policies").
var mappingKeys = []string{"agents", "groups", "statuses", "ticket_types", "priorities", "types", "channels", "fields", "contact_fields", "company_fields"}

// properties are the ticket properties Intercom has no field for, by their mapping key.
var properties = map[string]string{"priorities": "priority", "types": "type", "channels": "channel"}

// dataTypes are the types a created contact or company data attribute may have.
var dataTypes = []string{"string", "integer", "float", "boolean", "date", "datetime"}

// sides are the names a mapping refers to: the source's (staged by extract) and the target's
// (the directory staged by transform or map). Keys of the maps are lower-cased and trimmed.
type sides struct {
	agents          []sourceAgent
	groups          []named
	fields          []sourceField
	values          map[string][]string // status, priority, type, channel → distinct values in staging
	customKeys      map[string][]string // contact, company → custom field keys in staging
	customTypes     map[string]string   // "contact:key" → the data type its values fit
	admins          map[string]string   // email → name
	teams           map[string]string   // name key → name
	states          []targetState
	ticketAttrs     map[string]bool            // attribute names (keys) of the configured ticket type
	ticketAttrTypes map[string]string          // attribute name key → data type
	dataAttrs       map[string]map[string]bool // contact, company → attribute names (keys)
	ticketType      string
	ticketTypes     map[string]string // name key → name of the workspace's ticket types
}

type sourceAgent struct{ ID, Name, Email string }
type named struct{ ID, Name string }
type sourceField struct{ ID, Title, Type string }
type targetState struct{ ID, Category, Label string }

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// readSides reads both sides' names from the staging store; the target directory must be staged.
func readSides(ctx context.Context, db *sql.DB, ticketType string) (*sides, error) {
	if err := transform.EnsureDirectory(ctx, db); err != nil {
		return nil, err
	}
	sd := &sides{values: map[string][]string{}, customKeys: map[string][]string{}, customTypes: map[string]string{}, admins: map[string]string{},
		teams: map[string]string{}, ticketAttrs: map[string]bool{}, ticketAttrTypes: map[string]string{}, dataAttrs: map[string]map[string]bool{"contact": {}, "company": {}},
		ticketType: ticketType, ticketTypes: map[string]string{}}
	q := []struct {
		query string
		scan  func(r []string)
	}{
		{`SELECT source_id, coalesce(name, ''), lower(trim(coalesce(email, ''))) FROM agents ORDER BY lower(trim(coalesce(email, ''))), source_id`,
			func(r []string) { sd.agents = append(sd.agents, sourceAgent{r[0], r[1], r[2]}) }},
		{`SELECT source_id, coalesce(trim(name), '') FROM groups ORDER BY lower(trim(name)), source_id`,
			func(r []string) { sd.groups = append(sd.groups, named{r[0], r[1]}) }},
		{`SELECT source_id, coalesce(trim(title), ''), coalesce(type, '') FROM ticket_fields WHERE active ORDER BY lower(trim(title)), source_id`,
			func(r []string) { sd.fields = append(sd.fields, sourceField{r[0], r[1], r[2]}) }},
		{`SELECT DISTINCT p, v FROM (SELECT 'status' AS p, status AS v FROM tickets UNION ALL SELECT 'priority', priority FROM tickets
			UNION ALL SELECT 'type', type FROM tickets UNION ALL SELECT 'channel', channel FROM tickets)
			WHERE coalesce(trim(v), '') <> '' ORDER BY p, v`,
			func(r []string) { sd.values[r[0]] = append(sd.values[r[0]], r[1]) }},
		// Each custom field key some record gives a value, with the data type its values fit (for
		// attributes map creates). Zendesk lists every defined user field on every user, null
		// when unset: a key no record fills has nothing to migrate.
		{`SELECT m, k, CASE WHEN bool_and(t IN ('NULL', 'BIGINT', 'UBIGINT')) THEN 'integer'
				WHEN bool_and(t IN ('NULL', 'BIGINT', 'UBIGINT', 'DOUBLE')) THEN 'float'
				WHEN bool_and(t IN ('NULL', 'BOOLEAN')) THEN 'boolean' ELSE 'string' END
			FROM (SELECT 'contact' AS m, j.key AS k, j.type AS t FROM contacts c, json_each(c.custom_fields) j
				UNION ALL SELECT 'company', j.key, j.type FROM companies c, json_each(c.custom_fields) j)
			GROUP BY m, k HAVING count(*) FILTER (WHERE t <> 'NULL') > 0 ORDER BY m, k`,
			func(r []string) {
				sd.customKeys[r[0]] = append(sd.customKeys[r[0]], r[1])
				sd.customTypes[r[0]+":"+r[1]] = r[2]
			}},
		{`SELECT lower(trim(email)), coalesce(name, '') FROM target_admins WHERE coalesce(email, '') <> ''`,
			func(r []string) { sd.admins[r[0]] = r[1] }},
		{`SELECT name FROM target_teams WHERE coalesce(trim(name), '') <> ''`, func(r []string) { sd.teams[key(r[0])] = r[0] }},
		{`SELECT id, coalesce(category, ''), coalesce(internal_label, '') FROM target_ticket_states ORDER BY category, id`,
			func(r []string) { sd.states = append(sd.states, targetState{r[0], r[1], r[2]}) }},
		{`SELECT a.name, coalesce(a.data_type, '') FROM target_ticket_type_attributes a JOIN target_ticket_types t ON t.id = a.ticket_type_id
			WHERE lower(trim(t.name)) = lower(trim(?))`, func(r []string) { sd.ticketAttrs[key(r[0])] = true; sd.ticketAttrTypes[key(r[0])] = r[1] }},
		{`SELECT name FROM target_ticket_types WHERE coalesce(trim(name), '') <> ''`, func(r []string) { sd.ticketTypes[key(r[0])] = r[0] }},
		{`SELECT model, name FROM target_data_attributes WHERE model IN ('contact', 'company')`,
			func(r []string) { sd.dataAttrs[r[0]][key(r[1])] = true }},
	}
	for _, x := range q {
		var args []any
		if strings.Contains(x.query, "?") {
			args = []any{ticketType}
		}
		if err := queryStrings(ctx, db, x.query, args, x.scan); err != nil {
			return nil, fmt.Errorf("reading the mapping's names from staging: %w", err)
		}
	}
	return sd, nil
}

// queryStrings runs q and hands each row's columns, as strings, to scan.
func queryStrings(ctx context.Context, db *sql.DB, q string, args []any, scan func([]string)) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]string, len(cols))
		for i, v := range vals {
			out[i] = v.String
		}
		scan(out)
	}
	return rows.Err()
}

// stateNames are the names a status may map to: labels and categories.
func (sd *sides) stateNames() []string {
	var out []string
	for _, s := range sd.states {
		out = append(out, s.Label, s.Category)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resolveMapping turns the mapping section into the transform's Mapping, checking every name
// against both sides; every problem names the file's line.
func (p *Pipeline) resolveMapping(sd *sides) (transform.Mapping, error) {
	var m transform.Mapping
	if p.Mapping.Kind == 0 {
		return m, nil
	}
	ps := &parser{file: p.Path}
	sections := ps.fields(&p.Mapping, "mapping", mappingKeys)
	for _, name := range mappingKeys {
		e, ok := sections[name]
		if !ok || isNull(e.value) {
			continue
		}
		field := "mapping." + name
		switch name {
		case "agents":
			ps.agents(e.value, field, sd, &m)
		case "groups":
			ps.groups(e.value, field, sd, &m)
		case "statuses":
			ps.statuses(e.value, field, sd, &m)
		case "ticket_types":
			ps.ticketTypes(e.value, field, sd, &m)
		case "priorities", "types", "channels":
			ps.property(e.value, field, properties[name], sd, &m)
		case "fields":
			ps.ticketFields(e.value, field, sd, &m)
		case "contact_fields", "company_fields":
			ps.customFields(e.value, field, strings.TrimSuffix(name, "_fields"), sd, &m)
		}
	}
	return m, ps.err()
}

func (ps *parser) agents(n *yaml.Node, field string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source agent email: admin email")
	for _, e := range es {
		f := joinField(field, e.key.Value)
		src := key(e.key.Value)
		if len(sd.agents) > 0 && !slices.ContainsFunc(sd.agents, func(a sourceAgent) bool { return a.Email == src || a.ID == e.key.Value }) {
			ps.add(e.key, f, "no source agent with this email or id in staging")
		}
		admin, ok := ps.text(e.value, f)
		if !ok {
			continue
		}
		if admin = key(admin); admin != "" {
			if _, found := sd.admins[admin]; !found {
				ps.add(deref(e.value), f, "no admin with the email %q in the target workspace%s", admin, suggest(admin, slices.Sorted(maps.Keys(sd.admins))))
				continue
			}
		}
		m.Agents = append(m.Agents, transform.AgentMap{Source: src, AdminEmail: admin})
	}
}

func (ps *parser) groups(n *yaml.Node, field string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source group: team name")
	for _, e := range es {
		f := joinField(field, e.key.Value)
		if len(sd.groups) > 0 && !slices.ContainsFunc(sd.groups, func(g named) bool { return key(g.Name) == key(e.key.Value) || g.ID == e.key.Value }) {
			ps.add(e.key, f, "no source group with this name or id in staging")
		}
		team, ok := ps.text(e.value, f)
		if !ok {
			continue
		}
		if team != "" {
			if _, found := sd.teams[key(team)]; !found {
				ps.add(deref(e.value), f, "no team named %q in the target workspace%s", team, suggest(team, slices.Sorted(maps.Values(sd.teams))))
				continue
			}
		}
		m.Groups = append(m.Groups, transform.GroupMap{Source: e.key.Value, Team: team})
	}
}

func (ps *parser) statuses(n *yaml.Node, field string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source status: ticket state (label or category)")
	names := sd.stateNames()
	for _, e := range es {
		f := joinField(field, e.key.Value)
		state, ok := ps.text(e.value, f)
		if !ok || state == "" {
			continue
		}
		if !slices.ContainsFunc(names, func(s string) bool { return key(s) == key(state) }) {
			ps.add(deref(e.value), f, "no ticket state %q in the target workspace%s", state, suggest(state, names))
			continue
		}
		m.Statuses = append(m.Statuses, transform.StatusMap{Source: e.key.Value, State: state})
	}
}

// ticketTypes reads source type: ticket type name, or {name, create}.
func (ps *parser) ticketTypes(n *yaml.Node, field string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source ticket type: Intercom ticket type")
	for _, e := range es {
		f := joinField(field, e.key.Value)
		if vals := sd.values["type"]; len(vals) > 0 && !slices.ContainsFunc(vals, func(v string) bool { return key(v) == key(e.key.Value) }) {
			ps.add(e.key, f, "no ticket in staging has this type%s", suggest(e.key.Value, vals))
		}
		v := deref(e.value)
		var tm transform.TicketTypeMap
		switch {
		case isNull(v):
			continue
		case v.Kind == yaml.ScalarNode:
			tm.TicketType = strings.TrimSpace(v.Value)
		default:
			fs := ps.fields(v, f, []string{"name", "create"})
			if fs == nil {
				continue
			}
			tm.TicketType, _ = ps.optionalText(fs, "name", f)
			tm.Create = ps.flag(fs, "create", f)
		}
		if tm.TicketType == "" {
			continue
		}
		if _, ok := sd.ticketTypes[key(tm.TicketType)]; !ok && !tm.Create && key(tm.TicketType) != key(sd.ticketType) {
			ps.add(v, f, "no ticket type %q in the target workspace%s; or write {name: %s, create: true}",
				tm.TicketType, suggest(tm.TicketType, slices.Sorted(maps.Values(sd.ticketTypes))), tm.TicketType)
			continue
		}
		tm.Source = e.key.Value
		m.TicketTypes = append(m.TicketTypes, tm)
	}
}

// property reads priorities, types or channels: {attribute, create, values: {source: target}}.
func (ps *parser) property(n *yaml.Node, field, prop string, sd *sides, m *transform.Mapping) {
	f := ps.fields(n, field, []string{"attribute", "create", "values"})
	if f == nil {
		return
	}
	attr, _ := ps.optionalText(f, "attribute", field)
	create := ps.flag(f, "create", field)
	if attr == "" {
		ps.add(n, joinField(field, "attribute"), "missing: the ticket attribute that keeps the %s", prop)
		return
	}
	if !create && !sd.ticketAttrs[key(attr)] {
		ps.add(f["attribute"].value, joinField(field, "attribute"),
			"ticket type %q has no attribute %q: add create: true to create it", sd.ticketType, attr)
		return
	}
	m.Properties = append(m.Properties, transform.PropertyMap{Property: prop, Attribute: attr, Create: create})
	if v, ok := f["values"]; ok && !isNull(v.value) {
		es, _ := ps.pairs(v.value, joinField(field, "values"), "a map of source value: value in Intercom")
		for _, e := range es {
			if target, ok := ps.text(e.value, joinField(field, "values."+e.key.Value)); ok && target != "" {
				m.Values = append(m.Values, transform.ValueMap{Property: prop, Source: e.key.Value, Target: target})
			}
		}
	}
}

// flag reads an optional true/false key.
func (ps *parser) flag(f map[string]entry, k, block string) bool {
	e, ok := f[k]
	if !ok || isNull(e.value) {
		return false
	}
	var b bool
	if v := deref(e.value); v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" || v.Decode(&b) != nil {
		ps.add(deref(e.value), joinField(block, k), "must be true or false, found %s", kindName(e.value))
	}
	return b
}

var fieldKeys = []string{"attribute", "create", "default", "skip", "type"}

// fieldEntry reads one custom field's entry: a map, an attribute name, or null (automatic).
func (ps *parser) fieldEntry(n *yaml.Node, field string) (transform.FieldMap, bool) {
	var fm transform.FieldMap
	v := deref(n)
	if isNull(v) {
		return fm, false
	}
	if v.Kind == yaml.ScalarNode {
		fm.Attribute = strings.TrimSpace(v.Value)
		return fm, true
	}
	f := ps.fields(v, field, fieldKeys)
	if f == nil {
		return fm, false
	}
	fm.Attribute, _ = ps.optionalText(f, "attribute", field)
	fm.Attribute = strings.TrimSpace(fm.Attribute)
	fm.Default, _ = ps.optionalText(f, "default", field)
	fm.DataType, _ = ps.optionalText(f, "type", field)
	fm.Create = ps.flag(f, "create", field)
	fm.Skip = ps.flag(f, "skip", field)
	return fm, true
}

func (ps *parser) ticketFields(n *yaml.Node, field string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source field title: ticket attribute")
	for _, e := range es {
		f := joinField(field, e.key.Value)
		src, found := sourceFieldOf(sd.fields, e.key.Value)
		if len(sd.fields) > 0 && !found {
			ps.add(e.key, f, "no active source ticket field with this title or id in staging")
		}
		fm, ok := ps.fieldEntry(e.value, f)
		if !ok {
			continue
		}
		fm.Model, fm.Source = "ticket", e.key.Value
		attr := fm.Attribute
		if attr == "" {
			attr = src.Title
		}
		if !fm.Skip && !fm.Create && attr != "" && !sd.ticketAttrs[key(attr)] {
			ps.add(deref(e.value), f, "ticket type %q has no attribute %q: add create: true to create it", sd.ticketType, attr)
			continue
		}
		m.Fields = append(m.Fields, fm)
	}
}

func sourceFieldOf(fields []sourceField, k string) (sourceField, bool) {
	for _, f := range fields {
		if key(f.Title) == key(k) || f.ID == k {
			return f, true
		}
	}
	return sourceField{}, false
}

func (ps *parser) customFields(n *yaml.Node, field, model string, sd *sides, m *transform.Mapping) {
	es, _ := ps.pairs(n, field, "a map of source field key: data attribute")
	for _, e := range es {
		f := joinField(field, e.key.Value)
		if keys := sd.customKeys[model]; len(keys) > 0 && !slices.Contains(keys, e.key.Value) {
			ps.add(e.key, f, "no %s in staging has a custom field %q%s", model, e.key.Value, suggest(e.key.Value, keys))
		}
		fm, ok := ps.fieldEntry(e.value, f)
		if !ok || fm.Skip {
			continue
		}
		fm.Model, fm.Source = model, e.key.Value
		if fm.Attribute == "" {
			fm.Attribute = e.key.Value
		}
		switch {
		case fm.DataType != "" && !slices.Contains(dataTypes, fm.DataType):
			ps.add(deref(e.value), joinField(f, "type"), "%q: want %s", fm.DataType, listOr(dataTypes))
		case !fm.Create && !sd.dataAttrs[model][key(fm.Attribute)]:
			ps.add(deref(e.value), f, "the workspace has no %s data attribute %q: add create: true to create it", model, fm.Attribute)
		default:
			m.Fields = append(m.Fields, fm)
		}
	}
}
