package phonegate

import (
	"context"
	"time"
)

// RecentVerifications is how many verifications a service's page lists.
const RecentVerifications = 50

// VerificationRate is the conversion of a service's verifications over a
// window: how many were created and how many of those were approved. A
// rate that falls is the sign of SMS pumping that Twilio tells its
// customers to watch: codes sent to numbers nobody holds.
type VerificationRate struct {
	Window            time.Duration
	Created, Approved int
}

// Percent is the share of created verifications that were approved, in
// whole percent; 0 when none was created.
func (r VerificationRate) Percent() int {
	if r.Created == 0 {
		return 0
	}
	return r.Approved * 100 / r.Created
}

// VerificationActivity is what a Verify service's page shows: its newest
// verifications with their sends, and its conversion over the last hour
// and the last day.
type VerificationActivity struct {
	Service   VerifyService
	Recent    []Verification
	Hour, Day VerificationRate
}

// VerificationActivity returns the activity of the Verify service sid of
// project projectID, for the members of the project to watch; a service
// of another project is ErrNotFound, as a missing one is.
func (s *Service) VerificationActivity(ctx context.Context, projectID int64, sid string) (VerificationActivity, error) {
	svc, err := s.store.VerifyService(ctx, projectID, sid)
	if err != nil {
		return VerificationActivity{}, err
	}
	cs, err := s.store.Verifications(ctx, svc.SID, RecentVerifications)
	if err != nil {
		return VerificationActivity{}, err
	}
	a := VerificationActivity{Service: svc, Recent: make([]Verification, 0, len(cs))}
	for _, c := range cs {
		v, err := s.verificationOf(ctx, c)
		if err != nil {
			return VerificationActivity{}, err
		}
		a.Recent = append(a.Recent, v)
	}
	if a.Hour, err = s.verificationRate(ctx, svc.SID, time.Hour); err != nil {
		return VerificationActivity{}, err
	}
	if a.Day, err = s.verificationRate(ctx, svc.SID, 24*time.Hour); err != nil {
		return VerificationActivity{}, err
	}
	return a, nil
}

// verificationRate is the conversion of a service over the window that
// ends now.
func (s *Service) verificationRate(ctx context.Context, serviceSID string, window time.Duration) (VerificationRate, error) {
	r := VerificationRate{Window: window}
	var err error
	r.Created, r.Approved, err = s.store.CountVerifications(ctx, serviceSID, s.now().Add(-window))
	return r, err
}
