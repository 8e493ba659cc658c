package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
)

// TestMapSandbox is the mapping's acceptance: `deskport map` on the sandbox pair (whose Intercom
// workspace lacks every fourth agent and the last group) writes the mapping the golden file pins,
// the file still parses and keeps its other lines, and editing one entry changes the plan.
func TestMapSandbox(t *testing.T) {
	_, url := startSandbox(t, sandbox.Options{Seed: 11, Tickets: 40})
	file := sandboxPipeline(t, url)
	before := readFile(t, file)
	if code, _, stderr := run(t, context.Background(), "map", "--offline", "-p", file); code == 0 || !strings.Contains(stderr, "no target directory") {
		t.Errorf("map --offline before any directory was read: exit %d, %s", code, stderr)
	}
	if readFile(t, file) != before {
		t.Error("a failed map changed the pipeline file")
	}
	for _, args := range [][]string{{"extract", "-p", file}, {"map", "-p", file}} {
		if code, out, stderr := run(t, context.Background(), args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", args[0], code, out, stderr)
		}
	}
	after := readFile(t, file)
	block, rest := cutMapping(after)
	checkGolden(t, filepath.Join("testdata", "map_sandbox.golden"), block)
	if _, was := cutMapping(before); rest != was {
		t.Errorf("map changed lines outside the mapping section:\n--- before:\n%s--- after:\n%s", was, rest)
	}
	if _, err := pipelines.Load(file); err != nil {
		t.Fatalf("the mapped file does not load: %v", err)
	}

	// An unmatched agent, mapped by hand onto an admin, moves its tickets and replies there.
	agent := regexp.MustCompile(`(?m)^    ([^ :]+@[^ :]+): "" # no admin`).FindStringSubmatch(after)
	admin := regexp.MustCompile(`(?m)^    ([^ :]+@[^ :]+): ([^ #]+@[^ #]+)$`).FindStringSubmatch(after)
	if agent == nil || admin == nil {
		t.Fatalf("no unmatched agent or no matched admin in the mapping:\n%s", after)
	}
	defaultAdmin, err := transformedAdmin(t, file, agent[1])
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(after, agent[1]+`: "" # no admin`, agent[1]+": "+admin[2]+" # no admin", 1)
	writeFile(t, file, edited)
	mapped, err := transformedAdmin(t, file, agent[1])
	if err != nil {
		t.Fatal(err)
	}
	if mapped == defaultAdmin {
		t.Errorf("mapping %s onto %s left its records with admin %s", agent[1], admin[2], mapped)
	}
	// Mapping again keeps what the user wrote.
	if code, out, stderr := run(t, context.Background(), "map", "--offline", "-p", file); code != 0 {
		t.Fatalf("map again: exit %d\n%s%s", code, out, stderr)
	}
	if again := readFile(t, file); !strings.Contains(again, agent[1]+": "+admin[2]) {
		t.Errorf("map again dropped the edited entry:\n%s", again)
	}

	// A name the workspace does not have is an error naming the file and line.
	writeFile(t, file, strings.Replace(after, agent[1]+`: ""`, agent[1]+": nobody@nowhere.example", 1))
	code, _, stderr := run(t, context.Background(), "transform", "--offline", "-p", file)
	line := strings.Count(after[:strings.Index(after, agent[1]+`: ""`)], "\n") + 1
	if want := filepath.Base(file) + ":" + strconv.Itoa(line) + ": mapping.agents." + agent[1] + `: no admin with the email "nobody@nowhere.example"`; code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want it to contain %q", code, stderr, want)
	}
}

// cutMapping splits a pipeline file into its mapping block (the key, the comment right above it
// and its value) and the rest.
func cutMapping(text string) (block, rest string) {
	lines := strings.SplitAfter(text, "\n")
	at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "mapping:") })
	if at < 0 {
		return "", text
	}
	from := at
	for from > 0 && strings.HasPrefix(lines[from-1], "#") {
		from--
	}
	to := at + 1
	for to < len(lines) && (lines[to] == "" || strings.HasPrefix(lines[to], " ") || strings.HasPrefix(lines[to], "\n") ||
		(strings.HasPrefix(lines[to], "#") && !nextIsKey(lines[to:]))) {
		to++
	}
	for to > at+1 && strings.TrimSpace(lines[to-1]) == "" {
		to--
	}
	return strings.Join(lines[from:to], ""), strings.Join(lines[:from], "") + strings.Join(lines[to:], "")
}

// nextIsKey reports whether the comment lines starting lines lead to a top-level key.
func nextIsKey(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") {
			return l != "" && l != "\n" && !strings.HasPrefix(l, " ")
		}
	}
	return false
}

// transformedAdmin plans offline and returns the admin the agent's records go to.
func transformedAdmin(t *testing.T, file, email string) (string, error) {
	t.Helper()
	if code, out, stderr := run(t, context.Background(), "transform", "--offline", "-p", file); code != 0 {
		t.Fatalf("transform: exit %d\n%s%s", code, out, stderr)
	}
	db := openStaging(t, file)
	defer db.Close()
	var id string
	err := db.QueryRow(`SELECT m.target_id FROM transform_mapping m JOIN agents a ON a.source_id = m.source_id
		WHERE m.kind = 'agent' AND lower(a.email) = ?`, email).Scan(&id)
	if err != nil {
		return "", err
	}
	var parts int
	err = db.QueryRow(`SELECT count(*) FROM plan_ops o JOIN comments c ON c.source_id = o.source_id JOIN agents a ON a.source_id = c.author_id
		WHERE o.kind = 'part' AND lower(a.email) = ? AND (o.payload->>'admin_id') <> ?`, email, id).Scan(&parts)
	if err == nil && parts > 0 {
		t.Errorf("%d replies of %s are not by admin %s", parts, email, id)
	}
	return id, err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestMapSandbox -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (rerun with -update and review the diff)\n--- got:\n%s", golden, got)
	}
}
