package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func accountHash(t *testing.T, a *Account) [32]byte {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    Options
		wantSam bool
	}{
		{"same seed", Options{Seed: 7, Tickets: 300}, Options{Seed: 7, Tickets: 300}, true},
		{"same seed zero", Options{Seed: 0, Tickets: 50}, Options{Seed: 0, Tickets: 50}, true},
		{"other seed", Options{Seed: 7, Tickets: 300}, Options{Seed: 8, Tickets: 300}, false},
		{"other size", Options{Seed: 7, Tickets: 300}, Options{Seed: 7, Tickets: 301}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same := accountHash(t, Generate(tc.a)) == accountHash(t, Generate(tc.b))
			if same != tc.wantSam {
				t.Fatalf("identical = %v, want %v", same, tc.wantSam)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	for _, tc := range []struct {
		tickets                     int
		endUsers, agents, orgs, fld int
	}{
		{0, 20, 10, 5, 9},
		{100, 50, 10, 5, 9},
		{2000, 1000, 20, 100, 9},
	} {
		a := Generate(Options{Seed: 1, Tickets: tc.tickets})
		c := a.Counts()
		if c.Tickets != tc.tickets || c.TicketsLive+c.TicketsDeleted != c.Tickets {
			t.Errorf("%d: tickets %+v", tc.tickets, c)
		}
		if c.EndUsers != tc.endUsers || c.Agents != tc.agents || c.Organizations != tc.orgs {
			t.Errorf("%d: people %+v", tc.tickets, c)
		}
		if c.Groups < 5 || c.Groups > 12 || c.TicketFields != tc.fld+1 || c.SystemTicketFields != 7 {
			t.Errorf("%d: groups/fields %+v", tc.tickets, c)
		}
		if tc.tickets >= 2000 {
			deleted := float64(c.TicketsDeleted) / float64(c.Tickets)
			if deleted < 0.01 || deleted > 0.06 || c.Comments >= c.CommentsAll || c.Attachments == 0 {
				t.Errorf("%d: deleted share %.3f, counts %+v", tc.tickets, deleted, c)
			}
		}
	}
}

func TestCommentCountsFollowAPowerLaw(t *testing.T) {
	a := Generate(Options{Seed: 3, Tickets: 5000})
	short, long, most := 0, 0, 0
	for _, tk := range a.Tickets {
		n := len(tk.Comments)
		switch {
		case n <= 5:
			short++
		case n >= 50:
			long++
		}
		most = max(most, n)
	}
	if share := float64(short) / float64(len(a.Tickets)); share < 0.8 {
		t.Errorf("only %.2f of tickets have 1-5 comments", share)
	}
	if long == 0 || long > len(a.Tickets)/20 || most > 300 {
		t.Errorf("long tail: %d tickets with 50+ comments, max %d", long, most)
	}
}

func TestTicketInvariants(t *testing.T) {
	a := Generate(Options{Seed: 5, Tickets: 3000})
	users := map[int64]User{}
	for _, u := range a.Users {
		users[u.ID] = u
	}
	unassigned := 0
	for _, tk := range a.Tickets {
		checkTicket(t, tk, users)
		if tk.AssigneeID == 0 {
			unassigned++
		}
	}
	if share := float64(unassigned) / float64(len(a.Tickets)); share < 0.04 || share > 0.14 {
		t.Errorf("unassigned share %.3f, want about 0.08", share)
	}
}

// checkTicket verifies one ticket's conversation and timestamps.
func checkTicket(t *testing.T, tk Ticket, users map[int64]User) {
	t.Helper()
	if len(tk.Comments) == 0 || tk.Comments[0].AuthorID != tk.RequesterID || tk.Description != tk.Comments[0].PlainBody {
		t.Fatalf("ticket %d: first comment is not the requester's description", tk.ID)
	}
	if _, ok := users[tk.RequesterID]; !ok {
		t.Fatalf("ticket %d: unknown requester", tk.ID)
	}
	if !tk.CreatedAt.Equal(tk.Comments[0].CreatedAt) {
		t.Errorf("ticket %d: created_at differs from the first comment", tk.ID)
	}
	for i, c := range tk.Comments {
		if _, ok := users[c.AuthorID]; !ok {
			t.Fatalf("ticket %d comment %d: unknown author", tk.ID, c.ID)
		}
		if i > 0 && !c.CreatedAt.After(tk.Comments[i-1].CreatedAt) {
			t.Fatalf("ticket %d: comment times not strictly increasing", tk.ID)
		}
		if c.CreatedAt.Nanosecond() != 0 || c.CreatedAt.Location() != time.UTC {
			t.Fatalf("ticket %d: comment time %v not UTC seconds", tk.ID, c.CreatedAt)
		}
	}
	last := tk.Comments[len(tk.Comments)-1].CreatedAt
	if tk.UpdatedAt.Before(last) || !tk.GeneratedAt.Equal(tk.UpdatedAt) {
		t.Errorf("ticket %d: updated_at %v before last comment %v", tk.ID, tk.UpdatedAt, last)
	}
	if tk.CreatedAt.Before(rangeStart) || tk.UpdatedAt.After(rangeEnd.AddDate(0, 1, 0)) {
		t.Errorf("ticket %d: times out of range", tk.ID)
	}
}

func TestDataQuirks(t *testing.T) {
	a := Generate(Options{Seed: 11, Tickets: 3000})
	q := quirks(a)
	for name, ok := range map[string]bool{
		"ids above 2^53":             q.highIDs > 0,
		"no duplicate ids":           q.dupIDs == 0,
		"no duplicate emails":        q.dupEmails == 0,
		"invalid phones":             q.badPhones > 0,
		"unicode (non-ASCII) names":  q.unicode > 0,
		"emoji in bodies":            q.emoji > 0,
		"inline images in html":      q.inline > 0 && q.inlineMissing == 0,
		"legacy attachment names":    q.legacy > 0,
		".exe attachments":           q.exe > 0,
		"size equals content length": q.badSize == 0,
		"integer via channels":       q.numericVia > 0,
		"suspended users":            q.suspended > 0,
		"every field value typed":    q.badValue == 0,
	} {
		if !ok {
			t.Errorf("%s: %+v", name, q)
		}
	}
}

type quirkCounts struct {
	highIDs, dupIDs, dupEmails, badPhones, unicode, emoji, inline, inlineMissing int
	legacy, exe, badSize, numericVia, suspended, badValue                        int
}

func quirks(a *Account) quirkCounts {
	var q quirkCounts
	seen := map[int64]bool{}
	id := func(v int64) {
		if seen[v] {
			q.dupIDs++
		}
		seen[v] = true
		if v > 1<<53 {
			q.highIDs++
		}
	}
	emails := map[string]bool{}
	for _, u := range a.Users {
		id(u.ID)
		if emails[u.Email] {
			q.dupEmails++
		}
		emails[u.Email] = true
		if contains(invalidPhones, u.Phone) {
			q.badPhones++
		}
		if !isASCII(u.Name) {
			q.unicode++
		}
		if u.Suspended {
			q.suspended++
		}
	}
	for _, o := range a.Organizations {
		id(o.ID)
	}
	types := map[int64]string{}
	for _, f := range a.TicketFields {
		id(f.ID)
		types[f.ID] = f.Type
	}
	for _, tk := range a.Tickets {
		id(tk.ID)
		if tk.NumericVia {
			q.numericVia++
		}
		for _, fv := range tk.CustomFields {
			if !valueMatches(types[fv.FieldID], fv.Value) {
				q.badValue++
			}
		}
		for _, c := range tk.Comments {
			id(c.ID)
			quirksOfComment(&q, c, id)
		}
	}
	return q
}

func quirksOfComment(q *quirkCounts, c Comment, id func(int64)) {
	if strings.ContainsAny(c.PlainBody, "🔥🎉😕") {
		q.emoji++
	}
	for _, at := range c.Attachments {
		id(at.ID)
		if at.Inline {
			q.inline++
			if !strings.Contains(c.HTMLBody, InlineSrc(at.ID)) {
				q.inlineMissing++
			}
		}
		if at.LegacyName {
			q.legacy++
		}
		if strings.HasSuffix(at.FileName, ".exe") {
			q.exe++
		}
		if at.Size != int64(len(at.Content)) || at.Size == 0 {
			q.badSize++
		}
	}
}

func isASCII(s string) bool { return utf8.RuneCountInString(s) == len(s) }

// valueMatches checks a custom field value's Go type against its field type.
func valueMatches(typ string, v any) bool {
	if v == nil {
		return true
	}
	switch v.(type) {
	case bool:
		return typ == FieldCheckbox
	case float64:
		return typ == FieldDecimal
	case int64:
		return typ == FieldInteger
	case []string:
		return typ == FieldMultiselect
	case string:
		return typ == FieldDate || typ == FieldTagger || typ == FieldRegexp || typ == FieldText || typ == FieldTextarea
	}
	return false
}

func TestEventBurstsShareASecond(t *testing.T) {
	a := Generate(Options{Seed: 2, Tickets: 2000})
	perSecond := map[int64]int{}
	for _, tk := range a.Tickets {
		for _, c := range tk.Comments {
			perSecond[c.CreatedAt.Unix()]++
		}
		for _, ch := range tk.Changes {
			perSecond[ch.At.Unix()]++
		}
	}
	biggest := 0
	for _, n := range perSecond {
		biggest = max(biggest, n)
	}
	if biggest < 50 {
		t.Fatalf("largest burst of events in one second is %d, want ≥ 50", biggest)
	}
}

func TestAttachmentContentIsDerivedFromID(t *testing.T) {
	for _, tc := range []struct {
		id    int64
		magic string
		n     int
	}{{1, "%PDF", 100}, {1 << 60, "MZ", 9}, {42, "\x89PNG", 3}} {
		a, b := Content(tc.id, tc.magic, tc.n), Content(tc.id, tc.magic, tc.n)
		if !bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte(tc.magic)) || len(a) < tc.n {
			t.Errorf("Content(%d, %q, %d) = %q", tc.id, tc.magic, tc.n, a)
		}
	}
}

func TestMutations(t *testing.T) {
	a := Generate(Options{Seed: 9, Tickets: 50})
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	v0 := a.Version()
	nt := a.AddTicket(at, TicketInput{Subject: "Nouveau ticket ✨", Body: "Hallo"})
	if nt.RequesterID == 0 || nt.GeneratedAt != at.Truncate(time.Second) || a.TicketByID(nt.ID) == nil {
		t.Fatalf("AddTicket: %+v", nt)
	}
	c1, err := a.AddComment(nt.ID, at, CommentInput{AuthorID: nt.RequesterID, Body: "same second"})
	if err != nil || !c1.CreatedAt.After(nt.CreatedAt) {
		t.Fatalf("AddComment at the same second: %v %v", c1.CreatedAt, err)
	}
	later := at.Add(time.Hour)
	up, err := a.UpdateTicket(nt.ID, later, func(t *Ticket) { t.Status = StatusSolved })
	if err != nil || !up.GeneratedAt.Equal(later.Truncate(time.Second)) || len(up.Changes) != 1 {
		t.Fatalf("UpdateTicket: %+v %v", up, err)
	}
	if _, err := a.AddComment(1, at, CommentInput{}); err != ErrTicketNotFound {
		t.Fatalf("AddComment on unknown ticket: %v", err)
	}
	if _, err := a.UpdateUser(a.Users[0].ID, later, func(u *User) { u.Name = "Renamed" }); err != nil {
		t.Fatal(err)
	}
	if a.Version() != v0+4 {
		t.Fatalf("version %d, want %d", a.Version(), v0+4)
	}
}

func TestMutationsAreSafeWithReaders(t *testing.T) {
	a := Generate(Options{Seed: 9, Tickets: 20})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			a.RLock()
			_ = len(a.Tickets) + len(a.Tickets[0].Comments)
			a.RUnlock()
		}
	}()
	for i := 0; i < 200; i++ {
		a.AddTicket(time.Unix(int64(1_800_000_000+i), 0), TicketInput{Subject: "x"})
		_, _ = a.AddComment(a.Tickets[0].ID, time.Unix(1_800_000_000, 0), CommentInput{Body: "y"})
	}
	wg.Wait()
	if got := a.Counts().Tickets; got != 220 {
		t.Fatalf("tickets = %d", got)
	}
}

func TestGenerateLargeAccountIsFastAndSmall(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large account; timings mean nothing under the race detector")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// CPU time, not wall time: other test binaries share the machine's cores.
	cpu0 := cpuTime(t)
	a := Generate(Options{Seed: 1, Tickets: 20000})
	took := cpuTime(t) - cpu0
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if took > 2*time.Second || heap > 300<<20 {
		t.Fatalf("20,000 tickets: %v of CPU, %d MB", took, heap>>20)
	}
	t.Logf("20,000 tickets: %v of CPU, %d MB, %+v", took, heap>>20, a.Counts())
}
