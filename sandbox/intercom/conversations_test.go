package intercom

import (
	"fmt"
	"testing"
)

func TestConversationCreateAndReplies(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c1")
	msg := e.ok("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": ct},
		"body": "<p>Printer on fire</p>", "created_at": 1500000000})
	convID := msg.str("conversation_id")
	if msg.str("type") != "user_message" || convID == "" || num(msg.json["created_at"]) != 1500000000 {
		t.Fatalf("message %s", msg.body)
	}
	expectError(t, e.do("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": "000000000000000000000000"}, "body": "x"}), 404, "not_found")

	e.ok("POST", "/conversations/"+convID+"/reply", adminReply("101", "Have you tried water?", 1500000100))
	e.ok("POST", "/conversations/"+convID+"/reply", map[string]any{"message_type": "note", "type": "admin", "admin_id": "102",
		"body": "internal", "created_at": 1500000200, "skip_notifications": true})
	e.ok("POST", "/conversations/"+convID+"/reply", map[string]any{"message_type": "comment", "type": "user",
		"user_id": "c1", "body": "It worked", "created_at": 1500000300})
	expectError(t, e.do("POST", "/conversations/"+convID+"/reply", adminReply("999", "x", 1)), 400, "admin_not_found")
	expectError(t, e.do("POST", "/conversations/"+convID+"/reply", map[string]any{"message_type": "comment", "type": "user",
		"intercom_user_id": "nobody", "body": "x"}), 404, "not_found")
	expectError(t, e.do("POST", "/conversations/99999/reply", adminReply("101", "x", 1)), 404, "not_found")

	e.ok("POST", "/conversations/"+convID+"/parts", map[string]any{"message_type": "assignment", "type": "team", "admin_id": "101", "assignee_id": "201"})
	expectError(t, e.do("POST", "/conversations/"+convID+"/parts", map[string]any{"message_type": "assignment", "type": "team", "admin_id": "101", "assignee_id": "999"}), 400, "team_not_found")
	closed := e.ok("POST", "/conversations/"+convID+"/parts", map[string]any{"message_type": "close", "type": "admin", "admin_id": "101"})
	if closed.str("state") != "closed" || closed.json["open"] != false || num(closed.json["team_assignee_id"]) != 201 {
		t.Fatalf("closed %s", closed.body)
	}
	parts := jsonPath(closed.json, "conversation_parts", "conversation_parts").([]any)
	var kinds []string
	for _, p := range parts {
		kinds = append(kinds, fmt.Sprint(p.(map[string]any)["part_type"]))
	}
	if fmt.Sprint(kinds) != "[comment note comment assignment close]" {
		t.Fatalf("parts %v", kinds)
	}
	conv := e.srv.Conversations()[0]
	if conv.Body != "<p>Printer on fire</p>" || conv.CreatedAt != 1500000000 || conv.Parts[0].CreatedAt != 1500000100 ||
		conv.Parts[1].PartType != "note" || !conv.Parts[1].SkipNotifications || conv.Parts[2].AuthorType != "user" ||
		conv.Parts[2].AuthorID != ct || conv.TeamAssigneeID != "201" || conv.State != "closed" {
		t.Fatalf("read back %+v", conv)
	}
	st := e.srv.Stats()
	if st.Created["conversation"] != 1 || st.Created["part"] != 3 || st.Created["state_change"] != 2 {
		t.Fatalf("created %v", st.Created)
	}
}

func TestConversationListEnvelopeAndCursor(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c1")
	for i := range 3 {
		e.conversation(ct, fmt.Sprint("hello ", i), int64(1500000000+i))
	}
	r := e.ok("GET", "/conversations?per_page=2", nil)
	if r.str("type") != "conversation.list" || len(r.list("conversations")) != 2 || r.json["data"] != nil || num(r.json["total_count"]) != 3 {
		t.Fatalf("page 1 %s", r.body)
	}
	if _, hasParts := r.list("conversations")[0]["conversation_parts"]; hasParts {
		t.Fatal("list items carry parts")
	}
	cursor := jsonPath(r.json, "pages", "next", "starting_after").(string)
	r = e.ok("GET", "/conversations?per_page=2&starting_after="+cursor, nil)
	if len(r.list("conversations")) != 1 || jsonPath(r.json, "pages", "next") != nil {
		t.Fatalf("page 2 %s", r.body)
	}
}

func TestConversationShowsThe500MostRecentParts(t *testing.T) {
	e := newEnv(t, nil)
	id := e.conversation(e.contact("c1"), "start", 1500000000)
	e.ok("POST", "/conversations/"+id+"/reply", adminReply("101", "reply 0", 1500000001))
	// The other 519 go in directly: each reply answers the whole
	// conversation, which makes 520 requests needlessly slow.
	e.srv.mu.Lock()
	conv, _ := e.srv.st.conversations.get(id)
	for i := 1; i < 520; i++ {
		conv.Parts, _ = e.srv.addPart(id, conv.Parts, Part{PartType: "comment", AuthorType: "admin", AuthorID: "101",
			Body: fmt.Sprint("reply ", i), CreatedAt: int64(1500000001 + i)})
	}
	e.srv.mu.Unlock()
	r := e.ok("GET", "/conversations/"+id, nil)
	parts := jsonPath(r.json, "conversation_parts", "conversation_parts").([]any)
	first := parts[0].(map[string]any)
	if len(parts) != 500 || first["body"] != "reply 20" || num(jsonPath(r.json, "conversation_parts", "total_count")) != 500 ||
		num(jsonPath(r.json, "statistics", "count_conversation_parts")) != 520 {
		t.Fatalf("%d parts, first %v, counts %v %v", len(parts), first["body"],
			jsonPath(r.json, "conversation_parts", "total_count"), jsonPath(r.json, "statistics", "count_conversation_parts"))
	}
	if n := len(e.srv.Conversations()[0].Parts); n != 520 {
		t.Fatalf("read back %d parts", n)
	}
}

func TestDuplicatesAreCountedNotRefused(t *testing.T) {
	e := newEnv(t, nil)
	ct, other := e.contact("c1"), e.contact("c2")
	conv := e.conversation(ct, "same body", 1500000000)
	e.conversation(ct, "same body", 1500000000)    // duplicate
	e.conversation(ct, "same body", 1500000001)    // other time
	e.conversation(other, "same body", 1500000000) // other contact
	e.ok("POST", "/conversations/"+conv+"/reply", adminReply("101", "r", 1500000100))
	e.ok("POST", "/conversations/"+conv+"/reply", adminReply("101", "r", 1500000100)) // duplicate
	e.ok("POST", "/conversations/"+conv+"/reply", adminReply("102", "r", 1500000100)) // other author
	tt := e.ticketType("Bug", "Customer")
	e.ticket(tt, ct, "Broken", 1500000000)
	e.ticket(tt, ct, "Broken", 1500000000) // duplicate
	e.ticket(tt, other, "Broken", 1500000000)
	e.ticketType("bug", "Customer") // same name: duplicate
	e.ok("POST", "/contacts", map[string]any{"role": "lead", "email": "x@y.test"})
	expectError(t, e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "c1"}), 409, "conflict")

	st := e.srv.Stats()
	want := map[string]int64{"conversation": 1, "part": 1, "ticket": 1, "ticket_type": 1}
	if fmt.Sprint(st.Duplicates) != fmt.Sprint(want) {
		t.Fatalf("duplicates %v", st.Duplicates)
	}
	created := map[string]int64{"contact": 3, "conversation": 4, "part": 3, "ticket": 3, "ticket_type": 2}
	if fmt.Sprint(st.Created) != fmt.Sprint(created) {
		t.Fatalf("created %v", st.Created)
	}
	if len(e.srv.Conversations()) != 4 || len(e.srv.Tickets()) != 3 {
		t.Fatal("duplicates were not created")
	}
	// Deleting frees the key: re-creating after a rollback is no duplicate.
	e.ok("DELETE", "/conversations/"+conv, nil)
	e.conversation(ct, "same body", 1500000000)
	if e.srv.Stats().Duplicates["conversation"] != 1 {
		t.Fatal("a re-created conversation counted as a duplicate")
	}
}
