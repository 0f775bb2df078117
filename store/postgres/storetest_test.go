package postgres_test

import (
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/storetest"
)

// TestStore runs the behaviour every store must show on a fresh PostgreSQL database per test.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) phonegate.Store { return open(t) })
}
