package pipelines

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/deskport/deskport/internal/staging"
)

// MapOptions are the map command's choices.
type MapOptions struct {
	// Offline uses the target directory already staged (by transform or an earlier map) instead
	// of reading it from the target.
	Offline    bool
	Getenv     func(string) string
	HTTPClient *http.Client
}

// MapResult counts what Map matched and what it left for the user.
type MapResult struct {
	Matched, Unmatched map[string]int // section → entries
}

// defaultCategories are the ticket state categories source statuses take when nothing says
// otherwise (the transform's own defaults, 09_states_tags.sql).
var defaultCategories = map[string]string{"new": "submitted", "open": "in_progress", "hold": "in_progress",
	"pending": "waiting_on_customer", "solved": "resolved", "closed": "resolved"}

// fieldDataTypes are the ticket attribute types source field types become (05_ticket_type.sql).
var fieldDataTypes = map[string]string{"text": "string", "textarea": "string", "regexp": "string", "integer": "integer",
	"decimal": "decimal", "checkbox": "boolean", "date": "datetime", "tagger": "list", "dropdown": "list", "multiselect": "list"}

// Map reads the source's agents, groups, fields, statuses, priorities, types and channels from
// staging (after an extract) and the target's directory, and writes the mapping section into the
// pipeline file: every automatic match (agents by email, groups by name, statuses by category,
// fields by name and type) and every unmatched item with a comment saying what to write. Entries
// already in the file are kept as the user wrote them; the rest of the file, comments included,
// is left as it was.
func Map(ctx context.Context, p *Pipeline, opts MapOptions) (*MapResult, error) {
	settings, err := p.transformSettings()
	if err != nil {
		return nil, err
	}
	store, err := staging.Open(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if !opts.Offline {
		if err := p.refreshDirectory(ctx, store.DB(), opts.Getenv, opts.HTTPClient); err != nil {
			return nil, err
		}
	}
	sd, err := readSides(ctx, store.DB(), settings.TicketType)
	if err != nil {
		return nil, err
	}
	if len(sd.admins) == 0 && len(sd.states) == 0 {
		// Every item would look unmatched: say why instead.
		return nil, fmt.Errorf("%s: no target directory in %s: run deskport map without --offline (or transform) first", p.Path, p.Staging)
	}
	g := &mapGen{sd: sd, old: &p.Mapping, res: &MapResult{Matched: map[string]int{}, Unmatched: map[string]int{}}}
	return g.res, writeMapping(p.Path, g.section())
}

// mapGen builds the mapping section; old is the section already in the file.
type mapGen struct {
	sd  *sides
	old *yaml.Node
	res *MapResult
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

// existing returns the value the file already gives key in section, or nil.
func (g *mapGen) existing(section, k string) *yaml.Node {
	sec := lookup(g.old, section)
	if sec == nil {
		return nil
	}
	return lookup(sec, k)
}

// lookup returns the value of key k in map n, or nil.
func lookup(n *yaml.Node, k string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

// entry adds k: v to section node sec, unless the file already has k (then the user's value
// stays). matched counts the entry as an automatic match; comment explains an unmatched one.
func (g *mapGen) entry(sec *yaml.Node, section, k string, v *yaml.Node, matched bool, comment string) {
	kn := scalar(k)
	if old := g.existing(section, k); old != nil {
		v = old
		matched = !isNull(old) && !(old.Kind == yaml.ScalarNode && old.Value == "")
		comment = ""
	}
	if matched {
		g.res.Matched[section]++
	} else {
		g.res.Unmatched[section]++
		if comment != "" {
			v.LineComment = comment
		}
	}
	sec.Content = append(sec.Content, kn, v)
}

func (g *mapGen) section() *yaml.Node {
	root := mapNode()
	add := func(name, head string, sec *yaml.Node) {
		if len(sec.Content) == 0 {
			return
		}
		k := scalar(name)
		k.HeadComment = head
		root.Content = append(root.Content, k, sec)
	}
	add("agents", "Source agents (by email) → Intercom admins (by email). An empty admin sends the agent's\n"+
		"tickets and replies to the default admin (with \"Originally by NAME\" on replies).\n"+
		g.list("Admins in the workspace: ", slices.Sorted(maps.Keys(g.sd.admins))), g.agents())
	add("groups", "Source groups → Intercom teams (by name). Empty: the default team, or none.\n"+
		g.list("Teams in the workspace: ", slices.Sorted(maps.Values(g.sd.teams))), g.groups())
	add("statuses", "Source statuses → ticket states, by label or category.\n"+
		g.list("States in the workspace: ", g.sd.stateNames()), g.statuses())
	add("ticket_types", "Source ticket types → Intercom ticket types, by name ({name: X, create: true} creates one).\n"+
		"Empty: the ticket type "+g.sd.ticketType+". "+g.list("Ticket types in the workspace: ", slices.Sorted(maps.Values(g.sd.ticketTypes))),
		g.ticketTypes())
	fieldsHead := "Source ticket fields → attributes of the ticket type " + g.sd.ticketType + ". create: true lets the load\n" +
		"create a missing attribute; skip: true leaves the field out; default: fills tickets that leave it empty."
	if extra := g.properties(); extra != "" {
		fieldsHead = extra + "\n\n" + fieldsHead
	}
	add("fields", fieldsHead, g.ticketFields())
	for _, model := range []string{"contact", "company"} {
		add(model+"_fields", "Custom fields of "+model+" records → "+model+" data attributes (created with create: true).",
			g.customFields(model))
	}
	return root
}

// list formats names for a comment, wrapped at about 100 characters and shortened when there
// are many.
func (g *mapGen) list(prefix string, names []string) string {
	if len(names) == 0 {
		return prefix + "(none)"
	}
	more := ""
	if len(names) > 30 {
		names, more = names[:30], fmt.Sprintf("… (%d more)", len(names)-30)
	}
	b := strings.Builder{}
	b.WriteString(prefix)
	width := len(prefix)
	for i, n := range append(slices.Clone(names), more) {
		if n == "" {
			continue
		}
		if i > 0 {
			b.WriteString(",")
			width++
			if width+len(n) > 90 {
				b.WriteString("\n  ")
				width = 2
			} else {
				b.WriteString(" ")
				width++
			}
		}
		b.WriteString(n)
		width += len(n)
	}
	return b.String()
}

func (g *mapGen) agents() *yaml.Node {
	sec := mapNode()
	for _, a := range g.sd.agents {
		k := a.Email
		if k == "" {
			g.entry(sec, "agents", a.ID, scalar(""), false, a.Name+" has no email at the source: write an admin's email, or leave empty")
			continue
		}
		if _, ok := g.sd.admins[k]; ok {
			g.entry(sec, "agents", k, scalar(k), true, "")
			continue
		}
		g.entry(sec, "agents", k, scalar(""), false, "no admin with this email: write an admin's email, or leave empty")
	}
	return sec
}

func (g *mapGen) groups() *yaml.Node {
	sec := mapNode()
	for _, gr := range g.sd.groups {
		if gr.Name == "" {
			continue
		}
		if team, ok := g.sd.teams[key(gr.Name)]; ok {
			g.entry(sec, "groups", gr.Name, scalar(team), true, "")
			continue
		}
		g.entry(sec, "groups", gr.Name, scalar(""), false, "no team of this name: write a team's name, or leave empty")
	}
	return sec
}

func (g *mapGen) statuses() *yaml.Node {
	sec := mapNode()
	for _, s := range g.sd.values["status"] {
		cat := defaultCategories[key(s)]
		has := cat != "" && slices.ContainsFunc(g.sd.states, func(t targetState) bool { return t.Category == cat })
		switch {
		case has:
			g.entry(sec, "statuses", s, scalar(cat), true, "")
		case cat != "":
			g.entry(sec, "statuses", s, scalar(""), false, "the workspace has no "+cat+" state: write a state's label")
		default:
			g.entry(sec, "statuses", s, scalar(""), false, "no default for this status: write a state's label or category")
		}
	}
	return sec
}

func (g *mapGen) ticketTypes() *yaml.Node {
	sec := mapNode()
	for _, t := range g.sd.values["type"] {
		if name, ok := g.sd.ticketTypes[key(t)]; ok {
			g.entry(sec, "ticket_types", t, scalar(name), true, "")
			continue
		}
		g.entry(sec, "ticket_types", t, scalar(""), false, "no ticket type of this name: these tickets get "+g.sd.ticketType)
	}
	return sec
}

// properties is the commented-out block for priorities, types and channels: Intercom tickets have
// no such fields, so keeping them is the user's choice.
func (g *mapGen) properties() string {
	var b strings.Builder
	for _, x := range []struct{ section, prop, attr string }{
		{"priorities", "priority", "Priority"}, {"types", "type", "Type"}, {"channels", "channel", "Source channel"},
	} {
		vals := g.sd.values[x.prop]
		if len(vals) == 0 {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("Intercom tickets have no priority, type or channel. To keep them in ticket attributes,\n" +
				"uncomment these (values: renames them):")
		}
		fmt.Fprintf(&b, "\n%s:\n  attribute: %s\n  create: true\n  values: {", x.section, x.attr)
		for i, v := range vals {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %s", yamlWord(v), yamlWord(v))
		}
		b.WriteString("}")
	}
	return b.String()
}

// yamlWord quotes v when YAML would read it as something other than the same string.
func yamlWord(v string) string {
	out, err := yaml.Marshal(v)
	if err != nil {
		return v
	}
	return strings.TrimSpace(string(out))
}

func (g *mapGen) ticketFields() *yaml.Node {
	sec := mapNode()
	for _, f := range g.sd.fields {
		dt, ok := fieldDataTypes[f.Type]
		if !ok || f.Title == "" {
			continue // system fields (subject, status, …) and types Intercom has no attribute for
		}
		v := mapNode()
		v.Style = yaml.FlowStyle
		v.Content = append(v.Content, scalar("attribute"), scalar(f.Title))
		if got, has := g.sd.ticketAttrTypes[key(f.Title)]; has {
			comment := ""
			if got != dt && !(dt == "list" && got == "string") {
				comment = "the attribute is a " + got + ", the field would be a " + dt + ": check the values convert"
			}
			g.entry(sec, "fields", f.Title, v, comment == "", comment)
			continue
		}
		v.Content = append(v.Content, scalar("create"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		g.entry(sec, "fields", f.Title, v, false, "no attribute of this name: the load creates it ("+dt+")")
	}
	return sec
}

func (g *mapGen) customFields(model string) *yaml.Node {
	sec := mapNode()
	section := model + "_fields"
	for _, k := range g.sd.customKeys[model] {
		v := mapNode()
		v.Style = yaml.FlowStyle
		v.Content = append(v.Content, scalar("attribute"), scalar(k))
		if g.sd.dataAttrs[model][key(k)] {
			g.entry(sec, section, k, v, true, "")
			continue
		}
		dt := cmp.Or(g.sd.customTypes[model+":"+k], "string")
		v.Content = append(v.Content, scalar("create"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
			scalar("type"), scalar(dt))
		g.entry(sec, section, k, v, false, "no "+model+" data attribute of this name: the load creates it")
	}
	return sec
}

// writeMapping puts section into the pipeline file at path as the value of its mapping key
// (before the options block, or at the end, when the file has none). Only the lines of the old
// mapping block (with the comment right above it) change: every other line, comment and blank
// line stays as written. The file is replaced atomically.
func writeMapping(path string, section *yaml.Node) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read pipeline file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("pipeline file %s: not a YAML map: %v", path, err)
	}
	block, err := mappingBlock(section)
	if err != nil {
		return fmt.Errorf("pipeline file %s: %w", path, err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		lines[n-1] += "\n"
	}
	from, to := blockLines(doc.Content[0], lines)
	out := slices.Concat(lines[:from], []string{block}, lines[to:])
	return replaceFile(path, []byte(strings.Join(out, "")))
}

// mappingBlock renders the mapping key, its comment and section as YAML text.
func mappingBlock(section *yaml.Node) (string, error) {
	if len(section.Content) == 0 {
		section.Style = yaml.FlowStyle
	}
	k := scalar("mapping")
	k.HeadComment = mappingHead
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, section}}); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// blockLines returns the 0-based line range [from, to) the mapping block takes in lines: from the
// comment lines right above its key to the blank and comment lines right above the next key. A
// file without one gets it before its options key, or at its end.
func blockLines(root *yaml.Node, lines []string) (int, int) {
	keyAt := func(i int) int { return root.Content[i].Line - 1 }
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "mapping" {
			continue
		}
		from := aboveComments(lines, keyAt(i))
		to := len(lines)
		if i+2 < len(root.Content) {
			to = aboveComments(lines, keyAt(i+2))
			for to > keyAt(i)+1 && strings.TrimSpace(lines[to-1]) == "" {
				to--
			}
		}
		return from, to
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "options" {
			at := aboveComments(lines, keyAt(i))
			return at, at
		}
	}
	return len(lines), len(lines)
}

// aboveComments moves up from line i over the comment lines right above it.
func aboveComments(lines []string, i int) int {
	for i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
		i--
	}
	return i
}

// replaceFile writes data to path through a temporary file in the same folder, keeping the mode.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".deskport-map-*")
	if err != nil {
		return fmt.Errorf("writing the pipeline file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the pipeline file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the pipeline file: %w", err)
	}
	if info, err := os.Stat(path); err == nil {
		if err := os.Chmod(tmp.Name(), info.Mode().Perm()); err != nil {
			return fmt.Errorf("writing the pipeline file: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the pipeline file: %w", err)
	}
	return nil
}

const mappingHead = "How source records map onto the target, written by `deskport map` (run it again after an\n" +
	"extract: entries already here are kept). Edit freely; unknown names are errors with their line."
