package gen

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"time"
)

// Weighted choices; weights are percentages.
var (
	statusChoices   = []string{StatusDeleted, StatusNew, StatusOpen, StatusPending, StatusHold, StatusSolved, StatusClosed}
	statusWeights   = []int{3, 6, 14, 8, 3, 16, 50}
	priorityChoices = []string{"", "low", "normal", "high", "urgent"}
	priorityWeights = []int{30, 15, 35, 15, 5}
	typeChoices     = []string{"", "question", "incident", "problem", "task"}
	typeWeights     = []int{25, 35, 20, 8, 12}
	channelChoices  = []string{"email", "web", "api", "mobile", "chat", "voice", "sample_ticket"}
	channelWeights  = []int{45, 30, 10, 4, 6, 4, 1}
)

// viaIDs maps channels to the platform's numeric via ids (approximate;
// clients must simply accept an integer where a string usually is).
var viaIDs = map[string]int{
	"web": 0, "email": 4, "api": 5, "rule": 8, "sample_ticket": 27,
	"chat": 29, "voice": 34, "mobile": 48,
}

// ViaID returns the numeric via id of a channel name.
func ViaID(channel string) int { return viaIDs[channel] }

func weighted(r *rand.Rand, choices []string, weights []int) string {
	n := r.IntN(100)
	for i, w := range weights {
		if n < w {
			return choices[i]
		}
		n -= w
	}
	return choices[len(choices)-1]
}

const automationText = "This ticket was solved automatically after 3 days without a reply. 🤖 " +
	"Répondez à ce message pour le rouvrir."

// ticketGen holds what every ticket draws from.
type ticketGen struct {
	r          *rand.Rand
	ids        *idAllocators
	users      []User
	endUsers   []int // indices into users
	agents     []int
	groupAgent map[int64][]int // group id → agent indices (looked up, never iterated)
	groups     []Group
	fields     []TicketField
	sweeps     []time.Time // automation runs: many tickets change in the same second
	comments   *rand.Zipf
	requesters *rand.Zipf
}

func newTicketGen(r *rand.Rand, ids *idAllocators, a *Account, tickets int) *ticketGen {
	g := &ticketGen{r: r, ids: ids, users: a.Users, groups: a.Groups, fields: a.TicketFields,
		groupAgent: map[int64][]int{}}
	for i, u := range a.Users {
		if u.Role == RoleEndUser {
			g.endUsers = append(g.endUsers, i)
			continue
		}
		g.agents = append(g.agents, i)
		for _, gid := range u.GroupIDs {
			g.groupAgent[gid] = append(g.groupAgent[gid], i)
		}
	}
	// P(k comments) ∝ k^-2 for k in 1..300: ~89% have 1-5, ~1% have 50+.
	g.comments = rand.NewZipf(r, 2, 1, 299)
	// A few customers write most tickets.
	g.requesters = rand.NewZipf(r, 1.2, 8, uint64(len(g.endUsers)-1))
	g.sweeps = sweepTimes(r, max(3, tickets/400))
	return g
}

// sweepTimes spreads n automation runs over the range; each one closes or
// comments on many tickets at the very same second.
func sweepTimes(r *rand.Rand, n int) []time.Time {
	from := rangeStart.AddDate(0, 1, 0)
	step := rangeEnd.Sub(from) / time.Duration(n)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = between(r, from.Add(step*time.Duration(i)), from.Add(step*time.Duration(i+1)))
	}
	return out
}

// nextSweep returns the first automation run at or after t.
func (g *ticketGen) nextSweep(t time.Time) (time.Time, bool) {
	i := sort.Search(len(g.sweeps), func(i int) bool { return !g.sweeps[i].Before(t) })
	if i == len(g.sweeps) {
		return time.Time{}, false
	}
	return g.sweeps[i], true
}

// ticket generates one ticket with its conversation and audits.
func (g *ticketGen) ticket() Ticket {
	r := g.r
	req := g.users[g.endUsers[g.requesters.Uint64()]]
	t := Ticket{
		ID: g.ids.Ticket.next(r), Subject: subject(r),
		Status:      weighted(r, statusChoices, statusWeights),
		Priority:    weighted(r, priorityChoices, priorityWeights),
		Type:        weighted(r, typeChoices, typeWeights),
		Channel:     weighted(r, channelChoices, channelWeights),
		RequesterID: req.ID, SubmitterID: req.ID, OrganizationID: req.OrganizationID,
	}
	t.ViaID, t.NumericVia = ViaID(t.Channel), r.IntN(100) < 5
	if r.IntN(10) == 0 {
		t.ExternalID = "EXT-" + strconv.Itoa(r.IntN(10_000_000))
	}
	g.assign(&t)
	t.CreatedAt = g.createdAfter(req.CreatedAt)
	if t.Type == "task" {
		due := t.CreatedAt.AddDate(0, 0, 1+r.IntN(14))
		t.DueAt = &due
	}
	if r.IntN(10) == 0 {
		for _, i := range r.Perm(len(g.endUsers))[:1+r.IntN(2)] {
			t.CollaboratorIDs = append(t.CollaboratorIDs, g.users[g.endUsers[i]].ID)
		}
	}
	var implied []string
	t.CustomFields, implied = fieldValues(r, g.fields, t.CreatedAt)
	t.Tags = append(tags(r, 3), implied...)
	g.conversation(&t)
	g.audits(&t)
	if (t.Status == StatusSolved || t.Status == StatusClosed) && r.IntN(10) < 3 {
		t.Satisfaction = []string{"offered", "good", "good", "bad"}[r.IntN(4)]
	}
	return t
}

func subject(r *rand.Rand) string {
	s := pick(r, subjectHeads)
	if r.IntN(4) == 0 {
		s += " (#" + strconv.Itoa(10000+r.IntN(90000)) + ")"
	}
	return s
}

// createdAfter returns a creation time after the requester existed and early
// enough that long conversations still end inside the range.
func (g *ticketGen) createdAfter(userCreated time.Time) time.Time {
	lo, hi := rangeStart, rangeEnd.AddDate(0, -3, 0)
	if userCreated.After(lo) {
		lo = userCreated
	}
	if !lo.Before(hi) {
		return lo.Add(time.Duration(1+g.r.IntN(86400)) * time.Second)
	}
	return between(g.r, lo, hi)
}

// assign picks a group and an agent of that group; about 8% of tickets stay
// unassigned (most new tickets, a few others).
func (g *ticketGen) assign(t *Ticket) {
	r := g.r
	grp := g.groups[r.IntN(len(g.groups))]
	t.GroupID = grp.ID
	unassigned := r.IntN(100) < 5 || (t.Status == StatusNew && r.IntN(10) < 6)
	if unassigned {
		return
	}
	members := g.groupAgent[grp.ID]
	if len(members) == 0 {
		members = g.agents
	}
	agent := g.users[members[r.IntN(len(members))]]
	t.AssigneeID = agent.ID
	if r.IntN(100) < 15 {
		t.SubmitterID = agent.ID // an agent opened it on the customer's behalf
	}
}

// conversation generates the comments with strictly increasing times; the
// first is the description by the requester.
func (g *ticketGen) conversation(t *Ticket) {
	r := g.r
	n := int(g.comments.Uint64()) + 1
	t.Comments = make([]Comment, 0, n)
	at := t.CreatedAt
	for k := 0; k < n; k++ {
		if k > 0 {
			at = at.Add(time.Duration(1+int64(r.ExpFloat64()*5*3600)) * time.Second)
		}
		if k == n-1 && k > 0 && g.automated(t, &at) {
			break
		}
		t.Comments = append(t.Comments, g.comment(t, k, at))
	}
	t.Description = t.Comments[0].PlainBody
}

// automated appends the automation's comment at the next sweep after a
// solved ticket went quiet, for half of the solved/closed tickets.
func (g *ticketGen) automated(t *Ticket, at *time.Time) bool {
	if (t.Status != StatusSolved && t.Status != StatusClosed) || g.r.IntN(2) == 0 {
		return false
	}
	prev := t.Comments[len(t.Comments)-1].CreatedAt
	sweep, ok := g.nextSweep(prev.Add(72 * time.Hour))
	if !ok {
		return false
	}
	*at = sweep
	t.Comments = append(t.Comments, Comment{
		ID: g.ids.Comment.next(g.r), AuditID: g.ids.Audit.next(g.r),
		AuthorID: g.users[g.agents[0]].ID, Public: true, Channel: "rule", CreatedAt: sweep,
		PlainBody: automationText, HTMLBody: "<p>" + automationText + "</p>",
	})
	return true
}

// comment generates comment k of a ticket at the given time.
func (g *ticketGen) comment(t *Ticket, k int, at time.Time) Comment {
	r := g.r
	c := Comment{ID: g.ids.Comment.next(r), AuditID: g.ids.Audit.next(r), CreatedAt: at, Public: true}
	switch roll := r.IntN(100); {
	case k == 0:
		c.AuthorID, c.Channel = t.RequesterID, t.Channel
	case roll < 55:
		c.AuthorID, c.Channel = g.replier(t), "web"
	case roll < 65:
		c.AuthorID, c.Channel, c.Public = g.replier(t), "web", false // internal note
	default:
		c.AuthorID, c.Channel = g.customer(t), "web"
		if t.Channel == "email" {
			c.Channel = "email"
		}
	}
	inline := inlineImages(r, g.ids)
	c.PlainBody, c.HTMLBody = body(r, sentenceCount(r), inline)
	c.Attachments = append(inline, fileAttachments(r, g.ids)...)
	return c
}

// replier is the assignee, or any agent while the ticket is unassigned.
func (g *ticketGen) replier(t *Ticket) int64 {
	if t.AssigneeID != 0 {
		return t.AssigneeID
	}
	return g.users[g.agents[g.r.IntN(len(g.agents))]].ID
}

// customer is the requester or, sometimes, a CC'd collaborator.
func (g *ticketGen) customer(t *Ticket) int64 {
	if len(t.CollaboratorIDs) > 0 && g.r.IntN(4) == 0 {
		return t.CollaboratorIDs[g.r.IntN(len(t.CollaboratorIDs))]
	}
	return t.RequesterID
}

// audits adds the comment-less status changes (closing by automation at a
// sweep, deletion) and sets UpdatedAt/GeneratedAt to the last change.
func (g *ticketGen) audits(t *Ticket) {
	r := g.r
	last := t.Comments[len(t.Comments)-1].CreatedAt
	change := func(at time.Time, from, to string, author int64) {
		t.Changes = append(t.Changes, Change{
			AuditID: g.ids.Audit.next(r), ID: g.ids.Audit.next(r), AuthorID: author,
			Field: "status", From: from, To: to, At: at,
		})
		last = at
	}
	admin := g.users[g.agents[0]].ID
	switch t.Status {
	case StatusClosed:
		at, ok := g.nextSweep(last.Add(96 * time.Hour))
		if !ok {
			at = last.Add(96 * time.Hour)
		}
		change(at, StatusSolved, StatusClosed, admin)
	case StatusDeleted:
		change(last.Add(time.Duration(1+r.IntN(30*86400))*time.Second), StatusOpen, StatusDeleted, g.replier(t))
	}
	t.UpdatedAt, t.GeneratedAt = last, last
}
