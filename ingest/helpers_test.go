package ingest

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
)

var (
	geoOnce sync.Once
	geoData *models.Geography
	geoErr  error
	geoRes  *Resolver
)

// testGeo loads the real Hanoi geography once.
func testGeo(tb testing.TB) (*models.Geography, *Resolver) {
	tb.Helper()
	geoOnce.Do(func() {
		geoData, geoErr = geo.LoadDir(filepath.Join("..", "..", "shared", "data", "hanoi"))
		if geoErr == nil {
			geoRes = NewResolver(geoData)
		}
	})
	if geoErr != nil {
		tb.Fatalf("loading geography: %v", geoErr)
	}
	return geoData, geoRes
}

var testKey = []byte("test key: not for production use")
