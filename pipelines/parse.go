package pipelines

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The keys each block may hold; anything else is a typo or a key from a newer version.
var (
	topKeys      = []string{"version", "source", "target", "staging", "entities", "mapping", "options"}
	endpointKeys = []string{"system", "base_url", "workspace_id", "credentials", "options"}
)

// pipeline parses the whole file. It goes on after a problem wherever the rest can still be
// checked, and returns nil only when the file has no usable top-level map.
func (p *parser) pipeline(abs string, data []byte) *Pipeline {
	root := p.document(data)
	if root == nil {
		return nil
	}
	if deref(root).Kind != yaml.MappingNode {
		p.add(root, "", "a pipeline file must be a map with the keys %s, found %s", listOr(topKeys), kindName(root))
		return nil
	}
	top := p.fields(root, "", topKeys)
	pl := &Pipeline{Path: abs, Version: p.version(root, top)}
	var srcSys, dstSys *yaml.Node
	pl.Source, srcSys = p.endpoint(root, top, "source")
	pl.Target, dstSys = p.endpoint(root, top, "target")
	if srcSys != nil && dstSys != nil && pl.Source.System == pl.Target.System {
		p.add(dstSys, "target.system", "same system as the source (%q): deskport moves a help desk between two different systems", pl.Target.System)
	}
	pl.Staging = p.staging(top, abs)
	pl.Entities = p.entities(top)
	pl.Mapping = p.mapping(top)
	pl.Options = p.options(top)
	return pl
}

// version accepts only the number 1: a file written for a later format must not be read with
// this version's meaning.
func (p *parser) version(root *yaml.Node, top map[string]entry) int {
	e, ok := top["version"]
	if !ok || isNull(e.value) {
		p.add(orKey(root, e, ok), "version", `missing: add "version: 1" at the top of the file`)
		return 0
	}
	v := deref(e.value)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		p.add(v, "version", "must be the number 1, found %s", kindName(v))
		return 0
	}
	var n int
	if err := v.Decode(&n); err != nil || n != 1 {
		p.add(v, "version", "unsupported version %s: this deskport reads version 1", v.Value)
		return 0
	}
	return n
}

// orKey is where to report a missing value: at its key when the key is there, else at at.
func orKey(at *yaml.Node, e entry, ok bool) *yaml.Node {
	if ok {
		return e.key
	}
	return at
}

// endpoint parses the source or target block. The returned node is the system's value, set only
// when the system is known, for the check that source and target differ.
func (p *parser) endpoint(root *yaml.Node, top map[string]entry, role string) (Endpoint, *yaml.Node) {
	ep := Endpoint{origin: &origin{file: p.file, role: role}, Options: map[string]string{}}
	e, ok := top[role]
	if !ok || isNull(e.value) {
		verb := map[string]string{"source": "read from", "target": "write to"}[role]
		p.add(orKey(root, e, ok), role, "missing: the system to %s, a map with system, base_url and credentials", verb)
		return ep, nil
	}
	ep.Line = e.key.Line
	f := p.fields(e.value, role, endpointKeys)
	if f == nil {
		return ep, nil
	}
	if role == "target" && isNoTarget(f) {
		return p.noTarget(ep, f), nil
	}
	sys, sysNode := p.system(f, e.key, role)
	if sys != nil {
		ep.System = sys.name
	}
	ep.BaseURL = p.baseURL(f, e.key, role, sys)
	ep.WorkspaceID, _ = p.optionalText(f, "workspace_id", role)
	p.credentials(&ep, f, e.key, sys)
	if o, ok := f["options"]; ok {
		ep.Options = p.stringMap(o.value, role+".options")
	}
	return ep, sysNode
}

// system returns the endpoint's system, or nil when it is missing or unknown (after reporting).
func (p *parser) system(f map[string]entry, at *yaml.Node, role string) (*sysInfo, *yaml.Node) {
	field := role + ".system"
	known := strings.Join(KnownSystems(), ", ")
	e, ok := f["system"]
	if !ok || isNull(e.value) {
		p.add(orKey(at, e, ok), field, "missing (known: %s)", known)
		return nil, nil
	}
	name, ok := p.text(e.value, field)
	if !ok {
		return nil, nil
	}
	sys := lookupSystem(name)
	if sys == nil {
		p.add(deref(e.value), field, "unknown system %q (known: %s)", name, known)
		return nil, nil
	}
	return sys, deref(e.value)
}

// optionalText returns the string value of an optional key, "" when absent.
func (p *parser) optionalText(f map[string]entry, key, block string) (string, bool) {
	e, ok := f[key]
	if !ok {
		return "", true
	}
	return p.text(e.value, joinField(block, key))
}

// staging resolves the staging path against the pipeline file's folder, so a pipeline behaves
// the same whatever folder deskport is run from.
func (p *parser) staging(top map[string]entry, abs string) string {
	e, ok := top["staging"]
	if !ok || isNull(e.value) {
		return defaultStaging(abs)
	}
	s, ok := p.text(e.value, "staging")
	switch {
	case !ok:
		return ""
	case strings.TrimSpace(s) == "":
		p.add(deref(e.value), "staging", "must be a file path, like ./acme.duckdb")
		return ""
	case strings.HasPrefix(s, "~"):
		p.add(deref(e.value), "staging", "~ is not expanded: write the path in full or relative to this file")
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(filepath.Dir(abs), s)
	}
	s = filepath.Clean(s)
	if s == abs {
		p.add(deref(e.value), "staging", "is the pipeline file itself: the staging store needs its own file, like ./acme.duckdb")
	}
	return s
}

// entities returns the selected entities in canonical order; leaving the key out selects all.
func (p *parser) entities(top map[string]entry) []string {
	e, ok := top["entities"]
	if !ok || isNull(e.value) {
		return KnownEntities()
	}
	v := deref(e.value)
	if v.Kind != yaml.SequenceNode {
		p.add(v, "entities", "must be a list, like [tickets, comments], found %s", kindName(v))
		return nil
	}
	if len(v.Content) == 0 {
		p.add(v, "entities", "lists nothing: name at least one entity, or leave entities out to move all of them")
		return nil
	}
	chosen := p.entityItems(v.Content)
	var out []string
	for _, name := range KnownEntities() {
		if _, ok := chosen[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// entityItems checks each listed entity and returns the valid ones with their index.
func (p *parser) entityItems(items []*yaml.Node) map[string]int {
	known := KnownEntities()
	chosen := map[string]int{}
	for i, item := range items {
		field := fmt.Sprintf("entities[%d]", i)
		name, ok := p.text(item, field)
		first, dup := chosen[name]
		switch {
		case !ok:
		case name == "":
			p.add(deref(item), field, "empty: name an entity (known: %s)", strings.Join(known, ", "))
		case !slices.Contains(known, name):
			p.add(deref(item), field, "unknown entity %q%s", name, suggest(name, known))
		case dup:
			p.add(deref(item), field, "%q is listed twice (first as entities[%d])", name, first)
		default:
			chosen[name] = i
		}
	}
	return chosen
}

// mapping keeps the mapping block as YAML: its meaning belongs to the transform stage, which can
// then report its own problems with the file's line numbers.
func (p *parser) mapping(top map[string]entry) yaml.Node {
	e, ok := top["mapping"]
	if !ok || isNull(e.value) {
		return yaml.Node{}
	}
	v := deref(e.value)
	if v.Kind != yaml.MappingNode {
		p.add(v, "mapping", "must be a map, found %s", kindName(v))
		return yaml.Node{}
	}
	return *v
}

// options decodes the pipeline-wide options block into plain Go values.
func (p *parser) options(top map[string]entry) map[string]any {
	out := map[string]any{}
	e, ok := top["options"]
	if !ok || isNull(e.value) {
		return out
	}
	es, ok := p.pairs(e.value, "options", "a map of option: value")
	if !ok {
		return out
	}
	for _, kv := range es {
		field := joinField("options", kv.key.Value)
		if looksSecret(kv.key.Value) {
			p.add(kv.key, field, "looks like a credential: secrets go under source or target credentials as NAME_env: VARIABLE, never in options")
			continue
		}
		var val any
		if err := kv.value.Decode(&val); err != nil {
			p.add(kv.value, field, "%s", scrubYAMLError(err))
			continue
		}
		out[kv.key.Value] = val
	}
	return out
}

// stringMap reads a system's options: single values only, kept as the text written.
func (p *parser) stringMap(n *yaml.Node, field string) map[string]string {
	out := map[string]string{}
	if isNull(n) {
		return out
	}
	es, _ := p.pairs(n, field, "a map of option: value")
	for _, kv := range es {
		f := joinField(field, kv.key.Value)
		if looksSecret(kv.key.Value) {
			p.add(kv.key, f, "looks like a credential: secrets go under credentials as NAME_env: VARIABLE, never in options")
			continue
		}
		if s, ok := p.text(kv.value, f); ok {
			out[kv.key.Value] = s
		}
	}
	return out
}

// looksSecret reports option keys that name a secret, which belongs in an environment variable.
// Their values are never echoed.
func looksSecret(key string) bool {
	k := strings.ToLower(key)
	if strings.Contains(k, "api_key") || strings.Contains(k, "apikey") {
		return true
	}
	for _, w := range strings.FieldsFunc(k, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		switch w {
		case "password", "passwd", "secret", "token":
			return true
		}
	}
	return false
}
