package staging

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/schema"
)

// Export refuses an unknown format by name, and writes to a folder whose name needs quoting in
// SQL; the file holds the canonical rows (the latest version of each record).
func TestExport(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	sn, err := s.StartSnapshot(ctx, SnapshotSpec{Source: "intercom", BaseURL: "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	p := ticketPage(t, "tickets", `{"v":1}`, ticketRow("1", 0), ticketRow("2", 0), ticketRow("1", 1))
	if err := sn.WritePage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(ctx, s.DB(), "xlsx", t.TempDir()); err == nil || !strings.Contains(err.Error(), `--format "xlsx"`) {
		t.Errorf("xlsx: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "o'brien")
	files, err := Export(ctx, s.DB(), FormatParquet, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(ExportTables()) || files[0].Table != "tickets" || files[0].Rows != 2 {
		t.Fatalf("exported %+v", files)
	}
	var status string
	q := "SELECT status FROM read_parquet('" + strings.ReplaceAll(files[0].Path, "'", "''") + "') WHERE source_id = '1'"
	if err := s.DB().QueryRowContext(ctx, q).Scan(&status); err != nil || status != "v1" {
		t.Errorf("ticket 1 in the file: %q %v, want its latest version", status, err)
	}
}

// ticketRow is ticket id in its version v (updated v hours after t0, status "v<v>").
func ticketRow(id string, v int) schema.Ticket {
	return schema.Ticket{SourceID: id, CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(v) * time.Hour), Status: "v" + strconv.Itoa(v)}
}
