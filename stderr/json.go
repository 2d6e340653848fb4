package stderr

import (
	"encoding/json"

	"github.com/gomle/gomle/internal/jsonnum"
)

// MarshalJSON writes the estimates as JSON: the model's name, Kind as its name ("Robust"),
// the labels, values, standard errors, statistics, p-values and intervals, the covariance as
// an array of rows (natural scale, in the order of Labels), the level, the degrees of freedom,
// the eform marks and the bootstrap summary, with NaN and infinite numbers as null. The fit
// (Result) is not repeated: marshal it on its own.
func (e *Estimates) MarshalJSON() ([]byte, error) {
	model := ""
	if e.Result != nil && e.Result.Model != nil {
		model = e.Result.Model.Name
	}
	kind := ""
	if e.Kind != nil {
		kind = e.Kind.String()
	}
	var boot *bootstrapJSON
	if b := e.Bootstrap; b != nil {
		boot = &bootstrapJSON{b.Reps, b.Failed, jsonnum.Vec(b.Lower), jsonnum.Vec(b.Upper), b.Iterations, b.Calls}
	}
	return json.Marshal(struct {
		Model, Kind                    string
		Labels                         []string
		Params, SE, Z, P, Lower, Upper []*float64
		Cov                            [][]*float64
		Level                          float64
		DF                             int            `json:",omitempty"`
		EForm                          string         `json:",omitempty"`
		Exponentiated                  []bool         `json:",omitempty"`
		Bootstrap                      *bootstrapJSON `json:",omitempty"`
	}{model, kind, e.Labels, jsonnum.Vec(e.Params), jsonnum.Vec(e.SE), jsonnum.Vec(e.Z), jsonnum.Vec(e.P),
		jsonnum.Vec(e.Lower), jsonnum.Vec(e.Upper), jsonnum.Matrix(e.Cov), e.Level, e.DF, e.EForm, e.Exponentiated, boot})
}

// bootstrapJSON is BootstrapSummary with null for NaN bounds.
type bootstrapJSON struct {
	Reps, Failed      int
	Lower, Upper      []*float64
	Iterations, Calls int
}

// MarshalJSON writes the marginal effects as JSON: the prediction (Response), the point (At,
// "" for averages), the covariance kind and level of the estimates they derive from, one
// entry per row in Outcomes, Labels, Effect, SE, Z, P, Lower and Upper, and their delta-method
// covariance as an array of rows, with NaN and infinite numbers as null.
func (me *Margins) MarshalJSON() ([]byte, error) {
	kind, level, df := "", 0.0, 0
	if e := me.Estimates; e != nil {
		level, df = e.Level, e.DF
		if e.Kind != nil {
			kind = e.Kind.String()
		}
	}
	return json.Marshal(struct {
		Response, At, Kind             string
		Level                          float64
		DF                             int `json:",omitempty"`
		Outcomes, Labels               []string
		Effect, SE, Z, P, Lower, Upper []*float64
		Cov                            [][]*float64
	}{me.Response, me.At, kind, level, df, me.Outcomes, me.Labels, jsonnum.Vec(me.Effect), jsonnum.Vec(me.SE),
		jsonnum.Vec(me.Z), jsonnum.Vec(me.P), jsonnum.Vec(me.Lower), jsonnum.Vec(me.Upper), jsonnum.Matrix(me.Cov)})
}
