package estimate

import (
	"encoding/json"
	"math"

	"github.com/gomle/gomle/internal/jsonnum"
)

// JSON has no NaN or infinity, and a fit that stops early can have them: a log-likelihood of
// −Inf at a perfect fit, an R² of NaN for a constant outcome. Summary and OLSStats carry such
// numbers as null, and read null back as NaN, as jsonnum does for the tables' entries.

// MarshalJSON writes the summary with null for its non-finite plain numbers.
func (s *Summary) MarshalJSON() ([]byte, error) {
	type plain Summary // without the methods, so that this does not recurse
	return json.Marshal(struct {
		*plain
		Seconds, LogLike, AIC, BIC, Level *float64
	}{(*plain)(s), jsonnum.Num(s.Seconds), jsonnum.Num(s.LogLike), jsonnum.Num(s.AIC), jsonnum.Num(s.BIC), jsonnum.Num(s.Level)})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (s *Summary) UnmarshalJSON(b []byte) error {
	type plain Summary
	aux := struct {
		*plain
		Seconds, LogLike, AIC, BIC, Level *float64
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.Seconds, s.LogLike, s.AIC, s.BIC, s.Level = orNaN(aux.Seconds), orNaN(aux.LogLike), orNaN(aux.AIC), orNaN(aux.BIC), orNaN(aux.Level)
	return nil
}

// MarshalJSON writes the statistics with null for the non-finite ones.
func (st *OLSStats) MarshalJSON() ([]byte, error) {
	type plain OLSStats
	return json.Marshal(struct {
		*plain
		RSS, TSS, RootMSE, R2, AdjR2 *float64
	}{(*plain)(st), jsonnum.Num(st.RSS), jsonnum.Num(st.TSS), jsonnum.Num(st.RootMSE), jsonnum.Num(st.R2), jsonnum.Num(st.AdjR2)})
}

// UnmarshalJSON reads what MarshalJSON writes, null as NaN.
func (st *OLSStats) UnmarshalJSON(b []byte) error {
	type plain OLSStats
	aux := struct {
		*plain
		RSS, TSS, RootMSE, R2, AdjR2 *float64
	}{plain: (*plain)(st)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	st.RSS, st.TSS, st.RootMSE, st.R2, st.AdjR2 = orNaN(aux.RSS), orNaN(aux.TSS), orNaN(aux.RootMSE), orNaN(aux.R2), orNaN(aux.AdjR2)
	return nil
}

// orNaN returns *v, or NaN for nil.
func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}
