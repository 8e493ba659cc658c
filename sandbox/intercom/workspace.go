package intercom

import (
	"sort"
	"strconv"
)

func (s *Server) registerWorkspace() {
	s.handle("GET /me", s.getMe)
	s.handle("GET /admins", s.listAdmins)
	s.handle("GET /admins/{id}", s.getAdmin)
	s.handle("GET /teams", s.listTeams)
	s.handle("GET /teams/{id}", s.getTeam)
	s.handle("GET /ticket_states", s.listTicketStates)
}

// getMe is admin_with_app: app.id_code is the workspace id the loader
// checks before writing anything.
func (s *Server) getMe(c *call) (any, error) {
	me := renderAdmin(s.st, s.st.me())
	me["email_verified"] = true
	me["avatar"] = obj{"type": "avatar", "image_url": nil}
	me["app"] = obj{
		"type": "app", "id_code": s.opts.WorkspaceID, "name": s.opts.WorkspaceName,
		"region": "US", "timezone": "UTC", "created_at": s.st.createdAt(), "identity_verification": false,
	}
	return me, nil
}

func (s *Server) listAdmins(c *call) (any, error) {
	out := make([]obj, 0, len(s.opts.Admins))
	for _, a := range s.opts.Admins {
		out = append(out, renderAdmin(s.st, a))
	}
	return obj{"type": "admin.list", "admins": out}, nil
}

func (s *Server) getAdmin(c *call) (any, error) {
	a, ok := s.st.admin(c.r.PathValue("id"))
	if !ok {
		return nil, notFound("admin_not_found", "Admin not found")
	}
	return renderAdmin(s.st, a), nil
}

func (s *Server) listTeams(c *call) (any, error) {
	out := make([]obj, 0, len(s.st.teams))
	for _, t := range s.opts.Teams {
		out = append(out, renderTeam(t))
	}
	return obj{"type": "team.list", "teams": out}, nil
}

func (s *Server) getTeam(c *call) (any, error) {
	t, ok := s.st.team(c.r.PathValue("id"))
	if !ok {
		return nil, notFound("team_not_found", "Team not found")
	}
	return renderTeam(t), nil
}

// listTicketStates lists each state with the ticket types using it (all).
func (s *Server) listTicketStates(c *call) (any, error) {
	types := make([]obj, 0, s.st.ticketTypes.len())
	for _, e := range s.st.ticketTypes.order {
		types = append(types, renderTicketTypeSummary(e.v))
	}
	out := make([]obj, 0, len(s.st.states))
	for _, ts := range s.st.states {
		o := renderTicketState(ts)
		o["archived"] = false
		o["ticket_types"] = obj{"type": "list", "data": types}
		out = append(out, o)
	}
	return obj{"type": "list", "data": out}, nil
}

func renderAdmin(st *state, a Admin) obj {
	return obj{
		"type": "admin", "id": a.ID, "name": a.Name, "email": a.Email, "job_title": "",
		"away_mode_enabled": false, "away_mode_reassign": false, "has_inbox_seat": true,
		"team_ids": intIDs(st.teamIDsOf(a.ID)), "avatar": nil,
	}
}

func renderTeam(t Team) obj {
	return obj{"type": "team", "id": t.ID, "name": t.Name, "admin_ids": intIDs(t.AdminIDs)}
}

func renderTicketState(ts TicketState) obj {
	return obj{
		"type": "ticket_state", "id": ts.ID, "category": ts.Category,
		"internal_label": ts.InternalLabel, "external_label": ts.ExternalLabel,
	}
}

// intIDs renders ids the description types as integers (team_ids,
// admin_ids); ids are numeric by construction.
func intIDs(ids []string) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// intOrNil renders an optional integer id ("" = null).
func intOrNil(id string) any {
	if id == "" {
		return nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return id
	}
	return n
}
