package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// runMeasured runs cmd and returns the peak resident memory of its own address space.
//
// The rusage wait4 reports cannot be used: os/exec starts a child with vfork, so until it execs
// the child runs in this process's memory, and Linux keeps that memory's high-water mark as the
// child's maxrss. Once this process has grown (the staging writer's bench runs DuckDB in it), every
// child measured afterwards would report this process's peak. VmHWM in /proc is the high-water
// mark of the child's own address space since its exec; it only grows, so sampling it often and
// keeping the last value misses at most a rise in the last few milliseconds of the run.
func runMeasured(cmd *exec.Cmd) (peak int64, err error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return peak, err
		case <-tick.C:
			if hwm, ok := vmHWM(cmd.Process.Pid); ok && hwm > peak {
				peak = hwm
			}
		}
	}
}

// vmHWM reads a process's peak resident set size, in bytes.
func vmHWM(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}
