package cli

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"
)

var rowFormats = []string{"table", "csv", "json"}

// rowWriter prints a result set in one of rowFormats.
type rowWriter interface {
	header(cols []string) error
	row(vals []any) error
	flush() error
}

func newRowWriter(format string, w io.Writer) (rowWriter, error) {
	switch format {
	case "table":
		return &tableWriter{w: w}, nil
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}, nil
	case "json":
		return &jsonWriter{w: w}, nil
	}
	return nil, fmt.Errorf("--format %q: want one of %s", format, strings.Join(rowFormats, ", "))
}

// writeRows streams rows into out.
func writeRows(out rowWriter, rows *sql.Rows) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	if err := out.header(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := out.row(vals); err != nil {
			return err
		}
	}
	return out.flush()
}

// text renders a value for table and CSV output; ok is false for NULL.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case time.Time:
		return x.UTC().Format(time.RFC3339), true
	case []byte:
		return string(x), true
	case string:
		return x, true
	case *big.Int:
		return x.String(), true
	case []any, map[string]any:
		b, err := json.Marshal(jsonValue(x))
		if err != nil {
			return fmt.Sprint(x), true
		}
		return string(b), true
	}
	return fmt.Sprint(v), true
}

// jsonValue converts driver values to what encoding/json renders faithfully.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case []byte:
		return string(x)
	case *big.Int:
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	}
	return v
}

// tableWriter aligns columns; it holds the rows until flush because widths depend on all of them.
type tableWriter struct {
	w     io.Writer
	cols  []string
	cells [][]string
}

func (t *tableWriter) header(cols []string) error { t.cols = cols; return nil }

func (t *tableWriter) row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		s, ok := text(v)
		if !ok {
			s = "NULL"
		}
		cells[i] = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", " ").Replace(s)
	}
	t.cells = append(t.cells, cells)
	return nil
}

func (t *tableWriter) flush() error {
	widths := make([]int, len(t.cols))
	for i, c := range t.cols {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, r := range t.cells {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
			}
		}
		b.WriteString("\n")
	}
	line(t.cols)
	rule := make([]string, len(t.cols))
	for i := range rule {
		rule[i] = strings.Repeat("-", widths[i])
	}
	line(rule)
	for _, r := range t.cells {
		line(r)
	}
	fmt.Fprintf(&b, "(%d rows)\n", len(t.cells))
	_, err := io.WriteString(t.w, b.String())
	return err
}

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) header(cols []string) error { return c.w.Write(cols) }

func (c *csvWriter) row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		rec[i], _ = text(v)
	}
	return c.w.Write(rec)
}

func (c *csvWriter) flush() error { c.w.Flush(); return c.w.Error() }

// jsonWriter prints one JSON array of objects, keys in column order.
type jsonWriter struct {
	w    io.Writer
	cols []string
	n    int
}

func (j *jsonWriter) header(cols []string) error {
	j.cols = cols
	_, err := io.WriteString(j.w, "[")
	return err
}

func (j *jsonWriter) row(vals []any) error {
	var b strings.Builder
	if j.n > 0 {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for i, v := range vals {
		k, _ := json.Marshal(j.cols[i])
		val, err := json.Marshal(jsonValue(v))
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(val)
	}
	b.WriteString("}")
	j.n++
	_, err := io.WriteString(j.w, b.String())
	return err
}

func (j *jsonWriter) flush() error {
	_, err := io.WriteString(j.w, "\n]\n")
	return err
}
