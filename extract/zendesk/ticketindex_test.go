package zendesk

import (
	"runtime"
	"slices"
	"strconv"
	"testing"
)

func TestTicketIndexKeepsTheLastVersionOfEachTicket(t *testing.T) {
	tests := []struct {
		name string
		adds []ticketRef
		want map[string]ticketRef
	}{
		{"numbers", []ticketRef{{id: "7", updated: 1}, {id: "3", updated: 2}},
			map[string]ticketRef{"7": {id: "7", updated: 1}, "3": {id: "3", updated: 2}}},
		{"a later version replaces an earlier one", []ticketRef{{id: "7", updated: 1}, {id: "7", updated: 5, deleted: true}, {id: "7", updated: 4}},
			map[string]ticketRef{"7": {id: "7", updated: 4}}},
		{"ids that are not canonical numbers are kept by name", []ticketRef{{id: "007", updated: 1}, {id: "7", updated: 2}, {id: "-7", updated: 3}, {id: "x", updated: 4}, {id: "x", updated: 6}},
			map[string]ticketRef{"007": {id: "007", updated: 1}, "7": {id: "7", updated: 2}, "-7": {id: "-7", updated: 3}, "x": {id: "x", updated: 6}}},
		{"int64 ids", []ticketRef{{id: "9223372036854775807", updated: 1}},
			map[string]ticketRef{"9223372036854775807": {id: "9223372036854775807", updated: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := &ticketIndex{}
			for _, r := range tt.adds {
				x.add(r)
			}
			got := map[string]ticketRef{}
			for _, r := range x.latest() {
				ref := x.ref(r)
				if _, dup := got[ref.id]; dup {
					t.Errorf("ticket %s listed twice", ref.id)
				}
				got[ref.id] = ref
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for id, w := range tt.want {
				if got[id] != w {
					t.Errorf("ticket %s: got %+v, want %+v", id, got[id], w)
				}
				if !x.has(id) {
					t.Errorf("has(%s) = false", id)
				}
			}
			if x.has("12345") || x.has("nobody") {
				t.Error("has says yes for a ticket never added")
			}
		})
	}
}

// An export that sends the same tickets page after page must not grow the index past a few
// times the tickets it holds.
func TestTicketIndexStaysBoundedUnderRepeats(t *testing.T) {
	x := &ticketIndex{}
	for round := range 20 {
		for i := range 5000 {
			x.add(ticketRef{id: strconv.Itoa(i), updated: int64(round)})
		}
	}
	if n := len(x.latest()); n != 5000 {
		t.Fatalf("%d tickets, want 5000", n)
	}
	if c := cap(x.refs); c > 4*5000 {
		t.Errorf("capacity %d for 5,000 tickets added 20 times", c)
	}
	for _, r := range x.latest() {
		if r.updated != 19 {
			t.Fatalf("ticket %d kept version %d, want the last (19)", r.key, r.updated)
		}
	}
}

// The index and the meeting are what grow with the account in an extract: they must stay a few
// dozen bytes a ticket. A map of string ids took ~120 with the meeting's copy, before its set of
// staged tickets.
func TestTicketIndexAndMeetingAreCompact(t *testing.T) {
	const tickets = 100_000
	before := heapInUse()
	x := &ticketIndex{}
	for i := range tickets {
		x.add(ticketRef{id: strconv.Itoa(1_000_000 + i*7), updated: int64(i)})
	}
	m := newMeeting(modeAuto, x, 0)
	both := float64(heapInUse()-before) / tickets
	runtime.KeepAlive(x)
	meetingAlone := float64(heapInUse()-before) / tickets
	runtime.KeepAlive(m)
	t.Logf("%.1f bytes a ticket for the index and the meeting, %.1f for the meeting alone", both, meetingAlone)
	if both > 80 || meetingAlone > 40 {
		t.Errorf("%.1f bytes a ticket for both, %.1f for the meeting; want at most 80 and 40", both, meetingAlone)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestTicketIndexRetainKeepsOrderAndNames(t *testing.T) {
	x := &ticketIndex{}
	for i, id := range []string{"5", "x", "2", "9", "y", "4"} {
		x.add(ticketRef{id: id, updated: int64(i)})
	}
	x.retain(func(r indexedRef) bool { return r.updated%2 == 1 }) // x, 9, 4
	var got []string
	for _, r := range x.latest() {
		got = append(got, x.ref(r).id)
	}
	if want := []string{"x", "4", "9"}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v (names first, then numbers in order)", got, want)
	}
	if x.has("5") || x.has("y") || !x.has("x") {
		t.Error("has disagrees with what retain kept")
	}
}
