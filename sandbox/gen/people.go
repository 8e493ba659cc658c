package gen

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// The generated history spans a fixed range, never relative to now, so the
// same seed gives the same account on any day.
var (
	rangeStart = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	rangeEnd   = time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC)
	// importAt is the second a bulk CSV import created many users and
	// organizations at once: a burst of identical timestamps.
	importAt = time.Date(2019, 1, 2, 9, 0, 0, 0, time.UTC)
)

// between returns a second-precision time in [from, to).
func between(r *rand.Rand, from, to time.Time) time.Time {
	from = from.Truncate(time.Second)
	span := int64(to.Sub(from) / time.Second)
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(span)) * time.Second)
}

// createdUpdated returns creation and update times; share/100 of records
// come from the bulk import, about half were never updated.
func createdUpdated(r *rand.Rand, share int) (time.Time, time.Time) {
	created := between(r, rangeStart, rangeEnd.AddDate(0, -3, 0))
	if r.IntN(100) < share {
		created = importAt
	}
	if r.IntN(2) == 0 {
		return created, created
	}
	return created, between(r, created, rangeEnd)
}

func genOrganizations(r *rand.Rand, ids *idAllocators, n int) []Organization {
	out := make([]Organization, 0, n)
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		head := pick(r, companyHeads)
		name := head + " " + pick(r, companyTails)
		if seen[name] { // names are unique in Zendesk
			name += " " + strconv.Itoa(i)
		}
		seen[name] = true
		domains := []string{slug(head) + "-" + strconv.Itoa(i) + ".example.com"}
		if r.IntN(4) == 0 {
			domains = append(domains, slug(head)+"-"+strconv.Itoa(i)+".example.org")
		}
		created, updated := createdUpdated(r, 30)
		out = append(out, Organization{
			ID: ids.Org.next(r), Name: name, DomainNames: domains,
			Details: pick(r, sentences), Notes: notes(r), Tags: tags(r, 2),
			CreatedAt: created, UpdatedAt: updated,
		})
	}
	return out
}

func notes(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return ""
	}
	return pick(r, sentences)
}

var groupNames = []string{
	"Support", "Billing", "Tier 2", "Technical", "Onboarding", "VIP", "Returns & Refunds",
	"Escalations", "Facturation", "サポート", "Partners", "Sales",
}

func genGroups(r *rand.Rand, ids *idAllocators, n int) []Group {
	names := append([]string(nil), groupNames...)
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	out := make([]Group, 0, n)
	for i := 0; i < n; i++ {
		created := between(r, rangeStart, rangeStart.AddDate(0, 6, 0))
		out = append(out, Group{
			ID: ids.Group.next(r), Name: names[i], Description: "Handles " + names[i] + " requests.",
			CreatedAt: created, UpdatedAt: between(r, created, rangeEnd),
		})
	}
	return out
}

// genAgents creates agents (the first two are admins), each in 1-3 groups.
func genAgents(r *rand.Rand, ids *idAllocators, n int, groups []Group) []User {
	out := make([]User, 0, n)
	for i := 0; i < n; i++ {
		role := RoleAgent
		if i < 2 {
			role = RoleAdmin
		}
		name := personName(r)
		created := between(r, rangeStart, rangeStart.AddDate(1, 0, 0))
		u := User{
			ID: ids.User.next(r), Name: name, Role: role,
			Email:  slug(name) + "." + strconv.Itoa(i) + "@support.deskport-demo.test",
			Phone:  phone(r),
			Locale: pick(r, locales), TimeZone: pick(r, timeZones),
			Active: true, Suspended: i >= 2 && r.IntN(30) == 0,
			CreatedAt: created, UpdatedAt: between(r, created, rangeEnd),
		}
		for _, gi := range r.Perm(len(groups))[:1+r.IntN(3)] {
			u.GroupIDs = append(u.GroupIDs, groups[gi].ID)
		}
		out = append(out, u)
	}
	return out
}

var freeMailDomains = []string{"example.com", "example.net", "example.org", "mail.example.com"}

// genEndUsers creates customers; 60% belong to an organization and use its
// domain.
func genEndUsers(r *rand.Rand, ids *idAllocators, n int, orgs []Organization) []User {
	out := make([]User, 0, n)
	for i := 0; i < n; i++ {
		name := personName(r)
		u := User{
			ID: ids.User.next(r), Name: name, Role: RoleEndUser, Phone: phone(r),
			Locale: pick(r, locales), TimeZone: pick(r, timeZones), Tags: tags(r, 2),
			Active: true, Suspended: r.IntN(100) == 0,
		}
		domain := pick(r, freeMailDomains)
		if r.IntN(10) < 6 {
			o := orgs[r.IntN(len(orgs))]
			u.OrganizationID, domain = o.ID, o.DomainNames[0]
		}
		u.Email = slug(name) + "." + strconv.Itoa(i) + "@" + domain
		u.CreatedAt, u.UpdatedAt = createdUpdated(r, 30)
		out = append(out, u)
	}
	return out
}
