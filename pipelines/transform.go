package pipelines

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/transform"
)

// TransformOptions are the transform command's choices on top of the pipeline file.
type TransformOptions struct {
	// Offline reuses the target directory already in the staging file instead of reading it
	// from the target again.
	Offline    bool
	Getenv     func(string) string
	HTTPClient *http.Client
}

// Transform runs the transform stage: it reads the target's directory (admins, teams, ticket
// types and states) into the staging file, then turns the canonical tables into the load plan.
func Transform(ctx context.Context, p *Pipeline, opts TransformOptions) (*transform.Result, error) {
	if p.StagingOnly() {
		return nil, p.stagingOnlyError()
	}
	settings, err := p.transformSettings()
	if err != nil {
		return nil, err
	}
	store, err := staging.Open(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	// The staging writer caps DuckDB's buffer pool for streaming extracts; the transform's joins,
	// sorts and hashes work on whole tables, so they get room to work in.
	if _, err := store.DB().ExecContext(ctx, "SET memory_limit = '"+transformMemoryLimit+"'"); err != nil {
		return nil, fmt.Errorf("staging store %s: %w", p.Staging, err)
	}
	if !opts.Offline {
		if err := p.refreshDirectory(ctx, store.DB(), opts.Getenv, opts.HTTPClient); err != nil {
			return nil, err
		}
	}
	// The mapping is checked against the directory just staged: unknown names fail here, with
	// the file's line, before anything is planned.
	if settings.Mapping, err = p.stagedMapping(ctx, store.DB(), settings); err != nil {
		return nil, err
	}
	return transform.Run(ctx, store.DB(), settings)
}

// stagedMapping resolves the mapping section against the names staged in db, and checks that the
// team or admin options.assignment.unassigned names is in the workspace.
func (p *Pipeline) stagedMapping(ctx context.Context, db *sql.DB, s transform.Settings) (transform.Mapping, error) {
	sd, err := readSides(ctx, db, s.TicketType)
	if err != nil {
		return transform.Mapping{}, err
	}
	if team, ok := strings.CutPrefix(s.Unassigned, "team:"); ok && sd.teams[key(team)] == "" {
		return transform.Mapping{}, fmt.Errorf("%s: options.assignment.unassigned: no team named %q in the target workspace%s",
			p.Path, team, suggest(team, slices.Sorted(maps.Values(sd.teams))))
	}
	if email, ok := strings.CutPrefix(s.Unassigned, "admin:"); ok && !hasKey(sd.admins, key(email)) {
		return transform.Mapping{}, fmt.Errorf("%s: options.assignment.unassigned: no admin with the email %q in the target workspace", p.Path, email)
	}
	return p.resolveMapping(sd)
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// transformMemoryLimit bounds DuckDB's memory during the transform; beyond it, DuckDB spills what
// it can to disk.
const transformMemoryLimit = "4GB"

// targetOptions are the target block's options the transform reads, with what each means.
var targetOptions = map[string]string{
	"ticket_mode":            "ticket (Intercom tickets, the default) or conversation",
	"ticket_type":            `the Intercom ticket type tickets become (default "Support ticket"; created if missing)`,
	"default_admin":          "email of the admin for records by agents with no matching admin (default: the token's admin)",
	"default_team":           "name of the team for tickets whose group has no matching team (default: none)",
	"batch_size":             "plan operations per batch (default 100)",
	"allow_attachment_types": "extensions the workspace's attachment settings allow beyond Intercom's defaults, comma-separated",
	"default_agent":          "Zendesk target: email of the agent for records by agents with no matching agent (default: the token's agent)",
}

// sourceOptions the transform reads, beside the source system's own.
var transformSourceOptions = map[string]bool{"attachments_public": true}

// transformSettings reads the transform's settings from the target block's options; an unknown
// key or a bad value is an error naming the field.
func (p *Pipeline) transformSettings() (transform.Settings, error) {
	s := transform.DefaultSettings()
	// The target system chooses the transform's SQL set and payloads.
	s.Target = p.Target.System
	var problems []string
	for key, value := range p.Target.Options {
		field := "target.options." + key
		switch key {
		case "ticket_mode":
			if value != "ticket" && value != "conversation" {
				problems = append(problems, fmt.Sprintf("%s: %q: want ticket or conversation", field, value))
			}
			s.TicketMode = value
		case "ticket_type":
			s.TicketType = value
		case "default_admin", "default_agent":
			s.DefaultAdmin = strings.ToLower(strings.TrimSpace(value))
		case "default_team":
			s.DefaultTeam = value
		case "batch_size":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 10000 {
				problems = append(problems, fmt.Sprintf("%s: %q: want a number from 1 to 10000", field, value))
			}
			s.BatchSize = n
		case "allow_attachment_types":
			for _, ext := range strings.Split(value, ",") {
				s.AllowedAttachmentTypes = append(s.AllowedAttachmentTypes, strings.TrimSpace(ext))
			}
		default:
			problems = append(problems, fmt.Sprintf("%s: unknown option (known: %s)", field, knownKeys(targetOptions)))
		}
	}
	if v, ok := p.Source.Options["attachments_public"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("source.options.attachments_public: %q: want true or false", v))
		}
		s.AttachmentsPublic = b
	}
	// The knowledge base's options (options.kb) are read apart: pipelines/kb.go.
	kb, rest := withoutKB(p.Options)
	general := *p
	general.Options = rest
	problems = append(problems, general.applyOptions(&s)...)
	problems = append(problems, applyKB(kb, &s)...)
	if len(problems) > 0 {
		slices.Sort(problems)
		return s, fmt.Errorf("%s: %s", p.Path, strings.Join(problems, "; "))
	}
	return s.WithDefaults(), nil
}

func knownKeys(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}
