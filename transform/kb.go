package transform

import "strconv"

// Knowledge base hierarchy policies (kb.hierarchy in the pipeline file).
const (
	// KBKeep keeps each article in its own category: a sectionless article gets a section made
	// inside its category, one with no category goes to the default category and section, and
	// sections nested deeper than the target allows are flattened into the deepest allowed level
	// with their path in the name.
	KBKeep = "keep"
	// KBDefaultFolder is what migration services do: every article not in a full category >
	// section path goes to the default category and section.
	KBDefaultFolder = "default_folder"
)

// Default names of the knowledge base's fallback collections.
const (
	DefaultKBCategory = "Source default category"
	DefaultKBSection  = "Source default folder"
)

// kbRows are the knowledge base settings as transform_settings rows, defaults applied. The SQL
// checks kb_hierarchy (20_kb_context.sql), so a bad value fails the transform with its name.
func (s Settings) kbRows() [][2]string {
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return [][2]string{
		{"kb_hierarchy", or(s.KBHierarchy, KBKeep)},
		{"kb_translations", strconv.FormatBool(s.KBTranslations)},
		{"kb_default_category", or(s.KBDefaultCategory, DefaultKBCategory)},
		{"kb_default_section", or(s.KBDefaultSection, DefaultKBSection)},
		{"kb_category_section", s.KBCategorySection},
	}
}

// The knowledge base's plan tables and inputs join the hashes: the same staging and settings give
// the same plan hash, and a changed article changes the inputs hash. They are appended here so
// the knowledge base's files stay apart from the tickets' (hash.go).
func init() {
	inputTables = append(inputTables,
		hashedTable{"kb_categories", "source_id, r"}, hashedTable{"kb_sections", "source_id, r"},
		hashedTable{"kb_articles", "source_id, r"}, hashedTable{"kb_translations", "source_id, r"},
		hashedTable{"kb_attachments", "source_id, r"})
	planTables = append(planTables,
		hashedTable{"plan_kb_collections", "op_id"}, hashedTable{"plan_kb_articles", "op_id"},
		hashedTable{"plan_kb_moves", "article_id"}, hashedTable{"plan_kb_links", byRow})
}
