// Package phonegate is the two-factor domain: the Service every way in
// calls (gate decisions, challenges, sends, delivery outcomes, inbound
// SMS, voice calls, enrollment, trust, elevation, members, invitations and
// resets), its records and rules, and the Store, Sender and Mailer it
// needs, defined here where they are used. It knows no HTTP and no SQL,
// and imports no other package of phonegate.
package phonegate
