package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// runLock is the one-run-at-a-time lock of `canhbao run`: a file created
// with O_EXCL holding "pid start-time", and flock-ed while held so that the
// kernel tells a live holder from a dead one (a pid alone can be reused).
type runLock struct {
	path string
	f    *os.File
}

// lockHolder is what a lock file says.
type lockHolder struct {
	PID     int
	Started time.Time
}

// busyError names the run holding the lock; it matches warehouse.ErrBusy,
// so it maps to exit code 4 (exitBusy).
type busyError struct {
	path   string
	holder lockHolder
}

func (e *busyError) Error() string {
	when := "unknown start time"
	if !e.holder.Started.IsZero() {
		when = "started " + e.holder.Started.Format(time.RFC3339)
	}
	return fmt.Sprintf("busy: another run holds %s (pid %d, %s)", e.path, e.holder.PID, when)
}

func (e *busyError) Is(target error) bool { return target == warehouse.ErrBusy }

// acquireLock takes the lock at path. A lock left by a dead process is taken
// over (staleTakeover is called with its holder); one held by a live process
// gives a *busyError.
func acquireLock(path string, now time.Time, staleTakeover func(lockHolder)) (*runLock, error) {
	for attempt := 0; attempt < 5; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
				// Someone opened our fresh file to judge it; treat as busy.
				f.Close()
				os.Remove(path)
				return nil, &busyError{path: path}
			}
			body := fmt.Sprintf("%d %s\n", os.Getpid(), now.UTC().Format(time.RFC3339Nano))
			if _, err := f.WriteString(body); err == nil {
				err = f.Sync()
			}
			if err != nil {
				f.Close()
				os.Remove(path)
				return nil, fmt.Errorf("lock %s: %w", path, err)
			}
			return &runLock{path: path, f: f}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		g, err := os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		h := readHolder(g)
		if err := syscall.Flock(int(g.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			g.Close()
			return nil, &busyError{path: path, holder: h}
		}
		// We hold the flock, so no live run holds this file, unless its
		// holder is between O_EXCL and flock: then its pid is alive and the
		// file may still be empty.
		young := false
		if st, err := g.Stat(); err == nil {
			young = time.Since(st.ModTime()) < time.Minute
		}
		if young && (h.PID == 0 || (h.PID != os.Getpid() && pidAlive(h.PID))) {
			g.Close()
			return nil, &busyError{path: path, holder: h}
		}
		if !samePath(g, path) {
			g.Close()
			continue
		}
		staleTakeover(h)
		os.Remove(path)
		g.Close()
	}
	return nil, fmt.Errorf("lock %s: could not take the lock after 5 attempts", path)
}

// release removes the lock file, then drops the flock.
func (l *runLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(l.path)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// readLockFile reads the holder of a lock file; ok=false when there is none.
func readLockFile(path string) (h lockHolder, held bool) {
	f, err := os.Open(path)
	if err != nil {
		return h, false
	}
	defer f.Close()
	h = readHolder(f)
	// A holder keeps the flock; if we can take it, the lock is stale.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return h, false
	}
	return h, true
}

func readHolder(f *os.File) lockHolder {
	var h lockHolder
	b := make([]byte, 128)
	n, _ := f.ReadAt(b, 0)
	fields := strings.Fields(string(b[:n]))
	if len(fields) >= 1 {
		h.PID, _ = strconv.Atoi(fields[0])
	}
	if len(fields) >= 2 {
		h.Started, _ = time.Parse(time.RFC3339Nano, fields[1])
	}
	return h
}

func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
