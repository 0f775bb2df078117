package phonegate_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/phonegate/phonegate"
)

// The password benchmarks use the server's real parameters: the point is
// what one login costs, and how the Hasher's bound on concurrent hashes
// shapes a burst of them.

func BenchmarkHasherHash(b *testing.B) {
	h := phonegate.NewHasher(phonegate.DefaultArgon2)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHasherVerify(b *testing.B) {
	h := phonegate.NewHasher(phonegate.DefaultArgon2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ok, _, err := h.Verify(ctx, "correct horse battery staple", phc)
		if err != nil || !ok {
			b.Fatalf("Verify = %v, %v", ok, err)
		}
	}
}

// BenchmarkHasherVerifyParallel runs more verifications at once than there
// are cores; the Hasher lets GOMAXPROCS of them run, so the time per
// operation should be about the single one divided by GOMAXPROCS, no less.
func BenchmarkHasherVerifyParallel(b *testing.B) {
	h := phonegate.NewHasher(phonegate.DefaultArgon2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, err := h.Verify(ctx, "correct horse battery staple", phc); err != nil || !ok {
				b.Errorf("Verify = %v, %v", ok, err)
				return
			}
		}
	})
}

// BenchmarkKeysCheckCode is the comparison half of a code check: the MAC
// of the typed code against the one the challenge keeps.
func BenchmarkKeysCheckCode(b *testing.B) {
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, phonegate.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	const id = "Zk3q9Xw2Lr8Tn4Vb6Yc1Pd"
	mac := keys.CodeMAC(id, "042917")
	b.ReportAllocs()
	for b.Loop() {
		if !keys.CheckCode(id, "042917", mac) {
			b.Fatal("the right code was refused")
		}
	}
}

// BenchmarkKeysOpen is what the voice webhook does before speaking a code:
// open the sealed copy.
func BenchmarkKeysOpen(b *testing.B) {
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, phonegate.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	const id = "Zk3q9Xw2Lr8Tn4Vb6Yc1Pd"
	sealed := keys.Seal(id, "042917")
	b.ReportAllocs()
	for b.Loop() {
		if code, err := keys.Open(id, sealed); err != nil || code != "042917" {
			b.Fatalf("Open = %q, %v", code, err)
		}
	}
}
