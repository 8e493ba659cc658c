package pipelines

import (
	"fmt"
	"maps"
	"slices"

	"go.yaml.in/yaml/v3"
)

// NoTarget is the target system of a staging-only pipeline, "target: {system: none}": it
// extracts into the staging store for SQL and export (deskport export) and has nothing to
// transform or load. The file says so in so many words rather than leaving the target out, so a
// forgotten target block is still an error.
const NoTarget = "none"

// StagingOnly reports whether the pipeline has no target (target.system: none).
func (p *Pipeline) StagingOnly() bool { return p.Target.System == NoTarget }

func isNoTarget(f map[string]entry) bool {
	e, ok := f["system"]
	if !ok {
		return false
	}
	v := deref(e.value)
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == NoTarget
}

// noTarget takes a staging-only target: the system alone, every other key an error.
func (p *parser) noTarget(ep Endpoint, f map[string]entry) Endpoint {
	ep.System = NoTarget
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if k != "system" {
			p.add(f[k].key, "target."+k, "a staging-only target (system: none) has no %s: remove it, or name the system to load into", k)
		}
	}
	return ep
}

// stagingOnlyError is what transform and load say to a staging-only pipeline.
func (p *Pipeline) stagingOnlyError() error {
	return fmt.Errorf("%s: target.system is none: this pipeline only extracts into staging (extract, sql, status, export); name a target system to transform or load", p.Path)
}
