package transform

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestDeterministicZendesk: a Zendesk plan of the same content inserted in another order, and
// planned twice, is the same byte for byte with the same hashes.
func TestDeterministicZendesk(t *testing.T) {
	ctx := context.Background()
	stmts := genAccount(42)
	shuffled := slices.Clone(stmts)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	a, b := storeWith(t, stmts), storeWith(t, shuffled)
	s := DefaultSettings()
	s.Target, s.BatchSize = TargetZendesk, 7
	first, err := Run(ctx, a, s)
	if err != nil {
		t.Fatal(err)
	}
	dumpA := zendeskDump(t, a)
	for name, store := range map[string]*sql.DB{"second run": a, "other insert order": b} {
		r, err := Run(ctx, store, s)
		if err != nil {
			t.Fatal(err)
		}
		if r.PlanHash != first.PlanHash || r.InputsHash != first.InputsHash {
			t.Errorf("%s: hashes differ", name)
		}
		if got := zendeskDump(t, store); got != dumpA {
			t.Errorf("%s wrote different plan tables:\n%s", name, firstDiff(got, dumpA))
		}
	}
	if first.OpsByKind["ticket_import"] == 0 || first.OpsByKind["user"] == 0 {
		t.Errorf("the generated account planned %v", first.OpsByKind)
	}
}

// TestZendeskPlanOnlyZendeskKinds: a Zendesk plan holds only the kinds the Zendesk loader knows,
// and the Intercom set is untouched by the choice.
func TestZendeskPlanOnlyZendeskKinds(t *testing.T) {
	db := storeWith(t, genAccount(7))
	s := DefaultSettings()
	s.Target = TargetZendesk
	res, err := Run(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	known := []string{"organization", "user", "ticket_import", "kb_category", "kb_section", "kb_article", "kb_translation"}
	for kind := range res.OpsByKind {
		if !slices.Contains(known, kind) {
			t.Errorf("kind %q in a Zendesk plan", kind)
		}
	}
	if files := SQLFilesFor(TargetIntercom); !slices.Equal(files, SQLFiles()) {
		t.Errorf("Intercom files %v", files)
	}
	if bad := (Settings{Target: "freshdesk"}).WithDefaults().Validate(); bad == nil || !strings.Contains(bad.Error(), "freshdesk") {
		t.Errorf("Validate of an unknown target: %v", bad)
	}
}

func zendeskDump(t *testing.T, store *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, tbl := range append(slices.Clone(zendeskPlanTables), hashedTable{"plan_meta", "key"}) {
		q := `SELECT CAST(to_json(t) AS TEXT) AS r FROM ` + tbl.name + ` t`
		fmt.Fprintf(&b, "== %s\n%s", tbl.name, dump(t, store, q+` ORDER BY `+tbl.orderBy))
	}
	return b.String()
}
