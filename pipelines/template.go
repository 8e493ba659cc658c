package pipelines

import (
	"fmt"
	"strings"
	"text/template"
)

// Template returns a commented pipeline file moving from system from to system to, for
// "deskport init". With sandboxURL (the address "deskport sandbox" serves), both sides point at
// the sandbox's simulators (<sandboxURL>/<system>) with "credentials: sandbox", so the file works
// as is; without it, the file holds placeholders to replace.
func Template(from, to, sandboxURL string) (string, error) {
	src, dst, err := templateSystems(from, to)
	if err != nil {
		return "", err
	}
	sandboxURL = strings.TrimRight(sandboxURL, "/")
	if err := checkSandboxURL(sandboxURL, src, dst); err != nil {
		return "", err
	}
	data := templateData{
		From: src.name, To: dst.name,
		Source:   templateEndpoint(src, sandboxURL),
		Target:   templateEndpoint(dst, sandboxURL),
		Entities: strings.Join(KnownEntities(), ", "),
	}
	// A system's options say how its extractor reads it: a target takes the transform's options
	// instead, so it starts with none. Every loader checks the account it writes to (a Zendesk
	// account by its subdomain), so a target always gets workspace_id.
	data.Target.Opts = nil
	if _, ok := targets[dst.name]; ok {
		data.Target.Workspace = true
	}
	var b strings.Builder
	if err := pipelineTemplate.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// templateSystems checks init's --from and --to; its errors name those flags.
func templateSystems(from, to string) (src, dst *sysInfo, err error) {
	src, dst = lookupSystem(from), lookupSystem(to)
	known := strings.Join(KnownSystems(), ", ")
	switch {
	case src == nil:
		return nil, nil, fmt.Errorf("--from: unknown system %q (known: %s)", from, known)
	case dst == nil:
		return nil, nil, fmt.Errorf("--to: unknown system %q (known: %s)", to, known)
	case from == to:
		return nil, nil, fmt.Errorf("--from and --to are both %q: deskport moves a help desk between two different systems", from)
	}
	return src, dst, nil
}

// checkSandboxURL checks init's --sandbox (empty when not given).
func checkSandboxURL(sandboxURL string, systems ...*sysInfo) error {
	if sandboxURL == "" {
		return nil
	}
	if msg := checkURL(sandboxURL, "http://127.0.0.1:8080"); msg != "" {
		return fmt.Errorf("--sandbox: %s", msg)
	}
	for _, s := range systems {
		if !s.api {
			return fmt.Errorf("--sandbox: %s reads local files, there is no sandbox for it", s.name)
		}
	}
	return nil
}

type templateData struct {
	From, To       string
	Source, Target tmplEndpoint
	Entities       string
}

// tmplEndpoint is one side of the template, with the values already chosen.
type tmplEndpoint struct {
	System, URL, URLNote string
	Known                string // the known systems, for the comment on system
	API, Sandbox         bool
	Workspace            bool
	OAuth                bool // deskport auth can connect it: {oauth: ID} is offered in a comment
	Creds                []credHint
	Opts                 []optHint
}

func templateEndpoint(s *sysInfo, sandboxURL string) tmplEndpoint {
	t := tmplEndpoint{System: s.name, Known: listOr(KnownSystems()), URL: s.url, URLNote: s.urlNote, API: s.api,
		Workspace: s.workspace, Creds: s.creds, Opts: s.opts, OAuth: oauthSystems[s.name]}
	if sandboxURL != "" {
		t.URL, t.URLNote, t.Sandbox = sandboxURL+"/"+s.name, "the "+s.name+" simulator of deskport sandbox", true
	}
	return t
}

// The template's comments explain every key, because this file is the first thing a new user
// edits. Fields of the credHint and optHint types are unexported, so they are read with the
// cred* and opt* functions.
var pipelineTemplate = template.Must(template.New("pipeline").Funcs(template.FuncMap{
	"credName":  func(c credHint) string { return c.name },
	"credEnv":   func(c credHint) string { return c.env },
	"credAbout": func(c credHint) string { return c.about },
	"optKey":    func(o optHint) string { return o.key },
	"optValue":  func(o optHint) string { return o.value },
	"optAbout":  func(o optHint) string { return o.about },
}).Parse(templateText))

const templateText = `# deskport pipeline file: moves a help desk from {{.From}} to {{.To}}.
# Every stage (extract, transform, load, ...) reads this file. It holds no secrets: credentials
# are read from environment variables named below, so the file can be shared and committed.

# The version of this file's format. Only 1 exists.
version: 1

# Where the data comes from.
source:
{{- template "endpoint" .Source}}

# Where the data goes.
target:
{{- template "endpoint" .Target}}

# The staging store, a DuckDB file holding every snapshot, the load plan and the load ledger;
# query it with SQL to inspect the data. A relative path is relative to this file's folder.
# Default: this file's name with the extension .duckdb, next to this file.
# staging: ./migration.duckdb

# What to move. Remove what you do not want to move, or leave the key out to move everything.
entities: [{{.Entities}}]

# How agents, groups, statuses, ticket types and fields map onto the target: run
# "deskport map -p THIS_FILE" after the extract to fill it in. Empty: agents by email, groups by
# name, statuses by category, fields by name.
mapping: {}

# What is migrated and the data policies (README, "Mapping and policies"), for example:
#   tag: migrated                          # added to every migrated ticket
#   date_range: {by: created, from: 2023-01-01}
#   attachments: {skip_inline_images: false, allow_types: [csv], max_size_mb: 100}
#   phones: {validate: true, default_region: US}
#   assignment: {unassigned: leave}        # or team:NAME, admin:EMAIL
options: {}
{{define "endpoint"}}
  # The system: {{.Known}}.
  system: {{.System}}
{{- if .API}}
  # The address of its API{{if .URLNote}} ({{.URLNote}}){{end}}.
  base_url: {{.URL}}
{{- end}}
{{- if .Workspace}}
  # The workspace to write to; load checks that the credentials belong to it before writing anything.
{{- if .Sandbox}}
  # workspace_id: your-workspace-id
{{- else}}
  workspace_id: your-workspace-id
{{- end}}
{{- end}}
{{- if .Sandbox}}
  # The sandbox's published demo credentials: no secret is needed.
  credentials: sandbox
{{- else if .API}}
  # Names of the environment variables holding the secrets, never the secrets themselves:
  # export them in the shell that runs deskport.
  credentials:
{{- range .Creds}}
    # {{credAbout .}}.
    {{credName .}}_env: {{credEnv .}}
{{- end}}
{{- if .OAuth}}
  # Or, once "deskport auth {{.System}}" has connected the workspace, its stored token:
  # credentials: {oauth: your-workspace-id}
{{- end}}
{{- end}}
  # Settings of this system only.
{{- if .Opts}}
  options:
{{- range .Opts}}
    # {{optAbout .}}.
    {{optKey .}}: {{optValue .}}
{{- end}}
{{- else}}
  options: {}
{{- end}}
{{- end}}`
