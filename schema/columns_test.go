package schema

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestBatchAllocatesThePageOnce checks that building a batch copies each value into Arrow once:
// builders sized up front, payloads appended without an intermediate string. Left to grow, the
// builders allocated the page about three times over.
func TestBatchAllocatesThePageOnce(t *testing.T) {
	rows := make([]Ticket, 500)
	data := 0
	for i := range rows {
		rows[i] = Ticket{SourceID: strings.Repeat("7", 14), Subject: strings.Repeat("s", 80),
			Description: strings.Repeat("d", 1000), Raw: bytes.Repeat([]byte("r"), 4000)}
		data += len(rows[i].SourceID) + len(rows[i].Subject) + len(rows[i].Description) + len(rows[i].Raw)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec, err := Batch(Tickets, rows)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	allocated := int(after.TotalAlloc - before.TotalAlloc)
	if allocated > data*5/4 {
		t.Errorf("building a batch of %d bytes of text allocated %d bytes; want at most 1.25 times the text", data, allocated)
	}
	t.Logf("%d bytes of text, %d allocated (%.2f×)", data, allocated, float64(allocated)/float64(data))

	for _, c := range []struct {
		name string
		want string
	}{{"payload", string(rows[499].Raw)}, {"description", rows[499].Description}, {"subject", rows[499].Subject}} {
		idx := rec.Schema().FieldIndices(c.name)
		if len(idx) != 1 || rec.Column(idx[0]).(*array.String).Value(499) != c.want {
			t.Errorf("column %s does not hold the row's value", c.name)
		}
	}
}

func TestBatchOfTheWrongRowTypeIsAnError(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"groups as tickets", func() error { _, err := Batch(Tickets, []Group{{SourceID: "g"}}); return err }()},
		{"tickets as comments", func() error { _, err := Batch(Comments, []Ticket{{SourceID: "t"}}); return err }()},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), "does not match entity") {
			t.Errorf("%s: got %v, want a row type error", tt.name, tt.err)
		}
	}
}
