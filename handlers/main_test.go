package handlers_test

import (
	"os"
	"testing"

	"github.com/phonegate/phonegate/internal/teststore"
)

// TestMain stops the PostgreSQL cluster the tests started, when they run on
// one (PHONEGATE_TEST_POSTGRES=start).
func TestMain(m *testing.M) { os.Exit(teststore.Main(m)) }
