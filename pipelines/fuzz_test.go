package pipelines

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzParse checks that Parse never panics and keeps its contract on any input: either a
// pipeline that passed every check, or only Problems that name the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.yaml"))
	examples, _ := filepath.Glob(filepath.Join("examples", "*.yaml"))
	for _, s := range append(seeds, examples...) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		if p.Version != 1 || lookupSystem(p.Source.System) == nil || (lookupSystem(p.Target.System) == nil && !p.StagingOnly()) ||
			p.Source.System == p.Target.System || len(p.Entities) == 0 || !filepath.IsAbs(p.Staging) {
			t.Errorf("accepted an invalid pipeline: %+v", p)
		}
		for _, e := range p.Entities {
			if !slices.Contains(KnownEntities(), e) {
				t.Errorf("accepted entity %q", e)
			}
		}
	})
}

func checkFuzzError(t *testing.T, err error) {
	ps := Problems(err)
	if len(ps) == 0 {
		t.Fatalf("error without problems: %v", err)
	}
	for _, p := range ps {
		if p.File != "fuzz.yaml" || p.Message == "" || p.Line < 0 {
			t.Errorf("bad problem %+v", p)
		}
	}
}
