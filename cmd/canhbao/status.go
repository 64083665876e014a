package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// runStatus handles "status [--config F] [--runs N]": the run lock, the
// last runs and their outcome, what waits in the inbox, the published weeks.
func (m *Main) runStatus(ctx context.Context, args []string) error {
	fs := m.newFlags("status")
	cfgPath := fs.String("config", "canhbao.toml", "configuration file")
	n := fs.Int("runs", 10, "how many of the last runs to show")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	cfg, err := m.loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	out := m.Stdout
	if h, held := readLockFile(cfg.Paths.Lock); held {
		fmt.Fprintf(out, "lock: held by pid %d since %s\n", h.PID, h.Started.In(hoChiMinh).Format(time.DateTime))
	} else if h.PID != 0 {
		fmt.Fprintf(out, "lock: stale (pid %d is gone); the next run takes it over\n", h.PID)
	} else {
		fmt.Fprintln(out, "lock: free")
	}

	w, err := warehouse.Open(ctx, cfg.Paths.DB)
	switch {
	case errors.Is(err, warehouse.ErrBusy):
		fmt.Fprintf(out, "runs: the warehouse %s is open in another process (a run in progress?)\n", cfg.Paths.DB)
	case err != nil:
		return err
	default:
		runs, err := w.BatchRuns(ctx, *n)
		w.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "last %d runs (newest first, times UTC+7):\n", len(runs))
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  run\tweek\tstatus\tstarted\tseconds\tfiles\trejected\tflagged\tmessage")
		for _, r := range runs {
			var c runCounts
			json.Unmarshal([]byte(r.Counts), &c)
			secs := "-"
			if !r.FinishedAt.IsZero() {
				secs = fmt.Sprintf("%.1f", r.FinishedAt.Sub(r.StartedAt).Seconds())
			}
			msg := r.Message
			if len(msg) > 100 {
				msg = msg[:100] + "..."
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.RunID, r.Week, r.Status,
				r.StartedAt.In(hoChiMinh).Format(time.DateTime), secs, c.FilesIngested, c.FilesRejected, c.Flagged, msg)
		}
		tw.Flush()
	}

	names, err := inboxFiles(cfg.Paths.Inbox)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	fmt.Fprintf(out, "inbox %s: %d files pending\n", cfg.Paths.Inbox, len(names))
	for _, nm := range names {
		if st, err := os.Stat(filepath.Join(cfg.Paths.Inbox, nm)); err == nil {
			fmt.Fprintf(out, "  %s\t%d bytes\t%s\n", nm, st.Size(), st.ModTime().In(hoChiMinh).Format(time.DateTime))
		}
	}
	pub := publisher{dir: cfg.Paths.Reports}
	if weeks, err := pub.weeks(); err == nil && len(weeks) > 0 {
		latest, _ := os.Readlink(filepath.Join(cfg.Paths.Reports, "latest"))
		fmt.Fprintf(out, "reports %s: %d weeks published, %s..%s; latest -> %s\n", cfg.Paths.Reports, len(weeks),
			weeks[0], weeks[len(weeks)-1], latest)
	} else {
		fmt.Fprintf(out, "reports %s: none published\n", cfg.Paths.Reports)
	}
	return nil
}
