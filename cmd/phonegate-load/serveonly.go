package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// serveOnly leaves the seeded phonegate and the baseline running for
// another tool (wrk, say) to measure side by side, and writes a wrk script
// for each route: a signed request with a fixed delivery and body, so that
// the signature is fixed too. It returns when ctx ends or after d.
func (r *runner) serveOnly(ctx context.Context, d time.Duration) error {
	call, sms := r.seed.Voice[0], r.seed.Status[0]
	scripts := []struct{ name, path, body, sig string }{}
	for _, t := range []struct {
		name string
		it   item
	}{
		{"voice", item{path: "/twilio/voice?d=" + call.ID, form: voiceForm(callSID(0), call.To)}},
		// A replayed status: every request is the same, so it changes
		// nothing after the first, as wrk would send it.
		{"status", item{path: "/twilio/sms/status?d=" + sms.ID, form: smsStatusForm(messageSID(0), sms.To, "sent")}},
	} {
		for _, tg := range []target{r.baseTarget(), r.pgTarget()} {
			scripts = append(scripts, struct{ name, path, body, sig string }{
				name: t.name + "-" + tg.name, path: tg.base + t.it.path, body: t.it.form.Encode(),
				sig: twilioSignature(tg.token, tg.base+t.it.path, t.it.form),
			})
		}
	}
	fmt.Fprintf(r.out, "\nbaseline  %s (pids %v)\nphonegate %s (pids %v), %s database %s\n\n",
		r.baseFront, pids(r.bases), r.pgFront, pids(r.pgs), storeName(r.db), r.db)
	for _, s := range scripts {
		lua := filepath.Join(r.dir, s.name+".lua")
		script := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %s\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nwrk.headers[\"X-Twilio-Signature\"] = %s\n",
			strconv.Quote(s.body), strconv.Quote(s.sig))
		if err := os.WriteFile(lua, []byte(script), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "wrk -t2 -c64 -d10s --latency -s %s '%s'\n", lua, s.path)
	}
	if err := r.forwardWrk(); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "\nserving for %v or until interrupted\n", d)
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	return nil
}
