package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// Verify services of the verification tests.
const (
	serviceA = "VA00000000000000000000000000000001"
	serviceB = "VA00000000000000000000000000000002"
)

// verifyProject makes the project of the verification tests, with the
// services serviceA and serviceB.
func verifyProject(t *testing.T, db phonegate.Store) phonegate.Project {
	t.Helper()
	ctx := context.Background()
	_, p, _ := twoProjects(t, db)
	for _, sid := range []string{serviceA, serviceB} {
		v := phonegate.VerifyService{SID: sid, ProjectID: p.ID, FriendlyName: "Apollo", CodeLength: 6, CreatedAt: t0, UpdatedAt: t0}
		if err := db.AddVerifyService(ctx, v, "", t0); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// verificationOf is a new verification of service to phone, made at at.
func verificationOf(projectID int64, service, phone string, n int, at time.Time) phonegate.Challenge {
	id := fmt.Sprintf("VE%032x", n)
	return phonegate.Challenge{
		ID:          id,
		SessionHash: []byte("verification " + id),
		Purpose:     phonegate.PurposeVerify,
		Label:       "Apollo",
		Phone:       phone,
		CodeMAC:     rightMAC,
		CodeSealed:  []byte("sealed"),
		CreatedAt:   at,
		ExpiresAt:   at.Add(phonegate.ChallengeLife),
		ServiceSID:  service,
		ProjectID:   projectID,
	}
}

// startedVerification opens a store with verifyProject's project and one
// verification of serviceA to phoneA, sent by SMS at t0.
func startedVerification(t *testing.T, open opener) (phonegate.Store, phonegate.Project, phonegate.Challenge) {
	t.Helper()
	db := open(t)
	p := verifyProject(t, db)
	c := verificationOf(p.ID, serviceA, phoneA, 1, t0)
	if _, err := startVerification(db, c); err != nil {
		t.Fatal(err)
	}
	return db, p, c
}

// startVerification stores c with its first send by SMS.
func startVerification(db phonegate.Store, c phonegate.Challenge) (phonegate.Delivery, error) {
	return db.StartVerification(context.Background(), c, phonegate.SendRequest{Channel: phonegate.ChannelSMS,
		To: c.Phone, Now: c.CreatedAt, Caps: phonegate.DailyCaps{SMS: 10_000, Calls: 10_000}})
}

func testStartVerification(t *testing.T, open opener) {
	ctx := context.Background()
	db := open(t)
	p := verifyProject(t, db)
	first := verificationOf(p.ID, serviceA, phoneA, 1, t0)
	d, err := startVerification(db, first)
	if err != nil {
		t.Fatal(err)
	}
	if d.ChallengeID != first.ID || d.Channel != phonegate.ChannelSMS {
		t.Errorf("first delivery = %+v, want an SMS of %s", d, first.ID)
	}
	got, err := db.LatestVerification(ctx, serviceA, phoneA)
	if err != nil || got.ID != first.ID || got.UserID != 0 || got.ProjectID != p.ID || got.ServiceSID != serviceA || got.Sends != 1 {
		t.Fatalf("LatestVerification = %+v, %v; want %s of project %d with one send", got, err, first.ID, p.ID)
	}
	tests := []struct {
		name string
		c    phonegate.Challenge
		want error
	}{
		{"same number, same service", verificationOf(p.ID, serviceA, phoneA, 2, t0.Add(time.Minute)), phonegate.ErrConflict},
		{"same number, other service", verificationOf(p.ID, serviceB, phoneA, 3, t0.Add(time.Minute)), nil},
		{"other number", verificationOf(p.ID, serviceA, phoneX, 4, t0.Add(time.Minute)), nil},
		{"same number once the first expired", verificationOf(p.ID, serviceA, phoneA, 5, t0.Add(phonegate.ChallengeLife)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := startVerification(db, tt.c); !errors.Is(err, tt.want) {
				t.Errorf("StartVerification = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := db.LatestVerification(ctx, serviceA, phoneY); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("LatestVerification of a number without any = %v, want ErrNotFound", err)
	}
}

func testVerificationSends(t *testing.T, open opener) {
	db, _, c := startedVerification(t, open)
	// Verify has no wait between sends; the fifth is the last.
	for i := 2; i <= phonegate.MaxChallengeSends+1; i++ {
		channel := phonegate.ChannelCall
		if i%2 == 0 {
			channel = phonegate.ChannelSMS
		}
		_, err := db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: channel, To: phoneA,
			Now: t0.Add(time.Duration(i) * time.Second), Caps: phonegate.DailyCaps{SMS: 100, Calls: 100}})
		var le *phonegate.SendLimitError
		switch {
		case i <= phonegate.MaxChallengeSends && err != nil:
			t.Fatalf("send %d: %v, want it sent", i, err)
		case i > phonegate.MaxChallengeSends && (!errors.As(err, &le) || le.Reason != phonegate.LimitChallenge):
			t.Fatalf("send %d: %v, want the challenge's limit", i, err)
		}
	}
	ds, err := db.Deliveries(context.Background(), c.ID)
	if got, want := len(ds), phonegate.MaxChallengeSends; err != nil || got != want {
		t.Errorf("deliveries = %d, %v; want %d", got, err, want)
	}
}

func testVerificationChecks(t *testing.T, open opener) {
	wrong := []byte("mac-of-a-wrong-code")
	tests := []struct {
		name        string
		wrong       int
		after       time.Duration
		wantChecked bool
		wantState   string
	}{
		{"right at once", 0, 0, true, phonegate.ChallengeUsed},
		{"4 wrong then right", 4, 0, true, phonegate.ChallengeUsed},
		{"5 wrong then right", 5, 0, false, phonegate.ChallengeDead},
		{"right at 9:59", 0, phonegate.ChallengeLife - time.Second, true, phonegate.ChallengeUsed},
		{"right at 10:00", 0, phonegate.ChallengeLife, false, phonegate.ChallengePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, _, c := startedVerification(t, open)
			for i := range tt.wrong {
				got, checked, err := db.CheckVerification(ctx, c.ID, wrong, t0)
				if err != nil || !checked || got.Checks != i+1 {
					t.Fatalf("wrong check %d = %d checks, %v, %v; want it counted", i+1, got.Checks, checked, err)
				}
			}
			got, checked, err := db.CheckVerification(ctx, c.ID, rightMAC, t0.Add(tt.after))
			if err != nil || checked != tt.wantChecked || got.State != tt.wantState {
				t.Errorf("right check = %s, %v, %v; want %s, %v", got.State, checked, err, tt.wantState, tt.wantChecked)
			}
			if got.State != phonegate.ChallengePending && len(got.CodeSealed) != 0 {
				t.Error("the sealed code outlived the verification")
			}
		})
	}
	db := open(t)
	if _, _, err := db.CheckVerification(context.Background(), "VE404", rightMAC, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("check of an unknown verification = %v, want ErrNotFound", err)
	}
}

func testConcurrentVerificationChecks(t *testing.T, open opener) {
	db, _, c := startedVerification(t, open)
	won := race(t, 50, func(int) (bool, error) {
		got, checked, err := db.CheckVerification(context.Background(), c.ID, rightMAC, t0)
		return checked && got.State == phonegate.ChallengeUsed, err
	})
	if won != 1 {
		t.Errorf("%d of 50 concurrent right checks passed, want exactly 1", won)
	}
}

func testEndVerification(t *testing.T, open opener) {
	ctx := context.Background()
	db := open(t)
	p := verifyProject(t, db)
	for i, state := range []string{phonegate.ChallengeCancelled, phonegate.ChallengeUsed} {
		c := verificationOf(p.ID, serviceA, fmt.Sprintf("+1415555010%d", i), i+1, t0)
		if _, err := startVerification(db, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.EndVerification(ctx, c.ID, state, t0)
		if err != nil || got.State != state || len(got.CodeSealed) != 0 {
			t.Errorf("EndVerification(%s) = %s, %v; want %s, code wiped", state, got.State, err, state)
		}
		if _, err := db.EndVerification(ctx, c.ID, state, t0); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("EndVerification(%s) again = %v, want ErrNotFound", state, err)
		}
	}
	late := verificationOf(p.ID, serviceA, phoneA, 9, t0)
	if _, err := startVerification(db, late); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EndVerification(ctx, late.ID, phonegate.ChallengeCancelled, t0.Add(phonegate.ChallengeLife)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("EndVerification of an expired one = %v, want ErrNotFound", err)
	}
}

func testVerificationsListed(t *testing.T, open opener) {
	ctx := context.Background()
	db := open(t)
	p := verifyProject(t, db)
	for i := range 4 {
		c := verificationOf(p.ID, serviceA, fmt.Sprintf("+1415555010%d", i), i+1, t0.Add(time.Duration(i)*time.Minute))
		if _, err := startVerification(db, c); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, _, err := db.CheckVerification(ctx, c.ID, rightMAC, c.CreatedAt); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := startVerification(db, verificationOf(p.ID, serviceB, phoneA, 9, t0)); err != nil {
		t.Fatal(err)
	}
	cs, err := db.Verifications(ctx, serviceA, 3)
	if err != nil || len(cs) != 3 || cs[0].ID != fmt.Sprintf("VE%032x", 4) {
		t.Fatalf("Verifications = %d, %v; want 3, newest first", len(cs), err)
	}
	created, approved, err := db.CountVerifications(ctx, serviceA, t0.Add(time.Minute))
	if err != nil || created != 3 || approved != 1 {
		t.Errorf("CountVerifications = %d, %d, %v; want 3 created, 1 approved", created, approved, err)
	}
}

func testNoCancelsVerifications(t *testing.T, open opener) {
	ctx := context.Background()
	db, p, c := startedVerification(t, open)
	if n, err := db.CancelPendingForPhone(ctx, phoneA, t0); err != nil || n != 1 {
		t.Fatalf("CancelPendingForPhone = %d, %v; want 1", n, err)
	}
	got, err := db.LatestVerification(ctx, serviceA, phoneA)
	if err != nil || got.State != phonegate.ChallengeCancelled {
		t.Errorf("after NO the verification is %s, %v; want cancelled", got.State, err)
	}
	es := allAudit(t, db, p.ID)
	if len(es) == 0 || es[0].Kind != "verification.canceled" || !bytes.Contains([]byte(es[0].Detail), []byte(c.ID)) {
		t.Errorf("project audit = %+v, want verification.canceled naming %s", es, c.ID)
	}
}

func testDeleteServiceDeletesVerifications(t *testing.T, open opener) {
	ctx := context.Background()
	db, p, c := startedVerification(t, open)
	if err := db.DeleteVerifyService(ctx, p.ID, serviceA, "", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Challenge(ctx, c.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the verification of a deleted service: %v, want ErrNotFound", err)
	}
	if ds, err := db.Deliveries(ctx, c.ID); err != nil || len(ds) != 0 {
		t.Errorf("its deliveries = %v, %v; want none", ds, err)
	}
}
