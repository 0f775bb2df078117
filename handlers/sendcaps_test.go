package handlers_test

import "github.com/phonegate/phonegate/store"

// seedCaps lift the global daily caps for benchmarks that store more
// deliveries than a day may send.
var seedCaps = store.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}
