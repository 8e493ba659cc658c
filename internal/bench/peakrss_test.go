package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The measured copy must be the binary itself, runnable, and its runs measured after eviction.
func TestMeasuredCopyRunsAsTheBinary(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path, err := measuredCopy(self, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the copy differs from the binary: %d bytes against %d", len(got), len(want))
	}
	run := exec.Command(path, "-test.run=^TestHelperProcessLastsAMoment$")
	run.Env = append(os.Environ(), "DESKPORT_BENCH_HELPER=1")
	peak, err := runMeasured(run)
	if err != nil {
		t.Fatalf("running the copy: %v", err)
	}
	if peak <= 0 {
		t.Errorf("peak %d bytes, want the run's VmHWM", peak)
	}
}

// TestHelperProcessLastsAMoment is the process the test above measures: long enough to be sampled.
func TestHelperProcessLastsAMoment(t *testing.T) {
	if os.Getenv("DESKPORT_BENCH_HELPER") != "1" {
		t.Skip("run by TestMeasuredCopyRunsAsTheBinary")
	}
	time.Sleep(200 * time.Millisecond)
}
