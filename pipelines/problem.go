package pipelines

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one mistake in a pipeline file. Its message never holds a credential's value.
type Problem struct {
	File    string // the path as given to Parse or Load
	Line    int    // 1-based; 0 when the mistake has no line (an unreadable file)
	Field   string // dotted path of the field, like source.system or entities[2]; may be empty
	Message string
}

// Error formats the problem as FILE:LINE: FIELD: message, leaving out the parts it lacks.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems returns every Problem inside err, which may be one Problem or a join of them (as
// Parse and Credentials return), in order.
func Problems(err error) []Problem {
	var out []Problem
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case Problem:
			out = append(out, x)
		case *Problem:
			out = append(out, *x)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// joinProblems orders problems by line, so they read top to bottom like the file, and joins them.
func joinProblems(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// suggest returns the tail of an "unknown" message: `; did you mean "x"? (known: a, b)`, or just
// ` (known: a, b)` when no known word is close enough to be a plausible typo.
func suggest(word string, known []string) string {
	list := " (known: " + strings.Join(known, ", ") + ")"
	if best := closest(word, known); best != "" {
		return fmt.Sprintf("; did you mean %q?%s", best, list)
	}
	return list
}

// closest returns the known word nearest to word by edit distance, or "" when even the nearest
// needs more edits than a typo would (more than 2, or a third of the word).
func closest(word string, known []string) string {
	w := strings.ToLower(word)
	best, bestD := "", -1
	for _, k := range known {
		d := editDistance(w, k)
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	if bestD < 0 || (bestD > 2 && bestD > len(w)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
