package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskport/deskport/schema"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The same query in every format, over values of every kind the staging store holds.
func TestRowFormats(t *testing.T) {
	db, err := schema.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const q = `SELECT * FROM (VALUES
		('33144692244499', TIMESTAMP '2021-03-04 05:06:07', ['vip', 'b'], '{"a": 1}'::JSON, true, 3.5::DOUBLE, NULL::VARCHAR, 'Zoë 東京 ✓'),
		('2', NULL, [], NULL, false, NULL, 'x', 'line1
line2')
	) t(source_id, created_at, tags, custom_fields, public, score, assignee_id, subject) ORDER BY source_id`
	for _, format := range rowFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			out, err := newRowWriter(format, &buf)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			if err := writeRows(out, rows); err != nil {
				t.Fatal(err)
			}
			golden(t, "rows."+format, buf.Bytes())
		})
	}
	if _, err := newRowWriter("xml", &bytes.Buffer{}); err == nil {
		t.Error("an unknown format was accepted")
	}
}
