package pipelines

import (
	"strings"
	"testing"

	"github.com/deskport/deskport/transform"
)

// TestKBOptions reads options.kb into the transform settings, and names each bad key.
func TestKBOptions(t *testing.T) {
	cases := []struct {
		name, block string
		want        transform.Settings
		err         string
	}{
		{"absent", "", transform.Settings{}, ""},
		{"all", "options:\n  kb:\n    hierarchy: default_folder\n    translations: true\n    default_category: Imported\n    default_section: Misc\n    category_section: General\n",
			transform.Settings{KBHierarchy: "default_folder", KBTranslations: true, KBDefaultCategory: "Imported",
				KBDefaultSection: "Misc", KBCategorySection: "General"}, ""},
		{"with other options", "options:\n  tag: moved\n  kb: {hierarchy: keep}\n", transform.Settings{KBHierarchy: "keep"}, ""},
		{"bad policy", "options:\n  kb: {hierarchy: flatten}\n", transform.Settings{}, `options.kb.hierarchy: "flatten": want keep or default_folder`},
		{"unknown key", "options:\n  kb: {hierachy: keep}\n", transform.Settings{}, "options.kb.hierachy: unknown key"},
		{"not a bool", "options:\n  kb: {translations: maybe}\n", transform.Settings{}, "options.kb.translations: maybe: want true or false"},
		{"not a map", "options:\n  kb: keep\n", transform.Settings{}, "options.kb: must be a map"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("p.yaml", []byte(minimalFile+c.block))
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.transformSettings()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := transform.Settings{KBHierarchy: s.KBHierarchy, KBTranslations: s.KBTranslations,
				KBDefaultCategory: s.KBDefaultCategory, KBDefaultSection: s.KBDefaultSection, KBCategorySection: s.KBCategorySection}
			if got.KBHierarchy != c.want.KBHierarchy || got.KBTranslations != c.want.KBTranslations ||
				got.KBDefaultCategory != c.want.KBDefaultCategory || got.KBDefaultSection != c.want.KBDefaultSection ||
				got.KBCategorySection != c.want.KBCategorySection {
				t.Errorf("settings %+v, want %+v", got, c.want)
			}
		})
	}
}
