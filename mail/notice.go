package mail

import (
	"context"
	"time"

	"github.com/phonegate/phonegate"
)

// Notify renders the notice n and queues it, so that an Outbox is the
// domain's phonegate.Mailer.
func (o *Outbox) Notify(ctx context.Context, n phonegate.Notice) error {
	at := n.At
	if at.IsZero() {
		at = o.cfg.Now()
	}
	d := Data{Site: o.cfg.Site, Link: n.Link, Project: n.Project, Role: n.Role, By: n.By, When: when(at),
		OldPhone: n.OldPhone, NewPhone: n.NewPhone, OldLevel: n.OldLevel, NewLevel: n.NewLevel,
		Unclaimed: n.Unclaimed, RecoveryCode: n.RecoveryCode, Factor: n.Factor}
	if !n.Expires.IsZero() {
		d.Expires = when(n.Expires)
	}
	m, err := Render(n.Kind, n.To, d)
	if err != nil {
		return err
	}
	_, err = o.Queue(ctx, m, n.Dedupe)
	return err
}

// when says a time as the messages do: in UTC, to the minute.
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

var _ phonegate.Mailer = (*Outbox)(nil)
