package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testDevPhone(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	in := []phonegate.DevPhoneEntry{
		{Kind: "sms", SID: "SMdev1", To: phoneA, Body: "sealed body", Callback: "http://x/twilio/sms/status?d=d1", CreatedAt: t0},
		{Kind: "call", SID: "CAdev1", To: phoneA, URL: "http://x/twilio/voice?d=d2", Callback: "http://x/twilio/voice/status?d=d2", CreatedAt: t0.Add(time.Second)},
		{Kind: "sms", SID: "SMdev2", To: phoneA, Body: "sealed STOP", CreatedAt: t0.Add(2 * time.Second), Direction: phonegate.DevPhoneIn},
	}
	for i := range in {
		got, err := db.AddDevPhone(ctx, in[i])
		if err != nil {
			t.Fatal(err)
		}
		in[i].ID = got.ID
		if in[i].Direction == "" {
			in[i].Direction = phonegate.DevPhoneOut // what the server sent, unless said otherwise
		}
		if diff := cmp.Diff(in[i], got); diff != "" {
			t.Errorf("AddDevPhone (-want +got):\n%s", diff)
		}
	}
	if _, err := db.AddDevPhone(ctx, in[0]); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("same SID twice: err = %v, want ErrConflict", err)
	}
	got, err := db.DevPhoneEntries(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]phonegate.DevPhoneEntry{in[2], in[1], in[0]}, got); diff != "" {
		t.Errorf("DevPhoneEntries, newest first (-want +got):\n%s", diff)
	}
	one, err := db.DevPhoneEntry(ctx, in[0].ID)
	if err != nil || one.SID != "SMdev1" {
		t.Errorf("DevPhoneEntry = %+v, %v", one, err)
	}
	if _, err := db.DevPhoneEntry(ctx, 999); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown entry: err = %v, want ErrNotFound", err)
	}
}
