package export

import (
	"encoding/json"
	"fmt"

	"github.com/canhbao/canhbao/models"
)

// writeGeoJSON writes risk.geojson: the map's features with, in their
// properties, the unit's name, tier, flag, probability, score, counts and
// drivers (codes and a sentence-free summary), joined on properties.code.
func writeGeoJSON(path string, d *Data) error {
	var fc struct {
		Type     string           `json:"type"`
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal(d.GeoJSON, &fc); err != nil {
		return fmt.Errorf("map GeoJSON: %w", err)
	}
	names := map[string]string{}
	for _, u := range d.Units {
		names[u.Code] = fullName(u)
	}
	inds := map[string]models.Indicator{}
	for _, in := range d.Indicators {
		inds[in.UnitCode] = in
	}
	for i, f := range fc.Features {
		props, _ := f["properties"].(map[string]any)
		code, _ := props["code"].(string)
		out := map[string]any{"code": code, "name": names[code], "week": d.Week.String()}
		if in, ok := inds[code]; ok {
			out["tier"] = string(in.Tier)
			out["flagged"] = in.Flagged
			out["score"] = finite(in.Score)
			out["expected"] = finite(in.Expected)
			out["qvalue"] = finite(in.QValue)
			if in.Probability >= 0 {
				out["probability"] = in.Probability
			} else {
				out["probability"] = nil
			}
			for k, v := range map[string]float64{"observed": in.Observed, "serious": in.Serious} {
				if d.Public && v > 0 && v < 3 {
					out[k] = "<3"
				} else {
					out[k] = finite(v)
				}
			}
			codes := in.Reasons
			if len(in.Drivers) > 0 {
				codes = nil
				for _, dr := range in.Drivers {
					codes = append(codes, dr.Code)
				}
				out["drivers_detail"] = in.Drivers
			}
			out["drivers"] = joinCodes(codes)
		}
		fc.Features[i]["properties"] = out
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	f, err := create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func joinCodes(c []string) string {
	s := ""
	for i, x := range c {
		if i > 0 {
			s += ","
		}
		s += x
	}
	return s
}

func finite(v float64) any {
	if v != v || v > 1e300 || v < -1e300 {
		return nil
	}
	return v
}
