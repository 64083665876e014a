package warehouse

import (
	"context"
	"testing"
)

// TestTuneForIngestRestores: the ingest settings apply while a file is
// ingested; afterwards the thread count found before and the default
// memory limit come back, so a weekly run analyses with all its threads
// and memory.
func TestTuneForIngestRestores(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	settings := func() (mem string, threads int) {
		if err := w.DB().QueryRow(`SELECT current_setting('memory_limit'), current_setting('threads')`).Scan(&mem, &threads); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := w.DB().Exec(`SET threads = 3`); err != nil {
		t.Fatal(err)
	}
	mem0, threads0 := settings()
	restore, err := w.TuneForIngest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if mem, threads := settings(); threads != 1 || mem == mem0 {
		t.Fatalf("while ingesting: memory_limit %s threads %d, want the ingest cap and 1 thread", mem, threads)
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if mem, threads := settings(); mem != mem0 || threads != threads0 {
		t.Fatalf("after: memory_limit %s threads %d, want %s %d", mem, threads, mem0, threads0)
	}
}
