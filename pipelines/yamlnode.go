package pipelines

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parser walks the YAML tree of one pipeline file and collects problems instead of stopping at
// the first, so the user sees them all at once.
type parser struct {
	file     string
	problems []Problem
}

// entry is one key of a YAML map: the key node (where the key is written) and its value.
type entry struct {
	key, value *yaml.Node
}

// add records a problem at node n (line 0 when n is nil).
func (p *parser) add(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	msg := fmt.Sprintf(format, args...)
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Field: field, Message: msg})
}

func (p *parser) err() error { return joinProblems(p.problems) }

// document decodes data into its root node. It reports YAML syntax errors with the library's
// line, an empty file, and a second document (which every stage would silently ignore).
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		p.yamlError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		p.problems = append(p.problems, Problem{File: p.file, Line: 1,
			Message: `the file is empty: a pipeline file starts with "version: 1"`})
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err)
	default:
		p.add(firstLine(&extra), "", "a pipeline file holds one YAML document, found a second one (after ---)")
	}
	return doc.Content[0]
}

// firstLine is the node that carries a document's first line.
func firstLine(doc *yaml.Node) *yaml.Node {
	if len(doc.Content) > 0 {
		return doc.Content[0]
	}
	return doc
}

var yamlLineRE = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// backquotedRE finds values the YAML library quotes in its messages; they are hidden because the
// value might be a secret pasted into the file.
var backquotedRE = regexp.MustCompile("`[^`]*`")

// yamlError turns the YAML library's error into a problem at the line it names.
func (p *parser) yamlError(err error) {
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Message: "not valid YAML: " + scrubYAMLError(err)})
}

// scrubYAMLError returns the YAML library's message without its "yaml: line N:" prefix and with
// the values it quotes hidden.
func scrubYAMLError(err error) string {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		msg = m[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return backquotedRE.ReplaceAllString(msg, "`…`")
}

// deref follows aliases (*name) to the node they stand for. The depth guard keeps a malformed
// tree from looping; the YAML library already rejects an anchor containing itself.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports a value left empty (key:) or written as null; optional keys treat it as absent.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// kindName names what a node is, for "found ..." in type errors.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a map"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind != yaml.ScalarNode:
		return "something else"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "true/false"
	case "!!int", "!!float":
		return "a number"
	case "!!str":
		return "a string"
	}
	return "a " + n.ShortTag() + " value"
}

// pairs returns the entries of map n in file order, reporting a non-map and repeated keys. It
// returns false when n is not a map.
func (p *parser) pairs(n *yaml.Node, field, what string) ([]entry, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.add(n, field, "must be %s, found %s", what, kindName(n))
		return nil, false
	}
	var out []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			p.add(n.Content[i], field, "keys must be plain names, found %s", kindName(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			p.add(k, joinField(field, "<<"), "merge keys (<<) are not supported: write the keys out")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.add(k, joinField(field, k.Value), "given twice (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, entry{key: k, value: v})
	}
	return out, true
}

// fields returns the entries of map n by key, reporting keys not in known with the closest known
// key. It returns nil when n is not a map.
func (p *parser) fields(n *yaml.Node, field string, known []string) map[string]entry {
	es, ok := p.pairs(n, field, "a map with the keys "+listOr(known))
	if !ok {
		return nil
	}
	out := make(map[string]entry, len(es))
	for _, e := range es {
		if !slices.Contains(known, e.key.Value) {
			p.add(e.key, joinField(field, e.key.Value), "unknown key%s", suggest(e.key.Value, known))
			continue
		}
		out[e.key.Value] = e
	}
	return out
}

// text returns the string value of a scalar, "" for null. A map or list is a type error.
func (p *parser) text(n *yaml.Node, field string) (string, bool) {
	n = deref(n)
	if isNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		p.add(n, field, "must be a single value, found %s", kindName(n))
		return "", false
	}
	return n.Value, true
}

// joinField appends a key to a dotted field path.
func joinField(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// listOr formats a, b, c as "a, b or c".
func listOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	s := words[0]
	for _, w := range words[1 : len(words)-1] {
		s += ", " + w
	}
	return s + " or " + words[len(words)-1]
}
