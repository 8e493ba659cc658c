package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// measuredCopy copies the binary into dir for the processes whose peak memory is measured, so no
// other process maps it (the sandboxes run the original), and returns the copy's path.
//
// Part of a process's resident memory is the binary's own pages, mapped from the page cache, and
// how much of the binary a fault maps depends on how its pages came into the cache. A 1,000-ticket
// load run from a binary the Go linker had just written peaked at 106-107 MB, and 97 MB run from
// a plain copy of it (62 against 52 MB of file pages, the same anonymous memory), so `make bench`
// after a rebuild measured every size 10 MB higher than without one: more than most changes
// measured. The measured runs use this copy, and runMeasured evicts its pages from the cache
// before each run, so that every run starts from the same state.
func measuredCopy(bin, dir string) (string, error) {
	src, err := os.Open(bin)
	if err != nil {
		return "", err
	}
	defer src.Close()
	path := filepath.Join(dir, "deskport-measured")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", fmt.Errorf("copying %s: %w", bin, err)
	}
	// Written back, its pages are clean, which is what lets evictPageCache drop them.
	if err := dst.Sync(); err != nil {
		dst.Close()
		return "", fmt.Errorf("copying %s: %w", bin, err)
	}
	return path, dst.Close()
}

// evictPageCache drops a file's clean pages from the page cache; pages a running process maps
// stay.
func evictPageCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("evicting %s from the page cache: %w", path, err)
	}
	return nil
}

// runMeasured runs cmd and returns the peak resident memory of its own address space.
//
// The rusage wait4 reports cannot be used: os/exec starts a child with vfork, so until it execs
// the child runs in this process's memory, and Linux keeps that memory's high-water mark as the
// child's maxrss. Once this process has grown (the staging writer's bench runs DuckDB in it), every
// child measured afterwards would report this process's peak. VmHWM in /proc is the high-water
// mark of the child's own address space since its exec; it only grows, so sampling it often and
// keeping the last value misses at most a rise in the last few milliseconds of the run. The
// binary's pages are evicted from the page cache first (see measuredCopy).
func runMeasured(cmd *exec.Cmd) (peak int64, err error) {
	if err := evictPageCache(cmd.Path); err != nil {
		return 0, err
	}
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
