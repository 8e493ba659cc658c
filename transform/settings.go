package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Ticket modes: what a source ticket becomes in Intercom.
const (
	ModeTicket       = "ticket"
	ModeConversation = "conversation"
)

// Settings are the pipeline's choices for the plan. Start from DefaultSettings: the zero value of
// SkipNotifications is false, which is not the default.
type Settings struct {
	TicketMode             string   // ModeTicket (default) or ModeConversation
	TicketType             string   // name of the Intercom ticket type; default "Support ticket"
	TicketTypeCategory     string   // Customer (default), Back-office or Tracker
	DefaultAdmin           string   // email of the admin for unmatched agents; empty: the /me admin of target_workspace
	DefaultTeam            string   // team for groups with no team of their name; empty: none
	AttachmentsPublic      bool     // source URLs anyone can fetch: sent as attachment_urls, else downloaded
	SkipNotifications      bool     // sent on tickets and replies; default true
	BatchSize              int      // ops per batch; default 100
	BlockedAttachmentTypes []string // file extensions never sent; nil: DefaultBlockedTypes, empty: none
	// AllowedAttachmentTypes are the extensions the target accepts: DefaultAllowedTypes plus
	// these (the ones the user allowed in the target's settings).
	AllowedAttachmentTypes []string

	// Options and data policies (docs/load-plan.md, plan_notes). DefaultSettings turns on Tag,
	// OriginallyBy and ValidatePhones; their zero values mean off.
	SkipAttachments    bool      // no attachment is sent: each is skipped (attachment_skipped)
	SkipInlineImages   bool      // <img> tags are taken out of comment bodies (inline_image_removed)
	MaxAttachmentBytes int64     // larger attachments are skipped; 0: Intercom's 100 MB
	Tag                string    // added to every migrated ticket; empty: none
	DateRangeBy        string    // "created" (default) or "updated": which timestamp DateFrom/DateTo bound
	DateFrom, DateTo   time.Time // tickets outside [DateFrom, DateTo) are skipped; zero: unbounded
	KeepSourceIDs      bool      // ticket attributes "Source ID" and "Source updated at" keep what Intercom cannot hold
	OriginallyBy       bool      // replies by unmatched agents start with "Originally by NAME"
	ValidatePhones     bool      // phones normalised to E.164; invalid ones go to source_phone
	PhoneRegion        string    // region of phones written without a country code (ISO 3166, "US")
	// Unassigned is what tickets without an assignee get: "leave" (default), "team:NAME" or
	// "admin:EMAIL".
	Unassigned string
	// Mapping is the pipeline file's mapping section, written as transform_map_* tables.
	Mapping Mapping

	// The knowledge base (transform/sql/20_kb_*.sql; see kb.go for the defaults).
	KBHierarchy       string // KBKeep (default) or KBDefaultFolder: how articles outside a full path are placed
	KBTranslations    bool   // migrate every locale variant; false: only each record's source locale
	KBDefaultCategory string // the collection for articles with no category; default "Source default category"
	KBDefaultSection  string // its section; default "Source default folder"
	KBCategorySection string // under keep, the section made for a category's sectionless articles; empty: the category's name

	// Target is the system the plan is for: TargetIntercom (default) or TargetZendesk. It chooses
	// the SQL set (sql/*.sql or the shared files and sql/zendesk/*.sql) and the payloads' shape.
	Target string
}

// Target systems a plan can be written for.
const (
	TargetIntercom = "intercom"
	TargetZendesk  = "zendesk"
)

// DefaultAllowedTypes are the extensions an Intercom workspace accepts before anyone changes its
// attachment settings.
var DefaultAllowedTypes = []string{"gif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "txt", "heic", "oga", "ogg", "dng", "mp3"}

// DefaultBlockedTypes are the extensions Intercom always refuses.
var DefaultBlockedTypes = []string{"exe", "sys", "scr", "shb", "wsf"}

// DefaultMaxAttachmentBytes is Intercom's limit for one file.
const DefaultMaxAttachmentBytes = 100 << 20

// DefaultSettings returns the settings a pipeline gets when it says nothing.
func DefaultSettings() Settings {
	return Settings{SkipNotifications: true, Tag: "migrated", OriginallyBy: true, ValidatePhones: true}.WithDefaults()
}

// WithDefaults fills the fields left empty (zero) with their defaults, and normalises the blocked
// types (lower-case, no dot, sorted, unique) so equal settings hash equally.
func (s Settings) WithDefaults() Settings {
	if s.TicketMode == "" {
		s.TicketMode = ModeTicket
	}
	if s.TicketType == "" {
		s.TicketType = "Support ticket"
	}
	if s.TicketTypeCategory == "" {
		s.TicketTypeCategory = "Customer"
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 100
	}
	if s.Target == "" {
		s.Target = TargetIntercom
	}
	if s.MaxAttachmentBytes <= 0 {
		s.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	if s.DateRangeBy == "" {
		s.DateRangeBy = "created"
	}
	if s.Unassigned == "" {
		s.Unassigned = "leave"
	}
	s.PhoneRegion = strings.ToUpper(strings.TrimSpace(s.PhoneRegion))
	s.Tag = strings.TrimSpace(s.Tag)
	blocked := s.BlockedAttachmentTypes
	if blocked == nil {
		blocked = DefaultBlockedTypes
	}
	s.BlockedAttachmentTypes = normaliseTypes(blocked)
	s.AllowedAttachmentTypes = normaliseTypes(append(slices.Clone(DefaultAllowedTypes), s.AllowedAttachmentTypes...))
	return s
}

func normaliseTypes(types []string) []string {
	out := make([]string, 0, len(types))
	for _, t := range types {
		if t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), ".")); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Validate reports every invalid setting at once.
func (s Settings) Validate() error {
	var errs []error
	if s.TicketMode != ModeTicket && s.TicketMode != ModeConversation {
		errs = append(errs, fmt.Errorf("ticket mode %q: must be %s or %s", s.TicketMode, ModeTicket, ModeConversation))
	}
	switch s.TicketTypeCategory {
	case "Customer", "Back-office", "Tracker":
	default:
		errs = append(errs, fmt.Errorf("ticket type category %q: must be Customer, Back-office or Tracker", s.TicketTypeCategory))
	}
	if strings.TrimSpace(s.TicketType) == "" {
		errs = append(errs, errors.New("ticket type: must not be blank"))
	}
	if s.BatchSize <= 0 {
		errs = append(errs, fmt.Errorf("batch size %d: must be positive", s.BatchSize))
	}
	if s.Target != TargetIntercom && s.Target != TargetZendesk {
		errs = append(errs, fmt.Errorf("target %q: must be %s or %s", s.Target, TargetIntercom, TargetZendesk))
	}
	errs = append(errs, s.validatePolicies()...)
	return errors.Join(errs...)
}

// rows are the settings as transform_settings rows, in a fixed order.
func (s Settings) rows() [][2]string {
	blocked, _ := json.Marshal(s.BlockedAttachmentTypes) // a []string always marshals
	allowed, _ := json.Marshal(s.AllowedAttachmentTypes)
	rows := [][2]string{
		{"ticket_mode", s.TicketMode},
		{"ticket_type", s.TicketType},
		{"ticket_type_category", s.TicketTypeCategory},
		{"default_admin", s.DefaultAdmin},
		{"default_team", s.DefaultTeam},
		{"attachments_public", strconv.FormatBool(s.AttachmentsPublic)},
		{"skip_notifications", strconv.FormatBool(s.SkipNotifications)},
		{"batch_size", strconv.Itoa(s.BatchSize)},
		{"blocked_attachment_types", string(blocked)},
		{"allowed_attachment_types", string(allowed)},
		{"skip_attachments", strconv.FormatBool(s.SkipAttachments)},
		{"skip_inline_images", strconv.FormatBool(s.SkipInlineImages)},
		{"max_attachment_bytes", strconv.FormatInt(s.MaxAttachmentBytes, 10)},
		{"tag", s.Tag},
		{"date_range_by", s.DateRangeBy},
		{"date_from", timeSetting(s.DateFrom)},
		{"date_to", timeSetting(s.DateTo)},
		{"keep_source_ids", strconv.FormatBool(s.KeepSourceIDs)},
		{"originally_by", strconv.FormatBool(s.OriginallyBy)},
		{"validate_phones", strconv.FormatBool(s.ValidatePhones)},
		{"phone_region", s.PhoneRegion},
		{"unassigned", s.Unassigned},
	}
	// Intercom plans were hashed before targets existed: only another target adds a row, so
	// their inputs hash stays what it was.
	if s.Target != TargetIntercom {
		rows = append(rows, [2]string{"target", s.Target})
	}
	return rows
}
