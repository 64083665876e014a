package charts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// EChartsEnv names the environment variable that may hold the path of
// echarts.min.js.
const EChartsEnv = "CANHBAO_ECHARTS"

// echartsRel is where npm puts the pinned echarts build (package.json pins
// echarts@5.4.3, the version go-echarts v2.6.7 expects).
var echartsRel = filepath.Join("node_modules", "echarts", "dist", "echarts.min.js")

// FindECharts locates and reads echarts.min.js: the explicit path if
// non-empty, else $CANHBAO_ECHARTS, else node_modules/echarts/dist/echarts.min.js
// searched upward from the working directory and then from the executable's
// directory.
func FindECharts(explicit string) ([]byte, error) {
	if explicit != "" {
		return readECharts(explicit)
	}
	if p := os.Getenv(EChartsEnv); p != "" {
		return readECharts(p)
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		if p, ok := searchUp(dir, echartsRel); ok {
			return readECharts(p)
		}
	}
	return nil, fmt.Errorf("charts: %s not found upward from %v and $%s is unset: run `npm ci` in the repository root (package.json pins echarts@5.4.3)",
		echartsRel, starts, EChartsEnv)
}

// searchUp looks for rel in dir and each of its parents.
func searchUp(dir, rel string) (string, bool) {
	for {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func readECharts(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("charts: echarts: %w (run `npm ci` in the repository root)", err)
		}
		return nil, fmt.Errorf("charts: echarts: %w", err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("charts: echarts: %s is empty (run `npm ci` in the repository root)", path)
	}
	return b, nil
}
