package staging

import (
	"context"
	"testing"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// A truncation is listed while the latest snapshot that staged the ticket found it incomplete;
// a later snapshot that fetched the thread whole clears it.
func TestTruncationsLatestSnapshotHolds(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	spec := SnapshotSpec{Source: "intercom", BaseURL: "http://x", Entities: []schema.Entity{schema.Tickets}}
	write := func(truncated ...string) int64 {
		sn, err := s.StartSnapshot(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		p := ticketPage(t, "conversations", `{"v":1}`,
			schema.Ticket{SourceID: "a", CreatedAt: t0, UpdatedAt: t0}, schema.Ticket{SourceID: "b", CreatedAt: t0, UpdatedAt: t0})
		for _, id := range truncated {
			p.Truncations = append(p.Truncations, extract.Truncation{Entity: schema.Tickets, SourceID: id, Part: "comments", Total: 600, Fetched: 500})
		}
		if err := sn.WritePage(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := sn.Finish(ctx, nil); err != nil {
			t.Fatal(err)
		}
		return sn.ID
	}
	first := write("a", "b")
	second := write("b")
	cases := []struct {
		snapshot int64
		want     []string
	}{{0, []string{"b"}}, {first, nil}, {second, []string{"b"}}}
	for _, c := range cases {
		got, err := s.Truncations(ctx, c.snapshot)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, tr := range got {
			ids = append(ids, tr.SourceID)
			if tr.Total != 600 || tr.Fetched != 500 || tr.Part != "comments" {
				t.Errorf("snapshot %d: %+v", c.snapshot, tr)
			}
		}
		if len(ids) != len(c.want) || (len(ids) > 0 && ids[0] != c.want[0]) {
			t.Errorf("snapshot %d: truncated %v, want %v", c.snapshot, ids, c.want)
		}
	}
}
