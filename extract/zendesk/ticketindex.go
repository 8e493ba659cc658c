package zendesk

import (
	"cmp"
	"slices"
	"strconv"
)

// ticketIndex holds what the comments stage needs of every ticket a run read: its id, when it
// was last updated and whether it was deleted. It is the one structure of an extract that grows
// with the account, so it keeps Zendesk's int64 ids as numbers: 24 bytes a ticket in one slice,
// rather than ~90 in a map of strings that the garbage collector also has to scan. An id of any
// other shape (the API sends numbers; an id sent as text that is not one) is kept by name.
//
// Adding a ticket again replaces it: a later page holds the later version.
type ticketIndex struct {
	refs   []indexedRef // sorted by key and unique up to sorted; appended after
	sorted int
	names  []string         // ids that are not numbers: key -(i+1) is names[i]
	byName map[string]int64 // their keys
}

// indexedRef is a ticketRef with its id as a key of the index it came from.
type indexedRef struct {
	key     int64
	updated int64
	deleted bool
}

// key returns the key of id, giving a new name one when add is true. ok is false for a name
// the index has never seen, when add is false.
func (x *ticketIndex) key(id string, add bool) (k int64, ok bool) {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n >= 0 && strconv.FormatInt(n, 10) == id {
		return n, true
	}
	if k, ok := x.byName[id]; ok {
		return k, true
	}
	if !add {
		return 0, false
	}
	if x.byName == nil {
		x.byName = map[string]int64{}
	}
	x.names = append(x.names, id)
	k = -int64(len(x.names))
	x.byName[id] = k
	return k, true
}

// id turns a key back into the ticket's id.
func (x *ticketIndex) id(k int64) string {
	if k >= 0 {
		return strconv.FormatInt(k, 10)
	}
	return x.names[-k-1]
}

func (x *ticketIndex) ref(r indexedRef) ticketRef {
	return ticketRef{id: x.id(r.key), updated: r.updated, deleted: r.deleted}
}

// add records a ticket, replacing what the index held of it.
func (x *ticketIndex) add(t ticketRef) {
	k, _ := x.key(t.id, true)
	x.refs = append(x.refs, indexedRef{key: k, updated: t.updated, deleted: t.deleted})
	// Re-sort once the unsorted tail outgrows the sorted part, so that an export sending tickets
	// again and again cannot grow the slice much past twice the tickets it holds.
	if len(x.refs)-x.sorted > max(x.sorted, 4096) {
		x.compact()
	}
}

// compact sorts the refs by key and keeps the last one added of each ticket.
func (x *ticketIndex) compact() {
	if x.sorted == len(x.refs) {
		return
	}
	// A stable sort keeps the order of adding among refs of one ticket: the last one wins.
	slices.SortStableFunc(x.refs, func(a, b indexedRef) int { return cmp.Compare(a.key, b.key) })
	out := x.refs[:0]
	for i, r := range x.refs {
		if i+1 < len(x.refs) && x.refs[i+1].key == r.key {
			continue
		}
		out = append(out, r)
	}
	clear(x.refs[len(out):])
	x.refs, x.sorted = out, len(out)
}

// latest returns every ticket once, as last added, sorted by key. The slice is the index's own.
func (x *ticketIndex) latest() []indexedRef {
	x.compact()
	return x.refs
}

// retain keeps only the tickets keep says yes to.
func (x *ticketIndex) retain(keep func(indexedRef) bool) {
	x.refs = slices.DeleteFunc(x.latest(), func(r indexedRef) bool { return !keep(r) })
	x.sorted = len(x.refs)
}

// has says whether the index holds the ticket.
func (x *ticketIndex) has(id string) bool {
	k, ok := x.key(id, false)
	if !ok {
		return false
	}
	_, found := slices.BinarySearchFunc(x.latest(), k, func(r indexedRef, k int64) int { return cmp.Compare(r.key, k) })
	return found
}
