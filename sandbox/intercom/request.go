package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// decode reads the JSON body into v. Numbers stay json.Number so integer
// attributes keep their exact value.
func (c *call) decode(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return invalid("invalid request body: %v", err)
	}
	return nil
}

func (c *call) id() string        { return c.r.PathValue("id") }
func (c *call) query() url.Values { return c.r.URL.Query() }
func (c *call) orNow(t *int64) int64 {
	if t != nil && *t > 0 {
		return *t
	}
	return c.now
}

// phonePattern is what a workspace with phone validation accepts: an
// E.164-ish number, digits with optional +, spaces, brackets and dashes.
var phonePattern = regexp.MustCompile(`^\+?[0-9 ()-]{7,20}$`)

func plausiblePhone(p string) bool {
	digits := 0
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return phonePattern.MatchString(p) && digits >= 7
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func tsOrNil(t int64) any {
	if t == 0 {
		return nil
	}
	return t
}

func emailDomain(email string) string {
	_, domain, _ := strings.Cut(email, "@")
	return domain
}

// sortedKeys iterates a map deterministically, so the first error is
// always the same one.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// emptyObject renders a nil attribute map as {}.
func emptyObject(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// flexString reads an id sent as a JSON string or number: the
// description's own examples send numbers where its schemas say string,
// so a lenient simulator takes both (strict mode holds clients to the
// schema).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a string or a number, got %s", b)
	}
	*f = flexString(n.String())
	return nil
}

func flex(p *flexString) string {
	if p == nil {
		return ""
	}
	return string(*p)
}
