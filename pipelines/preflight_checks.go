package pipelines

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/load"
)

// dataCheck is one check of the staged data against the target. It reads the transform's own
// record of the outcome when the staging file has it (plan_notes, then the plan), and computes it
// from the canonical tables when not: the first way whose tables exist answers.
type dataCheck struct {
	check, unit string
	ways        []checkWay
	// custom answers when no way can (before any transform, unmapped agents are found by
	// comparing the staged agents with the live directory), or instead of ways.
	custom func(q *stagingQueries, dir *load.Directory) (Finding, bool)
}

// checkWay is one way to answer a check: a query whose single column is the source ids
// concerned, the tables it needs, and what the finding means when it is answered this way.
type checkWay struct {
	needs  []string
	query  string
	advice string
}

// dataChecks are run in this order; each is a warning when it finds records.
var dataChecks = []dataCheck{
	{check: "invalid phones", unit: "contacts", ways: []checkWay{
		{needs: []string{"plan_notes"}, query: `SELECT source_id FROM plan_notes WHERE entity = 'contacts' AND code = 'phone_invalid'`,
			advice: "the transform drops these phones from the contact and keeps them in its source_phone attribute, so the contacts still load with phone validation on"},
		{needs: []string{"plan_ops"}, query: `SELECT source_id FROM plan_ops WHERE kind = 'contact' AND payload->>'phone' IS NOT NULL
			AND NOT regexp_full_match(payload->>'phone', '\+[1-9][0-9]{6,14}')`,
			advice: "the plan sends these phones as they are: a workspace with phone validation on refuses these contacts"},
		{needs: []string{"contacts"}, query: `SELECT source_id FROM contacts WHERE nullif(trim(phone), '') IS NOT NULL
			AND NOT regexp_full_match(regexp_replace(phone, '[ ().-]', '', 'g'), '\+[1-9][0-9]{6,14}')`,
			advice: "not in international (E.164) form; run the transform to see which it can read"},
	}},
	{check: "blocked attachments", unit: "attachments", ways: []checkWay{
		{needs: []string{"plan_notes"}, query: `SELECT source_id FROM plan_notes WHERE entity = 'attachments'
			AND code IN ('attachment_blocked', 'attachment_type_not_allowed', 'attachment_too_large')`,
			advice: "skipped with the reason, noted on their comment; types the workspace allows (Settings > Workspace > Security > Attachments) go in options.attachments.allow_types"},
		{needs: []string{"plan_skips"}, query: `SELECT source_id FROM plan_skips WHERE entity = 'attachments'`,
			advice: "skipped with the reason (deskport report lists them); types the workspace allows go in the pipeline's allowed attachment types"},
		{needs: []string{"attachments"}, query: `SELECT source_id FROM attachments
			WHERE lower(regexp_extract(file_name, '\.([A-Za-z0-9]+)$', 1)) NOT IN ` + intercomDefaultTypes + ` OR size > 104857600`,
			advice: "types outside Intercom's defaults, or over 100 MB: the transform skips them unless the workspace allows the type"},
	}},
	{check: "unmapped agents", unit: "agents", ways: []checkWay{
		{needs: []string{"plan_notes"}, query: `SELECT DISTINCT source_id FROM plan_notes WHERE code = 'agent_unmatched'`,
			advice: "no admin of their email: their tickets and replies go to the default admin; map them in the mapping section or invite them to the workspace"},
		{needs: []string{"transform_mapping"}, query: `SELECT source_id FROM transform_mapping WHERE kind = 'agent' AND NOT matched`,
			advice: "no admin of their email: their tickets and replies go to the default admin"},
	}, custom: checkAgentsLive},
	{check: "unmapped groups", unit: "groups", ways: []checkWay{
		{needs: []string{"transform_mapping"}, query: `SELECT source_id FROM transform_mapping WHERE kind = 'group' AND NOT matched`,
			advice: "no team of their name: their tickets get the default team, or none"},
	}},
	{check: "threads over 500 parts", unit: "tickets", ways: []checkWay{
		{needs: []string{"plan_ops"}, query: `SELECT substr(chain, strpos(chain, ':') + 1) FROM plan_ops
			WHERE kind = 'part' AND chain <> '' GROUP BY chain HAVING count(*) > 500`,
			advice: "Intercom returns only the 500 most recent parts of a conversation or ticket: every part is loaded, but the API (and verify) reads back the last 500 only"},
		{needs: []string{"comments"}, query: `SELECT ticket_id FROM comments GROUP BY ticket_id HAVING count(*) > 501`,
			advice: "Intercom returns only the 500 most recent parts of a conversation or ticket"},
	}},
	{check: "unassigned tickets", unit: "tickets", ways: []checkWay{
		{needs: []string{"plan_notes"}, query: `SELECT source_id FROM plan_notes WHERE entity = 'tickets' AND code = 'ticket_unassigned'`,
			advice: "handled by options.assignment.unassigned; left unassigned, the workspace's assignment rules may pick them up"},
		{needs: []string{"plan_ops"}, query: `SELECT source_id FROM plan_ops WHERE kind = 'ticket' AND payload->>'admin_assignee_id' IS NULL`,
			advice: "they arrive with no admin (some with a team): the workspace's assignment rules may pick them up"},
		{needs: []string{"tickets"}, query: `SELECT source_id FROM tickets WHERE assignee_id IS NULL`,
			advice: "no assignee at the source: they arrive with no admin unless assignment.unassigned says otherwise"},
	}},
	{check: "locales Intercom lacks", unit: "records", custom: checkLocales},
}

// intercomDefaultTypes are the extensions Intercom accepts by default, as an SQL list.
const intercomDefaultTypes = `('gif', 'jpeg', 'jpg', 'mov', 'mp4', 'pdf', 'png', 'txt', 'heic', 'oga', 'ogg', 'dng', 'mp3')`

func (c dataCheck) run(q *stagingQueries, dir *load.Directory) (Finding, bool) {
	for _, w := range c.ways {
		if q.hasAll(w.needs) {
			return c.answer(q, w), true
		}
	}
	if c.custom != nil {
		return c.custom(q, dir)
	}
	return Finding{}, false
}

func (q *stagingQueries) hasAll(tables []string) bool {
	for _, t := range tables {
		if !q.has(t) {
			return false
		}
	}
	return true
}

// answer counts the records a way finds and names a few.
func (c dataCheck) answer(q *stagingQueries, w checkWay) Finding {
	f := Finding{Section: "data", Check: c.check, From: w.needs[0]}
	f.Count = q.count(`SELECT count(*) FROM (` + w.query + `)`)
	if f.Count == 0 {
		f.Detail = "none"
		return f
	}
	f.Severity = Warning
	f.Examples = q.ids(`SELECT id FROM (` + w.query + `) AS t(id) ORDER BY length(id), id LIMIT 5`)
	f.Detail = fmt.Sprintf("%d %s: %s", f.Count, c.unit, w.advice)
	return f
}

// checkAgentsLive compares the staged agents' emails with the admins of the live directory.
func checkAgentsLive(q *stagingQueries, dir *load.Directory) (Finding, bool) {
	if dir == nil || !q.has("agents") {
		return Finding{}, false
	}
	admins := map[string]bool{}
	for _, a := range dir.Admins {
		admins[strings.ToLower(a.Email)] = true
	}
	f := Finding{Section: "data", Check: "unmapped agents", From: "agents"}
	rows := q.pairs(`SELECT source_id, lower(coalesce(email, '')) FROM agents ORDER BY length(source_id), source_id`)
	for _, r := range rows {
		if !admins[r[1]] {
			f.Count++
			if len(f.Examples) < 5 {
				f.Examples = append(f.Examples, r[0])
			}
		}
	}
	if f.Count == 0 {
		f.Detail = "none: every agent has an admin of the same email"
		return f, true
	}
	f.Severity = Warning
	f.Detail = fmt.Sprintf("%d agents have no admin of their email in the workspace: their tickets and replies go to the default admin", f.Count)
	return f, true
}

// intercomLocales are the languages Intercom supports (Help Center and Messenger).
var intercomLocales = []string{"ar", "bg", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he", "hr",
	"hu", "id", "it", "ja", "ko", "lt", "lv", "mn", "nb", "nl", "pl", "pt", "ro", "ru", "sl", "sr", "sv", "tr", "vi",
	"pt-br", "zh-cn", "zh-tw"}

// supportedLocale accepts a locale Intercom has, or whose language it has ("en-US" → en).
func supportedLocale(l string) bool {
	l = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), "_", "-"))
	if slices.Contains(intercomLocales, l) {
		return true
	}
	lang, _, _ := strings.Cut(l, "-")
	return lang != "zh" && slices.Contains(intercomLocales, lang)
}

// localeColumns are the staged columns holding a language: contacts' and, when the staging file
// has a knowledge base, its articles', translations', categories' and sections'.
var localeColumns = []struct{ table, column string }{
	{"contacts", "locale"}, {"kb_articles", "source_locale"}, {"kb_translations", "locale"},
	{"kb_categories", "locale"}, {"kb_sections", "locale"},
}

// checkLocales lists the staged languages Intercom lacks.
func checkLocales(q *stagingQueries, _ *load.Directory) (Finding, bool) {
	f := Finding{Section: "data", Check: "locales Intercom lacks"}
	var sources []string
	for _, lc := range localeColumns {
		if !q.hasColumn(lc.table, lc.column) {
			continue
		}
		sources = append(sources, lc.table)
		rows := q.pairs(`SELECT ` + lc.column + `, count(*)::TEXT FROM ` + lc.table + ` WHERE nullif(trim(` + lc.column + `), '') IS NOT NULL GROUP BY ALL ORDER BY 1`)
		for _, r := range rows {
			if supportedLocale(r[0]) {
				continue
			}
			n, _ := strconv.ParseInt(r[1], 10, 64)
			f.Count += n
			if len(f.Examples) < 10 {
				f.Examples = append(f.Examples, fmt.Sprintf("%s (%s %s)", r[0], r[1], lc.table))
			}
		}
	}
	if len(sources) == 0 {
		return f, false
	}
	f.From = strings.Join(sources, ", ")
	if f.Count == 0 {
		f.Detail = "none"
		return f, true
	}
	f.Severity = Warning
	f.Detail = fmt.Sprintf("%d records in languages Intercom does not offer: contacts keep the value as an attribute only, knowledge-base content in them cannot be published as a translation", f.Count)
	return f, true
}

func (q *stagingQueries) hasColumn(table, column string) bool {
	return q.count(`SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?`, table, column) > 0
}

// pairs returns the first two columns of a query's rows as text.
func (q *stagingQueries) pairs(query string) [][2]string {
	if q.err != nil {
		return nil
	}
	rows, err := q.db.QueryContext(q.ctx, query)
	if err != nil {
		q.err = fmt.Errorf("preflight query %q: %w", queryHead(query), err)
		return nil
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var a, b *string
		if err := rows.Scan(&a, &b); err != nil {
			q.err = err
			return nil
		}
		out = append(out, [2]string{deref1(a), deref1(b)})
	}
	if err := rows.Err(); err != nil {
		q.err = err
	}
	return out
}

func deref1(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// targetSettings are the target's settings the API can neither read nor change, with where to
// find each: the user checks them before the load.
func targetSettings(system string) []Setting {
	switch system {
	case "zendesk":
		return zendeskSettings
	case "intercom":
		return intercomSettings
	}
	return nil
}

// zendeskSettings are a Zendesk account's settings to check by hand before a load into it.
var zendeskSettings = []Setting{
	{Name: "Welcome email for new users",
		Why:   "end users are created verified, so Zendesk sends no verification email, but the welcome email for users created by an agent still goes out while it is on",
		Where: "Admin Center > People > Configuration > End users (Also send a welcome email…)"},
	{Name: "Automations",
		Why:   "imported tickets run no triggers, but time-based automations (close solved tickets after n days, pending reminders) act on them and may email requesters",
		Where: "Admin Center > Objects and rules > Business rules > Automations"},
	{Name: "User, organization and ticket fields",
		Why:   "custom attributes go only to fields that exist when transform reads the account (field_no_target lists the others); create them first, then run transform again",
		Where: "Admin Center > People > Configuration > User fields / Organization fields, and Objects and rules > Tickets > Fields"},
	{Name: "Help Center languages",
		Why:   "a translation in a language the Help Center does not offer is refused",
		Where: "Guide admin > Settings > Language settings"},
	{Name: "Other API clients",
		Why:   "integrations and apps spend the same per-minute rate limit; pause them during the load",
		Where: "Admin Center > Apps and integrations > APIs > Zendesk API (usage), and installed apps"},
}

// intercomSettings are an Intercom workspace's settings to check by hand before a load into it.
var intercomSettings = []Setting{
	{Name: "Phone number validation",
		Why:   "with it on, Intercom refuses contacts whose phone it cannot read; the transform drops invalid phones (kept in source_phone), so it can stay on",
		Where: "Settings > Data > People data, the Phone attribute"},
	{Name: "Email notifications to customers",
		Why:   "admin replies can email the contact; deskport sets skip_notifications where the API takes it, but replies on conversations and workflows may still send",
		Where: "Settings > Channels > Email (customer notifications), and Automation > Workflows triggered by new conversations or tickets"},
	{Name: "Assignment defaults",
		Why:   "balanced assignment or round robin may reassign migrated tickets left in a team inbox; inbox rules may assign, tag or reply",
		Where: "Settings > Help Desk > Workload management (each team inbox's assignment method), Settings > Inbox > Rules"},
	{Name: "Attachment types",
		Why:   "types outside Intercom's defaults are refused until allowed; list the ones you allow in the pipeline so the transform keeps them",
		Where: "Settings > Workspace > Security > Attachments"},
	{Name: "Active campaigns, outbound messages and other apps",
		Why:   "they spend the same rate-limit budget (25,000 calls a minute per workspace, 10,000 per app) and message migrated contacts; pause them during the load",
		Where: "Outbound (live series, emails, posts, chats), Settings > Integrations > Apps"},
	{Name: "Languages",
		Why:   "translations and contacts' languages need the workspace to offer them; the API does not show which it offers",
		Where: "Settings > Workspace > General > Languages (Multilingual)"},
}
