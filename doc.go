// Package phonegate is the two-factor domain: its records, its rules and
// numbers, the Store and Sender it needs (defined here, where they are
// used), password and code hashing, tokens and phone numbers. It knows no
// HTTP and no SQL, and imports no other package of phonegate.
package phonegate
