// Package pipelines reads pipeline files, the YAML files that say what deskport moves from which
// system to which, and runs the stages over them.
//
// A pipeline file names its secrets only by environment variable, so it can be committed, shared
// and attached to a bug report. Parsing checks the whole file and reports every problem at once,
// each as FILE:LINE: FIELD: message, so one edit fixes them all instead of one per run.
package pipelines

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/deskport/deskport/schema"
)

// Pipeline is a parsed and validated pipeline file.
type Pipeline struct {
	// Path is the absolute path of the pipeline file.
	Path    string
	Version int
	Source  Endpoint
	Target  Endpoint
	// Staging is the absolute path of the staging store (a DuckDB file).
	Staging string
	// Entities to move, in the canonical order of KnownEntities whatever the file's order, so the
	// same selection always gives the same plan.
	Entities []string
	// Mapping is the file's mapping block, kept as YAML (with its line numbers) for the transform
	// stage; the zero Node when the file has none.
	Mapping yaml.Node
	// Options is the file's pipeline-wide options block; empty, never nil.
	Options map[string]any
}

// Endpoint is one side of a migration: the system read (source) or written (target).
type Endpoint struct {
	System  string
	BaseURL string // without a trailing slash; empty for systems that read local files (csv)
	// WorkspaceID is optional in the file; the loader compares it with the target's account.
	WorkspaceID string
	// CredentialEnv maps a credential name to the environment variable holding it, from the
	// file's <name>_env keys ("email" → "ZENDESK_EMAIL" for email_env: ZENDESK_EMAIL).
	CredentialEnv map[string]string
	// Sandbox is set by "credentials: sandbox": the built-in sandbox's published demo credentials
	// are used and CredentialEnv is empty.
	Sandbox bool
	// OAuthWorkspace is set by "credentials: {oauth: WORKSPACE_ID}": the token deskport auth
	// stored for that workspace is used and CredentialEnv is empty.
	OAuthWorkspace string
	// Options are the system's own settings, given as strings; the system's package reads them.
	Options map[string]string
	// Line is the line of the endpoint's block (source: or target:) in the file.
	Line int

	origin *origin // where each field was written, for errors raised after parsing
}

// origin remembers where an endpoint came from, so Credentials can name the file and line.
type origin struct {
	file      string
	role      string         // "source" or "target"
	credLines map[string]int // credential name → line of its <name>_env key
}

// String describes the endpoint without credentials (which it only names anyway).
func (e Endpoint) String() string {
	s := e.System
	if e.BaseURL != "" {
		s += " at " + e.BaseURL
	}
	if e.Sandbox {
		s += " (sandbox credentials)"
	}
	return s
}

// KnownSystems lists the systems a pipeline file may name, sorted.
func KnownSystems() []string {
	out := make([]string, len(systemTable))
	for i, s := range systemTable {
		out[i] = s.name
	}
	return out
}

// entityOrder is the canonical order of entities: the default selection and the order of
// Pipeline.Entities.
var entityOrder = []schema.Entity{
	schema.Tickets, schema.Comments, schema.Contacts, schema.Companies,
	schema.Agents, schema.Groups, schema.Attachments, schema.TicketFields,
	schema.KBCategories, schema.KBSections, schema.KBArticles, schema.KBTranslations, schema.KBAttachments,
}

// KnownEntities lists the entities a pipeline file may name, in canonical order.
func KnownEntities() []string {
	out := make([]string, len(entityOrder))
	for i, e := range entityOrder {
		out[i] = string(e)
	}
	return out
}

// Load reads and parses the pipeline file at path.
func Load(path string) (*Pipeline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pipeline file: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates data, the content of the pipeline file at path. path is used as
// given in error messages (so they match what the user typed) and made absolute for Pipeline.Path
// and the staging default. The error joins one Problem per mistake found; see Problems.
func Parse(path string, data []byte) (*Pipeline, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline file %s: %w", path, err)
	}
	p := &parser{file: path}
	pl := p.pipeline(abs, data)
	if err := p.err(); err != nil {
		return nil, err
	}
	return pl, nil
}

// defaultStaging is <file name without extension>.duckdb next to the pipeline file.
func defaultStaging(abs string) string {
	base := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	return filepath.Join(filepath.Dir(abs), base+".duckdb")
}
