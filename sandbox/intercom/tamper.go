package intercom

// Tests change stored objects behind the API's back to plant the differences a verification must
// find (a reply lost, a timestamp moved, a state changed): what a flaky import, another app or a
// teammate could do to a real workspace after a migration.

// TamperTicket applies fn to the stored ticket id under the server's lock; false when there is
// none. fn must not change the ticket's ID.
func (s *Server) TamperTicket(id string, fn func(t *Ticket)) bool {
	return tamper(s, func(st *state) *table[Ticket] { return &st.tickets }, id, fn)
}

// TamperConversation is TamperTicket for a conversation.
func (s *Server) TamperConversation(id string, fn func(c *Conversation)) bool {
	return tamper(s, func(st *state) *table[Conversation] { return &st.conversations }, id, fn)
}

// TamperContact is TamperTicket for a contact; its indexes (external id, email) stay as they were.
func (s *Server) TamperContact(id string, fn func(c *Contact)) bool {
	return tamper(s, func(st *state) *table[Contact] { return &st.contacts }, id, fn)
}

func tamper[T any](s *Server, t func(st *state) *table[T], id string, fn func(*T)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := t(s.st).get(id)
	if ok {
		fn(v)
	}
	return ok
}

// TamperArticle is TamperTicket for a Help Center article.
func (s *Server) TamperArticle(id string, fn func(a *Article)) bool {
	return tamper(s, func(st *state) *table[Article] { return &st.helpCenter().articles }, id, fn)
}
