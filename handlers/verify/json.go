package verify

import (
	"time"
)

// dateLayout is how Verify v2 writes its dates: ISO 8601 in UTC, to the
// second ("2015-07-30T20:00:00Z"), which twilio-go decodes into time.Time.
const dateLayout = "2006-01-02T15:04:05Z"

// date writes t as Verify v2 does.
func date(t time.Time) string { return t.UTC().Format(dateLayout) }

// optDate writes t as Verify v2 does, null for the zero time.
func optDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := date(t)
	return &s
}
