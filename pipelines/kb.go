package pipelines

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/deskport/deskport/transform"
)

// kbKeys are the keys of the options block's kb map, with what each means:
//
//	options:
//	  kb:
//	    hierarchy: keep            # or default_folder
//	    translations: true
//	    default_category: Source default category
//	    default_section: Source default folder
//	    category_section: General  # section for a category's sectionless articles (keep)
var kbKeys = map[string]string{
	"hierarchy":        "keep (default: every article stays in its own category) or default_folder (what is not in a full category > section path goes to the default category and section)",
	"translations":     "true: migrate every locale variant; false (default): each record's source locale only",
	"default_category": `the collection for articles with no category (default "Source default category")`,
	"default_section":  `its section (default "Source default folder")`,
	"category_section": "under keep, the name of the section made for a category's sectionless articles (default: the category's name)",
}

// withoutKB splits the options block's kb map from the other options.
func withoutKB(opts map[string]any) (kb any, rest map[string]any) {
	rest = maps.Clone(opts)
	kb = rest["kb"]
	delete(rest, "kb")
	return kb, rest
}

// applyKB sets the knowledge base settings from options.kb, returning a problem per bad value.
func applyKB(v any, s *transform.Settings) []string {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return []string{"options.kb: must be a map with the keys " + strings.Join(slices.Sorted(maps.Keys(kbKeys)), ", ")}
	}
	var problems []string
	bad := func(k, format string, args ...any) {
		problems = append(problems, "options.kb."+k+": "+fmt.Sprintf(format, args...))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		val := m[k]
		if _, known := kbKeys[k]; !known {
			bad(k, "unknown key%s", suggest(k, slices.Sorted(maps.Keys(kbKeys))))
			continue
		}
		if k == "translations" {
			b, ok := val.(bool)
			if !ok {
				bad(k, "%v: want true or false", val)
			}
			s.KBTranslations = b
			continue
		}
		text, ok := val.(string)
		if !ok || strings.TrimSpace(text) == "" {
			bad(k, "%v: want a non-empty text", val)
			continue
		}
		switch k {
		case "hierarchy":
			if text != transform.KBKeep && text != transform.KBDefaultFolder {
				bad(k, "%q: want keep or default_folder", text)
			}
			s.KBHierarchy = text
		case "default_category":
			s.KBDefaultCategory = text
		case "default_section":
			s.KBDefaultSection = text
		case "category_section":
			s.KBCategorySection = text
		}
	}
	return problems
}
