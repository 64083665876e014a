package main

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/canhbao/canhbao/models"
)

// publisher owns the reports folder:
//
//	reports/<week>/index.html   one folder per published week (WARNING.txt beside it when a threshold was crossed)
//	reports/latest              symlink to the newest week's folder
//	reports/index.html          list of the published weeks
//
// A week is written into reports/.tmp-<week>-*/, synced, and swapped in with
// one atomic rename (renameat2 RENAME_EXCHANGE when the week exists), so a
// reader or a crash never sees half a report. Names starting with "." are
// work in progress; cleanup removes the ones a killed run left behind.
type publisher struct {
	dir  string
	lang string
}

// publishPause is called between the swap of the week folder and the update
// of latest/index.html; tests use it to kill the process there.
type publishPause func(stage string)

func (p publisher) cleanup() error {
	ents, err := os.ReadDir(p.dir)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".tmp-") || strings.HasPrefix(n, ".latest-") || strings.HasPrefix(n, ".index-") {
			if err := os.RemoveAll(filepath.Join(p.dir, n)); err != nil {
				return fmt.Errorf("publish: remove leftover %s: %w", n, err)
			}
		}
	}
	return nil
}

// tempDir makes the folder a week's report is written into.
func (p publisher) tempDir(wk models.Week) (string, error) {
	d, err := os.MkdirTemp(p.dir, ".tmp-"+wk.String()+"-")
	if err != nil {
		return "", fmt.Errorf("publish: reports folder %s is not writable: %w", p.dir, err)
	}
	if err := os.Chmod(d, 0o750); err != nil {
		os.RemoveAll(d)
		return "", fmt.Errorf("publish: %w", err)
	}
	return d, nil
}

// publish swaps tmp in as reports/<wk>, then points latest at the newest
// week and rewrites the index page.
func (p publisher) publish(tmp string, wk models.Week, pause publishPause) error {
	if err := syncTree(tmp); err != nil {
		return fmt.Errorf("publish: sync %s: %w", tmp, err)
	}
	final := filepath.Join(p.dir, wk.String())
	if _, err := os.Lstat(final); err == nil {
		err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, final, unix.RENAME_EXCHANGE)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
			// No atomic exchange on this file system: move the old folder
			// aside first (a short window without the week).
			old := tmp + ".old"
			if err = os.Rename(final, old); err == nil {
				err = os.Rename(tmp, final)
				tmp = old
			}
		}
		if err != nil {
			return fmt.Errorf("publish: swap %s: %w", final, err)
		}
		// tmp now holds the previous version.
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("publish: remove previous %s: %w", wk, err)
		}
	} else if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := syncDir(p.dir); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if pause != nil {
		pause("publish")
	}
	return p.refresh()
}

// weeks lists the published weeks, oldest first.
func (p publisher) weeks() ([]models.Week, error) {
	ents, err := os.ReadDir(p.dir)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	var out []models.Week
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		wk, err := models.ParseWeek(e.Name())
		if err != nil || wk.String() != e.Name() {
			continue
		}
		if _, err := os.Stat(filepath.Join(p.dir, e.Name(), "index.html")); err == nil {
			out = append(out, wk)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, nil
}

// refresh points latest at the newest published week and rewrites index.html.
func (p publisher) refresh() error {
	weeks, err := p.weeks()
	if err != nil {
		return err
	}
	if len(weeks) == 0 {
		return nil
	}
	newest := weeks[len(weeks)-1].String()
	latest := filepath.Join(p.dir, "latest")
	if cur, err := os.Readlink(latest); err != nil || cur != newest {
		tmp := filepath.Join(p.dir, ".latest-"+newest)
		os.Remove(tmp)
		if err := os.Symlink(newest, tmp); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if err := os.Rename(tmp, latest); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("publish: latest: %w", err)
		}
	}
	page, err := p.indexPage(weeks)
	if err != nil {
		return err
	}
	if err := writeFileSynced(filepath.Join(p.dir, "index.html"), ".index-", page, 0o640); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return syncDir(p.dir)
}

type indexEntry struct {
	Week, Monday, Sunday string
	Warning              string
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>body{font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;max-width:900px;margin:0 auto;padding:16px 24px}
li{margin:4px 0}.warn{color:#b2182b}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p><a href="latest/index.html">{{.Latest}}</a></p>
<ul>
{{- range .Weeks}}
<li><a href="{{.Week}}/index.html">{{.Week}}</a> ({{.Monday}} – {{.Sunday}}){{if .Warning}} <span class="warn">⚠ {{.Warning}}</span>{{end}}</li>
{{- end}}
</ul>
</body>
</html>
`))

func (p publisher) indexPage(weeks []models.Week) ([]byte, error) {
	v := struct {
		Lang, Title, Latest string
		Weeks               []indexEntry
	}{Lang: p.lang, Title: "Báo cáo cảnh báo sớm tranh chấp theo tuần", Latest: "Báo cáo mới nhất"}
	warnLabel := "cảnh báo chất lượng dữ liệu (WARNING.txt)"
	if p.lang == "en" {
		v.Title, v.Latest, warnLabel = "Weekly early-warning reports on disputes", "Newest report", "data-quality warning (WARNING.txt)"
	}
	for i := len(weeks) - 1; i >= 0; i-- {
		wk := weeks[i]
		e := indexEntry{Week: wk.String(), Monday: wk.Monday().Format("02/01/2006"), Sunday: wk.Sunday().Format("02/01/2006")}
		if _, err := os.Stat(filepath.Join(p.dir, wk.String(), warningFile)); err == nil {
			e.Warning = warnLabel
		}
		v.Weeks = append(v.Weeks, e)
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("publish: index page: %w", err)
	}
	return buf.Bytes(), nil
}

// warningFile lists the data-quality thresholds a week's run crossed, beside
// the report (whose pages show them as a banner, charts.ReportData.Warnings).
const warningFile = "WARNING.txt"

// writeFileSynced writes path atomically: temp file, fsync, rename.
func writeFileSynced(path, prefix string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), prefix+"*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// syncTree fsyncs every file and folder under dir.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(path)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
