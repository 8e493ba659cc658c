package gen

// Write runs fn with the account locked for writing, then counts one mutation. A simulator's
// write endpoints use it to validate a create against what exists and apply it in one step, so
// two concurrent creates of the same external id cannot both pass the check. fn appends or
// changes records in place and takes fresh ids from ids; an error from fn is returned and the
// account's version is not moved (fn must not have changed anything then).
func (a *Account) Write(fn func(ids *NewIDs) error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := fn(&NewIDs{a: a}); err != nil {
		return err
	}
	a.reindex()
	a.version++
	return nil
}

// NewIDs hands out ids for records created through Write, continuing the account's sequences.
type NewIDs struct {
	a  *Account
	kb int64 // the last knowledge base id handed out
}

// User returns the next user id.
func (n *NewIDs) User() int64 { return n.a.ids.User.plain() }

// Organization returns the next organization id.
func (n *NewIDs) Organization() int64 { return n.a.ids.Org.plain() }

// Ticket returns the next ticket id.
func (n *NewIDs) Ticket() int64 { return n.a.ids.Ticket.plain() }

// Comment returns the next comment id.
func (n *NewIDs) Comment() int64 { return n.a.ids.Comment.plain() }

// Audit returns the next audit (ticket event) id.
func (n *NewIDs) Audit() int64 { return n.a.ids.Audit.plain() }

// Attachment returns the next attachment id.
func (n *NewIDs) Attachment() int64 { return n.a.ids.Attachment.plain() }

// KB returns an id above every knowledge base id in use or ever handed out: the Guide's
// sequences live only while it is generated, so created records continue from the largest id,
// and an id freed by a delete is never given again (Zendesk never reuses one).
func (n *NewIDs) KB() int64 {
	if n.kb != 0 {
		n.kb++
		n.a.kbTop = n.kb
		return n.kb
	}
	g := &n.a.Guide
	var top int64 = 360_070_000_000 // above the generated low ranges, below 2^53
	bump := func(id int64) {
		if id < maxExactFloat && id >= top {
			top = id + 1
		}
	}
	for _, c := range g.Categories {
		bump(c.ID)
		for _, t := range c.Translations {
			bump(t.ID)
		}
	}
	for _, s := range g.Sections {
		bump(s.ID)
		for _, t := range s.Translations {
			bump(t.ID)
		}
	}
	for _, art := range g.Articles {
		bump(art.ID)
		for _, t := range art.Translations {
			bump(t.ID)
		}
	}
	top = max(top, n.a.kbTop+1)
	n.kb, n.a.kbTop = top, top
	return top
}
